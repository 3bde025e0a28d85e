// The small languages of values: each bad text is refused with a
// message naming the problem.

#include "scenarios/values.hpp"

#include <gtest/gtest.h>

using namespace retailsim;

TEST(Values, Durations) {
  caf::timespan d;
  std::string problem;
  ASSERT_TRUE(parse_duration("1h30m", d, problem));
  EXPECT_EQ(d, std::chrono::minutes(90));
  ASSERT_TRUE(parse_duration("250ms", d, problem));
  EXPECT_EQ(d, std::chrono::milliseconds(250));
  ASSERT_TRUE(parse_duration("0", d, problem));
  EXPECT_EQ(d.count(), 0);
  EXPECT_FALSE(parse_duration("15q", d, problem));
  EXPECT_NE(problem.find("unit 'q'"), std::string::npos);
  EXPECT_FALSE(parse_duration("h", d, problem));
  EXPECT_FALSE(parse_duration("", d, problem));
  // Decimals work as written; a number without a unit is named.
  ASSERT_TRUE(parse_duration("1.5h", d, problem)) << problem;
  EXPECT_EQ(d, std::chrono::minutes(90));
  ASSERT_TRUE(parse_duration("0.000001s", d, problem)) << problem;
  EXPECT_EQ(d, std::chrono::microseconds(1));
  EXPECT_FALSE(parse_duration("15", d, problem));
  EXPECT_NE(problem.find("'15' has no unit"), std::string::npos) << problem;
  EXPECT_FALSE(parse_duration("1.2.3s", d, problem));
  // Nothing overflows: beyond a year is refused, not wrapped.
  EXPECT_FALSE(parse_duration("99999999999999h", d, problem));
  EXPECT_NE(problem.find("out of range"), std::string::npos) << problem;
}

TEST(Values, StoreListsAreOneBasedAndBounded) {
  std::vector<uint32_t> stores;
  std::string problem;
  ASSERT_TRUE(parse_store_list("1,3,5-7", 10, stores, problem)) << problem;
  EXPECT_EQ(stores, (std::vector<uint32_t>{0, 2, 4, 5, 6}));
  ASSERT_TRUE(parse_store_list("", 10, stores, problem));
  EXPECT_TRUE(stores.empty());
  for (const char* bad : {"0", "1,,2", "3-1", "x", "1-", "11"})
    EXPECT_FALSE(parse_store_list(bad, 10, stores, problem)) << bad;
  EXPECT_NE(problem.find("does not exist (there are 10)"), std::string::npos);
}

TEST(Values, OfflineWindowsAndLinkFaults) {
  offline_window w;
  std::string problem;
  ASSERT_TRUE(parse_offline_window("3/2@2h-3h", w, problem)) << problem;
  EXPECT_EQ(w.store, 2u);
  EXPECT_EQ(w.terminal, 1u);
  EXPECT_EQ(w.start, std::chrono::hours(2));
  ASSERT_TRUE(parse_offline_window("4@10m-20m", w, problem));
  EXPECT_EQ(w.terminal, offline_window::all_terminals);
  EXPECT_FALSE(parse_offline_window("3/0@1h-2h", w, problem));
  EXPECT_FALSE(parse_offline_window("3@2h-1h", w, problem));
  link_fault f;
  ASSERT_TRUE(parse_link_fault("4@1h-1h30m:slow", f, problem)) << problem;
  EXPECT_EQ(f.state, link_availability::slow);
  EXPECT_FALSE(parse_link_fault("4@1h-2h:gone", f, problem));
}

TEST(Values, DistributionsRoundTripThroughTheirText) {
  distribution d;
  std::string problem;
  for (const char* text :
       {"constant:2", "uniform:1,3", "exp:30", "lognormal:0.05,0.5"}) {
    ASSERT_TRUE(parse_distribution(text, d, problem)) << text << problem;
    EXPECT_EQ(to_string(d), text);
  }
  for (const char* bad : {"exp", "exp:", "exp:1,2", "uniform:3,1",
                          "lognorm:1,1", "constant:-1", "constant:nan"})
    EXPECT_FALSE(parse_distribution(bad, d, problem)) << bad;
}

TEST(Values, FeatureNames) {
  hq_feature_flags flags;
  std::string problem;
  ASSERT_TRUE(parse_feature_flags("enhanced_async,async_addresses", flags,
                                  problem));
  EXPECT_TRUE(flags.enhanced_async_customer);
  EXPECT_TRUE(flags.async_customer_addresses);
  EXPECT_FALSE(flags.edit_async_customers);
  EXPECT_FALSE(parse_feature_flags("enhanced_async,,", flags, problem));
}
