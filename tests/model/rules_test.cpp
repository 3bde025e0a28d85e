// Default-customer inheritance, address defaults and the Async limitations.

#include "model/rules.hpp"

#include <gtest/gtest.h>

#include "model/error.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;

namespace {

std::vector<customer_group> groups() {
  return {{"RETAIL", {{"CostCenter", "CC-100"}, {"Department", "Sales"}}},
          {"WHOLESALE", {{"CostCenter", "CC-900"}}}};
}

store_settings store(bool receipt_email_on_default = false) {
  store_settings s;
  s.store_id = "S001";
  s.operating_unit_country = "US";
  auto& d = s.default_customer;
  d.id.account_number = "C000000001";
  d.type = customer_type::person;
  d.profile.name = "Walk-in customer";
  d.profile.customer_group = "RETAIL";
  d.profile.receipt = receipt_option::email;
  d.profile.currency = "USD";
  d.profile.language = "en-US";
  d.profile.affiliations = {"Employees", "Newsletter"};
  // The default customer's own dimensions must NOT be what new customers get.
  d.profile.financial_dimensions = {{"CostCenter", "WRONG"}};
  if (receipt_email_on_default)
    d.profile.receipt_email = "receipts@store.example";
  return s;
}

customer_draft draft() {
  customer_draft d;
  d.profile.first_name = "Ann";
  d.profile.last_name = "Lee";
  d.profile.emails.push_back({"ann@example.com", true, {}});
  return d;
}

hq_feature_flags all_flags() {
  return {true, true, true, true};
}

} // namespace

TEST(Inheritance, CopiesTheDefaultCustomersProperties) {
  auto result = make_new_customer(draft(), store(), groups(), {},
                                  creation_mode::sync);
  ASSERT_TRUE(result) << describe(result.error());
  const auto& c = result->record;
  EXPECT_EQ(c.type, customer_type::person);
  EXPECT_EQ(c.profile.customer_group, "RETAIL");
  EXPECT_EQ(c.profile.receipt, receipt_option::email);
  EXPECT_EQ(c.profile.currency, "USD");
  EXPECT_EQ(c.profile.language, "en-US");
  EXPECT_EQ(c.profile.affiliations,
            (std::vector<std::string>{"Employees", "Newsletter"}));
  EXPECT_EQ(c.profile.receipt_email, "");
  EXPECT_TRUE(c.id.account_number.empty());
  EXPECT_TRUE(result->warnings.empty());
}

TEST(Inheritance, FinancialDimensionsComeFromTheDefaultCustomersGroup) {
  auto d = draft();
  d.profile.customer_group = "WHOLESALE";  // the cashier's choice of group
  auto result = make_new_customer(d, store(), groups(), {},
                                  creation_mode::sync);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->record.profile.customer_group, "WHOLESALE");
  EXPECT_EQ(result->record.profile.financial_dimensions,
            (std::vector<financial_dimension>{{"CostCenter", "CC-100"},
                                              {"Department", "Sales"}}));
}

TEST(Inheritance, UnknownGroupOfTheDefaultCustomerIsAnError) {
  auto s = store();
  s.default_customer.profile.customer_group = "GHOST";
  auto result = make_new_customer(draft(), s, groups(), {},
                                  creation_mode::sync);
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::unknown_customer_group);
}

TEST(Inheritance, GivenValuesWinOverTheDefaults) {
  auto d = draft();
  d.type = customer_type::organization;
  d.profile.currency = "EUR";
  d.profile.language = "de-DE";
  d.profile.receipt = receipt_option::print;
  auto result = make_new_customer(d, store(), groups(), {},
                                  creation_mode::sync);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->record.type, customer_type::organization);
  EXPECT_EQ(result->record.profile.currency, "EUR");
  EXPECT_EQ(result->record.profile.language, "de-DE");
  EXPECT_EQ(result->record.profile.receipt, receipt_option::print);
}

TEST(Inheritance, ReceiptEmailIsCopiedOnlyWhenNoneIsGivenAndWarned) {
  auto s = store(true);
  auto none_given = make_new_customer(draft(), s, groups(), {},
                                      creation_mode::sync);
  ASSERT_TRUE(none_given);
  EXPECT_EQ(none_given->record.profile.receipt_email, "receipts@store.example");
  ASSERT_EQ(none_given->warnings.size(), 1u);
  EXPECT_EQ(none_given->warnings[0].code,
            warning_code::default_customer_receipt_email);

  auto d = draft();
  d.profile.receipt_email = "ann.receipts@example.com";
  auto given = make_new_customer(d, s, groups(), {}, creation_mode::sync);
  ASSERT_TRUE(given);
  EXPECT_EQ(given->record.profile.receipt_email, "ann.receipts@example.com");

  EXPECT_EQ(check_store_settings(s).size(), 1u);
  EXPECT_TRUE(check_store_settings(store()).empty());
}

TEST(Inheritance, PendingCustomersInheritAffiliationsOnlyWithEnhancedAsync) {
  for (auto mode : {creation_mode::async, creation_mode::offline}) {
    auto without = make_new_customer(draft(), store(), groups(), {}, mode);
    ASSERT_TRUE(without);
    EXPECT_TRUE(without->record.profile.affiliations.empty());
    ASSERT_EQ(without->warnings.size(), 1u);
    EXPECT_EQ(without->warnings[0].code,
              warning_code::affiliations_not_inherited);
    hq_feature_flags enhanced;
    enhanced.enhanced_async_customer = true;
    auto with = make_new_customer(draft(), store(), groups(), enhanced, mode);
    ASSERT_TRUE(with);
    EXPECT_EQ(with->record.profile.affiliations.size(), 2u);
  }
}

TEST(Inheritance, AffiliationsAreNotDuplicated) {
  auto d = draft();
  d.profile.affiliations = {"Newsletter"};
  auto result = make_new_customer(d, store(), groups(), {},
                                  creation_mode::sync);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->record.profile.affiliations,
            (std::vector<std::string>{"Newsletter", "Employees"}));
}

// -- addresses -------------------------------------------------------------------------

TEST(Address, PurposeDefaultsByTypeAndCountryFromTheOperatingUnit) {
  EXPECT_EQ(default_address_purpose(customer_type::person),
            address_purpose::home);
  EXPECT_EQ(default_address_purpose(customer_type::organization),
            address_purpose::business);
  postal_address blank;
  auto person = apply_address_defaults(blank, customer_type::person, "US");
  EXPECT_EQ(person.purpose, address_purpose::home);
  EXPECT_EQ(person.country, "US");
  auto org = apply_address_defaults(blank, customer_type::organization, "DE");
  EXPECT_EQ(org.purpose, address_purpose::business);
  EXPECT_EQ(org.country, "DE");
  postal_address chosen;
  chosen.purpose = address_purpose::post_box;
  chosen.country = "CA";
  auto kept = apply_address_defaults(chosen, customer_type::person, "US");
  EXPECT_EQ(kept.purpose, address_purpose::post_box);
  EXPECT_EQ(kept.country, "CA");
}

TEST(Address, NewCustomersGetTheDefaults) {
  auto d = draft();
  d.type = customer_type::organization;
  d.profile.addresses.push_back({});
  auto result = make_new_customer(d, store(), groups(), {},
                                  creation_mode::sync);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->record.profile.addresses[0].purpose,
            address_purpose::business);
  EXPECT_EQ(result->record.profile.addresses[0].country, "US");
}

// -- creation under the feature flags --------------------------------------------------

TEST(Creation, AsyncAddressNeedsItsFlag) {
  auto d = draft();
  d.profile.addresses.push_back({});
  auto refused = make_new_customer(d, store(), groups(), {},
                                   creation_mode::async);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::async_address_disabled);
  hq_feature_flags flags;
  flags.async_customer_addresses = true;
  EXPECT_TRUE(make_new_customer(d, store(), groups(), flags,
                                creation_mode::async));
  // Sync creation never needed it.
  EXPECT_TRUE(make_new_customer(d, store(), groups(), {}, creation_mode::sync));
}

TEST(Creation, SecondaryContactsNeedMultipleContactsAndForAsyncEnhanced) {
  auto d = draft();
  d.profile.emails.push_back({"ann.work@example.com", false, {}});
  auto no_feature = make_new_customer(d, store(), groups(), {},
                                      creation_mode::sync);
  ASSERT_FALSE(no_feature);
  EXPECT_EQ(error_code(no_feature.error()), ec::multiple_contacts_disabled);
  hq_feature_flags flags;
  flags.multiple_contacts_with_consent = true;
  EXPECT_TRUE(make_new_customer(d, store(), groups(), flags,
                                creation_mode::sync));
  auto async_refused = make_new_customer(d, store(), groups(), flags,
                                         creation_mode::offline);
  ASSERT_FALSE(async_refused);
  EXPECT_EQ(error_code(async_refused.error()),
            ec::async_secondary_contacts_disabled);
  flags.enhanced_async_customer = true;
  EXPECT_TRUE(make_new_customer(d, store(), groups(), flags,
                                creation_mode::offline));
}

TEST(Creation, ExplicitAffiliationsOfAsyncCustomersNeedEnhanced) {
  auto d = draft();
  d.profile.affiliations = {"Wine club"};
  auto refused = make_new_customer(d, store(), groups(), {},
                                   creation_mode::async);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::async_affiliations_disabled);
}

// -- operations on existing customers: the whole flag table ------------------------------

struct operation_case {
  customer_operation op;
  hq_feature_flags flags;
  bool pending;
  ec expected;  // ec::none when allowed
};

void PrintTo(const operation_case& x, std::ostream* os) {
  *os << to_string(x.op) << (x.pending ? " on pending" : " on sync") << " -> "
      << to_string(x.expected);
}

class Operation : public ::testing::TestWithParam<operation_case> {};

TEST_P(Operation, FollowsTheLimitationTable) {
  const auto& p = GetParam();
  auto c = test::sample_customer("Ann", "Lee");
  if (p.pending)
    c.id.async_guid = "0b8e2f5c-1d2a-4c3b-9e4f-5a6b7c8d9e0f";
  else
    c.id.account_number = "C000000042";
  auto err = check_operation(c, p.op, p.flags);
  if (p.expected == ec::none) {
    EXPECT_FALSE(err) << describe(err);
  } else {
    ASSERT_TRUE(err) << to_string(p.op) << " was allowed";
    EXPECT_EQ(error_code(err), p.expected) << describe(err);
    if (p.pending && p.expected != ec::multiple_contacts_disabled) {
      EXPECT_NE(describe(err).find("Pending sync"), std::string::npos);
    }
  }
}

namespace {

hq_feature_flags only(bool hq_feature_flags::*flag) {
  hq_feature_flags f;
  f.*flag = true;
  return f;
}

using op = customer_operation;

} // namespace

INSTANTIATE_TEST_SUITE_P(
  SyncCustomer, Operation,
  ::testing::Values(
    operation_case{op::edit_profile, {}, false, ec::none},
    operation_case{op::add_address, {}, false, ec::none},
    operation_case{op::add_affiliation, {}, false, ec::none},
    operation_case{op::issue_loyalty_card, {}, false, ec::none},
    operation_case{op::add_secondary_contact, {}, false,
                   ec::multiple_contacts_disabled},
    operation_case{op::add_secondary_contact,
                   only(&hq_feature_flags::multiple_contacts_with_consent),
                   false, ec::none}));

INSTANTIATE_TEST_SUITE_P(
  PendingCustomer, Operation,
  ::testing::Values(
    operation_case{op::edit_profile, {}, true,
                   ec::pending_customer_not_editable},
    operation_case{op::edit_profile,
                   only(&hq_feature_flags::async_customer_addresses), true,
                   ec::pending_customer_not_editable},
    operation_case{op::edit_profile,
                   only(&hq_feature_flags::edit_async_customers), true,
                   ec::none},
    operation_case{op::add_address, {}, true, ec::async_address_disabled},
    operation_case{op::add_address,
                   only(&hq_feature_flags::enhanced_async_customer), true,
                   ec::async_address_disabled},
    operation_case{op::add_address,
                   only(&hq_feature_flags::async_customer_addresses), true,
                   ec::none},
    operation_case{op::add_address,
                   only(&hq_feature_flags::edit_async_customers), true,
                   ec::none},
    operation_case{op::add_affiliation, {}, true,
                   ec::async_affiliations_disabled},
    operation_case{op::add_affiliation,
                   only(&hq_feature_flags::async_customer_addresses), true,
                   ec::async_affiliations_disabled},
    operation_case{op::add_affiliation,
                   only(&hq_feature_flags::enhanced_async_customer), true,
                   ec::none},
    operation_case{op::add_secondary_contact,
                   only(&hq_feature_flags::multiple_contacts_with_consent),
                   true, ec::async_secondary_contacts_disabled},
    operation_case{op::add_secondary_contact,
                   only(&hq_feature_flags::enhanced_async_customer), true,
                   ec::multiple_contacts_disabled},
    operation_case{op::add_secondary_contact,
                   {true, false, true, false}, true, ec::none},
    operation_case{op::issue_loyalty_card, {}, true,
                   ec::loyalty_card_requires_account},
    operation_case{op::issue_loyalty_card, all_flags(), true,
                   ec::loyalty_card_requires_account}));

TEST(EmailPrompt, PromptsOnceThenUsesTheGenericAddress) {
  functionality_profile profile;
  profile.prompt_for_email = true;
  profile.generic_email = "noemail@store.example";
  customer_draft draft;
  draft.profile.first_name = "Ann";
  auto first = apply_email_prompt(draft, profile, false);
  ASSERT_FALSE(first);
  EXPECT_EQ(error_code(first.error()), ec::email_prompt);
  EXPECT_EQ(error_field(first.error()), "profile.emails");
  auto second = apply_email_prompt(draft, profile, true);
  ASSERT_TRUE(second) << describe(second.error());
  ASSERT_EQ(second->profile.emails.size(), 1u);
  EXPECT_EQ(second->profile.emails[0].address, "noemail@store.example");
  EXPECT_TRUE(second->profile.emails[0].primary);
}

TEST(EmailPrompt, WithoutThePromptTheGenericAddressIsSilent) {
  functionality_profile profile;
  profile.generic_email = "noemail@store.example";
  customer_draft draft;
  draft.profile.first_name = "Ann";
  auto filled = apply_email_prompt(draft, profile, false);
  ASSERT_TRUE(filled);
  ASSERT_EQ(filled->profile.emails.size(), 1u);
  EXPECT_EQ(filled->profile.emails[0].address, "noemail@store.example");
  // A given email is kept, prompt or not.
  draft.profile.emails.push_back({"ann@example.com", true, {}});
  profile.prompt_for_email = true;
  auto kept = apply_email_prompt(draft, profile, false);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->profile.emails, draft.profile.emails);
  // No generic address configured: nothing is invented.
  draft.profile.emails.clear();
  EXPECT_TRUE(apply_email_prompt(draft, functionality_profile{}, false)
                ->profile.emails.empty());
}

TEST(StoreOperations, AnEditNeedsThePermissionsOfWhatItChanges) {
  customer before;
  before.id.account_number = "C000000001";
  before.profile.first_name = "Ann";
  auto after = before;
  EXPECT_TRUE(store_operations_in(before, after).empty());
  after.status = customer_status::inactive;
  EXPECT_EQ(store_operations_in(before, after),
            std::vector<store_operation>{store_operation::change_status});
  after.loyalty = loyalty_card{"L-1", 10};
  after.profile.clubs.push_back({"wine", "gold", {}});
  after.profile.notes = "prefers red";
  EXPECT_EQ(store_operations_in(before, after),
            (std::vector<store_operation>{store_operation::change_status,
                                          store_operation::manage_loyalty,
                                          store_operation::manage_clubs,
                                          store_operation::edit}));
}

TEST(Similarity, TheCandidateIsTheValidatedDraftWithoutTheGenericEmail) {
  auto s = store();
  s.profile.generic_email = "noemail@store.example";
  customer_draft draft;
  draft.profile.first_name = "Ann";
  draft.profile.emails.push_back({"noemail@store.example", true, {}});
  draft.profile.phones.push_back({"(707) 320-2478", true, {}});
  auto candidate = similarity_candidate(draft, s);
  ASSERT_TRUE(candidate) << describe(candidate.error());
  EXPECT_TRUE(candidate->profile.emails.empty());
  ASSERT_EQ(candidate->profile.phones.size(), 1u);
  EXPECT_EQ(candidate->profile.phones[0].number, "+17073202478");
  draft.profile.emails[0].address = "Ann@Example.com";
  ASSERT_EQ(similarity_candidate(draft, s)->profile.emails.size(), 1u);
  draft.profile.phones[0].number = "12";
  auto bad = similarity_candidate(draft, s);
  ASSERT_FALSE(bad);
  EXPECT_EQ(error_field(bad.error()), "phones[0].number");
}

TEST(Merge, SurvivorKeepsItsOwnAndGainsWhatOnlyTheDuplicateHad) {
  auto keep = test::sample_customer("Ann", "Lee");
  keep.id.account_number = "C1";
  auto dup = test::sample_customer("Ann", "Lee");
  dup.id.account_number = "C2";
  dup.profile.emails[0].address = "ANN.LEE@example.com";  // same, other case
  dup.profile.phones[0].number = "+14155550100";
  dup.profile.affiliations = {"Staff"};
  dup.loyalty = loyalty_card{"L-2", 40};
  hq_feature_flags flags;
  flags.multiple_contacts_with_consent = true;
  auto merged = merge_customers(keep, dup, flags);
  EXPECT_EQ(merged.id, keep.id);
  EXPECT_EQ(merged.profile.emails.size(), 1u);
  ASSERT_EQ(merged.profile.phones.size(), 2u);
  EXPECT_TRUE(merged.profile.phones[0].primary);
  EXPECT_FALSE(merged.profile.phones[1].primary);
  EXPECT_EQ(merged.profile.affiliations, std::vector<std::string>{"Staff"});
  // The survivor had no card: it takes the duplicate's, points included.
  ASSERT_TRUE(merged.loyalty);
  EXPECT_EQ(*merged.loyalty, (loyalty_card{"L-2", 40}));
}

TEST(Merge, SecondaryContactsNeedTheirFeature) {
  // Seed 000: secondary emails and phones exist only with "capture
  // multiple emails and phone numbers"; a merge does not add them either.
  auto keep = test::sample_customer("Ann", "Lee");
  keep.id.account_number = "C1";
  auto dup = test::sample_customer("Ann", "Lee");
  dup.id.account_number = "C2";
  dup.profile.emails[0].address = "ann.home@example.com";
  dup.profile.phones[0].number = "+14155550100";
  dup.profile.affiliations = {"Staff"};
  auto merged = merge_customers(keep, dup, hq_feature_flags{});
  EXPECT_EQ(merged.profile.emails, keep.profile.emails);
  EXPECT_EQ(merged.profile.phones, keep.profile.phones);
  EXPECT_EQ(secondary_contact_count(merged.profile), 0u);
  // What needs no feature still comes over.
  EXPECT_EQ(merged.profile.affiliations, std::vector<std::string>{"Staff"});
}
