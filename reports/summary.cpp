#include "reports/summary.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "model/error.hpp"
#include "model/rules.hpp"
#include "reports/series.hpp"
#include "storage/files.hpp"

namespace retailsim {

namespace {

std::string ms(double x) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.1f", x);
  return buf;
}

std::string lag(double millis) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.1f min", millis / 60000.0);
  return buf;
}

void row(std::ostream& out, const std::string& name, const std::string& value) {
  char buf[256];
  snprintf(buf, sizeof(buf), "  %-44s %s\n", name.c_str(), value.c_str());
  out << buf;
}

std::string latency_line(const log_histogram& h) {
  auto l = summarize(h);
  if (l.count == 0)
    return "-";
  return "p50 " + ms(l.p50) + "  p95 " + ms(l.p95) + "  p99 " + ms(l.p99)
         + "  max " + ms(l.max) + " ms  (n=" + std::to_string(l.count) + ")";
}

nlohmann::json latency_json(const log_histogram& h) {
  auto l = summarize(h);
  return {{"count", l.count},  {"p50_ms", l.p50}, {"p95_ms", l.p95},
          {"p99_ms", l.p99},   {"p999_ms", l.p999}, {"max_ms", l.max},
          {"mean_ms", l.mean}};
}

/// The same in wall-clock time: simulated figures divided by the time
/// factor.
nlohmann::json wall_latency_json(const log_histogram& h, double factor) {
  auto j = latency_json(h);
  for (const char* key : {"p50_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms",
                          "mean_ms"})
    j[key] = j[key].get<double>() / factor;
  return j;
}

/// The warnings stores gave, as the model words them (check_store_settings
/// of the store's settings).
std::vector<std::string> warnings_of(const run_summary& s) {
  std::vector<std::string> out;
  for (const auto& [store, code] : s.results.warnings)
    for (const auto& w : check_store_settings(settings_for(s.config, store)))
      if (w.code == code)
        out.push_back(w.detail);
  return out;
}

nlohmann::json sync_attempts_json(const run_results& r) {
  nlohmann::json out = {{"all", latency_json(r.sync_attempt_latency)}};
  static constexpr const char* keys[] = {"answered", "fell_back", "failed",
                                         "timed_out"};
  for (size_t i = 0; i < r.sync_attempts_by_outcome.size(); ++i) {
    const auto& a = r.sync_attempts_by_outcome[i];
    auto entry = latency_json(a.latency);
    entry["causes"] = a.causes;
    out[keys[i]] = entry;
  }
  return out;
}

double hours(caf::timespan x) {
  return std::chrono::duration<double, std::ratio<3600>>(x).count();
}

/// How many simulated seconds one measured second stands for: a realtime
/// run compresses every modelled duration by its time scale, so what it
/// measures is scaled back up; a virtual run measures simulated time.
double time_factor(const run_config& c) {
  return c.runtime == runtime_kind::realtime ? c.time_scale : 1.0;
}

/// The simulated time the day reached: all of it, unless a signal stopped
/// it early.
caf::timespan day_reached(const run_summary& s) {
  if (s.outcome.stopped_by == 0)
    return s.config.duration;
  return std::chrono::duration_cast<caf::timespan>(
    s.outcome.simulated * time_factor(s.config));
}

/// "SIGINT", "SIGTERM", else "signal N".
std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal " + std::to_string(signal);
  }
}

/// A latency line; in realtime runs with the wall-clock figures after it
/// (the recorder measured them, then multiplied by the time factor).
std::string latency_line(const log_histogram& sim, double factor) {
  auto out = latency_line(sim);
  auto l = summarize(sim);
  if (factor != 1 && l.count > 0)
    out += "  [wall p50 " + ms(l.p50 / factor) + " p99 " + ms(l.p99 / factor)
           + " ms]";
  return out;
}

/// Stores (0-based) whose profile creates customers Async, by their
/// group or on their own.
std::vector<uint32_t> async_stores_of(const run_config& c) {
  std::vector<uint32_t> out;
  for (uint32_t s = 0; s < store_count(c); ++s)
    if (settings_for(c, s).profile.create_customer_async)
      out.push_back(s);
  return out;
}

/// "20 stores, 80 terminals, 5 Async", and each group when there are
/// several or one with a name.
std::string topology_text(const run_config& c) {
  auto out = std::to_string(store_count(c)) + " stores, "
             + std::to_string(terminal_count(c)) + " terminals, "
             + std::to_string(async_stores_of(c).size()) + " Async";
  if (one_unnamed_group(c.groups))
    return out;
  std::string groups;
  for (const auto& g : c.groups)
    groups += (groups.empty() ? "" : "; ") + g.name + ": "
              + std::to_string(g.stores) + " x " + std::to_string(g.terminals)
              + (g.async ? ", Async" : "") + ", " + g.country;
  return out + "  (" + groups + ")";
}

/// "in memory (auto: estimated 98 MB, within a quarter of memory, 6.3 GB)".
std::string storage_text(const run_config& cfg, const storage_choice& c) {
  if (cfg.runtime == runtime_kind::realtime)
    return "in files, synchronous FULL (realtime)";
  auto size = [](uint64_t bytes) {
    char buf[32];
    if (bytes < 10000000)
      snprintf(buf, sizeof(buf), "%.1f MB", static_cast<double>(bytes) / 1e6);
    else if (bytes < 1000000000)
      snprintf(buf, sizeof(buf), "%.0f MB", static_cast<double>(bytes) / 1e6);
    else
      snprintf(buf, sizeof(buf), "%.1f GB", static_cast<double>(bytes) / 1e9);
    return std::string{buf};
  };
  std::string where = c.where == storage_place::disk ? "on disk"
                                                     : "in memory";
  if (!c.automatic)
    return where + " (estimated " + size(c.estimated_bytes) + " in memory)";
  return where + " (auto: estimated " + size(c.estimated_bytes) + ", "
         + (c.where == storage_place::disk ? "over" : "within") + " "
         + c.budget_is + ", " + size(c.budget_bytes) + ")";
}

nlohmann::json storage_json(const storage_choice& c) {
  return {{"where", to_string(c.where)},
          {"automatic", c.automatic},
          {"estimated_bytes", c.estimated_bytes},
          {"budget_bytes", c.budget_bytes}};
}

} // namespace

run_identity identity_of(const run_summary& s) {
  return {s.config.scenario, s.run_id,       s.config.seed,
          to_string(s.config.runtime), s.build, hex(s.config_hash)};
}

std::string hex(uint64_t x) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(x));
  return buf;
}

void print_summary(std::ostream& out, const run_summary& s) {
  auto factor = time_factor(s.config);
  const auto& r = s.results;
  const auto& c = s.config;
  const auto& o = s.outcome;
  out << "retailsim run " << s.run_id << "  (scenario " << c.scenario
      << ", seed " << c.seed << ", " << to_string(c.runtime) << ")\n";
  if (!c.question.empty())
    row(out, "question", c.question);
  row(out, "config", "hash " + hex(s.config_hash) + "  (" + s.build + ")");
  row(out, "topology", topology_text(c));
  char buf[64];
  if (o.stopped_by != 0)
    snprintf(buf, sizeof(buf), "%.2f h of %.2f h in %.2f s wall",
             hours(day_reached(s)), hours(c.duration), o.wall_seconds);
  else
    snprintf(buf, sizeof(buf), "%.2f h in %.2f s wall", hours(c.duration),
             o.wall_seconds);
  row(out, "simulated", buf);
  if (c.runtime == runtime_kind::realtime) {
    snprintf(buf, sizeof(buf), "; world up in %.1f s", o.spawn_seconds);
    row(out, "scheduler",
        c.scheduler_policy + ", " + std::to_string(c.threads) + " threads, "
          + (c.scheduler_throughput == 0
               ? std::string{"throughput unlimited"}
               : "throughput " + std::to_string(c.scheduler_throughput))
          + ", " + std::to_string(c.database_threads) + " database threads"
          + buf);
  }
  row(out, "HQ database", storage_text(c, o.hq));
  row(out, "channel databases", storage_text(c, o.channels));
  if (o.stopped_by != 0)
    row(out, "stopped early",
        "by " + signal_name(o.stopped_by)
          + "; the day closed there (in-flight work finished, terminals "
            "uploaded, the jobs ran once)");
  out << "customers created (acknowledged by terminals)\n";
  row(out, "sync", std::to_string(r.created[0]));
  row(out, "async", std::to_string(r.created[1]) + "  (Async stores "
                      + std::to_string(r.created[1] - std::min(r.created[1],
                                                               r.rts_fallbacks))
                      + ", RTS fallbacks " + std::to_string(r.rts_fallbacks)
                      + ")");
  row(out, "offline", std::to_string(r.created[2]));
  if (o.customers_at_start > 0)
    row(out, "existing base at HQ (before the day)",
        std::to_string(o.customers_at_start));
  if (factor != 1)
    out << "(times in simulated time: measured x " << factor
        << ", the time scale; wall-clock figures in brackets)\n";
  out << "sync creation attempts (terminal's view, whatever the outcome)\n";
  row(out, "all", latency_line(r.sync_attempt_latency, factor));
  for (size_t i = 0; i < r.sync_attempts_by_outcome.size(); ++i) {
    const auto& a = r.sync_attempts_by_outcome[i];
    std::string causes;
    for (const auto& [name, count] : a.causes)
      causes += (causes.empty() ? "" : ", ") + name + " "
                + std::to_string(count);
    row(out, to_string(static_cast<sync_outcome>(i)),
        a.count == 0 ? "0"
                     : latency_line(a.latency)
                         + (causes.empty() ? "" : "  (" + causes + ")"));
  }
  out << "latency\n";
  row(out, "sync creation (terminal)",
      latency_line(r.sync_create, factor));
  row(out, "async creation (terminal)", latency_line(r.async_create, factor));
  row(out, "HQ service (queue + work)", latency_line(r.hq_service, factor));
  row(out, "search (terminal)", latency_line(r.search, factor));
  if (r.scheduler_lag.count() > 0)
    row(out, "scheduler lag (a tick every 100 ms)",
        latency_line(r.scheduler_lag, factor));
  if (r.line_wait.count() > 0)
    row(out, "wait in line (open model)", latency_line(r.line_wait, factor));
  if (r.line_wait.count() > 0) {
    row(out, "cashier's creation from its start", latency_line(r.create, factor));
    row(out, "... from its intended start (+ line)",
        latency_line(r.create_intended, factor));
  }
  out << "conversion\n";
  if (auto l = summarize(r.conversion_lag); l.count > 0)
    row(out, "lag creation -> account at store",
        "p50 " + lag(l.p50) + "  p95 " + lag(l.p95) + "  max " + lag(l.max)
          + "  (n=" + std::to_string(l.count) + ")");
  else
    row(out, "lag creation -> account at store", "-");
  row(out, "staged / converted at HQ",
      std::to_string(r.staged) + " / " + std::to_string(r.converted_at_hq));
  row(out, "pending left (HQ staged, channels, offline)",
      std::to_string(s.invariants.hq_staged_left) + ", "
        + std::to_string(s.invariants.channel_pending_left) + ", "
        + std::to_string(s.invariants.offline_left));
  out << "activity\n";
  row(out, "sales linked / offline / anonymous",
      std::to_string(r.sales) + " / " + std::to_string(r.sales_offline) + " / "
        + std::to_string(r.anonymous_sales));
  row(out, "searches (found)",
      std::to_string(r.searches) + " (" + std::to_string(r.searches_found)
        + ")");
  row(out, "terminal offline spells / reconnects",
      std::to_string(r.offline_spells) + " / " + std::to_string(r.reconnects));
  if (r.hq_crashes > 0)
    row(out, "HQ crashes (calls left without reply)",
        std::to_string(r.hq_crashes) + " (" + std::to_string(r.hq_calls_dropped)
          + ")");
  if (r.job_skips > 0)
    row(out, "job runs skipped", std::to_string(r.job_skips));
  if (r.job_deaths > 0)
    row(out, "job runs that died midway", std::to_string(r.job_deaths));
  if (r.rts_requests_dropped + r.rts_answers_dropped > 0)
    row(out, "RTS calls dropped (requests / answers)",
        std::to_string(r.rts_requests_dropped) + " / "
          + std::to_string(r.rts_answers_dropped));
  if (r.terminal_restarts > 0)
    row(out, "terminal restarts", std::to_string(r.terminal_restarts));
  for (size_t c = 1; c < input_channel_count; ++c) {
    const auto& reads = r.device_reads[c];
    uint64_t all = 0;
    for (auto n : reads)
      all += n;
    if (all == 0)
      continue;
    std::string detail = std::to_string(reads[0]) + " delivered";
    for (size_t o = 1; o < device_outcome_count; ++o)
      if (reads[o] > 0)
        detail += ", " + std::to_string(reads[o]) + " "
                  + to_string(static_cast<device_outcome>(o));
    row(out, std::string{"reads by "} + to_string(static_cast<input_channel>(c)),
        detail);
  }
  if (s.invariants.duplicates_flagged + s.invariants.customers_merged > 0)
    row(out, "duplicates flagged for review / merged",
        std::to_string(s.invariants.duplicates_flagged) + " / "
          + std::to_string(s.invariants.customers_merged));
  if (r.creations_in_doubt > 0)
    row(out, "creations in doubt (told failed) / at HQ",
        std::to_string(r.creations_in_doubt) + " / "
          + std::to_string(s.invariants.committed_in_doubt));
  char head[160];
  snprintf(head, sizeof(head), "store operations %30s %9s %9s %11s %10s\n",
           "", "ok", "refused", "unavailable", "unexpected");
  out << head;
  for (size_t i = 0; i < store_op_count; ++i) {
    const auto& n = r.operations[i];
    char line[160];
    snprintf(line, sizeof(line), "  %-44s %9llu %9llu %11llu %10llu\n",
             to_string(static_cast<store_op>(i)),
             static_cast<unsigned long long>(n[0]),
             static_cast<unsigned long long>(n[1]),
             static_cast<unsigned long long>(n[2]),
             static_cast<unsigned long long>(n[3]));
    out << line;
  }
  row(out, "unexpected errors", std::to_string(r.unexpected_errors));
  out << "errors by kind\n";
  if (r.errors.empty())
    row(out, "(none)", "");
  for (const auto& [name, count] : r.errors)
    row(out, name, std::to_string(count));
  if (!r.warnings.empty()) {
    out << "warnings (once per store)\n";
    for (const auto& w : warnings_of(s))
      out << "  " << w << "\n";
  }
  out << "rates\n";
  auto per_second = [&](uint64_t n) {
    char b[64];
    snprintf(b, sizeof(b), "%.0f /s", o.wall_seconds > 0 ? n / o.wall_seconds
                                                         : 0.0);
    return std::string{b};
  };
  row(out, "events", std::to_string(r.events) + "  (" + per_second(r.events)
                       + ")");
  if (o.actor_messages > 0)
    row(out, "actor messages", std::to_string(o.actor_messages) + "  ("
                                 + per_second(o.actor_messages) + ")");
  if (!s.thresholds.empty()) {
    size_t passed = 0;
    for (const auto& t : s.thresholds)
      passed += t.ok ? 1 : 0;
    out << "thresholds: " << (passed == s.thresholds.size() ? "ok" : "FAILED")
        << " (" << passed << " of " << s.thresholds.size() << " hold)\n";
    for (const auto& t : s.thresholds) {
      auto info = find_metric(t.condition.metric);
      auto actual = info ? text_of_value(*info, t.actual) : "?";
      row(out, std::string{t.ok ? "ok      " : "FAILED  "} + t.condition.metric
                 + " " + t.condition.text,
          "(" + actual + ")");
    }
  }
  const auto& inv = s.invariants;
  out << "invariants: "
      << (inv.ok() ? "ok (every acknowledged customer and sale at HQ and at "
                     "its store exactly once, on its current account; "
                     "channel copies equal HQ's; nothing pending)"
                   : "FAILED")
      << "\n";
  row(out, "checked",
      std::to_string(inv.acknowledged_creations) + " creations, "
        + std::to_string(inv.hq_customers) + " customers at HQ, "
        + std::to_string(inv.acknowledged_sales) + " sales, "
        + std::to_string(inv.channel_copies) + " channel copies");
  for (const auto& f : inv.failures)
    out << "  - " << f << "\n";
  out << "fingerprint " << hex(run_fingerprint(r.fingerprint,
                                               inv.content_digest))
      << "  (trace " << hex(r.fingerprint) << ", databases "
      << hex(inv.content_digest) << ")\n";
}

namespace {

/// Writes `text` to `name` in the run's output folder through a temporary
/// file: a reader never sees half of it.
caf::expected<std::string> write_output(const run_summary& s,
                                        const std::string& name,
                                        const std::string& text) {
  auto path = (std::filesystem::path{s.config.output_dir} / name).string();
  if (auto err = storage::replace_file(path, text))
    return err;
  return path;
}

/// The series as JSON: its interval, columns and one object per interval
/// (null for a percentile without samples).
nlohmann::json series_json(const series_table& t) {
  auto columns = nlohmann::json::array();
  for (const auto& c : t.columns)
    columns.push_back({{"name", c.name}, {"what", c.what}});
  auto rows = nlohmann::json::array();
  for (const auto& row : t.rows) {
    auto obj = nlohmann::json::object();
    for (size_t c = 0; c < row.size(); ++c)
      obj[t.columns[c].name] = std::isnan(row[c]) ? nlohmann::json{}
                                                  : nlohmann::json(row[c]);
    rows.push_back(std::move(obj));
  }
  return {{"interval_s", t.interval_seconds},
          {"columns", columns},
          {"rows", rows}};
}

nlohmann::json summary_json(const run_summary& s) {
  auto factor = time_factor(s.config);
  const auto& r = s.results;
  const auto& c = s.config;
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [name, count] : r.errors)
    errors[name] = count;
  nlohmann::json operations = nlohmann::json::object();
  for (size_t i = 0; i < store_op_count; ++i) {
    auto& entry = operations[to_string(static_cast<store_op>(i))];
    for (size_t k = 0; k < 4; ++k)
      entry[to_string(static_cast<op_outcome>(k))] = r.operations[i][k];
  }
  // Every metric thresholds and sweeps name, in its unit (milliseconds for
  // durations): what `retailsim sweep` reads back.
  auto metrics = nlohmann::json::object();
  for (const auto& m : metric_catalogue())
    metrics[m.name] = *metric_value(m.name, s);
  auto thresholds = nlohmann::json::array();
  for (const auto& t : s.thresholds)
    thresholds.push_back({{"metric", t.condition.metric},
                          {"condition", t.condition.text},
                          {"actual", t.actual},
                          {"ok", t.ok}});
  nlohmann::json j = {
    {"run_id", s.run_id},
    {"scenario", c.scenario},
    {"seed", c.seed},
    {"runtime", to_string(c.runtime)},
    {"stores", store_count(c)},
    {"terminals", terminal_count(c)},
    {"async_stores", async_stores_of(c)},
    {"simulated_hours", hours(day_reached(s))},
    {"channel_storage", storage_json(s.outcome.channels)},
    {"hq_storage", storage_json(s.outcome.hq)},
    {"stopped_by", s.outcome.stopped_by == 0
                     ? nlohmann::json{}
                     : nlohmann::json(signal_name(s.outcome.stopped_by))},
    {"question", c.question},
    {"build", s.build},
    {"config_hash", hex(s.config_hash)},
    // Every key, as the scenario file names it (docs/scenarios.md).
    {"config", s.config_json.empty() ? nlohmann::json::object()
                                     : nlohmann::json::parse(s.config_json)},
    {"wall_seconds", s.outcome.wall_seconds},
    {"spawn_seconds", s.outcome.spawn_seconds},
    // Durations below are simulated time: what a realtime run measured
    // times its time scale.
    {"time_factor", factor},
    {"latency_wall",
     {{"sync_create", wall_latency_json(r.sync_create, factor)},
      {"search", wall_latency_json(r.search, factor)},
      {"hq_service", wall_latency_json(r.hq_service, factor)},
      {"scheduler_lag", wall_latency_json(r.scheduler_lag, factor)}}},
    {"fingerprint", hex(run_fingerprint(r.fingerprint,
                                        s.invariants.content_digest))},
    {"trace_hash", hex(r.fingerprint)},
    {"content_digest", hex(s.invariants.content_digest)},
    {"run_tag", s.outcome.run.run_tag},
    {"events", r.events},
    {"actor_messages", s.outcome.actor_messages},
    {"created", {{"sync", r.created[0]}, {"async", r.created[1]},
                 {"offline", r.created[2]}, {"rts_fallback", r.rts_fallbacks}}},
    {"sync_attempts", sync_attempts_json(r)},
    {"latency",
     {{"sync_create", latency_json(r.sync_create)},
      {"async_create", latency_json(r.async_create)},
      {"offline_create", latency_json(r.offline_create)},
      {"search", latency_json(r.search)},
      {"hq_service", latency_json(r.hq_service)},
      {"line_wait", latency_json(r.line_wait)},
      {"create", latency_json(r.create)},
      {"create_intended", latency_json(r.create_intended)},
      {"scheduler_lag", latency_json(r.scheduler_lag)}}},
    {"conversion",
     {{"lag", latency_json(r.conversion_lag)},
      {"staged", r.staged},
      {"converted_at_hq", r.converted_at_hq},
      {"converted_at_channels", r.converted_at_channels}}},
    {"pending_left",
     {{"hq_staged", s.invariants.hq_staged_left},
      {"channels", s.invariants.channel_pending_left},
      {"offline", s.invariants.offline_left}}},
    {"in_doubt", {{"creations", r.creations_in_doubt},
                  {"committed_at_hq", s.invariants.committed_in_doubt}}},
    {"hq_crashes", {{"crashes", r.hq_crashes},
                    {"calls_dropped", r.hq_calls_dropped}}},
    {"hq", {{"customers", s.invariants.hq_customers},
            {"customers_at_start", s.outcome.customers_at_start},
            {"mapped_guids", s.invariants.hq_mapped_guids}}},
    {"devices", [&] {
       nlohmann::json devices = nlohmann::json::object();
       for (size_t c = 1; c < input_channel_count; ++c) {
         auto& by = devices[to_string(static_cast<input_channel>(c))];
         for (size_t o = 0; o < device_outcome_count; ++o)
           by[to_string(static_cast<device_outcome>(o))] = r.device_reads[c][o];
       }
       return devices;
     }()},
    {"activity",
     {{"sales", r.sales},
      {"sales_offline", r.sales_offline},
      {"anonymous_sales", r.anonymous_sales},
      {"searches", r.searches},
      {"searches_found", r.searches_found},
      {"offline_spells", r.offline_spells},
      {"reconnects", r.reconnects}}},
    {"store_operations", operations},
    {"unexpected_errors", r.unexpected_errors},
    {"errors", errors},
    {"warnings", warnings_of(s)},
    {"metrics", metrics},
    {"thresholds", thresholds},
    {"invariants", {{"ok", s.invariants.ok()},
                    {"failures", s.invariants.failures}}},
  };
  return j;
}

} // namespace

caf::expected<std::string> write_summary_json(const run_summary& s) {
  return write_output(s, "summary.json", summary_json(s).dump(2) + "\n");
}

caf::expected<std::string> write_results_json(const run_summary& s) {
  auto j = summary_json(s);
  const auto& r = s.results;
  // Every latency the recorder kept, with p99.9 and the mean.
  auto operations = nlohmann::json::object();
  for (size_t op = 0; op < store_op_count; ++op)
    if (r.operation_latency[op].count() > 0)
      operations[metric_name(static_cast<store_op>(op))]
        = {{"latency", latency_json(r.operation_latency[op])},
           {"from_intended_start",
            latency_json(r.operation_from_intended[op])}};
  auto jobs = nlohmann::json::object();
  for (size_t k = 0; k < 3; ++k)
    jobs[to_string(static_cast<job_kind>(k))]
      = latency_json(r.job_runs[k]);
  auto groups = nlohmann::json::array();
  for (size_t g = 0; g < r.by_group.size(); ++g) {
    const auto& t = r.by_group[g];
    groups.push_back(
      {{"group", g < r.group_names.size() ? r.group_names[g] : ""},
       {"created", {{"sync", t.created[0]}, {"async", t.created[1]},
                    {"offline", t.created[2]}}},
       {"latency", {{"sync_create", latency_json(t.create_latency[0])},
                    {"async_create", latency_json(t.create_latency[1])},
                    {"offline_create", latency_json(t.create_latency[2])}}}});
  }
  j["by_group"] = groups;
  j["latency_of_operations"] = operations;
  j["job_runs"] = jobs;
  j["histogram_relative_error"] = log_histogram::relative_error;
  j["series"] = series_json(series_of(r));
  return write_output(s, "results.json", j.dump(1) + "\n");
}

caf::expected<std::string> write_series_csv(const run_summary& s) {
  std::ostringstream out;
  write_csv(out, series_of(s.results));
  return write_output(s, "series.csv", out.str());
}

} // namespace retailsim
