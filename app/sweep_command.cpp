#include "app/sweep_command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/run_command.hpp"
#include "app/stop_signals.hpp"
#include "model/error.hpp"
#include "reports/html_report.hpp"
#include "reports/statistics.hpp"
#include "reports/thresholds.hpp"
#include "scenarios/scenario.hpp"
#include "storage/files.hpp"

extern char** environ;

namespace retailsim {

namespace {

namespace fs = std::filesystem;

struct sweep_flags {
  std::string file;
  std::vector<std::string> params;
  std::vector<std::string> settings;
  std::vector<std::string> metrics;
  uint64_t seeds = 3;
  uint64_t jobs = 1;
  std::string until;
  std::string output;
  bool force = false;
  bool keep_databases = false;
};

struct refusal {
  std::string message;
};


/// A parameter and its values, in the order given.
struct param {
  std::string key;
  std::vector<std::string> values;
};

/// One point of the cross product: a value of each parameter.
struct cell {
  size_t index = 0;
  std::vector<std::string> values;
  /// metric -> one value per seed, in seed order.
  std::map<std::string, std::vector<double>> samples;
  std::vector<int> exit_codes;
};

/// One `retailsim run` of a cell with a seed, as a child process.
struct run_job {
  size_t cell = 0;
  uint64_t seed = 0;
  std::string dir;
  std::string log;
  pid_t pid = 0;
};

/// What the sweep reports by default: the results a planner plots.
const char* default_metrics[] = {
  "sync_p50",       "sync_p99",           "sync_attempt_p99",
  "async_p99",      "hq_service_p99",     "conversion_lag_p95",
  "created",        "rts_fallbacks",      "fallback_rate",
  "error_rate",     "pending_at_end",     "lost",
  "duplicated",     "unexpected_errors",
};

std::string self_path() {
  std::error_code err;
  auto p = fs::read_symlink("/proc/self/exe", err);
  return err ? std::string{"retailsim"} : p.string();
}

param parse_param(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw refusal{"--param: expected KEY=V1,V2,..., found '" + text + "'"};
  param p;
  p.key = text.substr(0, eq);
  std::string problem;
  if (!parse_sweep_values(text.substr(eq + 1), p.values, problem))
    throw refusal{"--param " + p.key + ": " + problem};
  return p;
}

/// "sync_p99 > 500ms" -> a threshold.
threshold parse_until(const std::string& text) {
  auto start = text.find_first_not_of(' ');
  auto end = text.find_first_of(" <>=!", start == std::string::npos ? 0
                                                                     : start);
  auto metric = start == std::string::npos
                  ? std::string{}
                  : text.substr(start, end == std::string::npos
                                         ? std::string::npos
                                         : end - start);
  threshold t;
  std::string problem;
  if (metric.empty() || !find_metric(metric))
    throw refusal{"--until: expected 'METRIC > VALUE' with a metric of "
                  "docs/scenarios.md, found '"
                  + text + "'"};
  if (!parse_threshold(metric, end == std::string::npos ? "" : text.substr(end),
                       t, problem))
    throw refusal{"--until: " + metric + ": " + problem};
  return t;
}

/// The output folder must be new or empty, or (with --force) hold only
/// what an earlier sweep wrote.
void prepare_sweep_output(const std::string& dir, bool force) {
  std::error_code err;
  if (!fs::exists(dir, err))
    return;
  if (!fs::is_directory(dir, err))
    throw refusal{"--output: '" + dir + "' exists and is not a folder"};
  if (fs::is_empty(dir, err))
    return;
  if (!force)
    throw refusal{"--output: '" + dir
                  + "' is not empty; choose another folder or add --force to "
                    "replace an earlier sweep's results"};
  for (const auto& entry : fs::directory_iterator{dir, err}) {
    auto name = entry.path().filename().string();
    if (name != "runs" && name != "sweep.csv" && name != "sweep.json"
        && name != "report.html")
      throw refusal{"--output: '" + dir + "' holds '" + name
                    + "', which retailsim sweep did not write; not touching "
                      "it"};
  }
  for (const auto* name : {"runs", "sweep.csv", "sweep.json", "report.html"})
    fs::remove_all(fs::path{dir} / name, err);
}

std::string cell_label(const std::vector<param>& params, const cell& c) {
  std::string out;
  for (size_t i = 0; i < params.size(); ++i)
    out += (out.empty() ? "" : " ") + params[i].key + "=" + c.values[i];
  return out;
}

/// The last lines of a run's log, for an error message.
std::string tail_of(const std::string& path) {
  std::ifstream in{path};
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > 5)
      lines.erase(lines.begin());
  }
  std::string out;
  for (const auto& l : lines)
    out += "  " + l + "\n";
  return out;
}

pid_t spawn_run(const sweep_flags& f, const std::vector<param>& params,
                const cell& c, run_job& job) {
  std::vector<std::string> args{self_path(), "run", f.file, "--seed",
                                std::to_string(job.seed), "--output", job.dir};
  for (const auto& s : f.settings)
    args.insert(args.end(), {"--set", s});
  for (size_t i = 0; i < params.size(); ++i)
    args.insert(args.end(), {"--set", setting(params[i].key, c.values[i])});
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, job.log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // A process group of its own: Ctrl-C reaches the sweep alone, which
  // passes the stop on to its runs once (a second signal would end a run
  // before it writes its results). SIGINT and SIGTERM start blocked: a
  // stop passed on before the run catches them waits until it does.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  posix_spawnattr_setsigmask(&attributes, &stops);
  pid_t pid = 0;
  auto rc = posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(),
                        environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw refusal{"cannot start '" + args[0] + "': " + std::strerror(rc)};
  return pid;
}

/// Runs `jobs` with at most `parallel` at once; fills each cell's samples
/// from the runs' summary.json. A run that exits 2 (or crashes) stops the
/// sweep with its log. After SIGINT or SIGTERM (stop_signals) no run
/// starts, the running ones get the signal and stop early, and their
/// partial days are not samples.
void run_all(const sweep_flags& f, const std::vector<param>& params,
             std::vector<cell>& cells, std::vector<run_job> jobs,
             const std::vector<std::string>& metrics) {
  std::map<pid_t, run_job> running;
  size_t next = 0;
  std::string failure;
  bool passed_on = false;
  while (next < jobs.size() || !running.empty()) {
    auto stop = stop_signals::caught().load();
    if (stop != 0 && !passed_on) {
      for (const auto& r : running)
        kill(r.first, stop);
      passed_on = true;
    }
    while (stop == 0 && failure.empty() && next < jobs.size()
           && running.size() < f.jobs) {
      auto& job = jobs[next++];
      job.pid = spawn_run(f, params, cells[job.cell], job);
      running.emplace(job.pid, job);
    }
    if (running.empty())
      break;
    int status = 0;
    auto pid = waitpid(-1, &status, 0);
    if (pid < 0 && errno == EINTR)
      continue;  // a signal: passed on above
    if (pid < 0)
      throw refusal{std::string{"waiting for a run: "} + std::strerror(errno)};
    auto i = running.find(pid);
    if (i == running.end())
      continue;
    auto job = i->second;
    running.erase(i);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    auto& c = cells[job.cell];
    if (passed_on && code == exit_code_of_signal(stop))
      continue;
    if (code != 0 && code != 1 && code != 99) {
      if (failure.empty())
        failure = "the run of " + cell_label(params, c) + " with seed "
                  + std::to_string(job.seed) + " exited " + std::to_string(code)
                  + " (" + job.log + "):\n" + tail_of(job.log);
      continue;
    }
    std::ifstream in{job.dir + "/summary.json"};
    auto summary = nlohmann::json::parse(in, nullptr, false);
    if (summary.is_discarded() || !summary.contains("metrics")) {
      if (failure.empty())
        failure = "the run of " + cell_label(params, c) + " with seed "
                  + std::to_string(job.seed) + " left no readable "
                  + job.dir + "/summary.json";
      continue;
    }
    c.exit_codes.push_back(code);
    for (const auto& m : metrics)
      c.samples[m].push_back(summary["metrics"].value(m, 0.0));
    if (!f.keep_databases) {
      std::error_code ignored;
      for (const auto* name : {"stores", "terminals", "hq.db", "hq.db-wal",
                               "hq.db-shm"})
        fs::remove_all(fs::path{job.dir} / name, ignored);
    }
  }
  if (!failure.empty())
    throw refusal{failure};
}

std::string number(double x) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.6g", x);
  return buf;
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos)
    return text;
  std::string out = "\"";
  for (char ch : text)
    out += ch == '"' ? std::string{"\"\""} : std::string(1, ch);
  return out + "\"";
}

void write_results(const std::string& dir, const sweep_flags& f,
                   const scenario& base, const std::vector<param>& params,
                   const std::vector<cell>& cells,
                   const std::vector<std::string>& metrics,
                   const threshold* until, const cell* broke) {
  {
    std::ofstream out{dir + "/sweep.csv"};
    out << "cell";
    for (const auto& p : params)
      out << "," << csv(p.key);
    out << ",runs";
    for (const auto& m : metrics)
      out << "," << m << "_mean," << m << "_ci95_low," << m << "_ci95_high";
    out << "\n";
    for (const auto& c : cells) {
      if (c.exit_codes.empty())
        continue;
      out << c.index + 1;
      for (const auto& v : c.values)
        out << "," << csv(v);
      out << "," << c.exit_codes.size();
      for (const auto& m : metrics) {
        auto ci = mean_ci95(c.samples.at(m));
        out << "," << number(ci.mean) << "," << number(ci.low) << ","
            << number(ci.high);
      }
      out << "\n";
    }
  }
  nlohmann::json j;
  j["scenario"] = base.config.scenario;
  j["file"] = f.file;
  j["seeds"] = f.seeds;
  j["first_seed"] = base.config.seed;
  j["settings"] = f.settings;
  auto jp = nlohmann::json::array();
  for (const auto& p : params)
    jp.push_back({{"key", p.key}, {"values", p.values}});
  j["params"] = jp;
  auto units = nlohmann::json::object();
  for (const auto& m : metrics) {
    auto info = find_metric(m);
    units[m] = info->unit == metric_unit::duration ? "ms"
               : info->unit == metric_unit::ratio  ? "share"
                                                   : "count";
  }
  j["units"] = units;
  auto jc = nlohmann::json::array();
  for (const auto& c : cells) {
    if (c.exit_codes.empty())
      continue;
    nlohmann::json cj;
    cj["cell"] = c.index + 1;
    auto settings = nlohmann::json::object();
    for (size_t i = 0; i < params.size(); ++i)
      settings[params[i].key] = c.values[i];
    cj["settings"] = settings;
    cj["exit_codes"] = c.exit_codes;
    auto stats = nlohmann::json::object();
    for (const auto& m : metrics) {
      auto ci = mean_ci95(c.samples.at(m));
      stats[m] = {{"mean", ci.mean},       {"stddev", ci.stddev},
                  {"ci95_low", ci.low},    {"ci95_high", ci.high},
                  {"samples", c.samples.at(m)}};
    }
    cj["metrics"] = stats;
    jc.push_back(cj);
  }
  j["cells"] = jc;
  if (until != nullptr) {
    j["until"] = until->metric + " " + until->text;
    j["broke_at"] = broke ? nlohmann::json(broke->index + 1) : nullptr;
  }
  std::ofstream out{dir + "/sweep.json"};
  out << j.dump(2) << "\n";
}

int run_sweep(sweep_flags& f) {
  stop_signals stop;
  // The base scenario and every cell are checked before anything runs.
  auto loaded = load_scenario(f.file);
  if (!loaded)
    throw refusal{message_of(loaded.error())};
  auto base = std::move(*loaded);
  for (const auto& s : f.settings)
    if (auto err = apply_setting(base, s))
      throw refusal{message_of(err)};
  if (f.params.empty())
    throw refusal{"--param: at least one parameter to sweep (KEY=V1,V2,...)"};
  if (f.seeds == 0 || f.seeds > 1000)
    throw refusal{"--seeds: from 1 to 1000"};
  if (f.jobs == 0 || f.jobs > 256)
    throw refusal{"--jobs: from 1 to 256"};
  std::vector<param> params;
  for (const auto& text : f.params)
    params.push_back(parse_param(text));
  std::unique_ptr<threshold> until;
  if (!f.until.empty())
    until = std::make_unique<threshold>(parse_until(f.until));
  std::vector<std::string> metrics;
  auto add_metric = [&](const std::string& m) {
    if (!find_metric(m))
      throw refusal{"--metric: '" + m + "' is not a metric of "
                    "docs/scenarios.md"};
    if (std::find(metrics.begin(), metrics.end(), m) == metrics.end())
      metrics.push_back(m);
  };
  for (const auto* m : default_metrics)
    add_metric(m);
  for (const auto& m : f.metrics)
    add_metric(m);
  for (const auto& t : base.thresholds)
    add_metric(t.metric);
  if (until)
    add_metric(until->metric);
  // The cross product, the first parameter outermost.
  std::vector<cell> cells;
  size_t total = 1;
  for (const auto& p : params)
    total *= p.values.size();
  if (total * f.seeds > 100000)
    throw refusal{"--param: " + std::to_string(total) + " cells x "
                  + std::to_string(f.seeds) + " seeds is too many runs"};
  for (size_t i = 0; i < total; ++i) {
    cell c;
    c.index = i;
    size_t rest = i;
    c.values.resize(params.size());
    for (size_t k = params.size(); k-- > 0;) {
      c.values[k] = params[k].values[rest % params[k].values.size()];
      rest /= params[k].values.size();
    }
    auto s = base;
    for (size_t k = 0; k < params.size(); ++k)
      if (auto err = apply_setting(s, setting(params[k].key, c.values[k]),
                                   "--param " + params[k].key))
        throw refusal{message_of(err)};
    s.config.output_dir = "unused";
    if (auto err = finish(s))
      throw refusal{"cell " + cell_label(params, c) + ": " + message_of(err)};
    cells.push_back(std::move(c));
  }
  auto dir = !f.output.empty() ? f.output : "out/sweep-" + base.config.scenario;
  prepare_sweep_output(dir, f.force);
  fs::create_directories(fs::path{dir} / "runs");
  auto jobs_of = [&](const cell& c) {
    std::vector<run_job> out;
    for (uint64_t k = 0; k < f.seeds; ++k) {
      run_job job;
      job.cell = c.index;
      job.seed = base.config.seed + k;
      char name[64];
      snprintf(name, sizeof(name), "cell-%03zu-seed-%llu", c.index + 1,
               static_cast<unsigned long long>(job.seed));
      job.dir = (fs::path{dir} / "runs" / name).string();
      job.log = job.dir + ".log";
      out.push_back(job);
    }
    return out;
  };
  std::cout << "sweep " << base.config.scenario << ": " << cells.size()
            << " cells x " << f.seeds << " seeds, " << f.jobs
            << " at a time" << (until ? ", until " + until->metric + " "
                                          + until->text
                                      : std::string{})
            << "\n";
  auto shown_metric = until ? until->metric : std::string{"sync_p99"};
  auto report_cell = [&](const cell& c) {
    auto info = *find_metric(shown_metric);
    auto ci = mean_ci95(c.samples.at(shown_metric));
    std::cout << "  cell " << c.index + 1 << "  " << cell_label(params, c)
              << "  " << shown_metric << " " << text_of_value(info, ci.mean)
              << "  [" << text_of_value(info, ci.low) << ", "
              << text_of_value(info, ci.high) << "]  (" << ci.n << " seeds)\n";
  };
  const cell* broke = nullptr;
  if (until) {
    // Cell by cell, in order: the first whose mean breaks the condition is
    // the knee.
    for (auto& c : cells) {
      run_all(f, params, cells, jobs_of(c), metrics);
      if (c.exit_codes.empty())
        break;  // stopped
      report_cell(c);
      auto mean = mean_ci95(c.samples.at(until->metric)).mean;
      if (holds(until->op, mean, until->value)) {
        broke = &c;
        break;
      }
    }
  } else {
    std::vector<run_job> all;
    for (const auto& c : cells)
      for (auto& job : jobs_of(c))
        all.push_back(job);
    run_all(f, params, cells, all, metrics);
    for (const auto& c : cells)
      if (!c.exit_codes.empty())
        report_cell(c);
  }
  write_results(dir, f, base, params, cells, metrics, until.get(), broke);
  auto stopped_by = stop_signals::caught().load();
  if (stopped_by != 0) {
    size_t done = 0;
    for (const auto& c : cells)
      done += c.exit_codes.size();
    std::cout << "stopped early by a signal: " << done << " of "
              << cells.size() * f.seeds << " runs done; the results are "
              << "theirs\n";
  } else if (until) {
    if (broke)
      std::cout << "stopped at cell " << broke->index + 1 << " ("
                << cell_label(params, *broke) << "): the first where mean "
                << until->metric << " " << until->text << "\n";
    else
      std::cout << "no cell had mean " << until->metric << " "
                << until->text << "\n";
  }
  // The page of curves, from sweep.json as `retailsim report` reads it.
  auto html = sweep_report(dir);
  if (html)
    if (auto err = storage::replace_file(dir + "/report.html", *html))
      html = err;
  if (!html)
    std::cerr << "retailsim sweep: report.html: " << describe(html.error())
              << "\n";
  std::cout << "output: " << dir << "  (sweep.csv, sweep.json, "
            << (html ? "report.html, " : "") << "runs/)\n";
  bool invariants_failed = false;
  for (const auto& c : cells)
    for (auto code : c.exit_codes)
      invariants_failed = invariants_failed || code == 1;
  if (invariants_failed) {
    std::cout << "invariants: FAILED in at least one run (exit code 1 in "
                 "sweep.json's exit_codes; its summary is in runs/)\n";
    return 1;
  }
  std::cout << "invariants: ok in every run\n";
  if (stopped_by != 0)
    return exit_code_of_signal(stopped_by);
  return html ? 0 : 2;
}

} // namespace

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<sweep_flags>();
  auto& f = *flags;
  auto* cmd = app.add_subcommand(
    "sweep", "Run a scenario over the cross product of parameter values, "
             "several seeds each; report each cell's mean with a 95% "
             "confidence interval (Student t) as sweep.csv and sweep.json.");
  cmd->add_option("FILE", f.file, "Scenario file (YAML)")->required();
  cmd->add_option("--param", f.params,
                  "KEY=V1,V2,... (or KEY=[V1, 'V,2']): a key of the scenario "
                  "and its values; repeat for a cross product, the first "
                  "outermost")
    ->required();
  cmd->add_option("--seeds", f.seeds,
                  "Runs per cell, seeds from the scenario's seed up "
                  "(default 3)");
  cmd->add_option("--jobs", f.jobs, "Runs at a time (default 1)");
  cmd->add_option("--until", f.until,
                  "'METRIC > VALUE': run the cells in order and stop at the "
                  "first whose mean meets it (the knee over an increasing "
                  "parameter)");
  cmd->add_option("--metric", f.metrics,
                  "A metric to report besides the default ones "
                  "(docs/scenarios.md)");
  cmd->add_option("--set", f.settings, "KEY=VALUE on top of the file, for "
                                       "every cell");
  cmd->add_option("--output", f.output,
                  "Folder for sweep.csv, sweep.json and runs/ (default: "
                  "out/sweep-SCENARIO)");
  cmd->add_flag("--force", f.force,
                "Replace an earlier sweep's results in the output folder");
  cmd->add_flag("--keep-databases", f.keep_databases,
                "Keep each run's databases (by default only its "
                "summary.json and log stay)");
  cmd->callback([flags, &exit_code] {
    try {
      exit_code = run_sweep(*flags);
    } catch (const refusal& r) {
      std::cerr << "retailsim sweep: " << r.message << "\n";
      exit_code = 2;
    }
  });
}

} // namespace retailsim
