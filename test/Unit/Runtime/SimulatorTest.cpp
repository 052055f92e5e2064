//===- SimulatorTest.cpp - Every instruction on the functional model --------===//
//
// Small programs assembled from text. Expected values are computed by hand
// or by separate loops here; the SFU/requant kernels they call are checked
// against the numpy vectors in KernelVectorsTest/RequantTest.
//
//===----------------------------------------------------------------------===//

#include "runtime/asm/Assembler.h"
#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/functional/kernels/BF16.h"
#include "runtime/sim/functional/kernels/IBert.h"
#include "runtime/sim/functional/kernels/Requant.h"
#include "runtime/targets/Preset.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

using namespace tern::rt;
using namespace tern::rt::sim;
using namespace tern::rt::kernels;

namespace {
struct Result {
  std::unique_ptr<Machine> M;
  std::string error; // empty on success
};

Result runAsm(const std::string &src,
              const std::function<void(Machine &)> &init = {},
              bool simd = true, unsigned threads = 1, uint64_t maxInsns = 0) {
  Result r;
  auto img = assembler::assemble(".dram 65536\n" + src, "sim.s");
  if (!img) {
    r.error = "asm: " + llvm::toString(img.takeError());
    return r;
  }
  auto preset = targets::parsePreset(img->targetJson, img->targetName);
  if (!preset) {
    r.error = llvm::toString(preset.takeError());
    return r;
  }
  MachineConfig mc;
  mc.spadBytes = {preset->actBytes, preset->wgtBytes, preset->accBytes,
                  preset->vecBytes};
  mc.dramBytes = img->dramSize;
  mc.threads = threads;
  mc.useSimd = simd;
  r.M = std::make_unique<Machine>(mc);
  r.M->bfMode = preset->bf16Mode;
  for (const auto &s : img->constants)
    program::unpackValues(s.data, s.bits, s.count,
                          r.M->dramBytes().data() + s.dramOffset);
  if (init)
    init(*r.M);
  auto code = decodeProgram(img->code);
  if (!code) {
    r.error = llvm::toString(code.takeError());
    return r;
  }
  RunOptions o;
  o.maxInstructions = maxInsns;
  if (llvm::Error e = run(*r.M, *code, o))
    r.error = llvm::toString(std::move(e));
  return r;
}

template <typename T> T get(Machine &M, isa::Spad s, size_t byte, size_t i) {
  T v;
  std::memcpy(&v, M.rawSpad(s).data() + byte + i * sizeof(T), sizeof(T));
  return v;
}
template <typename T> void put(Machine &M, isa::Spad s, size_t byte, size_t i,
                               T v) {
  std::memcpy(M.rawSpad(s).data() + byte + i * sizeof(T), &v, sizeof(T));
}
constexpr isa::Spad Act = isa::Spad::Act, Wgt = isa::Spad::Wgt,
                    Acc = isa::Spad::Acc, Vec = isa::Spad::Vec;
} // namespace

TEST(Sim, ConfigRegisters) {
  Result r = runAsm("cfg.mode mode=tataa\ncfg.requant rd=7, mult=-2, "
                    "shift=63, zp=-128\ncfg.const rd=5, bits=0x3f80\n"
                    "cfg.len rd=3, value=4095\ncfg.ireg rd=15, value=-7\nend\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.M->bfMode, BfMode::Tataa);
  EXPECT_EQ(r.M->rq[7].mult, 0xFFFFFFFEu);
  EXPECT_EQ(r.M->rq[7].shift, 63u);
  EXPECT_EQ(r.M->rq[7].zp, -128);
  EXPECT_EQ(r.M->cregs[5], 0x3F80);
  EXPECT_EQ(r.M->lens[3], 4095u);
  EXPECT_EQ(r.M->pregs[15], -7);
}

TEST(Sim, LoadStoreStrided) {
  Result r = runAsm(
      ".const 0x100, i8, 1, 2, 3, 9, 4, 5, 6, 9, 7, 8, 9, 9\n"
      "load spad=vec, saddr=32, dram=0x100, rows=3, cols=3, stride=4\n"
      "push from=load, to=compute\npop from=load, to=compute\n"
      "push from=compute, to=store\npop from=compute, to=store\n"
      "store spad=vec, saddr=32, dram=0x200, rows=3, cols=3, stride=5\nend\n");
  ASSERT_EQ(r.error, "");
  const uint8_t *d = r.M->dramBytes().data();
  uint8_t want[] = {1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 7, 8, 9};
  EXPECT_EQ(0, std::memcmp(d + 0x200, want, sizeof(want)));
  EXPECT_EQ(get<uint8_t>(*r.M, Vec, 32, 4), 5);
}

TEST(Sim, LoadGatherNegativeIndicesCountFromTheEnd) {
  // A 7-row table of 4-byte rows at DRAM 0x400, byte c of row r = 16r + c + 1.
  // ONNX Gather's rule: index j < 0 reads row j + 7. Indices
  // -1 -7 0 6 -4 3 -> rows 6 0 0 6 3 3.
  constexpr int kRows = 7, kCols = 4;
  auto table = [](Machine &M) {
    for (int r = 0; r < kRows; ++r)
      for (int c = 0; c < kCols; ++c)
        M.dramBytes().data()[0x400 + r * kCols + c] =
            static_cast<uint8_t>(16 * r + c + 1);
  };
  const char *gather =
      "load.gather spad=act, saddr=64, dram=0x400, idx=0, rows=6, cols=4, "
      "n=7\nend\n";
  const int32_t ids[6] = {-1, -7, 0, 6, -4, 3};
  Result r = runAsm(gather, [&](Machine &M) {
    table(M);
    for (int i = 0; i < 6; ++i)
      put<int32_t>(M, Vec, 0, i, ids[i]);
  });
  ASSERT_EQ(r.error, "");
  for (int i = 0; i < 6; ++i) {
    int row = ids[i] < 0 ? ids[i] + kRows : ids[i];
    for (int c = 0; c < kCols; ++c)
      EXPECT_EQ(r.M->rawSpad(Act)[64 + i * kCols + c], 16 * row + c + 1)
          << "index " << ids[i] << " byte " << c;
  }
  // Outside [-7, 7) at either end: an error naming the index as stored.
  for (int32_t badIdx : {-8, 7, std::numeric_limits<int32_t>::min()}) {
    Result bad = runAsm(gather, [&](Machine &M) {
      table(M);
      for (int i = 0; i < 6; ++i)
        put<int32_t>(M, Vec, 0, i, i == 4 ? badIdx : 0);
    });
    EXPECT_NE(bad.error.find("gather index " + std::to_string(badIdx) +
                             " at position 4 is outside the 7 table rows"),
              std::string::npos)
        << bad.error;
  }
}

namespace {
/// Runs gemm on random operands written straight into the scratchpads.
void gemmCase(unsigned M_, unsigned K, unsigned N, const std::string &extra,
              unsigned bits, bool i16, bool simd, unsigned threads,
              const std::vector<uint8_t> &bitmap = {}) {
  std::mt19937 rng(M_ * 131 + K * 7 + N);
  std::vector<int8_t> A(M_ * K), W(K * N);
  for (auto &a : A)
    a = static_cast<int8_t>(rng());
  for (auto &w : W)
    w = static_cast<int8_t>(rng());
  std::vector<int32_t> init(M_ * N);
  for (auto &c : init)
    c = static_cast<int32_t>(rng() % 100000) - 50000;
  std::string src = "gemm dst=64, a=0, w=0, m=" + std::to_string(M_) +
                    ", k=" + std::to_string(K) + ", n=" + std::to_string(N) +
                    extra + "\nend\n";
  Result r = runAsm(
      src,
      [&](Machine &M) {
        std::memcpy(M.rawSpad(Act).data(), A.data(), A.size());
        std::memcpy(M.rawSpad(Wgt).data(), W.data(), W.size());
        for (size_t e = 0; e < init.size(); ++e) {
          if (i16)
            put<int16_t>(M, Acc, 64, e, static_cast<int16_t>(init[e]));
          else
            put<int32_t>(M, Acc, 64, e, init[e]);
        }
        if (!bitmap.empty())
          std::memcpy(M.rawSpad(Vec).data() + 100, bitmap.data(),
                      bitmap.size());
      },
      simd, threads);
  ASSERT_EQ(r.error, "") << src;
  bool acc = extra.find("acc=1") != std::string::npos;
  auto sext = [&](int8_t v) {
    return static_cast<int64_t>(isa::signExtend(static_cast<uint8_t>(v), bits));
  };
  for (unsigned i = 0; i < M_; ++i)
    for (unsigned j = 0; j < N; ++j) {
      int64_t s = 0;
      for (unsigned k = 0; k < K; ++k) {
        if (!bitmap.empty() && !((bitmap[k / 8] >> (k % 8)) & 1))
          continue;
        s += sext(A[i * K + k]) * sext(W[k * N + j]);
      }
      if (i16) {
        int16_t want = static_cast<int16_t>(
            (acc ? static_cast<int16_t>(init[i * N + j]) : 0) + s);
        ASSERT_EQ(get<int16_t>(*r.M, Acc, 64, i * N + j), want) << i << "," << j;
      } else {
        int32_t want = static_cast<int32_t>(
            static_cast<uint32_t>(acc ? init[i * N + j] : 0) +
            static_cast<uint32_t>(s));
        ASSERT_EQ(get<int32_t>(*r.M, Acc, 64, i * N + j), want) << i << "," << j;
      }
    }
}
} // namespace

TEST(Sim, GemmInt8AllPathsAgree) {
  for (bool simd : {false, true})
    for (unsigned t : {1u, 2u}) {
      gemmCase(7, 33, 20, "", 8, false, simd, t);
      gemmCase(4, 16, 8, ", acc=1", 8, false, simd, t);
    }
}

TEST(Sim, GemmLargeTileUsesThreads) {
  // 64 x 256 x 96 = 1.5M MACs: above the threading threshold.
  gemmCase(64, 256, 96, "", 8, false, true, 2);
  gemmCase(64, 256, 96, ", acc=1", 8, false, false, 2);
}

TEST(Sim, GemmNarrowOperandsAndInt16Lanes) {
  gemmCase(5, 12, 9, ", width=w4", 4, false, true, 1);
  gemmCase(5, 12, 9, ", width=w6, acc=1", 6, false, true, 1);
  // int16 lanes: K = 64 products of up to 2^14 overflow and must wrap.
  gemmCase(3, 64, 5, ", accmode=i16, acc=1", 8, true, true, 1);
}

TEST(Sim, GemmCountsInt16Wraps) {
  // A = [127 x 4], W = [[127, 1] x 4]: the products sum to 64516 and 508.
  // Lane 0 starts at -32000 (exact 32516: fits), lane 1 at 32700 (exact
  // 33208: wraps to 33208 - 65536 = -32328).
  Result r = runAsm("gemm dst=0, a=0, w=0, m=1, k=4, n=2, acc=1, "
                    "accmode=i16\nend\n",
                    [](Machine &M) {
                      for (size_t k = 0; k < 4; ++k) {
                        put<int8_t>(M, Act, 0, k, 127);
                        put<int8_t>(M, Wgt, 0, 2 * k, 127);
                        put<int8_t>(M, Wgt, 0, 2 * k + 1, 1);
                      }
                      put<int16_t>(M, Acc, 0, 0, -32000);
                      put<int16_t>(M, Acc, 0, 1, 32700);
                    });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(get<int16_t>(*r.M, Acc, 0, 0), 32516);
  EXPECT_EQ(get<int16_t>(*r.M, Acc, 0, 1), -32328);
  EXPECT_EQ(r.M->stats.int16AccLanes, 2u);
  EXPECT_EQ(r.M->stats.int16Wraps, 1u);
}

TEST(Sim, GemmBitmapSkipsRows) {
  std::vector<uint8_t> bm = {0b10110010, 0b00000001, 0b11111111};
  gemmCase(6, 20, 7, ", bmap=1, baddr=100", 8, false, true, 1, bm);
  Result r = runAsm("gemm dst=0, a=0, w=0, m=2, k=16, n=4, bmap=1, baddr=0\n"
                    "end\n",
                    [](Machine &M) { M.rawSpad(Vec)[0] = 0x0F; });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.M->stats.skippedKRows, 12u);
  EXPECT_EQ(r.M->stats.macs, 2u * 4 * 4);
}

// vnzmap: the non-zero column map of an int8 tile, checked bit by bit
// against a reference, with and without a threshold; as a gemm bitmap it
// gives the dense product exactly (threshold 0) and skips the zero rows.
TEST(Sim, VnzmapMatchesReferenceAndMakesBitmapGemmExact) {
  std::mt19937 rng(7);
  const unsigned m = 5, k = 21, n = 6;
  std::vector<int8_t> a(m * k), w(k * n);
  for (unsigned c = 0; c < k; ++c) {
    // A third of the columns zero, a third small (|x| <= 2), the rest wide.
    for (unsigned r = 0; r < m; ++r) {
      int v = 0;
      if (c % 3 == 1)
        v = static_cast<int>(rng() % 5) - 2;
      else if (c % 3 == 2)
        v = static_cast<int>(rng() % 255) - 127;
      a[r * k + c] = static_cast<int8_t>(v);
    }
  }
  a[4 * k + 0] = -128; // |-128| > any threshold: column 0 becomes live
  for (auto &x : w)
    x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  auto init = [&](Machine &M) {
    std::memcpy(M.rawSpad(Act).data(), a.data(), a.size());
    std::memcpy(M.rawSpad(Wgt).data(), w.data(), w.size());
    std::memset(M.rawSpad(Vec).data(), 0xFF, 16); // stale bits are cleared
  };
  for (unsigned thr : {0u, 2u}) {
    Result r = runAsm(
        "vnzmap dst=0, asp=act, a=0, rows=5, cols=21, thr=" +
            std::to_string(thr) +
            "\n"
            "gemm dst=0, a=0, w=0, m=5, k=21, n=6\n"
            "gemm dst=512, a=0, w=0, m=5, k=21, n=6, bmap=1, baddr=0\n"
            "end\n",
        init);
    ASSERT_EQ(r.error, "");
    unsigned live = 0;
    for (unsigned c = 0; c < 24; ++c) {
      bool expect = false;
      for (unsigned row = 0; row < m && c < k; ++row)
        expect |= std::abs(int(a[row * k + c])) > int(thr);
      live += expect;
      bool bit = (r.M->rawSpad(Vec)[c / 8] >> (c % 8)) & 1;
      EXPECT_EQ(bit, expect) << "column " << c << ", thr " << thr;
    }
    EXPECT_EQ(r.M->stats.skippedKRows, k - live);
    EXPECT_EQ(r.M->stats.bitmapWeightBytes, uint64_t(k) * n);
    EXPECT_EQ(r.M->stats.skippedWeightBytes, uint64_t(k - live) * n);
    if (thr == 0) {
      EXPECT_LT(live, k);
      for (unsigned e = 0; e < m * n; ++e)
        EXPECT_EQ(get<int32_t>(*r.M, Acc, 0, e), get<int32_t>(*r.M, Acc, 512, e))
            << "element " << e;
    }
  }
  // A run-time row count: only the first L0 rows count.
  Result r = runAsm("cfg.len rd=0, value=1\n"
                    "vnzmap dst=0, asp=act, a=0, rows=5, cols=21, lensel=1\n"
                    "end\n",
                    init);
  ASSERT_EQ(r.error, "");
  for (unsigned c = 0; c < k; ++c)
    EXPECT_EQ((r.M->rawSpad(Vec)[c / 8] >> (c % 8)) & 1, a[c] != 0 ? 1 : 0);
  // The map must fit the vector scratchpad.
  Result bad = runAsm(".target tern-edge\n"
                      "vnzmap dst=65535, asp=act, a=0, rows=1, cols=16\n"
                      "end\n");
  EXPECT_NE(bad.error.find("scratchpad overflow"), std::string::npos)
      << bad.error;
}

TEST(Sim, GemmRandomizedAllModes) {
  // Every operand width, both accumulator modes, with and without
  // accumulation and a K-row bitmap, on the SIMD and the scalar kernel, on
  // shapes that hit the SIMD kernel's partial blocks; gemmCase checks each
  // against a naive int64 reference. The last shape is above the
  // threading threshold.
  std::mt19937 rng(11);
  const char *widths[] = {"", ", width=w6", ", width=w4"};
  const unsigned bits[] = {8, 6, 4};
  for (int iter = 0; iter < 24; ++iter) {
    const bool big = iter == 23;
    const unsigned M = big ? 37 : 1 + rng() % 9;
    const unsigned K = big ? 301 : 1 + rng() % 300;
    const unsigned N = big ? 97 : 1 + rng() % 60;
    const unsigned w = rng() % 3;
    const bool i16 = rng() % 2, acc = rng() % 2, bmap = rng() % 2 && !big;
    std::string extra = widths[w];
    if (i16)
      extra += ", accmode=i16";
    if (acc)
      extra += ", acc=1";
    std::vector<uint8_t> bm;
    if (bmap) {
      extra += ", bmap=1, baddr=100";
      bm.resize((K + 7) / 8);
      for (auto &b : bm)
        b = static_cast<uint8_t>(rng());
    }
    for (bool simd : {true, false}) {
      SCOPED_TRACE(std::to_string(M) + "x" + std::to_string(K) + "x" +
                   std::to_string(N) + extra + (simd ? " simd" : " scalar"));
      gemmCase(M, K, N, extra, bits[w], i16, simd, big ? 2 : 1, bm);
    }
  }
}

TEST(Sim, GemmRuntimeLength) {
  Result r = runAsm("cfg.len rd=1, value=2\n"
                    "gemm dst=0, a=0, w=0, m=8, k=2, n=1, lensel=2\nend\n",
                    [](Machine &M) {
                      for (int i = 0; i < 16; ++i)
                        M.rawSpad(Act)[i] = 1;
                      M.rawSpad(Wgt)[0] = 3;
                      M.rawSpad(Wgt)[1] = 4;
                      for (int e = 0; e < 8; ++e)
                        put<int32_t>(M, Acc, 0, e, -1);
                    });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(get<int32_t>(*r.M, Acc, 0, 0), 7);
  EXPECT_EQ(get<int32_t>(*r.M, Acc, 0, 1), 7);
  EXPECT_EQ(get<int32_t>(*r.M, Acc, 0, 2), -1) << "row 2 is beyond L1 = 2";
  EXPECT_EQ(r.M->stats.macs, 4u);
}

TEST(Sim, GemmBf16) {
  // [1.5, 2] x [[2], [0.25]] = 3 + 0.5 = 3.5; accumulate onto 1.0 -> 4.5.
  Result r = runAsm("gemm.bf16 dst=0, a=0, w=0, m=1, k=2, n=1, acc=1\nend\n",
                    [](Machine &M) {
                      put<uint16_t>(M, Act, 0, 0, 0x3FC0);
                      put<uint16_t>(M, Act, 0, 1, 0x4000);
                      put<uint16_t>(M, Wgt, 0, 0, 0x4000);
                      put<uint16_t>(M, Wgt, 0, 1, 0x3E80);
                      put<float>(M, Acc, 0, 0, 1.0f);
                    });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(get<float>(*r.M, Acc, 0, 0), 4.5f);
}

TEST(Sim, VectorInt32WrapsAndBf16UsesMode) {
  auto init = [](Machine &M) {
    put<int32_t>(M, Vec, 0, 0, INT32_MAX);
    put<int32_t>(M, Vec, 0, 1, -5);
    put<int32_t>(M, Vec, 8, 0, 1);
    put<int32_t>(M, Vec, 8, 1, 3);
  };
  Result r = runAsm(
      "vadd dsp=vec, dst=16, asp=vec, a=0, bsp=vec, b=8, rows=1, cols=2\n"
      "vsub dsp=vec, dst=24, asp=vec, a=0, bsp=vec, b=8, rows=1, cols=2\n"
      "vmul dsp=vec, dst=32, asp=vec, a=0, bsp=vec, b=8, rows=1, cols=2\n"
      "vmax dsp=vec, dst=40, asp=vec, a=0, bsp=vec, b=8, rows=1, cols=2\n"
      "vrsum dsp=vec, dst=48, asp=vec, a=0, rows=1, cols=2\n"
      "vrmax dsp=vec, dst=52, asp=vec, a=0, rows=1, cols=2\nend\n",
      init);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 16, 0), INT32_MIN);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 16, 1), -2);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 24, 1), -8);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 32, 1), -15);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 40, 0), INT32_MAX);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 40, 1), 3);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 48, 0), INT32_MAX - 5);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 52, 0), INT32_MAX);

  // bf16: 1 + 2^-8 with a constant operand: ieee ties to even, tataa flushes;
  // 1 + 2^-7 is exact in both.
  for (const char *mode : {"ieee", "tataa"}) {
    Result b = runAsm(std::string("cfg.mode mode=") + mode +
                          "\ncfg.const rd=2, bits=0x3b80\n"
                          "vadd dsp=vec, dst=8, asp=vec, a=0, rows=1, cols=2, "
                          "ty=bf16, bconst=1, creg=2\n"
                          "vrsum dsp=vec, dst=16, asp=vec, a=0, rows=1, "
                          "cols=2, ty=bf16\n"
                          "vmul dsp=vec, dst=20, asp=vec, a=0, bsp=vec, b=0, "
                          "rows=1, cols=2, ty=bf16\nend\n",
                      [](Machine &M) {
                        put<uint16_t>(M, Vec, 0, 0, 0x3F81);
                        put<uint16_t>(M, Vec, 0, 1, 0x3FC1);
                      });
    ASSERT_EQ(b.error, "");
    bool ieee = std::string(mode) == "ieee";
    EXPECT_EQ(get<uint16_t>(*b.M, Vec, 8, 0), ieee ? 0x3F82 : 0x3F81) << mode;
    // 1.0078125 + 1.5078125 = 2.515625 = 1.2578125 * 2 exactly (0x4021).
    EXPECT_EQ(get<uint16_t>(*b.M, Vec, 16, 0), 0x4021) << mode;
    EXPECT_EQ(get<uint16_t>(*b.M, Vec, 20, 1), ieee ? 0x4012 : 0x4011) << mode;
  }
}

namespace {
/// Round-to-nearest-even of a double to bf16 bits (finite, normal range):
/// the closed form the ieee vector unit must match. The sum, difference and
/// product of two bf16 values are exact in double, so rounding once here is
/// the correctly rounded result.
uint16_t rneBf16(double v) {
  float f = static_cast<float>(v); // exact for the operands used below
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint32_t lsb = (bits >> 16) & 1;
  return static_cast<uint16_t>((bits + 0x7FFF + lsb) >> 16);
}
double bf16Value(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
} // namespace

// vadd / vsub / vmul / vmax with bmode = elem, row and col: b[r][c], b[c] and
// b[r] against a[r][c], on bf16 (ieee) and int32, compared with the closed
// forms computed here element by element. Operands have at most 8
// significant bits and nearby exponents, so every double result is exact
// and rounds once.
TEST(Sim, VectorBroadcastModes) {
  constexpr unsigned R = 3, C = 5;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> mant(-255, 255), ex(-3, 3);
  std::vector<uint16_t> a(R * C), b(R * C);
  for (auto *v : {&a, &b})
    for (auto &x : *v)
      x = rneBf16(std::ldexp(mant(rng), ex(rng)) / 128.0);
  std::vector<int32_t> ia(R * C), ib(R * C);
  for (unsigned e = 0; e < R * C; ++e) {
    ia[e] = static_cast<int32_t>(rng());
    ib[e] = static_cast<int32_t>(rng());
  }
  const char *ops[] = {"vadd", "vsub", "vmul", "vmax"};
  const char *modes[] = {"elem", "row", "col"};
  for (unsigned o = 0; o < 4; ++o)
    for (unsigned m = 0; m < 3; ++m) {
      std::string rc = ", rows=" + std::to_string(R) +
                       ", cols=" + std::to_string(C) + ", ";
      std::string src =
          std::string("cfg.mode mode=ieee\n") + ops[o] +
          " dsp=vec, dst=256, asp=vec, a=0, bsp=act, b=0" + rc +
          "ty=bf16, bmode=" + modes[m] + "\n" + ops[o] +
          " dsp=vec, dst=512, asp=vec, a=64, bsp=act, b=64" + rc +
          "ty=i32, bmode=" + modes[m] + "\nend\n";
      Result r = runAsm(src, [&](Machine &M) {
        for (unsigned e = 0; e < R * C; ++e) {
          put<uint16_t>(M, Vec, 0, e, a[e]);
          put<uint16_t>(M, Act, 0, e, b[e]);
          put<int32_t>(M, Vec, 64, e, ia[e]);
          put<int32_t>(M, Act, 64, e, ib[e]);
        }
      });
      ASSERT_EQ(r.error, "") << ops[o] << " " << modes[m];
      for (unsigned i = 0; i < R; ++i)
        for (unsigned j = 0; j < C; ++j) {
          unsigned e = i * C + j;
          unsigned be = m == 0 ? e : m == 1 ? j : i;
          double x = bf16Value(a[e]), y = bf16Value(b[be]);
          double want = o == 0 ? x + y : o == 1 ? x - y : o == 2 ? x * y
                                                          : std::max(x, y);
          EXPECT_EQ(get<uint16_t>(*r.M, Vec, 256, e), rneBf16(want))
              << ops[o] << " bmode=" << modes[m] << " at " << i << "," << j;
          uint32_t p = static_cast<uint32_t>(ia[e]),
                   q = static_cast<uint32_t>(ib[be]);
          int32_t iwant = static_cast<int32_t>(
              o == 0 ? p + q : o == 1 ? p - q : o == 2 ? p * q
                             : (ia[e] >= ib[be] ? p : q));
          EXPECT_EQ(get<int32_t>(*r.M, Vec, 512, e), iwant)
              << ops[o] << " i32 bmode=" << modes[m];
        }
    }
  // d may overlap a column operand: b is read whole first.
  Result r = runAsm("cfg.mode mode=ieee\nvadd dsp=act, dst=0, asp=vec, a=0, "
                    "bsp=act, b=0, rows=2, cols=2, ty=i32, bmode=col\nend\n",
                    [](Machine &M) {
                      for (int e = 0; e < 4; ++e)
                        put<int32_t>(M, Vec, 0, e, 10 * e);
                      put<int32_t>(M, Act, 0, 0, 1);
                      put<int32_t>(M, Act, 0, 1, 2);
                    });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(get<int32_t>(*r.M, Act, 0, 0), 1);
  EXPECT_EQ(get<int32_t>(*r.M, Act, 0, 1), 11);
  EXPECT_EQ(get<int32_t>(*r.M, Act, 0, 2), 22);
  EXPECT_EQ(get<int32_t>(*r.M, Act, 0, 3), 32);
  // bmode=3 and a broadcast of a constant register are errors.
  EXPECT_NE(runAsm("vadd dsp=vec, dst=0, asp=vec, a=0, rows=1, cols=1, "
                   "bmode=3\nend\n")
                .error.find("field 'bmode' = 3 is not elem, row or col"),
            std::string::npos);
  EXPECT_NE(runAsm("vmul dsp=vec, dst=0, asp=vec, a=0, rows=1, cols=1, "
                   "bconst=1, bmode=col\nend\n")
                .error.find("a constant operand (bconst=1) takes bmode=elem"),
            std::string::npos);
}

// rsfu.pow with an element-wise, a column and a constant exponent: the
// kernel's values (checked against C's pow in SfuFnTest) land per bmode.
TEST(Sim, RsfuPowBroadcastsTheExponent) {
  Result r = runAsm(
      "cfg.const rd=1, bits=0x4000\n" // 2.0
      "rsfu.pow dsp=vec, dst=64, asp=vec, a=0, bsp=act, b=0, rows=2, cols=2, "
      "ty=bf16\n"
      "rsfu.pow dsp=vec, dst=128, asp=vec, a=0, bsp=act, b=0, rows=2, "
      "cols=2, ty=bf16, bmode=col\n"
      "rsfu.pow dsp=vec, dst=192, asp=vec, a=0, rows=2, cols=2, ty=bf16, "
      "bconst=1, creg=1\nend\n",
      [](Machine &M) {
        const float a[] = {3.0f, -2.0f, 0.5f, 4.0f}, b[] = {6.0f, 3.0f, -1.0f,
                                                            0.5f};
        for (int e = 0; e < 4; ++e) {
          put<uint16_t>(M, Vec, 0, e, floatToBf(a[e]));
          put<uint16_t>(M, Act, 0, e, floatToBf(b[e]));
        }
      });
  ASSERT_EQ(r.error, "");
  auto at = [&](size_t byte, size_t i) {
    return bfToFloat(get<uint16_t>(*r.M, Vec, byte, i));
  };
  EXPECT_EQ(at(64, 0), 728.0f); // 729 rounded to 8 significant bits
  EXPECT_EQ(at(64, 1), -8.0f);
  EXPECT_EQ(at(64, 2), 2.0f);
  EXPECT_EQ(at(64, 3), 2.0f);
  // col: row 0 takes b[0] = 6, row 1 b[1] = 3.
  EXPECT_EQ(at(128, 1), 64.0f);
  EXPECT_EQ(at(128, 2), 0.125f);
  EXPECT_EQ(at(128, 3), 64.0f);
  EXPECT_EQ(at(192, 1), 4.0f);
  EXPECT_EQ(at(192, 2), 0.25f);
}

// rsfu.pow ty=i32 against the closed form: a^b as b repeated products in
// int64 reduced modulo 2^32 (int32's wrap), 0^0 = 1; negative exponents:
// 1 / a^|b| truncated (+-1 for a = +-1, else 0); a constant exponent from
// the register's raw bits; 0 to a negative power is an error.
TEST(Sim, RsfuPowInt32IsExact) {
  const int32_t as[] = {1, 2, 3, -3, 0, 0, 7, -1, -1, 1, 5, 2, 65536, -2, 46341, 10};
  const int32_t bs[] = {4, 5, 6, 5, 0, 3, 0, 3, 4, -3, -1, 31, 2, 31, 2, 9};
  constexpr int kN = 16;
  Result r = runAsm("cfg.const rd=3, bits=0x0003\n" // raw 3
                    "rsfu.pow dsp=vec, dst=256, asp=vec, a=0, bsp=act, b=0, "
                    "rows=2, cols=8, ty=i32\n"
                    "rsfu.pow dsp=vec, dst=512, asp=vec, a=0, rows=2, cols=8, "
                    "ty=i32, bconst=1, creg=3\nend\n",
                    [&](Machine &M) {
                      for (int e = 0; e < kN; ++e) {
                        put<int32_t>(M, Vec, 0, e, as[e]);
                        put<int32_t>(M, Act, 0, e, bs[e]);
                      }
                    });
  ASSERT_EQ(r.error, "");
  auto closed = [](int64_t a, int64_t b) -> int32_t {
    if (b < 0)
      return a == 1 ? 1 : a == -1 ? (b % 2 ? -1 : 1) : 0;
    uint64_t p = 1;
    for (int64_t i = 0; i < b; ++i)
      p = (p * static_cast<uint64_t>(a)) & 0xFFFFFFFFu;
    return static_cast<int32_t>(static_cast<uint32_t>(p));
  };
  for (int e = 0; e < kN; ++e) {
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 256, e), closed(as[e], bs[e]))
        << as[e] << " ^ " << bs[e];
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 512, e), closed(as[e], 3))
        << as[e] << " ^ 3";
  }
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 256, 2), 729);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 256, 11), INT32_MIN); // 2^31 wraps
  Result z = runAsm("rsfu.pow dsp=vec, dst=64, asp=vec, a=0, bsp=act, b=0, "
                    "rows=1, cols=1, ty=i32\nend\n",
                    [](Machine &M) {
                      put<int32_t>(M, Vec, 0, 0, 0);
                      put<int32_t>(M, Act, 0, 0, -2);
                    });
  EXPECT_NE(z.error.find("integer pow: 0 to the negative power -2 at element 0"),
            std::string::npos)
      << z.error;
}

// vcmp against the closed forms (IEEE comparisons of the bf16 values,
// signed ones of the i32 values): every cmp, element-wise, per column and
// against a constant register; the result is a bf16 1.0 / 0.0 whatever ty.
TEST(Sim, VcmpComparesToBf16Booleans) {
  const char *cmps[] = {"eq", "ne", "gt", "ge", "lt", "le"};
  auto closed = [](int c, double x, double y) {
    switch (c) {
    case 0:
      return x == y;
    case 1:
      return x != y;
    case 2:
      return x > y;
    case 3:
      return x >= y;
    case 4:
      return x < y;
    default:
      return x <= y;
    }
  };
  const float a[] = {1.0f, -2.0f, 0.0f, std::nanf(""), 3.5f, -0.0f};
  const float b[] = {1.0f, 2.0f, -0.0f, 1.0f, -3.5f, 7.0f};
  const int32_t ia[] = {5, -7, 0, INT32_MIN, 9, -1};
  const int32_t ib[] = {5, 7, 1, INT32_MAX, -9, -1};
  for (int c = 0; c < 6; ++c) {
    std::string prog =
        std::string("cfg.const rd=2, bits=0x3f80\n") + // 1.0
        "vcmp dsp=vec, dst=256, asp=vec, a=0, bsp=act, b=0, rows=2, cols=3, "
        "ty=bf16, cmp=" +
        cmps[c] + "\n" +
        "vcmp dsp=vec, dst=320, asp=vec, a=64, bsp=act, b=64, rows=2, "
        "cols=3, ty=i32, cmp=" +
        cmps[c] + "\n" +
        "vcmp dsp=vec, dst=384, asp=vec, a=0, bsp=act, b=0, rows=2, cols=3, "
        "ty=bf16, bmode=col, cmp=" +
        cmps[c] + "\n" +
        "vcmp dsp=vec, dst=448, asp=vec, a=0, rows=2, cols=3, ty=bf16, "
        "bconst=1, creg=2, cmp=" +
        cmps[c] + "\nend\n";
    Result r = runAsm(prog, [&](Machine &M) {
      for (int e = 0; e < 6; ++e) {
        put<uint16_t>(M, Vec, 0, e, floatToBf(a[e]));
        put<uint16_t>(M, Act, 0, e, floatToBf(b[e]));
        put<int32_t>(M, Vec, 64, e, ia[e]);
        put<int32_t>(M, Act, 64, e, ib[e]);
      }
    });
    ASSERT_EQ(r.error, "") << cmps[c];
    for (int e = 0; e < 6; ++e) {
      auto want = [](bool t) { return uint16_t(t ? 0x3F80 : 0); };
      EXPECT_EQ(get<uint16_t>(*r.M, Vec, 256, e), want(closed(c, a[e], b[e])))
          << cmps[c] << " bf16 at " << e;
      EXPECT_EQ(get<uint16_t>(*r.M, Vec, 320, e), want(closed(c, ia[e], ib[e])))
          << cmps[c] << " i32 at " << e;
      EXPECT_EQ(get<uint16_t>(*r.M, Vec, 384, e),
                want(closed(c, a[e], b[e / 3])))
          << cmps[c] << " col at " << e;
      EXPECT_EQ(get<uint16_t>(*r.M, Vec, 448, e), want(closed(c, a[e], 1.0)))
          << cmps[c] << " const at " << e;
    }
  }
  // In place over an i32 operand: d (2 bytes an element) is written behind
  // the reads.
  Result r = runAsm("vcmp dsp=vec, dst=0, asp=vec, a=0, bsp=act, b=0, "
                    "rows=1, cols=4, ty=i32, cmp=gt\nend\n",
                    [](Machine &M) {
                      const int32_t x[] = {3, 1, -4, 8}, y[] = {2, 2, -5, 8};
                      for (int e = 0; e < 4; ++e) {
                        put<int32_t>(M, Vec, 0, e, x[e]);
                        put<int32_t>(M, Act, 0, e, y[e]);
                      }
                    });
  ASSERT_EQ(r.error, "");
  const uint16_t inPlace[] = {0x3F80, 0, 0x3F80, 0};
  for (int e = 0; e < 4; ++e)
    EXPECT_EQ(get<uint16_t>(*r.M, Vec, 0, e), inPlace[e]) << e;
  EXPECT_NE(runAsm("vcmp dsp=vec, dst=0, asp=vec, a=0, rows=1, cols=1, "
                   "cmp=6\nend\n")
                .error.find("field 'cmp' = 6 is not eq, ne, gt, ge, lt or le"),
            std::string::npos);
}

// vsel copies a or b bit for bit (NaN payloads, -0, i32 extremes) by a
// bf16 condition that is true for anything but +-0.
TEST(Sim, VselPicksBitExactly) {
  const uint16_t cond[] = {0x3F80, 0x0000, 0x8000, 0x7FC1, 0x0001, 0xBF80};
  const uint16_t a[] = {0x7FC3, 0x1234, 0x4000, 0x8000, 0xFF80, 0x0101};
  const uint16_t b[] = {0x3F80, 0xC000, 0x7F80, 0x0000, 0x0002, 0x4321};
  const int32_t ia[] = {INT32_MIN, 1, 2, 3, 4, 5};
  const int32_t ib[] = {-1, INT32_MAX, -2, -3, -4, -5};
  Result r = runAsm(
      "vsel dsp=vec, dst=256, csp=act, c=0, asp=vec, a=0, bsp=wgt, b=0, "
      "rows=2, cols=3, ty=bf16\n"
      "vsel dsp=vec, dst=320, csp=act, c=0, asp=vec, a=64, bsp=wgt, b=64, "
      "rows=3, cols=2, ty=i32\nend\n",
      [&](Machine &M) {
        for (int e = 0; e < 6; ++e) {
          put<uint16_t>(M, Act, 0, e, cond[e]);
          put<uint16_t>(M, Vec, 0, e, a[e]);
          put<uint16_t>(M, Wgt, 0, e, b[e]);
          put<int32_t>(M, Vec, 64, e, ia[e]);
          put<int32_t>(M, Wgt, 64, e, ib[e]);
        }
      });
  ASSERT_EQ(r.error, "");
  for (int e = 0; e < 6; ++e) {
    bool pick = (cond[e] & 0x7FFF) != 0;
    EXPECT_EQ(get<uint16_t>(*r.M, Vec, 256, e), pick ? a[e] : b[e]) << e;
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 320, e), pick ? ia[e] : ib[e]) << e;
  }
}

// uint32 / uint64 tensors are 32-bit words: vmax uns, vcmp uns and
// cvt.i2b src=u32 read them as uint32, checked against C's unsigned
// arithmetic on words around 0, 2^31 and 2^32 - 1 (where the signed order
// differs), with a column operand; uns with ty=bf16 is an error.
TEST(Sim, UnsignedWordsOrderAndConvertAsUint32) {
  const uint32_t xs[] = {0u,          1u,          0x7FFFFFFFu, 0x80000000u,
                         0xFFFFFFFFu, 0xFFFFFFFEu, 3000000000u, 5u};
  const uint32_t ys[] = {0xFFFFFFFFu, 0u,          0x80000000u, 0x7FFFFFFFu,
                         1u,          0xFFFFFFFFu, 5u,          3000000000u};
  constexpr int kN = 8;
  Result r = runAsm(
      "vmax dsp=vec, dst=256, asp=vec, a=0, bsp=act, b=0, rows=2, cols=4, "
      "ty=i32, uns=1\n"
      "vcmp dsp=vec, dst=512, asp=vec, a=0, bsp=act, b=0, rows=2, cols=4, "
      "ty=i32, cmp=gt, uns=1\n"
      "vcmp dsp=vec, dst=576, asp=vec, a=0, bsp=act, b=0, rows=2, cols=4, "
      "ty=i32, cmp=gt\n"
      "vmax dsp=vec, dst=640, asp=vec, a=0, bsp=act, b=64, rows=2, cols=4, "
      "ty=i32, bmode=col, uns=1\n"
      "cfg.const rd=0, bits=0x3f80\n" // 1.0
      "cvt.i2b dsp=vec, dst=1024, asp=vec, a=0, rows=2, cols=4, src=u32, "
      "creg=0\nend\n",
      [&](Machine &M) {
        for (int e = 0; e < kN; ++e) {
          put<uint32_t>(M, Vec, 0, e, xs[e]);
          put<uint32_t>(M, Act, 0, e, ys[e]);
        }
        put<uint32_t>(M, Act, 64, 0, 0x80000000u); // column, row 0
        put<uint32_t>(M, Act, 64, 1, 2u);          // row 1
      });
  ASSERT_EQ(r.error, "");
  const uint32_t col[] = {0x80000000u, 2u};
  for (int e = 0; e < kN; ++e) {
    EXPECT_EQ(get<uint32_t>(*r.M, Vec, 256, e), std::max(xs[e], ys[e])) << e;
    EXPECT_EQ(get<uint16_t>(*r.M, Vec, 512, e), xs[e] > ys[e] ? 0x3F80 : 0)
        << e;
    bool signedGt = static_cast<int32_t>(xs[e]) > static_cast<int32_t>(ys[e]);
    EXPECT_EQ(get<uint16_t>(*r.M, Vec, 576, e), signedGt ? 0x3F80 : 0) << e;
    EXPECT_EQ(get<uint32_t>(*r.M, Vec, 640, e), std::max(xs[e], col[e / 4]))
        << e;
    // The word as uint32, rounded once to bf16 (RNE): exact in double.
    EXPECT_EQ(get<uint16_t>(*r.M, Vec, 1024, e),
              floatToBf(static_cast<float>(static_cast<double>(xs[e]))))
        << xs[e];
  }
  EXPECT_EQ(bfToFloat(get<uint16_t>(*r.M, Vec, 1024, 4)), 4294967296.0f);
  EXPECT_NE(runAsm("vmax dsp=vec, dst=0, asp=vec, a=0, bsp=act, b=0, rows=1, "
                   "cols=1, ty=bf16, uns=1\nend\n")
                .error.find("uns=1 (uint32 order) takes ty=i32"),
            std::string::npos);
  EXPECT_NE(runAsm("vcmp dsp=vec, dst=0, asp=vec, a=0, bsp=act, b=0, rows=1, "
                   "cols=1, ty=bf16, uns=1\nend\n")
                .error.find("uns=1 (uint32 order) takes ty=i32"),
            std::string::npos);
}

// rsfu.div against exact division: for 1024 pseudo-random pairs of bf16
// values (every sign, exponents over +-30) the result r must be the
// correctly rounded quotient, checked without dividing: |r b - a| is no
// larger than for either bf16 neighbour of r (r b and the neighbours'
// products are exact in double: 8 x 8 significand bits; an equal distance,
// a tie, would have to go to the even significand). Then IEEE's special
// cases, a column divisor, a constant one and a constant dividend (rev).
TEST(Sim, RsfuDivIsCorrectlyRounded) {
  constexpr int kN = 1024;
  std::mt19937 rng(7);
  std::vector<uint16_t> as(kN), bs(kN);
  auto randomBf = [&](int span) {
    uint16_t sign = (rng() & 1) << 15;
    uint16_t exponent = static_cast<uint16_t>(127 - span + rng() % (2 * span));
    uint16_t mantissa = rng() & 0x7F;
    return static_cast<uint16_t>(sign | exponent << 7 | mantissa);
  };
  for (int e = 0; e < kN; ++e) {
    as[e] = randomBf(30);
    bs[e] = randomBf(30);
  }
  // Exact quotients (a quotient of two bf16 values is never a midpoint of
  // two bf16 neighbours: that needs 9 significant bits from 8 x 8).
  const float exact[][2] = {{1, 1}, {255, 2}, {129, 2}, {131, 2}, {-3, 4}};
  for (int i = 0; i < 5; ++i) {
    as[i] = floatToBf(exact[i][0]);
    bs[i] = floatToBf(exact[i][1]);
  }
  Result r = runAsm("rsfu.div dsp=vec, dst=4096, asp=vec, a=0, bsp=act, b=0, "
                    "rows=4, cols=256, ty=bf16\nend\n",
                    [&](Machine &M) {
                      for (int e = 0; e < kN; ++e) {
                        put<uint16_t>(M, Vec, 0, e, as[e]);
                        put<uint16_t>(M, Act, 0, e, bs[e]);
                      }
                    });
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(bfToFloat(get<uint16_t>(*r.M, Vec, 4096, 0)), 1.0f);
  EXPECT_EQ(bfToFloat(get<uint16_t>(*r.M, Vec, 4096, 1)), 127.5f);
  EXPECT_EQ(bfToFloat(get<uint16_t>(*r.M, Vec, 4096, 2)), 64.5f);
  EXPECT_EQ(bfToFloat(get<uint16_t>(*r.M, Vec, 4096, 3)), 65.5f);
  EXPECT_EQ(bfToFloat(get<uint16_t>(*r.M, Vec, 4096, 4)), -0.75f);
  for (int e = 0; e < kN; ++e) {
    uint16_t q = get<uint16_t>(*r.M, Vec, 4096, e);
    double a = bfToFloat(as[e]), b = bfToFloat(bs[e]), d = bfToFloat(q);
    ASSERT_TRUE(std::isfinite(d)) << a << " / " << b;
    // The neighbours of d in bf16 (same sign: |d| +- one unit).
    double up = bfToFloat(static_cast<uint16_t>(q + 1));
    double down = bfToFloat(static_cast<uint16_t>(q - 1));
    double err = std::fabs(d * b - a);
    EXPECT_LE(err, std::fabs(up * b - a)) << a << " / " << b << " = " << d;
    EXPECT_LE(err, std::fabs(down * b - a)) << a << " / " << b << " = " << d;
    if (err == std::fabs(up * b - a) || err == std::fabs(down * b - a))
      EXPECT_EQ(q & 1, 0) << "tie not to even: " << a << " / " << b;
  }

  Result s = runAsm(
      "cfg.const rd=2, bits=0x4040\n" // 3.0
      "rsfu.div dsp=vec, dst=64, asp=vec, a=0, bsp=act, b=0, rows=1, cols=4, "
      "ty=bf16\n"
      "rsfu.div dsp=vec, dst=128, asp=vec, a=0, bsp=act, b=16, rows=2, "
      "cols=2, ty=bf16, bmode=col\n"
      "rsfu.div dsp=vec, dst=192, asp=vec, a=0, rows=1, cols=4, ty=bf16, "
      "bconst=1, creg=2\n"
      "rsfu.div dsp=vec, dst=256, asp=vec, a=0, rows=1, cols=4, ty=bf16, "
      "bconst=1, creg=2, rev=1\nend\n",
      [](Machine &M) {
        const float a[] = {1.0f, -1.0f, 0.0f, 6.0f};
        const float b[] = {0.0f, 0.0f, 0.0f, INFINITY};
        for (int e = 0; e < 4; ++e) {
          put<uint16_t>(M, Vec, 0, e, floatToBf(a[e]));
          put<uint16_t>(M, Act, 0, e, floatToBf(b[e]));
        }
        put<uint16_t>(M, Act, 16, 0, floatToBf(2.0f));
        put<uint16_t>(M, Act, 16, 1, floatToBf(-4.0f));
      });
  ASSERT_EQ(s.error, "");
  auto at = [&](size_t byte, size_t i) {
    return bfToFloat(get<uint16_t>(*s.M, Vec, byte, i));
  };
  EXPECT_EQ(at(64, 0), INFINITY);
  EXPECT_EQ(at(64, 1), -INFINITY);
  EXPECT_TRUE(std::isnan(at(64, 2)));
  EXPECT_EQ(at(64, 3), 0.0f);
  // col: row 0 divides by 2, row 1 by -4.
  EXPECT_EQ(at(128, 0), 0.5f);
  EXPECT_EQ(at(128, 1), -0.5f);
  EXPECT_EQ(at(128, 2), -0.0f);
  EXPECT_EQ(at(128, 3), -1.5f);
  // C[2] = 3: 1/3 correctly rounded is 0x3EAB (0.333984375).
  EXPECT_EQ(get<uint16_t>(*s.M, Vec, 192, 0), 0x3EABu);
  EXPECT_EQ(at(192, 3), 2.0f);
  // rev: C[2] / a = 3 / {1, -1, 0, 6}.
  EXPECT_EQ(at(256, 0), 3.0f);
  EXPECT_EQ(at(256, 1), -3.0f);
  EXPECT_EQ(at(256, 2), INFINITY);
  EXPECT_EQ(at(256, 3), 0.5f);
}

// vwrap against the closed form of the narrow types: x modulo 2^bits
// (mathematical, in int64), then for a signed type the representative in
// [-2^(bits-1), 2^(bits-1)). Every width used (8, 16) and the extremes
// (1, 31), both signednesses, over int32's extremes and the values where
// uint8 / int8 / uint16 / int16 arithmetic leaves its range.
TEST(Sim, VwrapKeepsTheLowBitsOfNarrowTypes) {
  const int32_t xs[] = {0,      1,     -1,     127,    128,       -128,
                        -129,   255,   256,    300,    -300,      32767,
                        32768,  -32769, 65535, 65536,  90000,     -90000,
                        INT32_MAX, INT32_MIN, 0x12345678, -0x12345678};
  constexpr int kN = sizeof(xs) / sizeof(xs[0]);
  struct Mode {
    unsigned bits;
    bool sgn;
  } modes[] = {{8, false}, {8, true}, {16, false}, {16, true},
               {1, true},  {1, false}, {31, false}, {31, true}};
  for (const Mode &m : modes) {
    std::string prog = "vwrap dsp=act, dst=512, asp=vec, a=0, rows=2, cols=11, "
                       "bits=" +
                       std::to_string(m.bits) +
                       ", sgn=" + std::to_string(m.sgn) +
                       "\n"
                       // In place: d = a.
                       "vwrap dsp=vec, dst=0, asp=vec, a=0, rows=1, cols=22, "
                       "bits=" +
                       std::to_string(m.bits) +
                       ", sgn=" + std::to_string(m.sgn) + "\nend\n";
    Result r = runAsm(prog, [&](Machine &M) {
      for (int e = 0; e < kN; ++e)
        put<int32_t>(M, Vec, 0, e, xs[e]);
    });
    ASSERT_EQ(r.error, "") << m.bits;
    const int64_t mod = int64_t(1) << m.bits;
    for (int e = 0; e < kN; ++e) {
      int64_t want = ((int64_t(xs[e]) % mod) + mod) % mod;
      if (m.sgn && want >= mod / 2)
        want -= mod;
      EXPECT_EQ(get<int32_t>(*r.M, Act, 512, e), want)
          << xs[e] << " bits=" << m.bits << " sgn=" << m.sgn;
      EXPECT_EQ(get<int32_t>(*r.M, Vec, 0, e), want)
          << "in place: " << xs[e] << " bits=" << m.bits;
    }
  }
  // ONNX's uint8 / int8 / int16 arithmetic through the i32 vector unit:
  // 200 + 100 = 44 (uint8), 100 + 100 = -56 (int8), 300 * 300 = 24464
  // (int16: 90000 - 65536), 3 - 5 = 65534 (uint16).
  Result w = runAsm(
      "vadd dsp=vec, dst=64, asp=vec, a=0, bsp=act, b=0, rows=1, cols=2, "
      "ty=i32\n"
      "vwrap dsp=vec, dst=64, asp=vec, a=64, rows=1, cols=1, bits=8\n"
      "vwrap dsp=vec, dst=68, asp=vec, a=68, rows=1, cols=1, bits=8, sgn=1\n"
      "vmul dsp=vec, dst=128, asp=vec, a=8, bsp=act, b=8, rows=1, cols=1, "
      "ty=i32\n"
      "vwrap dsp=vec, dst=128, asp=vec, a=128, rows=1, cols=1, bits=16, "
      "sgn=1\n"
      "vsub dsp=vec, dst=192, asp=vec, a=12, bsp=act, b=12, rows=1, cols=1, "
      "ty=i32\n"
      "vwrap dsp=vec, dst=192, asp=vec, a=192, rows=1, cols=1, bits=16\n"
      "end\n",
      [](Machine &M) {
        const int32_t a[] = {200, 100, 300, 3}, b[] = {100, 100, 300, 5};
        for (int e = 0; e < 4; ++e) {
          put<int32_t>(M, Vec, 0, e, a[e]);
          put<int32_t>(M, Act, 0, e, b[e]);
        }
      });
  ASSERT_EQ(w.error, "");
  EXPECT_EQ(get<int32_t>(*w.M, Vec, 64, 0), 44);
  EXPECT_EQ(get<int32_t>(*w.M, Vec, 64, 1), -56);
  EXPECT_EQ(get<int32_t>(*w.M, Vec, 128, 0), 24464);
  EXPECT_EQ(get<int32_t>(*w.M, Vec, 192, 0), 65534);
  EXPECT_NE(runAsm("vwrap dsp=vec, dst=0, asp=vec, a=0, rows=1, cols=1, "
                   "bits=0\nend\n")
                .error.find("field 'bits' = 0 is not 1..31"),
            std::string::npos);
}

// The `toint` forms of rsfu.div and rsfu.pow write the result as an int32:
// rsfu.div rne is ONNX QuantizeLinear's round(x / scale) of the f32
// quotient, rsfu.pow the f64 power (an int32 needs 31 bits). Checked
// against the exact quotient (in double, where a / b of bf16 values has no
// rounding that matters at these magnitudes): |q - a / b| <= 1/2, and a tie
// goes to the even integer; then ties, truncation, saturation, NaN, a column
// scale, and rsfu.pow of an int32 base against closed forms (3^6 = 729, which
// a bf16 result would round to 728; 46340^2 = 2147395600, which f32 would
// round to 2147395584; 4^0.5 = 2 exactly).
TEST(Sim, ToIntRoundsTheF32ResultOnce) {
  constexpr int kN = 256;
  std::mt19937 rng(11);
  std::vector<uint16_t> as(kN), bs(kN);
  for (int e = 0; e < kN; ++e) {
    // |a| in [2^-4, 2^12), b in [2^-6, 2^4): quotients up to 2^18.
    as[e] = floatToBf((rng() & 1 ? -1.0f : 1.0f) *
                      std::ldexp(1.0f + (rng() % 128) / 128.0f,
                                 static_cast<int>(rng() % 16) - 4));
    bs[e] = floatToBf(std::ldexp(1.0f + (rng() % 128) / 128.0f,
                                 static_cast<int>(rng() % 10) - 6));
  }
  Result r = runAsm("rsfu.div dsp=vec, dst=4096, asp=vec, a=0, bsp=act, "
                    "b=0, rows=2, cols=128, ty=bf16, toint=rne\n"
                    "rsfu.div dsp=vec, dst=8192, asp=vec, a=0, bsp=act, "
                    "b=0, rows=2, cols=128, ty=bf16, toint=trunc\nend\n",
                    [&](Machine &M) {
                      for (int e = 0; e < kN; ++e) {
                        put<uint16_t>(M, Vec, 0, e, as[e]);
                        put<uint16_t>(M, Act, 0, e, bs[e]);
                      }
                    });
  ASSERT_EQ(r.error, "");
  for (int e = 0; e < kN; ++e) {
    double exact = double(bfToFloat(as[e])) / double(bfToFloat(bs[e]));
    int32_t q = get<int32_t>(*r.M, Vec, 4096, e);
    EXPECT_LE(std::fabs(q - exact), 0.5) << exact;
    if (std::fabs(q - exact) == 0.5)
      EXPECT_EQ(q % 2, 0) << "tie not to even: " << exact;
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 8192, e), static_cast<int32_t>(exact))
        << exact;
  }

  Result s = runAsm(
      "cfg.const rd=3, bits=0x4000\n" // 2.0
      "rsfu.div dsp=vec, dst=64, asp=vec, a=0, rows=1, cols=8, ty=bf16, "
      "bconst=1, creg=3, toint=rne\n"
      "rsfu.div dsp=vec, dst=128, asp=vec, a=0, rows=1, cols=8, ty=bf16, "
      "bconst=1, creg=3, toint=trunc\n"
      "rsfu.div dsp=vec, dst=192, asp=vec, a=0, bsp=act, b=0, rows=2, "
      "cols=4, ty=bf16, bmode=col, toint=rne\n"
      "rsfu.pow dsp=vec, dst=256, asp=vec, a=512, bsp=act, b=64, rows=1, "
      "cols=10, ty=bf16, toint=trunc, aint=1\n"
      "end\n",
      [](Machine &M) {
        // a / 2: ties 2.5, 3.5, -2.5, 0.5; 2.75; +-1e10 and NaN.
        const float a[] = {5.0f, 7.0f, -5.0f, 1.0f, 5.5f, 1e10f, -1e10f, NAN};
        for (int e = 0; e < 8; ++e)
          put<uint16_t>(M, Vec, 0, e, floatToBf(a[e]));
        put<uint16_t>(M, Act, 0, 0, floatToBf(2.0f));  // row 0: / 2
        put<uint16_t>(M, Act, 0, 1, floatToBf(-0.5f)); // row 1: / -0.5
        const int32_t base[] = {3, 2, -2, 7, 2, 10, -2, 0, 46340, 4};
        const float exponent[] = {6, 5, 3, 0.5f, -1, 10, 0.5f, 0, 2, 0.5f};
        for (int e = 0; e < 10; ++e) {
          put<int32_t>(M, Vec, 512, e, base[e]);
          put<uint16_t>(M, Act, 64, e, floatToBf(exponent[e]));
        }
      });
  ASSERT_EQ(s.error, "");
  auto at = [&](size_t byte, size_t i) {
    return get<int32_t>(*s.M, Vec, byte, i);
  };
  const int32_t rne[] = {2, 4, -2, 0, 3, INT32_MAX, INT32_MIN, 0};
  const int32_t trunc[] = {2, 3, -2, 0, 2, INT32_MAX, INT32_MIN, 0};
  for (int e = 0; e < 8; ++e) {
    EXPECT_EQ(at(64, e), rne[e]) << e;
    EXPECT_EQ(at(128, e), trunc[e]) << e;
  }
  // Column: {5, 7, -5, 1} / 2 and {5.5, 1e10, -1e10, NaN} / -0.5.
  const int32_t col[] = {2, 4, -2, 0, -11, INT32_MIN, INT32_MAX, 0};
  for (int e = 0; e < 8; ++e)
    EXPECT_EQ(at(192, e), col[e]) << e;
  // 3^6, 2^5, (-2)^3, trunc(sqrt 7), trunc(1/2), 10^10 saturates,
  // (-2)^0.5 is NaN (0), 0^0 = 1, 46340^2, 4^0.5.
  const int32_t pow[] = {729, 32, -8, 2, 0, INT32_MAX, 0, 1, 2147395600, 2};
  for (int e = 0; e < 10; ++e)
    EXPECT_EQ(at(256, e), pow[e]) << e;

  auto error = [](const std::string &insn) {
    return runAsm(insn + "\nend\n").error;
  };
  EXPECT_NE(error("rsfu.div dsp=vec, dst=64, asp=vec, a=0, rows=1, cols=1, "
                  "ty=bf16, bconst=1, toint=3")
                .find("field 'toint' = 3 is not none, trunc or rne"),
            std::string::npos);
  EXPECT_NE(error("rsfu.div dsp=vec, dst=64, asp=vec, a=0, rows=1, cols=1, "
                  "ty=i32, bconst=1, toint=rne")
                .find("toint takes ty=bf16 operands"),
            std::string::npos);
  EXPECT_NE(error("rsfu.pow dsp=vec, dst=64, asp=vec, a=0, rows=1, cols=1, "
                  "ty=bf16, bconst=1, aint=1")
                .find("aint=1 (an int32 base) needs toint"),
            std::string::npos);
}

// rsfu.softmax with af32 reads f32 rows (a program input kept in f32): the
// row 10000..10003, one bf16 value (10000, spacing 64), is the softmax of
// 0..3 (closed form e^k / sum e^j), where the bf16 row is uniform; `log`
// gives k - log(sum e^j). rsfu.pow with af32 / bf32 reads f32 operands:
// 59^2.9 from an exponent that is not a bf16 value, against C's pow.
TEST(Sim, SfuReadsF32Operands) {
  Result r = runAsm(
      "rsfu.softmax dsp=act, dst=4096, asp=vec, a=0, rows=2, cols=4, af32=1\n"
      "rsfu.softmax dsp=act, dst=4160, asp=vec, a=0, rows=2, cols=4, af32=1, "
      "log=1\n"
      "rsfu.softmax dsp=act, dst=4224, asp=act, a=0, rows=2, cols=4\n"
      "rsfu.pow dsp=act, dst=8192, asp=vec, a=512, bsp=vec, b=1024, rows=1, "
      "cols=4, ty=bf16, af32=1, bf32=1\n"
      "rsfu.pow dsp=act, dst=8256, asp=act, a=512, bsp=vec, b=1024, rows=1, "
      "cols=4, ty=bf16, bf32=1\n"
      "end\n",
      [](Machine &M) {
        for (int e = 0; e < 4; ++e) {
          put<float>(M, Vec, 0, e, 10000.0f + e);
          put<float>(M, Vec, 0, 4 + e, 1.0f + e);
          put<uint16_t>(M, Act, 0, e, floatToBf(10000.0f + e));
          put<uint16_t>(M, Act, 0, 4 + e, floatToBf(1.0f + e));
        }
        const float a[] = {59.0f, 2.0f, 3.0f, 0.5f};
        const float b[] = {2.9f, 0.3337f, -1.25f, 10.0f};
        for (int e = 0; e < 4; ++e) {
          put<float>(M, Vec, 512, e, a[e]);
          put<float>(M, Vec, 1024, e, b[e]);
          put<uint16_t>(M, Act, 512, e, floatToBf(a[e]));
        }
      });
  ASSERT_EQ(r.error, "");
  auto value = [&](size_t byte, size_t i) {
    return double(bfToFloat(get<uint16_t>(*r.M, Act, byte, i)));
  };
  double sum = 0;
  for (int k = 0; k < 4; ++k)
    sum += std::exp(double(k));
  for (int row = 0; row < 2; ++row)
    for (int k = 0; k < 4; ++k) {
      double softmax = std::exp(double(k)) / sum;
      double logSoftmax = k - std::log(sum);
      // One bf16 rounding (2^-9 relative) of an f32 computation.
      EXPECT_NEAR(value(4096, 4 * row + k), softmax, softmax * 0x1p-8)
          << row << " " << k;
      EXPECT_NEAR(value(4160, 4 * row + k), logSoftmax,
                  std::fabs(logSoftmax) * 0x1p-8)
          << row << " " << k;
    }
  // From bf16 rows the first row is uniform; the second is not.
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(value(4224, k), 0.25) << k;
  const double a[] = {59.0, 2.0, 3.0, 0.5};
  const float b[] = {2.9f, 0.3337f, -1.25f, 10.0f};
  for (int e = 0; e < 4; ++e) {
    double exact = std::pow(a[e], double(b[e]));
    EXPECT_NEAR(value(8192, e), exact, exact * 0x1p-8) << e;
    EXPECT_NEAR(value(8256, e), exact, exact * 0x1p-8) << e;
  }
  // 59^bf16(2.9) is 3% off: why the exponent stays f32.
  EXPECT_GT(std::fabs(std::pow(59.0, double(bfToFloat(floatToBf(2.9f)))) -
                      std::pow(59.0, 2.9)),
            0.02 * std::pow(59.0, 2.9));

  EXPECT_NE(runAsm("rsfu.pow dsp=vec, dst=64, asp=vec, a=0, bsp=vec, b=0, "
                   "rows=1, cols=1, ty=i32, af32=1\nend\n")
                .error.find("af32 / bf32 (f32 operands) take ty=bf16 "
                            "without toint"),
            std::string::npos);
  // The int32-result form reads bf16 (or an int32 base): f32 is refused,
  // not ignored.
  EXPECT_NE(runAsm("rsfu.pow dsp=vec, dst=64, asp=vec, a=0, bsp=vec, b=0, "
                   "rows=1, cols=1, ty=bf16, toint=trunc, bf32=1\nend\n")
                .error.find("af32 / bf32 (f32 operands) take ty=bf16 "
                            "without toint"),
            std::string::npos);
}

// rsfu.div ty=i32 is ONNX's integer Div: the quotient truncated toward zero
// (checked against |a| / |b| with the sign of a * b, in int64), for every
// sign, int32's extremes (INT32_MIN / -1 wraps to INT32_MIN), a column
// divisor, a constant one (raw register bits, sign-extended) and rev; a
// zero divisor is an error naming the element.
TEST(Sim, RsfuDivInt32TruncatesTowardZero) {
  const int32_t as[] = {7,  -7, 7,  -7, 0,         255, 16,        17,
                        1,  -1, 99, 6,  INT32_MAX, INT32_MIN, INT32_MIN, 5};
  const int32_t bs[] = {2,  2,  -2, -2, 5,         1,   11,        16,
                        3,  3,  -100, 3, -1,       -1,  2,         INT32_MIN};
  constexpr int kN = 16;
  Result r = runAsm(
      "cfg.const rd=1, bits=0xfffd\n" // raw -3
      "rsfu.div dsp=vec, dst=256, asp=vec, a=0, bsp=act, b=0, rows=4, "
      "cols=4, ty=i32\n"
      "rsfu.div dsp=vec, dst=512, asp=vec, a=0, bsp=act, b=128, rows=4, "
      "cols=4, ty=i32, bmode=col\n"
      "rsfu.div dsp=vec, dst=768, asp=vec, a=0, rows=4, cols=4, ty=i32, "
      "bconst=1, creg=1\n"
      "rsfu.div dsp=vec, dst=1024, asp=act, a=0, rows=4, cols=4, ty=i32, "
      "bconst=1, creg=1, rev=1\nend\n",
      [&](Machine &M) {
        for (int e = 0; e < kN; ++e) {
          put<int32_t>(M, Vec, 0, e, as[e]);
          put<int32_t>(M, Act, 0, e, bs[e]);
        }
        const int32_t col[] = {4, -5, 1, 7};
        for (int e = 0; e < 4; ++e)
          put<int32_t>(M, Act, 128, e, col[e]);
      });
  ASSERT_EQ(r.error, "");
  auto closed = [](int64_t a, int64_t b) {
    int64_t q = (a < 0 ? -a : a) / (b < 0 ? -b : b);
    q = (a < 0) != (b < 0) ? -q : q;
    return static_cast<int32_t>(static_cast<uint32_t>(q)); // wraps 2^31
  };
  const int32_t col[] = {4, -5, 1, 7};
  for (int e = 0; e < kN; ++e) {
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 256, e), closed(as[e], bs[e]))
        << as[e] << " / " << bs[e];
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 512, e), closed(as[e], col[e / 4]))
        << as[e] << " / col " << col[e / 4];
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 768, e), closed(as[e], -3))
        << as[e] << " / -3";
    if (bs[e] != 0)
      EXPECT_EQ(get<int32_t>(*r.M, Vec, 1024, e), closed(-3, bs[e]))
          << "-3 / " << bs[e];
  }
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 256, 13), INT32_MIN);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 256, 1), -3);
  Result z = runAsm("rsfu.div dsp=vec, dst=64, asp=vec, a=0, bsp=act, b=0, "
                    "rows=1, cols=2, ty=i32\nend\n",
                    [](Machine &M) {
                      put<int32_t>(M, Vec, 0, 0, 4);
                      put<int32_t>(M, Vec, 0, 1, 4);
                      put<int32_t>(M, Act, 0, 0, 2);
                      put<int32_t>(M, Act, 0, 1, 0);
                    });
  EXPECT_NE(z.error.find("integer division by zero at element 1"),
            std::string::npos)
      << z.error;
}

// rsfu.sqrt against the exact square root: every positive bf16 value with
// an exponent in [-30, 30) (7680 values); r is correctly rounded iff a lies
// between the squares of the midpoints to r's bf16 neighbours (exact in
// double: 9-bit midpoints), checked without taking a square root. Then
// sqrt(0), sqrt(-0), sqrt(inf) and a negative input (NaN).
TEST(Sim, RsfuSqrtIsCorrectlyRounded) {
  constexpr int kN = 7680;
  std::vector<uint16_t> as(kN);
  for (int e = 0; e < kN; ++e)
    as[e] = static_cast<uint16_t>((127 - 30) << 7) + e;
  Result r = runAsm("rsfu.sqrt dsp=vec, dst=16384, asp=vec, a=0, rows=2, "
                    "cols=3840\nend\n",
                    [&](Machine &M) {
                      for (int e = 0; e < kN; ++e)
                        put<uint16_t>(M, Vec, 0, e, as[e]);
                    });
  ASSERT_EQ(r.error, "");
  for (int e = 0; e < kN; ++e) {
    uint16_t q = get<uint16_t>(*r.M, Vec, 16384, e);
    double a = bfToFloat(as[e]), d = bfToFloat(q);
    double up = bfToFloat(static_cast<uint16_t>(q + 1));
    double down = bfToFloat(static_cast<uint16_t>(q - 1));
    double lo = (d + down) / 2, hi = (d + up) / 2;
    EXPECT_LE(lo * lo, a) << "sqrt(" << a << ") = " << d;
    EXPECT_GE(hi * hi, a) << "sqrt(" << a << ") = " << d;
  }
  Result s = runAsm("rsfu.sqrt dsp=vec, dst=64, asp=vec, a=0, rows=1, "
                    "cols=4\nend\n",
                    [](Machine &M) {
                      const float a[] = {0.0f, -0.0f, INFINITY, -4.0f};
                      for (int e = 0; e < 4; ++e)
                        put<uint16_t>(M, Vec, 0, e, floatToBf(a[e]));
                    });
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(get<uint16_t>(*s.M, Vec, 64, 0), 0x0000u);
  EXPECT_EQ(get<uint16_t>(*s.M, Vec, 64, 1), 0x8000u);
  EXPECT_EQ(bfToFloat(get<uint16_t>(*s.M, Vec, 64, 2)), INFINITY);
  EXPECT_TRUE(std::isnan(bfToFloat(get<uint16_t>(*s.M, Vec, 64, 3))));
}

// cvt.b2w is C's float -> int conversion (ONNX Cast to an integer):
// truncation toward zero, saturation outside int32, NaN -> 0.
TEST(Sim, CvtB2wTruncatesTowardZero) {
  const float in[] = {2.5f,  -2.5f,  -0.75f, 0.75f,    255.0f,    -129.0f,
                      1e10f, -1e10f, NAN,    INFINITY, -INFINITY, 16777216.0f};
  const int32_t want[] = {2,   -2,        0,         0,
                          255, -129,      INT32_MAX, INT32_MIN,
                          0,   INT32_MAX, INT32_MIN, 16777216};
  Result r = runAsm("cvt.b2w dsp=vec, dst=64, asp=act, a=0, rows=3, cols=4\n"
                    "end\n",
                    [&](Machine &M) {
                      for (int e = 0; e < 12; ++e)
                        put<uint16_t>(M, Act, 0, e, floatToBf(in[e]));
                    });
  ASSERT_EQ(r.error, "");
  for (int e = 0; e < 12; ++e) {
    // The inputs are bf16-exact, so std::trunc of them is the reference
    // in range.
    if (std::isfinite(in[e]) && std::fabs(in[e]) < 2147483648.0f)
      EXPECT_EQ(get<int32_t>(*r.M, Vec, 64, e),
                static_cast<int32_t>(std::trunc(in[e])));
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 64, e), want[e]) << "element " << e;
  }
}

TEST(Sim, Conversions) {
  Result r = runAsm("cfg.mode mode=ieee\ncfg.const rd=0, bits=0x3f00\n"
                    "cvt.i2b dsp=vec, dst=16, asp=vec, a=0, rows=1, cols=3, "
                    "src=i32, creg=0\n"
                    "cfg.const rd=1, bits=0x4000\n"
                    "cvt.b2i dsp=vec, dst=32, asp=vec, a=16, rows=1, cols=3, "
                    "creg=1\nend\n",
                    [](Machine &M) {
                      put<int32_t>(M, Vec, 0, 0, 259);
                      put<int32_t>(M, Vec, 0, 1, -7);
                      put<int32_t>(M, Vec, 0, 2, 1000);
                    });
  ASSERT_EQ(r.error, "");
  // 259 -> 260 (RNE) * 0.5 = 130; -7 * 0.5 = -3.5; 1000 * 0.5 = 500.
  EXPECT_EQ(get<uint16_t>(*r.M, Vec, 16, 0), 0x4302);
  EXPECT_EQ(get<uint16_t>(*r.M, Vec, 16, 1), 0xC060);
  // back with x2: 260 -> 127 (sat), -7 -> -7, 1000 -> 127.
  EXPECT_EQ(get<int8_t>(*r.M, Vec, 32, 0), 127);
  EXPECT_EQ(get<int8_t>(*r.M, Vec, 32, 1), -7);
  EXPECT_EQ(get<int8_t>(*r.M, Vec, 32, 2), 127);
}

// cvt.b2i's `bits` field: 0 keeps int8 saturation (-128..127, programs
// written before the field); 2..7 clamp to the symmetric narrow range
// +-(2^(bits-1)-1) of 6- and 4-bit activations. Closed form: with the scale
// 1.0 and bf16-exact inputs, d = clamp(rne(x), lo, hi).
TEST(Sim, NarrowCvtB2iSaturates) {
  const std::vector<float> xs = {-200.0f, -33.0f, -31.5f, -8.5f, -8.0f,
                                 -7.5f,   -6.5f,  -3.25f, 0.0f,  2.5f,
                                 3.5f,    6.5f,   7.5f,   31.5f, 126.0f};
  for (unsigned bits : {0u, 2u, 4u, 6u, 7u}) {
    for (const char *mode : {"ieee", "tataa"}) {
      Result r = runAsm(
          std::string("cfg.mode mode=") + mode +
              "\ncfg.const rd=1, bits=0x3f80\n"
              "cvt.b2i dsp=vec, dst=64, asp=vec, a=0, rows=1, "
              "cols=" +
              std::to_string(xs.size()) +
              ", creg=1, bits=" + std::to_string(bits) + "\nend\n",
          [&](Machine &M) {
            for (size_t i = 0; i < xs.size(); ++i) {
              uint32_t u;
              std::memcpy(&u, &xs[i], sizeof(u));
              put<uint16_t>(M, Vec, 0, i, static_cast<uint16_t>(u >> 16));
            }
          });
      ASSERT_EQ(r.error, "") << bits << " " << mode;
      const double hi = bits == 0 ? 127 : (1 << (bits - 1)) - 1;
      const double lo = bits == 0 ? -128 : -hi;
      bool ieee = std::string(mode) == "ieee";
      for (size_t i = 0; i < xs.size(); ++i) {
        double v = ieee ? std::nearbyint(xs[i]) : std::trunc(xs[i]);
        EXPECT_EQ(get<int8_t>(*r.M, Vec, 64, i),
                  static_cast<int8_t>(std::clamp(v, lo, hi)))
            << "x=" << xs[i] << " bits=" << bits << " " << mode;
      }
    }
  }
  // 4 bits, spot values: 7.5 -> 8 (RNE) -> 7; -8.5 -> -8 -> -7; 6.5 -> 6.
  Result r4 = runAsm("cfg.mode mode=ieee\ncfg.const rd=0, bits=0x3f80\n"
                     "cvt.b2i dsp=vec, dst=16, asp=vec, a=0, rows=1, cols=3, "
                     "creg=0, bits=4\nend\n",
                     [](Machine &M) {
                       put<uint16_t>(M, Vec, 0, 0, 0x40F0); // 7.5
                       put<uint16_t>(M, Vec, 0, 1, 0xC108); // -8.5
                       put<uint16_t>(M, Vec, 0, 2, 0x40D0); // 6.5
                     });
  ASSERT_EQ(r4.error, "");
  EXPECT_EQ(get<int8_t>(*r4.M, Vec, 16, 0), 7);
  EXPECT_EQ(get<int8_t>(*r4.M, Vec, 16, 1), -7);
  EXPECT_EQ(get<int8_t>(*r4.M, Vec, 16, 2), 6);
  // 1 and 8..15 are not widths the field encodes.
  for (unsigned bad : {1u, 8u, 15u}) {
    Result e = runAsm("cfg.const rd=0, bits=0x3f80\n"
                      "cvt.b2i dsp=vec, dst=16, asp=vec, a=0, rows=1, cols=1, "
                      "creg=0, bits=" +
                      std::to_string(bad) + "\nend\n");
    EXPECT_NE(e.error.find("field 'bits' = " + std::to_string(bad)),
              std::string::npos)
        << e.error;
  }
}

// The conversions' `zp` field (asymmetric activations). Closed form, scale
// 1.0 and bf16-exact inputs: cvt.b2i d = clamp(rne(x) + zp, -128, 127);
// cvt.i2b d = (a - zp) exactly (|a - zp| <= 255 fits bf16's significand).
// zp = 0 is the symmetric conversion of programs written before the field.
TEST(Sim, CvtZeroPoint) {
  const std::vector<float> xs = {-200.0f, -130.0f, -100.5f, -2.5f, 0.0f,
                                 1.5f,    3.0f,    90.0f,   126.0f};
  for (int zp : {0, -128, -43, 11, 127}) {
    Result r = runAsm(
        "cfg.mode mode=ieee\ncfg.const rd=1, bits=0x3f80\n"
        "cvt.b2i dsp=vec, dst=64, asp=vec, a=0, rows=1, cols=" +
            std::to_string(xs.size()) + ", creg=1, zp=" + std::to_string(zp) +
            "\ncvt.i2b dsp=vec, dst=128, asp=vec, a=64, rows=1, cols=" +
            std::to_string(xs.size()) +
            ", src=i8, creg=1, zp=" + std::to_string(zp) + "\nend\n",
        [&](Machine &M) {
          for (size_t i = 0; i < xs.size(); ++i) {
            uint32_t u;
            std::memcpy(&u, &xs[i], sizeof(u));
            put<uint16_t>(M, Vec, 0, i, static_cast<uint16_t>(u >> 16));
          }
        });
    ASSERT_EQ(r.error, "") << zp;
    for (size_t i = 0; i < xs.size(); ++i) {
      double q = std::clamp(double(std::nearbyint(xs[i])) + zp, -128.0, 127.0);
      EXPECT_EQ(get<int8_t>(*r.M, Vec, 64, i), static_cast<int8_t>(q))
          << "x=" << xs[i] << " zp=" << zp;
      float back = static_cast<float>(q - zp);
      uint32_t u;
      std::memcpy(&u, &back, sizeof(u));
      EXPECT_EQ(get<uint16_t>(*r.M, Vec, 128, i),
                static_cast<uint16_t>(u >> 16))
          << "x=" << xs[i] << " zp=" << zp;
    }
  }
}

// cvt.f2i, the exact QuantizeLinear: d = clamp(rne(f32(a) / S) + zp, lo,
// hi) with S an exact f32 immediate. Expected values by hand.
namespace {
Result runF2i(const std::vector<float> &xs, uint32_t scaleBits,
              const std::string &extra, bool bf16Src = false) {
  char scale[16];
  std::snprintf(scale, sizeof(scale), "0x%08x", scaleBits);
  return runAsm("cvt.f2i dsp=vec, dst=512, asp=vec, a=0, rows=1, cols=" +
                    std::to_string(xs.size()) +
                    ", src=" + (bf16Src ? "0" : "1") + ", scale=" + scale +
                    extra + "\nend\n",
                [&](Machine &M) {
                  for (size_t i = 0; i < xs.size(); ++i) {
                    if (!bf16Src) {
                      put<float>(M, Vec, 0, i, xs[i]);
                      continue;
                    }
                    uint32_t u;
                    std::memcpy(&u, &xs[i], sizeof(u));
                    put<uint16_t>(M, Vec, 0, i, static_cast<uint16_t>(u >> 16));
                  }
                });
}
std::vector<int> f2iCodes(Result &r, size_t n) {
  std::vector<int> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(get<int8_t>(*r.M, Vec, 512, i));
  return out;
}
} // namespace

TEST(Sim, CvtF2iTiesToEvenZeroPointSaturation) {
  // S = 0.5: x / S = 2.5, 3.5, -2.5, -3.5, 1.5, 0.5, -0.5, 200, -200, 0,
  // 253.2, -256.
  const std::vector<float> xs = {1.25f,   1.75f, -1.25f, -1.75f,
                                 0.75f,   0.25f, -0.25f, 100.0f,
                                 -100.0f, 0.0f,  126.6f, -128.0f};
  Result r = runF2i(xs, 0x3f000000, "");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(f2iCodes(r, xs.size()),
            (std::vector<int>{2, 4, -2, -4, 2, 0, 0, 127, -128, 0, 127, -128}));
  // zp -128 (uint8 held as int8) and 11: added after rounding, then sat.
  Result z = runF2i(xs, 0x3f000000, ", zp=-128");
  ASSERT_EQ(z.error, "");
  EXPECT_EQ(f2iCodes(z, xs.size()),
            (std::vector<int>{-126, -124, -128, -128, -126, -128, -128, 72,
                              -128, -128, 125, -128}));
  Result z11 = runF2i(xs, 0x3f000000, ", zp=11");
  ASSERT_EQ(z11.error, "");
  EXPECT_EQ(
      f2iCodes(z11, xs.size()),
      (std::vector<int>{13, 15, 9, 7, 13, 11, 11, 127, -128, 11, 127, -128}));
}

TEST(Sim, CvtF2iDividesByTheExactScale) {
  // qdq_mlp's input scale S = 0x3b807070 (0.00391965), 1/S = 255.1246:
  // 0.5625 / S = 143.508 -> 144 (onnxruntime), where cvt.b2i's bf16(1/S) =
  // 255.0 gives 143.44 -> 143. 1.0 / S = 255.12 -> 255 -> 127 with zp -128.
  Result r = runF2i({0.5625f, 1.0f, 0.0625f}, 0x3b807070, ", zp=-128");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(f2iCodes(r, 3), (std::vector<int>{144 - 128, 127, 16 - 128}));
  // An f32 source is not rounded to bf16 first: 2.50390625 (2.5 + 2^-8,
  // bf16 2.5) / 1 = 2.5039 -> 3; the same value as a bf16 source (2.5) is
  // a tie -> 2.
  Result f = runF2i({2.50390625f}, 0x3f800000, "");
  ASSERT_EQ(f.error, "");
  EXPECT_EQ(f2iCodes(f, 1), (std::vector<int>{3}));
  Result b = runF2i({2.50390625f}, 0x3f800000, "", /*bf16Src=*/true);
  ASSERT_EQ(b.error, "");
  EXPECT_EQ(f2iCodes(b, 1), (std::vector<int>{2}));
}

TEST(Sim, CvtF2iNarrowRanges) {
  // S = 1: bits=4 is [-8, 7] (a Clip(-8, 7)), sym=1 +-7.
  const std::vector<float> xs = {-9.0f, -8.5f, -8.0f, -7.5f, 6.5f, 7.5f, 20.0f};
  Result r = runF2i(xs, 0x3f800000, ", bits=4");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(f2iCodes(r, xs.size()),
            (std::vector<int>{-8, -8, -8, -8, 6, 7, 7}));
  Result s = runF2i(xs, 0x3f800000, ", bits=4, sym=1");
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(f2iCodes(s, xs.size()),
            (std::vector<int>{-7, -7, -7, -7, 6, 7, 7}));
  Result six = runF2i({-40.0f, -32.0f, 31.4f, 31.5f}, 0x3f800000, ", bits=6");
  ASSERT_EQ(six.error, "");
  EXPECT_EQ(f2iCodes(six, 4), (std::vector<int>{-32, -32, 31, 31}));
  // bits=8: int8, or with sym the symmetric int8 types' +-127.
  Result e8 = runF2i({-200.0f, 200.0f}, 0x3f800000, ", bits=8");
  ASSERT_EQ(e8.error, "");
  EXPECT_EQ(f2iCodes(e8, 2), (std::vector<int>{-128, 127}));
  Result s8 = runF2i({-200.0f, 200.0f}, 0x3f800000, ", bits=8, sym=1");
  ASSERT_EQ(s8.error, "");
  EXPECT_EQ(f2iCodes(s8, 2), (std::vector<int>{-127, 127}));
}

TEST(Sim, CvtF2iSpecialValuesAndErrors) {
  const float inf = std::numeric_limits<float>::infinity();
  Result r = runF2i({std::nanf(""), inf, -inf}, 0x3f800000, ", zp=5");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(f2iCodes(r, 3), (std::vector<int>{5, 127, -128}));
  // Scales that are not positive finite f32, and bad range fields.
  for (uint32_t bad : {0x00000000u, 0xbf800000u, 0x7f800000u, 0x7fc00000u}) {
    Result e = runF2i({1.0f}, bad, "");
    EXPECT_NE(e.error.find("is not a positive finite f32"), std::string::npos)
        << e.error;
  }
  Result b1 = runF2i({1.0f}, 0x3f800000, ", bits=1");
  EXPECT_NE(b1.error.find("field 'bits' = 1"), std::string::npos) << b1.error;
  Result b9 = runF2i({1.0f}, 0x3f800000, ", bits=9");
  EXPECT_NE(b9.error.find("field 'bits' = 9"), std::string::npos) << b9.error;
  Result sym = runF2i({1.0f}, 0x3f800000, ", sym=1");
  EXPECT_NE(sym.error.find("field 'sym' = 1 needs a narrow width"),
            std::string::npos)
      << sym.error;
}

TEST(Sim, RequantInstructionsMatchKernels) {
  std::vector<int32_t> q = {0, 1, -1, 5, 7, -5, 255, -300, 123456, -98765};
  auto init = [&](Machine &M) {
    for (size_t i = 0; i < q.size(); ++i) {
      put<int32_t>(M, Acc, 0, i, q[i]);
      put<int16_t>(M, Acc, 256, i, static_cast<int16_t>(q[i]));
    }
  };
  Result r = runAsm(
      "cfg.requant rd=0, mult=1, shift=1\n"
      "cfg.requant rd=1, mult=-3, shift=2\n"
      "cfg.requant rd=2, mult=300, shift=5\n"
      "cfg.requant rd=3, mult=1, shift=1, zp=-2\n"
      "rq.ibert dsp=vec, dst=0, asp=acc, a=0, rows=1, cols=10, rreg=0\n"
      "rq.swift dsp=vec, dst=16, asp=acc, a=0, rows=1, cols=10, rreg=1\n"
      "rq.tataa dsp=vec, dst=32, asp=acc, a=256, rows=1, cols=10, rreg=2\n"
      "rq.elastic dsp=vec, dst=48, asp=acc, a=0, rows=1, cols=10, rreg=3\n"
      "end\n",
      init);
  ASSERT_EQ(r.error, "");
  for (size_t i = 0; i < q.size(); ++i) {
    EXPECT_EQ(get<int8_t>(*r.M, Vec, 0, i), requantIBert(q[i], 1, 1));
    EXPECT_EQ(get<int8_t>(*r.M, Vec, 16, i), requantSwift(q[i], -3, 2));
    EXPECT_EQ(get<int8_t>(*r.M, Vec, 32, i),
              requantTataa(static_cast<int16_t>(q[i]), 300, 5));
    EXPECT_EQ(get<int8_t>(*r.M, Vec, 48, i), requantElastic(q[i], 1, 1, -2));
  }
  EXPECT_EQ(get<int8_t>(*r.M, Vec, 0, 4), 4);   // 3.5 -> 4 (even)
  EXPECT_EQ(get<int8_t>(*r.M, Vec, 48, 3), 1);  // 2.5 -> 3, -2 zp
  // The zero point of R[rreg] and the fused ReLU (a clamp at zp) of
  // rq.ibert and rq.elastic.
  Result z = runAsm(
      "cfg.requant rd=0, mult=1, shift=1, zp=-43\n"
      "rq.ibert dsp=vec, dst=0, asp=acc, a=0, rows=1, cols=10, rreg=0\n"
      "rq.ibert dsp=vec, dst=16, asp=acc, a=0, rows=1, cols=10, rreg=0, "
      "relu=1\n"
      "rq.elastic dsp=vec, dst=32, asp=acc, a=0, rows=1, cols=10, rreg=0, "
      "relu=1\n"
      "end\n",
      init);
  ASSERT_EQ(z.error, "");
  for (size_t i = 0; i < q.size(); ++i) {
    int8_t ibert = requantIBert(q[i], 1, 1, -43);
    EXPECT_EQ(get<int8_t>(*z.M, Vec, 0, i), ibert);
    EXPECT_EQ(get<int8_t>(*z.M, Vec, 16, i), std::max<int8_t>(ibert, -43));
    EXPECT_EQ(get<int8_t>(*z.M, Vec, 32, i),
              std::max<int8_t>(requantElastic(q[i], 1, 1, -43), -43));
  }
  Result bad = runAsm("rq.elastic dsp=vec, dst=0, asp=acc, a=0, rows=1, "
                      "cols=1, rreg=5\nend\n");
  EXPECT_NE(bad.error.find("invalid instruction at instruction 0 (rq.elastic"),
            std::string::npos)
      << bad.error;
}

TEST(Sim, IntegerSfuMatchKernels) {
  IExpConsts ec = iExpConstants(0.05);
  IGeluConsts gc = iGeluConstants(0.02);
  std::vector<int32_t> x = {-100, -3, 0, 12, 50, -60, 7, 99};
  auto init = [&](Machine &M) {
    for (size_t i = 0; i < x.size(); ++i)
      put<int32_t>(M, Acc, 0, i, x[i]);
    put<int32_t>(M, Acc, 0, 2, 0);
    for (int t = 0; t < 256; ++t) { // LUT: num = den = 256 >> (t / 32)
      put<uint16_t>(M, Vec, 512, t, static_cast<uint16_t>(256 >> (t / 32)));
      put<uint16_t>(M, Vec, 512, 256 + t, static_cast<uint16_t>(256 >> (t / 32)));
    }
    for (size_t i = 0; i < x.size(); ++i)
      M.rawSpad(Vec)[2000 + i] = static_cast<uint8_t>(x[i] / 2);
  };
  std::string s =
      "cfg.ireg rd=0, value=" + std::to_string(ec.x0) + "\ncfg.ireg rd=1, value=" +
      std::to_string(ec.bI) + "\ncfg.ireg rd=2, value=" + std::to_string(ec.cI) +
      "\ncfg.ireg rd=3, value=25\ncfg.ireg rd=4, value=" + std::to_string(gc.bI) +
      "\ncfg.ireg rd=5, value=" + std::to_string(gc.cI) +
      "\ncfg.ireg rd=6, value=" + std::to_string(gc.oneI) +
      "\ncfg.ireg rd=7, value=2\ncfg.ireg rd=8, value=512\n"
      "sfu.iexp dsp=acc, dst=64, asp=acc, a=0, rows=1, cols=8, preg=0\n"
      "sfu.isoftmax dsp=acc, dst=128, asp=acc, a=0, rows=2, cols=4, preg=0\n"
      "sfu.igelu dsp=acc, dst=192, asp=acc, a=0, rows=1, cols=8, preg=4\n"
      "sfu.ilayernorm dsp=acc, dst=256, asp=acc, a=0, rows=1, cols=8, preg=7\n"
      "sfu.lutsoftmax dsp=acc, dst=320, asp=vec, a=2000, rows=1, cols=8, "
      "preg=8\nend\n";
  Result r = runAsm(s, init);
  ASSERT_EQ(r.error, "");
  std::vector<int32_t> xs = x;
  xs[2] = 0;
  std::vector<int32_t> sm(8), ln(8);
  // shift 25 brings max exp = c_i * 2^30 (c_i = 1116) down to 16 bits.
  iSoftmaxRow(xs.data(), sm.data(), 4, ec, 25);
  iSoftmaxRow(xs.data() + 4, sm.data() + 4, 4, ec, 25);
  iLayerNormRow(xs.data(), ln.data(), 8, 2);
  int sum = 0;
  for (int i = 0; i < 4; ++i)
    sum += sm[i];
  EXPECT_NEAR(sum, 256, 4) << "softmax output scale is 2^-8";
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(get<int32_t>(*r.M, Acc, 64, i), sat32(iExp(xs[i], ec)));
    EXPECT_EQ(get<int32_t>(*r.M, Acc, 128, i), sm[i]);
    EXPECT_EQ(get<int32_t>(*r.M, Acc, 192, i), sat32(iGelu(xs[i], gc)));
    EXPECT_EQ(get<int32_t>(*r.M, Acc, 256, i), ln[i]);
  }
  // LUT softmax by hand: x/2 = -50 -1 0 6 25 -30 3 49; max 49.
  // t = 99 50 49 43 24 79 46 0 -> num = 256 >> (t/32) = 32 128 128 128 256
  // 64 128 256; den = 1120; out = floor(num * 256 / 1120).
  int32_t want[] = {7, 29, 29, 29, 58, 14, 29, 58};
  for (size_t i = 0; i < 8; ++i)
    EXPECT_EQ(get<int32_t>(*r.M, Acc, 320, i), want[i]) << i;

  Result q = runAsm("sfu.isqrt dsp=acc, dst=64, asp=acc, a=0, rows=1, cols=4\n"
                    "end\n",
                    [](Machine &M) {
                      put<int32_t>(M, Acc, 0, 0, 0);
                      put<int32_t>(M, Acc, 0, 1, 15);
                      put<int32_t>(M, Acc, 0, 2, 16);
                      put<int32_t>(M, Acc, 0, 3, INT32_MAX);
                    });
  ASSERT_EQ(q.error, "");
  EXPECT_EQ(get<int32_t>(*q.M, Acc, 64, 1), 3);
  EXPECT_EQ(get<int32_t>(*q.M, Acc, 64, 2), 4);
  EXPECT_EQ(get<int32_t>(*q.M, Acc, 64, 3), 46340);
  Result neg = runAsm("sfu.isqrt dsp=acc, dst=64, asp=acc, a=0, rows=1, "
                      "cols=1\nend\n",
                      [](Machine &M) { put<int32_t>(M, Acc, 0, 0, -4); });
  EXPECT_NE(neg.error.find("runtime error at instruction 0 (sfu.isqrt"),
            std::string::npos)
      << neg.error;
}

TEST(Sim, Bf16SfuMatchKernels) {
  std::vector<float> x = {-2.0f, -0.5f, 0.0f, 0.75f, 1.0f, 3.0f, 0.1f, 2.5f};
  for (BfMode mode : {BfMode::Ieee, BfMode::Tataa}) {
    std::string m = mode == BfMode::Ieee ? "ieee" : "tataa";
    Result r = runAsm(
        "cfg.mode mode=" + m +
            "\ncfg.const rd=6, bits=0x3e00\ncfg.const rd=7, bits=0x3c23\n"
            "cfg.const rd=1, bits=0x4040\n"
            "bsfu.isqrt dsp=vec, dst=64, asp=vec, a=0, rows=1, cols=8\n"
            "bsfu.gelu dsp=vec, dst=96, asp=vec, a=0, rows=1, cols=8\n"
            "bsfu.div dsp=vec, dst=128, asp=vec, a=0, rows=1, cols=8, ty=bf16, "
            "bconst=1, creg=1\n"
            "bsfu.softmax dsp=vec, dst=160, asp=vec, a=0, rows=1, cols=8\n"
            "bsfu.layernorm dsp=vec, dst=192, asp=vec, a=0, rows=1, cols=8, "
            "creg=6\nend\n",
        [&](Machine &M) {
          for (size_t i = 0; i < x.size(); ++i)
            put<uint16_t>(M, Vec, 0, i, floatToBf(x[i]));
        });
    ASSERT_EQ(r.error, "") << m;
    std::vector<bf16> xb;
    for (float f : x)
      xb.push_back(floatToBf(f));
    for (size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(get<uint16_t>(*r.M, Vec, 64, i), bfIsqrt(xb[i], mode));
      EXPECT_EQ(get<uint16_t>(*r.M, Vec, 96, i), bfGelu(xb[i], mode));
      EXPECT_EQ(get<uint16_t>(*r.M, Vec, 128, i), bfDiv(xb[i], 0x4040, mode));
    }
    // softmax sums to ~1 and the max element gets the largest share.
    float s = 0;
    for (size_t i = 0; i < 8; ++i)
      s += bfToFloat(get<uint16_t>(*r.M, Vec, 160, i));
    EXPECT_NEAR(s, 1.0f, 0.1f) << m;
    EXPECT_GE(get<uint16_t>(*r.M, Vec, 160, 5), get<uint16_t>(*r.M, Vec, 160, 7));
    // layernorm with 1/d = 0.125 and eps ~ 0.01: mean ~0.61, output ~ z-score.
    float ln5 = bfToFloat(get<uint16_t>(*r.M, Vec, 192, 5));
    EXPECT_NEAR(ln5, 1.64f, 0.25f) << m;
  }
}

TEST(Sim, TokenScoreSelectGather) {
  // 2 heads x 6 tokens of CLS attention (int8), hstride 8.
  int8_t h0[6] = {50, 10, 40, 5, 30, 40};
  int8_t h1[6] = {50, 20, 40, 3, 31, 20};
  auto init = [&](Machine &M) {
    std::memcpy(M.rawSpad(Acc).data(), h0, 6);
    std::memcpy(M.rawSpad(Acc).data() + 8, h1, 6);
    for (int row = 0; row < 6; ++row)
      for (int c = 0; c < 4; ++c)
        M.rawSpad(Act)[row * 4 + c] = static_cast<uint8_t>(row * 10 + c);
  };
  // scores = floor((h0 + h1) / 2) = 50 15 40 4 30 30; top-3 of tokens 1..5:
  // 2 (40), 4 (30), 5 (30: tie, lower index first) -> keep {0, 2, 4, 5}.
  Result r = runAsm(
      "tok.score dst=0, asp=acc, a=0, heads=2, n=6, hstride=8, ty=i8\n"
      "tok.select dst=64, src=0, n=6, mode=topk, param=3, lreg=1\n"
      "tok.gather dsp=act, dst=256, asp=act, a=0, idx=64, rowbytes=4, n=6, "
      "lreg=1\n"
      "tok.select dst=128, src=0, n=6, mode=thresh, param=30, lreg=2\nend\n",
      init);
  ASSERT_EQ(r.error, "");
  int32_t scores[] = {50, 15, 40, 4, 30, 30};
  for (int j = 0; j < 6; ++j)
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 0, j), scores[j]);
  EXPECT_EQ(r.M->lens[1], 4u);
  int32_t keep[] = {0, 2, 4, 5};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(get<int32_t>(*r.M, Vec, 64, i), keep[i]);
    for (int c = 0; c < 4; ++c)
      EXPECT_EQ(r.M->rawSpad(Act)[256 + i * 4 + c], keep[i] * 10 + c);
  }
  // threshold > 30: only token 2 besides CLS.
  EXPECT_EQ(r.M->lens[2], 2u);
  EXPECT_EQ(get<int32_t>(*r.M, Vec, 128, 1), 2);

  Result bad = runAsm("cfg.len rd=0, value=2\n"
                      "tok.gather dsp=act, dst=256, asp=act, a=0, idx=0, "
                      "rowbytes=4, n=6, lreg=0\nend\n",
                      [](Machine &M) { put<int32_t>(M, Vec, 0, 1, 9); });
  EXPECT_NE(bad.error.find("gather index 9 at position 1"), std::string::npos)
      << bad.error;
}

TEST(Sim, TokenGatherZeroFillsRowsPastTheRunTimeCount) {
  // Threshold selection keeps a run-time count: scores 50 15 40 4 30 30,
  // keep scores > 29 -> {0, 2, 4, 5}, L0 = 4. The gather's 6-row capacity:
  // rows 0..3 are source rows 0, 2, 4, 5; with zf rows 4..5 become zeros,
  // without it they keep what was there (0xAB).
  const int32_t scores[6] = {50, 15, 40, 4, 30, 30};
  auto init = [&](Machine &M) {
    for (int j = 0; j < 6; ++j)
      put<int32_t>(M, Vec, 0, j, scores[j]);
    for (int row = 0; row < 6; ++row)
      for (int c = 0; c < 4; ++c)
        M.rawSpad(Act)[row * 4 + c] = static_cast<uint8_t>(row * 10 + c + 1);
    for (int b = 0; b < 2 * 24; ++b)
      M.rawSpad(Act)[256 + b] = 0xAB;
  };
  Result r = runAsm(
      "tok.select dst=64, src=0, n=6, mode=thresh, param=29, lreg=0\n"
      "tok.gather dsp=act, dst=256, asp=act, a=0, idx=64, rowbytes=4, n=6, "
      "lreg=0, zf=1\n"
      "tok.gather dsp=act, dst=280, asp=act, a=0, idx=64, rowbytes=4, n=6, "
      "lreg=0\nend\n",
      init);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.M->lens[0], 4u);
  const int keep[] = {0, 2, 4, 5};
  for (int i = 0; i < 6; ++i)
    for (int c = 0; c < 4; ++c) {
      uint8_t want = i < 4 ? static_cast<uint8_t>(keep[i] * 10 + c + 1) : 0;
      EXPECT_EQ(r.M->rawSpad(Act)[256 + i * 4 + c], want) << i << "," << c;
      EXPECT_EQ(r.M->rawSpad(Act)[280 + i * 4 + c], i < 4 ? want : 0xAB)
          << i << "," << c;
    }
}

TEST(Sim, TokenFuseIsTheWeightedMeanOfThePrunedRows) {
  // 6 tokens x 3 bf16 columns, row j = {j, 2j, -j} + 1; scores in vec[0],
  // kept indices {0, 3} in vec[64] (L1 = 2).
  const int32_t scores[6] = {50, 3, 1, -4, 0, 2};
  auto init = [&](Machine &M) {
    for (int j = 0; j < 6; ++j) {
      put<int32_t>(M, Vec, 0, j, scores[j]);
      float row[3] = {j + 1.0f, 2.0f * j + 1, 1.0f - j};
      for (int c = 0; c < 3; ++c)
        put<uint16_t>(M, Act, 0, j * 3 + c, floatToBf(row[c]));
    }
    put<int32_t>(M, Vec, 64, 0, 0);
    put<int32_t>(M, Vec, 64, 1, 3);
  };
  // Pruned: 1, 2, 4, 5 with weights 3, 1, 0, 2 (CLS and the kept token 3
  // excluded whatever their scores): column c = (3 r1 + r2 + 2 r5) / 6.
  Result r = runAsm("cfg.len rd=1, value=2\n"
                    "tok.fuse dst=128, a=0, sc=0, idx=64, n=6, cols=3, "
                    "lreg=1\nend\n",
                    init);
  ASSERT_EQ(r.error, "");
  auto rowOf = [](int j) {
    return std::array<double, 3>{j + 1.0, 2.0 * j + 1, 1.0 - j};
  };
  for (int c = 0; c < 3; ++c) {
    double want = (3 * rowOf(1)[c] + rowOf(2)[c] + 2 * rowOf(5)[c]) / 6;
    EXPECT_EQ(get<uint16_t>(*r.M, Act, 128, c),
              floatToBf(static_cast<float>(want)))
        << "column " << c;
  }
  // Every pruned weight zero (or negative): the plain mean of 1, 2, 4, 5.
  Result flat = runAsm("cfg.len rd=1, value=2\n"
                       "tok.fuse dst=128, a=0, sc=32, idx=64, n=6, cols=3, "
                       "lreg=1\nend\n",
                       [&](Machine &M) {
                         init(M);
                         for (int j = 0; j < 6; ++j)
                           put<int32_t>(M, Vec, 32, j, j == 3 ? 9 : -j);
                       });
  ASSERT_EQ(flat.error, "");
  for (int c = 0; c < 3; ++c) {
    double want = (rowOf(1)[c] + rowOf(2)[c] + rowOf(4)[c] + rowOf(5)[c]) / 4;
    EXPECT_EQ(get<uint16_t>(*flat.M, Act, 128, c),
              floatToBf(static_cast<float>(want)))
        << "column " << c;
  }
  // A kept index outside the tokens, and a length beyond n, are errors.
  Result bad = runAsm("cfg.len rd=1, value=2\n"
                      "tok.fuse dst=128, a=0, sc=0, idx=64, n=6, cols=3, "
                      "lreg=1\nend\n",
                      [&](Machine &M) {
                        init(M);
                        put<int32_t>(M, Vec, 64, 1, 6);
                      });
  EXPECT_NE(bad.error.find("kept index 6 at position 1 is outside the 6 "
                           "tokens"),
            std::string::npos)
      << bad.error;
  Result tooLong = runAsm("cfg.len rd=1, value=7\n"
                          "tok.fuse dst=128, a=0, sc=0, idx=64, n=6, cols=3, "
                          "lreg=1\nend\n",
                          init);
  EXPECT_NE(tooLong.error.find("length register L1 = 7 exceeds the token "
                               "count n = 6"),
            std::string::npos)
      << tooLong.error;
}

//===--- Synchronisation and bad programs --------------------------------===//

TEST(Sim, DependencyViolationIsReported) {
  const char *body = "load spad=act, saddr=0, dram=0x0, rows=1, cols=16, "
                     "stride=16\n%s"
                     "gemm dst=0, a=0, w=0, m=1, k=16, n=1\nend\n";
  char unsynced[512], synced[512];
  std::snprintf(unsynced, sizeof(unsynced), body, "");
  std::snprintf(synced, sizeof(synced), body,
                "push from=load, to=compute\npop from=load, to=compute\n");
  Result bad = runAsm(unsynced);
  EXPECT_NE(bad.error.find("dependency violation at instruction 1 (gemm "),
            std::string::npos)
      << bad.error;
  EXPECT_NE(bad.error.find("reads act byte 0x0 written by instruction 0 "
                           "(queue load) with no sync"),
            std::string::npos)
      << bad.error;
  Result good = runAsm(synced);
  EXPECT_EQ(good.error, "");
  // Write-after-read: a store must not be overtaken by a later compute write.
  Result war = runAsm(
      "gemm dst=0, a=0, w=0, m=1, k=1, n=1\n"
      "push from=compute, to=store\npop from=compute, to=store\n"
      "store spad=acc, saddr=0, dram=0x0, rows=1, cols=4, stride=4\n"
      "gemm dst=0, a=0, w=0, m=1, k=1, n=1\nend\n");
  EXPECT_NE(war.error.find("dependency violation at instruction 4 (gemm"),
            std::string::npos)
      << war.error;
  EXPECT_NE(war.error.find("read by instruction 3 (queue store)"),
            std::string::npos)
      << war.error;
  Result deadlock = runAsm("pop from=load, to=compute\nend\n");
  EXPECT_NE(deadlock.error.find("no earlier matching push"), std::string::npos);
  Result self = runAsm("push from=load, to=load\nend\n");
  EXPECT_NE(self.error.find("invalid instruction at instruction 0"),
            std::string::npos);
}

TEST(Sim, PartialOverlapsAreTrackedPerByte) {
  // load writes act[0,16); after a sync compute reads act[8,24); then a load
  // writes act[20,30) with no sync: WAR on byte 20 only.
  Result r = runAsm(
      "load spad=act, saddr=0, dram=0x0, rows=1, cols=16, stride=16\n"
      "push from=load, to=compute\npop from=load, to=compute\n"
      "vadd dsp=vec, dst=0, asp=act, a=8, bsp=vec, b=64, rows=1, cols=4\n"
      "load spad=act, saddr=24, dram=0x0, rows=1, cols=6, stride=6\n"
      "load spad=act, saddr=20, dram=0x0, rows=1, cols=10, stride=10\nend\n");
  EXPECT_NE(r.error.find("dependency violation at instruction 5 (load "),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("writes act byte 0x14 read by instruction 3 (queue "
                         "compute) with no sync"),
            std::string::npos)
      << r.error;
  // Disjoint ranges need no sync at all.
  Result ok = runAsm(
      "load spad=act, saddr=0, dram=0x0, rows=1, cols=16, stride=16\n"
      "vadd dsp=vec, dst=0, asp=act, a=16, bsp=vec, b=64, rows=1, cols=4\n"
      "load spad=act, saddr=32, dram=0x0, rows=1, cols=8, stride=8\nend\n");
  EXPECT_EQ(ok.error, "");
}

TEST(Sim, DramRoundTripNeedsSync) {
  // store (store queue) writes DRAM 0x100; a load (load queue) reads it back.
  const char *body =
      "push from=compute, to=store\npop from=compute, to=store\n"
      "store spad=vec, saddr=0, dram=0x100, rows=2, cols=8, stride=16\n%s"
      "load spad=act, saddr=0, dram=0x108, rows=1, cols=16, stride=16\nend\n";
  char bad[512], good[512];
  std::snprintf(bad, sizeof(bad), body, "");
  std::snprintf(good, sizeof(good), body,
                "push from=store, to=compute\npop from=store, to=compute\n"
                "push from=compute, to=load\npop from=compute, to=load\n");
  Result r = runAsm(bad);
  EXPECT_NE(r.error.find("dependency violation at instruction 3 (load "),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("reads DRAM byte 0x110 written by instruction 2 "
                         "(queue store) with no sync"),
            std::string::npos)
      << r.error;
  EXPECT_EQ(runAsm(good).error, "");
}

TEST(Sim, BoundsAndBudgets) {
  Result oob = runAsm("load spad=act, saddr=0, dram=0xfff0, rows=2, cols=16, "
                      "stride=16\nend\n");
  EXPECT_NE(oob.error.find("out of bounds at instruction 0 (load "),
            std::string::npos)
      << oob.error;
  EXPECT_NE(oob.error.find("DMA out of bounds: DRAM bytes [65520, 65552)"),
            std::string::npos)
      << oob.error;
  Result ovf = runAsm("gemm dst=1048000, a=0, w=0, m=16, k=16, n=16\nend\n");
  EXPECT_NE(ovf.error.find("scratchpad overflow: acc bytes [1048000"),
            std::string::npos)
      << ovf.error;
  Result width = runAsm("gemm dst=0, a=0, w=0, m=1, k=1, n=1, width=3\nend\n");
  EXPECT_NE(width.error.find("field 'width' = 3"), std::string::npos);
  Result cap = runAsm("cfg.len rd=0, value=9\n"
                      "gemm dst=0, a=0, w=0, m=8, k=1, n=1, lensel=1\nend\n");
  EXPECT_NE(cap.error.find("exceeds the instruction's capacity of 8 rows"),
            std::string::npos)
      << cap.error;
  std::string loop;
  for (int i = 0; i < 50; ++i)
    loop += "cfg.len rd=0, value=1\n";
  Result budget = runAsm(loop + "end\n", {}, true, 1, 10);
  EXPECT_NE(budget.error.find("instruction budget of 10 exhausted"),
            std::string::npos);
  Result noEnd = runAsm("cfg.len rd=0, value=1\n");
  EXPECT_NE(noEnd.error.find("without reaching 'end'"), std::string::npos);
}

TEST(Sim, UnknownOpcodeNamesTheInstruction) {
  std::vector<isa::Word> words(3);
  words[0].lo = 0x04; // cfg.len
  words[1].lo = 0x6E; // unassigned
  words[2].lo = 0x7F;
  auto d = decodeProgram(words);
  ASSERT_FALSE(!!d);
  EXPECT_EQ(llvm::toString(d.takeError()),
            "invalid program: instruction 1: unknown opcode 0x6e");
}

// cvt.f2b: f32 accumulators to bf16. 1 + 2^-8 is a tie between bf16 1.0 and
// 1.0078125 (RNE keeps the even 0x3F80); 1 + 3 * 2^-8 is a tie between
// 0x3F81 and 0x3F82 (RNE: 0x3F82); TATAA truncation keeps 0x3F81. The scale
// register (0.5) multiplies first: 2.0234375 * 0.5 = 1 + 3 * 2^-8.
TEST(Sim, CvtF2bRoundsPerMode) {
  auto init = [](Machine &M) {
    put<float>(M, Acc, 0, 0, 2.0f * 1.00390625f);
    put<float>(M, Acc, 0, 1, 2.0234375f);
    put<float>(M, Acc, 0, 2, -2.0f * 1.00390625f);
  };
  const char *prog = "cfg.const rd=2, bits=0x3f00\n"
                     "cvt.f2b dsp=vec, dst=0, asp=acc, a=0, rows=1, cols=3, "
                     "creg=2\nend\n";
  Result ieee = runAsm(std::string("cfg.mode mode=ieee\n") + prog, init);
  ASSERT_EQ(ieee.error, "");
  EXPECT_EQ(get<uint16_t>(*ieee.M, Vec, 0, 0), 0x3F80);
  EXPECT_EQ(get<uint16_t>(*ieee.M, Vec, 0, 1), 0x3F82);
  EXPECT_EQ(get<uint16_t>(*ieee.M, Vec, 0, 2), 0xBF80);
  Result tataa = runAsm(std::string("cfg.mode mode=tataa\n") + prog, init);
  ASSERT_EQ(tataa.error, "");
  EXPECT_EQ(get<uint16_t>(*tataa.M, Vec, 0, 1), 0x3F81);
}

// rsfu.fn: one row through each function; expected bf16 patterns are the
// round-to-nearest-even bf16 of the exact results (Python's math module in
// double precision): exp(1) = 2.7182818, tanh(0.5) = 0.4621172,
// sigmoid(-2) = 0.1192029, erf(1) = 0.8427008, log(10) = 2.3025851.
TEST(Sim, SfuFunctions) {
  const char *fns[] = {"exp", "tanh", "sigmoid", "erf", "log"};
  uint16_t in[] = {0x3F80, 0x3F00, 0xC000, 0x3F80, 0x4120};
  uint16_t want[] = {0x402E, 0x3EED, 0x3DF4, 0x3F58, 0x4013};
  std::string prog = "cfg.mode mode=tataa\n"; // reference kernels ignore it
  for (int i = 0; i < 5; ++i)
    prog += "rsfu.fn dsp=act, dst=" + std::to_string(64 + 2 * i) +
            ", asp=act, a=" + std::to_string(2 * i) +
            ", rows=1, cols=1, fn=" + fns[i] + "\n";
  prog += "end\n";
  Result r = runAsm(prog, [&](Machine &M) {
    for (int i = 0; i < 5; ++i)
      put<uint16_t>(M, Act, 0, i, in[i]);
  });
  ASSERT_EQ(r.error, "");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(get<uint16_t>(*r.M, Act, 64, i), want[i]) << fns[i];
}

// Reference SFU kernels: expected bf16 patterns are the round-to-nearest-
// even bf16 of the exact results (computed with numpy in double precision):
// softmax(1, 2, 3) = (0.0900306, 0.2447285, 0.6652410),
// layernorm(1, 2, 3, 4) = (-1.3416408, -0.4472136, 0.4472136, 1.3416408),
// gelu(0, 1, -1, 2) = (0, 0.8413447, -0.1586553, 1.9544997).
TEST(Sim, ReferenceSfuKernels) {
  Result r = runAsm(
      "cfg.mode mode=tataa\n" // reference kernels ignore the mode
      "rsfu.softmax dsp=act, dst=64, asp=act, a=0, rows=1, cols=3\n"
      "cfg.const rd=1, bits=0x0000\n"
      "rsfu.layernorm dsp=act, dst=192, asp=act, a=128, rows=1, cols=4, "
      "creg=1\n"
      "rsfu.gelu dsp=act, dst=320, asp=act, a=256, rows=2, cols=2\n"
      "end\n",
      [](Machine &M) {
        uint16_t s[] = {0x3F80, 0x4000, 0x4040};
        uint16_t l[] = {0x3F80, 0x4000, 0x4040, 0x4080};
        uint16_t g[] = {0x0000, 0x3F80, 0xBF80, 0x4000};
        for (int i = 0; i < 3; ++i)
          put<uint16_t>(M, Act, 0, i, s[i]);
        for (int i = 0; i < 4; ++i) {
          put<uint16_t>(M, Act, 128, i, l[i]);
          put<uint16_t>(M, Act, 256, i, g[i]);
        }
      });
  ASSERT_EQ(r.error, "");
  uint16_t softmax[] = {0x3DB8, 0x3E7B, 0x3F2A};
  uint16_t layernorm[] = {0xBFAC, 0xBEE5, 0x3EE5, 0x3FAC};
  uint16_t gelu[] = {0x0000, 0x3F57, 0xBE22, 0x3FFA};
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(get<uint16_t>(*r.M, Act, 64, i), softmax[i]) << i;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(get<uint16_t>(*r.M, Act, 192, i), layernorm[i]) << i;
    EXPECT_EQ(get<uint16_t>(*r.M, Act, 320, i), gelu[i]) << i;
  }
}

// A load with DRAM stride 0 repeats one row in every scratchpad row (bias
// broadcast); a store with stride 0 would race rows and is refused.
TEST(Sim, StrideZeroBroadcastsOnLoadOnly) {
  Result r = runAsm(".const 0x100, i8, 1, 2, 3\n"
                    "load spad=act, saddr=0, dram=0x100, rows=4, cols=3, "
                    "stride=0\nend\n");
  ASSERT_EQ(r.error, "");
  for (int row = 0; row < 4; ++row)
    for (int c = 0; c < 3; ++c)
      EXPECT_EQ(get<int8_t>(*r.M, Act, 0, row * 3 + c), c + 1)
          << row << "," << c;
  Result bad = runAsm("store spad=act, saddr=0, dram=0x100, rows=2, cols=3, "
                      "stride=0\nend\n");
  EXPECT_NE(bad.error.find("DRAM stride 0 is smaller than the row size 3"),
            std::string::npos)
      << bad.error;
}

TEST(Sim, RandomProgramsNeverCrash) {
  // Random instructions with random field values (small addresses biased
  // in so that many of them actually execute): every run must end in
  // success or a clean error. Meaningful mostly under ASan/UBSan.
  std::mt19937_64 rng(99);
  llvm::ArrayRef<isa::InsnInfo> insns = isa::allInsns();
  MachineConfig mc;
  mc.spadBytes = {1 << 14, 1 << 14, 1 << 14, 1 << 13};
  mc.dramBytes = 1 << 14;
  unsigned executed = 0, failed = 0;
  for (int prog = 0; prog < 400; ++prog) {
    std::vector<isa::Word> words;
    for (int n = 0; n < 12; ++n) {
      const isa::InsnInfo &info = insns[rng() % insns.size()];
      std::vector<uint64_t> vals;
      for (const isa::FieldInfo &f : info.fields) {
        uint64_t mask = f.width >= 64 ? ~0ull : (1ull << f.width) - 1;
        uint64_t v = rng() & mask;
        if (rng() % 4) // mostly small values: more instructions get past bounds
          v &= f.width > 6 ? 63 : mask;
        vals.push_back(v);
      }
      words.push_back(*isa::encode(info, vals));
    }
    words.push_back(*isa::encode(*isa::lookup("end"), {}));
    auto code = decodeProgram(words);
    ASSERT_TRUE(!!code);
    Machine M(mc);
    for (auto &b : M.dramBytes())
      b = static_cast<uint8_t>(rng());
    for (unsigned s = 0; s < isa::kNumSpads; ++s)
      for (auto &b : M.rawSpad(static_cast<isa::Spad>(s)))
        b = static_cast<uint8_t>(rng());
    for (auto &p : M.pregs)
      p = static_cast<int32_t>(rng());
    RunOptions o;
    o.maxInstructions = 64;
    if (llvm::Error e = run(M, *code, o)) {
      ++failed;
      llvm::consumeError(std::move(e));
    }
    executed += static_cast<unsigned>(M.stats.instructions);
  }
  EXPECT_GT(executed, 400u);
  EXPECT_GT(failed, 0u);
}

// fuzz-program crash-3aeae4df: a row-wise SFU instruction with cols=0 handed
// memcpy the null storage of an empty row (UBSan in the sanitizer build).
// Zero columns is a no-op, whatever the row count.
TEST(Sim, RowWiseSfuWithZeroColumnsIsANoOp) {
  for (const char *op : {"rsfu.softmax", "rsfu.layernorm"}) {
    Result r = runAsm(std::string(op) +
                          " dsp=wgt, dst=0, asp=act, a=0, rows=512, cols=0, "
                          "lensel=0\nend\n",
                      [](Machine &M) { put<uint8_t>(M, Wgt, 0, 0, 0x5a); });
    EXPECT_EQ(r.error, "") << op;
    ASSERT_TRUE(r.M);
    EXPECT_EQ(get<uint8_t>(*r.M, Wgt, 0, 0), 0x5a) << op;
  }
}

//===----------------------------------------------------------------------===//
// Run-time token counts (threshold token pruning, docs/Lowering.md)
//===----------------------------------------------------------------------===//

TEST(Sim, CfgLenRelDerivesTileCounts) {
  // L0 = 5 kept tokens; tiles of 4 rows at 0, 4 and 8 hold 4, 1 and 0.
  Result r = runAsm("cfg.len rd=0, value=5\n"
                    "cfg.len rd=1, value=0, rel=1, src=0, cap=4\n"
                    "cfg.len rd=2, value=4, rel=1, src=0, cap=4\n"
                    "cfg.len rd=3, value=8, rel=1, src=0, cap=4\nend\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.M->lens[1], 4u);
  EXPECT_EQ(r.M->lens[2], 1u);
  EXPECT_EQ(r.M->lens[3], 0u);
  // gate: all (cap = 64 weight rows) when the tile at 4 holds a valid row,
  // none for the tile at 8.
  Result g = runAsm("cfg.len rd=0, value=5\n"
                    "cfg.len rd=1, value=4, rel=1, src=0, cap=64, gate=1\n"
                    "cfg.len rd=2, value=8, rel=1, src=0, cap=64, gate=1\n"
                    "end\n");
  ASSERT_EQ(g.error, "");
  EXPECT_EQ(g.M->lens[1], 64u);
  EXPECT_EQ(g.M->lens[2], 0u);
  Result bad = runAsm("cfg.len rd=0, value=1, cap=3\nend\n");
  EXPECT_NE(bad.error.find("src, cap and gate are only used with rel=1"),
            std::string::npos)
      << bad.error;
}

TEST(Sim, GemmBf16NselKselLeaveStaleTokensOut) {
  // act [2 x 4], wgt [4 x 3] bf16; only k < 3 and n < 2 take part: the
  // stale k = 3 row / column and n = 2 column hold NaN, which would poison
  // any sum they entered. acc column 2 keeps its sentinel (not written).
  const float a[2][4] = {{1, 2, 3, NAN}, {-1, 0.5f, 2, NAN}};
  const float w[4][3] = {{1, 2, NAN}, {3, 4, NAN}, {5, -6, NAN},
                         {NAN, NAN, NAN}};
  auto init = [&](Machine &M) {
    M.recordExecuted = true;
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 4; ++k)
        put<uint16_t>(M, Act, 0, i * 4 + k, floatToBf(a[i][k]));
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 3; ++j)
        put<uint16_t>(M, Wgt, 0, k * 3 + j, floatToBf(w[k][j]));
    for (int e = 0; e < 6; ++e)
      put<float>(M, Acc, 0, e, 42.0f);
  };
  Result r = runAsm("cfg.len rd=0, value=2\ncfg.len rd=1, value=3\n"
                    "gemm.bf16 dst=0, a=0, w=0, m=2, k=4, n=3, nsel=1, "
                    "ksel=2\nend\n",
                    init);
  ASSERT_EQ(r.error, "");
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      float want = 0;
      for (int k = 0; k < 3; ++k)
        want += bfToFloat(floatToBf(a[i][k])) * bfToFloat(floatToBf(w[k][j]));
      EXPECT_EQ(get<float>(*r.M, Acc, 0, i * 3 + j), want) << i << "," << j;
    }
    EXPECT_EQ(get<float>(*r.M, Acc, 0, i * 3 + 2), 42.0f);
  }
  EXPECT_EQ(r.M->stats.macs, 2u * 3 * 2);
  ASSERT_GT(r.M->executed.size(), 2u);
  EXPECT_EQ(r.M->executed[2].n, 2);
  EXPECT_EQ(r.M->executed[2].k, 3);
  EXPECT_EQ(r.M->executed[2].rows, -1); // no lensel: the static m
  Result cap = runAsm("cfg.len rd=0, value=4\n"
                      "gemm.bf16 dst=0, a=0, w=0, m=1, k=2, n=3, nsel=1\n"
                      "end\n");
  EXPECT_NE(cap.error.find("length register L0 = 4 exceeds the "
                           "instruction's capacity of 3 (nsel)"),
            std::string::npos)
      << cap.error;
}

TEST(Sim, SoftmaxCselNormalizesKeptColumnsAndZerosTheRest) {
  // Row [1, 2, NaN, inf] with L = 2: softmax of [1, 2], then 0, 0.
  const float x[4] = {1, 2, NAN, INFINITY};
  for (const char *mn : {"rsfu.softmax", "bsfu.softmax"}) {
    auto init = [&](Machine &M) {
      for (int c = 0; c < 4; ++c)
        put<uint16_t>(M, Act, 0, c, floatToBf(x[c]));
    };
    Result r = runAsm(std::string("cfg.len rd=0, value=2\n") + mn +
                          " dsp=act, dst=64, asp=act, a=0, rows=1, cols=4, "
                          "csel=1\nend\n",
                      init);
    ASSERT_EQ(r.error, "") << mn;
    float p0 = bfToFloat(get<uint16_t>(*r.M, Act, 64, 0));
    float p1 = bfToFloat(get<uint16_t>(*r.M, Act, 64, 1));
    // exp(-1) / (1 + exp(-1)) = 0.2689, within bf16 (and TATAA's
    // power-of-two exponent) accuracy.
    EXPECT_NEAR(p0, 0.2689f, std::string(mn) == "rsfu.softmax" ? 2e-3 : 0.1)
        << mn;
    EXPECT_GT(p1, p0) << mn;
    EXPECT_EQ(get<uint16_t>(*r.M, Act, 64, 2), 0u) << mn;
    EXPECT_EQ(get<uint16_t>(*r.M, Act, 64, 3), 0u) << mn;
  }
  Result none = runAsm("rsfu.softmax dsp=act, dst=64, asp=act, a=0, rows=1, "
                       "cols=4, csel=5\nend\n");
  EXPECT_NE(none.error.find("csel 5 names no length register"),
            std::string::npos)
      << none.error;
}

namespace {
/// Runs `src` (one stream of text, not validated as a partitioned program)
/// as the streams starting at `starts` on a machine with as many cores.
std::string runStreams(const std::string &src, std::vector<uint32_t> starts) {
  auto img = assembler::assemble(".dram 4096\n" + src, "streams.s");
  if (!img)
    return "asm: " + llvm::toString(img.takeError());
  MachineConfig mc;
  mc.spadBytes = {4096, 4096, 4096, 4096};
  mc.dramBytes = img->dramSize;
  mc.cores = static_cast<unsigned>(starts.size());
  Machine M(mc);
  auto code = decodeProgram(img->code);
  if (!code)
    return llvm::toString(code.takeError());
  RunOptions o;
  o.coreStarts = std::move(starts);
  if (llvm::Error e = run(M, *code, o))
    return llvm::toString(std::move(e));
  return "";
}
} // namespace

// The loader refuses streams whose barriers differ
// (validateCoreStreams); the executor still reports hand-built ones as a
// deadlock naming both cores instead of running on.
TEST(Sim, MismatchedBarriersAreADeadlock) {
  EXPECT_EQ(runStreams("barrier id=0\nend\nend\n", {0, 2}),
            "deadlock: core 0 waits at barrier 0 (instruction 0) while core 1 "
            "has ended (instruction 2)");
  EXPECT_EQ(runStreams("end\nbarrier id=0\nend\n", {0, 1}),
            "deadlock: core 1 waits at barrier 0 (instruction 1) while core 0 "
            "has ended (instruction 0)");
  EXPECT_EQ(runStreams("barrier id=0\nend\nbarrier id=1\nend\n", {0, 2}),
            "deadlock: core 0 waits at barrier 0 (instruction 0) while core 1 "
            "waits at barrier 1 (instruction 2)");
  // Matching barriers pass, and the machine must have the program's cores.
  EXPECT_EQ(runStreams("barrier id=0\nend\nbarrier id=0\nend\n", {0, 2}), "");
  EXPECT_EQ(runStreams("barrier id=0\nend\n", {}), "");
}
