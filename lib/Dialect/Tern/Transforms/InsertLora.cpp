//===- InsertLora.cpp - trainable low-rank adapters on tern.linear --------===//
//
// Implements tern-insert-lora (see dialects/Tern/Passes.td for the contract
// and docs/FineTuning.md for the design).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/Quantization.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/Support/GlobPattern.h"

#include <cctype>
#include <cmath>
#include <random>

namespace tern {
#define GEN_PASS_DEF_TERNINSERTLORA
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace {

/// One `targets` entry: a glob over the whole name, or a plain name that
/// must equal the whole name or one of its `/`- or `.`-separated parts.
struct Target {
  std::string text;
  std::optional<llvm::GlobPattern> glob;
  bool used = false;

  bool matches(StringRef name) const {
    if (glob)
      return glob->match(name);
    if (name == text)
      return true;
    SmallVector<StringRef> parts, all;
    name.split(parts, '/');
    for (StringRef part : parts)
      part.split(all, '.');
    return llvm::is_contained(all, StringRef(text));
  }
};

/// The program input name of a parameter: the layer name with every
/// character other than [A-Za-z0-9_] replaced by '_' (leading ones
/// dropped), then `suffix`.
std::string paramName(StringRef layer, StringRef suffix) {
  std::string out;
  for (char c : layer)
    out.push_back(
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_');
  size_t start = out.find_first_not_of('_');
  out = start == std::string::npos ? "linear" : out.substr(start);
  return out + suffix.str();
}

class TernInsertLora : public tern::impl::TernInsertLoraBase<TernInsertLora> {
public:
  using TernInsertLoraBase::TernInsertLoraBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();

    SmallVector<Target> parsed;
    SmallVector<std::string> entries(targets.begin(), targets.end());
    if (entries.empty())
      entries = {"q", "v"};
    for (const std::string &text : entries) {
      Target t;
      t.text = text;
      if (text.empty()) {
        func.emitError("tern-insert-lora: empty target in 'targets'");
        return signalPassFailure();
      }
      if (StringRef(text).find_first_of("*?[") != StringRef::npos) {
        auto glob = llvm::GlobPattern::create(text);
        if (!glob) {
          llvm::consumeError(glob.takeError());
          func.emitError("tern-insert-lora: target '")
              << text << "' is not a valid glob";
          return signalPassFailure();
        }
        t.glob = std::move(*glob);
      }
      parsed.push_back(std::move(t));
    }
    if (rank == 0) {
      func.emitError("tern-insert-lora: rank must be at least 1");
      return signalPassFailure();
    }

    // Collect and check every target before changing anything.
    SmallVector<LinearOp> chosen;
    bool bad = false;
    func.walk([&](LinearOp linear) {
      std::string name = operatorName(linear);
      bool hit = false;
      for (Target &t : parsed)
        if (t.matches(name)) {
          t.used = true;
          hit = true;
        }
      if (!hit)
        return;
      auto w = linear.getWeight().getType();
      int64_t k = w.getDimSize(0), n = w.getDimSize(1);
      if (!isa<FloatType>(w.getElementType()) ||
          !isa<FloatType>(linear.getInput().getType().getElementType())) {
        linear.emitOpError("(layer '")
            << name
            << "') is quantized; insert LoRA adapters before "
               "tern-quantize";
        bad = true;
        return;
      }
      if (static_cast<int64_t>(rank) > std::min(k, n)) {
        linear.emitOpError("(layer '")
            << name << "'): LoRA rank " << rank.getValue()
            << " is larger than min(d_in, d_out) = min(" << k << ", " << n
            << ")";
        bad = true;
        return;
      }
      chosen.push_back(linear);
    });
    for (const Target &t : parsed)
      if (!t.used) {
        func.emitError("tern-insert-lora: target '")
            << t.text << "' names no tern.linear of '" << func.getSymName()
            << "'";
        bad = true;
      }
    if (bad)
      return signalPassFailure();

    double scale = (alpha == 0.0 ? double(rank) : double(alpha)) / rank;
    std::mt19937 gen(seed);
    OpBuilder b(ctx);
    Type f32 = b.getF32Type();
    for (LinearOp linear : chosen) {
      std::string name = operatorName(linear);
      auto xType = linear.getInput().getType();
      auto yType = linear.getType();
      int64_t k = xType.getShape().back(), n = yType.getShape().back();
      int64_t r = rank;
      int64_t rows = xType.getNumElements() / k;
      Location loc = linear.getLoc();

      // Parameters: A [k, r] Kaiming-uniform, B [r, n] zero.
      auto aType = RankedTensorType::get({k, r}, f32);
      auto bType = RankedTensorType::get({r, n}, f32);
      SmallVector<float> aInit(k * r);
      float bound = 1.0f / std::sqrt(static_cast<float>(k));
      for (float &v : aInit) {
        // 24 random bits -> [0, 1) exactly, then [-bound, bound).
        double u = double(gen() >> 8) / double(1u << 24);
        v = static_cast<float>((2.0 * u - 1.0) * bound);
      }
      auto attrs = [&](StringRef suffix, DenseElementsAttr init) {
        return b.getDictionaryAttr(
            {b.getNamedAttr("tern.trainable", b.getUnitAttr()),
             b.getNamedAttr("onnx.name",
                            b.getStringAttr(paramName(name, suffix))),
             b.getNamedAttr("tern.init", init)});
      };
      unsigned pos = func.getNumArguments();
      func.insertArgument(
          pos, aType,
          attrs("_lora_a", DenseElementsAttr::get(aType, ArrayRef(aInit))),
          loc);
      func.insertArgument(
          pos + 1, bType,
          attrs("_lora_b", DenseElementsAttr::get(bType, ArrayRef(0.0f))), loc);
      Value a = func.getArgument(pos), bArg = func.getArgument(pos + 1);

      b.setInsertionPointAfter(linear);
      Type elem = xType.getElementType();
      Value x = linear.getInput();
      if (xType.getRank() != 2)
        x = b.create<tosa::ReshapeOp>(loc,
                                      RankedTensorType::get({rows, k}, elem), x,
                                      b.getDenseI64ArrayAttr({rows, k}));
      auto precision = linear.getPrecisionAttr();
      Value h = b.create<MatMulOp>(loc, RankedTensorType::get({rows, r}, elem),
                                   x, a, Value(), UnitAttr(),
                                   b.getF64FloatAttr(1.0), precision);
      Value d = b.create<MatMulOp>(loc, RankedTensorType::get({rows, n}, elem),
                                   h, bArg, Value(), UnitAttr(),
                                   b.getF64FloatAttr(scale), precision);
      if (yType.getRank() != 2)
        d = b.create<tosa::ReshapeOp>(loc, yType, d,
                                      b.getDenseI64ArrayAttr(yType.getShape()));
      auto sum = b.create<tosa::AddOp>(loc, yType, linear.getResult(), d);
      linear.getResult().replaceAllUsesExcept(sum.getResult(), sum);
      ++numAdapted;
    }
  }
};

} // namespace
