#pragma once

// An actor's database shared with work the actor hands to the work pool
// (see work_pool.hpp), and how an actor hands work over: hand_over and
// in_pool, settled at a message the actor sends itself, or start and take,
// for work whose outcome the actor collects at a message of its own.
//
// | step                | what happens                                       |
// |---------------------|----------------------------------------------------|
// | hand_over(w, s, d)  | w(db) queued in the pool; a settle message is sent |
// |                     | to self through the clock, d (the modelled service |
// |                     | time, often 0) after the previous settle or now    |
// | any db.get() before | waits for w (the actor sees db as if w had run)    |
// | the settle message  | waits for w, then runs s(outcome) in the actor     |
//
// The settle comes through the clock so that it queues behind every message
// already due (CAF's test_coordinator would run a plain send to oneself
// next): the other actors of a job cycle hand over their work first, and it
// runs side by side; with a service time, the coordinator runs the other
// actors of those simulated milliseconds meanwhile. Outcomes are collected
// at fixed places of the message order, so the trace is the same for any
// number of threads. Without a pool (realtime runs) and without a modelled
// time, in_pool runs the work in place and answers at once.

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "caf/actor_clock.hpp"
#include "caf/expected.hpp"
#include "caf/timespan.hpp"

#include "actors/work_pool.hpp"
#include "model/fwd.hpp"

namespace retailsim {

/// Work handed over whose outcome the actor collects itself, with take().
template <class Outcome>
struct started_work {
  work_pool::task_ptr task;
  std::shared_ptr<std::optional<Outcome>> outcome;
};

template <class Database>
class pooled_database {
public:
  pooled_database() = default;

  /// Without a pool (realtime runs, where CAF's own threads do the work),
  /// work a caller waits for runs in place when there is no modelled time
  /// (runs_in_place); other work runs when the actor waits for it.
  pooled_database(std::shared_ptr<Database> db, std::shared_ptr<work_pool> pool)
    : db_(std::move(db)),
      in_place_(!pool),
      pool_(pool ? std::move(pool) : std::make_shared<work_pool>(0)) {
  }

  /// Whether work a caller waits for, taking `service`, would gain nothing
  /// from a settle message: no pool, no modelled time, nothing to settle
  /// before it (in_pool then answers in place; work nobody waits for, like
  /// a store's copy of HQ's answer, still waits for its settle).
  bool runs_in_place(caf::timespan service) const {
    return in_place_ && service.count() == 0 && settling_.empty();
  }

  /// The database, once work handed over on it is done.
  Database& get() {
    if (busy_) {
      pool_->wait(busy_);
      busy_.reset();
    }
    return *db_;
  }

  /// Queues `work(db)` (one piece at a time) and keeps `settle(outcome)` for
  /// settle_next(); returns when the settle is due: `service` after the
  /// previous settle or `now`, whichever is later (the database serves one
  /// piece of work at a time, and settles come in the order handed over).
  template <class Work, class Settle>
  caf::actor_clock::time_point hand_over(Work work, Settle settle,
                                         caf::actor_clock::time_point now,
                                         caf::timespan service) {
    auto started = start(std::move(work));
    settling_.emplace_back(
      [started, settle = std::move(settle)](pooled_database& db) mutable {
        settle(db.take(started));
      });
    settles_at_ = std::max(now, settles_at_) + service;
    return settles_at_;
  }

  /// Queues `work(db)` (one piece at a time); the actor collects its
  /// outcome with take() at a message of its own choosing.
  template <class Work>
  auto start(Work work) {
    get();
    using outcome = decltype(work(*db_));
    auto result = std::make_shared<std::optional<outcome>>();
    busy_ = pool_->submit([db = db_, work = std::move(work), result]() mutable {
      result->emplace(work(*db));
    });
    return started_work<outcome>{busy_, std::move(result)};
  }

  /// Waits for started work and hands out its outcome.
  template <class Outcome>
  Outcome take(started_work<Outcome>& started) {
    pool_->wait(started.task);
    if (busy_ == started.task)
      busy_.reset();
    return std::move(**started.outcome);
  }

  /// Waits for the oldest work handed over and runs its settle.
  void settle_next() {
    get();
    auto settle = std::move(settling_.front());
    settling_.pop_front();
    settle(*this);
  }

private:
  std::shared_ptr<Database> db_;
  bool in_place_ = false;
  std::shared_ptr<work_pool> pool_;
  /// Work handed over and not yet waited for.
  work_pool::task_ptr busy_;
  /// One per settle message the actor sent itself, oldest first.
  std::deque<std::function<void(pooled_database&)>> settling_;
  /// When the last settle is due.
  caf::actor_clock::time_point settles_at_;
};

/// Hands `work` on `self->state.db` to the pool; `settle(outcome)` runs in
/// the actor at the settle message this sends, `service` (the modelled time
/// the database takes) after the database is free.
template <class Self, class Work, class Settle>
void hand_over(Self* self, Work work, Settle settle,
               caf::timespan service = caf::timespan{0}) {
  auto now = self->clock().now();
  auto at = self->state.db.hand_over(std::move(work), std::move(settle), now,
                                     service);
  self->delayed_send(self, at - now, atom::settle_v);
}

/// The outcome of work, as it is.
struct as_is {
  template <class Outcome>
  Outcome operator()(Outcome x) const {
    return x;
  }
};

/// An answer, or none at all: the caller gets no reply (HQ crashed while
/// the work ran).
template <class T>
using answer_or_none = std::optional<caf::expected<T>>;

/// reply's outcome as an answer_or_none.
template <class T, class R>
answer_or_none<T> as_answer(R&& x) {
  if constexpr (std::is_same_v<std::decay_t<R>, answer_or_none<T>>)
    return std::forward<R>(x);
  else
    return caf::expected<T>{std::forward<R>(x)};
}

/// Hands `work` over and answers the caller with `reply(outcome)` (a
/// caf::expected<T>, by default the work's outcome, or an answer_or_none)
/// at the settle, or at once if the work runs in place.
template <class T, class Self, class Work, class Reply = as_is>
caf::result<T> in_pool(Self* self, Work work,
                       caf::timespan service = caf::timespan{0},
                       Reply reply = {}) {
  auto& db = self->state.db;
  if (db.runs_in_place(service)) {
    auto answer = as_answer<T>(reply(work(db.get())));
    if (!answer)  // no reply: the caller's time-out tells it
      return self->template make_response_promise<T>();
    if (!*answer)
      return std::move(answer->error());
    return std::move(**answer);
  }
  auto promise = self->template make_response_promise<T>();
  hand_over(self, std::move(work),
            [promise, reply = std::move(reply)](auto outcome) mutable {
              auto answer = as_answer<T>(reply(std::move(outcome)));
              if (!answer)
                return;
              if (*answer)
                promise.deliver(std::move(**answer));
              else
                promise.deliver(std::move(answer->error()));
            },
            service);
  return promise;
}

} // namespace retailsim
