//===- MergeLora.h - Merge LoRA adapters into an ONNX model ---*- C++ -*-===//
//
// `tern train --merged-onnx OUT.onnx --model ORIG.onnx [--lora-alpha A]`
// (docs/FineTuning.md): every adapter pair `<layer>_lora_a` [K, r] /
// `<layer>_lora_b` [r, N] of a train step (tern-insert-lora) is folded into
// the weight initializer of the ONNX node it was attached to,
// W' = W + (alpha / r) A B (transposed for a Gemm with transB = 1), so that
// the written model computes the tuned function without adapters. Reads and
// writes the model with libonnx's protobuf classes only (no MLIR).
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_DRIVER_MERGELORA_H
#define TERN_RUNTIME_DRIVER_MERGELORA_H

#include "runtime/io/Tensor.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tern::rt::driver {

/// A parameter of a train step: its program input name and shape.
struct LoraParam {
  std::string name;
  std::vector<int64_t> shape;
};

/// The adapters of a train step matched to the initializers of an ONNX
/// model. `plan` checks everything that can be checked before training
/// (names, shapes, data types), so that a long run does not fail at the end.
class LoraMerge {
public:
  /// Loads `modelPath` and matches every parameter (all must be
  /// `<layer>_lora_a` / `<layer>_lora_b` pairs) to the weight initializer of
  /// the node whose name, sanitized as tern-insert-lora does, is `<layer>`.
  /// `alpha`: the LoRA alpha the step was compiled with (nullopt: alpha =
  /// rank, scale 1, tern-insert-lora's default).
  static llvm::Expected<LoraMerge> plan(llvm::StringRef modelPath,
                                        const std::vector<LoraParam> &params,
                                        std::optional<double> alpha);

  /// Writes the model with every matched weight W replaced by
  /// W + (alpha / r) A B from `values` (the trained parameters by name), to
  /// a temporary file renamed to `outPath` once complete.
  llvm::Error write(const llvm::StringMap<io::Tensor> &values,
                    llvm::StringRef outPath, llvm::raw_ostream &log) const;

  LoraMerge(LoraMerge &&);
  LoraMerge &operator=(LoraMerge &&);
  ~LoraMerge();

private:
  struct Impl;
  explicit LoraMerge(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

/// tern-insert-lora's parameter-name stem of an operator name: every
/// character other than [A-Za-z0-9_] replaced by '_', leading '_' dropped
/// ("linear" when nothing is left). Must match `paramName` in
/// lib/Dialect/Tern/Transforms/InsertLora.cpp.
std::string loraLayerName(llvm::StringRef operatorName);

} // namespace tern::rt::driver

#endif
