//===- Report.cpp - Self-contained HTML report of a timing run ------------===//

#include "runtime/report/Report.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>

using namespace tern::rt;
using namespace tern::rt::report;

namespace {

// One colour per unit (Config, Dma, Matrix, Vector, Requant, Sfu, Token,
// Sync, Reram), colour-blind-safe (Okabe-Ito).
const char *const kUnitColour[isa::kNumUnits] = {
    "#999999", "#0072B2", "#D55E00", "#009E73", "#CC79A7",
    "#E69F00", "#56B4E9", "#000000", "#F0E442"};

std::string esc(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string num(double v, const char *fmt = "%.1f") {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format(fmt, v);
  return s;
}

/// Unit names present in the run, for legends.
std::vector<unsigned> activeUnits(const timing::TimingReport &r) {
  std::vector<unsigned> units;
  for (unsigned u = 0; u < isa::kNumUnits; ++u)
    if (r.busyCycles[u])
      units.push_back(u);
  return units;
}

void legend(llvm::raw_ostream &os, const std::vector<unsigned> &units, double x,
            double y) {
  for (unsigned u : units) {
    os << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 9)
       << "\" width=\"10\" height=\"10\" fill=\"" << kUnitColour[u]
       << "\"/><text x=\"" << num(x + 14) << "\" y=\"" << num(y) << "\">"
       << isa::unitName(static_cast<isa::Unit>(u)) << "</text>\n";
    x += 90;
  }
}

void layerChart(llvm::raw_ostream &os, const std::vector<Layer> &layers,
                const std::vector<unsigned> &units) {
  const double label = 260, width = 560, rowH = 16, top = 30;
  uint64_t longest = 1;
  for (const Layer &l : layers) {
    uint64_t sum = 0;
    for (uint64_t b : l.busy)
      sum += b;
    longest = std::max(longest, sum);
  }
  double height = top + rowH * layers.size() + 30;
  os << "<svg id=\"layers\" class=\"chart\" "
        "xmlns=\"http://www.w3.org/2000/svg\""
     << " width=\"" << num(label + width + 120) << "\" height=\"" << num(height)
     << "\" role=\"img\" aria-label=\"per-layer latency breakdown\">\n";
  legend(os, units, label, 14);
  double y = top;
  for (const Layer &l : layers) {
    os << "<g class=\"layer\"><text x=\"" << num(label - 6) << "\" y=\""
       << num(y + rowH - 4) << "\" text-anchor=\"end\">" << esc(l.name)
       << "</text>";
    double x = label;
    uint64_t sum = 0;
    for (unsigned u : units) {
      if (!l.busy[u])
        continue;
      double w = width * l.busy[u] / longest;
      sum += l.busy[u];
      os << "<rect x=\"" << num(x, "%.2f") << "\" y=\"" << num(y + 2)
         << "\" width=\"" << num(w, "%.2f") << "\" height=\"" << num(rowH - 4)
         << "\" fill=\"" << kUnitColour[u] << "\"><title>" << esc(l.name)
         << ": " << isa::unitName(static_cast<isa::Unit>(u)) << ' ' << l.busy[u]
         << " cycles</title></rect>";
      x += w;
    }
    os << "<text x=\"" << num(x + 4) << "\" y=\"" << num(y + rowH - 4)
       << "\" class=\"small\">" << sum << "</text></g>\n";
    y += rowH;
  }
  os << "<text x=\"" << num(label) << "\" y=\"" << num(height - 8)
     << "\" class=\"small\">busy cycles per unit (units overlap in time, so a "
        "layer's bar can exceed its latency)</text>\n</svg>\n";
}

void utilisationChart(
    llvm::raw_ostream &os,
    const std::vector<std::array<double, isa::kNumUnits>> &bins,
    const std::vector<unsigned> &units, double microseconds) {
  const double left = 50, top = 30, width = 700, height = 220;
  os << "<svg id=\"utilisation\" class=\"chart\" "
        "xmlns=\"http://www.w3.org/2000/svg\" width=\""
     << num(left + width + 20) << "\" height=\"" << num(top + height + 40)
     << "\" role=\"img\" aria-label=\"unit utilisation over time\">\n";
  legend(os, units, left, 14);
  os << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\""
     << num(width) << "\" height=\"" << num(height)
     << "\" fill=\"none\" stroke=\"#ccc\"/>\n";
  for (int pct : {0, 50, 100})
    os << "<text x=\"" << num(left - 4) << "\" y=\""
       << num(top + height * (1 - pct / 100.0) + 4)
       << "\" text-anchor=\"end\" class=\"small\">" << pct << "%</text>\n";
  size_t n = bins.size();
  for (unsigned u : units) {
    os << "<polyline class=\"unit-" << isa::unitName(static_cast<isa::Unit>(u))
       << "\" fill=\"none\" stroke-width=\"1.5\" stroke=\"" << kUnitColour[u]
       << "\" points=\"";
    for (size_t i = 0; i < n; ++i)
      os << num(left + width * (i + 0.5) / n, "%.1f") << ','
         << num(top + height * (1 - bins[i][u]), "%.1f") << ' ';
    os << "\"/>\n";
  }
  os << "<text x=\"" << num(left) << "\" y=\"" << num(top + height + 16)
     << "\" class=\"small\">0</text><text x=\"" << num(left + width)
     << "\" y=\"" << num(top + height + 16)
     << "\" text-anchor=\"end\" class=\"small\">" << num(microseconds, "%.2f")
     << " us</text>\n<text x=\"" << num(left + width / 2) << "\" y=\""
     << num(top + height + 32)
     << "\" text-anchor=\"middle\" class=\"small\">time (" << n
     << " bins); busy fraction of each unit per bin</text>\n</svg>\n";
}

void rooflineChart(llvm::raw_ostream &os, const std::vector<Layer> &layers,
                   const timing::TimingReport &r, const targets::Preset &p) {
  const double left = 60, top = 20, width = 640, height = 320;
  double peak = r.peakGops;      // GOPS, all cores
  double bandwidth = p.dramGBps; // GB/s, shared
  struct Point {
    std::string name;
    double intensity, gops;
  };
  std::vector<Point> points;
  for (const Layer &l : layers) {
    if (!l.events.macs || l.last <= l.first || r.clockMHz <= 0)
      continue;
    double ops = 2.0 * l.events.macs * r.cores;
    double bytes = double(l.events.dramBytes) * r.cores;
    double seconds = (l.last - l.first) / (r.clockMHz * 1e6);
    points.push_back(
        {l.name, bytes > 0 ? ops / bytes : 0, ops / seconds / 1e9});
  }
  // Log axes spanning the ridge point and every layer, by powers of ten.
  double ridge = bandwidth > 0 ? peak / bandwidth : 1;
  double xlo = ridge / 100, xhi = ridge * 100;
  double ylo = peak / 1e4, yhi = peak * 2;
  for (const Point &pt : points) {
    if (pt.intensity > 0)
      xlo = std::min(xlo, pt.intensity / 2),
      xhi = std::max(xhi, pt.intensity * 2);
    if (pt.gops > 0)
      ylo = std::min(ylo, pt.gops / 2);
  }
  xlo = std::pow(10, std::floor(std::log10(xlo)));
  xhi = std::pow(10, std::ceil(std::log10(xhi)));
  ylo = std::pow(10, std::floor(std::log10(ylo)));
  yhi = std::pow(10, std::ceil(std::log10(yhi)));
  auto X = [&](double v) {
    v = std::clamp(v, xlo, xhi);
    return left + width * std::log10(v / xlo) / std::log10(xhi / xlo);
  };
  auto Y = [&](double v) {
    v = std::clamp(v, ylo, yhi);
    return top + height * (1 - std::log10(v / ylo) / std::log10(yhi / ylo));
  };
  os << "<svg id=\"roofline\" class=\"chart\" "
        "xmlns=\"http://www.w3.org/2000/svg\" width=\""
     << num(left + width + 220) << "\" height=\"" << num(top + height + 50)
     << "\" role=\"img\" aria-label=\"roofline\">\n";
  os << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\""
     << num(width) << "\" height=\"" << num(height)
     << "\" fill=\"none\" stroke=\"#ccc\"/>\n";
  for (double v = xlo; v <= xhi * 1.001; v *= 10)
    os << "<text x=\"" << num(X(v)) << "\" y=\"" << num(top + height + 14)
       << "\" text-anchor=\"middle\" class=\"small\">" << num(v, "%g")
       << "</text>\n";
  for (double v = ylo; v <= yhi * 1.001; v *= 10)
    os << "<text x=\"" << num(left - 4) << "\" y=\"" << num(Y(v) + 4)
       << "\" text-anchor=\"end\" class=\"small\">" << num(v, "%g")
       << "</text>\n";
  // The roof: bandwidth x intensity up to the ridge, then the peak.
  os << "<polyline class=\"roof\" fill=\"none\" stroke=\"#333\" "
        "stroke-width=\"2\" points=\"";
  if (bandwidth > 0) {
    double x0 = std::max(xlo, ylo / bandwidth);
    os << num(X(x0)) << ',' << num(Y(bandwidth * x0)) << ' ';
    if (ridge > xlo && ridge < xhi)
      os << num(X(ridge)) << ',' << num(Y(peak)) << ' ';
  } else {
    os << num(X(xlo)) << ',' << num(Y(peak)) << ' ';
  }
  os << num(X(xhi)) << ',' << num(Y(peak)) << "\"/>\n";
  os << "<text x=\"" << num(X(xhi) - 4) << "\" y=\"" << num(Y(peak) - 6)
     << "\" text-anchor=\"end\" class=\"small\">peak " << num(peak)
     << " GOPS</text>\n<text x=\"" << num(X(xlo) + 4) << "\" y=\""
     << num(top + 14) << "\" class=\"small\">DRAM " << num(bandwidth)
     << " GB/s</text>\n";
  size_t i = 0;
  for (const Point &pt : points) {
    double cx = X(pt.intensity > 0 ? pt.intensity : xhi), cy = Y(pt.gops);
    os << "<circle class=\"point\" cx=\"" << num(cx) << "\" cy=\"" << num(cy)
       << "\" r=\"4\" fill=\"" << kUnitColour[2] << "\" fill-opacity=\"0.7\">"
       << "<title>" << esc(pt.name) << ": " << num(pt.intensity, "%.2f")
       << " op/B, " << num(pt.gops) << " GOPS</title></circle>\n";
    if (i++ < 24)
      os << "<text x=\"" << num(left + width + 8) << "\" y=\""
         << num(top + 12 * i) << "\" class=\"small\">" << esc(pt.name) << ' '
         << num(pt.gops) << "</text>\n";
  }
  os << "<text x=\"" << num(left + width / 2) << "\" y=\""
     << num(top + height + 32) << "\" text-anchor=\"middle\" "
     << "class=\"small\">operations per DRAM byte (2 ops/MAC)</text>\n"
     << "<text x=\"14\" y=\"" << num(top + height / 2)
     << "\" transform=\"rotate(-90 14 " << num(top + height / 2)
     << ")\" text-anchor=\"middle\" class=\"small\">achieved GOPS</text>\n"
     << "</svg>\n";
}

} // namespace

std::vector<Layer>
report::collectLayers(const timing::TimingReport &r,
                      const timing::CodeView &code,
                      const std::function<std::string(uint32_t)> &locationOf) {
  std::vector<Layer> layers;
  llvm::StringMap<size_t> index;
  for (const timing::Slice &s : r.slices) {
    std::string name = locationOf ? locationOf(s.instruction) : "";
    if (name.empty())
      name = "(no location)";
    auto [it, inserted] = index.try_emplace(name, layers.size());
    if (inserted) {
      layers.emplace_back();
      layers.back().name = name;
    }
    Layer &l = layers[it->second];
    l.busy[static_cast<unsigned>(s.unit)] += s.end - s.start;
    l.first = std::min(l.first, s.start);
    l.last = std::max(l.last, s.end);
    timing::Events e = timing::instructionEvents(code[s.instruction]);
    l.events.macs += e.macs + e.bf16Macs;
    l.events.bf16Macs += e.bf16Macs;
    l.events.laneOps += e.laneOps;
    l.events.dramBytes += e.dramBytes;
    l.events.reramMacs += e.reramMacs;
  }
  return layers;
}

std::vector<std::array<double, isa::kNumUnits>>
report::utilisation(const timing::TimingReport &r, unsigned bins) {
  bins = std::max(1u, bins);
  std::vector<std::array<double, isa::kNumUnits>> out(bins);
  for (auto &b : out)
    b.fill(0);
  if (!r.cycles)
    return out;
  double binCycles = double(r.cycles) / bins;
  // A partitioned program's slices are all its cores': a unit's share of
  // a bin is of all of them.
  const double units = std::max(1u, r.programCores);
  for (const timing::Slice &s : r.slices) {
    unsigned u = static_cast<unsigned>(s.unit);
    size_t b0 = std::min<size_t>(bins - 1, s.start / binCycles);
    size_t b1 = std::min<size_t>(bins - 1, (s.end - 1) / binCycles);
    for (size_t b = b0; b <= b1; ++b) {
      double lo = std::max<double>(s.start, b * binCycles);
      double hi = std::min<double>(s.end, (b + 1) * binCycles);
      if (hi > lo)
        out[b][u] += (hi - lo) / binCycles / units;
    }
  }
  for (auto &b : out)
    for (double &v : b)
      v = std::min(v, 1.0);
  return out;
}

void report::writeHtml(const timing::TimingReport &r,
                       const timing::CodeView &code, const targets::Preset &p,
                       const std::function<std::string(uint32_t)> &locationOf,
                       const HtmlOptions &options, llvm::raw_ostream &os) {
  std::vector<Layer> layers = collectLayers(r, code, locationOf);
  std::vector<unsigned> units = activeUnits(r);
  std::string title =
      options.title.empty() ? "Tern timing report" : options.title;
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n"
     << "<title>" << esc(title) << "</title>\n<style>\n"
     << "body{font-family:sans-serif;margin:24px;color:#222}\n"
     << "svg text{font-size:11px;font-family:sans-serif}\n"
     << "svg text.small{font-size:10px;fill:#555}\n"
     << "table{border-collapse:collapse;font-size:12px}\n"
     << "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}\n"
     << "td:first-child,th:first-child{text-align:left}\n"
     << "</style>\n</head>\n<body>\n<h1>" << esc(title) << "</h1>\n";
  os << "<p>Target <b>" << esc(p.name) << "</b>: " << esc(p.description)
     << "</p>\n<ul>\n<li>" << r.cycles << " cycles, "
     << num(r.microseconds(), "%.2f") << " us at " << num(r.clockMHz, "%.0f")
     << " MHz";
  if (r.cores > 1)
    os << " (one of " << r.cores << " equal per-core shares; DRAM bandwidth "
       << "shared)";
  os << "</li>\n<li>energy " << num(r.energyPj() / 1e6, "%.3f") << " uJ ("
     << num(r.dynamicPj / 1e6, "%.3f") << " dynamic, "
     << num(r.staticPj / 1e6, "%.3f") << " static)</li>\n<li>" << num(r.gops())
     << " GOPS sustained on " << r.macs << " MACs per core; peak "
     << num(r.peakGops) << " GOPS int8, " << num(r.peakBf16Gflops)
     << " GFLOPS bf16, DRAM " << num(p.dramGBps)
     << " GB/s</li>\n<li>utilisation:";
  for (unsigned u : units)
    os << ' ' << isa::unitName(static_cast<isa::Unit>(u)) << ' '
       << num(100.0 * r.utilization(u)) << '%';
  os << "</li>\n</ul>\n";
  bool reram = r.reramMacs || r.reramCellsWritten;
  if (reram) {
    // Per-tier operations (2 per MAC; lane operations apart) and the
    // dynamic energy split, all cores.
    os << "<h2>Tiers</h2>\n<table>\n<tr><th>tier</th><th>matrix "
          "operations</th><th>share</th><th>other events</th><th>energy "
          "(uJ)</th></tr>\n";
    os << "<tr><td>ReRAM crossbars</td><td>" << 2 * r.reramMacs * r.cores
       << "</td><td>" << num(100.0 * r.reramShare(), "%.1f") << "%</td><td>"
       << r.reramMvms * r.cores << " crossbar MVMs</td><td>"
       << num(r.reramPj / 1e6, "%.3f") << "</td></tr>\n";
    os << "<tr><td>systolic (array and lanes)</td><td>" << 2 * r.macs * r.cores
       << "</td><td>" << num(100.0 * (1 - r.reramShare()), "%.1f")
       << "%</td><td>" << r.laneOps * r.cores << " lane operations</td><td>"
       << num(r.systolicPj / 1e6, "%.3f") << "</td></tr>\n";
    os << "<tr><td>memories</td><td></td><td></td><td>" << r.dramBytes * r.cores
       << " DRAM bytes</td><td>" << num(r.memoryPj / 1e6, "%.3f")
       << "</td></tr>\n";
    os << "<tr><td>static</td><td></td><td></td><td></td><td>"
       << num(r.staticPj / 1e6, "%.3f") << "</td></tr>\n</table>\n";
    os << "<p>Crossbar programming, once per program load (not in the "
          "run's energy): "
       << r.reramCellsWritten * r.cores << " cells, "
       << num(r.reramWritePj / 1e6, "%.3f") << " uJ.</p>\n";
  }

  os << "<h2>Per-layer latency breakdown</h2>\n";
  layerChart(os, layers, units);
  os << "<h2>Unit utilisation over time</h2>\n";
  utilisationChart(os, utilisation(r, options.timeBins), units,
                   r.microseconds());
  os << "<h2>Roofline</h2>\n<p>Layers with matrix work; achieved GOPS over "
        "the layer's span (first start to last end), all cores.</p>\n";
  rooflineChart(os, layers, r, p);

  os << "<h2>Layers</h2>\n<table>\n<tr><th>layer</th><th>span "
        "(cycles)</th>";
  for (unsigned u : units)
    os << "<th>" << isa::unitName(static_cast<isa::Unit>(u)) << "</th>";
  os << "<th>MACs</th>" << (reram ? "<th>ReRAM MACs</th>" : "")
     << "<th>DRAM bytes</th></tr>\n";
  for (const Layer &l : layers) {
    os << "<tr><td>" << esc(l.name) << "</td><td>" << (l.last - l.first)
       << "</td>";
    for (unsigned u : units)
      os << "<td>" << l.busy[u] << "</td>";
    os << "<td>" << l.events.macs << "</td>";
    if (reram)
      os << "<td>" << l.events.reramMacs << "</td>";
    os << "<td>" << l.events.dramBytes << "</td></tr>\n";
  }
  os << "</table>\n</body>\n</html>\n";
}
