//===- Patterns.h - tern-to-accel conversion patterns -----------*- C++ -*-===//

#ifndef TERN_LIB_CONVERSION_TERNTOACCEL_PATTERNS_H
#define TERN_LIB_CONVERSION_TERNTOACCEL_PATTERNS_H

#include "TileBuilder.h"

#include "mlir/Transforms/DialectConversion.h"

namespace tern {

/// tern.linear and tern.matmul: GEMM tiles on the matrix unit.
void populateMatrixOpLoweringPatterns(mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const TileSizes &tiles);

/// tern.softmax, layer_norm, gelu, relu, add: row tiles on the vector unit
/// and special-function unit.
void populateRowOpLoweringPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns,
                                   const TileSizes &tiles);

} // namespace tern

#endif // TERN_LIB_CONVERSION_TERNTOACCEL_PATTERNS_H
