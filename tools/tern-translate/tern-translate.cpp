//===- tern-translate.cpp - Tern's mlir-translate -------------------------===//
//
// Registers Tern's translations; the work is in the libraries.
//
//   --import-onnx       binary ONNX model -> func + TOSA (+ tern) MLIR
//   --import-onnx-text  the same from ONNX's textual syntax (used by tests)
//
// Options of both: --input-shape name=d0xd1x... (repeatable).
// `tern-translate --list-onnx-ops` lists the ONNX operators it imports.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Onnx.h"
#include "tern/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Static shape of a graph input, <name>=<d0>x<d1>... "
                   "(repeatable; replaces dynamic dimensions)"),
    llvm::cl::value_desc("name=shape"));

/// Builds the import options from the command line; emits and returns
/// nullopt on a malformed value.
static std::optional<tern::ImportOptions> importOptions(MLIRContext *ctx) {
  tern::ImportOptions options;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (!tern::parseInputShapeSpec(spec, options, error)) {
      emitError(UnknownLoc::get(ctx)) << error;
      return std::nullopt;
    }
  }
  return options;
}

static void registerImportDialectsFn(DialectRegistry &registry) {
  tern::registerAllDialects(registry);
  tern::registerImportDialects(registry);
}

int main(int argc, char **argv) {
  // `tern-translate --list-onnx-ops` prints the ONNX operators the importer
  // handles (the conformance runner and docs/Importer.md use it).
  if (argc == 2 && StringRef(argv[1]) == "--list-onnx-ops") {
    for (const std::string &op : tern::getSupportedOnnxOps())
      llvm::outs() << op << "\n";
    return 0;
  }
  TranslateToMLIRRegistration importOnnx(
      "import-onnx", "Import a binary ONNX model",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        auto options = importOptions(ctx);
        if (!options)
          return nullptr;
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        StringRef path = buffer->getBufferIdentifier();
        // A regular file is re-read by streaming (so the weights are held
        // once, by the blobs); stdin is parsed from the buffer.
        if (path != "<stdin>" && llvm::sys::fs::is_regular_file(path))
          return tern::importOnnxFile(path, *options, *ctx);
        return tern::importOnnxBuffer(buffer->getBuffer(), path, *options,
                                      *ctx);
      },
      registerImportDialectsFn);

  TranslateToMLIRRegistration importOnnxText(
      "import-onnx-text", "Import an ONNX model in ONNX's textual syntax",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        auto options = importOptions(ctx);
        if (!options)
          return nullptr;
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        return tern::importOnnxText(
            buffer->getBuffer(), buffer->getBufferIdentifier(), *options, *ctx);
      },
      registerImportDialectsFn);

  return failed(mlirTranslateMain(argc, argv, "Tern translation driver"));
}
