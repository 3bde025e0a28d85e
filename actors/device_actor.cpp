#include "actors/device_actor.hpp"

#include <algorithm>

#include "hardware-sim/device_data.hpp"
#include "hardware-sim/generators.hpp"
#include "model/error.hpp"

namespace retailsim {

const char* to_string(device_kind x) {
  return x == device_kind::msr ? "msr" : "scanner";
}

namespace {

using self_ptr = device_self::stateful_pointer<device_state_data>;

void emit(self_ptr self, input_channel channel, device_outcome outcome) {
  self->state.cfg.env.emit(self->clock(), ev::device_input{channel, outcome});
}

caf::error unavailable(self_ptr self, const std::string& why) {
  return make_error(ec::device_unavailable, self->state.cfg.device_id, why);
}

/// What the document carries, from who holds it.
hw::document_holder holder_of(const customer_draft& draft) {
  const auto& p = draft.profile;
  hw::document_holder out;
  out.family_name = p.last_name.empty() ? p.name : p.last_name;
  out.first_name = p.first_name;
  out.middle_name = p.middle_name;
  out.date_of_birth = p.date_of_birth;
  if (!p.addresses.empty()) {
    const auto& a = p.addresses.front();
    out.street = a.street;
    out.city = a.city;
    out.state = a.state;
    out.postal_code = a.zip;
  }
  return out;
}

/// The fields a creation is prefilled with: only the name from a card,
/// name, address and date of birth from a licence (seed 004).
customer_draft prefill_of(const hw::device_reading& x) {
  customer_draft out;
  auto& p = out.profile;
  if (x.format == hw::device_format::bank_card) {
    const auto& given = x.card.given_names;
    auto space = given.find(' ');
    p.first_name = given.substr(0, space);
    if (space != std::string::npos)
      p.middle_name = given.substr(space + 1);
    p.last_name = x.card.family_name;
    return out;
  }
  const auto& l = x.id;
  p.first_name = l.first_name;
  p.middle_name = l.middle_name;
  p.last_name = l.family_name;
  p.date_of_birth = l.date_of_birth;
  postal_address a;
  a.street = l.street;
  a.city = l.city;
  a.state = l.state;
  a.zip = l.postal_code;
  a.country = l.country;
  a.primary = true;
  p.addresses.push_back(std::move(a));
  return out;
}

hw::device_format format_of(input_channel channel) {
  switch (channel) {
    case input_channel::licence_swipe: return hw::device_format::licence_stripe;
    case input_channel::licence_scan: return hw::device_format::licence_barcode;
    default: return hw::device_format::bank_card;
  }
}

/// A data event: DataEventEnabled reset (and DeviceEnabled with
/// AutoDisable), then the terminal searched by the name read, as a cashier
/// would type it, and the application answered.
void deliver(self_ptr self, customer_draft prefill,
             caf::typed_response_promise<device_result> promise) {
  auto& u = self->state.upos;
  u.data_event_enabled = false;
  if (u.auto_disable)
    u.device_enabled = false;
  ++u.data_count;
  customer shown;
  shown.profile = prefill.profile;
  search_query query{display_name(shown), search_field::name};
  self->request(self->state.terminal, caf::infinite, atom::search_v, query)
    .then(
      [promise, prefill](std::vector<customer>& found) mutable {
        promise.deliver(device_result{std::move(found), std::move(prefill)});
      },
      [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
}

/// The swipe or scan itself: the document's bytes made, faulted, decoded,
/// and wiped. Only the decoded fields go on.
void read_document(self_ptr self, const device_read& request,
                   hw::device_fault fault,
                   caf::typed_response_promise<device_result> promise) {
  auto& st = self->state;
  hw::draw_fn draw = [self] { return self->state.rng.next(); };
  auto holder = hw::complete(holder_of(request.holder), draw);
  std::string raw;
  switch (request.channel) {
    case input_channel::licence_swipe:
      raw = hw::draw_licence_swipe(holder, draw);
      break;
    case input_channel::licence_scan:
      raw = hw::draw_licence_barcode(holder, draw);
      break;
    default:
      raw = hw::draw_bank_card_swipe(holder, draw);
  }
  raw = hw::apply_fault(std::move(raw), request.channel, fault, draw);
  auto reading = hw::decode_device_data(raw, format_of(request.channel));
  // The track data and card number go no further than this function.
  std::fill(raw.begin(), raw.end(), '\0');
  if (!reading) {
    // An error event: DataEventEnabled is reset as after a data event.
    st.upos.data_event_enabled = false;
    auto outcome = fault == hw::device_fault::partial
                     ? device_outcome::partial
                   : fault == hw::device_fault::wrong_format
                     ? device_outcome::wrong_format
                     : device_outcome::misread;
    emit(self, request.channel, outcome);
    promise.deliver(reading.error());
    return;
  }
  auto prefill = prefill_of(*reading);
  emit(self, request.channel, device_outcome::delivered);
  if (st.upos.freeze_events) {
    st.held.push_back({std::move(prefill), std::move(promise)});
    return;
  }
  deliver(self, std::move(prefill), std::move(promise));
}

} // namespace

device_self::behavior_type
device(device_self::stateful_pointer<device_state_data> self,
       device_config cfg, terminal_actor terminal) {
  auto& st = self->state;
  st.rng = actor_rng{cfg.env.seed, cfg.device_id};
  st.cfg = std::move(cfg);
  st.terminal = std::move(terminal);
  return {
    [self](atom::set, device_property property,
           bool on) -> caf::result<device_state> {
      auto& u = self->state.upos;
      switch (property) {
        case device_property::open:
          if (on) {
            u.open = true;
          } else {
            auto count = u.data_count;
            u = device_state{};
            u.data_count = count;
          }
          break;
        case device_property::claimed:
          if (on && !u.open)
            return unavailable(self, "claim: the device is not open");
          u.claimed = on;
          if (!on)
            u.device_enabled = false;
          break;
        case device_property::device_enabled:
          if (on && !u.claimed)
            return unavailable(self, "enable: the device is not claimed");
          u.device_enabled = on;
          break;
        case device_property::data_event_enabled:
          u.data_event_enabled = on;
          break;
        case device_property::freeze_events:
          u.freeze_events = on;
          if (!on) {
            auto held = std::move(self->state.held);
            self->state.held.clear();
            for (auto& h : held)
              deliver(self, std::move(h.prefill), std::move(h.promise));
          }
          break;
        case device_property::auto_disable:
          u.auto_disable = on;
          break;
      }
      return u;
    },
    [self](atom::read, device_read& request) -> caf::result<device_result> {
      auto& st = self->state;
      const auto& u = st.upos;
      if (!u.device_enabled || !u.data_event_enabled) {
        emit(self, request.channel, device_outcome::not_enabled);
        return unavailable(self, u.device_enabled ? "data events are disabled"
                                                  : "not enabled");
      }
      // One draw decides this read's fault, by the configured shares.
      const auto& f = st.cfg.faults;
      auto u01 = st.rng.uniform();
      auto fault = hw::device_fault::none;
      for (auto [share, kind] :
           {std::pair{f.offline, hw::device_fault::offline},
            std::pair{f.stall, hw::device_fault::stall},
            std::pair{f.misread, hw::device_fault::misread},
            std::pair{f.partial, hw::device_fault::partial},
            std::pair{f.wrong_format, hw::device_fault::wrong_format}}) {
        if (u01 < share) {
          fault = kind;
          break;
        }
        u01 -= share;
      }
      if (fault == hw::device_fault::offline) {
        emit(self, request.channel, device_outcome::offline);
        return unavailable(self, "offline");
      }
      auto promise = self->make_response_promise<device_result>();
      // A stall keeps the application waiting for its whole time.
      auto delay = fault == hw::device_fault::stall
                     ? st.cfg.faults.stall_time
                     : st.cfg.read_time.sample(st.rng);
      auto id = st.next_read++;
      st.pending.emplace(id, device_state_data::pending_read{
                               std::move(request), fault, promise});
      self->delayed_send(self, delay, atom::tick_v, id);
      return promise;
    },
    [self](atom::tick, uint64_t id) {
      auto& st = self->state;
      auto i = st.pending.find(id);
      if (i == st.pending.end())
        return;
      auto x = std::move(i->second);
      st.pending.erase(i);
      if (x.fault == hw::device_fault::stall) {
        emit(self, x.request.channel, device_outcome::stalled);
        x.promise.deliver(unavailable(self, "stalled"));
        return;
      }
      read_document(self, x.request, x.fault, std::move(x.promise));
    },
    [self](atom::status) { return self->state.upos; },
  };
}

} // namespace retailsim
