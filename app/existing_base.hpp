#pragma once

// The customers HQ holds before a day begins: a CSV file (`retailsim
// import`), a copy of an earlier HQ database, or a synthetic population.
// They enter HQ in one transaction, all or nothing, and reach the stores
// through 1010 (a run distributes them as it opens).

#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "actors/world.hpp"
#include "population/customer_csv.hpp"
#include "storage/hq_database.hpp"

namespace retailsim {

/// What rows inherit at the stores of `cfg`: store 1's default customer and
/// country, HQ's customer groups, the run's feature flags.
import_defaults import_defaults_for(const run_config& cfg);

/// The address books of `cfg`'s stores, in store order, each once.
std::vector<std::string> address_books_of(const run_config& cfg);

/// Writes the customers `source` hands on into the HQ database at
/// `hq_path` (created if need be) in one transaction; `origin` names where
/// they came from in each customer's history. On failure nothing is kept,
/// and a database this call created is removed.
caf::expected<storage::imported_accounts>
load_into_hq(const std::string& hq_path, const storage::import_source& source,
             const std::string& origin, const std::string& loaded_by);

/// Hands each of `customers` on, for load_into_hq.
storage::import_source each_of(const std::vector<imported_customer>& customers);

/// Whether `cfg.customers_from` (if any) can start a run: a readable HQ
/// database of this or an older schema. Reads only; an error names the
/// file and what it is instead.
caf::error check_existing_base(const run_config& cfg);

/// Before a run: copies `cfg.customers_from` to the run's HQ database (the
/// copy is opened and migrated, the original is left alone) and adds
/// `cfg.population` synthetic customers (the run counts what HQ holds when
/// it opens it). On failure (not an HQ database, I/O) no HQ file is left in
/// the output folder.
caf::error prepare_existing_base(const run_config& cfg);

} // namespace retailsim
