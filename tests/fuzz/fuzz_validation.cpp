// The model's validation of a customer draft, its fields taken from the
// input (NUL-separated): never a crash; what it accepts is a fixed point
// (validating the result again gives the same draft), and it is never an
// invisible or over-long name.

#include <vector>

#include "model/error.hpp"
#include "model/validation.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace retailsim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> f;
  std::string_view text{reinterpret_cast<const char*>(data), size};
  for (size_t start = 0; f.size() < 9;) {
    auto end = text.find('\0', start);
    f.emplace_back(text.substr(start, end == std::string_view::npos
                                        ? std::string_view::npos
                                        : end - start));
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  f.resize(9);
  customer_draft d;
  auto& p = d.profile;
  p.first_name = f[0];
  p.last_name = f[1];
  if (!f[2].empty())
    p.emails.push_back({f[2], true, {}});
  if (!f[3].empty())
    p.phones.push_back({f[3], true, {}});
  if (!f[4].empty() || !f[5].empty()) {
    postal_address a;
    a.street = f[4];
    a.country = f[5];
    p.addresses.push_back(a);
  }
  p.date_of_birth = f[6];
  p.notes = f[7];
  p.language = f[8];
  auto once = validate_draft(d, "US", {});
  if (!once)
    return 0;
  auto twice = validate_draft(*once, "US", {});
  fuzz::require(static_cast<bool>(twice), "a valid draft stays valid");
  fuzz::require(twice->profile == once->profile,
                "validation is a fixed point");
  fuzz::require(once->profile.first_name.size() <= 4 * field_limits::person_name,
                "a name within its limit");
  return 0;
}
