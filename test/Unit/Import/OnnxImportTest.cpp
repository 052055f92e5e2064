//===- OnnxImportTest.cpp - importer C++ API ------------------------------===//
//
// The library entry points the `tern import` driver calls: --input-shape
// parsing, and that failures return null with diagnostics (never abort).
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Onnx.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

TEST(OnnxImport, ParsesInputShapes) {
  tern::ImportOptions options;
  std::string error;
  ASSERT_TRUE(tern::parseInputShapeSpec("x=1x197x768", options, error));
  ASSERT_TRUE(tern::parseInputShapeSpec("scale=", options, error));
  EXPECT_EQ(options.inputShapes["x"], (SmallVector<int64_t>{1, 197, 768}));
  EXPECT_TRUE(options.inputShapes["scale"].empty());
}

TEST(OnnxImport, RejectsMalformedInputShapes) {
  for (const char *spec : {"x=1xax3", "=3x4", "x", "x=0x4", "x=1x-2"}) {
    tern::ImportOptions options;
    std::string error;
    EXPECT_FALSE(tern::parseInputShapeSpec(spec, options, error)) << spec;
    EXPECT_NE(error.find(std::string("'") + spec + "'"), std::string::npos)
        << error;
  }
}

/// Collects the diagnostics of one import.
struct Import {
  explicit Import(const char *text, const tern::ImportOptions &options = {}) {
    DialectRegistry registry;
    tern::registerImportDialects(registry);
    context.appendDialectRegistry(registry);
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      messages.push_back(diag.str());
      return success();
    });
    module = tern::importOnnxText(text, "test", options, context);
  }
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::vector<std::string> messages;
};

TEST(OnnxImport, ImportsTextualModel) {
  tern::ImportOptions options;
  std::string error;
  ASSERT_TRUE(tern::parseInputShapeSpec("x=3x4", options, error));
  Import import(R"(<ir_version: 8, opset_import: ["" : 17]>
g (float[N, 4] x) => (float[N, 4] y) { y = Softmax (x) })",
                options);
  ASSERT_TRUE(import.module)
      << (import.messages.empty() ? "" : import.messages[0]);
  auto main = import.module->lookupSymbol<func::FuncOp>("main");
  ASSERT_TRUE(main);
  EXPECT_EQ(main.getFunctionType().getInput(0),
            RankedTensorType::get({3, 4}, Float32Type::get(&import.context)));
}

TEST(OnnxImport, ListsEveryUnsupportedOp) {
  Import import(R"(<ir_version: 8, opset_import: ["" : 17]>
g (float[4] x) => (float[4] a, float[4] b) { a = Sin (x) b = Cos (x) })");
  EXPECT_FALSE(import.module);
  ASSERT_EQ(import.messages.size(), 3u);
  EXPECT_NE(import.messages[0].find("'Sin'"), std::string::npos);
  EXPECT_NE(import.messages[1].find("'Cos'"), std::string::npos);
  EXPECT_NE(import.messages[2].find("2 unsupported"), std::string::npos);
}

TEST(OnnxImport, MissingFileIsAnError) {
  MLIRContext context;
  std::vector<std::string> messages;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    messages.push_back(diag.str());
    return success();
  });
  EXPECT_FALSE(tern::importOnnxFile("/nonexistent/model.onnx", {}, context));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("cannot open '/nonexistent/model.onnx'"),
            std::string::npos);
}

TEST(OnnxImport, SupportedOpsAreSorted) {
  std::vector<std::string> ops = tern::getSupportedOnnxOps();
  EXPECT_TRUE(std::is_sorted(ops.begin(), ops.end()));
  EXPECT_NE(std::find(ops.begin(), ops.end(), "LayerNormalization"), ops.end());
}

} // namespace
