// The pool that runs the stores' job work beside the coordinator.

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/work_pool.hpp"

using namespace retailsim;

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
