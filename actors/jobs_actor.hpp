#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caf/typed_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "caf/typed_response_promise.hpp"

#include "actors/events.hpp"
#include "actors/hq_actor.hpp"
#include "actors/store_actor.hpp"
#include "model/fwd.hpp"

namespace retailsim {

/// The JOBS: the P-job, "Synchronize customers and business partners from
/// async mode" and 1010, each on its own schedule, with a manual trigger.
///
/// A cycle of one job never overlaps another cycle of the same job: a tick
/// that comes while a cycle runs is skipped, and a manual trigger waits for
/// a whole cycle that starts after it.
using jobs_actor = caf::typed_actor<
  // Runs one complete cycle of a job; replies with the items it moved
  // (customers staged, converted, or converted at channels).
  caf::replies_to<atom::run_job, job_kind>::with<uint64_t>,
  // Stops the schedules (end of the run); manual triggers still work.
  caf::reacts_to<atom::stop>>;

/// The jobs actor as it runs: its interface and the messages it sends
/// itself. Only its behavior, `jobs`, has this type; every other actor
/// holds a `jobs_actor`, which cannot send them.
using jobs_self = jobs_actor::extend<
  // A job's scheduled time has come.
  caf::reacts_to<atom::tick, job_kind>>;

/// When a job runs: every `interval` starting at `offset`, or at fixed
/// times of the day (from its start); a zero interval and no times mean
/// manual triggers only.
struct job_schedule {
  caf::timespan interval{0};
  caf::timespan offset{0};
  std::vector<caf::timespan> times;
};

/// The first scheduled run of `job` that starts at or after `at` dies
/// after `after` records (store batches staged for the P-job, customers
/// converted for async-sync, store applications for 1010): what it
/// committed stays, nothing after it happens, and no one is told; the
/// next run (scheduled, or closing's) does the rest.
struct job_death {
  job_kind job = job_kind::p_job;
  caf::timespan at{0};
  uint64_t after = 0;
};

/// The first scheduled run of `job` at or after `at` does not happen (the
/// scheduler missed it); the next one does.
struct job_skip {
  job_kind job = job_kind::p_job;
  caf::timespan at{0};
};

struct jobs_config {
  /// Every 15 minutes, the P-job first (5, 10 and 15 minutes in).
  job_schedule p_job{std::chrono::minutes(15), std::chrono::minutes(5), {}};
  job_schedule async_sync{std::chrono::minutes(15), std::chrono::minutes(10),
                          {}};
  job_schedule dist_1010{std::chrono::minutes(15), std::chrono::minutes(15),
                         {}};
  /// Staged customers converted per async-sync cycle.
  uint64_t convert_batch = 1000000;
  /// Parts a cycle works on at once: stores for the P-job, address books for
  /// 1010.
  size_t parallel_parts = 8;
  /// Runs a 1010 cycle as the run opens, before the first schedule: HQ
  /// starts with an existing customer base the stores must know.
  bool distribute_at_start = false;
  /// Scheduled runs that die midway (a fault).
  std::vector<job_death> deaths;
  /// Scheduled runs that are skipped (a fault).
  std::vector<job_skip> skips;
  /// Time-out of each call a job makes.
  caf::timespan call_timeout = std::chrono::minutes(10);
  actor_env env;
};

/// A store as the jobs see it.
struct store_entry {
  store_actor handle;
  std::string store_id;
  std::string address_book;
};

struct jobs_state {
  struct cycle {
    bool running = false;
    size_t remaining = 0;
    /// The next part (store or address book) that has not started.
    size_t next_part = 0;
    uint64_t items = 0;
    /// When the running cycle started (simulated, since the start).
    caf::timespan started{0};
    /// This run dies after `die_after` records (a job_death fault).
    bool dying = false;
    uint64_t die_after = 0;
    uint64_t records = 0;
    /// Runs started so far: what a run that died left in flight finds a
    /// newer number and does nothing more.
    uint64_t run = 0;
    /// Manual triggers answered when the running cycle ends.
    std::vector<caf::typed_response_promise<uint64_t>> current;
    /// Manual triggers that came while a cycle ran: they get the next one.
    std::vector<caf::typed_response_promise<uint64_t>> next;
  };

  jobs_config cfg;
  hq_actor hq;
  std::vector<store_entry> stores;
  /// Stores by customer address book, in order of first appearance: 1010
  /// asks HQ once per book and hands the answer to each of its stores.
  std::vector<std::vector<size_t>> books;
  bool stopped = false;
  cycle cycles[3];
  /// Deaths not yet met, in the order given.
  std::vector<job_death> deaths;
  /// Skips not yet met.
  std::vector<job_skip> skips;

  static inline const char* name = "jobs";
};

jobs_self::behavior_type jobs(jobs_self::stateful_pointer<jobs_state> self,
                               jobs_config cfg, hq_actor hq,
                               std::vector<store_entry> stores);

} // namespace retailsim
