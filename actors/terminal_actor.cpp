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

void emit(self_ptr self, event_body what) {
  self->state.cfg.env.emit(self->clock(), std::move(what));
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
  if (st.mode != terminal_mode::online)
    return;
  st.mode = terminal_mode::offline;
  st.offline_since = self->clock().now();
  emit(self, ev::terminal_offline{st.cfg.store_index, st.cfg.terminal_index,
                                  event_detail(cause)});
}

void finish_flush(self_ptr self);
void restart_if_due(self_ptr self);

/// Whether the terminal is online; a terminal whose network to the store is
/// down goes offline here, before trying a call.
bool still_online(self_ptr self) {
  auto& st = self->state;
  if (st.mode == terminal_mode::online && !st.link_up)
    go_offline(self, make_error(ec::store_unreachable, st.cfg.terminal_id,
                                "network to the store is down"));
  return st.mode == terminal_mode::online;
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
    if (--self->state.in_flight == 0) {
      restart_if_due(self);
      if (!self->state.flushes.empty())
        finish_flush(self);
    }
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
  if (self->state.mode != terminal_mode::online) {
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
    auto latency = self->clock().now() - start;
    if (at_sync_store) {
      sync_outcome outcome;
      ec cause;
      if (sync_outcome_of(self, r, outcome, cause))
        emit(self, ev::sync_attempt{st.cfg.store_index, st.cfg.terminal_index,
                                    outcome, static_cast<uint8_t>(cause),
                                    latency});
    }
    if (r) {
      emit(self, ev::customer_created{st.cfg.store_index,
                                      st.cfg.terminal_index, r->mode,
                                      words_of_guid(r->record.id.async_guid),
                                      latency});
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
      if (done) {
        const auto& st = self->state;
        emit(self, ev::sale_recorded{st.cfg.store_index, st.cfg.terminal_index,
                                     st.mode != terminal_mode::online, amount,
                                     key});
      }
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
  bool due = false;
  switch (st.mode) {
    case terminal_mode::online:
      due = st.backlog;
      break;
    case terminal_mode::offline:
      due = force
            || self->clock().now() - st.offline_since
                 >= st.cfg.reconnect_interval;
      break;
    case terminal_mode::reconnecting:
      due = false;  // an upload is under way already
      break;
  }
  if (!due || !st.link_up) {
    k();
    return;
  }
  // Back to offline, the interval starting again.
  auto failed = [self] {
    auto& st = self->state;
    st.mode = terminal_mode::offline;
    st.offline_since = self->clock().now();
    restart_if_due(self);
  };
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
      emit(self, ev::operation_error{event_detail(err)});
      k();
      return;
    }
  }
  st.mode = terminal_mode::reconnecting;
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
            emit(self, ev::operation_error{event_detail(err)});
            failed();
            k();
            return;
          }
          st.backlog = more;
        }
        st.mode = terminal_mode::online;
        emit(self, ev::terminal_online{st.cfg.store_index,
                                       st.cfg.terminal_index,
                                       static_cast<uint64_t>(count)});
        restart_if_due(self);
        k();
      },
      [=](caf::error&) {
        failed();
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

/// What a terminal does as it starts, the first time or after a restart:
/// a new incarnation draws anew (its GUIDs must differ from those of the
/// earlier one), and records left in the offline database go up first.
void start_up(self_ptr self) {
  auto& st = self->state;
  st.rng = actor_rng{st.cfg.env.seed,
                     "terminal:" + st.cfg.terminal_id + "#"
                       + std::to_string(st.cfg.incarnation)};
  st.mode = terminal_mode::online;
  st.backlog = false;
  st.last_attempt = caf::none;
  std::error_code ignored;
  if (std::filesystem::exists(st.cfg.offline_db_path, ignored)) {
    auto left = with_offline_db(self, records_to_upload);
    if (!left) {
      emit(self, ev::operation_error{event_detail(left.error())});
    } else if (*left > 0) {
      st.backlog = true;
      st.mode = terminal_mode::offline;
      st.offline_since = self->clock().now() - st.cfg.reconnect_interval;
    }
  }
}

void restart_if_due(self_ptr self) {
  auto& st = self->state;
  if (!st.restart_due || st.in_flight > 0
      || st.mode == terminal_mode::reconnecting)
    return;
  st.restart_due = false;
  ++st.cfg.incarnation;
  start_up(self);
  emit(self, ev::terminal_restarted{st.cfg.store_index, st.cfg.terminal_index,
                                    static_cast<uint64_t>(offline_left(self))});
}

} // namespace

terminal_actor::behavior_type
terminal(terminal_actor::stateful_pointer<terminal_state> self,
         terminal_config cfg, store_actor store) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (st.cfg.staff.id.empty())
    st.cfg.staff.id = st.cfg.terminal_id;
  st.store = std::move(store);
  start_up(self);
  return {
    [=](atom::begin) -> caf::result<bool> {
      auto promise = self->make_response_promise<bool>();
      maybe_reconnect(self, false, [self, promise]() mutable {
        promise.deliver(self->state.mode == terminal_mode::online);
      });
      return promise;
    },
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
    [=](atom::restart) {
      self->state.restart_due = true;
      restart_if_due(self);
    },
    [=](atom::flush) -> caf::result<uint64_t> {
      auto& st = self->state;
      auto promise = self->make_response_promise<uint64_t>();
      st.flushes.push_back(promise);
      if (st.in_flight == 0 && st.flushes.size() == 1)
        finish_flush(self);
      return promise;
    },
    [=](atom::status) -> caf::result<bool, uint64_t> {
      return {self->state.mode == terminal_mode::online, offline_left(self)};
    },
  };
}

} // namespace retailsim
