//===- RaiseUtils.h - matching helpers for the raising passes ---*- C++ -*-===//
//
// Small predicates over imported TOSA that the tern-raise-* passes share:
// splat constants seen through reshapes, constant-like values, commutative
// operand matching and 1-D views of per-feature parameters.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_LIB_DIALECT_TERN_TRANSFORMS_RAISEUTILS_H
#define TERN_LIB_DIALECT_TERN_TRANSFORMS_RAISEUTILS_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <optional>

namespace tern::raise {

/// Looks through value-preserving reshapes.
inline mlir::Value skipReshapes(mlir::Value v) {
  while (auto r = v.getDefiningOp<mlir::tosa::ReshapeOp>())
    v = r.getInput1();
  return v;
}

/// The value of a splat float constant (through reshapes), if `v` is one.
inline std::optional<double> getSplat(mlir::Value v) {
  auto cst = skipReshapes(v).getDefiningOp<mlir::tosa::ConstOp>();
  if (!cst)
    return std::nullopt;
  auto dense = llvm::dyn_cast<mlir::DenseFPElementsAttr>(cst.getValue());
  if (!dense || !dense.isSplat())
    return std::nullopt;
  return dense.getSplatValue<llvm::APFloat>().convertToDouble();
}

inline bool isApprox(std::optional<double> v, double expected,
                     double relTol = 1e-3) {
  return v && std::fabs(*v - expected) <= relTol * std::fabs(expected);
}

/// True if `v` is computed from constants only, through pure single-operand
/// layout or cast ops (reshape, transpose, cast, quant casts, bitcasts):
/// weights as the importer emits them.
bool isConstantLike(mlir::Value v);

/// Matches a commutative binary op: if one operand satisfies `pred`, returns
/// {that operand, the other}.
template <typename Pred>
std::optional<std::pair<mlir::Value, mlir::Value>>
matchEither(mlir::Value a, mlir::Value b, Pred pred) {
  if (pred(a))
    return std::make_pair(a, b);
  if (pred(b))
    return std::make_pair(b, a);
  return std::nullopt;
}

/// True if every dimension of `v` but the last is 1 and the last is `n` (a
/// per-feature parameter broadcast over the rows).
inline bool isPerFeature(mlir::Value v, int64_t n) {
  auto t = llvm::cast<mlir::RankedTensorType>(v.getType());
  if (t.getRank() == 0 || t.getShape().back() != n)
    return false;
  for (int64_t d : t.getShape().drop_back())
    if (d != 1)
      return false;
  return true;
}

/// A [n] view of a per-feature parameter: the reshape's source if it has
/// that shape, a reshaped dense constant, or a new tosa.reshape.
mlir::Value asVector(mlir::PatternRewriter &rewriter, mlir::Location loc,
                     mlir::Value v, int64_t n);

/// A splat float constant of `type`.
mlir::Value createSplat(mlir::PatternRewriter &rewriter, mlir::Location loc,
                        mlir::RankedTensorType type, double value);

} // namespace tern::raise

#endif // TERN_LIB_DIALECT_TERN_TRANSFORMS_RAISEUTILS_H
