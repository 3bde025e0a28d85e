#include "reports/summary.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <SQLiteCpp/Database.h>

#include "model/error.hpp"

namespace retailsim {

namespace {

int64_t scalar(SQLite::Database& db, const char* sql) {
  return db.execAndGet(sql).getInt64();
}

} // namespace

caf::expected<invariant_report> check_invariants(const run_config& cfg,
                                                 const run_outcome& outcome,
                                                 const run_results& results) {
  invariant_report out;
  namespace fs = std::filesystem;
  auto hq_path = (fs::path{cfg.output_dir} / "hq.db").string();
  try {
    SQLite::Database hq{hq_path, SQLite::OPEN_READONLY};
    out.hq_customers = scalar(hq, "SELECT COUNT(*) FROM customers");
    out.hq_mapped_guids = scalar(hq, "SELECT COUNT(*) FROM guid_account_map");
    out.hq_staged_left = scalar(hq, "SELECT COUNT(*) FROM async_staging");
    auto distinct_guids = scalar(hq, "SELECT COUNT(DISTINCT async_guid) FROM "
                                     "guid_account_map");
    auto distinct_accounts = scalar(hq, "SELECT COUNT(DISTINCT "
                                        "account_number) FROM customers");
    if (distinct_guids != static_cast<int64_t>(out.hq_mapped_guids))
      out.failures.push_back("a GUID is mapped to more than one account");
    if (distinct_accounts != static_cast<int64_t>(out.hq_customers))
      out.failures.push_back("an account number is used twice");
    for (size_t s = 0; s < cfg.stores; ++s) {
      auto path = (fs::path{cfg.output_dir} / "stores"
                   / (store_id(s) + ".db"))
                    .string();
      SQLite::Database ch{path, SQLite::OPEN_READONLY};
      out.channel_pending_left += scalar(ch, "SELECT COUNT(*) FROM customers "
                                             "WHERE account_number IS NULL");
    }
  } catch (const SQLite::Exception& e) {
    return make_error(ec::storage_failure, hq_path,
                      std::string{"cannot check the run's databases: "}
                        + e.what());
  }
  out.offline_left = outcome.offline_left;
  // An existing base (import, synthetic population) was at HQ already.
  uint64_t acknowledged = outcome.customers_at_start + results.created[0]
                          + results.created[1] + results.created[2];
  if (!outcome.closed)
    out.failures.push_back("closing did not complete (terminals or jobs did "
                           "not answer)");
  if (out.hq_customers != acknowledged)
    out.failures.push_back(
      "HQ holds " + std::to_string(out.hq_customers) + " customers but "
      + std::to_string(acknowledged)
      + " were there at the start or acknowledged");
  if (out.hq_staged_left > 0)
    out.failures.push_back(std::to_string(out.hq_staged_left)
                           + " customers still staged at HQ");
  if (out.channel_pending_left > 0)
    out.failures.push_back(std::to_string(out.channel_pending_left)
                           + " customers still pending in channels");
  if (out.offline_left > 0)
    out.failures.push_back(std::to_string(out.offline_left)
                           + " offline customers not uploaded");
  return out;
}

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

std::string latency_line(const latency_summary& l) {
  if (l.count == 0)
    return "-";
  return "p50 " + ms(l.p50) + "  p95 " + ms(l.p95) + "  p99 " + ms(l.p99)
         + "  max " + ms(l.max) + " ms  (n=" + std::to_string(l.count) + ")";
}

nlohmann::json latency_json(const latency_summary& l) {
  return {{"count", l.count},
          {"p50_ms", l.p50},
          {"p95_ms", l.p95},
          {"p99_ms", l.p99},
          {"max_ms", l.max}};
}

std::string hex(uint64_t x) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(x));
  return buf;
}

double hours(caf::timespan x) {
  return std::chrono::duration<double, std::ratio<3600>>(x).count();
}

double minutes(caf::timespan x) {
  return std::chrono::duration<double, std::ratio<60>>(x).count();
}

} // namespace

void print_summary(std::ostream& out, const run_summary& s) {
  const auto& r = s.results;
  const auto& c = s.config;
  const auto& o = s.outcome;
  out << "retailsim run " << s.run_id << "  (scenario " << c.scenario
      << ", seed " << c.seed << ", " << to_string(c.runtime) << ")\n";
  row(out, "topology", std::to_string(c.stores) + " stores x "
                         + std::to_string(c.terminals_per_store)
                         + " terminals, " + std::to_string(c.async_stores.size())
                         + " stores Async");
  char buf[64];
  snprintf(buf, sizeof(buf), "%.2f h in %.2f s wall", hours(c.duration),
           o.wall_seconds);
  row(out, "simulated", buf);
  out << "customers created\n";
  row(out, "sync", std::to_string(r.created[0]));
  row(out, "async", std::to_string(r.created[1]) + "  (of which RTS fallback "
                      + std::to_string(r.rts_fallbacks) + ")");
  row(out, "offline", std::to_string(r.created[2]));
  if (o.customers_at_start > 0)
    row(out, "existing base at HQ (before the day)",
        std::to_string(o.customers_at_start));
  out << "latency\n";
  row(out, "sync creation (terminal)", latency_line(r.sync_create));
  row(out, "async creation (terminal)", latency_line(r.async_create));
  row(out, "HQ service (queue + work)", latency_line(r.hq_service));
  row(out, "search (terminal)", latency_line(r.search));
  out << "conversion\n";
  if (r.conversion_lag.count > 0)
    row(out, "lag creation -> account at store",
        "p50 " + lag(r.conversion_lag.p50) + "  p95 "
          + lag(r.conversion_lag.p95) + "  max " + lag(r.conversion_lag.max)
          + "  (n=" + std::to_string(r.conversion_lag.count) + ")");
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
  out << "invariants: "
      << (s.invariants.ok() ? "ok (HQ holds every acknowledged customer "
                              "once; nothing pending)"
                            : "FAILED")
      << "\n";
  for (const auto& f : s.invariants.failures)
    out << "  - " << f << "\n";
  out << "fingerprint " << hex(r.fingerprint) << "\n";
}

caf::expected<std::string> write_summary_json(const run_summary& s) {
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
  nlohmann::json j = {
    {"run_id", s.run_id},
    {"scenario", c.scenario},
    {"seed", c.seed},
    {"runtime", to_string(c.runtime)},
    {"stores", c.stores},
    {"terminals_per_store", c.terminals_per_store},
    {"async_stores", c.async_stores},
    {"simulated_hours", hours(c.duration)},
    {"config",
     {{"hq_workers", c.hq.workers},
      {"hq_service_s", to_string(c.hq.service_time)},
      {"store_service_s", to_string(c.store_service_time)},
      {"rts_latency_s", to_string(c.link.latency)},
      {"session_gap_s", to_string(c.cashier.session_gap)},
      {"rts_policy", to_string(c.rts_policy)},
      {"address_book_size", c.address_book_size},
      {"prompt_for_email", c.prompt_for_email},
      {"duplicates", to_string(c.duplicates)},
      {"customers_from", c.customers_from},
      {"population", c.population},
      {"job_interval_min",
       {{"p_job", minutes(c.jobs.p_job.interval)},
        {"async_sync", minutes(c.jobs.async_sync.interval)},
        {"dist_1010", minutes(c.jobs.dist_1010.interval)}}},
      {"features",
       {{"multiple_contacts", c.flags.multiple_contacts_with_consent},
        {"async_addresses", c.flags.async_customer_addresses},
        {"enhanced_async", c.flags.enhanced_async_customer},
        {"edit_async", c.flags.edit_async_customers}}}}},
    {"wall_seconds", s.outcome.wall_seconds},
    {"fingerprint", hex(r.fingerprint)},
    {"events", r.events},
    {"actor_messages", s.outcome.actor_messages},
    {"created", {{"sync", r.created[0]}, {"async", r.created[1]},
                 {"offline", r.created[2]}, {"rts_fallback", r.rts_fallbacks}}},
    {"latency",
     {{"sync_create", latency_json(r.sync_create)},
      {"async_create", latency_json(r.async_create)},
      {"offline_create", latency_json(r.offline_create)},
      {"search", latency_json(r.search)},
      {"hq_service", latency_json(r.hq_service)}}},
    {"conversion",
     {{"lag", latency_json(r.conversion_lag)},
      {"staged", r.staged},
      {"converted_at_hq", r.converted_at_hq},
      {"converted_at_channels", r.converted_at_channels}}},
    {"pending_left",
     {{"hq_staged", s.invariants.hq_staged_left},
      {"channels", s.invariants.channel_pending_left},
      {"offline", s.invariants.offline_left}}},
    {"hq", {{"customers", s.invariants.hq_customers},
            {"customers_at_start", s.outcome.customers_at_start},
            {"mapped_guids", s.invariants.hq_mapped_guids}}},
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
    {"invariants", {{"ok", s.invariants.ok()},
                    {"failures", s.invariants.failures}}},
  };
  auto path = (std::filesystem::path{c.output_dir} / "summary.json").string();
  auto tmp = path + ".tmp";
  {
    std::ofstream file{tmp};
    file << j.dump(2) << "\n";
    if (!file)
      return make_error(ec::storage_failure, tmp, "cannot write");
  }
  std::error_code err;
  std::filesystem::rename(tmp, path, err);
  if (err)
    return make_error(ec::storage_failure, path, err.message());
  return path;
}

} // namespace retailsim
