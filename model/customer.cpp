#include "model/customer.hpp"

#include <array>
#include <tuple>
#include <utility>

namespace retailsim {

namespace {

template <class Enum, size_t N>
bool parse_enum(const std::string& in, Enum& out,
                const std::array<Enum, N>& values) {
  for (auto value : values) {
    if (in == to_string(value)) {
      out = value;
      return true;
    }
  }
  return false;
}

} // namespace

const char* to_string(customer_type x) {
  switch (x) {
    case customer_type::person: return "person";
    case customer_type::organization: return "organization";
  }
  return "?";
}

const char* to_string(address_purpose x) {
  switch (x) {
    case address_purpose::unspecified: return "unspecified";
    case address_purpose::home: return "home";
    case address_purpose::business: return "business";
    case address_purpose::office: return "office";
    case address_purpose::post_box: return "post_box";
    case address_purpose::invoice: return "invoice";
    case address_purpose::delivery: return "delivery";
  }
  return "?";
}

const char* to_string(receipt_option x) {
  switch (x) {
    case receipt_option::unspecified: return "unspecified";
    case receipt_option::print: return "print";
    case receipt_option::email: return "email";
    case receipt_option::print_and_email: return "print_and_email";
  }
  return "?";
}

const char* to_string(customer_status x) {
  switch (x) {
    case customer_status::active: return "active";
    case customer_status::inactive: return "inactive";
  }
  return "?";
}

const char* to_string(attribute_type x) {
  switch (x) {
    case attribute_type::text: return "text";
    case attribute_type::integer: return "integer";
    case attribute_type::decimal: return "decimal";
    case attribute_type::boolean: return "boolean";
    case attribute_type::date: return "date";
  }
  return "?";
}

bool from_string(const std::string& in, customer_type& out) {
  return parse_enum(in, out,
                    std::array{customer_type::person,
                               customer_type::organization});
}

bool from_string(const std::string& in, address_purpose& out) {
  return parse_enum(
    in, out,
    std::array{address_purpose::unspecified, address_purpose::home,
               address_purpose::business, address_purpose::office,
               address_purpose::post_box, address_purpose::invoice,
               address_purpose::delivery});
}

bool from_string(const std::string& in, receipt_option& out) {
  return parse_enum(in, out,
                    std::array{receipt_option::unspecified,
                               receipt_option::print, receipt_option::email,
                               receipt_option::print_and_email});
}

bool from_string(const std::string& in, customer_status& out) {
  return parse_enum(in, out,
                    std::array{customer_status::active,
                               customer_status::inactive});
}

bool from_string(const std::string& in, attribute_type& out) {
  return parse_enum(in, out,
                    std::array{attribute_type::text, attribute_type::integer,
                               attribute_type::decimal,
                               attribute_type::boolean, attribute_type::date});
}

bool is_pending(const customer_identity& id) {
  return id.account_number.empty() && !id.async_guid.empty();
}

std::string display_account(const customer_identity& id) {
  return id.account_number.empty() ? std::string{pending_sync_label}
                                   : id.account_number;
}

std::string display_name(const customer& x) {
  const auto& p = x.profile;
  if (x.type == customer_type::organization) {
    if (!p.business.company_name.empty())
      return p.business.company_name;
    return p.name;
  }
  std::string out;
  for (const auto* part : {&p.first_name, &p.middle_name, &p.last_name}) {
    if (part->empty())
      continue;
    if (!out.empty())
      out += ' ';
    out += *part;
  }
  return out.empty() ? p.name : out;
}

// -- equality: every field, in declaration order -----------------------------------

bool operator==(const customer_identity& x, const customer_identity& y) {
  return std::tie(x.account_number, x.async_guid)
         == std::tie(y.account_number, y.async_guid);
}

bool operator==(const marketing_consent& x, const marketing_consent& y) {
  return std::tie(x.opted_in, x.recorded_by, x.recorded_at, x.source)
         == std::tie(y.opted_in, y.recorded_by, y.recorded_at, y.source);
}

bool operator==(const email_contact& x, const email_contact& y) {
  return std::tie(x.address, x.primary, x.consent)
         == std::tie(y.address, y.primary, y.consent);
}

bool operator==(const phone_contact& x, const phone_contact& y) {
  return std::tie(x.number, x.primary, x.consent)
         == std::tie(y.number, y.primary, y.consent);
}

bool operator==(const postal_address& x, const postal_address& y) {
  return std::tie(x.purpose, x.street, x.city, x.state, x.zip, x.country,
                  x.primary)
         == std::tie(y.purpose, y.street, y.city, y.state, y.zip, y.country,
                     y.primary);
}

bool operator==(const financial_dimension& x, const financial_dimension& y) {
  return std::tie(x.name, x.value) == std::tie(y.name, y.value);
}

bool operator==(const customer_group& x, const customer_group& y) {
  return std::tie(x.id, x.financial_dimensions)
         == std::tie(y.id, y.financial_dimensions);
}

bool operator==(const customer_attribute& x, const customer_attribute& y) {
  return std::tie(x.name, x.type, x.value) == std::tie(y.name, y.type, y.value);
}

bool operator==(const attribute_definition& x, const attribute_definition& y) {
  return std::tie(x.name, x.type, x.required)
         == std::tie(y.name, y.type, y.required);
}

bool operator==(const attribute_group& x, const attribute_group& y) {
  return std::tie(x.id, x.definitions) == std::tie(y.id, y.definitions);
}

bool operator==(const business_profile& x, const business_profile& y) {
  return std::tie(x.company_name, x.tax_id, x.registration_number,
                  x.business_type, x.industry, x.payment_terms)
         == std::tie(y.company_name, y.tax_id, y.registration_number,
                     y.business_type, y.industry, y.payment_terms);
}

bool operator==(const loyalty_card& x, const loyalty_card& y) {
  return std::tie(x.card_number, x.points) == std::tie(y.card_number, y.points);
}

bool operator==(const club_membership& x, const club_membership& y) {
  return std::tie(x.club, x.tier, x.since) == std::tie(y.club, y.tier, y.since);
}

bool operator==(const customer_profile& x, const customer_profile& y) {
  return std::tie(x.first_name, x.middle_name, x.last_name, x.name, x.emails,
                  x.phones, x.addresses, x.customer_group, x.receipt,
                  x.receipt_email, x.currency, x.language, x.affiliations,
                  x.financial_dimensions, x.attributes, x.business,
                  x.date_of_birth, x.segment, x.clubs, x.notes)
         == std::tie(y.first_name, y.middle_name, y.last_name, y.name,
                     y.emails, y.phones, y.addresses, y.customer_group,
                     y.receipt, y.receipt_email, y.currency, y.language,
                     y.affiliations, y.financial_dimensions, y.attributes,
                     y.business, y.date_of_birth, y.segment, y.clubs, y.notes);
}

bool operator==(const customer_draft& x, const customer_draft& y) {
  return x.type == y.type && x.profile == y.profile;
}

bool operator==(const customer& x, const customer& y) {
  return std::tie(x.id, x.type, x.status, x.profile, x.merged_into)
           == std::tie(y.id, y.type, y.status, y.profile, y.merged_into)
         && x.loyalty == y.loyalty;
}

} // namespace retailsim
