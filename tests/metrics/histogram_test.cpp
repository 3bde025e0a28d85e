// The log-linear histogram: every value lands in a bucket that holds it,
// quantiles agree with the exact nearest-rank ones of the same samples
// within the stated error, and memory does not grow with the count.
#include "metrics/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

using namespace retailsim;

namespace {

/// The exact nearest-rank quantile of `sorted`.
uint64_t exact(const std::vector<uint64_t>& sorted, double q) {
  auto rank = static_cast<size_t>(std::ceil(q * sorted.size()));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

} // namespace

TEST(LogHistogram, EveryValueLandsInABucketThatHoldsIt) {
  std::vector<uint64_t> values{0, 1, 127, 255, 256, 257, 383, 511, 512,
                               1000, 65535, 65536, 1'000'000'007,
                               uint64_t{1} << 40, (uint64_t{1} << 40) - 1,
                               UINT64_MAX};
  std::mt19937_64 rng{7};
  for (int i = 0; i < 10000; ++i)
    values.push_back(rng() >> (rng() % 64));
  for (auto v : values) {
    auto b = log_histogram::bucket_of(v);
    EXPECT_LE(log_histogram::lowest_in(b), v) << v;
    EXPECT_GE(log_histogram::highest_in(b), v) << v;
    // At most 1/128 of its values wide; exact below 256.
    auto width = log_histogram::highest_in(b) - log_histogram::lowest_in(b);
    if (v < 256)
      EXPECT_EQ(width, 0u);
    else
      EXPECT_LE(static_cast<double>(width),
                static_cast<double>(log_histogram::lowest_in(b)) / 128);
  }
  // Buckets follow each other without gaps.
  for (size_t b = 1; b < 2000; ++b)
    EXPECT_EQ(log_histogram::lowest_in(b), log_histogram::highest_in(b - 1) + 1)
      << b;
}

TEST(LogHistogram, QuantilesAreTheExactOnesWithinTheStatedError) {
  // Latencies in nanoseconds: lognormal around 50 ms, and a heavy tail.
  std::mt19937_64 rng{11};
  std::lognormal_distribution<double> body{std::log(50e6), 0.6};
  std::exponential_distribution<double> tail{1 / 2e9};
  std::vector<uint64_t> samples;
  log_histogram h;
  for (int i = 0; i < 200000; ++i) {
    auto v = static_cast<uint64_t>(i % 50 == 0 ? tail(rng) : body(rng));
    samples.push_back(v);
    h.record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (double q : {0.0, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0}) {
    auto want = static_cast<double>(exact(samples, q));
    auto got = static_cast<double>(h.quantile(q));
    EXPECT_LE(std::abs(got - want), want * log_histogram::relative_error)
      << "q=" << q << " exact " << want << " histogram " << got;
  }
  EXPECT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.quantile(1.0), samples.back());
}

TEST(LogHistogram, SmallValuesAreExactAndEmptyIsZero) {
  log_histogram h;
  EXPECT_EQ(h.quantile(0.99), 0u);
  EXPECT_EQ(h.count(), 0u);
  for (uint64_t v : {0, 0, 0, 3, 7, 200})
    h.record(v);
  EXPECT_EQ(h.quantile(0.5), 0u);   // 3rd of 6
  EXPECT_EQ(h.quantile(0.6), 3u);   // 4th
  EXPECT_EQ(h.quantile(0.99), 200u);
  EXPECT_DOUBLE_EQ(h.mean(), 210.0 / 6);
}

TEST(LogHistogram, MergingIsRecordingBoth) {
  std::mt19937_64 rng{3};
  log_histogram a;
  log_histogram b;
  log_histogram both;
  for (int i = 0; i < 5000; ++i) {
    auto v = rng() % 10'000'000'000ull;
    (i % 3 == 0 ? a : b).record(v);
    both.record(v);
  }
  a.merge(b);
  for (double q : {0.1, 0.5, 0.99, 1.0})
    EXPECT_EQ(a.quantile(q), both.quantile(q)) << q;
  EXPECT_EQ(a.count(), both.count());
  EXPECT_EQ(a.min(), both.min());
  EXPECT_EQ(a.max(), both.max());
}

TEST(LogHistogram, TenMillionSamplesTakeNoMoreMemoryThanAThousand) {
  // Memory is one counter per bucket up to the largest value, whatever
  // the count: values up to 1000 s in nanoseconds need at most this many.
  auto bound = log_histogram::bucket_of(1'000'000'000'000ull) + 1;
  std::mt19937_64 rng{5};
  log_histogram h;
  size_t after_thousand = 0;
  for (uint64_t i = 0; i < 10'000'000; ++i) {
    h.record(rng() % 1'000'000'000'000ull);
    if (i == 999)
      after_thousand = h.buckets();
  }
  EXPECT_LE(h.buckets(), bound);
  EXPECT_EQ(h.buckets(), after_thousand);
  EXPECT_EQ(h.count(), 10'000'000u);
}
