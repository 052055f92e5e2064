//===- TimingModel.h - cycles and energy of an instruction stream -*- C++ -*-===//
//
// "Timing knows time, never data": the model reads decoded instructions
// (fields, unit, queue) and the target preset, never tensor contents. The
// three queues (load, compute, store) run concurrently and in order; units
// are shared between queues; push/pop tokens order them. Each instruction
// occupies its unit for a duration given by closed forms of its static fields
// (docs/Timing.md). Run-time lengths (`lensel`, `nsel`, `ksel`, `csel`) and
// K-row bitmaps are charged at the dimensions the functional model reports
// (CodeView::withExecuted, `both` mode); without them (`perf` mode) at the
// static capacity, the compile-time expectation.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_TIMING_TIMINGMODEL_H
#define TERN_RUNTIME_SIM_TIMING_TIMINGMODEL_H

#include "runtime/isa/ISA.h"
#include "runtime/targets/Preset.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tern::rt::timing {

struct TimingOptions {
  /// Compute-only: DMA costs nothing (unlimited bandwidth, no latency), so
  /// the array model can be compared with closed forms.
  bool computeOnly = false;
  /// Record when each instruction ran (for traces and per-layer statistics).
  bool recordSlices = false;
  /// Multi-core runs as data-parallel shares: the program is one core's
  /// share of work split evenly across `cores` cores that run the same
  /// program at the same time. Each core has its own queues and units and
  /// they share the DRAM bandwidth as `bus` says. Throughput and energy are
  /// reported for all `cores` cores. 1..preset.cores.
  unsigned cores = 1;
  /// How the cores share DRAM (docs/Timing.md, "Several cores").
  enum class Bus {
    /// One DRAM channel at the full bandwidth, first come first served: every
    /// core's transfers queue on it in the order they are requested (ties:
    /// lower core first). All `cores` cores are simulated; cycles are the
    /// last core's finish; busy cycles, slices and events are core 0's.
    Shared,
    /// Each core gets its own 1/cores of the bandwidth (no contention); the
    /// cores are identical, so one is simulated.
    Split,
  };
  Bus bus = Bus::Shared;
  /// A partitioned program's core streams (Program.fbs `core_starts`; empty
  /// or one: a one-core program). With several, every core runs its own
  /// stream on the shared DRAM channel (`bus` Shared, or its 1/cores of the
  /// bandwidth with Split), barriers meet as docs/Timing.md says, and
  /// `cores` must be 1: the program already occupies the cores it names.
  std::vector<uint32_t> coreStarts;
};

/// "shared" / "split"; std::nullopt for anything else.
std::optional<TimingOptions::Bus> parseBus(llvm::StringRef name);

/// The instruction stream the timing model reads: decoded instructions, or
/// the program's words decoded one at a time on access, so that perf mode
/// holds no decoded copy of a large program (a decoded instruction takes
/// 136 bytes, its word 16). Words must decode: sim::decodeProgram or
/// driver::Session checked them.
class CodeView {
public:
  CodeView(llvm::ArrayRef<isa::Decoded> decoded)
      : decoded(decoded), count(decoded.size()) {}
  CodeView(const std::vector<isa::Decoded> &decoded)
      : CodeView(llvm::ArrayRef<isa::Decoded>(decoded)) {}
  static CodeView fromWords(llvm::ArrayRef<isa::Word> words) {
    CodeView v{llvm::ArrayRef<isa::Decoded>()};
    v.words = words;
    v.count = words.size();
    v.fromWordsMode = true;
    return v;
  }
  size_t size() const { return count; }
  isa::Decoded operator[](size_t i) const {
    isa::Decoded d =
        fromWordsMode ? llvm::cantFail(isa::decode(words[i])) : decoded[i];
    if (i < executed.size() && executed[i].any())
      applyExecuted(d, executed[i]);
    return d;
  }
  /// The same stream with the dimensions instruction i ran with
  /// (`executed[i]`, recorded by the functional model) in place of its
  /// static ones: what `both` mode charges.
  CodeView withExecuted(llvm::ArrayRef<isa::ExecutedDims> dims) const {
    CodeView v = *this;
    v.executed = dims;
    return v;
  }
  /// Replaces rows (or m), n, k and cols of `d` by those set in `e`.
  static void applyExecuted(isa::Decoded &d, const isa::ExecutedDims &e);

private:
  llvm::ArrayRef<isa::ExecutedDims> executed;
  llvm::ArrayRef<isa::Decoded> decoded;
  llvm::ArrayRef<isa::Word> words;
  size_t count = 0;
  bool fromWordsMode = false;
};

/// Data-independent events of one instruction (energy, roofline).
struct Events {
  uint64_t macs = 0;     ///< int (gemm) multiply-accumulates
  uint64_t bf16Macs = 0; ///< gemm.bf16 multiply-accumulates
  uint64_t laneOps = 0;  ///< vector, requant and SFU lane operations
  uint64_t dramBytes = 0;
  uint64_t reramMacs = 0;  ///< xbar.gemm multiply-accumulates
  uint64_t reramMvms = 0;  ///< crossbar matrix-vector products (xbar.gemm)
  uint64_t reramCells = 0; ///< crossbar cells programmed (xbar.prog)
};

/// One instruction's occupancy of its unit.
struct Slice {
  uint32_t instruction = 0;
  isa::Unit unit = isa::Unit::Config;
  uint64_t start = 0, end = 0;
  uint8_t core = 0; ///< a partitioned program's core
};

struct TimingReport {
  uint64_t cycles = 0;
  std::array<uint64_t, isa::kNumUnits> busyCycles{};
  /// One core's events; `macs` counts int and bf16 GEMM MACs together.
  uint64_t macs = 0, bf16Macs = 0, laneOps = 0, dramBytes = 0, sramBytes = 0;
  double clockMHz = 0;
  unsigned cores = 1; ///< TimingOptions::cores
  /// Cores a partitioned program runs on (its streams; 1 otherwise). Busy
  /// cycles and events are those of all of them.
  unsigned programCores = 1;
  /// Cycles the cores of a partitioned program spent waiting at barriers
  /// (summed over cores) and the barriers met.
  uint64_t barrierWaitCycles = 0, barriers = 0;
  /// The preset's peaks (all cores): int8 GOPS (2 ops per MAC) and bf16
  /// lane GFLOPS (one operation per lane per cycle).
  double peakGops = 0, peakBf16Gflops = 0;
  /// Dynamic energy from the preset's per-event costs, static energy from
  /// its static power over the run time (picojoules).
  double dynamicPj = 0, staticPj = 0;
  /// The ReRAM tier (atleus-3d), one core's events: in-situ MACs (not in
  /// `macs`), crossbar matrix-vector products and their energy (part of
  /// dynamicPj). Programming the crossbars (xbar.prog) happens once per
  /// program load: its cells and energy are reported apart, outside the
  /// run's cycles and energyPj().
  uint64_t reramMacs = 0, reramMvms = 0, reramCellsWritten = 0;
  double reramPj = 0, reramWritePj = 0;
  /// Dynamic energy split: systolic tier (array MACs and lanes), memories
  /// (DRAM and scratchpad bytes); reramPj + systolicPj + memoryPj ==
  /// dynamicPj.
  double systolicPj = 0, memoryPj = 0;
  /// With TimingOptions::recordSlices, in program order.
  std::vector<Slice> slices;

  double microseconds() const { return clockMHz > 0 ? cycles / clockMHz : 0; }
  /// Busy share of unit `u` over the run (of all of a partitioned
  /// program's cores).
  double utilization(unsigned u) const {
    return cycles ? double(busyCycles[u]) / (double(cycles) * programCores) : 0;
  }
  /// Sustained GEMM throughput of all cores, 2 operations per MAC.
  double gops() const {
    return cycles ? 2.0 * (macs + reramMacs) * cores * clockMHz / cycles / 1e3
                  : 0;
  }
  /// Share of the matrix operations (2 per MAC) run on the ReRAM tier.
  double reramShare() const {
    uint64_t all = macs + reramMacs;
    return all ? double(reramMacs) / all : 0;
  }
  double energyPj() const { return dynamicPj + staticPj; }
};

/// Cycles one instruction occupies its unit (0 for sync and end).
uint64_t instructionCycles(const isa::Decoded &d,
                           const targets::Preset &preset,
                           const TimingOptions &options);

/// MACs, lane operations and DRAM bytes of one instruction (static fields).
/// ReRAM events need the preset's crossbar geometry.
Events instructionEvents(const isa::Decoded &d,
                         const targets::Preset *preset = nullptr);

/// Crossbars one k x n block of `weightBits`-bit weights occupies:
/// ceil(k / rows) x ceil(n * cells per weight / cols).
uint64_t crossbarsForBlock(const targets::ReramTier &t, uint64_t k, uint64_t n,
                           unsigned weightBits);
/// Cycles of one input vector (one activation row) through a block of
/// `crossbars` crossbars using `usedCols` columns each: 8 / dac_bits
/// bit-serial steps, each read out through the crossbar's shared ADCs in
/// ceil(usedCols / adcs_per_crossbar) conversions, in ceil(crossbars /
/// crossbars per core) waves.
uint64_t crossbarCyclesPerVector(const targets::ReramTier &t,
                                 uint64_t crossbars, uint64_t usedCols);

/// Writes the run's totals, per-tier operation counts and energy split and
/// the per-layer busy cycles as JSON (`tern run --stats X.json`).
void writeStatsJson(const TimingReport &report, const CodeView &code,
                    const targets::Preset &preset,
                    const std::function<std::string(uint32_t)> &locationOf,
                    llvm::raw_ostream &os);

/// Dynamic energy (pJ, one core) of one instruction's events on `preset`.
double eventEnergyPj(const Events &e, const targets::Preset &preset);

/// Peak int8 throughput of the whole preset in GOPS: cores x rows x cols
/// MAC/cycle x 2 ops x clock.
double peakInt8Gops(const targets::Preset &preset);
/// Peak bf16 lane throughput in GFLOPS: cores x bf16 lanes x clock.
double peakBf16Gflops(const targets::Preset &preset);
/// DRAM bytes per cycle of one of `cores` cores splitting the bandwidth
/// evenly (TimingOptions::Bus::Split; cores = 1: the whole channel).
double dramBytesPerCycle(const targets::Preset &preset, unsigned cores = 1);

/// The dimensions the stream would execute with if every threshold
/// `tok.select` kept `keep` tokens (at most its n): length registers are
/// followed through `cfg.len` (value, rel, gate) and `tok.select`, and each
/// instruction's lensel / nsel / ksel / csel count read from them, as the
/// functional model would. Bitmaps stay at their static k. The compile-time
/// expectation of `tern run --mode perf --expect-keep`.
std::vector<isa::ExecutedDims> expectedDims(const CodeView &code,
                                            unsigned keep);

/// Schedules the whole stream.
TimingReport simulate(const CodeView &code, const targets::Preset &preset,
                      const TimingOptions &options = {});

void printReport(const TimingReport &report, llvm::raw_ostream &os);

/// Chrome / Perfetto trace (Trace Event format): one track per unit, one
/// complete event per instruction, named by `locationOf(instruction)` (the
/// debug map) or the mnemonic. Times in microseconds at the preset clock.
void writeTrace(const TimingReport &report, const CodeView &code,
                const std::function<std::string(uint32_t)> &locationOf,
                llvm::raw_ostream &os);

/// Busy cycles per debug location (layer) and unit, as CSV:
/// `layer,unit,instructions,busy_cycles,matrix_ops,lane_ops,energy_pj`
/// (operations and dynamic energy of all cores; a unit is a tier's: matrix
/// for the systolic array, reram for the crossbars).
void writeLayerStats(const TimingReport &report, const CodeView &code,
                     const targets::Preset &preset,
                     const std::function<std::string(uint32_t)> &locationOf,
                     llvm::raw_ostream &os);

} // namespace tern::rt::timing

#endif
