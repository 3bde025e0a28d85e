#pragma once

// report.html: one self-contained page (Chart.js from Debian's
// libjs-chart.js inlined, the data as JSON beside it) that opens without a
// network. Three kinds, from what the runs left on disk:
// - one run (its results.json): latency over time by mode, throughput, the
//   Async backlog and conversion lag against the job runs, HQ's queue,
//   offline terminals, windows with terminals offline shaded; thresholds
//   pass/fail and the latency table;
// - several runs side by side: the same curves overlaid, a table of their
//   metrics;
// - a sweep (its sweep.json): each latency against the swept value with
//   its 95% confidence band, the knee marked.
// The page checks itself after drawing (a hidden #selfcheck element: how
// many charts, how many drew pixels, script errors) so that a headless
// browser can tell a blank chart from a drawn one.

#include <string>
#include <vector>

#include "caf/expected.hpp"

namespace retailsim {

/// Where Chart.js is read from (the libjs-chart.js file).
std::string chart_js_path();

/// The report of the runs in `run_dirs` (each with results.json), or of
/// the sweep in `sweep_dir` (with sweep.json), as HTML text.
caf::expected<std::string> runs_report(const std::vector<std::string>& run_dirs);
caf::expected<std::string> sweep_report(const std::string& sweep_dir);

} // namespace retailsim
