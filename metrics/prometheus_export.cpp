#include "metrics/prometheus_export.hpp"

#include <chrono>
#include <filesystem>
#include <limits>
#include <sstream>

#include <prometheus/text_serializer.h>

#include "model/error.hpp"
#include "storage/files.hpp"

namespace retailsim {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

using labels = std::vector<ClientMetric::Label>;

const char* mode_label(size_t i) {
  return to_string(static_cast<creation_mode>(i));
}

const char* outcome_label(size_t i) {
  static constexpr const char* names[] = {"answered", "fell_back", "failed",
                                          "timed_out"};
  return names[i];
}

const char* job_label(size_t i) {
  static constexpr const char* names[] = {"p_job", "async_sync", "dist_1010"};
  return names[i];
}

/// Builds the families one metric at a time.
class families {
public:
  MetricFamily& family(const std::string& name, const std::string& help,
                       MetricType type) {
    out_.push_back({"retailsim_" + name, help, type, {}});
    return out_.back();
  }

  void counter(const std::string& name, const std::string& help,
               double value, labels l = {}) {
    auto& f = find_or_add(name, help, MetricType::Counter);
    ClientMetric m;
    m.label = std::move(l);
    m.counter.value = value;
    f.metric.push_back(std::move(m));
  }

  void gauge(const std::string& name, const std::string& help, double value,
             labels l = {}) {
    auto& f = find_or_add(name, help, MetricType::Gauge);
    ClientMetric m;
    m.label = std::move(l);
    m.gauge.value = value;
    f.metric.push_back(std::move(m));
  }

  /// A histogram of nanoseconds, exported in seconds.
  template <unsigned Bits>
  void histogram(const std::string& name, const std::string& help,
                 const basic_log_histogram<Bits>& h, labels l = {}) {
    auto& f = find_or_add(name, help, MetricType::Histogram);
    ClientMetric m;
    m.label = std::move(l);
    m.histogram.sample_count = h.count();
    m.histogram.sample_sum = h.mean() * static_cast<double>(h.count()) / 1e9;
    for (auto bound : histogram_bounds())
      m.histogram.bucket.push_back(
        {h.count_at_most(static_cast<uint64_t>(bound * 1e9)), bound});
    m.histogram.bucket.push_back(
      {h.count(), std::numeric_limits<double>::infinity()});
    f.metric.push_back(std::move(m));
  }

  std::vector<MetricFamily> take() {
    return std::move(out_);
  }

private:
  MetricFamily& find_or_add(const std::string& name, const std::string& help,
                            MetricType type) {
    for (auto& f : out_)
      if (f.name == "retailsim_" + name)
        return f;
    return family(name, help, type);
  }

  std::vector<MetricFamily> out_;
};

double d(uint64_t x) {
  return static_cast<double>(x);
}

uint64_t minus(uint64_t a, uint64_t b) {
  return a > b ? a - b : 0;
}

} // namespace

const std::vector<double>& histogram_bounds() {
  static const std::vector<double> bounds
    = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,  0.25,  0.5,   1,
       2.5,   5,      10,    25,   60,    120,  300,  600,   1800,  3600,
       7200,  14400,  28800};
  return bounds;
}

std::vector<MetricFamily> metric_families(const run_results& r,
                                          const run_identity& run) {
  families f;
  f.gauge("run_info",
          "The run: scenario, run id, seed, runtime, build and configuration "
          "hash (always 1)",
          1,
          {{"build", run.build},
           {"config_hash", run.config_hash},
           {"run_id", run.run_id},
           {"runtime", run.runtime},
           {"scenario", run.scenario},
           {"seed", std::to_string(run.seed)}});
  f.counter("events_total", "Events the actors reported", d(r.events));
  f.gauge("simulated_seconds", "Simulated time the run has reached",
          std::chrono::duration<double>(r.simulated).count());
  // -- creation ------------------------------------------------------------------
  // By store group and creation mode: the store groups of the scenario
  // ("estate" for one unnamed group).
  for (size_t g = 0; g < r.by_group.size(); ++g) {
    auto group = g < r.group_names.size() ? r.group_names[g]
                                          : std::to_string(g);
    for (size_t i = 0; i < 3; ++i) {
      f.counter("customers_created_total",
                "Customers acknowledged to terminals, by store group and "
                "creation mode",
                d(r.by_group[g].created[i]),
                {{"group", group}, {"mode", mode_label(i)}});
      f.histogram("creation_seconds",
                  "Creation latency at the terminal, by store group and "
                  "creation mode (simulated time)",
                  r.by_group[g].create_latency[i],
                  {{"group", group}, {"mode", mode_label(i)}});
    }
  }
  for (size_t i = 0; i < 4; ++i) {
    const auto& a = r.sync_attempts_by_outcome[i];
    f.counter("sync_attempts_total",
              "Creations sent to a Sync store, by how they ended", d(a.count),
              {{"outcome", outcome_label(i)}});
    f.histogram("sync_attempt_seconds",
                "Latency of creations sent to a Sync store until their "
                "outcome, by outcome",
                a.latency, {{"outcome", outcome_label(i)}});
  }
  f.counter("rts_fallbacks_total",
            "Sync creations that fell back to Async after an RTS failure",
            d(r.rts_fallbacks));
  f.counter("creations_in_doubt_total",
            "Sync creations told failed because HQ did not answer (HQ may "
            "hold them)",
            d(r.creations_in_doubt));
  // -- store operations ------------------------------------------------------------
  for (size_t op = 0; op < store_op_count; ++op) {
    auto name = metric_name(static_cast<store_op>(op));
    for (size_t k = 0; k < 4; ++k)
      f.counter("store_operations_total",
                "Store operations of the cashier model, by operation and "
                "outcome",
                d(r.operations[op][k]),
                {{"operation", name},
                 {"outcome", to_string(static_cast<op_outcome>(k))}});
  }
  for (size_t op = 0; op < store_op_count; ++op)
    f.histogram("store_operation_seconds",
                "Store operation latency at the terminal, by operation",
                r.operation_latency[op],
                {{"operation", metric_name(static_cast<store_op>(op))}});
  for (size_t op = 0; op < store_op_count; ++op)
    f.histogram("store_operation_intended_seconds",
                "Store operation latency from its intended start: plus the "
                "customer's wait in line (open model; coordinated omission "
                "corrected)",
                r.operation_from_intended[op],
                {{"operation", metric_name(static_cast<store_op>(op))}});
  f.histogram("line_wait_seconds",
              "A customer's wait in line for the cashier (open model)",
              r.line_wait);
  f.counter("searches_total", "Searches in a store's or offline terminal's "
                              "database",
            d(r.searches));
  f.counter("sales_total", "Sales linked to a customer, online or offline",
            d(r.sales - r.sales_offline), {{"where", "online"}});
  f.counter("sales_total", "", d(r.sales_offline), {{"where", "offline"}});
  f.counter("anonymous_sales_total", "Transactions without a customer",
            d(r.anonymous_sales));
  for (const auto& [name, count] : r.errors) {
    auto colon = name.rfind(':');
    f.counter("errors_total",
              "Failures by where they happened and their cause", d(count),
              {{"cause", name.substr(colon + 1)},
               {"where", name.substr(0, colon)}});
  }
  if (r.errors.empty())
    f.family("errors_total", "Failures by where they happened and their cause",
             MetricType::Counter);
  // -- HQ --------------------------------------------------------------------------
  f.histogram("hq_service_seconds",
              "HQ's queue and work for one Sync creation", r.hq_service);
  f.histogram("scheduler_lag_seconds",
              "Realtime: how late a message due now waited for a scheduler "
              "thread (a probe's tick every 100 ms)",
              r.scheduler_lag);
  const interval_tallies* last = r.series.points.empty()
                                   ? nullptr
                                   : &r.series.points.back();
  f.gauge("hq_queue_depth",
          "Sync creations waiting for an HQ worker (the most in the latest "
          "interval)",
          last ? last->hq_queued_max : 0);
  f.gauge("hq_busy_workers",
          "HQ workers serving a Sync creation (the most in the latest "
          "interval)",
          last ? last->hq_busy_max : 0);
  f.counter("hq_crashes_total", "HQ crashes (a fault)", d(r.hq_crashes));
  f.counter("hq_calls_dropped_total",
            "Calls in flight at HQ when it crashed, left without reply",
            d(r.hq_calls_dropped));
  f.counter("rts_calls_dropped_total",
            "Calls a dropping RTS link lost (a fault), by what was lost",
            d(r.rts_requests_dropped), {{"lost", "request"}});
  f.counter("rts_calls_dropped_total", "", d(r.rts_answers_dropped),
            {{"lost", "answer"}});
  // -- conversion ----------------------------------------------------------------
  uint64_t pending_created = 0;
  for (const auto& p : r.series.points)
    pending_created += p.pending_created;
  f.gauge("async_backlog",
          "Async and offline customers not yet at their channels with an "
          "account number, by stage",
          d(minus(pending_created, r.staged)), {{"stage", "at_stores"}});
  f.gauge("async_backlog", "", d(minus(r.staged, r.converted_at_hq)),
          {{"stage", "staged_at_hq"}});
  f.gauge("async_backlog", "",
          d(minus(r.converted_at_hq, r.converted_at_channels)),
          {{"stage", "converted_not_distributed"}});
  f.counter("customers_staged_total", "Customers the P-job staged at HQ",
            d(r.staged));
  f.counter("customers_converted_total",
            "Pending customers given an account number at HQ (async-sync "
            "job) and at channels (1010)",
            d(r.converted_at_hq), {{"where", "hq"}});
  f.counter("customers_converted_total", "", d(r.converted_at_channels),
            {{"where", "channels"}});
  f.histogram("conversion_lag_seconds",
              "From an Async or offline creation to its account number at "
              "the store",
              r.conversion_lag);
  for (size_t j = 0; j < 3; ++j)
    f.histogram("job_run_seconds", "Job runs that ended, by job, and how "
                                   "long each took",
                r.job_runs[j], {{"conversion_job", job_label(j)}});
  f.counter("job_deaths_total", "Job runs that died midway (a fault)",
            d(r.job_deaths));
  f.counter("job_skips_total", "Scheduled job runs skipped (a fault)",
            d(r.job_skips));
  // -- terminals -------------------------------------------------------------------
  f.counter("terminal_offline_spells_total", "Times a terminal went offline",
            d(r.offline_spells));
  f.counter("terminal_reconnects_total", "Times a terminal came back online",
            d(r.reconnects));
  f.gauge("terminals_offline", "Terminals offline now",
          d(minus(r.offline_spells, r.reconnects)));
  f.counter("terminal_restarts_total", "Terminals restarted (a fault)",
            d(r.terminal_restarts));
  // -- peripherals -----------------------------------------------------------------
  bool first = true;
  for (size_t c = 1; c < input_channel_count; ++c)
    for (size_t o = 0; o < device_outcome_count; ++o) {
      f.counter("device_reads_total",
                first ? "Documents through card readers and scanners, by "
                        "input channel and how the read ended"
                      : "",
                d(r.device_reads[c][o]),
                {{"channel", to_string(static_cast<input_channel>(c))},
                 {"outcome", to_string(static_cast<device_outcome>(o))}});
      first = false;
    }
  auto out = f.take();
  return out;
}

std::string metrics_text(const run_results& results, const run_identity& run) {
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, metric_families(results, run));
  return out.str();
}

caf::expected<std::string> write_metrics_file(const std::string& folder,
                                              const run_results& results,
                                              const run_identity& run) {
  auto path = (std::filesystem::path{folder} / "metrics.prom").string();
  if (auto err = storage::replace_file(path, metrics_text(results, run)))
    return err;
  return path;
}

recorder_collectable::recorder_collectable(
  std::shared_ptr<const run_recorder> recorder, run_identity run)
  : recorder_(std::move(recorder)), run_(std::move(run)) {
  // nop
}

std::vector<MetricFamily> recorder_collectable::Collect() const {
  return metric_families(recorder_->results(), run_);
}

} // namespace retailsim
