#pragma once

// Result files (summary.json, metrics.prom, report.html, ...) written whole
// or not at all.

#include <string>

#include "caf/error.hpp"

namespace retailsim::storage {

/// Writes `text` to `path` through a temporary file beside it, renamed over
/// it: a reader sees the old file or the new one, never half of one. On
/// failure the temporary file is gone and the error names the path.
caf::error replace_file(const std::string& path, const std::string& text);

} // namespace retailsim::storage
