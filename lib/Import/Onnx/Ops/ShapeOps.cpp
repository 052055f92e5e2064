//===- ShapeOps.cpp - shape manipulation and constants --------------------===//
//
// Reshape-like ops, Transpose, Concat, Split, Slice, Gather, Expand and the
// shape-computing ops (Shape, ConstantOfShape, Range, Constant). Once input
// shapes are static every shape subgraph is known at import time: these
// handlers fold whenever their operands are folded, and shape operands
// (Reshape's shape, Slice's starts...) must be known, as TOSA takes them as
// attributes.
//
//===----------------------------------------------------------------------===//

#include "../Importer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace tern::onnx_import;

namespace {

/// Saturates at INT64_MAX: target shapes come from the model's data, and a
/// product that wrapped could equal the input's size.
int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    if (llvm::MulOverflow(p, d, p))
      return std::numeric_limits<int64_t>::max();
  return p;
}

/// Result = `in` restricted to `indices[d]` along every dimension d.
Folded foldedTake(const Folded &in, ArrayRef<SmallVector<int64_t>> indices) {
  SmallVector<int64_t> shape;
  for (const auto &idx : indices)
    shape.push_back(idx.size());
  Folded out = Folded::make(shape, in.elementType);
  SmallVector<int64_t> inStrides = stridesOf(in.shape);
  SmallVector<int64_t> outStrides = stridesOf(shape);
  for (int64_t i = 0, e = out.numElements(); i < e; ++i) {
    int64_t src = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      src += indices[d][(i / outStrides[d]) % shape[d]] * inStrides[d];
    if (out.isFloat())
      out.fps[i] = in.fps[src];
    else
      out.ints[i] = in.ints[src];
  }
  return out;
}

/// All indices of a dimension of size `n`.
SmallVector<int64_t> iota(int64_t n) {
  SmallVector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = i;
  return v;
}

/// Reshapes operand 0 to `shape`, folding if it is known.
LogicalResult reshapeTo(OpBinder &b, ArrayRef<int64_t> shape) {
  if (const Folded *in = b.folded(0)) {
    Folded out = *in;
    out.shape.assign(shape.begin(), shape.end());
    b.setFolded(0, std::move(out));
    return success();
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  b.setResult(0, createReshape(b.builder, b.loc, x, shape));
  return success();
}

LogicalResult reshapeHandler(OpBinder &b) {
  auto target = b.constInts(1);
  if (!target)
    return b.unsupported("a shape operand that is not known at import time");
  ArrayRef<int64_t> in = b.operandType(0).getShape();
  bool allowZero = b.getInt("allowzero", 0);
  SmallVector<int64_t> shape;
  int64_t inferred = -1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return b.emitError() << "Reshape copies dimension " << i
                             << " that the input does not have";
      shape.push_back(in[i]);
    } else if (d == -1) {
      if (inferred >= 0)
        return b.emitError() << "Reshape has more than one -1 dimension";
      inferred = i;
      shape.push_back(1);
    } else if (d < 0) {
      return b.emitError() << "Reshape to negative dimension " << d;
    } else {
      shape.push_back(d);
    }
  }
  int64_t total = product(in);
  if (inferred >= 0) {
    int64_t known = product(shape);
    if (known == 0 || total % known)
      return b.emitError() << "Reshape cannot infer the -1 dimension";
    shape[inferred] = total / known;
  }
  if (product(shape) != total)
    return b.emitError() << "Reshape to a shape with " << product(shape)
                         << " elements from one with " << total;
  return reshapeTo(b, shape);
}

LogicalResult flattenHandler(OpBinder &b) {
  ArrayRef<int64_t> in = b.operandType(0).getShape();
  // Flatten's axis may also equal the rank (everything in the first factor).
  int64_t rank = in.size(), axis = b.getInt("axis", 1);
  axis = axis == rank ? rank : normalizeAxis(axis, rank);
  return reshapeTo(
      b, {product(in.take_front(axis)), product(in.drop_front(axis))});
}

LogicalResult squeezeHandler(OpBinder &b) {
  ArrayRef<int64_t> in = b.operandType(0).getShape();
  std::optional<SmallVector<int64_t>> axes;
  if (b.hasOperand(1) && !(axes = b.constInts(1)))
    return b.unsupported("axes that are not known at import time");
  SmallVector<int64_t> shape;
  for (int64_t i = 0, e = in.size(); i < e; ++i) {
    bool drop =
        axes ? llvm::any_of(*axes,
                            [&](int64_t a) { return normalizeAxis(a, e) == i; })
             : in[i] == 1;
    if (drop && in[i] != 1)
      return b.emitError() << "Squeeze of dimension " << i << " of size "
                           << in[i];
    if (!drop)
      shape.push_back(in[i]);
  }
  return reshapeTo(b, shape);
}

LogicalResult unsqueezeHandler(OpBinder &b) {
  ArrayRef<int64_t> in = b.operandType(0).getShape();
  auto axes = b.constInts(1);
  if (!axes)
    return b.unsupported("axes that are not known at import time");
  int64_t rank = in.size() + axes->size();
  SmallVector<bool> isNew(rank, false);
  for (int64_t a : *axes) {
    int64_t axis = normalizeAxis(a, rank);
    if (isNew[axis])
      return b.emitError() << "Unsqueeze names axis " << a << " twice";
    isNew[axis] = true;
  }
  SmallVector<int64_t> shape;
  size_t next = 0;
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(isNew[i] ? 1 : in[next++]);
  return reshapeTo(b, shape);
}

LogicalResult transposeHandler(OpBinder &b) {
  ArrayRef<int64_t> in = b.operandType(0).getShape();
  int64_t rank = in.size();
  SmallVector<int64_t> perm =
      b.getInts("perm").value_or(SmallVector<int64_t>());
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (static_cast<int64_t>(perm.size()) != rank || p < 0 || p >= rank ||
        seen[p])
      return b.emitError() << "Transpose perm is not a permutation of the "
                           << rank << " dimensions of its input";
    seen[p] = true;
  }
  if (const Folded *f = b.folded(0)) {
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(in[p]);
    Folded out = Folded::make(shape, f->elementType);
    SmallVector<int64_t> inStrides = stridesOf(in),
                         outStrides = stridesOf(shape);
    for (int64_t i = 0, e = out.numElements(); i < e; ++i) {
      int64_t src = 0;
      for (int64_t d = 0; d < rank; ++d)
        src += ((i / outStrides[d]) % shape[d]) * inStrides[perm[d]];
      if (out.isFloat())
        out.fps[i] = f->fps[src];
      else
        out.ints[i] = f->ints[src];
    }
    b.setFolded(0, std::move(out));
    return success();
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  b.setResult(0, createTranspose(b.builder, b.loc, x, perm));
  return success();
}

LogicalResult concatHandler(OpBinder &b) {
  RankedTensorType first = b.operandType(0);
  int64_t rank = first.getRank();
  int64_t axis = normalizeAxis(b.getInt("axis", 0), rank);
  for (unsigned i = 1; i < b.getNumOperands(); ++i) {
    RankedTensorType t = b.operandType(i);
    bool same = t.getRank() == rank;
    for (int64_t d = 0; same && d < rank; ++d)
      same = d == axis || t.getDimSize(d) == first.getDimSize(d);
    if (!same)
      return b.emitError() << "Concat operand " << i << " (" << t
                           << ") does not match operand 0 (" << first
                           << ") outside axis " << axis;
  }
  bool allFolded = true;
  for (unsigned i = 0; i < b.getNumOperands() && allFolded; ++i)
    allFolded = b.folded(i) != nullptr;
  if (allFolded) {
    SmallVector<int64_t> shape(first.getShape());
    shape[axis] = 0;
    for (unsigned i = 0; i < b.getNumOperands(); ++i)
      shape[axis] += b.folded(i)->shape[axis];
    Folded out = Folded::make(shape, first.getElementType());
    SmallVector<int64_t> outStrides = stridesOf(shape);
    int64_t offset = 0;
    for (unsigned i = 0; i < b.getNumOperands(); ++i) {
      const Folded &in = *b.folded(i);
      SmallVector<int64_t> inStrides = stridesOf(in.shape);
      for (int64_t k = 0, e = in.numElements(); k < e; ++k) {
        int64_t dst = 0;
        for (int64_t d = 0; d < rank; ++d) {
          int64_t c = (k / inStrides[d]) % in.shape[d];
          dst += (d == axis ? c + offset : c) * outStrides[d];
        }
        if (out.isFloat())
          out.fps[dst] = in.fps[k];
        else
          out.ints[dst] = in.ints[k];
      }
      offset += in.shape[axis];
    }
    b.setFolded(0, std::move(out));
    return success();
  }
  SmallVector<Value> inputs;
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (unsigned i = 0; i < b.getNumOperands(); ++i) {
    Value v = b.operand(i);
    if (!v)
      return failure();
    int64_t size = cast<ShapedType>(v.getType()).getDimSize(axis);
    if (size == 0)
      continue; // TOSA rejects empty operands; they add nothing.
    shape[axis] += size;
    inputs.push_back(v);
  }
  if (inputs.size() == 1) {
    b.setResult(0, inputs[0]);
    return success();
  }
  b.setResult(0, b.builder.create<tosa::ConcatOp>(
                     b.loc, withShape(inputs[0], shape), inputs,
                     b.builder.getI32IntegerAttr(axis)));
  return success();
}

/// Takes `indices[d]` along each dimension: folded, or tosa.slice for
/// contiguous runs and tosa.gather for strided ones.
LogicalResult takeAlong(OpBinder &b, unsigned result,
                        ArrayRef<SmallVector<int64_t>> indices) {
  if (const Folded *f = b.folded(0)) {
    b.setFolded(result, foldedTake(*f, indices));
    return success();
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  SmallVector<int64_t> start, size;
  SmallVector<int64_t> strided;
  for (auto [d, idx] : llvm::enumerate(indices)) {
    bool contiguous = true;
    for (size_t i = 1; i < idx.size(); ++i)
      contiguous &= idx[i] == idx[i - 1] + 1;
    if (contiguous && !idx.empty()) {
      start.push_back(idx[0]);
      size.push_back(idx.size());
    } else {
      start.push_back(0);
      size.push_back(cast<ShapedType>(x.getType()).getDimSize(d));
      strided.push_back(d);
    }
  }
  // An empty result has no values: a constant of its shape (TOSA rejects
  // empty tensors), which the program writes with no instructions.
  if (llvm::is_contained(size, 0)) {
    b.setFolded(result, Folded::make(
                            size, cast<ShapedType>(x.getType())
                                      .getElementType()));
    return success();
  }
  Value v = createSlice(b.builder, b.loc, x, start, size);
  for (int64_t d : strided)
    v = gatherAlongAxis(b.builder, b.loc, v, d, indices[d]);
  b.setResult(result, v);
  return success();
}

LogicalResult splitHandler(OpBinder &b) {
  ArrayRef<int64_t> in = b.operandType(0).getShape();
  int64_t axis = normalizeAxis(b.getInt("axis", 0), in.size());
  unsigned n = b.getNumResults();
  SmallVector<int64_t> sizes;
  if (b.hasOperand(1)) {
    auto s = b.constInts(1);
    if (!s)
      return b.unsupported("split sizes that are not known at import time");
    sizes = *s;
    // Sizes are data: each in [0, dim] and summing to dim (no overflow).
    int64_t total = 0;
    bool valid = sizes.size() == n;
    for (int64_t size : sizes) {
      valid &= size >= 0 && size <= in[axis] - total;
      if (!valid)
        break;
      total += size;
    }
    if (!valid || total != in[axis])
      return b.emitError() << "Split sizes do not divide dimension " << axis
                           << " (" << in[axis] << ") into " << n << " parts";
  } else {
    if (n == 0 || in[axis] % n)
      return b.emitError() << "Split of dimension " << in[axis] << " into " << n
                           << " equal parts";
    sizes.assign(n, in[axis] / n);
  }
  int64_t offset = 0;
  for (unsigned r = 0; r < n; ++r) {
    SmallVector<SmallVector<int64_t>> indices;
    for (size_t d = 0; d < in.size(); ++d) {
      if (static_cast<int64_t>(d) != axis) {
        indices.push_back(iota(in[d]));
        continue;
      }
      SmallVector<int64_t> idx;
      for (int64_t i = 0; i < sizes[r]; ++i)
        idx.push_back(offset + i);
      indices.push_back(idx);
    }
    offset += sizes[r];
    if (b.hasResult(r) && failed(takeAlong(b, r, indices)))
      return failure();
  }
  return success();
}

LogicalResult sliceHandler(OpBinder &b) {
  ArrayRef<int64_t> in = b.operandType(0).getShape();
  int64_t rank = in.size();
  auto starts = b.constInts(1), ends = b.constInts(2);
  if (!starts || !ends)
    return b.unsupported("starts/ends that are not known at import time");
  SmallVector<int64_t> axes, steps;
  if (b.hasOperand(3)) {
    auto a = b.constInts(3);
    if (!a)
      return b.unsupported("axes that are not known at import time");
    axes = *a;
  } else {
    axes = iota(starts->size());
  }
  if (b.hasOperand(4)) {
    auto s = b.constInts(4);
    if (!s)
      return b.unsupported("steps that are not known at import time");
    steps = *s;
  } else {
    steps.assign(starts->size(), 1);
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return b.emitError() << "Slice starts, ends, axes and steps differ in "
                            "length";
  SmallVector<SmallVector<int64_t>> indices;
  for (int64_t d = 0; d < rank; ++d)
    indices.push_back(iota(in[d]));
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = normalizeAxis(axes[i], rank), dim = in[a], step = steps[i];
    if (step == 0)
      return b.emitError() << "Slice step must not be 0";
    // ONNX clamping: [0, dim] for positive steps, [-1, dim-1] for negative.
    auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v += dim;
      return std::max(lo, std::min(hi, v));
    };
    int64_t start = (*starts)[i], end = (*ends)[i];
    if (step > 0) {
      start = clampIndex(start, 0, dim);
      end = clampIndex(end, 0, dim);
    } else {
      start = clampIndex(start, -1, dim - 1);
      end = clampIndex(end, -1, dim - 1);
    }
    // Stops before `v + step` could overflow (steps are data).
    SmallVector<int64_t> idx;
    for (int64_t v = start; step > 0 ? v < end : v > end;) {
      idx.push_back(v);
      if (step > 0 ? step > end - v : step < end - v)
        break;
      v += step;
    }
    indices[a] = idx;
  }
  return takeAlong(b, 0, indices);
}

LogicalResult gatherHandler(OpBinder &b) {
  RankedTensorType dt = b.operandType(0);
  RankedTensorType it = b.operandType(1);
  int64_t rank = dt.getRank();
  int64_t axis = normalizeAxis(b.getInt("axis", 0), rank);
  int64_t k = dt.getDimSize(axis);
  SmallVector<int64_t> outShape(dt.getShape().take_front(axis));
  outShape.append(it.getShape().begin(), it.getShape().end());
  outShape.append(dt.getShape().begin() + axis + 1, dt.getShape().end());

  if (auto idx = b.constInts(1)) {
    for (int64_t &i : *idx) {
      if (i < -k || i >= k)
        return b.emitError()
               << "Gather index " << i
               << " is out of range for a dimension of size " << k;
      if (i < 0)
        i += k;
    }
    SmallVector<SmallVector<int64_t>> indices;
    for (int64_t d = 0; d < rank; ++d)
      indices.push_back(d == axis ? *idx : iota(dt.getDimSize(d)));
    if (const Folded *f = b.folded(0)) {
      Folded out = foldedTake(*f, indices);
      out.shape = outShape;
      b.setFolded(0, std::move(out));
      return success();
    }
    Value x = b.operand(0);
    if (!x)
      return failure();
    Value g = gatherAlongAxis(b.builder, b.loc, x, axis, *idx);
    b.setResult(0, createReshape(b.builder, b.loc, g, outShape));
    return success();
  }
  // Run-time indices (token ids into an embedding table): tosa.gather on
  // [outer, K, inner] with the indices repeated per outer row. Indices must
  // be in [-K, K); `load.gather` reads a negative one as index + K (ONNX's
  // rule) and stops the run on one outside that range.
  Value x = b.operand(0), ids = b.operand(1);
  if (!x || !ids)
    return failure();
  int64_t outer = product(dt.getShape().take_front(axis));
  int64_t inner = product(dt.getShape().drop_front(axis + 1));
  int64_t w = product(it.getShape());
  Value values = createReshape(b.builder, b.loc, x, {outer, k, inner});
  Value idx32 = createCast(b.builder, b.loc, ids, b.builder.getI32Type());
  idx32 = createReshape(b.builder, b.loc, idx32, {1, w});
  idx32 = broadcastTo(b.builder, b.loc, idx32, {outer, w});
  Value g = b.builder.create<tosa::GatherOp>(
      b.loc, RankedTensorType::get({outer, w, inner}, dt.getElementType()),
      values, idx32);
  b.setResult(0, createReshape(b.builder, b.loc, g, outShape));
  return success();
}

LogicalResult expandHandler(OpBinder &b) {
  auto target = b.constInts(1);
  if (!target)
    return b.unsupported("a shape operand that is not known at import time");
  RankedTensorType t = b.operandType(0);
  auto shape = broadcastShapes(t.getShape(), *target);
  if (!shape)
    return b.emitError() << "Expand of " << t << " to an incompatible shape";
  if (const Folded *f = b.folded(0)) {
    Folded out = Folded::make(*shape, f->elementType);
    if (out.numElements() <= kMaxFoldElements) {
      for (int64_t i = 0, e = out.numElements(); i < e; ++i) {
        int64_t src = broadcastIndex(f->shape, *shape, i);
        if (out.isFloat())
          out.fps[i] = f->fps[src];
        else
          out.ints[i] = f->ints[src];
      }
      b.setFolded(0, std::move(out));
      return success();
    }
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  b.setResult(0, broadcastTo(b.builder, b.loc, x, *shape));
  return success();
}

LogicalResult shapeHandler(OpBinder &b) {
  ArrayRef<int64_t> in = b.operandType(0).getShape();
  int64_t rank = in.size();
  auto clampIndex = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::max<int64_t>(0, std::min(rank, v));
  };
  int64_t start = clampIndex(b.getInt("start", 0));
  int64_t end = clampIndex(b.getInt("end", rank));
  Folded out =
      Folded::make({std::max<int64_t>(0, end - start)}, b.builder.getI64Type());
  for (int64_t i = start; i < end; ++i)
    out.ints[i - start] = in[i];
  b.setFolded(0, std::move(out));
  return success();
}

LogicalResult sizeHandler(OpBinder &b) {
  Folded out = Folded::make({}, b.builder.getI64Type());
  out.ints[0] = product(b.operandType(0).getShape());
  b.setFolded(0, std::move(out));
  return success();
}

LogicalResult constantOfShapeHandler(OpBinder &b) {
  auto shape = b.constInts(0);
  if (!shape)
    return b.unsupported("a shape that is not known at import time");
  Type et = b.builder.getF32Type();
  double value = 0.0;
  if (const auto *a = b.attr("value")) {
    onnx::TensorProto t = a->t();
    ElementsAttr attr = tensorToAttr(t, b.loc, SIZE_MAX, "");
    if (!attr)
      return failure();
    auto f = Folded::fromAttr(cast<DenseElementsAttr>(attr));
    if (!f || f->numElements() != 1)
      return b.emitError() << "ConstantOfShape value must have one element";
    et = f->elementType;
    value = f->getAsDouble(0);
  }
  // The shape is data: refuse absurd ones before allocating anything.
  if (failed(checkTensorSize(*shape, et, b.loc, "ConstantOfShape result")))
    return failure();
  if (product(*shape) <= kMaxFoldElements) {
    Folded out = Folded::make(*shape, et);
    for (int64_t i = 0, e = out.numElements(); i < e; ++i)
      out.set(i, value);
    b.setFolded(0, std::move(out));
    return success();
  }
  // Too large to fold: a splat constant, which stores one element.
  Folded one = Folded::make({}, et);
  one.set(0, value);
  auto type = RankedTensorType::get(*shape, et);
  b.setResult(0,
              createConst(b.builder, b.loc,
                          DenseElementsAttr::get(
                              type, one.toAttr().getSplatValue<Attribute>())));
  return success();
}

LogicalResult rangeHandler(OpBinder &b) {
  const Folded *start = b.folded(0), *limit = b.folded(1), *delta = b.folded(2);
  if (!start || !limit || !delta)
    return b.unsupported("operands that are not known at import time");
  if (start->numElements() != 1 || limit->numElements() != 1 ||
      delta->numElements() != 1)
    return b.emitError() << "Range start, limit and delta must be scalars";
  if (start->elementType != limit->elementType ||
      start->elementType != delta->elementType)
    return b.emitError() << "Range start, limit and delta differ in type";
  double s = start->getAsDouble(0), l = limit->getAsDouble(0),
         d = delta->getAsDouble(0);
  if (d == 0)
    return b.emitError() << "Range delta must not be 0";
  // The count is data: compared as a double before any integer conversion.
  double count = std::max(0.0, std::ceil((l - s) / d));
  if (!(count <= static_cast<double>(kMaxFoldElements)))
    return b.emitError() << "Range of " << count
                         << " elements is too large to fold at import time "
                            "(limit "
                         << kMaxFoldElements << ")";
  int64_t n = static_cast<int64_t>(count);
  Folded out = Folded::make({n}, start->elementType);
  for (int64_t i = 0; i < n; ++i) {
    if (out.isFloat())
      out.set(i, s + i * d);
    else
      // Wraps like the hardware's int64 instead of overflowing (UB).
      out.setInt(i, static_cast<int64_t>(
                        static_cast<uint64_t>(start->getAsInt(0)) +
                        static_cast<uint64_t>(i) *
                            static_cast<uint64_t>(delta->getAsInt(0))));
  }
  b.setFolded(0, std::move(out));
  return success();
}

LogicalResult triluHandler(OpBinder &b) {
  RankedTensorType t = b.operandType(0);
  if (t.getRank() < 2)
    return b.emitError() << "Trilu needs a rank >= 2 input";
  int64_t k = 0;
  if (b.hasOperand(1)) {
    auto kv = b.constInts(1);
    if (!kv)
      return b.unsupported("a k that is not known at import time");
    k = (*kv)[0];
  }
  bool upper = b.getInt("upper", 1);
  int64_t rows = t.getDimSize(t.getRank() - 2),
          cols = t.getDimSize(t.getRank() - 1);
  Folded mask = Folded::make({rows, cols}, b.builder.getI1Type());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.ints[i * cols + j] = upper ? j - i >= k : j - i <= k;
  if (const Folded *f = b.folded(0)) {
    Folded out = *f;
    for (int64_t i = 0, e = out.numElements(); i < e; ++i)
      if (!mask.ints[i % (rows * cols)])
        out.set(i, 0);
    b.setFolded(0, std::move(out));
    return success();
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  // An all-false mask (k past the matrix): the result is all zeros. (A
  // select of a [1, ..., 1] zero would fold to that broadcast operand,
  // whose type is not the result's.)
  // (An empty mask, of a zero-size input, stays a select.)
  if (!mask.ints.empty() &&
      llvm::none_of(mask.ints, [](int64_t v) { return v != 0; })) {
    b.setResult(0, createConst(b.builder, b.loc,
                               cast<ElementsAttr>(b.builder.getZeroAttr(t))));
    return success();
  }
  Value m =
      expandRank(b.builder, b.loc, createConst(b.builder, b.loc, mask.toAttr()),
                 t.getRank());
  Value zero =
      createScalar(b.builder, b.loc, t.getElementType(), 0.0, t.getRank());
  b.setResult(0, b.builder.create<tosa::SelectOp>(b.loc, t, m, x, zero));
  return success();
}

LogicalResult constantHandler(OpBinder &b) {
  Builder &builder = b.builder;
  auto scalar = [&](Type et, ArrayRef<int64_t> shape, ArrayRef<double> values) {
    Folded f = Folded::make(shape, et);
    for (size_t i = 0; i < values.size(); ++i)
      f.set(i, values[i]);
    return f;
  };
  if (const auto *a = b.attr("value")) {
    // The model is owned by the importer: the tensor's bytes may be adopted.
    auto &tensor = const_cast<onnx::TensorProto &>(a->t());
    ElementsAttr attr = tensorToAttr(tensor, b.loc, 1024, "");
    if (!attr)
      return failure();
    if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
      if (dense.getNumElements() <= 4096) {
        if (auto f = Folded::fromAttr(dense)) {
          b.setFolded(0, std::move(*f));
          return success();
        }
      }
    }
    b.setResult(0, createConst(b.builder, b.loc, attr));
    return success();
  }
  if (const auto *a = b.attr("value_float")) {
    b.setFolded(0, scalar(builder.getF32Type(), {}, {a->f()}));
    return success();
  }
  if (const auto *a = b.attr("value_int")) {
    Folded f = Folded::make({}, builder.getI64Type());
    f.ints[0] = a->i();
    b.setFolded(0, std::move(f));
    return success();
  }
  if (const auto *a = b.attr("value_floats")) {
    SmallVector<double> v(a->floats().begin(), a->floats().end());
    b.setFolded(0, scalar(builder.getF32Type(), {(int64_t)v.size()}, v));
    return success();
  }
  if (const auto *a = b.attr("value_ints")) {
    Folded f = Folded::make({a->ints_size()}, builder.getI64Type());
    f.ints.assign(a->ints().begin(), a->ints().end());
    b.setFolded(0, std::move(f));
    return success();
  }
  return b.unsupported("a value kind other than value / value_float(s) / "
                       "value_int(s)");
}

} // namespace

void tern::onnx_import::populateShapeHandlers(HandlerRegistry &r) {
  r.onOp("Reshape", 14, reshapeHandler);
  r.onOp("Flatten", 13, flattenHandler);
  r.onOp("Squeeze", 13, squeezeHandler);
  r.onOp("Unsqueeze", 13, unsqueezeHandler);
  r.onOp("Transpose", 13, transposeHandler);
  r.onOp("Concat", 13, concatHandler);
  r.onOp("Split", 13, splitHandler);
  r.onOp("Slice", 13, sliceHandler);
  r.onOp("Gather", 13, gatherHandler);
  r.onOp("Expand", 13, expandHandler);
  r.onOp("Shape", 15, shapeHandler);
  r.onOp("Size", 13, sizeHandler);
  r.onOp("ConstantOfShape", 9, constantOfShapeHandler);
  r.onOp("Range", 11, rangeHandler);
  r.onOp("Trilu", 14, triluHandler);
  r.onOp("Constant", 13, constantHandler);
}
