//===- TernToAccel.cpp - the convert-tern-to-accel pass -------------------===//
//
// Bufferizes the function boundary and the weights (tensors become bf16 DRAM
// memrefs) and runs the tiling patterns of MatrixOps.cpp and RowOps.cpp as a
// full conversion, so no tern op or tensor reaches emission.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Dialect/Tern/IR/Quantization.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Quant/Requant.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/bit.h"

namespace tern {
#define GEN_PASS_DEF_CONVERTTERNTOACCEL
#include "Conversion/ConversionPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace {

/// Threshold token pruning: marks the tern ops whose result rows (dim -2),
/// columns (the last dim: attention keys) or matmul contraction are the
/// run-time kept tokens of a pruning point (kTokenRows / kTokenCols /
/// kTokenK, TileBuilder.h), numbered in program order. The patterns then
/// process only those rows (lensel) and leave the columns past the count out
/// (nsel, ksel, csel), so rows [L, N) are never rewritten and hold stale
/// data. That is exact only where every consumer of such a value is known
/// to keep rows apart or to leave the stale columns out; a value reaching
/// any other op, or an integer attention (whose GEMM and softmax have no
/// column length), marks nothing at all: the program then computes every
/// row, as the zero-filled pruning point makes exact on its own.
void markTokenLengths(ModuleOp module) {
  struct Tok {
    int64_t point = -1;
    bool rows = false, cols = false;
    /// The key columns past the count are exact zeros (a softmax with
    /// csel wrote them), so an integer product may read them: 0 x stale
    /// int8 adds 0, where the bf16 products need ksel (0 x NaN).
    bool clean = false;
  };
  llvm::DenseMap<Value, Tok> toks;
  SmallVector<std::tuple<Operation *, StringRef, int64_t>> marks;
  int64_t points = 0;
  bool ok = true;
  auto quantized = [](Value v) {
    return isa<mlir::quant::QuantizedType>(getElementTypeOrSelf(v));
  };
  module.walk([&](Operation *op) {
    if (!ok || isa<ModuleOp, func::FuncOp>(op))
      return;
    if (auto prune = dyn_cast<PruneTokensOp>(op)) {
      if (prune.getThreshold())
        toks[prune.getResult()] = {points++, true, false};
      return;
    }
    // The kept-token operands; all must share one pruning point.
    SmallVector<Tok> in;
    for (Value v : op->getOperands())
      if (auto it = toks.find(v); it != toks.end())
        in.push_back(it->second);
    if (in.empty())
      return;
    int64_t p = in.front().point;
    if (llvm::any_of(in, [&](const Tok &t) { return t.point != p; })) {
      ok = false;
      return;
    }
    // Rows past the count only reach row 0 (CLS) extraction, outputs and
    // the next pruning point (which reads kept rows and zero columns).
    if (isa<tosa::GatherOp, func::ReturnOp>(op))
      return;
    auto result = [&](bool rows, bool cols, bool clean = false) {
      if (op->getNumResults() != 1) {
        ok = false;
        return;
      }
      toks[op->getResult(0)] = {p, rows, cols, clean};
      if (rows)
        marks.push_back({op, kTokenRows, p});
      if (cols)
        marks.push_back({op, kTokenCols, p});
    };
    bool casts = isa<mlir::quant::QuantizeCastOp,
                     mlir::quant::DequantizeCastOp,
                     mlir::quant::StorageCastOp, RequantizeOp>(op);
    if (casts || isa<LayerNormOp, GeluOp, ReluOp, AddOp, SoftmaxOp,
                     tosa::ClampOp, tosa::AddOp, tosa::SubOp, tosa::MulOp,
                     SplitHeadsOp, MergeHeadsOp>(op)) {
      bool rows = llvm::any_of(in, [](const Tok &t) { return t.rows; });
      bool cols = llvm::any_of(in, [](const Tok &t) { return t.cols; });
      bool clean = llvm::all_of(in, [](const Tok &t) { return t.clean; });
      // Only the softmax leaves stale key columns out (bf16: accel.softmax
      // with csel; the integer kernels have no column length); the others
      // with columns are element-wise (the mask addition, the casts).
      bool softmax = isa<SoftmaxOp>(op);
      if (cols && ((!softmax && !casts && !isa<tosa::AddOp, tosa::MulOp>(op)) ||
                   (softmax && quantized(op->getOperand(0))))) {
        ok = false;
        return;
      }
      if (isa<SplitHeadsOp, MergeHeadsOp>(op)) {
        // Copies: the rows stay tokens (dim -2), nothing to tag.
        toks[op->getResult(0)] = {p, rows, false, false};
        return;
      }
      // A cast keeps zeros zero (symmetric int8: zero point 0).
      result(rows, cols, softmax || (casts && clean));
      return;
    }
    if (auto lin = dyn_cast<LinearOp>(op)) {
      auto it = toks.find(lin.getInput());
      if (it == toks.end() || it->second.cols) {
        ok = false;
        return;
      }
      result(true, false);
      return;
    }
    if (auto mm = dyn_cast<MatMulOp>(op)) {
      Tok lhs = toks.lookup(mm.getLhs()), rhs = toks.lookup(mm.getRhs());
      bool lhsTok = toks.count(mm.getLhs()), rhsTok = toks.count(mm.getRhs());
      bool t = mm.getTransposeRhs();
      // Q K^T: K's rows are the result's columns; P V: V's rows are the
      // contraction, which must be P's (key) columns.
      bool cols = rhsTok && (t ? rhs.rows : rhs.cols);
      bool k = rhsTok && (t ? rhs.cols : rhs.rows);
      if ((lhsTok && lhs.cols) != k || (lhsTok && !lhs.rows)) {
        ok = false;
        return;
      }
      // The integer GEMM has no column or contraction length; it is exact
      // without: stale int8 key rows give finite scores in columns the
      // softmax leaves out, and P's zero columns (clean) cancel stale V
      // rows exactly.
      bool integer = quantized(mm.getLhs()) || quantized(mm.getRhs());
      if (integer && k && !lhs.clean) {
        ok = false;
        return;
      }
      if (k && !integer)
        marks.push_back({op, kTokenK, p});
      result(lhsTok && lhs.rows, cols);
      if (integer && cols)
        marks.pop_back(); // no kTokenCols (nsel) on the integer GEMM
      return;
    }
    ok = false;
  });
  if (!ok || marks.empty())
    return;
  for (auto [op, name, p] : marks)
    op->setAttr(name, IntegerAttr::get(IntegerType::get(op->getContext(), 64),
                                       p));
}

/// The tensor encoding that marks an f32 function argument whose every use
/// is an exact quantizing cast: its DRAM buffer stays f32.
constexpr llvm::StringLiteral kKeptF32 = "tern.keep_f32";

bool isKeptF32(RankedTensorType type) {
  auto marker = dyn_cast_or_null<StringAttr>(type.getEncoding());
  return marker && marker.getValue() == kKeptF32;
}

/// Records on each integer (or boolean) function result its element type
/// before the conversion (kDeclaredTypeAttr): the buffers hold int8 ...
/// int64 as i32 and booleans as bf16 0 / 1, and the emitter passes the
/// declared type on to the program's output table.
void recordDeclaredResultTypes(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (tensor && isa<IntegerType>(tensor.getElementType()))
        func.setResultAttr(i, accel::kDeclaredTypeAttr,
                           TypeAttr::get(tensor.getElementType()));
    }
  }
}

/// Whether `user` reads the f32 argument `arg` on the SFU without a bf16
/// rounding first: the reference softmax and log-softmax (rsfu.softmax
/// af32) of rows that fit a tile, and a float pow reading it element for
/// element (rsfu.pow af32 / bf32).
bool readsF32OnTheSfu(Operation *user, Value arg, const TileSizes &tiles) {
  // Whole rows only: the spilled (column chunk) softmax works on bf16.
  // (A softmax's operand has rank >= 1: its verifier.)
  auto fitsATile = [&] {
    ArrayRef<int64_t> shape = cast<ShapedType>(arg.getType()).getShape();
    return !shape.empty() && !rowWiderThanTile(tiles, shape.back(), 4);
  };
  if (isa<LogSoftmaxOp>(user))
    return fitsATile();
  if (auto softmax = dyn_cast<SoftmaxOp>(user)) {
    auto precision = softmax->getAttrOfType<PrecisionAttr>("precision");
    return (!precision || precision.getValue() == Precision::bf16) &&
           fitsATile();
  }
  if (auto pow = dyn_cast<tosa::PowOp>(user))
    return isa<FloatType>(pow.getType().getElementType()) &&
           cast<ShapedType>(arg.getType()).getShape() ==
               pow.getType().getShape();
  return false;
}

/// Keeps an f32 function argument in f32 (a tensor encoding that the
/// buffer type converter maps to an f32 memref, and an f32 program input)
/// where every user reads the caller's f32 values rather than their bf16
/// rounding:
///  - exact-quantize: run-time casts to a uniform 8-bit type (a QDQ model's
///    input QuantizeLinear), so the exact quantizer reads the f32 values;
///  - SFU kernels that read f32 operands (readsF32OnTheSfu): a softmax of
///    10000..10003 (one bf16 value) or a power whose exponent's bf16
///    rounding the power magnifies. docs/Lowering.md, "f32 inputs of the
///    SFU"; an argument with any other user is rounded to bf16 as before.
void keepF32Arguments(ModuleOp module, bool exactQuantize,
                      const TileSizes &tiles) {
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    SmallVector<Type> inputs(func.getArgumentTypes());
    bool changed = false;
    for (BlockArgument arg : func.getArguments()) {
      auto type = dyn_cast<RankedTensorType>(arg.getType());
      if (!type || !type.getElementType().isF32() || !type.hasStaticShape() ||
          type.getEncoding() || arg.use_empty())
        continue;
      bool onlyCasts =
          exactQuantize && llvm::all_of(arg.getUsers(), [](Operation *user) {
            auto cast = dyn_cast<mlir::quant::QuantizeCastOp>(user);
            if (!cast)
              return false;
            auto q = dyn_cast<mlir::quant::UniformQuantizedType>(
                getElementTypeOrSelf(cast.getType()));
            return q && q.getStorageTypeIntegralWidth() == 8;
          });
      bool onlySfu = llvm::all_of(arg.getUsers(), [&](Operation *user) {
        return readsF32OnTheSfu(user, arg, tiles);
      });
      if (!onlyCasts && !onlySfu)
        continue;
      auto kept =
          RankedTensorType::get(type.getShape(), type.getElementType(),
                                StringAttr::get(module.getContext(), kKeptF32));
      arg.setType(kept);
      inputs[arg.getArgNumber()] = kept;
      changed = true;
    }
    if (changed)
      func.setFunctionType(FunctionType::get(module.getContext(), inputs,
                                             func.getResultTypes()));
  }
}

/// A QDQ model's QuantizeLinear -> Clip -> DequantizeLinear left by the
/// policy (`bf16`: the casts run as conversions; tern-quantize folds those
/// it quantizes): the Clip becomes the narrower storage range of the
/// QuantizeLinear (foldQdqClip), executed by the exact quantizer; a form
/// that does not execute is an error naming it.
LogicalResult foldQdqClips(ModuleOp module) {
  bool ok = true;
  SmallVector<mlir::quant::DequantizeCastOp> dcasts;
  module.walk([&](mlir::quant::DequantizeCastOp d) { dcasts.push_back(d); });
  for (auto dcast : dcasts) {
    auto scast = dcast.getArg().getDefiningOp<mlir::quant::StorageCastOp>();
    auto clamp =
        scast ? scast.getArg().getDefiningOp<tosa::ClampOp>() : tosa::ClampOp();
    if (!clamp)
      continue;
    std::string why;
    if (failed(foldQdqClip(dcast, clamp, why))) {
      dcast.emitError("a QDQ activation ") << why;
      ok = false;
    }
  }
  // The Clip chains left without users.
  bool erased = true;
  while (erased) {
    erased = false;
    module.walk([&](Operation *op) {
      if (isa<mlir::quant::QuantizeCastOp, mlir::quant::StorageCastOp,
              tosa::ClampOp, tensor::BitcastOp>(op) &&
          op->use_empty()) {
        op->erase();
        erased = true;
      }
    });
  }
  return success(ok);
}

/// ONNX int8 / uint8 / int16 / uint16 tensors are held as i32 in DRAM (the
/// program's inputs and outputs are i32; `tern run` widens them). That is
/// exact for ops that only compare or move values; Add, Sub and Mul wrap
/// their i32 result to the narrow type (accel.wrap, NarrowIntegers.cpp),
/// casts and clamps compute in the narrow type's range (CastLowering,
/// ClampLowering). Other ops that compute new values are refused here.
///
/// uint32 / uint64 tensors are held as 32-bit words (a uint64 input must
/// fit 32 bits: `tern run` checks): max, min and the comparisons order them
/// as uint32 (accel `uint`), casts convert them as such (CastLowering),
/// Where and data movement copy them; uint32 Add, Sub and Mul are the i32
/// ones (both wrap modulo 2^32). Anything else is refused here.
static bool isNarrowInteger(Type t) {
  auto it = dyn_cast<IntegerType>(t);
  return it && !it.isSigned() && (it.getWidth() == 8 || it.getWidth() == 16);
}

static LogicalResult checkIntegerTensors(ModuleOp module) {
  WalkResult walk = module.walk([&](Operation *op) {
    if (isa<tosa::ConstOp, arith::ConstantOp>(op))
      return WalkResult::advance();
    for (Type t : op->getResultTypes()) {
      auto tt = dyn_cast<RankedTensorType>(t);
      if (!tt)
        continue;
      auto it = dyn_cast<IntegerType>(tt.getElementType());
      if (!it)
        continue;
      if (tern::wideUnsigned(it) &&
          !isa<tosa::MaximumOp, tosa::MinimumOp, tosa::ReshapeOp,
               tosa::TransposeOp, tosa::SliceOp, tosa::ConcatOp,
               tosa::IdentityOp, tosa::CastOp, tosa::SelectOp>(op) &&
          !(it.getWidth() == 32 &&
            isa<tosa::AddOp, tosa::SubOp, tosa::MulOp>(op))) {
        op->emitOpError("on ")
            << it << " tensors is not lowered: uint32 and uint64 are held as "
            << "32-bit words, where Max, Min, comparisons, Where, casts, data "
            << "movement and uint32 Add, Sub, Mul (wrapping modulo 2^32) are "
            << "lowered";
        return WalkResult::interrupt();
      }
      if (it.isUnsigned() && it.getWidth() > 64) {
        op->emitOpError("result element type ") << it << " is not lowered";
        return WalkResult::interrupt();
      }
      if (isNarrowInteger(it) &&
          !isa<tosa::MaximumOp, tosa::MinimumOp, tosa::ReshapeOp,
               tosa::TransposeOp, tosa::SliceOp, tosa::ConcatOp,
               tosa::IdentityOp, tosa::AddOp, tosa::SubOp, tosa::MulOp,
               tosa::CastOp, tosa::ClampOp>(op)) {
        op->emitOpError("on ")
            << it << " tensors is not lowered: they are held as int32, "
            << "where Add, Sub, Mul (wrapping modulo 2^" << it.getWidth()
            << "), casts, Clip, Max, Min and data movement are lowered";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// Static float tensors become bf16 DRAM buffers of the same shape;
/// quantized tensors become buffers of their storage type (i8, i32).
class BufferTypeConverter : public TypeConverter {
public:
  BufferTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](RankedTensorType type) -> std::optional<Type> {
      if (!type.hasStaticShape())
        return std::nullopt;
      Type element = type.getElementType();
      if (isa<mlir::quant::QuantizedType>(element))
        return MemRefType::get(type.getShape(), storageType(element));
      // Booleans (masks) are bf16 0 / 1; integer tensors (token ids, bound
      // from i64 inputs with a range check; kept-token indices of
      // tern.prune_tokens; int8 / uint8 / int16 / uint16 widened, see
      // checkIntegerTensors) are i32.
      if (element.isInteger(1))
        return MemRefType::get(type.getShape(),
                               BFloat16Type::get(type.getContext()));
      if (element.isSignlessInteger(32) || element.isSignlessInteger(64) ||
          isNarrowInteger(element) || wideUnsigned(element))
        return MemRefType::get(type.getShape(),
                               IntegerType::get(type.getContext(), 32));
      if (!isa<FloatType>(element))
        return std::nullopt;
      // An f32 argument kept for the exact quantizer (exact-quantize).
      if (element.isF32() && isKeptF32(type))
        return MemRefType::get(type.getShape(), element);
      return MemRefType::get(type.getShape(),
                             BFloat16Type::get(type.getContext()));
    });
  }
};

/// arith.constant / tosa.const float tensor -> memref.global (bf16, rounded
/// to nearest even) + memref.get_global.
template <typename ConstOp>
struct ConstantLowering : OpConversionPattern<ConstOp> {
  ConstantLowering(TypeConverter &converter, MLIRContext *ctx,
                   SymbolTable &symbols,
                   SmallVectorImpl<DenseResourceElementsHandle> &lowered,
                   const llvm::DenseSet<const void *> *releasable)
      : OpConversionPattern<ConstOp>(converter, ctx), symbols(symbols),
        lowered(lowered), releasable(releasable) {}

  /// Whether no pattern reads `op`'s f32 data once it is a bf16 global:
  /// every user is a float tern.linear that takes it as its weight, whose
  /// lowering reads the weight through the converted global only.
  static bool onlyLinearWeights(ConstOp op) {
    return !op->use_empty() && llvm::all_of(op->getUses(), [](OpOperand &use) {
      auto linear = dyn_cast<LinearOp>(use.getOwner());
      return linear && use.get() == linear.getWeight() &&
             use.get() != linear.getInput() &&
             (!linear.getBias() || use.get() != linear.getBias()) &&
             isa<FloatType>(getElementTypeOrSelf(linear.getInput().getType()));
    });
  }

  LogicalResult
  matchAndRewrite(ConstOp op, typename ConstOp::Adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto tensorType = dyn_cast<RankedTensorType>(op.getType());
    if (!tensorType)
      return failure();
    auto memrefType = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(tensorType));
    if (!memrefType)
      return rewriter.notifyMatchFailure(op, "not a static float tensor");
    ElementsAttr init;
    if (auto integer = dyn_cast<IntegerType>(tensorType.getElementType())) {
      // An integer or boolean constant that is a program output (Shape,
      // Size, ConstantOfShape, Range folded at import): the DRAM image of
      // its converted type, i32 or bf16 0 / 1.
      DenseIntElementsAttr dense =
          dyn_cast<DenseIntElementsAttr>(Attribute(op.getValue()));
      if (!dense)
        return rewriter.notifyMatchFailure(op, "integer constant not dense");
      Type element = memrefType.getElementType();
      auto initType = RankedTensorType::get(tensorType.getShape(), element);
      if (element.isBF16()) {
        SmallVector<APFloat> bits;
        for (const APInt &v : dense.getValues<APInt>())
          bits.push_back(APFloat(APFloat::BFloat(), v.isZero() ? "0" : "1"));
        init = DenseElementsAttr::get(initType, bits);
      } else {
        SmallVector<int32_t> words;
        for (const APInt &v : dense.getValues<APInt>()) {
          int64_t x = integer.isUnsigned()
                          ? static_cast<int64_t>(v.getZExtValue())
                          : v.getSExtValue();
          if (x < INT32_MIN || x > INT32_MAX)
            return op.emitOpError("integer constant value ")
                   << x << " does not fit the int32 the program holds "
                   << "integer tensors in";
          words.push_back(static_cast<int32_t>(x));
        }
        init = DenseElementsAttr::get(initType, ArrayRef<int32_t>(words));
      }
    } else {
      std::optional<SmallVector<float>> values = readF32Elements(op.getValue());
      if (!values)
        return rewriter.notifyMatchFailure(op, "constant is not readable f32");

      // Round to nearest even on the bits (what APFloat's conversion does, at
      // a fraction of its cost on ViT-B/16's 86 M weights); NaNs take
      // APFloat's path.
      SmallVector<uint16_t> rounded;
      rounded.reserve(values->size());
      for (float v : *values) {
        uint32_t u = llvm::bit_cast<uint32_t>(v);
        if ((u & 0x7fffffffu) > 0x7f800000u) {
          APFloat f(v);
          bool losesInfo;
          f.convert(APFloat::BFloat(), APFloat::rmNearestTiesToEven, &losesInfo);
          rounded.push_back(
              static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue()));
          continue;
        }
        rounded.push_back(
            static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16));
      }
      auto initType =
          RankedTensorType::get(tensorType.getShape(), rewriter.getBF16Type());
      ArrayRef<char> raw(reinterpret_cast<const char *>(rounded.data()),
                         rounded.size() * sizeof(uint16_t));
      // For a compile that emits once (release-constant-data), a blob the
      // emitter can free once the program holds the data; a dense
      // attribute would stay in the context until the end (173 MB for
      // ViT-B/16, at the peak of writing the file).
      if (releasable && isa<DenseResourceElementsAttr>(op.getValue()))
        init = DenseResourceElementsAttr::get(
            initType, "tern_bf16",
            HeapAsmResourceBlob::allocateAndCopyInferAlign(
                ArrayRef<uint16_t>(rounded)));
      else
        init = DenseElementsAttr::getFromRawBuffer(initType, raw);
    }

    memref::GlobalOp global;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(
          op->template getParentOfType<ModuleOp>().getBody());
      global = rewriter.create<memref::GlobalOp>(
          op.getLoc(), "__tern_constant", rewriter.getStringAttr("private"),
          memrefType, init, /*constant=*/true, /*alignment=*/IntegerAttr());
      symbols.insert(global); // renames to a unique symbol
    }
    rewriter.replaceOpWithNewOp<memref::GetGlobalOp>(op, memrefType,
                                                     global.getSymName());
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue())) {
      lowered.push_back(resource.getRawHandle());
      // Free the f32 data now rather than after the whole conversion (the
      // peak memory of a large model's compile: ViT-B/16's 346 MB of
      // weights beside their bf16 copies and the tiles' IR), when this op
      // is the blob's only holder and only linear weights read it.
      if (releasable &&
          releasable->contains(resource.getRawHandle().getResource()) &&
          onlyLinearWeights(op))
        resource.getRawHandle().getResource()->setBlob(AsmResourceBlob());
    }
    return success();
  }

  SymbolTable &symbols;
  /// The resource blobs whose f32 data became bf16 globals.
  SmallVectorImpl<DenseResourceElementsHandle> &lowered;
  /// Resources that exactly one constant op holds (null: release nothing
  /// during the conversion).
  const llvm::DenseSet<const void *> *releasable;
};

class ConvertTernToAccel
    : public tern::impl::ConvertTernToAccelBase<ConvertTernToAccel> {
public:
  using ConvertTernToAccelBase::ConvertTernToAccelBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    if (failed(foldQdqClips(module)))
      return signalPassFailure();
    foldIntegerPows(module);
    // The blobs of the module's constants: folding (a constant transpose)
    // may consume one without lowering it.
    SmallVector<DenseResourceElementsHandle> constantBlobs;
    if (releaseConstantData)
      module.walk([&](Operation *op) {
        if (isa<tosa::ConstOp, arith::ConstantOp>(op))
          if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(
                  op->getAttr("value")))
            constantBlobs.push_back(resource.getRawHandle());
      });
    {
      RewritePatternSet folding(ctx);
      populateConstantFoldingPatterns(folding);
      (void)applyPatternsAndFoldGreedily(module, std::move(folding));
    }
    // The resources exactly one op holds after folding: ConstantLowering
    // may free those as it lowers them.
    llvm::DenseSet<const void *> releasable;
    if (releaseConstantData) {
      llvm::DenseMap<const void *, unsigned> holders;
      module.walk([&](Operation *op) {
        if (isa<tosa::ConstOp, arith::ConstantOp>(op))
          if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(
                  op->getAttr("value")))
            ++holders[resource.getRawHandle().getResource()];
      });
      for (auto [resource, count] : holders)
        if (count == 1)
          releasable.insert(resource);
    }
    if (failed(checkSupported(module)))
      return signalPassFailure();
    markTokenLengths(module);

    std::optional<tern::quant::RequantVariant> variant =
        tern::quant::parseRequantVariant(requant);
    if (!variant) {
      module.emitError("convert-tern-to-accel: unknown requantization "
                       "variant '")
          << requant << "'; expected ibert, swifttron, tataa or elastic";
      return signalPassFailure();
    }
    QuantLowering quant;
    switch (*variant) {
    case tern::quant::RequantVariant::IBert:
      quant.variant = accel::RequantVariant::ibert;
      break;
    case tern::quant::RequantVariant::SwiftTron:
      quant.variant = accel::RequantVariant::swifttron;
      break;
    case tern::quant::RequantVariant::ElasticAI:
      quant.variant = accel::RequantVariant::elastic;
      break;
    case tern::quant::RequantVariant::Tataa:
      quant.variant = accel::RequantVariant::tataa;
      break;
    }

    quant.reram = reram;
    quant.reramTileN = reramTileN;
    if (reram && reramTileN <= 0) {
      module.emitError("convert-tern-to-accel: reram-tile-n must be > 0");
      return signalPassFailure();
    }

    TileSizes tiles{tileM,    tileN,    tileK,          actBytes,
                    wgtBytes, accBytes, truncatingLanes};
    keepF32Arguments(module, exactQuantize, tiles);
    recordDeclaredResultTypes(module);

    if (failed(checkIntegerTensors(module)))
      return signalPassFailure();

    BufferTypeConverter converter;
    SymbolTable symbols(module);

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    SmallVector<DenseResourceElementsHandle> loweredBlobs;
    patterns.add<ConstantLowering<arith::ConstantOp>,
                 ConstantLowering<tosa::ConstOp>>(
        converter, ctx, symbols, loweredBlobs,
        releaseConstantData ? &releasable : nullptr);
    populateMatrixOpLoweringPatterns(converter, patterns, tiles, quant);
    populateQuantLoweringPatterns(converter, patterns, tiles, symbols,
                                  exactQuantize);
    populateRowOpLoweringPatterns(converter, patterns, tiles);
    populateDataMovementLoweringPatterns(converter, patterns, tiles);
    populateTosaComputeLoweringPatterns(converter, patterns, tiles);
    populateConvolutionLoweringPatterns(converter, patterns, tiles);
    populateReductionLoweringPatterns(converter, patterns, tiles);
    populateMaskLoweringPatterns(converter, patterns, tiles);
    populateTokenLoweringPatterns(converter, patterns, tiles);

    ConversionTarget target(*ctx);
    target.addLegalDialect<accel::AccelDialect, memref::MemRefDialect>();
    target.addLegalOp<ModuleOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return converter.isSignatureLegal(f.getFunctionType()) &&
             converter.isLegal(&f.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp r) { return converter.isLegal(r); });
    target.addDynamicallyLegalOp<arith::ConstantOp>(
        [](arith::ConstantOp c) { return !isa<TensorType>(c.getType()); });
    // Integer constants (permutations, gather indices) are read at compile
    // time by the patterns and are dead afterwards.
    // One that is a program output is lowered like a float constant.
    target.addDynamicallyLegalOp<tosa::ConstOp>([](tosa::ConstOp c) {
      return isa<IntegerType>(c.getType().getElementType()) &&
             llvm::none_of(c->getUsers(), [](Operation *user) {
               return isa<func::ReturnOp>(user);
             });
    });

    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    eraseDeadConstants(module);
    // Every f32 tensor constant is lowered (they are illegal), so no op
    // reads these blobs any more; only a module that shares them (a clone)
    // would, hence the option.
    if (releaseConstantData)
      releaseBlobs(module, loweredBlobs, constantBlobs);
  }

private:
  /// Frees the data of `lowered` (blobs that became globals) and of
  /// `original` (the blobs of the constants before folding: lowered, or
  /// consumed by a fold such as a constant transpose) that no op of the
  /// module still holds.
  static void releaseBlobs(ModuleOp module,
                           ArrayRef<DenseResourceElementsHandle> lowered,
                           ArrayRef<DenseResourceElementsHandle> original) {
    // Only constants and globals hold tensor data (and looking at every
    // op's attributes would materialize a dictionary per tile op).
    llvm::DenseSet<const void *> held;
    module.walk([&](Operation *op) {
      Attribute value;
      if (isa<tosa::ConstOp, arith::ConstantOp>(op))
        value = op->getAttr("value");
      else if (auto global = dyn_cast<memref::GlobalOp>(op))
        value = global.getInitialValueAttr();
      if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(value))
        held.insert(resource.getRawHandle().getResource());
    });
    for (ArrayRef<DenseResourceElementsHandle> handles : {lowered, original})
      for (DenseResourceElementsHandle handle : handles)
        if (AsmResourceBlob *blob = handle.getBlob();
            blob && blob->getData().size() &&
            !held.contains(handle.getResource()))
          handle.getResource()->setBlob(AsmResourceBlob());
  }

  /// Integer tosa.const ops, unused constant loads and globals are not part
  /// of the program.
  static void eraseDeadConstants(ModuleOp module) {
    SmallVector<Operation *> dead;
    module.walk([&](Operation *op) {
      if (isa<tosa::ConstOp, memref::GetGlobalOp>(op) && op->use_empty())
        dead.push_back(op);
    });
    for (Operation *op : dead)
      op->erase();
    // One walk for all globals: SymbolTable::symbolKnownUseEmpty per global
    // walks the whole module each time (quadratic: ViT-B/16 has 200 globals
    // and millions of ops). After the conversion memref.get_global is the
    // only op that names a global (accel ops take buffers, not symbols).
    llvm::DenseSet<StringAttr> used;
    module.walk([&](memref::GetGlobalOp get) {
      used.insert(get.getNameAttr().getAttr());
    });
    for (auto global :
         llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
      if (!used.contains(global.getSymNameAttr()))
        global.erase();
  }

  /// Names every op the conversion cannot lower, with its location (the
  /// ONNX node), before trying: one error per op, not only the first.
  LogicalResult checkSupported(ModuleOp module) {
    bool ok = true;
    module.walk([&](Operation *op) {
      if (isa<ModuleOp, func::FuncOp, func::ReturnOp, arith::ConstantOp,
              tosa::ConstOp, tosa::ReshapeOp, tosa::TransposeOp, tosa::SliceOp,
              tosa::ConcatOp, tosa::GatherOp, tosa::CastOp, tosa::TileOp,
              tosa::SelectOp, tosa::AddOp, tosa::SubOp, tosa::MulOp,
              tosa::MaximumOp, tosa::MinimumOp, tosa::NegateOp, tosa::MatMulOp,
              tosa::Conv2DOp, tosa::ClampOp, tosa::ReduceSumOp,
              tosa::ReduceMaxOp, tosa::ReduceMinOp, tosa::RsqrtOp,
              tosa::ReciprocalOp, tosa::ExpOp, tosa::TanhOp, tosa::SigmoidOp,
              tosa::ErfOp, tosa::LogOp, tosa::PowOp, tosa::IntDivOp,
              tosa::EqualOp,
              tosa::GreaterOp, tosa::GreaterEqualOp, tosa::LogicalAndOp,
              tosa::LogicalOrOp, tosa::LogicalXorOp, tosa::LogicalNotOp,
              mlir::quant::QuantizeCastOp, mlir::quant::DequantizeCastOp,
              mlir::quant::StorageCastOp>(op))
        return;
      if (op->getDialect() &&
          op->getDialect()->getNamespace() == TernDialect::getDialectNamespace()) {
        auto precision = op->getAttrOfType<PrecisionAttr>("precision");
        bool integer = isa<LinearOp, MatMulOp, SoftmaxOp, GeluOp, LayerNormOp,
                           AddOp>(op) &&
                       precision &&
                       precision.getValue() == Precision::integer &&
                       isa<mlir::quant::QuantizedType>(
                           getElementTypeOrSelf(op->getOperand(0)));
        if (!integer && !isLayoutOp(op) &&
            !isa<PruneTokensOp, RequantizeOp, ToIntOp, LogSoftmaxOp>(op) &&
            (!precision || precision.getValue() != Precision::bf16)) {
          op->emitError("no lowering to accel for '")
              << op->getName() << "' in precision <"
              << (precision ? stringifyPrecision(precision.getValue())
                            : StringRef("?"))
              << ">; this lowering handles bf16, and int for quantized "
                 "linear / matmul / softmax / gelu / layer_norm / add (run "
                 "tern-select-precision and tern-quantize)";
          ok = false;
        }
        if (llvm::any_of(op->getResultTypes(), [](Type t) {
              auto shaped = dyn_cast<ShapedType>(t);
              return !shaped || !shaped.hasStaticShape();
            })) {
          op->emitError("no lowering to accel for '")
              << op->getName() << "' with a dynamic shape";
          ok = false;
        }
        return;
      }
      op->emitError("no lowering to accel for '") << op->getName() << "'";
      ok = false;
    });
    return success(ok);
  }
};

} // namespace
