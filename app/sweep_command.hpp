#pragma once

// `retailsim sweep`: one scenario over the cross product of parameter
// values, N seeds per cell, each run a `retailsim run` child process (a
// crash or exit of one run cannot take the others down, and --jobs runs
// them side by side); each cell's mean and 95% interval as CSV and JSON.

#include <CLI/CLI.hpp>

namespace retailsim {

/// Adds the `sweep` subcommand; `exit_code` 0 when every run completed with
/// its invariants, 1 when one broke them, 2 bad input, a run that failed,
/// or a report.html that could not be written.
void add_sweep_command(CLI::App& app, int& exit_code);

} // namespace retailsim
