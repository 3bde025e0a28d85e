#include "actors/events.hpp"

#include "caf/sec.hpp"

#include "model/error.hpp"

namespace retailsim {

event_sink::~event_sink() {
  // nop
}

const char* to_string(sync_outcome x) {
  switch (x) {
    case sync_outcome::answered: return "answered by HQ";
    case sync_outcome::fell_back: return "fell back to Async";
    case sync_outcome::failed: return "failed";
    case sync_outcome::timed_out: return "timed out at the terminal";
  }
  return "?";
}

const char* to_string(device_outcome x) {
  switch (x) {
    case device_outcome::delivered: return "delivered";
    case device_outcome::misread: return "misread";
    case device_outcome::partial: return "partial";
    case device_outcome::wrong_format: return "wrong_format";
    case device_outcome::stalled: return "stalled";
    case device_outcome::offline: return "offline";
    case device_outcome::not_enabled: return "not_enabled";
  }
  return "?";
}

const char* to_string(store_op x) {
  switch (x) {
    case store_op::search_phone: return "search by phone";
    case store_op::search_email: return "search by email";
    case store_op::search_name: return "search by name";
    case store_op::search_account: return "search by account number";
    case store_op::search_loyalty_card: return "search by loyalty card";
    case store_op::search_company: return "search by company";
    case store_op::search_inactive: return "search inactive (status filter)";
    case store_op::search_all_stores: return "search all stores (HQ)";
    case store_op::select_from_all_stores:
      return "select from all stores (HQ)";
    case store_op::similar_check: return "similar customers before create";
    case store_op::quick_add: return "create: quick add";
    case store_op::full_wizard: return "create: full wizard";
    case store_op::email_prompt: return "email prompt";
    case store_op::edit_profile: return "edit profile";
    case store_op::add_address: return "add address";
    case store_op::view_history: return "view change history";
    case store_op::view_purchases: return "view purchase history";
    case store_op::issue_loyalty_card: return "issue loyalty card";
    case store_op::add_loyalty_points: return "add loyalty points";
    case store_op::join_club: return "join club";
    case store_op::deactivate: return "deactivate";
    case store_op::reactivate: return "reactivate";
    case store_op::find_duplicates: return "find duplicates (HQ)";
    case store_op::review_duplicates: return "review flagged duplicates (HQ)";
    case store_op::merge: return "merge duplicates (HQ)";
    case store_op::read_only_edit: return "edit by read-only user";
    case store_op::add_affiliation: return "add affiliation";
    case store_op::add_secondary_contact: return "add secondary phone";
    case store_op::search_card_swipe: return "search by card swipe";
    case store_op::search_licence_swipe: return "search by licence swipe";
    case store_op::search_licence_scan: return "search by licence scan";
  }
  return "?";
}

const char* metric_name(store_op x) {
  switch (x) {
    case store_op::search_phone: return "search_phone";
    case store_op::search_email: return "search_email";
    case store_op::search_name: return "search_name";
    case store_op::search_account: return "search_account";
    case store_op::search_loyalty_card: return "search_loyalty_card";
    case store_op::search_company: return "search_company";
    case store_op::search_inactive: return "search_inactive";
    case store_op::search_all_stores: return "search_all_stores";
    case store_op::select_from_all_stores: return "select_from_all_stores";
    case store_op::similar_check: return "similar_check";
    case store_op::quick_add: return "quick_add";
    case store_op::full_wizard: return "full_wizard";
    case store_op::email_prompt: return "email_prompt";
    case store_op::edit_profile: return "edit_profile";
    case store_op::add_address: return "add_address";
    case store_op::view_history: return "view_history";
    case store_op::view_purchases: return "view_purchases";
    case store_op::issue_loyalty_card: return "issue_loyalty_card";
    case store_op::add_loyalty_points: return "add_loyalty_points";
    case store_op::join_club: return "join_club";
    case store_op::deactivate: return "deactivate";
    case store_op::reactivate: return "reactivate";
    case store_op::find_duplicates: return "find_duplicates";
    case store_op::review_duplicates: return "review_duplicates";
    case store_op::merge: return "merge";
    case store_op::read_only_edit: return "read_only_edit";
    case store_op::add_affiliation: return "add_affiliation";
    case store_op::add_secondary_contact: return "add_secondary_contact";
    case store_op::search_card_swipe: return "search_card_swipe";
    case store_op::search_licence_swipe: return "search_licence_swipe";
    case store_op::search_licence_scan: return "search_licence_scan";
  }
  return "?";
}

bool is_local_search(store_op op) {
  return op <= store_op::search_inactive;
}

const char* to_string(op_outcome x) {
  switch (x) {
    case op_outcome::ok: return "ok";
    case op_outcome::refused: return "refused";
    case op_outcome::unavailable: return "unavailable";
    case op_outcome::unexpected: return "unexpected";
  }
  return "?";
}

op_outcome outcome_of(const caf::error& err) {
  if (!err)
    return op_outcome::ok;
  if (err == caf::sec::request_timeout || err == caf::sec::request_receiver_down)
    return op_outcome::unavailable;
  switch (error_code(err)) {
    case ec::permission_denied:
    case ec::email_prompt:
    case ec::pending_customer_not_editable:
    case ec::async_address_disabled:
    case ec::async_affiliations_disabled:
    case ec::async_secondary_contacts_disabled:
    case ec::multiple_contacts_disabled:
    case ec::loyalty_card_requires_account:
    case ec::customer_merged:
      return op_outcome::refused;
    case ec::rts_unavailable:
    case ec::rts_timeout:
    case ec::hq_overloaded:
    case ec::deadline_exceeded:
    case ec::store_unreachable:
    case ec::unavailable_offline:
    // A card reader or scanner that misread, or did not deliver (a fault).
    case ec::malformed_device_data:
    case ec::device_unavailable:
      return op_outcome::unavailable;
    default:
      return op_outcome::unexpected;
  }
}

uint8_t event_detail(const caf::error& err) {
  return static_cast<uint8_t>(error_code(err));
}

std::string cause_name(uint8_t cause) {
  return cause == 0 ? "other" : to_string(static_cast<ec>(cause));
}

uint64_t event_key(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

} // namespace retailsim
