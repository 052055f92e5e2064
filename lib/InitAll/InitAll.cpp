//===- InitAll.cpp - register Tern's dialects and passes ------------------===//

#include "tern/InitAll.h"

#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Accel/IR/AccelDialect.h"
#include "tern/Dialect/Accel/Transforms/Passes.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"

void tern::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<tern::TernDialect, tern::accel::AccelDialect,
                  mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::tensor::TensorDialect, mlir::tosa::TosaDialect,
                  mlir::quant::QuantizationDialect, mlir::scf::SCFDialect,
                  mlir::memref::MemRefDialect, mlir::linalg::LinalgDialect,
                  mlir::bufferization::BufferizationDialect>();
}

void tern::registerAllPasses() {
  tern::registerTernPasses();
  tern::registerTernConversionPasses();
  tern::accel::registerAccelPasses();
  tern::registerTernRaisePipeline();
}
