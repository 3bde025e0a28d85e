#pragma once

// The data that travels between HQ, stores, terminals and jobs. Plain structs
// with operator== and a CAF 0.17 `inspect`, never pointers into an actor's
// state, so HQ and stores can move to separate processes unchanged.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"
#include "caf/timestamp.hpp"

#include "model/customer.hpp"
#include "model/error.hpp"
#include "model/permissions.hpp"
#include "model/rules.hpp"
#include "model/sale.hpp"

namespace retailsim {

/// Which field a search looks at; `any` tells email, phone, account number
/// and loyalty card (one word with a digit, such as L-1001) by their shape
/// and looks up other text in names and company names.
enum class search_field : uint8_t {
  any,
  name,
  email,
  phone,
  account,
  company,
  loyalty_card,
};

const char* to_string(search_field x);

/// Seed 002's status filter; the default finds active customers only.
enum class status_filter : uint8_t { active, inactive, any };

/// Seed 002's type filter.
enum class type_filter : uint8_t { any, person, organization };

const char* to_string(status_filter x);
const char* to_string(type_filter x);

struct search_query {
  std::string text;
  search_field field = search_field::any;
  /// Inactive customers are found only when asked for.
  status_filter status = status_filter::active;
  type_filter type = type_filter::any;
};

/// What a cashier submits to create a customer.
struct create_request {
  customer_draft draft;
  /// Who is creating it: operator id for the audit log, role for the
  /// permission check.
  staff_member staff;
  /// The cashier chose "Select customer" again after the email prompt.
  bool email_prompt_confirmed = false;
  /// The GUID the terminal chose for this creation. It is the account id
  /// while the customer is pending, and the idempotency key everywhere: a
  /// retry, a fallback or an offline copy of the same creation never makes a
  /// second customer. Empty: the store chooses one.
  std::string request_guid;
  /// When the terminal stops waiting (simulated time). The store answers
  /// before it, and makes nothing of this creation durable after it (see
  /// docs/actors.md, "Time-outs"). The epoch: no deadline.
  caf::timestamp deadline;
};

/// A Sync creation as the store sends it through the Real-time Service.
struct hq_create_request {
  std::string store_id;
  std::string address_book;
  std::string cashier;
  /// The customer with its GUID (the creation's idempotency key) set and no
  /// account number yet.
  customer record;
  /// When the store stops waiting (simulated time): HQ commits the customer
  /// only if its answer can reach the store before then, and otherwise
  /// fails with deadline_exceeded without writing anything. The epoch: no
  /// deadline.
  caf::timestamp deadline;
};

/// A created customer and how it was created.
struct created_customer {
  customer record;
  creation_mode mode = creation_mode::sync;
  /// True when a Sync creation failed at the RTS and fell back to Async.
  bool fell_back = false;
  /// Why it fell back: the RTS failure (rts_timeout, hq_overloaded, ...).
  ec fallback_cause = ec::none;
};

/// What a reconnecting terminal uploads from its offline database.
struct offline_upload {
  std::string terminal_id;
  std::vector<customer> customers;
  std::vector<sale_transaction> sales;
};

/// What a P-job run takes from one channel: new pending customers and new
/// sales, with the channel watermarks to acknowledge once HQ has them.
struct pjob_batch {
  std::string store_id;
  std::vector<customer> customers;
  std::vector<sale_transaction> sales;
  int64_t customers_seq = 0;
  int64_t sales_seq = 0;
};

/// What a 1010 run brings to one channel: customers of its address book
/// created or converted at HQ after `after_seq`, up to `last_seq`.
struct dist_batch {
  std::vector<customer> customers;
  int64_t last_seq = 0;
};

/// A pair the async-sync job found to be one person, waiting for review
/// (see duplicate_policy).
struct duplicate_pair {
  /// The customer the job converted.
  std::string account_number;
  /// The customer HQ already had: the natural survivor of a merge.
  std::string candidate;
  std::string reason;
  caf::timestamp found_at;
};

/// The three conversion jobs of Commerce.
enum class job_kind : uint8_t {
  /// Uploads new channel records to HQ staging.
  p_job,
  /// "Synchronize customers and business partners from async mode".
  async_sync,
  /// Distributes customers (and so the GUID -> account mapping) to channels.
  dist_1010,
};

const char* to_string(job_kind x);

/// Availability of a store <-> HQ Real-time Service link: `dropping`
/// loses a share of calls (their request or their answer) on the way.
enum class link_availability : uint8_t { up, down, slow, dropping };

const char* to_string(link_availability x);

// -- peripherals ------------------------------------------------------------------

/// How a customer identifies themself at the till (seed 004).
///
/// | channel       | device     | what the POS gets                      |
/// |---------------|------------|----------------------------------------|
/// | keyboard      | none       | what the cashier types                 |
/// | card_swipe    | MSR        | the cardholder's name                  |
/// | licence_swipe | MSR        | name, address, date of birth           |
/// | licence_scan  | 2D scanner | name, address, date of birth           |
enum class input_channel : uint8_t {
  keyboard,
  card_swipe,
  licence_swipe,
  licence_scan,
};

constexpr size_t input_channel_count = 4;

const char* to_string(input_channel x);

/// The UnifiedPOS properties and methods the POS application sets on a
/// device (actors/device_actor.hpp has the life cycle).
enum class device_property : uint8_t {
  /// open() / close().
  open,
  /// claim() / release(): exclusive use by this terminal.
  claimed,
  device_enabled,
  /// Whether the next data event may be delivered; reset after each one.
  data_event_enabled,
  /// Events are held, not delivered, while frozen.
  freeze_events,
  /// DeviceEnabled is reset after each data event.
  auto_disable,
};

const char* to_string(device_property x);

/// A device's UnifiedPOS state.
struct device_state {
  bool open = false;
  bool claimed = false;
  bool device_enabled = false;
  bool data_event_enabled = false;
  bool freeze_events = false;
  bool auto_disable = false;
  /// Data events delivered (UnifiedPOS's DataCount, never reset here).
  uint32_t data_count = 0;
};

/// A document handed to a device: the customer's card or licence. It says
/// who holds it (names, address, date of birth), never a card number: the
/// device makes the card's bytes itself, and they never leave it.
struct device_read {
  input_channel channel = input_channel::card_swipe;
  customer_draft holder;
};

/// A data event as the application gets it: the customers the terminal
/// found by the name read, and the fields a creation is prefilled with.
struct device_result {
  std::vector<customer> found;
  customer_draft prefill;
};

bool operator==(const device_state& x, const device_state& y);
bool operator==(const device_read& x, const device_read& y);
bool operator==(const device_result& x, const device_result& y);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_state& x) {
  return f(caf::meta::type_name("device_state"), x.open, x.claimed,
           x.device_enabled, x.data_event_enabled, x.freeze_events,
           x.auto_disable, x.data_count);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_read& x) {
  return f(caf::meta::type_name("device_read"), x.channel, x.holder);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_result& x) {
  return f(caf::meta::type_name("device_result"), x.found, x.prefill);
}

bool operator==(const search_query& x, const search_query& y);
bool operator==(const create_request& x, const create_request& y);
bool operator==(const hq_create_request& x, const hq_create_request& y);
bool operator==(const created_customer& x, const created_customer& y);
bool operator==(const offline_upload& x, const offline_upload& y);
bool operator==(const pjob_batch& x, const pjob_batch& y);
bool operator==(const dist_batch& x, const dist_batch& y);
bool operator==(const duplicate_pair& x, const duplicate_pair& y);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, search_query& x) {
  return f(caf::meta::type_name("search_query"), x.text, x.field, x.status,
           x.type);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_request& x) {
  return f(caf::meta::type_name("create_request"), x.draft, x.staff,
           x.email_prompt_confirmed, x.request_guid, x.deadline);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hq_create_request& x) {
  return f(caf::meta::type_name("hq_create_request"), x.store_id,
           x.address_book, x.cashier, x.record, x.deadline);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, created_customer& x) {
  return f(caf::meta::type_name("created_customer"), x.record, x.mode,
           x.fell_back, x.fallback_cause);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offline_upload& x) {
  return f(caf::meta::type_name("offline_upload"), x.terminal_id, x.customers,
           x.sales);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pjob_batch& x) {
  return f(caf::meta::type_name("pjob_batch"), x.store_id, x.customers,
           x.sales, x.customers_seq, x.sales_seq);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, duplicate_pair& x) {
  return f(caf::meta::type_name("duplicate_pair"), x.account_number,
           x.candidate, x.reason, x.found_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dist_batch& x) {
  return f(caf::meta::type_name("dist_batch"), x.customers, x.last_seq);
}

} // namespace retailsim
