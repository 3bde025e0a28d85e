#include "model/error.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "caf/message.hpp"

namespace retailsim {

std::string hex_byte(unsigned char byte) {
  static constexpr char digits[] = "0123456789ABCDEF";
  return std::string{"0x"} + digits[byte >> 4] + digits[byte & 0xF];
}

std::string quote_input(std::string_view text, size_t max_chars) {
  std::string out = "'";
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  auto length = static_cast<int32_t>(
    std::min(text.size(), size_t{INT32_MAX}));
  size_t shown = 0;
  int32_t i = 0;
  for (; i < length && shown < max_chars; ++shown) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    char buf[16];
    if (c < 0) {
      // Each byte of an ill-formed sequence on its own.
      i = start + 1;
      snprintf(buf, sizeof(buf), "\\x%02X", bytes[start]);
      out += buf;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\'') {
      out += "\\'";
    } else if (c < 0x20 || c == 0x7F) {
      snprintf(buf, sizeof(buf), "\\x%02X", static_cast<unsigned>(c));
      out += buf;
    } else if (c >= 0x80) {
      auto type = u_charType(c);
      if (type == U_CONTROL_CHAR || type == U_FORMAT_CHAR
          || type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR
          || type == U_PRIVATE_USE_CHAR || type == U_UNASSIGNED
          || type == U_SURROGATE) {
        snprintf(buf, sizeof(buf), "\\u{%04X}", static_cast<unsigned>(c));
        out += buf;
      } else {
        out.append(text.data() + start, static_cast<size_t>(i - start));
      }
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "'";
  if (static_cast<size_t>(i) < text.size())
    out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

const char* to_string(ec code) {
  switch (code) {
    case ec::none: return "none";
    case ec::field_required: return "field_required";
    case ec::field_too_long: return "field_too_long";
    case ec::invalid_utf8: return "invalid_utf8";
    case ec::control_character: return "control_character";
    case ec::bidi_override: return "bidi_override";
    case ec::disallowed_character: return "disallowed_character";
    case ec::invisible_text: return "invisible_text";
    case ec::email_missing_at: return "email_missing_at";
    case ec::email_local_part_too_long: return "email_local_part_too_long";
    case ec::email_too_long: return "email_too_long";
    case ec::email_invalid_local_part: return "email_invalid_local_part";
    case ec::email_invalid_domain: return "email_invalid_domain";
    case ec::phone_unparseable: return "phone_unparseable";
    case ec::phone_invalid_number: return "phone_invalid_number";
    case ec::invalid_country: return "invalid_country";
    case ec::invalid_currency: return "invalid_currency";
    case ec::invalid_language: return "invalid_language";
    case ec::invalid_date: return "invalid_date";
    case ec::value_out_of_range: return "value_out_of_range";
    case ec::invalid_guid: return "invalid_guid";
    case ec::no_identifying_field: return "no_identifying_field";
    case ec::multiple_primary: return "multiple_primary";
    case ec::unknown_customer_group: return "unknown_customer_group";
    case ec::unknown_attribute: return "unknown_attribute";
    case ec::attribute_type_mismatch: return "attribute_type_mismatch";
    case ec::attribute_missing: return "attribute_missing";
    case ec::multiple_contacts_disabled: return "multiple_contacts_disabled";
    case ec::pending_customer_not_editable:
      return "pending_customer_not_editable";
    case ec::async_address_disabled: return "async_address_disabled";
    case ec::async_affiliations_disabled: return "async_affiliations_disabled";
    case ec::async_secondary_contacts_disabled:
      return "async_secondary_contacts_disabled";
    case ec::loyalty_card_requires_account:
      return "loyalty_card_requires_account";
    case ec::rts_unavailable: return "rts_unavailable";
    case ec::rts_timeout: return "rts_timeout";
    case ec::hq_overloaded: return "hq_overloaded";
    case ec::deadline_exceeded: return "deadline_exceeded";
    case ec::store_unreachable: return "store_unreachable";
    case ec::unavailable_offline: return "unavailable_offline";
    case ec::storage_failure: return "storage_failure";
    case ec::wrong_database_kind: return "wrong_database_kind";
    case ec::schema_too_new: return "schema_too_new";
    case ec::uniqueness_violation: return "uniqueness_violation";
    case ec::not_found: return "not_found";
    case ec::permission_denied: return "permission_denied";
    case ec::email_prompt: return "email_prompt";
    case ec::malformed_file: return "malformed_file";
    case ec::invalid_scenario: return "invalid_scenario";
    case ec::job_timeout: return "job_timeout";
    case ec::malformed_device_data: return "malformed_device_data";
    case ec::device_unavailable: return "device_unavailable";
    case ec::customer_merged: return "customer_merged";
  }
  return "unknown_error_code";
}

caf::error make_error(ec code, std::string field, std::string detail) {
  return caf::make_error(code, std::move(field), std::move(detail));
}

namespace {

bool is_ours(const caf::error& err) {
  // CAF 0.17's category() of an empty error reads a null pointer.
  return err && err.category() == caf::atom("retailsim");
}

} // namespace

ec error_code(const caf::error& err) {
  return is_ours(err) ? static_cast<ec>(err.code()) : ec::none;
}

std::string error_field(const caf::error& err) {
  if (!is_ours(err) || err.context().empty()
      || !err.context().match_element<std::string>(0))
    return {};
  return err.context().get_as<std::string>(0);
}

std::string describe(const caf::error& err) {
  if (!err)
    return "no error";
  if (!is_ours(err))
    return caf::to_string(err);
  std::string out = to_string(static_cast<ec>(err.code()));
  const auto& ctx = err.context();
  for (size_t i = 0; i < ctx.size(); ++i) {
    if (!ctx.match_element<std::string>(i))
      continue;
    const auto& part = ctx.get_as<std::string>(i);
    if (!part.empty())
      out += ": " + part;
  }
  return out;
}

} // namespace retailsim
