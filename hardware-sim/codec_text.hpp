#pragma once

// What the magstripe and barcode codecs share: their error, and turning the
// upper-case, padded text of a card into the fields a POS prefills.

#include <cstddef>
#include <string>
#include <string_view>

#include "caf/error.hpp"

namespace retailsim::hw {

/// malformed_device_data about `where` ("track 1", "barcode"), at `byte`
/// (from 0; shown from 1). Never quotes the data.
caf::error device_data_error(const std::string& where, size_t byte,
                             const std::string& what);

/// Without the spaces and NULs a card pads its fields with.
std::string_view trim_padding(std::string_view text);

/// "O'BRIEN-SMITH" -> "O'Brien-Smith": cards and barcodes are in capitals.
std::string title_case(std::string_view text);

/// A postal code as a form wants it: a US ZIP+4 of 9 digits as "12345-6789"
/// (or "12345" when the +4 is 0000), a Canadian one as "K1A 0B1".
std::string postal_code(std::string_view text, std::string_view country);

/// "YYYY-MM-DD" from 8 digits in the order `order` gives ("CCYYMMDD" or
/// "MMDDCCYY"), or "" when they are not a calendar date.
std::string iso_date(std::string_view digits, std::string_view order);

/// Whether every byte of `text` is an ASCII digit (and there is one).
bool all_digits(std::string_view text);

} // namespace retailsim::hw
