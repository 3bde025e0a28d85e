#include "app/progress.hpp"

#include <chrono>
#include <cstdio>

namespace retailsim {

namespace {

std::string clock_text(double seconds) {
  auto s = static_cast<long long>(seconds);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld", s / 3600,
                (s / 60) % 60, s % 60);
  return buf;
}

} // namespace

std::string progress_line(const run_results& r, caf::timespan duration,
                          double wall_seconds) {
  auto sim = std::chrono::duration<double>(r.simulated).count();
  auto total = std::chrono::duration<double>(duration).count();
  uint64_t operations = 0;
  for (const auto& op : r.operations)
    for (auto n : op)
      operations += n;
  uint64_t acknowledged_pending = r.created[1] + r.created[2];
  auto pending = acknowledged_pending > r.converted_at_channels
                   ? acknowledged_pending - r.converted_at_channels
                   : 0;
  char buf[256];
  auto p99 = r.sync_create.count() == 0
               ? std::string{"-"}
               : std::to_string(r.sync_create.quantile(0.99) / 1'000'000)
                   + " ms";
  // The rest of the day at the pace so far (closing comes after).
  std::string eta = "-";
  if (sim > 0 && sim < total)
    eta = clock_text(wall_seconds * (total - sim) / sim);
  std::snprintf(buf, sizeof(buf),
                "sim %s / %s  wall %.1f s  ops %llu  pending %llu  sync p99 "
                "%s  ETA %s",
                clock_text(sim).c_str(), clock_text(total).c_str(),
                wall_seconds, static_cast<unsigned long long>(operations),
                static_cast<unsigned long long>(pending), p99.c_str(),
                eta.c_str());
  return buf;
}

progress_printer::progress_printer(
  std::shared_ptr<const run_recorder> recorder, caf::timespan duration,
  std::ostream& out, bool on_terminal)
  : recorder_(std::move(recorder)),
    duration_(duration),
    out_(out),
    on_terminal_(on_terminal) {
  thread_ = std::thread{[this] { loop(); }};
}

progress_printer::~progress_printer() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (on_terminal_)
    out_ << "\r\033[K" << std::flush;  // the summary takes the line's place
}

void progress_printer::loop() {
  using clock = std::chrono::steady_clock;
  auto started = clock::now();
  auto every = on_terminal_ ? std::chrono::milliseconds(500)
                            : std::chrono::milliseconds(5000);
  std::unique_lock<std::mutex> lock{mtx_};
  while (!cv_.wait_for(lock, every, [this] { return stop_; })) {
    auto wall = std::chrono::duration<double>(clock::now() - started).count();
    auto line = progress_line(recorder_->results(), duration_, wall);
    if (on_terminal_)
      out_ << "\r\033[K" << line << std::flush;
    else
      out_ << "progress: " << line << std::endl;
  }
}

} // namespace retailsim
