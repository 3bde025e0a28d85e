#pragma once

// Sales linked to customers, and the change history of customer records.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"
#include "caf/timestamp.hpp"

namespace retailsim {

struct sale_line {
  std::string product_id;
  int32_t quantity = 1;
  int64_t amount_cents = 0;
};

/// A sale recorded at a terminal. `customer_ref` is the customer's account
/// number, or its GUID while the customer is pending; conversion relinks it.
struct sale_transaction {
  std::string transaction_id;
  std::string store_id;
  std::string terminal_id;
  std::string customer_ref;
  int64_t amount_cents = 0;
  caf::timestamp occurred_at;
  std::vector<sale_line> lines;
};

/// One field of one customer changed: who, when, which field, old and new.
struct change_record {
  std::string customer_ref;
  std::string changed_by;
  caf::timestamp changed_at;
  std::string field;
  std::string old_value;
  std::string new_value;
};

bool operator==(const sale_line& x, const sale_line& y);
bool operator==(const sale_transaction& x, const sale_transaction& y);
bool operator==(const change_record& x, const change_record& y);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sale_line& x) {
  return f(caf::meta::type_name("sale_line"), x.product_id, x.quantity,
           x.amount_cents);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sale_transaction& x) {
  return f(caf::meta::type_name("sale_transaction"), x.transaction_id,
           x.store_id, x.terminal_id, x.customer_ref, x.amount_cents,
           x.occurred_at, x.lines);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, change_record& x) {
  return f(caf::meta::type_name("change_record"), x.customer_ref,
           x.changed_by, x.changed_at, x.field, x.old_value, x.new_value);
}

} // namespace retailsim
