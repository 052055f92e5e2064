//===- FuzzOnnx.cpp - libFuzzer targets: ONNX model bytes/text -> MLIR ----===//
//
// Bytes go through the importer exactly as `tern compile` and
// `tern-translate --import-onnx` pass them: protobuf parsing (or libonnx's
// textual parser, with -DTERN_FUZZ_ONNX_TEXT), the IR/opset checks, external
// data, libonnx's checker, version conversion and shape inference, then the
// graph import into `func`/`tosa`/`tern`. A module that imports must also
// pass the MLIR verifier: the importer promises valid IR or one diagnostic.
//
// The model path lies in a directory that does not exist, so external-data
// locations resolve to nothing on the host; the importer itself refuses
// absolute locations and `..` (regression-tested), so no input can make the
// fuzzer read a host file.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Onnx.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace mlir;

namespace {

/// One context for the whole run: creating one per input would dominate the
/// execution time. Dialects are loaded once; diagnostics are swallowed (each
/// input is expected to produce at most one error, which is not a finding).
MLIRContext &fuzzContext() {
  static MLIRContext *context = [] {
    DialectRegistry registry;
    tern::registerImportDialects(registry);
    auto *ctx = new MLIRContext(registry, MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    ctx->getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
    return ctx;
  }();
  return *context;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &context = fuzzContext();
  StringRef bytes(reinterpret_cast<const char *>(data), size);
  tern::ImportOptions options;
#ifdef TERN_FUZZ_ONNX_TEXT
  OwningOpRef<ModuleOp> module = tern::importOnnxText(
      bytes, "/nonexistent-tern-fuzz/fuzz.onnxtxt", options, context);
#else
  OwningOpRef<ModuleOp> module = tern::importOnnxBuffer(
      bytes, "/nonexistent-tern-fuzz/fuzz.onnx", options, context);
#endif
  if (module && failed(verify(*module)))
    std::abort(); // the importer produced invalid IR without a diagnostic
  return 0;
}
