#pragma once

// The customer and everything around it, from the seed documents: identity
// (HQ account number or Async GUID), contacts with marketing consent, addresses,
// inherited commercial settings, business profile, loyalty and notes.
// Plain structs with operator== and a CAF 0.17 `inspect`, so they can travel
// in messages between HQ and store nodes unchanged.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"
#include "caf/optional.hpp"
#include "caf/timestamp.hpp"

namespace retailsim {

// -- enumerations ----------------------------------------------------------------

/// Person or organization (seed 000: "customer type"; seed 002: Individual/Business).
enum class customer_type : uint8_t { person, organization };

/// Address purpose. `unspecified` means "not chosen": the defaults of the model
/// replace it with Home (person) or Business (organization).
enum class address_purpose : uint8_t {
  unspecified,
  home,
  business,
  office,
  post_box,
  invoice,
  delivery,
};

/// How the customer wants receipts.
enum class receipt_option : uint8_t { unspecified, print, email, print_and_email };

/// Active customers are found by default search; inactive ones keep all history.
enum class customer_status : uint8_t { active, inactive };

/// Type of a customer attribute, as defined in its attribute group.
enum class attribute_type : uint8_t { text, integer, decimal, boolean, date };

const char* to_string(customer_type x);
const char* to_string(address_purpose x);
const char* to_string(receipt_option x);
const char* to_string(customer_status x);
const char* to_string(attribute_type x);

/// Parses the names above back; returns false on an unknown name.
bool from_string(const std::string& in, customer_type& out);
bool from_string(const std::string& in, address_purpose& out);
bool from_string(const std::string& in, receipt_option& out);
bool from_string(const std::string& in, customer_status& out);
bool from_string(const std::string& in, attribute_type& out);

// -- identity --------------------------------------------------------------------

/// What POS shows instead of the GUID of a customer that HQ has not converted yet.
constexpr const char* pending_sync_label = "Pending sync";

/// A customer is identified by the account number HQ issued, or, while it
/// exists only in a channel (Async or offline creation), by a temporary GUID.
/// A converted customer keeps its original GUID for the GUID -> account map.
///
/// | account_number | async_guid | meaning                               |
/// |----------------|------------|---------------------------------------|
/// | set            | empty      | Sync customer, created at HQ at once  |
/// | empty          | set        | Async customer, `Pending sync`        |
/// | set            | set        | converted by HQ, or Sync with the GUID |
/// |                |            | its terminal chose as idempotency key |
struct customer_identity {
  std::string account_number;
  std::string async_guid;
};

/// True while the customer has no account number yet.
bool is_pending(const customer_identity& id);

/// The account id as POS shows it: the account number or "Pending sync".
std::string display_account(const customer_identity& id);

// -- contacts and addresses ------------------------------------------------------

/// Marketing consent for one contact: what was chosen, by whom, when, where.
struct marketing_consent {
  bool opted_in = false;
  /// Who recorded it (operator id, "import", "ecommerce").
  std::string recorded_by;
  caf::timestamp recorded_at;
  /// Where it was recorded ("pos", "ecommerce", "import", ...).
  std::string source;
};

struct email_contact {
  std::string address;
  bool primary = false;
  marketing_consent consent;
};

struct phone_contact {
  /// Stored in E.164 (+14155550123) whatever the cashier typed.
  std::string number;
  bool primary = false;
  marketing_consent consent;
};

struct postal_address {
  address_purpose purpose = address_purpose::unspecified;
  std::string street;
  std::string city;
  std::string state;
  std::string zip;
  /// ISO 3166-1 alpha-2; empty means "the store's operating-unit country".
  std::string country;
  bool primary = false;
};

// -- commercial data -------------------------------------------------------------

struct financial_dimension {
  std::string name;
  std::string value;
};

/// A customer group at HQ; new customers take financial dimensions from the
/// group of the store's default customer.
struct customer_group {
  std::string id;
  std::vector<financial_dimension> financial_dimensions;
};

struct customer_attribute {
  std::string name;
  attribute_type type = attribute_type::text;
  std::string value;
};

struct attribute_definition {
  std::string name;
  attribute_type type = attribute_type::text;
  bool required = false;
};

/// The attributes a channel may capture for its customers.
struct attribute_group {
  std::string id;
  std::vector<attribute_definition> definitions;
};

/// Seed 002: business customer fields.
struct business_profile {
  std::string company_name;
  std::string tax_id;
  std::string registration_number;
  /// LLC, Corporation, Partnership, ...
  std::string business_type;
  std::string industry;
  /// Net 30, Net 60, ...
  std::string payment_terms;
};

struct loyalty_card {
  std::string card_number;
  int64_t points = 0;
};

/// A club membership, such as the wine club of seed 004.
struct club_membership {
  std::string club;
  std::string tier;
  caf::timestamp since;
};

// -- the customer ------------------------------------------------------------------

/// Everything a cashier or an import can fill in about a customer.
struct customer_profile {
  std::string first_name;
  std::string middle_name;
  std::string last_name;
  /// Organization name, or a person's full name when not split.
  std::string name;
  std::vector<email_contact> emails;
  std::vector<phone_contact> phones;
  std::vector<postal_address> addresses;
  std::string customer_group;
  receipt_option receipt = receipt_option::unspecified;
  std::string receipt_email;
  /// ISO 4217, e.g. "USD".
  std::string currency;
  /// BCP 47, e.g. "en-US".
  std::string language;
  std::vector<std::string> affiliations;
  std::vector<financial_dimension> financial_dimensions;
  std::vector<customer_attribute> attributes;
  business_profile business;
  /// YYYY-MM-DD or empty.
  std::string date_of_birth;
  /// Regular, VIP, Wholesale, Corporate, ...
  std::string segment;
  std::vector<club_membership> clubs;
  std::string notes;
};

/// What the cashier submits for a new customer. Unset or empty values are
/// inherited from the store's default customer (see rules.hpp).
struct customer_draft {
  caf::optional<customer_type> type;
  customer_profile profile;
};

/// A customer record as HQ, a channel or a terminal keeps it.
struct customer {
  customer_identity id;
  customer_type type = customer_type::person;
  customer_status status = customer_status::active;
  customer_profile profile;
  caf::optional<loyalty_card> loyalty;
  /// The account this customer was merged into (seed 002's duplicate,
  /// deactivated): its sales belong to that customer. Empty for all others.
  std::string merged_into;
};

/// The name shown in lists: organization name, else "first middle last", else name.
std::string display_name(const customer& x);

// -- equality ------------------------------------------------------------------------

bool operator==(const customer_identity& x, const customer_identity& y);
bool operator==(const marketing_consent& x, const marketing_consent& y);
bool operator==(const email_contact& x, const email_contact& y);
bool operator==(const phone_contact& x, const phone_contact& y);
bool operator==(const postal_address& x, const postal_address& y);
bool operator==(const financial_dimension& x, const financial_dimension& y);
bool operator==(const customer_group& x, const customer_group& y);
bool operator==(const customer_attribute& x, const customer_attribute& y);
bool operator==(const attribute_definition& x, const attribute_definition& y);
bool operator==(const attribute_group& x, const attribute_group& y);
bool operator==(const business_profile& x, const business_profile& y);
bool operator==(const loyalty_card& x, const loyalty_card& y);
bool operator==(const club_membership& x, const club_membership& y);
bool operator==(const customer_profile& x, const customer_profile& y);
bool operator==(const customer_draft& x, const customer_draft& y);
bool operator==(const customer& x, const customer& y);

// -- inspection (CAF 0.17) ---------------------------------------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_identity& x) {
  return f(caf::meta::type_name("customer_identity"), x.account_number,
           x.async_guid);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, marketing_consent& x) {
  return f(caf::meta::type_name("marketing_consent"), x.opted_in,
           x.recorded_by, x.recorded_at, x.source);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, email_contact& x) {
  return f(caf::meta::type_name("email_contact"), x.address, x.primary,
           x.consent);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, phone_contact& x) {
  return f(caf::meta::type_name("phone_contact"), x.number, x.primary,
           x.consent);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, postal_address& x) {
  return f(caf::meta::type_name("postal_address"), x.purpose, x.street,
           x.city, x.state, x.zip, x.country, x.primary);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, financial_dimension& x) {
  return f(caf::meta::type_name("financial_dimension"), x.name, x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_group& x) {
  return f(caf::meta::type_name("customer_group"), x.id,
           x.financial_dimensions);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_attribute& x) {
  return f(caf::meta::type_name("customer_attribute"), x.name, x.type,
           x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attribute_definition& x) {
  return f(caf::meta::type_name("attribute_definition"), x.name, x.type,
           x.required);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attribute_group& x) {
  return f(caf::meta::type_name("attribute_group"), x.id, x.definitions);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_profile& x) {
  return f(caf::meta::type_name("business_profile"), x.company_name, x.tax_id,
           x.registration_number, x.business_type, x.industry,
           x.payment_terms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, loyalty_card& x) {
  return f(caf::meta::type_name("loyalty_card"), x.card_number, x.points);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, club_membership& x) {
  return f(caf::meta::type_name("club_membership"), x.club, x.tier, x.since);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_profile& x) {
  return f(caf::meta::type_name("customer_profile"), x.first_name,
           x.middle_name, x.last_name, x.name, x.emails, x.phones, x.addresses,
           x.customer_group, x.receipt, x.receipt_email, x.currency,
           x.language, x.affiliations, x.financial_dimensions, x.attributes,
           x.business, x.date_of_birth, x.segment, x.clubs, x.notes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_draft& x) {
  return f(caf::meta::type_name("customer_draft"), x.type, x.profile);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer& x) {
  return f(caf::meta::type_name("customer"), x.id, x.type, x.status,
           x.profile, x.loyalty, x.merged_into);
}

} // namespace retailsim
