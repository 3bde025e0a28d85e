#pragma once

// Runs a world under one of two runtimes; the actors do not know which.
//
// virtual:  CAF's test_coordinator. The driver runs every ready actor, then
//           jumps the test clock to the next pending timeout, until the
//           business day is over. Same seed, same event trace.
// realtime: CAF's normal scheduler and the wall clock; HQ does real SQLite
//           work and the day lasts duration / time_scale of wall time.
//
// Both end the same way ("closing"): terminals stop their cashiers, faults
// end, every terminal reconnects and uploads, then one P-job, async-sync and
// 1010 cycle run in that order, so that nothing is left pending.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "caf/expected.hpp"
#include "caf/fwd.hpp"

#include "actors/events.hpp"
#include "actors/world.hpp"

namespace retailsim {

struct run_outcome {
  /// Simulated time the day lasted (virtual) or wall time (realtime).
  caf::timespan simulated{0};
  /// Wall-clock seconds the whole run took, closing included.
  double wall_seconds = 0;
  /// Realtime: wall-clock seconds from spawning the world to the day's
  /// start (every actor up).
  double spawn_seconds = 0;
  /// Actor messages the test coordinator ran (virtual runs only).
  uint64_t actor_messages = 0;
  /// Offline customers terminals still held after closing.
  uint64_t offline_left = 0;
  /// Customers HQ held before the day began (an existing base).
  uint64_t customers_at_start = 0;
  /// The run as HQ recorded it (tag, where its rows begin).
  storage::run_start run;
  /// Where the stores' channels and HQ's database were kept, and why.
  storage_choice channels;
  storage_choice hq;
  /// Whether closing completed (all terminals answered, all jobs ran).
  bool closed = false;
  /// The signal that ended the day early (see run_simulation), 0 when the
  /// day ran to its end.
  int stopped_by = 0;
};

/// Realtime, during the day: a tick every `every`, each recording how late
/// it ran (ev::scheduler_lag through `env`): how long a message that is
/// due waits for a thread of CAF's scheduler. Every actor's messages wait
/// as long, so a stalled scheduler shows here first. Ticks until it is
/// sent an exit.
void scheduler_probe(caf::event_based_actor* self, actor_env env,
                     caf::timespan every);

/// Opens the databases, spawns the world, runs the day and closes it.
/// Events go to `events`. Fails before spawning anything when the
/// configuration or a database is bad. When `stop` (if given) becomes
/// non-zero (a signal's number), the day ends there and closes as at its
/// end; `simulated` is then the time it reached.
/// A realtime actor system's settings, the one way to make them: CAF's
/// `policy` scheduler ("sharing" or "stealing") with `threads` threads,
/// `throughput` messages an actor handles per turn (0: CAF's default, no
/// limit), retailsim's message types, no logger output.
void configure_realtime(caf::actor_system_config& sys_cfg, size_t threads,
                        const std::string& policy = "sharing",
                        uint64_t throughput = 0);

caf::expected<run_outcome>
run_simulation(const run_config& cfg, const event_sink_ptr& events,
               const std::atomic<int>* stop = nullptr);

} // namespace retailsim
