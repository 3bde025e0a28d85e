#include "app/run_command.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "actors/runtime.hpp"
#include "app/existing_base.hpp"
#include "app/flag_parsers.hpp"
#include "metrics/run_recorder.hpp"
#include "model/error.hpp"
#include "reports/summary.hpp"

namespace retailsim {

namespace {

/// Everything the flags say, as typed; turned into a run_config after
/// parsing. Ranges are checked once, by validate(run_config), not here.
struct run_flags {
  size_t stores = 20;
  size_t terminals = 4;
  double hours = 8;
  uint64_t seed = 1;
  std::string runtime = "virtual";
  std::string async_stores;
  std::vector<std::string> offline;
  std::vector<std::string> rts_faults;
  std::string rts_policy = "fallback";
  std::string features;
  bool prompt_for_email = true;
  std::string default_receipt_email;
  std::string customers_from;
  size_t population = 0;
  std::string duplicates = "flag";
  std::string output = "out/run";
  bool force = false;
  double time_scale = 60;
  size_t hq_workers = 8;
  std::string hq_service = "lognormal:0.12,0.5";
  std::string rts_latency = "lognormal:0.03,0.4";
  std::string store_service = "lognormal:0.05,0.5";
  std::string session_gap = "exp:240";
  std::string pjob_interval = "15m";
  std::string async_sync_interval = "15m";
  std::string dist_interval = "15m";
  size_t address_book_size = 10;
  size_t threads = 2;
  std::string scheduler = "sharing";
};

/// CLI11 reads "-1" into an unsigned number as 18446744073709551615: a
/// whole number is digits only, and at most 19 of them.
const CLI::Validator whole_number{
  [](std::string& text) -> std::string {
    bool digits = !text.empty() && text.size() <= 19
                  && std::all_of(text.begin(), text.end(), [](char c) {
                       return std::isdigit(static_cast<unsigned char>(c));
                     });
    if (digits)
      return {};
    return "'" + text.substr(0, 40)
           + "' is out of range: a whole number from 0 up";
  },
  "WHOLE NUMBER"};

[[noreturn]] void refuse(const std::string& flag, const std::string& problem) {
  throw CLI::ValidationError(flag, problem);
}

caf::timespan duration_flag(const std::string& flag, const std::string& text) {
  caf::timespan out;
  std::string problem;
  if (!parse_duration(text, out, problem))
    refuse(flag, problem);
  return out;
}

distribution distribution_flag(const std::string& flag,
                               const std::string& text) {
  distribution out;
  std::string problem;
  if (!parse_distribution(text, out, problem))
    refuse(flag, problem);
  return out;
}

/// `run`: the parsed command, which says which flags were given.
run_config to_config(const run_flags& f, const CLI::App& run) {
  auto given = [&run](const char* flag) { return run.count(flag) > 0; };
  auto cfg = default_run_config();
  cfg.seed = f.seed;
  cfg.stores = f.stores;
  cfg.terminals_per_store = f.terminals;
  if (!(f.hours * 3600 >= 1) || f.hours > 24 * 366) {
    char value[64];
    snprintf(value, sizeof(value), "%g", f.hours);
    refuse("--hours", std::string{"'"} + value
                        + "' is out of range: from 1/3600 (1 s) to 8784 (a "
                          "year)");
  }
  cfg.duration = caf::timespan{
    static_cast<int64_t>(f.hours * 3600.0 * 1e9)};
  cfg.runtime = f.runtime == "realtime" ? runtime_kind::realtime
                                        : runtime_kind::virtual_time;
  std::string problem;
  if (!parse_store_list(f.async_stores, f.stores, cfg.async_stores, problem))
    refuse("--async-stores", problem);
  for (const auto& text : f.offline) {
    offline_window w;
    if (!parse_offline_window(text, w, problem))
      refuse("--offline", problem);
    cfg.offline_windows.push_back(w);
  }
  for (const auto& text : f.rts_faults) {
    link_fault fault;
    if (!parse_link_fault(text, fault, problem))
      refuse("--rts-fault", problem);
    cfg.link_faults.push_back(fault);
  }
  cfg.rts_policy = f.rts_policy == "error" ? rts_failure_policy::error
                                           : rts_failure_policy::fallback_async;
  if (!parse_feature_flags(f.features, cfg.flags, problem))
    refuse("--features", problem);
  cfg.prompt_for_email = f.prompt_for_email;
  cfg.default_receipt_email = f.default_receipt_email;
  cfg.customers_from = f.customers_from;
  if (!f.customers_from.empty()) {
    // The run replaces what is in its output folder: a base kept there
    // would be gone before it is read.
    namespace fs = std::filesystem;
    auto base = fs::weakly_canonical(f.customers_from).string();
    auto out = fs::weakly_canonical(f.output).string() + "/";
    if (base.compare(0, out.size(), out) == 0)
      refuse("--customers-from", "'" + f.customers_from
                                   + "' is inside --output, which the run "
                                     "replaces; copy it elsewhere first");
  }
  if (auto err = check_existing_base(cfg))
    refuse("--customers-from", describe(err));
  from_string(f.duplicates, cfg.duplicates);  // checked by IsMember
  cfg.population = f.population;
  cfg.output_dir = f.output;
  cfg.time_scale = f.time_scale;
  cfg.hq.workers = f.hq_workers;
  cfg.hq.service_time = distribution_flag("--hq-service", f.hq_service);
  cfg.store_service_time = distribution_flag("--store-service",
                                             f.store_service);
  // Realtime runs measure the real database work; a modelled service time
  // applies only when asked for.
  if (cfg.runtime == runtime_kind::realtime) {
    if (!given("--hq-service"))
      cfg.hq.service_time = distribution::constant(0);
    if (!given("--store-service"))
      cfg.store_service_time = distribution::constant(0);
  }
  cfg.link.latency = distribution_flag("--rts-latency", f.rts_latency);
  cfg.cashier.session_gap = distribution_flag("--session-gap", f.session_gap);
  cfg.jobs.p_job.interval = duration_flag("--pjob-every", f.pjob_interval);
  cfg.jobs.async_sync.interval = duration_flag("--async-sync-every",
                                               f.async_sync_interval);
  cfg.jobs.dist_1010.interval = duration_flag("--dist-1010-every",
                                              f.dist_interval);
  cfg.address_book_size = f.address_book_size;
  cfg.threads = f.threads;
  cfg.scheduler_policy = f.scheduler;
  // A range the run's configuration refuses is the flag's: "--hq-service:
  // 'constant:1e+12' is out of range: ...".
  if (auto err = validate(cfg)) {
    auto field = error_field(err);
    auto text = describe(err);
    auto named = std::string{"value_out_of_range: "} + field + ": ";
    if (text.compare(0, named.size(), named) == 0)
      text.erase(0, named.size());
    refuse("--" + field, text);
  }
  return cfg;
}

/// Removes what a run writes in its output folder (and nothing else).
void remove_run_files(const std::string& dir) {
  std::error_code ignored;
  for (const auto& name : {"stores", "terminals", "hq.db", "hq.db-wal",
                           "hq.db-shm", "summary.json", "summary.json.tmp"})
    std::filesystem::remove_all(std::filesystem::path{dir} / name, ignored);
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
  for (const auto& entry : fs::directory_iterator{dir, err}) {
    auto name = entry.path().filename().string();
    bool ours = name == "stores" || name == "terminals"
                || name.rfind("hq.db", 0) == 0
                || name.rfind("summary.json", 0) == 0;
    if (!ours)
      refuse("--output", "'" + dir + "' holds '" + name
                           + "', which retailsim did not write; not touching "
                             "it");
  }
  remove_run_files(dir);
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

} // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<run_flags>();
  auto* run = app.add_subcommand(
    "run", "Simulate a business day of stores, terminals, HQ and the "
           "conversion jobs; print a summary and write the databases and "
           "summary.json to the output folder.");
  auto& f = *flags;
  run->add_option("--stores", f.stores, "Number of stores")
    ->check(whole_number)
    ->capture_default_str();
  run->add_option("--terminals", f.terminals, "POS terminals per store")
    ->check(whole_number)
    ->capture_default_str();
  run->add_option("--hours", f.hours, "Length of the business day (simulated)")
    ->capture_default_str();
  run->add_option("--seed", f.seed, "Run seed: same seed, same trace (virtual)")
    ->check(whole_number)
    ->capture_default_str();
  run->add_option("--runtime", f.runtime, "virtual or realtime")
    ->check(CLI::IsMember({"virtual", "realtime"}))
    ->capture_default_str();
  run->add_option("--async-stores", f.async_stores,
                  "Stores whose profile creates customers Async, 1-based: "
                  "1,3,5-8");
  run->add_option("--offline", f.offline,
                  "Terminal offline window STORE[/TERMINAL]@START-END, e.g. "
                  "3/2@2h-3h (repeatable)");
  run->add_option("--rts-fault", f.rts_faults,
                  "Store<->HQ link fault STORE@START-END[:down|slow] "
                  "(repeatable)");
  run->add_option("--rts-policy", f.rts_policy,
                  "On a failed Sync creation: fallback (to Async) or error")
    ->check(CLI::IsMember({"fallback", "error"}))
    ->capture_default_str();
  run->add_option("--features", f.features,
                  "HQ features on: multiple_contacts,async_addresses,"
                  "enhanced_async,edit_async");
  run->add_flag("--prompt-for-email,!--no-prompt-for-email",
                f.prompt_for_email,
                "Seed 004's email prompt at every store (on by default; "
                "off: the generic address is filled in silently)");
  run->add_option("--default-receipt-email", f.default_receipt_email,
                  "Receipt email of every store's default customer (seed "
                  "000's pitfall: new customers without one inherit it; the "
                  "run warns once per store)");
  run->add_option("--duplicates", f.duplicates,
                  "What the async-sync job does with a customer HQ already "
                  "has (same name, and same email or phone): flag (for "
                  "review) or merge")
    ->check(CLI::IsMember({"flag", "merge"}))
    ->capture_default_str();
  run->add_option("--customers-from", f.customers_from,
                  "Start from a copy of this HQ database (e.g. one `retailsim "
                  "import` loaded); 1010 distributes it as the run opens")
    ->check(CLI::ExistingFile);
  run->add_option("--population", f.population,
                  "Synthetic existing customers HQ starts with (same seed, "
                  "same customers)")
    ->check(whole_number)
    ->capture_default_str();
  run->add_option("--output", f.output, "Folder for databases and summary.json")
    ->capture_default_str();
  run->add_flag("--force", f.force,
                "Replace an earlier run's results in the output folder");
  run->add_option("--time-scale", f.time_scale,
                  "Realtime: simulated seconds per wall second")
    ->capture_default_str();
  run->add_option("--hq-workers", f.hq_workers,
                  "Concurrent Sync creations HQ serves")
    ->check(whole_number)
    ->capture_default_str();
  run->add_option("--hq-service", f.hq_service,
                  "HQ service time per Sync creation (seconds): constant:X, "
                  "uniform:A,B, exp:MEAN, lognormal:MEDIAN,SIGMA (realtime "
                  "default: constant:0, only the real commit)")
    ->capture_default_str();
  run->add_option("--store-service", f.store_service,
                  "Store database time per terminal search, duplicate check "
                  "or sale (seconds), as --hq-service (realtime default: "
                  "constant:0, only the real work)")
    ->capture_default_str();
  run->add_option("--rts-latency", f.rts_latency,
                  "Store<->HQ round trip (seconds), as --hq-service")
    ->capture_default_str();
  run->add_option("--session-gap", f.session_gap,
                  "Time between transactions at a terminal (seconds)")
    ->capture_default_str();
  run->add_option("--pjob-every", f.pjob_interval, "P-job interval (0: off)")
    ->capture_default_str();
  run->add_option("--async-sync-every", f.async_sync_interval,
                  "Async-sync job interval (0: off)")
    ->capture_default_str();
  run->add_option("--dist-1010-every", f.dist_interval,
                  "1010 job interval (0: off)")
    ->capture_default_str();
  run->add_option("--address-book-size", f.address_book_size,
                  "Consecutive stores per customer address book")
    ->check(whole_number)
    ->capture_default_str();
  run
    ->add_option("--threads", f.threads,
                 "Threads: realtime, CAF's scheduler threads; virtual, the "
                 "coordinator and threads-1 helpers for database work actors "
                 "hand over: job cycles, terminals' searches and sales (the "
                 "trace does not depend on it)")
    ->check(whole_number)
    ->capture_default_str();
  run->add_option("--scheduler", f.scheduler,
                  "Realtime: CAF scheduler policy, sharing or stealing")
    ->check(CLI::IsMember({"sharing", "stealing"}))
    ->capture_default_str();
  run->callback([run, flags, &exit_code] {
    auto cfg = to_config(*flags, *run);
    prepare_output(cfg.output_dir, flags->force);
    // A run that cannot start leaves nothing behind: not its files, nor
    // the folder when it made it.
    std::error_code ignored;
    bool folder_was_there = std::filesystem::exists(cfg.output_dir, ignored);
    auto refuse_run = [&](const caf::error& err) {
      std::cerr << "retailsim run: " << describe(err) << "\n";
      remove_run_files(cfg.output_dir);
      if (!folder_was_there)
        std::filesystem::remove(cfg.output_dir, ignored);
      exit_code = 2;
    };
    if (auto err = prepare_existing_base(cfg)) {
      refuse_run(err);
      return;
    }
    auto recorder = std::make_shared<run_recorder>();
    auto outcome = run_simulation(cfg, recorder);
    if (!outcome) {
      refuse_run(outcome.error());
      return;
    }
    run_summary summary;
    summary.run_id = make_run_id(cfg);
    summary.config = cfg;
    summary.outcome = *outcome;
    summary.results = recorder->results();
    auto checks = check_invariants(cfg, *outcome, summary.results);
    if (!checks) {
      std::cerr << "retailsim run: " << describe(checks.error()) << "\n";
      exit_code = 2;
      return;
    }
    summary.invariants = *checks;
    print_summary(std::cout, summary);
    auto json = write_summary_json(summary);
    if (!json) {
      std::cerr << "retailsim run: " << describe(json.error()) << "\n";
      exit_code = 2;
      return;
    }
    std::cout << "output: " << cfg.output_dir << "  (hq.db, stores/, "
              << "terminals/, " << *json << ")\n";
    exit_code = summary.invariants.ok() ? 0 : 1;
  });
}

} // namespace retailsim
