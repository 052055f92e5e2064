//===- EmitProgram.cpp - accel IR to a runtime program --------------------===//
//
// One accel op becomes one instruction (plus the cfg.const that loads a bf16
// constant register when the op needs a value not already held). Field
// values are checked by the ISA encoder, so a tile too large for a field is
// reported on the op rather than truncated.
//
//===----------------------------------------------------------------------===//

#include "tern/Target/Program/EmitProgram.h"

#include "tern/Dialect/Accel/IR/AccelOps.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Quant/QuantParams.h"

#include "runtime/isa/ISA.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstring>
#include <map>
#include <tuple>

using namespace mlir;
using namespace tern;
using namespace tern::accel;
namespace rtp = tern::rt::program;
namespace isa = tern::rt::isa;

namespace {

using Fields = std::initializer_list<std::pair<StringRef, uint64_t>>;

/// A packed scratchpad operand seen as rows x cols elements.
struct Tile {
  uint64_t spad = 0; ///< isa::Spad encoding
  uint64_t addr = 0;
  int64_t rows = 1, cols = 1;
  unsigned elementBytes = 1;
};

/// A DRAM operand as the DMA engine walks it.
struct DramWalk {
  uint64_t addr = 0;
  int64_t rows = 1, rowBytes = 0, strideBytes = 0;
};

std::string locationString(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    std::string s;
    for (Location inner : fused.getLocations()) {
      std::string part = locationString(inner);
      if (part.empty())
        continue;
      s += s.empty() ? part : " " + part;
    }
    return s;
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().str() + ":" + std::to_string(file.getLine()) +
            ":" + std::to_string(file.getColumn()));
  if (auto callsite = dyn_cast<CallSiteLoc>(loc))
    return locationString(callsite.getCallee());
  return "";
}

class Emitter {
public:
  Emitter(ModuleOp module, const EmitOptions &options)
      : module(module), options(options) {}

  FailureOr<rtp::ProgramImage> run() {
    image.targetName = options.targetName;
    image.targetJson = options.targetJson;
    if (auto size = module->getAttrOfType<IntegerAttr>(kDramSizeAttr))
      image.dramSize = size.getInt();
    else
      return emitError(module.getLoc(),
                       "no DRAM size; run accel-allocate-buffers");

    func::FuncOp entry = findEntry();
    if (!entry)
      return failure();
    if (auto opt = entry->getAttrOfType<StringAttr>("tern.optimizer"))
      image.optimizer = opt.str();
    if (failed(emitConstants()) || failed(emitSignature(entry)))
      return failure();
    // A partitioned program (accel-partition-cores): one stream per core,
    // each with its own registers, every barrier in every stream.
    unsigned cores = 1;
    if (auto n = module->getAttrOfType<IntegerAttr>(kNumCoresAttr))
      cores = static_cast<unsigned>(n.getInt());
    // Each core's ops in program order, sorted in one walk (a one-core
    // program emits the body as it is, without the list): barriers go to
    // every stream; ops outside the accel dialect (views, allocations),
    // which emit nothing but are still checked, to core 0's.
    Dialect *accel = module.getContext()->getLoadedDialect<AccelDialect>();
    std::vector<std::vector<Operation *>> streams(cores > 1 ? cores : 0);
    for (Operation &op : entry.getBody().front()) {
      if (streams.empty())
        break; // one core
      if (llvm::isa<BarrierOp>(op)) {
        for (auto &stream : streams)
          stream.push_back(&op);
        continue;
      }
      unsigned core = op.getDialect() == accel ? coreOf(&op) : 0;
      if (core >= cores)
        return op.emitError("runs on core ")
               << core << " of a program partitioned across " << cores
               << " cores";
      streams[core].push_back(&op);
    }
    for (unsigned core = 0; core < cores; ++core) {
      if (cores > 1)
        image.coreStarts.push_back(static_cast<uint32_t>(image.code.size()));
      resetRegisters();
      barriers = 0;
      if (streams.empty()) {
        for (Operation &op : entry.getBody().front())
          if (failed(emitOp(&op)))
            return failure();
      } else {
        for (Operation *op : streams[core])
          if (failed(emitOp(op)))
            return failure();
      }
      if (failed(emit(entry, "end", {})))
        return failure();
    }
    if (llvm::Error e = rtp::validate(image)) {
      entry.emitError("emitted program is inconsistent: ")
          << llvm::toString(std::move(e));
      return failure();
    }
    return std::move(image);
  }

private:
  func::FuncOp findEntry() {
    SmallVector<func::FuncOp> funcs;
    for (auto f : module.getOps<func::FuncOp>())
      if (!f.isExternal() &&
          (options.entry.empty() || f.getSymName() == options.entry))
        funcs.push_back(f);
    if (funcs.size() != 1) {
      emitError(module.getLoc(), "expected exactly one entry function")
          << (options.entry.empty() ? "" : " named '" + options.entry + "'")
          << ", found " << funcs.size();
      return nullptr;
    }
    return funcs.front();
  }

  LogicalResult emitConstants() {
    for (auto global : module.getOps<memref::GlobalOp>()) {
      auto address = global->getAttrOfType<IntegerAttr>(kAddressAttr);
      auto init = dyn_cast_or_null<DenseElementsAttr>(
          global.getInitialValueAttr());
      // A bf16 weight in a blob (convert-tern-to-accel with
      // release-constant-data), freed by releaseFunctionBodies.
      auto blob = dyn_cast_or_null<DenseResourceElementsAttr>(
          global.getInitialValueAttr());
      if (!address || (!init && !(blob && blob.getRawHandle().getBlob())) ||
          !global.getConstant())
        return global.emitError(
            "only initialized constant globals with an address can be "
            "emitted");
      if (global->hasAttr(kFrozenWeightAttr)) {
        Type element =
            cast<ElementsAttr>(global.getInitialValueAttr()).getElementType();
        rtp::TensorDesc desc;
        desc.name = global.getSymName().str();
        desc.shape.assign(global.getType().getShape().begin(),
                          global.getType().getShape().end());
        desc.dtype =
            element.isSignlessInteger() && element.getIntOrFloatBitWidth() <= 8
                ? rtp::DType::I8
            : element.isBF16() ? rtp::DType::BF16
                               : rtp::DType::F32;
        desc.dramOffset = address.getInt();
        if (element.isBF16() || element.isF32() ||
            (element.isSignlessInteger() &&
             element.getIntOrFloatBitWidth() <= 8))
          image.weights.push_back(std::move(desc));
      }
      rtp::Segment seg;
      seg.dramOffset = address.getInt();
      seg.bits = 8;
      if (blob) {
        ArrayRef<char> raw = blob.getRawHandle().getBlob()->getData();
        seg.data.assign(raw.begin(), raw.end());
        seg.count = seg.data.size();
        image.constants.push_back(std::move(seg));
        continue;
      }
      // 6- and 4-bit weights are packed at their width in the file; the
      // loader sign-extends them to one byte per value in DRAM.
      // An int8 constant whose values fit 4 or 6 bits (a QDQ model's 4-bit
      // weights in int8 containers) is packed as narrow too.
      unsigned width = init.getElementType().getIntOrFloatBitWidth();
      SmallVector<int64_t> values;
      if (init.getElementType().isSignlessInteger() && width <= 8) {
        values.reserve(global.getType().getNumElements());
        for (const APInt &v : init.getValues<APInt>())
          values.push_back(v.getSExtValue());
        auto [lo, hi] = std::minmax_element(values.begin(), values.end());
        if (!values.empty() && *lo >= -8 && *hi <= 7)
          width = 4;
        else if (!values.empty() && *lo >= -32 && *hi <= 31)
          width = 6;
      }
      if (width == 4 || width == 6) {
        auto packed = rtp::packValues(values, width);
        if (!packed)
          return global.emitError("cannot pack constant: ")
                 << llvm::toString(packed.takeError());
        seg.bits = width;
        seg.count = values.size();
        seg.data = std::move(*packed);
        image.constants.push_back(std::move(seg));
        continue;
      }
      ArrayRef<char> raw = init.getRawData();
      unsigned bytes = elementBytes(init.getElementType());
      int64_t count = global.getType().getNumElements();
      if (init.isSplat()) {
        seg.data.reserve(count * bytes);
        for (int64_t i = 0; i < count; ++i)
          seg.data.insert(seg.data.end(), raw.begin(), raw.begin() + bytes);
      } else {
        seg.data.assign(raw.begin(), raw.end());
      }
      seg.count = seg.data.size();
      image.constants.push_back(std::move(seg));
    }
    return success();
  }

  static FailureOr<rtp::DType> dtypeOf(Operation *op, Type type) {
    if (type.isBF16())
      return rtp::DType::BF16;
    if (type.isF32())
      return rtp::DType::F32;
    if (type.isSignlessInteger(8))
      return rtp::DType::I8;
    if (type.isSignlessInteger(32))
      return rtp::DType::I32;
    if (type.isSignlessInteger(16))
      return rtp::DType::I16;
    op->emitError("no program dtype for element type ") << type;
    return failure();
  }

  LogicalResult emitSignature(func::FuncOp func) {
    auto addresses = func->getAttrOfType<ArrayAttr>(kArgAddressesAttr);
    if (!addresses)
      return func.emitError("no argument addresses; run "
                            "accel-allocate-buffers");
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
      auto memref = cast<MemRefType>(type);
      FailureOr<rtp::DType> dtype = dtypeOf(func, memref.getElementType());
      if (failed(dtype))
        return failure();
      rtp::TensorDesc desc;
      auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name");
      desc.name = name ? name.str() : "input" + std::to_string(i);
      desc.shape.assign(memref.getShape().begin(), memref.getShape().end());
      desc.dtype = *dtype;
      desc.dramOffset = cast<IntegerAttr>(addresses[i]).getInt();
      image.inputs.push_back(desc);
    }
    Operation *ret = func.getBody().front().getTerminator();
    for (auto [i, value] : llvm::enumerate(ret->getOperands())) {
      auto memref = cast<MemRefType>(value.getType());
      // An empty result (a zero dimension) has no bytes to read, so no
      // buffer: it is written with its shape alone, at offset 0.
      bool empty = memref.getNumElements() == 0;
      FailureOr<BufferView> view = resolveView(value);
      std::optional<int64_t> address =
          empty ? 0
                : (succeeded(view) ? rootAddress(view->root) : std::nullopt);
      if (!address)
        return ret->emitError("result #") << i << " has no DRAM address";
      FailureOr<rtp::DType> dtype = dtypeOf(ret, memref.getElementType());
      if (failed(dtype))
        return failure();
      rtp::TensorDesc desc;
      auto name = func.getResultAttrOfType<StringAttr>(i, "onnx.name");
      desc.name = name ? name.str() : "output" + std::to_string(i);
      desc.shape.assign(memref.getShape().begin(), memref.getShape().end());
      desc.dtype = *dtype;
      desc.dramOffset =
          empty ? 0 : *address + view->offset * view->elementBytes;
      // The model's element type where the buffer holds another one.
      if (auto declared = func.getResultAttrOfType<TypeAttr>(
              i, accel::kDeclaredTypeAttr);
          declared && declared.getValue() != memref.getElementType()) {
        auto integer = cast<IntegerType>(declared.getValue());
        std::string name =
            integer.getWidth() == 1
                ? "bool"
                : (integer.isUnsigned() ? "uint" : "int") +
                      std::to_string(integer.getWidth());
        std::optional<int32_t> onnx = rtp::parseOnnxType(name);
        if (!onnx || !rtp::onnxTypeHeldBy(*onnx, desc.dtype))
          return ret->emitError("result #")
                 << i << " is " << integer << " in the model, which a "
                 << "program output cannot hold in "
                 << rtp::dtypeName(desc.dtype);
        desc.onnxType = *onnx;
      }
      image.outputs.push_back(desc);
    }
    return success();
  }

  //===--------------------------------------------------------------------===//
  // Operands
  //===--------------------------------------------------------------------===//

  FailureOr<Tile> tile(Operation *op, Value value) {
    FailureOr<BufferView> view = resolveView(value);
    if (failed(view) || view->space == MemorySpace::dram) {
      op->emitError("operand is not a scratchpad tile");
      return failure();
    }
    std::optional<int64_t> base = rootAddress(view->root);
    if (!base) {
      op->emitError("tile has no address; run accel-allocate-buffers");
      return failure();
    }
    Tile t;
    t.spad = static_cast<uint64_t>(view->space) - 1; // act=0 ... vec=3
    t.elementBytes = view->elementBytes;
    t.addr = *base + view->offset * view->elementBytes;
    bool packed;
    if (view->shape.size() == 1) {
      t.cols = view->shape[0];
      packed = view->strides[0] == 1 || t.cols == 1;
    } else {
      t.rows = view->shape[0];
      t.cols = view->shape[1];
      packed = view->strides[1] == 1 &&
               (view->strides[0] == t.cols || t.rows == 1);
    }
    if (!packed) {
      op->emitError("tile operand is not contiguous");
      return failure();
    }
    return t;
  }

  FailureOr<DramWalk> dram(Operation *op, Value value) {
    FailureOr<BufferView> view = resolveView(value);
    std::optional<int64_t> base =
        succeeded(view) ? rootAddress(view->root) : std::nullopt;
    if (!base || view->space != MemorySpace::dram) {
      op->emitError("operand is not an addressed DRAM view");
      return failure();
    }
    DramWalk w;
    unsigned eb = view->elementBytes;
    w.addr = *base + view->offset * eb;
    if (view->shape.size() == 1) {
      if (view->strides[0] == 1) {
        w.rows = 1;
        w.rowBytes = view->shape[0] * eb;
        w.strideBytes = w.rowBytes;
      } else { // one element per row: a gathered column
        w.rows = view->shape[0];
        w.rowBytes = eb;
        w.strideBytes = view->strides[0] * eb;
      }
    } else {
      w.rows = view->shape[0];
      w.rowBytes = view->shape[1] * eb;
      w.strideBytes = view->strides[0] * eb;
    }
    return w;
  }

  /// A bf16 constant register holding `value`, loading it if needed.
  FailureOr<uint64_t> constReg(Operation *op, float value) {
    llvm::APFloat rounded(value);
    bool losesInfo;
    rounded.convert(llvm::APFloat::BFloat(),
                    llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    auto bits =
        static_cast<uint16_t>(rounded.bitcastToAPInt().getZExtValue());
    for (unsigned r = 0; r < cregs.size(); ++r)
      if (cregs[r] == bits)
        return r;
    unsigned r = nextReg;
    nextReg = (nextReg + 1) % cregs.size();
    if (failed(emit(op, "cfg.const", {{"rd", r}, {"bits", bits}})))
      return failure();
    cregs[r] = bits;
    return r;
  }

  //===--------------------------------------------------------------------===//
  // Instructions
  //===--------------------------------------------------------------------===//

  /// The debug-map string of `op`'s location, shared by every instruction
  /// of that location (a node's tiles share one).
  const rtp::DebugLoc &debugLoc(Operation *op) {
    auto [it, inserted] = debugLocs.try_emplace(op->getLoc());
    if (inserted)
      it->second = rtp::DebugLoc(locationString(op->getLoc()));
    return it->second;
  }

  LogicalResult emit(Operation *op, StringRef mnemonic,
                     ArrayRef<std::pair<StringRef, uint64_t>> fields) {
    const isa::InsnInfo *info = isa::lookup(mnemonic);
    if (!info)
      return op->emitError("internal: no instruction '") << mnemonic << "'";
    SmallVector<uint64_t> values(info->fields.size(), 0);
    for (auto &[name, value] : fields) {
      int index = info->fieldIndex(name);
      if (index < 0)
        return op->emitError("internal: '")
               << mnemonic << "' has no field '" << name << "'";
      values[index] = value;
    }
    if (failed(applyLengths(op, *info, values)))
      return failure();
    llvm::Expected<isa::Word> word = isa::encode(*info, values);
    if (!word)
      return op->emitError("cannot encode '")
             << mnemonic << "': " << llvm::toString(word.takeError());
    // The debug map has one entry per located instruction (the runtime's
    // convention; the file stores each distinct string once).
    if (const rtp::DebugLoc &loc = debugLoc(op); !loc.empty())
      image.debug.push_back({static_cast<uint32_t>(image.code.size()), loc});
    image.code.push_back(*word);
    return success();
  }

  //===--------------------------------------------------------------------===//
  // Run-time token counts (threshold pruning)
  //===--------------------------------------------------------------------===//

  /// A threshold pruning point: the register its tok.select writes and the
  /// token capacity N.
  struct Point {
    unsigned reg;
    int64_t n;
  };
  /// A register holding min(cap, max(0, L[point] - offset)): the count of a
  /// tile that starts at token `offset` (cfg.len rel=1).
  struct Derived {
    int64_t point = -1, offset = 0, cap = 0;
    uint64_t lastUse = 0;
    bool gate = false;
  };
  static constexpr unsigned kFirstDerived = 2; ///< L2, L3

  /// The length register (1-based, as the sel fields take it) for the
  /// tile tag [point, offset, cap], emitting its cfg.len when not held.
  FailureOr<uint64_t> lengthRegister(Operation *op, ArrayRef<int64_t> tag,
                                     bool gate) {
    int64_t p = tag[0], offset = tag[1], cap = tag[2];
    if (p < 0 || p >= static_cast<int64_t>(points.size()) ||
        owner[points[p].reg] != p)
      return op->emitError("internal: token count of pruning point ")
             << p << " is not in a length register here";
    const Point &pt = points[p];
    if (offset == 0 && cap >= pt.n && !gate)
      return pt.reg + 1;
    ++useClock;
    for (unsigned r = 0; r < derived.size(); ++r) {
      Derived &d = derived[r];
      if (d.point == p && d.offset == offset && d.cap == cap &&
          d.gate == gate) {
        d.lastUse = useClock;
        return kFirstDerived + r + 1;
      }
    }
    unsigned r = 0;
    for (unsigned i = 1; i < derived.size(); ++i)
      if (derived[i].lastUse < derived[r].lastUse)
        r = i;
    derived[r] = {p, offset, cap, useClock, gate};
    const isa::InsnInfo *cfg = isa::lookup("cfg.len");
    SmallVector<uint64_t> values(cfg->fields.size(), 0);
    auto set = [&](StringRef name, uint64_t v) {
      values[cfg->fieldIndex(name)] = v;
    };
    set("rd", kFirstDerived + r);
    set("value", static_cast<uint64_t>(offset));
    set("rel", 1);
    set("src", pt.reg);
    set("cap", static_cast<uint64_t>(cap));
    set("gate", gate ? 1 : 0);
    llvm::Expected<isa::Word> word = isa::encode(*cfg, values);
    if (!word)
      return op->emitError("cannot encode 'cfg.len': ")
             << llvm::toString(word.takeError());
    if (const rtp::DebugLoc &loc = debugLoc(op); !loc.empty())
      image.debug.push_back({static_cast<uint32_t>(image.code.size()), loc});
    image.code.push_back(*word);
    return kFirstDerived + r + 1;
  }

  /// Sets lensel / nsel / ksel / csel from the op's token tags (kLen*,
  /// lib/Conversion/TernToAccel/TileBuilder.h) where the instruction's
  /// static count is the tagged tile's. Row tags are an optimization
  /// (rows past the count only feed rows past it) and are skipped where
  /// they do not fit; a column or contraction tag is what keeps stale rows
  /// out of a product, so an instruction that cannot take it is an error.
  LogicalResult applyLengths(Operation *op, const isa::InsnInfo &info,
                             SmallVectorImpl<uint64_t> &values) {
    auto field = [&](StringRef name) { return info.fieldIndex(name); };
    struct Rule {
      StringRef attr, count, sel;
      bool required, gate;
    };
    static const Rule rules[] = {
        {"accel.len_rows", "rows", "lensel", false, false},
        {"accel.len_rows", "m", "lensel", false, false},
        {"accel.len_gate", "rows", "lensel", false, true},
        {"accel.len_n", "n", "nsel", true, false},
        {"accel.len_k", "k", "ksel", true, false},
        {"accel.len_cols", "cols", "csel", true, false}};
    for (const Rule &rule : rules) {
      auto tag = op->getAttrOfType<DenseI64ArrayAttr>(rule.attr);
      int count = field(rule.count);
      if (!tag || tag.size() != 3 || count < 0)
        continue;
      int sel = field(rule.sel);
      int spad = field("spad");
      bool weight = spad >= 0 && values[spad] == uint64_t(isa::Spad::Wgt);
      SmallVector<int64_t, 3> t(tag.asArrayRef());
      bool fits;
      if (rule.gate) {
        // All of the weight tile's rows or none: cap is its row count.
        t[2] = static_cast<int64_t>(values[count]);
        fits = sel >= 0 && weight && t[2] > 0;
      } else {
        // DMA into or out of the weight scratchpad: never token rows.
        fits = sel >= 0 && values[count] == uint64_t(tag[2]) && !weight;
      }
      if (!fits) {
        if (rule.required)
          return op->emitError("internal: '")
                 << info.mnemonic << "' cannot take the run-time token "
                 << rule.count << " (" << rule.sel << ")";
        continue;
      }
      FailureOr<uint64_t> reg = lengthRegister(op, t, rule.gate);
      if (failed(reg))
        return failure();
      values[sel] = *reg;
    }
    return success();
  }

  /// load / store / load.t of a DRAM view and a scratchpad tile: rows of
  /// the DRAM walk (the tile's rows for a broadcast, stride 0); load.t also
  /// names its element size.
  LogicalResult emitDma(Operation *op, StringRef mnemonic, Value dramValue,
                        Value spadValue, bool broadcast) {
    FailureOr<DramWalk> w = dram(op, dramValue);
    FailureOr<Tile> t = tile(op, spadValue);
    if (failed(w) || failed(t))
      return failure();
    int64_t rows = broadcast ? t->rows : w->rows;
    int64_t stride = broadcast ? 0 : w->strideBytes;
    SmallVector<std::pair<StringRef, uint64_t>, 7> fields = {
        {"spad", t->spad},
        {"saddr", t->addr},
        {"dram", w->addr},
        {"rows", static_cast<uint64_t>(rows)},
        {"cols", static_cast<uint64_t>(w->rowBytes)},
        {"stride", static_cast<uint64_t>(stride)}};
    if (llvm::isa<DmaLoadTransposedOp>(op))
      fields.push_back({"ebytes", t->elementBytes});
    return emit(op, mnemonic, fields);
  }

  static uint64_t vtype(const Tile &t) { return t.elementBytes == 2 ? 1 : 0; }

  LogicalResult emitOp(Operation *op) {
    return llvm::TypeSwitch<Operation *, LogicalResult>(op)
        .Case<DmaLoadOp>([&](DmaLoadOp o) {
          return emitDma(o, "load", o.getSource(), o.getTarget(), false);
        })
        .Case<DmaLoadTransposedOp>([&](DmaLoadTransposedOp o) {
          return emitDma(o, "load.t", o.getSource(), o.getTarget(), false);
        })
        .Case<DmaBroadcastOp>([&](DmaBroadcastOp o) {
          return emitDma(o, "load", o.getSource(), o.getTarget(), true);
        })
        .Case<DmaGatherOp>([&](DmaGatherOp o) {
          FailureOr<DramWalk> w = dram(o, o.getTable());
          FailureOr<Tile> idx = tile(o, o.getIndices());
          FailureOr<Tile> t = tile(o, o.getTarget());
          if (failed(w) || failed(idx) || failed(t))
            return failure();
          return emit(o, "load.gather",
                      {{"spad", t->spad},
                       {"saddr", t->addr},
                       {"dram", w->addr},
                       {"idx", idx->addr},
                       {"rows", static_cast<uint64_t>(t->rows)},
                       {"cols", static_cast<uint64_t>(w->rowBytes)},
                       {"n", static_cast<uint64_t>(w->rows)}});
        })
        .Case<DmaStoreOp>([&](DmaStoreOp o) {
          return emitDma(o, "store", o.getTarget(), o.getSource(), false);
        })
        .Case<GemmOp>([&](GemmOp o) { return emitGemm(o); })
        .Case<XbarGemmOp>([&](XbarGemmOp o) { return emitXbarGemm(o); })
        .Case<NonZeroMapOp>([&](NonZeroMapOp o) {
          FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getMap());
          if (failed(a) || failed(d))
            return failure();
          return emit(o, "vnzmap",
                      {{"dst", d->addr}, {"asp", a->spad}, {"a", a->addr},
                       {"rows", uint64_t(a->rows)}, {"cols", uint64_t(a->cols)},
                       {"thr", uint64_t(o.getThreshold())}});
        })
        .Case<TokenScoreOp>([&](TokenScoreOp o) {
          FailureOr<Tile> a = tile(o, o.getProbs()), d = tile(o, o.getScores());
          if (failed(a) || failed(d))
            return failure();
          return emit(o, "tok.score",
                      {{"dst", d->addr}, {"asp", a->spad}, {"a", a->addr},
                       {"heads", uint64_t(a->rows)}, {"n", uint64_t(a->cols)},
                       {"hstride", uint64_t(a->cols * a->elementBytes)},
                       {"ty", a->elementBytes == 4 ? 1u : 0u}});
        })
        .Case<TokenSelectOp>([&](TokenSelectOp o) {
          FailureOr<Tile> s = tile(o, o.getScores()),
                          d = tile(o, o.getIndices());
          if (failed(s) || failed(d))
            return failure();
          // Top-k mode: param counts the kept tokens besides CLS; threshold
          // mode keeps the scores > param, i.e. >= threshold.
          if (std::optional<int64_t> t = o.getThreshold()) {
            // Pruning point p writes L[p mod 2]: the previous point's
            // count stays readable until this one's gathers are done.
            int64_t p = points.size();
            selectReg = static_cast<unsigned>(p % 2);
            points.push_back({selectReg, int64_t(s->cols)});
            owner[selectReg] = p;
            for (Derived &dr : derived)
              if (dr.point >= 0 && points[dr.point].reg == selectReg)
                dr.point = -1;
            return emit(o, "tok.select",
                        {{"dst", d->addr},
                         {"src", s->addr},
                         {"n", uint64_t(s->cols)},
                         {"mode", 1},
                         {"param", uint64_t(*t - 1)},
                         {"lreg", selectReg}});
          }
          selectReg = 0;
          return emit(o, "tok.select",
                      {{"dst", d->addr}, {"src", s->addr},
                       {"n", uint64_t(s->cols)}, {"mode", 0},
                       {"param", uint64_t(o.getKeep() - 1)}, {"lreg", 0}});
        })
        .Case<TokenGatherOp>([&](TokenGatherOp o) {
          FailureOr<Tile> a = tile(o, o.getSource()),
                          i = tile(o, o.getIndices()),
                          d = tile(o, o.getResult());
          if (failed(a) || failed(i) || failed(d))
            return failure();
          return emit(o, "tok.gather",
                      {{"dsp", d->spad}, {"dst", d->addr}, {"asp", a->spad},
                       {"a", a->addr}, {"idx", i->addr},
                       {"rowbytes", uint64_t(a->cols * a->elementBytes)},
                       {"n", uint64_t(a->rows)},
                       {"lreg", selectReg},
                       {"zf", o.getZeroFill() ? 1u : 0u}});
        })
        .Case<TokenFuseOp>([&](TokenFuseOp o) {
          FailureOr<Tile> a = tile(o, o.getSource()),
                          s = tile(o, o.getScores()),
                          i = tile(o, o.getIndices()),
                          d = tile(o, o.getResult());
          if (failed(a) || failed(s) || failed(i) || failed(d))
            return failure();
          return emit(o, "tok.fuse",
                      {{"dst", d->addr}, {"a", a->addr}, {"sc", s->addr},
                       {"idx", i->addr}, {"n", uint64_t(a->rows)},
                       {"cols", uint64_t(a->cols)}, {"lreg", selectReg}});
        })
        .Case<ConvertOp>([&](ConvertOp o) { return emitConvert(o); })
        .Case<QuantizeOp>([&](QuantizeOp o) { return emitQuantize(o); })
        .Case<RequantOp>([&](RequantOp o) { return emitRequant(o); })
        .Case<VectorOp>([&](VectorOp o) { return emitVectorBinary(o); })
        .Case<SelectOp>([&](SelectOp o) {
          FailureOr<Tile> c = tile(o, o.getCond()), a = tile(o, o.getLhs()),
                          b = tile(o, o.getRhs()), d = tile(o, o.getResult());
          if (failed(c) || failed(a) || failed(b) || failed(d))
            return failure();
          return emit(o, "vsel",
                      {{"dsp", d->spad},
                       {"dst", d->addr},
                       {"csp", c->spad},
                       {"c", c->addr},
                       {"asp", a->spad},
                       {"a", a->addr},
                       {"bsp", b->spad},
                       {"b", b->addr},
                       {"rows", uint64_t(a->rows)},
                       {"cols", uint64_t(a->cols)},
                       {"ty", vtype(*a)}});
        })
        .Case<WrapOp>([&](WrapOp o) {
          FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
          if (failed(a) || failed(d))
            return failure();
          return emit(o, "vwrap",
                      {{"dsp", d->spad},
                       {"dst", d->addr},
                       {"asp", a->spad},
                       {"a", a->addr},
                       {"rows", uint64_t(a->rows)},
                       {"cols", uint64_t(a->cols)},
                       {"bits", uint64_t(o.getBits())},
                       {"sgn", o.getSignExtend() ? 1u : 0u}});
        })
        .Case<VectorColumnOp>(
            [&](VectorColumnOp o) { return emitVectorBinary(o); })
        .Case<VectorConstOp>([&](VectorConstOp o) {
          FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
          if (failed(a) || failed(d))
            return failure();
          FailureOr<uint64_t> reg =
              constReg(o, o.getValue().convertToFloat());
          if (failed(reg))
            return failure();
          return emit(o, vectorMnemonic(o.getKind()),
                      withKindFields(o, {{"dsp", d->spad},
                                         {"dst", d->addr},
                                         {"asp", a->spad},
                                         {"a", a->addr},
                                         {"rows", uint64_t(a->rows)},
                                         {"cols", uint64_t(a->cols)},
                                         {"ty", vtype(*a)},
                                         {"bconst", 1},
                                         {"creg", *reg}}));
        })
        .Case<ReduceOp>([&](ReduceOp o) {
          FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
          if (failed(a) || failed(d))
            return failure();
          return emit(o,
                      o.getKind() == ReduceKind::sum ? "vrsum" : "vrmax",
                      {{"dsp", d->spad}, {"dst", d->addr}, {"asp", a->spad},
                       {"a", a->addr}, {"rows", uint64_t(a->rows)},
                       {"cols", uint64_t(a->cols)}, {"ty", vtype(*a)}});
        })
        .Case<SoftmaxOp>([&](SoftmaxOp o) {
          FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
          if (failed(a) || failed(d))
            return failure();
          SmallVector<std::pair<StringRef, uint64_t>> fields = {
              {"dsp", d->spad},
              {"dst", d->addr},
              {"asp", a->spad},
              {"a", a->addr},
              {"rows", uint64_t(a->rows)},
              {"cols", uint64_t(a->cols)}};
          if (o.getLog())
            fields.push_back({"log", 1});
          if (o.getInput().getType().getElementType().isF32())
            fields.push_back({"af32", 1});
          return emit(o, "rsfu.softmax", fields);
        })
        .Case<GeluOp>([&](GeluOp o) {
          return emitRowKernel(o, "rsfu.gelu", o.getInput(), o.getResult(),
                               std::nullopt);
        })
        .Case<RsqrtOp>([&](RsqrtOp o) {
          return emitRowKernel(o, "bsfu.isqrt", o.getInput(), o.getResult(),
                               std::nullopt);
        })
        .Case<SqrtOp>([&](SqrtOp o) {
          return emitRowKernel(o, "rsfu.sqrt", o.getInput(), o.getResult(),
                               std::nullopt);
        })
        .Case<SfuFnOp>([&](SfuFnOp o) {
          FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
          if (failed(a) || failed(d))
            return failure();
          // accel::SfuFunction's values are rsfu.fn's `fn` field.
          return emit(o, "rsfu.fn",
                      {{"dsp", d->spad},
                       {"dst", d->addr},
                       {"asp", a->spad},
                       {"a", a->addr},
                       {"rows", uint64_t(a->rows)},
                       {"cols", uint64_t(a->cols)},
                       {"fn", uint64_t(o.getFn())}});
        })
        .Case<LayerNormOp>([&](LayerNormOp o) {
          return emitRowKernel(o, "rsfu.layernorm", o.getInput(),
                               o.getResult(),
                               o.getEpsilon().convertToFloat());
        })
        .Case<ISoftmaxOp>([&](ISoftmaxOp o) {
          return emitIntKernel(o, "sfu.isoftmax", o.getInput(), o.getResult(),
                               o.getParams());
        })
        .Case<IGeluOp>([&](IGeluOp o) {
          return emitIntKernel(o, "sfu.igelu", o.getInput(), o.getResult(),
                               o.getParams());
        })
        .Case<ILayerNormOp>([&](ILayerNormOp o) {
          return emitIntKernel(o, "sfu.ilayernorm", o.getInput(),
                               o.getResult(), o.getParams());
        })
        .Case<RequantWideOp>(
            [&](RequantWideOp o) { return emitRequantWide(o); })
        .Case<PushOp>([&](PushOp o) {
          return emit(o, "push",
                      {{"from", uint64_t(o.getFrom())},
                       {"to", uint64_t(o.getTo())}});
        })
        .Case<PopOp>([&](PopOp o) {
          return emit(o, "pop",
                      {{"from", uint64_t(o.getFrom())},
                       {"to", uint64_t(o.getTo())}});
        })
        .Case<BarrierOp>([&](BarrierOp o) {
          // The n-th barrier of every stream carries id n (mod 2^16).
          return emit(o, "barrier", {{"id", barriers++ & 0xFFFF}});
        })
        .Case<memref::AllocOp, memref::SubViewOp, memref::CollapseShapeOp,
              memref::ExpandShapeOp, memref::ReinterpretCastOp,
              memref::GetGlobalOp, memref::CastOp, func::ReturnOp>(
            [](Operation *) { return success(); })
        .Default([](Operation *other) {
          return other->emitError("no instruction for '")
                 << other->getName() << "'";
        });
  }

  static StringRef vectorMnemonic(VectorKind kind) {
    switch (kind) {
    case VectorKind::add:
      return "vadd";
    case VectorKind::sub:
      return "vsub";
    case VectorKind::mul:
      return "vmul";
    case VectorKind::max:
      return "vmax";
    case VectorKind::pow:
      return "rsfu.pow";
    case VectorKind::eq:
    case VectorKind::ne:
    case VectorKind::gt:
    case VectorKind::ge:
    case VectorKind::lt:
    case VectorKind::le:
      return "vcmp";
    case VectorKind::div:
    case VectorKind::rdiv:
      return "rsfu.div";
    }
    llvm_unreachable("unknown vector kind");
  }

  /// accel.vector and accel.vector_column (b one value per row: bmode=col)
  /// on the tiles a, b and d.
  template <typename BinaryOp> LogicalResult emitVectorBinary(BinaryOp o) {
    FailureOr<Tile> a = tile(o, o.getLhs()), b = tile(o, o.getRhs()),
                    d = tile(o, o.getResult());
    if (failed(a) || failed(b) || failed(d))
      return failure();
    SmallVector<std::pair<StringRef, uint64_t>> fields = {
        {"dsp", d->spad},  {"dst", d->addr},  {"asp", a->spad},
        {"a", a->addr},    {"bsp", b->spad},  {"b", b->addr},
        {"rows", a->rows}, {"cols", a->cols}, {"ty", vtype(*a)}};
    if constexpr (std::is_same_v<BinaryOp, VectorColumnOp>)
      fields.push_back({"bmode", 2});
    return emit(o, vectorMnemonic(o.getKind()), withKindFields(o, fields));
  }

  /// `fields` plus what the op's kind and attributes add: vcmp's `cmp` for
  /// a comparison (eq, ne, gt, ge, lt, le: 0..5), rsfu.div's `rev` for rdiv
  /// (b / a), `uns` for uint32 order, and for an int32 result of rsfu.pow /
  /// rsfu.div (`to_int`) the `toint` field, `ty` = bf16 (the operands' f32
  /// path) and `aint` when the base `a` is an i32 tile.
  template <typename VectorLikeOp>
  static SmallVector<std::pair<StringRef, uint64_t>>
  withKindFields(VectorLikeOp o,
                 ArrayRef<std::pair<StringRef, uint64_t>> fields) {
    VectorKind kind = o.getKind();
    SmallVector<std::pair<StringRef, uint64_t>> all(fields);
    if (isComparison(kind))
      all.push_back({"cmp", uint64_t(kind) - uint64_t(VectorKind::eq)});
    if (kind == VectorKind::rdiv)
      all.push_back({"rev", 1});
    if constexpr (!std::is_same_v<VectorLikeOp, VectorConstOp>)
      if (o.getUint())
        all.push_back({"uns", 1});
    // A pow of f32 operands (program inputs kept in f32): the bf16 form
    // (ty = bf16) reading a / b as f32 words.
    if (kind == VectorKind::pow && !o.getToInt()) {
      Value lhs;
      if constexpr (std::is_same_v<VectorLikeOp, VectorConstOp>)
        lhs = o.getInput();
      else
        lhs = o.getLhs();
      bool af32 = cast<MemRefType>(lhs.getType()).getElementType().isF32();
      bool bf32 = false;
      if constexpr (!std::is_same_v<VectorLikeOp, VectorConstOp>)
        bf32 = o.getRhs().getType().getElementType().isF32();
      if (af32 || bf32) {
        for (auto &[name, value] : all)
          if (name == "ty")
            value = 1;
        if (af32)
          all.push_back({"af32", 1});
        if (bf32)
          all.push_back({"bf32", 1});
      }
    }
    if (std::optional<ToInt> toInt = o.getToInt()) {
      bool intBase = false;
      for (auto &[name, value] : all)
        if (name == "ty") {
          intBase = value == 0;
          value = 1;
        }
      all.push_back({"toint", uint64_t(*toInt)});
      if (intBase)
        all.push_back({"aint", 1});
    }
    return all;
  }

  LogicalResult emitGemm(GemmOp o) {
    FailureOr<Tile> a = tile(o, o.getLhs()), w = tile(o, o.getRhs()),
                    c = tile(o, o.getAcc());
    if (failed(a) || failed(w) || failed(c))
      return failure();
    Type elem = o.getLhs().getType().getElementType();
    uint64_t m = a->rows, k = a->cols, n = w->cols;
    if (elem.isBF16())
      return emit(o, "gemm.bf16",
                  {{"dst", c->addr}, {"a", a->addr}, {"w", w->addr}, {"m", m},
                   {"k", k}, {"n", n}, {"acc", o.getAccumulate() ? 1u : 0u}});
    // One width field for both operands: the wider one decides (4-bit
    // weights against 8-bit activations run on the 8-bit datapath).
    unsigned bits =
        std::max(elem.getIntOrFloatBitWidth(),
                 o.getRhs().getType().getElementType().getIntOrFloatBitWidth());
    uint64_t width = bits == 8 ? 0 : bits == 6 ? 1 : 2;
    bool i16 = o.getAcc().getType().getElementType().isSignlessInteger(16);
    SmallVector<std::pair<StringRef, uint64_t>> fields = {
                    {"dst", c->addr}, {"a", a->addr}, {"w", w->addr},
                     {"m", m}, {"k", k}, {"n", n},
                     {"acc", o.getAccumulate() ? 1u : 0u}, {"width", width},
                     {"accmode", i16 ? 1u : 0u}};
    if (Value bitmap = o.getBitmap()) {
      FailureOr<Tile> map = tile(o, bitmap);
      if (failed(map))
        return failure();
      // The gemm's baddr field is 16 bits wide.
      if (map->addr >= (uint64_t(1) << 16))
        return o.emitError("K-row bitmap at vec address ")
               << map->addr << " is beyond the gemm's 16-bit baddr field";
      fields.push_back({"bmap", 1u});
      fields.push_back({"baddr", map->addr});
    }
    return emit(o, "gemm", fields);
  }

  /// One crossbar block id per distinct weight block (address, shape,
  /// stride, width): xbar.prog before its first use, xbar.gemm per use.
  LogicalResult emitXbarGemm(XbarGemmOp o) {
    FailureOr<Tile> a = tile(o, o.getLhs()), c = tile(o, o.getAcc());
    FailureOr<DramWalk> w = dram(o, o.getWeights());
    if (failed(a) || failed(c) || failed(w))
      return failure();
    MemRefType wt = o.getWeights().getType();
    uint64_t k = wt.getDimSize(0), n = wt.getDimSize(1);
    unsigned bits = wt.getElementType().getIntOrFloatBitWidth();
    uint64_t width = bits == 8 ? 0 : bits == 6 ? 1 : 2;
    auto key = std::make_tuple(w->addr, k, n, uint64_t(w->strideBytes), width);
    auto it = xbarIds.find(key);
    if (it == xbarIds.end()) {
      uint64_t id = xbarIds.size();
      if (id >= (uint64_t(1) << 16))
        return o.emitError("more than 65536 distinct crossbar weight blocks "
                           "(the xbar id field is 16 bits)");
      if (failed(emit(o, "xbar.prog",
                      {{"id", id},
                       {"dram", w->addr},
                       {"rows", k},
                       {"cols", n},
                       {"stride", uint64_t(w->strideBytes)},
                       {"width", width}})))
        return failure();
      it = xbarIds.insert({key, id}).first;
    }
    return emit(o, "xbar.gemm",
                {{"dst", c->addr},
                 {"a", a->addr},
                 {"id", it->second},
                 {"m", uint64_t(a->rows)},
                 {"k", k},
                 {"n", n},
                 {"acc", o.getAccumulate() ? 1u : 0u},
                 {"width", width}});
  }

  LogicalResult emitConvert(ConvertOp o) {
    FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
    if (failed(a) || failed(d))
      return failure();
    // bf16 -> i32 (ONNX Cast's truncation): no scale, no register.
    if (o.getInput().getType().getElementType().isBF16() &&
        o.getResult().getType().getElementType().isSignlessInteger(32))
      return emit(o, "cvt.b2w",
                  {{"dsp", d->spad},
                   {"dst", d->addr},
                   {"asp", a->spad},
                   {"a", a->addr},
                   {"rows", uint64_t(a->rows)},
                   {"cols", uint64_t(a->cols)}});
    FailureOr<uint64_t> reg = constReg(o, o.getScale().convertToFloat());
    if (failed(reg))
      return failure();
    Type from = o.getInput().getType().getElementType();
    // The 8-bit signed field, two's complement.
    uint64_t zp = static_cast<uint8_t>(static_cast<int8_t>(o.getZeroPoint()));
    Fields common = {{"dsp", d->spad}, {"dst", d->addr}, {"asp", a->spad},
                     {"a", a->addr},   {"rows", uint64_t(a->rows)},
                     {"cols", uint64_t(a->cols)}, {"creg", *reg}};
    if (from.isF32())
      return emit(o, "cvt.f2b", common);
    if (from.isBF16()) {
      // 6- and 4-bit activations saturate at their width (0: int8).
      unsigned to =
          o.getResult().getType().getElementType().getIntOrFloatBitWidth();
      SmallVector<std::pair<StringRef, uint64_t>> fields(common);
      fields.push_back({"bits", to < 8 ? to : 0});
      fields.push_back({"zp", zp});
      return emit(o, "cvt.b2i", fields);
    }
    unsigned bits = from.getIntOrFloatBitWidth();
    uint64_t src = o.getUint() ? 3 : bits <= 8 ? 0 : bits == 16 ? 1 : 2;
    return emit(o, "cvt.i2b",
                {{"dsp", d->spad},
                 {"dst", d->addr},
                 {"asp", a->spad},
                 {"a", a->addr},
                 {"rows", uint64_t(a->rows)},
                 {"cols", uint64_t(a->cols)},
                 {"src", src},
                 {"creg", *reg},
                 {"zp", zp}});
  }

  /// accel.quantize: cvt.f2i with the f32 scale's bit pattern as its
  /// immediate (S held exactly) and the range as bits / sym.
  LogicalResult emitQuantize(QuantizeOp o) {
    FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
    if (failed(a) || failed(d))
      return failure();
    int32_t qmin = static_cast<int32_t>(o.getQmin()),
            qmax = static_cast<int32_t>(o.getQmax());
    std::optional<tern::quant::SaturationBits> range =
        tern::quant::saturationBits(qmin, qmax);
    if (!range)
      return o.emitError("no cvt.f2i range for [")
             << qmin << ", " << qmax << "]";
    float scale = o.getScale().convertToFloat();
    uint32_t scaleBits;
    std::memcpy(&scaleBits, &scale, sizeof(scaleBits));
    uint64_t zp = static_cast<uint8_t>(static_cast<int8_t>(o.getZeroPoint()));
    bool f32 = o.getInput().getType().getElementType().isF32();
    return emit(o, "cvt.f2i",
                {{"dsp", d->spad},
                 {"dst", d->addr},
                 {"asp", a->spad},
                 {"a", a->addr},
                 {"rows", uint64_t(a->rows)},
                 {"cols", uint64_t(a->cols)},
                 {"src", f32 ? 1u : 0u},
                 {"scale", scaleBits},
                 {"bits", range->bits},
                 {"sym", range->symmetric ? 1u : 0u},
                 {"zp", zp}});
  }

  /// A requantization register holding {mult, shift, zp}, loading it if
  /// needed (round robin over the 8 registers, like the constants).
  FailureOr<uint64_t> requantReg(Operation *op, uint64_t mult, uint64_t shift,
                                 int64_t zp) {
    RequantParams wanted{mult, shift, zp};
    for (unsigned r = 0; r < rqregs.size(); ++r)
      if (rqregs[r] == wanted)
        return r;
    unsigned r = nextRqReg;
    nextRqReg = (nextRqReg + 1) % rqregs.size();
    if (failed(emit(op, "cfg.requant",
                    {{"rd", r},
                     {"mult", mult},
                     {"shift", shift},
                     {"zp", static_cast<uint64_t>(zp) & 0xFF}})))
      return failure();
    rqregs[r] = wanted;
    return r;
  }

  LogicalResult emitRequant(RequantOp o) {
    FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
    if (failed(a) || failed(d))
      return failure();
    FailureOr<uint64_t> reg =
        requantReg(o, o.getMultiplier(), o.getShift(),
                   static_cast<int32_t>(o.getZeroPoint()));
    if (failed(reg))
      return failure();
    StringRef mnemonic;
    switch (o.getVariant()) {
    case RequantVariant::ibert:
      mnemonic = "rq.ibert";
      break;
    case RequantVariant::swifttron:
      mnemonic = "rq.swift";
      break;
    case RequantVariant::tataa:
      mnemonic = "rq.tataa";
      break;
    case RequantVariant::elastic:
      mnemonic = "rq.elastic";
      break;
    }
    SmallVector<std::pair<StringRef, uint64_t>> fields = {
        {"dsp", d->spad},           {"dst", d->addr},
        {"asp", a->spad},           {"a", a->addr},
        {"rows", uint64_t(a->rows)}, {"cols", uint64_t(a->cols)},
        {"rreg", *reg}};
    if (o.getRelu())
      fields.push_back({"relu", 1});
    return emit(o, mnemonic, fields);
  }

  /// Loads `params` into P[0..] (only the registers whose value changes)
  /// and emits the integer kernel reading them from P0.
  LogicalResult emitIntKernel(Operation *op, StringRef mnemonic, Value in,
                              Value out, ArrayRef<int32_t> params) {
    FailureOr<Tile> a = tile(op, in), d = tile(op, out);
    if (failed(a) || failed(d))
      return failure();
    if (params.size() > pregs.size())
      return op->emitError("needs ") << params.size() << " P registers, the "
                                     << "SFU has " << pregs.size();
    for (auto [i, value] : llvm::enumerate(params)) {
      if (pregs[i] == value)
        continue;
      if (failed(emit(op, "cfg.ireg",
                      {{"rd", uint64_t(i)},
                       {"value", static_cast<uint64_t>(
                                     static_cast<uint32_t>(value))}})))
        return failure();
      pregs[i] = value;
    }
    return emit(op, mnemonic,
                {{"dsp", d->spad}, {"dst", d->addr}, {"asp", a->spad},
                 {"a", a->addr}, {"rows", uint64_t(a->rows)},
                 {"cols", uint64_t(a->cols)}, {"preg", 0}});
  }

  LogicalResult emitRequantWide(RequantWideOp o) {
    FailureOr<Tile> a = tile(o, o.getInput()), d = tile(o, o.getResult());
    if (failed(a) || failed(d))
      return failure();
    FailureOr<uint64_t> reg = requantReg(
        o, static_cast<uint32_t>(o.getMultiplier()), o.getShift(), 0);
    if (failed(reg))
      return failure();
    unsigned bits = o.getInput().getType().getElementTypeBitWidth();
    uint64_t src = bits <= 8 ? 0 : bits == 16 ? 1 : 2;
    return emit(o, "rq.wide",
                {{"dsp", d->spad}, {"dst", d->addr}, {"asp", a->spad},
                 {"a", a->addr}, {"rows", uint64_t(a->rows)},
                 {"cols", uint64_t(a->cols)}, {"rreg", *reg}, {"src", src},
                 {"bits", uint64_t(o.getBits())}});
  }

  LogicalResult emitRowKernel(Operation *op, StringRef mnemonic, Value in,
                              Value out, std::optional<float> constant) {
    FailureOr<Tile> a = tile(op, in), d = tile(op, out);
    if (failed(a) || failed(d))
      return failure();
    if (!constant)
      return emit(op, mnemonic,
                  {{"dsp", d->spad}, {"dst", d->addr}, {"asp", a->spad},
                   {"a", a->addr}, {"rows", uint64_t(a->rows)},
                   {"cols", uint64_t(a->cols)}});
    FailureOr<uint64_t> reg = constReg(op, *constant);
    if (failed(reg))
      return failure();
    return emit(op, mnemonic,
                {{"dsp", d->spad}, {"dst", d->addr}, {"asp", a->spad},
                 {"a", a->addr}, {"rows", uint64_t(a->rows)},
                 {"cols", uint64_t(a->cols)}, {"creg", *reg}});
  }

  /// Forgets what every register holds: a new core's stream starts with
  /// its own (reset) registers and crossbars.
  void resetRegisters() {
    cregs = {};
    points.clear();
    owner = {-1, -1, -1, -1};
    derived = {};
    useClock = 0;
    selectReg = 0;
    nextReg = 0;
    rqregs = {};
    pregs = {};
    nextRqReg = 0;
    xbarIds.clear();
  }

  ModuleOp module;
  const EmitOptions &options;
  uint64_t barriers = 0; ///< barriers emitted into the current stream
  rtp::ProgramImage image;
  llvm::DenseMap<Location, rtp::DebugLoc> debugLocs;
  std::array<std::optional<uint16_t>, 8> cregs;
  std::vector<Point> points;
  std::array<int64_t, 4> owner = {-1, -1, -1, -1};
  std::array<Derived, 2> derived;
  uint64_t useClock = 0;
  unsigned selectReg = 0;
  unsigned nextReg = 0;
  struct RequantParams {
    uint64_t mult, shift;
    int64_t zp;
    bool operator==(const RequantParams &o) const {
      return mult == o.mult && shift == o.shift && zp == o.zp;
    }
  };
  std::array<std::optional<RequantParams>, 8> rqregs;
  /// The SFU's 16 signed P registers as last loaded.
  std::array<std::optional<int32_t>, 16> pregs;
  unsigned nextRqReg = 0;
  /// Crossbar block ids by (DRAM address, rows, cols, stride, width).
  std::map<std::tuple<uint64_t, uint64_t, uint64_t, uint64_t, uint64_t>,
           uint64_t>
      xbarIds;
};

} // namespace

FailureOr<rtp::ProgramImage> tern::emitProgram(ModuleOp module,
                                               const EmitOptions &options) {
  return Emitter(module, options).run();
}
