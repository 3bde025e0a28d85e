#include "storage/offline_database.hpp"

#include <SQLiteCpp/Statement.h>

#include "model/error.hpp"
#include "storage/record_codec.hpp"
#include "storage/rows.hpp"

namespace retailsim::storage {

const std::vector<std::string>& offline_database::migrations() {
  static const std::vector<std::string> steps = {
    // Version 1.
    "CREATE TABLE offline_customers ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  async_guid TEXT NOT NULL UNIQUE,"
    "  record TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  uploaded INTEGER NOT NULL DEFAULT 0 CHECK (uploaded IN (0, 1)));"
    "CREATE TABLE sales ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, " RETAILSIM_SALES_COLUMNS ","
    "  uploaded INTEGER NOT NULL DEFAULT 0 CHECK (uploaded IN (0, 1)));",
    // Version 2: search columns, so an offline terminal searches its own
    // customers the way a channel does.
    "ALTER TABLE offline_customers ADD COLUMN account_number TEXT;"
    "ALTER TABLE offline_customers ADD COLUMN status TEXT NOT NULL DEFAULT "
    "  'active';"
    "ALTER TABLE offline_customers ADD COLUMN display_name TEXT NOT NULL "
    "  DEFAULT '';"
    "ALTER TABLE offline_customers ADD COLUMN primary_email TEXT NOT NULL "
    "  DEFAULT '';"
    "ALTER TABLE offline_customers ADD COLUMN primary_phone TEXT NOT NULL "
    "  DEFAULT '';"
    "ALTER TABLE offline_customers ADD COLUMN company_name TEXT NOT NULL "
    "  DEFAULT '';",
    // Version 3: the loyalty-card column every customer table has (always
    // NULL here: a pending customer cannot have a card).
    "ALTER TABLE offline_customers ADD COLUMN loyalty_card TEXT;",
  };
  return steps;
}

caf::expected<std::unique_ptr<offline_database>>
offline_database::open(const std::string& path, durability mode) {
  auto db = database::open(path, database_kind::offline, migrations(), mode);
  if (!db)
    return db.error();
  return std::unique_ptr<offline_database>{new offline_database(std::move(*db))};
}

caf::error offline_database::add_customer(const customer& record,
                                          caf::timestamp now) {
  if (!is_pending(record.id))
    return make_error(ec::invalid_guid, "async_guid",
                      "an offline customer needs a GUID and no account "
                      "number");
  return db_->write("add offline customer", [&]() -> caf::error {
    auto insert = db_->statement("INSERT INTO offline_customers (async_guid, "
                                 "created_at, " RETAILSIM_CUSTOMER_COLUMNS
                                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, record.id.async_guid);
    insert.bind(2, to_db_time(now));
    bind_customer_columns(insert, 3, record);
    insert.exec();
    return {};
  });
}

caf::error offline_database::add_sale(const sale_transaction& sale) {
  auto added = record_sale(*db_, sale);
  return added ? caf::error{} : added.error();
}

caf::expected<std::vector<customer>> offline_database::customers_to_upload() {
  std::vector<customer> out;
  auto err = db_->read("read offline customers", [&]() -> caf::error {
    auto query = db_->statement("SELECT async_guid, record FROM offline_customers "
                            "WHERE uploaded = 0 ORDER BY seq");
    while (query.executeStep()) {
      auto record = decode_customer(query.getColumn(1).getString(),
                                    "offline_customers "
                                      + query.getColumn(0).getString());
      if (!record)
        return record.error();
      out.push_back(std::move(*record));
    }
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::vector<sale_transaction>>
offline_database::sales_to_upload() {
  std::vector<sale_transaction> out;
  auto err = db_->read("read offline sales", [&]() -> caf::error {
    auto rows = select_sales(*db_, "uploaded = ?", "0");
    if (!rows)
      return rows.error();
    out = std::move(*rows);
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::error
offline_database::mark_uploaded(const std::vector<std::string>& async_guids,
                                const std::vector<std::string>& transaction_ids) {
  return db_->write("mark uploaded", [&]() -> caf::error {
    auto customers = db_->statement("UPDATE offline_customers SET uploaded = 1 "
                                "WHERE async_guid = ?");
    for (const auto& guid : async_guids) {
      customers.reset();
      customers.bind(1, guid);
      customers.exec();
    }
    auto sales = db_->statement("UPDATE sales SET uploaded = 1 "
                                           "WHERE transaction_id = ?");
    for (const auto& id : transaction_ids) {
      sales.reset();
      sales.bind(1, id);
      sales.exec();
    }
    return {};
  });
}

caf::expected<std::vector<customer>>
offline_database::similar(const customer& candidate, size_t limit) {
  return similar_customers(*db_, "offline_customers",
                           search_columns_of(candidate), limit);
}

caf::expected<std::vector<customer>>
offline_database::search(const search_query& query, const std::string& region,
                         size_t limit) {
  return search_customers(*db_, "offline_customers", query, region, limit);
}

caf::expected<size_t> offline_database::sales_to_upload_count() {
  return count_rows(*db_, "SELECT COUNT(*) FROM sales WHERE uploaded = 0");
}

caf::expected<size_t> offline_database::customers_to_upload_count() {
  return count_rows(*db_, "SELECT COUNT(*) FROM offline_customers WHERE "
                           "uploaded = 0");
}

} // namespace retailsim::storage
