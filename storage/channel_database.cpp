#include "storage/channel_database.hpp"

#include <string_view>

#include <SQLiteCpp/Statement.h>

#include "model/error.hpp"
#include "model/identity.hpp"
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
    // Version 2: 1010 watermark; case-insensitive name and email search.
    "INSERT INTO upload_watermark VALUES ('dist_1010', 0);"
    "DROP INDEX customers_by_name;"
    "CREATE INDEX customers_by_name ON customers (display_name COLLATE "
    "  NOCASE);"
    "DROP INDEX customers_by_email;"
    "CREATE INDEX customers_by_email ON customers (primary_email COLLATE "
    "  NOCASE);",

    // Version 3: sales without AUTOINCREMENT.
    RETAILSIM_SALES_WITHOUT_AUTOINCREMENT,
    // Version 4: company search.
    "CREATE INDEX customers_by_company ON customers (company_name COLLATE "
    "  NOCASE);",
    // Version 5: loyalty-card search.
    RETAILSIM_LOYALTY_CARD_COLUMN
    "CREATE INDEX customers_by_loyalty_card ON customers (loyalty_card) "
    "  WHERE loyalty_card IS NOT NULL;",
    // Version 6: the survivor a merged customer's sales belong to (from
    // the record 1010 brings).
    "ALTER TABLE customers ADD COLUMN merged_into TEXT;",
  };
  return steps;
}

caf::expected<std::unique_ptr<channel_database>>
channel_database::open(const std::string& path, durability mode) {
  auto db = database::open(path, database_kind::channel, migrations(), mode);
  if (!db)
    return db.error();
  std::unique_ptr<channel_database> out{new channel_database(std::move(*db))};
  auto merges = has_merged_customers(*out->db_);
  if (!merges)
    return merges.error();
  out->has_merges_ = *merges;
  return out;
}

namespace {

int64_t next_change_seq(database& db) {
  auto next = db.statement("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM "
                           "customers");
  next.executeStep();
  return next.getColumn(0).getInt64();
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
                             "async_guid, change_seq, " RETAILSIM_CUSTOMER_COLUMNS
                             ", updated_at, merged_into) VALUES (?, ?, ?, ?, ?, "
                             "?, ?, ?, ?, ?, ?, ?)");
  bind_optional(insert, 1, c.id.account_number);
  bind_optional(insert, 2, c.id.async_guid);
  insert.bind(3, next_change_seq(db));
  bind_customer_columns(insert, 4, c);
  insert.bind(11, to_db_time(now));
  bind_optional(insert, 12, c.merged_into);
  insert.exec();
}

/// Rewrites the row with id `row_id` to hold `c` (identity included).
void update_row(database& db, int64_t row_id, const customer& c,
                caf::timestamp now) {
  auto update = db.statement("UPDATE customers SET account_number = ?, "
                             "async_guid = ?, change_seq = ?, "
                             RETAILSIM_CUSTOMER_COLUMNS_SET ", updated_at = ?, "
                             "merged_into = ? WHERE id = ?");
  bind_optional(update, 1, c.id.account_number);
  bind_optional(update, 2, c.id.async_guid);
  update.bind(3, next_change_seq(db));
  bind_customer_columns(update, 4, c);
  update.bind(11, to_db_time(now));
  bind_optional(update, 12, c.merged_into);
  update.bind(13, row_id);
  update.exec();
}

} // namespace

std::string channel_database::current_ref(std::string ref) {
  auto& db = *db_;
  // A GUID this channel has converted since names its account now.
  if (is_valid_guid(ref)) {
    auto converted = db.statement("SELECT account_number FROM customers "
                                  "WHERE async_guid = ? AND account_number "
                                  "IS NOT NULL");
    converted.bind(1, ref);
    if (converted.executeStep())
      ref = converted.getColumn(0).getString();
  }
  return has_merges_ ? survivor_of(db, std::move(ref)) : ref;
}

bool channel_database::insert_sale_current(const sale_transaction& sale) {
  return insert_sale_for(*db_, sale, current_ref(sale.customer_ref));
}

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

bool channel_database::apply_distributed_row(const customer& record,
                                             caf::timestamp now) {
  auto& db = *db_;
  int64_t row_id = 0;
  bool converts = false;
  bool unchanged = false;
  {
    auto query = db.statement("SELECT id, account_number IS NULL, record FROM "
                              "customers WHERE account_number = ? OR "
                              "(async_guid = ? AND account_number IS NULL)");
    query.bind(1, record.id.account_number);
    bind_optional(query, 2, record.id.async_guid);
    if (query.executeStep()) {
      row_id = query.getColumn(0).getInt64();
      converts = query.getColumn(1).getInt() != 0;
      // The store that created a Sync customer already holds what 1010
      // brings back to it: rewriting the row would change nothing.
      auto stored = query.getColumn(2);
      unchanged = !converts
                  && std::string_view{stored.getText(),
                                      static_cast<size_t>(stored.getBytes())}
                       == encode(record);
    }
  }
  if (!record.merged_into.empty())
    has_merges_ = true;
  if (row_id == 0) {
    insert_row(db, record, now);
  } else if (!unchanged) {
    update_row(db, row_id, record, now);
  }
  // The sales this store holds under the customer's GUID or, once it was
  // merged away, under its account belong to the customer it is now.
  auto target = current_ref(record.id.account_number);
  if (converts)
    relink_sales(db, record.id.async_guid, target);
  if (target != record.id.account_number)
    relink_sales(db, record.id.account_number, target);
  return converts;
}

caf::error channel_database::apply_distributed(const customer& record,
                                               caf::timestamp now) {
  if (record.id.account_number.empty())
    return make_error(ec::field_required, "account_number",
                      "HQ distributes only customers with an account number");
  return db_->write("apply distributed customer", [&]() -> caf::error {
    apply_distributed_row(record, now);
    return {};
  });
}

caf::expected<std::vector<std::string>>
channel_database::apply_distribution(const dist_batch& batch,
                                     caf::timestamp now) {
  for (const auto& record : batch.customers)
    if (record.id.account_number.empty())
      return make_error(ec::field_required, "account_number",
                        "HQ distributes only customers with an account "
                        "number");
  std::vector<std::string> converted;
  auto err = db_->write("apply 1010 distribution", [&]() -> caf::error {
    for (const auto& record : batch.customers)
      if (apply_distributed_row(record, now))
        converted.push_back(record.id.async_guid);
    auto mark = db_->statement("UPDATE upload_watermark SET value = "
                               "MAX(value, ?) WHERE name = 'dist_1010'");
    mark.bind(1, batch.last_seq);
    mark.exec();
    return {};
  });
  if (err)
    return err;
  return converted;
}

caf::expected<size_t> channel_database::upload_offline(
  const offline_upload& batch, caf::timestamp now) {
  for (const auto& c : batch.customers)
    if (!is_pending(c.id))
      return make_error(ec::invalid_guid, "async_guid",
                        "offline customer '" + display_name(c)
                          + "' from " + batch.terminal_id
                          + " has no GUID or already an account number");
  size_t added = 0;
  auto err = db_->write("upload offline records", [&]() -> caf::error {
    for (const auto& c : batch.customers) {
      {
        auto known = db_->statement("SELECT 1 FROM customers WHERE "
                                    "async_guid = ?");
        known.bind(1, c.id.async_guid);
        if (known.executeStep())
          continue;
      }
      insert_row(*db_, c, now);
      ++added;
    }
    for (const auto& sale : batch.sales)
      insert_sale_current(sale);
    return {};
  });
  if (err)
    return err;
  return added;
}

caf::expected<pjob_batch>
channel_database::collect_for_pjob(const std::string& store_id, size_t limit) {
  pjob_batch out;
  out.store_id = store_id;
  auto customers_mark = watermark("customers");
  if (!customers_mark)
    return customers_mark.error();
  auto sales_mark = watermark("sales");
  if (!sales_mark)
    return sales_mark.error();
  out.customers_seq = *customers_mark;
  out.sales_seq = *sales_mark;
  auto customers = pending_after(*customers_mark, limit);
  if (!customers)
    return customers.error();
  for (auto& row : *customers) {
    out.customers_seq = row.seq;
    out.customers.push_back(std::move(row.value));
  }
  auto sales = sales_after(*sales_mark, limit);
  if (!sales)
    return sales.error();
  for (auto& row : *sales) {
    out.sales_seq = row.seq;
    out.sales.push_back(std::move(row.value));
  }
  return out;
}

caf::error channel_database::acknowledge_pjob(int64_t customers_seq,
                                              int64_t sales_seq) {
  return db_->write("acknowledge P-job", [&]() -> caf::error {
    auto mark = db_->statement("UPDATE upload_watermark SET value = MAX(value, "
                               "?) WHERE name = ?");
    mark.bind(1, customers_seq);
    mark.bind(2, std::string{"customers"});
    mark.exec();
    mark.reset();
    mark.bind(1, sales_seq);
    mark.bind(2, std::string{"sales"});
    mark.exec();
    return {};
  });
}

caf::expected<std::vector<customer>>
channel_database::similar(const customer& candidate, size_t limit) {
  return similar_customers(*db_, "customers", search_columns_of(candidate),
                           limit);
}

caf::expected<std::vector<customer>>
channel_database::search(const search_query& query, const std::string& region,
                         size_t limit) {
  return search_customers(*db_, "customers", query, region, limit);
}

caf::error channel_database::update_pending(const customer& record,
                                            caf::timestamp now) {
  return db_->write("update pending customer", [&]() -> caf::error {
    int64_t row_id = 0;
    {
      auto query = db_->statement("SELECT id FROM customers WHERE async_guid "
                                  "= ? AND account_number IS NULL");
      query.bind(1, record.id.async_guid);
      if (!query.executeStep())
        return make_error(ec::not_found, "async_guid",
                          "no pending customer '" + record.id.async_guid
                            + "' in this channel");
      row_id = query.getColumn(0).getInt64();
    }
    update_row(*db_, row_id, record, now);
    return {};
  });
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
    auto rows = db_->statement("SELECT seq, " RETAILSIM_SALE_FIELDS
                               " FROM sales WHERE seq > ? ORDER BY seq "
                               "LIMIT ?");
    rows.bind(1, watermark);
    rows.bind(2, static_cast<int64_t>(limit));
    while (rows.executeStep()) {
      auto sale = read_sale(rows, 1);
      if (!sale)
        return sale.error();
      out.push_back({rows.getColumn(0).getInt64(), std::move(*sale)});
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
  return find_customer(*db_, "account_number", account_number);
}

caf::expected<caf::optional<customer>>
channel_database::find_by_guid(const std::string& guid) {
  return find_customer(*db_, "async_guid", guid);
}

caf::expected<size_t> channel_database::pending_count() {
  return count_rows(*db_, "SELECT COUNT(*) FROM customers WHERE "
                           "account_number IS NULL");
}

caf::expected<size_t> channel_database::customer_count() {
  return count_rows(*db_, "SELECT COUNT(*) FROM customers");
}

caf::expected<bool> channel_database::record_sale(const sale_transaction& sale) {
  bool added = false;
  auto err = db_->write_one("record sale", [&]() -> caf::error {
    added = insert_sale_current(sale);
    return {};
  });
  if (err)
    return err;
  return added;
}

caf::expected<std::vector<sale_transaction>>
channel_database::sales_for(const std::string& customer_ref) {
  return storage::sales_for(*db_, customer_ref);
}

} // namespace retailsim::storage
