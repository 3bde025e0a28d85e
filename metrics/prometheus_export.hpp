#pragma once

// A run's results as Prometheus metrics (docs/metrics.md): the names and
// labels Prometheus's conventions ask for (retailsim_ prefix, base units,
// _total counters, _seconds histograms), labels from small fixed sets
// (creation mode, outcome, job, operation, error cause), never customer
// data. The same families feed the live endpoint of a realtime run
// (--metrics-listen) and metrics.prom at the end of every run.

#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "caf/expected.hpp"

#include "metrics/run_recorder.hpp"

namespace retailsim {

/// What names the run: retailsim_run_info's labels.
struct run_identity {
  std::string scenario;
  std::string run_id;
  uint64_t seed = 0;
  std::string runtime;
  std::string build;
  std::string config_hash;
};

/// The metric families of `results`.
std::vector<prometheus::MetricFamily>
metric_families(const run_results& results, const run_identity& run);

/// The families in Prometheus's text format.
std::string metrics_text(const run_results& results, const run_identity& run);

/// Writes metrics.prom into `folder` (through a temporary file, so a
/// reader never sees half of it); returns its path.
caf::expected<std::string> write_metrics_file(const std::string& folder,
                                              const run_results& results,
                                              const run_identity& run);

/// The recorder's results, read at each scrape.
class recorder_collectable : public prometheus::Collectable {
public:
  recorder_collectable(std::shared_ptr<const run_recorder> recorder,
                       run_identity run);

  std::vector<prometheus::MetricFamily> Collect() const override;

private:
  std::shared_ptr<const run_recorder> recorder_;
  run_identity run_;
};

/// The upper bounds (seconds) of every exported histogram's buckets.
const std::vector<double>& histogram_bounds();

} // namespace retailsim
