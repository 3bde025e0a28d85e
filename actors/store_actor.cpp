#include "actors/store_actor.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "caf/sec.hpp"

#include "model/error.hpp"
#include "model/identity.hpp"
#include "model/validation.hpp"

namespace retailsim {

const char* to_string(rts_failure_policy x) {
  switch (x) {
    case rts_failure_policy::fallback_async: return "fallback";
    case rts_failure_policy::error: return "error";
  }
  return "?";
}

namespace {

using self_ptr = store_self::stateful_pointer<store_state>;

void emit(self_ptr self, event_body what) {
  self->state.cfg.env.emit(self->clock(), std::move(what));
}

/// A failed call to the RTS link in the domain's words: the store's own
/// time-out is rts_timeout (relayed as CAF's request_timeout, a terminal
/// would take it for its store not answering and go offline), a link
/// that is gone rts_unavailable.
caf::error rts_error(caf::error err) {
  if (err == caf::sec::request_timeout)
    return make_error(ec::rts_timeout, "rts",
                      "HQ did not answer within the store's time-out");
  if (err == caf::sec::request_receiver_down)
    return make_error(ec::rts_unavailable, "rts", "the RTS link is gone");
  return err;
}

/// Failures of the link or of HQ's capacity, as opposed to refusals of the
/// customer itself (validation, uniqueness), which no fallback can fix.
bool is_rts_failure(const caf::error& err) {
  auto code = error_code(err);
  return code == ec::rts_unavailable || code == ec::rts_timeout
         || code == ec::hq_overloaded || code == ec::deadline_exceeded;
}

/// Asks HQ through the RTS link and relays its answer.
template <class T, class... Ts>
caf::result<T> ask_hq(self_ptr self, Ts&&... xs) {
  auto& st = self->state;
  auto promise = self->make_response_promise<T>();
  self->request(st.link, st.cfg.rts_timeout, std::forward<Ts>(xs)...)
    .then([promise](T& answer) mutable { promise.deliver(std::move(answer)); },
          [promise](caf::error& err) mutable {
        promise.deliver(rts_error(std::move(err)));
      });
  return promise;
}

/// Keeps this store's copy of customers HQ just gave it (1010 would bring
/// them later) in the pool, or (realtime) in the next group commit;
/// callers answer first: nothing waits on the copy but this
/// store's next use of its database. A failure is reported at the settle.
void keep(self_ptr self, std::vector<customer> customers) {
  auto now = self->state.cfg.env.clock.now(self->clock());
  auto work = [customers = std::move(customers),
               now](storage::channel_database& db) {
    std::vector<caf::error> failed;
    for (const auto& c : customers)
      if (auto err = db.apply_distributed(c, now))
        failed.push_back(std::move(err));
    return failed;
  };
  auto report = [self](std::vector<caf::error> failed) {
    for (const auto& err : failed)
      emit(self, ev::operation_error{event_detail(err)});
  };
  if (self->state.db.groups_writes(caf::timespan{0}))
    join_group(self, std::move(work), std::move(report));
  else
    hand_over(self, std::move(work), std::move(report));
}

/// Asks HQ for a change of one customer and relays the customer as HQ
/// stored it to `promise`; this store holds it from then on (1010 would
/// bring it later).
template <class... Ts>
void ask_hq_and_keep_for(self_ptr self,
                         caf::typed_response_promise<customer> promise,
                         Ts&&... xs) {
  auto& st = self->state;
  self->request(st.link, st.cfg.rts_timeout, std::forward<Ts>(xs)...)
    .then(
      [self, promise](customer& stored) mutable {
        promise.deliver(stored);
        keep(self, {std::move(stored)});
      },
      [promise](caf::error& err) mutable {
        promise.deliver(rts_error(std::move(err)));
      });
}

/// As ask_hq_and_keep_for, answering the message being handled.
template <class... Ts>
caf::result<customer> ask_hq_and_keep(self_ptr self, Ts&&... xs) {
  auto promise = self->make_response_promise<customer>();
  ask_hq_and_keep_for(self, promise, std::forward<Ts>(xs)...);
  return promise;
}

/// A terminal's lookup or sale: runs in the pool and is answered the
/// database's service time after the database is free.
template <class T, class Work>
caf::result<T> served(self_ptr self, Work work) {
  auto& st = self->state;
  return in_pool<T>(self, std::move(work), st.cfg.service_time.sample(st.rng));
}

/// A terminal's sale: as served, except that in a realtime run without a
/// modelled time it joins the next group commit and is answered after it:
/// the sales that arrive while the store's last commit runs (a 1010 apply,
/// another group) become durable together.
template <class Work>
caf::result<bool> written(self_ptr self, Work work) {
  auto& st = self->state;
  auto service = st.cfg.service_time.sample(st.rng);
  if (!st.db.groups_writes(service))
    return in_pool<bool>(self, std::move(work), service);
  auto promise = self->make_response_promise<bool>();
  join_group(self, std::move(work),
             [promise](caf::expected<bool> added) mutable {
               if (added)
                 promise.deliver(*added);
               else
                 promise.deliver(std::move(added.error()));
             });
  return promise;
}

/// What becomes of an Async creation.
using created_then = std::function<void(caf::expected<created_customer>)>;

/// Async creation: the record becomes a pending row with its GUID, and
/// `then` hears of it: at once in a virtual run; in a realtime run after
/// the next group commit, with the sales and copies that come meanwhile.
void create_async(self_ptr self, customer record, created_then then,
                  ec fallback_cause = ec::none) {
  auto& st = self->state;
  auto work = [record = std::move(record), fallback_cause,
               now = st.cfg.env.clock.now(self->clock())](
                storage::channel_database& db)
    -> caf::expected<created_customer> {
    if (auto err = db.add_customer(record, now))
      return err;
    return created_customer{record, creation_mode::async,
                            fallback_cause != ec::none, fallback_cause};
  };
  if (st.db.groups_writes(caf::timespan{0}))
    join_group(self, std::move(work), std::move(then));
  else
    then(work(st.db.get()));
}

/// An edit of `before`, the customer as this store holds it.
void edit_held(self_ptr self, caf::typed_response_promise<customer> promise,
               const customer& given, const staff_member& staff,
               const customer& before) {
  auto& st = self->state;
  const auto& settings = st.cfg.settings;
  auto refuse = [&](caf::error err) { promise.deliver(std::move(err)); };
  auto changed = given;
  // The customer the cashier opened while it was pending has been
  // converted here since: the edit is of the converted customer (it
  // goes to HQ under its account number).
  if (given.id.account_number.empty()
      && before.id.async_guid == given.id.async_guid)
    changed.id = before.id;
  if (!(before.id == changed.id))
    return refuse(make_error(ec::not_found, "customer",
                             "an edit cannot change the account or GUID"));
  // Seed 000: every address, also one added later, has its purpose
  // (Home for a person, Business for an organization) and the store's
  // country unless given.
  for (auto& address : changed.profile.addresses)
    address = apply_address_defaults(std::move(address), changed.type,
                                     settings.operating_unit_country);
  auto after = validate_customer(changed, settings.operating_unit_country,
                                 settings.attributes);
  if (!after)
    return refuse(after.error());
  for (auto op : store_operations_in(before, *after))
    if (auto err = check_permission(staff, op))
      return refuse(err);
  for (auto op : operations_in(before, *after))
    if (auto err = check_operation(before, op, st.cfg.flags))
      return refuse(err);
  if (is_pending(before.id)) {
    with_database(self,
                  [after = std::move(*after),
                   now = st.cfg.env.clock.now(self->clock())](
                    storage::channel_database& db) -> caf::expected<customer> {
                    if (auto err = db.update_pending(after, now))
                      return err;
                    return after;
                  },
                  deliver_to(promise));
    return;
  }
  ask_hq_and_keep_for(self, promise, atom::edit_v, std::move(*after),
                      staff.id);
}

/// A customer's sales: those HQ has, and this store's own that the P-job
/// has not uploaded yet.
void join_hq_sales(self_ptr self,
                   caf::typed_response_promise<purchase_history> promise,
                   const std::string& customer_ref,
                   std::vector<sale_transaction> local) {
  auto& st = self->state;
  self->request(st.link, st.cfg.rts_timeout, atom::purchases_v, customer_ref)
    .then(
      [promise, customer_ref,
       local = std::move(local)](std::vector<sale_transaction>& at_hq) mutable {
        // Sales the P-job has uploaded are at both places.
        std::set<std::string> seen;
        for (const auto& sale : at_hq)
          seen.insert(sale.transaction_id);
        for (auto& sale : local)
          if (seen.count(sale.transaction_id) == 0)
            at_hq.push_back(std::move(sale));
        promise.deliver(summarize_purchases(customer_ref, std::move(at_hq)));
      },
      [promise](caf::error& err) mutable {
        promise.deliver(rts_error(std::move(err)));
      });
}

/// Whether the caller's deadline (the epoch: none) leaves less than the
/// reply margin from now: then nothing of its call may become durable.
/// The store's wait for HQ ends at that moment at the latest, and a
/// fallback made then still reaches the terminal in time.
bool past(self_ptr self, caf::timestamp deadline) {
  const auto& st = self->state;
  return deadline != caf::timestamp{}
         && st.cfg.env.clock.now(self->clock())
              > deadline - st.cfg.reply_margin;
}

/// A Sync creation whose RTS call failed: the same draft and GUID created
/// Async, as Commerce does, under the Async rules (make_new_customer for
/// the async mode: no inherited affiliations, no address without the
/// feature, ...), unless the policy says to report the failure or the
/// terminal's deadline has passed; `then` hears what became of it.
void fall_back(self_ptr self, const customer_draft& draft,
               const std::string& guid, caf::timestamp deadline,
               const caf::error& failure, created_then then) {
  auto& st = self->state;
  if (st.cfg.policy == rts_failure_policy::error || !is_rts_failure(failure)
      || past(self, deadline)) {
    then(failure);
    return;
  }
  auto cause = error_code(failure);
  auto built = build_new_customer(draft, st.cfg.settings, st.cfg.groups,
                                  st.cfg.flags, creation_mode::async, guid);
  if (!built) {
    then(built.error());
    return;
  }
  emit(self, ev::rts_fallback{st.cfg.index, static_cast<uint8_t>(cause)});
  create_async(self, std::move(built->record), std::move(then), cause);
}

} // namespace

store_self::behavior_type
store(store_self::stateful_pointer<store_state> self, store_config cfg,
      std::shared_ptr<storage::channel_database> db, rts_link_actor link) {
  auto& st = self->state;
  st.rng = actor_rng{cfg.env.seed, "store:" + cfg.settings.store_id};
  st.cfg = std::move(cfg);
  st.db = {std::move(db), st.cfg.env.pool};
  st.link = std::move(link);
  // Said once, as the store opens: what about its setup every creation
  // would repeat (seed 000's receipt-email pitfall).
  for (const auto& w : check_store_settings(st.cfg.settings))
    emit(self, ev::store_warning{st.cfg.index, w.code});
  return {
    [=](atom::search,
        const search_query& query) -> caf::result<std::vector<customer>> {
      auto country = self->state.cfg.settings.operating_unit_country;
      return served<std::vector<customer>>(
        self, [query, country](storage::channel_database& db) {
          return db.search(query, country, 20);
        });
    },
    [=](atom::search_hq,
        search_query& query) -> caf::result<std::vector<customer>> {
      auto& st = self->state;
      // A retailsim rule, not a seed's: a query of fewer than 4 characters
      // would send HQ a search through every customer of every store.
      auto text = normalize_text(query.text, "query", 254);
      if (!text)
        return text.error();
      auto characters = std::count_if(text->begin(), text->end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      });
      if (characters < 4)
        return make_error(ec::value_out_of_range, "query",
                          "search all stores needs at least 4 characters");
      return ask_hq<std::vector<customer>>(
        self, atom::search_v, std::move(query),
        st.cfg.settings.operating_unit_country);
    },
    [=](atom::select, const std::string& account,
        const staff_member& staff) -> caf::result<customer> {
      if (auto err = check_permission(staff, store_operation::view))
        return err;
      return ask_hq_and_keep(self, atom::select_v, account,
                             self->state.cfg.address_book);
    },
    [=](atom::similar,
        const customer_draft& draft) -> caf::result<std::vector<customer>> {
      auto& st = self->state;
      auto candidate = similarity_candidate(draft, st.cfg.settings);
      if (!candidate)
        return candidate.error();
      return served<std::vector<customer>>(
        self, [candidate = std::move(*candidate)](
                storage::channel_database& db) {
          return db.similar(candidate, 10);
        });
    },
    [=](atom::create, create_request& req) -> caf::result<created_customer> {
      auto& st = self->state;
      const auto& settings = st.cfg.settings;
      if (auto err = check_permission(req.staff, store_operation::create))
        return err;
      auto prompted = apply_email_prompt(std::move(req.draft),
                                         settings.profile,
                                         req.email_prompt_confirmed);
      if (!prompted)
        return prompted.error();
      auto mode = settings.profile.create_customer_async ? creation_mode::async
                                                         : creation_mode::sync;
      auto guid = req.request_guid.empty()
                    ? make_guid(st.rng, st.cfg.env.run_tag)
                    : req.request_guid;
      auto built = build_new_customer(*prompted, settings, st.cfg.groups,
                                      st.cfg.flags, mode, guid);
      if (!built)
        return built.error();
      if (mode == creation_mode::async) {
        auto promise = self->make_response_promise<created_customer>();
        create_async(self, std::move(built->record), deliver_to(promise));
        return promise;
      }
      // The store waits for HQ until its own time-out, or until the
      // terminal's deadline less the time it needs to answer, whichever
      // comes first; HQ commits only if its answer comes before then.
      auto now = st.cfg.env.clock.now(self->clock());
      auto until = now + st.cfg.rts_timeout;
      if (req.deadline != caf::timestamp{})
        until = std::min(until, req.deadline - st.cfg.reply_margin);
      auto deadline = req.deadline;
      auto draft = std::move(*prompted);
      auto promise = self->make_response_promise<created_customer>();
      if (until <= now) {
        fall_back(self, draft, guid, deadline,
                  make_error(ec::deadline_exceeded, "store",
                             "no time left for the Real-time Service call"),
                  deliver_to(promise));
        return promise;
      }
      hq_create_request call{settings.store_id, st.cfg.address_book,
                             req.staff.id, std::move(built->record), until};
      self->request(st.link, until - now, atom::create_v, std::move(call))
        .then(
          [self, promise](customer& c) mutable {
            // Upsert: a pending row of this GUID (an earlier fallback or
            // offline copy) becomes this synced customer.
            promise.deliver(created_customer{c, creation_mode::sync, false});
            keep(self, {std::move(c)});
          },
          [self, promise, draft, guid, deadline](caf::error& err) mutable {
            auto failure = rts_error(std::move(err));
            fall_back(
              self, draft, guid, deadline, failure,
              [self, promise, guid, failure](
                caf::expected<created_customer> fell) mutable {
                if (fell) {
                  promise.deliver(std::move(*fell));
                  return;
                }
                // No answer is not a no: HQ may have committed it (its
                // answer lost, HQ crashed). Said, so that the run's check
                // can tell such a customer from one nobody ever created.
                if (error_code(failure) == ec::rts_timeout) {
                  emit(self, ev::creation_in_doubt{self->state.cfg.index,
                                                   event_detail(fell.error()),
                                                   words_of_guid(guid)});
                }
                promise.deliver(fell.error());
              });
          });
      return promise;
    },
    [=](atom::edit, const customer& given,
        const staff_member& staff) -> caf::result<customer> {
      auto promise = self->make_response_promise<customer>();
      with_database(
        self,
        [given](storage::channel_database& db) {
          return given.id.account_number.empty()
                   ? db.find_by_guid(given.id.async_guid)
                   : db.find(given.id.account_number);
        },
        [self, promise, given, staff](auto existing) mutable {
          if (!existing) {
            promise.deliver(existing.error());
            return;
          }
          if (!*existing) {
            promise.deliver(make_error(
              ec::not_found, "customer",
              "no customer '" + display_account(given.id) + "' at store "
                + self->state.cfg.settings.store_id));
            return;
          }
          edit_held(self, promise, given, staff, **existing);
        });
      return promise;
    },
    [=](atom::history, const std::string& account, const staff_member& staff)
      -> caf::result<std::vector<change_record>> {
      if (auto err = check_permission(staff, store_operation::view))
        return err;
      return ask_hq<std::vector<change_record>>(self, atom::history_v,
                                                account);
    },
    [=](atom::purchases, const std::string& customer_ref,
        const staff_member& staff) -> caf::result<purchase_history> {
      if (auto err = check_permission(staff, store_operation::view))
        return err;
      auto promise = self->make_response_promise<purchase_history>();
      with_database(
        self,
        [customer_ref](storage::channel_database& db) {
          return db.sales_for(customer_ref);
        },
        [self, promise, customer_ref](
          caf::expected<std::vector<sale_transaction>> local) mutable {
          if (!local) {
            promise.deliver(local.error());
            return;
          }
          // A pending customer's sales are all here: HQ knows them only
          // under the account number they get at conversion.
          if (is_valid_guid(customer_ref)) {
            promise.deliver(
              summarize_purchases(customer_ref, std::move(*local)));
            return;
          }
          join_hq_sales(self, promise, customer_ref, std::move(*local));
        });
      return promise;
    },
    [=](atom::merge, const std::string& survivor, const std::string& duplicate,
        const staff_member& staff) -> caf::result<customer> {
      if (auto err = check_permission(staff, store_operation::merge))
        return err;
      return ask_hq_and_keep(self, atom::merge_v, survivor, duplicate,
                             staff.id, self->state.cfg.address_book);
    },
    [=](atom::duplicates, const std::string& account,
        const staff_member& staff) -> caf::result<std::vector<customer>> {
      if (auto err = check_permission(staff, store_operation::view))
        return err;
      return ask_hq<std::vector<customer>>(self, atom::duplicates_v, account);
    },
    [=](atom::review,
        const staff_member& staff) -> caf::result<std::vector<duplicate_pair>> {
      if (auto err = check_permission(staff, store_operation::merge))
        return err;
      return ask_hq<std::vector<duplicate_pair>>(self, atom::review_v);
    },
    [=](atom::sale, const sale_transaction& sale) -> caf::result<bool> {
      return written(self, [sale](storage::channel_database& db) {
        return db.record_sale(sale);
      });
    },
    [=](atom::upload, const offline_upload& batch) -> caf::result<uint64_t> {
      return on_database<uint64_t>(
        self, [batch, now = self->state.cfg.env.clock.now(self->clock())](
                storage::channel_database& db) -> caf::expected<uint64_t> {
          auto added = db.upload_offline(batch, now);
          if (!added)
            return added.error();
          return static_cast<uint64_t>(*added);
        });
    },
    [=](atom::collect) -> caf::result<pjob_batch> {
      auto& st = self->state;
      auto store_id = st.cfg.settings.store_id;
      auto limit = st.cfg.pjob_batch;
      return in_pool<pjob_batch>(
        self,
        [store_id, limit](storage::channel_database& db) {
          return db.collect_for_pjob(store_id, limit);
        });
    },
    [=](atom::ack, int64_t customers_seq,
        int64_t sales_seq) -> caf::result<bool> {
      return on_database<bool>(
        self, [customers_seq, sales_seq](
                storage::channel_database& db) -> caf::expected<bool> {
          if (auto err = db.acknowledge_pjob(customers_seq, sales_seq))
            return err;
          return true;
        });
    },
    [=](atom::dist_seq) -> caf::result<int64_t> {
      return on_database<int64_t>(self, [](storage::channel_database& db) {
        return db.watermark("dist_1010");
      });
    },
    [=](atom::apply, dist_batch& batch) -> caf::result<uint64_t> {
      auto now = self->state.cfg.env.clock.now(self->clock());
      return in_pool<uint64_t>(
        self,
        [batch = std::move(batch), now](storage::channel_database& db) {
          return db.apply_distribution(batch, now);
        },
        caf::timespan{0},
        [self](caf::expected<std::vector<std::string>> converted)
          -> caf::expected<uint64_t> {
          if (!converted)
            return converted.error();
          auto& st = self->state;
          for (const auto& guid : *converted)
            emit(self, ev::customer_converted{st.cfg.index,
                                              words_of_guid(guid)});
          return static_cast<uint64_t>(converted->size());
        });
    },
    [=](atom::settle) { self->state.db.settle_next(); },
    [=](atom::flush) { flush_group(self); },
  };
}

} // namespace retailsim
