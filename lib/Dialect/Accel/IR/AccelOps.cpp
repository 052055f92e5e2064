//===- AccelOps.cpp - accelerator operations ------------------------------===//
//
// Verifiers for the rules that relate several operands of an `accel` op.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Accel/IR/AccelOps.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Quant/QuantParams.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <cmath>

using namespace mlir;
using namespace tern::accel;

namespace {

/// The DMA engine copies 1-D or 2-D blocks: the scratchpad side is a
/// contiguous block, the DRAM side any static strided view whose rows are
/// contiguous (a rank-1 view may have any stride: each element is a row).
LogicalResult verifyDmaShapes(Operation *op, MemRefType dram, MemRefType spad) {
  if (dram.getRank() < 1 || dram.getRank() > 2)
    return op->emitOpError("DMA tiles must have rank 1 or 2");
  if (!(spad.getLayout().isIdentity() && spad.hasStaticShape()) &&
      !memref::isStaticShapeAndContiguousRowMajor(spad))
    return op->emitOpError("the scratchpad tile must be contiguous, got ")
           << spad;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(stridesAndOffset(dram, strides, offset)) ||
      ShapedType::isDynamic(offset) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return op->emitOpError("the DRAM view must have static strides and "
                           "offset, got ")
           << dram;
  if (dram.getRank() == 2 && strides.back() != 1)
    return op->emitOpError("the DRAM view's innermost stride must be 1, got ")
           << strides.back();
  return success();
}

/// Operand widths the matrix unit multiplies in integer mode.
bool isGemmIntegerOperand(Type t) {
  return t.isSignlessInteger(8) || t.isSignlessInteger(6) ||
         t.isSignlessInteger(4);
}

bool isVectorElement(Type t) { return t.isBF16() || t.isSignlessInteger(32); }

/// Row-wise kernels work on rank-2 bf16 tiles.
LogicalResult verifyBf16RowKernel(Operation *op, MemRefType in,
                                  MemRefType out) {
  if (in.getRank() != 2)
    return op->emitOpError("operands must be rank-2 tiles");
  if (!in.getElementType().isBF16() || !out.getElementType().isBF16())
    return op->emitOpError("operands must be bf16 tiles, got ")
           << in.getElementType() << " -> " << out.getElementType();
  return success();
}

} // namespace

LogicalResult DmaLoadOp::verify() {
  return verifyDmaShapes(*this, getSource().getType(), getTarget().getType());
}

LogicalResult DmaLoadTransposedOp::verify() {
  MemRefType source = getSource().getType(), target = getTarget().getType();
  if (source.getRank() != 2 || target.getRank() != 2)
    return emitOpError("transposes a rank-2 DRAM view into a rank-2 tile");
  if (target.getDimSize(0) != source.getDimSize(1) ||
      target.getDimSize(1) != source.getDimSize(0))
    return emitOpError("the tile must be ")
           << source.getDimSize(1) << "x" << source.getDimSize(0)
           << " (the source transposed), got " << target.getDimSize(0) << "x"
           << target.getDimSize(1);
  Type element = source.getElementType();
  unsigned bits = element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 0;
  if (bits != 8 && bits != 16 && bits != 32)
    return emitOpError("elements must be 8, 16 or 32 bits wide, got ")
           << element;
  return verifyDmaShapes(*this, source, target);
}

LogicalResult DmaBroadcastOp::verify() {
  MemRefType source = getSource().getType(), target = getTarget().getType();
  if (source.getRank() != 1 || target.getRank() != 2)
    return emitOpError("broadcasts a rank-1 row into a rank-2 tile");
  if (target.getDimSize(1) != source.getDimSize(0))
    return emitOpError("tile rows have ")
           << target.getDimSize(1) << " elements, the source row "
           << source.getDimSize(0);
  if (failed(verifyDmaShapes(*this, source, target)))
    return failure();
  SmallVector<int64_t> strides;
  int64_t offset;
  (void)stridesAndOffset(source, strides, offset);
  if (strides[0] != 1)
    return emitOpError("the source row must be contiguous, got stride ")
           << strides[0];
  return success();
}

LogicalResult DmaGatherOp::verify() {
  MemRefType table = getTable().getType(), indices = getIndices().getType(),
             target = getTarget().getType();
  if (table.getRank() != 2 || indices.getRank() != 1 || target.getRank() != 2)
    return emitOpError("gathers rows of a rank-2 table into a rank-2 tile "
                       "by a rank-1 index vector");
  if (!indices.getElementType().isSignlessInteger(32))
    return emitOpError("indices must be i32, got ") << indices.getElementType();
  if (indices.getDimSize(0) != target.getDimSize(0))
    return emitOpError("has ") << indices.getDimSize(0) << " indices for "
                               << target.getDimSize(0) << " tile rows";
  if (table.getDimSize(1) != target.getDimSize(1))
    return emitOpError("table rows have ")
           << table.getDimSize(1) << " elements, the tile rows "
           << target.getDimSize(1);
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(stridesAndOffset(table, strides, offset)) || strides[1] != 1 ||
      strides[0] != table.getDimSize(1))
    return emitOpError("the table must be contiguous");
  if (!indices.getLayout().isIdentity() || !target.getLayout().isIdentity())
    return emitOpError("the index vector and the tile must be contiguous");
  return success();
}

LogicalResult DmaStoreOp::verify() {
  return verifyDmaShapes(*this, getTarget().getType(), getSource().getType());
}

/// The result element type a vector op of `kind` writes from operands `lhs`
/// and `rhs` (bf16 for a constant register): a comparison writes a bf16
/// boolean, `to_int` an i32 from bf16 operands (pow: also an i32 base), the
/// others keep the operands' type, which must be one.
static LogicalResult verifyKindTypes(Operation *op, VectorKind kind, Type lhs,
                                     Type rhs, Type result,
                                     std::optional<ToInt> toInt) {
  if (toInt) {
    if (kind != VectorKind::pow && kind != VectorKind::div &&
        kind != VectorKind::rdiv)
      return op->emitOpError("to_int takes a pow or a division (the SFU's "
                             "f32 result), got ")
             << stringifyVectorKind(kind);
    if (!result.isSignlessInteger(32))
      return op->emitOpError("to_int writes an i32 result, got ") << result;
    bool intBase = kind == VectorKind::pow && lhs.isSignlessInteger(32);
    if (!rhs.isBF16() || (!lhs.isBF16() && !intBase))
      return op->emitOpError("to_int reads bf16 operands (pow: an i32 or "
                             "bf16 base), got ")
             << lhs << " and " << rhs;
    return success();
  }
  // A pow reads f32 operands (program inputs kept in f32, rsfu.pow af32 /
  // bf32) into a bf16 result.
  if (kind == VectorKind::pow && (lhs.isF32() || rhs.isF32())) {
    if (!(lhs.isF32() || lhs.isBF16()) || !(rhs.isF32() || rhs.isBF16()) ||
        !result.isBF16())
      return op->emitOpError("a pow of f32 operands reads f32 or bf16 and "
                             "writes bf16, got ")
             << lhs << ", " << rhs << " -> " << result;
    return success();
  }
  if (lhs != rhs)
    return op->emitOpError("operand element types ")
           << lhs << " and " << rhs
           << " differ (only a pow with to_int takes an i32 base and a bf16 "
              "exponent)";
  if (isComparison(kind)) {
    if (!result.isBF16())
      return op->emitOpError("a comparison writes a bf16 boolean (0 / 1), "
                             "got a result of ")
             << result;
    return success();
  }
  if (result != lhs)
    return op->emitOpError("result element type ")
           << result << " differs from the operands' " << lhs;
  return success();
}

/// `uint` (uint32 order) takes max or a comparison of i32 tiles.
static LogicalResult verifyUint(Operation *op, bool uint, VectorKind kind,
                                Type lhs) {
  if (uint && ((kind != VectorKind::max && !isComparison(kind)) ||
               !lhs.isSignlessInteger(32)))
    return op->emitOpError("uint (uint32 order) takes max or a comparison "
                           "of i32 tiles, got ")
           << stringifyVectorKind(kind) << " of " << lhs;
  return success();
}

/// The operand types of the vector kinds; a pow also reads f32 (above).
static bool isOperandElement(VectorKind kind, Type t) {
  return isVectorElement(t) || (kind == VectorKind::pow && t.isF32());
}

LogicalResult VectorOp::verify() {
  if (!isOperandElement(getKind(), getLhs().getType().getElementType()))
    return emitOpError("operands must be bf16 or i32 tiles, got ")
           << getLhs().getType().getElementType();
  if (failed(verifyUint(*this, getUint(), getKind(),
                        getLhs().getType().getElementType())))
    return failure();
  return verifyKindTypes(*this, getKind(), getLhs().getType().getElementType(),
                         getRhs().getType().getElementType(),
                         getResult().getType().getElementType(), getToInt());
}

LogicalResult VectorConstOp::verify() {
  Type in = getInput().getType().getElementType();
  bool intBase =
      getToInt() && getKind() == VectorKind::pow && in.isSignlessInteger(32);
  bool f32Base = !getToInt() && getKind() == VectorKind::pow && in.isF32();
  if (!in.isBF16() && !intBase && !f32Base)
    return emitOpError("a constant operand needs bf16 tiles, got ") << in;
  return verifyKindTypes(*this, getKind(), in, BFloat16Type::get(getContext()),
                         getResult().getType().getElementType(), getToInt());
}

LogicalResult WrapOp::verify() {
  Type in = getInput().getType().getElementType(),
       out = getResult().getType().getElementType();
  if (!in.isSignlessInteger(32) || !out.isSignlessInteger(32))
    return emitOpError("wraps i32 tiles, got ") << in << " -> " << out;
  if (getBits() < 1 || getBits() > 31)
    return emitOpError("bits must be 1..31 (vwrap), got ") << getBits();
  return success();
}

LogicalResult SelectOp::verify() {
  Type cond = getCond().getType().getElementType();
  Type elem = getLhs().getType().getElementType();
  if (!cond.isBF16())
    return emitOpError("the condition must be a bf16 boolean tile, got ")
           << cond;
  if (!isVectorElement(elem))
    return emitOpError("operands must be bf16 or i32 tiles, got ") << elem;
  return success();
}

LogicalResult VectorColumnOp::verify() {
  MemRefType lhs = getLhs().getType(), rhs = getRhs().getType();
  if (!isOperandElement(getKind(), lhs.getElementType()))
    return emitOpError("operands must be bf16 or i32 tiles, got ")
           << lhs.getElementType();
  if (failed(verifyUint(*this, getUint(), getKind(), lhs.getElementType())))
    return failure();
  if (failed(verifyKindTypes(
          *this, getKind(), lhs.getElementType(), rhs.getElementType(),
          getResult().getType().getElementType(), getToInt())))
    return failure();
  if (lhs.getRank() != 2 || rhs.getRank() != 2)
    return emitOpError("operands must be rank-2 tiles");
  if (rhs.getDimSize(0) != lhs.getDimSize(0) || rhs.getDimSize(1) != 1)
    return emitOpError("rhs must be ")
           << lhs.getDimSize(0) << "x1 (one value per row), got "
           << rhs.getDimSize(0) << "x" << rhs.getDimSize(1);
  return success();
}

LogicalResult ReduceOp::verify() {
  MemRefType in = getInput().getType(), out = getResult().getType();
  if (in.getRank() != 2 || out.getRank() != 2)
    return emitOpError("operands must be rank-2 tiles");
  if (out.getDimSize(0) != in.getDimSize(0) || out.getDimSize(1) != 1)
    return emitOpError("result must be ")
           << in.getDimSize(0) << "x1, got " << out.getDimSize(0) << "x"
           << out.getDimSize(1);
  if (in.getElementType() != out.getElementType() ||
      !isVectorElement(in.getElementType()))
    return emitOpError("operands must be bf16 or i32 tiles of one type");
  return success();
}

LogicalResult ConvertOp::verify() {
  MemRefType in = getInput().getType(), out = getResult().getType();
  if (in.getShape() != out.getShape())
    return emitOpError("input and result shapes must match");
  Type a = in.getElementType(), b = out.getElementType();
  bool toBf16 =
      b.isBF16() && (a.isF32() || a.isSignlessInteger(8) ||
                     a.isSignlessInteger(6) || a.isSignlessInteger(4) ||
                     a.isSignlessInteger(16) || a.isSignlessInteger(32));
  // bf16 -> i6 / i4: 6- and 4-bit activations, saturated at their width.
  bool toInt8 =
      a.isBF16() && (b.isSignlessInteger(8) || b.isSignlessInteger(6) ||
                     b.isSignlessInteger(4));
  // bf16 -> i32: ONNX Cast's truncation toward zero (cvt.b2w), unscaled.
  bool toInt32 = a.isBF16() && b.isSignlessInteger(32);
  if (!toBf16 && !toInt8 && !toInt32)
    return emitOpError("unsupported conversion ")
           << a << " -> " << b
           << "; expected f32/i4/i6/i8/i16/i32 -> bf16 or bf16 -> "
              "i8/i6/i4/i32";
  if (toInt32 && getScale().convertToFloat() != 1.0f)
    return emitOpError("a bf16 -> i32 conversion (cvt.b2w) takes no scale, "
                       "got ")
           << getScale().convertToFloat();
  if (!(getScale().convertToFloat() > 0.0f))
    return emitOpError("scale must be positive");
  int32_t zp = getZeroPoint();
  if (zp != 0 && !(a.isSignlessInteger(8) || b.isSignlessInteger(8)))
    return emitOpError("a zero point needs an i8 <-> bf16 conversion, got ")
           << a << " -> " << b;
  if (zp < -128 || zp > 127)
    return emitOpError("zero point ") << zp << " outside the int8 range";
  if (getUint() && !(a.isSignlessInteger(32) && b.isBF16()))
    return emitOpError("uint (a uint32 input, cvt.i2b src=u32) converts i32 "
                       "to bf16, got ")
           << a << " -> " << b;
  return success();
}

LogicalResult QuantizeOp::verify() {
  MemRefType in = getInput().getType(), out = getResult().getType();
  if (in.getShape() != out.getShape())
    return emitOpError("input and result shapes must match");
  Type a = in.getElementType(), b = out.getElementType();
  if (!(a.isBF16() || a.isF32()) || !b.isSignlessInteger(8))
    return emitOpError("quantizes a bf16 or f32 tile to i8, got ")
           << a << " -> " << b;
  float scale = getScale().convertToFloat();
  if (!(scale > 0.0f) || !std::isfinite(scale))
    return emitOpError("scale must be a positive finite f32");
  int32_t zp = static_cast<int32_t>(getZeroPoint());
  if (zp < -128 || zp > 127)
    return emitOpError("zero point ") << zp << " outside the int8 range";
  int32_t qmin = static_cast<int32_t>(getQmin()),
          qmax = static_cast<int32_t>(getQmax());
  if (!tern::quant::saturationBits(qmin, qmax))
    return emitOpError("range [")
           << qmin << ", " << qmax
           << "] is neither int8's, a two's complement narrow range "
              "[-2^(b-1), 2^(b-1)-1] nor a symmetric one +-(2^(b-1)-1), b = "
              "2..8";
  return success();
}

LogicalResult RequantOp::verify() {
  Type a = getInput().getType().getElementType(),
       b = getResult().getType().getElementType();
  bool tataa = getVariant() == RequantVariant::tataa;
  if (!b.isSignlessInteger(8) || !a.isSignlessInteger(tataa ? 16 : 32))
    return emitOpError("expects ") << (tataa ? "i16" : "i32") << " -> i8 for <"
                                   << stringifyRequantVariant(getVariant())
                                   << ">, got " << a << " -> " << b;
  // Field widths of cfg.requant and of each variant's datapath.
  int64_t maxMultiplier = tataa ? 0xFFFF
                          : getVariant() == RequantVariant::swifttron
                              ? 0x7FFFFFFF
                              : 0xFFFFFFFF;
  unsigned maxShift = tataa ? 31 : 63;
  if (static_cast<int64_t>(getMultiplier()) > maxMultiplier ||
      getShift() > maxShift)
    return emitOpError("multiplier ")
           << getMultiplier() << " / shift " << getShift() << " exceed <"
           << stringifyRequantVariant(getVariant()) << ">'s fields (at most "
           << maxMultiplier << " / " << maxShift << ")";
  bool elastic = getVariant() == RequantVariant::elastic;
  if (elastic && getShift() == 0)
    return emitOpError("<elastic> needs a shift of at least 1");
  // SwiftTron and TATAA truncate and wrap at 8 bits: an added zero point
  // would not be saturated, so only the saturating variants take one.
  bool withZeroPoint = elastic || getVariant() == RequantVariant::ibert;
  if (!withZeroPoint && static_cast<int32_t>(getZeroPoint()) != 0)
    return emitOpError("only <ibert> and <elastic> take a zero point");
  if (!withZeroPoint && getRelu())
    return emitOpError("only <ibert> and <elastic> clamp at the zero point "
                       "(relu)");
  // I32Attr is signless: read it as the signed value it was written as.
  int32_t zeroPoint = static_cast<int32_t>(getZeroPoint());
  if (zeroPoint < -128 || zeroPoint > 127)
    return emitOpError("zero point ") << zeroPoint << " is not an int8 value";
  return success();
}

LogicalResult SoftmaxOp::verify() {
  // An f32 input is a program input kept in f32 (rsfu.softmax af32).
  MemRefType in = getInput().getType(), out = getResult().getType();
  if (in.getRank() == 2 && in.getElementType().isF32() &&
      out.getElementType().isBF16())
    return success();
  return verifyBf16RowKernel(*this, in, out);
}

LogicalResult LayerNormOp::verify() {
  if (getEpsilon().convertToFloat() < 0.0f)
    return emitOpError("epsilon must be non-negative");
  return verifyBf16RowKernel(*this, getInput().getType(),
                             getResult().getType());
}

LogicalResult GeluOp::verify() {
  return verifyBf16RowKernel(*this, getInput().getType(),
                             getResult().getType());
}

LogicalResult RsqrtOp::verify() {
  return verifyBf16RowKernel(*this, getInput().getType(),
                             getResult().getType());
}

LogicalResult SqrtOp::verify() {
  return verifyBf16RowKernel(*this, getInput().getType(),
                             getResult().getType());
}

LogicalResult SfuFnOp::verify() {
  return verifyBf16RowKernel(*this, getInput().getType(),
                             getResult().getType());
}

/// The integer SFU kernels read and write i32 tiles.
static LogicalResult verifyIntSfu(Operation *op, MemRefType in, MemRefType out,
                                  ArrayRef<int32_t> params,
                                  unsigned numParams) {
  if (!in.getElementType().isSignlessInteger(32) ||
      !out.getElementType().isSignlessInteger(32))
    return op->emitOpError("expects i32 -> i32, got ")
           << in.getElementType() << " -> " << out.getElementType();
  if (params.size() != numParams)
    return op->emitOpError("expects ")
           << numParams << " params, got " << params.size();
  return success();
}

LogicalResult ISoftmaxOp::verify() {
  if (failed(verifyIntSfu(*this, getInput().getType(), getResult().getType(),
                          getParams(), kNumParams)))
    return failure();
  if (getParams()[0] >= 0)
    return emitOpError("x0 (params[0]) must be negative");
  if (getParams()[3] < 0 || getParams()[3] > 62)
    return emitOpError("the 16-bit shift (params[3]) must be 0..62");
  return success();
}

LogicalResult IGeluOp::verify() {
  if (failed(verifyIntSfu(*this, getInput().getType(), getResult().getType(),
                          getParams(), kNumParams)))
    return failure();
  if (getParams()[0] > 0)
    return emitOpError("b_i (params[0]) must not be positive");
  return success();
}

LogicalResult ILayerNormOp::verify() {
  if (failed(verifyIntSfu(*this, getInput().getType(), getResult().getType(),
                          getParams(), kNumParams)))
    return failure();
  if (getParams()[0] < 0 || getParams()[0] > 31)
    return emitOpError("the shift k (params[0]) must be 0..31");
  return success();
}

LogicalResult RequantWideOp::verify() {
  Type a = getInput().getType().getElementType(),
       b = getResult().getType().getElementType();
  if (!a.isSignlessInteger(8) && !a.isSignlessInteger(16) &&
      !a.isSignlessInteger(32) && !a.isSignlessInteger(6) &&
      !a.isSignlessInteger(4))
    return emitOpError("expects an i4, i6, i8, i16 or i32 input, got ") << a;
  unsigned want = getBits() <= 8 ? 8 : 32;
  // A 6- or 4-bit result may be typed at its width (one byte per element).
  bool narrow =
      (getBits() == 6 || getBits() == 4) && b.isSignlessInteger(getBits());
  if (!b.isSignlessInteger(want) && !narrow)
    return emitOpError("expects an i")
           << want << " result for " << getBits() << " bits, got " << b;
  if (getShift() > 63)
    return emitOpError("shift must be 0..63");
  return success();
}

LogicalResult PushOp::verify() {
  if (getFrom() == getTo())
    return emitOpError("a queue cannot synchronize with itself");
  return success();
}

LogicalResult PopOp::verify() {
  if (getFrom() == getTo())
    return emitOpError("a queue cannot synchronize with itself");
  return success();
}

LogicalResult GemmOp::verify() {
  MemRefType lhs = getLhs().getType(), rhs = getRhs().getType(),
             acc = getAcc().getType();
  if (lhs.getRank() != 2 || rhs.getRank() != 2 || acc.getRank() != 2)
    return emitOpError("operands must be rank-2 tiles");
  int64_t m = lhs.getDimSize(0), k = lhs.getDimSize(1);
  if (rhs.getDimSize(0) != k)
    return emitOpError("rhs rows (")
           << rhs.getDimSize(0) << ") must equal lhs columns (" << k << ")";
  if (acc.getDimSize(0) != m || acc.getDimSize(1) != rhs.getDimSize(1))
    return emitOpError("accumulator tile must be ")
           << m << "x" << rhs.getDimSize(1) << ", got " << acc.getDimSize(0)
           << "x" << acc.getDimSize(1);

  Type a = lhs.getElementType(), b = rhs.getElementType(),
       c = acc.getElementType();
  bool intMode = isGemmIntegerOperand(a) && isGemmIntegerOperand(b) &&
                 (c.isSignlessInteger(32) || c.isSignlessInteger(16));
  bool bf16Mode = a.isBF16() && b.isBF16() && c.isF32();
  if (!intMode && !bf16Mode)
    return emitOpError("unsupported element types ")
           << a << " x " << b << " -> " << c
           << "; expected i8/i6/i4 operands with an i32 or i16 accumulator, "
              "or bf16 operands with an f32 accumulator";
  if (Value bitmap = getBitmap()) {
    if (!intMode)
      return emitOpError("a K-row bitmap needs integer operands");
    auto map = cast<MemRefType>(bitmap.getType());
    int64_t bytes = (k + 7) / 8;
    if (map.getRank() != 1 || !map.getElementType().isSignlessInteger(8) ||
        map.getDimSize(0) != bytes)
      return emitOpError("bitmap must be memref<")
             << bytes << "xi8> (one bit per lhs column), got " << map;
  }
  return success();
}

LogicalResult XbarGemmOp::verify() {
  MemRefType lhs = getLhs().getType(), w = getWeights().getType(),
             acc = getAcc().getType();
  if (lhs.getRank() != 2 || w.getRank() != 2 || acc.getRank() != 2)
    return emitOpError("operands must be rank-2 tiles");
  int64_t m = lhs.getDimSize(0), k = lhs.getDimSize(1);
  if (w.getDimSize(0) != k)
    return emitOpError("weight rows (")
           << w.getDimSize(0) << ") must equal lhs columns (" << k << ")";
  if (acc.getDimSize(0) != m || acc.getDimSize(1) != w.getDimSize(1))
    return emitOpError("accumulator tile must be ")
           << m << "x" << w.getDimSize(1) << ", got " << acc.getDimSize(0)
           << "x" << acc.getDimSize(1);
  if (!lhs.getElementType().isSignlessInteger(8) ||
      !isGemmIntegerOperand(w.getElementType()) ||
      !acc.getElementType().isSignlessInteger(32))
    return emitOpError("unsupported element types ")
           << lhs.getElementType() << " x " << w.getElementType() << " -> "
           << acc.getElementType()
           << "; the crossbars take i8 inputs, i8/i6/i4 weights and an i32 "
              "accumulator";
  // The crossbars hold pretrained weights: a view of a constant global.
  if (!constantGlobalBehindViews(getWeights()))
    return emitOpError("weights must be a view of a constant memref.global "
                       "(the crossbars hold pretrained weights)");
  return success();
}

LogicalResult NonZeroMapOp::verify() {
  MemRefType in = getInput().getType(), map = getMap().getType();
  if (in.getRank() != 2 || !in.getElementType().isSignlessInteger(8))
    return emitOpError("input must be a rank-2 i8 tile, got ") << in;
  int64_t bytes = (in.getDimSize(1) + 7) / 8;
  if (map.getRank() != 1 || !map.getElementType().isSignlessInteger(8) ||
      map.getDimSize(0) != bytes)
    return emitOpError("map must be memref<")
           << bytes << "xi8> (one bit per input column), got " << map;
  return success();
}

LogicalResult TokenScoreOp::verify() {
  MemRefType in = getProbs().getType(), out = getScores().getType();
  Type e = in.getElementType();
  if (in.getRank() != 2 || !(e.isSignlessInteger(8) || e.isSignlessInteger(32)))
    return emitOpError("probs must be a rank-2 i8 or i32 tile, got ") << in;
  if (in.getDimSize(0) > 63)
    return emitOpError("scores at most 63 rows at once, got ")
           << in.getDimSize(0);
  if (out.getRank() != 1 || !out.getElementType().isSignlessInteger(32) ||
      out.getDimSize(0) != in.getDimSize(1))
    return emitOpError("scores must be memref<")
           << in.getDimSize(1) << "xi32> (one per column), got " << out;
  return success();
}

LogicalResult TokenSelectOp::verify() {
  MemRefType s = getScores().getType(), idx = getIndices().getType();
  int64_t keep = getKeep();
  if (s.getRank() != 1 || !s.getElementType().isSignlessInteger(32))
    return emitOpError("scores must be a rank-1 i32 vector, got ") << s;
  if (keep > s.getDimSize(0))
    return emitOpError("keeps ")
           << keep << " tokens of only " << s.getDimSize(0);
  if (idx.getRank() != 1 || !idx.getElementType().isSignlessInteger(32) ||
      idx.getDimSize(0) != keep)
    return emitOpError("indices must be memref<")
           << keep << "xi32>, got " << idx;
  if (getThreshold() && keep != s.getDimSize(0))
    return emitOpError("with a threshold keeps a run-time count of up to all ")
           << s.getDimSize(0) << " tokens: keep must be " << s.getDimSize(0)
           << ", got " << keep;
  return success();
}

LogicalResult TokenGatherOp::verify() {
  MemRefType src = getSource().getType(), idx = getIndices().getType(),
             out = getResult().getType();
  if (src.getRank() != 2 || out.getRank() != 2 ||
      src.getElementType() != out.getElementType() ||
      src.getDimSize(1) != out.getDimSize(1) ||
      out.getDimSize(0) > src.getDimSize(0))
    return emitOpError("result must have the source's columns and element "
                       "type and at most its rows, got ")
           << src << " -> " << out;
  if (idx.getRank() != 1 || !idx.getElementType().isSignlessInteger(32) ||
      idx.getDimSize(0) != out.getDimSize(0))
    return emitOpError("indices must be memref<")
           << out.getDimSize(0) << "xi32>, got " << idx;
  if (getZeroFill() && out.getDimSize(0) != src.getDimSize(0))
    return emitOpError("zero_fill writes all ")
           << src.getDimSize(0) << " source rows: result must have them, got "
           << out;
  return success();
}

LogicalResult TokenFuseOp::verify() {
  MemRefType src = getSource().getType(), scores = getScores().getType(),
             idx = getIndices().getType(), out = getResult().getType();
  if (src.getRank() != 2 || !src.getElementType().isBF16())
    return emitOpError("source must be a rank-2 bf16 tile, got ") << src;
  if (out.getRank() != 2 || out.getElementType() != src.getElementType() ||
      out.getDimSize(0) != 1 || out.getDimSize(1) != src.getDimSize(1))
    return emitOpError("result must be one row of the source's ")
           << src.getDimSize(1) << " columns, got " << out;
  if (scores.getRank() != 1 || !scores.getElementType().isSignlessInteger(32) ||
      scores.getDimSize(0) != src.getDimSize(0))
    return emitOpError("scores must be memref<")
           << src.getDimSize(0) << "xi32>, got " << scores;
  if (idx.getRank() != 1 || !idx.getElementType().isSignlessInteger(32) ||
      idx.getDimSize(0) > src.getDimSize(0))
    return emitOpError("indices must be an i32 vector of at most ")
           << src.getDimSize(0) << " entries, got " << idx;
  // tok.fuse has no scratchpad fields: it reads and writes `act`.
  if (!isInSpace(src, MemorySpace::act) || !isInSpace(out, MemorySpace::act))
    return emitOpError("source and result must be in the activation "
                       "scratchpad (act), got ")
           << src << " -> " << out;
  return success();
}

#define GET_OP_CLASSES
#include "Accel/AccelOps.cpp.inc"
