// HQ's capacity for durable Sync creations: the real HQ actor on CAF's
// real scheduler over a WAL database with synchronous = FULL, driven by 1,
// 8, 64 and 512 callers that each wait for their answer before asking
// again (a closed loop), beside raw SQLite on the same tables measured in
// the same run: one FULL commit per creation, and FULL batches of 1,000
// (the ceiling group commit can reach).
//
//   build/release/bench/retailsim_bench --benchmark_filter=hq_capacity
//
// Counters per caller count: creations/s through the actor, p50/p99 of a
// creation as its caller saw it (ms), the two raw rates, and the ratios
// x_per_row (actor / one commit per row) and of_batched (actor / batches),
// and per_commit, the creations HQ's group commits held on average, with
// raw_same_size (raw commits of that many creations) and of_same_size
// (actor / raw_same_size): what the actor leaves of what the disk gives
// for commits of that size.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"

#include "actors/hq_actor.hpp"
#include "actors/runtime.hpp"
#include "actors/world.hpp"
#include "model/error.hpp"
#include "model/identity.hpp"
#include "storage/hq_database.hpp"

using namespace retailsim;

namespace {

using wall = std::chrono::steady_clock;

/// A folder of its own for one HQ database, removed with it.
struct temp_hq {
  std::string dir;
  std::shared_ptr<storage::hq_database> db;

  temp_hq() {
    auto pattern = (std::filesystem::temp_directory_path()
                    / "retailsim-hq-bench-XXXXXX")
                     .string();
    if (mkdtemp(pattern.data()) == nullptr)
      return;
    dir = pattern;
    auto opened = storage::hq_database::open(dir + "/hq.db",
                                             storage::durability::full);
    if (opened)
      db = std::move(*opened);
  }

  ~temp_hq() {
    db.reset();
    if (!dir.empty())
      std::filesystem::remove_all(dir);
  }
};

/// Creation n: its own GUID (the idempotency key) and phone.
hq_create_request creation(uint64_t n) {
  hq_create_request r;
  r.store_id = "S0001";
  r.address_book = "B1";
  r.cashier = "bench";
  auto& c = r.record;
  c.profile.first_name = "Ann";
  c.profile.last_name = "Lee";
  c.profile.emails.push_back({"ann@example.com", true, {}});
  c.profile.phones.push_back({"+1707" + std::to_string(1000000 + n), true, {}});
  c.id.async_guid = make_async_guid(n, ~n);
  return r;
}

caf::timestamp at(uint64_t n) {
  return caf::timestamp{caf::timespan{static_cast<int64_t>(n)}};
}

/// Raw SQLite, one FULL commit per creation: creations/s.
double per_row_rate(storage::hq_database& db, uint64_t& n, int rows) {
  auto start = wall::now();
  for (int i = 0; i < rows; ++i, ++n)
    if (!db.create_customer(creation(n).record, "S0001", "B1", "bench", at(n)))
      return 0;
  return rows / std::chrono::duration<double>(wall::now() - start).count();
}

/// Raw SQLite, FULL commits of `size` creations each: creations/s.
double batched_rate(storage::hq_database& db, uint64_t& n, int size,
                    int batches) {
  auto start = wall::now();
  for (int b = 0; b < batches; ++b) {
    std::vector<hq_create_request> batch;
    for (int i = 0; i < size; ++i)
      batch.push_back(creation(n++));
    for (const auto& outcome : db.create_customers(batch, at(n)))
      if (!outcome)
        return 0;
  }
  return batches * static_cast<double>(size)
         / std::chrono::duration<double>(wall::now() - start).count();
}

class no_events : public event_sink {
public:
  void record(const event&) override {
  }
};

/// What the callers share: the next creation's number, and what they saw.
struct callers_state {
  std::atomic<uint64_t> next{0};
  uint64_t end = 0;
  std::atomic<int> callers_left{0};
  std::atomic<uint64_t> failed{0};
  std::mutex mtx;
  std::vector<double> latencies_ms;
  std::promise<void> all_done;
};

/// Asks HQ for the next creation as soon as the last one is answered,
/// until they are all taken.
caf::behavior caller(caf::event_based_actor* self,
                     std::shared_ptr<callers_state> shared, hq_actor hq) {
  auto latencies = std::make_shared<std::vector<double>>();
  self->send(self, atom::tick_v);
  return {
    [=](atom::tick) {
      auto n = shared->next++;
      if (n >= shared->end) {
        std::lock_guard<std::mutex> guard{shared->mtx};
        shared->latencies_ms.insert(shared->latencies_ms.end(),
                                    latencies->begin(), latencies->end());
        if (--shared->callers_left == 0)
          shared->all_done.set_value();
        self->quit();
        return;
      }
      auto asked = wall::now();
      self->request(hq, caf::infinite, atom::create_v, creation(n))
        .then(
          [=](const customer&) {
            latencies->push_back(std::chrono::duration<double, std::milli>(
                                   wall::now() - asked)
                                   .count());
            self->send(self, atom::tick_v);
          },
          [=](caf::error&) {
            ++shared->failed;
            self->send(self, atom::tick_v);
          });
    },
  };
}

struct actor_figures {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  uint64_t failed = 0;
};

/// `callers` closed-loop callers make `total` creations through the HQ
/// actor (no modelled service time: only the real commit), on CAF's
/// sharing scheduler with two threads, as a realtime run has by default.
/// HQ's database work runs on `database_threads` threads of its own, as
/// in a realtime run, or (0) in the actor, on CAF's threads, as before
/// they existed.
actor_figures through_hq(std::shared_ptr<storage::hq_database> db,
                         int callers, int total, uint64_t first,
                         size_t database_threads) {
  caf::actor_system_config sys_cfg;
  configure_realtime(sys_cfg, 2);
  caf::actor_system sys{sys_cfg};
  hq_config cfg;
  cfg.workers = 100000;
  cfg.queue_limit = 1000000;
  cfg.queue_timeout = std::chrono::hours(1);
  cfg.service_time = distribution::constant(0);
  auto pool = database_threads == 0
                ? nullptr
                : std::make_shared<work_pool>(database_threads,
                                              work_pool_use::realtime);
  cfg.env = {1, sim_clock{caf::make_timestamp(), sys.clock().now()},
             std::make_shared<no_events>(), pool, "bench"};
  auto hq_actor = sys.spawn(hq, cfg, std::move(db));
  auto shared = std::make_shared<callers_state>();
  shared->next = first;
  shared->end = first + static_cast<uint64_t>(total);
  shared->callers_left = callers;
  auto start = wall::now();
  for (int c = 0; c < callers; ++c)
    sys.spawn(caller, shared, hq_actor);
  shared->all_done.get_future().wait();
  auto seconds = std::chrono::duration<double>(wall::now() - start).count();
  anon_send_exit(hq_actor, caf::exit_reason::user_shutdown);
  actor_figures out;
  auto& l = shared->latencies_ms;
  std::sort(l.begin(), l.end());
  out.per_second = l.size() / seconds;
  if (!l.empty()) {
    out.p50_ms = l[l.size() / 2];
    out.p99_ms = l[std::min(l.size() - 1, l.size() * 99 / 100)];
  }
  out.failed = shared->failed;
  return out;
}

void hq_capacity(benchmark::State& state) {
  const int callers = static_cast<int>(state.range(0));
  const auto database_threads = static_cast<size_t>(state.range(1));
  temp_hq hq_files;
  if (!hq_files.db) {
    state.SkipWithError("cannot open a temporary HQ database");
    return;
  }
  uint64_t n = 1;
  uint64_t commits = 0;
  double per_commit = 0;
  double same_size = 0;
  actor_figures figures;
  double per_row = 0;
  double batched = 0;
  for (auto _ : state) {
    per_row = per_row_rate(*hq_files.db, n, 2000);
    batched = batched_rate(*hq_files.db, n, 1000, 20);
    auto commits_before = hq_files.db->commits();
    figures = through_hq(hq_files.db, callers, 20000, n, database_threads);
    commits = hq_files.db->commits() - commits_before;
    n += 20000;
    // The same rows in raw commits of the size HQ's group commits held:
    // what the disk gives for that size, the actor aside.
    per_commit = 20000.0 / std::max<uint64_t>(commits, 1);
    auto size = std::max(1, static_cast<int>(per_commit + 0.5));
    // (2,000 commits of that size, or 20,000 rows if that is fewer.)
    same_size = batched_rate(*hq_files.db, n, size,
                             std::min(20000, 2000 * size) / size);
    state.SetIterationTime(20000 / std::max(figures.per_second, 1e-9));
  }
  if (per_row == 0 || batched == 0 || same_size == 0 || figures.failed > 0) {
    state.SkipWithError("a creation failed");
    return;
  }
  state.counters["creations/s"] = figures.per_second;
  state.counters["p50_ms"] = figures.p50_ms;
  state.counters["p99_ms"] = figures.p99_ms;
  state.counters["raw_per_row/s"] = per_row;
  state.counters["raw_batched/s"] = batched;
  state.counters["x_per_row"] = figures.per_second / per_row;
  state.counters["of_batched"] = figures.per_second / batched;
  // How many creations HQ's group commits held, on average, and the
  // actor's rate against raw commits of that size.
  state.counters["per_commit"] = per_commit;
  state.counters["raw_same_size/s"] = same_size;
  state.counters["of_same_size"] = figures.per_second / same_size;
}

// Each caller count with HQ's database work in the actor (0 database
// threads) and on the realtime default of database threads, one after the
// other in the same run.
BENCHMARK(hq_capacity)
  ->ArgNames({"callers", "db_threads"})
  ->Args({1, 0})
  ->Args({1, static_cast<int64_t>(default_database_threads)})
  ->Args({8, 0})
  ->Args({8, static_cast<int64_t>(default_database_threads)})
  ->Args({64, 0})
  ->Args({64, static_cast<int64_t>(default_database_threads)})
  ->Args({512, 0})
  ->Args({512, static_cast<int64_t>(default_database_threads)})
  ->Iterations(1)
  ->UseManualTime()
  ->Unit(benchmark::kMillisecond);

} // namespace
