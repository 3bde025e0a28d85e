#pragma once

// Small helpers shared by the tests: temporary folders and sample customers.

#include <cstdlib>
#include <filesystem>
#include <string>

#include <ostream>

#include "model/customer.hpp"
#include "model/error.hpp"
#include "model/store.hpp"

namespace retailsim::test {

/// A fresh folder under the system temp dir, removed with everything in it
/// when the object goes out of scope.
class temp_dir {
public:
  temp_dir() {
    auto pattern = (std::filesystem::temp_directory_path()
                    / "retailsim-test-XXXXXX")
                     .string();
    if (mkdtemp(pattern.data()) == nullptr)
      std::abort();
    path_ = pattern;
  }

  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }

private:
  std::filesystem::path path_;
};

/// A timestamp `seconds` after the epoch (tests never read the wall clock).
inline caf::timestamp at(int64_t seconds) {
  return caf::timestamp{std::chrono::seconds{seconds}};
}

/// A person with one email and one phone, already normalised.
inline customer sample_customer(const std::string& first,
                                const std::string& last) {
  customer c;
  c.type = customer_type::person;
  c.profile.first_name = first;
  c.profile.last_name = last;
  c.profile.emails.push_back(
    {first + "." + last + "@example.com", true,
     marketing_consent{true, "cashier-1", at(100), "pos"}});
  c.profile.phones.push_back({"+17073202478", true, {}});
  c.profile.customer_group = "RETAIL";
  c.profile.currency = "USD";
  c.profile.language = "en-US";
  return c;
}

} // namespace retailsim::test

namespace retailsim::test {

/// Input as C-style escaped ASCII, so test output shows hostile bytes.
inline std::string escaped(const std::string& in) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (unsigned char c : in) {
    if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out + "\"";
}

} // namespace retailsim::test

namespace retailsim {

/// gtest prints error codes by name.
inline void PrintTo(ec code, std::ostream* os) {
  *os << to_string(code);
}

} // namespace retailsim
