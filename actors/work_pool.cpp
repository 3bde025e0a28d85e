#include "actors/work_pool.hpp"

#include <chrono>

namespace retailsim {

namespace {

/// How long a helper with nothing to do keeps looking before it sleeps:
/// work comes in bursts (a job cycle hands a batch to ten stores, then the
/// next ten), and a sleeping helper wakes too late for part of a burst (one
/// run each of the 100-store day: 5.46 s without, 5.00 s with 2 ms; at
/// 1,000 stores the difference was within this machine's run-to-run noise).
constexpr auto keep_looking = std::chrono::milliseconds(2);

/// Spins until `ready()` or for keep_looking, whichever comes first,
/// reading the clock every 64 turns (at every turn, clock reads were a
/// third of the helper's samples in the 1000-store day) and pausing the
/// core in between.
template <class Ready>
void spin(Ready ready) {
  auto until = std::chrono::steady_clock::now() + keep_looking;
  for (unsigned turn = 1; !ready(); ++turn) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (turn % 64 == 0 && std::chrono::steady_clock::now() >= until)
      return;
  }
}

} // namespace

work_pool::work_pool(size_t threads) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { helper_loop(); });
}

work_pool::~work_pool() {
  {
    std::unique_lock<std::mutex> lock{mtx_};
    while (!queue_.empty())
      run_front(lock);
    stopping_ = true;
  }
  queued_.notify_all();
  for (auto& t : threads_)
    t.join();
}

work_pool::task_ptr work_pool::submit(std::function<void()> work) {
  auto t = std::make_shared<task>(std::move(work));
  {
    std::lock_guard<std::mutex> guard{mtx_};
    queue_.push_back(t);
    queued_count_.store(queue_.size(), std::memory_order_relaxed);
  }
  queued_.notify_one();
  return t;
}

void work_pool::wait(const task_ptr& t) {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!t->done_.load(std::memory_order_acquire)) {
    if (!queue_.empty()) {
      run_front(lock);
      continue;
    }
    // A helper runs it. Work is short (a batch of rows): spin rather than
    // sleep, since waking a sleeping thread costs about as much as the
    // work (blocking waits were a tenth of the 100-store day).
    lock.unlock();
    spin([&] {
      return t->done_.load(std::memory_order_acquire)
             || queued_count_.load(std::memory_order_relaxed) != 0;
    });
    lock.lock();
    if (!t->done_ && queue_.empty())
      finished_.wait(lock);
  }
  if (t->failure_)
    std::rethrow_exception(t->failure_);
}

void work_pool::run_front(std::unique_lock<std::mutex>& lock) {
  auto t = std::move(queue_.front());
  queue_.pop_front();
  queued_count_.store(queue_.size(), std::memory_order_relaxed);
  lock.unlock();
  std::exception_ptr failure;
  try {
    t->work_();
  } catch (...) {
    failure = std::current_exception();
  }
  t->work_ = nullptr;  // what it captured goes with the work
  lock.lock();
  t->failure_ = failure;
  t->done_.store(true, std::memory_order_release);
  finished_.notify_all();
}

void work_pool::helper_loop() {
  std::unique_lock<std::mutex> lock{mtx_};
  for (;;) {
    if (queue_.empty() && !stopping_) {
      lock.unlock();
      // The next piece of a burst is usually microseconds away.
      spin([&] { return queued_count_.load(std::memory_order_relaxed) != 0; });
      lock.lock();
    }
    queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty())
      return;  // stopping, nothing left
    run_front(lock);
  }
}

} // namespace retailsim
