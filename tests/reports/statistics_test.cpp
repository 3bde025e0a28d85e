// The sweep's interval: Student's t, checked against values worked by hand.

#include "reports/statistics.hpp"

#include <cmath>

#include <gtest/gtest.h>

using namespace retailsim;

TEST(Statistics, TheIntervalIsStudentsT) {
  // 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.303, half-width 4.303 / sqrt 3.
  auto ci = mean_ci95({1, 2, 3});
  EXPECT_EQ(ci.n, 3u);
  EXPECT_DOUBLE_EQ(ci.mean, 2);
  EXPECT_DOUBLE_EQ(ci.stddev, 1);
  EXPECT_NEAR(ci.high - ci.mean, 4.303 / std::sqrt(3.0), 1e-9);
  EXPECT_NEAR(ci.mean - ci.low, 4.303 / std::sqrt(3.0), 1e-9);
  // Many samples: close to the normal's 1.96.
  EXPECT_DOUBLE_EQ(student_t_975(1), 12.706);
  EXPECT_DOUBLE_EQ(student_t_975(30), 2.042);
  EXPECT_DOUBLE_EQ(student_t_975(1000), 1.960);
  // Equal samples: no spread; one sample: the mean alone.
  auto same = mean_ci95({5, 5, 5, 5});
  EXPECT_DOUBLE_EQ(same.low, 5);
  EXPECT_DOUBLE_EQ(same.high, 5);
  auto one = mean_ci95({7});
  EXPECT_DOUBLE_EQ(one.mean, 7);
  EXPECT_DOUBLE_EQ(one.low, 7);
  EXPECT_DOUBLE_EQ(one.stddev, 0);
  EXPECT_EQ(mean_ci95({}).n, 0u);
}
