#include "actors/runtime.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/scheduler/test_coordinator.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"

#include "model/error.hpp"

namespace retailsim {

namespace {

/// What the closing actor found.
struct closing_report {
  /// The closing sequence ended, one way or the other.
  std::atomic<bool> done{false};
  /// A terminal or a job did not answer: closing is incomplete.
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> offline_left{0};
};

/// A fault window of one target: from start to end, the target is in
/// `state` (the higher, the worse).
struct window {
  caf::timespan start;
  caf::timespan end;
  int state;
};

/// When the target's state changes, and to what, with windows that may
/// overlap: at every moment the worst state of the windows open then, 0
/// when none is. Two overlapping windows keep the target down until the
/// later one ends.
std::vector<std::pair<caf::timespan, int>>
state_changes(std::vector<window> windows) {
  std::vector<caf::timespan> moments;
  for (const auto& w : windows) {
    moments.push_back(w.start);
    moments.push_back(w.end);
  }
  std::sort(moments.begin(), moments.end());
  moments.erase(std::unique(moments.begin(), moments.end()), moments.end());
  std::vector<std::pair<caf::timespan, int>> out;
  int current = 0;
  for (auto t : moments) {
    int state = 0;
    for (const auto& w : windows)
      if (w.start <= t && t < w.end)
        state = std::max(state, w.state);
    if (state != current)
      out.emplace_back(t, state);
    current = state;
  }
  return out;
}

/// Faults by when they are due (from the start of the day), each as the
/// send that makes it.
using fault_list = std::vector<std::pair<caf::timespan, std::function<void()>>>;

/// Sends each fault when it is due, until told to stop.
caf::behavior fault_schedule(caf::event_based_actor* self,
                             std::shared_ptr<const fault_list> due) {
  for (uint64_t i = 0; i < due->size(); ++i)
    self->delayed_send(self, (*due)[i].first, atom::tick_v, i);
  return {
    [=](atom::tick, uint64_t i) { (*due)[i].second(); },
    [=](atom::stop) { self->quit(); },
  };
}

/// The scenario's faults, each sent when due by one actor (returned), so
/// that a day stopped early can call off those still to come: `stop` it.
caf::actor schedule_faults(caf::actor_system& sys, const run_config& cfg,
                           const world& w) {
  fault_list faults;
  auto at_time = [&faults](caf::timespan at, auto target, auto... xs) {
    faults.emplace_back(at, [=] { caf::anon_send(target, xs...); });
  };
  std::map<size_t, std::vector<window>> terminals;
  for (const auto& win : cfg.offline_windows)
    for (size_t t = 0; t < terminals_of(cfg, win.store); ++t)
      if (win.terminal == offline_window::all_terminals || win.terminal == t)
        terminals[first_terminal(cfg, win.store) + t].push_back(
          {win.start, win.end, 1});
  for (const auto& [index, windows] : terminals)
    for (auto [at, down] : state_changes(windows))
      at_time(at, w.terminals[index], atom::link_v, down == 0);
  for (const auto& r : cfg.terminal_restarts)
    at_time(r.at, w.terminals[first_terminal(cfg, r.store) + r.terminal],
            atom::restart_v);
  for (const auto& c : cfg.hq_crashes) {
    at_time(c.start, w.hq, atom::crash_v, true);
    at_time(c.end, w.hq, atom::crash_v, false);
  }
  // A link's windows by how bad they are: down, then dropping (the larger
  // share the worse), then slow. A state is its rank's window.
  std::map<size_t, std::vector<link_fault>> by_store;
  for (const auto& f : cfg.link_faults)
    by_store[f.store].push_back(f);
  for (const auto& [store, faults] : by_store) {
    auto ranked = faults;
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const link_fault& x, const link_fault& y) {
                       auto rank = [](const link_fault& f) {
                         return f.state == link_availability::down ? 2.0
                                : f.state == link_availability::dropping
                                  ? 1.0 + f.share
                                  : 0.5;
                       };
                       return rank(x) < rank(y);
                     });
    std::vector<window> windows;
    for (size_t i = 0; i < ranked.size(); ++i)
      windows.push_back(
        {ranked[i].start, ranked[i].end, static_cast<int>(i + 1)});
    for (auto [at, state] : state_changes(windows)) {
      if (state == 0)
        at_time(at, w.links[store], atom::link_v, link_availability::up,
                0.0);
      else
        at_time(at, w.links[store], atom::link_v, ranked[state - 1].state,
                ranked[state - 1].share);
    }
  }
  return sys.spawn(fault_schedule,
                   std::make_shared<const fault_list>(std::move(faults)));
}

/// Asks each of `targets` with `ask(self, target)` (a request), a window
/// at a time (see jobs_config::parallel_parts for why one actor should not
/// have thousands of requests in flight); `each` takes every answer (or
/// the error), `then` runs after the last.
template <class Handle, class Answer, class Ask>
void ask_each(caf::event_based_actor* self, const std::vector<Handle>& targets,
              Ask ask, std::function<void(caf::expected<Answer>)> each,
              std::function<void()> then) {
  struct progress {
    size_t next = 0;
    size_t remaining = 0;
  };
  auto p = std::make_shared<progress>();
  p->remaining = targets.size();
  if (p->remaining == 0) {
    then();
    return;
  }
  auto ask_next = std::make_shared<std::function<void()>>();
  *ask_next = [=, &targets] {
    const auto& target = targets[p->next++];
    auto done = [=, &targets](caf::expected<Answer> answer) {
      each(std::move(answer));
      if (p->next < targets.size())
        (*ask_next)();
      if (--p->remaining == 0) {
        then();
        *ask_next = nullptr;  // break the self-reference
      }
    };
    ask(self, target)
      .then([=](Answer& a) { done(std::move(a)); },
            [=](caf::error& err) { done(std::move(err)); });
  };
  auto window = std::min<size_t>(64, targets.size());
  for (size_t i = 0; i < window; ++i)
    (*ask_next)();
}

/// The closing sequence as an actor, so it runs the same under both
/// schedulers: cashiers stop and finish what is in flight (so every
/// creation HQ commits is acknowledged to its terminal before anything
/// else closes), then terminals reconnect and upload what they hold
/// offline, then the jobs run once each in order.
void closer(caf::event_based_actor* self, std::shared_ptr<const world> w,
            caf::actor faults, std::shared_ptr<closing_report> report,
            caf::timespan timeout) {
  // `w` is shared, never copied: the lambdas below are many and a world
  // holds a handle per actor.
  // Faults still to come are called off (a day stopped early), and HQ is
  // up (a day stopped during a crash); links and terminals come up below.
  self->send(faults, atom::stop_v);
  self->send(w->hq, atom::crash_v, false);
  self->send(w->jobs, atom::stop_v);
  for (auto& link : w->links)
    self->send(link, atom::link_v, link_availability::up, 0.0);
  auto run_jobs = [self, w, report, timeout] {
    auto fail = [report](caf::error&) {
      report->failed = true;
      report->done = true;
    };
    auto jobs = w->jobs;
    self->request(jobs, timeout, atom::run_job_v, job_kind::p_job)
      .then(
        [=](uint64_t) {
          self->request(jobs, timeout, atom::run_job_v, job_kind::async_sync)
            .then(
              [=](uint64_t) {
                self
                  ->request(jobs, timeout, atom::run_job_v,
                            job_kind::dist_1010)
                  .then([=](uint64_t) { report->done = true; }, fail);
              },
              fail);
        },
        fail);
  };
  auto flush_terminals = [self, w, report, timeout, run_jobs] {
    for (auto& term : w->terminals)
      self->send(term, atom::link_v, true);
    ask_each<terminal_actor, uint64_t>(
      self, w->terminals,
      [timeout](caf::event_based_actor* self, const terminal_actor& t) {
        return self->request(t, timeout, atom::flush_v);
      },
      [report](caf::expected<uint64_t> left) {
        if (left)
          report->offline_left += *left;
        else
          report->failed = true;
      },
      run_jobs);
  };
  ask_each<cashier_actor, bool>(
    self, w->cashiers,
    [timeout](caf::event_based_actor* self, const cashier_actor& c) {
      return self->request(c, timeout, atom::stop_v);
    },
    [report](caf::expected<bool> stopped) {
      if (!stopped)
        report->failed = true;
    },
    flush_terminals);
}

} // namespace

void scheduler_probe(caf::event_based_actor* self, actor_env env,
                     caf::timespan every) {
  // Each tick is due `every` after the one before ran (not at a fixed
  // rate): a stall is one late tick, not a run of them.
  auto due = std::make_shared<caf::actor_clock::time_point>(
    self->clock().now() + every);
  self->delayed_send(self, every, atom::tick_v);
  self->become(
    [self, env, every, due](atom::tick) {
      auto now = self->clock().now();
      env.emit(self->clock(), ev::scheduler_lag{std::max(
                                now - *due, caf::timespan{0})});
      *due = now + every;
      self->delayed_send(self, every, atom::tick_v);
    },
    // Answered once the probe runs: everything spawned before it has run
    // too (CAF's sharing scheduler keeps one queue, in order).
    [](atom::status) { return true; });
}

void configure_realtime(caf::actor_system_config& sys_cfg, size_t threads,
                        const std::string& policy, uint64_t throughput) {
  sys_cfg.add_message_types<caf::id_block::retailsim>();
  sys_cfg.set("scheduler.policy", policy == "sharing" ? caf::atom("sharing")
                                                      : caf::atom("stealing"));
  sys_cfg.set("scheduler.max-threads", threads);
  if (throughput > 0)
    sys_cfg.set("scheduler.max-throughput", throughput);
  // No logger output, no console noise.
  sys_cfg.set("logger.verbosity", caf::atom("quiet"));
}

namespace {

void configure(caf::actor_system_config& sys_cfg, const run_config& cfg) {
  if (cfg.runtime == runtime_kind::realtime) {
    configure_realtime(sys_cfg, cfg.threads, cfg.scheduler_policy,
                       cfg.scheduler_throughput);
    return;
  }
  sys_cfg.add_message_types<caf::id_block::retailsim>();
  sys_cfg.set("scheduler.policy", caf::atom("testing"));
  // No logger output, no console noise.
  sys_cfg.set("logger.verbosity", caf::atom("quiet"));
}

/// The signal `stop` holds, 0 without one.
int stop_signal(const std::atomic<int>* stop) {
  return stop ? stop->load() : 0;
}

run_outcome run_virtual(const run_config& cfg, caf::actor_system& sys,
                        const world_databases& dbs,
                        const event_sink_ptr& events,
                        const std::atomic<int>* stop) {
  using wall = std::chrono::steady_clock;
  auto started = wall::now();
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(
    sys.scheduler());
  auto& clock = sched.clock();
  sim_clock sim{cfg.virtual_epoch, clock.now()};
  auto w = spawn_world(sys, cfg, dbs, sim, events);
  auto faults = schedule_faults(sys, cfg, w);
  run_outcome out;
  auto end = sim.origin + cfg.duration;
  for (;;) {
    while (sched.try_run_once())
      ++out.actor_messages;
    if ((out.stopped_by = stop_signal(stop)) != 0)
      break;
    if (!sched.has_pending_timeout())
      break;
    if (clock.schedule().begin()->first > end)
      break;
    sched.trigger_timeout();
  }
  if (out.stopped_by == 0)
    clock.current_time = std::max(clock.current_time, end);
  out.simulated = std::min<caf::timespan>(clock.current_time - sim.origin,
                                          cfg.duration);
  auto report = std::make_shared<closing_report>();
  sys.spawn(closer, std::make_shared<const world>(w), faults, report,
            caf::timespan{std::chrono::hours(24)});
  while (!report->done) {
    while (sched.try_run_once())
      ++out.actor_messages;
    if (report->done || !sched.trigger_timeout())
      break;
  }
  out.closed = report->done && !report->failed;
  out.offline_left = report->offline_left;
  // Stop the actors: the coordinator is single-threaded, so run until idle.
  stop_world(w);
  while (sched.try_run_once())
    ++out.actor_messages;
  out.wall_seconds
    = std::chrono::duration<double>(wall::now() - started).count();
  return out;
}

run_outcome run_realtime(const run_config& cfg, caf::actor_system& sys,
                         const world_databases& dbs,
                         const event_sink_ptr& events,
                         const std::atomic<int>* stop) {
  using wall = std::chrono::steady_clock;
  auto started = wall::now();
  sim_clock sim{caf::make_timestamp(), sys.clock().now()};
  auto w = spawn_world(sys, cfg, dbs, sim, events);
  auto faults = schedule_faults(sys, cfg, w);
  run_outcome out;
  // The day starts once the world is up: spawn returns at once, and
  // 100,000 terminals then take seconds to start. The probe, spawned
  // last, answers once they have.
  auto probe = sys.spawn(scheduler_probe,
                         actor_env{cfg.seed, sim, events, nullptr, ""},
                         caf::timespan{std::chrono::milliseconds(100)});
  {
    caf::scoped_actor waiting{sys};
    waiting->request(probe, caf::infinite, atom::status_v)
      .receive([](bool) {}, [](caf::error&) {});
  }
  auto opened = wall::now();
  out.spawn_seconds = std::chrono::duration<double>(opened - started).count();
  auto end = opened + cfg.duration;
  while (wall::now() < end && (out.stopped_by = stop_signal(stop)) == 0)
    std::this_thread::sleep_for(std::min<wall::duration>(
      end - wall::now(), std::chrono::milliseconds(20)));
  out.simulated = std::min<caf::timespan>(wall::now() - opened, cfg.duration);
  // The probe measures the day; closing is a drain (every terminal
  // uploads, the jobs run once), with its own time-out.
  caf::anon_send_exit(probe, caf::exit_reason::user_shutdown);
  auto report = std::make_shared<closing_report>();
  auto timeout = caf::timespan{std::chrono::minutes(10)};
  sys.spawn(closer, std::make_shared<const world>(w), faults, report, timeout);
  auto deadline = wall::now() + timeout;
  while (!report->done && wall::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  out.closed = report->done && !report->failed;
  out.offline_left = report->offline_left;
  stop_world(w);
  out.wall_seconds
    = std::chrono::duration<double>(wall::now() - started).count();
  return out;
}

} // namespace

caf::expected<run_outcome>
run_simulation(const run_config& given, const event_sink_ptr& events,
               const std::atomic<int>* stop) {
  if (auto err = validate(given))
    return err;
  auto cfg = given.runtime == runtime_kind::realtime
               ? scaled(given, given.time_scale)
               : given;
  auto dbs = open_databases(cfg);
  if (!dbs)
    return dbs.error();
  caf::actor_system_config sys_cfg;
  configure(sys_cfg, cfg);
  run_outcome out;
  {
    caf::actor_system sys{sys_cfg};
    out = cfg.runtime == runtime_kind::virtual_time
            ? run_virtual(cfg, sys, *dbs, events, stop)
            : run_realtime(cfg, sys, *dbs, events, stop);
  }  // every actor is gone: the databases are ours alone
  if (auto err = dbs->persist())
    return err;
  out.customers_at_start = dbs->customers_at_start;
  out.run = dbs->run;
  out.channels = dbs->channel_storage;
  out.hq = dbs->hq_storage;
  return out;
}

} // namespace retailsim
