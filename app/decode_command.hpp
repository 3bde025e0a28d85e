#pragma once

// `retailsim decode`: raw data from a card reader or barcode scanner on
// standard input, printed as JSON with any card number masked
// (hardware-sim/device_data.hpp).

#include <CLI/CLI.hpp>

namespace retailsim {

/// Adds the `decode` subcommand; `exit_code` 0 when the input decoded, 2
/// when it is malformed or the flag is bad.
void add_decode_command(CLI::App& app, int& exit_code);

} // namespace retailsim
