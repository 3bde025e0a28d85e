#pragma once

// What actors report. Actors only emit events, each a small typed struct
// (namespace ev) with its field list written once, in `inspect`; what is
// recorded, and where, is decided by the event_sink the run plugs in
// (metrics/run_recorder for `retailsim run`, a plain vector in tests).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "caf/actor_clock.hpp"
#include "caf/error.hpp"
#include "caf/meta/type_name.hpp"
#include "caf/timestamp.hpp"
#include "caf/variant.hpp"

#include "model/identity.hpp"
#include "model/messages.hpp"
#include "model/rules.hpp"

namespace retailsim {

class work_pool;

/// How a creation that a terminal sent to a Sync store ended.
enum class sync_outcome : uint8_t {
  /// HQ committed it and answered in time.
  answered,
  /// The RTS call failed; the store created it Async with the same GUID.
  fell_back,
  /// The RTS call failed and nothing was created (error policy, or the
  /// Async rules refused the fallback).
  failed,
  /// The store did not answer within the terminal's time-out: the terminal
  /// went offline (and created it offline if the rules allowed).
  timed_out,
};

const char* to_string(sync_outcome x);

/// What store staff do with customer records (seeds 002 and 004), as the
/// cashier model exercises and the summary counts them. The searches in the
/// store's own database come first, up to search_inactive
/// (is_local_search).
enum class store_op : uint8_t {
  search_phone,
  search_email,
  search_name,
  search_account,
  search_loyalty_card,
  search_company,
  /// Search with the status filter on inactive customers.
  search_inactive,
  /// "Search all stores" through HQ.
  search_all_stores,
  /// The cashier selects a customer "search all stores" found: it joins
  /// the store's address book.
  select_from_all_stores,
  /// Similar customers shown before "create new".
  similar_check,
  /// Quick add: name, phone, email.
  quick_add,
  /// The full wizard: type, business profile, address, preferences,
  /// segment, notes.
  full_wizard,
  /// The email prompt refused a creation without email once.
  email_prompt,
  edit_profile,
  add_address,
  view_history,
  view_purchases,
  issue_loyalty_card,
  add_loyalty_points,
  join_club,
  deactivate,
  reactivate,
  /// The manager looks for duplicates of a customer at HQ.
  find_duplicates,
  /// The manager reads HQ's queue of duplicates the async-sync job flagged.
  review_duplicates,
  /// The manager merges a duplicate at HQ.
  merge,
  /// A read-only user tries an edit (refused: permission).
  read_only_edit,
  /// An affiliation added to the customer.
  add_affiliation,
  /// A secondary phone (with its consent) added to the customer.
  add_secondary_contact,
  /// Seed 004: the customer's bank card swiped through the MSR; the search
  /// by the cardholder's name is automatic.
  search_card_swipe,
  /// The driver's licence swiped through the MSR.
  search_licence_swipe,
  /// The driver's licence's barcode scanned.
  search_licence_scan,
};

constexpr size_t store_op_count
  = static_cast<size_t>(store_op::search_licence_scan) + 1;

const char* to_string(store_op x);

/// The operation's name in thresholds and metrics: its identifier
/// ("quick_add"), safe as a Prometheus label value.
const char* metric_name(store_op x);

/// Whether `op` is a search in the store's (or offline terminal's) own
/// database: what the summary's search counts and latency are made of.
bool is_local_search(store_op op);

/// How a store operation ended.
enum class op_outcome : uint8_t {
  ok,
  /// Refused by a business rule, as the model says it must be: a missing
  /// permission, an Async limitation, the email prompt, a customer merged
  /// away that the store still showed.
  refused,
  /// HQ or the store could not be reached or was overloaded, or the
  /// terminal was offline (a fault).
  unavailable,
  /// Anything else: a bug or a broken database.
  unexpected,
};

const char* to_string(op_outcome x);

/// The outcome an operation's error stands for (ok for no error).
op_outcome outcome_of(const caf::error& err);


/// The vocabulary of events. Causes are retailsim error codes (ec) as
/// event_detail gives them, 0 for none or another error. Latencies are what
/// the one who measured them saw, in the run's clock.
/// How one read at a card reader or scanner ended.
enum class device_outcome : uint8_t {
  /// Decoded and delivered to the terminal.
  delivered,
  /// Error events: the data was bad.
  misread,
  partial,
  wrong_format,
  /// The device did not deliver.
  stalled,
  offline,
  /// The application read without enabling the device or its data events.
  not_enabled,
};

constexpr size_t device_outcome_count
  = static_cast<size_t>(device_outcome::not_enabled) + 1;

const char* to_string(device_outcome x);

namespace ev {

/// A terminal acknowledged a customer (to the cashier or another caller):
/// the creation's identity is its GUID.
struct customer_created {
  uint32_t store = 0;
  uint32_t terminal = 0;
  creation_mode mode = creation_mode::sync;
  guid_words guid;
  caf::timespan latency{0};
};

/// A terminal's creation at a Sync store ended, whatever the outcome.
struct sync_attempt {
  uint32_t store = 0;
  uint32_t terminal = 0;
  sync_outcome outcome = sync_outcome::answered;
  /// Of the failure or fallback (0 when answered).
  uint8_t cause = 0;
  caf::timespan latency{0};
};

/// A store's Sync creation failed at the RTS and fell back to Async.
struct rts_fallback {
  uint32_t store = 0;
  uint8_t cause = 0;
};

/// A terminal acknowledged a sale linked to a customer.
struct sale_recorded {
  uint32_t store = 0;
  uint32_t terminal = 0;
  bool offline = false;
  int64_t cents = 0;
  /// event_key of its transaction id: the sale's identity.
  uint64_t transaction = 0;
};

/// A transaction without a customer.
struct anonymous_sale {
  uint32_t store = 0;
  uint32_t terminal = 0;
};

struct terminal_offline {
  uint32_t store = 0;
  uint32_t terminal = 0;
  uint8_t cause = 0;
};

struct terminal_online {
  uint32_t store = 0;
  uint32_t terminal = 0;
  /// Offline customers it uploaded on reconnecting.
  uint64_t uploaded = 0;
};

/// A terminal restarted (a fault).
struct terminal_restarted {
  uint32_t store = 0;
  uint32_t terminal = 0;
  /// Records its offline database still had to upload.
  uint64_t left_to_upload = 0;
};

/// HQ served a Sync creation.
struct hq_served {
  /// From arrival at HQ to the answer: queue and work.
  caf::timespan service{0};
  /// Calls waiting for a worker, and workers busy (this call's included),
  /// as this one was answered.
  uint32_t queued = 0;
  uint32_t busy = 0;
};

/// Realtime: how late a tick of the scheduler probe ran (see runtime.cpp):
/// the time a message due now waits for a worker thread. A stalled
/// scheduler shows here first.
struct scheduler_lag {
  caf::timespan late{0};
};

/// HQ refused a Sync creation.
struct hq_refused {
  uint8_t cause = 0;
};

/// HQ crashed (with the calls in flight that will get no reply) or
/// restarted.
struct hq_down {
  bool crashed = false;
  uint64_t calls_dropped = 0;
};

/// A job's run ended: a P-job, async-sync or 1010 cycle.
struct job_ran {
  job_kind job = job_kind::p_job;
  /// Customers newly staged (P-job), converted at HQ (async-sync) or
  /// pending customers converted at channels (1010).
  uint64_t records = 0;
  caf::timespan duration{0};
};

/// A job's run died midway (a fault), having done `records`.
struct job_died {
  job_kind job = job_kind::p_job;
  uint64_t records = 0;
};

/// A job's scheduled run was skipped (a fault).
struct job_skipped {
  job_kind job = job_kind::p_job;
};

/// A channel replaced a GUID by its account number.
struct customer_converted {
  uint32_t store = 0;
  guid_words guid;
};

/// An operation failed for another reason.
struct operation_error {
  uint8_t cause = 0;
};

/// A store operation of the cashier model ended.
struct store_operation {
  uint32_t store = 0;
  uint32_t terminal = 0;
  store_op op = store_op::search_phone;
  op_outcome outcome = op_outcome::ok;
  uint8_t cause = 0;
  /// A search found something.
  bool found = false;
  caf::timespan latency{0};
  /// Open model: how long its customer waited in line before the
  /// transaction began (0 in closed runs). latency + waited is the latency
  /// from the operation's intended start: what a stalled HQ costs the
  /// customers queued behind it (coordinated omission, as wrk2 counts it).
  caf::timespan waited{0};
};

/// Something about a store's setup worth telling once.
struct store_warning {
  uint32_t store = 0;
  warning_code code = warning_code{};
};

/// A store's Sync creation got no answer from HQ (its time-out: HQ may have
/// committed it) and nothing else was created: the terminal is told it
/// failed, and HQ may hold it.
struct creation_in_doubt {
  uint32_t store = 0;
  uint8_t cause = 0;
  guid_words guid;
};

/// Open model: a customer's transaction began after waiting in line for
/// the cashier.
struct customer_waited {
  uint32_t store = 0;
  uint32_t terminal = 0;
  caf::timespan wait{0};
};

/// A dropping RTS link lost a call (a fault): its request on the way to
/// HQ, or HQ's answer on the way back.
struct rts_call_dropped {
  bool answer = false;
};

/// A customer's document went through a device (a swipe, a scan).
struct device_input {
  input_channel channel = input_channel::card_swipe;
  device_outcome outcome = device_outcome::delivered;
};

// One field list per event (CAF 0.17 inspect): what the trace hash, a
// printed trace and, later, another process read.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_created& x) {
  return f(caf::meta::type_name("customer_created"), x.store, x.terminal,
           x.mode, x.guid.high, x.guid.low, x.latency);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_attempt& x) {
  return f(caf::meta::type_name("sync_attempt"), x.store, x.terminal,
           x.outcome, x.cause, x.latency);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rts_fallback& x) {
  return f(caf::meta::type_name("rts_fallback"), x.store, x.cause);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sale_recorded& x) {
  return f(caf::meta::type_name("sale_recorded"), x.store, x.terminal,
           x.offline, x.cents, x.transaction);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, anonymous_sale& x) {
  return f(caf::meta::type_name("anonymous_sale"), x.store, x.terminal);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, terminal_offline& x) {
  return f(caf::meta::type_name("terminal_offline"), x.store, x.terminal,
           x.cause);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, terminal_online& x) {
  return f(caf::meta::type_name("terminal_online"), x.store, x.terminal,
           x.uploaded);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, terminal_restarted& x) {
  return f(caf::meta::type_name("terminal_restarted"), x.store, x.terminal,
           x.left_to_upload);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hq_served& x) {
  return f(caf::meta::type_name("hq_served"), x.service, x.queued, x.busy);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hq_refused& x) {
  return f(caf::meta::type_name("hq_refused"), x.cause);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hq_down& x) {
  return f(caf::meta::type_name("hq_down"), x.crashed, x.calls_dropped);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_ran& x) {
  return f(caf::meta::type_name("job_ran"), x.job, x.records, x.duration);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_died& x) {
  return f(caf::meta::type_name("job_died"), x.job, x.records);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_skipped& x) {
  return f(caf::meta::type_name("job_skipped"), x.job);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_converted& x) {
  return f(caf::meta::type_name("customer_converted"), x.store, x.guid.high,
           x.guid.low);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, operation_error& x) {
  return f(caf::meta::type_name("operation_error"), x.cause);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_operation& x) {
  return f(caf::meta::type_name("store_operation"), x.store, x.terminal, x.op,
           x.outcome, x.cause, x.found, x.latency, x.waited);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_warning& x) {
  return f(caf::meta::type_name("store_warning"), x.store, x.code);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, creation_in_doubt& x) {
  return f(caf::meta::type_name("creation_in_doubt"), x.store, x.cause,
           x.guid.high, x.guid.low);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_waited& x) {
  return f(caf::meta::type_name("customer_waited"), x.store, x.terminal,
           x.wait);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_input& x) {
  return f(caf::meta::type_name("device_input"), x.channel, x.outcome);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scheduler_lag& x) {
  return f(caf::meta::type_name("scheduler_lag"), x.late);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rts_call_dropped& x) {
  return f(caf::meta::type_name("rts_call_dropped"), x.answer);
}

} // namespace ev

/// What happened: one of the events above.
using event_body = caf::variant<
  ev::customer_created, ev::sync_attempt, ev::rts_fallback, ev::sale_recorded,
  ev::anonymous_sale, ev::terminal_offline, ev::terminal_online,
  ev::terminal_restarted, ev::hq_served, ev::hq_refused, ev::hq_down,
  ev::job_ran, ev::job_died, ev::job_skipped, ev::customer_converted,
  ev::operation_error, ev::store_operation, ev::store_warning,
  ev::creation_in_doubt, ev::customer_waited, ev::rts_call_dropped,
  ev::device_input, ev::scheduler_lag>;

/// One event: what happened, and when (simulated time since the start of
/// the run).
struct event {
  caf::timespan at{0};
  event_body what;
};

/// Whether `e` is an event of type T.
template <class T>
bool is(const event& e) {
  return caf::holds_alternative<T>(e.what);
}
/// Where events go. Must be safe to call from several threads when the run
/// uses the realtime scheduler.
class event_sink {
public:
  virtual ~event_sink();
  virtual void record(const event& e) = 0;
};

using event_sink_ptr = std::shared_ptr<event_sink>;

/// An error as an event's cause: its retailsim code, 0 for other errors.
uint8_t event_detail(const caf::error& err);

/// A cause as text: the ec's name, "other" for 0.
std::string cause_name(uint8_t cause);

/// A stable 64-bit key for a GUID or account number (FNV-1a).
uint64_t event_key(std::string_view text);

/// Simulated time: what `now` is for the model (timestamps in databases) and
/// for events (offsets from the start of the run). Virtual runs start the
/// test clock at `origin`; realtime runs take the wall clock at start.
struct sim_clock {
  /// The wall-clock time the run represents at its start.
  caf::timestamp epoch;
  /// The actor clock's reading at the start of the run.
  caf::actor_clock::time_point origin;

  caf::timespan elapsed(const caf::actor_clock& clock) const {
    return clock.now() - origin;
  }

  caf::timestamp now(const caf::actor_clock& clock) const {
    return epoch + elapsed(clock);
  }
};

/// What every actor takes from its run: the seed of its generator, the
/// simulated clock, where its events go, and where it hands database work
/// (a virtual run's helpers or a realtime run's database threads; none:
/// the actor works in place; see pooled_database.hpp).
struct actor_env {
  uint64_t seed = 0;
  sim_clock clock;
  event_sink_ptr events;
  std::shared_ptr<work_pool> pool;
  /// The run's tag (hq_database::begin_run): every identity an actor makes
  /// (GUID, transaction id, loyalty card) carries it.
  std::string run_tag;

  /// Records `what` as happening now (simulated).
  void emit(const caf::actor_clock& now, event_body what) const {
    events->record(event{clock.elapsed(now), std::move(what)});
  }
};

} // namespace retailsim
