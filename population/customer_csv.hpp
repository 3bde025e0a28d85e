#pragma once

// An existing customer base as a CSV file (RFC 4180: comma-separated, fields
// with commas, quotes or line breaks in double quotes, a header row naming
// the columns). Every row is validated by the model exactly as a creation at
// a store would be; a bad row is reported with its row number, column and
// reason, and never reaches a database.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "caf/expected.hpp"

#include "model/customer.hpp"
#include "model/store.hpp"

namespace retailsim {

/// The columns a customer CSV may have, in this order in a file we write;
/// a file may have any subset in any order. Every column is optional, but a
/// row needs a name, an email or a phone.
const std::vector<std::string>& customer_csv_columns();

/// A customer of an existing base, ready for HQ: validated, normalised, with
/// the defaults of the model applied; no account number yet.
struct imported_customer {
  /// Row number in the file, the header being row 1 (what a spreadsheet
  /// shows); for a synthetic population, the customer's ordinal.
  size_t row = 0;
  /// The customer address book 1010 will distribute it to.
  std::string address_book;
  customer record;
};

/// Why one row cannot be imported.
struct row_error {
  size_t row = 0;
  /// The line of the file where the row starts (rows may span lines).
  size_t line = 0;
  /// The CSV column at fault ("" when the row as a whole is).
  std::string column;
  std::string reason;
};

/// "row 4 (line 5), column email: email_missing_at: ..."
std::string to_string(const row_error& x);

struct customer_csv {
  std::vector<imported_customer> customers;
  std::vector<row_error> errors;
  /// Data rows read (header not counted).
  size_t rows = 0;
};

/// What the rows of an import inherit, as a creation at a store would.
struct import_defaults {
  /// Default customer, operating-unit country, attribute group.
  store_settings store;
  std::vector<customer_group> groups;
  hq_feature_flags flags;
  /// For rows without an address_book column value.
  std::string address_book = "AB001";
};

/// Parses and validates a customer CSV held in `text`; `name` names it in
/// errors. Fails (no rows at all) when the file as a whole is unusable:
/// malformed quoting (with line and byte), an unknown or repeated column,
/// no header. Bad rows do not fail the call: they are listed in `errors`.
caf::expected<customer_csv> parse_customer_csv(std::string_view text,
                                               const std::string& name,
                                               const import_defaults& defaults);

/// The same for the file at `path` (at most 1 GiB).
caf::expected<customer_csv> read_customer_csv(const std::string& path,
                                              const import_defaults& defaults);

} // namespace retailsim
