#include "model/identity.hpp"

#include <cctype>

namespace retailsim {

std::string make_async_guid(uint64_t high_bits, uint64_t low_bits) {
  // Version 4 in the high nibble of octet 6, variant 10xx in octet 8.
  high_bits = (high_bits & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
  low_bits = (low_bits & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  return guid_of_words({high_bits, low_bits});
}

std::string guid_of_words(guid_words words) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](uint64_t bits, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i)
      out += hex[(bits >> (i * 4)) & 0xF];
  };
  put(words.high >> 32, 8);
  out += '-';
  put(words.high >> 16, 4);
  out += '-';
  put(words.high, 4);
  out += '-';
  put(words.low >> 48, 4);
  out += '-';
  put(words.low, 12);
  return out;
}

guid_words words_of_guid(std::string_view text) {
  if (!is_valid_guid(text))
    return {};
  guid_words out;
  int nibble = 0;
  for (char c : text) {
    if (c == '-')
      continue;
    auto lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    uint64_t v = lower <= '9' ? static_cast<uint64_t>(lower - '0')
                              : static_cast<uint64_t>(lower - 'a' + 10);
    auto& word = nibble < 16 ? out.high : out.low;
    word = (word << 4) | v;
    ++nibble;
  }
  return out;
}

bool is_valid_guid(std::string_view text) {
  if (text.size() != 36)
    return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-'
                      : !std::isxdigit(static_cast<unsigned char>(text[i])))
      return false;
  }
  return true;
}

} // namespace retailsim
