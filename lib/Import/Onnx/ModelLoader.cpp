//===- ModelLoader.cpp - parse, check, convert and shape-infer a model ----===//
//
// Everything that happens to the ModelProto before the graph walk: protobuf
// parsing (binary or ONNX's textual syntax), the supported IR / opset range,
// libonnx's checker, version conversion to opset 17 and shape inference with
// the user's input shapes. libonnx reports problems with C++ exceptions; this
// file (built with exceptions on) turns each into an MLIR diagnostic.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

#include <fstream>

using namespace mlir;
using namespace tern;
using namespace tern::onnx_import;

namespace {

constexpr int64_t kMinOpset = 1;
constexpr int64_t kTargetOpset = 17;
constexpr int64_t kMaxIrVersion = 8;

/// Location for problems of the model as a whole.
Location modelLoc(MLIRContext &ctx, StringRef path) {
  return FileLineColLoc::get(&ctx, path.empty() ? "<onnx>" : path, 0, 0);
}

/// Tensors bigger than this are detached during version conversion, which
/// copies the whole ModelProto.
constexpr size_t kDetachBytes = 4096;

/// Converts the default-domain opset to 17 without copying weight bytes: the
/// converter copies the model, so large raw_data strings are moved aside
/// first and moved back into the converted model's initializers.
void convertTo17(onnx::ModelProto &model) {
  llvm::StringMap<std::string> detached;
  for (auto &init : *model.mutable_graph()->mutable_initializer())
    if (init.has_raw_data() && init.raw_data().size() > kDetachBytes) {
      detached[init.name()] = std::move(*init.mutable_raw_data());
      init.clear_raw_data();
    }
  onnx::ModelProto converted =
      onnx::version_conversion::ConvertVersion(model, kTargetOpset);
  for (auto &init : *converted.mutable_graph()->mutable_initializer()) {
    auto it = detached.find(init.name());
    if (it != detached.end())
      *init.mutable_raw_data() = std::move(it->second);
  }
  model = std::move(converted);
  // libonnx 1.12's Reshape 4 -> 5 adapter turns the `shape` attribute into a
  // Constant whose tensor has the values but no dims (a scalar, which the
  // shape operand cannot be): give a dimensionless constant that feeds a
  // Reshape's shape its one dimension.
  llvm::StringSet<> shapeOperands;
  for (const auto &node : model.graph().node())
    if (node.op_type() == "Reshape" && node.input_size() > 1)
      shapeOperands.insert(node.input(1));
  for (auto &node : *model.mutable_graph()->mutable_node()) {
    if (node.op_type() != "Constant" || node.output_size() != 1 ||
        !shapeOperands.contains(node.output(0)))
      continue;
    for (auto &attr : *node.mutable_attribute()) {
      if (attr.name() != "value" || !attr.has_t())
        continue;
      onnx::TensorProto &t = *attr.mutable_t();
      if (t.dims_size() != 0 || t.data_type() != onnx::TensorProto::INT64)
        continue;
      t.add_dims(t.has_raw_data()
                     ? static_cast<int64_t>(t.raw_data().size() / 8)
                     : t.int64_data_size());
    }
  }
}

int64_t defaultOpset(const onnx::ModelProto &model) {
  for (const auto &op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx")
      return op.version();
  return -1;
}

/// Checks, converts and imports a parsed model. Every libonnx exception is
/// caught here.
std::string dimsString(ArrayRef<int64_t> dims) {
  std::string s;
  for (int64_t d : dims)
    s += (s.empty() ? "" : ", ") + std::to_string(d);
  return "[" + s + "]";
}

/// The declared shape of a graph input, `?` for a dynamic dimension.
std::string declaredShapeString(const onnx::TensorShapeProto &shape) {
  std::string s;
  for (const auto &d : shape.dim())
    s += (s.empty() ? "" : ", ") +
         (d.has_dim_value() ? std::to_string(d.dim_value()) : "?");
  return "[" + s + "]";
}

/// Replaces the graph inputs named in options.boundInputs by initializers
/// holding their values (kept in the input list for IR < 4, where every
/// initializer must be one, and the importer reads the initializer).
LogicalResult bindInputs(onnx::ModelProto &model, const ImportOptions &options,
                         Location loc, MLIRContext &ctx) {
  if (options.boundInputs.empty())
    return success();
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringSet<> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  std::string inputList;
  for (const auto &input : graph.input())
    if (!initializers.contains(input.name()))
      inputList += (inputList.empty() ? "'" : ", '") + input.name() + "'";
  for (const auto &entry : options.boundInputs) {
    StringRef name = entry.getKey();
    const ImportOptions::BoundInput &value = entry.getValue();
    int index = -1;
    for (int i = 0; i < graph.input_size(); ++i)
      if (graph.input(i).name() == name && !initializers.contains(name))
        index = i;
    if (index < 0) {
      emitError(loc) << "--bind-input names '" << name
                     << "', which is not an input of the model (inputs: "
                     << (inputList.empty() ? "none" : inputList) << ")";
      return failure();
    }
    const onnx::ValueInfoProto &input = graph.input(index);
    if (!input.type().has_tensor_type()) {
      emitError(loc) << "--bind-input '" << name
                     << "': the input is not a tensor";
      return failure();
    }
    const onnx::TypeProto::Tensor &type = input.type().tensor_type();
    bool typeOk = type.elem_type() == value.dataType;
    bool shapeOk = true;
    if (type.has_shape()) {
      shapeOk = type.shape().dim_size() == static_cast<int>(value.shape.size());
      for (int i = 0; shapeOk && i < type.shape().dim_size(); ++i)
        if (type.shape().dim(i).has_dim_value() &&
            type.shape().dim(i).dim_value() != value.shape[i])
          shapeOk = false;
    }
    if (!typeOk || !shapeOk) {
      emitError(loc) << "--bind-input '" << name << "': the value in '"
                     << value.source << "' is "
                     << onnx::TensorProto_DataType_Name(value.dataType)
                     << " of shape " << dimsString(value.shape)
                     << ", but the input is declared "
                     << onnx::TensorProto_DataType_Name(type.elem_type())
                     << (type.has_shape()
                             ? " of shape " + declaredShapeString(type.shape())
                             : std::string(" of any shape"));
      return failure();
    }
    onnx::TensorProto *init = graph.add_initializer();
    init->set_name(name.str());
    init->set_data_type(value.dataType);
    for (int64_t d : value.shape)
      init->add_dims(d);
    init->set_raw_data(value.rawData);
    initializers.insert(name);
    if (model.ir_version() >= 4)
      graph.mutable_input()->DeleteSubrange(index, 1);
  }
  return success();
}

OwningOpRef<ModuleOp> importModel(onnx::ModelProto &model, StringRef path,
                                  const ImportOptions &options,
                                  MLIRContext &ctx) {
  ctx.loadDialect<func::FuncDialect, tosa::TosaDialect,
                  quant::QuantizationDialect, tern::TernDialect>();
  Location loc = modelLoc(ctx, path);
  if (!model.has_graph() || model.ir_version() <= 0)
    return reportError(emitError(loc)
                       << "'" << path
                       << "' is not an ONNX model (no IR version or graph)");
  if (model.ir_version() > kMaxIrVersion)
    return reportError(emitError(loc)
                       << "model IR version " << model.ir_version()
                       << " is not supported; Tern supports ONNX IR "
                          "versions up to "
                       << kMaxIrVersion << " and opsets " << kMinOpset << " to "
                       << kTargetOpset << " (libonnx 1.12)");
  if (model.graph().node_size() > kMaxNodes)
    return reportError(emitError(loc)
                       << "'" << path << "' has " << model.graph().node_size()
                       << " nodes; Tern imports models of at most " << kMaxNodes
                       << " nodes");
  int64_t opset = defaultOpset(model);
  if (opset < kMinOpset || opset > kTargetOpset)
    return reportError(emitError(loc)
                       << "model imports opset " << opset
                       << " of the default ONNX domain; Tern supports "
                          "opsets "
                       << kMinOpset << " to " << kTargetOpset
                       << " (and IR versions up to " << kMaxIrVersion << ")");
  // External data first: libonnx's checker would look for the files
  // relative to the working directory, not the model's.
  std::string baseDir = llvm::sys::path::parent_path(path).str();
  for (auto &init : *model.mutable_graph()->mutable_initializer())
    if (init.data_location() == onnx::TensorProto::EXTERNAL &&
        failed(loadExternalData(
            init, NameLoc::get(StringAttr::get(&ctx, init.name()), loc),
            baseDir)))
      return nullptr;

  if (failed(bindInputs(model, options, loc, ctx)))
    return nullptr;

  // Every graph output must be computed by something: libonnx's checker
  // does not ask, and its version converter dereferences the producer.
  // Every graph input must be a tensor: libonnx's shape inference reads a
  // map or sequence input's tensor type as if it were there (SEGV).
  {
    llvm::StringSet<> defined;
    const onnx::GraphProto &graph = model.graph();
    for (const auto &input : graph.input()) {
      if (!input.type().has_tensor_type())
        return reportError(
            emitError(NameLoc::get(StringAttr::get(&ctx, input.name())))
            << "graph input '" << input.name() << "' is not a tensor");
      defined.insert(input.name());
    }
    for (const auto &init : graph.initializer())
      defined.insert(init.name());
    for (const auto &node : graph.node())
      for (const auto &out : node.output())
        defined.insert(out);
    for (const auto &output : graph.output())
      if (!defined.contains(output.name()))
        return reportError(
            emitError(NameLoc::get(StringAttr::get(&ctx, output.name())))
            << "graph output '" << output.name() << "' is never computed");
  }

  GraphImporter importer(model, options, path, ctx);
  // Unsupported operators first: the checker and the version converter stop
  // at the first op they do not know, and the user wants the full list.
  if (failed(importer.checkSupported()) ||
      failed(importer.checkAttributesForLibonnx()))
    return nullptr;
  try {
    onnx::checker::check_model(model);
    if (opset < kTargetOpset)
      convertTo17(model);

    // Specialize dynamic input dimensions before shape inference, so the
    // inferred intermediate shapes are static too.
    llvm::StringSet<> inputNames;
    for (auto &input : *model.mutable_graph()->mutable_input()) {
      inputNames.insert(input.name());
      auto it = options.inputShapes.find(input.name());
      if (it == options.inputShapes.end() || !input.type().has_tensor_type())
        continue;
      Location inputLoc = NameLoc::get(StringAttr::get(&ctx, input.name()));
      const auto &dims = it->second;
      auto *shape =
          input.mutable_type()->mutable_tensor_type()->mutable_shape();
      if (input.type().tensor_type().has_shape() &&
          shape->dim_size() != static_cast<int>(dims.size()))
        return reportError(emitError(inputLoc)
                           << "--input-shape for '" << input.name()
                           << "' has rank " << dims.size()
                           << ", but the input has rank " << shape->dim_size());
      for (int i = 0; i < shape->dim_size(); ++i)
        if (shape->dim(i).has_dim_value() &&
            shape->dim(i).dim_value() != dims[i])
          return reportError(emitError(inputLoc)
                             << "--input-shape for '" << input.name()
                             << "' sets dimension " << i << " to " << dims[i]
                             << ", but the model fixes it to "
                             << shape->dim(i).dim_value());
      shape->clear_dim();
      for (int64_t d : dims)
        shape->add_dim()->set_dim_value(d);
    }
    for (const auto &entry : options.inputShapes)
      if (options.boundInputs.contains(entry.getKey()))
        return reportError(emitError(loc)
                           << "--input-shape names '" << entry.getKey()
                           << "', which --bind-input replaces by a constant");
      else if (!inputNames.contains(entry.getKey()))
        return reportError(emitError(loc)
                           << "--input-shape names '" << entry.getKey()
                           << "', which is not an input of the model");
    onnx::ShapeInferenceOptions inferOptions(/*check_type=*/false,
                                             /*strict_mode=*/0,
                                             /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), inferOptions);
  } catch (const onnx::checker::ValidationError &e) {
    return reportError(emitError(loc) << "invalid ONNX model: " << e.what());
  } catch (const onnx::InferenceError &e) {
    return reportError(emitError(loc)
                       << "ONNX shape inference failed: " << e.what());
  } catch (const std::exception &e) {
    return reportError(emitError(loc)
                       << "libonnx failed on the model: " << e.what());
  }
  try {
    return importer.run();
  } catch (const std::exception &e) {
    return reportError(emitError(loc) << "import failed: " << e.what());
  }
}

} // namespace

bool tern::parseInputShapeSpec(StringRef spec, ImportOptions &options,
                               std::string &error) {
  auto [name, dims] = spec.split('=');
  if (name.empty() || !spec.contains('=')) {
    error = ("malformed --input-shape '" + spec +
             "': expected <input name>=<d0>x<d1>..., e.g. x=1x197x768")
                .str();
    return false;
  }
  SmallVector<int64_t> shape;
  if (!dims.empty()) {
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    for (StringRef p : parts) {
      int64_t d;
      if (p.getAsInteger(10, d) || d <= 0) {
        error = ("malformed --input-shape '" + spec + "': dimension '" + p +
                 "' is not a positive integer")
                    .str();
        return false;
      }
      shape.push_back(d);
    }
  }
  options.inputShapes[name] = std::move(shape);
  return true;
}

OwningOpRef<ModuleOp> tern::importOnnxBuffer(StringRef bytes,
                                             StringRef modelPath,
                                             const ImportOptions &options,
                                             MLIRContext &context) {
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return reportError(
        emitError(modelLoc(context, modelPath))
        << "'" << modelPath
        << "' is not a valid ONNX model: protobuf parsing failed (the "
           "file is truncated or not in ONNX format)");
  return importModel(model, modelPath, options, context);
}

OwningOpRef<ModuleOp> tern::importOnnxFile(StringRef path,
                                           const ImportOptions &options,
                                           MLIRContext &context) {
  // Streams from the file instead of reading it first: the weights then
  // exist once in memory (in the protobuf, later adopted by the blobs).
  std::ifstream in(path.str(), std::ios::binary);
  if (!in)
    return reportError(emitError(modelLoc(context, path))
                       << "cannot open '" << path << "'");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in))
    return reportError(
        emitError(modelLoc(context, path))
        << "'" << path
        << "' is not a valid ONNX model: protobuf parsing failed (the "
           "file is truncated or not in ONNX format)");
  return importModel(model, path, options, context);
}

OwningOpRef<ModuleOp> tern::importOnnxText(StringRef text, StringRef bufferName,
                                           const ImportOptions &options,
                                           MLIRContext &context) {
  onnx::ModelProto model;
  std::string copy = text.str(); // the parser wants a NUL-terminated string
  try {
    onnx::Common::Status status = onnx::OnnxParser::Parse(model, copy.c_str());
    if (!status.IsOK())
      return reportError(emitError(modelLoc(context, bufferName))
                         << "cannot parse the textual ONNX model: "
                         << status.ErrorMessage());
  } catch (const std::exception &e) {
    return reportError(emitError(modelLoc(context, bufferName))
                       << "cannot parse the textual ONNX model: " << e.what());
  }
  return importModel(model, bufferName, options, context);
}

void tern::registerImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, tosa::TosaDialect,
                  quant::QuantizationDialect, tern::TernDialect>();
}
