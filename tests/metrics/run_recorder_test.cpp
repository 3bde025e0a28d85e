// The recorder: what it counts from typed events, from several threads at
// once; its journal; its time series staying within max_points whatever
// the run's length; its time factor.
#include "metrics/run_recorder.hpp"

#include <fstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "metrics/journal.hpp"
#include "metrics/prometheus_export.hpp"
#include "model/error.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;
using std::chrono::milliseconds;
using std::chrono::minutes;


namespace {

event created(caf::timespan at, creation_mode mode, uint64_t n,
              caf::timespan latency = milliseconds(10)) {
  return {at, ev::customer_created{1, 2, mode, {n, n + 1}, latency}};
}

} // namespace

TEST(RunRecorder, CountsWhatSeveralThreadsRecordWithoutLosingAny) {
  test::temp_dir dir;
  recorder_options opts;
  opts.journal = dir.file("journal.tsv");
  run_recorder r{opts};
  constexpr uint64_t per_thread = 20000;
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < 4; ++t)
    threads.emplace_back([&r, t] {
      for (uint64_t i = 0; i < per_thread; ++i) {
        auto n = (t << 32) | i;
        r.record(created(std::chrono::seconds(i), creation_mode::async, n));
        r.record({std::chrono::seconds(i) + minutes(5),
                  ev::customer_converted{1, {n, n + 1}}});
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_FALSE(r.flush_journal());
  auto res = r.results();
  EXPECT_EQ(res.events, 8 * per_thread);
  EXPECT_EQ(res.created[1], 4 * per_thread);
  EXPECT_EQ(res.async_create.count(), 4 * per_thread);
  // Each conversion found its creation, whichever thread recorded it.
  EXPECT_EQ(res.conversion_lag.count(), 4 * per_thread);
  EXPECT_EQ(res.unconverted, 0u);
  EXPECT_NEAR(summarize(res.conversion_lag).p50, 300'000.0,
              300'000.0 * log_histogram::relative_error);
  auto journal = read_journal(res.journal);
  ASSERT_TRUE(journal) << describe(journal.error());
  EXPECT_EQ(journal->creations.size(), 4 * per_thread);
}

TEST(RunRecorder, TheJournalHoldsEveryAcknowledgementAndNothingElse) {
  test::temp_dir dir;
  recorder_options opts;
  opts.journal = dir.file("journal.tsv");
  run_recorder r{opts};
  r.record(created(std::chrono::seconds(1), creation_mode::sync, 7));
  r.record({std::chrono::seconds(2), ev::sale_recorded{3, 1, true, 1250, 0xabcdef}});
  r.record({std::chrono::seconds(3), ev::creation_in_doubt{4, 0, {9, 10}}});
  r.record({std::chrono::seconds(4), ev::anonymous_sale{3, 1}});
  r.record({std::chrono::seconds(5), ev::hq_served{milliseconds(3), 0, 1}});
  EXPECT_FALSE(r.flush_journal());
  auto res = r.results();
  EXPECT_EQ(res.creations_in_doubt, 1u);
  auto j = read_journal(res.journal);
  ASSERT_TRUE(j) << describe(j.error());
  ASSERT_EQ(j->creations.size(), 1u);
  EXPECT_EQ(j->creations[0].guid.high, 7u);
  EXPECT_EQ(j->creations[0].guid.low, 8u);
  EXPECT_EQ(j->creations[0].mode, creation_mode::sync);
  EXPECT_EQ(j->creations[0].store, 1u);
  EXPECT_EQ(j->creations[0].terminal, 2u);
  ASSERT_EQ(j->sales.size(), 1u);
  EXPECT_EQ(j->sales[0].key, 0xabcdefu);
  EXPECT_EQ(j->sales[0].store, 3u);
  ASSERT_EQ(j->in_doubt.size(), 1u);
  EXPECT_EQ(j->in_doubt[0].low, 10u);
  // A line it cannot read names the file and the line.
  std::ofstream{res.journal, std::ios::app} << "customer\tsync\t1\n";
  auto bad = read_journal(res.journal);
  ASSERT_FALSE(bad);
  EXPECT_NE(describe(bad.error()).find("journal.tsv:4"), std::string::npos)
    << describe(bad.error());
}

TEST(RunRecorder, AFailedRunWritesNoJournal) {
  test::temp_dir dir;
  recorder_options opts;
  opts.journal = dir.file("never/journal.tsv");
  {
    run_recorder r{opts};
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("never")));
}

TEST(RunRecorder, TheSeriesStaysWithinItsPointsHoweverLongTheRun) {
  recorder_options opts;
  opts.interval = std::chrono::seconds(1);
  opts.max_points = 100;
  run_recorder r{opts};
  // A week of simulated time, a creation a minute.
  for (int64_t m = 0; m < 7 * 24 * 60; ++m)
    r.record(created(minutes(m), creation_mode::sync, static_cast<uint64_t>(m)));
  auto res = r.results();
  EXPECT_LE(res.series.points.size(), 100u);
  EXPECT_GE(res.series.points.size(), 50u);
  EXPECT_GE(res.series.interval * 100, std::chrono::hours(24 * 7));
  uint64_t total = 0;
  for (const auto& p : res.series.points)
    total += p.created[0];
  EXPECT_EQ(total, 7u * 24 * 60);
}

TEST(RunRecorder, TheSeriesPutsEachEventInItsInterval) {
  recorder_options opts;
  opts.interval = minutes(1);
  run_recorder r{opts};
  r.record(created(std::chrono::seconds(30), creation_mode::sync, 1, milliseconds(20)));
  r.record(created(std::chrono::seconds(90), creation_mode::sync, 2, milliseconds(900)));
  r.record(created(std::chrono::seconds(95), creation_mode::offline, 3));
  r.record({std::chrono::seconds(100), ev::hq_served{milliseconds(5), 7, 3}});
  r.record({std::chrono::seconds(110), ev::hq_served{milliseconds(5), 2, 8}});
  r.record({std::chrono::seconds(150), ev::job_ran{job_kind::p_job, 1, std::chrono::seconds(4)}});
  auto res = r.results();
  ASSERT_EQ(res.series.points.size(), 3u);
  const auto& second = res.series.points[1];
  EXPECT_EQ(res.series.points[0].created[0], 1u);
  EXPECT_EQ(second.created[0], 1u);
  EXPECT_EQ(second.created[2], 1u);
  EXPECT_EQ(second.pending_created, 1u);
  EXPECT_NEAR(static_cast<double>(second.create_latency[0].max()), 900e6, 1);
  EXPECT_EQ(second.hq_queued_max, 7u);
  EXPECT_EQ(second.hq_busy_max, 8u);
  EXPECT_EQ(res.series.points[2].staged, 1u);
  EXPECT_EQ(res.series.points[2].job_runs[0], 1u);
  EXPECT_EQ(res.series.points[2].job_ns[0],
            caf::timespan{std::chrono::seconds(4)}.count());
}

TEST(RunRecorder, ATimeFactorTurnsMeasuredTimeIntoSimulatedTime) {
  recorder_options opts;
  opts.interval = minutes(1);
  opts.time_factor = 60;
  run_recorder r{opts};
  // Measured: 10 ms at 2 s into the run; simulated: 600 ms at 2 min.
  r.record(created(std::chrono::seconds(2), creation_mode::sync, 1, milliseconds(10)));
  auto res = r.results();
  EXPECT_NEAR(summarize(res.sync_create).max, 600.0, 1e-9);
  ASSERT_EQ(res.series.points.size(), 3u);
  EXPECT_EQ(res.series.points[2].created[0], 1u);
}

TEST(RunRecorder, StoreOperationsCountFromTheirIntendedStart) {
  run_recorder r;
  // A quick add of 50 ms for a customer who waited 10 s in line.
  r.record({std::chrono::seconds(1), ev::store_operation{0, 0, store_op::quick_add,
                                            op_outcome::ok, 0, false,
                                            milliseconds(50), std::chrono::seconds(10)}});
  auto res = r.results();
  auto op = static_cast<size_t>(store_op::quick_add);
  EXPECT_NEAR(summarize(res.operation_latency[op]).max, 50.0, 1e-9);
  EXPECT_NEAR(summarize(res.operation_from_intended[op]).max, 10'050.0, 1e-9);
  EXPECT_EQ(res.operations[op][0], 1u);
}

TEST(PrometheusExport, EveryMetricIsInTheDocsAndHistogramsCountEverySample) {
  std::ifstream in{std::string{RETAILSIM_DOCS} + "/metrics.md"};
  ASSERT_TRUE(in);
  std::string docs{std::istreambuf_iterator<char>{in}, {}};
  run_recorder r;
  r.record(created(std::chrono::seconds(1), creation_mode::sync, 1,
                   milliseconds(3)));
  r.record(created(std::chrono::seconds(2), creation_mode::sync, 2,
                   milliseconds(300)));
  auto families = metric_families(r.results(), run_identity{});
  ASSERT_GT(families.size(), 20u);
  for (const auto& f : families) {
    EXPECT_NE(docs.find("`" + f.name + "`"), std::string::npos) << f.name;
    EXPECT_FALSE(f.help.empty()) << f.name;
    if (f.type == prometheus::MetricType::Counter) {
      EXPECT_EQ(f.name.substr(f.name.size() - 6), "_total") << f.name;
    }
  }
  for (const auto& f : families) {
    if (f.name != "retailsim_creation_seconds")
      continue;
    for (const auto& m : f.metric) {
      ASSERT_EQ(m.label.size(), 2u);
      EXPECT_EQ(m.label.at(0).name, "group");
      EXPECT_EQ(m.label.at(0).value, "estate");
      if (m.label.at(1).value != "sync")
        continue;
      const auto& buckets = m.histogram.bucket;
      EXPECT_EQ(m.histogram.sample_count, 2u);
      EXPECT_NEAR(m.histogram.sample_sum, 0.303, 0.303 / 256);
      // 3 ms is above the 2.5 ms bound and below 5 ms; 300 ms between 250
      // and 500 ms.
      auto at = [&](double bound) {
        for (const auto& b : buckets)
          if (b.upper_bound == bound)
            return b.cumulative_count;
        ADD_FAILURE() << "no bucket " << bound;
        return uint64_t{0};
      };
      EXPECT_EQ(at(0.0025), 0u);
      EXPECT_EQ(at(0.005), 1u);
      EXPECT_EQ(at(0.25), 1u);
      EXPECT_EQ(at(0.5), 2u);
      EXPECT_EQ(buckets.back().cumulative_count, 2u);
    }
  }
}

TEST(RunRecorder, CountsCreationsByStoreGroup) {
  recorder_options opts;
  opts.group_of_store = {0, 1, 1};
  opts.group_names = {"malls", "outlets"};
  run_recorder r{opts};
  auto at_store = [](uint32_t store, creation_mode mode, uint64_t n) {
    return event{std::chrono::seconds(1),
                 ev::customer_created{store, 0, mode, {n, n}, milliseconds(4)}};
  };
  r.record(at_store(0, creation_mode::sync, 1));
  r.record(at_store(1, creation_mode::async, 2));
  r.record(at_store(2, creation_mode::async, 3));
  auto res = r.results();
  ASSERT_EQ(res.by_group.size(), 2u);
  EXPECT_EQ(res.by_group[0].created[0], 1u);
  EXPECT_EQ(res.by_group[0].created[1], 0u);
  EXPECT_EQ(res.by_group[1].created[1], 2u);
  EXPECT_EQ(res.by_group[1].create_latency[1].count(), 2u);
  auto text = metrics_text(res, run_identity{});
  EXPECT_NE(text.find("retailsim_customers_created_total{group=\"outlets\","
                      "mode=\"async\"} 2"),
            std::string::npos)
    << text.substr(0, 2000);
}
