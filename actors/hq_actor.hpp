#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "caf/typed_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "caf/typed_response_promise.hpp"

#include "actors/events.hpp"
#include "actors/pooled_database.hpp"
#include "actors/random.hpp"
#include "model/fwd.hpp"
#include "storage/hq_database.hpp"

namespace retailsim {

/// The Real-time Service: what a store asks HQ for in real time. HQ answers
/// these calls; each store's RTS link carries them (with the same
/// signatures) across its network.
using rts_service = caf::typed_actor<
  // Sync creation: waits for one of HQ's `workers`, which commits and takes
  // the service time, then replies with the customer and its account
  // number (never before the commit). Fails with hq_overloaded when the
  // queue is full or a call waited too long, and with deadline_exceeded,
  // committing nothing, when the answer could not reach the store before
  // the request's deadline.
  caf::replies_to<atom::create, hq_create_request>::with<customer>,
  // "Search all stores": active customers matching the query; the string
  // is the caller's country for phone numbers.
  caf::replies_to<atom::search, search_query, std::string>::with<
    std::vector<customer>>,
  // A customer the cashier selected from "search all stores": the
  // customer of the account (first string) as HQ holds it, which joins the
  // caller's address book (second string), so that 1010 keeps every store
  // of the book current with it from then on. Fails with not_found.
  caf::replies_to<atom::select, std::string, std::string>::with<customer>,
  // Edits a Sync customer (the string names who); writes one audit row per
  // changed field; replies with the stored customer. Fails with not_found
  // or customer_merged.
  caf::replies_to<atom::edit, customer, std::string>::with<customer>,
  // The change history of a Sync customer (account number), oldest first.
  caf::replies_to<atom::history, std::string>::with<
    std::vector<change_record>>,
  // Merges the customer of the second account number into the first (the
  // strings after them name who, and the address book of the store that
  // asked: it keeps the survivor, which joins that book and the
  // duplicate's); replies with the survivor as stored.
  caf::replies_to<atom::merge, std::string, std::string, std::string,
                  std::string>::with<customer>,
  // Active customers that may be the same person as this account's.
  caf::replies_to<atom::duplicates, std::string>::with<std::vector<customer>>,
  // The pairs the async-sync job flagged and nobody has merged, oldest
  // first (at most 20).
  caf::replies_to<atom::review>::with<std::vector<duplicate_pair>>,
  // The sales HQ holds for a customer reference, oldest first.
  caf::replies_to<atom::purchases, std::string>::with<
    std::vector<sale_transaction>>>;

/// The HQ: customer master over the HQ database, account-number sequence,
/// the Real-time Service endpoint with a capacity model, and HQ's side of
/// the jobs.
using hq_actor = rts_service::extend<
  // P-job upload: stages the batch's Async customers (under the address book
  // given) and records its sales; replies with how many customers were new.
  caf::replies_to<atom::stage, pjob_batch, std::string>::with<uint64_t>,
  // "Synchronize customers and business partners from async mode": converts
  // up to n staged customers; replies with how many it converted.
  caf::replies_to<atom::convert, uint64_t>::with<uint64_t>,
  // 1010: customers of an address book changed after a sequence number.
  caf::replies_to<atom::distribute, std::string, int64_t>::with<dist_batch>,
  // Fault: HQ crashes (true) or restarts (false). Down, it answers nothing:
  // calls in flight and calls meanwhile get no reply (their callers' time-
  // outs tell them); what it committed stays; restarting, it reads its
  // state back from its database.
  caf::reacts_to<atom::crash, bool>>;

/// HQ as it runs: its interface and the messages it sends itself.
/// Only its behavior, `hq`, has this type; every other actor holds
/// an `hq_actor`, which cannot send them.
using hq_self = hq_actor::extend<
  // The worker serving call n finished its service time.
  caf::reacts_to<atom::done, uint64_t>,
  // Commits the Sync creations (without a modelled service time) and the
  // P-job uploads gathered since the last commit, a group commit for each.
  caf::reacts_to<atom::flush>,
  // Collects the oldest job work HQ handed to the pool (convert,
  // distribute, a group of uploads) and answers its callers; in a realtime
  // run, any of its database work, done on the database threads.
  caf::reacts_to<atom::settle>>;

/// How HQ is modelled.
struct hq_config {
  /// Concurrent Sync creations HQ serves (c of an M/G/c queue).
  size_t workers = 8;
  /// Sync creations that may wait for a worker; more are refused.
  size_t queue_limit = 2000;
  /// A call that waited longer than this for a worker is refused.
  caf::timespan queue_timeout = std::chrono::seconds(5);
  /// The time an answer needs to reach the caller: HQ commits a Sync
  /// creation only if it can answer this long before the call's deadline.
  caf::timespan reply_margin = std::chrono::milliseconds(500);
  /// Time a worker is busy per creation, on top of the real commit (zero:
  /// only the real commit, the default of realtime runs): ~120 ms
  /// (median) with a long tail. The commit happens as the worker starts;
  /// the answer goes out when the time has elapsed.
  distribution service_time = distribution::lognormal(0.12, 0.5);
  /// What the async-sync job does with a customer it converts that HQ
  /// already has (flag for review or merge), and the generic email.
  storage::duplicate_check duplicates;
  /// Customers per 1010 answer.
  size_t distribution_batch = 100000;
  actor_env env;
};

struct hq_state {
  struct sync_call {
    caf::typed_response_promise<customer> promise;
    hq_create_request request;
    caf::actor_clock::time_point arrived;
    /// The commit, once a worker serves the call.
    started_work<caf::expected<customer>> commit;
    /// The worker found that its answer would come after the deadline: it
    /// works the service time and then refuses, having written nothing.
    bool too_late = false;
    /// Realtime: the commit's outcome, once the database threads are done
    /// with it, and whether the service time has elapsed; the call is
    /// answered when both are there.
    std::optional<caf::expected<customer>> outcome;
    bool elapsed = false;
  };

  /// Copied from the spawn arguments.
  hq_config cfg;
  /// The HQ database, shared with HQ's job work in the pool.
  pooled_database<storage::hq_database> db;
  actor_rng rng;
  /// Calls waiting for a worker, oldest first.
  std::deque<sync_call> queue;
  /// Calls a worker is serving, by call number.
  std::unordered_map<uint64_t, sync_call> in_service;
  /// A P-job upload waiting for its group commit.
  struct stage_call {
    caf::typed_response_promise<uint64_t> promise;
    storage::pjob_upload upload;
  };

  /// Virtual, without a service time: the calls for the next group
  /// commit, which is due (flush_due) once the messages before it are
  /// read: every call that arrived while the last commit ran joins it.
  std::vector<sync_call> group;
  /// The same for P-job uploads (their commit is job work, in the pool).
  std::vector<stage_call> staging;
  bool flush_due = false;
  /// Realtime, without a service time: a Sync creation waiting for the
  /// group commit that gathers it on the database thread.
  struct gathered_call {
    uint64_t id;
    hq_create_request request;
  };
  std::shared_ptr<gathering<gathered_call>> gathered
    = std::make_shared<gathering<gathered_call>>();
  /// Their calls, by call number, until their commit's settle.
  std::unordered_map<uint64_t, sync_call> awaiting;
  uint64_t next_call = 0;
  /// Down after a crash, until the restart.
  bool crashed = false;
  /// Crashes so far: work handed over before one is answered by nobody.
  uint64_t crashes = 0;

  static inline const char* name = "hq";
};

hq_self::behavior_type hq(hq_self::stateful_pointer<hq_state> self,
                           hq_config cfg,
                           std::shared_ptr<storage::hq_database> db);

} // namespace retailsim
