// HQ write cost per Sync creation with synchronous = FULL, one commit per
// customer: the baseline that group commit at HQ will be measured against.

#include <cstdlib>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>

#include "model/error.hpp"
#include "storage/hq_database.hpp"

using namespace retailsim;

namespace {

customer sample() {
  customer c;
  c.profile.first_name = "Ann";
  c.profile.last_name = "Lee";
  c.profile.emails.push_back({"ann@example.com", true, {}});
  c.profile.phones.push_back({"+17073202478", true, {}});
  return c;
}

void hq_sync_create(benchmark::State& state, bool on_disk) {
  std::string dir;
  std::string path = ":memory:";
  if (on_disk) {
    auto pattern = (std::filesystem::temp_directory_path()
                    / "retailsim-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      state.SkipWithError("mkdtemp failed");
      return;
    }
    dir = pattern;
    path = dir + "/hq.db";
  }
  auto hq = storage::hq_database::open(path);
  if (!hq) {
    state.SkipWithError(describe(hq.error()).c_str());
    return;
  }
  auto record = sample();
  int64_t n = 0;
  for (auto _ : state) {
    auto created = (*hq)->create_customer(
      record, "S001", "B1", "bench", caf::timestamp{caf::timespan{++n}});
    if (!created) {
      state.SkipWithError(describe(created.error()).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  hq->reset();
  if (!dir.empty())
    std::filesystem::remove_all(dir);
}

BENCHMARK_CAPTURE(hq_sync_create, memory, false);
BENCHMARK_CAPTURE(hq_sync_create, wal_full_on_disk, true);

} // namespace
