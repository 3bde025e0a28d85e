// The customer as a message: CAF 0.17 serialisation round trip, names.

#include "model/customer.hpp"

#include <gtest/gtest.h>

#include "caf/binary_deserializer.hpp"
#include "caf/binary_serializer.hpp"
#include "caf/deep_to_string.hpp"

#include "model/fwd.hpp"
#include "model/sale.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;

namespace {

customer full_customer() {
  auto c = test::sample_customer("Ann", "Lee");
  c.id = {"C000000042", "0b8e2f5c-1d2a-4c3b-9e4f-5a6b7c8d9e0f"};
  c.status = customer_status::inactive;
  c.profile.addresses.push_back({address_purpose::office, "1 Vine St", "Napa",
                                 "CA", "94559", "US", true});
  c.profile.affiliations = {"Wine club"};
  c.profile.financial_dimensions = {{"CostCenter", "CC-100"}};
  c.profile.attributes = {{"bottles_per_year", attribute_type::integer, "24"}};
  c.profile.business = {"Lee Cellars", "US-12-3456789", "REG-1", "LLC",
                        "Hospitality", "Net 30"};
  c.profile.date_of_birth = "1980-05-17";
  c.profile.segment = "VIP";
  c.profile.clubs = {{"Wine club", "Gold", test::at(5000)}};
  c.profile.notes = "Prefers reds.\nCall before shipping.";
  c.loyalty = loyalty_card{"LC-0001", 120};
  return c;
}

} // namespace

TEST(Customer, SurvivesCafSerialisation) {
  auto original = full_customer();
  std::vector<char> buffer;
  caf::binary_serializer sink{nullptr, buffer};
  ASSERT_FALSE(sink(original));
  customer copy;
  caf::binary_deserializer source{nullptr, buffer};
  ASSERT_FALSE(source(copy));
  EXPECT_EQ(copy, original);
  copy.profile.emails[0].consent.opted_in = false;
  EXPECT_FALSE(copy == original);
}

TEST(Customer, DraftAndSaleSurviveCafSerialisation) {
  customer_draft draft;
  draft.type = customer_type::organization;
  draft.profile = full_customer().profile;
  sale_transaction sale{"T-1", "S001", "S001-T1", "C000000042", 4599,
                        test::at(7000), {{"WINE-CAB-2019", 2, 4599}}};
  std::vector<char> buffer;
  caf::binary_serializer sink{nullptr, buffer};
  ASSERT_FALSE(sink(draft, sale));
  customer_draft draft_copy;
  sale_transaction sale_copy;
  caf::binary_deserializer source{nullptr, buffer};
  ASSERT_FALSE(source(draft_copy, sale_copy));
  EXPECT_EQ(draft_copy, draft);
  EXPECT_EQ(sale_copy, sale);
}

TEST(Customer, RendersForLogsWithEnumNames) {
  auto text = caf::deep_to_string(full_customer());
  EXPECT_NE(text.find("customer"), std::string::npos);
  EXPECT_NE(text.find("inactive"), std::string::npos);
  EXPECT_NE(text.find("office"), std::string::npos);
}

TEST(Customer, DisplayName) {
  auto person = test::sample_customer("Ann", "Lee");
  person.profile.middle_name = "M.";
  EXPECT_EQ(display_name(person), "Ann M. Lee");
  customer org;
  org.type = customer_type::organization;
  org.profile.name = "Lee Holdings";
  EXPECT_EQ(display_name(org), "Lee Holdings");
  org.profile.business.company_name = "Lee Cellars";
  EXPECT_EQ(display_name(org), "Lee Cellars");
}

TEST(Customer, EnumNamesRoundTrip) {
  for (auto p : {address_purpose::unspecified, address_purpose::home,
                 address_purpose::business, address_purpose::office,
                 address_purpose::post_box, address_purpose::invoice,
                 address_purpose::delivery}) {
    address_purpose back{};
    ASSERT_TRUE(from_string(to_string(p), back));
    EXPECT_EQ(back, p);
  }
  customer_type t;
  EXPECT_FALSE(from_string("alien", t));
}

TEST(Customer, TypeIdBlockCoversTheMessageTypes) {
  EXPECT_EQ(caf::type_id<customer>::value, caf::first_custom_type_id);
  EXPECT_GT(caf::id_block::retailsim::end, caf::id_block::retailsim::begin);
}

TEST(Errors, NoErrorHasNoCodeAndNoField) {
  // CAF 0.17 crashes on category() of an empty error; the helpers must not
  // ask it.
  EXPECT_EQ(error_code(caf::error{}), ec::none);
  EXPECT_EQ(error_field(caf::error{}), "");
  auto err = make_error(ec::not_found, "customer", "gone");
  EXPECT_EQ(error_code(err), ec::not_found);
  EXPECT_EQ(error_field(err), "customer");
}
