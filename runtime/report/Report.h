//===- Report.h - Self-contained HTML report of a timing run ------*- C++
//-*-===//
//
// `tern report`: one HTML file with inline SVG charts and no external
// resources (no scripts, no fonts, no stylesheets to fetch):
//   - per-layer latency breakdown: busy cycles per unit for every debug
//     location (the same grouping as `tern run --stats`), as stacked bars;
//   - unit utilisation over time: the run cut into equal time bins, the
//     busy fraction of every unit per bin, one line per unit;
//   - roofline: every layer with matrix work at (operations per DRAM byte,
//     achieved GOPS) under the preset's peak compute and DRAM bandwidth.
// It reads only the timing model's report and the instructions' static
// fields: like the timing model, it knows time, never data.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_REPORT_REPORT_H
#define TERN_RUNTIME_REPORT_REPORT_H

#include "runtime/isa/ISA.h"
#include "runtime/sim/timing/TimingModel.h"
#include "runtime/targets/Preset.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tern::rt::report {

/// Per-layer totals (a layer is one debug location).
struct Layer {
  std::string name;
  std::array<uint64_t, isa::kNumUnits> busy{};
  uint64_t first = UINT64_MAX, last = 0; ///< span of its instructions (cycles)
  timing::Events events;                 ///< one core's
};

/// Layers in order of first appearance. `report` must have been simulated
/// with TimingOptions::recordSlices.
std::vector<Layer>
collectLayers(const timing::TimingReport &report, const timing::CodeView &code,
              const std::function<std::string(uint32_t)> &locationOf);

/// Busy fraction (0..1) of each unit in `bins` equal time bins.
std::vector<std::array<double, isa::kNumUnits>>
utilisation(const timing::TimingReport &report, unsigned bins);

struct HtmlOptions {
  std::string title;
  unsigned timeBins = 100;
};

void writeHtml(const timing::TimingReport &report, const timing::CodeView &code,
               const targets::Preset &preset,
               const std::function<std::string(uint32_t)> &locationOf,
               const HtmlOptions &options, llvm::raw_ostream &os);

} // namespace tern::rt::report

#endif
