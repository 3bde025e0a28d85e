#pragma once

// What every fuzz target asserts beyond "no crash": a property that, when
// it fails, stops the run with the input saved (libFuzzer's crash file).

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "caf/expected.hpp"

#include "model/error.hpp"
#include "model/validation.hpp"

namespace retailsim::fuzz {

/// Stops the run when `ok` is false, saying which property failed.
inline void require(bool ok, const char* property) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property failed: %s\n", property);
    std::abort();
  }
}

/// The longest run of ASCII digits in `text`.
inline size_t longest_digit_run(std::string_view text) {
  size_t best = 0;
  size_t run = 0;
  for (char c : text) {
    run = c >= '0' && c <= '9' ? run + 1 : 0;
    best = run > best ? run : best;
  }
  return best;
}

/// What both licence decoders promise: an error is malformed_device_data
/// naming the byte; a licence has a family name and a calendar date of
/// birth.
template <class Licence>
void require_licence_properties(const caf::expected<Licence>& id) {
  if (!id) {
    require(error_code(id.error()) == ec::malformed_device_data,
            "bad data is malformed_device_data");
    require(describe(id.error()).find("byte ") != std::string::npos,
            "an error names the byte");
    return;
  }
  require(!id->family_name.empty(), "a licence has a family name");
  require(!check_date(id->date_of_birth, "date_of_birth"),
          "a licence has a calendar date of birth");
}

} // namespace retailsim::fuzz
