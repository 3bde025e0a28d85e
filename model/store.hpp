#pragma once

// Store and HQ settings that decide how customers are created: the store's
// functionality profile, default customer and operating-unit country, and the
// HQ feature flags that lift the Async limitations (seeds 000, 001, 003, 004).

#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"

#include "model/customer.hpp"

namespace retailsim {

/// The part of a store's functionality profile that matters for customers.
struct functionality_profile {
  std::string id;
  /// "Create customer in async mode": no Real-time Service call, GUID account.
  bool create_customer_async = false;
  /// Seed 004 "Prompt for Email": creation without email is refused once with
  /// a prompt, then allowed with `generic_email`; when off the generic address
  /// is filled in silently.
  bool prompt_for_email = false;
  std::string generic_email;
};

/// HQ feature management switches (seeds 000 and 003).
struct hq_feature_flags {
  /// "Capture multiple emails and phone numbers and consent for marketing".
  bool multiple_contacts_with_consent = false;
  /// "Enable the asynchronous creation for customer addresses" (10.0.22).
  bool async_customer_addresses = false;
  /// "Enable enhanced async customer creation" (10.0.24): affiliations and
  /// secondary emails/phones for Async customers.
  bool enhanced_async_customer = false;
  /// Later Commerce versions: editing customers while in async mode.
  bool edit_async_customers = false;
};

/// What the async-sync job does when a customer it converts is the same
/// person as a customer HQ already has (same name, and the same email or
/// phone): typical when two stores created them Async before either knew.
enum class duplicate_policy : uint8_t {
  /// Keep both and list the pair for review (the default: a person
  /// decides).
  flag_for_review,
  /// Merge the new customer into the one HQ had (see merge_customers).
  merge,
};

const char* to_string(duplicate_policy x);

/// Parses "flag" or "merge"; false on anything else.
bool from_string(const std::string& in, duplicate_policy& out);

/// One store (channel) as HQ configures it.
struct store_settings {
  std::string store_id;
  functionality_profile profile;
  /// Properties of new customers are copied from this one.
  customer default_customer;
  /// ISO 3166-1 alpha-2 of the operating unit's primary address: default
  /// address country and default phone region.
  std::string operating_unit_country;
  /// Attributes captured for this channel's customers.
  attribute_group attributes;
};

bool operator==(const functionality_profile& x, const functionality_profile& y);
bool operator==(const hq_feature_flags& x, const hq_feature_flags& y);
bool operator==(const store_settings& x, const store_settings& y);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        functionality_profile& x) {
  return f(caf::meta::type_name("functionality_profile"), x.id,
           x.create_customer_async, x.prompt_for_email, x.generic_email);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hq_feature_flags& x) {
  return f(caf::meta::type_name("hq_feature_flags"),
           x.multiple_contacts_with_consent, x.async_customer_addresses,
           x.enhanced_async_customer, x.edit_async_customers);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_settings& x) {
  return f(caf::meta::type_name("store_settings"), x.store_id, x.profile,
           x.default_customer, x.operating_unit_country, x.attributes);
}

} // namespace retailsim
