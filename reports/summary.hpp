#pragma once

// The end of a run: invariant checks on the databases it left, the summary
// table a person reads, and summary.json a program reads. Every result names
// its scenario, seed and run id.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "actors/runtime.hpp"
#include "actors/world.hpp"
#include "metrics/prometheus_export.hpp"
#include "metrics/run_recorder.hpp"
#include "reports/invariants.hpp"
#include "reports/thresholds.hpp"

namespace retailsim {

struct run_summary {
  std::string run_id;
  /// The program that ran it: version, CAF.
  std::string build;
  run_config config;
  /// The configuration as JSON with the scenario file's keys, and its hash
  /// (the seed left out): what names the question, whatever its seed.
  std::string config_json;
  uint64_t config_hash = 0;
  run_outcome outcome;
  run_results results;
  invariant_report invariants;
  /// The scenario's thresholds, checked (check_thresholds).
  std::vector<threshold_result> thresholds;
};

/// What names the run in its metrics.
run_identity identity_of(const run_summary& summary);

/// A digest or hash as results print it: 16 hex digits.
std::string hex(uint64_t x);

/// The table printed at the end of `retailsim run`.
void print_summary(std::ostream& out, const run_summary& summary);

/// Writes summary.json into the run's output folder; returns its path.
caf::expected<std::string> write_summary_json(const run_summary& summary);

/// Writes results.json: everything summary.json holds, every latency the
/// recorder kept, and the time series (reports/series.hpp).
caf::expected<std::string> write_results_json(const run_summary& summary);

/// Writes the time series as series.csv.
caf::expected<std::string> write_series_csv(const run_summary& summary);

} // namespace retailsim
