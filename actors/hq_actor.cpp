#include "actors/hq_actor.hpp"

#include "model/error.hpp"

namespace retailsim {

namespace {

using self_ptr = hq_self::stateful_pointer<hq_state>;

void emit(self_ptr self, event_body what) {
  self->state.cfg.env.emit(self->clock(), std::move(what));
}

ev::hq_refused refused(ec cause) {
  return {static_cast<uint8_t>(cause)};
}

/// Answers a Sync creation with what its commit gave.
void answer(self_ptr self, hq_state::sync_call& call,
            caf::expected<customer> created) {
  if (!created) {
    emit(self, refused(ec::storage_failure));
    call.promise.deliver(created.error());
    return;
  }
  const auto& st = self->state;
  emit(self, ev::hq_served{self->clock().now() - call.arrived,
                           static_cast<uint32_t>(st.queue.size()),
                           static_cast<uint32_t>(st.in_service.size() + 1)});
  call.promise.deliver(std::move(*created));
}

/// The commit of one Sync creation, as work on HQ's database.
auto commit_of(self_ptr self, hq_create_request req) {
  auto now = self->state.cfg.env.clock.now(self->clock());
  return [req = std::move(req), now](storage::hq_database& db) {
    return db.create_customer(req.record, req.store_id, req.address_book,
                              req.cashier, now);
  };
}

/// Whether an answer given at `answered` reaches the caller too late: at
/// or past the call's deadline less the reply margin. A call without a
/// deadline (the epoch) never does.
bool past_deadline(caf::timestamp answered, caf::timestamp deadline,
                   caf::timespan reply_margin) {
  return deadline != caf::timestamp{} && answered >= deadline - reply_margin;
}

/// Whether an answer `after` from now would reach the caller too late.
bool too_late(self_ptr self, const hq_state::sync_call& call,
              caf::timespan after) {
  const auto& st = self->state;
  return past_deadline(st.cfg.env.clock.now(self->clock()) + after,
                       call.request.deadline, st.cfg.reply_margin);
}

void refuse_late(self_ptr self, hq_state::sync_call& call) {
  emit(self, refused(ec::deadline_exceeded));
  call.promise.deliver(make_error(
    ec::deadline_exceeded, "hq",
    "the answer could not reach " + call.request.store_id
      + " before its deadline; nothing was committed"));
}

/// While HQ is down: the call gets no reply (a promise nobody keeps).
template <class T>
caf::result<T> no_reply(self_ptr self) {
  return self->make_response_promise<T>();
}

/// `reply` for in_pool, unless HQ crashed since the work was handed over:
/// then no reply at all.
template <class T, class Reply = as_is>
auto unless_crashed(self_ptr self, Reply reply = {}) {
  return [self, crashes = self->state.crashes,
          reply](auto outcome) mutable -> answer_or_none<T> {
    if (self->state.crashes != crashes)
      return std::nullopt;
    return caf::expected<T>{reply(std::move(outcome))};
  };
}

/// Makes the next group commit due, behind every message already here:
/// the calls among them join it.
void flush_soon(self_ptr self) {
  auto& st = self->state;
  if (st.flush_due)
    return;
  st.flush_due = true;
  self->send(self, atom::flush_v);
}

void serve_queue(self_ptr self);

/// Answers the call a worker has served, frees the worker and gives it the
/// next call waiting.
void finish(self_ptr self,
            std::unordered_map<uint64_t, hq_state::sync_call>::iterator i) {
  auto& st = self->state;
  auto call = std::move(i->second);
  st.in_service.erase(i);
  if (call.too_late)
    refuse_late(self, call);
  else if (call.outcome)
    answer(self, call, std::move(*call.outcome));
  else
    answer(self, call, st.db.take(call.commit));
  serve_queue(self);
}

/// What a gathered group commit did: the calls it refused, uncommitted,
/// because their deadline had come, and the outcomes of the others.
struct gathered_commit {
  std::vector<uint64_t> late;
  std::vector<uint64_t> ids;
  std::vector<caf::expected<customer>> outcomes;
};

/// Realtime, without a service time: the call joins the group commit that
/// gathers on the database thread as it starts (see `gathering`), and is
/// answered after it. A call whose deadline has come by then is refused,
/// uncommitted.
void gather(self_ptr self, hq_state::sync_call call) {
  auto& st = self->state;
  auto id = st.next_call++;
  auto request = std::move(call.request);
  call.request.store_id = request.store_id;  // for a refusal's words
  auto first = st.gathered->put({id, std::move(request)});
  st.awaiting.emplace(id, std::move(call));
  if (!first)
    return;  // the commit queued already takes it
  auto commit = [gathered = st.gathered, clock = &self->clock(),
                 sim = st.cfg.env.clock,
                 margin = st.cfg.reply_margin](storage::hq_database& db) {
    auto now = sim.now(*clock);
    gathered_commit done;
    std::vector<hq_create_request> batch;
    for (auto& call : gathered->take()) {
      if (past_deadline(now, call.request.deadline, margin)) {
        done.late.push_back(call.id);
        continue;
      }
      done.ids.push_back(call.id);
      batch.push_back(std::move(call.request));
    }
    if (!batch.empty())
      done.outcomes = db.create_customers(batch, now);
    return done;
  };
  // A call HQ's crash dropped is no longer awaited: its caller hears
  // nothing.
  hand_over(self, std::move(commit), [self](gathered_commit done) {
    auto& st = self->state;
    for (auto id : done.late)
      if (auto i = st.awaiting.find(id); i != st.awaiting.end()) {
        refuse_late(self, i->second);
        st.awaiting.erase(i);
      }
    for (size_t k = 0; k < done.ids.size(); ++k)
      if (auto i = st.awaiting.find(done.ids[k]); i != st.awaiting.end()) {
        answer(self, i->second, std::move(done.outcomes[k]));
        st.awaiting.erase(i);
      }
  });
}

/// Gives the call a worker. With a service time, the worker commits in the
/// pool as it starts and answers when the time has elapsed (at `done`), so
/// the coordinator runs other actors meanwhile (realtime: when the commit
/// is done too, whichever comes last); without one, the call joins the
/// next group commit (at `flush`). A commit whose answer would
/// come after the caller's deadline is not made: the worker takes its time
/// and refuses.
void serve(self_ptr self, hq_state::sync_call call) {
  auto& st = self->state;
  if (too_late(self, call, caf::timespan{0})) {
    // The caller has given up already: no worker time is spent.
    refuse_late(self, call);
    return;
  }
  auto service = st.cfg.service_time.sample(st.rng);
  call.too_late = too_late(self, call, service);
  if (service.count() == 0) {
    if (call.too_late) {
      refuse_late(self, call);
      return;
    }
    if (st.db.realtime()) {
      gather(self, std::move(call));
      return;
    }
    st.group.push_back(std::move(call));
    flush_soon(self);
    return;
  }
  auto id = st.next_call++;
  if (!call.too_late && st.db.realtime()) {
    // On the database threads: the commit's outcome waits in the call
    // until the service time has elapsed, or the other way round.
    hand_over(self, commit_of(self, std::move(call.request)),
              [self, id, crashes = st.crashes](
                caf::expected<customer> created) mutable {
                auto& st = self->state;
                auto i = st.in_service.find(id);
                if (st.crashes != crashes || i == st.in_service.end())
                  return;
                i->second.outcome = std::move(created);
                if (i->second.elapsed)
                  finish(self, i);
              });
  } else if (!call.too_late) {
    call.commit = st.db.start(commit_of(self, std::move(call.request)));
  }
  st.in_service.emplace(id, std::move(call));
  self->delayed_send(self, service, atom::done_v, id);
}

/// Virtual: the group commit, one durable transaction for every call
/// gathered, each answered after it (a call whose deadline came meanwhile
/// is refused, uncommitted).
void commit_group(self_ptr self) {
  auto& st = self->state;
  auto calls = std::move(st.group);
  st.group.clear();
  std::vector<hq_state::sync_call> committing;
  std::vector<hq_create_request> batch;
  for (auto& call : calls) {
    if (too_late(self, call, caf::timespan{0})) {
      refuse_late(self, call);
      continue;
    }
    // Moved: answering needs only the promise and the arrival time.
    batch.push_back(std::move(call.request));
    committing.push_back(std::move(call));
  }
  if (batch.empty())
    return;
  auto now = st.cfg.env.clock.now(self->clock());
  auto outcomes = st.db.get().create_customers(batch, now);
  for (size_t i = 0; i < committing.size(); ++i)
    answer(self, committing[i], std::move(outcomes[i]));
}

/// The group commit of the P-job uploads gathered: one transaction for
/// all (an upload refused is undone alone), as job work in the pool beside
/// the stores' side of the P-job; each caller is answered after it.
void stage_group(self_ptr self) {
  auto& st = self->state;
  if (st.staging.empty())
    return;
  std::vector<storage::pjob_upload> uploads;
  std::vector<caf::typed_response_promise<uint64_t>> promises;
  for (auto& call : st.staging) {
    uploads.push_back(std::move(call.upload));
    promises.push_back(std::move(call.promise));
  }
  st.staging.clear();
  auto work = [uploads = std::move(uploads),
               now = st.cfg.env.clock.now(self->clock())](
                storage::hq_database& db) {
    return db.stage_uploads(uploads, now);
  };
  auto answer = [self, promises, crashes = st.crashes](
                  std::vector<caf::expected<size_t>> outcomes) mutable {
    if (self->state.crashes != crashes)
      return;  // HQ crashed meanwhile: its callers hear nothing
    for (size_t i = 0; i < promises.size(); ++i) {
      if (outcomes[i])
        promises[i].deliver(static_cast<uint64_t>(*outcomes[i]));
      else
        promises[i].deliver(std::move(outcomes[i].error()));
    }
  };
  if (st.db.runs_in_place(caf::timespan{0}))
    answer(work(st.db.get()));
  else
    hand_over(self, std::move(work), std::move(answer));
}

/// What HQ answers a lookup or change with: on_database, and no answer if
/// HQ crashed while the database worked.
template <class T, class Work>
caf::result<T> answer_from_db(self_ptr self, Work work) {
  return on_database<T>(self, std::move(work), unless_crashed<T>(self));
}

void serve_queue(self_ptr self) {
  auto& st = self->state;
  while (st.in_service.size() < st.cfg.workers && !st.queue.empty()) {
    auto call = std::move(st.queue.front());
    st.queue.pop_front();
    if (self->clock().now() - call.arrived > st.cfg.queue_timeout) {
      emit(self, refused(ec::hq_overloaded));
      call.promise.deliver(make_error(ec::hq_overloaded, "hq",
                                      "waited longer than the queue time-out"));
      continue;
    }
    serve(self, std::move(call));
  }
}

} // namespace

hq_self::behavior_type hq(hq_self::stateful_pointer<hq_state> self,
                           hq_config cfg,
                           std::shared_ptr<storage::hq_database> db) {
  auto& st = self->state;
  st.rng = actor_rng{cfg.env.seed, "hq"};
  st.cfg = std::move(cfg);
  st.db = {std::move(db), st.cfg.env.pool};
  return {
    [=](atom::create, hq_create_request& req) -> caf::result<customer> {
      if (self->state.crashed)
        return no_reply<customer>(self);
      auto& st = self->state;
      hq_state::sync_call call;
      call.promise = self->make_response_promise<customer>();
      call.request = std::move(req);
      call.arrived = self->clock().now();
      auto promise = call.promise;
      if (st.in_service.size() < st.cfg.workers && st.queue.empty()) {
        serve(self, std::move(call));
      } else if (st.queue.size() < st.cfg.queue_limit) {
        st.queue.push_back(std::move(call));
      } else {
        emit(self, refused(ec::hq_overloaded));
        return make_error(ec::hq_overloaded, "hq",
                          "Real-time Service queue is full ("
                            + std::to_string(st.cfg.queue_limit) + ")");
      }
      return promise;
    },
    [=](atom::done, uint64_t id) {
      auto& st = self->state;
      auto i = st.in_service.find(id);
      if (i == st.in_service.end())
        return;
      if (st.db.realtime() && !i->second.too_late && !i->second.outcome) {
        i->second.elapsed = true;  // the commit is still running
        return;
      }
      finish(self, i);
    },
    [=](atom::flush) {
      self->state.flush_due = false;
      commit_group(self);
      stage_group(self);
    },
    [=](atom::search, const search_query& query,
        const std::string& region) -> caf::result<std::vector<customer>> {
      if (self->state.crashed)
        return no_reply<std::vector<customer>>(self);
      return answer_from_db<std::vector<customer>>(
        self, [query, region](storage::hq_database& db) {
          return db.search(query, region, 20);
        });
    },
    [=](atom::select, const std::string& account,
        const std::string& address_book) -> caf::result<customer> {
      if (self->state.crashed)
        return no_reply<customer>(self);
      return answer_from_db<customer>(
        self, [account, address_book](storage::hq_database& db) {
          return db.join_address_book(account, address_book);
        });
    },
    [=](atom::stage, pjob_batch& batch,
        const std::string& address_book) -> caf::result<uint64_t> {
      if (self->state.crashed)
        return no_reply<uint64_t>(self);
      auto& st = self->state;
      hq_state::stage_call call{self->make_response_promise<uint64_t>(), {}};
      auto& customers = call.upload.customers;
      customers.reserve(batch.customers.size());
      for (auto& c : batch.customers)
        customers.push_back({batch.store_id, address_book, std::move(c)});
      call.upload.sales = std::move(batch.sales);
      auto promise = call.promise;
      st.staging.push_back(std::move(call));
      flush_soon(self);
      return promise;
    },
    [=](atom::convert, uint64_t max_count) -> caf::result<uint64_t> {
      if (self->state.crashed)
        return no_reply<uint64_t>(self);
      auto& st = self->state;
      return in_pool<uint64_t>(
        self,
        [max_count, now = st.cfg.env.clock.now(self->clock()),
         check = st.cfg.duplicates](storage::hq_database& db) {
          return db.convert_staged(max_count, now, check);
        },
        caf::timespan{0},
        unless_crashed<uint64_t>(self, [self](caf::expected<storage::conversion> done)
          -> caf::expected<uint64_t> {
          if (!done)
            return done.error();
          // A customer that could not be converted stays staged (the run's
          // check reports it); it never holds up the others.
          for (const auto& err : done->failed)
            emit(self, ev::operation_error{event_detail(err)});
          return static_cast<uint64_t>(done->mapped.size());
        }));
    },
    [=](atom::edit, const customer& record,
        const std::string& changed_by) -> caf::result<customer> {
      if (self->state.crashed)
        return no_reply<customer>(self);
      return answer_from_db<customer>(
        self, [record, changed_by, now = self->state.cfg.env.clock.now(
                                     self->clock())](storage::hq_database& db)
                -> caf::expected<customer> {
          if (auto err = db.update_customer(record, changed_by, now))
            return err;
          return record;
        });
    },
    [=](atom::history, const std::string& account)
      -> caf::result<std::vector<change_record>> {
      if (self->state.crashed)
        return no_reply<std::vector<change_record>>(self);
      return answer_from_db<std::vector<change_record>>(
        self,
        [account](storage::hq_database& db) { return db.history(account); });
    },
    [=](atom::merge, const std::string& survivor, const std::string& duplicate,
        const std::string& merged_by,
        const std::string& address_book) -> caf::result<customer> {
      if (self->state.crashed)
        return no_reply<customer>(self);
      auto& st = self->state;
      return answer_from_db<customer>(
        self, [survivor, duplicate, merged_by, address_book,
               now = st.cfg.env.clock.now(self->clock()),
               flags = st.cfg.duplicates.flags](storage::hq_database& db) {
          return db.merge(survivor, duplicate, merged_by, now, flags,
                          address_book);
        });
    },
    [=](atom::duplicates,
        const std::string& account) -> caf::result<std::vector<customer>> {
      if (self->state.crashed)
        return no_reply<std::vector<customer>>(self);
      return answer_from_db<std::vector<customer>>(
        self, [account](storage::hq_database& db) {
          return db.duplicates_of(account, 10);
        });
    },
    [=](atom::review) -> caf::result<std::vector<duplicate_pair>> {
      if (self->state.crashed)
        return no_reply<std::vector<duplicate_pair>>(self);
      return answer_from_db<std::vector<duplicate_pair>>(
        self, [](storage::hq_database& db) { return db.review_queue(20); });
    },
    [=](atom::purchases, const std::string& customer_ref)
      -> caf::result<std::vector<sale_transaction>> {
      if (self->state.crashed)
        return no_reply<std::vector<sale_transaction>>(self);
      return answer_from_db<std::vector<sale_transaction>>(
        self, [customer_ref](storage::hq_database& db) {
          return db.sales_for(customer_ref);
        });
    },
    [=](atom::distribute, const std::string& address_book,
        int64_t after_seq) -> caf::result<dist_batch> {
      if (self->state.crashed)
        return no_reply<dist_batch>(self);
      auto& st = self->state;
      return in_pool<dist_batch>(
        self,
        [address_book, after_seq,
         limit = st.cfg.distribution_batch](storage::hq_database& db) {
          return db.distribution_after(address_book, after_seq, limit);
        },
        caf::timespan{0}, unless_crashed<dist_batch>(self));
    },
    [=](atom::crash, bool down) {
      auto& st = self->state;
      if (down == st.crashed)
        return;
      if (down) {
        // Everything it held in memory is gone; its callers hear nothing.
        auto dropped = st.queue.size() + st.in_service.size()
                       + st.group.size() + st.awaiting.size()
                       + st.staging.size();
        st.queue.clear();
        st.in_service.clear();
        st.group.clear();
        st.awaiting.clear();
        st.gathered->drop();
        st.staging.clear();
        st.crashed = true;
        ++st.crashes;
        emit(self, ev::hq_down{true, dropped});
        return;
      }
      st.crashed = false;
      with_database(
        self, [](storage::hq_database& db) { return db.recover(); },
        [self](caf::error err) {
          if (err)
            emit(self, ev::operation_error{event_detail(err)});
          emit(self, ev::hq_down{false, 0});
        });
    },
    [=](atom::settle) { self->state.db.settle_next(); },
  };
}

} // namespace retailsim
