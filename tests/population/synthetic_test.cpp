#include "population/synthetic.hpp"

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "model/error.hpp"
#include "tests/population/import_defaults.hpp"

namespace retailsim {
namespace {

using test::us_store_defaults;

TEST(SyntheticPopulation, SameSeedSameCustomersAnotherSeedOthers) {
  auto a = synthetic_customers(500, 7, us_store_defaults(), {"AB001", "AB002"});
  auto b = synthetic_customers(500, 7, us_store_defaults(), {"AB001", "AB002"});
  auto c = synthetic_customers(500, 8, us_store_defaults(), {"AB001", "AB002"});
  ASSERT_TRUE(a && b && c);
  ASSERT_EQ(a->size(), 500u);
  for (size_t i = 0; i < a->size(); ++i)
    ASSERT_EQ((*a)[i].record, (*b)[i].record) << i;
  size_t same = 0;
  for (size_t i = 0; i < a->size(); ++i)
    same += (*a)[i].record == (*c)[i].record ? 1 : 0;
  EXPECT_LT(same, 250u);
}

TEST(SyntheticPopulation, RealisticNamesDuplicatesAndBusinesses) {
  auto people = synthetic_customers(20000, 1, us_store_defaults(), {"AB001", "AB002"});
  ASSERT_TRUE(people) << describe(people.error());
  std::map<std::string, size_t> by_name;
  std::map<std::string, size_t> by_phone;
  std::set<std::string> emails;
  size_t businesses = 0;
  size_t in_first_book = 0;
  for (const auto& p : *people) {
    const auto& r = p.record;
    ++by_name[display_name(r)];
    ASSERT_EQ(r.profile.phones.size(), 1u);
    ++by_phone[r.profile.phones[0].number];
    if (!r.profile.emails.empty()) {
      EXPECT_TRUE(emails.insert(r.profile.emails[0].address).second)
        << "email twice: " << r.profile.emails[0].address;
    }
    businesses += r.type == customer_type::organization ? 1 : 0;
    in_first_book += p.address_book == "AB001" ? 1 : 0;
    EXPECT_EQ(r.profile.phones[0].number.rfind("+1", 0), 0u);
  }
  // 40 x 50 names over 20 k people: most names are shared.
  EXPECT_GT(by_name["John Smith"], 1u);
  size_t twins = 0;
  for (const auto& [phone, n] : by_phone)
    twins += n - 1;
  // About 0.5 % are the same person entered twice.
  EXPECT_GT(twins, 50u);
  EXPECT_LT(twins, 200u);
  EXPECT_GT(businesses, 800u);
  EXPECT_LT(businesses, 1400u);
  EXPECT_EQ(in_first_book, 10000u);
}

TEST(SyntheticPopulation, NeedsAnAddressBook) {
  auto none = synthetic_customers(1, 1, us_store_defaults(), {});
  ASSERT_FALSE(none);
  EXPECT_EQ(error_field(none.error()), "address_books");
}

} // namespace
} // namespace retailsim
