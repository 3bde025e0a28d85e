#pragma once

// `retailsim run`: flags -> run_config -> simulation -> summary.

#include <CLI/CLI.hpp>

namespace retailsim {

/// Adds the `run` subcommand to `app`; its callback runs the simulation and
/// sets `exit_code` (0 ok, 1 an invariant failed, 2 bad input or I/O).
void add_run_command(CLI::App& app, int& exit_code);

} // namespace retailsim
