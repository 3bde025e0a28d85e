// HQ write cost per Sync creation with synchronous = FULL, one commit per
// customer: the baseline that group commit at HQ will be measured against.
// And the commonest write of a day: one sale into a store's channel database
// as a virtual run keeps it (in memory, one commit per sale).

#include <cstdlib>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>

#include "model/error.hpp"
#include "storage/channel_database.hpp"
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

/// The n-th customer of a benchmark: its own account number and phone.
customer numbered(customer c, int64_t n) {
  c.id.account_number = "C" + std::to_string(1000000 + n);
  c.profile.phones[0].number = "+1707" + std::to_string(1000000 + n);
  return c;
}

/// A store's channel database in memory, as virtual runs keep it (never
/// persisted, so no file is written); null after SkipWithError.
std::unique_ptr<storage::channel_database>
in_memory_channel(benchmark::State& state) {
  auto channel = storage::channel_database::open(
    "bench-store.db", storage::durability::in_memory);
  if (!channel) {
    state.SkipWithError(describe(channel.error()).c_str());
    return nullptr;
  }
  return std::move(*channel);
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

void channel_sale(benchmark::State& state) {
  auto channel = in_memory_channel(state);
  if (!channel)
    return;
  sale_transaction sale;
  sale.store_id = "S0001";
  sale.terminal_id = "S0001-T01";
  sale.amount_cents = 1999;
  sale.lines.push_back({"SKU-1", 1, 1999});
  int64_t n = 0;
  for (auto _ : state) {
    ++n;
    sale.transaction_id = "S0001-T01-" + std::to_string(n);
    sale.customer_ref = n % 3 == 0 ? "C" + std::to_string(n % 1000) : "";
    auto recorded = channel->record_sale(sale);
    if (!recorded) {
      state.SkipWithError(describe(recorded.error()).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(channel_sale);

/// A 1010 distribution of 100 new customers into a store's channel
/// database (in memory), as every store of an address book receives it.
void channel_1010_apply(benchmark::State& state) {
  auto channel = in_memory_channel(state);
  if (!channel)
    return;
  auto record = sample();
  int64_t n = 0;
  for (auto _ : state) {
    dist_batch batch;
    for (int i = 0; i < 100; ++i) {
      ++n;
      batch.customers.push_back(numbered(record, n));
    }
    batch.last_seq = n;
    auto applied = channel->apply_distribution(batch, caf::timestamp{});
    if (!applied) {
      state.SkipWithError(describe(applied.error()).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(channel_1010_apply);

/// The store's own copy of a customer HQ just created (Sync): one row, one
/// commit.
void channel_sync_apply(benchmark::State& state) {
  auto channel = in_memory_channel(state);
  if (!channel)
    return;
  auto record = sample();
  int64_t n = 0;
  for (auto _ : state) {
    ++n;
    if (auto err = channel->apply_distributed(numbered(record, n),
                                              caf::timestamp{})) {
      state.SkipWithError(describe(err).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(channel_sync_apply);

} // namespace
