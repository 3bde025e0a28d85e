// The scenario reader: never a crash or an exception; text it accepts
// completes (finish) or is refused with invalid_scenario.

#include "model/error.hpp"
#include "scenarios/scenario.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace retailsim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text{reinterpret_cast<const char*>(data), size};
  auto s = default_scenario();
  auto err = read_scenario(s, text, "fuzz.yaml");
  if (!err)
    err = finish(s);
  if (err)
    fuzz::require(error_code(err) == ec::invalid_scenario,
                  "a bad scenario is invalid_scenario");
  return 0;
}
