//===- ReportCommand.cpp - `tern report` options
//----------------------------===//

#include "Commands.h"

#include "runtime/driver/Driver.h"

using namespace llvm;

namespace {
cl::SubCommand reportCmd("report",
                         "Timing run -> self-contained HTML report with "
                         "inline SVG charts");
cl::opt<std::string> program(cl::Positional, cl::desc("<program.tern>"),
                             cl::Required, cl::sub(reportCmd));
cl::opt<std::string> output("o", cl::desc("Output HTML file"),
                            cl::value_desc("report.html"), cl::Required,
                            cl::sub(reportCmd));
cl::opt<std::string> title("title", cl::desc("Page title"), cl::sub(reportCmd));
cl::opt<unsigned> cores("cores",
                        cl::desc("The program is one core's share of work "
                                 "split evenly across N cores (as tern run)"),
                        cl::init(1), cl::sub(reportCmd));
cl::opt<std::string> bus("bus",
                         cl::desc("How the cores share DRAM: shared "
                                  "(default) or split (as tern run)"),
                         cl::init("shared"), cl::sub(reportCmd));
cl::opt<bool> computeOnly("compute-only", cl::desc("Timing without DMA costs"),
                          cl::sub(reportCmd));
cl::opt<unsigned> bins("bins", cl::desc("Time bins of the utilisation chart"),
                       cl::init(100), cl::sub(reportCmd));

tern::tool::RegisterCommand reg(reportCmd, []() -> Error {
  tern::rt::driver::ReportConfig cfg;
  cfg.program = program;
  cfg.output = output;
  cfg.title = title;
  cfg.cores = cores;
  cfg.bus = bus;
  cfg.computeOnly = computeOnly;
  cfg.timeBins = bins;
  return tern::rt::driver::reportProgram(cfg, errs());
});
} // namespace
