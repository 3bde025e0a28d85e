#pragma once

// What a sweep says about a cell's runs: the mean over its seeds and a 95%
// confidence interval from Student's t (the seeds are few, so not the
// normal's 1.96).

#include <cstddef>
#include <vector>

namespace retailsim {

struct mean_interval {
  size_t n = 0;
  double mean = 0;
  /// Sample standard deviation (n - 1); 0 for one sample.
  double stddev = 0;
  /// The 95% interval: mean -/+ t(0.975, n - 1) * stddev / sqrt(n); the
  /// mean itself for one sample (no spread to go on).
  double low = 0;
  double high = 0;
};

/// Student's t quantile t(0.975, df) for df >= 1.
double student_t_975(size_t df);

/// The mean of `samples` and its 95% confidence interval.
mean_interval mean_ci95(const std::vector<double>& samples);

} // namespace retailsim
