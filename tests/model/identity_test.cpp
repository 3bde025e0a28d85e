// Async GUIDs: reproducible from the caller's random bits, well-formed.

#include "model/identity.hpp"

#include <set>

#include <gtest/gtest.h>

#include "model/customer.hpp"

using namespace retailsim;

TEST(Guid, IsVersion4AndReproducible) {
  auto a = make_async_guid(0x0123456789abcdefull, 0xfedcba9876543210ull);
  EXPECT_EQ(a, "01234567-89ab-4def-bedc-ba9876543210");
  EXPECT_EQ(a, make_async_guid(0x0123456789abcdefull, 0xfedcba9876543210ull));
  EXPECT_TRUE(is_valid_guid(a));
  EXPECT_EQ(a[14], '4');
}

TEST(Guid, DifferentBitsGiveDifferentGuids) {
  std::set<std::string> seen;
  for (uint64_t i = 0; i < 1000; ++i)
    seen.insert(make_async_guid(i * 0x9E3779B97F4A7C15ull, ~i));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Guid, ValidationRejectsOtherShapes) {
  EXPECT_FALSE(is_valid_guid(""));
  EXPECT_FALSE(is_valid_guid("01234567-89ab-4def-bedc-ba987654321"));
  EXPECT_FALSE(is_valid_guid("01234567x89ab-4def-bedc-ba9876543210"));
  EXPECT_FALSE(is_valid_guid("0123456g-89ab-4def-bedc-ba9876543210"));
  EXPECT_TRUE(is_valid_guid("01234567-89AB-4DEF-BEDC-BA9876543210"));
}

TEST(Identity, PendingCustomersShowPendingSync) {
  customer_identity pending{"", make_async_guid(1, 2)};
  EXPECT_TRUE(is_pending(pending));
  EXPECT_EQ(display_account(pending), "Pending sync");
  customer_identity converted{"C000000007", pending.async_guid};
  EXPECT_FALSE(is_pending(converted));
  EXPECT_EQ(display_account(converted), "C000000007");
  customer_identity sync{"C000000008", ""};
  EXPECT_FALSE(is_pending(sync));
}

TEST(Guid, ItsWordsAreTheGuidItself) {
  auto a = make_async_guid(0x0123456789abcdefull, 0xfedcba9876543210ull);
  auto words = words_of_guid(a);
  EXPECT_EQ(words.high, 0x0123456789ab4defull);
  EXPECT_EQ(words.low, 0xbedcba9876543210ull);
  EXPECT_EQ(guid_of_words(words), a);
  // Upper case is the same GUID; anything else has no words.
  auto upper = words_of_guid("01234567-89AB-4DEF-BEDC-BA9876543210");
  EXPECT_EQ(upper.high, words.high);
  EXPECT_EQ(upper.low, words.low);
  EXPECT_EQ(words_of_guid("C000000001").high, 0u);
}
