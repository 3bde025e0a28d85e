#include "reports/series.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace retailsim {

namespace {

constexpr double none = std::numeric_limits<double>::quiet_NaN();

template <unsigned Bits>
double quantile_ms(const basic_log_histogram<Bits>& h, double q) {
  return h.count() == 0 ? none : static_cast<double>(h.quantile(q)) / 1e6;
}

double minus(uint64_t a, uint64_t b) {
  return a > b ? static_cast<double>(a - b) : 0.0;
}

} // namespace

size_t series_table::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name)
      return i;
  return columns.size();
}

series_table series_of(const run_results& r) {
  series_table t;
  const auto& s = r.series;
  t.interval_seconds = std::chrono::duration<double>(s.interval).count();
  t.columns = {
    {"start_s", "start of the interval (simulated seconds)"},
    {"sync_per_s", "Sync creations acknowledged per second"},
    {"async_per_s", "Async creations acknowledged per second"},
    {"offline_per_s", "offline creations acknowledged per second"},
    {"sync_p50_ms", "Sync creation p50 (ms)"},
    {"sync_p99_ms", "Sync creation p99 (ms)"},
    {"async_p99_ms", "Async creation p99 (ms)"},
    {"offline_p99_ms", "offline creation p99 (ms)"},
    {"create_intended_p99_ms",
     "creation p99 from its intended start, line wait included (ms)"},
    {"fallbacks", "Sync creations that fell back to Async"},
    {"hq_service_p99_ms", "HQ service p99: queue and work (ms)"},
    {"hq_queue_max", "HQ queue depth, the most seen"},
    {"hq_busy_max", "HQ workers busy, the most seen"},
    {"hq_refused", "HQ refusals"},
    {"backlog_at_stores", "Async backlog: acknowledged, not yet staged"},
    {"backlog_staged", "Async backlog: staged at HQ, not yet converted"},
    {"backlog_converted", "Async backlog: converted at HQ, not yet at "
                          "channels"},
    {"conversion_lag_p50_s", "conversion lag p50 (s)"},
    {"conversion_lag_p99_s", "conversion lag p99 (s)"},
    {"terminals_offline", "terminals offline at the end of the interval"},
    {"went_offline", "times a terminal went offline"},
    {"p_job_runs", "P-job runs that ended"},
    {"async_sync_runs", "async-sync job runs that ended"},
    {"dist_1010_runs", "1010 job runs that ended"},
    {"job_busy_s", "time the jobs' runs took, summed (s)"},
    {"job_deaths", "job runs that died"},
    {"sales", "sales linked to a customer"},
    {"searches", "searches"},
    {"operations", "store operations"},
    {"operations_failed", "store operations that met a fault or a bug"},
  };
  uint64_t pending = 0;
  uint64_t staged = 0;
  uint64_t at_hq = 0;
  uint64_t at_channels = 0;
  uint64_t offline = 0;
  uint64_t online = 0;
  for (size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    pending += p.pending_created;
    staged += p.staged;
    at_hq += p.converted_at_hq;
    at_channels += p.converted_at_channels;
    offline += p.went_offline;
    online += p.came_online;
    auto rate = [&](uint64_t n) {
      return static_cast<double>(n) / t.interval_seconds;
    };
    double job_ns = 0;
    for (auto ns : p.job_ns)
      job_ns += static_cast<double>(ns);
    t.rows.push_back({
      static_cast<double>(i) * t.interval_seconds,
      rate(p.created[0]),
      rate(p.created[1]),
      rate(p.created[2]),
      quantile_ms(p.create_latency[0], 0.50),
      quantile_ms(p.create_latency[0], 0.99),
      quantile_ms(p.create_latency[1], 0.99),
      quantile_ms(p.create_latency[2], 0.99),
      quantile_ms(p.create_from_intended, 0.99),
      static_cast<double>(p.sync_attempts[1]),
      quantile_ms(p.hq_service, 0.99),
      static_cast<double>(p.hq_queued_max),
      static_cast<double>(p.hq_busy_max),
      static_cast<double>(p.hq_refused),
      minus(pending, staged),
      minus(staged, at_hq),
      minus(at_hq, at_channels),
      quantile_ms(p.conversion_lag, 0.50) / 1e3,
      quantile_ms(p.conversion_lag, 0.99) / 1e3,
      minus(offline, online),
      static_cast<double>(p.went_offline),
      static_cast<double>(p.job_runs[0]),
      static_cast<double>(p.job_runs[1]),
      static_cast<double>(p.job_runs[2]),
      job_ns / 1e9,
      static_cast<double>(p.job_deaths),
      static_cast<double>(p.sales),
      static_cast<double>(p.searches),
      static_cast<double>(p.operations),
      static_cast<double>(p.operations_failed),
    });
  }
  return t;
}

void write_csv(std::ostream& out, const series_table& table) {
  for (size_t c = 0; c < table.columns.size(); ++c)
    out << (c == 0 ? "" : ",") << table.columns[c].name;
  out << "\n";
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0)
        out << ",";
      if (!std::isnan(row[c])) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.6g", row[c]);
        out << buf;
      }
    }
    out << "\n";
  }
}

} // namespace retailsim
