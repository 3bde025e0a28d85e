#include "metrics/run_recorder.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <type_traits>

#include <fcntl.h>
#include <unistd.h>

#include "caf/meta/annotation.hpp"
#include "caf/sum_type.hpp"

#include "metrics/journal.hpp"
#include "model/error.hpp"

namespace retailsim {

namespace {

/// FNV-1a over the fields of an event, as its `inspect` lists them: an
/// inspector in CAF 0.17's sense that reads and hashes.
struct trace_hasher {
  using result_type = void;
  static constexpr bool reads_state = true;
  static constexpr bool writes_state = false;

  uint64_t h = 1469598103934665603ull;

  void bytes(const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
      h ^= p[i];
      h *= 1099511628211ull;
    }
  }

  template <class T>
  void one(const T& x) {
    if constexpr (caf::meta::is_annotation<T>::value) {
      // Names and other annotations are not data.
    } else if constexpr (std::is_enum<T>::value) {
      auto v = static_cast<std::underlying_type_t<T>>(x);
      bytes(&v, sizeof(v));
    } else if constexpr (std::is_arithmetic<T>::value) {
      bytes(&x, sizeof(x));
    } else if constexpr (std::is_same<T, caf::timespan>::value) {
      auto v = x.count();
      bytes(&v, sizeof(v));
    } else {
      static_assert(std::is_arithmetic<T>::value, "an event field to hash");
    }
  }

  template <class... Ts>
  void operator()(Ts&&... xs) {
    (one(xs), ...);
  }
};

/// Which error map key an event's failure counts under: a store
/// operation, HQ, or another operation.
constexpr int where_hq = -2;
constexpr int where_operation = -1;

std::string error_name(int where, uint8_t cause) {
  std::string place = where == where_hq          ? "hq"
                      : where == where_operation ? "operation"
                                                 : to_string(
                                                   static_cast<store_op>(where));
  return place + ":" + cause_name(cause);
}

uint64_t next_recorder_id() {
  static std::atomic<uint64_t> next{1};
  return next++;
}

} // namespace

void interval_tallies::merge(const interval_tallies& o) {
  for (size_t i = 0; i < created.size(); ++i)
    created[i] += o.created[i];
  for (size_t i = 0; i < sync_attempts.size(); ++i)
    sync_attempts[i] += o.sync_attempts[i];
  sales += o.sales;
  searches += o.searches;
  operations += o.operations;
  operations_failed += o.operations_failed;
  hq_refused += o.hq_refused;
  for (size_t i = 0; i < create_latency.size(); ++i)
    create_latency[i].merge(o.create_latency[i]);
  create_from_intended.merge(o.create_from_intended);
  hq_service.merge(o.hq_service);
  conversion_lag.merge(o.conversion_lag);
  hq_queued_max = std::max(hq_queued_max, o.hq_queued_max);
  hq_busy_max = std::max(hq_busy_max, o.hq_busy_max);
  pending_created += o.pending_created;
  staged += o.staged;
  converted_at_hq += o.converted_at_hq;
  converted_at_channels += o.converted_at_channels;
  went_offline += o.went_offline;
  came_online += o.came_online;
  for (size_t i = 0; i < job_runs.size(); ++i) {
    job_runs[i] += o.job_runs[i];
    job_ns[i] += o.job_ns[i];
  }
  job_deaths += o.job_deaths;
}

namespace {

/// Halves the series' resolution: pairs of intervals become one.
void coarsen(time_series& s) {
  std::vector<interval_tallies> halved((s.points.size() + 1) / 2);
  for (size_t i = 0; i < s.points.size(); ++i)
    halved[i / 2].merge(s.points[i]);
  s.points = std::move(halved);
  s.interval *= 2;
}

/// The interval of simulated time `at` falls in, coarsening the series
/// while it would hold more than `max_points`.
interval_tallies& point_at(time_series& s, caf::timespan at,
                           size_t max_points) {
  auto index = static_cast<size_t>(std::max<int64_t>(at.count(), 0)
                                   / s.interval.count());
  while (index >= max_points) {
    coarsen(s);
    index /= 2;
  }
  if (index >= s.points.size())
    s.points.resize(index + 1);
  return s.points[index];
}

} // namespace

/// What one thread recorded, and its part of the journal not yet written.
struct run_recorder::shard {
  std::mutex mtx;
  run_results totals;
  std::map<std::pair<int, uint8_t>, uint64_t> errors;
  std::array<std::map<uint8_t, uint64_t>, 4> causes;
  uint64_t hash = 1469598103934665603ull;
  std::string journal;
};

/// Appends the shards' journal lines to the file: whole lines in one
/// write() each, so that shards' lines never interleave (O_APPEND).
class run_recorder::journal_writer {
public:
  journal_writer(std::string path, bool append)
    : path_(std::move(path)), append_(append) {
    // nop
  }

  ~journal_writer() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  /// Makes the file, once: with the first line or the first reading of
  /// results, so that a run that never starts writes nothing.
  void open() {
    std::call_once(opened_, [this] {
      fd_ = ::open(path_.c_str(),
                   O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC
                     | (append_ ? 0 : O_TRUNC),
                   0644);
      if (fd_ < 0)
        fail(path_);
    });
  }

  /// Appends `buffer` and empties it.
  void write(std::string& buffer) {
    if (buffer.empty())
      return;
    open();
    size_t done = 0;
    while (fd_ >= 0 && done < buffer.size()) {
      auto n = ::write(fd_, buffer.data() + done, buffer.size() - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        fail("journal");
        break;
      }
      done += static_cast<size_t>(n);
    }
    buffer.clear();
  }

  caf::error error() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return error_;
  }

private:
  void fail(const std::string& what) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!error_)
      error_ = make_error(ec::storage_failure, what, std::strerror(errno));
  }

  std::string path_;
  bool append_;
  std::once_flag opened_;
  int fd_ = -1;
  mutable std::mutex mtx_;
  caf::error error_;
};

run_recorder::run_recorder(recorder_options options)
  : options_(std::move(options)), id_(next_recorder_id()) {
  if (options_.interval <= caf::timespan{0})
    options_.interval = std::chrono::minutes(1);
  options_.max_points = std::max<size_t>(options_.max_points, 2);
  if (!options_.journal.empty())
    journal_ = std::make_unique<journal_writer>(options_.journal,
                                                options_.journal_append);
}

run_recorder::~run_recorder() {
  if (journal_)
    for (auto& s : shards_)
      journal_->write(s->journal);
}

run_recorder::shard& run_recorder::my_shard() {
  // One entry per thread: the shard of the recorder it used last.
  thread_local uint64_t cached_id = 0;
  thread_local shard* cached = nullptr;
  if (cached_id == id_)
    return *cached;
  std::lock_guard<std::mutex> guard{shards_mtx_};
  thread_local std::map<uint64_t, shard*> mine;
  auto i = mine.find(id_);
  if (i == mine.end()) {
    shards_.push_back(std::make_unique<shard>());
    shards_.back()->totals.series.interval = options_.interval;
    i = mine.emplace(id_, shards_.back().get()).first;
  }
  cached_id = id_;
  cached = i->second;
  return *cached;
}

void run_recorder::record(const event& e) {
  auto& s = my_shard();
  std::lock_guard<std::mutex> guard{s.mtx};
  auto& t = s.totals;
  ++t.events;
  {
    trace_hasher h{s.hash};
    auto at = e.at.count();
    h.bytes(&at, sizeof(at));
    auto kind = static_cast<uint8_t>(e.what.index());
    h.bytes(&kind, sizeof(kind));
    auto copy = e.what;
    caf::visit([&h](auto& x) { inspect(h, x); }, copy);
    s.hash = h.h;
  }
  auto factor = options_.time_factor;
  auto ns = [factor](caf::timespan t) -> uint64_t {
    return t.count() < 0 ? 0
                         : static_cast<uint64_t>(
                           static_cast<double>(t.count()) * factor);
  };
  caf::timespan at{static_cast<int64_t>(ns(e.at))};
  t.simulated = std::max(t.simulated, at);
  auto& p = point_at(t.series, at, options_.max_points);
  auto pending = [](guid_words g) {
    return std::pair{g.high, g.low};
  };
  caf::visit(
    [&](const auto& x) {
      using T = std::decay_t<decltype(x)>;
      if constexpr (std::is_same<T, ev::customer_created>::value) {
        auto mode = static_cast<size_t>(x.mode);
        ++t.created[mode];
        auto g = x.store < options_.group_of_store.size()
                   ? options_.group_of_store[x.store]
                   : 0u;
        if (g >= t.by_group.size())
          t.by_group.resize(g + 1);
        ++t.by_group[g].created[mode];
        t.by_group[g].create_latency[mode].record(ns(x.latency));
        ++p.created[mode];
        p.create_latency[mode].record(ns(x.latency));
        if (x.mode == creation_mode::sync) {
          t.sync_create.record(ns(x.latency));
        } else {
          (x.mode == creation_mode::async ? t.async_create : t.offline_create)
            .record(ns(x.latency));
          ++p.pending_created;
          std::lock_guard<std::mutex> g{pending_mtx_};
          pending_.emplace(pending(x.guid), e.at);
        }
      } else if constexpr (std::is_same<T, ev::sync_attempt>::value) {
        auto i = static_cast<size_t>(x.outcome);
        auto& outcome = t.sync_attempts_by_outcome[i];
        ++outcome.count;
        if (x.cause != 0)
          ++s.causes[i][x.cause];
        outcome.latency.record(ns(x.latency));
        t.sync_attempt_latency.record(ns(x.latency));
        ++p.sync_attempts[i];
        if (x.outcome == sync_outcome::fell_back)
          ++t.rts_fallbacks;
      } else if constexpr (std::is_same<T, ev::rts_fallback>::value) {
        // The store's view; the summary counts the fallbacks terminals
        // acknowledged (sync_attempt).
      } else if constexpr (std::is_same<T, ev::sale_recorded>::value) {
        ++t.sales;
        ++p.sales;
        t.sales_offline += x.offline ? 1 : 0;
      } else if constexpr (std::is_same<T, ev::anonymous_sale>::value) {
        ++t.anonymous_sales;
      } else if constexpr (std::is_same<T, ev::terminal_offline>::value) {
        ++t.offline_spells;
        ++p.went_offline;
      } else if constexpr (std::is_same<T, ev::terminal_online>::value) {
        ++t.reconnects;
        ++p.came_online;
      } else if constexpr (std::is_same<T, ev::terminal_restarted>::value) {
        ++t.terminal_restarts;
      } else if constexpr (std::is_same<T, ev::hq_served>::value) {
        t.hq_service.record(ns(x.service));
        p.hq_service.record(ns(x.service));
        p.hq_queued_max = std::max(p.hq_queued_max, x.queued);
        p.hq_busy_max = std::max(p.hq_busy_max, x.busy);
      } else if constexpr (std::is_same<T, ev::hq_refused>::value) {
        ++s.errors[{where_hq, x.cause}];
        ++p.hq_refused;
      } else if constexpr (std::is_same<T, ev::hq_down>::value) {
        if (x.crashed) {
          ++t.hq_crashes;
          t.hq_calls_dropped += x.calls_dropped;
        }
      } else if constexpr (std::is_same<T, ev::job_ran>::value) {
        auto j = static_cast<size_t>(x.job);
        t.job_runs[j].record(ns(x.duration));
        ++p.job_runs[j];
        p.job_ns[j] += x.duration.count();
        switch (x.job) {
          case job_kind::p_job:
            t.staged += x.records;
            p.staged += x.records;
            break;
          case job_kind::async_sync:
            t.converted_at_hq += x.records;
            p.converted_at_hq += x.records;
            break;
          case job_kind::dist_1010:
            break;
        }
      } else if constexpr (std::is_same<T, ev::job_died>::value) {
        ++t.job_deaths;
        ++p.job_deaths;
      } else if constexpr (std::is_same<T, ev::job_skipped>::value) {
        ++t.job_skips;
      } else if constexpr (std::is_same<T, ev::customer_converted>::value) {
        ++t.converted_at_channels;
        ++p.converted_at_channels;
        caf::timespan created{-1};
        {
          std::lock_guard<std::mutex> g{pending_mtx_};
          auto i = pending_.find(pending(x.guid));
          if (i != pending_.end()) {
            created = i->second;
            pending_.erase(i);
          }
        }
        if (created.count() >= 0) {
          t.conversion_lag.record(ns(e.at - created));
          p.conversion_lag.record(ns(e.at - created));
        }
      } else if constexpr (std::is_same<T, ev::operation_error>::value) {
        ++s.errors[{where_operation, x.cause}];
      } else if constexpr (std::is_same<T, ev::store_operation>::value) {
        auto op = static_cast<size_t>(x.op);
        auto outcome = static_cast<size_t>(x.outcome);
        ++p.operations;
        if (is_local_search(x.op)) {
          ++t.searches;
          ++p.searches;
          t.searches_found += x.found ? 1 : 0;
          t.search.record(ns(x.latency));
        }
        ++t.operations[op][outcome];
        t.operation_latency[op].record(ns(x.latency));
        t.operation_from_intended[op].record(ns(x.latency + x.waited));
        if (x.op == store_op::quick_add || x.op == store_op::full_wizard) {
          t.create.record(ns(x.latency));
          t.create_intended.record(ns(x.latency + x.waited));
          p.create_from_intended.record(ns(x.latency + x.waited));
        }
        // What went wrong, by kind: faults and bugs; refusals by a rule are
        // the operations table's.
        if (x.outcome >= op_outcome::unavailable) {
          ++s.errors[{static_cast<int>(op), x.cause}];
          ++p.operations_failed;
        }
        if (x.outcome == op_outcome::unexpected)
          ++t.unexpected_errors;
      } else if constexpr (std::is_same<T, ev::store_warning>::value) {
        t.warnings.emplace(x.store, x.code);
      } else if constexpr (std::is_same<T, ev::creation_in_doubt>::value) {
        ++t.creations_in_doubt;
      } else if constexpr (std::is_same<T, ev::customer_waited>::value) {
        t.line_wait.record(ns(x.wait));
      } else if constexpr (std::is_same<T, ev::rts_call_dropped>::value) {
        ++(x.answer ? t.rts_answers_dropped : t.rts_requests_dropped);
      } else if constexpr (std::is_same<T, ev::device_input>::value) {
        ++t.device_reads[static_cast<size_t>(x.channel)]
                        [static_cast<size_t>(x.outcome)];
      } else if constexpr (std::is_same<T, ev::scheduler_lag>::value) {
        t.scheduler_lag.record(ns(x.late));
      } else {
        static_assert(std::is_same<T, void>::value, "an event to record");
      }
    },
    e.what);
  if (journal_) {
    auto line = journal_line(e);
    if (!line.empty()) {
      s.journal += line;
      if (options_.journal_each_line || s.journal.size() >= 64 * 1024)
        journal_->write(s.journal);
    }
  }
}

run_results run_recorder::results() const {
  run_results out;
  out.series.interval = options_.interval;
  out.fingerprint = 1469598103934665603ull;
  std::map<std::pair<int, uint8_t>, uint64_t> errors;
  std::array<std::map<uint8_t, uint64_t>, 4> causes;
  std::lock_guard<std::mutex> guard{shards_mtx_};
  bool first = true;
  for (const auto& sp : shards_) {
    auto& s = *sp;
    std::lock_guard<std::mutex> shard_guard{s.mtx};
    const auto& t = s.totals;
    // One thread (a virtual run): the trace's hash itself. Several: their
    // hashes in the order the threads first recorded.
    if (first) {
      out.fingerprint = s.hash;
    } else {
      trace_hasher h{out.fingerprint};
      h.bytes(&s.hash, sizeof(s.hash));
      out.fingerprint = h.h;
    }
    first = false;
    out.events += t.events;
    out.simulated = std::max(out.simulated, t.simulated);
    for (size_t i = 0; i < 3; ++i) {
      out.created[i] += t.created[i];
      out.job_runs[i].merge(t.job_runs[i]);
    }
    if (t.by_group.size() > out.by_group.size())
      out.by_group.resize(t.by_group.size());
    for (size_t g = 0; g < t.by_group.size(); ++g)
      for (size_t i = 0; i < 3; ++i) {
        out.by_group[g].created[i] += t.by_group[g].created[i];
        out.by_group[g].create_latency[i].merge(
          t.by_group[g].create_latency[i]);
      }
    out.rts_fallbacks += t.rts_fallbacks;
    out.sync_attempt_latency.merge(t.sync_attempt_latency);
    for (size_t i = 0; i < 4; ++i) {
      out.sync_attempts_by_outcome[i].count
        += t.sync_attempts_by_outcome[i].count;
      out.sync_attempts_by_outcome[i].latency.merge(
        t.sync_attempts_by_outcome[i].latency);
      for (auto [cause, n] : s.causes[i])
        causes[i][cause] += n;
    }
    out.creations_in_doubt += t.creations_in_doubt;
    out.hq_crashes += t.hq_crashes;
    out.hq_calls_dropped += t.hq_calls_dropped;
    out.job_deaths += t.job_deaths;
    out.job_skips += t.job_skips;
    out.rts_requests_dropped += t.rts_requests_dropped;
    out.rts_answers_dropped += t.rts_answers_dropped;
    out.terminal_restarts += t.terminal_restarts;
    for (size_t c = 0; c < input_channel_count; ++c)
      for (size_t o = 0; o < device_outcome_count; ++o)
        out.device_reads[c][o] += t.device_reads[c][o];
    out.warnings.insert(t.warnings.begin(), t.warnings.end());
    out.searches += t.searches;
    out.searches_found += t.searches_found;
    out.sales += t.sales;
    out.sales_offline += t.sales_offline;
    out.anonymous_sales += t.anonymous_sales;
    out.offline_spells += t.offline_spells;
    out.reconnects += t.reconnects;
    out.staged += t.staged;
    out.converted_at_hq += t.converted_at_hq;
    out.converted_at_channels += t.converted_at_channels;
    for (auto [key, n] : s.errors)
      errors[key] += n;
    out.sync_create.merge(t.sync_create);
    out.async_create.merge(t.async_create);
    out.offline_create.merge(t.offline_create);
    out.search.merge(t.search);
    out.line_wait.merge(t.line_wait);
    out.create.merge(t.create);
    out.create_intended.merge(t.create_intended);
    out.hq_service.merge(t.hq_service);
    out.conversion_lag.merge(t.conversion_lag);
    out.scheduler_lag.merge(t.scheduler_lag);
    for (size_t op = 0; op < store_op_count; ++op) {
      for (size_t k = 0; k < 4; ++k)
        out.operations[op][k] += t.operations[op][k];
      out.operation_latency[op].merge(t.operation_latency[op]);
      out.operation_from_intended[op].merge(t.operation_from_intended[op]);
    }
    out.unexpected_errors += t.unexpected_errors;
    // Shards coarsen on their own: bring both to the coarser interval.
    auto series = t.series;
    while (series.interval < out.series.interval)
      coarsen(series);
    while (out.series.interval < series.interval)
      coarsen(out.series);
    if (series.points.size() > out.series.points.size())
      out.series.points.resize(series.points.size());
    for (size_t i = 0; i < series.points.size(); ++i)
      out.series.points[i].merge(series.points[i]);
  }
  for (auto [key, n] : errors)
    out.errors[error_name(key.first, key.second)] += n;
  for (size_t i = 0; i < 4; ++i)
    for (auto [cause, n] : causes[i])
      out.sync_attempts_by_outcome[i].causes[cause_name(cause)] += n;
  out.journal = options_.journal;
  out.group_names = options_.group_names;
  if (out.by_group.size() < out.group_names.size())
    out.by_group.resize(out.group_names.size());
  {
    std::lock_guard<std::mutex> g{pending_mtx_};
    out.unconverted = pending_.size();
  }
  return out;
}

caf::error run_recorder::flush_journal() {
  if (!journal_)
    return {};
  journal_->open();
  std::lock_guard<std::mutex> guard{shards_mtx_};
  for (const auto& sp : shards_) {
    std::lock_guard<std::mutex> shard_guard{sp->mtx};
    journal_->write(sp->journal);
  }
  return journal_->error();
}

recorder_options recorder_options_for(const run_config& cfg) {
  recorder_options out;
  out.interval = series_interval(cfg.duration);
  if (!cfg.output_dir.empty())
    out.journal = (std::filesystem::path{cfg.output_dir} / "journal.tsv")
                    .string();
  bool realtime = cfg.runtime == runtime_kind::realtime;
  out.journal_each_line = realtime;
  out.time_factor = realtime ? cfg.time_scale : 1.0;
  out.group_names.clear();
  for (const auto& g : cfg.groups)
    out.group_names.push_back(g.name.empty() ? "estate" : g.name);
  if (out.group_names.empty())
    out.group_names.push_back("estate");
  for (size_t s = 0; s < store_count(cfg); ++s)
    out.group_of_store.push_back(static_cast<uint32_t>(
      &group_of(cfg, s) - cfg.groups.data()));
  return out;
}

caf::timespan series_interval(caf::timespan duration) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const caf::timespan steps[]
    = {seconds(1),  seconds(5),  seconds(10), seconds(30), minutes(1),
       minutes(2),  minutes(5),  minutes(10), minutes(15), minutes(30),
       hours(1)};
  for (auto step : steps)
    if (duration / step <= 240)
      return step;
  return hours(1);
}

} // namespace retailsim
