//===- TrainCommand.cpp - `tern train` options ---------------------------===//

#include "Commands.h"
#include "NoiseFlags.h"

#include "runtime/driver/Driver.h"

using namespace llvm;

namespace {
cl::SubCommand trainCmd("train", "Run SGD or Adam train steps of a compiled "
                                 "train step on the functional model");
cl::opt<std::string> program(cl::Positional, cl::desc("<train-step.tern>"),
                             cl::Required, cl::sub(trainCmd));
cl::opt<std::string> dataset("dataset",
                             cl::desc("Directory with inputs.npy and "
                                      "labels.npy (samples along axis 0)"),
                             cl::value_desc("dir"), cl::Required,
                             cl::sub(trainCmd));
cl::opt<std::string> params("params",
                            cl::desc("Directory with <parameter>.npy "
                                     "initial values"),
                            cl::value_desc("dir"), cl::Required,
                            cl::sub(trainCmd));
cl::opt<unsigned> steps("steps", cl::desc("Train steps (sample i mod S)"),
                        cl::init(1), cl::sub(trainCmd));
cl::opt<unsigned> batch("batch",
                        cl::desc("Samples per update: gradients averaged over "
                                 "B samples (a step compiled with "
                                 "--grad-accumulation)"),
                        cl::init(1), cl::sub(trainCmd));
cl::opt<std::string> outputDir("output-dir",
                               cl::desc("Directory for the trained "
                                        "parameters and losses.npy"),
                               cl::value_desc("dir"), cl::sub(trainCmd));
cl::opt<unsigned> threads("threads", cl::desc("Host threads for GEMM"),
                          cl::init(1), cl::sub(trainCmd));
cl::opt<bool> quiet("quiet", cl::desc("No progress on stderr"),
                    cl::sub(trainCmd));

tern::tool::NoiseFlags noise(trainCmd);
cl::opt<bool> noisePerStep(
    "noise-per-step",
    cl::desc("Draw fresh weight noise every step (noise-aware training); "
             "default: one draw for all steps"),
    cl::sub(trainCmd));

// Merging the adapters into the ONNX model (runtime/driver/MergeLora.h).
cl::opt<std::string> mergedOnnx(
    "merged-onnx",
    cl::desc("After the last step, write the --model ONNX model with the "
             "trained LoRA adapters merged into its weights"),
    cl::value_desc("out.onnx"), cl::sub(trainCmd));
cl::opt<std::string> model("model",
                           cl::desc("The ONNX model the train step was "
                                    "compiled from (for --merged-onnx)"),
                           cl::value_desc("model.onnx"), cl::sub(trainCmd));
cl::opt<double>
    loraAlpha("lora-alpha",
              cl::desc("The LoRA alpha the step was compiled with (--finetune "
                       "lora:alpha=A); default: the rank (scale 1)"),
              cl::sub(trainCmd));

tern::tool::RegisterCommand reg(trainCmd, []() -> Error {
  tern::rt::driver::TrainConfig cfg;
  cfg.program = program;
  cfg.dataset = dataset;
  cfg.params = params;
  cfg.outputDir = outputDir;
  cfg.steps = steps;
  cfg.batch = batch;
  cfg.threads = threads ? threads : 1;
  cfg.quiet = quiet;
  cfg.weightNoise = noise.sigma;
  cfg.noiseSeed = noise.seed;
  cfg.noisePerStep = noisePerStep;
  cfg.mergedOnnx = mergedOnnx;
  cfg.model = model;
  if (loraAlpha.getNumOccurrences())
    cfg.loraAlpha = loraAlpha;
  return tern::rt::driver::trainProgram(cfg, errs());
});
} // namespace
