// The pool that runs the stores' job work beside the coordinator.

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/work_pool.hpp"

using namespace retailsim;
using namespace std::chrono_literals;

TEST(WorkPool, WithoutThreadsWorkRunsWhenWaitedForOnTheWaitingThread) {
  work_pool pool{0};
  std::thread::id ran_on;
  auto t = pool.submit([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::thread::id{});  // nobody ran it yet
  pool.wait(t);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(WorkPool, EveryTaskRunsExactlyOnceWhoeverRunsIt) {
  std::vector<std::atomic<int>> runs(500);
  {
    work_pool pool{2};
    std::vector<work_pool::task_ptr> tasks;
    for (auto& n : runs)
      tasks.push_back(pool.submit([&n] { ++n; }));
    // Wait in reverse: the waiter runs queued work meanwhile.
    for (auto i = tasks.size(); i-- > 0;)
      pool.wait(tasks[i]);
    for (auto& n : runs)
      EXPECT_EQ(n.load(), 1);
  }
}

TEST(WorkPool, WorkLeftQueuedRunsBeforeThePoolIsGone) {
  int ran = 0;
  {
    work_pool pool{0};
    pool.submit([&] { ++ran; });
  }
  EXPECT_EQ(ran, 1);
}

TEST(WorkPool, WhatTheWorkThrowsReachesTheWaiter) {
  work_pool pool{1};
  auto t = pool.submit([] { throw std::runtime_error("disk on fire"); });
  EXPECT_THROW(pool.wait(t), std::runtime_error);
}

TEST(WorkPool, ALinesPiecesRunOneAtATimeInTheOrderGiven) {
  work_pool pool{4, work_pool_use::realtime};
  auto line = std::make_shared<work_pool::line>();
  std::atomic<int> running{0};
  std::atomic<int> overlaps{0};
  std::vector<int> order;  // written by one piece at a time, or it races
  std::vector<work_pool::task_ptr> tasks;
  for (int i = 0; i < 200; ++i)
    tasks.push_back(pool.submit(
      [&, i] {
        if (running.fetch_add(1) != 0)
          ++overlaps;
        order.push_back(i);
        std::this_thread::sleep_for(50us);
        running.fetch_sub(1);
      },
      line));
  pool.wait_idle(line);
  EXPECT_EQ(overlaps.load(), 0);
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i)
    EXPECT_EQ(order[i], i);
}

TEST(WorkPool, PiecesOfDifferentLinesRunSideBySide) {
  // The first line's piece waits for the second line's: with one line at
  // a time, it would wait out its 5 s and find nothing.
  work_pool pool{2, work_pool_use::realtime};
  auto first = std::make_shared<work_pool::line>();
  auto second = std::make_shared<work_pool::line>();
  std::promise<void> second_ran;
  auto seen = second_ran.get_future();
  bool met = false;
  auto a = pool.submit([&] { met = seen.wait_for(5s) == std::future_status::ready; },
                       first);
  pool.submit([&] { second_ran.set_value(); }, second);
  pool.wait(a);
  EXPECT_TRUE(met);
}
