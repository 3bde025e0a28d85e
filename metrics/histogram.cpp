#include "metrics/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace retailsim {

namespace {

int highest_bit(uint64_t x) {
  return 63 - __builtin_clzll(x);
}

} // namespace

template <unsigned Bits>
size_t basic_log_histogram<Bits>::bucket_of(uint64_t value) {
  if (value < exact_below)
    return static_cast<size_t>(value);
  // value = mantissa << shift, the mantissa in [per_octave, exact_below).
  auto shift = static_cast<uint64_t>(highest_bit(value) - int{Bits});
  auto mantissa = value >> shift;
  return static_cast<size_t>(exact_below + (shift - 1) * per_octave
                             + (mantissa - per_octave));
}

template <unsigned Bits>
uint64_t basic_log_histogram<Bits>::lowest_in(size_t bucket) {
  if (bucket < exact_below)
    return bucket;
  auto above = bucket - exact_below;
  auto shift = above / per_octave + 1;
  auto mantissa = per_octave + above % per_octave;
  return mantissa << shift;
}

template <unsigned Bits>
uint64_t basic_log_histogram<Bits>::highest_in(size_t bucket) {
  if (bucket < exact_below)
    return bucket;
  auto shift = (bucket - exact_below) / per_octave + 1;
  return lowest_in(bucket) + ((uint64_t{1} << shift) - 1);
}

template <unsigned Bits>
void basic_log_histogram<Bits>::record(uint64_t value, uint64_t times) {
  if (times == 0)
    return;
  auto b = bucket_of(value);
  if (b >= counts_.size())
    counts_.resize(b + 1);
  counts_[b] += times;
  count_ += times;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value) * static_cast<double>(times);
}

template <unsigned Bits>
void basic_log_histogram<Bits>::merge(const basic_log_histogram& other) {
  if (other.count_ == 0)
    return;
  if (other.counts_.size() > counts_.size())
    counts_.resize(other.counts_.size());
  for (size_t b = 0; b < other.counts_.size(); ++b)
    counts_[b] += other.counts_[b];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

template <unsigned Bits>
uint64_t basic_log_histogram<Bits>::quantile(double q) const {
  if (count_ == 0)
    return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  // The smallest and the largest are known exactly.
  if (rank == 1)
    return min_;
  if (rank >= count_)
    return max_;
  uint64_t seen = 0;
  for (size_t b = 0; b < counts_.size(); ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      auto low = lowest_in(b);
      auto mid = low + (highest_in(b) - low) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

template <unsigned Bits>
uint64_t basic_log_histogram<Bits>::count_at_most(uint64_t value) const {
  uint64_t n = 0;
  for (size_t b = 0; b < counts_.size(); ++b) {
    auto low = lowest_in(b);
    if (low > value)
      break;
    if (low + (highest_in(b) - low) / 2 <= value)
      n += counts_[b];
  }
  return n;
}

template class basic_log_histogram<7>;
template class basic_log_histogram<4>;

} // namespace retailsim
