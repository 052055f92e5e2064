//===- ImportCommand.cpp - `tern import` options --------------------------===//
//
// ONNX -> MLIR (func + TOSA + tern), optionally raised. The output file is
// kept only when the import succeeded.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "tern/Dialect/Tern/Transforms/Passes.h"
#include "tern/Driver/Compile.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace {
cl::SubCommand importCmd("import", "Import an ONNX model into MLIR");
cl::opt<std::string> input(cl::Positional, cl::desc("<model.onnx>"),
                           cl::Required, cl::sub(importCmd));
cl::opt<std::string> output("o", cl::desc("Output .mlir file"),
                            cl::value_desc("file"), cl::init("-"),
                            cl::sub(importCmd));
cl::list<std::string> inputShapes("input-shape",
                                  cl::desc("Static shape of a graph input "
                                           "(name=1x197x768; repeatable)"),
                                  cl::value_desc("name=shape"),
                                  cl::sub(importCmd));
cl::opt<bool> raise("raise",
                    cl::desc("Run tern-raise on the imported graph"),
                    cl::sub(importCmd));

Error runImport() {
  if (!StringRef(input).ends_with(".onnx"))
    return createStringError(inconvertibleErrorCode(),
                             "'%s' is not an .onnx file", input.c_str());
  auto model = tern::loadModelForCommand(input, inputShapes, "import");
  if (!model)
    return model.takeError();
  mlir::ModuleOp module = *model->module;
  if (raise) {
    mlir::PassManager pm(module.getContext());
    tern::buildTernRaisePipeline(pm);
    if (failed(pm.run(module)))
      return createStringError(inconvertibleErrorCode(),
                               "raising '%s' failed", input.c_str());
  }
  std::string error;
  auto out = mlir::openOutputFile(output, &error);
  if (!out)
    return createStringError(inconvertibleErrorCode(), "%s", error.c_str());
  module.print(out->os());
  out->keep();
  return Error::success();
}

tern::tool::RegisterCommand reg(importCmd, runImport);
} // namespace
