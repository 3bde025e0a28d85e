// Whole runs: the virtual runtime is deterministic, the realtime runtime
// completes, and both keep the lifecycle's guarantees.

#include <gtest/gtest.h>

#include "actors/runtime.hpp"
#include "metrics/run_recorder.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;

namespace {

run_config small_run(const std::string& dir, uint64_t seed) {
  auto cfg = default_run_config();
  cfg.seed = seed;
  cfg.groups[0].stores = 4;
  cfg.groups[0].terminals = 2;
  cfg.duration = std::chrono::hours(2);
  cfg.async_stores = {1};
  cfg.offline_windows.push_back({2, 0, std::chrono::minutes(30),
                                 std::chrono::minutes(70)});
  cfg.link_faults.push_back({3, link_availability::down,
                             std::chrono::minutes(20),
                             std::chrono::minutes(40), 0});
  cfg.output_dir = dir;
  return cfg;
}

run_results run(const run_config& cfg, run_outcome* outcome = nullptr) {
  auto recorder = std::make_shared<run_recorder>(recorder_options_for(cfg));
  auto result = run_simulation(cfg, recorder);
  EXPECT_TRUE(result) << describe(result.error());
  if (result && outcome)
    *outcome = *result;
  EXPECT_FALSE(recorder->flush_journal());
  return recorder->results();
}

} // namespace

TEST(VirtualRuntime, SameSeedSameFingerprintOtherSeedAnother) {
  test::temp_dir dir;
  auto a = run(small_run(dir.file("a"), 7));
  auto b = run(small_run(dir.file("b"), 7));
  auto c = run(small_run(dir.file("c"), 8));
  EXPECT_GT(a.events, 100u);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.created, b.created);
  EXPECT_NE(a.fingerprint, c.fingerprint);
}

TEST(VirtualRuntime, TheTraceDoesNotDependOnTheNumberOfThreads) {
  // Helpers run the database work actors hand over (job cycles, a store's
  // copy of HQ's answers, terminals' searches and sales, HQ's Sync commits)
  // beside the coordinator; what every actor sees, and when, stays the
  // same.
  test::temp_dir dir;
  auto one = small_run(dir.file("one"), 7);
  one.threads = 1;
  auto three = small_run(dir.file("three"), 7);
  three.threads = 3;
  auto a = run(one);
  auto b = run(three);
  EXPECT_GT(a.converted_at_channels, 0u);  // 1010 batches ran in the pool
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.events, b.events);
}

TEST(VirtualRuntime, ADayEndsWithEveryCustomerConvertedAndNothingPending) {
  test::temp_dir dir;
  run_outcome outcome;
  auto r = run(small_run(dir.file("run"), 3), &outcome);
  EXPECT_TRUE(outcome.closed);
  EXPECT_EQ(outcome.offline_left, 0u);
  EXPECT_GT(r.created[0], 0u);  // sync
  EXPECT_GT(r.created[1], 0u);  // async
  EXPECT_GT(r.created[2], 0u);  // offline (the window)
  EXPECT_EQ(r.unconverted, 0u);
  auto hq = storage::hq_database::open(dir.file("run") + "/hq.db");
  ASSERT_TRUE(hq);
  EXPECT_EQ(*(*hq)->customer_count(), r.created[0] + r.created[1] + r.created[2]);
  EXPECT_EQ(*(*hq)->staged_count(), 0u);
}

TEST(VirtualRuntime, ADefaultDayExercisesEveryStoreOperationWithoutSurprises) {
  test::temp_dir dir;
  auto cfg = default_run_config();  // what `retailsim run` does unflagged
  cfg.output_dir = dir.file("run");
  auto r = run(cfg);
  for (size_t i = 0; i < store_op_count; ++i) {
    const auto& n = r.operations[i];
    auto name = to_string(static_cast<store_op>(i));
    // Each ran (but those off by default: scenarios/qa-async-limitations.yaml
    // and, for the card readers and scanners, qa-card-readers.yaml turn
    // them on), and ended as the model says it may: ok, or refused by a
    // rule (the email prompt, a read-only user, a customer merged away).
    auto op = static_cast<store_op>(i);
    if (op != store_op::add_affiliation
        && op != store_op::add_secondary_contact
        && op != store_op::search_card_swipe
        && op != store_op::search_licence_swipe
        && op != store_op::search_licence_scan) {
      EXPECT_GT(n[0] + n[1], 0u) << name;
    }
    EXPECT_EQ(n[3], 0u) << name;
  }
  EXPECT_EQ(r.unexpected_errors, 0u);
  // The summary's searches are the local searches among the operations.
  uint64_t local = 0;
  for (size_t i = 0; i < store_op_count; ++i)
    if (is_local_search(static_cast<store_op>(i)))
      local += r.operations[i][0] + r.operations[i][1] + r.operations[i][2]
               + r.operations[i][3];
  EXPECT_EQ(r.searches, local);
  EXPECT_EQ(r.search.count(), local);
  EXPECT_GT(r.searches_found, 0u);
  EXPECT_LT(r.searches_found, r.searches);
  EXPECT_EQ(local, r.operations[static_cast<size_t>(store_op::search_phone)][0]
                     + r.operations[static_cast<size_t>(
                         store_op::search_email)][0]
                     + r.operations[static_cast<size_t>(
                         store_op::search_name)][0]
                     + r.operations[static_cast<size_t>(
                         store_op::search_account)][0]
                     + r.operations[static_cast<size_t>(
                         store_op::search_loyalty_card)][0]
                     + r.operations[static_cast<size_t>(
                         store_op::search_company)][0]
                     + r.operations[static_cast<size_t>(
                         store_op::search_inactive)][0]);
  // The refusals are the rules': every read-only edit, never a search.
  const auto& read_only = r.operations[static_cast<size_t>(
    store_op::read_only_edit)];
  EXPECT_EQ(read_only[0], 0u);
  EXPECT_GT(read_only[1], 0u);
  const auto& by_phone = r.operations[static_cast<size_t>(
    store_op::search_phone)];
  EXPECT_EQ(by_phone[1] + by_phone[2] + by_phone[3], 0u);
}

TEST(VirtualRuntime, BadConfigurationFailsBeforeAnythingIsWritten) {
  test::temp_dir dir;
  auto cfg = small_run(dir.file("bad"), 1);
  cfg.async_stores = {9};
  auto recorder = std::make_shared<run_recorder>();
  auto result = run_simulation(cfg, recorder);
  ASSERT_FALSE(result);
  EXPECT_EQ(error_field(result.error()), "topology.async_stores");
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad")));
}

TEST(VirtualRuntime, TimeOutsMustBeOrderedAlongTheSyncPath) {
  // Each hop gives up before the one that called it: terminal > store >
  // link > HQ's queue. Any other order is refused, naming all four.
  test::temp_dir dir;
  auto cfg = small_run(dir.file("order"), 1);
  EXPECT_FALSE(validate(cfg));
  cfg.store_rts_timeout = std::chrono::seconds(12);  // past the terminal's
  auto err = validate(cfg);
  ASSERT_TRUE(err);
  EXPECT_EQ(error_field(err), "timeouts");
  EXPECT_NE(describe(err).find("they are 10 s, 12 s, 7 s, 5 s"),
            std::string::npos)
    << describe(err);
  cfg = small_run(dir.file("order"), 1);
  cfg.hq.queue_timeout = std::chrono::seconds(7);  // as long as the link's
  EXPECT_EQ(error_field(validate(cfg)), "timeouts");
  EXPECT_FALSE(std::filesystem::exists(dir.file("order")));
}

TEST(RealtimeRuntime, AShortRunCompletesWithRealLatencies) {
  test::temp_dir dir;
  auto cfg = small_run(dir.file("rt"), 5);
  cfg.runtime = runtime_kind::realtime;
  cfg.duration = std::chrono::hours(1);
  cfg.offline_windows[0].end = std::chrono::minutes(50);  // within the hour
  cfg.time_scale = 3600;  // one simulated hour in one wall second
  cfg.cashier.session_gap = distribution::exponential(60);
  cfg.hq.service_time = distribution::constant(0);
  run_outcome outcome;
  auto r = run(cfg, &outcome);
  EXPECT_TRUE(outcome.closed);
  EXPECT_GT(r.sync_create.count(), 0u);
  EXPECT_GT(r.sync_create.max(), 0u);  // measured on the wall clock
  EXPECT_EQ(r.unconverted, 0u);
  auto hq = storage::hq_database::open(dir.file("rt") + "/hq.db");
  ASSERT_TRUE(hq);
  EXPECT_EQ(*(*hq)->customer_count(), r.created[0] + r.created[1] + r.created[2]);
}
