#pragma once

// What actors report. Actors only emit events; what is recorded, and where,
// is decided by the event_sink the run plugs in (metrics/run_recorder for
// `retailsim run`, a plain vector in tests).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "caf/actor_clock.hpp"
#include "caf/error.hpp"
#include "caf/timestamp.hpp"

namespace retailsim {

class work_pool;

enum class event_kind : uint8_t {
  /// A terminal acknowledged a customer (to the cashier or another caller).
  /// detail: creation_mode; value: latency seen by the terminal (ns); key,
  /// key2: its GUID (guid_words), the creation's identity.
  customer_created,
  /// A store's Sync creation failed at the RTS and fell back to Async.
  /// detail: ec of the RTS failure.
  rts_fallback,
  /// A terminal acknowledged a sale linked to a customer. detail: 1 if
  /// recorded offline; value: cents; key: event_key of its transaction id.
  sale_recorded,
  /// A transaction without a customer.
  anonymous_sale,
  /// A terminal went offline. detail: ec of the cause.
  terminal_offline,
  /// A terminal reconnected. value: offline customers it uploaded.
  terminal_online,
  /// HQ served a Sync creation. value: time from arrival to commit (ns).
  hq_served,
  /// HQ refused a Sync creation. detail: ec.
  hq_refused,
  /// A P-job cycle ended. value: customers newly staged.
  pjob_cycle,
  /// An async-sync job cycle ended. value: customers converted.
  async_sync_cycle,
  /// A 1010 cycle ended. value: pending customers converted at channels.
  dist_1010_cycle,
  /// A channel replaced a GUID by its account number. key, key2: the GUID
  /// (guid_words).
  customer_converted,
  /// An operation failed for another reason. detail: ec.
  operation_error,
  /// A store operation of the cashier model ended. detail: store_op; value:
  /// latency seen by the terminal (ns); key: bit 16 set if a search found
  /// something, op_outcome << 8, ec in the low byte.
  store_operation,
  /// A terminal's creation at a Sync store ended, whatever the outcome.
  /// detail: sync_outcome; value: latency seen by the terminal (ns); key:
  /// ec of the failure or fallback cause (0 when answered).
  sync_attempt,
  /// Something about a store's setup worth telling once. detail:
  /// warning_code (model/rules.hpp).
  store_warning,
  /// A store's Sync creation got no answer from HQ (its time-out: HQ may
  /// have committed it) and nothing else was created: the terminal is told
  /// it failed, and HQ may hold it. detail: ec of the failure told; key,
  /// key2: its GUID (guid_words).
  creation_in_doubt,
  /// HQ crashed (detail 1; value: calls in flight that will get no reply)
  /// or restarted (detail 0).
  hq_down,
  /// A job's run died midway (a fault). detail: job_kind; value: records
  /// it had done.
  job_died,
  /// Open model: a customer's transaction began after waiting in line for
  /// the cashier. value: the wait (ns).
  customer_waited,
  /// A job's scheduled run was skipped (a fault). detail: job_kind.
  job_skipped,
  /// A dropping RTS link lost a call (a fault). detail: 0 its request on
  /// the way to HQ, 1 HQ's answer on the way back.
  rts_call_dropped,
  /// A terminal restarted (a fault). value: records its offline database
  /// still had to upload.
  terminal_restarted,
};

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

const char* to_string(event_kind x);

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
};

constexpr size_t store_op_count
  = static_cast<size_t>(store_op::add_secondary_contact) + 1;

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

/// One event. `at` is simulated time since the start of the run.
struct event {
  caf::timespan at;
  event_kind kind;
  uint8_t detail = 0;
  uint32_t store = 0;
  uint32_t terminal = 0;
  int64_t value = 0;
  uint64_t key = 0;
  uint64_t key2 = 0;
};

/// Where events go. Must be safe to call from several threads when the run
/// uses the realtime scheduler.
class event_sink {
public:
  virtual ~event_sink();
  virtual void record(const event& e) = 0;
};

using event_sink_ptr = std::shared_ptr<event_sink>;

/// An error as an event's detail: its retailsim code, 0 for other errors.
uint8_t event_detail(const caf::error& err);

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
/// simulated clock, where its events go, and where it may hand database
/// work (none, in realtime runs: the actor works in place; see
/// pooled_database.hpp).
struct actor_env {
  uint64_t seed = 0;
  sim_clock clock;
  event_sink_ptr events;
  std::shared_ptr<work_pool> pool;
  /// The run's tag (hq_database::begin_run): every identity an actor makes
  /// (GUID, transaction id, loyalty card) carries it.
  std::string run_tag;

  /// Records `e` with its time set to now (simulated).
  void emit(const caf::actor_clock& now, event e) const {
    e.at = clock.elapsed(now);
    events->record(e);
  }
};

} // namespace retailsim
