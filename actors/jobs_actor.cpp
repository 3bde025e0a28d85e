#include "actors/jobs_actor.hpp"

#include <limits>
#include <map>
#include <memory>

#include "caf/sec.hpp"

#include "model/error.hpp"

namespace retailsim {

namespace {

using self_ptr = jobs_self::stateful_pointer<jobs_state>;

jobs_state::cycle& cycle_of(self_ptr self, job_kind kind) {
  return self->state.cycles[static_cast<size_t>(kind)];
}

void start_cycle(self_ptr self, job_kind kind, bool scheduled = false);

void report_error(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  auto detail = err == caf::sec::request_timeout
                  ? static_cast<uint8_t>(ec::job_timeout)
                  : event_detail(err);
  st.cfg.env.emit(self->clock(), ev::operation_error{detail});
}

void start_part(self_ptr self, job_kind kind, size_t index);
size_t part_count(self_ptr self, job_kind kind);

/// Whether run `run` of the job is still the one going: a run that died
/// leaves answers in flight, which change nothing more.
bool alive(self_ptr self, job_kind kind, uint64_t run) {
  const auto& c = cycle_of(self, kind);
  return c.running && c.run == run;
}

/// A record of a dying run is done; whether the run dies now. It ends
/// there: what it committed stays, nothing after it happens, nobody is
/// answered; triggers that came meanwhile get a run of their own.
bool dies_after_record(self_ptr self, job_kind kind) {
  auto& c = cycle_of(self, kind);
  if (!c.dying || ++c.records < c.die_after)
    return false;
  auto& st = self->state;
  st.cfg.env.emit(self->clock(), ev::job_died{kind, c.records});
  c.running = false;
  c.dying = false;
  ++c.run;
  if (!c.next.empty()) {
    c.current.swap(c.next);
    start_cycle(self, kind);
  }
  return true;
}

/// One part of a cycle (a store, an address book, or the whole async-sync
/// call) is done; the next part starts in its place.
void part_done(self_ptr self, job_kind kind, uint64_t items) {
  auto& c = cycle_of(self, kind);
  c.items += items;
  if (kind != job_kind::async_sync && c.next_part < part_count(self, kind))
    start_part(self, kind, c.next_part++);
  if (--c.remaining > 0)
    return;
  auto& st = self->state;
  st.cfg.env.emit(self->clock(),
                  ev::job_ran{kind, c.items,
                              st.cfg.env.clock.elapsed(self->clock())
                                - c.started});
  for (auto& promise : c.current)
    promise.deliver(c.items);
  c.current.clear();
  c.running = false;
  if (!c.next.empty()) {
    c.current.swap(c.next);
    start_cycle(self, kind);
  }
}

/// P-job for one store: collect, stage at HQ, acknowledge.
void pjob_part(self_ptr self, const store_entry& entry) {
  auto timeout = self->state.cfg.call_timeout;
  auto store = entry.handle;
  auto book = entry.address_book;
  auto run = cycle_of(self, job_kind::p_job).run;
  auto fail = [=](caf::error& err) {
    if (!alive(self, job_kind::p_job, run))
      return;
    report_error(self, err);
    part_done(self, job_kind::p_job, 0);
  };
  self->request(store, timeout, atom::collect_v)
    .then(
      [=](pjob_batch& batch) {
        if (!alive(self, job_kind::p_job, run))
          return;
        if (batch.customers.empty() && batch.sales.empty()) {
          part_done(self, job_kind::p_job, 0);
          return;
        }
        auto customers_seq = batch.customers_seq;
        auto sales_seq = batch.sales_seq;
        self
          ->request(self->state.hq, timeout, atom::stage_v, std::move(batch),
                    book)
          .then(
            [=](uint64_t staged) {
              // Staged at HQ; dying here, the store never hears it and
              // hands the same records over again next time.
              if (!alive(self, job_kind::p_job, run)
                  || dies_after_record(self, job_kind::p_job))
                return;
              self
                ->request(store, timeout, atom::ack_v, customers_seq,
                          sales_seq)
                .then(
                  [=](bool) {
                    if (alive(self, job_kind::p_job, run))
                      part_done(self, job_kind::p_job, staged);
                  },
                  fail);
            },
            fail);
      },
      fail);
}

/// One address book's part of a 1010 cycle.
struct book_run {
  uint64_t run = 0;
  std::string book;
  std::vector<size_t> members;
  size_t waiting = 0;
  int64_t min_seq = std::numeric_limits<int64_t>::max();
  uint64_t converted = 0;
  bool failed = false;
};

void ask_for_book(self_ptr self, std::shared_ptr<book_run> run);

/// A store of the book has applied the batch (or failed to): once all
/// have, the next batch (a batch holds at most
/// hq_config::distribution_batch customers; a cycle leaves every store of
/// the book complete, however many changes there are).
void book_applied(self_ptr self, const std::shared_ptr<book_run>& run) {
  if (!alive(self, job_kind::dist_1010, run->run))
    return;
  if (dies_after_record(self, job_kind::dist_1010))
    return;
  if (--run->waiting > 0)
    return;
  if (run->failed)
    part_done(self, job_kind::dist_1010, run->converted);
  else
    ask_for_book(self, run);
}

void apply_to_book(self_ptr self, std::shared_ptr<book_run> run,
                   dist_batch batch) {
  auto timeout = self->state.cfg.call_timeout;
  run->waiting = run->members.size();
  run->min_seq = batch.last_seq;
  for (auto index : run->members)
    self
      ->request(self->state.stores[index].handle, timeout, atom::apply_v,
                batch)
      .then(
        [=](uint64_t converted) {
          run->converted += converted;
          book_applied(self, run);
        },
        [=](caf::error& err) {
          report_error(self, err);
          run->failed = true;
          book_applied(self, run);
        });
}

/// HQ's changes of the book after the lowest watermark of its stores
/// (one query for the book), until HQ has none left.
void ask_for_book(self_ptr self, std::shared_ptr<book_run> run) {
  if (!alive(self, job_kind::dist_1010, run->run))
    return;
  if (run->failed) {
    part_done(self, job_kind::dist_1010, run->converted);
    return;
  }
  self
    ->request(self->state.hq, self->state.cfg.call_timeout,
              atom::distribute_v, run->book, run->min_seq)
    .then(
      [=](dist_batch& batch) {
        if (!alive(self, job_kind::dist_1010, run->run))
          return;
        if (batch.customers.empty())
          part_done(self, job_kind::dist_1010, run->converted);
        else
          apply_to_book(self, run, std::move(batch));
      },
      [=](caf::error& err) {
        if (!alive(self, job_kind::dist_1010, run->run))
          return;
        report_error(self, err);
        part_done(self, job_kind::dist_1010, run->converted);
      });
}

/// 1010 for one address book: the lowest watermark of its stores, then
/// HQ's changes after it, applied at every store (applying is idempotent,
/// and a store's watermark only advances), batch after batch.
void dist_1010_part(self_ptr self, const std::vector<size_t>& members) {
  auto run = std::make_shared<book_run>();
  run->run = cycle_of(self, job_kind::dist_1010).run;
  run->book = self->state.stores[members.front()].address_book;
  run->members = members;
  run->waiting = members.size();
  auto timeout = self->state.cfg.call_timeout;
  for (auto index : members) {
    self->request(self->state.stores[index].handle, timeout, atom::dist_seq_v)
      .then(
        [=](int64_t seq) {
          if (!alive(self, job_kind::dist_1010, run->run))
            return;
          run->min_seq = std::min(run->min_seq, seq);
          if (--run->waiting == 0)
            ask_for_book(self, run);
        },
        [=](caf::error& err) {
          if (!alive(self, job_kind::dist_1010, run->run))
            return;
          report_error(self, err);
          run->failed = true;
          if (--run->waiting == 0)
            ask_for_book(self, run);
        });
  }
}

/// Starts part `index` of a cycle: a store for the P-job, an address book
/// for 1010.
void start_part(self_ptr self, job_kind kind, size_t index) {
  if (kind == job_kind::p_job)
    pjob_part(self, self->state.stores[index]);
  else
    dist_1010_part(self, self->state.books[index]);
}

size_t part_count(self_ptr self, job_kind kind) {
  return kind == job_kind::p_job ? self->state.stores.size()
                                 : self->state.books.size();
}

void run_async_sync(self_ptr self) {
  auto& st = self->state;
  auto& c = cycle_of(self, job_kind::async_sync);
  auto run = c.run;
  // A run that dies converts only the records it gets to.
  auto batch = c.dying ? std::min(c.die_after, st.cfg.convert_batch)
                       : st.cfg.convert_batch;
  self->request(st.hq, st.cfg.call_timeout, atom::convert_v, batch)
    .then(
      [=](uint64_t converted) {
        if (!alive(self, job_kind::async_sync, run))
          return;
        auto& c = cycle_of(self, job_kind::async_sync);
        if (c.dying) {
          c.records = converted >= c.die_after ? c.die_after - 1 : converted;
          if (converted >= c.die_after
              && dies_after_record(self, job_kind::async_sync))
            return;
        }
        part_done(self, job_kind::async_sync, converted);
      },
      [=](caf::error& err) {
        if (!alive(self, job_kind::async_sync, run))
          return;
        report_error(self, err);
        part_done(self, job_kind::async_sync, 0);
      });
}

void start_cycle(self_ptr self, job_kind kind, bool scheduled) {
  auto& c = cycle_of(self, kind);
  c.running = true;
  c.items = 0;
  c.started = self->state.cfg.env.clock.elapsed(self->clock());
  c.next_part = 0;
  ++c.run;
  c.dying = false;
  c.records = 0;
  // The first scheduled run at or after a death's time dies; manual runs
  // (closing's) never do.
  auto& deaths = self->state.deaths;
  auto now = self->state.cfg.env.clock.elapsed(self->clock());
  if (scheduled)
    for (auto i = deaths.begin(); i != deaths.end(); ++i)
      if (i->job == kind && i->at <= now) {
        c.dying = true;
        c.die_after = i->after;
        deaths.erase(i);
        break;
      }
  if (c.dying && c.die_after == 0) {
    // Dies before it does anything.
    c.die_after = 1;
    dies_after_record(self, kind);
    return;
  }
  if (kind == job_kind::async_sync) {
    c.remaining = 1;
    run_async_sync(self);
    return;
  }
  auto parts = part_count(self, kind);
  if (parts == 0) {
    c.remaining = 1;
    part_done(self, kind, 0);
    return;
  }
  // A few stores at a time: CAF 0.17's clock finds a request's time-out by
  // a linear search over the requester's pending ones, so one actor with a
  // thousand requests in flight costs a million steps per cycle.
  c.remaining = parts;
  auto window = std::min(parts, self->state.cfg.parallel_parts);
  c.next_part = window;
  for (size_t i = 0; i < window; ++i)
    start_part(self, kind, i);
}

const job_schedule& schedule_of(const jobs_config& cfg, job_kind kind) {
  switch (kind) {
    case job_kind::p_job: return cfg.p_job;
    case job_kind::async_sync: return cfg.async_sync;
    default: return cfg.dist_1010;
  }
}

} // namespace

jobs_self::behavior_type jobs(jobs_self::stateful_pointer<jobs_state> self,
                               jobs_config cfg, hq_actor hq,
                               std::vector<store_entry> stores) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.hq = std::move(hq);
  st.stores = std::move(stores);
  st.deaths = st.cfg.deaths;
  st.skips = st.cfg.skips;
  std::map<std::string, size_t> book_index;
  for (size_t i = 0; i < st.stores.size(); ++i) {
    auto [pos, added] = book_index.emplace(st.stores[i].address_book,
                                           st.books.size());
    if (added)
      st.books.emplace_back();
    st.books[pos->second].push_back(i);
  }
  for (auto kind :
       {job_kind::p_job, job_kind::async_sync, job_kind::dist_1010}) {
    const auto& schedule = schedule_of(st.cfg, kind);
    if (schedule.interval.count() > 0)
      self->delayed_send(self, schedule.offset, atom::tick_v, kind);
    for (auto at : schedule.times)
      self->delayed_send(self, at, atom::tick_v, kind);
  }
  if (st.cfg.distribute_at_start)
    start_cycle(self, job_kind::dist_1010);
  return {
    [=](atom::run_job, job_kind kind) -> caf::result<uint64_t> {
      auto promise = self->make_response_promise<uint64_t>();
      auto& c = cycle_of(self, kind);
      if (c.running) {
        c.next.push_back(promise);
      } else {
        c.current.push_back(promise);
        start_cycle(self, kind);
      }
      return promise;
    },
    [=](atom::stop) { self->state.stopped = true; },
    [=](atom::tick, job_kind kind) {
      auto& st = self->state;
      if (st.stopped)
        return;
      // Fixed times were all sent at the start; an interval sends the next.
      const auto& schedule = schedule_of(st.cfg, kind);
      if (schedule.interval.count() > 0)
        self->delayed_send(self, schedule.interval, atom::tick_v, kind);
      if (cycle_of(self, kind).running)
        return;
      // A skipped run (a fault): this one does not happen.
      auto now = st.cfg.env.clock.elapsed(self->clock());
      for (auto i = st.skips.begin(); i != st.skips.end(); ++i)
        if (i->job == kind && i->at <= now) {
          st.skips.erase(i);
          st.cfg.env.emit(self->clock(), ev::job_skipped{kind});
          return;
        }
      start_cycle(self, kind, true);
    },
  };
}

} // namespace retailsim
