#pragma once

// `retailsim import FILE.csv --db HQ.db`: loads an existing customer base
// into an HQ database, every row validated by the model.

#include <CLI/CLI.hpp>

namespace retailsim {

/// Adds the `import` subcommand to `app`; its callback sets `exit_code`:
/// 0 loaded, 1 bad rows refused the import (nothing loaded), 2 the file, a
/// flag or the database is unusable (nothing loaded).
void add_import_command(CLI::App& app, int& exit_code);

} // namespace retailsim
