#pragma once

// `retailsim run`: scenario file + flags -> run_config -> simulation ->
// summary; `retailsim validate`: the same reading, without the run.

#include <atomic>

#include <CLI/CLI.hpp>

#include "caf/expected.hpp"

#include "reports/summary.hpp"
#include "scenarios/scenario.hpp"

namespace retailsim {

/// An error as the command line words it: "file:3:5: key: problem", a
/// scenario error without its code in front.
std::string message_of(const caf::error& err);

/// How `run` watches a run, beside what the scenario says.
struct run_options {
  /// Serve the run's metrics for Prometheus at this address while it runs
  /// (HOST:PORT, or PORT on 127.0.0.1); none when empty.
  std::string metrics_listen;
  /// Print progress to stderr: none, one live line (a terminal), or a
  /// line every few seconds.
  enum class progress_kind { none, live, lines } progress = progress_kind::none;
  /// Ends the day early when it becomes non-zero (a signal's number; see
  /// stop_signals.hpp); none when null.
  const std::atomic<int>* stop = nullptr;
  /// The output folder holds a killed run's databases and journal: keep
  /// the journal and append to it.
  bool resume = false;
};

/// Runs a finished scenario into its output folder (prepared by the
/// caller) and checks the run: invariants, then thresholds.
caf::expected<run_summary> run_scenario(const scenario& s,
                                        const run_options& options = {});

/// Writes what a run leaves beside its databases and journal:
/// summary.json, results.json, series.csv, metrics.prom and report.html;
/// returns their paths.
caf::expected<std::vector<std::string>> write_run_results(
  const run_summary& summary);

/// What a checked run exits with: 128 + the signal when one stopped it
/// early (130 SIGINT, 143 SIGTERM), else 1 when an invariant failed, else
/// 99 when a threshold failed (k6's code), else 0.
int exit_code_of(const run_summary& summary);

/// Adds the `run` subcommand to `app`; its callback runs the simulation and
/// sets `exit_code` (0 ok, 1 an invariant failed, 99 a threshold failed,
/// 2 bad input or I/O).
void add_run_command(CLI::App& app, int& exit_code);

/// Adds the `validate` subcommand: each file read and checked as `run`
/// would; `exit_code` 0 when all are valid, 2 otherwise.
void add_validate_command(CLI::App& app, int& exit_code);

} // namespace retailsim
