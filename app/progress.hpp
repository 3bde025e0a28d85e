#pragma once

// The live progress line of `retailsim run`: simulated and wall time,
// operations, the Async backlog still pending, Sync p99 and the time left.
// On a terminal it rewrites one line; otherwise it prints nothing unless
// asked (--progress), and then a line every few seconds.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "metrics/run_recorder.hpp"

namespace retailsim {

/// What one progress line says, from the recorder's results so far.
std::string progress_line(const run_results& r, caf::timespan duration,
                          double wall_seconds);

class progress_printer {
public:
  /// Starts printing to `out` until destroyed. `on_terminal`: rewrite one
  /// line every half second; else a line every 5 seconds.
  progress_printer(std::shared_ptr<const run_recorder> recorder,
                   caf::timespan duration, std::ostream& out,
                   bool on_terminal);
  ~progress_printer();

private:
  void loop();

  std::shared_ptr<const run_recorder> recorder_;
  caf::timespan duration_;
  std::ostream& out_;
  bool on_terminal_;
  std::mutex mtx_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

} // namespace retailsim
