#include "app/stop_signals.hpp"

#include <signal.h>

namespace retailsim {

namespace {

std::atomic<int> first_caught{0};

static_assert(std::atomic<int>::is_always_lock_free,
              "set from a signal handler");

extern "C" void on_stop_signal(int signal) {
  int none = 0;
  first_caught.compare_exchange_strong(none, signal);
  // The next SIGINT or SIGTERM, whichever, takes its default action.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigaction(SIGINT, &default_action, nullptr);
  sigaction(SIGTERM, &default_action, nullptr);
}

} // namespace

stop_signals::stop_signals() {
  first_caught = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
  // A sweep starts its runs with the two blocked, so that a stop it passes
  // on before a run got here waits for this handler instead of killing it.
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &stops, nullptr);
}

stop_signals::~stop_signals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

const std::atomic<int>& stop_signals::caught() {
  return first_caught;
}

} // namespace retailsim
