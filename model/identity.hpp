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

} // namespace retailsim
