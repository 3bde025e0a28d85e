#pragma once

// `retailsim report`: report.html of one run, of several runs side by
// side, or of a sweep (reports/html_report.hpp).

#include <CLI/CLI.hpp>

namespace retailsim {

/// Adds the `report` subcommand; `exit_code` 0 when the report was
/// written, 2 when a folder is not a run's or a sweep's, or on I/O errors.
void add_report_command(CLI::App& app, int& exit_code);

} // namespace retailsim
