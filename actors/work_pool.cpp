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

work_pool::work_pool(size_t threads, work_pool_use use)
  : use_(use), spin_(use == work_pool_use::virtual_time) {
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

work_pool::task_ptr work_pool::submit(std::function<void()> work,
                                      line_ptr on) {
  auto t = std::make_shared<task>(std::move(work), std::move(on));
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (t->line_ && t->line_->running_) {
      t->line_->waiting_.push_back(t);  // queued when the piece before ends
      return t;
    }
    if (t->line_)
      t->line_->running_.store(true, std::memory_order_relaxed);
    queue_.push_back(t);
    queued_count_.store(queue_.size(), std::memory_order_relaxed);
  }
  queued_.notify_one();
  return t;
}

template <class Ready>
void work_pool::wait_until(Ready ready) {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!ready()) {
    if (!queue_.empty()) {
      run_front(lock);
      continue;
    }
    if (spin_) {
      // A helper runs it. Work is short (a batch of rows): spin rather
      // than sleep, since waking a sleeping thread costs about as much as
      // the work (blocking waits were a tenth of the 100-store day).
      lock.unlock();
      spin([&] {
        return ready() || queued_count_.load(std::memory_order_relaxed) != 0;
      });
      lock.lock();
    }
    if (!ready() && queue_.empty())
      finished_.wait(lock);
  }
}

void work_pool::wait(const task_ptr& t) {
  wait_until([&] { return t->done_.load(std::memory_order_acquire); });
  if (t->failure_)
    std::rethrow_exception(t->failure_);
}

void work_pool::wait_idle(const line_ptr& l) {
  wait_until([&] { return !l->running_.load(std::memory_order_acquire); });
}

bool work_pool::run_queued() {
  std::unique_lock<std::mutex> lock{mtx_};
  bool ran = false;
  while (!queue_.empty()) {
    run_front(lock);
    ran = true;
  }
  return ran;
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
  if (auto& l = t->line_) {
    // The line's next piece may run now.
    if (l->waiting_.empty()) {
      l->running_.store(false, std::memory_order_release);
    } else {
      queue_.push_back(std::move(l->waiting_.front()));
      l->waiting_.pop_front();
      queued_count_.store(queue_.size(), std::memory_order_relaxed);
      queued_.notify_one();
    }
    l.reset();  // a line does not keep its finished pieces
  }
  finished_.notify_all();
}

void work_pool::helper_loop() {
  std::unique_lock<std::mutex> lock{mtx_};
  for (;;) {
    if (queue_.empty() && !stopping_ && spin_) {
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
