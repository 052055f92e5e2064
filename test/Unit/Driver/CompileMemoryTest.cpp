//===- CompileMemoryTest.cpp - compile-time and memory shortcuts ----------===//
//
// The shortcuts `tern compile` takes on large models must not change what
// it computes: the identity-layout strides and the tile views' subview
// types against MLIR's, the bf16
// rounding on bits against closed forms (round to nearest even), and the
// release of the lowered constants' f32 blobs (only when asked).
//
//===----------------------------------------------------------------------===//

#include "Conversion/TernToAccel/TileBuilder.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Driver/Compile.h"
#include "tern/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/bit.h"

#include "gtest/gtest.h"

#include <cstring>
#include <optional>

using namespace mlir;
using namespace tern;

namespace {

TEST(CompileMemory, IdentityStridesMatchMlir) {
  MLIRContext context;
  Type bf16 = BFloat16Type::get(&context);
  for (SmallVector<int64_t> shape :
       {SmallVector<int64_t>{7}, {1}, {3, 5}, {1, 5}, {5, 1}, {2, 1, 3},
        {1, 1, 1}, {197, 768}, {12, 197, 64}}) {
    auto type = MemRefType::get(shape, bf16);
    SmallVector<int64_t> ours, mlirs;
    int64_t ourOffset = -1, mlirOffset = -2;
    ASSERT_TRUE(succeeded(accel::stridesAndOffset(type, ours, ourOffset)));
    ASSERT_TRUE(succeeded(getStridesAndOffset(type, mlirs, mlirOffset)));
    EXPECT_EQ(ours, mlirs);
    EXPECT_EQ(ourOffset, mlirOffset);
  }
  // A strided layout is read as is.
  auto strided = MemRefType::get(
      {4, 8}, bf16, StridedLayoutAttr::get(&context, 100, {768, 1}));
  SmallVector<int64_t> strides;
  int64_t offset = 0;
  ASSERT_TRUE(succeeded(accel::stridesAndOffset(strided, strides, offset)));
  EXPECT_EQ(strides, (SmallVector<int64_t>{768, 1}));
  EXPECT_EQ(offset, 100);
}

TEST(CompileMemory, SubviewTypesMatchMlir) {
  MLIRContext context;
  context.loadDialect<accel::AccelDialect, memref::MemRefDialect>();
  Type bf16 = BFloat16Type::get(&context);
  Attribute act =
      accel::MemorySpaceAttr::get(&context, accel::MemorySpace::act);
  SmallVector<MemRefType> sources = {
      MemRefType::get({197, 768}, bf16),
      MemRefType::get({64, 128}, bf16, MemRefLayoutAttrInterface(), act),
      MemRefType::get({40, 96}, bf16,
                      StridedLayoutAttr::get(&context, 1000, {768, 1})),
      MemRefType::get({1, 1}, bf16)};
  struct View {
    SmallVector<int64_t> offsets, sizes, strides, result;
  };
  int checked = 0;
  for (MemRefType source : sources) {
    int64_t rows = source.getDimSize(0), cols = source.getDimSize(1);
    SmallVector<View> views = {
        {{0, 0}, {rows, cols}, {1, 1}, {rows, cols}},
        {{rows - 1, cols - 1}, {1, 1}, {1, 1}, {1, 1}},
        // A column (the transposed-weight gather), a row, a single element.
        {{0, cols - 1}, {rows, 1}, {1, 1}, {rows}},
        {{rows - 1, 0}, {1, cols}, {1, 1}, {cols}},
        {{rows - 1, cols - 1}, {1, 1}, {1, 1}, {1}}};
    if (rows >= 4 && cols >= 8)
      views.push_back(
          {{2, 3}, {rows / 2 - 1, cols / 4}, {2, 3}, {rows / 2 - 1, cols / 4}});
    for (const View &v : views) {
      Type mlirs = v.result.size() == v.sizes.size()
                       ? memref::SubViewOp::inferResultType(source, v.offsets,
                                                            v.sizes, v.strides)
                       : memref::SubViewOp::inferRankReducedResultType(
                             v.result, source, v.offsets, v.sizes, v.strides);
      EXPECT_EQ(
          Type(subviewType(source, v.offsets, v.sizes, v.strides, v.result)),
          mlirs)
          << "source " << checked;
      ++checked;
    }
  }
  // A rank-1 view (a bias slice).
  auto vector = MemRefType::get({3072}, bf16);
  EXPECT_EQ(Type(subviewType(vector, {768}, {768}, {1}, {768})),
            memref::SubViewOp::inferResultType(vector, {768}, {768}, {1}));
  EXPECT_EQ(checked, 23);
}

/// A linear layer whose 8x8 weight is a resource blob (as the ONNX importer
/// makes large initializers), compiled to a program.
class ConstantBlobs : public ::testing::Test {
protected:
  void SetUp() override {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    // Values whose bf16 rounding is known: ties to even both ways, a carry
    // into the exponent, overflow to infinity, a quiet NaN, a subnormal.
    weights.assign(64, 0.0f);
    uint32_t bits[] = {0x3F800000u, 0x3F808000u, 0x3F818000u, 0xC0200000u,
                       0x3F7FFFFFu, 0x7F7FFFFFu, 0x7FC00001u, 0x00012345u,
                       0x3F808001u, 0xBF808000u};
    for (size_t i = 0; i < std::size(bits); ++i)
      weights[i] = llvm::bit_cast<float>(bits[i]);
    for (size_t i = std::size(bits); i < weights.size(); ++i)
      weights[i] = 0.01f * static_cast<float>(i);
    std::string hex = "0x04000000"; // alignment 4, then the f32 bytes
    const auto *bytes = reinterpret_cast<const uint8_t *>(weights.data());
    for (size_t i = 0; i < weights.size() * 4; ++i) {
      static const char digits[] = "0123456789ABCDEF";
      hex += digits[bytes[i] >> 4];
      hex += digits[bytes[i] & 15];
    }
    std::string source =
        "func.func @f(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {\n"
        "  %w = \"tosa.const\"() <{value = dense_resource<w> : "
        "tensor<8x8xf32>}> : () -> tensor<8x8xf32>\n" +
        weightUse() + "  %y = tern.linear %x, " + weightName() +
        " : tensor<1x8xf32>, tensor<8x8xf32> -> "
        "tensor<1x8xf32>\n"
        "  return %y : tensor<1x8xf32>\n"
        "}\n"
        "{-#\n  dialect_resources: {\n    builtin: {\n      w: \"" +
        hex + "\"\n    }\n  }\n#-}\n";
    module = parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module);
    module->walk([&](tosa::ConstOp c) {
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(c.getValue()))
        handle = resource.getRawHandle();
    });
    ASSERT_TRUE(handle && handle->getBlob());
  }

  /// The IR between the weight constant %w and the linear, and the value
  /// the linear takes as its weight.
  virtual std::string weightUse() const { return ""; }
  virtual std::string weightName() const { return "%w"; }

  /// The bf16 bits of every weight, by round to nearest even, written out.
  static std::vector<uint16_t> expectedBf16() {
    return {0x3F80, 0x3F80, 0x3F82, 0xC020, 0x3F80,
            0x7F80, 0x7FC0, 0x0001, 0x3F81, 0xBF80};
  }

  std::vector<uint16_t> compiledWeight(bool release) {
    CompileOptions options;
    options.releaseConstantData = release;
    auto image = compileModule(*module, options, EmitKind::Program);
    EXPECT_TRUE(succeeded(image));
    if (failed(image) || image->weights.size() != 1)
      return {};
    uint64_t at = image->weights[0].dramOffset;
    for (const auto &seg : image->constants)
      if (seg.dramOffset == at && seg.data.size() == 128) {
        std::vector<uint16_t> out(64);
        std::memcpy(out.data(), seg.data.data(), 128);
        return out;
      }
    ADD_FAILURE() << "no 128-byte constant segment at the weight's address";
    return {};
  }

  MLIRContext context;
  std::vector<float> weights;
  OwningOpRef<ModuleOp> module;
  std::optional<DenseResourceElementsHandle> handle;
};

TEST_F(ConstantBlobs, RoundsToNearestEvenAndKeepsTheBlobByDefault) {
  std::vector<uint16_t> got = compiledWeight(/*release=*/false);
  ASSERT_EQ(got.size(), 64u);
  std::vector<uint16_t> expected = expectedBf16();
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(got[i], expected[i]) << "weight " << i;
  ASSERT_TRUE(handle && handle->getBlob());
  EXPECT_EQ(handle->getBlob()->getData().size(), 64u * 4);
}

TEST_F(ConstantBlobs, ReleasesTheLoweredBlobWhenAsked) {
  std::vector<uint16_t> got = compiledWeight(/*release=*/true);
  ASSERT_EQ(got.size(), 64u);
  std::vector<uint16_t> expected = expectedBf16();
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(got[i], expected[i]) << "weight " << i;
  ASSERT_TRUE(handle && handle->getBlob());
  EXPECT_EQ(handle->getBlob()->getData().size(), 0u);
}

/// The bf16 copy of a released weight is a blob too (not a dense attribute,
/// which would stay in the context until it is destroyed): the program image
/// takes the data, and releaseFunctionBodies frees the blob and the global.
TEST_F(ConstantBlobs, TheBf16CopyIsABlobThatReleaseFunctionBodiesFrees) {
  std::vector<uint16_t> got = compiledWeight(/*release=*/true);
  ASSERT_EQ(got.size(), 64u);
  EXPECT_EQ(got[2], 0x3F82);
  unsigned blobs = 0;
  module->walk([&](memref::GlobalOp global) {
    if (auto init = dyn_cast_or_null<DenseResourceElementsAttr>(
            global.getInitialValueAttr())) {
      ++blobs;
      ASSERT_TRUE(init.getRawHandle().getBlob());
      EXPECT_EQ(init.getRawHandle().getBlob()->getData().size(), 128u);
    }
  });
  EXPECT_EQ(blobs, 1u);
  DialectResourceBlobManager::BlobEntry *bf16 =
      DenseResourceElementsHandle::getManagerInterface(&context)
          .getBlobManager()
          .lookup("tern_bf16");
  ASSERT_TRUE(bf16 && bf16->getBlob());
  releaseFunctionBodies(*module);
  EXPECT_EQ(bf16->getBlob()->getData().size(), 0u);
  EXPECT_TRUE(module->getOps<memref::GlobalOp>().empty());
}

/// One weight read by two linears (tied weights): freed as soon as it is
/// lowered, which both still read through the bf16 global.
class SharedConstantBlobs : public ConstantBlobs {
protected:
  std::string weightUse() const override {
    return "  %h = tern.linear %x, %w : tensor<1x8xf32>, tensor<8x8xf32> -> "
           "tensor<1x8xf32>\n";
  }
  std::string weightName() const override { return "%w"; }
};

TEST_F(SharedConstantBlobs, ATiedWeightIsFreedAndReadByBothLinears) {
  CompileOptions options;
  options.releaseConstantData = false;
  OwningOpRef<ModuleOp> copy = module->clone();
  auto kept = compileModule(*copy, options, EmitKind::Program);
  ASSERT_TRUE(succeeded(kept));
  options.releaseConstantData = true;
  auto released = compileModule(*module, options, EmitKind::Program);
  ASSERT_TRUE(succeeded(released));
  ASSERT_EQ(kept->code.size(), released->code.size());
  for (size_t i = 0; i < kept->code.size(); ++i)
    EXPECT_TRUE(kept->code[i].lo == released->code[i].lo &&
                kept->code[i].hi == released->code[i].hi)
        << "instruction " << i;
  ASSERT_EQ(kept->constants.size(), released->constants.size());
  for (size_t i = 0; i < kept->constants.size(); ++i)
    EXPECT_EQ(kept->constants[i].data, released->constants[i].data);
  ASSERT_TRUE(handle && handle->getBlob());
  EXPECT_EQ(handle->getBlob()->getData().size(), 0u);
}

/// The weight transposed by a tosa.transpose, which the conversion folds
/// into a new constant before lowering it: the ONNX initializer is then not
/// lowered itself, but `tern compile` frees it too, and the transposed copy.
class TransposedConstantBlobs : public ConstantBlobs {
protected:
  std::string weightUse() const override {
    return "  %p = \"tosa.const\"() <{value = dense<[1, 0]> : "
           "tensor<2xi32>}> : () -> tensor<2xi32>\n"
           "  %u = tosa.transpose %w, %p : (tensor<8x8xf32>, tensor<2xi32>) "
           "-> tensor<8x8xf32>\n";
  }
  std::string weightName() const override { return "%u"; }

  /// The blob of the folded transpose, if the conversion made one.
  DialectResourceBlobManager::BlobEntry *transposedBlob() {
    return DenseResourceElementsHandle::getManagerInterface(&context)
        .getBlobManager()
        .lookup("__tern_transposed");
  }

  void expectTransposedWeights(const std::vector<uint16_t> &got) {
    ASSERT_EQ(got.size(), 64u);
    // Weight i (row i / 8, column i % 8) lands at column i / 8 of row i % 8.
    std::vector<uint16_t> expected = expectedBf16();
    for (size_t i = 0; i < expected.size(); ++i)
      EXPECT_EQ(got[(i % 8) * 8 + i / 8], expected[i]) << "weight " << i;
  }
};

TEST_F(TransposedConstantBlobs, KeepsBothBlobsByDefault) {
  expectTransposedWeights(compiledWeight(/*release=*/false));
  ASSERT_TRUE(handle && handle->getBlob());
  EXPECT_EQ(handle->getBlob()->getData().size(), 64u * 4);
  DialectResourceBlobManager::BlobEntry *transposed = transposedBlob();
  ASSERT_TRUE(transposed && transposed->getBlob());
  EXPECT_EQ(transposed->getBlob()->getData().size(), 64u * 4);
}

TEST_F(TransposedConstantBlobs, ReleasesTheInitializerAndItsTransposeWhenAsked) {
  expectTransposedWeights(compiledWeight(/*release=*/true));
  ASSERT_TRUE(handle && handle->getBlob());
  EXPECT_EQ(handle->getBlob()->getData().size(), 0u);
  DialectResourceBlobManager::BlobEntry *transposed = transposedBlob();
  ASSERT_TRUE(transposed && transposed->getBlob());
  EXPECT_EQ(transposed->getBlob()->getData().size(), 0u);
}

} // namespace
