//===- TimingModel.cpp - cycles and energy of an instruction stream -------===//
//
// Cost formulas (docs/Timing.md; tags as in SEEDS.md):
//   DMA        latency + ceil(bytes / bytes-per-cycle)            [inf]
//   gemm       ceil(m/R) * ceil(n/C) tiles of (k + C + 1) cycles: k MACs
//              per output, C cycles to read the tile out, 1 to start
//              (SEEDS.md 1, SwiftTron [inf], used for every array dataflow)
//   gemm.bf16  ceil(m*n*k / bf16 lanes) + FP latency (bf16 on the lanes)
//   vector, requant, SFU, token
//              passes * ceil(elements / lanes) + FP latency
//   cfg, sync  1 cycle; end 0
//   xbar.gemm  m * ceil(8 / dac_bits) * ceil(used cols / ADCs per crossbar)
//              * ceil(crossbars / crossbars per core)  (ReRAM tier)
//   xbar.prog  0: crossbars are programmed once, at program load; the
//              write energy is reported apart from the run
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/timing/TimingModel.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <queue>

using namespace tern::rt;
using namespace tern::rt::timing;
using isa::Opcode;

namespace {

uint64_t ceilDiv(uint64_t a, uint64_t b) { return b ? (a + b - 1) / b : a; }

/// The fields the timing model reads.
enum Field : unsigned {
  M,
  K,
  N,
  Rows,
  Cols,
  From,
  To,
  Width,
  Heads,
  RowBytes,
  Ty,
  NumFields
};

/// Each opcode's index of each Field (-1: none), looked up by name once:
/// the ISA table is the only place that knows layouts.
const std::array<std::array<int8_t, NumFields>, 256> &fieldIndices() {
  static const auto table = [] {
    static const char *const names[NumFields] = {
        "m",  "k",     "n",     "rows",     "cols", "from",
        "to", "width", "heads", "rowbytes", "ty"};
    std::array<std::array<int8_t, NumFields>, 256> t;
    for (auto &row : t)
      row.fill(-1);
    for (const isa::InsnInfo &info : isa::allInsns())
      for (unsigned f = 0; f < NumFields; ++f)
        t[static_cast<uint8_t>(info.opcode)][f] =
            static_cast<int8_t>(info.fieldIndex(names[f]));
    return t;
  }();
  return table;
}

/// Field value (0 when the instruction has no such field).
uint64_t field(const isa::Decoded &d, Field f) {
  int i = fieldIndices()[static_cast<uint8_t>(d.opcode())][f];
  return i < 0 ? 0 : d.f[i];
}

/// Passes over the data a row-wise kernel makes (max, exp/sum, normalise;
/// mean, variance, normalise) [inf].
unsigned passes(Opcode op) {
  switch (op) {
  case Opcode::SfuIsoftmax:
  case Opcode::SfuLutsoftmax:
  case Opcode::BsfuSoftmax:
  case Opcode::RsfuSoftmax:
  case Opcode::SfuIlayernorm:
  case Opcode::RsfuLayernorm:
    return 3;
  case Opcode::BsfuLayernorm:
    return 2; // TATAA's one-pass statistics, then the normalisation
  default:
    return 1;
  }
}

} // namespace

double timing::dramBytesPerCycle(const targets::Preset &p, unsigned cores) {
  return p.clockMHz > 0 ? p.dramGBps * 1e3 / p.clockMHz / std::max(1u, cores)
                        : 0;
}

double timing::peakInt8Gops(const targets::Preset &p) {
  return 2.0 * p.cores * p.arrayRows * p.arrayCols * p.clockMHz / 1e3;
}

double timing::peakBf16Gflops(const targets::Preset &p) {
  return double(p.cores) * p.bf16Lanes * p.clockMHz / 1e3;
}

namespace {
unsigned widthBits(uint64_t width) {
  return width == 0 ? 8 : width == 1 ? 6 : 4;
}

/// Columns of one crossbar a block uses (all but possibly the last).
uint64_t usedColumns(const targets::ReramTier &t, uint64_t n,
                     unsigned weightBits) {
  return std::min<uint64_t>(t.crossbarCols, n * t.cellsPerWeight(weightBits));
}
} // namespace

uint64_t timing::crossbarsForBlock(const targets::ReramTier &t, uint64_t k,
                                   uint64_t n, unsigned weightBits) {
  return ceilDiv(k, std::max(1u, t.crossbarRows)) *
         ceilDiv(n * t.cellsPerWeight(weightBits),
                 std::max(1u, t.crossbarCols));
}

uint64_t timing::crossbarCyclesPerVector(const targets::ReramTier &t,
                                         uint64_t crossbars,
                                         uint64_t usedCols) {
  uint64_t steps = ceilDiv(8, std::max(1u, t.dacBits));
  uint64_t readout = ceilDiv(usedCols, std::max(1u, t.adcsPerCrossbar));
  uint64_t waves =
      ceilDiv(crossbars, std::max<uint64_t>(1, t.crossbarsPerCore()));
  return steps * readout * waves;
}

Events timing::instructionEvents(const isa::Decoded &d,
                                 const targets::Preset *preset) {
  Events e;
  switch (d.info->unit) {
  case isa::Unit::Reram: {
    unsigned bits = widthBits(field(d, Width));
    if (d.opcode() == Opcode::XbarGemm) {
      uint64_t m = field(d, M), k = field(d, K), n = field(d, N);
      e.reramMacs = m * k * n;
      if (preset && preset->reram)
        e.reramMvms = m * crossbarsForBlock(*preset->reram, k, n, bits);
    } else if (preset && preset->reram) {
      e.reramCells =
          field(d, Rows) * field(d, Cols) * preset->reram->cellsPerWeight(bits);
    }
    break;
  }
  case isa::Unit::Matrix:
    (d.opcode() == Opcode::GemmBf16 ? e.bf16Macs : e.macs) =
        field(d, M) * field(d, K) * field(d, N);
    break;
  case isa::Unit::Dma:
    e.dramBytes = field(d, Rows) * field(d, Cols);
    break;
  case isa::Unit::Vector:
  case isa::Unit::Requant:
  case isa::Unit::Sfu:
    e.laneOps = passes(d.opcode()) * field(d, Rows) * field(d, Cols);
    break;
  case isa::Unit::Token:
    // Scoring, selection and gathers move data; fusion multiplies.
    if (d.opcode() == Opcode::TokFuse)
      e.laneOps = field(d, N) * field(d, Cols);
    break;
  default:
    break;
  }
  return e;
}

uint64_t timing::instructionCycles(const isa::Decoded &d,
                                   const targets::Preset &p,
                                   const TimingOptions &options) {
  Opcode op = d.opcode();
  switch (d.info->unit) {
  case isa::Unit::Config:
    return 1;
  case isa::Unit::Sync:
    return op == Opcode::End ? 0 : 1;
  case isa::Unit::Dma: {
    if (options.computeOnly)
      return 0;
    uint64_t bytes = field(d, Rows) * field(d, Cols);
    // Nothing to move (a run-time count of 0 rows): no DRAM request, the
    // issue slot only.
    if (bytes == 0)
      return 1;
    double bpc = dramBytesPerCycle(p, options.cores);
    // In double, saturated: a preset may hold extreme (valid) values, and a
    // double beyond uint64_t does not convert.
    double cycles = std::floor(p.dramLatencyNs * p.clockMHz / 1000.0 + 0.5) +
                    (bpc > 0 ? std::ceil(bytes / bpc - 1e-6) : double(bytes));
    return cycles < 0x1p62 ? static_cast<uint64_t>(cycles) : uint64_t(1) << 62;
  }
  case isa::Unit::Matrix: {
    uint64_t m = field(d, M), k = field(d, K), n = field(d, N);
    if (op == Opcode::GemmBf16)
      return ceilDiv(m * n * k, std::max(1u, p.bf16Lanes)) + p.fpLatency;
    uint64_t rows = std::max(1u, p.arrayRows), cols = std::max(1u, p.arrayCols);
    return ceilDiv(m, rows) * ceilDiv(n, cols) * (k + cols + 1);
  }
  case isa::Unit::Reram: {
    if (op == Opcode::XbarProg || !p.reram)
      return 0; // programmed at load; no tier: the functional model refuses
    const targets::ReramTier &t = *p.reram;
    unsigned bits = widthBits(field(d, Width));
    uint64_t k = field(d, K), n = field(d, N);
    return field(d, M) *
           crossbarCyclesPerVector(t, crossbarsForBlock(t, k, n, bits),
                                   usedColumns(t, n, bits));
  }
  default: {
    // Vector, requant, SFU and token units stream elements through lanes.
    uint64_t elements;
    if (op == Opcode::TokScore || op == Opcode::TokSelect)
      elements = field(d, N) * std::max<uint64_t>(1, field(d, Heads));
    else if (op == Opcode::TokGather)
      elements = field(d, N) * field(d, RowBytes) / 2;
    else if (op == Opcode::TokFuse) // a weighted sum over every token row
      elements = field(d, N) * field(d, Cols);
    else
      elements = field(d, Rows) * field(d, Cols);
    // bf16 work uses the bf16 lanes: vector ops with ty=bf16, the bf16 SFU
    // kernels and the conversions that produce or consume bf16.
    int ty = fieldIndices()[static_cast<uint8_t>(op)][Ty];
    bool bf16;
    if (d.info->unit == isa::Unit::Vector)
      bf16 = ty >= 0 && d.f[ty] == 1;
    else
      bf16 = (static_cast<uint8_t>(op) >=
                  static_cast<uint8_t>(Opcode::BsfuIsqrt) &&
              static_cast<uint8_t>(op) <=
                  static_cast<uint8_t>(Opcode::RsfuGelu)) ||
             op == Opcode::RsfuFn ||
             // rsfu.pow / rsfu.div with ty=i32 (integer Pow, Div) stream
             // int32 elements.
             ((op == Opcode::RsfuPow || op == Opcode::RsfuDiv) && ty >= 0 &&
              d.f[ty] == 1) ||
             op == Opcode::RsfuSqrt ||
             op == Opcode::CvtB2w || op == Opcode::CvtI2b ||
             op == Opcode::CvtF2b || op == Opcode::CvtB2i ||
             op == Opcode::CvtF2i ||
             op == Opcode::TokFuse;
    unsigned lanes = std::max(1u, bf16 ? p.bf16Lanes : p.int32Lanes);
    return passes(op) * ceilDiv(elements, lanes) + p.fpLatency;
  }
  }
}

std::optional<TimingOptions::Bus> timing::parseBus(llvm::StringRef name) {
  if (name == "shared")
    return TimingOptions::Bus::Shared;
  if (name == "split")
    return TimingOptions::Bus::Split;
  return std::nullopt;
}

namespace {
/// Saturates a cycle count held in double: a preset may hold extreme (valid)
/// values, and a double beyond uint64_t does not convert.
uint64_t saturate(double cycles, double limit) {
  return cycles < limit ? static_cast<uint64_t>(cycles)
                        : static_cast<uint64_t>(limit);
}

/// One core's in-order schedule: when each queue and unit is next free, and
/// the tokens pushed but not yet popped (the time each became available).
struct CoreSchedule {
  std::array<uint64_t, isa::kNumQueues> queueFree{};
  std::array<uint64_t, isa::kNumUnits> unitFree{};
  std::array<std::array<std::deque<uint64_t>, isa::kNumQueues>, isa::kNumQueues>
      tokens;
  size_t pc = 0;   ///< next instruction to schedule
  size_t stop = 0; ///< end of the core's stream
  uint8_t id = 0;  ///< the core (a partitioned program's)

  uint64_t finish() const {
    return *std::max_element(queueFree.begin(), queueFree.end());
  }
  /// When instruction `d` could start: its queue and unit are both free.
  uint64_t readyTime(const isa::Decoded &d) const {
    return std::max(queueFree[static_cast<unsigned>(isa::queueOf(d))],
                    unitFree[static_cast<unsigned>(d.info->unit)]);
  }
  void occupy(const isa::Decoded &d, uint64_t end) {
    queueFree[static_cast<unsigned>(isa::queueOf(d))] =
        unitFree[static_cast<unsigned>(d.info->unit)] = end;
  }
};

/// Adds one scheduled instruction to the report: busy cycles, its slice and
/// its (data-independent) events.
void account(TimingReport &r, const targets::Preset &p,
             const TimingOptions &options, size_t index, const isa::Decoded &d,
             uint64_t start, uint64_t cycles, uint8_t core = 0) {
  r.busyCycles[static_cast<unsigned>(d.info->unit)] += cycles;
  if (options.recordSlices && cycles)
    r.slices.push_back({static_cast<uint32_t>(index), d.info->unit, start,
                        start + cycles, core});
  Events e = instructionEvents(d, &p);
  r.macs += e.macs + e.bf16Macs;
  r.bf16Macs += e.bf16Macs;
  r.laneOps += e.laneOps;
  r.dramBytes += e.dramBytes;
  r.sramBytes += e.dramBytes;
  r.reramMacs += e.reramMacs;
  r.reramMvms += e.reramMvms;
  r.reramCellsWritten += e.reramCells;
}

/// What stopped a core's scheduling.
enum class Stopped { End, Dma, Barrier };

/// Schedules core `c` from its pc, in program order, until the end of its
/// stream, (with `stopAtDma`) the next DMA instruction, which is left
/// unscheduled for the shared channel, or (with `stopAtBarrier`) the next
/// barrier, left for the cores to meet at. Without `stopAtBarrier` a
/// barrier drains the core's queues (one core: nobody else to wait for).
/// `r` (may be null) receives what is scheduled.
Stopped scheduleUntil(CoreSchedule &c, const CodeView &code,
                      const targets::Preset &p, const TimingOptions &options,
                      TimingReport *r, bool stopAtDma,
                      bool stopAtBarrier = false) {
  for (; c.pc < c.stop; ++c.pc) {
    const isa::Decoded &d = code[c.pc];
    Opcode op = d.opcode();
    if (op == Opcode::Barrier) {
      if (stopAtBarrier)
        return Stopped::Barrier;
      c.queueFree.fill(c.finish() + 1);
      continue;
    }
    if (op == Opcode::Push || op == Opcode::Pop) {
      unsigned from = static_cast<unsigned>(field(d, From));
      unsigned to = static_cast<unsigned>(field(d, To));
      if (from >= isa::kNumQueues || to >= isa::kNumQueues)
        continue; // the functional model reports malformed sync
      std::deque<uint64_t> &fifo = c.tokens[from][to];
      if (op == Opcode::Push) {
        // The token exists once the push (one cycle) has executed.
        c.queueFree[from] += 1;
        fifo.push_back(c.queueFree[from]);
      } else {
        uint64_t ready = fifo.empty() ? c.queueFree[to] : fifo.front();
        if (!fifo.empty())
          fifo.pop_front();
        c.queueFree[to] = std::max(c.queueFree[to], ready) + 1;
      }
      continue;
    }
    if (stopAtDma && d.info->unit == isa::Unit::Dma)
      return Stopped::Dma;
    uint64_t cycles = instructionCycles(d, p, options);
    uint64_t start = c.readyTime(d);
    c.occupy(d, start + cycles);
    if (r)
      account(*r, p, options, c.pc, d, start, cycles, c.id);
  }
  return Stopped::End;
}

/// Cores that run at once. Each core runs its instruction range (the same
/// whole stream for every core of a data-parallel run, its own stream for a
/// partitioned program) with its own queues and units.
///
/// With `sharedBus`, the cores share one DRAM channel: a DMA instruction
/// requests the channel when its queue and the core's DMA unit are free,
/// transfers start in request order (first come, first served; ties: lower
/// core first) at the full bandwidth, and the data arrive the DRAM latency
/// after the transfer ends. A core's DMA unit is occupied from the request
/// until then. The channel only serialises transfers: latency overlaps with
/// other cores' transfers. Cores interact only through the channel and
/// barriers, so a core runs ahead until its next DMA request or barrier and
/// requests are granted in time order (a core's requests are in time order:
/// its DMA unit is in order). Without `sharedBus`, a DMA costs what
/// instructionCycles says under `options` (the caller's share of the
/// bandwidth).
///
/// Barriers: once every core that has not ended waits at one, they meet
/// when the last core's queues have drained, plus a reduction and a
/// broadcast over the network-on-chip, 2 * ceil(log2 cores) hops [inf].
///
/// `accountAll`: every core's work goes to `r` (a partitioned program);
/// otherwise core 0's (the cores are identical shares).
uint64_t simulateCores(const CodeView &code, const targets::Preset &p,
                       const TimingOptions &options,
                       llvm::ArrayRef<std::pair<size_t, size_t>> ranges,
                       bool sharedBus, bool accountAll, TimingReport &r) {
  const double bpc = dramBytesPerCycle(p, 1);
  const uint64_t latency =
      saturate(std::floor(p.dramLatencyNs * p.clockMHz / 1000.0 + 0.5), 0x1p61);
  const unsigned numCores = static_cast<unsigned>(ranges.size());
  unsigned hops = 0;
  while ((1u << hops) < numCores)
    ++hops;
  const uint64_t meetCycles =
      numCores > 1 ? saturate(2.0 * hops * p.nocHopCycles + 1, 0x1p61) : 1;
  std::vector<CoreSchedule> cores(numCores);
  std::vector<Stopped> state(numCores, Stopped::Dma);
  for (unsigned i = 0; i < numCores; ++i) {
    cores[i].pc = ranges[i].first;
    cores[i].stop = ranges[i].second;
    cores[i].id = static_cast<uint8_t>(i);
  }
  using Request = std::pair<uint64_t, unsigned>; // ready time, core
  std::priority_queue<Request, std::vector<Request>, std::greater<Request>>
      requests;
  auto advance = [&](unsigned i) {
    CoreSchedule &c = cores[i];
    state[i] = scheduleUntil(c, code, p, options,
                             accountAll || i == 0 ? &r : nullptr, sharedBus,
                             /*stopAtBarrier=*/true);
    if (state[i] == Stopped::Dma)
      requests.push({c.readyTime(code[c.pc]), i});
  };
  for (unsigned i = 0; i < numCores; ++i)
    advance(i);
  uint64_t channelFree = 0;
  while (true) {
    while (!requests.empty()) {
      auto [request, i] = requests.top();
      requests.pop();
      CoreSchedule &c = cores[i];
      const isa::Decoded &d = code[c.pc];
      bool accounted = accountAll || i == 0;
      double bytes = double(field(d, Rows)) * double(field(d, Cols));
      if (bytes == 0) { // no DRAM request (instructionCycles)
        c.occupy(d, request + 1);
        if (accounted)
          account(r, p, options, c.pc, d, request, 1, c.id);
      } else {
        uint64_t transfer =
            saturate(bpc > 0 ? std::ceil(bytes / bpc - 1e-6) : bytes, 0x1p61);
        uint64_t grant = std::max(request, channelFree);
        channelFree = grant + transfer;
        uint64_t end = grant + transfer + latency;
        c.occupy(d, end);
        if (accounted)
          account(r, p, options, c.pc, d, request, end - request, c.id);
      }
      ++c.pc;
      advance(i);
    }
    // Every core has ended or waits at a barrier (the loader checked that
    // all reach the same ones; a core that ended early just stops waiting).
    if (llvm::none_of(state, [](Stopped s) { return s == Stopped::Barrier; }))
      break;
    uint64_t arrive = 0;
    for (const CoreSchedule &c : cores)
      arrive = std::max(arrive, c.finish());
    uint64_t meet = arrive + meetCycles;
    ++r.barriers;
    for (unsigned i = 0; i < numCores; ++i) {
      if (state[i] != Stopped::Barrier)
        continue;
      CoreSchedule &c = cores[i];
      if (accountAll || i == 0)
        r.barrierWaitCycles += meet - c.finish();
      c.queueFree.fill(meet);
      ++c.pc;
    }
    for (unsigned i = 0; i < numCores; ++i)
      if (state[i] == Stopped::Barrier)
        advance(i);
  }
  uint64_t cycles = 0;
  for (const CoreSchedule &c : cores)
    cycles = std::max(cycles, c.finish());
  return cycles;
}
} // namespace

void CodeView::applyExecuted(isa::Decoded &d, const isa::ExecutedDims &e) {
  auto set = [&](Field f, int32_t v) {
    int i = fieldIndices()[static_cast<uint8_t>(d.opcode())][f];
    if (v >= 0 && i >= 0)
      d.f[i] = static_cast<uint64_t>(v);
  };
  set(Rows, e.rows);
  set(M, e.rows);
  set(N, e.n);
  set(K, e.k);
  set(Cols, e.cols);
}

std::vector<isa::ExecutedDims> timing::expectedDims(const CodeView &code,
                                                   unsigned keep) {
  std::vector<isa::ExecutedDims> out(code.size());
  std::array<uint64_t, 4> lens{};
  auto at = [](const isa::Decoded &d, const char *name) -> int {
    return d.info->fieldIndex(name);
  };
  for (size_t i = 0; i < code.size(); ++i) {
    isa::Decoded d = code[i];
    auto get = [&](const char *name) {
      int f = at(d, name);
      return f < 0 ? uint64_t(0) : d.f[f];
    };
    if (d.opcode() == Opcode::CfgLen) {
      uint64_t rd = get("rd") & 3, value = get("value");
      if (!get("rel")) {
        lens[rd] = value;
      } else {
        uint64_t len = lens[get("src") & 3], cap = get("cap");
        uint64_t rest = len > value ? len - value : 0;
        lens[rd] = get("gate") ? (rest ? cap : 0) : std::min(rest, cap);
      }
      continue;
    }
    if (d.opcode() == Opcode::TokSelect) {
      uint64_t n = get("n");
      // Threshold mode keeps a run-time count; top-k keeps 1 + param.
      uint64_t kept = get("mode") ? std::min<uint64_t>(keep, n)
                                  : std::min<uint64_t>(1 + get("param"), n);
      lens[get("lreg") & 3] = std::max<uint64_t>(kept, 1); // CLS stays
      continue;
    }
    // A count from a register, at most the static capacity (the
    // functional model would stop there with an error).
    auto sel = [&](const char *selName, const char *countName,
                   int32_t &dst) {
      uint64_t s = get(selName);
      int f = at(d, countName);
      if (s == 0 || s > 4 || f < 0)
        return;
      dst = static_cast<int32_t>(std::min<uint64_t>(lens[s - 1], d.f[f]));
    };
    isa::ExecutedDims &e = out[i];
    sel("lensel", at(d, "m") >= 0 ? "m" : "rows", e.rows);
    sel("nsel", "n", e.n);
    sel("ksel", "k", e.k);
    sel("csel", "cols", e.cols);
  }
  return out;
}

TimingReport timing::simulate(const CodeView &code, const targets::Preset &p,
                              const TimingOptions &options) {
  TimingReport r;
  r.clockMHz = p.clockMHz;
  r.cores = std::max(1u, options.cores);
  r.peakGops = peakInt8Gops(p);
  r.peakBf16Gflops = peakBf16Gflops(p);
  if (options.recordSlices)
    r.slices.reserve(code.size()); // at most one per instruction
  if (options.coreStarts.size() > 1) {
    // A partitioned program: each core its own stream.
    std::vector<std::pair<size_t, size_t>> ranges;
    for (size_t c = 0; c < options.coreStarts.size(); ++c)
      ranges.push_back({options.coreStarts[c], c + 1 < options.coreStarts.size()
                                                   ? options.coreStarts[c + 1]
                                                   : code.size()});
    r.programCores = static_cast<unsigned>(ranges.size());
    bool shared =
        options.bus == TimingOptions::Bus::Shared && !options.computeOnly;
    TimingOptions perCore = options;
    perCore.cores = shared ? 1 : r.programCores; // Split: 1/cores each
    r.cycles = simulateCores(code, p, perCore, ranges, shared,
                             /*accountAll=*/true, r);
  } else if (r.cores > 1 && options.bus == TimingOptions::Bus::Shared &&
             !options.computeOnly) {
    std::vector<std::pair<size_t, size_t>> ranges(r.cores, {0, code.size()});
    r.cycles = simulateCores(code, p, options, ranges, /*sharedBus=*/true,
                             /*accountAll=*/false, r);
  } else {
    // One core stands for all: each has its 1/cores of the bandwidth.
    CoreSchedule core;
    core.stop = code.size();
    scheduleUntil(core, code, p, options, &r, /*stopAtDma=*/false);
    r.cycles = core.finish();
  }
  // Every core runs a share like this one; static power is the chip's.
  double pjMvm = p.reram ? p.reram->pjPerMvm : 0;
  double pjCell = p.reram ? p.reram->pjWritePerCell : 0;
  r.systolicPj = r.cores * (r.macs * p.pjMac + r.laneOps * p.pjLaneOp);
  r.memoryPj =
      r.cores * (r.dramBytes * p.pjDramByte + r.sramBytes * p.pjSramByte);
  r.reramPj = r.cores * (r.reramMvms * pjMvm);
  r.reramWritePj = r.cores * (r.reramCellsWritten * pjCell);
  r.dynamicPj = r.systolicPj + r.memoryPj + r.reramPj;
  // mW * us = nJ = 1000 pJ.
  r.staticPj = p.staticPowerMw * r.microseconds() * 1000.0;
  return r;
}

void timing::printReport(const TimingReport &r, llvm::raw_ostream &os) {
  os << "cycles: " << r.cycles << " (" << llvm::format("%.2f", r.microseconds())
     << " us at " << llvm::format("%.0f", r.clockMHz) << " MHz)\n";
  os << "energy: " << llvm::format("%.3f", r.energyPj() / 1e6) << " uJ ("
     << llvm::format("%.3f", r.dynamicPj / 1e6) << " dynamic, "
     << llvm::format("%.3f", r.staticPj / 1e6) << " static)\n";
  os << "utilization:";
  for (unsigned u = 0; u < isa::kNumUnits; ++u)
    if (r.busyCycles[u])
      os << ' ' << isa::unitName(static_cast<isa::Unit>(u)) << '='
         << llvm::format("%.1f%%", 100.0 * r.utilization(u));
  os << '\n';
  if (r.programCores > 1)
    os << "cores: the program is partitioned across " << r.programCores
       << " cores (utilization: of all of them); " << r.barriers
       << " barriers, " << r.barrierWaitCycles
       << " core-cycles waiting at them\n";
  os << "throughput: " << llvm::format("%.1f", r.gops()) << " GOPS on "
     << r.macs + r.reramMacs << " MACs";
  if (r.cores > 1)
    os << " per core x " << r.cores << " cores";
  os << " (2 ops/MAC); peak " << llvm::format("%.1f", r.peakGops)
     << " GOPS int8, " << llvm::format("%.1f", r.peakBf16Gflops)
     << " GFLOPS bf16\n";
  if (r.reramMacs || r.reramCellsWritten) {
    os << "tiers" << (r.cores > 1 ? " (operations per core)" : "") << ": reram "
       << 2 * r.reramMacs << " ops ("
       << llvm::format("%.1f%%", 100.0 * r.reramShare())
       << " of matrix operations), " << r.reramMvms << " crossbar MVMs, "
       << llvm::format("%.3f", r.reramPj / 1e6) << " uJ; systolic "
       << 2 * r.macs << " ops, " << r.laneOps << " lane ops, "
       << llvm::format("%.3f", r.systolicPj / 1e6) << " uJ; memories "
       << llvm::format("%.3f", r.memoryPj / 1e6) << " uJ\n";
    os << "reram programming (once per program load, not in the energy "
          "above): "
       << r.reramCellsWritten << " cells" << (r.cores > 1 ? " per core" : "")
       << ", " << llvm::format("%.3f", r.reramWritePj / 1e6) << " uJ\n";
  }
}

void timing::writeTrace(const TimingReport &r, const CodeView &code,
                        const std::function<std::string(uint32_t)> &locationOf,
                        llvm::raw_ostream &os) {
  double usPerCycle = r.clockMHz > 0 ? 1.0 / r.clockMHz : 1.0;
  llvm::json::Array events;
  // One process per core (a partitioned program's), one thread per unit.
  for (unsigned core = 0; core < r.programCores; ++core)
    for (unsigned u = 0; u < isa::kNumUnits; ++u)
      events.push_back(llvm::json::Object{
          {"name", "thread_name"},
          {"ph", "M"},
          {"pid", core},
          {"tid", u},
          {"args",
           llvm::json::Object{
               {"name", isa::unitName(static_cast<isa::Unit>(u)).str()}}}});
  for (const Slice &s : r.slices) {
    const isa::Decoded &d = code[s.instruction];
    std::string name = locationOf ? locationOf(s.instruction) : "";
    if (name.empty())
      name = d.info->mnemonic;
    events.push_back(llvm::json::Object{
        {"name", name},
        {"cat", isa::unitName(s.unit).str()},
        {"ph", "X"},
        {"pid", s.core},
        {"tid", static_cast<unsigned>(s.unit)},
        {"ts", s.start * usPerCycle},
        {"dur", (s.end - s.start) * usPerCycle},
        {"args", llvm::json::Object{{"instruction", s.instruction},
                                    {"mnemonic", d.info->mnemonic}}}});
  }
  llvm::json::Object trace{{"traceEvents", std::move(events)},
                           {"displayTimeUnit", "ns"}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(trace))) << "\n";
}

double timing::eventEnergyPj(const Events &e, const targets::Preset &p) {
  return (e.macs + e.bf16Macs) * p.pjMac + e.laneOps * p.pjLaneOp +
         e.dramBytes * (p.pjDramByte + p.pjSramByte) +
         e.reramMvms * (p.reram ? p.reram->pjPerMvm : 0);
}

namespace {
/// Per (layer, unit) totals of the recorded slices, in order of first
/// appearance.
struct LayerUnit {
  std::string layer;
  isa::Unit unit;
  uint64_t instructions = 0, busy = 0, matrixOps = 0, laneOps = 0;
  double pj = 0;
};

std::vector<LayerUnit>
layerUnits(const TimingReport &r, const CodeView &code,
           const targets::Preset &p,
           const std::function<std::string(uint32_t)> &locationOf) {
  std::vector<LayerUnit> out;
  std::map<std::pair<std::string, unsigned>, size_t> index;
  // Consecutive instructions of a unit mostly belong to one layer: each
  // unit's last row is tried before the map.
  std::array<size_t, isa::kNumUnits> last;
  last.fill(SIZE_MAX);
  for (const Slice &s : r.slices) {
    std::string layer = locationOf ? locationOf(s.instruction) : "";
    unsigned u = static_cast<unsigned>(s.unit);
    if (last[u] == SIZE_MAX || out[last[u]].layer != layer) {
      auto [it, inserted] = index.insert({{layer, u}, out.size()});
      if (inserted)
        out.push_back({layer, s.unit});
      last[u] = it->second;
    }
    LayerUnit &l = out[last[u]];
    Events e = instructionEvents(code[s.instruction], &p);
    l.instructions += 1;
    l.busy += s.end - s.start;
    l.matrixOps += 2 * (e.macs + e.bf16Macs + e.reramMacs) * r.cores;
    l.laneOps += e.laneOps * r.cores;
    l.pj += eventEnergyPj(e, p) * r.cores;
  }
  return out;
}
} // namespace

void timing::writeLayerStats(
    const TimingReport &r, const CodeView &code, const targets::Preset &p,
    const std::function<std::string(uint32_t)> &locationOf,
    llvm::raw_ostream &os) {
  os << "layer,unit,instructions,busy_cycles,matrix_ops,lane_ops,energy_pj\n";
  for (const LayerUnit &l : layerUnits(r, code, p, locationOf)) {
    std::string quoted = "\"";
    for (char c : l.layer)
      quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    os << quoted << ',' << isa::unitName(l.unit) << ',' << l.instructions << ','
       << l.busy << ',' << l.matrixOps << ',' << l.laneOps << ','
       << llvm::format("%.3f", l.pj) << '\n';
  }
}

void timing::writeStatsJson(
    const TimingReport &r, const CodeView &code, const targets::Preset &p,
    const std::function<std::string(uint32_t)> &locationOf,
    llvm::raw_ostream &os) {
  namespace json = llvm::json;
  json::Array units;
  for (unsigned u = 0; u < isa::kNumUnits; ++u)
    if (r.busyCycles[u])
      units.push_back(
          json::Object{{"unit", isa::unitName(static_cast<isa::Unit>(u)).str()},
                       {"busy_cycles", r.busyCycles[u]}});
  json::Array layers;
  for (const LayerUnit &l : layerUnits(r, code, p, locationOf))
    layers.push_back(json::Object{{"layer", l.layer},
                                  {"unit", isa::unitName(l.unit).str()},
                                  {"instructions", l.instructions},
                                  {"busy_cycles", l.busy},
                                  {"matrix_ops", l.matrixOps},
                                  {"lane_ops", l.laneOps},
                                  {"energy_pj", l.pj}});
  json::Object tiers{
      {"reram", json::Object{{"ops", 2 * r.reramMacs * r.cores},
                             {"macs", r.reramMacs * r.cores},
                             {"crossbar_mvms", r.reramMvms * r.cores},
                             {"energy_pj", r.reramPj},
                             {"share_of_matrix_ops", r.reramShare()}}},
      {"systolic", json::Object{{"ops", 2 * r.macs * r.cores},
                                {"macs", r.macs * r.cores},
                                {"bf16_macs", r.bf16Macs * r.cores},
                                {"lane_ops", r.laneOps * r.cores},
                                {"energy_pj", r.systolicPj}}},
      {"memories", json::Object{{"dram_bytes", r.dramBytes * r.cores},
                                {"sram_bytes", r.sramBytes * r.cores},
                                {"energy_pj", r.memoryPj}}}};
  json::Object root{
      {"cycles", r.cycles},
      {"microseconds", r.microseconds()},
      {"cores", r.cores},
      {"energy_pj", json::Object{{"dynamic", r.dynamicPj},
                                 {"static", r.staticPj},
                                 {"total", r.energyPj()}}},
      {"tiers", std::move(tiers)},
      {"reram_programming",
       json::Object{{"cells", r.reramCellsWritten * r.cores},
                    {"energy_pj", r.reramWritePj},
                    {"note", "once per program load; not in energy_pj"}}},
      {"units", std::move(units)},
      {"layers", std::move(layers)}};
  os << llvm::formatv("{0:2}", json::Value(std::move(root))) << "\n";
}
