#pragma once

// A deterministic world for actor tests: CAF's test_coordinator, a small
// topology over real SQLite files in a temporary folder, the cashier model
// off and the jobs on manual trigger, so each test drives every step itself.

#include <memory>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/scheduler/test_coordinator.hpp"
#include "caf/send.hpp"

#include "actors/world.hpp"
#include "model/error.hpp"
#include "tests/fixtures.hpp"

namespace retailsim::test {

/// Keeps every event, for assertions.
class event_log : public event_sink {
public:
  void record(const event& e) override {
    std::lock_guard<std::mutex> guard{mtx_};
    events_.push_back(e);
  }
  /// Calls `f` with each event of type T, in order.
  template <class T, class F>
  void each(F f) const {
    std::lock_guard<std::mutex> guard{mtx_};
    for (const auto& e : events_)
      if (auto* x = caf::get_if<T>(&e.what))
        f(*x);
  }
  /// Events of type T (ev::...).
  template <class T>
  size_t count() const {
    std::lock_guard<std::mutex> guard{mtx_};
    size_t n = 0;
    for (const auto& e : events_)
      n += is<T>(e) ? 1 : 0;
    return n;
  }

private:
  mutable std::mutex mtx_;
  std::vector<event> events_;
};

class actor_fixture : public ::testing::Test {
  // Declared first: the actor system outlives every handle below.
  temp_dir dir_;
  caf::actor_system_config sys_cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  bool started_ = false;

public:
  actor_fixture() {
    sys_cfg_.add_message_types<caf::id_block::retailsim>();
    sys_cfg_.set("scheduler.policy", caf::atom("testing"));
    sys_cfg_.set("logger.verbosity", caf::atom("quiet"));
    sys_ = std::make_unique<caf::actor_system>(sys_cfg_);
    sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(
      sys_->scheduler());
    cfg = default_run_config();
    cfg.groups[0].stores = 2;
    cfg.groups[0].terminals = 1;
    cfg.address_book_size = 10;
    cfg.output_dir = dir_.file("run");
    cfg.cashier.enabled = false;
    // Tests of other rules create customers without email; the prompt's
    // own tests turn it on.
    cfg.groups[0].prompt_for_email = false;
    cfg.jobs.p_job.interval = caf::timespan{0};
    cfg.jobs.async_sync.interval = caf::timespan{0};
    cfg.jobs.dist_1010.interval = caf::timespan{0};
    // Realtime worlds here run their database work in run(), on this
    // thread: the test coordinator takes messages from one thread only.
    cfg.database_threads = 0;
  }

  ~actor_fixture() override {
    if (started_) {
      stop_world(w);
      run();
    }
    w = world{};
  }

  /// Opens the databases and spawns the world of `cfg`.
  void start() {
    auto opened = open_databases(cfg);
    ASSERT_TRUE(opened) << describe(opened.error());
    dbs = std::move(*opened);
    clock = sim_clock{cfg.virtual_epoch, sched_->clock().now()};
    w = spawn_world(*sys_, cfg, dbs, clock, events);
    started_ = true;
    run();
  }

  /// Runs every ready actor and every pending timeout until nothing is left.
  void run() {
    for (;;) {
      run_ready();
      if (!sched_->trigger_timeout())
        break;
    }
  }

  /// Runs every ready actor, then only the next pending timeout (and what
  /// it makes ready): time advances to the next delayed message only.
  void run_one_timeout() {
    run_ready();
    sched_->trigger_timeout();
    run_ready();
  }

  /// Runs every ready actor, leaving a realtime world's database work
  /// queued, as if the database threads were still at it.
  void run_actors() {
    while (sched_->try_run_once()) {
    }
  }

  /// Runs every ready actor and, in a realtime world, the database work
  /// they hand over (which makes them ready again), until neither is left.
  void run_ready() {
    do {
      while (sched_->try_run_once()) {
      }
    } while (w.pool && w.pool->use() == work_pool_use::realtime
             && w.pool->run_queued());
  }

  /// Sends a request from a helper actor, runs to completion, returns the
  /// answer (or the error).
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& dest, Ts... xs) {
    auto result = std::make_shared<caf::expected<T>>(
      make_error(ec::not_found, "test", "no answer"));
    // The helper takes its inputs as spawn arguments: CAF 0.17 dereferences
    // a null argument tuple for argument-less lambdas (UBSan reports it).
    sys_->spawn(
      [](caf::event_based_actor* self, Handle dest,
         std::shared_ptr<caf::expected<T>> result, Ts... xs) {
        self->request(dest, caf::timespan{std::chrono::hours(1)}, xs...)
          .then([=](T& x) { *result = std::move(x); },
                [=](caf::error& err) { *result = std::move(err); });
      },
      dest, result, xs...);
    run();
    return *result;
  }

  /// Runs one cycle of a job; returns the items it moved.
  uint64_t run_job(job_kind kind) {
    auto n = ask<uint64_t>(w.jobs, atom::run_job_v, kind);
    EXPECT_TRUE(n) << describe(n.error());
    return n ? *n : 0;
  }

  /// P-job, async-sync job, 1010, in that order.
  void conversion_cycle() {
    run_job(job_kind::p_job);
    run_job(job_kind::async_sync);
    run_job(job_kind::dist_1010);
  }

  caf::expected<created_customer> create_at(size_t terminal,
                                            customer_draft draft) {
    return ask<created_customer>(w.terminals[terminal], atom::create_v,
                                 std::move(draft));
  }

  std::vector<customer> search_store(size_t store, const std::string& text) {
    auto found = ask<std::vector<customer>>(
      w.stores[store], atom::search_v, search_query{text, search_field::any});
    EXPECT_TRUE(found) << describe(found.error());
    return found ? *found : std::vector<customer>{};
  }

  caf::actor_system& sys() {
    return *sys_;
  }

  static customer_draft draft(const std::string& first,
                              const std::string& phone) {
    customer_draft d;
    d.profile.first_name = first;
    d.profile.last_name = "Tester";
    d.profile.phones.push_back({phone, true, {}});
    return d;
  }

  run_config cfg;
  world_databases dbs;
  world w;
  sim_clock clock;
  std::shared_ptr<event_log> events = std::make_shared<event_log>();
};

} // namespace retailsim::test
