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
// In a virtual run, the settle comes through the clock so that it queues
// behind every message already due (CAF's test_coordinator would run a
// plain send to oneself next): the other actors of a job cycle hand over
// their work first, and it runs side by side; with a service time, the
// coordinator runs the other actors of those simulated milliseconds
// meanwhile. Outcomes are collected at fixed places of the message order,
// so the trace is the same for any number of threads; work an actor does
// at once (on_database) runs in place, on the coordinator's thread.
//
// In a realtime run, the pool is the run's database threads, and every
// piece of an actor's database work runs there, on its database's line
// (one piece at a time, in order), never on CAF's threads: the piece,
// once done, sends the settle (d after the previous settle, if that is
// later). Writes an actor joins to a group (join_group) are committed
// together: a commit takes, as it starts on its database thread, every
// write joined by then (see `gathering`), so the writes that arrived while
// the last commit ran are one transaction. Without any pool (a benchmark's
// lone actor), work runs in place.

#include <algorithm>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "caf/actor_cast.hpp"
#include "caf/actor_clock.hpp"
#include "caf/send.hpp"
#include "caf/error.hpp"
#include "caf/expected.hpp"
#include "caf/timespan.hpp"
#include "caf/typed_response_promise.hpp"

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

/// What a piece of work on a database thread gave: its outcome, or what
/// it threw (rethrown in the actor, as take() does).
template <class Outcome>
struct work_outcome {
  std::optional<Outcome> value;
  std::exception_ptr failure;

  Outcome take() {
    if (failure)
      std::rethrow_exception(failure);
    return std::move(*value);
  }
};

/// Work handed over whose outcome the actor collects itself, with take().
template <class Outcome>
struct started_work {
  work_pool::task_ptr task;
  std::shared_ptr<std::optional<Outcome>> outcome;
};

/// A realtime group commit's gathering, the leader of a classic group
/// commit: an actor puts in what it wants committed, and the first item
/// after a commit started queues the next commit on the database's line;
/// that commit, as it starts on the database thread, takes every item put
/// in by then. So one commit follows the other with no message to the
/// actor between them, and every item that arrived while a commit ran is
/// in the next one.
template <class Item>
class gathering {
public:
  /// Puts `item` in; returns true if the actor must queue a commit for it
  /// (none is queued that has not started yet).
  bool put(Item item) {
    std::lock_guard<std::mutex> guard{mutex_};
    items_.push_back(std::move(item));
    if (queued_)
      return false;
    queued_ = true;
    return true;
  }

  /// As a commit starts, on the database thread: every item put in so far.
  std::vector<Item> take() {
    std::lock_guard<std::mutex> guard{mutex_};
    queued_ = false;
    return std::exchange(items_, {});
  }

  /// Drops what no commit has taken yet (the actor crashed; the commit
  /// queued for it finds nothing).
  void drop() {
    std::lock_guard<std::mutex> guard{mutex_};
    items_.clear();
  }

private:
  std::mutex mutex_;
  std::vector<Item> items_;
  bool queued_ = false;
};

template <class Database>
class pooled_database {
public:
  pooled_database() = default;

  /// With a realtime pool, every piece of work runs on the database
  /// threads (see above). Without a pool, work a caller waits for runs in
  /// place when there is no modelled time (runs_in_place); other work
  /// runs when the actor waits for it.
  pooled_database(std::shared_ptr<Database> db, std::shared_ptr<work_pool> pool)
    : db_(std::move(db)),
      in_place_(!pool),
      pool_(pool ? std::move(pool) : std::make_shared<work_pool>(0)) {
    if (pool_->use() == work_pool_use::realtime) {
      line_ = std::make_shared<work_pool::line>();
      gathered_ = std::make_shared<gathering<write>>();
    }
  }

  /// Whether the work runs on a realtime run's database threads, and the
  /// actor hears of each piece by message.
  bool realtime() const {
    return line_ != nullptr;
  }

  /// Whether work a caller waits for, taking `service`, would gain nothing
  /// from a settle message: no pool, no modelled time, nothing to settle
  /// before it (in_pool then answers in place; work nobody waits for, like
  /// a store's copy of HQ's answer, still waits for its settle).
  bool runs_in_place(caf::timespan service) const {
    return in_place_ && service.count() == 0 && settling_.empty();
  }

  /// Whether a write taking `service` joins the next group commit
  /// (join_group): without a modelled time, where work is not collected
  /// at fixed places of a virtual run's trace.
  bool groups_writes(caf::timespan service) const {
    return service.count() == 0 && (realtime() || runs_in_place(service));
  }

  /// The database, once work handed over on it is done and the writes
  /// waiting for a group commit are committed. In a realtime run this
  /// waits for the database threads: handlers use on_database instead.
  Database& get() {
    if (line_)
      pool_->wait_idle(line_);
    if (busy_) {
      pool_->wait(busy_);
      busy_.reset();
    }
    commit_group();
    return *db_;
  }

  /// `work(db)` joins the next group commit, and `settle(outcome)` runs
  /// in the actor after it. Returns true for the first piece of a group:
  /// the actor then queues the commit (see join_group below).
  template <class Work, class Settle>
  bool join_group(Work work, Settle settle) {
    using outcome = decltype(work(*db_));
    auto result = std::make_shared<std::optional<outcome>>();
    piece p{[work = std::move(work), result](Database& db) mutable {
              result->emplace(work(db));
              return error_of(**result);
            },
            [settle = std::move(settle), result](caf::error failed) mutable {
              // The piece was refused, or the group's transaction failed
              // as a whole (its commit): the piece's outcome is that error.
              if (failed)
                settle(outcome{std::move(failed)});
              else
                settle(std::move(**result));
            }};
    if (line_) {
      gathered_settles_.push_back(std::move(p.settle));
      return gathered_->put(std::move(p.run));
    }
    grouped_.push_back(std::move(p));
    return grouped_.size() == 1;
  }

  /// In a realtime run: the group commit join_group asked for. As it
  /// starts on the database thread it takes every write joined by then
  /// and commits them in one transaction (write_each).
  auto gathered_commit() {
    return [gathered = gathered_](Database& db) {
      auto runs = gathered->take();
      if (runs.empty())
        return std::vector<caf::error>{};
      return db.write_each("group commit", runs.size(),
                           [&](size_t i) { return runs[i](db); });
    };
  }

  /// At a gathered commit's settle: runs the settles of the writes it
  /// took, in the order they joined.
  void settle_gathered(std::vector<caf::error> failed) {
    for (auto& err : failed) {
      auto settle = std::move(gathered_settles_.front());
      gathered_settles_.pop_front();
      settle(std::move(err));
    }
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

  /// In a realtime run: queues `work(db)` on this database's line of the
  /// database threads and keeps `settle(outcome)` for settle_next();
  /// `notify(at)` runs on the database thread once the work is done, and
  /// sends the actor its settle message, due at `at` (as hand_over).
  template <class Work, class Settle, class Notify>
  void post(Work work, Settle settle, caf::actor_clock::time_point now,
            caf::timespan service, Notify notify) {
    settles_at_ = std::max(now, settles_at_) + service;
    using outcome = decltype(work(*db_));
    auto result = std::make_shared<work_outcome<outcome>>();
    pool_->submit(
      [db = db_, work = std::move(work), result, notify = std::move(notify),
       at = settles_at_]() mutable {
        try {
          result->value.emplace(work(*db));
        } catch (...) {
          result->failure = std::current_exception();
        }
        notify(at);  // every piece sends its settle: they are in order
      },
      line_);
    settling_.emplace_back(
      [result, settle = std::move(settle)](pooled_database&) mutable {
        settle(result->take());
      });
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

  /// Waits for the oldest work handed over and runs its settle (in a
  /// realtime run it is done: its settle message says so).
  void settle_next() {
    if (!line_)
      get();
    auto settle = std::move(settling_.front());
    settling_.pop_front();
    settle(*this);
  }

private:
  /// A write of a group commit: it reports whether it was refused.
  using write = std::function<caf::error(Database&)>;

  /// A write waiting for the group commit.
  struct piece {
    write run;
    std::function<void(caf::error)> settle;
  };

  std::shared_ptr<Database> db_;
  bool in_place_ = false;
  /// Writes for the next group commit, in the order they joined.
  std::vector<piece> grouped_;
  /// In a realtime run, the same: the writes, for the commit on the
  /// database thread to take, and their settles, in the order they joined.
  std::shared_ptr<gathering<write>> gathered_;
  std::deque<std::function<void(caf::error)>> gathered_settles_;
  std::shared_ptr<work_pool> pool_;
  /// In a realtime run: this database's line of the database threads.
  work_pool::line_ptr line_;
  /// Work handed over and not yet waited for.
  work_pool::task_ptr busy_;
  /// One per settle message the actor sent itself, oldest first.
  std::deque<std::function<void(pooled_database&)>> settling_;
  /// When the last settle is due.
  caf::actor_clock::time_point settles_at_;
};

/// Hands `work` on `self->state.db` to the pool; `settle(outcome)` runs in
/// the actor at the settle message this sends, `service` (the modelled time
/// the database takes) after the database is free. In a realtime run the
/// work, once done on a database thread, sends the settle itself.
template <class Self, class Work, class Settle>
void hand_over(Self* self, Work work, Settle settle,
               caf::timespan service = caf::timespan{0}) {
  auto now = self->clock().now();
  auto& db = self->state.db;
  if (db.realtime()) {
    db.post(std::move(work), std::move(settle), now, service,
            [to = caf::actor_cast<caf::actor>(self),
             clock = &self->clock()](caf::actor_clock::time_point at) {
              auto wait = at - clock->now();
              if (wait.count() > 0)
                caf::delayed_anon_send(to, wait, atom::settle_v);
              else
                caf::anon_send(to, atom::settle_v);
            });
    return;
  }
  auto at = db.hand_over(std::move(work), std::move(settle), now, service);
  self->delayed_send(self, at - now, atom::settle_v);
}

/// Joins `work` on `self->state.db` to the next group commit
/// (groups_writes); `settle(outcome)` runs in the actor after it. The
/// first piece of a group queues the commit: in a realtime run on the
/// database's line, where it takes every write joined by the time it
/// starts (see `gathering`), so the writes that join while it runs are
/// the next commit, queued behind it; otherwise by sending the actor
/// `flush` (flush_group below), behind the messages already in its
/// mailbox. Either way the commit goes before any work handed over after
/// its first write, and what comes after sees it.
template <class Self, class Work, class Settle>
void join_group(Self* self, Work work, Settle settle) {
  auto& db = self->state.db;
  if (!db.join_group(std::move(work), std::move(settle)))
    return;
  if (db.realtime())
    hand_over(self, db.gathered_commit(),
              [self](std::vector<caf::error> failed) {
                self->state.db.settle_gathered(std::move(failed));
              });
  else
    self->send(self, atom::flush_v);
}

/// At `flush`: commits the group (not in a realtime run: see join_group).
template <class Self>
void flush_group(Self* self) {
  self->state.db.commit_group();
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

/// The answer `reply` gave, as a handler's result.
template <class T, class Self, class R>
caf::result<T> answer_now(Self* self, R&& reply) {
  auto answer = as_answer<T>(std::forward<R>(reply));
  if (!answer)  // no reply: the caller's time-out tells it
    return self->template make_response_promise<T>();
  if (!*answer)
    return std::move(answer->error());
  return std::move(**answer);
}

/// Hands `work` over and answers the caller with `reply(outcome)` (a
/// caf::expected<T>, by default the work's outcome, or an answer_or_none)
/// at the settle, or at once if the work runs in place.
template <class T, class Self, class Work, class Reply = as_is>
caf::result<T> in_pool(Self* self, Work work,
                       caf::timespan service = caf::timespan{0},
                       Reply reply = {}) {
  auto& db = self->state.db;
  if (db.runs_in_place(service))
    return answer_now<T>(self, reply(work(db.get())));
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

/// Answers the caller with `reply(outcome)` of `work`, work the actor
/// needs at once (a lookup, an edit): in place in a virtual run, where the
/// coordinator's thread is the actor's and the trace stays as it was; on
/// the database threads in a realtime run, answered when it is done.
template <class T, class Self, class Work, class Reply = as_is>
caf::result<T> on_database(Self* self, Work work, Reply reply = {}) {
  auto& db = self->state.db;
  if (db.realtime())
    return in_pool<T>(self, std::move(work), caf::timespan{0},
                      std::move(reply));
  return answer_now<T>(self, reply(work(db.get())));
}

/// Runs `then(outcome)` in the actor with the outcome of `work`, work the
/// actor needs before it can go on: in place in a virtual run (as
/// on_database), on the database threads in a realtime run.
template <class Self, class Work, class Then>
void with_database(Self* self, Work work, Then then) {
  auto& db = self->state.db;
  if (db.realtime())
    hand_over(self, std::move(work), std::move(then));
  else
    then(work(db.get()));
}

/// Delivers an outcome, a value or an error, to `promise`.
template <class T>
auto deliver_to(caf::typed_response_promise<T> promise) {
  return [promise](caf::expected<T> outcome) mutable {
    if (outcome)
      promise.deliver(std::move(*outcome));
    else
      promise.deliver(std::move(outcome.error()));
  };
}

} // namespace retailsim
