#pragma once

// An existing customer base as a CSV file (RFC 4180: comma-separated, fields
// with commas, quotes or line breaks in double quotes, a header row naming
// the columns). Every row is validated by the model exactly as a creation at
// a store would be; a bad row is reported with its row number, column and
// reason, and never reaches a database.

#include <cstddef>
#include <functional>
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

/// Whether `id` can name a customer address book (1-20 letters, digits,
/// '-' or '_'); the error is about `field`.
caf::error check_address_book(std::string_view id, const std::string& field);

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

/// What reading a customer CSV found. Bad rows are counted; the first
/// `max_listed_errors` of them are listed (a file of a million bad rows
/// must not take a million messages' memory).
struct csv_scan {
  /// Data rows read (header not counted).
  size_t rows = 0;
  size_t good = 0;
  size_t bad = 0;
  std::vector<row_error> errors;
};

constexpr size_t max_listed_errors = 1000;

/// A row holds at most this many bytes (1 MiB): a longer one is a bad row,
/// read past without being kept, so memory is bounded by a row, whatever
/// the file's size.
constexpr size_t max_row_bytes = size_t{1} << 20;

/// A whole file read into memory (tests, small files).
struct customer_csv : csv_scan {
  std::vector<imported_customer> customers;
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

/// Where the good rows of a read go, one at a time, in file order. An error
/// stops the read and is returned.
using customer_sink = std::function<caf::error(imported_customer&&)>;

/// Reads and validates the customer CSV at `path` row by row, handing each
/// good row to `each` (which may be empty: a check only). Fails (and hands
/// on nothing more) when the file as a whole is unusable: not a file, not
/// UTF-8, malformed quoting (with line and byte), an unknown or repeated
/// column, no header. Bad rows do not fail the call: they are counted and
/// listed. Memory is bounded by the longest row, not the file.
caf::expected<csv_scan> scan_customer_csv(const std::string& path,
                                          const import_defaults& defaults,
                                          const customer_sink& each);

/// The same for `text` already in memory; `name` names it in errors.
caf::expected<csv_scan> scan_customer_csv_text(std::string_view text,
                                               const std::string& name,
                                               const import_defaults& defaults,
                                               const customer_sink& each);

/// The whole of `text` (or of the file at `path`) with its good rows kept.
caf::expected<customer_csv> parse_customer_csv(std::string_view text,
                                               const std::string& name,
                                               const import_defaults& defaults);
caf::expected<customer_csv> read_customer_csv(const std::string& path,
                                              const import_defaults& defaults);

} // namespace retailsim
