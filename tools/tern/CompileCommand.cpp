//===- CompileCommand.cpp - `tern compile` options ------------------------===//
//
// Thin: parses the options, loads the input, calls tern::compileModule and
// writes the requested output. Output files are only kept on success.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "QuantFlags.h"

#include "tern/Driver/Compile.h"

#include "runtime/asm/Assembler.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstdio>
#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace llvm;

namespace {
cl::SubCommand compileCmd("compile",
                          "Compile a model into a program for a target");
cl::opt<std::string> input(cl::Positional,
                           cl::desc("<model.onnx | model.mlir>"),
                           cl::Required, cl::sub(compileCmd));
cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape of an ONNX graph input "
                         "(name=1x197x768; repeatable)"),
                cl::value_desc("name=shape"), cl::sub(compileCmd));
cl::list<std::string> bindInputs(
    "bind-input",
    cl::desc("Replace an ONNX graph input by a constant with the value in "
             "FILE (.npy or .pb) before import (name=FILE; repeatable)"),
    cl::value_desc("name=file"), cl::sub(compileCmd));
cl::opt<std::string> output("o", cl::desc("Output file"),
                            cl::value_desc("file"), cl::Required,
                            cl::sub(compileCmd));
cl::opt<std::string> target("target", cl::desc("Target preset name or .json"),
                            cl::init("tern-edge"), cl::sub(compileCmd));
tern::tool::QuantFlags quantFlags(compileCmd);
cl::opt<std::string>
    precision("precision",
              cl::desc("Precision policy of tern-select-precision (bf16, tataa, qdq, int-only, int8-max, auto)"),
              cl::init("bf16"), cl::sub(compileCmd));
cl::opt<tern::EmitKind> emit(
    "emit", cl::desc("What to write"), cl::init(tern::EmitKind::Program),
    cl::values(clEnumValN(tern::EmitKind::Tosa, "tosa",
                          "imported IR (func + tosa + tern)"),
               clEnumValN(tern::EmitKind::Tern, "tern",
                          "raised tern IR with precisions"),
               clEnumValN(tern::EmitKind::Accel, "accel",
                          "accel IR (allocated, synchronized)"),
               clEnumValN(tern::EmitKind::Asm, "asm", "program as assembly"),
               clEnumValN(tern::EmitKind::Program, "program",
                          "program file (.tern)")),
    cl::sub(compileCmd));
cl::opt<bool> printIrAfterAll("print-ir-after-all",
                              cl::desc("Print the IR after every pass"),
                              cl::sub(compileCmd));
cl::opt<std::string> dumpIrDir("dump-ir-dir",
                               cl::desc("Write the IR after every pass, one "
                                        "file per pass, under this directory"),
                               cl::value_desc("dir"), cl::sub(compileCmd));
cl::opt<bool> verifyEach(
    "verify-each",
    cl::desc("Verify the IR after every lowering pass (default: before and "
             "after the pipeline only; slow on large models)"),
    cl::sub(compileCmd));
cl::opt<unsigned> gemmTileN(
    "gemm-tile-n",
    cl::desc("Output columns of one GEMM instruction (default: the array's "
             "columns, widened up to 4x while a 512-deep weight tile fits; "
             "docs/Lowering.md)"),
    cl::value_desc("N"), cl::init(0), cl::sub(compileCmd));
cl::opt<unsigned> cores(
    "cores",
    cl::desc("Partition the program across this many of the target's cores "
             "(default 1; docs/Lowering.md, \"Several cores\")"),
    cl::value_desc("N"), cl::init(1), cl::sub(compileCmd));
cl::opt<bool> passTiming("pass-timing",
                         cl::desc("Print the time of each pass to stderr"),
                         cl::sub(compileCmd));

cl::opt<std::string>
    finetune("finetune",
             cl::desc("Compile a LoRA train step: lora:rank=R,targets=NAME"
                      "[,NAME...][,alpha=A][,seed=S] (docs/FineTuning.md)"),
             cl::value_desc("spec"), cl::sub(compileCmd));
cl::opt<std::string> loss("loss",
                          cl::desc("With --finetune: mse (default) or ce "
                                   "(softmax cross-entropy)"),
                          cl::sub(compileCmd));
cl::opt<std::string> optimizer("optimizer",
                               cl::desc("With --finetune: sgd (default; the "
                                        "step returns updated adapters), "
                                        "adam (updated adapters and Adam "
                                        "state) or none (it returns "
                                        "gradients)"),
                               cl::sub(compileCmd));
cl::opt<double> lr("lr",
                   cl::desc("With --finetune: learning rate (default 0.01 "
                            "for sgd, 0.001 for adam)"),
                   cl::sub(compileCmd));
cl::opt<double> beta1("beta1",
                      cl::desc("With --optimizer adam: first-moment decay, in "
                               "[0, 1) (default 0.9)"),
                      cl::sub(compileCmd));
cl::opt<double> beta2("beta2",
                      cl::desc("With --optimizer adam: second-moment decay, "
                               "in [0, 1) (default 0.999)"),
                      cl::sub(compileCmd));
cl::opt<bool> gradAccumulation(
    "grad-accumulation",
    cl::desc("With --finetune and --optimizer sgd or adam: a step that "
             "accumulates gradients over a batch (tern train --batch B)"),
    cl::sub(compileCmd));
cl::opt<double> rangeHeadroom(
    "range-headroom",
    cl::desc("With --finetune and --precision tataa: widen the calibrated "
             "activation ranges (of the model without adapters) by this "
             "factor, >= 1 (default 2)"),
    cl::sub(compileCmd));
cl::opt<double> eps("eps",
                    cl::desc("With --optimizer adam: epsilon, > 0, added in "
                             "quadrature (default 1e-8)"),
                    cl::sub(compileCmd));

std::string gNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

Error finetuneOptions(tern::CompileOptions &options) {
  auto fail = [](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(), "%s", msg.str().c_str());
  };
  bool adamOptions = beta1.getNumOccurrences() || beta2.getNumOccurrences() ||
                     eps.getNumOccurrences();
  if (finetune.empty()) {
    if (!loss.empty() || !optimizer.empty() || lr.getNumOccurrences() ||
        adamOptions || gradAccumulation)
      return fail("--loss, --optimizer, --lr, --beta1, --beta2, --eps and "
                  "--grad-accumulation need --finetune");
    if (rangeHeadroom.getNumOccurrences())
      return fail("--range-headroom needs --finetune and --precision tataa");
    return Error::success();
  }
  if (Error e = tern::parseFinetuneSpec(finetune, options))
    return e;
  if (precision != "bf16" && precision != "tataa")
    return fail("--finetune needs --precision bf16 or tataa (int8 frozen base "
                "linears), not '" +
                precision + "'");
  if (rangeHeadroom.getNumOccurrences()) {
    if (precision != "tataa")
      return fail("--range-headroom needs --finetune and --precision tataa");
    if (!(rangeHeadroom >= 1.0 && rangeHeadroom <= 1e6))
      return fail("--range-headroom must be a number in [1, 1e6], not " +
                  gNumber(rangeHeadroom));
    options.finetune.rangeHeadroom = rangeHeadroom;
  }
  std::string l = loss.empty() ? "mse" : loss.getValue();
  if (l != "mse" && l != "ce")
    return fail("--loss must be mse or ce, not '" + l + "'");
  options.finetune.loss = l;
  std::string opt = optimizer.empty() ? "sgd" : optimizer.getValue();
  if (opt != "sgd" && opt != "adam" && opt != "none")
    return fail("--optimizer must be sgd, adam or none, not '" + opt + "'");
  if (opt == "none" && lr.getNumOccurrences())
    return fail("--lr needs --optimizer sgd or adam");
  if (opt == "none" && gradAccumulation)
    return fail("--grad-accumulation needs --optimizer sgd or adam (with "
                "none the host sums the gradients)");
  options.finetune.accumulate = gradAccumulation;
  if (opt != "adam" && adamOptions)
    return fail("--beta1, --beta2 and --eps need --optimizer adam");
  double rate = lr.getNumOccurrences() ? lr.getValue()
                : opt == "adam"        ? 1e-3
                                       : 0.01;
  if (opt != "none" && !(rate > 0 && rate < 1e6))
    return fail("--lr must be a positive number");
  options.finetune.sgdLr = opt == "sgd" ? rate : 0.0;
  if (opt == "adam") {
    auto &adam = options.finetune.adam;
    adam.enabled = true;
    adam.lr = rate;
    if (beta1.getNumOccurrences())
      adam.beta1 = beta1;
    if (beta2.getNumOccurrences())
      adam.beta2 = beta2;
    if (eps.getNumOccurrences())
      adam.eps = eps;
    if (!(adam.beta1 >= 0 && adam.beta1 < 1))
      return fail("--beta1 must be in [0, 1), not " + gNumber(adam.beta1));
    if (!(adam.beta2 >= 0 && adam.beta2 < 1))
      return fail("--beta2 must be in [0, 1), not " + gNumber(adam.beta2));
    if (!(adam.eps >= 1.1e-19 && adam.eps < 1e6))
      return fail("--eps must be a positive number of at least 1.1e-19, "
                  "not " +
                  gNumber(adam.eps));
  }
  return Error::success();
}

/// A large model's compile allocates and frees many blocks of hundreds of
/// KiB to tens of MiB (the tiles' IR, constant copies). glibc maps each
/// above its (dynamic, 128 KiB initially) threshold and unmaps it on free,
/// then faults the pages in again for the next: 3 s of system time in the
/// 11 s compile of ViT-B/16 for tataa-u280. Up to 32 MiB (mallopt's limit)
/// they stay in the heap, which is not trimmed after each free; the heap is
/// trimmed once, when the program is emitted (releaseFunctionBodies), so
/// the peak does not grow (ViT-B/16: 815 -> 802 MB, 10.8 -> 9.3 s).
void keepLargeBlocksInTheHeap() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

Error runCompile() {
  if (Error e = tern::checkPrecisionPolicy(precision))
    return e;
  keepLargeBlocksInTheHeap();
  auto model =
      tern::loadModelForCommand(input, inputShapes, "compile", bindInputs);
  if (!model)
    return model.takeError();
  mlir::ModuleOp module = *model->module;

  tern::CompileOptions options;
  options.target = target;
  options.precision = precision;
  if (Error e = quantFlags.apply(options))
    return e;
  if (Error e = finetuneOptions(options))
    return e;
  options.printIrAfterAll = printIrAfterAll;
  options.dumpIrDir = dumpIrDir;
  options.verifyEachPass = verifyEach;
  options.passTiming = passTiming;
  if (gemmTileN.getNumOccurrences() && (gemmTileN < 1 || gemmTileN > 4095))
    return createStringError(inconvertibleErrorCode(),
                             "--gemm-tile-n must be between 1 and 4095, got %u",
                             unsigned(gemmTileN));
  options.gemmTileN = gemmTileN;
  options.cores = cores;
  // The module is compiled once and then only printed or emitted.
  options.releaseConstantData = true;
  options.raise = model->imported;
  auto image = tern::compileModule(module, options, emit);
  if (failed(image))
    return createStringError(inconvertibleErrorCode(),
                             "compilation of '%s' failed", input.c_str());

  std::string error;
  auto out = mlir::openOutputFile(output, &error);
  if (!out)
    return createStringError(inconvertibleErrorCode(), "%s", error.c_str());
  switch (emit) {
  case tern::EmitKind::Tosa:
  case tern::EmitKind::Tern:
  case tern::EmitKind::Accel:
    module.print(out->os());
    break;
  case tern::EmitKind::Asm:
    out->os() << tern::rt::assembler::disassemble(*image);
    break;
  case tern::EmitKind::Program: {
    tern::releaseFunctionBodies(module);
    // Written from the builder's buffer, which is freed before the summary.
    tern::rt::program::serialize(*image, [&](ArrayRef<uint8_t> bytes) {
      out->os().write(reinterpret_cast<const char *>(bytes.data()),
                      bytes.size());
    });
    tern::printCompileSummary(module, *image, input, output, outs());
    break;
  }
  }
  out->keep();
  return Error::success();
}

tern::tool::RegisterCommand reg(compileCmd, runCompile);
} // namespace
