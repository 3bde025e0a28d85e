#include "hardware-sim/codec_text.hpp"

#include <cctype>

#include "model/error.hpp"
#include "model/validation.hpp"

namespace retailsim::hw {

caf::error device_data_error(const std::string& where, size_t byte,
                             const std::string& what) {
  return make_error(ec::malformed_device_data, where,
                    "byte " + std::to_string(byte + 1) + ": " + what);
}

std::string_view trim_padding(std::string_view text) {
  auto padding = [](char c) { return c == ' ' || c == '\0'; };
  while (!text.empty() && padding(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && padding(text.back()))
    text.remove_suffix(1);
  return text;
}

std::string title_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool start = true;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u)) {
      out += static_cast<char>(start ? std::toupper(u) : std::tolower(u));
      start = false;
    } else {
      out += c;
      start = c == ' ' || c == '-' || c == '\'';
    }
  }
  return out;
}

bool all_digits(std::string_view text) {
  if (text.empty())
    return false;
  for (char c : text)
    if (c < '0' || c > '9')
      return false;
  return true;
}

std::string postal_code(std::string_view text, std::string_view country) {
  auto code = trim_padding(text);
  if (country == "US" && code.size() == 9 && all_digits(code))
    return code.substr(5) == "0000"
             ? std::string{code.substr(0, 5)}
             : std::string{code.substr(0, 5)} + "-"
                 + std::string{code.substr(5)};
  if (country == "CA" && code.size() == 6)
    return std::string{code.substr(0, 3)} + " " + std::string{code.substr(3)};
  return std::string{code};
}

std::string iso_date(std::string_view digits, std::string_view order) {
  if (digits.size() != 8 || !all_digits(digits))
    return "";
  std::string out;
  if (order == "MMDDCCYY")
    out = std::string{digits.substr(4, 4)} + "-"
          + std::string{digits.substr(0, 2)} + "-"
          + std::string{digits.substr(2, 2)};
  else
    out = std::string{digits.substr(0, 4)} + "-"
          + std::string{digits.substr(4, 2)} + "-"
          + std::string{digits.substr(6, 2)};
  if (check_date(out, "date"))
    return "";
  return out;
}

} // namespace retailsim::hw
