#pragma once

// The one place a run's results flow through: an event_sink that counts,
// measures latencies in log-linear histograms, keeps a time series per
// interval of simulated time, hashes the ordered event trace into the run's
// fingerprint, and appends what terminals acknowledged to the run's
// journal. The summary, thresholds, results.json, the CSV series, the HTML
// report and the Prometheus export all read its results.
//
// Threads: each recording thread has a shard of its own (its own counters,
// histograms and series, behind a lock nobody else takes except a reader
// asking for results), so no lock is shared by the worker threads on the
// hot path. Memory does not grow with the run's length: histograms have a
// bucket per value range, the series coarsens its interval when it would
// exceed max_points, and acknowledgements go to the journal file. Only the
// Async customers still waiting for their account number are held (for
// their conversion lag), as many as the backlog.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "caf/expected.hpp"

#include "actors/events.hpp"
#include "actors/world.hpp"
#include "metrics/histogram.hpp"

namespace retailsim {

/// Percentiles of one latency (or lag), in milliseconds.
struct latency_summary {
  uint64_t count = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  double p999 = 0;
  double max = 0;
  double mean = 0;
};

/// The summary of a histogram of nanoseconds, in milliseconds.
template <unsigned Bits>
latency_summary summarize(const basic_log_histogram<Bits>& h) {
  auto ms = [](uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  return {h.count(),           ms(h.quantile(0.50)),  ms(h.quantile(0.95)),
          ms(h.quantile(0.99)), ms(h.quantile(0.999)), ms(h.max()),
          h.mean() / 1e6};
}

/// Creations a terminal sent to a Sync store that ended one way.
struct sync_attempts {
  uint64_t count = 0;
  log_histogram latency;
  /// By the ec of the failure or fallback ("rts_timeout": 3).
  std::map<std::string, uint64_t> causes;
};

/// What one interval of simulated time saw. Counts are of events in the
/// interval; gauges (HQ's queue) are the largest seen in it; the backlog
/// and offline terminals are running totals the reader sums up
/// (series_backlog in reports).
struct interval_tallies {
  /// Customers acknowledged, by creation mode.
  std::array<uint64_t, 3> created{};
  /// Creations sent to Sync stores, by sync_outcome.
  std::array<uint64_t, 4> sync_attempts{};
  uint64_t sales = 0;
  uint64_t searches = 0;
  uint64_t operations = 0;
  /// Store operations that met a fault or a bug, and HQ's refusals.
  uint64_t operations_failed = 0;
  uint64_t hq_refused = 0;
  /// Latencies by creation mode, as the terminal saw them.
  std::array<coarse_histogram, 3> create_latency;
  /// Creations by the cashier (quick add, full wizard) from their intended
  /// start: latency plus the customer's wait in line (open model).
  coarse_histogram create_from_intended;
  coarse_histogram hq_service;
  coarse_histogram conversion_lag;
  /// HQ's queue and busy workers, the most seen as a call left.
  uint32_t hq_queued_max = 0;
  uint32_t hq_busy_max = 0;
  /// The Async backlog's flows: pending customers acknowledged (Async and
  /// offline), staged by the P-job, converted at HQ, converted at channels.
  uint64_t pending_created = 0;
  uint64_t staged = 0;
  uint64_t converted_at_hq = 0;
  uint64_t converted_at_channels = 0;
  /// Terminals going offline and coming back.
  uint64_t went_offline = 0;
  uint64_t came_online = 0;
  /// Job runs that ended in the interval, by job_kind, and their summed
  /// durations (ns); runs that died.
  std::array<uint64_t, 3> job_runs{};
  std::array<int64_t, 3> job_ns{};
  uint64_t job_deaths = 0;

  void merge(const interval_tallies& other);
};

/// The run as a series of intervals of simulated time, from 0.
struct time_series {
  caf::timespan interval{0};
  std::vector<interval_tallies> points;
};

/// Creations in one store group.
struct group_tallies {
  std::array<uint64_t, 3> created{};
  std::array<log_histogram, 3> create_latency;
};

struct run_results {
  uint64_t events = 0;
  /// Simulated time of the latest event: how far the run has come.
  caf::timespan simulated{0};
  /// FNV-1a over every event in order: equal for equal traces.
  uint64_t fingerprint = 0;
  /// Customers acknowledged to terminals, by creation mode (sync, async,
  /// offline).
  std::array<uint64_t, 3> created{};
  /// The same by store group (recorder_options::group_names), with the
  /// terminal's latency.
  std::vector<group_tallies> by_group;
  std::vector<std::string> group_names;
  /// Acknowledged Async creations that were Sync ones falling back.
  uint64_t rts_fallbacks = 0;
  /// Every creation sent to a Sync store, whatever its outcome (its
  /// latency includes the time until a fallback, a failure or the
  /// terminal's time-out) ...
  log_histogram sync_attempt_latency;
  /// ... and by outcome (sync_outcome).
  std::array<sync_attempts, 4> sync_attempts_by_outcome{};
  /// Where the run's acknowledgements are (journal.hpp): what the
  /// invariant check compares with the databases. Empty when not kept.
  std::string journal;
  /// Sync creations whose store got no answer from HQ and created nothing
  /// else (the terminal was told they failed); HQ may hold them. Their
  /// GUIDs are in the journal.
  uint64_t creations_in_doubt = 0;
  /// HQ crashes, and the calls in flight each dropped.
  uint64_t hq_crashes = 0;
  uint64_t hq_calls_dropped = 0;
  /// Job runs that died midway.
  uint64_t job_deaths = 0;
  /// Scheduled job runs that were skipped.
  uint64_t job_skips = 0;
  /// Job runs that ended, by job_kind, and how long they took.
  std::array<log_histogram, 3> job_runs;
  /// Calls a dropping RTS link lost: their request, HQ's answer.
  uint64_t rts_requests_dropped = 0;
  uint64_t rts_answers_dropped = 0;
  /// Terminals restarted (a fault).
  uint64_t terminal_restarts = 0;
  /// Documents through card readers and scanners, by input_channel and
  /// device_outcome.
  std::array<std::array<uint64_t, device_outcome_count>, input_channel_count>
    device_reads{};
  /// Store warnings: (store index, warning_code), once each.
  std::set<std::pair<uint32_t, warning_code>> warnings;
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
  /// Latencies (ns).
  log_histogram sync_create;
  log_histogram async_create;
  log_histogram offline_create;
  log_histogram search;
  /// Open model: from a customer's arrival to its transaction's start.
  log_histogram line_wait;
  /// Creations by the cashiers (quick add, full wizard) as the cashier saw
  /// them from the operation's start (what a closed-loop load generator
  /// measures), and from its intended start: plus the customer's wait in
  /// line (open model; 0 in closed runs).
  log_histogram create;
  log_histogram create_intended;
  log_histogram hq_service;
  /// From a pending creation to the channel replacing its GUID.
  log_histogram conversion_lag;
  /// Realtime: how late the scheduler probe's ticks ran (ev::scheduler_lag).
  log_histogram scheduler_lag;
  /// Pending creations no channel has converted (by the recorder's view).
  uint64_t unconverted = 0;
  /// Store operations of the cashier model, by operation and outcome ...
  std::array<std::array<uint64_t, 4>, store_op_count> operations{};
  /// ... their latency at the terminal, and from their intended start
  /// (plus the customer's wait in line, in the open model).
  std::array<log_histogram, store_op_count> operation_latency;
  std::array<log_histogram, store_op_count> operation_from_intended;
  /// Store operations that ended in an unexpected error.
  uint64_t unexpected_errors = 0;
  time_series series;
};

struct recorder_options {
  /// The series' first interval; it doubles whenever the series would
  /// hold more than max_points.
  caf::timespan interval = std::chrono::minutes(1);
  size_t max_points = 1000;
  /// Where to append acknowledgements (journal.hpp); none when empty.
  std::string journal;
  /// Write each acknowledgement to the journal as it is recorded, in one
  /// write(): a run killed with SIGKILL leaves every acknowledgement told
  /// before it died (realtime runs, which leave their databases as files).
  /// Otherwise lines are written 64 KB at a time.
  bool journal_each_line = false;
  /// Keep what the journal holds and append (a run resuming a killed one);
  /// otherwise the file is started afresh.
  bool journal_append = false;
  /// Simulated seconds per measured second: a realtime run's time scale
  /// (its actors run every modelled duration that much faster), 1 in
  /// virtual time. Every duration and time recorded is multiplied by it,
  /// so that results are in simulated time.
  double time_factor = 1;
  /// Store groups: each store's group (by store index) and the groups'
  /// names; stores beyond the table count in group 0.
  std::vector<uint32_t> group_of_store;
  std::vector<std::string> group_names{"estate"};
};

/// The options of a run's recorder: its series' interval, its journal in
/// the output folder (journal.tsv, a line per acknowledgement in realtime
/// runs), its time factor.
recorder_options recorder_options_for(const run_config& cfg);

class run_recorder : public event_sink {
public:
  explicit run_recorder(recorder_options options = {});
  ~run_recorder() override;

  void record(const event& e) override;

  /// Everything recorded so far. Safe to call while events are being
  /// recorded (a live endpoint, a progress line); leaves the journal alone,
  /// so that a reader never writes out lines a kill would have lost.
  run_results results() const;

  /// Writes out the journal's lines not written yet (making the file, so
  /// that a run that never starts writes none) and returns the first error
  /// writing it, if any.
  caf::error flush_journal();

private:
  struct shard;
  shard& my_shard();

  recorder_options options_;
  /// Tells this recorder's shards from another's in a thread's cache.
  uint64_t id_;
  mutable std::mutex shards_mtx_;
  std::vector<std::unique_ptr<shard>> shards_;
  /// Pending creations not yet converted: GUID -> acknowledgement time.
  /// Behind a lock of its own: a creation and its conversion may be
  /// recorded by different threads.
  struct guid_hash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& g) const {
      return std::hash<uint64_t>{}(g.first ^ (g.second * 0x9e3779b97f4a7c15));
    }
  };
  mutable std::mutex pending_mtx_;
  std::unordered_map<std::pair<uint64_t, uint64_t>, caf::timespan, guid_hash>
    pending_;
  class journal_writer;
  std::unique_ptr<journal_writer> journal_;
};

/// The series' first interval for a run of `duration`: a round length
/// giving some 100 to 240 points.
caf::timespan series_interval(caf::timespan duration);

} // namespace retailsim
