#include "reports/thresholds.hpp"

#include <cmath>
#include <cstdio>
#include <functional>

#include "reports/summary.hpp"

namespace retailsim {

namespace {

using getter = std::function<double(const run_summary&, const run_results&)>;

struct metric {
  metric_info info;
  getter get;
};

double total_sync_attempts(const run_results& r) {
  double n = 0;
  for (const auto& a : r.sync_attempts_by_outcome)
    n += static_cast<double>(a.count);
  return n;
}

std::vector<metric> make_metrics() {
  std::vector<metric> out;
  auto count = [&](const char* name, const char* what, getter get) {
    out.push_back({{name, metric_unit::count, what}, std::move(get)});
  };
  // Latencies: p50, p95, p99 and max of each.
  struct latency {
    const char* name;
    const char* what;
    log_histogram run_results::*field;
  };
  for (auto l : {latency{"sync", "Sync creation at the terminal, acknowledged "
                                  "as Sync",
                         &run_results::sync_create},
                 latency{"sync_attempt", "every creation sent to a Sync "
                                         "store, whatever its outcome",
                         &run_results::sync_attempt_latency},
                 latency{"async", "Async creation at the terminal",
                         &run_results::async_create},
                 latency{"offline", "offline creation at the terminal",
                         &run_results::offline_create},
                 latency{"search", "search in the store's database",
                         &run_results::search},
                 latency{"hq_service", "HQ's queue and work for one call",
                         &run_results::hq_service},
                 latency{"line_wait", "a customer's wait in line for the "
                                      "cashier (open model)",
                         &run_results::line_wait},
                 latency{"create", "a cashier's creation (quick add, full "
                                   "wizard) from its start",
                         &run_results::create},
                 latency{"create_intended",
                         "a cashier's creation from its intended start: "
                         "plus the customer's wait in line (open model)",
                         &run_results::create_intended},
                 latency{"conversion_lag", "from an Async or offline "
                                           "creation to its account number "
                                           "at the store",
                         &run_results::conversion_lag},
                 latency{"scheduler_lag", "how late a message due now "
                                          "waited for a scheduler thread "
                                          "(realtime; a tick every 100 ms)",
                         &run_results::scheduler_lag}}) {
    auto field = l.field;
    for (auto item :
         {std::pair{"p50", &latency_summary::p50},
          std::pair{"p95", &latency_summary::p95},
          std::pair{"p99", &latency_summary::p99},
          std::pair{"max", &latency_summary::max}}) {
      // Named, not bound: clang (the fuzz build) cannot capture bindings.
      auto suffix = item.first;
      auto member = item.second;
      out.push_back({{std::string{l.name} + "_" + suffix,
                      metric_unit::duration,
                      std::string{suffix} + " of " + l.what},
                     [field, member](const run_summary&,
                                     const run_results& r) {
                       return summarize(r.*field).*member;
                     }});
    }
  }
  count("created", "customers acknowledged to terminals, every mode",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.created[0] + r.created[1]
                                     + r.created[2]);
        });
  for (auto [name, i] : {std::pair{"created_sync", 0}, std::pair{"created_async", 1},
                         std::pair{"created_offline", 2}})
    count(name, "customers acknowledged in this mode",
          [i = i](const run_summary&, const run_results& r) {
            return static_cast<double>(r.created[i]);
          });
  count("rts_fallbacks", "Sync creations that fell back to Async",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.rts_fallbacks);
        });
  out.push_back({{"fallback_rate", metric_unit::ratio,
                  "share of creations sent to a Sync store that fell back "
                  "to Async"},
                 [](const run_summary&, const run_results& r) {
                   auto n = total_sync_attempts(r);
                   return n == 0 ? 0.0 : r.rts_fallbacks / n;
                 }});
  count("sales", "sales linked to a customer",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.sales);
        });
  count("searches", "searches in a store's or offline terminal's database",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.searches);
        });
  count("offline_spells", "times a terminal went offline",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.offline_spells);
        });
  count("warnings", "store warnings about their setup (once per store)",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.warnings.size());
        });
  count("converted_at_hq", "Async and offline records HQ converted",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.converted_at_hq);
        });
  count("pending_at_end", "records still pending after closing (HQ staged, "
                          "channels, offline terminals)",
        [](const run_summary& s, const run_results&) {
          const auto& i = s.invariants;
          return static_cast<double>(i.hq_staged_left + i.channel_pending_left
                                     + i.offline_left);
        });
  count("unconverted", "pending creations no job converted by the end",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.unconverted);
        });
  count("lost", "acknowledged customers and sales not at HQ",
        [](const run_summary& s, const run_results&) {
          return static_cast<double>(s.invariants.lost_customers
                                     + s.invariants.lost_sales);
        });
  count("duplicated", "customers and sales at HQ more often than "
                      "acknowledged",
        [](const run_summary& s, const run_results&) {
          return static_cast<double>(s.invariants.duplicated_customers
                                     + s.invariants.duplicated_sales);
        });
  count("lost_customers", "acknowledged customers not at HQ",
        [](const run_summary& s, const run_results&) {
          return static_cast<double>(s.invariants.lost_customers);
        });
  count("duplicated_customers", "customers at HQ more often than "
                                "acknowledged",
        [](const run_summary& s, const run_results&) {
          return static_cast<double>(s.invariants.duplicated_customers);
        });
  count("in_doubt", "Sync creations told failed because HQ did not answer "
                    "(it may hold them)",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.creations_in_doubt);
        });
  count("committed_in_doubt", "of those, customers HQ had committed",
        [](const run_summary& s, const run_results&) {
          return static_cast<double>(s.invariants.committed_in_doubt);
        });
  count("duplicates_flagged", "pairs with a customer of the run that the "
                              "async-sync job flagged for review",
        [](const run_summary& s, const run_results&) {
          return static_cast<double>(s.invariants.duplicates_flagged);
        });
  count("customers_merged", "customers of the run merged into another",
        [](const run_summary& s, const run_results&) {
          return static_cast<double>(s.invariants.customers_merged);
        });
  count("hq_crashes", "times HQ crashed",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.hq_crashes);
        });
  count("hq_calls_dropped", "calls HQ was serving or queueing when it "
                            "crashed (they got no reply)",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.hq_calls_dropped);
        });
  count("job_deaths", "job runs that died midway",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.job_deaths);
        });
  count("job_skips", "scheduled job runs that were skipped",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.job_skips);
        });
  count("rts_calls_dropped", "calls a dropping RTS link lost (request or "
                             "answer)",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.rts_requests_dropped
                                     + r.rts_answers_dropped);
        });
  count("rts_answers_dropped", "of those, HQ's answers lost after HQ acted",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.rts_answers_dropped);
        });
  count("terminal_restarts", "terminals restarted",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.terminal_restarts);
        });
  auto device_reads = [](const run_results& r, bool errors_only) {
    uint64_t n = 0;
    for (const auto& by_outcome : r.device_reads)
      for (size_t o = 0; o < device_outcome_count; ++o)
        if (!errors_only || o != static_cast<size_t>(device_outcome::delivered))
          n += by_outcome[o];
    return static_cast<double>(n);
  };
  count("device_reads", "documents through card readers and scanners",
        [device_reads](const run_summary&, const run_results& r) {
          return device_reads(r, false);
        });
  count("device_read_errors", "of those, not delivered: misread, partial "
                              "swipe, wrong format, stalled, offline",
        [device_reads](const run_summary&, const run_results& r) {
          return device_reads(r, true);
        });
  count("invariant_failures", "promises the end-of-run check found broken",
        [](const run_summary& s, const run_results&) {
          return static_cast<double>(s.invariants.failures.size());
        });
  count("unexpected_errors", "store operations that met an unexpected error",
        [](const run_summary&, const run_results& r) {
          return static_cast<double>(r.unexpected_errors);
        });
  count("errors", "failures of every kind (the summary's errors by kind)",
        [](const run_summary&, const run_results& r) {
          double n = 0;
          for (const auto& kv : r.errors)
            n += static_cast<double>(kv.second);
          return n;
        });
  out.push_back({{"error_rate", metric_unit::ratio,
                  "share of store operations that ended unavailable or "
                  "unexpected"},
                 [](const run_summary&, const run_results& r) {
                   double all = 0;
                   double bad = 0;
                   for (const auto& op : r.operations) {
                     all += static_cast<double>(op[0] + op[1] + op[2] + op[3]);
                     bad += static_cast<double>(op[2] + op[3]);
                   }
                   return all == 0 ? 0.0 : bad / all;
                 }});
  // One per store operation and outcome.
  for (size_t k = 0; k < 4; ++k)
    for (size_t i = 0; i < store_op_count; ++i)
      count((std::string{to_string(static_cast<op_outcome>(k))} + "."
             + metric_name(static_cast<store_op>(i)))
              .c_str(),
            "store operations of this kind that ended so",
            [i, k](const run_summary&, const run_results& r) {
              return static_cast<double>(r.operations[i][k]);
            });
  return out;
}

const std::vector<metric>& metrics() {
  static const auto all = make_metrics();
  return all;
}

const metric* find(const std::string& name) {
  for (const auto& m : metrics())
    if (m.info.name == name)
      return &m;
  return nullptr;
}

} // namespace

const std::vector<metric_info>& metric_catalogue() {
  static const auto all = [] {
    std::vector<metric_info> out;
    for (const auto& m : metrics())
      out.push_back(m.info);
    return out;
  }();
  return all;
}

std::optional<metric_info> find_metric(const std::string& name) {
  if (auto m = find(name))
    return m->info;
  return std::nullopt;
}

std::optional<double> metric_value(const std::string& name,
                                   const run_summary& summary) {
  auto m = find(name);
  if (m == nullptr)
    return std::nullopt;
  return m->get(summary, summary.results);
}

const char* to_string(comparison x) {
  switch (x) {
    case comparison::less: return "<";
    case comparison::less_equal: return "<=";
    case comparison::greater: return ">";
    case comparison::greater_equal: return ">=";
    case comparison::equal: return "==";
    case comparison::not_equal: return "!=";
  }
  return "?";
}

bool holds(comparison op, double actual, double value) {
  switch (op) {
    case comparison::less: return actual < value;
    case comparison::less_equal: return actual <= value;
    case comparison::greater: return actual > value;
    case comparison::greater_equal: return actual >= value;
    case comparison::equal: return actual == value;
    case comparison::not_equal: return actual != value;
  }
  return false;
}

std::string text_of_value(const metric_info& info, double value) {
  char buf[64];
  switch (info.unit) {
    case metric_unit::duration:
      // By size, whatever the sign (an interval's low end can be below 0).
      if (std::abs(value) < 1000)
        snprintf(buf, sizeof(buf), "%.1f ms", value);
      else if (std::abs(value) < 60000)
        snprintf(buf, sizeof(buf), "%.2f s", value / 1000);
      else
        snprintf(buf, sizeof(buf), "%.1f min", value / 60000);
      break;
    case metric_unit::ratio:
      snprintf(buf, sizeof(buf), "%.2f%%", value * 100);
      break;
    case metric_unit::count:
      snprintf(buf, sizeof(buf), "%.0f", value);
      break;
  }
  return buf;
}

std::vector<threshold_result>
check_thresholds(const std::vector<threshold>& thresholds,
                 const run_summary& summary) {
  std::vector<threshold_result> out;
  for (const auto& t : thresholds) {
    threshold_result r;
    r.condition = t;
    if (auto v = metric_value(t.metric, summary)) {
      r.actual = *v;
      r.ok = holds(t.op, *v, t.value);
    }
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace retailsim
