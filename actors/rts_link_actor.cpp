#include "actors/rts_link_actor.hpp"

#include <algorithm>
#include <tuple>

#include "caf/sec.hpp"

#include "model/error.hpp"

namespace retailsim {

namespace {

using self_ptr = rts_link_self::stateful_pointer<rts_link_state>;

caf::error down_error(self_ptr self) {
  return make_error(ec::rts_unavailable, "rts",
                    "link " + self->state.cfg.store_id + " <-> HQ is down");
}

/// CAF's request time-out becomes the domain's rts_timeout.
caf::error translate(self_ptr self, const caf::error& err) {
  if (err == caf::sec::request_timeout)
    return make_error(ec::rts_timeout, "rts",
                      "HQ did not answer " + self->state.cfg.store_id
                        + " within the call time-out");
  return err;
}

void emit(self_ptr self, event_body what) {
  self->state.cfg.env.emit(self->clock(), std::move(what));
}

/// The caller of a lost call gets the link's time-out, `after` from now,
/// as it would if the network had swallowed it.
template <class Promise>
void time_out_later(self_ptr self, Promise promise, caf::timespan after) {
  auto& st = self->state;
  auto id = st.next_call++;
  st.in_flight.emplace(id, [self, promise]() mutable {
    promise.deliver(translate(self, caf::sec::request_timeout));
  });
  self->delayed_send(self, std::max(caf::timespan{0}, after), atom::done_v,
                     id);
}

/// Sends the call `make_call(until)` gives (a tuple of message elements)
/// to HQ once the network latency has passed, and hands HQ's answer (or
/// the link's failure) to the caller. The link waits for HQ until `until`:
/// its own time-out from then, or the caller's deadline if that comes
/// first; a Sync creation carries that moment to HQ, which commits only if
/// its answer arrives before it. A call whose deadline passed on the way
/// is not forwarded. The epoch: no deadline.
template <class T, class MakeCall>
caf::result<T> forward_call(self_ptr self, caf::timestamp deadline,
                            MakeCall make_call) {
  auto& st = self->state;
  if (st.availability == link_availability::down)
    return down_error(self);
  auto promise = self->make_response_promise<T>();
  auto latency = st.cfg.latency.sample(st.rng);
  if (st.availability == link_availability::slow)
    latency = caf::timespan{static_cast<int64_t>(
      static_cast<double>(latency.count()) * st.cfg.slow_factor)};
  // Drawn as the call is made, so that a dropping link loses the same
  // calls in every run of a seed.
  enum class loss { none, request, answer } lost = loss::none;
  if (st.availability == link_availability::dropping
      && st.rng.chance(st.drop_share))
    lost = st.rng.chance(0.5) ? loss::request : loss::answer;
  auto id = st.next_call++;
  st.in_flight.emplace(id, [self, promise, deadline, lost,
                            make_call = std::move(make_call)]() mutable {
    auto& st = self->state;
    if (st.availability == link_availability::down) {
      promise.deliver(down_error(self));
      return;
    }
    auto now = st.cfg.env.clock.now(self->clock());
    auto timeout = st.cfg.call_timeout;
    if (deadline != caf::timestamp{}) {
      if (deadline <= now) {
        promise.deliver(make_error(ec::deadline_exceeded, "rts",
                                   "the call crossed the network after its "
                                   "deadline; not forwarded to HQ"));
        return;
      }
      timeout = std::min(timeout, deadline - now);
    }
    // A lost call: the link waits out its time-out for an answer that
    // does not come.
    if (lost == loss::request) {
      emit(self, ev::rts_call_dropped{false});
      time_out_later(self, promise, timeout);
      return;
    }
    // HQ acted on it; its answer (or its error) is lost on the way back.
    auto lose_answer = [self, promise, sent = now, timeout]() mutable {
      emit(self, ev::rts_call_dropped{true});
      auto waited = self->state.cfg.env.clock.now(self->clock()) - sent;
      time_out_later(self, promise, timeout - waited);
    };
    std::apply(
      [&](auto&&... xs) {
        self->request(st.hq, timeout, std::move(xs)...)
          .then(
            [promise, lost, lose_answer](T& answer) mutable {
              if (lost == loss::answer)
                lose_answer();
              else
                promise.deliver(std::move(answer));
            },
            [self, promise, lost, lose_answer](caf::error& err) mutable {
              if (lost == loss::answer && !(err == caf::sec::request_timeout))
                lose_answer();
              else
                promise.deliver(translate(self, err));
            });
      },
      make_call(now + timeout));
  });
  self->delayed_send(self, latency, atom::done_v, id);
  return promise;
}

/// A call without a deadline.
template <class T, class... Ts>
caf::result<T> forward(self_ptr self, Ts... xs) {
  return forward_call<T>(self, caf::timestamp{},
                         [xs...](caf::timestamp) mutable {
                           return std::make_tuple(std::move(xs)...);
                         });
}

} // namespace

rts_link_self::behavior_type
rts_link(rts_link_self::stateful_pointer<rts_link_state> self,
         rts_link_config cfg, hq_actor hq) {
  auto& st = self->state;
  st.rng = actor_rng{cfg.env.seed, "rts:" + cfg.store_id};
  st.cfg = std::move(cfg);
  st.hq = std::move(hq);
  return {
    [=](atom::create, hq_create_request& req) -> caf::result<customer> {
      auto deadline = req.deadline;
      return forward_call<customer>(
        self, deadline,
        [req = std::move(req)](caf::timestamp until) mutable {
          req.deadline = until;
          return std::make_tuple(atom::create_v, std::move(req));
        });
    },
    [=](atom::search, search_query& query,
        std::string& region) -> caf::result<std::vector<customer>> {
      return forward<std::vector<customer>>(self, atom::search_v,
                                            std::move(query),
                                            std::move(region));
    },
    [=](atom::select, std::string& account,
        std::string& address_book) -> caf::result<customer> {
      return forward<customer>(self, atom::select_v, std::move(account),
                               std::move(address_book));
    },
    [=](atom::edit, customer& record,
        std::string& changed_by) -> caf::result<customer> {
      return forward<customer>(self, atom::edit_v, std::move(record),
                               std::move(changed_by));
    },
    [=](atom::history,
        std::string& account) -> caf::result<std::vector<change_record>> {
      return forward<std::vector<change_record>>(self, atom::history_v,
                                                 std::move(account));
    },
    [=](atom::merge, std::string& survivor, std::string& duplicate,
        std::string& merged_by,
        std::string& address_book) -> caf::result<customer> {
      return forward<customer>(self, atom::merge_v, std::move(survivor),
                               std::move(duplicate), std::move(merged_by),
                               std::move(address_book));
    },
    [=](atom::duplicates,
        std::string& account) -> caf::result<std::vector<customer>> {
      return forward<std::vector<customer>>(self, atom::duplicates_v,
                                            std::move(account));
    },
    [=](atom::review) -> caf::result<std::vector<duplicate_pair>> {
      return forward<std::vector<duplicate_pair>>(self, atom::review_v);
    },
    [=](atom::purchases, std::string& customer_ref)
      -> caf::result<std::vector<sale_transaction>> {
      return forward<std::vector<sale_transaction>>(self, atom::purchases_v,
                                                    std::move(customer_ref));
    },
    [=](atom::link, link_availability availability, double drop_share) {
      self->state.availability = availability;
      self->state.drop_share = drop_share;
    },
    [=](atom::done, uint64_t id) {
      auto& st = self->state;
      auto i = st.in_flight.find(id);
      if (i == st.in_flight.end())
        return;
      auto call = std::move(i->second);
      st.in_flight.erase(i);
      call();
    },
  };
}

} // namespace retailsim
