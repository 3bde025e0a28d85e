#pragma once

// Thresholds: a scenario's expected outcome as conditions on named results
// ("sync_p99 < 2s", "lost == 0"), checked at the end of a run; one that
// fails makes the run exit 99 (k6's habit). The same names are what sweeps
// report and stop on. docs/scenarios.md lists every metric.

#include <optional>
#include <string>
#include <vector>

namespace retailsim {

struct run_summary;

/// What a metric's values are, and so how a threshold writes them.
enum class metric_unit {
  /// Milliseconds of simulated time; written as a duration ("2s", "250ms").
  duration,
  /// A count of things.
  count,
  /// A share from 0 to 1; written as "1%" or 0.01.
  ratio,
};

struct metric_info {
  std::string name;
  metric_unit unit;
  /// One line for docs and errors.
  std::string what;
};

/// Every metric by name, in the order docs/scenarios.md lists them. Store
/// operations add one per operation and outcome: "refused.quick_add",
/// "unavailable.search_phone", "unexpected.edit_profile", "ok.join_club".
const std::vector<metric_info>& metric_catalogue();

/// The metric called `name`, if there is one.
std::optional<metric_info> find_metric(const std::string& name);

/// The value of metric `name` in a finished run (its unit's: milliseconds
/// for durations), or nothing for an unknown name. Latencies of a run
/// without samples are 0.
std::optional<double> metric_value(const std::string& name,
                                   const run_summary& summary);

enum class comparison { less, less_equal, greater, greater_equal, equal,
                        not_equal };

const char* to_string(comparison x);

struct threshold {
  std::string metric;
  comparison op = comparison::less;
  /// In the metric's unit (milliseconds for durations, 0-1 for ratios).
  double value = 0;
  /// The condition as written ("< 2s").
  std::string text;
};

/// Whether `actual op value` holds.
bool holds(comparison op, double actual, double value);

/// A value of metric `info` as a person reads it: "812.4 ms", "3",
/// "0.12%".
std::string text_of_value(const metric_info& info, double value);

struct threshold_result {
  threshold condition;
  double actual = 0;
  bool ok = false;
};

/// Each threshold checked against the run.
std::vector<threshold_result>
check_thresholds(const std::vector<threshold>& thresholds,
                 const run_summary& summary);

} // namespace retailsim
