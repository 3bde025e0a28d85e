// ISO/IEC 7813 bank card swipes: never a crash; a decoded card shows its
// number masked only; an error never quotes the data (no long digit run).

#include "hardware-sim/magstripe.hpp"
#include "model/error.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace retailsim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw{reinterpret_cast<const char*>(data), size};
  auto card = hw::decode_bank_card(raw);
  if (!card) {
    fuzz::require(error_code(card.error()) == ec::malformed_device_data,
                  "a bad swipe is malformed_device_data");
    fuzz::require(fuzz::longest_digit_run(describe(card.error())) < 6,
                  "an error quotes no card number");
    return 0;
  }
  const auto& masked = card->masked_number;
  fuzz::require(fuzz::longest_digit_run(masked) <= 6,
                "the number is masked (first 6, last 4)");
  fuzz::require(fuzz::longest_digit_run(card->cardholder_name) < 13
                  || card->track1,
                "a name comes from track 1 only");
  return 0;
}
