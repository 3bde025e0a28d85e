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

class work_pool {
public:
  /// One piece of handed-off work.
  class task {
  public:
    explicit task(std::function<void()> work) : work_(std::move(work)) {
    }

  private:
    friend class work_pool;
    std::function<void()> work_;
    std::atomic<bool> done_{false};
    std::exception_ptr failure_;
  };

  using task_ptr = std::shared_ptr<task>;

  /// Starts `threads` helper threads (0: work runs only in `wait`).
  explicit work_pool(size_t threads);

  /// Runs what is still queued, then joins the helpers.
  ~work_pool();

  work_pool(const work_pool&) = delete;
  work_pool& operator=(const work_pool&) = delete;

  /// Queues `work`; it runs on a helper or in a later `wait`.
  task_ptr submit(std::function<void()> work);

  /// Returns once `t` has run, running queued work on this thread meanwhile
  /// (its own or others'); rethrows what `t` threw.
  void wait(const task_ptr& t);

private:
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
  std::vector<std::thread> threads_;
};

} // namespace retailsim
