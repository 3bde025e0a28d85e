// What recording costs, measured in one run:
//
//   build/release/bench/retailsim_bench --benchmark_filter='recorder|recording'
//
// - recorder_memory: 10 million events of every kind through one recorder;
//   its resident memory after the first million and after all ten (the
//   recorder's memory must not grow with the count).
// - recording_share: the same virtual 100-store day twice, once into a
//   sink that drops every event and once into the run's recorder (with its
//   journal): the share of the day's time recording takes. Run with
//   --benchmark_repetitions to see the spread.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "actors/runtime.hpp"
#include "metrics/run_recorder.hpp"
#include "model/error.hpp"

using namespace retailsim;

namespace {

/// Resident memory of this process, MB.
double resident_mb() {
  std::ifstream statm{"/proc/self/statm"};
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE))
         / (1024.0 * 1024.0);
}

/// The i-th of a stream of events like a day's: store operations, Sync and
/// Async creations (each Async one converted a few minutes later), HQ
/// calls, sales, job runs; 12 simulated hours over 10 million.
event nth_event(uint64_t i, uint64_t total) {
  using std::chrono::milliseconds;
  caf::timespan at{static_cast<int64_t>(
    static_cast<double>(i) / static_cast<double>(total) * 12 * 3600e9)};
  auto store = static_cast<uint32_t>(i % 100);
  auto terminal = static_cast<uint32_t>(i % 10);
  auto latency = milliseconds(20 + static_cast<int64_t>(i % 977));
  switch (i % 8) {
    case 0:
      return {at, ev::customer_created{store, terminal, creation_mode::sync,
                                       {i, ~i}, latency}};
    case 1:
      return {at, ev::customer_created{store, terminal, creation_mode::async,
                                       {i, ~i}, latency}};
    case 2:
      return {at, ev::hq_served{latency, static_cast<uint32_t>(i % 7), 4}};
    case 3:
      return {at, ev::sale_recorded{store, terminal, false, 1250, i}};
    case 4:
      // The Async creation three events ago, converted.
      return {at, ev::customer_converted{store, {i - 3, ~(i - 3)}}};
    case 5:
      return {at, ev::job_ran{job_kind::p_job, 12, milliseconds(40)}};
    default:
      return {at, ev::store_operation{store, terminal,
                                      static_cast<store_op>(i % store_op_count),
                                      op_outcome::ok, 0, (i & 1) != 0, latency,
                                      milliseconds(i % 3000)}};
  }
}

void recorder_memory(benchmark::State& state) {
  const uint64_t total = 10'000'000;
  double after_first = 0;
  double after_all = 0;
  double before = 0;
  for (auto _ : state) {
    before = resident_mb();
    run_recorder r;
    for (uint64_t i = 0; i < total; ++i) {
      r.record(nth_event(i, total));
      if (i + 1 == total / 10)
        after_first = resident_mb();
    }
    auto res = r.results();
    benchmark::DoNotOptimize(res.events);
    after_all = resident_mb();
    if (res.events != total || res.unconverted != 0)
      state.SkipWithError("events went missing");
  }
  state.counters["events"] = static_cast<double>(total);
  state.counters["MB_before"] = before;
  state.counters["MB_after_1M"] = after_first;
  state.counters["MB_after_10M"] = after_all;
  state.counters["MB_growth_1M_to_10M"] = after_all - after_first;
  state.counters["ns/event"] = benchmark::Counter(
    static_cast<double>(total), benchmark::Counter::kIsRate
                                  | benchmark::Counter::kInvert);
}
BENCHMARK(recorder_memory)->Iterations(1)->Unit(benchmark::kSecond)
  ->UseRealTime();

/// Drops every event: the day without recording.
class no_recording : public event_sink {
public:
  void record(const event& e) override {
    benchmark::DoNotOptimize(&e);
  }
};

/// The virtual 100 x 10 x 12 h day with every store operation, without
/// (0) or with (1) the run's recorder.
void recording_share(benchmark::State& state) {
  auto cfg = default_run_config();
  cfg.groups[0].stores = 100;
  cfg.groups[0].terminals = 10;
  cfg.duration = std::chrono::hours(12);
  for (uint32_t s = 0; s < 30; ++s)
    cfg.async_stores.push_back(s);
  auto pattern = (std::filesystem::temp_directory_path()
                  / "retailsim-bench-XXXXXX")
                   .string();
  if (mkdtemp(pattern.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  uint64_t events = 0;
  for (auto _ : state) {
    cfg.output_dir = pattern + "/run";
    std::filesystem::remove_all(cfg.output_dir);
    std::shared_ptr<event_sink> sink;
    std::shared_ptr<run_recorder> recorder;
    if (state.range(0) == 1)
      sink = recorder = std::make_shared<run_recorder>(recorder_options_for(cfg));
    else
      sink = std::make_shared<no_recording>();
    auto outcome = run_simulation(cfg, sink);
    if (!outcome) {
      state.SkipWithError(describe(outcome.error()).c_str());
      break;
    }
    if (recorder)
      events = recorder->results().events;
  }
  std::filesystem::remove_all(pattern);
  if (events > 0)
    state.counters["events"] = static_cast<double>(events);
}
BENCHMARK(recording_share)->Arg(0)->Arg(1)->ArgName("recording")
  ->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

} // namespace
