#include "model/error.hpp"

#include "caf/message.hpp"

namespace retailsim {

const char* to_string(ec code) {
  switch (code) {
    case ec::none: return "none";
    case ec::field_required: return "field_required";
    case ec::field_too_long: return "field_too_long";
    case ec::invalid_utf8: return "invalid_utf8";
    case ec::control_character: return "control_character";
    case ec::bidi_override: return "bidi_override";
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
