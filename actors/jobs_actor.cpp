#include "actors/jobs_actor.hpp"

#include "model/error.hpp"

namespace retailsim {

namespace {

using self_ptr = jobs_actor::stateful_pointer<jobs_state>;

jobs_state::cycle& cycle_of(self_ptr self, job_kind kind) {
  return self->state.cycles[static_cast<size_t>(kind)];
}

void start_cycle(self_ptr self, job_kind kind);

void report_error(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  uint8_t code = err.category() == caf::atom("retailsim") ? err.code() : 0;
  st.cfg.events->record({st.cfg.clock.elapsed(self->clock()),
                         event_kind::operation_error, code, 0, 0, 0, 0});
}

void start_part(self_ptr self, job_kind kind, size_t store_index);

/// One part of a cycle (one store, or the whole async-sync call) is done;
/// the next store's part starts in its place.
void part_done(self_ptr self, job_kind kind, uint64_t items) {
  auto& c = cycle_of(self, kind);
  c.items += items;
  if (c.next_store < self->state.stores.size() && kind != job_kind::async_sync)
    start_part(self, kind, c.next_store++);
  if (--c.remaining > 0)
    return;
  auto& st = self->state;
  static constexpr event_kind kinds[] = {event_kind::pjob_cycle,
                                         event_kind::async_sync_cycle,
                                         event_kind::dist_1010_cycle};
  st.cfg.events->record({st.cfg.clock.elapsed(self->clock()),
                         kinds[static_cast<size_t>(kind)], 0, 0, 0,
                         static_cast<int64_t>(c.items), 0});
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
  auto fail = [=](caf::error& err) {
    report_error(self, err);
    part_done(self, job_kind::p_job, 0);
  };
  self->request(store, timeout, atom::collect_v)
    .then(
      [=](pjob_batch& batch) {
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
              self
                ->request(store, timeout, atom::ack_v, customers_seq,
                          sales_seq)
                .then([=](bool) { part_done(self, job_kind::p_job, staged); },
                      fail);
            },
            fail);
      },
      fail);
}

/// 1010 for one store: its watermark, HQ's changes after it, apply.
void dist_1010_part(self_ptr self, const store_entry& entry) {
  auto timeout = self->state.cfg.call_timeout;
  auto store = entry.handle;
  auto book = entry.address_book;
  auto fail = [=](caf::error& err) {
    report_error(self, err);
    part_done(self, job_kind::dist_1010, 0);
  };
  self->request(store, timeout, atom::dist_seq_v)
    .then(
      [=](int64_t seq) {
        self->request(self->state.hq, timeout, atom::distribute_v, book, seq)
          .then(
            [=](dist_batch& batch) {
              if (batch.customers.empty()) {
                part_done(self, job_kind::dist_1010, 0);
                return;
              }
              self->request(store, timeout, atom::apply_v, std::move(batch))
                .then(
                  [=](uint64_t converted) {
                    part_done(self, job_kind::dist_1010, converted);
                  },
                  fail);
            },
            fail);
      },
      fail);
}

void start_part(self_ptr self, job_kind kind, size_t store_index) {
  const auto& entry = self->state.stores[store_index];
  if (kind == job_kind::p_job)
    pjob_part(self, entry);
  else
    dist_1010_part(self, entry);
}

void run_async_sync(self_ptr self) {
  auto& st = self->state;
  self->request(st.hq, st.cfg.call_timeout, atom::convert_v,
                st.cfg.convert_batch)
    .then([=](uint64_t converted) {
            part_done(self, job_kind::async_sync, converted);
          },
          [=](caf::error& err) {
            report_error(self, err);
            part_done(self, job_kind::async_sync, 0);
          });
}

void start_cycle(self_ptr self, job_kind kind) {
  auto& c = cycle_of(self, kind);
  c.running = true;
  c.items = 0;
  c.next_store = 0;
  if (kind == job_kind::async_sync) {
    c.remaining = 1;
    run_async_sync(self);
    return;
  }
  auto stores = self->state.stores.size();
  if (stores == 0) {
    c.remaining = 1;
    part_done(self, kind, 0);
    return;
  }
  // A few stores at a time: CAF 0.17's clock finds a request's time-out by
  // a linear search over the requester's pending ones, so one actor with a
  // thousand requests in flight costs a million steps per cycle.
  c.remaining = stores;
  auto window = std::min(stores, self->state.cfg.parallel_stores);
  c.next_store = window;
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

jobs_actor::behavior_type jobs(jobs_actor::stateful_pointer<jobs_state> self,
                               jobs_config cfg, hq_actor hq,
                               std::vector<store_entry> stores) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.hq = std::move(hq);
  st.stores = std::move(stores);
  for (auto kind :
       {job_kind::p_job, job_kind::async_sync, job_kind::dist_1010}) {
    const auto& schedule = schedule_of(st.cfg, kind);
    if (schedule.interval.count() > 0)
      self->delayed_send(self, schedule.offset, atom::tick_v, kind);
  }
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
      self->delayed_send(self, schedule_of(st.cfg, kind).interval,
                         atom::tick_v, kind);
      if (!cycle_of(self, kind).running)
        start_cycle(self, kind);
    },
  };
}

} // namespace retailsim
