//===- tern-opt.cpp - Tern's mlir-opt ---------------------------------------===//
//
// Runs any Tern or upstream pass pipeline over MLIR text. The driver only
// registers; everything it runs lives in the libraries.
//
//===----------------------------------------------------------------------===//

#include "tern/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses(); // canonicalize, cse, inline, ...
  tern::registerAllPasses();

  mlir::DialectRegistry registry;
  tern::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Tern optimizer driver\n", registry));
}
