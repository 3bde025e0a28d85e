#pragma once

// Seeded randomness and service-time distributions. Every actor draws from
// its own generator, seeded from the run seed and the actor's identity, so a
// run is reproducible whatever order actors are scheduled in. Distributions
// are computed here from raw 64-bit draws (not <random>'s distributions,
// whose algorithms differ between standard libraries).

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "caf/meta/type_name.hpp"
#include "caf/timespan.hpp"

namespace retailsim {

/// A generator for one actor: seed = hash(run seed, identity).
class actor_rng {
public:
  actor_rng() = default;
  actor_rng(uint64_t run_seed, std::string_view identity);

  uint64_t next() {
    return engine_();
  }

  /// Uniform in [0, 1).
  double uniform();

  /// Uniform integer in [0, n); n > 0.
  uint64_t below(uint64_t n);

  /// True with probability p.
  bool chance(double p) {
    return uniform() < p;
  }

private:
  std::mt19937_64 engine_;
};

/// A fresh GUID for a creation: 128 bits drawn from `rng`, mixed with the
/// run's tag (hq_database::begin_run) so that two runs over one HQ
/// database never make the same GUID while each stays reproducible.
std::string make_guid(actor_rng& rng, std::string_view run_tag);

/// A distribution of durations (in seconds) or of other amounts.
///
/// | kind        | a        | b          | sample                         |
/// |-------------|----------|------------|--------------------------------|
/// | constant    | value    | -          | a                              |
/// | uniform     | low      | high       | a + (b - a) * u                |
/// | exponential | mean     | -          | -a * ln(1 - u)                 |
/// | lognormal   | median   | sigma      | a * exp(b * N(0,1))            |
struct distribution {
  enum class kind : uint8_t { constant, uniform, exponential, lognormal };
  kind shape = kind::constant;
  double a = 0;
  double b = 0;

  static distribution constant(double seconds) {
    return {kind::constant, seconds, 0};
  }
  static distribution uniform(double low, double high) {
    return {kind::uniform, low, high};
  }
  static distribution exponential(double mean) {
    return {kind::exponential, mean, 0};
  }
  static distribution lognormal(double median, double sigma) {
    return {kind::lognormal, median, sigma};
  }

  /// A draw (seconds for durations; never negative).
  double draw(actor_rng& rng) const;

  /// A draw as a duration, at least one nanosecond when the draw is > 0
  /// and at most max_sample_seconds (a tail draw beyond is cut there).
  caf::timespan sample(actor_rng& rng) const;

  /// The longest duration sample() gives: 100 days.
  static constexpr double max_sample_seconds = 100 * 86400.0;

  /// The mean in seconds.
  double mean_seconds() const;
};

std::string to_string(const distribution& x);

/// Why `x` cannot stand for a duration in a run ("" when it can): every
/// parameter from 0 to 86400 seconds (a day), a lognormal's sigma at most
/// 4.
std::string duration_problem(const distribution& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, distribution& x) {
  return f(caf::meta::type_name("distribution"), x.shape, x.a, x.b);
}

/// A duration from seconds, rounded to nanoseconds.
caf::timespan seconds(double s);

} // namespace retailsim
