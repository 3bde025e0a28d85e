#pragma once

// Business rules of customer creation and of what a pending (Async) customer
// may do, as pure functions over the model (seeds 000, 001, 003).

#include <cstdint>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "model/customer.hpp"
#include "model/permissions.hpp"
#include "model/store.hpp"

namespace retailsim {

/// How a new customer comes into being.
///
/// | mode    | when                                | account id       |
/// |---------|-------------------------------------|------------------|
/// | sync    | profile async = off, terminal online | HQ account number |
/// | async   | profile async = on                   | GUID, Pending sync |
/// | offline | terminal offline, whatever the profile | GUID, Pending sync |
enum class creation_mode : uint8_t { sync, async, offline };

const char* to_string(creation_mode x);

/// True for the modes whose customers start pending (async and offline).
constexpr bool creates_pending(creation_mode mode) {
  return mode != creation_mode::sync;
}

/// Something worth telling the operator that does not stop the operation.
enum class warning_code : uint8_t {
  /// The default customer carries a receipt email: every customer created
  /// without one (e.g. from e-commerce) gets that same address (seed 000).
  default_customer_receipt_email,
  /// The default customer's affiliations were not inherited because the new
  /// customer is pending and enhanced async creation is off (seed 001).
  affiliations_not_inherited,
};

const char* to_string(warning_code x);

struct rule_warning {
  warning_code code;
  std::string detail;
};

/// A new customer record (identity still empty: HQ or the store assigns it)
/// and the warnings raised while building it.
struct new_customer {
  customer record;
  std::vector<rule_warning> warnings;
};

/// The address purpose a new address gets when none is chosen.
address_purpose default_address_purpose(customer_type type);

/// Fills an address's unspecified purpose (Home for a person, Business for an
/// organization) and empty country (the store's operating-unit country).
postal_address apply_address_defaults(postal_address address,
                                      customer_type type,
                                      const std::string& store_country);

/// Warnings about a store's configuration (a default customer with a receipt
/// email).
std::vector<rule_warning> check_store_settings(const store_settings& store);

/// Builds a new customer from a validated draft (see validate_draft):
/// - type, customer group, receipt option, currency and language come from
///   the draft where given, else from the store's default customer;
/// - the receipt email is copied from the default customer only when the
///   draft has none (and the pitfall is reported as a warning);
/// - affiliations of the default customer are added, except for pending
///   customers without enhanced async creation;
/// - financial dimensions come from the customer group of the default
///   customer, not from the default customer itself;
/// - addresses get their default purpose and country;
/// - the draft's own addresses, affiliations and secondary contacts are
///   checked against the feature flags for its mode.
/// Fails with unknown_customer_group or one of the flag errors; nothing is
/// half-built on failure.
caf::expected<new_customer>
make_new_customer(const customer_draft& draft, const store_settings& store,
                  const std::vector<customer_group>& groups,
                  const hq_feature_flags& flags, creation_mode mode);

/// The one way a new customer record is made, whatever the path (a Sync or
/// Async creation at a store, a Sync creation that falls back to Async, an
/// offline creation at a terminal): the draft validated (validate_draft,
/// with the store's country and attribute group), built for `mode` by
/// make_new_customer (so a pending customer meets the Async limitations),
/// with `guid`, the creation's idempotency key, as its identity.
caf::expected<new_customer>
build_new_customer(const customer_draft& draft, const store_settings& store,
                   const std::vector<customer_group>& groups,
                   const hq_feature_flags& flags, creation_mode mode,
                   const std::string& guid);

/// Seed 004's "Prompt for Email" for a validated draft without an email:
/// - prompt on, not yet confirmed: email_prompt (the field turns yellow);
/// - prompt on and confirmed ("Select customer" again), or prompt off: the
///   profile's generic address becomes the primary email (none if the
///   profile has none).
/// A draft with an email is returned unchanged.
caf::expected<customer_draft>
apply_email_prompt(customer_draft draft, const functionality_profile& profile,
                   bool confirmed_without_email);

/// What "similar customers" looks for before "create new": the draft,
/// validated (so emails and phones are in their stored form), as a customer
/// without the profile's generic email, which many customers share and which
/// therefore identifies nobody. Fails with the draft's validation error.
caf::expected<customer> similarity_candidate(const customer_draft& draft,
                                             const store_settings& store);

/// Operations on an existing customer that the Async limitations restrict.
enum class customer_operation : uint8_t {
  /// Any change of the profile (names, contacts, preferences, ...).
  edit_profile,
  /// Adding or changing an address (internally an edit in Commerce).
  add_address,
  /// Associating an affiliation.
  add_affiliation,
  /// Capturing a secondary email or phone.
  add_secondary_contact,
  /// Issuing a loyalty card.
  issue_loyalty_card,
};

const char* to_string(customer_operation x);

/// Whether `op` is allowed on `target` under `flags`:
///
/// | operation             | Sync customer          | pending customer needs          |
/// |-----------------------|------------------------|---------------------------------|
/// | edit_profile          | allowed                | edit_async_customers            |
/// | add_address           | allowed                | async_customer_addresses or edit_async_customers |
/// | add_affiliation       | allowed                | enhanced_async_customer         |
/// | add_secondary_contact | multiple_contacts...   | that and enhanced_async_customer |
/// | issue_loyalty_card    | allowed                | never (needs an account number) |
///
/// Returns an empty error when allowed.
caf::error check_operation(const customer& target, customer_operation op,
                           const hq_feature_flags& flags);

/// The restricted operations that changing `before` into `after` performs:
/// addresses changed -> add_address, affiliations added -> add_affiliation,
/// secondary contacts added -> add_secondary_contact, loyalty card set ->
/// issue_loyalty_card, anything else in the profile, type or status ->
/// edit_profile. Each appears once, in that order.
std::vector<customer_operation> operations_in(const customer& before,
                                              const customer& after);

/// The store operations (and so permissions) that changing `before` into
/// `after` needs: status changed -> change_status, loyalty card or points
/// changed -> manage_loyalty, club memberships changed -> manage_clubs,
/// anything else (type, profile) -> edit. Each appears once, in that order.
std::vector<store_operation> store_operations_in(const customer& before,
                                                 const customer& after);

/// Seed 002's merge of two records of one person: the survivor keeps its
/// identity, status, names and primary contacts, and gains what only the
/// duplicate had: addresses (as secondary ones), affiliations, club
/// memberships, its loyalty card (when both have one, the duplicate's
/// points are added to the survivor's card) and, only with the feature
/// "multiple emails and phone numbers with consent" (seed 000), its emails
/// and phones as secondary ones.
customer merge_customers(customer survivor, const customer& duplicate,
                         const hq_feature_flags& flags);

/// The number of emails and phones that are not primary.
size_t secondary_contact_count(const customer_profile& profile);

} // namespace retailsim
