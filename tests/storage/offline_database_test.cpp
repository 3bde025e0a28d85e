// A terminal's offline database: nothing created offline is lost across a
// restart, and upload marks are all-or-nothing.

#include "storage/offline_database.hpp"

#include <gtest/gtest.h>

#include "model/error.hpp"
#include "model/identity.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;
using namespace retailsim::storage;
using test::at;

namespace {

customer offline_customer(const std::string& first, uint64_t bits) {
  auto c = test::sample_customer(first, "Offline");
  c.id.async_guid = make_async_guid(bits, bits + 1);
  return c;
}

} // namespace

TEST(Offline, CustomersAndSalesSurviveATerminalRestart) {
  test::temp_dir dir;
  auto path = dir.file("S001-T1.db");
  auto ann = offline_customer("Ann", 1);
  sale_transaction sale{"T-1", "S001", "S001-T1", ann.id.async_guid, 1234,
                        at(2), {{"SKU-9", 3, 1234}}};
  {
    auto db = offline_database::open(path);
    ASSERT_TRUE(db) << describe(db.error());
    ASSERT_FALSE((*db)->add_customer(ann, at(1)));
    ASSERT_FALSE((*db)->add_sale(sale));
  }  // the terminal process ends here
  auto db = offline_database::open(path);
  ASSERT_TRUE(db);
  auto customers = (*db)->customers_to_upload();
  ASSERT_TRUE(customers);
  ASSERT_EQ(customers->size(), 1u);
  EXPECT_EQ((*customers)[0], ann);
  auto sales = (*db)->sales_to_upload();
  ASSERT_TRUE(sales);
  ASSERT_EQ(sales->size(), 1u);
  EXPECT_EQ((*sales)[0], sale);
}

TEST(Offline, UploadedRowsAreKeptButNotOfferedAgain) {
  test::temp_dir dir;
  auto path = dir.file("t.db");
  auto ann = offline_customer("Ann", 1);
  auto bob = offline_customer("Bob", 2);
  {
    auto db = offline_database::open(path);
    ASSERT_TRUE(db);
    ASSERT_FALSE((*db)->add_customer(ann, at(1)));
    ASSERT_FALSE((*db)->add_customer(bob, at(2)));
    ASSERT_FALSE((*db)->add_sale({"T-1", "S1", "S1-T1", ann.id.async_guid, 5,
                                  at(3), {}}));
    ASSERT_FALSE((*db)->mark_uploaded({ann.id.async_guid}, {"T-1"}));
  }
  auto db = offline_database::open(path);
  auto left = (*db)->customers_to_upload();
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].profile.first_name, "Bob");
  EXPECT_TRUE((*db)->sales_to_upload()->empty());
  EXPECT_EQ(*(*db)->customers_to_upload_count(), 1u);
}

TEST(Offline, OnlyPendingCustomersAndEachGuidOnce) {
  auto db = offline_database::open(":memory:");
  ASSERT_TRUE(db);
  auto with_account = offline_customer("Ann", 1);
  with_account.id.account_number = "C1";
  auto err = (*db)->add_customer(with_account, at(1));
  ASSERT_TRUE(err);
  EXPECT_EQ(error_code(err), ec::invalid_guid);
  auto bob = offline_customer("Bob", 2);
  ASSERT_FALSE((*db)->add_customer(bob, at(1)));
  auto dup = (*db)->add_customer(bob, at(2));
  ASSERT_TRUE(dup);
  EXPECT_EQ(error_code(dup), ec::uniqueness_violation);
  EXPECT_EQ(*(*db)->customers_to_upload_count(), 1u);
}
