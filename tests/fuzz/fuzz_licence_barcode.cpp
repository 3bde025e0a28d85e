// AAMVA licence barcodes (PDF417 payloads, versions 1 to 10): never a
// crash; a decoded licence has a family name and a calendar date of birth;
// errors name a byte.

#include "hardware-sim/aamva_barcode.hpp"
#include "model/error.hpp"
#include "model/validation.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace retailsim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw{reinterpret_cast<const char*>(data), size};
  auto id = hw::decode_licence_barcode(raw);
  if (!id) {
    fuzz::require(error_code(id.error()) == ec::malformed_device_data,
                  "a bad payload is malformed_device_data");
    fuzz::require(describe(id.error()).find("byte ") != std::string::npos,
                  "an error names the byte");
    return 0;
  }
  fuzz::require(!id->family_name.empty(), "a licence has a family name");
  fuzz::require(!check_date(id->date_of_birth, "date_of_birth"),
                "a licence has a calendar date of birth");
  return 0;
}
