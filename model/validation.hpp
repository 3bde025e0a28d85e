#pragma once

// Validation and normalisation of every customer field. Each function either
// returns the normalised value or an error naming the field (see error.hpp).
// Pure functions: no I/O, no clock, no global state beyond ICU and
// libphonenumber's read-only tables.

#include <cstddef>
#include <string>
#include <string_view>

#include "caf/expected.hpp"

#include "model/customer.hpp"
#include "model/error.hpp"

namespace retailsim {

/// Length limits, in Unicode characters after NFC (emails: octets, RFC 5321).
namespace field_limits {
constexpr size_t person_name = 100;
constexpr size_t organization_name = 200;
constexpr size_t email = 254;
constexpr size_t email_local_part = 64;
constexpr size_t phone_input = 40;
constexpr size_t street = 250;
constexpr size_t city = 60;
constexpr size_t state = 60;
constexpr size_t zip = 20;
constexpr size_t code = 20;  // customer group, segment, payment terms, tiers
constexpr size_t short_text = 60;  // business type, industry, tax ids, club
constexpr size_t attribute_value = 255;
constexpr size_t notes = 2000;
constexpr size_t loyalty_card_number = 40;
constexpr size_t recorded_by = 40;
} // namespace field_limits

/// Whether a text may span lines (only notes may: '\n' and '\t' are allowed).
enum class text_kind : uint8_t { single_line, multi_line };

/// Checks `input` is well-formed UTF-8 (encoded surrogates are not), free of
/// control characters (except line breaks and tabs in multi-line text) and
/// of bidi controls (overrides, embeddings, isolates, marks); normalises to
/// NFC, trims surrounding white space and checks the length in characters.
/// An empty result is an error only if `required`.
caf::expected<std::string> normalize_text(std::string_view input,
                                          const std::string& field,
                                          size_t max_chars,
                                          bool required = false,
                                          text_kind kind
                                          = text_kind::single_line);

/// Validates an email address per RFC 5321 (dot-atom or quoted local part of
/// at most 64 octets, host-name domain, at most 254 octets in all) and returns
/// it with the domain in lower case (IDN domains converted to ASCII by UTS 46).
caf::expected<std::string> normalize_email(std::string_view input,
                                           const std::string& field);

/// Parses a phone number as typed (any punctuation, national or international
/// form) with libphonenumber, `default_region` (ISO 3166-1 alpha-2, usually
/// the store's country) resolving national numbers, and returns it in E.164.
/// Extensions are dropped.
caf::expected<std::string> normalize_phone(std::string_view input,
                                           const std::string& default_region,
                                           const std::string& field);

/// ISO 3166-1 alpha-2, upper-cased ("us" -> "US").
caf::expected<std::string> normalize_country(std::string_view input,
                                             const std::string& field);

/// ISO 4217, upper-cased ("eur" -> "EUR").
caf::expected<std::string> normalize_currency(std::string_view input,
                                              const std::string& field);

/// A well-formed BCP 47 tag of a known language, in canonical form ("en-us"
/// -> "en-US").
caf::expected<std::string> normalize_language(std::string_view input,
                                              const std::string& field);

/// Whether `input` is one word of ASCII letters, digits, '-' and '_' (an
/// identifier such as a loyalty card number or an address book), not empty.
bool is_code_text(std::string_view input);

/// A calendar date YYYY-MM-DD between 1900-01-01 and 2199-12-31.
caf::error check_date(std::string_view input, const std::string& field);

/// Checks an attribute value against its declared type.
caf::error check_attribute_value(const customer_attribute& attribute,
                                 const std::string& field);

/// Validates and normalises a whole draft: every text field, every contact and
/// address, codes, date of birth, attributes (against `attributes`), at most
/// one primary email/phone/address (the first becomes primary if none is),
/// and at least one identifying field (name, email or phone, seed 004).
caf::expected<customer_draft> validate_draft(const customer_draft& draft,
                                             const std::string& store_country,
                                             const attribute_group& attributes);

/// Validates a stored or imported customer the same way, plus its identity
/// (GUID form) and loyalty card.
caf::expected<customer> validate_customer(const customer& record,
                                          const std::string& store_country,
                                          const attribute_group& attributes);

} // namespace retailsim
