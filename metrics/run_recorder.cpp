#include "metrics/run_recorder.hpp"

#include <algorithm>
#include <cmath>

#include "model/error.hpp"
#include "model/rules.hpp"

namespace retailsim {

latency_summary summarize(std::vector<int64_t> samples) {
  latency_summary out;
  out.count = samples.size();
  if (samples.empty())
    return out;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    auto rank = static_cast<size_t>(std::ceil(q * samples.size()));
    auto index = rank == 0 ? 0 : rank - 1;
    return static_cast<double>(samples[std::min(index, samples.size() - 1)])
           / 1e6;
  };
  out.p50 = at(0.50);
  out.p95 = at(0.95);
  out.p99 = at(0.99);
  out.max = static_cast<double>(samples.back()) / 1e6;
  return out;
}

namespace {

template <class T>
void hash_in(uint64_t& h, T value) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(&value);
  for (size_t i = 0; i < sizeof(T); ++i) {
    h ^= bytes[i];
    h *= 1099511628211ull;
  }
}

std::string error_name(const char* where, uint8_t code) {
  return std::string{where} + ":"
         + (code == 0 ? "other" : to_string(static_cast<ec>(code)));
}

} // namespace

void run_recorder::record(const event& e) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& t = totals_;
  ++t.events;
  hash_in(hash_, e.at.count());
  hash_in(hash_, static_cast<uint8_t>(e.kind));
  hash_in(hash_, e.detail);
  hash_in(hash_, e.store);
  hash_in(hash_, e.terminal);
  hash_in(hash_, e.value);
  hash_in(hash_, e.key);
  hash_in(hash_, e.key2);
  switch (e.kind) {
    case event_kind::customer_created: {
      auto mode = static_cast<creation_mode>(e.detail);
      if (e.detail < t.created.size())
        ++t.created[e.detail];
      t.acknowledged_creations.push_back(
        {e.key, e.key2, e.detail, e.store, e.terminal});
      if (mode == creation_mode::sync) {
        sync_create_.push_back(e.value);
      } else {
        (mode == creation_mode::async ? async_create_ : offline_create_)
          .push_back(e.value);
        pending_.emplace(e.key ^ e.key2, e.at.count());
      }
      break;
    }
    case event_kind::rts_fallback:
      // The store's view; the summary counts the fallbacks terminals
      // acknowledged (sync_attempt).
      break;
    case event_kind::sync_attempt: {
      if (e.detail >= t.sync_attempts_by_outcome.size())
        break;
      auto& outcome = t.sync_attempts_by_outcome[e.detail];
      ++outcome.count;
      if (e.key != 0)
        ++outcome.causes[to_string(static_cast<ec>(e.key))];
      sync_attempt_.push_back(e.value);
      sync_attempt_by_outcome_[e.detail].push_back(e.value);
      if (static_cast<sync_outcome>(e.detail) == sync_outcome::fell_back)
        ++t.rts_fallbacks;
      break;
    }
    case event_kind::store_warning:
      t.warnings.emplace_back(e.store, e.detail);
      break;
    case event_kind::creation_in_doubt:
      t.creations_in_doubt.emplace_back(e.key, e.key2);
      break;
    case event_kind::customer_waited:
      line_wait_.push_back(e.value);
      break;
    case event_kind::job_skipped:
      ++t.job_skips;
      break;
    case event_kind::rts_call_dropped:
      ++(e.detail == 0 ? t.rts_requests_dropped : t.rts_answers_dropped);
      break;
    case event_kind::terminal_restarted:
      ++t.terminal_restarts;
      break;
    case event_kind::job_died:
      ++t.job_deaths;
      break;
    case event_kind::hq_down:
      if (e.detail == 1) {
        ++t.hq_crashes;
        t.hq_calls_dropped += static_cast<uint64_t>(e.value);
      }
      break;
    case event_kind::sale_recorded:
      ++t.sales;
      t.sales_offline += e.detail;
      t.acknowledged_sales.push_back({e.key, e.store});
      break;
    case event_kind::anonymous_sale:
      ++t.anonymous_sales;
      break;
    case event_kind::terminal_offline:
      ++t.offline_spells;
      break;
    case event_kind::terminal_online:
      ++t.reconnects;
      break;
    case event_kind::hq_served:
      hq_service_.push_back(e.value);
      break;
    case event_kind::hq_refused:
      ++t.errors[error_name("hq", e.detail)];
      break;
    case event_kind::pjob_cycle:
      t.staged += static_cast<uint64_t>(e.value);
      break;
    case event_kind::async_sync_cycle:
      t.converted_at_hq += static_cast<uint64_t>(e.value);
      break;
    case event_kind::dist_1010_cycle:
      break;
    case event_kind::customer_converted: {
      ++t.converted_at_channels;
      auto i = pending_.find(e.key ^ e.key2);
      if (i != pending_.end()) {
        lag_.push_back(e.at.count() - i->second);
        pending_.erase(i);
      }
      break;
    }
    case event_kind::operation_error:
      ++t.errors[error_name("operation", e.detail)];
      break;
    case event_kind::store_operation: {
      auto outcome = static_cast<size_t>((e.key >> 8) & 0xff);
      if (is_local_search(static_cast<store_op>(e.detail))) {
        ++t.searches;
        t.searches_found += (e.key >> 16) & 1;
        search_.push_back(e.value);
      }
      if (e.detail < store_op_count && outcome < 4)
        ++t.operations[e.detail][outcome];
      // What went wrong, by kind: faults and bugs; refusals by a rule are
      // the operations table's.
      if (outcome >= static_cast<size_t>(op_outcome::unavailable))
        ++t.errors[error_name(to_string(static_cast<store_op>(e.detail)),
                              static_cast<uint8_t>(e.key & 0xff))];
      if (outcome == static_cast<size_t>(op_outcome::unexpected))
        ++t.unexpected_errors;
      break;
    }
  }
}

run_results run_recorder::results() const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto out = totals_;
  out.fingerprint = hash_;
  out.sync_create = summarize(sync_create_);
  out.async_create = summarize(async_create_);
  out.offline_create = summarize(offline_create_);
  out.search = summarize(search_);
  out.line_wait = summarize(line_wait_);
  out.hq_service = summarize(hq_service_);
  out.conversion_lag = summarize(lag_);
  out.sync_attempt_latency = summarize(sync_attempt_);
  for (size_t i = 0; i < out.sync_attempts_by_outcome.size(); ++i)
    out.sync_attempts_by_outcome[i].latency
      = summarize(sync_attempt_by_outcome_[i]);
  out.unconverted = pending_.size();
  return out;
}

} // namespace retailsim
