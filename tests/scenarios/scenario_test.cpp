// Scenario files: a file sets exactly its keys on top of the defaults and
// says where each was set; every broken file is refused with its file,
// line, column, key, what was expected and what was found; what --print-config
// writes reads back to the same configuration.

#include "scenarios/scenario.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/error.hpp"

using namespace retailsim;

namespace {

/// The message of a refusal, as `retailsim validate` prints it.
std::string refusal(const caf::error& err) {
  EXPECT_EQ(error_code(err), ec::invalid_scenario);
  auto text = describe(err);
  auto code = std::string{to_string(ec::invalid_scenario)} + ": ";
  EXPECT_EQ(text.compare(0, code.size(), code), 0) << text;
  return text.substr(std::min(code.size(), text.size()));
}

/// Reads `text` as "s.yaml" onto the defaults and finishes it.
caf::error read(const std::string& text, scenario* out = nullptr) {
  auto s = default_scenario();
  s.config.output_dir = "unused";
  if (auto err = read_scenario(s, text, "s.yaml"))
    return err;
  if (auto err = finish(s))
    return err;
  if (out)
    *out = s;
  return {};
}

std::string refusal_of(const std::string& text) {
  auto err = read(text);
  if (!err)
    return "accepted";
  return refusal(err);
}

} // namespace

TEST(Scenario, AFileSetsItsKeysOnTheDefaultsAndSaysWhere) {
  scenario s;
  ASSERT_FALSE(read("seed: 9\n"
                    "topology:\n"
                    "  stores: 3\n"
                    "hq: {workers: 2, service_time: constant:0.5}\n",
                    &s));
  EXPECT_EQ(s.config.seed, 9u);
  EXPECT_EQ(s.config.groups[0].stores, 3u);
  EXPECT_EQ(s.config.hq.workers, 2u);
  EXPECT_EQ(to_string(s.config.hq.service_time), "constant:0.5");
  // What the file leaves out keeps its default.
  auto defaults = default_run_config();
  EXPECT_EQ(s.config.groups[0].terminals, defaults.groups[0].terminals);
  EXPECT_EQ(s.config.hq.queue_timeout, defaults.hq.queue_timeout);
  EXPECT_EQ(s.given.at("topology.stores"), "s.yaml:3:11");
  EXPECT_EQ(s.given.at("hq.workers"), "s.yaml:4:15");
  EXPECT_EQ(s.given.count("topology.terminals"), 0u);
}

// Each broken file of the list: exit 2 comes from the caller; here,
// the precise message.
TEST(Scenario, AMisspeltKeyIsNamedWithTheKeysThereAre) {
  EXPECT_EQ(refusal_of("topology:\n  store: 3\n"),
            "s.yaml:2:3: topology.store: unknown key (expected one of: "
            "groups, stores, terminals, async, country, prompt_for_email, "
            "default_customer, async_stores, address_book_size, features)");
  EXPECT_EQ(refusal_of("hq:\n  worker: 3\n").substr(0, 33),
            "s.yaml:2:3: hq.worker: unknown ke");
}

TEST(Scenario, AWrongTypeSaysWhatWasExpectedAndFound) {
  EXPECT_EQ(refusal_of("topology:\n  stores: three\n"),
            "s.yaml:2:11: topology.stores: expected a whole number from 0 "
            "up, found 'three'");
  EXPECT_EQ(refusal_of("topology: [1, 2]\n"),
            "s.yaml:1:11: topology: expected a mapping of keys, found a "
            "list");
  EXPECT_EQ(refusal_of("topology:\n  prompt_for_email: maybe\n"),
            "s.yaml:2:21: topology.prompt_for_email: expected true or "
            "false, found 'maybe'");
  EXPECT_EQ(refusal_of("runtime: quantum\n"),
            "s.yaml:1:10: runtime: expected one of virtual realtime, found "
            "'quantum'");
}

TEST(Scenario, NegativeValuesAreRefused) {
  EXPECT_EQ(refusal_of("hq:\n  workers: -4\n"),
            "s.yaml:2:12: hq.workers: expected a whole number from 0 up, "
            "found '-4'");
  EXPECT_EQ(refusal_of("load:\n  lookup: {by_phone: -1}\n"),
            "s.yaml:2:22: load.lookup.by_phone: '-1' is out of range: a "
            "weight from 0 up");
  EXPECT_EQ(refusal_of("load:\n  customers:\n    identified: 1.5\n"),
            "s.yaml:3:17: load.customers.identified: '1.5' is out of "
            "range: a share from 0 to 1");
  EXPECT_EQ(refusal_of("load:\n  session_gap: exp:-1\n"),
            "s.yaml:2:16: load.session_gap: '-1' in 'exp:-1' is not a "
            "non-negative number");
}

TEST(Scenario, ADurationWithoutAUnitIsRefused) {
  EXPECT_EQ(refusal_of("duration: 8\n"),
            "s.yaml:1:11: duration: '8': '8' has no unit (use ms, s, m or "
            "h)");
  EXPECT_EQ(refusal_of("jobs:\n  p_job: {every: 15}\n"),
            "s.yaml:2:18: jobs.p_job.every: '15': '15' has no unit (use "
            "ms, s, m or h)");
}

TEST(Scenario, AFaultAfterTheEndOfTheDayIsRefusedWhereItIs) {
  EXPECT_EQ(refusal_of("duration: 1h\n"
                       "faults:\n"
                       "  - offline: {store: 1, from: 10m, to: 20m}\n"
                       "  - offline: {store: 1, from: 30m, to: 2h}\n"),
            "s.yaml:4:5: faults.offline[1]: the window 1800 s to 7200 s is "
            "out of range: it must end within the day (3600 s)");
  EXPECT_EQ(refusal_of("faults:\n  - rts: {store: 1, from: 2h, to: 1h}\n"),
            "s.yaml:2:5: faults.rts[0]: a window must end after it starts");
}

TEST(Scenario, AFaultNamingAStoreThatDoesNotExistIsRefused) {
  EXPECT_EQ(refusal_of("topology: {stores: 2}\n"
                       "faults:\n"
                       "  - rts: {store: 3, from: 1h, to: 2h}\n"),
            "s.yaml:3:5: faults.rts[0]: store 3 does not exist (there are "
            "2)");
  EXPECT_EQ(refusal_of("topology: {terminals: 2}\n"
                       "faults:\n"
                       "  - offline: {store: 1, terminal: 3, from: 1h, to: "
                       "2h}\n"),
            "s.yaml:3:5: faults.offline[0]: terminal 3 does not exist "
            "(store 1 has 2)");
  EXPECT_EQ(refusal_of("faults:\n  - offline: {store: 0, from: 1h, to: "
                       "2h}\n"),
            "s.yaml:2:22: faults.offline.store: store 0 is out of range: "
            "stores are numbered from 1 to at most 100000");
  EXPECT_EQ(refusal_of("faults:\n  - meteor: {store: 1}\n"),
            "s.yaml:2:5: faults.meteor: unknown fault (expected offline, "
            "rts, hq_crash, job_dies, job_skipped or terminal_restart)");
  EXPECT_EQ(refusal_of("faults:\n  - offline: {store: 1, from: 1h}\n"),
            "s.yaml:2:14: faults.offline.to: required");
  // Async stores likewise.
  EXPECT_EQ(refusal_of("topology: {stores: 2, async_stores: [1, 5]}\n"),
            "s.yaml:1:37: topology.async_stores: store 5 does not exist "
            "(there are 2)");
}

TEST(Scenario, InvalidYamlTabsAndEmptyFilesAreNamed) {
  EXPECT_EQ(refusal_of("topology: [\n"),
            "s.yaml:2:1: not valid YAML: end of sequence flow not found");
  EXPECT_EQ(refusal_of("topology:\n\tstores: 3\n"),
            "s.yaml:2:1: a tab in the indentation (YAML indents with "
            "spaces)");
  EXPECT_EQ(refusal_of(""),
            "s.yaml: empty: expected a mapping of keys (see "
            "docs/scenarios.md)");
  EXPECT_EQ(refusal_of("# only a comment\n"),
            "s.yaml: empty: expected a mapping of keys (see "
            "docs/scenarios.md)");
  EXPECT_EQ(refusal_of("- a list\n"),
            "s.yaml:1:1: expected a mapping of keys, found a list");
  EXPECT_EQ(refusal_of("seed:\n"),
            "s.yaml:1:1: seed: expected a value, found nothing");
}

TEST(Scenario, MissingFilesAndFoldersAreNamed) {
  auto dir = std::filesystem::temp_directory_path() / "retailsim-scenario";
  std::filesystem::create_directories(dir);
  auto missing = load_scenario((dir / "nope.yaml").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(refusal(missing.error()), (dir / "nope.yaml").string()
                                        + ": no such file");
  auto folder = load_scenario(dir.string());
  ASSERT_FALSE(folder);
  EXPECT_EQ(refusal(folder.error()),
            dir.string() + ": a directory, not a scenario file");
  // A file is named after itself, and its base beside it.
  {
    std::ofstream f{dir / "black-friday.yaml"};
    f << "existing_customers: {from: base.db}\n";
  }
  auto named = load_scenario((dir / "black-friday.yaml").string());
  ASSERT_TRUE(named) << describe(named.error());
  EXPECT_EQ(named->config.scenario, "black-friday");
  EXPECT_EQ(named->config.customers_from, (dir / "base.db").string());
  std::filesystem::remove_all(dir);
}

TEST(Scenario, ChecksOfTheWholeNameWhereTheirKeysWereSet) {
  // The time-outs' order: where the first of them given was set.
  EXPECT_EQ(refusal_of("rts:\n  latency: constant:0.1\n  timeout: 9s\n"),
            "s.yaml:3:12: timeouts: must be ordered terminal > store > "
            "link > HQ queue > 0; they are 10 s, 8 s, 9 s, 5 s");
  // Nothing given: the defaults are named (a --set on top shows which).
  auto s = default_scenario();
  s.config.output_dir = "unused";
  ASSERT_FALSE(apply_setting(s, "store.rts_timeout=20s"));
  EXPECT_EQ(refusal(finish(s)),
            "--set: timeouts: must be ordered terminal > store > link > HQ "
            "queue > 0; they are 10 s, 20 s, 7 s, 5 s");
}

TEST(Scenario, SettingsGoOnTopAndAreReadLikeTheFile) {
  auto s = default_scenario();
  s.config.output_dir = "unused";
  ASSERT_FALSE(read_scenario(s, "hq: {workers: 2}\n", "s.yaml"));
  ASSERT_FALSE(apply_setting(s, "hq.workers=6"));
  ASSERT_FALSE(apply_setting(s, "load.lookup.by_phone=30"));
  ASSERT_FALSE(apply_setting(s, "topology.async_stores=[1, 2]"));
  EXPECT_EQ(s.config.hq.workers, 6u);
  EXPECT_EQ(s.config.cashier.mix.by_phone, 30);
  EXPECT_EQ(s.config.async_stores, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(s.given.at("hq.workers"), "--set");
  EXPECT_EQ(refusal(apply_setting(s, "hq.wrokers=6")),
            "--set: hq.wrokers: unknown key (expected one of: workers, "
            "service_time, queue_limit, queue_timeout, duplicates, "
            "distribution_batch)");
  EXPECT_EQ(refusal(apply_setting(s, "hq.workers")),
            "--set: expected KEY=VALUE, found 'hq.workers'");
  EXPECT_EQ(refusal(apply_setting(s, "hq..workers=1")),
            "--set: hq..workers: an empty part in the key");
  // A flag's text is taken as it is: no YAML comment, no list syntax.
  ASSERT_FALSE(set_value(s, "topology.default_customer.receipt_email",
                         "till#1@example.com", "--default-receipt-email"));
  EXPECT_EQ(s.config.groups[0].default_customer.receipt_email,
            "till#1@example.com");
  EXPECT_EQ(refusal(set_value(s, "topology.stores", "-1", "--stores")),
            "--stores: expected a whole number from 0 up, found '-1'");
  ASSERT_FALSE(set_list(s, "topology.features",
                        {"edit_async", "async_addresses"}, "--features"));
  EXPECT_TRUE(s.config.flags.edit_async_customers);
  EXPECT_TRUE(s.config.flags.async_customer_addresses);
  EXPECT_FALSE(finish(s));
}

TEST(Scenario, ARealtimeRunModelsNoServiceTimeUnlessGiven) {
  scenario s;
  ASSERT_FALSE(read("runtime: realtime\n", &s));
  EXPECT_EQ(to_string(s.config.hq.service_time), "constant:0");
  EXPECT_EQ(to_string(s.config.store_service_time), "constant:0");
  ASSERT_FALSE(read("runtime: realtime\nhq: {service_time: exp:0.2}\n", &s));
  EXPECT_EQ(to_string(s.config.hq.service_time), "exp:0.2");
  EXPECT_EQ(to_string(s.config.store_service_time), "constant:0");
}

TEST(Scenario, WhatIsPrintedReadsBackToTheSameConfiguration) {
  scenario s;
  ASSERT_FALSE(read("scenario: \"2024\"\n"
                    "question: 'what # if: [this]?'\n"
                    "seed: 5\n"
                    "duration: 1h30m\n"
                    "topology:\n"
                    "  stores: 4\n"
                    "  async_stores: [2, 4]\n"
                    "  features: [async_addresses]\n"
                    "  default_customer: {receipt_email: "
                    "receipts@example.com}\n"
                    "rts: {latency: 'uniform:0.01,0.02', policy: error}\n"
                    "hq: {duplicates: merge}\n"
                    "load:\n"
                    "  think: constant:2.5\n"
                    "  customers: {identified: 0.123456789}\n"
                    "faults:\n"
                    "  - offline: {store: 2, terminal: 1, from: 10m, to: "
                    "20m}\n"
                    "  - offline: {store: 3, from: 250ms, to: 1h}\n"
                    "  - rts: {store: 4, state: slow, from: 1h, to: "
                    "1h20m}\n"
                    "  - rts: {store: 4, state: dropping, share: 0.25, "
                    "from: 30m, to: 1h}\n"
                    "  - terminal_restart: {store: 2, terminal: 1, at: "
                    "15m}\n",
                    &s));
  auto text = to_yaml(s.config);
  auto again = default_scenario();
  ASSERT_FALSE(read_scenario(again, text, "printed.yaml")) << text;
  EXPECT_EQ(to_yaml(again.config), text);
  EXPECT_EQ(again.config.scenario, "2024");
  EXPECT_EQ(again.config.question, "what # if: [this]?");
  EXPECT_EQ(again.config.cashier.identified, 0.123456789);
  ASSERT_EQ(again.config.offline_windows.size(), 2u);
  EXPECT_EQ(again.config.offline_windows[1].start,
            std::chrono::milliseconds(250));
  EXPECT_EQ(again.config.offline_windows[1].terminal,
            offline_window::all_terminals);
  ASSERT_EQ(again.config.link_faults.size(), 2u);
  EXPECT_EQ(again.config.link_faults[0].state, link_availability::slow);
  EXPECT_EQ(again.config.link_faults[1].state, link_availability::dropping);
  EXPECT_EQ(again.config.link_faults[1].share, 0.25);
  ASSERT_EQ(again.config.terminal_restarts.size(), 1u);
  EXPECT_EQ(again.config.terminal_restarts[0].store, 1u);
  EXPECT_EQ(again.config.terminal_restarts[0].at, std::chrono::minutes(15));
  // The defaults print and read back alike.
  auto defaults = to_yaml(default_run_config());
  auto d = default_scenario();
  ASSERT_FALSE(read_scenario(d, defaults, "defaults.yaml"));
  EXPECT_EQ(to_yaml(d.config), defaults);
}

TEST(Scenario, TheJsonHasTheFileKeysTyped) {
  scenario s;
  ASSERT_FALSE(read("scenario: \"2024\"\ntopology: {stores: 3}\n", &s));
  auto j = nlohmann::json::parse(to_json(s.config));
  EXPECT_EQ(j["scenario"], "2024");
  EXPECT_EQ(j["topology"]["stores"], 3);
  EXPECT_EQ(j["topology"]["prompt_for_email"], true);
  EXPECT_EQ(j["hq"]["service_time"], "lognormal:0.12,0.5");
  EXPECT_EQ(j["jobs"]["p_job"]["every"], "15m");
  EXPECT_EQ(j["load"]["customers"]["identified"], 0.35);
}

TEST(Scenario, TheHashNamesTheSettingsNotTheSeedOrName) {
  auto a = default_run_config();
  auto b = a;
  b.seed = 99;
  b.scenario = "other";
  b.question = "why?";
  EXPECT_EQ(config_hash(a), config_hash(b));
  b.hq.workers += 1;
  EXPECT_NE(config_hash(a), config_hash(b));
}

TEST(Scenario, ThresholdsAreReadInTheirMetricsUnits) {
  scenario s;
  ASSERT_FALSE(read("thresholds:\n"
                    "  sync_p99: \"< 2s\"\n"
                    "  lost: == 0\n"
                    "  error_rate: <= 1.5%\n"
                    "  fallback_rate: \"< 0.2\"\n"
                    "  created: [\">= 10\", \"!= 99\"]\n"
                    "  refused.read_only_edit: \"> 0\"\n",
                    &s));
  ASSERT_EQ(s.thresholds.size(), 7u);
  EXPECT_EQ(s.thresholds[0].metric, "sync_p99");
  EXPECT_EQ(s.thresholds[0].op, comparison::less);
  EXPECT_EQ(s.thresholds[0].value, 2000.0);  // milliseconds
  EXPECT_EQ(s.thresholds[1].op, comparison::equal);
  EXPECT_EQ(s.thresholds[2].op, comparison::less_equal);
  EXPECT_DOUBLE_EQ(s.thresholds[2].value, 0.015);
  EXPECT_DOUBLE_EQ(s.thresholds[3].value, 0.2);
  EXPECT_EQ(s.thresholds[4].op, comparison::greater_equal);
  EXPECT_EQ(s.thresholds[5].op, comparison::not_equal);
  EXPECT_EQ(s.thresholds[6].metric, "refused.read_only_edit");
  EXPECT_EQ(s.thresholds[6].op, comparison::greater);
  // Printed back, they read the same; --set replaces a metric's conditions.
  scenario again = default_scenario();
  ASSERT_FALSE(read_scenario(again, to_yaml(s), "printed"));
  EXPECT_EQ(to_yaml(again), to_yaml(s));
  ASSERT_FALSE(apply_setting(again, "thresholds.created=< 5"));
  ASSERT_FALSE(apply_setting(again, "thresholds.refused.quick_add=== 0"));
  ASSERT_EQ(again.thresholds.size(), 7u);
  EXPECT_EQ(again.thresholds[5].metric, "created");
  EXPECT_EQ(again.thresholds[5].value, 5.0);
  EXPECT_EQ(again.thresholds[6].metric, "refused.quick_add");
}

TEST(Scenario, AThresholdOnAnUnknownMetricOrBadConditionIsRefused) {
  EXPECT_EQ(refusal_of("thresholds:\n  sync_p98: \"< 2s\"\n").substr(0, 75),
            "s.yaml:2:3: thresholds.sync_p98: unknown metric (did you mean "
            "sync_p95?) (e");
  EXPECT_EQ(refusal_of("thresholds:\n  happiness: \"> 0\"\n").substr(0, 60),
            "s.yaml:2:3: thresholds.happiness: unknown metric (e.g. sync_");
  EXPECT_EQ(refusal_of("thresholds:\n  sync_p99: \"< 2\"\n"),
            "s.yaml:2:13: thresholds.sync_p99: expected a condition (< <= > "
            ">= == != and a value, e.g. \"< 2s\"), found '< 2': sync_p99 is "
            "a duration: '2': '2' has no unit (use ms, s, m or h)");
  EXPECT_NE(refusal_of("thresholds:\n  sync_p99: 2s\n")
              .find("found '2s': no comparison first"),
            std::string::npos);
  EXPECT_NE(refusal_of("thresholds:\n  error_rate: \"< 150%\"\n")
              .find("at most 100%"),
            std::string::npos);
  EXPECT_NE(refusal_of("thresholds:\n  lost: == -1\n")
              .find("lost is a count: a number from 0 up"),
            std::string::npos);
  EXPECT_EQ(refusal_of("thresholds:\n  lost:\n"),
            "s.yaml:2:3: thresholds.lost: expected a condition, found "
            "nothing");
  EXPECT_EQ(refusal_of("thresholds: [lost]\n"),
            "s.yaml:1:13: thresholds: expected a mapping of metric: "
            "condition (sync_p99: \"< 2s\"), found a list");
}

TEST(Scenario, EveryMetricIsInTheDocs) {
  std::ifstream in{std::string{RETAILSIM_DOCS} + "/scenarios.md"};
  ASSERT_TRUE(in);
  std::string docs{std::istreambuf_iterator<char>{in}, {}};
  for (const auto& m : metric_catalogue()) {
    auto dot = m.name.find('.');
    if (dot != std::string::npos) {
      // OUTCOME.OPERATION: each operation named once.
      EXPECT_NE(docs.find("`" + m.name.substr(dot + 1) + "`"),
                std::string::npos)
        << m.name;
      continue;
    }
    // A latency family is written "`sync_p50` … `sync_max`".
    auto family = m.name.substr(0, m.name.rfind('_'));
    EXPECT_TRUE(docs.find("`" + m.name + "`") != std::string::npos
                || docs.find("`" + family + "_p50` … `" + family + "_max`")
                     != std::string::npos)
      << m.name << " is not in docs/scenarios.md";
  }
}

TEST(Scenario, HqCrashesAndJobDeathsAreReadCheckedAndPrintedBack) {
  scenario s;
  ASSERT_FALSE(read("duration: 3h\n"
                    "faults:\n"
                    "  - hq_crash: {from: 1h, to: 1h10m}\n"
                    "  - job_dies: {job: async_sync, at: 90m, after: 3}\n"
                    "  - job_dies: {job: p_job, at: 0, after: 0}\n"
                    "  - job_skipped: {job: dist_1010, at: 2h}\n",
                    &s));
  ASSERT_EQ(s.config.jobs.skips.size(), 1u);
  EXPECT_EQ(s.config.jobs.skips[0].job, job_kind::dist_1010);
  EXPECT_EQ(s.config.jobs.skips[0].at, std::chrono::hours(2));
  ASSERT_EQ(s.config.hq_crashes.size(), 1u);
  EXPECT_EQ(s.config.hq_crashes[0].start, std::chrono::hours(1));
  EXPECT_EQ(s.config.hq_crashes[0].end, std::chrono::minutes(70));
  ASSERT_EQ(s.config.jobs.deaths.size(), 2u);
  EXPECT_EQ(s.config.jobs.deaths[0].job, job_kind::async_sync);
  EXPECT_EQ(s.config.jobs.deaths[0].at, std::chrono::minutes(90));
  EXPECT_EQ(s.config.jobs.deaths[0].after, 3u);
  EXPECT_EQ(s.config.jobs.deaths[1].job, job_kind::p_job);
  scenario again = default_scenario();
  ASSERT_FALSE(read_scenario(again, to_yaml(s), "printed"));
  EXPECT_EQ(to_yaml(again), to_yaml(s));
  // Broken ones, where they are.
  EXPECT_EQ(refusal_of("duration: 1h\n"
                       "faults:\n  - hq_crash: {from: 50m, to: 2h}\n"),
            "s.yaml:3:5: faults.hq_crash[0]: the window 3000 s to 7200 s is "
            "out of range: it must end within the day (3600 s)");
  EXPECT_EQ(refusal_of("faults:\n"
                       "  - hq_crash: {from: 1h, to: 2h}\n"
                       "  - hq_crash: {from: 90m, to: 3h}\n"),
            "s.yaml:3:5: faults.hq_crash[1]: overlaps faults.hq_crash[0]: "
            "HQ is down already");
  EXPECT_EQ(refusal_of("faults:\n  - hq_crash: {from: 1h}\n"),
            "s.yaml:2:15: faults.hq_crash.to: required");
  EXPECT_EQ(refusal_of("faults:\n"
                       "  - job_dies: {job: p-job, at: 1h, after: 2}\n"),
            "s.yaml:2:21: faults.job_dies.job: expected p_job, async_sync or "
            "dist_1010, found 'p-job'");
  EXPECT_EQ(refusal_of("duration: 1h\n"
                       "faults:\n  - job_dies: {job: p_job, at: 2h, after: 2}\n"),
            "s.yaml:3:5: faults.job_dies[0]: the time 7200 s is out of "
            "range: it must be within the day (3600 s)");
  EXPECT_EQ(refusal_of("faults:\n  - crash: {from: 1h, to: 2h}\n"),
            "s.yaml:2:5: faults.crash: unknown fault (expected offline, rts, "
            "hq_crash, job_dies, job_skipped or terminal_restart)");
  // A dropping link needs its share, and only it has one.
  EXPECT_EQ(refusal_of("faults:\n  - rts: {store: 1, state: dropping, "
                       "from: 1h, to: 2h}\n"),
            "s.yaml:2:10: faults.rts.share: required when the state is "
            "dropping (the share of calls lost, e.g. 0.2)");
  EXPECT_EQ(refusal_of("faults:\n  - rts: {store: 1, state: slow, share: "
                       "0.5, from: 1h, to: 2h}\n"),
            "s.yaml:2:41: faults.rts.share: only a dropping link loses a "
            "share of calls");
  EXPECT_EQ(refusal_of("faults:\n  - rts: {store: 1, state: dropping, "
                       "share: 1.5, from: 1h, to: 2h}\n"),
            "s.yaml:2:5: faults.rts[0]: share '1.500000' is out of range: "
            "above 0, at most 1");
  EXPECT_EQ(refusal_of("faults:\n  - rts: {store: 1, state: lossy, "
                       "from: 1h, to: 2h}\n"),
            "s.yaml:2:28: faults.rts.state: expected down, slow or "
            "dropping, found 'lossy'");
  // A restart names its terminal, within the day.
  EXPECT_EQ(refusal_of("faults:\n  - terminal_restart: {store: 1, at: "
                       "1h}\n"),
            "s.yaml:2:23: faults.terminal_restart.terminal: required");
  EXPECT_EQ(refusal_of("topology: {stores: 2, terminals: 2}\n"
                       "faults:\n  - terminal_restart: {store: 2, "
                       "terminal: 3, at: 1h}\n"),
            "s.yaml:3:5: faults.terminal_restart[0]: terminal 3 does not "
            "exist (store 2 has 2)");
  EXPECT_EQ(refusal_of("duration: 1h\n"
                       "faults:\n  - terminal_restart: {store: 1, "
                       "terminal: 1, at: 1h}\n"),
            "s.yaml:3:5: faults.terminal_restart[0]: the time 3600 s is out "
            "of range: it must be within the day (3600 s)");
}

TEST(Scenario, TheOpenModelIsReadWithRatesAndStages) {
  scenario s;
  ASSERT_FALSE(read("load:\n"
                    "  model: open\n"
                    "  arrivals:\n"
                    "    rate: 120/h\n"
                    "    per: store\n"
                    "    stages:\n"
                    "      - {to: 360/h, over: 1h}\n"
                    "      - {to: 2/m, over: 30m}\n",
                    &s));
  const auto& a = s.config.cashier.arrivals;
  EXPECT_EQ(s.config.cashier.model, load_model::open);
  EXPECT_DOUBLE_EQ(a.rate, 120.0 / 3600);
  EXPECT_EQ(a.scope, rate_scope::store);
  ASSERT_EQ(a.stages.size(), 2u);
  EXPECT_DOUBLE_EQ(a.stages[0].to, 0.1);
  EXPECT_EQ(a.stages[1].over, std::chrono::minutes(30));
  // The ramp: linear within a stage, the last rate after.
  EXPECT_DOUBLE_EQ(a.rate_at(std::chrono::minutes(30)), 240.0 / 3600);
  EXPECT_DOUBLE_EQ(a.rate_at(std::chrono::hours(5)), 2.0 / 60);
  EXPECT_DOUBLE_EQ(a.peak(), 0.1);
  scenario again = default_scenario();
  ASSERT_FALSE(read_scenario(again, to_yaml(s), "printed"));
  EXPECT_EQ(to_yaml(again), to_yaml(s));
  EXPECT_NE(to_yaml(s).find("rate: 120/h"), std::string::npos);
}

TEST(Scenario, ANegativeRateIsRefused) {
  EXPECT_EQ(refusal_of("load:\n  arrivals: {rate: -30/h}\n"),
            "s.yaml:2:20: load.arrivals.rate: '-30/h' is not a rate (e.g. "
            "120/h, 2/m, 0.5/s): a rate cannot be negative");
  EXPECT_EQ(refusal_of("load:\n  arrivals: {rate: 30}\n"),
            "s.yaml:2:20: load.arrivals.rate: '30' is not a rate (e.g. "
            "120/h, 2/m, 0.5/s): no unit: say per what, /h, /m or /s");
  EXPECT_EQ(refusal_of("load:\n  arrivals:\n    stages: [{to: 1/s}]\n"),
            "s.yaml:3:14: load.arrivals.stages.over: required");
  EXPECT_EQ(refusal_of("load:\n  arrivals: {rate: 2000/s}\n"),
            "s.yaml:2:20: load.arrivals.rate: out of range: from 0 to "
            "1000/s");
}

TEST(Scenario, JobsRunAtIntervalsOrAtFixedTimes) {
  scenario s;
  ASSERT_FALSE(read("jobs:\n  p_job: {every: 0, at: [9h, 13h30m]}\n"
                    "duration: 14h\n",
                    &s));
  ASSERT_EQ(s.config.jobs.p_job.times.size(), 2u);
  EXPECT_EQ(s.config.jobs.p_job.times[1], std::chrono::minutes(810));
  scenario again = default_scenario();
  ASSERT_FALSE(read_scenario(again, to_yaml(s), "printed"));
  EXPECT_EQ(to_yaml(again), to_yaml(s));
  EXPECT_EQ(refusal_of("jobs:\n  p_job: {at: [1h]}\n"),
            "s.yaml:2:15: jobs.p_job.at: fixed times of day and an interval "
            "('every') both given: set every: 0 to run at the times only");
  EXPECT_EQ(refusal_of("duration: 2h\njobs:\n  p_job: {every: 0, at: [3h]}\n"),
            "s.yaml:3:25: jobs.p_job.at: '10800 s' is out of range: it must "
            "be within the day (7200 s)");
}

TEST(Scenario, StoreGroupsHaveTheirOwnSizeProfileCountryAndDefaultCustomer) {
  scenario s;
  ASSERT_FALSE(read("topology:\n"
                    "  groups:\n"
                    "    - {name: mall, stores: 3, terminals: 6}\n"
                    "    - name: outlet\n"
                    "      stores: 2\n"
                    "      terminals: 1\n"
                    "      async: true\n"
                    "      country: CA\n"
                    "      default_customer: {receipt_email: r@o.example, "
                    "currency: CAD, customer_group: OUTLET}\n"
                    "  async_stores: [2]\n"
                    "customer_groups:\n"
                    "  RETAIL: {CostCenter: CC-100}\n"
                    "  WHOLESALE: {CostCenter: CC-900}\n"
                    "  OUTLET: {CostCenter: CC-300, Department: Outlets}\n",
                    &s));
  const auto& c = s.config;
  ASSERT_EQ(c.groups.size(), 2u);
  EXPECT_EQ(store_count(c), 5u);
  EXPECT_EQ(terminal_count(c), 20u);
  // Stores are numbered across the estate, in the order of the groups.
  EXPECT_EQ(group_of(c, 2).name, "mall");
  EXPECT_EQ(group_of(c, 3).name, "outlet");
  EXPECT_EQ(first_terminal(c, 3), 18u);
  EXPECT_EQ(first_terminal(c, 4), 19u);
  auto mall = settings_for(c, 0);
  auto second = settings_for(c, 1);  // Async on its own
  auto outlet = settings_for(c, 4);
  EXPECT_FALSE(mall.profile.create_customer_async);
  EXPECT_TRUE(second.profile.create_customer_async);
  EXPECT_FALSE(settings_for(c, 2).profile.create_customer_async);
  EXPECT_TRUE(outlet.profile.create_customer_async);
  EXPECT_EQ(mall.operating_unit_country, "US");
  EXPECT_EQ(outlet.operating_unit_country, "CA");
  EXPECT_EQ(mall.default_customer.profile.receipt_email, "");
  EXPECT_EQ(outlet.default_customer.profile.receipt_email, "r@o.example");
  EXPECT_EQ(outlet.default_customer.profile.currency, "CAD");
  EXPECT_EQ(outlet.default_customer.profile.customer_group, "OUTLET");
  ASSERT_EQ(c.customer_groups.size(), 3u);
  EXPECT_EQ(c.customer_groups[2].financial_dimensions[1].value, "Outlets");
  EXPECT_EQ(s.given.at("topology.groups[1].country"), "s.yaml:8:16");
  EXPECT_FALSE(finish(s));
  // Printed, the groups are a list and read back the same.
  auto text = to_yaml(c);
  auto again = default_scenario();
  ASSERT_FALSE(read_scenario(again, text, "printed.yaml")) << text;
  EXPECT_EQ(to_yaml(again.config), text);
  // One unnamed group prints its keys at the topology's level.
  EXPECT_NE(to_yaml(default_run_config()).find("  stores: 20\n"),
            std::string::npos);
  // A --set of a group's key where there are groups is refused; where
  // there is one, named or not, it sets it.
  EXPECT_EQ(refusal(apply_setting(s, "topology.stores=5")),
            "--set: topology.stores: the topology has 2 store groups: give "
            "it in each of topology.groups");
  scenario one;
  ASSERT_FALSE(read("topology: {groups: [{name: mall, stores: 3}]}\n", &one));
  ASSERT_FALSE(apply_setting(one, "topology.stores=5"));
  EXPECT_EQ(one.config.groups[0].stores, 5u);
}

TEST(Scenario, BrokenStoreGroupsAreNamed) {
  EXPECT_EQ(refusal_of("topology:\n  stores: 3\n  groups: [{name: a, "
                       "stores: 1}]\n"),
            "s.yaml:2:3: topology.stores: a store group's key: with "
            "topology.groups, give it in each group");
  EXPECT_EQ(refusal_of("topology:\n  groups:\n    - {name: a}\n"),
            "s.yaml:3:7: topology.groups[0].stores: required");
  EXPECT_EQ(refusal_of("topology:\n  groups:\n    - {name: a, stores: 1, "
                       "terminal: 2}\n"),
            "s.yaml:3:28: topology.groups[0].terminal: unknown key "
            "(expected one of: name, stores, terminals, async, country, "
            "prompt_for_email, default_customer)");
  EXPECT_EQ(refusal_of("topology:\n  groups: []\n"),
            "s.yaml:2:11: topology.groups: expected at least one store "
            "group, found an empty list");
  EXPECT_EQ(refusal_of("topology:\n  groups:\n    - {name: a, stores: 1}\n"
                       "    - {name: a, stores: 2}\n"),
            "s.yaml:4:14: topology.groups[1].name: 'a' names two groups");
  EXPECT_EQ(refusal_of("topology:\n  groups:\n    - {name: a, stores: 1}\n"
                       "    - {name: b, stores: 0}\n"),
            "s.yaml:4:25: topology.groups[1].stores: '0' is out of range: "
            "from 1 to 100000");
  EXPECT_EQ(refusal_of("topology:\n  groups:\n    - {name: a, stores: 1, "
                       "country: XX}\n")
              .substr(0, 40),
            "s.yaml:3:37: topology.groups[0].country:");
  EXPECT_EQ(refusal_of("topology:\n  default_customer: {customer_group: "
                       "VIP}\n"),
            "s.yaml:2:38: topology.default_customer.customer_group: 'VIP' "
            "is not one of the customer_groups");
  EXPECT_EQ(refusal_of("customer_groups: {RETAIL: {}}\n"),
            "s.yaml:1:18: load.customers.business_group: 'WHOLESALE' is not "
            "one of the customer_groups");
  EXPECT_EQ(refusal_of("customer_groups: [RETAIL]\n"),
            "s.yaml:1:18: customer_groups: expected a mapping of customer "
            "groups and their financial dimensions (RETAIL: {CostCenter: "
            "CC-100}), found a list");
  // A fault names a terminal its store has.
  EXPECT_EQ(refusal_of("topology:\n  groups:\n    - {name: a, stores: 1, "
                       "terminals: 4}\n    - {name: b, stores: 1, "
                       "terminals: 1}\n"
                       "faults:\n  - offline: {store: 2, terminal: 2, from: "
                       "1h, to: 2h}\n"),
            "s.yaml:6:5: faults.offline[0]: terminal 2 does not exist "
            "(store 2 has 1)");
}
