// A whole business day in virtual time, beside the raw message rate of CAF's
// test_coordinator measured in the same run: how close the simulator gets to
// the scheduler it runs on.
//
//   build/release/bench/retailsim_bench --benchmark_filter=day
//
// Counters: events/s (domain events recorded), msgs/s (actor messages the
// coordinator ran), and the raw rate of a two-actor ping-pong.

#include <cstdlib>
#include <filesystem>
#include <memory>

#include <benchmark/benchmark.h>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/scheduler/test_coordinator.hpp"

#include "actors/runtime.hpp"
#include "metrics/run_recorder.hpp"
#include "model/error.hpp"

using namespace retailsim;

namespace {

/// Two actors bouncing a counter: the cheapest work a message can carry.
void caf_raw_message_rate(benchmark::State& state) {
  const int64_t messages = state.range(0);
  for (auto _ : state) {
    caf::actor_system_config cfg;
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    caf::actor_system sys{cfg};
    auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(
      sys.scheduler());
    auto pong = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
      return {[=](int64_t n) { return n; }};
    });
    sys.spawn(
      [](caf::event_based_actor* self, caf::actor pong,
         int64_t total) -> caf::behavior {
        self->send(pong, int64_t{0});
        return {[=](int64_t n) {
          if (n + 2 < total)
            self->send(pong, n + 2);
          else
            self->quit();
        }};
      },
      pong, messages);
    size_t ran = 0;
    while (sched.try_run_once())
      ++ran;
    benchmark::DoNotOptimize(ran);
    anon_send_exit(pong, caf::exit_reason::user_shutdown);
    sched.run();
  }
  state.counters["msgs/s"] = benchmark::Counter(
    static_cast<double>(messages) * state.iterations(),
    benchmark::Counter::kIsRate);
}
BENCHMARK(caf_raw_message_rate)->Arg(2000000)->Unit(benchmark::kMillisecond)
  ->UseRealTime();

/// One virtual business day of `stores` x `terminals` for `hours`, 30% of
/// the stores Async, with the default job schedules and the default cashier
/// model (every store operation) or, with `lifecycle` = 1, only the
/// lifecycle's transaction: search by phone, create if not found, sale.
void day(benchmark::State& state) {
  auto cfg = default_run_config();
  if (state.range(3) == 1) {
    auto& mix = cfg.cashier.mix;
    mix = operation_mix{};
    mix.by_email = mix.by_name = mix.by_account = mix.by_loyalty_card = 0;
    mix.edit_profile = mix.add_address = mix.view_history = 0;
    mix.view_purchases = mix.loyalty = mix.join_club = 0;
    mix.deactivate_reactivate = mix.duplicates = mix.read_only_edit = 0;
    mix.full_wizard = mix.from_other_store = mix.skip_search = 0;
    mix.similar_check = 0;
    cfg.groups[0].prompt_for_email = false;
  }
  cfg.groups[0].stores = static_cast<size_t>(state.range(0));
  cfg.groups[0].terminals = static_cast<size_t>(state.range(1));
  cfg.duration = std::chrono::hours(state.range(2));
  for (uint32_t s = 0; s < cfg.groups[0].stores * 3 / 10; ++s)
    cfg.async_stores.push_back(s);
  auto pattern = (std::filesystem::temp_directory_path()
                  / "retailsim-bench-XXXXXX")
                   .string();
  if (mkdtemp(pattern.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  double events = 0;
  double messages = 0;
  double created = 0;
  for (auto _ : state) {
    cfg.output_dir = pattern + "/run";
    std::filesystem::remove_all(cfg.output_dir);
    auto recorder = std::make_shared<run_recorder>(recorder_options_for(cfg));
    auto outcome = run_simulation(cfg, recorder);
    if (!outcome) {
      state.SkipWithError(describe(outcome.error()).c_str());
      break;
    }
    auto r = recorder->results();
    events += static_cast<double>(r.events);
    messages += static_cast<double>(outcome->actor_messages);
    created += static_cast<double>(r.created[0] + r.created[1] + r.created[2]);
  }
  std::filesystem::remove_all(pattern);
  state.counters["events/s"] = benchmark::Counter(events,
                                                  benchmark::Counter::kIsRate);
  state.counters["msgs/s"] = benchmark::Counter(messages,
                                                benchmark::Counter::kIsRate);
  state.counters["customers"] = benchmark::Counter(
    created, benchmark::Counter::kAvgIterations);
}
BENCHMARK(day)
  ->Args({20, 4, 8, 0})
  ->Args({100, 10, 12, 0})
  ->Args({100, 10, 12, 1})
  ->Args({1000, 10, 12, 0})
  ->Args({1000, 10, 12, 1})
  ->ArgNames({"stores", "terminals", "hours", "lifecycle"})
  ->Iterations(1)
  ->Unit(benchmark::kSecond)
  ->UseRealTime();

} // namespace
