#pragma once

// A POS terminal's offline database: customers and sales created while the
// terminal could not reach its store. Every write is durable (synchronous =
// FULL) before the terminal acknowledges it, so a terminal restart loses
// nothing; rows are marked uploaded, never deleted, once the channel has them.
//
// | uploaded | meaning                                             |
// |----------|-----------------------------------------------------|
// | 0        | created offline, still only here                    |
// | 1        | the channel database acknowledged it on reconnect   |

#include <memory>
#include <string>
#include <vector>

#include "caf/expected.hpp"
#include "caf/timestamp.hpp"

#include "model/customer.hpp"
#include "model/messages.hpp"
#include "model/sale.hpp"
#include "storage/database.hpp"

namespace retailsim::storage {

class offline_database {
public:
  static const std::vector<std::string>& migrations();

  static caf::expected<std::unique_ptr<offline_database>>
  open(const std::string& path, durability mode = durability::full);

  int schema_version() {
    return db_->schema_version();
  }

  /// Keeps a customer created offline; it must be pending (GUID, no account).
  caf::error add_customer(const customer& record, caf::timestamp now);

  /// Keeps a sale made offline; a transaction id seen before is ignored.
  caf::error add_sale(const sale_transaction& sale);

  /// What still has to be uploaded, in creation order.
  caf::expected<std::vector<customer>> customers_to_upload();
  caf::expected<std::vector<sale_transaction>> sales_to_upload();

  /// Marks rows as uploaded after the channel acknowledged them, in one
  /// transaction.
  caf::error mark_uploaded(const std::vector<std::string>& async_guids,
                           const std::vector<std::string>& transaction_ids);

  caf::expected<size_t> customers_to_upload_count();
  caf::expected<size_t> sales_to_upload_count();

  /// Customers created here offline that may be the same person as
  /// `candidate` (see similar_customers).
  caf::expected<std::vector<customer>>
  similar(const customer& candidate, size_t limit);

  /// Offline search: the customers this terminal created offline.
  caf::expected<std::vector<customer>>
  search(const search_query& query, const std::string& region, size_t limit);

private:
  explicit offline_database(std::unique_ptr<database> db)
    : db_(std::move(db)) {
  }

  std::unique_ptr<database> db_;
};

} // namespace retailsim::storage
