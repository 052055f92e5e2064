//===- GraphImporter.cpp - walk an ONNX graph into func + TOSA ------------===//
//
// The value table maps ONNX value names to SSA values, folded constants or
// not-yet-materialized initializers. Nodes are visited in the graph's
// (topological) order and dispatched to the op handlers. Before anything is
// built, every node is checked against the handler registry so that all
// unsupported operators of a model are reported in one run.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace tern::onnx_import;

//===----------------------------------------------------------------------===//
// HandlerRegistry
//===----------------------------------------------------------------------===//

void HandlerRegistry::onOp(StringRef opType, int64_t sinceVersion,
                           Handler handler) {
  handlers[opType][sinceVersion] = std::move(handler);
}

const Handler *HandlerRegistry::lookup(StringRef opType, int64_t opset) const {
  auto it = handlers.find(opType);
  if (it == handlers.end())
    return nullptr;
  auto &versions = it->second;
  auto v = versions.upper_bound(opset);
  if (v == versions.begin())
    return nullptr;
  return &std::prev(v)->second;
}

std::vector<std::string> HandlerRegistry::opTypes() const {
  std::vector<std::string> types;
  for (const auto &entry : handlers)
    types.push_back(entry.getKey().str());
  std::sort(types.begin(), types.end());
  return types;
}

const HandlerRegistry &tern::onnx_import::getHandlerRegistry() {
  static const HandlerRegistry registry = [] {
    HandlerRegistry r;
    populateElementwiseHandlers(r);
    populateMatMulConvHandlers(r);
    populateNormalizationHandlers(r);
    populateActivationHandlers(r);
    populateShapeHandlers(r);
    populateReductionHandlers(r);
    populateQuantizationHandlers(r);
    return r;
  }();
  return registry;
}

std::vector<std::string> tern::getSupportedOnnxOps() {
  return getHandlerRegistry().opTypes();
}

//===----------------------------------------------------------------------===//
// OpBinder
//===----------------------------------------------------------------------===//

/// The value table entry of operand `i`; the graph walk checked that every
/// named operand is defined, so only absent or omitted ones are missing.
static ValueEntry &operandEntry(GraphImporter &importer,
                                const onnx::NodeProto &node, unsigned i) {
  ValueEntry *entry = (int)i < node.input_size() && !node.input(i).empty()
                          ? importer.lookup(node.input(i))
                          : nullptr;
  if (!entry)
    throw InvalidNode("operand " + std::to_string(i) + " is missing");
  return *entry;
}

Value OpBinder::operand(unsigned i) {
  Value v = importer.materialize(operandEntry(importer, node, i), loc);
  if (!v)
    throw AlreadyReported();
  return v;
}

RankedTensorType OpBinder::operandType(unsigned i) {
  RankedTensorType t = importer.typeOf(operandEntry(importer, node, i), loc);
  if (!t)
    throw AlreadyReported();
  return t;
}

const Folded *OpBinder::folded(unsigned i) {
  if (!hasOperand(i))
    return nullptr;
  return importer.foldedOf(*importer.lookup(node.input(i)), loc);
}

const Folded *OpBinder::foldedParam(unsigned i) {
  if (!hasOperand(i))
    return nullptr;
  return importer.foldedOf(*importer.lookup(node.input(i)), loc,
                           /*anySize=*/true);
}

std::optional<SmallVector<int64_t>> OpBinder::constInts(unsigned i) {
  const Folded *f = folded(i);
  if (!f)
    return std::nullopt;
  SmallVector<int64_t> values;
  for (int64_t k = 0, e = f->numElements(); k < e; ++k)
    values.push_back(f->getAsInt(k));
  return values;
}

void OpBinder::setResult(unsigned i, Value v) {
  if (hasResult(i))
    importer.define(node.output(i), ValueEntry{v, std::nullopt, nullptr});
}

void OpBinder::setFolded(unsigned i, Folded f) {
  if (hasResult(i))
    importer.define(node.output(i), ValueEntry{{}, std::move(f), nullptr});
}

const onnx::AttributeProto *OpBinder::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t OpBinder::getInt(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float OpBinder::getFloat(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string OpBinder::getString(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>> OpBinder::getInts(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

LogicalResult OpBinder::unsupported(const Twine &what) const {
  return emitError() << "unsupported " << node.op_type() << ": " << what;
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(onnx::ModelProto &model,
                             const ImportOptions &options, StringRef modelPath,
                             MLIRContext &context)
    : model(model), options(options), modelPath(modelPath.str()),
      context(context) {
  baseDir = llvm::sys::path::parent_path(modelPath).str();
  for (const auto &op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx")
      opset = op.version();
}

/// The node's name, or (for unnamed nodes) its first output's.
static std::string nodeName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  return node.output_size() ? node.output(0) : node.op_type();
}

Location GraphImporter::nodeLoc(const onnx::NodeProto &node) const {
  // `"node name"("OpType")`: the name for the user, the op type so that a
  // diagnostic says what kind of node it is.
  return NameLoc::get(StringAttr::get(&context, nodeName(node)),
                      NameLoc::get(StringAttr::get(&context, node.op_type())));
}

ValueEntry *GraphImporter::lookup(StringRef name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

void GraphImporter::define(StringRef name, ValueEntry entry) {
  values[name] = std::move(entry);
}

Value GraphImporter::materialize(ValueEntry &entry, Location loc) {
  if (entry.value)
    return entry.value;
  if (entry.folded) {
    entry.value = createConst(*entryBuilder, loc, entry.folded->toAttr());
    return entry.value;
  }
  assert(entry.initializer && "value table entry without a value");
  onnx::TensorProto &tensor = *entry.initializer;
  Location initLoc = NameLoc::get(StringAttr::get(&context, tensor.name()));
  ElementsAttr attr =
      tensorToAttr(tensor, initLoc, options.resourceThresholdBytes, baseDir);
  if (!attr)
    return {};
  entry.value = createConst(*entryBuilder, initLoc, attr);
  entry.initializer = nullptr;
  return entry.value;
}

RankedTensorType GraphImporter::typeOf(ValueEntry &entry, Location loc) {
  if (entry.value)
    return cast<RankedTensorType>(entry.value.getType());
  if (entry.folded)
    return entry.folded->getType();
  const onnx::TensorProto &t = *entry.initializer;
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  Type elementType = convertElementType(t.data_type(), &context);
  if (!elementType)
    return cast_or_null<RankedTensorType>(
        materialize(entry, loc).getType()); // emits the diagnostic
  return RankedTensorType::get(shape, elementType);
}

const Folded *GraphImporter::foldedOf(ValueEntry &entry, Location loc,
                                      bool anySize) {
  if (entry.folded)
    return &*entry.folded;
  if (entry.initializer) {
    // Only initializers below the blob threshold are folded (shape operands,
    // scalars, small tables); weights keep their bytes in one blob.
    int64_t n = 1;
    for (int64_t d : entry.initializer->dims())
      n *= d;
    Type et = convertElementType(entry.initializer->data_type(), &context);
    if (!et)
      return nullptr;
    if (anySize ? n > kMaxFoldElements
                : n * std::max<int64_t>(1, et.getIntOrFloatBitWidth() / 8) >=
                      static_cast<int64_t>(options.resourceThresholdBytes))
      return nullptr;
    Location initLoc =
        NameLoc::get(StringAttr::get(&context, entry.initializer->name()));
    ElementsAttr attr =
        tensorToAttr(*entry.initializer, initLoc,
                     std::numeric_limits<size_t>::max(), baseDir);
    if (!attr)
      return nullptr;
    entry.folded = Folded::fromAttr(cast<DenseElementsAttr>(attr));
    entry.initializer = nullptr;
    return entry.folded ? &*entry.folded : nullptr;
  }
  if (entry.value)
    if (auto cst = entry.value.getDefiningOp<tosa::ConstOp>()) {
      if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue())) {
        entry.folded = Folded::fromAttr(dense);
        return entry.folded ? &*entry.folded : nullptr;
      }
      // A weight blob another node already materialized.
      auto res = dyn_cast<DenseF32ResourceElementsAttr>(cst.getValue());
      std::optional<ArrayRef<float>> data;
      if (anySize && res && (data = res.tryGetAsArrayRef()) &&
          static_cast<int64_t>(data->size()) <= kMaxFoldElements) {
        Folded f = Folded::make(res.getType().getShape(),
                                res.getType().getElementType());
        for (size_t k = 0; k < data->size(); ++k)
          f.set(k, (*data)[k]);
        entry.folded = std::move(f);
        return &*entry.folded;
      }
    }
  (void)loc;
  return nullptr;
}

LogicalResult GraphImporter::checkSupported() {
  const HandlerRegistry &registry = getHandlerRegistry();
  unsigned numUnsupported = 0;
  for (const auto &node : model.graph().node()) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    if (defaultDomain && registry.lookup(node.op_type(), 17))
      continue;
    ++numUnsupported;
    auto diag = emitError(nodeLoc(node))
                << "unsupported ONNX operator '" << node.op_type() << "'";
    if (!defaultDomain)
      diag << " of domain '" << node.domain() << "'";
    diag << " at node '" << nodeName(node) << "' (opset " << opset << ")";
  }
  if (numUnsupported)
    return emitError(FileLineColLoc::get(&context, modelPath, 0, 0))
           << "the model uses " << numUnsupported
           << " unsupported operator node(s); see docs/Importer.md for the "
              "supported set";
  return success();
}

LogicalResult GraphImporter::checkAttributesForLibonnx() {
  for (const auto &node : model.graph().node()) {
    if (node.op_type() != "Conv")
      continue;
    for (const auto &a : node.attribute()) {
      bool positive = a.name() == "strides" || a.name() == "dilations" ||
                      a.name() == "kernel_shape";
      bool nonNegative = a.name() == "pads";
      if (!positive && !nonNegative)
        continue;
      for (int64_t v : a.ints())
        if (positive ? v <= 0 : v < 0)
          return emitError(nodeLoc(node))
                 << "invalid Conv node '" << nodeName(node) << "': "
                 << a.name() << " must be "
                 << (positive ? "positive" : "non-negative") << ", not " << v;
    }
  }
  return success();
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const onnx::ValueInfoProto &info) {
  Location loc = NameLoc::get(StringAttr::get(&context, info.name()));
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph input '" << info.name()
                          << "' is not a tensor";
  const auto &tt = info.type().tensor_type();
  Type elementType = convertElementType(tt.elem_type(), &context);
  if (!elementType)
    return emitError(loc) << "graph input '" << info.name()
                          << "' has an element type Tern does not import";
  auto override = options.inputShapes.find(info.name());
  if (override != options.inputShapes.end()) {
    const auto &dims = override->second;
    if (tt.has_shape() &&
        static_cast<int>(dims.size()) != tt.shape().dim_size())
      return emitError(loc)
             << "--input-shape for '" << info.name() << "' has rank "
             << dims.size() << ", but the input has rank "
             << tt.shape().dim_size();
    if (tt.has_shape())
      for (int i = 0; i < tt.shape().dim_size(); ++i) {
        const auto &d = tt.shape().dim(i);
        if (d.has_dim_value() && d.dim_value() != dims[i])
          return emitError(loc)
                 << "--input-shape for '" << info.name() << "' sets dimension "
                 << i << " to " << dims[i] << ", but the model fixes it to "
                 << d.dim_value();
      }
    if (failed(checkTensorSize(dims, elementType, loc,
                               "graph input '" + info.name() + "'")))
      return failure();
    return RankedTensorType::get(dims, elementType);
  }
  if (!tt.has_shape())
    return emitError(loc) << "graph input '" << info.name()
                          << "' has no shape; specify it with --input-shape "
                          << info.name() << "=<d0>x<d1>...";
  SmallVector<int64_t> shape;
  for (int i = 0; i < tt.shape().dim_size(); ++i) {
    const auto &d = tt.shape().dim(i);
    if (!d.has_dim_value()) {
      auto diag = emitError(loc) << "graph input '" << info.name()
                                 << "' has dynamic dimension " << i;
      if (d.has_dim_param())
        diag << " ('" << d.dim_param() << "')";
      diag << "; specify its shape with --input-shape " << info.name()
           << "=<d0>x<d1>...";
      return diag;
    }
    shape.push_back(d.dim_value());
  }
  if (failed(checkTensorSize(shape, elementType, loc,
                             "graph input '" + info.name() + "'")))
    return failure();
  return RankedTensorType::get(shape, elementType);
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  onnx::GraphProto &graph = *model.mutable_graph();
  Location moduleLoc = FileLineColLoc::get(&context, modelPath, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(moduleLoc);

  llvm::StringSet<> initializerNames;
  for (auto &init : *graph.mutable_initializer()) {
    // Sizes first: later code multiplies the dimensions without checks.
    if (Type et = convertElementType(init.data_type(), &context))
      if (failed(checkTensorSize(
              SmallVector<int64_t>(init.dims().begin(), init.dims().end()), et,
              NameLoc::get(StringAttr::get(&context, init.name())),
              "initializer '" + init.name() + "'")))
        return nullptr;
    initializerNames.insert(init.name());
    define(init.name(), ValueEntry{{}, std::nullopt, &init});
  }

  // Graph inputs (IR < 4 models also list initializers as inputs).
  SmallVector<Type> argTypes;
  SmallVector<Location> argLocs;
  SmallVector<std::string> argNames;
  llvm::StringSet<> inputNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    inputNames.insert(input.name());
    FailureOr<RankedTensorType> type = inputType(input);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argLocs.push_back(NameLoc::get(StringAttr::get(&context, input.name())));
    argNames.push_back(input.name());
  }
  for (const auto &entry : options.inputShapes)
    if (!inputNames.contains(entry.getKey()))
      return reportError(emitError(moduleLoc)
                         << "--input-shape names '" << entry.getKey()
                         << "', which is not an input of the model");

  OpBuilder builder(&context);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(
      moduleLoc, "main", builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [arg, loc, name] :
       llvm::zip(entry->getArguments(), argLocs, argNames)) {
    arg.setLoc(loc);
    define(name, ValueEntry{arg, std::nullopt, nullptr});
  }
  for (unsigned i = 0; i < argNames.size(); ++i)
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(argNames[i]));

  entryBuilder = std::make_unique<OpBuilder>(&context);
  entryBuilder->setInsertionPointToStart(entry);
  builder.setInsertionPointToEnd(entry);

  const HandlerRegistry &registry = getHandlerRegistry();
  for (const auto &node : graph.node()) {
    Location loc = nodeLoc(node);
    for (const auto &in : node.input())
      if (!in.empty() && !lookup(in))
        return reportError(emitError(loc) << "operand '" << in
                                          << "' is not defined before its use");
    OpBinder binder(*this, node, loc, opset, builder);
    const Handler *handler = registry.lookup(node.op_type(), 17);
    try {
      if (failed((*handler)(binder)))
        return nullptr;
    } catch (const InvalidNode &e) {
      return reportError(emitError(loc) << "invalid " << node.op_type()
                                        << " node '" << nodeName(node)
                                        << "': " << e.what());
    } catch (const AlreadyReported &) {
      return nullptr;
    }
    for (const auto &out : node.output()) {
      if (out.empty())
        continue;
      ValueEntry *result = lookup(out);
      if (!result)
        return reportError(emitError(loc)
                           << "internal error: the " << node.op_type()
                           << " handler did not define result '" << out << "'");
      // Shape-building operators (Expand, Tile, ConstantOfShape, Range...)
      // can ask for any size; refuse it at the node that asked.
      if (result->value)
        if (auto type = dyn_cast<RankedTensorType>(result->value.getType());
            type && failed(checkTensorSize(type.getShape(),
                                           type.getElementType(), loc,
                                           "result '" + out + "'")))
          return nullptr;
      // An empty result (a zero dimension) has no values to compute: it is
      // a constant of its shape. TOSA rejects empty tensors, so the ops the
      // handler built for it are erased below.
      if (result->value && !result->value.getDefiningOp<tosa::ConstOp>())
        if (auto type = dyn_cast<RankedTensorType>(result->value.getType());
            type && type.hasStaticShape() && type.getNumElements() == 0)
          define(out, ValueEntry{{},
                                 Folded::make(type.getShape(),
                                              type.getElementType()),
                                 nullptr});
    }
  }

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    Location loc = NameLoc::get(StringAttr::get(&context, output.name()));
    ValueEntry *e = lookup(output.name());
    if (!e)
      return reportError(emitError(loc) << "graph output '" << output.name()
                                        << "' is never computed");
    Value v = materialize(*e, loc);
    if (!v)
      return nullptr;
    auto type = cast<RankedTensorType>(v.getType());
    // Cross-check the importer's shapes against the model's declaration.
    if (output.type().tensor_type().has_shape()) {
      const auto &shape = output.type().tensor_type().shape();
      bool ok = shape.dim_size() == type.getRank();
      for (int i = 0; ok && i < shape.dim_size(); ++i)
        ok = !shape.dim(i).has_dim_value() ||
             shape.dim(i).dim_value() == type.getDimSize(i);
      if (!ok)
        return reportError(emitError(loc)
                           << "graph output '" << output.name()
                           << "' was imported as " << type
                           << ", which contradicts its declared shape");
    }
    results.push_back(v);
    resultTypes.push_back(type);
  }
  builder.create<func::ReturnOp>(moduleLoc, results);
  func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
  for (unsigned i = 0; i < resultTypes.size(); ++i)
    func.setResultAttr(i, "onnx.name",
                       builder.getStringAttr(graph.output(i).name()));

  // Folded values are materialized where first used; a scalar that was then
  // reshaped to its user's rank may leave its first form unused.
  for (Operation &op : llvm::make_early_inc_range(*entry))
    if (isa<tosa::ConstOp>(op) && op.use_empty())
      op.erase();
  // Unused ops with an empty result (replaced by constants above), and then
  // whatever only they used.
  SmallVector<Operation *> dead;
  for (Operation &op : *entry)
    if (op.getNumResults() > 0 && op.use_empty() &&
        llvm::any_of(op.getResultTypes(), [](Type t) {
          auto shaped = dyn_cast<ShapedType>(t);
          return shaped && shaped.hasStaticShape() &&
                 shaped.getNumElements() == 0;
        }))
      dead.push_back(&op);
  while (!dead.empty()) {
    Operation *op = dead.pop_back_val();
    SmallVector<Operation *> operands;
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp())
        operands.push_back(def);
    op->erase();
    for (Operation *def : operands)
      if (def->use_empty() && isMemoryEffectFree(def) &&
          !llvm::is_contained(dead, def))
        dead.push_back(def);
  }

  if (failed(verify(*module)))
    return nullptr;
  return module;
}
