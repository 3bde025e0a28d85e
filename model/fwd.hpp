#pragma once

// The single CAF type-ID block of retailsim: every type and atom that travels
// in a message is listed here once. Register with
// `cfg.add_message_types<caf::id_block::retailsim>()`.

#include <vector>

#include "caf/type_id.hpp"

#include "model/customer.hpp"
#include "model/messages.hpp"
#include "model/permissions.hpp"
#include "model/purchase_history.hpp"
#include "model/sale.hpp"
#include "model/store.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(retailsim, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(retailsim, (retailsim::customer))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::customer_draft))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::customer_identity))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::customer_group))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::store_settings))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::hq_feature_flags))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::change_record))
  CAF_ADD_TYPE_ID(retailsim, (std::vector<retailsim::customer>))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::search_query))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::create_request))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::hq_create_request))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::created_customer))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::offline_upload))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::pjob_batch))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::dist_batch))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::job_kind))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::link_availability))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::sale_transaction))
  CAF_ADD_TYPE_ID(retailsim, (std::vector<retailsim::sale_transaction>))
  CAF_ADD_TYPE_ID(retailsim, (std::vector<retailsim::change_record>))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::staff_member))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::purchase_history))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::duplicate_pair))
  CAF_ADD_TYPE_ID(retailsim, (std::vector<retailsim::duplicate_pair>))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::input_channel))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::device_property))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::device_state))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::device_read))
  CAF_ADD_TYPE_ID(retailsim, (retailsim::device_result))

  // Atoms (text at most 10 characters).
  CAF_ADD_ATOM(retailsim, retailsim::atom, create, "create")
  CAF_ADD_ATOM(retailsim, retailsim::atom, search, "search")
  CAF_ADD_ATOM(retailsim, retailsim::atom, search_hq, "search_hq")
  CAF_ADD_ATOM(retailsim, retailsim::atom, edit, "edit")
  CAF_ADD_ATOM(retailsim, retailsim::atom, sale, "sale")
  CAF_ADD_ATOM(retailsim, retailsim::atom, upload, "upload")
  CAF_ADD_ATOM(retailsim, retailsim::atom, collect, "collect")
  CAF_ADD_ATOM(retailsim, retailsim::atom, ack, "ack")
  CAF_ADD_ATOM(retailsim, retailsim::atom, stage, "stage")
  CAF_ADD_ATOM(retailsim, retailsim::atom, convert, "convert")
  CAF_ADD_ATOM(retailsim, retailsim::atom, distribute, "distribute")
  CAF_ADD_ATOM(retailsim, retailsim::atom, apply, "apply")
  CAF_ADD_ATOM(retailsim, retailsim::atom, dist_seq, "dist_seq")
  CAF_ADD_ATOM(retailsim, retailsim::atom, run_job, "run_job")
  CAF_ADD_ATOM(retailsim, retailsim::atom, tick, "tick")
  CAF_ADD_ATOM(retailsim, retailsim::atom, done, "done")
  CAF_ADD_ATOM(retailsim, retailsim::atom, link, "link")
  CAF_ADD_ATOM(retailsim, retailsim::atom, stop, "stop")
  CAF_ADD_ATOM(retailsim, retailsim::atom, flush, "flush")
  CAF_ADD_ATOM(retailsim, retailsim::atom, status, "status")
  CAF_ADD_ATOM(retailsim, retailsim::atom, history, "history")
  CAF_ADD_ATOM(retailsim, retailsim::atom, purchases, "purchases")
  CAF_ADD_ATOM(retailsim, retailsim::atom, login, "login")
  CAF_ADD_ATOM(retailsim, retailsim::atom, similar, "similar")
  CAF_ADD_ATOM(retailsim, retailsim::atom, merge, "merge")
  CAF_ADD_ATOM(retailsim, retailsim::atom, duplicates, "duplicates")
  CAF_ADD_ATOM(retailsim, retailsim::atom, review, "review")
  CAF_ADD_ATOM(retailsim, retailsim::atom, settle, "settle")
  CAF_ADD_ATOM(retailsim, retailsim::atom, select, "select")
  CAF_ADD_ATOM(retailsim, retailsim::atom, begin, "begin")
  CAF_ADD_ATOM(retailsim, retailsim::atom, crash, "crash")
  CAF_ADD_ATOM(retailsim, retailsim::atom, arrive, "arrive")
  CAF_ADD_ATOM(retailsim, retailsim::atom, restart, "restart")
  CAF_ADD_ATOM(retailsim, retailsim::atom, set, "set")
  CAF_ADD_ATOM(retailsim, retailsim::atom, read, "read")

CAF_END_TYPE_ID_BLOCK(retailsim)
