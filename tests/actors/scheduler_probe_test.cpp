// The scheduler probe on CAF's real scheduler: with one thread, an actor
// that holds it makes the probe's next tick late by about as long, and the
// probe says so; while nothing holds it, ticks keep coming.

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"

#include "actors/runtime.hpp"

using namespace retailsim;
using namespace std::chrono_literals;

namespace {

class lag_sink : public event_sink {
public:
  void record(const event& e) override {
    if (!is<ev::scheduler_lag>(e))
      return;
    std::lock_guard<std::mutex> guard{mtx};
    lags.push_back(caf::get<ev::scheduler_lag>(e.what).late);
  }

  std::vector<caf::timespan> taken() {
    std::lock_guard<std::mutex> guard{mtx};
    return lags;
  }

  std::mutex mtx;
  std::vector<caf::timespan> lags;
};

} // namespace

TEST(SchedulerProbe, AnActorHoldingTheOnlyThreadMakesTheNextTickLate) {
  caf::actor_system_config sys_cfg;
  configure_realtime(sys_cfg, 1);
  caf::actor_system sys{sys_cfg};
  auto sink = std::make_shared<lag_sink>();
  actor_env env;
  env.clock = sim_clock{caf::make_timestamp(), sys.clock().now()};
  env.events = sink;
  auto probe = sys.spawn(scheduler_probe, env, caf::timespan{20ms});
  // Ticks come while the thread is free.
  std::this_thread::sleep_for(300ms);
  auto before = sink->taken().size();
  EXPECT_GE(before, 3u);
  // An actor that keeps the only thread for 600 ms, as a burst of work
  // would.
  // (Spawned with an argument: CAF 0.17 binds a null pointer when a
  // function actor has none, which UBSan reports.)
  auto hog = sys.spawn(
    [](caf::event_based_actor* self, caf::timespan hold) {
      self->become([hold](atom::tick) { std::this_thread::sleep_for(hold); });
    },
    caf::timespan{600ms});
  caf::anon_send(hog, atom::tick_v);
  std::this_thread::sleep_for(1200ms);
  caf::anon_send_exit(probe, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(hog, caf::exit_reason::user_shutdown);
  auto lags = sink->taken();
  ASSERT_GT(lags.size(), before);
  // A tick fell due in the hog's first 20 ms and ran after its 600.
  auto worst = *std::max_element(lags.begin(), lags.end());
  EXPECT_GE(worst, 500ms);
  // The probe went on ticking after the hog let go.
  EXPECT_GE(lags.size(), before + 10);
}
