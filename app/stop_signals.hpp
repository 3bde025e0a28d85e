#pragma once

// SIGINT and SIGTERM while a run or a sweep runs. The first asks it to stop
// cleanly: the day ends where it is, closes as at its end (in-flight work
// finishes, terminals upload, the jobs run), results are written, and the
// command exits 128 + the signal (130, 143). A second one ends the process
// at once (the default action); what SQLite committed stays.

#include <atomic>
#include <csignal>

namespace retailsim {

class stop_signals {
public:
  /// Catches SIGINT and SIGTERM until destroyed.
  stop_signals();
  ~stop_signals();

  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  /// The signal caught first, 0 while none was.
  static const std::atomic<int>& caught();

private:
  struct sigaction old_int_;
  struct sigaction old_term_;
};

/// The exit code of a command stopped by `signal`: 128 + its number.
inline int exit_code_of_signal(int signal) {
  return 128 + signal;
}

} // namespace retailsim
