#include "model/messages.hpp"

#include <tuple>

namespace retailsim {

const char* to_string(search_field x) {
  switch (x) {
    case search_field::any: return "any";
    case search_field::name: return "name";
    case search_field::email: return "email";
    case search_field::phone: return "phone";
    case search_field::account: return "account";
    case search_field::company: return "company";
    case search_field::loyalty_card: return "loyalty_card";
  }
  return "?";
}

const char* to_string(status_filter x) {
  switch (x) {
    case status_filter::active: return "active";
    case status_filter::inactive: return "inactive";
    case status_filter::any: return "any";
  }
  return "?";
}

const char* to_string(type_filter x) {
  switch (x) {
    case type_filter::any: return "any";
    case type_filter::person: return "person";
    case type_filter::organization: return "organization";
  }
  return "?";
}

const char* to_string(job_kind x) {
  switch (x) {
    case job_kind::p_job: return "p_job";
    case job_kind::async_sync: return "async_sync";
    case job_kind::dist_1010: return "dist_1010";
  }
  return "?";
}

const char* to_string(link_availability x) {
  switch (x) {
    case link_availability::up: return "up";
    case link_availability::down: return "down";
    case link_availability::slow: return "slow";
    case link_availability::dropping: return "dropping";
  }
  return "?";
}

bool operator==(const search_query& x, const search_query& y) {
  return std::tie(x.text, x.field, x.status, x.type)
         == std::tie(y.text, y.field, y.status, y.type);
}

bool operator==(const create_request& x, const create_request& y) {
  return x.draft == y.draft && x.staff == y.staff
         && x.email_prompt_confirmed == y.email_prompt_confirmed
         && x.request_guid == y.request_guid && x.deadline == y.deadline;
}

bool operator==(const hq_create_request& x, const hq_create_request& y) {
  return std::tie(x.store_id, x.address_book, x.cashier, x.record,
                  x.deadline)
         == std::tie(y.store_id, y.address_book, y.cashier, y.record,
                     y.deadline);
}

bool operator==(const created_customer& x, const created_customer& y) {
  return x.record == y.record && x.mode == y.mode && x.fell_back == y.fell_back
         && x.fallback_cause == y.fallback_cause;
}

bool operator==(const offline_upload& x, const offline_upload& y) {
  return std::tie(x.terminal_id, x.customers, x.sales)
         == std::tie(y.terminal_id, y.customers, y.sales);
}

bool operator==(const pjob_batch& x, const pjob_batch& y) {
  return std::tie(x.store_id, x.customers, x.sales, x.customers_seq,
                  x.sales_seq)
         == std::tie(y.store_id, y.customers, y.sales, y.customers_seq,
                     y.sales_seq);
}

bool operator==(const dist_batch& x, const dist_batch& y) {
  return x.customers == y.customers && x.last_seq == y.last_seq;
}

const char* to_string(input_channel x) {
  switch (x) {
    case input_channel::keyboard: return "keyboard";
    case input_channel::card_swipe: return "card_swipe";
    case input_channel::licence_swipe: return "licence_swipe";
    case input_channel::licence_scan: return "licence_scan";
  }
  return "?";
}

const char* to_string(device_property x) {
  switch (x) {
    case device_property::open: return "open";
    case device_property::claimed: return "claimed";
    case device_property::device_enabled: return "device_enabled";
    case device_property::data_event_enabled: return "data_event_enabled";
    case device_property::freeze_events: return "freeze_events";
    case device_property::auto_disable: return "auto_disable";
  }
  return "?";
}

bool operator==(const device_state& x, const device_state& y) {
  return x.open == y.open && x.claimed == y.claimed
         && x.device_enabled == y.device_enabled
         && x.data_event_enabled == y.data_event_enabled
         && x.freeze_events == y.freeze_events
         && x.auto_disable == y.auto_disable && x.data_count == y.data_count;
}

bool operator==(const device_read& x, const device_read& y) {
  return x.channel == y.channel && x.holder == y.holder;
}

bool operator==(const device_result& x, const device_result& y) {
  return x.found == y.found && x.prefill == y.prefill;
}

bool operator==(const duplicate_pair& x, const duplicate_pair& y) {
  return x.account_number == y.account_number && x.candidate == y.candidate
         && x.reason == y.reason && x.found_at == y.found_at;
}

} // namespace retailsim
