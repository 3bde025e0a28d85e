#include "model/store.hpp"

#include <tuple>

namespace retailsim {

bool operator==(const functionality_profile& x,
                const functionality_profile& y) {
  return std::tie(x.id, x.create_customer_async, x.prompt_for_email,
                  x.generic_email)
         == std::tie(y.id, y.create_customer_async, y.prompt_for_email,
                     y.generic_email);
}

bool operator==(const hq_feature_flags& x, const hq_feature_flags& y) {
  return std::tie(x.multiple_contacts_with_consent, x.async_customer_addresses,
                  x.enhanced_async_customer, x.edit_async_customers)
         == std::tie(y.multiple_contacts_with_consent,
                     y.async_customer_addresses, y.enhanced_async_customer,
                     y.edit_async_customers);
}

const char* to_string(duplicate_policy x) {
  switch (x) {
    case duplicate_policy::flag_for_review: return "flag";
    case duplicate_policy::merge: return "merge";
  }
  return "?";
}

bool from_string(const std::string& in, duplicate_policy& out) {
  for (auto x : {duplicate_policy::flag_for_review, duplicate_policy::merge})
    if (in == to_string(x)) {
      out = x;
      return true;
    }
  return false;
}

bool operator==(const store_settings& x, const store_settings& y) {
  return std::tie(x.store_id, x.profile, x.default_customer,
                  x.operating_unit_country, x.attributes)
         == std::tie(y.store_id, y.profile, y.default_customer,
                     y.operating_unit_country, y.attributes);
}

} // namespace retailsim
