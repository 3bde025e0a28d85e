#include "storage/channel_database.hpp"

#include <SQLiteCpp/Statement.h>

#include "model/error.hpp"
#include "storage/record_codec.hpp"
#include "storage/rows.hpp"

namespace retailsim::storage {

const std::vector<std::string>& channel_database::migrations() {
  static const std::vector<std::string> steps = {
    // Version 1.
    "CREATE TABLE customers ("
    "  id INTEGER PRIMARY KEY,"
    "  account_number TEXT UNIQUE,"
    "  async_guid TEXT UNIQUE,"
    "  change_seq INTEGER NOT NULL UNIQUE,"
    "  status TEXT NOT NULL,"
    "  display_name TEXT NOT NULL,"
    "  primary_email TEXT NOT NULL,"
    "  primary_phone TEXT NOT NULL,"
    "  company_name TEXT NOT NULL,"
    "  record TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  CHECK (account_number IS NOT NULL OR async_guid IS NOT NULL));"
    "CREATE INDEX customers_by_email ON customers (primary_email);"
    "CREATE INDEX customers_by_phone ON customers (primary_phone);"
    "CREATE INDEX customers_by_name ON customers (display_name);"
    "CREATE TABLE sales ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, " RETAILSIM_SALES_COLUMNS ");"
    "CREATE INDEX sales_by_customer ON sales (customer_ref);"
    "CREATE TABLE upload_watermark ("
    "  name TEXT PRIMARY KEY,"
    "  value INTEGER NOT NULL CHECK (value >= 0));"
    "INSERT INTO upload_watermark VALUES ('customers', 0), ('sales', 0);",
  };
  return steps;
}

caf::expected<std::unique_ptr<channel_database>>
channel_database::open(const std::string& path) {
  auto db = database::open(path, migrations(), durability::full);
  if (!db)
    return db.error();
  return std::unique_ptr<channel_database>{new channel_database(std::move(*db))};
}

namespace {

int64_t next_change_seq(database& db) {
  return db.handle().execAndGet("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM customers")
           .getInt64();
}

void bind_optional(database::statement_ref& stmt, int index,
                   const std::string& value) {
  if (value.empty())
    stmt.bind(index);
  else
    stmt.bind(index, value);
}

void insert_row(database& db, const customer& c, caf::timestamp now) {
  auto insert = db.statement("INSERT INTO customers (account_number, "
                               "async_guid, change_seq, status, display_name, "
                               "primary_email, primary_phone, company_name, "
                               "record, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                               "?, ?, ?, ?)");
  bind_optional(insert, 1, c.id.account_number);
  bind_optional(insert, 2, c.id.async_guid);
  insert.bind(3, next_change_seq(db));
  bind_customer_columns(insert, 4, c);
  insert.bind(10, to_db_time(now));
  insert.exec();
}

/// Rewrites the row with id `row_id` to hold `c` (identity included).
void update_row(database& db, int64_t row_id, const customer& c,
                caf::timestamp now) {
  auto update = db.statement("UPDATE customers SET account_number = ?, "
                               "async_guid = ?, change_seq = ?, status = ?, "
                               "display_name = ?, primary_email = ?, "
                               "primary_phone = ?, company_name = ?, "
                               "record = ?, updated_at = ? WHERE id = ?");
  bind_optional(update, 1, c.id.account_number);
  bind_optional(update, 2, c.id.async_guid);
  update.bind(3, next_change_seq(db));
  bind_customer_columns(update, 4, c);
  update.bind(10, to_db_time(now));
  update.bind(11, row_id);
  update.exec();
}

} // namespace

caf::error channel_database::add_customer(const customer& record,
                                          caf::timestamp now) {
  if (record.id.account_number.empty() && record.id.async_guid.empty())
    return make_error(ec::field_required, "account_number",
                      "a channel customer needs an account number or a GUID");
  return db_->write("add customer", [&]() -> caf::error {
    insert_row(*db_, record, now);
    return {};
  });
}

caf::error channel_database::apply_distributed(const customer& record,
                                               caf::timestamp now) {
  if (record.id.account_number.empty())
    return make_error(ec::field_required, "account_number",
                      "HQ distributes only customers with an account number");
  return db_->write("apply distributed customer", [&]() -> caf::error {
    auto& db = *db_;
    auto query = db.statement("SELECT id FROM customers WHERE "
                                "account_number = ? OR (async_guid = ? AND "
                                "account_number IS NULL)");
    query.bind(1, record.id.account_number);
    bind_optional(query, 2, record.id.async_guid);
    if (!query.executeStep()) {
      insert_row(db, record, now);
      return {};
    }
    update_row(db, query.getColumn(0).getInt64(), record, now);
    if (!record.id.async_guid.empty())
      relink_sales(db, "sales", record.id.async_guid,
                   record.id.account_number);
    return {};
  });
}

caf::expected<bool> channel_database::apply_mapping(
  const std::string& async_guid, const std::string& account_number,
  caf::timestamp now) {
  bool applied = false;
  auto err = db_->write("apply guid mapping", [&]() -> caf::error {
    auto& db = *db_;
    auto query = db.statement("SELECT id, record FROM customers WHERE "
                                "async_guid = ? AND account_number IS NULL");
    query.bind(1, async_guid);
    if (!query.executeStep())
      return {};
    auto row_id = query.getColumn(0).getInt64();
    auto record = decode_customer(query.getColumn(1).getString(),
                                  "channel customer " + async_guid);
    if (!record)
      return record.error();
    record->id.account_number = account_number;
    update_row(db, row_id, *record, now);
    relink_sales(db, "sales", async_guid, account_number);
    applied = true;
    return {};
  });
  if (err)
    return err;
  return applied;
}

caf::expected<std::vector<sequenced<customer>>>
channel_database::pending_after(int64_t watermark, size_t limit) {
  std::vector<sequenced<customer>> out;
  auto err = db_->read("read pending customers", [&]() -> caf::error {
    auto query = db_->statement("SELECT change_seq, record FROM customers WHERE "
                            "account_number IS NULL AND change_seq > ? "
                            "ORDER BY change_seq LIMIT ?");
    query.bind(1, watermark);
    query.bind(2, static_cast<int64_t>(limit));
    while (query.executeStep()) {
      auto seq = query.getColumn(0).getInt64();
      auto record = decode_customer(query.getColumn(1).getString(),
                                    "channel customer seq "
                                      + std::to_string(seq));
      if (!record)
        return record.error();
      out.push_back({seq, std::move(*record)});
    }
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::vector<sequenced<sale_transaction>>>
channel_database::sales_after(int64_t watermark, size_t limit) {
  std::vector<sequenced<sale_transaction>> out;
  auto err = db_->read("read sales", [&]() -> caf::error {
    auto seqs = db_->statement("SELECT seq, transaction_id FROM "
                                          "sales WHERE seq > ? ORDER BY seq "
                                          "LIMIT ?");
    seqs.bind(1, watermark);
    seqs.bind(2, static_cast<int64_t>(limit));
    while (seqs.executeStep()) {
      auto seq = seqs.getColumn(0).getInt64();
      auto rows = select_sales(*db_, "sales", "transaction_id = ?",
                               seqs.getColumn(1).getString());
      if (!rows)
        return rows.error();
      for (auto& row : *rows)
        out.push_back({seq, std::move(row)});
    }
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<int64_t> channel_database::watermark(const std::string& name) {
  int64_t value = 0;
  auto err = db_->read("read watermark", [&]() -> caf::error {
    auto query = db_->statement("SELECT value FROM "
                                           "upload_watermark WHERE name = ?");
    query.bind(1, name);
    if (!query.executeStep())
      return make_error(ec::not_found, "upload_watermark",
                        "no watermark '" + name + "'");
    value = query.getColumn(0).getInt64();
    return {};
  });
  if (err)
    return err;
  return value;
}

caf::error channel_database::advance_watermark(const std::string& name,
                                               int64_t value) {
  return db_->write("advance watermark", [&]() -> caf::error {
    auto update = db_->statement("UPDATE upload_watermark SET value = MAX(value, "
                             "?) WHERE name = ?");
    update.bind(1, value);
    update.bind(2, name);
    if (update.exec() != 1)
      return make_error(ec::not_found, "upload_watermark",
                        "no watermark '" + name + "'");
    return {};
  });
}

caf::expected<caf::optional<customer>>
channel_database::find(const std::string& account_number) {
  return find_customer(*db_, "customers", "account_number", account_number);
}

caf::expected<caf::optional<customer>>
channel_database::find_by_guid(const std::string& guid) {
  return find_customer(*db_, "customers", "async_guid", guid);
}

caf::expected<size_t> channel_database::pending_count() {
  return count_rows(*db_, "SELECT COUNT(*) FROM customers WHERE "
                           "account_number IS NULL");
}

caf::expected<size_t> channel_database::customer_count() {
  return count_rows(*db_, "SELECT COUNT(*) FROM customers");
}

caf::expected<bool> channel_database::record_sale(const sale_transaction& sale) {
  return storage::record_sale(*db_, sale);
}

caf::expected<std::vector<sale_transaction>>
channel_database::sales_for(const std::string& customer_ref) {
  return storage::sales_for(*db_, customer_ref);
}

} // namespace retailsim::storage
