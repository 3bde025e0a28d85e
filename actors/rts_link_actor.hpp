#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "caf/typed_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "caf/typed_response_promise.hpp"

#include "actors/events.hpp"
#include "actors/hq_actor.hpp"
#include "actors/random.hpp"
#include "model/fwd.hpp"

namespace retailsim {

/// The Real-time Service link between one store and HQ: a network latency
/// and an availability (up, down, slow, dropping) that faults switch at run
/// time. Every call of the rts_service is forwarded to HQ after the
/// latency; it fails with rts_unavailable while the link is down and
/// rts_timeout when HQ does not answer within the call time-out. While the
/// link is dropping, each call is lost with the given probability, its
/// request before HQ sees it or (as likely) HQ's answer after HQ acted on
/// it: the caller sees rts_timeout either way, as it would on a real
/// network.
using rts_link_actor = rts_service::extend<
  // Switches the link's availability; the share of calls lost while
  // dropping (ignored otherwise).
  caf::reacts_to<atom::link, link_availability, double>>;

/// The link as it runs: its interface and the messages it sends itself.
/// Only its behavior, `rts_link`, has this type; every other actor holds
/// an `rts_link_actor`, which cannot send them.
using rts_link_self = rts_link_actor::extend<
  // Call n has crossed the network.
  caf::reacts_to<atom::done, uint64_t>>;

struct rts_link_config {
  /// Round-trip network latency per call: ~30 ms (median).
  distribution latency = distribution::lognormal(0.03, 0.4);
  /// Latency multiplier while the link is `slow`.
  double slow_factor = 20;
  /// How long the link waits for HQ before failing the call (at most
  /// until a Sync creation's deadline).
  caf::timespan call_timeout = std::chrono::seconds(7);
  std::string store_id;
  actor_env env;
};

struct rts_link_state {
  rts_link_config cfg;
  hq_actor hq;
  actor_rng rng;
  link_availability availability = link_availability::up;
  /// While dropping: the probability that a call is lost.
  double drop_share = 0;
  /// Calls crossing the network: what to do when each one arrives at HQ.
  std::unordered_map<uint64_t, std::function<void()>> in_flight;
  uint64_t next_call = 0;

  static inline const char* name = "rts_link";
};

rts_link_self::behavior_type
rts_link(rts_link_self::stateful_pointer<rts_link_state> self,
         rts_link_config cfg, hq_actor hq);

} // namespace retailsim
