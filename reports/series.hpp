#pragma once

// A run's time series as a table: one row per interval of simulated time,
// the columns a planner reads (throughput by mode, latency percentiles,
// HQ's queue, the Async backlog per stage, conversion lag, offline
// terminals, job runs). results.json, series.csv and report.html all show
// this one table.

#include <ostream>
#include <string>
#include <vector>

#include "metrics/run_recorder.hpp"

namespace retailsim {

struct series_column {
  /// The CSV header and JSON key ("sync_p99_ms").
  std::string name;
  /// What it is, for the report's legend.
  std::string what;
};

struct series_table {
  double interval_seconds = 0;
  std::vector<series_column> columns;
  /// rows[i][c]: interval i, column c. Percentiles of an interval without
  /// samples are NaN (empty in CSV, null in JSON).
  std::vector<std::vector<double>> rows;

  /// The column's index by name; columns.size() when there is none.
  size_t column(const std::string& name) const;
};

series_table series_of(const run_results& results);

/// The table as CSV: a header, then one line per interval.
void write_csv(std::ostream& out, const series_table& table);

} // namespace retailsim
