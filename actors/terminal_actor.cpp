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

/// Runs `f(db)` on the terminal's offline database, opened for it and
/// closed after: no terminal keeps a file open between operations (with
/// 100,000 terminals offline at once, files held open ran the process out
/// of file descriptors, and offline creations failed with
/// storage_failure).
template <class F>
auto with_offline_db(self_ptr self, F f)
  -> decltype(f(std::declval<storage::offline_database&>())) {
  const auto& cfg = self->state.cfg;
  auto db = storage::offline_database::open(cfg.offline_db_path,
                                            cfg.durability);
  if (!db)
    return db.error();
  return f(**db);
}

/// Customers and sales in an offline database not uploaded yet.
caf::expected<uint64_t> records_to_upload(storage::offline_database& db) {
  auto customers = db.customers_to_upload_count();
  if (!customers)
    return customers.error();
  auto sales = db.sales_to_upload_count();
  if (!sales)
    return sales.error();
  return *customers + *sales;
}

/// Whether the terminal has ever written its offline database: before,
/// an offline search finds nothing and needs no file.
bool has_offline_db(self_ptr self) {
  std::error_code ignored;
  return std::filesystem::exists(self->state.cfg.offline_db_path, ignored);
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

/// Offline customers not uploaded yet (none without a backlog).
uint64_t offline_left(self_ptr self) {
  if (!self->state.backlog)
    return 0;
  auto n = with_offline_db(self, [](storage::offline_database& db) {
    return db.customers_to_upload_count();
  });
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
      if (!has_offline_db(self))
        return std::vector<customer>{};
      const auto& country = self->state.cfg.settings.operating_unit_country;
      return with_offline_db(self, [&](storage::offline_database& db) {
        return db.search(query, country, 20);
      });
    },
    std::move(k));
}

caf::expected<created_customer> create_offline(self_ptr self,
                                               const customer_draft& draft,
                                               const std::string& guid) {
  auto& st = self->state;
  auto built = build_new_customer(draft, st.cfg.settings, st.cfg.groups,
                                  st.cfg.flags, creation_mode::offline, guid);
  if (!built)
    return built.error();
  auto now = st.cfg.env.clock.now(self->clock());
  if (auto err = with_offline_db(self, [&](storage::offline_database& db) {
        return db.add_customer(built->record, now);
      }))
    return err;
  st.backlog = true;
  return created_customer{std::move(built->record), creation_mode::offline,
                          false};
}

/// How a creation sent to a Sync store ended, for its sync_attempt event;
/// false when it never reached the Real-time Service (the email prompt, a
/// permission, a validation error).
bool sync_outcome_of(self_ptr self,
                     const caf::expected<created_customer>& result,
                     sync_outcome& outcome, ec& cause) {
  if (!self->state.online) {
    outcome = sync_outcome::timed_out;
    cause = ec::store_unreachable;
    return true;
  }
  if (result) {
    outcome = result->fell_back ? sync_outcome::fell_back
                                : sync_outcome::answered;
    cause = result->fallback_cause;
    return true;
  }
  cause = error_code(result.error());
  outcome = sync_outcome::failed;
  switch (cause) {
    case ec::async_address_disabled:
    case ec::async_affiliations_disabled:
    case ec::async_secondary_contacts_disabled:
      return true;  // the fallback to Async was refused
    default:
      return outcome_of(result.error()) == op_outcome::unavailable;
  }
}

void op_create(self_ptr self, customer_draft draft,
               then_fn<created_customer> k) {
  auto& st = self->state;
  auto start = self->clock().now();
  // One GUID per creation, whichever path it takes: the idempotency key.
  // Submitting the same draft again (after the email prompt, or a failure)
  // is the same creation and keeps its GUID.
  std::string guid;
  bool confirmed = false;
  if (st.last_attempt && st.last_attempt->draft == draft) {
    guid = st.last_attempt->guid;
    // Seed 004: "Select customer" again on the same draft after the email
    // prompt confirms the generic address.
    confirmed = st.last_attempt->prompted;
  } else {
    guid = make_guid(st.rng, st.cfg.env.run_tag);
  }
  st.last_attempt = caf::none;
  // The store answers before the terminal's time-out, and nothing of this
  // creation becomes durable after it (the deadline travels with the call).
  auto deadline = st.cfg.env.clock.now(self->clock()) + st.cfg.offline_timeout;
  create_request req{draft, st.cfg.staff, confirmed, guid, deadline};
  bool at_sync_store = !st.cfg.settings.profile.create_customer_async
                       && still_online(self);
  auto finish = [self, draft, guid, confirmed, start, at_sync_store,
                 k = std::move(k)](caf::expected<created_customer> r) {
    auto& st = self->state;
    auto latency = (self->clock().now() - start).count();
    if (at_sync_store) {
      sync_outcome outcome;
      ec cause;
      if (sync_outcome_of(self, r, outcome, cause))
        emit(self, event_kind::sync_attempt, static_cast<uint8_t>(outcome),
             latency, static_cast<uint64_t>(cause));
    }
    if (r) {
      auto words = words_of_guid(r->record.id.async_guid);
      st.cfg.env.emit(self->clock(),
                      {{}, event_kind::customer_created,
                       static_cast<uint8_t>(r->mode), st.cfg.store_index,
                       st.cfg.terminal_index, latency, words.high, words.low});
    } else {
      st.last_attempt = terminal_state::attempt{
        draft, guid, confirmed || error_code(r.error()) == ec::email_prompt};
    }
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
    std::move(finish));
}

void op_sale(self_ptr self, sale_transaction sale, then_fn<bool> k) {
  auto key = event_key(sale.transaction_id);
  auto amount = sale.amount_cents;
  online_or_offline<bool>(
    self,
    [self, sale](then_fn<bool> done) {
      ask_store<bool>(self, done, atom::sale_v, sale);
    },
    [self, sale]() -> caf::expected<bool> {
      if (auto err = with_offline_db(self, [&](storage::offline_database& db) {
            return db.add_sale(sale);
          }))
        return err;
      self->state.backlog = true;
      return true;
    },
    [self, key, amount, k = std::move(k)](caf::expected<bool> done) {
      if (done)
        emit(self, event_kind::sale_recorded, self->state.online ? 0 : 1,
             amount, key);
      k(std::move(done));
    });
}

void op_similar(self_ptr self, customer_draft draft,
                then_fn<std::vector<customer>> k) {
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
      if (!has_offline_db(self))
        return std::vector<customer>{};
      return with_offline_db(self, [&](storage::offline_database& db) {
        return db.similar(*candidate, 10);
      });
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
    auto err = with_offline_db(self, [&](storage::offline_database& db) {
      auto customers = db.customers_to_upload();
      if (!customers)
        return customers.error();
      auto sales = db.sales_to_upload();
      if (!sales)
        return sales.error();
      batch.customers = std::move(*customers);
      batch.sales = std::move(*sales);
      return caf::error{};
    });
    if (err) {
      emit(self, event_kind::operation_error, event_detail(err));
      k();
      return;
    }
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
        if (st.backlog) {
          // What was uploaded is marked so; anything written meanwhile
          // stays for the next upload.
          bool more = false;
          auto err = with_offline_db(self, [&](storage::offline_database& db) {
            if (auto err = db.mark_uploaded(guids, transaction_ids))
              return err;
            auto left = records_to_upload(db);
            if (!left)
              return left.error();
            more = *left > 0;
            return caf::error{};
          });
          if (err) {
            emit(self, event_kind::operation_error, event_detail(err));
            k();
            return;
          }
          st.backlog = more;
        }
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

/// An operation that needs the store (HQ behind it): unavailable offline;
/// a lost connection takes the terminal offline.
template <class T, class... Ts>
void online_only(self_ptr self, then_fn<T> k, Ts... xs) {
  online_or_offline<T>(
    self,
    [self, xs...](then_fn<T> done) { ask_store<T>(self, done, xs...); },
    [self]() -> caf::expected<T> {
      return make_error(ec::unavailable_offline, self->state.cfg.terminal_id,
                        "the terminal is offline; this needs the store");
    },
    std::move(k));
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

/// What every identity this terminal makes begins with: its id, the run's
/// tag and, after a restart, its incarnation; unique across runs over one
/// HQ database and across restarts.
std::string id_prefix(self_ptr self) {
  const auto& cfg = self->state.cfg;
  auto out = cfg.terminal_id + "-" + cfg.env.run_tag;
  if (cfg.incarnation > 0)
    out += "-R" + std::to_string(cfg.incarnation);
  return out;
}

std::string new_email(self_ptr self) {
  auto& st = self->state;
  return "c" + std::to_string(st.creations) + "." + id_prefix(self)
         + "@example.com";
}

/// Quick add (seed 004): name, phone and, most of the time, an email.
customer_draft quick_draft(self_ptr self, const std::string& phone) {
  auto& st = self->state;
  customer_draft d;
  d.profile.first_name = pick(st.rng, first_names);
  d.profile.last_name = pick(st.rng, last_names);
  // Seed 000: the customer's choice about marketing, per contact.
  d.profile.phones.push_back(
    {phone, true,
     marketing_consent{st.rng.chance(0.3), st.cfg.terminal_id,
                       st.cfg.env.clock.now(self->clock()), "pos"}});
  if (st.rng.chance(0.8))
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
  if (st.rng.chance(st.cfg.cashier.mix.business)) {
    d.type = customer_type::organization;
    p.name = std::string{pick(st.rng, companies)} + " "
             + std::to_string(st.creations);
    p.business.company_name = p.name;
    p.business.business_type = "LLC";
    p.business.payment_terms = "Net30";
    p.customer_group = "WHOLESALE";
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

/// Reports a store operation of the cashier model (`found`: a search
/// found something).
void record_op(self_ptr self, store_op op, caf::actor_clock::time_point start,
               const caf::error& err, bool found = false) {
  auto outcome = static_cast<uint64_t>(outcome_of(err));
  emit(self, event_kind::store_operation, static_cast<uint8_t>(op),
       (self->clock().now() - start).count(),
       (uint64_t{found} << 16) | (outcome << 8) | event_detail(err));
}

/// A store operation through the store, reported, then `k`.
template <class T, class... Ts>
void staff_call(self_ptr self, store_op op, then_fn<T> k, Ts... xs) {
  auto start = self->clock().now();
  online_only<T>(
    self,
    [self, op, start, k](caf::expected<T> result) {
      record_op(self, op, start, result ? caf::error{} : result.error());
      k(std::move(result));
    },
    xs...);
}

staff_member manager_of(self_ptr self) {
  return {self->state.cfg.settings.store_id + "-MGR", staff_role::manager};
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
  op_search(self, std::move(query),
            [self, op, start, k](caf::expected<std::vector<customer>> found) {
              record_op(self, op, start, found ? caf::error{} : found.error(),
                        found && !found->empty());
              k(std::move(found));
            });
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
  const auto& w = st.cfg.cashier.mix;
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
    self, store_op::search_all_stores,
    [self](caf::expected<std::vector<customer>> found) {
      auto& st = self->state;
      if (found && !found->empty()) {
        // The cashier picks the customer: the store adds it.
        const auto& picked = (*found)[st.rng.below(found->size())];
        staff_call<customer>(
          self, store_op::select_from_all_stores,
          [self](caf::expected<customer> selected) {
            if (selected) {
              select_customer(self, *selected);
              return;
            }
            end_session(self);
          },
          atom::select_v, picked.id.account_number, st.cfg.staff);
        return;
      }
      st.phone = new_phone(st.rng);
      find_by_phone_or_create(self);
    },
    atom::search_hq_v, search_query{name, search_field::name});
}

void session_begin(self_ptr self) {
  auto& st = self->state;
  const auto& model = st.cfg.cashier;
  st.current = caf::none;
  st.twin = false;
  if (!st.rng.chance(model.identified)) {
    emit(self, event_kind::anonymous_sale);
    end_session(self);
    return;
  }
  if (st.rng.chance(model.mix.from_other_store)) {
    find_elsewhere(self);
    return;
  }
  bool returning = !st.known.empty() && !st.rng.chance(model.new_customer);
  if (!returning) {
    st.phone = new_phone(st.rng);
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

/// Creates the draft; the email prompt, when on, refuses once and the
/// cashier confirms the generic address.
void create_customer(self_ptr self, customer_draft draft, store_op op) {
  auto start = self->clock().now();
  op_create(self, draft,
            [self, draft, op, start](caf::expected<created_customer> created) {
              if (!created) {
                auto code = error_code(created.error());
                record_op(self,
                          code == ec::email_prompt ? store_op::email_prompt
                                                   : op,
                          start, created.error());
                if (code == ec::email_prompt) {
                  create_customer(self, draft, op);
                  return;
                }
                end_session(self);
                return;
              }
              record_op(self, op, start, {});
              select_customer(self, created->record);
            });
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
  bool wizard = st.rng.chance(st.cfg.cashier.mix.full_wizard);
  auto draft = wizard ? wizard_draft(self, st.phone)
                      : quick_draft(self, st.phone);
  auto op = wizard ? store_op::full_wizard : store_op::quick_add;
  if (!st.rng.chance(st.cfg.cashier.mix.similar_check)) {
    create_customer(self, std::move(draft), op);
    return;
  }
  // Seed 004: similar customers are shown before "create new"; one with the
  // same phone is the customer.
  auto start = self->clock().now();
  op_similar(self, draft,
             [self, draft, op,
              start](caf::expected<std::vector<customer>> similar) mutable {
               record_op(self, store_op::similar_check, start,
                         similar ? caf::error{} : similar.error());
               if (similar)
                 for (const auto& c : *similar) {
                   auto keys = known_of(c);
                   bool same_phone = !draft.profile.phones.empty()
                                     && keys.phone
                                          == draft.profile.phones[0].number;
                   if (same_phone) {
                     select_customer(self, c);
                     return;
                   }
                 }
               create_customer(self, std::move(draft), op);
             });
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
  auto sale = new_sale(self, ref_of(*st.current));
  op_sale(self, std::move(sale), [self](caf::expected<bool> done) {
    if (!done)
      emit(self, event_kind::operation_error, event_detail(done.error()));
    end_session(self);
  });
}

/// Edits the current customer as `staff`; the stored record becomes current.
void edit_current(self_ptr self, store_op op, customer changed,
                  staff_member staff, std::function<void()> k) {
  staff_call<customer>(
    self, op,
    [self, k](caf::expected<customer> stored) {
      if (stored)
        self->state.current = std::move(*stored);
      k();
    },
    atom::edit_v, std::move(changed), std::move(staff));
}

/// The manager deactivates the customer, finds it with the status filter,
/// and reactivates it (seed 002).
void deactivate_and_back(self_ptr self, std::function<void()> k) {
  auto& st = self->state;
  auto inactive = *st.current;
  inactive.status = customer_status::inactive;
  staff_call<customer>(
    self, store_op::deactivate,
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
    atom::edit_v, inactive, manager_of(self));
}

/// The manager merges at HQ, the older account surviving.
void merge_pair(self_ptr self, const std::string& a, const std::string& b,
                std::function<void()> k) {
  staff_call<customer>(
    self, store_op::merge,
    [self, k](caf::expected<customer> merged) {
      auto& st = self->state;
      if (merged && st.current
          && st.current->id.account_number == merged->id.account_number)
        st.current = std::move(*merged);
      k();
    },
    atom::merge_v, std::min(a, b), std::max(a, b), manager_of(self));
}

/// The manager looks for duplicates of the customer at HQ and merges one
/// that has the same phone or email (a name alone is not the same person).
void merge_duplicates(self_ptr self, std::function<void()> k) {
  auto& st = self->state;
  auto me = *st.current;
  staff_call<std::vector<customer>>(
    self, store_op::find_duplicates,
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
    atom::duplicates_v, me.id.account_number, manager_of(self));
}

void service_customer(self_ptr self, std::function<void()> k) {
  auto& st = self->state;
  const auto& w = st.cfg.cashier.mix;
  const auto& c = *st.current;
  bool pending = is_pending(c.id);
  enum class act {
    nothing, edit, address, history, purchases, loyalty, club, status,
    duplicates, read_only
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
  auto cashier = st.cfg.staff;
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
        self, store_op::view_history,
        [k](caf::expected<std::vector<change_record>>) { k(); },
        atom::history_v, c.id.account_number, cashier);
      return;
    case act::purchases:
      staff_call<purchase_history>(
        self, store_op::view_purchases,
        [k](caf::expected<purchase_history>) { k(); }, atom::purchases_v,
        ref_of(c), cashier);
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
    case act::status:
      deactivate_and_back(self, k);
      return;
    case act::duplicates:
      // First what the async-sync job flagged, else this customer's.
      staff_call<std::vector<duplicate_pair>>(
        self, store_op::review_duplicates,
        [self, k](caf::expected<std::vector<duplicate_pair>> flagged) {
          if (flagged && !flagged->empty()) {
            const auto& pair = flagged->front();
            merge_pair(self, pair.candidate, pair.account_number, k);
            return;
          }
          merge_duplicates(self, k);
        },
        atom::review_v, manager_of(self));
      return;
    case act::read_only:
      changed.profile.notes = "Edited by a trainee";
      edit_current(self, store_op::read_only_edit, changed,
                   {st.cfg.terminal_id + "-RO", staff_role::read_only}, k);
      return;
  }
}

} // namespace

terminal_actor::behavior_type
terminal(terminal_actor::stateful_pointer<terminal_state> self,
         terminal_config cfg, store_actor store) {
  auto& st = self->state;
  // A restarted terminal draws anew: its GUIDs must differ from those of
  // its earlier incarnation.
  st.rng = actor_rng{cfg.env.seed, "terminal:" + cfg.terminal_id + "#"
                                     + std::to_string(cfg.incarnation)};
  st.cfg = std::move(cfg);
  if (st.cfg.staff.id.empty())
    st.cfg.staff.id = st.cfg.terminal_id;
  st.store = std::move(store);
  // After a restart, records left in the offline database go up first.
  std::error_code ignored;
  if (std::filesystem::exists(st.cfg.offline_db_path, ignored)) {
    auto left = with_offline_db(self, records_to_upload);
    if (!left) {
      emit(self, event_kind::operation_error, event_detail(left.error()));
    } else if (*left > 0) {
      st.backlog = true;
      st.online = false;
      st.offline_since = self->clock().now() - st.cfg.reconnect_interval;
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
      op_similar(self, std::move(draft), reply_to(promise));
      return promise;
    },
    [=](atom::create, customer_draft& draft) -> caf::result<created_customer> {
      auto promise = self->make_response_promise<created_customer>();
      op_create(self, std::move(draft), reply_to(promise));
      return promise;
    },
    [=](atom::edit, customer& record) -> caf::result<customer> {
      auto promise = self->make_response_promise<customer>();
      online_only<customer>(self, reply_to(promise), atom::edit_v,
                            std::move(record), self->state.cfg.staff);
      return promise;
    },
    [=](atom::search_hq,
        search_query& query) -> caf::result<std::vector<customer>> {
      auto promise = self->make_response_promise<std::vector<customer>>();
      online_only<std::vector<customer>>(self, reply_to(promise),
                                         atom::search_hq_v, std::move(query));
      return promise;
    },
    [=](atom::select, std::string& account) -> caf::result<customer> {
      auto promise = self->make_response_promise<customer>();
      online_only<customer>(self, reply_to(promise), atom::select_v,
                            std::move(account), self->state.cfg.staff);
      return promise;
    },
    [=](atom::history,
        std::string& account) -> caf::result<std::vector<change_record>> {
      auto promise = self->make_response_promise<std::vector<change_record>>();
      online_only<std::vector<change_record>>(self, reply_to(promise),
                                              atom::history_v,
                                              std::move(account),
                                              self->state.cfg.staff);
      return promise;
    },
    [=](atom::purchases, std::string& ref) -> caf::result<purchase_history> {
      auto promise = self->make_response_promise<purchase_history>();
      online_only<purchase_history>(self, reply_to(promise), atom::purchases_v,
                                    std::move(ref), self->state.cfg.staff);
      return promise;
    },
    [=](atom::duplicates,
        std::string& account) -> caf::result<std::vector<customer>> {
      auto promise = self->make_response_promise<std::vector<customer>>();
      online_only<std::vector<customer>>(self, reply_to(promise),
                                         atom::duplicates_v,
                                         std::move(account),
                                         self->state.cfg.staff);
      return promise;
    },
    [=](atom::review) -> caf::result<std::vector<duplicate_pair>> {
      auto promise = self->make_response_promise<std::vector<duplicate_pair>>();
      online_only<std::vector<duplicate_pair>>(self, reply_to(promise),
                                               atom::review_v,
                                               self->state.cfg.staff);
      return promise;
    },
    [=](atom::merge, std::string& survivor,
        std::string& duplicate) -> caf::result<customer> {
      auto promise = self->make_response_promise<customer>();
      online_only<customer>(self, reply_to(promise), atom::merge_v,
                            std::move(survivor), std::move(duplicate),
                            self->state.cfg.staff);
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
        case session_step::service:
          service_customer(self, [self] { think_then(self, session_step::sale); });
          break;
        case session_step::sale:
          session_sale(self);
          break;
      }
    },
  };
}

} // namespace retailsim
