#pragma once

// The one place a run's results flow through: an event_sink that counts,
// keeps latency samples and hashes the ordered event trace into the run's
// fingerprint. Reports read its results; Prometheus export will read the
// same.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/events.hpp"

namespace retailsim {

/// Percentiles of one latency (or lag) sample set, in milliseconds.
struct latency_summary {
  uint64_t count = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  double max = 0;
};

/// Nearest-rank percentiles of `samples_ns` (nanoseconds), in milliseconds.
latency_summary summarize(std::vector<int64_t> samples_ns);

/// A creation a terminal acknowledged: its identity and how it was made.
struct acknowledged_creation {
  uint64_t guid_high = 0;
  uint64_t guid_low = 0;
  uint8_t mode = 0;
  uint32_t store = 0;
  uint32_t terminal = 0;
};

/// A sale a terminal acknowledged: event_key of its transaction id.
struct acknowledged_sale {
  uint64_t key = 0;
  uint32_t store = 0;
};

/// Creations a terminal sent to a Sync store that ended one way.
struct sync_attempts {
  uint64_t count = 0;
  latency_summary latency;
  /// By the ec of the failure or fallback ("rts_timeout": 3).
  std::map<std::string, uint64_t> causes;
};

struct run_results {
  uint64_t events = 0;
  /// FNV-1a over every event in order: equal for equal traces.
  uint64_t fingerprint = 0;
  /// Customers acknowledged to terminals, by creation mode (sync, async,
  /// offline).
  std::array<uint64_t, 3> created{};
  /// Acknowledged Async creations that were Sync ones falling back.
  uint64_t rts_fallbacks = 0;
  /// Every creation sent to a Sync store, whatever its outcome (its
  /// latency includes the time until a fallback, a failure or the
  /// terminal's time-out) ...
  latency_summary sync_attempt_latency;
  /// ... and by outcome (sync_outcome).
  std::array<sync_attempts, 4> sync_attempts_by_outcome{};
  /// What the terminals acknowledged, for the invariant check.
  std::vector<acknowledged_creation> acknowledged_creations;
  std::vector<acknowledged_sale> acknowledged_sales;
  /// Sync creations whose store got no answer from HQ and created nothing
  /// else (the terminal was told they failed): GUID words. HQ may hold
  /// them.
  std::vector<std::pair<uint64_t, uint64_t>> creations_in_doubt;
  /// HQ crashes, and the calls in flight each dropped.
  uint64_t hq_crashes = 0;
  uint64_t hq_calls_dropped = 0;
  /// Job runs that died midway.
  uint64_t job_deaths = 0;
  /// Scheduled job runs that were skipped.
  uint64_t job_skips = 0;
  /// Calls a dropping RTS link lost: their request, HQ's answer.
  uint64_t rts_requests_dropped = 0;
  uint64_t rts_answers_dropped = 0;
  /// Terminals restarted (a fault).
  uint64_t terminal_restarts = 0;
  /// Store warnings: (store index, warning_code), once each.
  std::vector<std::pair<uint32_t, uint8_t>> warnings;
  uint64_t searches = 0;
  uint64_t searches_found = 0;
  uint64_t sales = 0;
  uint64_t sales_offline = 0;
  uint64_t anonymous_sales = 0;
  uint64_t offline_spells = 0;
  uint64_t reconnects = 0;
  uint64_t staged = 0;
  uint64_t converted_at_hq = 0;
  uint64_t converted_at_channels = 0;
  /// Failures by "where:code": store operations that met a fault or a bug
  /// ("create: quick add:rts_unavailable"), HQ refusals ("hq:hq_overloaded")
  /// and other operations ("operation:storage_failure").
  std::map<std::string, uint64_t> errors;
  latency_summary sync_create;
  latency_summary async_create;
  latency_summary offline_create;
  latency_summary search;
  /// Open model: from a customer's arrival to its transaction's start.
  latency_summary line_wait;
  latency_summary hq_service;
  /// From a pending creation to the channel replacing its GUID.
  latency_summary conversion_lag;
  /// Pending creations no channel has converted (by the recorder's view).
  uint64_t unconverted = 0;
  /// Store operations of the cashier model, by operation and outcome.
  std::array<std::array<uint64_t, 4>, store_op_count> operations{};
  /// Store operations that ended in an unexpected error.
  uint64_t unexpected_errors = 0;
};

class run_recorder : public event_sink {
public:
  void record(const event& e) override;

  run_results results() const;

private:
  mutable std::mutex mtx_;
  run_results totals_;
  uint64_t hash_ = 1469598103934665603ull;
  std::vector<int64_t> sync_create_;
  std::vector<int64_t> async_create_;
  std::vector<int64_t> offline_create_;
  std::vector<int64_t> search_;
  std::vector<int64_t> line_wait_;
  std::vector<int64_t> hq_service_;
  std::vector<int64_t> lag_;
  std::vector<int64_t> sync_attempt_;
  std::array<std::vector<int64_t>, 4> sync_attempt_by_outcome_;
  /// Pending creations not yet converted: GUID (high ^ low word) ->
  /// creation time (ns).
  std::unordered_map<uint64_t, int64_t> pending_;
};

} // namespace retailsim
