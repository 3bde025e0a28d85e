// The customer CSV reader: never a crash; every data row is counted good
// or bad, and the errors listed are bounded.

#include "model/error.hpp"
#include "population/customer_csv.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/population/import_defaults.hpp"

using namespace retailsim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto defaults = test::us_store_defaults();
  std::string_view text{reinterpret_cast<const char*>(data), size};
  size_t handed_on = 0;
  auto csv = scan_customer_csv_text(text, "fuzz.csv", defaults,
                                    [&](imported_customer&&) {
                                      ++handed_on;
                                      return caf::error{};
                                    });
  if (!csv) {
    fuzz::require(error_code(csv.error()) == ec::malformed_file
                    || error_code(csv.error()) == ec::storage_failure,
                  "a file refused whole is malformed_file");
    return 0;
  }
  fuzz::require(csv->rows == csv->good + csv->bad, "every row counted once");
  fuzz::require(handed_on == csv->good, "every good row handed on");
  fuzz::require(csv->errors.size() == std::min(csv->bad, max_listed_errors),
                "bad rows listed up to the bound");
  return 0;
}
