//===- TimingTest.cpp - the timing model against closed forms --------------===//
//
// Expected cycle counts are the documented formulas (docs/Timing.md) worked
// out by hand for the tern-edge preset: 16 x 16 array, 16 bf16/int32 lanes,
// FP latency 4, 500 MHz, 12.8 GB/s (25.6 bytes per cycle), 100 ns (50
// cycles) DRAM latency.
//
//===----------------------------------------------------------------------===//

#include "runtime/asm/Assembler.h"
#include "runtime/report/Report.h"
#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/timing/TimingModel.h"

#include "gtest/gtest.h"

using namespace tern::rt;

namespace {

struct Timed {
  timing::TimingReport report;
  std::string error;
};

Timed timeAsm(
    const std::string &src, bool computeOnly = false, unsigned cores = 1,
    timing::TimingOptions::Bus bus = timing::TimingOptions::Bus::Shared) {
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
  options.cores = cores;
  options.bus = bus;
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

TEST(Timing, VectorBroadcastCostsAsElementWise) {
  // A row or column broadcast of b streams the same 4 x 64 result elements:
  // 16 cycles + latency 4 each, whatever bmode says.
  for (const char *mode : {"elem", "row", "col"}) {
    Timed t = timeAsm(std::string("vmul dsp=act, dst=0, asp=act, a=0, "
                                  "bsp=vec, b=0, rows=4, cols=64, ty=bf16, "
                                  "bmode=") +
                      mode + "\nend\n");
    ASSERT_EQ(t.error, "") << mode;
    EXPECT_EQ(t.report.cycles, 20u) << mode;
  }
}

TEST(Timing, CompareAndSelectCostAsElementWise) {
  // vcmp and vsel stream their 4 x 64 elements through the vector lanes
  // like vadd: 16 cycles + latency 4 on bf16; i32 uses the int32 lanes.
  for (const char *insn :
       {"vcmp dsp=act, dst=0, asp=act, a=0, bsp=vec, b=0, rows=4, cols=64, "
        "ty=bf16, cmp=gt",
        "vsel dsp=act, dst=0, csp=wgt, c=0, asp=act, a=0, bsp=vec, b=0, "
        "rows=4, cols=64, ty=bf16",
        "vadd dsp=act, dst=0, asp=act, a=0, bsp=vec, b=0, rows=4, cols=64, "
        "ty=bf16"}) {
    Timed t = timeAsm(std::string(insn) + "\nend\n");
    ASSERT_EQ(t.error, "") << insn;
    EXPECT_EQ(t.report.cycles, 20u) << insn;
  }
  Timed i32 = timeAsm("vcmp dsp=act, dst=0, asp=act, a=0, bsp=vec, b=0, "
                      "rows=4, cols=64, ty=i32, cmp=eq\nend\n");
  Timed add = timeAsm("vadd dsp=act, dst=0, asp=act, a=0, bsp=vec, b=0, "
                      "rows=4, cols=64, ty=i32\nend\n");
  ASSERT_EQ(i32.error, "");
  EXPECT_EQ(i32.report.cycles, add.report.cycles);
}

TEST(Timing, WrapAndIntegerDivisionUseTheInt32Lanes) {
  // vwrap streams its 4 x 64 int32 elements like an i32 vadd; rsfu.div
  // with ty=i32 streams int32 elements too (bf16 division: the bf16 lanes).
  // swifttron-65nm has 32 int32 lanes and no bf16 ones (counted as one).
  auto cycles = [](const std::string &insn) {
    Timed t = timeAsm(".target swifttron-65nm\n" + insn + "\nend\n");
    EXPECT_EQ(t.error, "") << insn;
    return t.report.cycles;
  };
  uint64_t addI32 = cycles("vadd dsp=act, dst=0, asp=act, a=0, bsp=vec, "
                           "b=0, rows=4, cols=64, ty=i32");
  uint64_t addBf16 = cycles("vadd dsp=act, dst=0, asp=act, a=0, bsp=vec, "
                            "b=0, rows=4, cols=64, ty=bf16");
  EXPECT_EQ(addI32, 256u / 32 + 1);
  EXPECT_EQ(addBf16, 256u + 1);
  EXPECT_EQ(cycles("vwrap dsp=act, dst=0, asp=act, a=0, rows=4, cols=64, "
                   "bits=8, sgn=1"),
            addI32);
  EXPECT_EQ(cycles("rsfu.div dsp=act, dst=0, asp=act, a=0, bsp=vec, b=0, "
                   "rows=4, cols=64, ty=i32"),
            addI32);
  EXPECT_EQ(cycles("rsfu.div dsp=act, dst=0, asp=act, a=0, bsp=vec, b=0, "
                   "rows=4, cols=64, ty=bf16"),
            addBf16);
}

TEST(Timing, EnergyAddsEventsAndStaticPower) {
  // tern-edge: 0.25 pJ/MAC, 15 mW static. 32*64*48 MACs = 98304 -> 24576 pJ;
  // 486 cycles at 500 MHz = 0.972 us -> 15 mW * 0.972 us = 14580 pJ.
  Timed t = timeAsm("gemm dst=0, a=0, w=0, m=32, k=64, n=48\nend\n", true);
  ASSERT_EQ(t.error, "");
  EXPECT_DOUBLE_EQ(t.report.dynamicPj, 24576.0);
  EXPECT_NEAR(t.report.staticPj, 14580.0, 1e-6);
}

TEST(Timing, CoresShareTheDramBandwidth) {
  // tataa-u280: 115.2 GB/s at 225 MHz = 512 B/cycle for one core alone,
  // 64 B/cycle each when 8 cores share it; 300 ns = 68 cycles of latency.
  const std::string src = ".target tataa-u280\n"
                          "load spad=act, saddr=0, dram=0, rows=32, "
                          "cols=128, stride=128\nend\n";
  Timed one = timeAsm(src);
  Timed eight = timeAsm(src, false, 8, timing::TimingOptions::Bus::Split);
  ASSERT_EQ(one.error, "");
  ASSERT_EQ(eight.error, "");
  EXPECT_EQ(one.report.cycles, 68u + 4096u / 512);
  EXPECT_EQ(eight.report.cycles, 68u + 4096u / 64);
  // On one shared channel the eight 8-cycle transfers go one after another:
  // the last ends at 64, its data arrive at 64 + 68, as with the split.
  EXPECT_EQ(timeAsm(src, false, 8).report.cycles, 68u + 4096u / 64);
  // Every core moves the same bytes: dynamic energy counts all 8.
  EXPECT_DOUBLE_EQ(eight.report.dynamicPj, 8 * one.report.dynamicPj);
  EXPECT_EQ(eight.report.cores, 8u);
}

/// Times `src` on tern-edge with `latencyNs` of DRAM latency on `cores`
/// cores sharing DRAM as `bus` says.
/// Times `src` on tern-edge given `cores` cores, `latencyNs` of DRAM
/// latency and `hopCycles` of NoC hop latency: as `cores` data-parallel
/// copies on `bus`, or, for a partitioned program (`.core` streams), its
/// own streams.
timing::TimingReport timeOnBus(const std::string &src, unsigned cores,
                               timing::TimingOptions::Bus bus, double latencyNs,
                               double hopCycles = 0) {
  auto img = assembler::assemble(".dram 65536\n" + src, "bus.s");
  EXPECT_TRUE(!!img);
  if (!img) {
    llvm::consumeError(img.takeError());
    return {};
  }
  auto preset = targets::loadPreset("tern-edge");
  auto code = sim::decodeProgram(img->code);
  EXPECT_TRUE(preset && code);
  if (!preset || !code) {
    if (!preset)
      llvm::consumeError(preset.takeError());
    if (!code)
      llvm::consumeError(code.takeError());
    return {};
  }
  preset->first.cores = cores;
  preset->first.dramLatencyNs = latencyNs;
  preset->first.nocHopCycles = hopCycles;
  timing::TimingOptions options;
  options.cores = img->coreStarts.empty() ? cores : 1;
  options.coreStarts = img->coreStarts;
  options.bus = bus;
  options.recordSlices = true;
  return timing::simulate(*code, preset->first, options);
}

std::string repeat(const std::string &s, unsigned n) {
  std::string out;
  for (unsigned i = 0; i < n; ++i)
    out += s;
  return out;
}

// tern-edge: 25.6 B/cycle for the whole channel; a 4096-byte load is 160
// cycles at the full bandwidth, 320 at half.
const std::string kLoad4k =
    "load spad=act, saddr=0, dram=0, rows=64, cols=64, stride=64\n";

TEST(Timing, SharedBusDmaBoundCoresTakeTotalBytesOverBandwidth) {
  using Bus = timing::TimingOptions::Bus;
  const std::string prog = repeat(kLoad4k, 10) + "end\n";
  // No latency: two DMA-bound cores keep the channel busy, so the run takes
  // all their bytes over the bandwidth: 2 x 10 x 4096 / 25.6 = 3200, as the
  // even split (10 x 320) gives.
  timing::TimingReport shared = timeOnBus(prog, 2, Bus::Shared, 0);
  timing::TimingReport split = timeOnBus(prog, 2, Bus::Split, 0);
  EXPECT_EQ(shared.cycles, 3200u);
  EXPECT_EQ(split.cycles, 3200u);
  // Four cores: 4 x 10 x 4096 / 25.6.
  EXPECT_EQ(timeOnBus(prog, 4, Bus::Shared, 0).cycles, 6400u);
  // With 100 ns (50 cycles) of latency the split pays it per load on each
  // core: 10 x (50 + 320) = 3700. On the shared channel one core's latency
  // overlaps the other's transfer, the channel stays busy and only the
  // last load's latency shows: 3200 + 50.
  EXPECT_EQ(timeOnBus(prog, 2, Bus::Split, 100).cycles, 3700u);
  EXPECT_EQ(timeOnBus(prog, 2, Bus::Shared, 100).cycles, 3250u);
  // Events are one core's and the energy counts both.
  EXPECT_EQ(shared.dramBytes, 10u * 4096);
  EXPECT_DOUBLE_EQ(shared.dynamicPj, split.dynamicPj);
}

TEST(Timing, SharedBusServesRequestsFirstComeFirstServed) {
  using Bus = timing::TimingOptions::Bus;
  // One load, then a GEMM that waits for it (486 cycles, see above). Core 0
  // is granted the channel at 0: 160 + 50 latency, push, pop, GEMM: 698.
  // Core 1 asked at the same time and waits for core 0's transfer: its data
  // arrive at 160 + 160 + 50 = 370, and it ends at 370 + 2 + 486 = 858.
  const std::string prog = kLoad4k +
                           "push from=load, to=compute\n"
                           "pop from=load, to=compute\n"
                           "gemm dst=0, a=4096, w=0, m=32, k=64, n=48\nend\n";
  timing::TimingReport r = timeOnBus(prog, 2, Bus::Shared, 100);
  EXPECT_EQ(r.cycles, 858u);
  // Busy cycles and slices are core 0's.
  ASSERT_EQ(r.slices.size(), 2u);
  EXPECT_EQ(r.slices[0].start, 0u);
  EXPECT_EQ(r.slices[0].end, 210u);
  EXPECT_EQ(r.slices[1].start, 212u);
  EXPECT_EQ(r.slices[1].end, 698u);
  EXPECT_EQ(r.busyCycles[static_cast<unsigned>(isa::Unit::Dma)], 210u);
  // A single core has the channel to itself: as the one-core model.
  EXPECT_EQ(timeOnBus(prog, 1, Bus::Shared, 100).cycles, 698u);
}

TEST(Timing, SharedBusLeavesComputeBoundCoresAlone) {
  using Bus = timing::TimingOptions::Bus;
  // No DMA: eight cores each take the one core's 2 x 486 cycles.
  const std::string prog = "gemm dst=0, a=0, w=0, m=32, k=64, n=48\n"
                           "gemm dst=0, a=0, w=0, m=32, k=64, n=48, acc=1\n"
                           "end\n";
  EXPECT_EQ(timeOnBus(prog, 8, Bus::Shared, 100).cycles, 972u);
  // A load on the load queue beside the GEMMs (no token between them): with
  // eight cores the loads queue on the channel, 8 x 160 + 50 = 1330 for the
  // last one, longer than the GEMMs: the run is the channel's.
  EXPECT_EQ(timeOnBus(kLoad4k + prog, 8, Bus::Shared, 100).cycles,
            8u * 160 + 50);
  // With only two cores the loads (2 x 160 + 50 = 370) hide behind the
  // GEMMs: compute-bound, 972 as without DMA.
  EXPECT_EQ(timeOnBus(kLoad4k + prog, 2, Bus::Shared, 100).cycles, 972u);
}

TEST(Timing, PeaksComeFromThePreset) {
  auto tataa = targets::loadPreset("tataa-u280");
  auto vit = targets::loadPreset("vit-tp-28nm");
  ASSERT_TRUE(!!tataa && !!vit);
  // 8 cores x 32 x 32 MAC x 2 ops x 225 MHz; 8 x 128 lanes x 225 MHz.
  EXPECT_NEAR(timing::peakInt8Gops(tataa->first), 3686.4, 1e-9);
  EXPECT_NEAR(timing::peakBf16Gflops(tataa->first), 230.4, 1e-9);
  // 16 x 32 MAC x 2 ops x 1 GHz.
  EXPECT_NEAR(timing::peakInt8Gops(vit->first), 1024.0, 1e-9);
  // Sustained throughput: one 16 x 16 tile of k = 16 (33 cycles at 500 MHz)
  // does 2 * 4096 ops: 8192 / 66 ns.
  Timed t = timeAsm("gemm dst=0, a=0, w=0, m=16, k=16, n=16\nend\n", true);
  ASSERT_EQ(t.error, "");
  EXPECT_NEAR(t.report.gops(), 8192.0 / 66.0, 1e-9);
}

// ReRAM tier of atleus-3d: 128 x 128 crossbars, 2 bits per cell (4 cells
// per int8 weight), 1-bit DACs (8 bit-serial steps per int8 input), 8 ADCs
// per crossbar, 16 x 96 = 1536 crossbars per core, 150 pJ per crossbar MVM,
// 2000 pJ per programmed cell (docs/Timing.md).
TEST(Timing, CrossbarCyclesFollowTheGeometry) {
  const std::string prog = ".target atleus-3d\n"
                           "xbar.prog id=0, dram=0, rows=256, cols=64, "
                           "stride=64\n";
  // k = 256, n = 64: 2 x ceil(256 / 128) = 2 x 2 = 4 crossbars, 128 columns
  // each. One input row: 8 steps x 128 / 8 conversions = 128 cycles; m =
  // 10 rows: 1280 cycles; 10 x 4 = 40 MVMs.
  Timed t = timeAsm(prog + "xbar.gemm dst=0, a=0, id=0, m=10, k=256, n=64\n"
                           "end\n",
                    true);
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.report.cycles, 1280u);
  EXPECT_EQ(t.report.busyCycles[static_cast<unsigned>(isa::Unit::Reram)],
            1280u);
  EXPECT_EQ(t.report.reramMacs, 10u * 256 * 64);
  EXPECT_EQ(t.report.macs, 0u);
  EXPECT_EQ(t.report.reramMvms, 40u);
  EXPECT_DOUBLE_EQ(t.report.reramPj, 40 * 150.0);
  // Programming: 256 x 64 weights x 4 cells, apart from the run's energy.
  EXPECT_EQ(t.report.reramCellsWritten, 256u * 64 * 4);
  EXPECT_DOUBLE_EQ(t.report.reramWritePj, 256.0 * 64 * 4 * 2000.0);
  EXPECT_DOUBLE_EQ(t.report.dynamicPj, t.report.reramPj);
  EXPECT_DOUBLE_EQ(t.report.reramShare(), 1.0);

  // A narrow block uses fewer columns: n = 3 -> 12 columns of one crossbar,
  // 8 steps x ceil(12 / 8) = 16 cycles per row; 4-bit weights take 2 cells:
  // n = 3 -> 6 columns, 8 x 1 = 8 cycles per row.
  Timed narrow = timeAsm(".target atleus-3d\n"
                         "xbar.gemm dst=0, a=0, id=0, m=5, k=100, n=3\n"
                         "xbar.gemm dst=0, a=0, id=1, m=5, k=100, n=3, "
                         "width=w4\nend\n",
                         true);
  ASSERT_EQ(narrow.error, "");
  EXPECT_EQ(narrow.report.cycles, 5u * 16 + 5u * 8);

  // More crossbars than a core has run in waves: k = n = 4095 at 8 bits is
  // ceil(4095 / 128) x ceil(16380 / 128) = 32 x 128 = 4096 crossbars, 3
  // waves of 1536: 8 x 16 x 3 = 384 cycles per row.
  Timed big = timeAsm(".target atleus-3d\n"
                      "xbar.gemm dst=0, a=0, id=0, m=2, k=4095, n=4095\n"
                      "end\n",
                      true);
  ASSERT_EQ(big.error, "");
  EXPECT_EQ(big.report.cycles, 2u * 384);
  EXPECT_EQ(big.report.reramMvms, 2u * 4096);
}

TEST(Timing, CrossbarGeometryHelpers) {
  targets::ReramTier t;
  t.tilesPerCore = 1;
  t.crossbarsPerTile = 4;
  t.crossbarRows = t.crossbarCols = 64;
  t.bitsPerCell = 1;
  t.dacBits = 2;
  t.adcsPerCrossbar = 1;
  // 8 cells per int8 weight: n = 10 -> 80 columns -> 2 crossbars across;
  // k = 65 -> 2 down: 4.
  EXPECT_EQ(timing::crossbarsForBlock(t, 65, 10, 8), 4u);
  EXPECT_EQ(timing::crossbarsForBlock(t, 65, 10, 4), 2u);
  // 2-bit DACs: 4 steps; 64 columns through 1 ADC: 64; 5 crossbars on 4: 2
  // waves -> 512.
  EXPECT_EQ(timing::crossbarCyclesPerVector(t, 5, 64), 4u * 64 * 2);
  EXPECT_EQ(timing::crossbarCyclesPerVector(t, 4, 10), 4u * 10);
}

// cvt.f2i (the exact QuantizeLinear) is charged as cvt.b2i: one pass of
// the bf16 lanes over rows x cols elements plus the FP latency, with the
// same lane-op energy event.
TEST(Timing, CvtF2iCostsAsCvtB2i) {
  auto preset = targets::loadPreset("tern-edge");
  ASSERT_TRUE(!!preset);
  auto p = targets::parsePreset(preset->second, "tern-edge");
  ASSERT_TRUE(!!p);
  auto img = assembler::assemble(
      "cvt.b2i dsp=act, dst=0, asp=act, a=4096, rows=7, cols=100, creg=0\n"
      "cvt.f2i dsp=act, dst=0, asp=act, a=4096, rows=7, cols=100, src=1, "
      "scale=0x3f800000\nend\n",
      "f2i.s");
  ASSERT_TRUE(!!img) << llvm::toString(img.takeError());
  auto code = sim::decodeProgram(img->code);
  ASSERT_TRUE(!!code);
  uint64_t b2i = timing::instructionCycles((*code)[0], *p, {});
  uint64_t f2i = timing::instructionCycles((*code)[1], *p, {});
  EXPECT_EQ(f2i, b2i);
  EXPECT_EQ(f2i, (700 + p->bf16Lanes - 1) / p->bf16Lanes + p->fpLatency);
}

TEST(Timing, ExtremePresetValuesSaturate) {
  // The smallest positive bandwidth is a valid preset; the DMA cost must
  // saturate rather than convert an out-of-range double.
  auto base = targets::loadPreset("tern-edge");
  ASSERT_TRUE(!!base);
  std::string text = base->second;
  const std::string from = "\"bandwidth_gbps\": 12.8";
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "\"bandwidth_gbps\": 1e-300");
  auto preset = targets::parsePreset(text, "slow");
  ASSERT_TRUE(!!preset) << llvm::toString(preset.takeError());
  auto img = assembler::assemble(".dram 65536\nload spad=act, saddr=0, "
                                 "dram=0, rows=64, cols=64, stride=64\nend\n",
                                 "slow.s");
  ASSERT_TRUE(!!img);
  auto code = sim::decodeProgram(img->code);
  ASSERT_TRUE(!!code);
  EXPECT_EQ(timing::instructionCycles((*code)[0], *preset, {}), uint64_t(1)
                                                                    << 62);
}

} // namespace

// Both mode: the functional run records the dimensions each instruction
// executed with (run-time lengths, bitmaps) and the timing model charges
// those; perf mode charges the static capacity (the compile-time
// expectation).
TEST(Timing, BothModeChargesRunTimeCountsAndBitmapRows) {
  // L0 = 5 of capacity 32 rows: gemm m=32, k=64, n=48 on 16x16 is
  // 2 * 3 * (64 + 17) = 486 cycles static, 1 * 3 * 81 = 243 at 5 rows. The
  // bitmap GEMM multiplies the 16 K rows whose bits are set (bytes 0xff at
  // vec[0..1], 0 after): static 2 * 3 * 81 = 486, executed
  // 2 * 3 * (16 + 17) = 198. The load of 5 of 32 rows of 64 bytes: 50 +
  // ceil(320 / 25.6) = 63 cycles instead of 50 + 80 = 130; a load of
  // L1 = 0 rows moves nothing: its issue slot, 1 cycle.
  const std::string src =
      ".dram 65536\n"
      "cfg.len rd=0, value=5\n"
      "gemm dst=0, a=0, w=0, m=32, k=64, n=48, lensel=1\n"
      "gemm dst=0, a=0, w=0, m=32, k=64, n=48, bmap=1, baddr=0\n"
      "load spad=act, saddr=8192, dram=0, rows=32, cols=64, stride=64, "
      "lensel=1\n"
      "cfg.len rd=1, value=0\n"
      "load spad=act, saddr=16384, dram=0, rows=32, cols=64, stride=64, "
      "lensel=2\nend\n";
  auto img = assembler::assemble(src, "both.s");
  ASSERT_TRUE(!!img) << llvm::toString(img.takeError());
  auto preset = targets::parsePreset(img->targetJson, img->targetName);
  ASSERT_TRUE(!!preset) << llvm::toString(preset.takeError());
  auto code = sim::decodeProgram(img->code);
  ASSERT_TRUE(!!code) << llvm::toString(code.takeError());
  sim::MachineConfig mc;
  mc.spadBytes = {preset->actBytes, preset->wgtBytes, preset->accBytes,
                  preset->vecBytes};
  mc.dramBytes = img->dramSize;
  sim::Machine M(mc);
  M.recordExecuted = true;
  M.rawSpad(isa::Spad::Vec)[0] = 0xff;
  M.rawSpad(isa::Spad::Vec)[1] = 0xff;
  ASSERT_FALSE(!!sim::run(M, *code, {}));
  ASSERT_EQ(M.executed.size(), 6u); // up to the last recording instruction
  EXPECT_EQ(M.executed[1].rows, 5);
  EXPECT_EQ(M.executed[2].k, 16);
  EXPECT_EQ(M.executed[3].rows, 5);
  EXPECT_FALSE(M.executed[4].any());
  EXPECT_EQ(M.executed[5].rows, 0);

  timing::TimingOptions options;
  options.recordSlices = true;
  timing::CodeView view(*code);
  timing::TimingReport perf = timing::simulate(view, *preset, options);
  timing::TimingReport both =
      timing::simulate(view.withExecuted(M.executed), *preset, options);
  auto unitBusy = [](const timing::TimingReport &r, isa::Unit u) {
    return r.busyCycles[static_cast<unsigned>(u)];
  };
  EXPECT_EQ(unitBusy(perf, isa::Unit::Matrix), 486u + 486u);
  EXPECT_EQ(unitBusy(both, isa::Unit::Matrix), 243u + 198u);
  EXPECT_EQ(unitBusy(perf, isa::Unit::Dma), 130u + 130u);
  EXPECT_EQ(unitBusy(both, isa::Unit::Dma), 63u + 1u);
  EXPECT_EQ(perf.macs, 2u * 32 * 64 * 48);
  EXPECT_EQ(both.macs, 5u * 64 * 48 + 32u * 16 * 48);
  EXPECT_EQ(both.dramBytes, 5u * 64);
  EXPECT_LT(both.cycles, perf.cycles);
}

// Perf mode's expected counts (--expect-keep): the length registers
// followed through tok.select and cfg.len without data.
TEST(Timing, ExpectedDimsFollowTheLengthRegisters) {
  const std::string src =
      ".dram 65536\n"
      "tok.select dst=0, src=0, n=17, mode=thresh, param=5, lreg=0\n"
      "cfg.len rd=2, value=0, rel=1, src=0, cap=16\n"
      "cfg.len rd=3, value=16, rel=1, src=0, cap=1\n"
      "cfg.len rd=1, value=16, rel=1, src=0, cap=64, gate=1\n"
      "gemm dst=0, a=0, w=0, m=16, k=64, n=48, lensel=3\n"
      "gemm dst=0, a=0, w=0, m=1, k=64, n=48, lensel=4\n"
      "load spad=wgt, saddr=0, dram=0, rows=64, cols=48, stride=48, "
      "lensel=2\n"
      "rsfu.softmax dsp=act, dst=0, asp=act, a=0, rows=16, cols=17, "
      "lensel=3, csel=1\nend\n";
  auto img = assembler::assemble(src, "expect.s");
  ASSERT_TRUE(!!img) << llvm::toString(img.takeError());
  auto code = sim::decodeProgram(img->code);
  ASSERT_TRUE(!!code) << llvm::toString(code.takeError());
  timing::CodeView view(*code);
  std::vector<isa::ExecutedDims> five = timing::expectedDims(view, 5);
  ASSERT_EQ(five.size(), code->size());
  EXPECT_EQ(five[4].rows, 5);  // min(16, 5)
  EXPECT_EQ(five[5].rows, 0);  // tokens [16, 17): none kept
  EXPECT_EQ(five[6].rows, 0);  // its weight tile: gated off
  EXPECT_EQ(five[7].rows, 5);
  EXPECT_EQ(five[7].cols, 5);
  EXPECT_FALSE(five[1].any());
  std::vector<isa::ExecutedDims> all = timing::expectedDims(view, 100);
  EXPECT_EQ(all[4].rows, 16); // capped at the capacity 17, then 16
  EXPECT_EQ(all[5].rows, 1);
  EXPECT_EQ(all[6].rows, 64);
  EXPECT_EQ(all[7].cols, 17);
}

/// A partitioned program on tern-edge with `cores` cores, `hopCycles` of
/// NoC hop latency and no DRAM latency.
static timing::TimingReport timePartitioned(const std::string &src,
                                            unsigned cores, double hopCycles) {
  return timeOnBus(src, cores, timing::TimingOptions::Bus::Shared, 0,
                   hopCycles);
}

TEST(Timing, BarriersWaitForTheLastCoreAndTheNoc) {
  // Core 0 runs a 486-cycle GEMM before the barrier, core 1 nothing; they
  // meet at 486 + 2 * ceil(log2 2) * 3 + 1 = 493 and each runs a GEMM:
  // 493 + 486 = 979. Core 0 waits 7 cycles, core 1 493.
  const std::string gemm = "gemm dst=0, a=0, w=0, m=32, k=64, n=48\n";
  const std::string two = ".core 0\n" + gemm + "barrier id=0\n" + gemm +
                          "end\n.core 1\nbarrier id=0\n" + gemm + "end\n";
  timing::TimingReport r = timePartitioned(two, 2, 3);
  EXPECT_EQ(r.cycles, 979u);
  EXPECT_EQ(r.programCores, 2u);
  EXPECT_EQ(r.barriers, 1u);
  EXPECT_EQ(r.barrierWaitCycles, 7u + 493u);
  // Events and busy cycles are both cores'; utilization is of both.
  EXPECT_EQ(r.macs, 3u * 32 * 64 * 48);
  EXPECT_EQ(r.busyCycles[static_cast<unsigned>(isa::Unit::Matrix)], 3u * 486);
  EXPECT_DOUBLE_EQ(r.utilization(static_cast<unsigned>(isa::Unit::Matrix)),
                   3.0 * 486 / (2.0 * 979));
  // So is the HTML report's timeline: one bin over the whole run.
  EXPECT_DOUBLE_EQ(
      report::utilisation(r, 1)[0][static_cast<unsigned>(isa::Unit::Matrix)],
      3.0 * 486 / (2.0 * 979));
  // Four cores: two hops each way, 486 + 13 = 499, then 499 + 486.
  const std::string four =
      two + ".core 2\nbarrier id=0\nend\n.core 3\nbarrier id=0\nend\n";
  EXPECT_EQ(timePartitioned(four, 4, 3).cycles, 985u);
  // A one-core stream's barrier only drains its queues (+1 cycle).
  EXPECT_EQ(
      timePartitioned(gemm + "barrier id=0\n" + gemm + "end\n", 1, 3).cycles,
      486u + 1 + 486);
}
