#pragma once

// Raw data from a POS peripheral, whatever it is: which format it is in,
// and its fields for display (`retailsim decode`), card numbers masked.

#include <string>
#include <utility>
#include <vector>

#include "caf/expected.hpp"
#include "caf/optional.hpp"

#include "hardware-sim/aamva_barcode.hpp"
#include "hardware-sim/magstripe.hpp"

namespace retailsim::hw {

/// What raw device data can be.
///
/// | format          | starts with                                  | device              |
/// |-----------------|----------------------------------------------|---------------------|
/// | bank_card       | "%B" and a digit, or ';' and a card number   | magnetic stripe reader |
/// | licence_stripe  | '%' and a state, or ';' and an AAMVA IIN      | magnetic stripe reader |
/// | licence_barcode | '@'                                          | 2D barcode scanner   |
enum class device_format : uint8_t { bank_card, licence_stripe, licence_barcode };

const char* to_string(device_format x);

/// "bank_card", "licence_stripe", "licence_barcode" (for --format).
bool from_string(const std::string& text, device_format& out);

/// The format of `raw`, or an error naming its first byte.
caf::expected<device_format> detect_format(std::string_view raw);

/// One decoded input: a bank card or a licence.
struct device_reading {
  device_format format = device_format::bank_card;
  bank_card card;
  licence id;
};

/// Decodes `raw` as `format`, or as what detect_format says.
caf::expected<device_reading>
decode_device_data(std::string_view raw,
                   caf::optional<device_format> format = caf::none);

/// The fields of a reading by name, in order, as `retailsim decode` prints
/// them: the one field list of both kinds of reading.
std::vector<std::pair<std::string, std::string>>
fields_of(const device_reading& x);

} // namespace retailsim::hw
