//===- TernOpsTest.cpp - building and verifying tern ops from C++ --------===//
//
// The lit tests cover the textual form; these cover the C++ builders the
// importer and passes use, and the default precision attribute.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

class TernOpsTest : public ::testing::Test {
protected:
  TernOpsTest() {
    DialectRegistry registry;
    tern::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Verifies `op` and returns the first diagnostic message (empty if none).
  std::string verifyMessage(Operation *op) {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    (void)verify(op);
    return message;
  }

  MLIRContext context;
};

TEST_F(TernOpsTest, LinearBuilderDefaultsToF32Precision) {
  OpBuilder b(&context);
  Location loc = b.getUnknownLoc();
  auto f32 = b.getF32Type();
  auto x = RankedTensorType::get({4, 8}, f32);
  auto w = RankedTensorType::get({8, 16}, f32);
  auto y = RankedTensorType::get({4, 16}, f32);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  auto func = b.create<func::FuncOp>(loc, "f", b.getFunctionType({x, w}, {y}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);
  auto linear = b.create<tern::LinearOp>(loc, y, entry->getArgument(0),
                                         entry->getArgument(1), Value());
  b.create<func::ReturnOp>(loc, linear.getResult());

  EXPECT_EQ(linear.getPrecision(), tern::Precision::f32);
  EXPECT_EQ(verifyMessage(*module), "");
}

TEST_F(TernOpsTest, LinearVerifierRejectsContractionMismatch) {
  const char *ir = R"mlir(
    func.func @f(%x: tensor<4x8xf32>, %w: tensor<9x16xf32>) -> tensor<4x16xf32> {
      %y = tern.linear %x, %w : tensor<4x8xf32>, tensor<9x16xf32> -> tensor<4x16xf32>
      return %y : tensor<4x16xf32>
    })mlir";
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &context);
  EXPECT_FALSE(module);
  EXPECT_EQ(message, "'tern.linear' op weight rows (9) must equal the "
                     "input's last dimension (8)");
}

TEST_F(TernOpsTest, PrecisionRoundTripsThroughItsKeyword) {
  EXPECT_EQ(tern::stringifyPrecision(tern::Precision::integer), "int");
  EXPECT_EQ(tern::symbolizePrecision("bf16"), tern::Precision::bf16);
  EXPECT_FALSE(tern::symbolizePrecision("int4").has_value());
}

} // namespace
