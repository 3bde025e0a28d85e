#pragma once

// What the population tests' rows inherit: a US store whose default
// customer is in group RETAIL, and HQ's two customer groups.

#include "population/customer_csv.hpp"

namespace retailsim::test {

inline import_defaults us_store_defaults() {
  import_defaults d;
  d.store.store_id = "S0001";
  d.store.operating_unit_country = "US";
  auto& dc = d.store.default_customer;
  dc.type = customer_type::person;
  dc.profile.name = "Walk-in customer";
  dc.profile.customer_group = "RETAIL";
  dc.profile.currency = "USD";
  d.groups = {{"RETAIL", {{"CostCenter", "CC-100"}}},
              {"WHOLESALE", {{"CostCenter", "CC-900"}}}};
  d.address_book = "AB001";
  return d;
}

} // namespace retailsim::test
