//===- KernelVectorsTest.cpp - I-BERT kernels vs the numpy reference --------===//
//
// Vectors come from scripts/gen_runtime_vectors.py, an independent Python
// implementation of SEEDS.md section 0 (exact integers).
//
//===----------------------------------------------------------------------===//

#include "VectorFile.h"

#include "runtime/sim/functional/kernels/IBert.h"

using namespace tern::rt::kernels;
using llvm::json::Object;

TEST(IBertVectors, IExp) {
  llvm::json::Value v = loadVectors("iexp");
  ASSERT_TRUE(v.getAsArray());
  for (const auto &c : *v.getAsArray()) {
    const Object &o = *c.getAsObject();
    IExpConsts k = iExpConstants(*o.getNumber("S"));
    ASSERT_EQ(k.x0, intField(o, "x0"));
    ASSERT_EQ(k.bI, intField(o, "b"));
    ASSERT_EQ(k.cI, intField(o, "c"));
    std::vector<int64_t> x = ints(o.get("x")), out = ints(o.get("out"));
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(sat32(iExp(x[i], k)), out[i]) << "x=" << x[i];
  }
}

TEST(IBertVectors, ISoftmax) {
  llvm::json::Value v = loadVectors("isoftmax");
  ASSERT_TRUE(v.getAsArray());
  for (const auto &c : *v.getAsArray()) {
    const Object &o = *c.getAsObject();
    IExpConsts k{intField(o, "x0"), intField(o, "b"), intField(o, "c")};
    unsigned sh = static_cast<unsigned>(intField(o, "shift"));
    const auto &rows = *o.getArray("rows");
    const auto &outs = *o.getArray("out");
    for (size_t r = 0; r < rows.size(); ++r) {
      std::vector<int64_t> in64 = ints(&rows[r]), exp = ints(&outs[r]);
      std::vector<int32_t> in(in64.begin(), in64.end()), out(in.size());
      iSoftmaxRow(in.data(), out.data(), in.size(), k, sh);
      for (size_t j = 0; j < in.size(); ++j)
        EXPECT_EQ(out[j], exp[j]) << "row " << r << " col " << j;
    }
  }
}

TEST(IBertVectors, IGelu) {
  llvm::json::Value v = loadVectors("igelu");
  ASSERT_TRUE(v.getAsArray());
  for (const auto &c : *v.getAsArray()) {
    const Object &o = *c.getAsObject();
    IGeluConsts k = iGeluConstants(*o.getNumber("S"));
    ASSERT_EQ(k.bI, intField(o, "b"));
    ASSERT_EQ(k.cI, intField(o, "c"));
    ASSERT_EQ(k.oneI, intField(o, "one"));
    std::vector<int64_t> x = ints(o.get("x")), out = ints(o.get("out"));
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(sat32(iGelu(x[i], k)), out[i]) << "x=" << x[i];
  }
}

TEST(IBertVectors, ISqrt) {
  llvm::json::Value v = loadVectors("isqrt");
  ASSERT_TRUE(v.getAsObject());
  std::vector<int64_t> x = ints(v.getAsObject()->get("x")),
                       out = ints(v.getAsObject()->get("out"));
  ASSERT_FALSE(x.empty());
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(static_cast<int64_t>(iSqrt(static_cast<uint64_t>(x[i]))), out[i])
        << x[i];
}

TEST(IBertVectors, ILayerNorm) {
  llvm::json::Value v = loadVectors("ilayernorm");
  ASSERT_TRUE(v.getAsArray());
  for (const auto &c : *v.getAsArray()) {
    const Object &o = *c.getAsObject();
    unsigned k = static_cast<unsigned>(intField(o, "k"));
    const auto &rows = *o.getArray("rows");
    const auto &outs = *o.getArray("out");
    for (size_t r = 0; r < rows.size(); ++r) {
      std::vector<int64_t> in64 = ints(&rows[r]), exp = ints(&outs[r]);
      std::vector<int32_t> in(in64.begin(), in64.end()), out(in.size());
      iLayerNormRow(in.data(), out.data(), in.size(), k);
      for (size_t j = 0; j < in.size(); ++j)
        EXPECT_EQ(out[j], exp[j]) << "k=" << k << " row " << r << " col " << j;
    }
  }
}
