//===- AccelMemorySpaceTest.cpp - memory-space helpers of accel ----------===//

#include "tern/Dialect/Accel/IR/AccelDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace tern::accel;

namespace {

class AccelMemorySpaceTest : public ::testing::Test {
protected:
  AccelMemorySpaceTest() { context.loadDialect<AccelDialect>(); }

  MemRefType memref(Attribute space) {
    return MemRefType::get({4, 4}, IntegerType::get(&context, 8),
                           MemRefLayoutAttrInterface(), space);
  }

  MLIRContext context;
};

TEST_F(AccelMemorySpaceTest, NoMemorySpaceMeansDram) {
  MemRefType t = memref(Attribute());
  EXPECT_EQ(getMemorySpace(t), MemorySpace::dram);
  EXPECT_TRUE(isInSpace(t, MemorySpace::dram));
  EXPECT_FALSE(isInScratchpad(t));
}

TEST_F(AccelMemorySpaceTest, ScratchpadSpacesAreDistinct) {
  MemRefType act = memref(MemorySpaceAttr::get(&context, MemorySpace::act));
  EXPECT_TRUE(isInSpace(act, MemorySpace::act));
  EXPECT_FALSE(isInSpace(act, MemorySpace::wgt));
  EXPECT_FALSE(isInSpace(act, MemorySpace::dram));
  EXPECT_TRUE(isInScratchpad(act));
}

TEST_F(AccelMemorySpaceTest, ForeignMemorySpaceIsNeitherDramNorScratchpad) {
  MemRefType t = memref(Builder(&context).getI64IntegerAttr(3));
  EXPECT_FALSE(isInSpace(t, MemorySpace::dram));
  EXPECT_FALSE(isInScratchpad(t));
}

TEST_F(AccelMemorySpaceTest, NonMemrefIsInNoSpace) {
  Type i8 = IntegerType::get(&context, 8);
  EXPECT_FALSE(isInSpace(i8, MemorySpace::dram));
  EXPECT_FALSE(isInScratchpad(i8));
}

} // namespace
