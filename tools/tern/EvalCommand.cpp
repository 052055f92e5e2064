//===- EvalCommand.cpp - `tern eval` options ------------------------------===//
//
// Compiles a model in memory and reports its accuracy on a dataset directory
// (lib/Driver/Eval.h). Optional bounds make it usable as a test.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "NoiseFlags.h"
#include "QuantFlags.h"

#include "tern/Driver/Compile.h"
#include "tern/Driver/Eval.h"

#include "runtime/io/Tensor.h"

#include <cstring>
using namespace llvm;

namespace {
cl::SubCommand evalCmd("eval",
                       "Compile a model and measure its accuracy on the "
                       "simulator against a dataset and FP32 references");
cl::opt<std::string> input(cl::Positional,
                           cl::desc("<model.onnx | model.mlir>"),
                           cl::Required, cl::sub(evalCmd));
cl::opt<std::string> dataset("dataset",
                             cl::desc("Directory with inputs.npy and any of "
                                      "labels.npy, targets.npy, "
                                      "reference.npy"),
                             cl::value_desc("dir"), cl::Required,
                             cl::sub(evalCmd));
cl::opt<std::string> target("target", cl::desc("Target preset name or .json"),
                            cl::init("tern-edge"), cl::sub(evalCmd));
tern::tool::QuantFlags quantFlags(evalCmd);
cl::opt<std::string>
    precision("precision", cl::desc("Precision policy (bf16, tataa, qdq, int-only, int8-max, auto)"),
              cl::init("bf16"), cl::sub(evalCmd));
cl::list<std::string> inputShapes("input-shape",
                                  cl::desc("Static shape of an ONNX input"),
                                  cl::value_desc("name=shape"),
                                  cl::sub(evalCmd));
cl::opt<unsigned> cores(
    "cores",
    cl::desc("Partition the program across this many of the target's cores "
             "(as tern compile --cores; default 1)"),
    cl::value_desc("N"), cl::init(1), cl::sub(evalCmd));
cl::opt<int64_t> limit("limit", cl::desc("Evaluate at most N samples"),
                       cl::init(0), cl::sub(evalCmd));
cl::opt<double> minAgreement(
    "min-top1-agreement",
    cl::desc("Fail if top-1 agreement with the reference is lower"),
    cl::init(-1.0), cl::sub(evalCmd));
cl::opt<double> maxRelativeL2(
    "max-relative-l2",
    cl::desc("Fail if the relative L2 error vs the reference is higher"),
    cl::init(-1.0), cl::sub(evalCmd));

cl::opt<double> maxRmseIncrease(
    "max-rmse-increase",
    cl::desc("Fail if the RMSE exceeds the FP32 reference's RMSE by more "
             "than this fraction (0.02: 2%)"),
    cl::init(-1.0), cl::sub(evalCmd));
cl::opt<std::string>
    saveOutputs("save-outputs",
                cl::desc("Write the simulated outputs of all samples, "
                         "concatenated on axis 0 as reference.npy is, to a "
                         "float32 .npy file"),
                cl::value_desc("file.npy"), cl::sub(evalCmd));

tern::tool::NoiseFlags noise(evalCmd);

Error runEval() {
  if (Error e = tern::checkPrecisionPolicy(precision))
    return e;
  auto model = tern::loadModelForCommand(input, inputShapes, "evaluate");
  if (!model)
    return model.takeError();
  tern::CompileOptions options;
  options.target = target;
  options.precision = precision;
  options.cores = cores;
  if (Error e = quantFlags.apply(options))
    return e;
  options.raise = model->imported;
  auto image =
      tern::compileModule(*model->module, options, tern::EmitKind::Program);
  if (failed(image))
    return createStringError(inconvertibleErrorCode(),
                             "compilation of '%s' failed", input.c_str());
  outs() << "model: " << input << "\ntarget: " << image->targetName
         << ", precision: " << precision << ", program: "
         << image->code.size() << " instructions\n";
  auto result =
      tern::evaluateProgram(*image, dataset, limit, noise.sigma, noise.seed);
  if (!result)
    return result.takeError();
  tern::printEvalResult(*result, outs());
  if (!saveOutputs.empty()) {
    tern::rt::io::Tensor t;
    t.type = tern::rt::io::ElemType::F32;
    t.shape = result->outputShape;
    t.data.resize(result->outputs.size() * sizeof(float));
    std::memcpy(t.data.data(), result->outputs.data(), t.data.size());
    if (Error e = tern::rt::io::writeNpy(saveOutputs, t))
      return e;
  }
  if (minAgreement >= 0 && result->top1Agreement &&
      *result->top1Agreement < minAgreement)
    return createStringError(inconvertibleErrorCode(),
                             "top-1 agreement %.4f is below %.4f",
                             *result->top1Agreement, minAgreement.getValue());
  if (maxRelativeL2 >= 0 && result->relativeL2 &&
      *result->relativeL2 > maxRelativeL2)
    return createStringError(inconvertibleErrorCode(),
                             "relative L2 error %.3e is above %.3e",
                             *result->relativeL2, maxRelativeL2.getValue());
  if (maxRmseIncrease >= 0) {
    if (!result->rmse || !result->referenceRmse)
      return createStringError(inconvertibleErrorCode(),
                               "--max-rmse-increase needs targets.npy and "
                               "reference.npy in the dataset");
    double bound = *result->referenceRmse * (1.0 + maxRmseIncrease);
    if (*result->rmse > bound)
      return createStringError(
          inconvertibleErrorCode(),
          "RMSE %.4f is above %.4f (FP32 reference %.4f + %.2f%%)",
          *result->rmse, bound, *result->referenceRmse,
          100.0 * maxRmseIncrease.getValue());
  }
  return Error::success();
}

tern::tool::RegisterCommand reg(evalCmd, runEval);
} // namespace
