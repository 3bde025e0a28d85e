#include "storage/rows.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <SQLiteCpp/Statement.h>

#include "model/error.hpp"
#include "model/validation.hpp"
#include "storage/record_codec.hpp"

namespace retailsim::storage {

bool insert_sale(database& db, const sale_transaction& sale) {
  auto insert = db.statement("INSERT OR IGNORE INTO sales (transaction_id, "
                             "store_id, terminal_id, customer_ref, "
                             "amount_cents, occurred_at, lines) VALUES (?, "
                             "?, ?, ?, ?, ?, ?)");
  insert.bind(1, sale.transaction_id);
  insert.bind(2, sale.store_id);
  insert.bind(3, sale.terminal_id);
  insert.bind(4, sale.customer_ref);
  insert.bind(5, static_cast<int64_t>(sale.amount_cents));
  insert.bind(6, to_db_time(sale.occurred_at));
  insert.bind(7, encode(sale.lines));
  if (insert.exec() == 1)
    return true;
  // Recorded before: a retried upload brings the same sale again, which
  // changes nothing. Another sale under the same id is a conflict, and
  // says so: it is never dropped without a word.
  auto known = db.statement("SELECT store_id, terminal_id, amount_cents, "
                            "occurred_at, lines FROM sales WHERE "
                            "transaction_id = ?");
  known.bind(1, sale.transaction_id);
  if (known.executeStep()
      && (known.getColumn(0).getString() != sale.store_id
          || known.getColumn(1).getString() != sale.terminal_id
          || known.getColumn(2).getInt64() != sale.amount_cents
          || known.getColumn(3).getInt64() != to_db_time(sale.occurred_at)
          || known.getColumn(4).getString() != encode(sale.lines)))
    throw refusal{make_error(
      ec::uniqueness_violation, "transaction_id",
      "'" + sale.transaction_id
        + "' was recorded before with another store, terminal, time, amount "
          "or lines; the second sale is not recorded")};
  return false;
}

bool insert_sale_for(database& db, const sale_transaction& sale,
                     std::string ref) {
  if (ref == sale.customer_ref)
    return insert_sale(db, sale);
  auto relinked = sale;
  relinked.customer_ref = std::move(ref);
  return insert_sale(db, relinked);
}

caf::expected<bool> has_merged_customers(database& db) {
  auto merges = count_rows(db, "SELECT COUNT(*) FROM customers WHERE "
                               "merged_into IS NOT NULL");
  if (!merges)
    return merges.error();
  return *merges > 0;
}

std::string survivor_of(database& db, std::string account) {
  for (;;) {
    auto merged = db.statement("SELECT merged_into FROM customers WHERE "
                               "account_number = ? AND merged_into IS NOT "
                               "NULL");
    merged.bind(1, account);
    if (!merged.executeStep())
      return account;
    account = merged.getColumn(0).getString();
  }
}

caf::expected<sale_transaction> read_sale(database::statement_ref& row,
                                          int first) {
  sale_transaction s;
  s.transaction_id = row.getColumn(first).getString();
  s.store_id = row.getColumn(first + 1).getString();
  s.terminal_id = row.getColumn(first + 2).getString();
  s.customer_ref = row.getColumn(first + 3).getString();
  s.amount_cents = row.getColumn(first + 4).getInt64();
  s.occurred_at = from_db_time(row.getColumn(first + 5).getInt64());
  auto lines = decode_sale_lines(row.getColumn(first + 6).getString(),
                                 "sales " + s.transaction_id);
  if (!lines)
    return lines.error();
  s.lines = std::move(*lines);
  return s;
}

caf::expected<std::vector<sale_transaction>>
select_sales(database& db, const char* where, const std::string& value) {
  auto query = db.statement(std::string{"SELECT " RETAILSIM_SALE_FIELDS
                                        " FROM sales WHERE "}
                            + where + " ORDER BY seq");
  query.bind(1, value);
  std::vector<sale_transaction> out;
  while (query.executeStep()) {
    auto sale = read_sale(query, 0);
    if (!sale)
      return sale.error();
    out.push_back(std::move(*sale));
  }
  return out;
}

int relink_sales(database& db, const std::string& from_ref,
                 const std::string& to_ref) {
  auto update = db.statement("UPDATE sales SET customer_ref = ? WHERE "
                             "customer_ref = ?");
  update.bind(1, to_ref);
  update.bind(2, from_ref);
  return update.exec();
}

caf::expected<bool> record_sale(database& db, const sale_transaction& sale) {
  bool added = false;
  auto err = db.write_one("record sale", [&]() -> caf::error {
    added = insert_sale(db, sale);
    return {};
  });
  if (err)
    return err;
  return added;
}

caf::expected<std::vector<sale_transaction>>
sales_for(database& db, const std::string& customer_ref) {
  std::vector<sale_transaction> out;
  auto err = db.read("read sales", [&]() -> caf::error {
    auto rows = select_sales(db, "customer_ref = ?",
                             customer_ref);
    if (!rows)
      return rows.error();
    out = std::move(*rows);
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<caf::optional<customer>>
find_customer(database& db, const char* column, const std::string& value) {
  caf::optional<customer> out;
  auto err = db.read("find customer", [&]() -> caf::error {
    auto query = db.statement(std::string{"SELECT record FROM customers "
                                          "WHERE "}
                              + column + " = ?");
    query.bind(1, value);
    if (!query.executeStep())
      return {};
    auto record = decode_customer(query.getColumn(0).getString(),
                                  "customers " + value);
    if (!record)
      return record.error();
    out = std::move(*record);
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<size_t> count_rows(database& db, const char* sql) {
  size_t out = 0;
  auto err = db.read("count", [&]() -> caf::error {
    out = static_cast<size_t>(db.handle().execAndGet(sql).getInt64());
    return {};
  });
  if (err)
    return err;
  return out;
}

void bind_customer_columns(database::statement_ref& stmt, int first,
                           const customer& c) {
  auto keys = search_columns_of(c);
  stmt.bind(first, to_string(c.status));
  stmt.bind(first + 1, keys.display_name);
  stmt.bind(first + 2, keys.primary_email);
  stmt.bind(first + 3, keys.primary_phone);
  stmt.bind(first + 4, keys.company_name);
  if (c.loyalty)
    stmt.bind(first + 5, c.loyalty->card_number);
  else
    stmt.bind(first + 5);
  stmt.bind(first + 6, encode(c));
}

namespace {

/// Appends the customer of each row (its JSON record in column 0) to `out`;
/// `what` names the rows in a decoding error.
caf::error decode_records(database::statement_ref& rows,
                          const std::string& what, std::vector<customer>& out) {
  while (rows.executeStep()) {
    auto record = decode_customer(rows.getColumn(0).getString(), what);
    if (!record)
      return record.error();
    out.push_back(std::move(*record));
  }
  return {};
}

/// What kind of text a free search is, by its shape.
search_field classify(const std::string& text) {
  if (text.find('@') != std::string::npos)
    return search_field::email;
  size_t digits = 0;
  bool phone_chars = true;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      ++digits;
    else if (std::string_view{" +-().x"}.find(c) == std::string_view::npos)
      phone_chars = false;
  }
  if (phone_chars && digits >= 7)
    return search_field::phone;
  if (text.size() > 1 && text[0] == 'C'
      && std::all_of(text.begin() + 1, text.end(),
                     [](char c) { return std::isdigit(c); }))
    return search_field::account;
  // Names have no digits; loyalty card numbers are one word with some.
  if (digits > 0 && is_code_text(text))
    return search_field::loyalty_card;
  return search_field::name;
}

/// '+', a non-zero digit, then 6 to 14 digits: how every phone is stored.
bool is_e164_shaped(const std::string& text) {
  return text.size() >= 8 && text.size() <= 16 && text[0] == '+'
         && text[1] >= '1' && text[1] <= '9'
         && std::all_of(text.begin() + 2, text.end(), [](char c) {
              return std::isdigit(static_cast<unsigned char>(c));
            });
}

std::string like_prefix(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + '%';
}

} // namespace

caf::expected<std::vector<customer>>
search_customers(database& db, const char* table, const search_query& query,
                 const std::string& region, size_t limit) {
  std::vector<customer> out;
  auto text = normalize_text(query.text, "query", 254);
  if (!text || text->empty())
    return out;
  auto field = query.field == search_field::any ? classify(*text)
                                                : query.field;
  std::string condition;
  std::string value;
  switch (field) {
    case search_field::email: {
      auto email = normalize_email(*text, "query");
      if (!email)
        return out;
      condition = "primary_email = ? COLLATE NOCASE";
      value = *email;
      break;
    }
    case search_field::phone: {
      condition = "primary_phone = ?";
      // Text already in E.164 form is the stored key itself: only stored
      // (valid) numbers can match it, so libphonenumber (in the profile of
      // the 100-store day, 6.8% of the run against 17.6% for all channel
      // searches) is needed only for numbers as typed.
      if (is_e164_shaped(*text)) {
        value = *text;
        break;
      }
      auto phone = normalize_phone(*text, region, "query");
      if (!phone)
        return out;
      value = *phone;
      break;
    }
    case search_field::account:
      condition = "account_number = ?";
      value = *text;
      break;
    case search_field::loyalty_card:
      condition = "loyalty_card = ?";
      value = *text;
      break;
    case search_field::company:
      condition = "company_name LIKE ?1 ESCAPE '\\'";
      value = like_prefix(*text);
      break;
    default:
      // Seed 002: the search bar finds people by name and businesses by
      // company name alike.
      condition = query.field == search_field::any
                    ? "(display_name LIKE ?1 ESCAPE '\\' OR company_name "
                      "LIKE ?1 ESCAPE '\\')"
                    : "display_name LIKE ?1 ESCAPE '\\'";
      value = like_prefix(*text);
  }
  std::string sql = std::string{"SELECT record FROM "} + table + " WHERE "
                    + condition;
  if (query.status != status_filter::any)
    sql += std::string{" AND status = '"} + to_string(query.status) + "'";
  if (query.type != type_filter::any) {
    // The type lives only in the record: compare its JSON field.
    sql += " AND json_extract(record, '$.type') = '";
    sql += to_string(query.type == type_filter::person
                       ? customer_type::person
                       : customer_type::organization);
    sql += "'";
  }
  sql += " ORDER BY display_name LIMIT ?";
  auto err = db.read("search customers", [&]() -> caf::error {
    auto stmt = db.statement(sql);
    stmt.bind(1, value);
    stmt.bind(2, static_cast<int64_t>(limit));
    return decode_records(stmt, std::string{table} + " search", out);
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::vector<customer>>
similar_customers(database& db, const char* table, const search_columns& keys,
                  size_t limit) {
  auto sql = std::string{"SELECT record FROM "} + table
             + " WHERE primary_email = ?1 COLLATE NOCASE OR primary_phone = ?2"
               " OR display_name = ?3 COLLATE NOCASE"
               " ORDER BY CASE WHEN primary_email = ?1 COLLATE NOCASE THEN 0"
               " WHEN primary_phone = ?2 THEN 1 ELSE 2 END, rowid LIMIT ?4";
  std::vector<customer> out;
  auto err = db.read("find similar customers", [&]() -> caf::error {
    auto stmt = db.statement(sql);
    int index = 1;
    // NULL equals nothing: an empty key takes no part.
    for (const auto* key :
         {&keys.primary_email, &keys.primary_phone, &keys.display_name}) {
      if (key->empty())
        stmt.bind(index++);
      else
        stmt.bind(index++, *key);
    }
    stmt.bind(4, static_cast<int64_t>(limit));
    return decode_records(stmt, std::string{table} + " similar", out);
  });
  if (err)
    return err;
  return out;
}

} // namespace retailsim::storage
