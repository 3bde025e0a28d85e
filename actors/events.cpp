#include "actors/events.hpp"

#include "model/error.hpp"

namespace retailsim {

event_sink::~event_sink() {
  // nop
}

const char* to_string(event_kind x) {
  switch (x) {
    case event_kind::customer_created: return "customer_created";
    case event_kind::create_failed: return "create_failed";
    case event_kind::rts_fallback: return "rts_fallback";
    case event_kind::search: return "search";
    case event_kind::sale_recorded: return "sale_recorded";
    case event_kind::anonymous_sale: return "anonymous_sale";
    case event_kind::terminal_offline: return "terminal_offline";
    case event_kind::terminal_online: return "terminal_online";
    case event_kind::hq_served: return "hq_served";
    case event_kind::hq_refused: return "hq_refused";
    case event_kind::pjob_cycle: return "pjob_cycle";
    case event_kind::async_sync_cycle: return "async_sync_cycle";
    case event_kind::dist_1010_cycle: return "dist_1010_cycle";
    case event_kind::customer_converted: return "customer_converted";
    case event_kind::operation_error: return "operation_error";
  }
  return "?";
}

uint8_t event_detail(const caf::error& err) {
  return static_cast<uint8_t>(error_code(err));
}

uint64_t event_key(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

} // namespace retailsim
