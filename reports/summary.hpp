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
#include "metrics/run_recorder.hpp"

namespace retailsim {

/// What the databases hold after closing, and whether the lifecycle's
/// guarantees held.
struct invariant_report {
  uint64_t hq_customers = 0;
  uint64_t hq_mapped_guids = 0;
  uint64_t hq_staged_left = 0;
  uint64_t channel_pending_left = 0;
  uint64_t offline_left = 0;
  /// Human-readable failures; empty when every check passed.
  std::vector<std::string> failures;

  bool ok() const {
    return failures.empty();
  }
};

/// Checks, on the files in cfg.output_dir:
/// - every acknowledged customer is at HQ exactly once: HQ customers ==
///   customers there at the start (an existing base) + customers created
///   (all modes);
/// - nothing is pending: no staged row at HQ, no pending row in any channel,
///   no offline record left on any terminal;
/// - no GUID is mapped twice and no account number is used twice.
caf::expected<invariant_report> check_invariants(const run_config& cfg,
                                                 const run_outcome& outcome,
                                                 const run_results& results);

struct run_summary {
  std::string run_id;
  run_config config;
  run_outcome outcome;
  run_results results;
  invariant_report invariants;
};

/// The table printed at the end of `retailsim run`.
void print_summary(std::ostream& out, const run_summary& summary);

/// Writes summary.json into the run's output folder; returns its path.
caf::expected<std::string> write_summary_json(const run_summary& summary);

} // namespace retailsim
