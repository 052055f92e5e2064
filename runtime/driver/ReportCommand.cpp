//===- ReportCommand.cpp - tern report: timing run -> HTML page
//-------------===//

#include "runtime/driver/Driver.h"
#include "runtime/driver/Session.h"
#include "runtime/program/Program.h"
#include "runtime/report/Report.h"
#include "runtime/sim/timing/TimingModel.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace tern::rt::driver {

Error reportProgram(const ReportConfig &cfg, raw_ostream &log) {
  if (cfg.output.empty())
    return createStringError(inconvertibleErrorCode(),
                             "tern report needs -o FILE.html");
  if (cfg.timeBins < 1 || cfg.timeBins > 10000)
    return createStringError(inconvertibleErrorCode(),
                             "--bins must be between 1 and 10000, not %u",
                             cfg.timeBins);
  auto loaded = program::LoadedProgram::loadFile(cfg.program);
  if (!loaded)
    return loaded.takeError();
  auto session = Session::create(std::move(*loaded), 1, false);
  if (!session)
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             cfg.program.c_str(),
                             toString(session.takeError()).c_str());
  const program::LoadedProgram &P = (*session)->program();
  const targets::Preset &preset = (*session)->preset();
  Expected<timing::TimingOptions> timingOptions =
      (*session)->timingOptions(cfg.cores, cfg.bus, cfg.computeOnly);
  if (!timingOptions)
    return timingOptions.takeError();
  timing::TimingOptions options = std::move(*timingOptions);
  options.recordSlices = true;
  timing::TimingReport r =
      timing::simulate(timing::CodeView::fromWords(P.code), preset, options);
  timing::printReport(r, log);

  report::HtmlOptions html;
  html.timeBins = cfg.timeBins;
  html.title =
      cfg.title.empty()
          ? (sys::path::filename(cfg.program) + " on " + P.targetName).str()
          : cfg.title;
  std::error_code ec;
  ToolOutputFile out(cfg.output, ec, sys::fs::OF_Text);
  if (ec)
    return createStringError(ec, "cannot write '%s': %s", cfg.output.c_str(),
                             ec.message().c_str());
  report::writeHtml(
      r, timing::CodeView::fromWords(P.code), preset,
      [&P](uint32_t i) { return P.locationOf(i); }, html, out.os());
  out.keep();
  return Error::success();
}

} // namespace tern::rt::driver
