// Purchase history statistics of seed 002's customer details view.

#include "model/purchase_history.hpp"

#include <gtest/gtest.h>

using namespace retailsim;

namespace {

caf::timestamp at(int64_t seconds) {
  return caf::timestamp{std::chrono::seconds{seconds}};
}

sale_transaction sale(std::string id, int64_t cents, int64_t when,
                      std::vector<sale_line> lines) {
  return {std::move(id), "S0001", "S0001-T01", "C1", cents, at(when),
          std::move(lines)};
}

} // namespace

TEST(PurchaseHistory, StatisticsAddUp) {
  auto h = summarize_purchases(
    "C1", {sale("T3", 1000, 30, {{"WINE", 1, 1000}}),
           sale("T1", 2500, 10, {{"WINE", 2, 2000}, {"CHEESE", 1, 500}}),
           sale("T2", 501, 20, {{"BREAD", 3, 501}}),
           // A return: counts in the total, is no order.
           sale("T4", -500, 40, {{"CHEESE", -1, -500}})});
  EXPECT_EQ(h.customer_ref, "C1");
  ASSERT_EQ(h.transactions.size(), 4u);
  EXPECT_EQ(h.transactions.front().transaction_id, "T1");
  EXPECT_EQ(h.transactions.back().transaction_id, "T4");
  EXPECT_EQ(h.total_cents, 3501);
  EXPECT_EQ(h.orders, 3u);
  // (2500 + 501 + 1000) / 3 = 1333.67 -> 1334.
  EXPECT_EQ(h.average_order_cents, 1334);
  ASSERT_TRUE(h.last_purchase);
  EXPECT_EQ(*h.last_purchase, at(40));
  // WINE 3, BREAD 3 (less money), CHEESE 0.
  ASSERT_EQ(h.top_products.size(), 3u);
  EXPECT_EQ(h.top_products[0].product_id, "WINE");
  EXPECT_EQ(h.top_products[0].quantity, 3);
  EXPECT_EQ(h.top_products[0].amount_cents, 3000);
  EXPECT_EQ(h.top_products[1].product_id, "BREAD");
  EXPECT_EQ(h.top_products[2].product_id, "CHEESE");
  EXPECT_EQ(summarize_purchases("C1", h.transactions, 1).top_products.size(),
            1u);
}

TEST(PurchaseHistory, NoSalesNoStatistics) {
  auto h = summarize_purchases("C9", {});
  EXPECT_TRUE(h.transactions.empty());
  EXPECT_EQ(h.total_cents, 0);
  EXPECT_EQ(h.orders, 0u);
  EXPECT_EQ(h.average_order_cents, 0);
  EXPECT_FALSE(h.last_purchase);
  EXPECT_TRUE(h.top_products.empty());
}
