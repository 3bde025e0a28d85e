#pragma once

// Row helpers shared by the HQ, channel and offline databases (internal to
// storage/): every one keeps its sales in a table `sales` of one shape, and
// HQ and channels their customers in a table `customers`.

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "caf/expected.hpp"
#include "caf/optional.hpp"

#include "model/customer.hpp"
#include "model/messages.hpp"
#include "model/sale.hpp"
#include "storage/database.hpp"
#include "storage/record_codec.hpp"

namespace retailsim::storage {

/// The column list of a sales table, for CREATE TABLE statements.
#define RETAILSIM_SALES_COLUMNS                                                \
  "transaction_id TEXT NOT NULL UNIQUE, store_id TEXT NOT NULL, "              \
  "terminal_id TEXT NOT NULL, customer_ref TEXT NOT NULL, "                    \
  "amount_cents INTEGER NOT NULL, occurred_at INTEGER NOT NULL, "              \
  "lines TEXT NOT NULL"

/// A migration step for HQ and channels: rebuilds `sales` with a plain
/// INTEGER PRIMARY KEY. AUTOINCREMENT cost a write to sqlite_sequence on
/// every sale (a channel sale took 3.94 us with it, 3.39 without) and
/// bought nothing:
/// sales are never deleted, so each new row's seq is above every earlier
/// one, which is all the P-job's watermark needs.
#define RETAILSIM_SALES_WITHOUT_AUTOINCREMENT                                  \
  "CREATE TABLE sales_rebuilt ("                                               \
  "  seq INTEGER PRIMARY KEY, " RETAILSIM_SALES_COLUMNS ");"                   \
  "INSERT INTO sales_rebuilt SELECT * FROM sales;"                             \
  "DROP TABLE sales;"                                                          \
  "ALTER TABLE sales_rebuilt RENAME TO sales;"                                 \
  "DELETE FROM sqlite_sequence WHERE name = 'sales';"                          \
  "CREATE INDEX sales_by_customer ON sales (customer_ref);"

/// A migration step for HQ and channels: the loyalty-card column, filled
/// from the records.
#define RETAILSIM_LOYALTY_CARD_COLUMN                                          \
  "ALTER TABLE customers ADD COLUMN loyalty_card TEXT;"                        \
  "UPDATE customers SET loyalty_card = "                                       \
  "  json_extract(record, '$.loyalty.card_number') "                           \
  "  WHERE json_extract(record, '$.loyalty') IS NOT NULL;"

/// The columns read_sale reads, in its order, for SELECT statements.
#define RETAILSIM_SALE_FIELDS                                                  \
  "transaction_id, store_id, terminal_id, customer_ref, amount_cents, "        \
  "occurred_at, lines"

/// A sale from the columns RETAILSIM_SALE_FIELDS, starting at column
/// `first` of the current row.
caf::expected<sale_transaction> read_sale(database::statement_ref& row,
                                          int first);

/// Inserts unless the transaction id exists; returns true if inserted.
/// The same sale again (a retry) is ignored; another sale under its id
/// throws a refusal (uniqueness_violation).
bool insert_sale(database& db, const sale_transaction& sale);

/// insert_sale with the sale's customer reference replaced by `ref` (the
/// customer the sale belongs to now).
bool insert_sale_for(database& db, const sale_transaction& sale,
                     std::string ref);

/// Whether any customer of `customers` was merged into another: until one
/// is, a sale's customer needs no lookup of a survivor.
caf::expected<bool> has_merged_customers(database& db);

/// The customer `account` was merged into, and that one's survivor in
/// turn (merges never form a cycle: a merged customer takes part in no
/// further merge); `account` itself when it was not merged. Reads
/// `customers.merged_into`.
std::string survivor_of(database& db, std::string account);

/// Reads the sales matching `where` (an SQL condition with one `?` bound to
/// `value`), in insertion order.
caf::expected<std::vector<sale_transaction>>
select_sales(database& db, const char* where, const std::string& value);

/// Points every sale of `from_ref` at `to_ref`; returns how many moved.
int relink_sales(database& db, const std::string& from_ref,
                 const std::string& to_ref);

/// Records a sale in its own write transaction; returns true if it was new.
caf::expected<bool> record_sale(database& db, const sale_transaction& sale);

/// All sales of one customer reference, oldest first.
caf::expected<std::vector<sale_transaction>>
sales_for(database& db, const std::string& customer_ref);

/// The customer whose `column` equals `value`, if any.
caf::expected<caf::optional<customer>>
find_customer(database& db, const char* column, const std::string& value);

/// The count a `SELECT COUNT(*) ...` query returns.
caf::expected<size_t> count_rows(database& db, const char* sql);

/// The seven columns stored beside every customer record (as
/// bind_customer_columns binds them), for INSERT and UPDATE statements.
#define RETAILSIM_CUSTOMER_COLUMNS                                             \
  "status, display_name, primary_email, primary_phone, company_name, "         \
  "loyalty_card, record"
#define RETAILSIM_CUSTOMER_COLUMNS_SET                                         \
  "status = ?, display_name = ?, primary_email = ?, primary_phone = ?, "       \
  "company_name = ?, loyalty_card = ?, record = ?"

/// Binds the seven columns of RETAILSIM_CUSTOMER_COLUMNS, starting at
/// parameter `first`; a customer without a loyalty card gets NULL.
void bind_customer_columns(database::statement_ref& stmt, int first,
                           const customer& c);

/// Customers that may be the same person as `keys` (seed 004: "two John
/// Smiths"): the same primary email (ignoring case), the same primary phone,
/// or the same display name (ignoring case), in that order of strength (then
/// oldest first), each once, active or not, at most `limit`. Empty keys match
/// nothing.
caf::expected<std::vector<customer>>
similar_customers(database& db, const char* table, const search_columns& keys,
                  size_t limit);

/// Customers of `table` matching `query` (see search_query), narrowed by its
/// status filter (active only by default) and type filter, at most `limit`,
/// by display name. Emails and phones are
/// normalised first (phones with `region` as default); text that is neither
/// matches names by prefix, case-insensitively. The table needs the columns
/// bound by bind_customer_columns plus account_number.
caf::expected<std::vector<customer>>
search_customers(database& db, const char* table, const search_query& query,
                 const std::string& region, size_t limit);

} // namespace retailsim::storage
