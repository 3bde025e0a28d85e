#include "actors/rts_link_actor.hpp"

#include "caf/sec.hpp"

#include "model/error.hpp"

namespace retailsim {

namespace {

using self_ptr = rts_link_actor::stateful_pointer<rts_link_state>;

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

/// Books a call: it reaches HQ once the network latency has passed.
uint64_t book(self_ptr self) {
  auto& st = self->state;
  auto latency = st.cfg.latency.sample(st.rng);
  if (st.availability == link_availability::slow)
    latency = caf::timespan{static_cast<int64_t>(
      static_cast<double>(latency.count()) * st.cfg.slow_factor)};
  auto id = st.next_call++;
  self->delayed_send(self, latency, atom::done_v, id);
  return id;
}

} // namespace

rts_link_actor::behavior_type
rts_link(rts_link_actor::stateful_pointer<rts_link_state> self,
         rts_link_config cfg, hq_actor hq) {
  auto& st = self->state;
  st.rng = actor_rng{cfg.seed, "rts:" + cfg.store_id};
  st.cfg = std::move(cfg);
  st.hq = std::move(hq);
  return {
    [=](atom::create, hq_create_request& req) -> caf::result<customer> {
      if (self->state.availability == link_availability::down)
        return down_error(self);
      auto promise = self->make_response_promise<customer>();
      self->state.creates.emplace(book(self),
                                  rts_link_state::create_call{promise,
                                                              std::move(req)});
      return promise;
    },
    [=](atom::search, search_query& query,
        std::string& region) -> caf::result<std::vector<customer>> {
      if (self->state.availability == link_availability::down)
        return down_error(self);
      auto promise = self->make_response_promise<std::vector<customer>>();
      self->state.searches.emplace(
        book(self),
        rts_link_state::search_call{promise, std::move(query),
                                    std::move(region)});
      return promise;
    },
    [=](atom::link, link_availability availability) {
      self->state.availability = availability;
    },
    [=](atom::done, uint64_t id) {
      auto& st = self->state;
      bool down = st.availability == link_availability::down;
      if (auto i = st.creates.find(id); i != st.creates.end()) {
        auto call = std::move(i->second);
        st.creates.erase(i);
        if (down) {
          call.promise.deliver(down_error(self));
          return;
        }
        auto promise = call.promise;
        self->request(st.hq, st.cfg.call_timeout, atom::create_v,
                      std::move(call.request))
          .then([promise](customer& c) mutable { promise.deliver(std::move(c)); },
                [self, promise](caf::error& err) mutable {
                  promise.deliver(translate(self, err));
                });
        return;
      }
      if (auto i = st.searches.find(id); i != st.searches.end()) {
        auto call = std::move(i->second);
        st.searches.erase(i);
        if (down) {
          call.promise.deliver(down_error(self));
          return;
        }
        auto promise = call.promise;
        self->request(st.hq, st.cfg.call_timeout, atom::search_v,
                      std::move(call.query), std::move(call.region))
          .then(
            [promise](std::vector<customer>& found) mutable {
              promise.deliver(std::move(found));
            },
            [self, promise](caf::error& err) mutable {
              promise.deliver(translate(self, err));
            });
      }
    },
  };
}

} // namespace retailsim
