#include "actors/cashier_actor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "model/error.hpp"
#include "model/identity.hpp"

namespace retailsim {

namespace {

using self_ptr = cashier_self::stateful_pointer<cashier_state>;

template <class T>
using then_fn = std::function<void(caf::expected<T>)>;

void emit(self_ptr self, event_body what) {
  self->state.cfg.env.emit(self->clock(), std::move(what));
}

/// Sends one input to the terminal and hands its answer to `k`. No
/// time-out: the terminal answers every input itself (offline when its
/// store does not answer within its own time-out), and a request without
/// one costs the actor clock no timer (a million of them a day).
template <class T, class... Ts>
void ask_terminal(self_ptr self, then_fn<T> k, Ts&&... xs) {
  self->request(self->state.terminal, caf::infinite, std::forward<Ts>(xs)...)
    .then([k](T& value) { k(std::move(value)); },
          [k](caf::error& err) { k(std::move(err)); });
}

/// Who works the till: the terminal's cashier.
staff_member cashier_of(self_ptr self) {
  return {self->state.cfg.terminal_id, staff_role::cashier};
}

constexpr const char* first_names[] = {
  "Ann", "Bob", "Carla", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan",
  "Jose\xCC\x81", "Kim", "Lena", "Mo", "Nia", "Omar", "Pia", "Quinn", "Rosa",
  "Sam", "Tariq", "Uma", "Vic", "Wen", "Xavi", "Yara", "Zoe"};
constexpr const char* last_names[] = {
  "Smith", "Garcia", "Nguyen", "M\xC3\xBCller", "Kowalski", "O'Brien", "Chen",
  "Okafor", "Rossi", "Haddad", "Silva", "Novak", "Tanaka", "Dubois", "Lee"};
constexpr const char* area_codes[] = {"707", "415", "212", "312",
                                      "617", "206", "303", "512"};
constexpr const char* companies[] = {"Acme Wines", "Globex Catering",
                                     "Initech Supplies", "Vandelay Imports"};
constexpr const char* streets[] = {"1 Main St", "22 Oak Ave", "303 Pine Rd",
                                   "48 Elm St", "5 Harbor Way"};
constexpr const char* cities[] = {"Santa Rosa", "Oakland", "Portland",
                                  "Austin", "Boston"};
constexpr const char* segments[] = {"Regular", "VIP", "Wholesale"};
constexpr const char* tiers[] = {"Silver", "Gold", "Platinum"};

template <class T, size_t N>
const T& pick(actor_rng& rng, const T (&xs)[N]) {
  return xs[rng.below(N)];
}

std::string new_phone(actor_rng& rng) {
  auto exchange = 200 + rng.below(800);
  if (exchange == 555 || exchange % 100 == 11)
    exchange += 1;
  char buf[32];
  snprintf(buf, sizeof(buf), "(%s) %03u-%04u", pick(rng, area_codes),
           static_cast<unsigned>(exchange),
           static_cast<unsigned>(rng.below(10000)));
  return buf;
}

std::string ref_of(const customer& c) {
  return is_pending(c.id) ? c.id.async_guid : c.id.account_number;
}

/// Whether `c` is the customer the terminal knows as `k`.
bool is_known_as(const customer& c, const known_customer& k) {
  return c.id.async_guid == k.ref || c.id.account_number == k.ref
         || (!k.phone.empty() && !c.profile.phones.empty()
             && c.profile.phones.front().number == k.phone);
}

known_customer known_of(const customer& c) {
  known_customer k;
  k.ref = ref_of(c);
  k.name = display_name(c);
  k.company = c.profile.business.company_name;
  if (!c.profile.phones.empty())
    k.phone = c.profile.phones.front().number;
  if (!c.profile.emails.empty())
    k.email = c.profile.emails.front().address;
  if (c.loyalty)
    k.card = c.loyalty->card_number;
  return k;
}

void remember(self_ptr self, const customer& c) {
  auto& known = self->state.known;
  auto k = known_of(c);
  for (auto& x : known)
    if (is_known_as(c, x)) {
      x = std::move(k);
      return;
    }
  if (known.size() < 64)
    known.push_back(std::move(k));
  else
    known[self->state.rng.below(known.size())] = std::move(k);
}

/// What every identity this cashier makes (transaction ids, loyalty cards,
/// emails) begins with: its terminal's id and the run's tag, unique across
/// runs over one HQ database.
std::string id_prefix(self_ptr self) {
  const auto& cfg = self->state.cfg;
  return cfg.terminal_id + "-" + cfg.env.run_tag;
}

std::string new_email(self_ptr self) {
  auto& st = self->state;
  return "c" + std::to_string(st.creations) + "." + id_prefix(self)
         + "@example.com";
}

/// Traveller n of the pool: drawn from the run's seed and n alone, so that
/// every cashier makes the same person of n.
cashier_state::traveller_person traveller_of(self_ptr self, uint64_t n) {
  actor_rng rng{self->state.cfg.env.seed, "traveller:" + std::to_string(n)};
  cashier_state::traveller_person p;
  p.first_name = pick(rng, first_names);
  p.last_name = pick(rng, last_names);
  p.phone = new_phone(rng);
  p.email = "traveller" + std::to_string(n) + "@example.com";
  return p;
}

/// Quick add (seed 004): name, phone and, most of the time, an email.
customer_draft quick_draft(self_ptr self, const std::string& phone) {
  auto& st = self->state;
  customer_draft d;
  d.profile.first_name = pick(st.rng, first_names);
  d.profile.last_name = pick(st.rng, last_names);
  if (st.traveller) {
    d.profile.first_name = st.traveller->first_name;
    d.profile.last_name = st.traveller->last_name;
  }
  // Seed 000: the customer's choice about marketing, per contact.
  d.profile.phones.push_back(
    {phone, true,
     marketing_consent{st.rng.chance(0.3), st.cfg.terminal_id,
                       st.cfg.env.clock.now(self->clock()), "pos"}});
  if (st.traveller) {
    d.profile.emails.push_back(
      {st.traveller->email, true,
       marketing_consent{st.rng.chance(0.5), st.cfg.terminal_id,
                         st.cfg.env.clock.now(self->clock()), "pos"}});
  } else if (st.rng.chance(0.8))
    d.profile.emails.push_back(
      {new_email(self), true,
       marketing_consent{st.rng.chance(0.5), st.cfg.terminal_id,
                         st.cfg.env.clock.now(self->clock()), "pos"}});
  ++st.creations;
  return d;
}

/// The full wizard (seed 002): type, business profile, address,
/// preferences, segment and notes besides the quick-add fields.
customer_draft wizard_draft(self_ptr self, const std::string& phone) {
  auto& st = self->state;
  auto d = quick_draft(self, phone);
  auto& p = d.profile;
  if (st.rng.chance(st.cfg.model.mix.business)) {
    d.type = customer_type::organization;
    p.name = std::string{pick(st.rng, companies)} + " "
             + std::to_string(st.creations);
    p.business.company_name = p.name;
    p.business.business_type = "LLC";
    p.business.payment_terms = "Net30";
    p.customer_group = st.cfg.model.business_group;
  }
  postal_address a;
  a.street = pick(st.rng, streets);
  a.city = pick(st.rng, cities);
  a.zip = std::to_string(10000 + st.rng.below(89999));
  p.addresses.push_back(std::move(a));
  p.segment = pick(st.rng, segments);
  p.language = "en-US";
  p.receipt = receipt_option::email;
  p.notes = "Prefers weekend delivery";
  return d;
}

sale_transaction new_sale(self_ptr self, const std::string& customer_ref) {
  auto& st = self->state;
  sale_transaction s;
  s.transaction_id = id_prefix(self) + "-" + std::to_string(st.sales++);
  s.store_id = st.cfg.store_id;
  s.terminal_id = st.cfg.terminal_id;
  s.customer_ref = customer_ref;
  s.occurred_at = st.cfg.env.clock.now(self->clock());
  auto lines = 1 + st.rng.below(3);
  auto total = static_cast<int64_t>(st.cfg.model.amount.draw(st.rng) * 100);
  for (uint64_t i = 0; i < lines; ++i) {
    char sku[16];
    snprintf(sku, sizeof(sku), "SKU-%04u",
             static_cast<unsigned>(st.rng.below(200)));
    s.lines.push_back({sku, 1, total / static_cast<int64_t>(lines)});
  }
  s.amount_cents = total;
  return s;
}

void next_step(self_ptr self, session_step step, caf::timespan delay) {
  auto& st = self->state;
  if (st.stopping) {
    // The step in flight has ended: closing may go on.
    if (st.stopped.pending())
      st.stopped.deliver(true);
    return;
  }
  st.idle = true;
  st.step = step;
  self->delayed_send(self, delay, atom::tick_v);
}

void think_then(self_ptr self, session_step step) {
  auto& st = self->state;
  next_step(self, step, st.cfg.model.think.sample(st.rng));
}

double seconds(caf::timespan x) {
  return std::chrono::duration<double>(x).count();
}

caf::timespan timespan_of(double s) {
  return std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double>(s));
}

/// Open model: the next customer's arrival, by thinning a Poisson process
/// at the day's peak rate (Lewis and Shedler): deterministic for a seed.
void schedule_arrival(self_ptr self) {
  auto& st = self->state;
  const auto& a = st.cfg.model.arrivals;
  auto peak = a.peak() * st.cfg.rate_share;
  if (peak <= 0)
    return;
  auto now = st.cfg.env.clock.elapsed(self->clock());
  auto t = seconds(now);
  auto horizon = t + 86400;
  while (t < horizon) {
    t += -std::log(1 - st.rng.uniform()) / peak;
    if (st.rng.uniform() * peak
        < a.rate_at(timespan_of(t)) * st.cfg.rate_share) {
      self->delayed_send(self, timespan_of(t) - now, atom::arrive_v);
      return;
    }
  }
}

/// The cashier is free: the next customer in line, if any (open model), or
/// the next transaction after the session gap (closed).
void end_session(self_ptr self) {
  auto& st = self->state;
  if (st.cfg.model.model == load_model::closed) {
    next_step(self, session_step::begin,
              st.cfg.model.session_gap.sample(st.rng));
    return;
  }
  if (st.stopping) {
    if (st.stopped.pending())
      st.stopped.deliver(true);
    return;
  }
  if (!st.line.empty()) {
    next_step(self, session_step::begin, caf::timespan{0});
    return;
  }
  st.waiting_for_customer = true;
  st.idle = true;
}

/// Reports a store operation of the cashier model (`found`: a search
/// found something).
void record_op(self_ptr self, store_op op, caf::actor_clock::time_point start,
               const caf::error& err, bool found = false) {
  auto& st = self->state;
  emit(self, ev::store_operation{st.cfg.store_index, st.cfg.terminal_index, op,
                                 outcome_of(err), event_detail(err), found,
                                 self->clock().now() - start, st.waited});
}

/// A store operation at the terminal as `who` (logged in for it, the
/// cashier again after), reported, then `k`.
template <class T, class... Ts>
void staff_call(self_ptr self, store_op op, const staff_member& who,
                then_fn<T> k, Ts... xs) {
  auto& st = self->state;
  auto start = self->clock().now();
  bool other = !(who == cashier_of(self));
  if (other)
    self->send(st.terminal, atom::login_v, who);
  ask_terminal<T>(
    self,
    [self, op, start, other, k](caf::expected<T> result) {
      if (other)
        self->send(self->state.terminal, atom::login_v, cashier_of(self));
      record_op(self, op, start, result ? caf::error{} : result.error());
      k(std::move(result));
    },
    xs...);
}

staff_member manager_of(self_ptr self) {
  return {self->state.cfg.store_id + "-MGR", staff_role::manager};
}

/// The customer of this transaction is known: on to the service step.
void select_customer(self_ptr self, const customer& c) {
  auto& st = self->state;
  st.current = c;
  remember(self, c);
  think_then(self, session_step::service);
}

/// A search of the cashier model, reported as a store operation.
void timed_search(self_ptr self, store_op op, search_query query,
                  then_fn<std::vector<customer>> k) {
  auto start = self->clock().now();
  ask_terminal<std::vector<customer>>(
    self,
    [self, op, start, k](caf::expected<std::vector<customer>> found) {
      record_op(self, op, start, found ? caf::error{} : found.error(),
                found && !found->empty());
      k(std::move(found));
    },
    atom::search_v, std::move(query));
}

/// A new customer: search by the phone they give; "no customer found"
/// leads into creation, prefilled.
void find_by_phone_or_create(self_ptr self) {
  auto& st = self->state;
  timed_search(self, store_op::search_phone, {st.phone, search_field::phone},
               [self](caf::expected<std::vector<customer>> found) {
                 if (found && !found->empty()) {
                   select_customer(self, found->front());
                   return;
                 }
                 think_then(self, session_step::create);
               });
}

/// A returning customer, looked up by one of what the cashier knows.
void find_known(self_ptr self, const known_customer& k) {
  auto& st = self->state;
  const auto& w = st.cfg.model.mix;
  struct way {
    double weight;
    store_op op;
    search_field field;
    const std::string* text;
  };
  bool has_account = !k.ref.empty() && !is_valid_guid(k.ref);
  const way ways[] = {
    {w.by_phone, store_op::search_phone, search_field::phone, &k.phone},
    {k.email.empty() ? 0 : w.by_email, store_op::search_email,
     search_field::email, &k.email},
    {k.company.empty() ? w.by_name : 0, store_op::search_name,
     search_field::name, &k.name},
    {k.company.empty() ? 0 : w.by_name, store_op::search_company,
     search_field::company, &k.company},
    {has_account ? w.by_account : 0, store_op::search_account,
     search_field::account, &k.ref},
    {k.card.empty() ? 0 : w.by_loyalty_card, store_op::search_loyalty_card,
     search_field::loyalty_card, &k.card},
  };
  double total = 0;
  for (const auto& x : ways)
    total += x.weight;
  auto roll = st.rng.uniform() * total;
  const way* chosen = &ways[0];
  for (const auto& x : ways) {
    if (roll < x.weight) {
      chosen = &x;
      break;
    }
    roll -= x.weight;
  }
  st.phone = k.phone;
  timed_search(self, chosen->op, {*chosen->text, chosen->field},
               [self, k](caf::expected<std::vector<customer>> found) {
                 if (found)
                   for (const auto& c : *found)
                     if (is_known_as(c, k)) {
                       select_customer(self, c);
                       return;
                     }
                 // Not found here (yet): a new customer after all.
                 think_then(self, session_step::create);
               });
}

/// "Search all stores": a customer of another store shops here.
void find_elsewhere(self_ptr self) {
  auto& st = self->state;
  auto name = std::string{pick(st.rng, first_names)} + " "
              + pick(st.rng, last_names);
  staff_call<std::vector<customer>>(
    self, store_op::search_all_stores, cashier_of(self),
    [self](caf::expected<std::vector<customer>> found) {
      auto& st = self->state;
      if (found && !found->empty()) {
        // The cashier picks the customer: the store adds it.
        const auto& picked = (*found)[st.rng.below(found->size())];
        staff_call<customer>(
          self, store_op::select_from_all_stores, cashier_of(self),
          [self](caf::expected<customer> selected) {
            if (selected) {
              select_customer(self, *selected);
              return;
            }
            end_session(self);
          },
          atom::select_v, picked.id.account_number);
        return;
      }
      st.phone = new_phone(st.rng);
      find_by_phone_or_create(self);
    },
    atom::search_hq_v, search_query{name, search_field::name});
}

// -- card readers and scanners (seed 004) ------------------------------------------

/// How this identified customer identifies themself: drawn only when the
/// model has devices, so that runs without them keep their traces.
input_channel draw_channel(self_ptr self) {
  auto& st = self->state;
  const auto& m = st.cfg.model.mix;
  if (!m.uses_devices())
    return input_channel::keyboard;
  std::pair<double, input_channel> ways[] = {
    {m.keyboard, input_channel::keyboard},
    {st.msr ? m.card_swipe : 0, input_channel::card_swipe},
    {st.msr ? m.licence_swipe : 0, input_channel::licence_swipe},
    {st.scanner ? m.licence_scan : 0, input_channel::licence_scan}};
  double total = 0;
  for (const auto& w : ways)
    total += w.first;
  auto roll = st.rng.uniform() * total;
  for (const auto& [weight, channel] : ways) {
    if (roll < weight)
      return channel;
    roll -= weight;
  }
  return input_channel::keyboard;
}

store_op search_op_of(input_channel channel) {
  switch (channel) {
    case input_channel::licence_swipe: return store_op::search_licence_swipe;
    case input_channel::licence_scan: return store_op::search_licence_scan;
    default: return store_op::search_card_swipe;
  }
}

/// The customer hands over a card or licence: the application enables the
/// device's data events (UnifiedPOS resets them after each event) and the
/// device reads it, then searches the terminal by the name read. A misread
/// is swiped again, twice at most; `k` gets the data event or the error.
void read_document(self_ptr self, input_channel channel, customer_draft holder,
                   then_fn<device_result> k, int attempt = 0) {
  auto& st = self->state;
  auto device = channel == input_channel::licence_scan ? *st.scanner : *st.msr;
  auto start = self->clock().now();
  auto op = search_op_of(channel);
  self
    ->request(device, caf::infinite, atom::set_v,
              device_property::data_event_enabled, true)
    .then(
      [=](device_state&) {
        self
          ->request(device, caf::infinite, atom::read_v,
                    device_read{channel, holder})
          .then(
            [=](device_result& result) {
              record_op(self, op, start, {}, !result.found.empty());
              k(std::move(result));
            },
            [=](caf::error& err) {
              record_op(self, op, start, err);
              if (error_code(err) == ec::malformed_device_data
                  && attempt < 2) {
                read_document(self, channel, holder, k, attempt + 1);
                return;
              }
              k(std::move(err));
            });
      },
      [=](caf::error& err) { k(std::move(err)); });
}

/// Who a new customer is, as their card or licence says: names drawn as
/// the keyboard's are (the licence's address and date of birth are the
/// document's own).
customer_draft new_holder(self_ptr self) {
  auto& st = self->state;
  customer_draft holder;
  holder.profile.first_name = pick(st.rng, first_names);
  holder.profile.last_name = pick(st.rng, last_names);
  return holder;
}

/// A returning customer as their card or licence names them.
customer_draft known_holder(const known_customer& k) {
  customer_draft holder;
  auto space = k.name.find(' ');
  holder.profile.first_name = k.name.substr(0, space);
  if (space != std::string::npos)
    holder.profile.last_name = k.name.substr(k.name.rfind(' ') + 1);
  return holder;
}

/// Seed 004: the customer swipes a card or licence (or has it scanned);
/// the search by the name read is automatic. A returning customer found
/// is selected; otherwise the creation is prefilled with what was read.
/// When the device fails, the cashier types instead.
void identify_by_document(self_ptr self, input_channel channel,
                          bool returning) {
  auto& st = self->state;
  caf::optional<known_customer> known;
  if (returning) {
    known = st.known[st.rng.below(st.known.size())];
    if (!known->company.empty()) {
      // A business is looked up by its company, not by a person's card.
      find_known(self, *known);
      return;
    }
  }
  auto holder = known ? known_holder(*known) : new_holder(self);
  read_document(
    self, channel, holder,
    [self, known](caf::expected<device_result> read) {
      auto& st = self->state;
      if (!read) {
        // The device let the cashier down: back to the keyboard.
        if (known) {
          find_known(self, *known);
        } else {
          st.phone = new_phone(st.rng);
          find_by_phone_or_create(self);
        }
        return;
      }
      if (known)
        for (const auto& c : read->found)
          if (is_known_as(c, *known)) {
            select_customer(self, c);
            return;
          }
      // A namesake is not this customer: "New", prefilled.
      st.prefill = std::move(read->prefill);
      st.phone = known ? known->phone : new_phone(st.rng);
      think_then(self, session_step::create);
    });
}

/// An identified transaction, once the terminal knows it began.
void session_identify(self_ptr self) {
  auto& st = self->state;
  const auto& model = st.cfg.model;
  if (st.rng.chance(model.mix.from_other_store)) {
    find_elsewhere(self);
    return;
  }
  bool returning = !st.known.empty() && !st.rng.chance(model.new_customer);
  auto channel = draw_channel(self);
  if (channel != input_channel::keyboard) {
    identify_by_document(self, channel, returning);
    return;
  }
  if (!returning) {
    // (No draw when there are no travellers: runs without them keep their
    // traces.)
    if (model.mix.travellers > 0 && st.rng.chance(model.mix.travellers)) {
      st.traveller = traveller_of(
        self, st.rng.below(std::max<size_t>(1, model.mix.traveller_pool)));
      st.phone = st.traveller->phone;
    } else {
      st.phone = new_phone(st.rng);
    }
    find_by_phone_or_create(self);
    return;
  }
  auto k = st.known[st.rng.below(st.known.size())];
  if (st.rng.chance(model.mix.skip_search)) {
    // The cashier does not search and enters the customer again: a
    // duplicate, for the manager to merge later.
    st.phone = k.phone;
    st.twin = true;
    think_then(self, session_step::create);
    return;
  }
  find_known(self, k);
}

void session_begin(self_ptr self) {
  auto& st = self->state;
  st.current = caf::none;
  st.twin = false;
  st.traveller = caf::none;
  st.prefill = caf::none;
  st.waited = caf::timespan{0};
  if (!st.line.empty()) {
    // How long the customer waited in line for the cashier.
    st.waited = st.cfg.env.clock.elapsed(self->clock()) - st.line.front();
    st.line.pop_front();
    emit(self, ev::customer_waited{st.cfg.store_index, st.cfg.terminal_index,
                                   st.waited});
  }
  if (!st.rng.chance(st.cfg.model.identified)) {
    // Counted, not sold at the terminal: nothing of a customer.
    emit(self, ev::anonymous_sale{st.cfg.store_index, st.cfg.terminal_index});
    end_session(self);
    return;
  }
  // A transaction with a customer begins: an offline terminal whose
  // reconnect interval has passed reconnects and uploads first.
  ask_terminal<bool>(
    self, [self](caf::expected<bool>) { session_identify(self); },
    atom::begin_v);
}

/// Creates the draft; the email prompt, when on, refuses once and the
/// cashier confirms the generic address.
void create_customer(self_ptr self, customer_draft draft, store_op op) {
  auto start = self->clock().now();
  ask_terminal<created_customer>(
    self,
    [self, draft, op, start](caf::expected<created_customer> created) {
      if (!created) {
        auto code = error_code(created.error());
        record_op(self, code == ec::email_prompt ? store_op::email_prompt : op,
                  start, created.error());
        // Seed 004: "Select customer" again confirms the generic address
        // (the terminal knows the same draft again).
        if (code == ec::email_prompt) {
          create_customer(self, draft, op);
          return;
        }
        end_session(self);
        return;
      }
      record_op(self, op, start, {});
      select_customer(self, created->record);
    },
    atom::create_v, draft);
}

/// A known person entered again by quick add: same name and phone, and
/// half the time the same email (strong evidence for the async-sync job's
/// merge), else another one (a pair only a person may merge).
customer_draft twin_draft(self_ptr self) {
  auto& st = self->state;
  auto draft = quick_draft(self, st.phone);
  for (const auto& k : st.known)
    if (k.phone == st.phone && k.company.empty()) {
      auto space = k.name.find(' ');
      draft.profile.first_name = k.name.substr(0, space);
      draft.profile.last_name = space == std::string::npos
                                  ? std::string{}
                                  : k.name.substr(space + 1);
      if (!k.email.empty() && !draft.profile.emails.empty()
          && st.rng.chance(0.5))
        draft.profile.emails.front().address = k.email;
      break;
    }
  return draft;
}

void session_create(self_ptr self) {
  auto& st = self->state;
  if (st.twin) {
    create_customer(self, twin_draft(self), store_op::quick_add);
    return;
  }
  bool wizard = st.rng.chance(st.cfg.model.mix.full_wizard);
  auto draft = wizard ? wizard_draft(self, st.phone)
                      : quick_draft(self, st.phone);
  if (st.prefill) {
    // Seed 004: what the card or licence gave goes into the detail screen
    // (a person's names; a licence's address and date of birth); the
    // cashier adds the rest.
    const auto& read = st.prefill->profile;
    auto& p = draft.profile;
    draft.type = customer_type::person;
    p.first_name = read.first_name;
    p.middle_name = read.middle_name;
    p.last_name = read.last_name;
    if (!read.date_of_birth.empty())
      p.date_of_birth = read.date_of_birth;
    if (!read.addresses.empty())
      p.addresses = read.addresses;
  }
  auto op = wizard ? store_op::full_wizard : store_op::quick_add;
  if (!st.rng.chance(st.cfg.model.mix.similar_check)) {
    create_customer(self, std::move(draft), op);
    return;
  }
  // Seed 004: similar customers are shown before "create new"; one with the
  // same phone is the customer.
  auto start = self->clock().now();
  ask_terminal<std::vector<customer>>(
    self,
    [self, draft, op,
     start](caf::expected<std::vector<customer>> similar) mutable {
      record_op(self, store_op::similar_check, start,
                similar ? caf::error{} : similar.error());
      if (similar)
        for (const auto& c : *similar) {
          auto keys = known_of(c);
          bool same_phone = !draft.profile.phones.empty()
                            && keys.phone == draft.profile.phones[0].number;
          if (same_phone) {
            select_customer(self, c);
            return;
          }
        }
      create_customer(self, std::move(draft), op);
    },
    atom::similar_v, draft);
}

/// One thing a cashier (or the manager) does with the customer besides
/// the sale, chosen by the model's weights; then `k`.
void service_customer(self_ptr self, std::function<void()> k);

void session_sale(self_ptr self) {
  auto& st = self->state;
  if (!st.current) {
    end_session(self);
    return;
  }
  ask_terminal<bool>(
    self,
    [self](caf::expected<bool> done) {
      if (!done)
        emit(self, ev::operation_error{event_detail(done.error())});
      end_session(self);
    },
    atom::sale_v, new_sale(self, ref_of(*st.current)));
}

/// Edits the current customer as `staff`; the stored record becomes current.
void edit_current(self_ptr self, store_op op, customer changed,
                  staff_member staff, std::function<void()> k) {
  staff_call<customer>(
    self, op, staff,
    [self, k](caf::expected<customer> stored) {
      if (stored)
        self->state.current = std::move(*stored);
      k();
    },
    atom::edit_v, std::move(changed));
}

/// The manager deactivates the customer, finds it with the status filter,
/// and reactivates it (seed 002).
void deactivate_and_back(self_ptr self, std::function<void()> k) {
  auto& st = self->state;
  auto inactive = *st.current;
  inactive.status = customer_status::inactive;
  staff_call<customer>(
    self, store_op::deactivate, manager_of(self),
    [self, k](caf::expected<customer> stored) {
      if (!stored) {
        k();
        return;
      }
      auto& st = self->state;
      st.current = *stored;
      auto phone = known_of(*stored).phone;
      search_query query{phone.empty() ? display_name(*stored) : phone,
                         phone.empty() ? search_field::name
                                       : search_field::phone,
                         status_filter::inactive};
      timed_search(
        self, store_op::search_inactive, query,
        [self, k](caf::expected<std::vector<customer>>) {
          auto& st = self->state;
          auto active = *st.current;
          active.status = customer_status::active;
          edit_current(self, store_op::reactivate, active, manager_of(self), k);
        });
    },
    atom::edit_v, inactive);
}

/// The manager merges at HQ, the older account surviving.
void merge_pair(self_ptr self, const std::string& a, const std::string& b,
                std::function<void()> k) {
  staff_call<customer>(
    self, store_op::merge, manager_of(self),
    [self, k](caf::expected<customer> merged) {
      auto& st = self->state;
      if (merged && st.current
          && st.current->id.account_number == merged->id.account_number)
        st.current = std::move(*merged);
      k();
    },
    atom::merge_v, std::min(a, b), std::max(a, b));
}

/// The manager looks for duplicates of the customer at HQ and merges one
/// that has the same phone or email (a name alone is not the same person).
void merge_duplicates(self_ptr self, std::function<void()> k) {
  auto& st = self->state;
  auto me = *st.current;
  staff_call<std::vector<customer>>(
    self, store_op::find_duplicates, manager_of(self),
    [self, k, me](caf::expected<std::vector<customer>> found) {
      if (!found) {
        k();
        return;
      }
      auto mine = known_of(me);
      for (const auto& c : *found) {
        auto other = known_of(c);
        bool same = (!mine.phone.empty() && other.phone == mine.phone)
                    || (!mine.email.empty() && other.email == mine.email);
        if (!same)
          continue;
        merge_pair(self, me.id.account_number, c.id.account_number, k);
        return;
      }
      k();
    },
    atom::duplicates_v, me.id.account_number);
}

void service_customer(self_ptr self, std::function<void()> k) {
  auto& st = self->state;
  const auto& w = st.cfg.model.mix;
  const auto& c = *st.current;
  bool pending = is_pending(c.id);
  enum class act {
    nothing, edit, address, history, purchases, loyalty, club, status,
    duplicates, read_only, affiliation, contact
  };
  const std::pair<double, act> acts[] = {
    {w.nothing, act::nothing},
    {w.edit_profile, act::edit},
    {w.add_address, act::address},
    // The change history is HQ's: there is none before conversion.
    {pending ? 0 : w.view_history, act::history},
    {w.view_purchases, act::purchases},
    {w.loyalty, act::loyalty},
    {w.join_club, act::club},
    {w.deactivate_reactivate, act::status},
    {pending ? 0 : w.duplicates, act::duplicates},
    {w.read_only_edit, act::read_only},
    {w.add_affiliation, act::affiliation},
    {w.add_contact, act::contact},
  };
  double total = 0;
  for (const auto& [weight, a] : acts)
    total += weight;
  auto roll = st.rng.uniform() * total;
  auto chosen = act::nothing;
  for (const auto& [weight, a] : acts) {
    if (roll < weight) {
      chosen = a;
      break;
    }
    roll -= weight;
  }
  auto cashier = cashier_of(self);
  auto changed = c;
  switch (chosen) {
    case act::nothing:
      // Straight on to the sale, without another pause.
      session_sale(self);
      return;
    case act::edit:
      changed.profile.segment = pick(st.rng, segments);
      edit_current(self, store_op::edit_profile, changed, cashier, k);
      return;
    case act::address: {
      postal_address a;
      a.street = pick(st.rng, streets);
      a.city = pick(st.rng, cities);
      a.zip = std::to_string(10000 + st.rng.below(89999));
      a.primary = changed.profile.addresses.empty();
      changed.profile.addresses.push_back(std::move(a));
      edit_current(self, store_op::add_address, changed, cashier, k);
      return;
    }
    case act::history:
      staff_call<std::vector<change_record>>(
        self, store_op::view_history, cashier,
        [k](caf::expected<std::vector<change_record>>) { k(); },
        atom::history_v, c.id.account_number);
      return;
    case act::purchases:
      staff_call<purchase_history>(
        self, store_op::view_purchases, cashier,
        [k](caf::expected<purchase_history>) { k(); }, atom::purchases_v,
        ref_of(c));
      return;
    case act::loyalty:
      if (changed.loyalty) {
        changed.loyalty->points += 10 + static_cast<int64_t>(st.rng.below(90));
        edit_current(self, store_op::add_loyalty_points, changed, cashier, k);
      } else {
        changed.loyalty = loyalty_card{
          "L-" + id_prefix(self) + "-" + std::to_string(st.cards++), 0};
        edit_current(self, store_op::issue_loyalty_card, changed, cashier, k);
      }
      return;
    case act::club:
      if (!changed.profile.clubs.empty()) {
        changed.profile.clubs.front().tier = pick(st.rng, tiers);
      } else {
        changed.profile.clubs.push_back({"Wine club", pick(st.rng, tiers),
                                         st.cfg.env.clock.now(self->clock())});
      }
      edit_current(self, store_op::join_club, changed, cashier, k);
      return;
    case act::affiliation:
      changed.profile.affiliations.push_back(
        "Garden club " + std::to_string(changed.profile.affiliations.size()));
      edit_current(self, store_op::add_affiliation, changed, cashier, k);
      return;
    case act::contact:
      changed.profile.phones.push_back(
        {new_phone(st.rng), false,
         marketing_consent{st.rng.chance(0.3), st.cfg.terminal_id,
                           st.cfg.env.clock.now(self->clock()), "pos"}});
      edit_current(self, store_op::add_secondary_contact, changed, cashier,
                   k);
      return;
    case act::status:
      deactivate_and_back(self, k);
      return;
    case act::duplicates:
      // First what the async-sync job flagged, else this customer's.
      staff_call<std::vector<duplicate_pair>>(
        self, store_op::review_duplicates, manager_of(self),
        [self, k](caf::expected<std::vector<duplicate_pair>> flagged) {
          if (flagged && !flagged->empty()) {
            const auto& pair = flagged->front();
            merge_pair(self, pair.candidate, pair.account_number, k);
            return;
          }
          merge_duplicates(self, k);
        },
        atom::review_v);
      return;
    case act::read_only:
      changed.profile.notes = "Edited by a trainee";
      edit_current(self, store_op::read_only_edit, changed,
                   {st.cfg.terminal_id + "-RO", staff_role::read_only}, k);
      return;
  }
}


} // namespace

const char* to_string(rate_scope x) {
  switch (x) {
    case rate_scope::terminal: return "terminal";
    case rate_scope::store: return "store";
    case rate_scope::estate: return "estate";
  }
  return "?";
}

const char* to_string(load_model x) {
  return x == load_model::open ? "open" : "closed";
}

double arrival_model::rate_at(caf::timespan t) const {
  double from = rate;
  for (const auto& s : stages) {
    if (t < s.over) {
      auto f = s.over.count() > 0 ? static_cast<double>(t.count())
                                      / static_cast<double>(s.over.count())
                                  : 1.0;
      return from + (s.to - from) * f;
    }
    t -= s.over;
    from = s.to;
  }
  return from;
}

double arrival_model::peak() const {
  double out = rate;
  for (const auto& s : stages)
    out = std::max(out, s.to);
  return out;
}

cashier_self::behavior_type
cashier(cashier_self::stateful_pointer<cashier_state> self,
        cashier_config cfg, terminal_actor terminal,
        std::vector<device_actor> devices) {
  auto& st = self->state;
  st.rng = actor_rng{cfg.env.seed, "cashier:" + cfg.terminal_id};
  st.cfg = std::move(cfg);
  st.terminal = std::move(terminal);
  // The POS application opens, claims and enables its devices once, as at
  // the start of a shift (UnifiedPOS); data events are enabled per read.
  for (size_t i = 0; i < devices.size(); ++i) {
    (i == 0 ? st.msr : st.scanner) = devices[i];
    for (auto property : {device_property::open, device_property::claimed,
                          device_property::device_enabled})
      self->request(devices[i], caf::infinite, atom::set_v, property, true)
        .then([](device_state&) {},
              [self](caf::error& err) {
                emit(self, ev::operation_error{event_detail(err)});
              });
  }
  if (st.cfg.model.model == load_model::open) {
    st.waiting_for_customer = true;
    st.idle = true;
    schedule_arrival(self);
  } else {
    end_session(self);
  }
  return {
    [=](atom::arrive) {
      auto& st = self->state;
      if (st.stopping)
        return;
      st.line.push_back(st.cfg.env.clock.elapsed(self->clock()));
      schedule_arrival(self);
      if (st.waiting_for_customer) {
        st.waiting_for_customer = false;
        next_step(self, session_step::begin, caf::timespan{0});
      }
    },
    [=](atom::stop) -> caf::result<bool> {
      auto& st = self->state;
      st.stopping = true;
      if (st.idle)
        return true;
      st.stopped = self->make_response_promise<bool>();
      return st.stopped;
    },
    [=](atom::tick) {
      auto& st = self->state;
      if (st.stopping)
        return;
      st.idle = false;
      switch (st.step) {
        case session_step::begin:
          session_begin(self);
          break;
        case session_step::create:
          session_create(self);
          break;
        case session_step::service:
          service_customer(self,
                           [self] { think_then(self, session_step::sale); });
          break;
        case session_step::sale:
          session_sale(self);
          break;
      }
    },
  };
}

} // namespace retailsim
