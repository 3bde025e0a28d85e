#include "model/purchase_history.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace retailsim {

purchase_history summarize_purchases(std::string customer_ref,
                                     std::vector<sale_transaction> sales,
                                     size_t top_products) {
  purchase_history out;
  out.customer_ref = std::move(customer_ref);
  std::sort(sales.begin(), sales.end(), [](const auto& x, const auto& y) {
    return std::tie(x.occurred_at, x.transaction_id)
           < std::tie(y.occurred_at, y.transaction_id);
  });
  int64_t ordered_cents = 0;
  std::map<std::string, product_total> products;
  for (const auto& sale : sales) {
    out.total_cents += sale.amount_cents;
    if (sale.amount_cents > 0) {
      ++out.orders;
      ordered_cents += sale.amount_cents;
    }
    for (const auto& line : sale.lines) {
      auto& p = products[line.product_id];
      p.product_id = line.product_id;
      p.quantity += line.quantity;
      p.amount_cents += line.amount_cents;
    }
  }
  if (out.orders > 0) {
    auto n = static_cast<int64_t>(out.orders);
    out.average_order_cents = (ordered_cents + n / 2) / n;
  }
  if (!sales.empty())
    out.last_purchase = sales.back().occurred_at;
  for (auto& [id, total] : products)
    out.top_products.push_back(std::move(total));
  std::sort(out.top_products.begin(), out.top_products.end(),
            [](const product_total& x, const product_total& y) {
              return std::make_tuple(-x.quantity, -x.amount_cents,
                                     std::cref(x.product_id))
                     < std::make_tuple(-y.quantity, -y.amount_cents,
                                       std::cref(y.product_id));
            });
  if (out.top_products.size() > top_products)
    out.top_products.resize(top_products);
  out.transactions = std::move(sales);
  return out;
}

bool operator==(const product_total& x, const product_total& y) {
  return std::tie(x.product_id, x.quantity, x.amount_cents)
         == std::tie(y.product_id, y.quantity, y.amount_cents);
}

bool operator==(const purchase_history& x, const purchase_history& y) {
  return std::tie(x.customer_ref, x.transactions, x.total_cents, x.orders,
                  x.average_order_cents, x.last_purchase, x.top_products)
         == std::tie(y.customer_ref, y.transactions, y.total_cents, y.orders,
                     y.average_order_cents, y.last_purchase, y.top_products);
}

} // namespace retailsim
