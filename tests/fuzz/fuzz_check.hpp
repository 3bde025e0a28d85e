#pragma once

// What every fuzz target asserts beyond "no crash": a property that, when
// it fails, stops the run with the input saved (libFuzzer's crash file).

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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

} // namespace retailsim::fuzz
