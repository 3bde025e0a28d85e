#include "app/run_command.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include <prometheus/exposer.h>

#include "actors/runtime.hpp"
#include "app/existing_base.hpp"
#include "app/progress.hpp"
#include "app/stop_signals.hpp"
#include "metrics/journal.hpp"
#include "metrics/prometheus_export.hpp"
#include "metrics/run_recorder.hpp"
#include "model/error.hpp"
#include "reports/html_report.hpp"
#include "reports/invariants.hpp"
#include "reports/summary.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/values.hpp"
#include "storage/files.hpp"

namespace retailsim {

namespace {

/// A flag that sets one scenario key: the flags are overrides of a
/// scenario's keys, read by the same reader as a file (docs/scenarios.md).
struct key_flag {
  const char* flag;
  const char* key;
  const char* help;
  /// A comma-separated list on the command line ("1,3,5-8", "a,b").
  bool list = false;
};

const key_flag key_flags[] = {
  {"--seed", "seed", "Run seed: same seed, same trace (virtual)"},
  {"--stores", "topology.stores", "Number of stores"},
  {"--terminals", "topology.terminals", "POS terminals per store"},
  {"--runtime", "runtime", "virtual or realtime"},
  {"--async-stores", "topology.async_stores",
   "Stores whose profile creates customers Async, 1-based: 1,3,5-8", true},
  {"--rts-policy", "rts.policy",
   "On a failed Sync creation: fallback (to Async) or error"},
  {"--features", "topology.features",
   "HQ features on: multiple_contacts,async_addresses,enhanced_async,"
   "edit_async",
   true},
  {"--default-receipt-email", "topology.default_customer.receipt_email",
   "Receipt email of every store's default customer (seed 000's pitfall: "
   "new customers without one inherit it; the run warns once per store)"},
  {"--duplicates", "hq.duplicates",
   "What the async-sync job does with a customer HQ already has (same name, "
   "and same email or phone): flag (for review) or merge"},
  {"--customers-from", "existing_customers.from",
   "Start from a copy of this HQ database (e.g. one `retailsim import` "
   "loaded); 1010 distributes it as the run opens"},
  {"--population", "existing_customers.population",
   "Synthetic existing customers HQ starts with (same seed, same "
   "customers)"},
  {"--time-scale", "time_scale", "Realtime: simulated seconds per wall second"},
  {"--hq-workers", "hq.workers", "Concurrent Sync creations HQ serves"},
  {"--hq-service", "hq.service_time",
   "HQ service time per Sync creation (seconds): constant:X, uniform:A,B, "
   "exp:MEAN, lognormal:MEDIAN,SIGMA (realtime default: constant:0, only the "
   "real commit)"},
  {"--store-service", "store.service_time",
   "Store database time per terminal search, duplicate check or sale "
   "(seconds), as --hq-service (realtime default: constant:0, only the real "
   "work)"},
  {"--rts-latency", "rts.latency",
   "Store<->HQ round trip (seconds), as --hq-service"},
  {"--session-gap", "load.session_gap",
   "Time between transactions at a terminal (seconds)"},
  {"--pjob-every", "jobs.p_job.every", "P-job interval (0: off)"},
  {"--async-sync-every", "jobs.async_sync.every",
   "Async-sync job interval (0: off)"},
  {"--dist-1010-every", "jobs.dist_1010.every", "1010 job interval (0: off)"},
  {"--address-book-size", "topology.address_book_size",
   "Consecutive stores per customer address book"},
  {"--threads", "threads",
   "Threads: realtime, CAF's scheduler threads; virtual, the coordinator and "
   "threads-1 helpers for database work actors hand over: job cycles, "
   "terminals' searches and sales (the trace does not depend on it)"},
  {"--scheduler", "scheduler",
   "Realtime: CAF scheduler policy, sharing or stealing"},
};

/// What `run` was given besides the key flags.
struct run_flags {
  std::string file;
  /// The key flags' text, by flag.
  std::map<std::string, std::string> keys;
  std::string hours;
  std::vector<std::string> offline;
  std::vector<std::string> rts_faults;
  bool prompt_for_email = true;
  std::vector<std::string> settings;
  /// The flags given (by their long name).
  std::set<std::string> given;
  std::string output;
  bool force = false;
  bool resume = false;
  bool print_config = false;
  std::string metrics_listen;
  /// --progress (1), --no-progress (-1), neither (0: on a terminal only).
  int progress = 0;
};

/// A refusal before anything is written: the message names where (a
/// file's line and column, a flag, --set) and what.
struct refusal {
  std::string message;
};

[[noreturn]] void refuse(const std::string& where, const std::string& problem) {
  throw refusal{where + ": " + problem};
}

[[noreturn]] void refuse(const caf::error& err) {
  throw refusal{message_of(err)};
}

std::string build_text() {
  return std::string{"retailsim "} + RETAILSIM_VERSION + " (CAF "
         + CAF_VERSION_TEXT + ")";
}

/// A scenario's name as a folder name.
std::string folder_name(const std::string& name) {
  std::string out;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'
             ? c
             : '_';
  return out.empty() ? "run" : out;
}

/// The flags on top of the scenario, in the order of key_flags, then the
/// faults they add, then --set in the order given.
void apply_flags(scenario& s, const run_flags& f) {
  auto given = [&f](const char* flag) { return f.given.count(flag) > 0; };
  auto check = [](const caf::error& err) {
    if (err)
      refuse(err);
  };
  for (const auto& k : key_flags) {
    if (!given(k.flag))
      continue;
    const auto& text = f.keys.at(k.flag);
    if (!k.list) {
      check(set_value(s, k.key, text, k.flag));
    } else if (std::string{k.key} == "topology.async_stores") {
      // Ranges in a flag; a file lists the stores.
      std::vector<uint32_t> stores;
      std::string problem;
      if (!parse_store_list(text, 100000, stores, problem))
        refuse(k.flag, problem);
      std::vector<std::string> numbers;
      for (auto store : stores)
        numbers.push_back(std::to_string(store + 1));
      check(set_list(s, k.key, numbers, k.flag));
    } else {
      check(set_list(s, k.key, split_list(text), k.flag));
    }
  }
  if (given("--hours")) {
    char* end = nullptr;
    double hours = std::strtod(f.hours.c_str(), &end);
    if (f.hours.empty() || *end != '\0' || !(hours * 3600 >= 1)
        || hours > 24 * 366)
      refuse("--hours", "'" + f.hours.substr(0, 40)
                          + "' is out of range: from 1/3600 (1 s) to 8784 "
                            "(a year)");
    char seconds[64];
    snprintf(seconds, sizeof(seconds), "%.17gs", hours * 3600);
    check(set_value(s, "duration", seconds, "--hours"));
  }
  if (given("--prompt-for-email"))
    check(set_value(s, "topology.prompt_for_email",
                    f.prompt_for_email ? "true" : "false",
                    "--prompt-for-email"));
  // Faults from flags add to the scenario's.
  std::string problem;
  for (const auto& text : f.offline) {
    offline_window w;
    if (!parse_offline_window(text, w, problem))
      refuse("--offline", problem);
    auto& all = s.config.offline_windows;
    s.given["faults.offline[" + std::to_string(all.size()) + "]"]
      = "--offline";
    all.push_back(w);
  }
  for (const auto& text : f.rts_faults) {
    link_fault fault;
    if (!parse_link_fault(text, fault, problem))
      refuse("--rts-fault", problem);
    auto& all = s.config.link_faults;
    s.given["faults.rts[" + std::to_string(all.size()) + "]"] = "--rts-fault";
    all.push_back(fault);
  }
  for (const auto& setting : f.settings)
    check(apply_setting(s, setting, "--set"));
}

/// The existing customer base a run starts from: there, readable, and
/// not inside the output folder the run replaces.
void check_base(const scenario& s) {
  const auto& cfg = s.config;
  if (cfg.customers_from.empty())
    return;
  auto i = s.given.find("existing_customers.from");
  auto where = i == s.given.end() ? std::string{"defaults"} : i->second;
  if (where.rfind("--", 0) != 0 || where == "--set")
    where += ": existing_customers.from";
  namespace fs = std::filesystem;
  std::error_code err;
  if (!fs::is_regular_file(cfg.customers_from, err))
    refuse(where, "'" + cfg.customers_from + "' is not a file");
  auto base = fs::weakly_canonical(cfg.customers_from).string();
  auto out = fs::weakly_canonical(cfg.output_dir).string() + "/";
  if (base.compare(0, out.size(), out) == 0)
    refuse(where, "'" + cfg.customers_from
                    + "' is inside the output folder, which the run "
                      "replaces; copy it elsewhere first");
  if (auto e = check_existing_base(cfg))
    refuse(where, describe(e));
}

/// The scenario a run (or a check) is about: the file, the flags on top,
/// completed and checked.
scenario effective_scenario(const run_flags& f) {
  scenario s;
  if (f.file.empty()) {
    s = default_scenario();
  } else {
    auto loaded = load_scenario(f.file);
    if (!loaded)
      refuse(loaded.error());
    s = std::move(*loaded);
  }
  apply_flags(s, f);
  s.config.output_dir = !f.output.empty() ? f.output
                        : f.file.empty()
                          ? std::string{"out/run"}
                          : "out/" + folder_name(s.config.scenario);
  if (auto err = finish(s))
    refuse(err);
  check_base(s);
  return s;
}

/// What a run writes in its output folder.
constexpr const char* run_files[] = {
  "stores",           "terminals",    "hq.db",
  "hq.db-wal",        "hq.db-shm",    "journal.tsv",
  "summary.json",     "results.json", "series.csv",
  "metrics.prom",     "report.html",  "summary.json.tmp",
  "results.json.tmp", "series.csv.tmp", "metrics.prom.tmp",
  "report.html.tmp"};

bool is_run_file(const std::string& name) {
  for (const auto* f : run_files)
    if (name == f)
      return true;
  return false;
}

/// Removes what a run writes in its output folder (and nothing else).
void remove_run_files(const std::string& dir) {
  std::error_code ignored;
  for (const auto* name : run_files)
    std::filesystem::remove_all(std::filesystem::path{dir} / name, ignored);
}

/// Refuses a folder holding anything retailsim did not write.
void refuse_files_not_ours(const std::string& dir) {
  std::error_code err;
  for (const auto& entry : std::filesystem::directory_iterator{dir, err}) {
    auto name = entry.path().filename().string();
    if (!is_run_file(name))
      refuse("--output", "'" + dir + "' holds '" + name
                           + "', which retailsim did not write; not touching "
                             "it");
  }
}

/// The output folder must be new or empty; --force clears what an earlier
/// run wrote there (and only that).
void prepare_output(const std::string& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code err;
  if (!fs::exists(dir, err))
    return;
  if (!fs::is_directory(dir, err))
    refuse("--output", "'" + dir + "' exists and is not a folder");
  if (fs::is_empty(dir, err))
    return;
  if (!force)
    refuse("--output", "'" + dir
                         + "' is not empty; choose another folder or add "
                           "--force to replace an earlier run's results");
  refuse_files_not_ours(dir);
  remove_run_files(dir);
}

/// --resume: the output folder holds a killed realtime run of this very
/// configuration. Its databases and journal stay; the results it may have
/// begun to write go. Returns the acknowledgements its journal holds.
uint64_t prepare_resume(const run_config& cfg, bool force) {
  namespace fs = std::filesystem;
  if (force)
    refuse("--resume", "cannot be given with --force (which would remove "
                       "the run to resume)");
  if (cfg.runtime != runtime_kind::realtime)
    refuse("--resume", "resumes a realtime run: a virtual run keeps HQ and "
                       "the stores in memory until its end, so a killed "
                       "one left nothing to resume (add --runtime realtime)");
  if (!cfg.customers_from.empty() || cfg.population > 0)
    refuse("--resume", "HQ already holds the killed run's customers: give "
                       "neither --customers-from nor a population");
  const auto& dir = cfg.output_dir;
  std::error_code err;
  if (!fs::exists(fs::path{dir} / "hq.db", err))
    refuse("--resume", "'" + dir + "' holds no hq.db of a run to resume");
  if (fs::exists(fs::path{dir} / "summary.json", err))
    refuse("--resume", "'" + dir + "' holds a run that finished "
                       "(summary.json): nothing to resume");
  // Every database there belongs to this configuration: resumed with other
  // stores or terminals, records left on a terminal would be left out.
  std::set<std::string> ours;
  for (size_t s = 0; s < store_count(cfg); ++s) {
    ours.insert("stores/" + store_id(s) + ".db");
    for (size_t t = 0; t < terminals_of(cfg, s); ++t)
      ours.insert("terminals/" + terminal_id(s, t) + ".db");
  }
  for (const auto* sub : {"stores", "terminals"})
    for (const auto& entry : fs::directory_iterator{fs::path{dir} / sub, err}) {
      auto name = entry.path().filename().string();
      auto base = name.substr(0, name.find(".db") + 3);
      if (ours.count(std::string{sub} + "/" + base) == 0)
        refuse("--resume", "'" + (fs::path{dir} / sub / name).string()
                             + "' belongs to no store or terminal of this "
                               "configuration: resume with the killed run's "
                               "scenario and flags");
    }
  refuse_files_not_ours(dir);
  // What the killed run committed on its way to HQ without telling anyone
  // is in doubt, as the journal would have said had it lived.
  auto path = (fs::path{dir} / "journal.tsv").string();
  // The journal is made with its first line: a run killed before any
  // acknowledgement has none (seen in CI: killed 0.3 s into its day).
  auto journal = fs::exists(path, err)
                   ? read_journal(path)
                   : caf::expected<acknowledgements>{acknowledgements{}};
  if (!journal)
    refuse(journal.error());
  auto pending = pending_in(cfg);
  if (!pending)
    refuse(pending.error());
  std::set<std::pair<uint64_t, uint64_t>> acked;
  for (const auto& c : journal->creations)
    acked.emplace(c.guid.high, c.guid.low);
  std::ofstream out{path, std::ios::app};
  for (const auto& p : *pending)
    if (acked.count({p.guid.high, p.guid.low}) == 0)
      out << journal_line({caf::timespan{0},
                           ev::creation_in_doubt{p.store, 0, p.guid}});
  if (!out.flush())
    refuse("--resume", "cannot append to '" + path + "'");
  // Results it began to write when it died.
  for (const auto* name : run_files) {
    std::string file = name;
    if (file.size() > 4 && file.compare(file.size() - 4, 4, ".tmp") == 0)
      fs::remove(fs::path{dir} / file, err);
  }
  return journal->creations.size() + journal->sales.size();
}

std::string make_run_id(const run_config& cfg) {
  auto now = std::chrono::system_clock::to_time_t(
    std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return std::string{buf} + "-s" + std::to_string(cfg.seed);
}

/// The flags `run` and `validate` share: a scenario and its overrides.
void add_scenario_flags(CLI::App& cmd, run_flags& f) {
  for (const auto& k : key_flags)
    cmd.add_option(k.flag, f.keys[k.flag],
                   std::string{k.help} + " [" + k.key + "]")
      ->type_name("VALUE");
  cmd.add_option("--hours", f.hours,
                 "Length of the business day in hours (simulated) [duration]");
  cmd.add_option("--offline", f.offline,
                 "Terminal offline window STORE[/TERMINAL]@START-END, e.g. "
                 "3/2@2h-3h (repeatable; adds to the scenario's faults)");
  cmd.add_option("--rts-fault", f.rts_faults,
                 "Store<->HQ link fault STORE@START-END[:down|slow] "
                 "(repeatable; adds to the scenario's faults)");
  cmd.add_flag("--prompt-for-email,!--no-prompt-for-email",
               f.prompt_for_email,
               "Seed 004's email prompt at every store (off: the generic "
               "address is filled in silently) [topology.prompt_for_email]");
  cmd.add_option("--set", f.settings,
                 "KEY=VALUE: any scenario key, after the flags "
                 "(repeatable; e.g. --set hq.workers=4 --set "
                 "load.mix.by_phone=30)");
}

} // namespace

std::string message_of(const caf::error& err) {
  // "invalid_scenario: quickstart.yaml:3:5: ..." reads as a compiler's
  // "quickstart.yaml:3:5: ...".
  auto text = describe(err);
  auto code = std::string{to_string(ec::invalid_scenario)} + ": ";
  if (text.compare(0, code.size(), code) == 0)
    text.erase(0, code.size());
  return text;
}

namespace {

/// "9464" and ":9464" listen on 127.0.0.1; "HOST:PORT" where told.
std::string listen_address(const std::string& given) {
  if (given.find(':') == std::string::npos)
    return "127.0.0.1:" + given;
  if (given.front() == ':')
    return "127.0.0.1" + given;
  return given;
}

} // namespace

caf::expected<run_summary> run_scenario(const scenario& s,
                                        const run_options& options) {
  const auto& cfg = s.config;
  run_summary summary;
  summary.run_id = make_run_id(cfg);
  summary.build = build_text();
  summary.config = cfg;
  summary.config_json = to_json(cfg);
  summary.config_hash = config_hash(cfg);
  auto recorder_options = recorder_options_for(cfg);
  recorder_options.journal_append = options.resume;
  auto recorder = std::make_shared<run_recorder>(recorder_options);
  // The live endpoint reads the recorder at each scrape, while the run
  // records.
  std::unique_ptr<prometheus::Exposer> exposer;
  std::shared_ptr<recorder_collectable> collectable;
  if (!options.metrics_listen.empty()) {
    auto address = listen_address(options.metrics_listen);
    try {
      exposer = std::make_unique<prometheus::Exposer>(address);
    } catch (const std::exception& e) {
      return make_error(ec::invalid_scenario, "--metrics-listen",
                        "cannot listen on '" + address + "': " + e.what());
    }
    collectable = std::make_shared<recorder_collectable>(recorder,
                                                         identity_of(summary));
    exposer->RegisterCollectable(collectable);
    // Port 0 asked for any free port: show the one it got.
    auto ports = exposer->GetListeningPorts();
    auto shown = ports.empty() ? address
                               : address.substr(0, address.rfind(':') + 1)
                                   + std::to_string(ports.front());
    std::cout << "metrics: http://" << shown << "/metrics (while the run "
              << "runs)" << std::endl;
  }
  caf::expected<run_outcome> outcome{run_outcome{}};
  {
    std::unique_ptr<progress_printer> progress;
    if (options.progress != run_options::progress_kind::none)
      progress = std::make_unique<progress_printer>(
        recorder, cfg.duration, std::cerr,
        options.progress == run_options::progress_kind::live);
    outcome = run_simulation(cfg, recorder, options.stop);
  }
  if (!outcome)
    return outcome.error();
  summary.outcome = *outcome;
  if (auto err = recorder->flush_journal())
    return err;
  summary.results = recorder->results();
  auto checks = check_invariants(cfg, *outcome, summary.results);
  if (!checks)
    return checks.error();
  summary.invariants = *checks;
  summary.thresholds = check_thresholds(s.thresholds, summary);
  return summary;
}

caf::expected<std::vector<std::string>> write_run_results(
  const run_summary& summary) {
  std::vector<std::string> out;
  auto json = write_summary_json(summary);
  if (!json)
    return json.error();
  out.push_back(*json);
  auto results = write_results_json(summary);
  if (!results)
    return results.error();
  out.push_back(*results);
  auto csv = write_series_csv(summary);
  if (!csv)
    return csv.error();
  out.push_back(*csv);
  auto prom = write_metrics_file(summary.config.output_dir, summary.results,
                                 identity_of(summary));
  if (!prom)
    return prom.error();
  out.push_back(*prom);
  auto html = runs_report({summary.config.output_dir});
  if (!html)
    return html.error();
  auto page = (std::filesystem::path{summary.config.output_dir}
               / "report.html")
                .string();
  if (auto err = storage::replace_file(page, *html))
    return err;
  out.push_back(page);
  return out;
}

int exit_code_of(const run_summary& summary) {
  if (summary.outcome.stopped_by != 0)
    return exit_code_of_signal(summary.outcome.stopped_by);
  if (!summary.invariants.ok())
    return 1;
  for (const auto& t : summary.thresholds)
    if (!t.ok)
      return 99;
  return 0;
}

void add_run_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<run_flags>();
  auto* run = app.add_subcommand(
    "run", "Simulate a business day of stores, terminals, HQ and the "
           "conversion jobs as a scenario file describes it (and the flags "
           "override); print a summary and write the databases and "
           "summary.json to the output folder.");
  auto& f = *flags;
  run->add_option("FILE", f.file,
                  "Scenario file (YAML, docs/scenarios.md); without one, the "
                  "defaults");
  add_scenario_flags(*run, f);
  run->add_option("--output", f.output,
                  "Folder for databases and summary.json (default: "
                  "out/SCENARIO, or out/run without a file)");
  run->add_option("--metrics-listen", f.metrics_listen,
                  "Serve the run's metrics for Prometheus while it runs, at "
                  "PORT (on 127.0.0.1) or HOST:PORT (docs/metrics.md)")
    ->type_name("ADDR");
  run->add_flag("--progress,!--no-progress", f.progress,
                "Progress on stderr: one live line on a terminal (the "
                "default there), a line every 5 s elsewhere");
  run->add_flag("--force", f.force,
                "Replace an earlier run's results in the output folder");
  run->add_flag("--resume", f.resume,
                "Continue a killed realtime run in its output folder: keep "
                "its databases and journal, run the day on them and check "
                "every acknowledgement of both runs (give the killed run's "
                "scenario and flags; docs/running.md)");
  run->add_flag("--print-config", f.print_config,
                "Print the effective configuration as a scenario file that "
                "`run` accepts back, and stop");
  run->callback([run, flags, &exit_code] {
    auto& f = *flags;
    for (const auto* option : run->get_options())
      if (option->count() > 0)
        f.given.insert(option->get_name());
    scenario s;
    uint64_t resumed = 0;
    try {
      s = effective_scenario(f);
      if (f.print_config) {
        std::cout << "# " << build_text() << ", configuration hash "
                  << hex(config_hash(s.config)) << "\n"
                  << to_yaml(s);
        return;
      }
      if (f.resume)
        resumed = prepare_resume(s.config, f.force);
      else
        prepare_output(s.config.output_dir, f.force);
    } catch (const refusal& r) {
      std::cerr << "retailsim run: " << r.message << "\n";
      exit_code = 2;
      return;
    }
    const auto& cfg = s.config;
    // A run that cannot start leaves nothing behind: not its files, nor
    // the folder when it made it.
    std::error_code ignored;
    bool folder_was_there = std::filesystem::exists(cfg.output_dir, ignored);
    auto refuse_run = [&](const caf::error& err) {
      std::cerr << "retailsim run: " << message_of(err) << "\n";
      if (f.resume) {  // what the killed run left stays
        exit_code = 2;
        return;
      }
      remove_run_files(cfg.output_dir);
      if (!folder_was_there)
        std::filesystem::remove(cfg.output_dir, ignored);
      exit_code = 2;
    };
    if (auto err = prepare_existing_base(cfg)) {
      refuse_run(err);
      return;
    }
    run_options options;
    options.resume = f.resume;
    if (f.resume)
      std::cout << "resuming the run in " << cfg.output_dir
                << ": its databases and its journal (" << resumed
                << " acknowledgements) are kept" << std::endl;
    options.metrics_listen = f.metrics_listen;
    bool terminal = isatty(STDERR_FILENO) != 0;
    if (f.progress >= 0 && terminal)
      options.progress = run_options::progress_kind::live;
    else if (f.progress == 1)
      options.progress = run_options::progress_kind::lines;
    stop_signals stop;
    options.stop = &stop_signals::caught();
    auto summary = run_scenario(s, options);
    if (!summary) {
      refuse_run(summary.error());
      return;
    }
    print_summary(std::cout, *summary);
    auto written = write_run_results(*summary);
    if (!written) {
      std::cerr << "retailsim run: " << describe(written.error()) << "\n";
      exit_code = 2;
      return;
    }
    std::cout << "output: " << cfg.output_dir << "  (hq.db, stores/, "
              << "terminals/, journal.tsv";
    for (const auto& path : *written)
      std::cout << ", " << std::filesystem::path{path}.filename().string();
    std::cout << ")\n";
    exit_code = exit_code_of(*summary);
  });
}

void add_validate_command(CLI::App& app, int& exit_code) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand(
    "validate", "Check scenario files without running them: every key, "
                "type, range and fault, as `run` would. Exit 0 when all are "
                "valid, 2 otherwise.");
  cmd->add_option("FILE", *files, "Scenario files (YAML)")->required();
  cmd->callback([files, &exit_code] {
    for (const auto& file : *files) {
      run_flags f;
      f.file = file;
      try {
        auto s = effective_scenario(f);
        std::cout << file << ": ok (scenario " << s.config.scenario
                  << ", configuration hash " << hex(config_hash(s.config))
                  << ")\n";
      } catch (const refusal& r) {
        std::cerr << "retailsim validate: " << r.message << "\n";
        exit_code = 2;
      }
    }
  });
}

} // namespace retailsim
