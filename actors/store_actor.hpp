#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "caf/typed_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "actors/events.hpp"
#include "actors/pooled_database.hpp"
#include "actors/random.hpp"
#include "actors/rts_link_actor.hpp"
#include "model/fwd.hpp"
#include "storage/channel_database.hpp"

namespace retailsim {

/// A STORE: its channel database, functionality profile and default
/// customer; local search, Sync creation through the RTS link, Async
/// creation, offline uploads from terminals, and its side of the P-job and
/// of 1010. Its database serves one request at a time: a search, duplicate
/// check or sale is answered its service time after the database is free.
using store_actor = caf::typed_actor<
  // Local search in the channel database.
  caf::replies_to<atom::search, search_query>::with<std::vector<customer>>,
  // "Search all stores" through HQ: HQ's matches (at least 4 characters).
  caf::replies_to<atom::search_hq, search_query>::with<std::vector<customer>>,
  // The customer of an account the cashier selected from "search all
  // stores": HQ adds it to this store's address book, and this store (and,
  // through 1010, every store of the book) holds it from then on.
  caf::replies_to<atom::select, std::string, staff_member>::with<customer>,
  // Before "create new" (seeds 002, 004): customers here that may be the
  // same person as the draft (same email or phone, or same name), strongest
  // match first. Fails with the draft's validation error.
  caf::replies_to<atom::similar, customer_draft>::with<std::vector<customer>>,
  // Creates a customer: Sync through the RTS (profile async off) or Async
  // with its GUID. Fails with permission_denied, email_prompt (seed 004:
  // once, unless the request confirms), the validation or limitation error
  // naming the field, or, under the `error` RTS policy, the RTS failure.
  caf::replies_to<atom::create, create_request>::with<created_customer>,
  // Edits a customer on behalf of a staff member: needs the permissions of
  // what it changes (store_operations_in: edit, status, loyalty, clubs) and
  // is refused per the Async limitations for a pending customer. A pending
  // one changes here and is uploaded again, a Sync one changes at HQ
  // through the RTS first (HQ keeps the change history).
  caf::replies_to<atom::edit, customer, staff_member>::with<customer>,
  // The change history of a Sync customer (account number), from HQ.
  caf::replies_to<atom::history, std::string, staff_member>::with<
    std::vector<change_record>>,
  // A customer's purchase history: the sales HQ holds (account numbers
  // only) and this store's own, each transaction once.
  caf::replies_to<atom::purchases, std::string, staff_member>::with<
    purchase_history>,
  // Merges the customer of the second account number into the first at HQ
  // (seed 002) on behalf of a staff member with the merge permission;
  // replies with the survivor, which this store holds at once (1010 brings
  // the deactivated duplicate).
  caf::replies_to<atom::merge, std::string, std::string, staff_member>::with<
    customer>,
  // Customers HQ holds that may be the same person as this account's.
  caf::replies_to<atom::duplicates, std::string, staff_member>::with<
    std::vector<customer>>,
  // HQ's queue of flagged duplicates, for whoever may merge them.
  caf::replies_to<atom::review, staff_member>::with<
    std::vector<duplicate_pair>>,
  // Records a sale; false if its transaction id was recorded before.
  caf::replies_to<atom::sale, sale_transaction>::with<bool>,
  // A reconnecting terminal's offline records; replies with new customers.
  caf::replies_to<atom::upload, offline_upload>::with<uint64_t>,
  // P-job: what is new since the last acknowledged upload.
  caf::replies_to<atom::collect>::with<pjob_batch>,
  // P-job: HQ has customers and sales up to these sequence numbers.
  caf::replies_to<atom::ack, int64_t, int64_t>::with<bool>,
  // 1010: the last HQ change this channel has applied.
  caf::replies_to<atom::dist_seq>::with<int64_t>,
  // 1010: applies a batch; replies with how many pending customers converted.
  caf::replies_to<atom::apply, dist_batch>::with<uint64_t>>;

/// A STORE as it runs: its interface and the messages it sends itself.
/// Only its behavior, `store`, has this type; every other actor holds
/// a `store_actor`, which cannot send them.
using store_self = store_actor::extend<
  // Collects the oldest work this store handed to the pool: a search,
  // duplicate check, sale, P-job collect or 1010 apply (replies to its
  // caller), or its copy of a customer HQ answered with (reports a
  // failure); in a realtime run, any of its database work, done on the
  // database threads.
  caf::reacts_to<atom::settle>,
  // Commits the writes gathered since the last commit (a sale, an Async
  // creation, a copy of a customer HQ answered with) in one transaction,
  // then answers each; realtime, without a modelled service time.
  caf::reacts_to<atom::flush>>;

/// What a store does when a Sync creation fails at the Real-time Service.
enum class rts_failure_policy : uint8_t {
  /// Create the customer Async instead, as Commerce does.
  fallback_async,
  /// Report the failure to the terminal.
  error,
};

const char* to_string(rts_failure_policy x);

struct store_config {
  uint32_t index = 0;
  store_settings settings;
  /// Customer address book: 1010 brings this store the customers of it.
  std::string address_book;
  std::vector<customer_group> groups;
  hq_feature_flags flags;
  rts_failure_policy policy = rts_failure_policy::fallback_async;
  /// How long the store waits for the RTS link (less than the terminal's
  /// time-out, more than the link's; see docs/actors.md, "Time-outs").
  caf::timespan rts_timeout = std::chrono::seconds(8);
  /// The time an answer needs to reach the terminal: a Sync creation's
  /// fallback is made only this long before the terminal's deadline.
  caf::timespan reply_margin = std::chrono::milliseconds(500);
  /// The time the channel database takes to serve a terminal's search,
  /// duplicate check or sale (answered that long after it is free).
  distribution service_time = distribution::constant(0);
  /// Rows per P-job collect.
  size_t pjob_batch = 100000;
  actor_env env;
};

struct store_state {
  store_config cfg;
  /// The channel database, shared with the work the store hands to the
  /// pool.
  pooled_database<storage::channel_database> db;
  rts_link_actor link;
  actor_rng rng;

  static inline const char* name = "store";
};

store_self::behavior_type
store(store_self::stateful_pointer<store_state> self, store_config cfg,
      std::shared_ptr<storage::channel_database> db, rts_link_actor link);

} // namespace retailsim
