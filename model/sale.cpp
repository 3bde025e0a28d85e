#include "model/sale.hpp"

#include <tuple>

namespace retailsim {

bool operator==(const sale_line& x, const sale_line& y) {
  return std::tie(x.product_id, x.quantity, x.amount_cents)
         == std::tie(y.product_id, y.quantity, y.amount_cents);
}

bool operator==(const sale_transaction& x, const sale_transaction& y) {
  return std::tie(x.transaction_id, x.store_id, x.terminal_id, x.customer_ref,
                  x.amount_cents, x.occurred_at, x.lines)
         == std::tie(y.transaction_id, y.store_id, y.terminal_id,
                     y.customer_ref, y.amount_cents, y.occurred_at, y.lines);
}

bool operator==(const change_record& x, const change_record& y) {
  return std::tie(x.customer_ref, x.changed_by, x.changed_at, x.field,
                  x.old_value, x.new_value)
         == std::tie(y.customer_ref, y.changed_by, y.changed_at, y.field,
                     y.old_value, y.new_value);
}

} // namespace retailsim
