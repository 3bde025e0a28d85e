#pragma once

// A log-linear histogram (HdrHistogram's layout): latency percentiles in
// memory that does not grow with the number of samples.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace retailsim {

/// Counts non-negative integer values (nanoseconds, say) in buckets: with
/// Bits = 7, values below 256 each have their own; above, every power of
/// two is cut into 128 equal buckets, so a bucket is at most 1/128 of its
/// values wide. A quantile is its bucket's midpoint: within
/// `relative_error` of the exact nearest-rank value, and exact below 256.
/// Count, min and max are exact. Memory: one counter per bucket up to the
/// largest value seen (about 30 KB for values up to 1000 s in nanoseconds),
/// whatever the count.
template <unsigned Bits>
class basic_log_histogram {
public:
  /// Buckets per power of two, and the values below which each is exact.
  static constexpr uint64_t per_octave = uint64_t{1} << Bits;
  static constexpr uint64_t exact_below = per_octave * 2;

  /// Half a bucket's width relative to its values.
  static constexpr double relative_error = 1.0 / static_cast<double>(
                                                   exact_below);

  void record(uint64_t value, uint64_t times = 1);

  /// Adds what `other` counted.
  void merge(const basic_log_histogram& other);

  uint64_t count() const {
    return count_;
  }
  uint64_t min() const {
    return count_ == 0 ? 0 : min_;
  }
  uint64_t max() const {
    return max_;
  }
  double mean() const {
    return count_ == 0 ? 0 : sum_ / static_cast<double>(count_);
  }

  /// The nearest-rank value at `q` (0 to 1): the ceil(q * count)-th
  /// smallest, as its bucket's midpoint within [min, max] (the smallest and
  /// largest exactly); 0 when empty.
  uint64_t quantile(double q) const;

  /// How many values are at most `value`: exact below exact_below; above,
  /// a bucket counts whole on the side of `value` its midpoint is on.
  uint64_t count_at_most(uint64_t value) const;

  /// Buckets in memory: up to the largest value's.
  size_t buckets() const {
    return counts_.size();
  }

  /// The bucket a value falls in, and the values a bucket holds.
  static size_t bucket_of(uint64_t value);
  static uint64_t lowest_in(size_t bucket);
  static uint64_t highest_in(size_t bucket);

private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  double sum_ = 0;
};

/// Latencies of a whole run: relative error 1/256 (0.4%).
using log_histogram = basic_log_histogram<7>;

/// Latencies of one interval of a time series: relative error 1/32 (3%),
/// a sixteenth of the buckets.
using coarse_histogram = basic_log_histogram<4>;

} // namespace retailsim
