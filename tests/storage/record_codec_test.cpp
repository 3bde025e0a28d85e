// The record column: every customer field survives encode -> decode,
// whatever characters it holds.

#include "storage/record_codec.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/fixtures.hpp"

using namespace retailsim;

TEST(RecordCodec, EveryFieldRoundTripsWithHostileCharacters) {
  auto c = test::sample_customer("Ann", "Lee");
  const std::string nasty = "q\"uote \\back\\slash \n\t\x01\x1f é 🍷 '); --";
  c.id = {"C000000042", "0b8e2f5c-1d2a-4c3b-9e4f-5a6b7c8d9e0f"};
  c.type = customer_type::organization;
  c.status = customer_status::inactive;
  c.profile.middle_name = nasty;
  c.profile.name = nasty;
  c.profile.addresses.push_back({address_purpose::post_box, nasty, "Napa",
                                 "CA", "94559", "US", true});
  c.profile.receipt = receipt_option::print_and_email;
  c.profile.receipt_email = "r@example.com";
  c.profile.affiliations = {"Wine club", nasty};
  c.profile.financial_dimensions = {{"CostCenter", nasty}};
  c.profile.attributes = {{"bottles", attribute_type::integer, "24"}};
  c.profile.business = {nasty, "T", "R", "LLC", "I", "Net 30"};
  c.profile.date_of_birth = "1980-05-17";
  c.profile.segment = "VIP";
  c.profile.clubs = {{"Wine club", "Gold", test::at(5000)}};
  c.profile.notes = nasty;
  c.loyalty = loyalty_card{"LC-1", -0};
  c.merged_into = "C000000007";
  auto text = storage::encode(c);
  EXPECT_NO_THROW(auto parsed = nlohmann::json::parse(text)) << text;
  auto back = storage::decode_customer(text, "test");
  ASSERT_TRUE(back) << describe(back.error());
  EXPECT_EQ(*back, c);
  c.loyalty = caf::none;
  back = storage::decode_customer(storage::encode(c), "test");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
}

TEST(RecordCodec, ACorruptRecordIsAnErrorNamingTheRow) {
  auto bad = storage::decode_customer("{\"account_number\": 5", "customers C1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(error_code(bad.error()), ec::storage_failure);
  EXPECT_EQ(error_field(bad.error()), "customers C1");
}

TEST(RecordCodec, EmptyFieldsAreLeftOutAndReadBackAsDefaults) {
  customer c;
  c.id.account_number = "C000000001";
  c.profile.first_name = "Ann";
  auto text = storage::encode(c);
  EXPECT_EQ(text.find("middle_name"), std::string::npos) << text;
  EXPECT_EQ(text.find("emails"), std::string::npos) << text;
  EXPECT_LT(text.size(), 200u) << text;
  auto back = storage::decode_customer(text, "test");
  ASSERT_TRUE(back) << describe(back.error());
  EXPECT_EQ(*back, c);
  // A record from a version that knew fewer fields reads with defaults.
  auto old = storage::decode_customer(
    R"({"account_number":"C7","profile":{"last_name":"Lee"}})", "old");
  ASSERT_TRUE(old) << describe(old.error());
  EXPECT_EQ(old->id.account_number, "C7");
  EXPECT_EQ(old->profile.last_name, "Lee");
  EXPECT_EQ(old->status, customer_status::active);
  EXPECT_EQ(old->type, customer_type::person);
}

TEST(RecordCodec, SaleLinesRoundTripIncludingZeroQuantities) {
  std::vector<sale_line> lines = {{"SKU-1", 2, 1999}, {"SKU-\"2", 0, 0}};
  auto back = storage::decode_sale_lines(storage::encode(lines), "test");
  ASSERT_TRUE(back) << describe(back.error());
  EXPECT_EQ(*back, lines);
}
