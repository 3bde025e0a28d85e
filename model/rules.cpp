#include "model/rules.hpp"

#include <algorithm>
#include <cctype>
#include <type_traits>

#include "model/error.hpp"
#include "model/validation.hpp"

namespace retailsim {

const char* to_string(creation_mode x) {
  switch (x) {
    case creation_mode::sync: return "sync";
    case creation_mode::async: return "async";
    case creation_mode::offline: return "offline";
  }
  return "?";
}

const char* to_string(warning_code x) {
  switch (x) {
    case warning_code::default_customer_receipt_email:
      return "default_customer_receipt_email";
    case warning_code::affiliations_not_inherited:
      return "affiliations_not_inherited";
  }
  return "?";
}

const char* to_string(customer_operation x) {
  switch (x) {
    case customer_operation::edit_profile: return "edit_profile";
    case customer_operation::add_address: return "add_address";
    case customer_operation::add_affiliation: return "add_affiliation";
    case customer_operation::add_secondary_contact:
      return "add_secondary_contact";
    case customer_operation::issue_loyalty_card: return "issue_loyalty_card";
  }
  return "?";
}

address_purpose default_address_purpose(customer_type type) {
  return type == customer_type::organization ? address_purpose::business
                                             : address_purpose::home;
}

postal_address apply_address_defaults(postal_address address,
                                      customer_type type,
                                      const std::string& store_country) {
  if (address.purpose == address_purpose::unspecified)
    address.purpose = default_address_purpose(type);
  if (address.country.empty())
    address.country = store_country;
  return address;
}

std::vector<customer_operation> operations_in(const customer& before,
                                              const customer& after) {
  std::vector<customer_operation> out;
  const auto& b = before.profile;
  const auto& a = after.profile;
  if (!(b.addresses == a.addresses))
    out.push_back(customer_operation::add_address);
  for (const auto& x : a.affiliations)
    if (std::find(b.affiliations.begin(), b.affiliations.end(), x)
        == b.affiliations.end()) {
      out.push_back(customer_operation::add_affiliation);
      break;
    }
  if (secondary_contact_count(a) > secondary_contact_count(b))
    out.push_back(customer_operation::add_secondary_contact);
  if (after.loyalty && !(before.loyalty == after.loyalty))
    out.push_back(customer_operation::issue_loyalty_card);
  // Everything else: compare with the restricted parts taken out.
  auto strip = [](customer c) {
    c.profile.addresses.clear();
    c.profile.affiliations.clear();
    c.profile.emails.erase(
      std::remove_if(c.profile.emails.begin(), c.profile.emails.end(),
                     [](const auto& e) { return !e.primary; }),
      c.profile.emails.end());
    c.profile.phones.erase(
      std::remove_if(c.profile.phones.begin(), c.profile.phones.end(),
                     [](const auto& p) { return !p.primary; }),
      c.profile.phones.end());
    c.loyalty = caf::none;
    return c;
  };
  if (!(strip(before) == strip(after)))
    out.push_back(customer_operation::edit_profile);
  return out;
}

namespace {

bool same_text_ignoring_case(const std::string& x, const std::string& y) {
  return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                    [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a))
                             == std::tolower(static_cast<unsigned char>(b));
                    });
}

/// Appends each of `from` that `same` finds nowhere in `to`, made
/// secondary (primary = false) when the item has that flag.
template <class T, class Same>
void add_missing(std::vector<T>& to, const std::vector<T>& from, Same same) {
  for (const auto& item : from) {
    bool known = std::any_of(to.begin(), to.end(),
                             [&](const T& x) { return same(x, item); });
    if (known)
      continue;
    to.push_back(item);
    if constexpr (!std::is_same_v<T, std::string>
                  && !std::is_same_v<T, club_membership>)
      to.back().primary = false;
  }
}

} // namespace

customer merge_customers(customer survivor, const customer& duplicate,
                         const hq_feature_flags& flags) {
  auto& to = survivor.profile;
  const auto& from = duplicate.profile;
  if (flags.multiple_contacts_with_consent) {
    add_missing(to.emails, from.emails, [](const auto& x, const auto& y) {
      return same_text_ignoring_case(x.address, y.address);
    });
    add_missing(to.phones, from.phones, [](const auto& x, const auto& y) {
      return x.number == y.number;
    });
  }
  add_missing(to.addresses, from.addresses, [](const auto& x, const auto& y) {
    return x.street == y.street && x.city == y.city && x.zip == y.zip
           && x.country == y.country;
  });
  add_missing(to.affiliations, from.affiliations,
              [](const auto& x, const auto& y) { return x == y; });
  add_missing(to.clubs, from.clubs, [](const auto& x, const auto& y) {
    return x.club == y.club;
  });
  if (duplicate.loyalty) {
    if (survivor.loyalty)
      survivor.loyalty->points += duplicate.loyalty->points;
    else
      survivor.loyalty = duplicate.loyalty;
  }
  return survivor;
}

size_t secondary_contact_count(const customer_profile& profile) {
  auto secondary = [](const auto& xs) {
    return static_cast<size_t>(std::count_if(
      xs.begin(), xs.end(), [](const auto& x) { return !x.primary; }));
  };
  return secondary(profile.emails) + secondary(profile.phones);
}

std::vector<rule_warning> check_store_settings(const store_settings& store) {
  std::vector<rule_warning> out;
  const auto& email = store.default_customer.profile.receipt_email;
  if (!email.empty())
    out.push_back({warning_code::default_customer_receipt_email,
                   "store " + store.store_id + ": default customer has receipt "
                     "email '" + email + "'; every new customer without one "
                     "will receive it"});
  return out;
}

caf::expected<new_customer>
make_new_customer(const customer_draft& draft, const store_settings& store,
                  const std::vector<customer_group>& groups,
                  const hq_feature_flags& flags, creation_mode mode) {
  const auto& defaults = store.default_customer;
  const auto& given = draft.profile;
  bool pending = creates_pending(mode);
  // Limitations first: a refused draft builds nothing.
  auto secondaries = secondary_contact_count(given);
  if (secondaries > 0 && !flags.multiple_contacts_with_consent)
    return make_error(ec::multiple_contacts_disabled, "emails",
                      "secondary emails and phones need the feature "
                      "'multiple emails and phone numbers with consent'");
  if (pending) {
    if (!given.addresses.empty() && !flags.async_customer_addresses)
      return make_error(ec::async_address_disabled, "addresses",
                        "addresses of Async customers need the feature "
                        "'asynchronous creation for customer addresses'");
    if (!given.affiliations.empty() && !flags.enhanced_async_customer)
      return make_error(ec::async_affiliations_disabled, "affiliations",
                        "affiliations of Async customers need the feature "
                        "'enhanced async customer creation'");
    if (secondaries > 0 && !flags.enhanced_async_customer)
      return make_error(ec::async_secondary_contacts_disabled, "emails",
                        "secondary contacts of Async customers need the "
                        "feature 'enhanced async customer creation'");
  }
  const auto& group_id = defaults.profile.customer_group;
  auto group = std::find_if(groups.begin(), groups.end(),
                            [&](const auto& g) { return g.id == group_id; });
  if (group == groups.end())
    return make_error(ec::unknown_customer_group, "customer_group",
                      "default customer of store " + store.store_id
                        + " is in group '" + group_id
                        + "', which HQ does not define");
  new_customer out;
  out.warnings = check_store_settings(store);
  auto& rec = out.record;
  rec.status = customer_status::active;
  rec.type = draft.type ? *draft.type : defaults.type;
  rec.profile = given;
  auto& p = rec.profile;
  auto inherit = [](std::string& field, const std::string& fallback) {
    if (field.empty())
      field = fallback;
  };
  inherit(p.customer_group, defaults.profile.customer_group);
  if (p.receipt == receipt_option::unspecified)
    p.receipt = defaults.profile.receipt;
  inherit(p.receipt_email, defaults.profile.receipt_email);
  inherit(p.currency, defaults.profile.currency);
  inherit(p.language, defaults.profile.language);
  if (pending && !flags.enhanced_async_customer) {
    if (!defaults.profile.affiliations.empty())
      out.warnings.push_back({warning_code::affiliations_not_inherited,
                              "pending customer: default customer's "
                              "affiliations not inherited"});
  } else {
    for (const auto& a : defaults.profile.affiliations)
      if (std::find(p.affiliations.begin(), p.affiliations.end(), a)
          == p.affiliations.end())
        p.affiliations.push_back(a);
  }
  p.financial_dimensions = group->financial_dimensions;
  for (auto& address : p.addresses)
    address = apply_address_defaults(std::move(address), rec.type,
                                     store.operating_unit_country);
  return out;
}

caf::expected<new_customer>
build_new_customer(const customer_draft& draft, const store_settings& store,
                   const std::vector<customer_group>& groups,
                   const hq_feature_flags& flags, creation_mode mode,
                   const std::string& guid) {
  auto valid = validate_draft(draft, store.operating_unit_country,
                              store.attributes);
  if (!valid)
    return valid.error();
  auto built = make_new_customer(*valid, store, groups, flags, mode);
  if (!built)
    return built.error();
  built->record.id.async_guid = guid;
  return built;
}

caf::error check_operation(const customer& target, customer_operation op,
                           const hq_feature_flags& flags) {
  if (op == customer_operation::add_secondary_contact
      && !flags.multiple_contacts_with_consent)
    return make_error(ec::multiple_contacts_disabled, "emails",
                      "secondary emails and phones need the feature "
                      "'multiple emails and phone numbers with consent'");
  if (!is_pending(target.id))
    return {};
  const auto who = display_name(target) + " (" + pending_sync_label + ")";
  switch (op) {
    case customer_operation::edit_profile:
      if (!flags.edit_async_customers)
        return make_error(ec::pending_customer_not_editable, "customer",
                          who + " cannot be edited until HQ has synced it");
      return {};
    case customer_operation::add_address:
      if (!flags.async_customer_addresses && !flags.edit_async_customers)
        return make_error(ec::async_address_disabled, "addresses",
                          who + ": addresses need the feature 'asynchronous "
                                "creation for customer addresses'");
      return {};
    case customer_operation::add_affiliation:
      if (!flags.enhanced_async_customer)
        return make_error(ec::async_affiliations_disabled, "affiliations",
                          who + ": affiliations need the feature 'enhanced "
                                "async customer creation'");
      return {};
    case customer_operation::add_secondary_contact:
      if (!flags.enhanced_async_customer)
        return make_error(ec::async_secondary_contacts_disabled, "emails",
                          who + ": secondary contacts need the feature "
                                "'enhanced async customer creation'");
      return {};
    case customer_operation::issue_loyalty_card:
      return make_error(ec::loyalty_card_requires_account, "loyalty",
                        who + ": loyalty cards are issued only after HQ has "
                              "assigned an account number");
  }
  return {};
}

caf::expected<customer_draft>
apply_email_prompt(customer_draft draft, const functionality_profile& profile,
                   bool confirmed_without_email) {
  if (!draft.profile.emails.empty())
    return draft;
  if (profile.prompt_for_email && !confirmed_without_email)
    return make_error(ec::email_prompt, "profile.emails",
                      "no email entered: enter the customer's email, or "
                      "select the customer again to use the generic address");
  if (!profile.generic_email.empty())
    draft.profile.emails.push_back({profile.generic_email, true, {}});
  return draft;
}

caf::expected<customer> similarity_candidate(const customer_draft& draft,
                                             const store_settings& store) {
  auto valid = validate_draft(draft, store.operating_unit_country,
                              store.attributes);
  if (!valid)
    return valid.error();
  customer out;
  out.profile = std::move(valid->profile);
  auto& emails = out.profile.emails;
  const auto& generic = store.profile.generic_email;
  emails.erase(std::remove_if(emails.begin(), emails.end(),
                              [&](const email_contact& e) {
                                return !generic.empty() && e.address == generic;
                              }),
               emails.end());
  return out;
}

std::vector<store_operation> store_operations_in(const customer& before,
                                                 const customer& after) {
  std::vector<store_operation> out;
  if (before.status != after.status)
    out.push_back(store_operation::change_status);
  if (!(before.loyalty == after.loyalty))
    out.push_back(store_operation::manage_loyalty);
  if (!(before.profile.clubs == after.profile.clubs))
    out.push_back(store_operation::manage_clubs);
  auto rest_before = before.profile;
  auto rest_after = after.profile;
  rest_before.clubs.clear();
  rest_after.clubs.clear();
  if (before.type != after.type || !(rest_before == rest_after))
    out.push_back(store_operation::edit);
  return out;
}

} // namespace retailsim
