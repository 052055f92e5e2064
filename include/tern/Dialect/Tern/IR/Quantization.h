//===- Quantization.h - quantized types of tern IR --------------*- C++ -*-===//
//
// What the quantization passes, the lowering and the calibration driver
// share about quantized tern IR: the calibrated-range attribute, the layout
// ops that preserve a tensor's range, and the uniform quantized types built
// from lib/Quant's parameters.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_QUANTIZATION_H
#define TERN_DIALECT_TERN_IR_QUANTIZATION_H

#include "tern/Quant/QuantParams.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace tern {

/// `tern.range = array<f64: min, max>`: the calibrated range of an op's
/// (single) result, or of a function argument (as an argument attribute).
constexpr llvm::StringLiteral kRangeAttr = "tern.range";

/// The name users give an operator: its location's name (the ONNX node
/// name for imported models; the first name inside a fused location), or
/// "" when it has none.
std::string operatorName(mlir::Operation *op);

/// `tern.conversions = N : i64` on a function: the run-time precision
/// boundaries (quant.qcast / quant.dcast of non-constant tensors) that
/// tern-quantize left, each a pass of the requantization unit.
constexpr llvm::StringLiteral kConversionsAttr = "tern.conversions";

/// Ops that only move or reinterpret data (split / merge heads, tosa
/// reshape and transpose): a tensor's range and quantized type pass
/// through them unchanged.
bool isLayoutOp(mlir::Operation *op);

/// The calibrated range of `value`, looking through layout ops to the
/// producer (or function argument) that carries `tern.range`.
std::optional<quant::Range> findCalibratedRange(mlir::Value value);

/// min / max of a constant tensor, looking through layout ops to a dense or
/// dense_resource f32 `tosa.const` / `arith.constant`.
std::optional<quant::Range> constantRange(mlir::Value value);

/// The f32 values of a rank-2 constant in row-major order of `value`'s
/// type: a dense or dense_resource f32 constant, or a 2-D transpose of one.
std::optional<llvm::SmallVector<float>> constantMatrix(mlir::Value value);

/// The f32 values of a dense or dense_resource elements attribute.
std::optional<llvm::SmallVector<float>>
readF32Elements(mlir::Attribute attr);

/// `!quant.uniform<iB<qmin:qmax>:f32, scale[:zp]>`, storage i4 / i6 for 4-
/// and 6-bit parameters, i8 for 7 and 8 bits.
mlir::quant::UniformQuantizedType
uniformType(mlir::MLIRContext *ctx, const quant::QuantParams &params);

/// `!quant.uniform<iB:f32:1, {s0, s1, ...}>`: one quantizer per column of
/// a [K, N] weight (all with the same bits and range).
mlir::quant::UniformQuantizedPerAxisType
perColumnType(mlir::MLIRContext *ctx,
              llvm::ArrayRef<quant::QuantParams> columns);

/// `!quant.uniform<i32:f32, scale>`: a bias at the product scale.
mlir::quant::UniformQuantizedType biasType(mlir::MLIRContext *ctx,
                                           double scale);

/// `!quant.uniform<i32:f32:0, {...}>`: a bias at per-column product scales.
mlir::quant::UniformQuantizedPerAxisType
perColumnBiasType(mlir::MLIRContext *ctx, llvm::ArrayRef<double> scales);

/// The quantization parameters a uniform type stands for.
quant::QuantParams paramsOf(mlir::quant::UniformQuantizedType type);

/// A QDQ model's `QuantizeLinear -> Clip -> DequantizeLinear`: `dcast`
/// dequantizes the storage cast of `clamp`, a Clip of the codes of a
/// quant.qcast of the same type. The Clip is a narrower storage range of
/// that scale and zero point, `!quant.uniform<i8<lo:hi>:f32, S>` (the
/// exact quantizer cvt.f2i saturates to it): a new quant.qcast to that type
/// is inserted before `dcast`, which then reads it (the Clip chain is left
/// without users), and returned. A Clip that changes nothing returns the
/// original cast. A form that does not execute exactly (a zero point or
/// uint8 codes with a narrower range, a range cvt.f2i has no saturation
/// for, a Clip between casts of different types) fails, with `why` set to
/// a message naming the form.
mlir::FailureOr<mlir::Value> foldQdqClip(mlir::quant::DequantizeCastOp dcast,
                                         mlir::tosa::ClampOp clamp,
                                         std::string &why);

} // namespace tern

#endif // TERN_DIALECT_TERN_IR_QUANTIZATION_H
