#pragma once

// Seeded, realistic synthetic input for the peripherals: the documents a
// customer hands over (bank cards with valid check digits, driver licences
// of several jurisdictions as stripes and as barcodes of every AAMVA
// version) and the faults a device meets. Everything is drawn from `draw`
// (a 64-bit generator the caller seeds), so the same seed gives the same
// bytes.

#include <cstdint>
#include <functional>
#include <string>

#include "hardware-sim/magstripe.hpp"
#include "model/messages.hpp"

namespace retailsim::hw {

using retailsim::input_channel;

/// A source of uniform 64-bit draws.
using draw_fn = std::function<uint64_t()>;

/// What can go wrong with one read.
///
/// | fault        | data                                  | device          |
/// |--------------|---------------------------------------|-----------------|
/// | misread      | one character changed: the LRC fails (a barcode: a header digit) | |
/// | partial      | the swipe cut short                   |                 |
/// | wrong_format | another kind of card (format code not 'B'; a barcode without its '@') | |
/// | stall        |                                       | no answer for a while |
/// | offline      |                                       | not available   |
enum class device_fault : uint8_t {
  none,
  misread,
  partial,
  wrong_format,
  stall,
  offline,
};

const char* to_string(device_fault x);

/// Who holds the document: the fields a card or licence carries.
struct document_holder {
  std::string family_name;
  std::string first_name;
  std::string middle_name;
  /// YYYY-MM-DD; a person without one gets one drawn.
  std::string date_of_birth;
  std::string street;
  std::string city;
  /// A jurisdiction of magstripe.hpp's table ("" draws one).
  std::string state;
  std::string postal_code;
};

/// A holder drawn whole: names, a date of birth (18 to 90 years before
/// 2026), an address in one of the jurisdictions.
document_holder draw_holder(const draw_fn& draw);

/// Fills what `x` lacks (date of birth, address, jurisdiction) by drawing.
document_holder complete(document_holder x, const draw_fn& draw);

/// A bank card swipe for `x`: a Visa, Mastercard, American Express or
/// Discover number with a valid Luhn digit, an expiry after 2026, both
/// tracks, with their LRCs.
std::string draw_bank_card_swipe(const document_holder& x, const draw_fn& draw);

/// A licence swipe (AAMVA tracks 1 to 3, with LRCs) of `x`'s jurisdiction.
std::string draw_licence_swipe(const document_holder& x, const draw_fn& draw);

/// A licence barcode of `x`'s jurisdiction: an AAMVA version drawn from 1
/// to 10, and sometimes a jurisdiction quirk.
std::string draw_licence_barcode(const document_holder& x, const draw_fn& draw);

/// `raw` (of `channel`) with the data fault applied (misread, partial,
/// wrong_format; the others leave the data alone).
std::string apply_fault(std::string raw, input_channel channel,
                        device_fault fault, const draw_fn& draw);

} // namespace retailsim::hw
