#include "actors/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "model/identity.hpp"

namespace retailsim {

namespace {

// FNV-1a, then splitmix64 to spread the bits.
uint64_t mix(uint64_t run_seed, std::string_view identity) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : identity) {
    h ^= c;
    h *= 1099511628211ull;
  }
  uint64_t z = h ^ (run_seed + 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

} // namespace

actor_rng::actor_rng(uint64_t run_seed, std::string_view identity)
  : engine_(mix(run_seed, identity)) {
}

double actor_rng::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

uint64_t actor_rng::below(uint64_t n) {
  return n == 0 ? 0 : next() % n;
}

double distribution::draw(actor_rng& rng) const {
  double value = 0;
  switch (shape) {
    case kind::constant:
      value = a;
      break;
    case kind::uniform:
      value = a + (b - a) * rng.uniform();
      break;
    case kind::exponential:
      value = -a * std::log1p(-rng.uniform());
      break;
    case kind::lognormal: {
      // Box-Muller from two uniform draws.
      double u1 = 1.0 - rng.uniform();
      double u2 = rng.uniform();
      double n = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
      value = a * std::exp(b * n);
      break;
    }
  }
  return value < 0 ? 0 : value;
}

caf::timespan distribution::sample(actor_rng& rng) const {
  auto s = std::min(draw(rng), max_sample_seconds);
  auto out = seconds(s);
  if (s > 0 && out.count() == 0)
    out = caf::timespan{1};
  return out;
}

double distribution::mean_seconds() const {
  switch (shape) {
    case kind::constant: return a;
    case kind::uniform: return (a + b) / 2;
    case kind::exponential: return a;
    case kind::lognormal: return a * std::exp(b * b / 2);
  }
  return 0;
}

std::string to_string(const distribution& x) {
  auto num = [](double v) {
    char buf[32];
    snprintf(buf, sizeof(buf), "%g", v);
    return std::string{buf};
  };
  switch (x.shape) {
    case distribution::kind::constant: return "constant:" + num(x.a);
    case distribution::kind::uniform:
      return "uniform:" + num(x.a) + "," + num(x.b);
    case distribution::kind::exponential: return "exp:" + num(x.a);
    case distribution::kind::lognormal:
      return "lognormal:" + num(x.a) + "," + num(x.b);
  }
  return "?";
}

std::string duration_problem(const distribution& x) {
  auto seconds_ok = [](double v) { return v >= 0 && v <= 86400; };
  bool ok = seconds_ok(x.a)
            && (x.shape == distribution::kind::uniform
                  ? seconds_ok(x.b) && x.b >= x.a
                  : x.shape != distribution::kind::lognormal
                      || (x.b >= 0 && x.b <= 4));
  if (ok)
    return {};
  return "'" + to_string(x)
         + "' is out of range: seconds from 0 to 86400 (a day)"
         + (x.shape == distribution::kind::lognormal
              ? ", and a sigma from 0 to 4"
              : "");
}

caf::timespan seconds(double s) {
  return caf::timespan{static_cast<int64_t>(std::llround(s * 1e9))};
}

std::string make_guid(actor_rng& rng, std::string_view run_tag) {
  // Two FNV-1a hashes of the tag, one per word.
  uint64_t salt[2] = {1469598103934665603ull, 0x84222325cbf29ce4ull};
  for (auto& h : salt)
    for (unsigned char c : run_tag) {
      h ^= c;
      h *= 1099511628211ull;
    }
  auto high = rng.next() ^ salt[0];
  auto low = rng.next() ^ salt[1];
  return make_async_guid(high, low);
}

} // namespace retailsim
