#pragma once

// Temporary GUIDs of Async customers. They are made from random bits that the
// caller draws from its own seeded RNG, so a run stays reproducible.

#include <cstdint>
#include <string>
#include <string_view>

namespace retailsim {

/// An RFC 4122 version-4 GUID in lower-case 8-4-4-4-12 form, built from 128
/// caller-supplied random bits (version and variant bits are overwritten).
std::string make_async_guid(uint64_t high_bits, uint64_t low_bits);

/// True for the 8-4-4-4-12 hexadecimal form (either case).
bool is_valid_guid(std::string_view text);

/// A GUID's 128 bits as two words, high first: the GUID itself, in a form
/// that fits in numbers (an event's keys). {0, 0} for text that is not a
/// GUID.
struct guid_words {
  uint64_t high = 0;
  uint64_t low = 0;
};

guid_words words_of_guid(std::string_view text);

/// The lower-case GUID text of two words (words_of_guid's inverse).
std::string guid_of_words(guid_words words);

} // namespace retailsim
