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
  fuzz::require_licence_properties(hw::decode_licence_barcode(raw));
  return 0;
}
