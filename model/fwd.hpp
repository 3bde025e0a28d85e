#pragma once

// The single CAF type-ID block of retailsim: every type that travels in a
// message is listed here once. Register with
// `cfg.add_message_types<caf::id_block::retailsim>()`.

#include <vector>

#include "caf/type_id.hpp"

#include "model/customer.hpp"
#include "model/sale.hpp"
#include "model/store.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(retailsim, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(retailsim, (retailsim::customer))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::customer_draft))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::customer_identity))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::customer_group))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::store_settings))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::hq_feature_flags))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::sale_transaction))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::change_record))
  CAF_ADD_TYPE_ID(retailsim, (std::vector<retailsim::customer>))

CAF_END_TYPE_ID_BLOCK(retailsim)
