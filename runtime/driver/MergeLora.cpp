//===- MergeLora.cpp - Merge trained LoRA adapters into an ONNX model -----===//
//
// See MergeLora.h and docs/FineTuning.md. tern-insert-lora names the
// adapters of a `tern.linear` after its operator, i.e. the ONNX node the
// linear was raised from: the bias Add of a MatMul + Add pair, a Gemm, or a
// MatMul without bias (the importer names an unnamed node after its first
// output). The linear computes x W with W [K, N] the MatMul's weight
// initializer (a Gemm's B, transposed when transB = 1; the importer applies a
// Gemm's alpha to the linear's result, adapter included), and
// the adapter adds (alpha / r) (x A) B, so the merged weight is
// W + (alpha / r) A B.
//
//===----------------------------------------------------------------------===//

#include "runtime/driver/MergeLora.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

#include <cctype>
#include <climits>
#include <cmath>
#include <cstring>

using namespace llvm;

namespace tern::rt::driver {

namespace {

Error mergeError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), "%s", msg.str().c_str());
}

std::string shapeOf(ArrayRef<int64_t> dims) {
  return io::shapeString(std::vector<int64_t>(dims.begin(), dims.end()));
}

/// The importer's name of a node (GraphImporter.cpp `nodeName`).
std::string nodeName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  return node.output_size() ? node.output(0) : node.op_type();
}

std::string describe(const onnx::NodeProto &node) {
  return "node '" + nodeName(node) + "' (" + node.op_type() + ")";
}

const onnx::AttributeProto *attribute(const onnx::NodeProto &node,
                                      StringRef name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

/// A tensor's values as doubles (f32, f64, bf16).
Expected<std::vector<double>> doubles(const io::Tensor &t, StringRef what) {
  std::vector<double> out(t.numElements());
  for (size_t i = 0; i < out.size(); ++i) {
    if (t.type == io::ElemType::F32) {
      float f;
      std::memcpy(&f, t.data.data() + i * 4, 4);
      out[i] = f;
    } else if (t.type == io::ElemType::F64) {
      std::memcpy(&out[i], t.data.data() + i * 8, 8);
    } else if (t.type == io::ElemType::BF16) {
      uint16_t h;
      std::memcpy(&h, t.data.data() + i * 2, 2);
      uint32_t bits = static_cast<uint32_t>(h) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      out[i] = f;
    } else {
      return mergeError(what + " must be float32, float64 or bfloat16, not " +
                        io::elemTypeName(t.type));
    }
  }
  return out;
}

/// One adapter pair and the initializer it folds into.
struct Merge {
  std::string layer; ///< `<layer>` of `<layer>_lora_a` / `_lora_b`
  int64_t k = 0, r = 0, n = 0;
  int initializer = -1;    ///< index into graph.initializer
  bool transposed = false; ///< Gemm transB = 1: the initializer is [N, K]
  double scale = 1.0;      ///< alpha / r
};

} // namespace

std::string loraLayerName(StringRef operatorName) {
  std::string out;
  for (char c : operatorName)
    out.push_back(
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_');
  size_t start = out.find_first_not_of('_');
  return start == std::string::npos ? "linear" : out.substr(start);
}

struct LoraMerge::Impl {
  std::string modelPath;
  onnx::ModelProto model;
  std::vector<Merge> merges;
};

LoraMerge::LoraMerge(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
LoraMerge::LoraMerge(LoraMerge &&) = default;
LoraMerge &LoraMerge::operator=(LoraMerge &&) = default;
LoraMerge::~LoraMerge() = default;

Expected<LoraMerge> LoraMerge::plan(StringRef modelPath,
                                    const std::vector<LoraParam> &params,
                                    std::optional<double> alpha) {
  auto impl = std::make_unique<Impl>();
  impl->modelPath = modelPath.str();
  auto buffer = MemoryBuffer::getFile(modelPath, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return mergeError("cannot read --model '" + modelPath +
                      "': " + buffer.getError().message());
  if ((*buffer)->getBufferSize() > static_cast<size_t>(INT_MAX) ||
      !impl->model.ParseFromArray((*buffer)->getBufferStart(),
                                  static_cast<int>((*buffer)->getBufferSize())))
    return mergeError("--model '" + modelPath + "' is not an ONNX model");
  const onnx::GraphProto &graph = impl->model.graph();

  // The adapter pairs, by layer.
  StringMap<const LoraParam *> as, bs;
  std::vector<std::string> layers;
  for (const LoraParam &p : params) {
    StringRef name(p.name);
    StringMap<const LoraParam *> *side = nullptr;
    StringRef layer;
    if (name.ends_with("_lora_a")) {
      side = &as;
      layer = name.drop_back(7);
    } else if (name.ends_with("_lora_b")) {
      side = &bs;
      layer = name.drop_back(7);
    } else {
      return mergeError("parameter '" + name +
                        "' is not a LoRA adapter (<layer>_lora_a or "
                        "<layer>_lora_b, tern-insert-lora); --merged-onnx "
                        "merges only adapters");
    }
    if (!as.count(layer) && !bs.count(layer))
      layers.push_back(layer.str());
    (*side)[layer] = &p;
  }
  for (const std::string &layer : layers) {
    if (!as.count(layer))
      return mergeError("adapter '" + layer + "_lora_b' has no '" + layer +
                        "_lora_a' among the train step's parameters");
    if (!bs.count(layer))
      return mergeError("adapter '" + layer + "_lora_a' has no '" + layer +
                        "_lora_b' among the train step's parameters");
  }

  // The graph: nodes by adapter layer name, producers, initializers, uses.
  StringMap<std::vector<int>> byLayer;
  StringMap<int> producer, initializers;
  StringMap<unsigned> uses;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    byLayer[loraLayerName(nodeName(node))].push_back(i);
    for (const std::string &out : node.output())
      producer[out] = i;
    for (const std::string &in : node.input())
      ++uses[in];
  }
  for (int i = 0; i < graph.initializer_size(); ++i)
    initializers[graph.initializer(i).name()] = i;

  StringSet<> claimed;
  for (const std::string &layer : layers) {
    const LoraParam &a = *as[layer], &b = *bs[layer];
    std::string pair = "adapter '" + layer + "_lora_a'";
    if (a.shape.size() != 2 || b.shape.size() != 2 ||
        a.shape[1] != b.shape[0] || a.shape[1] <= 0)
      return mergeError(pair + " is " + io::shapeString(a.shape) + " and '" +
                        layer + "_lora_b' is " + io::shapeString(b.shape) +
                        "; LoRA adapters are A [K, r] and B [r, N]");
    Merge m;
    m.layer = layer;
    m.k = a.shape[0];
    m.r = a.shape[1];
    m.n = b.shape[1];

    auto found = byLayer.find(layer);
    if (found == byLayer.end())
      return mergeError(pair + " (layer '" + layer + "') matches no node of '" +
                        modelPath +
                        "' (adapters are named after the node they adapt, "
                        "non-identifier characters replaced by '_'); was the "
                        "train step compiled from this model?");
    if (found->second.size() > 1)
      return mergeError(pair + " matches more than one node of '" + modelPath +
                        "': " + describe(graph.node(found->second[0])) +
                        " and " + describe(graph.node(found->second[1])));
    const onnx::NodeProto *node = &graph.node(found->second[0]);

    // A bias Add: the product feeding it.
    if (node->op_type() == "Add") {
      const onnx::NodeProto *product = nullptr;
      for (const std::string &in : node->input()) {
        auto p = producer.find(in);
        if (p == producer.end())
          continue;
        const onnx::NodeProto &cand = graph.node(p->second);
        if (cand.op_type() == "MatMul" || cand.op_type() == "Gemm") {
          product = &cand;
          break;
        }
      }
      if (!product)
        return mergeError(pair + " belongs to " + describe(*node) +
                          ", which adds no MatMul or Gemm output");
      node = product;
    }
    if (node->op_type() != "MatMul" && node->op_type() != "Gemm")
      return mergeError(pair + " belongs to " + describe(*node) +
                        ", which is not a MatMul, a Gemm or the bias Add of "
                        "one");
    if (node->input_size() < 2)
      return mergeError(describe(*node) + " has no weight input");
    // A Gemm's alpha stays outside the adapted product (the importer scales
    // the linear's result), so it does not enter the merge.
    if (node->op_type() == "Gemm")
      if (const auto *t = attribute(*node, "transB"))
        m.transposed = t->i() != 0;
    const std::string &weight = node->input(1);
    auto init = initializers.find(weight);
    if (init == initializers.end())
      return mergeError(pair + ": the weight '" + weight + "' of " +
                        describe(*node) +
                        " is not an initializer of the model");
    const onnx::TensorProto &w = graph.initializer(init->second);
    if (w.data_type() != onnx::TensorProto::FLOAT &&
        w.data_type() != onnx::TensorProto::DOUBLE)
      return mergeError(
          pair + ": weight '" + weight + "' is " +
          onnx::TensorProto_DataType_Name(
              static_cast<onnx::TensorProto_DataType>(w.data_type())) +
          ", not FLOAT or DOUBLE");
    if (w.data_location() == onnx::TensorProto::EXTERNAL)
      return mergeError(pair + ": weight '" + weight +
                        "' is stored as external data, which --merged-onnx "
                        "does not read");
    std::vector<int64_t> want = {m.k, m.n};
    if (m.transposed)
      want = {m.n, m.k};
    std::vector<int64_t> have(w.dims().begin(), w.dims().end());
    if (have != want)
      return mergeError(
          pair + ": (alpha/r) A B is " + io::shapeString({m.k, m.n}) + " (A " +
          io::shapeString(a.shape) + ", B " + io::shapeString(b.shape) +
          ") but the weight '" + weight + "' of " + describe(*node) + " is " +
          shapeOf(have) +
          (m.transposed
               ? " (transB = 1: " + io::shapeString(want) + " expected)"
               : std::string()));
    if (uses[weight] > 1 || !claimed.insert(weight).second)
      return mergeError(pair + ": the weight '" + weight + "' of " +
                        describe(*node) +
                        " is also used by another node; merging would change "
                        "that node too");
    double alphaValue = alpha ? *alpha : static_cast<double>(m.r);
    m.scale = alphaValue / static_cast<double>(m.r);
    m.initializer = init->second;
    impl->merges.push_back(std::move(m));
  }
  return LoraMerge(std::move(impl));
}

Error LoraMerge::write(const StringMap<io::Tensor> &values, StringRef outPath,
                       raw_ostream &log) const {
  onnx::ModelProto model = impl->model;
  onnx::GraphProto *graph = model.mutable_graph();
  for (const Merge &m : impl->merges) {
    auto get = [&](StringRef suffix,
                   uint64_t count) -> Expected<std::vector<double>> {
      std::string name = m.layer + suffix.str();
      auto it = values.find(name);
      if (it == values.end())
        return mergeError("no trained value of adapter '" + name + "'");
      auto v = doubles(it->second, "adapter '" + name + "'");
      if (v && v->size() != count)
        return mergeError("adapter '" + name + "' has " + Twine(v->size()) +
                          " values, not " + Twine(count));
      return v;
    };
    auto a = get("_lora_a", m.k * m.r);
    if (!a)
      return a.takeError();
    auto b = get("_lora_b", m.r * m.n);
    if (!b)
      return b.takeError();

    onnx::TensorProto *w = graph->mutable_initializer(m.initializer);
    bool f64 = w->data_type() == onnx::TensorProto::DOUBLE;
    uint64_t count = static_cast<uint64_t>(m.k * m.n);
    std::vector<double> wv(count);
    if (!w->raw_data().empty()) {
      size_t bytes = count * (f64 ? 8 : 4);
      if (w->raw_data().size() != bytes)
        return mergeError("weight '" + w->name() + "' holds " +
                          Twine(w->raw_data().size()) + " bytes, not " +
                          Twine(bytes));
      for (uint64_t i = 0; i < count; ++i) {
        if (f64) {
          std::memcpy(&wv[i], w->raw_data().data() + i * 8, 8);
        } else {
          float f;
          std::memcpy(&f, w->raw_data().data() + i * 4, 4);
          wv[i] = f;
        }
      }
    } else if (!f64 && static_cast<uint64_t>(w->float_data_size()) == count) {
      for (uint64_t i = 0; i < count; ++i)
        wv[i] = w->float_data(static_cast<int>(i));
    } else if (f64 && static_cast<uint64_t>(w->double_data_size()) == count) {
      for (uint64_t i = 0; i < count; ++i)
        wv[i] = w->double_data(static_cast<int>(i));
    } else {
      return mergeError("weight '" + w->name() + "' does not hold its " +
                        Twine(count) + " values");
    }

    // W[k][n] (or W[n][k] when transposed) += scale * sum_j A[k][j] B[j][n].
    for (int64_t k = 0; k < m.k; ++k)
      for (int64_t n = 0; n < m.n; ++n) {
        double d = 0;
        for (int64_t j = 0; j < m.r; ++j)
          d += (*a)[k * m.r + j] * (*b)[j * m.n + n];
        int64_t at = m.transposed ? n * m.k + k : k * m.n + n;
        wv[at] += m.scale * d;
      }

    std::string raw(count * (f64 ? 8 : 4), '\0');
    for (uint64_t i = 0; i < count; ++i) {
      if (f64) {
        std::memcpy(raw.data() + i * 8, &wv[i], 8);
      } else {
        float f = static_cast<float>(wv[i]);
        std::memcpy(raw.data() + i * 4, &f, 4);
      }
    }
    w->clear_float_data();
    w->clear_double_data();
    w->set_raw_data(std::move(raw));
  }

  // A temporary file next to the output, renamed when complete.
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return mergeError("cannot serialize the merged model");
  SmallString<256> tmp;
  int fd;
  if (std::error_code ec =
          sys::fs::createUniqueFile(outPath + ".tmp-%%%%%%", fd, tmp))
    return mergeError("cannot write '" + outPath + "': " + ec.message());
  {
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
    os.close();
    if (os.has_error()) {
      std::string msg = os.error().message();
      os.clear_error();
      sys::fs::remove(tmp);
      return mergeError("cannot write '" + outPath + "': " + msg);
    }
  }
  if (std::error_code ec = sys::fs::rename(tmp, outPath)) {
    sys::fs::remove(tmp);
    return mergeError("cannot write '" + outPath + "': " + ec.message());
  }
  double scale = impl->merges.empty() ? 1.0 : impl->merges[0].scale;
  log << "tern train: merged " << impl->merges.size()
      << " adapter pairs into the weights of " << impl->modelPath
      << " (scale alpha/r = " << format("%g", scale) << ") -> " << outPath
      << '\n';
  return Error::success();
}

} // namespace tern::rt::driver
