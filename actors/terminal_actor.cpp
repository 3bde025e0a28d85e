#include "actors/terminal_actor.hpp"

#include <filesystem>
#include <functional>

#include "caf/sec.hpp"

#include "model/error.hpp"
#include "model/identity.hpp"
#include "model/validation.hpp"

namespace retailsim {

namespace {

using self_ptr = terminal_actor::stateful_pointer<terminal_state>;

template <class T>
using then_fn = std::function<void(caf::expected<T>)>;

void emit(self_ptr self, event_kind kind, uint8_t detail = 0,
          int64_t value = 0, uint64_t key = 0) {
  auto& st = self->state;
  st.cfg.env.emit(self->clock(), {{}, kind, detail, st.cfg.store_index,
                                   st.cfg.terminal_index, value, key});
}

/// Failures that mean "the store cannot be reached", as opposed to answers.
bool lost_connection(const caf::error& err) {
  return err == caf::sec::request_timeout
         || err == caf::sec::request_receiver_down
         || (err.category() == caf::atom("retailsim")
             && static_cast<ec>(err.code()) == ec::store_unreachable);
}

caf::error open_offline_db(self_ptr self) {
  auto& st = self->state;
  if (st.offline_db)
    return {};
  auto db = storage::offline_database::open(st.cfg.offline_db_path,
                                            st.cfg.durability);
  if (!db)
    return db.error();
  st.offline_db = std::move(*db);
  return {};
}

void go_offline(self_ptr self, const caf::error& cause) {
  auto& st = self->state;
  if (!st.online)
    return;
  st.online = false;
  st.offline_since = self->clock().now();
  emit(self, event_kind::terminal_offline, event_detail(cause));
}

void finish_flush(self_ptr self);

/// Whether the terminal is online; a terminal whose network to the store is
/// down goes offline here, before trying a call.
bool still_online(self_ptr self) {
  auto& st = self->state;
  if (st.online && !st.link_up)
    go_offline(self, make_error(ec::store_unreachable, st.cfg.terminal_id,
                                "network to the store is down"));
  return st.online;
}

/// A continuation that answers a typed request with the result.
template <class T>
then_fn<T> reply_to(caf::typed_response_promise<T> promise) {
  return [promise](caf::expected<T> result) mutable {
    if (result)
      promise.deliver(std::move(*result));
    else
      promise.deliver(result.error());
  };
}

/// Offline customers not uploaded yet (0 when the offline file is closed:
/// it is closed only once everything is uploaded).
uint64_t offline_left(self_ptr self) {
  auto& db = self->state.offline_db;
  if (!db)
    return 0;
  auto n = db->customers_to_upload_count();
  return n ? *n : 0;
}

/// Runs `online` when the terminal is online and its network is up; when the
/// store turns out unreachable, goes offline and runs `offline` instead.
/// Counts the operation in flight until `k` has run.
template <class T, class Online, class Offline>
void online_or_offline(self_ptr self, Online online, Offline offline,
                       then_fn<T> user_k) {
  auto& st = self->state;
  ++st.in_flight;
  then_fn<T> k = [self, user_k](caf::expected<T> result) {
    user_k(std::move(result));
    if (--self->state.in_flight == 0 && !self->state.flushes.empty())
      finish_flush(self);
  };
  if (!still_online(self)) {
    k(offline());
    return;
  }
  online([self, offline, k](caf::expected<T> result) {
    if (!result && lost_connection(result.error())) {
      go_offline(self, result.error());
      k(offline());
      return;
    }
    k(std::move(result));
  });
}

/// Sends one request to the store and hands its answer to `k`.
template <class T, class... Ts>
void ask_store(self_ptr self, then_fn<T> k, Ts&&... xs) {
  auto& st = self->state;
  self->request(st.store, st.cfg.offline_timeout, std::forward<Ts>(xs)...)
    .then([k](T& value) { k(std::move(value)); },
          [k](caf::error& err) { k(std::move(err)); });
}

// -- operations -------------------------------------------------------------------

void op_search(self_ptr self, search_query query,
               then_fn<std::vector<customer>> k) {
  online_or_offline<std::vector<customer>>(
    self,
    [self, query](then_fn<std::vector<customer>> done) {
      ask_store<std::vector<customer>>(self, done, atom::search_v, query);
    },
    [self, query]() -> caf::expected<std::vector<customer>> {
      auto& st = self->state;
      if (!st.offline_db)
        return std::vector<customer>{};
      return st.offline_db->search(query,
                                   st.cfg.settings.operating_unit_country, 20);
    },
    std::move(k));
}

caf::expected<created_customer> create_offline(self_ptr self,
                                               const customer_draft& draft,
                                               const std::string& guid) {
  auto& st = self->state;
  const auto& settings = st.cfg.settings;
  auto valid = validate_draft(draft, settings.operating_unit_country,
                              settings.attributes);
  if (!valid)
    return valid.error();
  auto built = make_new_customer(*valid, settings, st.cfg.groups, st.cfg.flags,
                                 creation_mode::offline);
  if (!built)
    return built.error();
  built->record.id.async_guid = guid;
  if (auto err = open_offline_db(self))
    return err;
  if (auto err = st.offline_db->add_customer(built->record,
                                             st.cfg.env.clock.now(self->clock())))
    return err;
  st.backlog = true;
  return created_customer{std::move(built->record), creation_mode::offline,
                          false};
}

void op_create(self_ptr self, customer_draft draft,
               then_fn<created_customer> k) {
  auto& st = self->state;
  // One GUID per creation, whichever path it takes: the idempotency key.
  auto guid = make_async_guid(st.rng.next(), st.rng.next());
  // Seed 004: "Select customer" again on the same draft after the email
  // prompt confirms the generic address.
  bool confirmed = st.email_prompted && *st.email_prompted == draft;
  st.email_prompted = caf::none;
  create_request req{draft, st.cfg.staff, confirmed, guid};
  auto remember_prompt = [self, draft,
                          k = std::move(k)](caf::expected<created_customer> r) {
    if (!r && error_code(r.error()) == ec::email_prompt)
      self->state.email_prompted = draft;
    k(std::move(r));
  };
  online_or_offline<created_customer>(
    self,
    [self, req](then_fn<created_customer> done) {
      ask_store<created_customer>(self, done, atom::create_v, req);
    },
    [self, draft, guid, confirmed]() -> caf::expected<created_customer> {
      auto& st = self->state;
      if (auto err = check_permission(st.cfg.staff, store_operation::create))
        return err;
      auto prompted = apply_email_prompt(draft, st.cfg.settings.profile,
                                         confirmed);
      if (!prompted)
        return prompted.error();
      return create_offline(self, *prompted, guid);
    },
    std::move(remember_prompt));
}

void op_sale(self_ptr self, sale_transaction sale, then_fn<bool> k) {
  online_or_offline<bool>(
    self,
    [self, sale](then_fn<bool> done) {
      ask_store<bool>(self, done, atom::sale_v, sale);
    },
    [self, sale]() -> caf::expected<bool> {
      auto& st = self->state;
      if (auto err = open_offline_db(self))
        return err;
      if (auto err = st.offline_db->add_sale(sale))
        return err;
      st.backlog = true;
      return true;
    },
    std::move(k));
}

/// At the start of a transaction: an offline terminal whose reconnect
/// interval has passed (or one with a backlog) uploads its offline records;
/// success brings it online. Then `k` runs, online or not.
void maybe_reconnect(self_ptr self, bool force, std::function<void()> k) {
  auto& st = self->state;
  if ((st.online && !st.backlog) || !st.link_up) {
    k();
    return;
  }
  if (!st.online && !force
      && self->clock().now() - st.offline_since < st.cfg.reconnect_interval) {
    k();
    return;
  }
  offline_upload batch;
  batch.terminal_id = st.cfg.terminal_id;
  if (st.backlog) {
    if (auto err = open_offline_db(self)) {
      emit(self, event_kind::operation_error, event_detail(err));
      k();
      return;
    }
    auto customers = st.offline_db->customers_to_upload();
    auto sales = st.offline_db->sales_to_upload();
    if (!customers || !sales) {
      emit(self, event_kind::operation_error,
           event_detail(customers ? sales.error() : customers.error()));
      k();
      return;
    }
    batch.customers = std::move(*customers);
    batch.sales = std::move(*sales);
  }
  std::vector<std::string> guids;
  std::vector<std::string> transaction_ids;
  for (const auto& c : batch.customers)
    guids.push_back(c.id.async_guid);
  for (const auto& s : batch.sales)
    transaction_ids.push_back(s.transaction_id);
  auto count = batch.customers.size();
  self
    ->request(st.store, st.cfg.offline_timeout, atom::upload_v,
              std::move(batch))
    .then(
      [=](uint64_t) {
        auto& st = self->state;
        if (st.offline_db) {
          if (auto err = st.offline_db->mark_uploaded(guids, transaction_ids)) {
            emit(self, event_kind::operation_error, event_detail(err));
            k();
            return;
          }
          // Close the file until the next offline spell: a store of many
          // terminals keeps few files open.
          st.offline_db.reset();
        }
        st.backlog = false;
        st.online = true;
        emit(self, event_kind::terminal_online, 0,
             static_cast<int64_t>(count));
        k();
      },
      [=](caf::error&) {
        auto& st = self->state;
        st.online = false;
        st.offline_since = self->clock().now();
        k();
      });
}

/// The end-of-day flush, once nothing is in flight: reconnect regardless of
/// the interval, upload, and tell each waiting caller what is left.
void finish_flush(self_ptr self) {
  maybe_reconnect(self, true, [self] {
    auto& st = self->state;
    auto left = offline_left(self);
    auto waiting = std::move(st.flushes);
    st.flushes.clear();
    for (auto& promise : waiting)
      promise.deliver(left);
  });
}

// -- the cashier model ---------------------------------------------------------------

constexpr const char* first_names[] = {
  "Ann", "Bob", "Carla", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan",
  "Jose\xCC\x81", "Kim", "Lena", "Mo", "Nia", "Omar", "Pia", "Quinn", "Rosa",
  "Sam", "Tariq", "Uma", "Vic", "Wen", "Xavi", "Yara", "Zoe"};
constexpr const char* last_names[] = {
  "Smith", "Garcia", "Nguyen", "M\xC3\xBCller", "Kowalski", "O'Brien", "Chen",
  "Okafor", "Rossi", "Haddad", "Silva", "Novak", "Tanaka", "Dubois", "Lee"};
constexpr const char* area_codes[] = {"707", "415", "212", "312",
                                      "617", "206", "303", "512"};

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

customer_draft new_draft(self_ptr self, const std::string& phone) {
  auto& st = self->state;
  customer_draft d;
  d.profile.first_name = pick(st.rng, first_names);
  d.profile.last_name = pick(st.rng, last_names);
  d.profile.phones.push_back({phone, true, {}});
  // Prefilled from the search, as seed 004 describes; most give an email.
  if (st.rng.chance(0.8))
    d.profile.emails.push_back(
      {"c" + std::to_string(st.creations) + "." + st.cfg.terminal_id
         + "@example.com",
       true,
       marketing_consent{st.rng.chance(0.5), st.cfg.terminal_id,
                         st.cfg.env.clock.now(self->clock()), "pos"}});
  ++st.creations;
  return d;
}

sale_transaction new_sale(self_ptr self, const std::string& customer_ref) {
  auto& st = self->state;
  sale_transaction s;
  s.transaction_id = st.cfg.terminal_id + "-" + std::to_string(st.sales++);
  s.store_id = st.cfg.settings.store_id;
  s.terminal_id = st.cfg.terminal_id;
  s.customer_ref = customer_ref;
  s.occurred_at = st.cfg.env.clock.now(self->clock());
  auto lines = 1 + st.rng.below(3);
  auto total = static_cast<int64_t>(st.cfg.cashier.amount.draw(st.rng) * 100);
  for (uint64_t i = 0; i < lines; ++i) {
    char sku[16];
    snprintf(sku, sizeof(sku), "SKU-%04u",
             static_cast<unsigned>(st.rng.below(200)));
    s.lines.push_back({sku, 1, total / static_cast<int64_t>(lines)});
  }
  s.amount_cents = total;
  return s;
}

std::string ref_of(const customer& c) {
  return c.id.account_number.empty() ? c.id.async_guid : c.id.account_number;
}

void next_step(self_ptr self, session_step step, caf::timespan delay) {
  auto& st = self->state;
  if (st.stopping)
    return;
  st.step = step;
  self->delayed_send(self, delay, atom::tick_v);
}

void think_then(self_ptr self, session_step step) {
  auto& st = self->state;
  next_step(self, step, st.cfg.cashier.think.sample(st.rng));
}

void end_session(self_ptr self) {
  auto& st = self->state;
  next_step(self, session_step::begin, st.cfg.cashier.session_gap.sample(st.rng));
}

void remember(self_ptr self, const std::string& phone) {
  auto& known = self->state.known_phones;
  if (known.size() < 64)
    known.push_back(phone);
  else
    known[self->state.rng.below(known.size())] = phone;
}

void timed_search(self_ptr self, const std::string& text,
                  std::function<void(caf::expected<std::vector<customer>>)> k) {
  auto start = self->clock().now();
  op_search(self, search_query{text, search_field::phone},
            [self, start, k](caf::expected<std::vector<customer>> found) {
              emit(self, event_kind::search, found && !found->empty() ? 1 : 0,
                   (self->clock().now() - start).count());
              k(std::move(found));
            });
}

void session_begin(self_ptr self) {
  auto& st = self->state;
  if (!st.rng.chance(st.cfg.cashier.identified)) {
    emit(self, event_kind::anonymous_sale);
    end_session(self);
    return;
  }
  bool returning = !st.known_phones.empty()
                   && !st.rng.chance(st.cfg.cashier.new_customer);
  st.phone = returning ? st.known_phones[st.rng.below(st.known_phones.size())]
                       : new_phone(st.rng);
  // Search first; "no customer found" leads into creation, prefilled.
  timed_search(self, st.phone,
               [self](caf::expected<std::vector<customer>> found) {
                 if (found && !found->empty()) {
                   self->state.customer_ref = ref_of(found->front());
                   think_then(self, session_step::sale);
                 } else {
                   think_then(self, session_step::create);
                 }
               });
}

void session_create(self_ptr self) {
  auto start = self->clock().now();
  op_create(self, new_draft(self, self->state.phone),
            [self, start](caf::expected<created_customer> created) {
              if (!created) {
                emit(self, event_kind::create_failed,
                     event_detail(created.error()));
                end_session(self);
                return;
              }
              emit(self, event_kind::customer_created,
                   static_cast<uint8_t>(created->mode),
                   (self->clock().now() - start).count(),
                   event_key(created->record.id.async_guid));
              remember(self, self->state.phone);
              self->state.customer_ref = ref_of(created->record);
              think_then(self, session_step::sale);
            });
}

void session_sale(self_ptr self) {
  auto sale = new_sale(self, self->state.customer_ref);
  auto amount = sale.amount_cents;
  op_sale(self, std::move(sale), [self, amount](caf::expected<bool> done) {
    if (done)
      emit(self, event_kind::sale_recorded, self->state.online ? 0 : 1, amount);
    else
      emit(self, event_kind::operation_error, event_detail(done.error()));
    end_session(self);
  });
}

} // namespace

terminal_actor::behavior_type
terminal(terminal_actor::stateful_pointer<terminal_state> self,
         terminal_config cfg, store_actor store) {
  auto& st = self->state;
  st.rng = actor_rng{cfg.env.seed, "terminal:" + cfg.terminal_id};
  st.cfg = std::move(cfg);
  if (st.cfg.staff.id.empty())
    st.cfg.staff.id = st.cfg.terminal_id;
  st.store = std::move(store);
  // After a restart, records left in the offline database go up first.
  std::error_code ignored;
  if (std::filesystem::exists(st.cfg.offline_db_path, ignored)) {
    if (auto err = open_offline_db(self)) {
      emit(self, event_kind::operation_error, event_detail(err));
    } else {
      auto customers = st.offline_db->customers_to_upload_count();
      auto sales = st.offline_db->sales_to_upload_count();
      if ((customers && *customers > 0) || (sales && *sales > 0)) {
        st.backlog = true;
        st.online = false;
        st.offline_since = self->clock().now() - st.cfg.reconnect_interval;
      } else {
        st.offline_db.reset();
      }
    }
  }
  if (st.cfg.cashier.enabled)
    end_session(self);
  return {
    [=](atom::search,
        search_query& query) -> caf::result<std::vector<customer>> {
      auto promise = self->make_response_promise<std::vector<customer>>();
      maybe_reconnect(self, false, [self, promise, query]() mutable {
        op_search(self, query, reply_to(promise));
      });
      return promise;
    },
    [=](atom::similar,
        customer_draft& draft) -> caf::result<std::vector<customer>> {
      auto promise = self->make_response_promise<std::vector<customer>>();
      online_or_offline<std::vector<customer>>(
        self,
        [self, draft](then_fn<std::vector<customer>> done) {
          ask_store<std::vector<customer>>(self, done, atom::similar_v, draft);
        },
        [self, draft]() -> caf::expected<std::vector<customer>> {
          // Offline, the terminal knows only what it created offline.
          auto& st = self->state;
          auto candidate = similarity_candidate(draft, st.cfg.settings);
          if (!candidate)
            return candidate.error();
          if (!st.offline_db)
            return std::vector<customer>{};
          return st.offline_db->similar(*candidate, 10);
        },
        reply_to(promise));
      return promise;
    },
    [=](atom::create, customer_draft& draft) -> caf::result<created_customer> {
      auto promise = self->make_response_promise<created_customer>();
      op_create(self, std::move(draft), reply_to(promise));
      return promise;
    },
    [=](atom::edit, customer& record) -> caf::result<customer> {
      if (!still_online(self))
        return make_error(ec::unavailable_offline, "customer",
                          "editing a customer is unavailable while the "
                          "terminal is offline");
      auto promise = self->make_response_promise<customer>();
      ask_store<customer>(
        self,
        [self, reply = reply_to(promise)](caf::expected<customer> r) {
          if (!r && lost_connection(r.error()))
            go_offline(self, r.error());
          reply(std::move(r));
        },
        atom::edit_v, std::move(record), self->state.cfg.staff);
      return promise;
    },
    [=](atom::login, staff_member& staff) {
      self->state.cfg.staff = std::move(staff);
    },
    [=](atom::sale, sale_transaction& sale) -> caf::result<bool> {
      auto promise = self->make_response_promise<bool>();
      op_sale(self, std::move(sale), reply_to(promise));
      return promise;
    },
    [=](atom::link, bool up) { self->state.link_up = up; },
    [=](atom::flush) -> caf::result<uint64_t> {
      auto& st = self->state;
      st.stopping = true;
      auto promise = self->make_response_promise<uint64_t>();
      st.flushes.push_back(promise);
      if (st.in_flight == 0 && st.flushes.size() == 1)
        finish_flush(self);
      return promise;
    },
    [=](atom::status) -> caf::result<bool, uint64_t> {
      return {self->state.online, offline_left(self)};
    },
    [=](atom::tick) {
      auto& st = self->state;
      if (st.stopping)
        return;
      switch (st.step) {
        case session_step::begin:
          maybe_reconnect(self, false, [self] { session_begin(self); });
          break;
        case session_step::create:
          session_create(self);
          break;
        case session_step::sale:
          session_sale(self);
          break;
      }
    },
  };
}

} // namespace retailsim
