#pragma once

// A synthetic existing customer base, so that searches and duplicate checks
// of a run meet realistic data: many customers share a name (a few hundred
// first and last names), a small share are the same person entered twice
// (same phone and name, another email), some are businesses.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "population/customer_csv.hpp"

namespace retailsim {

/// `count` customers, spread over `address_books` in turn; the same seed
/// gives the same customers. Each goes through the validation and defaults
/// of an imported row; `defaults.address_book` is not used.
caf::expected<std::vector<imported_customer>>
synthetic_customers(size_t count, uint64_t seed, const import_defaults& defaults,
                    const std::vector<std::string>& address_books);

} // namespace retailsim
