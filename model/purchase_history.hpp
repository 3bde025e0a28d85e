#pragma once

// A customer's purchase history and the statistics of seed 002's customer
// details view: transactions, total amount, number of orders, average order
// value, last purchase date and most bought products.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"
#include "caf/optional.hpp"
#include "caf/timestamp.hpp"

#include "model/sale.hpp"

namespace retailsim {

/// One product's share of a customer's purchases.
struct product_total {
  std::string product_id;
  int64_t quantity = 0;
  int64_t amount_cents = 0;
};

struct purchase_history {
  /// The account number (or GUID while pending) the sales are linked to.
  std::string customer_ref;
  /// Every sale, oldest first (ties by transaction id).
  std::vector<sale_transaction> transactions;
  /// Sum of all sale amounts; returns (negative amounts) reduce it.
  int64_t total_cents = 0;
  /// Sales with a positive amount.
  uint64_t orders = 0;
  /// Sum of the orders' amounts divided by their number, rounded half up;
  /// 0 without orders.
  int64_t average_order_cents = 0;
  /// When the newest sale happened; none without sales.
  caf::optional<caf::timestamp> last_purchase;
  /// The most bought products by quantity (ties: higher amount, then
  /// product id), at most the number asked for.
  std::vector<product_total> top_products;
};

/// Builds the history of `customer_ref` from its sales (in any order).
purchase_history summarize_purchases(std::string customer_ref,
                                     std::vector<sale_transaction> sales,
                                     size_t top_products = 5);

bool operator==(const product_total& x, const product_total& y);
bool operator==(const purchase_history& x, const purchase_history& y);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_total& x) {
  return f(caf::meta::type_name("product_total"), x.product_id, x.quantity,
           x.amount_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, purchase_history& x) {
  return f(caf::meta::type_name("purchase_history"), x.customer_ref,
           x.transactions, x.total_cents, x.orders, x.average_order_cents,
           x.last_purchase, x.top_products);
}

} // namespace retailsim
