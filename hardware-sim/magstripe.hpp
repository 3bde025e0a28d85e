#pragma once

// Magnetic stripes as a reader delivers them: bank cards (ISO/IEC 7813
// tracks 1 and 2) and driver licences (AAMVA DL/ID Card Design Standard,
// Annex F, tracks 1 to 3).
//
// Raw data is the tracks in order, each as its characters from start
// sentinel to end sentinel, then its LRC character when the reader passes
// it on; tracks may be separated by CR/LF. When a track has no LRC it must
// be followed by a line break or the end (the LRC could otherwise be any
// character). The LRC is the XOR of the track's characters in their 6-bit
// (track 1 and 3: char - 0x20) or 4-bit (track 2: char - 0x30) codes, start
// and end sentinels included.
//
// | track | set            | start | sep | end | bank card (ISO/IEC 7813)                          | licence (AAMVA)                                   |
// |-------|----------------|-------|-----|-----|---------------------------------------------------|---------------------------------------------------|
// | 1     | 0x20-0x5F, 6 b | %     | ^   | ?   | B PAN(<=19) ^ NAME(2-26) ^ YYMM SVC(3) discr.; <=79 | STATE(2) CITY(<=13)^ NAME(<=35, $ between parts)^ ADDRESS(<=29)^ |
// | 2     | 0x30-0x3F, 4 b | ;     | =   | ?   | PAN = YYMM SVC(3) discretionary; <=40             | IIN(6) ID(<=13) = YYMM CCYYMMDD overflow(<=5)     |
// | 3     | 0x20-0x5F, 6 b | %     |     | ?   | (not read)                                        | versions(2) POSTAL(11) CLASS(2) ... SEX(1) ...     |
//
// The decoders never keep a card number: a bank card comes out with its
// number masked (first 6, last 4) and whether it passes the Luhn check.
// Errors name the byte (from 1) and never quote the data.

#include <string>
#include <string_view>

#include "caf/expected.hpp"

namespace retailsim::hw {

/// What a bank card's stripe tells a POS. Only the cardholder's name may
/// be kept anywhere; the rest is for display.
struct bank_card {
  /// As the card has it, e.g. "SMITH/JOHN A.MR" (track 1; empty with
  /// track 2 only).
  std::string cardholder_name;
  std::string family_name;
  std::string given_names;
  /// First 6 and last 4 digits, the rest '*'.
  std::string masked_number;
  bool number_passes_luhn = false;
  /// YYMM.
  std::string expiry;
  std::string service_code;
  /// Which tracks were read.
  bool track1 = false;
  bool track2 = false;
};

/// A driver licence or ID card, from its stripe or its barcode.
struct licence {
  std::string family_name;
  std::string first_name;
  std::string middle_name;
  std::string street;
  std::string city;
  /// Jurisdiction code (state or province), e.g. "CA".
  std::string state;
  std::string postal_code;
  /// ISO 3166-1 alpha-2 ("US", "CA"), from the issuer.
  std::string country;
  /// YYYY-MM-DD.
  std::string date_of_birth;
  /// YYYY-MM-DD, or "" (none, or not readable: stripes give YYMM).
  std::string expiry;
  /// The issuer identification number (636014 is California).
  std::string iin;
  /// The AAMVA version of a barcode (1 to 10); 0 for a stripe.
  int aamva_version = 0;
  int jurisdiction_version = 0;
};

/// The Luhn check (ISO/IEC 7812-1) of a string of digits.
bool passes_luhn(std::string_view digits);

/// The digit that makes `digits` + it pass the Luhn check.
char luhn_digit(std::string_view digits);

/// First 6, last 4, '*' between; shorter numbers are masked whole.
std::string mask_card_number(std::string_view digits);

/// The LRC character of one track (`track` from start to end sentinel).
char track_lrc(std::string_view track, int track_number);

/// Decodes a bank card swipe (track 1, track 2 or both).
caf::expected<bank_card> decode_bank_card(std::string_view raw);

/// Decodes a licence swipe (AAMVA tracks 1 and 2 required, 3 optional).
caf::expected<licence> decode_licence_stripe(std::string_view raw);

/// Encoders, for the generators and the tests. A bank card's name is
/// written "FAMILY/GIVEN".
std::string encode_bank_card(std::string_view number, const std::string& family,
                             const std::string& given, std::string_view expiry,
                             std::string_view service_code, bool with_lrc);
std::string encode_licence_stripe(const licence& x, std::string_view id_number,
                                  bool with_lrc);

/// The jurisdiction of an AAMVA issuer identification number, with its
/// country ("CA" and "US" for 636014), or false when not known.
bool jurisdiction_of(std::string_view iin, std::string& state,
                     std::string& country);

/// The issuer identification number of a jurisdiction ("" if not known).
std::string iin_of(std::string_view state);

} // namespace retailsim::hw
