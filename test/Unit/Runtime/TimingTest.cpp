//===- TimingTest.cpp - the timing model against closed forms --------------===//
//
// Expected cycle counts are the documented formulas (docs/Timing.md) worked
// out by hand for the tern-edge preset: 16 x 16 array, 16 bf16/int32 lanes,
// FP latency 4, 500 MHz, 12.8 GB/s (25.6 bytes per cycle), 100 ns (50
// cycles) DRAM latency.
//
//===----------------------------------------------------------------------===//

#include "runtime/asm/Assembler.h"
#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/timing/TimingModel.h"

#include "gtest/gtest.h"

using namespace tern::rt;

namespace {

struct Timed {
  timing::TimingReport report;
  std::string error;
};

Timed timeAsm(const std::string &src, bool computeOnly = false) {
  Timed t;
  auto img = assembler::assemble(".dram 65536\n" + src, "timing.s");
  if (!img) {
    t.error = llvm::toString(img.takeError());
    return t;
  }
  auto preset = targets::parsePreset(img->targetJson, img->targetName);
  auto code = sim::decodeProgram(img->code);
  if (!preset || !code) {
    t.error = "bad preset or code";
    if (!preset)
      llvm::consumeError(preset.takeError());
    if (!code)
      llvm::consumeError(code.takeError());
    return t;
  }
  timing::TimingOptions options;
  options.computeOnly = computeOnly;
  t.report = timing::simulate(*code, *preset, options);
  return t;
}

TEST(Timing, GemmTilesMatchClosedForm) {
  // m=32, n=48, k=64 on 16x16: 2 * 3 tiles of (64 + 16 + 1) = 486 cycles;
  // two GEMMs share the matrix unit: 972 (+1 for end's queue slot: 0).
  Timed t = timeAsm("gemm dst=0, a=0, w=0, m=32, k=64, n=48\n"
                    "gemm dst=0, a=0, w=0, m=32, k=64, n=48, acc=1\nend\n",
                    /*computeOnly=*/true);
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.report.cycles, 972u);
  EXPECT_EQ(t.report.macs, 2u * 32 * 64 * 48);
  EXPECT_EQ(t.report.busyCycles[static_cast<unsigned>(isa::Unit::Matrix)],
            972u);
}

TEST(Timing, DmaIsBytesOverBandwidthPlusLatency) {
  // 64 rows x 64 bytes = 4096 bytes / 25.6 B/cycle = 160 cycles + 50.
  Timed t = timeAsm("load spad=act, saddr=0, dram=0, rows=64, cols=64, "
                    "stride=64\nend\n");
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.report.cycles, 210u);
  EXPECT_EQ(t.report.dramBytes, 4096u);
  // Compute-only mode charges nothing for DMA.
  EXPECT_EQ(timeAsm("load spad=act, saddr=0, dram=0, rows=64, cols=64, "
                    "stride=64\nend\n",
                    true)
                .report.cycles,
            0u);
}

TEST(Timing, QueuesOverlapUnlessSynchronized) {
  const std::string load =
      "load spad=act, saddr=0, dram=0, rows=64, cols=64, stride=64\n";
  const std::string gemm = "gemm dst=0, a=4096, w=0, m=32, k=64, n=48\n";
  // Independent: the 210-cycle load and the 486-cycle GEMM overlap.
  Timed overlap = timeAsm(load + gemm + "end\n");
  ASSERT_EQ(overlap.error, "");
  EXPECT_EQ(overlap.report.cycles, 486u);
  // With a token the GEMM starts after the load (210) and the push (1) and
  // pop (1): 210 + 1 + 1 + 486.
  Timed serial = timeAsm(load + "push from=load, to=compute\n"
                                "pop from=load, to=compute\n" +
                         gemm + "end\n");
  ASSERT_EQ(serial.error, "");
  EXPECT_EQ(serial.report.cycles, 698u);
}

TEST(Timing, VectorAndSfuStreamThroughLanes) {
  // 4 x 64 bf16 elements on 16 lanes: 16 cycles + latency 4 = 20;
  // a softmax makes 3 passes: 48 + 4 = 52; cycles add up on one queue.
  Timed t = timeAsm("vadd dsp=act, dst=0, asp=act, a=0, bsp=act, b=0, "
                    "rows=4, cols=64, ty=bf16\n"
                    "rsfu.softmax dsp=act, dst=0, asp=act, a=0, rows=4, "
                    "cols=64\nend\n");
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.report.cycles, 20u + 52u);
}

TEST(Timing, EnergyAddsEventsAndStaticPower) {
  // tern-edge: 0.25 pJ/MAC, 15 mW static. 32*64*48 MACs = 98304 -> 24576 pJ;
  // 486 cycles at 500 MHz = 0.972 us -> 15 mW * 0.972 us = 14580 pJ.
  Timed t = timeAsm("gemm dst=0, a=0, w=0, m=32, k=64, n=48\nend\n", true);
  ASSERT_EQ(t.error, "");
  EXPECT_DOUBLE_EQ(t.report.dynamicPj, 24576.0);
  EXPECT_NEAR(t.report.staticPj, 14580.0, 1e-6);
}

} // namespace
