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
// time, in_pool runs the work in place and answers at once, and writes an
// actor joins to a group (join_group) are committed together: every write
// that arrived while the last commit ran, in one transaction.

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "caf/actor_clock.hpp"
#include "caf/error.hpp"
#include "caf/expected.hpp"
#include "caf/timespan.hpp"

#include "actors/work_pool.hpp"
#include "model/fwd.hpp"

namespace retailsim {

/// The error a piece of work's outcome reports (none for outcomes that
/// cannot fail as a whole).
inline caf::error error_of(const caf::error& x) {
  return x;
}

template <class T>
caf::error error_of(const caf::expected<T>& x) {
  return x ? caf::error{} : x.error();
}

template <class T>
caf::error error_of(const T&) {
  return {};
}

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

  /// The database, once work handed over on it is done and the writes
  /// waiting for a group commit are committed.
  Database& get() {
    if (busy_) {
      pool_->wait(busy_);
      busy_.reset();
    }
    commit_group();
    return *db_;
  }

  /// For an actor that works in place (runs_in_place): `work(db)` joins
  /// the next group commit, and `settle(outcome)` runs after it. Returns
  /// true for the first piece of a group: the actor then sends itself the
  /// message that commits it, behind those already in its mailbox, so that
  /// every write that arrives meanwhile joins (see join_group below).
  template <class Work, class Settle>
  bool join_group(Work work, Settle settle) {
    using outcome = decltype(work(*db_));
    auto result = std::make_shared<std::optional<outcome>>();
    grouped_.push_back(
      {[work = std::move(work), result](Database& db) mutable {
         result->emplace(work(db));
         return error_of(**result);
       },
       [settle = std::move(settle), result](caf::error failed) mutable {
         // The piece was refused, or the group's transaction failed as a
         // whole (its commit): the piece's outcome is that error.
         if (failed)
           settle(outcome{std::move(failed)});
         else
           settle(std::move(**result));
       }});
    return grouped_.size() == 1;
  }

  /// Commits the writes that joined the group, in one transaction (a piece
  /// that fails is undone alone: Database::write_each), then runs their
  /// settles in the order they joined.
  void commit_group() {
    if (grouped_.empty())
      return;
    auto pieces = std::move(grouped_);
    grouped_.clear();
    auto failed = db_->write_each("group commit", pieces.size(),
                                  [&](size_t i) { return pieces[i].run(*db_); });
    for (size_t i = 0; i < pieces.size(); ++i)
      pieces[i].settle(std::move(failed[i]));
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
  /// A write waiting for the group commit.
  struct piece {
    std::function<caf::error(Database&)> run;
    std::function<void(caf::error)> settle;
  };

  std::shared_ptr<Database> db_;
  bool in_place_ = false;
  /// Writes for the next group commit, in the order they joined.
  std::vector<piece> grouped_;
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

/// Joins `work` on `self->state.db` to the next group commit (the actor
/// works in place: runs_in_place); `settle(outcome)` runs in the actor
/// after it. The first piece of a group sends the actor `flush`, which
/// commits the group behind the messages already in its mailbox.
template <class Self, class Work, class Settle>
void join_group(Self* self, Work work, Settle settle) {
  if (self->state.db.join_group(std::move(work), std::move(settle)))
    self->send(self, atom::flush_v);
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
