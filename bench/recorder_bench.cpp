// What recording costs, measured in one run:
//
//   build/release/bench/retailsim_bench --benchmark_filter='recorder|recording'
//
// - recorder_memory: 10 million events of every kind through one recorder,
//   a million per simulated 12-hour day, ten days over one another (the
//   series' memory grows with simulated time up to its bound, not with the
//   count; see run_recorder.hpp); the process's resident memory after the
//   first million and after all ten: the recorder's must not grow with the
//   count.
// - recording_share: the same virtual 100-store day into a sink that drops
//   every event (0) and into the run's recorder with its journal (1): the
//   A/B, within the noise of two days; and (2) the day's events captured and
//   replayed into a recorder, timed on their own: the share of the day's
//   time recording takes (recording_share_pct).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <vector>
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
/// Async creations (each Async one converted a few events later), HQ
/// calls, sales, job runs; `per_day` of them over 12 simulated hours, then
/// the same hours again.
event nth_event(uint64_t i, uint64_t per_day) {
  using std::chrono::milliseconds;
  caf::timespan at{static_cast<int64_t>(static_cast<double>(i % per_day)
                                        / static_cast<double>(per_day) * 12
                                        * 3600e9)};
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
      r.record(nth_event(i, total / 10));
      if (i + 1 == total / 10)
        after_first = resident_mb();
    }
    after_all = resident_mb();
    auto res = r.results();
    benchmark::DoNotOptimize(res.events);
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

/// Keeps every event, to replay them.
class capture : public event_sink {
public:
  void record(const event& e) override {
    std::lock_guard<std::mutex> guard{mtx};
    events.push_back(e);
  }
  std::mutex mtx;
  std::vector<event> events;
};

/// The virtual 100 x 10 x 12 h day with every store operation, without
/// (0) or with (1) the run's recorder; or (2) without, capturing its
/// events, then replaying them into a recorder with its journal: the time
/// recording takes measured on its own, beside the day's
/// (recording_share_pct), which an A/B of two days cannot resolve below
/// their noise.
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
    std::shared_ptr<capture> captured;
    if (state.range(0) == 1)
      sink = recorder = std::make_shared<run_recorder>(recorder_options_for(cfg));
    else if (state.range(0) == 2)
      sink = captured = std::make_shared<capture>();
    else
      sink = std::make_shared<no_recording>();
    auto started = std::chrono::steady_clock::now();
    auto outcome = run_simulation(cfg, sink);
    auto day = std::chrono::steady_clock::now() - started;
    if (!outcome) {
      state.SkipWithError(describe(outcome.error()).c_str());
      break;
    }
    if (recorder)
      events = recorder->results().events;
    if (captured) {
      state.PauseTiming();
      started = std::chrono::steady_clock::now();
      auto replay = std::make_shared<run_recorder>(recorder_options_for(cfg));
      for (const auto& e : captured->events)
        replay->record(e);
      events = replay->results().events;
      replay.reset();  // the journal written out
      auto recording = std::chrono::steady_clock::now() - started;
      state.counters["recording_s"]
        = std::chrono::duration<double>(recording).count();
      state.counters["recording_share_pct"]
        = 100 * std::chrono::duration<double>(recording).count()
          / std::chrono::duration<double>(day).count();
      state.counters["ns/event"]
        = std::chrono::duration<double, std::nano>(recording).count()
          / static_cast<double>(events);
      state.ResumeTiming();
    }
  }
  std::filesystem::remove_all(pattern);
  if (events > 0)
    state.counters["events"] = static_cast<double>(events);
}
BENCHMARK(recording_share)->Arg(0)->Arg(1)->Arg(2)->ArgName("recording")
  ->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

} // namespace
