#include "reports/statistics.hpp"

#include <cmath>

namespace retailsim {

double student_t_975(size_t df) {
  // Two-sided 95% critical values (any statistics table).
  static const double table[] = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0)
    return NAN;
  if (df <= 30)
    return table[df - 1];
  if (df <= 40)
    return 2.021;
  if (df <= 60)
    return 2.000;
  if (df <= 120)
    return 1.980;
  return 1.960;
}

mean_interval mean_ci95(const std::vector<double>& samples) {
  mean_interval out;
  out.n = samples.size();
  if (out.n == 0)
    return out;
  double sum = 0;
  for (auto x : samples)
    sum += x;
  out.mean = sum / static_cast<double>(out.n);
  out.low = out.high = out.mean;
  if (out.n < 2)
    return out;
  double squares = 0;
  for (auto x : samples)
    squares += (x - out.mean) * (x - out.mean);
  out.stddev = std::sqrt(squares / static_cast<double>(out.n - 1));
  auto half = student_t_975(out.n - 1) * out.stddev
              / std::sqrt(static_cast<double>(out.n));
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

} // namespace retailsim
