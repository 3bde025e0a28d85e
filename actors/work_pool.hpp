#pragma once

// Threads beside CAF's scheduler for work an actor hands off and collects
// later, in a message of its own. The virtual runtime runs every actor on
// one thread; a job cycle sends the same batch to many stores at once, and
// their database work (a 1010 batch, a P-job collect) can run side by side
// on the machine's other cores, as can a store's search or sale while the
// coordinator runs the simulated milliseconds the store's database takes
// to answer it, without changing what any actor sees: an
// actor waits for its handed-off work before it touches its database again
// and collects the result at a point of its message order, so the trace is
// the same for any number of threads (0 runs everything on the waiting
// thread).
//
// Realtime runs have a pool of their own, of database threads: there, all
// of an actor's database work runs off CAF's threads, one piece at a time
// per database (its line), and the actor hears of each piece by message.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace retailsim {

/// What a pool is for: a virtual run's helpers, whose work actors collect
/// at fixed places of the trace; or a realtime run's database threads,
/// whose work actors hear of by message.
enum class work_pool_use { virtual_time, realtime };

class work_pool {
public:
  /// One piece of handed-off work.
  class task;
  using task_ptr = std::shared_ptr<task>;

  /// Work that runs one piece at a time, in the order submitted (one
  /// database's work): pieces of different lines run side by side.
  class line {
    friend class work_pool;
    /// Submitted behind the piece that runs, oldest first.
    std::deque<task_ptr> waiting_;
    /// Written with the pool's lock held; read without it by waiters.
    std::atomic<bool> running_{false};
  };

  using line_ptr = std::shared_ptr<line>;

  class task {
  public:
    task(std::function<void()> work, line_ptr on)
      : work_(std::move(work)), line_(std::move(on)) {
    }

  private:
    friend class work_pool;
    std::function<void()> work_;
    line_ptr line_;
    std::atomic<bool> done_{false};
    std::exception_ptr failure_;
  };

  /// Starts `threads` helper threads (0: work runs only in `wait` and
  /// `run_queued`). A virtual run's helpers keep looking for work for a
  /// moment before they sleep, for its bursts; a realtime run's database
  /// threads wait for the disk and leave CAF's threads the cores.
  explicit work_pool(size_t threads,
                     work_pool_use use = work_pool_use::virtual_time);

  work_pool_use use() const {
    return use_;
  }

  /// Runs what is still queued, then joins the helpers.
  ~work_pool();

  work_pool(const work_pool&) = delete;
  work_pool& operator=(const work_pool&) = delete;

  /// Queues `work`; it runs on a helper or in a later `wait`. On a line,
  /// it runs once the line's earlier pieces have.
  task_ptr submit(std::function<void()> work, line_ptr on = nullptr);

  /// Returns once `t` has run, running queued work on this thread meanwhile
  /// (its own or others'); rethrows what `t` threw.
  void wait(const task_ptr& t);

  /// Returns once every piece submitted on `l` has run (as wait).
  void wait_idle(const line_ptr& l);

  /// Runs queued work on this thread until none is left (what that work
  /// submits, too); returns whether any ran. For a pool without threads
  /// whose work nobody waits for.
  bool run_queued();

private:
  /// Returns once `ready()` (it reads atomics: spinning waiters call it
  /// without the lock), as wait.
  template <class Ready>
  void wait_until(Ready ready);

  /// Runs the front of the queue with `lock` released; `lock` is held again
  /// on return.
  void run_front(std::unique_lock<std::mutex>& lock);

  void helper_loop();

  std::mutex mtx_;
  std::condition_variable queued_;
  std::condition_variable finished_;
  std::deque<task_ptr> queue_;
  /// queue_.size(), for helpers looking without the lock.
  std::atomic<size_t> queued_count_{0};
  bool stopping_ = false;
  work_pool_use use_;
  /// Helpers and waiters look for work a moment before they sleep.
  bool spin_;
  std::vector<std::thread> threads_;
};

} // namespace retailsim
