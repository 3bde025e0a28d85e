#pragma once

// `retailsim run`: scenario file + flags -> run_config -> simulation ->
// summary; `retailsim validate`: the same reading, without the run.

#include <CLI/CLI.hpp>

namespace retailsim {

/// Adds the `run` subcommand to `app`; its callback runs the simulation and
/// sets `exit_code` (0 ok, 1 an invariant failed, 2 bad input or I/O).
void add_run_command(CLI::App& app, int& exit_code);

/// Adds the `validate` subcommand: each file read and checked as `run`
/// would; `exit_code` 0 when all are valid, 2 otherwise.
void add_validate_command(CLI::App& app, int& exit_code);

} // namespace retailsim
