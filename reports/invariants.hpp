#pragma once

// The promise of a run, checked on the databases it left: no acknowledged
// customer or sale is lost or duplicated, and nothing is left half-done.
// Every check compares identities (GUIDs, account numbers, transaction
// ids), not counts, and each can fail: tests/reports/invariants_test.cpp
// corrupts a run's databases one way at a time and sees each one fail.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "actors/runtime.hpp"
#include "actors/world.hpp"
#include "metrics/journal.hpp"
#include "metrics/run_recorder.hpp"

namespace retailsim {

/// What the databases hold after closing, and which promises broke.
struct invariant_report {
  /// Acknowledgements the journal holds.
  uint64_t acknowledged_creations = 0;
  uint64_t acknowledged_sales = 0;
  uint64_t hq_customers = 0;
  uint64_t hq_mapped_guids = 0;
  uint64_t hq_staged_left = 0;
  uint64_t channel_pending_left = 0;
  uint64_t offline_left = 0;
  /// Channel rows with an account number compared with HQ's record.
  uint64_t channel_copies = 0;
  /// Sales compared at HQ and at their stores.
  uint64_t sales_checked = 0;
  /// Acknowledged creations not at HQ, and customers the run added at HQ
  /// that no terminal acknowledged (or acknowledged twice): the promise's
  /// two ways to break, as counts for thresholds.
  uint64_t lost_customers = 0;
  uint64_t duplicated_customers = 0;
  /// The same for sales at HQ.
  uint64_t lost_sales = 0;
  uint64_t duplicated_sales = 0;
  /// Customers the run added at HQ that no terminal acknowledged because
  /// their store got no answer (HQ committed them and crashed, or its
  /// answer came too late) and told the terminal the creation failed: not
  /// a broken promise (nobody was told they exist), counted apart.
  uint64_t committed_in_doubt = 0;
  /// Customers the run created that HQ merged into another (the async-sync
  /// job under hq.duplicates: merge, or a manager), and pairs of a customer
  /// the run created and another that the async-sync job flagged for
  /// review: the same person created twice.
  uint64_t customers_merged = 0;
  uint64_t duplicates_flagged = 0;
  /// FNV-1a over what the run's databases hold (customers with their
  /// account numbers, GUIDs and records, the GUID map, sales and their
  /// customers, the change history, every channel's customers and sales),
  /// in a fixed order: equal for equal databases.
  uint64_t content_digest = 0;
  /// One line per broken promise, naming how many and an example; empty
  /// when every check passed.
  std::vector<std::string> failures;

  bool ok() const {
    return failures.empty();
  }
};

/// Checks, on the files in cfg.output_dir, that:
/// - closing completed;
/// - every creation a terminal acknowledged is at HQ exactly once (by its
///   GUID), no creation was acknowledged twice, every customer the run
///   added at HQ is an acknowledged creation, the existing base is whole,
///   and every GUID at HQ is mapped to its own customer;
/// - every sale a terminal acknowledged is at HQ and at its store exactly
///   once (by its transaction id), no other sale is there, and both hold it
///   on the customer's current account (never a GUID, never a customer
///   merged away);
/// - every store holds every customer of its address books, and every
///   channel copy equals HQ's record;
/// - nothing is pending: no staged row at HQ, no pending row in a channel,
///   no offline record left on a terminal.
caf::expected<invariant_report> check_invariants(const run_config& cfg,
                                                 const run_outcome& outcome,
                                                 const run_results& results);

/// A creation a killed run left on its way to HQ: an Async or offline
/// customer pending in a channel, on a terminal or in HQ's staging.
struct left_pending {
  uint32_t store = 0;
  guid_words guid;
};

/// What the killed run in cfg.output_dir left pending (each GUID once). A
/// run resuming it journals those its journal does not acknowledge as in
/// doubt: committed, but nobody was told, like a Sync creation HQ
/// committed without its answer arriving. Its sales need no such list:
/// their transaction ids carry the killed run's tag.
caf::expected<std::vector<left_pending>> pending_in(const run_config& cfg);

/// The fingerprint of a run: its event trace and what its databases hold.
uint64_t run_fingerprint(uint64_t trace_hash, uint64_t content_digest);

} // namespace retailsim
