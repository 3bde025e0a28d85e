#include "storage/hq_database.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <SQLiteCpp/Statement.h>

#include "model/error.hpp"
#include "storage/record_codec.hpp"
#include "storage/rows.hpp"

namespace retailsim::storage {

const std::vector<std::string>& hq_database::migrations() {
  static const std::vector<std::string> steps = {
    // Version 1.
    "CREATE TABLE number_sequence ("
    "  name TEXT PRIMARY KEY,"
    "  next_value INTEGER NOT NULL CHECK (next_value > 0),"
    "  prefix TEXT NOT NULL,"
    "  width INTEGER NOT NULL CHECK (width BETWEEN 1 AND 18));"
    "INSERT INTO number_sequence VALUES ('customer_account', 1, 'C', 9);"
    "CREATE TABLE customers ("
    "  account_number TEXT PRIMARY KEY NOT NULL,"
    "  async_guid TEXT UNIQUE,"  // origin GUID of a converted Async customer
    "  origin_store TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  display_name TEXT NOT NULL,"
    "  primary_email TEXT NOT NULL,"
    "  primary_phone TEXT NOT NULL,"
    "  company_name TEXT NOT NULL,"
    "  record TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX customers_by_email ON customers (primary_email);"
    "CREATE INDEX customers_by_phone ON customers (primary_phone);"
    "CREATE INDEX customers_by_name ON customers (display_name);"
    "CREATE TABLE async_staging ("
    "  async_guid TEXT PRIMARY KEY NOT NULL,"
    "  store_id TEXT NOT NULL,"
    "  record TEXT NOT NULL,"
    "  staged_at INTEGER NOT NULL);"
    "CREATE TABLE guid_account_map ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  async_guid TEXT NOT NULL UNIQUE,"
    "  account_number TEXT NOT NULL UNIQUE"
    "    REFERENCES customers (account_number),"
    "  mapped_at INTEGER NOT NULL);"
    "CREATE TABLE audit_log ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  account_number TEXT NOT NULL REFERENCES customers (account_number),"
    "  changed_by TEXT NOT NULL,"
    "  changed_at INTEGER NOT NULL,"
    "  field TEXT NOT NULL,"
    "  old_value TEXT NOT NULL,"
    "  new_value TEXT NOT NULL);"
    "CREATE INDEX audit_by_account ON audit_log (account_number, seq);"
    "CREATE TABLE sales ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, " RETAILSIM_SALES_COLUMNS ");"
    "CREATE INDEX sales_by_customer ON sales (customer_ref);",
    // Version 2: address books and change sequence for 1010; case-insensitive
    // name and email search.
    "ALTER TABLE customers ADD COLUMN address_book TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE customers ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;"
    "UPDATE customers SET change_seq = rowid;"
    "CREATE UNIQUE INDEX customers_by_change ON customers (change_seq);"
    "CREATE INDEX customers_by_book_change ON customers (address_book, "
    "  change_seq);"
    "ALTER TABLE async_staging ADD COLUMN address_book TEXT NOT NULL "
    "  DEFAULT '';"
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
    // Version 5: loyalty-card search (a card belongs to one customer),
    // merges (the duplicate points at its survivor) and the review queue of
    // duplicates the async-sync job found.
    RETAILSIM_LOYALTY_CARD_COLUMN
    "CREATE UNIQUE INDEX customers_by_loyalty_card ON customers "
    "  (loyalty_card) WHERE loyalty_card IS NOT NULL;"
    "ALTER TABLE customers ADD COLUMN merged_into TEXT"
    "  REFERENCES customers (account_number);"
    "CREATE TABLE duplicate_review ("
    "  seq INTEGER PRIMARY KEY,"
    "  account_number TEXT NOT NULL REFERENCES customers (account_number),"
    "  candidate TEXT NOT NULL REFERENCES customers (account_number),"
    "  reason TEXT NOT NULL,"
    "  found_at INTEGER NOT NULL,"
    "  UNIQUE (account_number, candidate));",
    // Version 6: the runs that wrote this database, each with the tag its
    // identities carry (GUIDs, transaction ids: unique across runs) and
    // where its rows begin; and the address books a customer belongs to
    // besides its own (a store that found it by "search all stores"
    // receives its changes from then on).
    "CREATE TABLE runs ("
    "  seq INTEGER PRIMARY KEY,"
    "  run_tag TEXT NOT NULL UNIQUE,"
    "  seed TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL,"
    "  customers_before INTEGER NOT NULL,"
    "  sales_before INTEGER NOT NULL);"
    "CREATE TABLE address_book_members ("
    "  address_book TEXT NOT NULL,"
    "  account_number TEXT NOT NULL REFERENCES customers (account_number),"
    "  PRIMARY KEY (address_book, account_number)) WITHOUT ROWID;"
    "CREATE INDEX members_by_account ON address_book_members "
    "  (account_number);",
  };
  return steps;
}

caf::expected<run_start> hq_database::begin_run(uint64_t seed,
                                                 caf::timestamp now) {
  run_start out;
  auto err = db_->write("begin run", [&]() -> caf::error {
    auto& db = *db_;
    std::string previous;
    {
      auto last = db.statement("SELECT seq, run_tag FROM runs ORDER BY seq "
                               "DESC LIMIT 1");
      if (last.executeStep()) {
        out.seq = last.getColumn(0).getInt64();
        previous = last.getColumn(1).getString();
      }
    }
    ++out.seq;
    // FNV-1a over the seed, the run before and this run's number: the same
    // seed from the same database gives the same tag (the same identities),
    // a later run from it another.
    uint64_t h = 1469598103934665603ull;
    for (char c : std::to_string(seed) + ":" + previous + ":"
                    + std::to_string(out.seq)) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    char tag[17];
    snprintf(tag, sizeof(tag), "%08llx",
             static_cast<unsigned long long>(h >> 32));
    out.run_tag = tag;
    out.customers_before = db.handle()
                             .execAndGet("SELECT COALESCE(MAX(rowid), 0) "
                                         "FROM customers")
                             .getInt64();
    out.sales_before = db.handle()
                         .execAndGet("SELECT COALESCE(MAX(seq), 0) FROM sales")
                         .getInt64();
    auto row = db.statement("INSERT INTO runs (seq, run_tag, seed, "
                            "started_at, customers_before, sales_before) "
                            "VALUES (?, ?, ?, ?, ?, ?)");
    row.bind(1, out.seq);
    row.bind(2, out.run_tag);
    row.bind(3, std::to_string(seed));
    row.bind(4, to_db_time(now));
    row.bind(5, out.customers_before);
    row.bind(6, out.sales_before);
    row.exec();
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::unique_ptr<hq_database>>
hq_database::open(const std::string& path, durability mode) {
  auto db = database::open(path, database_kind::hq, migrations(), mode);
  if (!db)
    return db.error();
  std::unique_ptr<hq_database> out{new hq_database(std::move(*db))};
  auto merges = has_merged_customers(*out->db_);
  if (!merges)
    return merges.error();
  out->has_merges_ = *merges;
  return out;
}

caf::error hq_database::recover() {
  auto merges = has_merged_customers(*db_);
  if (!merges)
    return merges.error();
  has_merges_ = *merges;
  return {};
}

namespace {

/// Takes the next account number; must run inside a write transaction.
std::string next_account_number(database& db) {
  auto query = db.statement("SELECT next_value, prefix, width FROM "
                              "number_sequence WHERE name = 'customer_account'");
  if (!query.executeStep())
    throw std::runtime_error("number sequence 'customer_account' missing");
  auto value = query.getColumn(0).getInt64();
  auto prefix = query.getColumn(1).getString();
  auto width = query.getColumn(2).getInt();
  auto bump = db.statement("UPDATE number_sequence SET next_value = ? WHERE "
                             "name = 'customer_account'");
  bump.bind(1, value + 1);
  bump.exec();
  char digits[32];
  snprintf(digits, sizeof(digits), "%0*lld", width,
           static_cast<long long>(value));
  return prefix + digits;
}

/// The customer a sale for `ref` belongs to now: a converted GUID's account
/// number, and, when `follow_merges`, a merged customer's survivor.
std::string current_ref(database& db, std::string ref, bool follow_merges) {
  {
    auto mapped = db.statement("SELECT account_number FROM guid_account_map "
                               "WHERE async_guid = ?");
    mapped.bind(1, ref);
    if (mapped.executeStep())
      ref = mapped.getColumn(0).getString();
  }
  return follow_merges ? survivor_of(db, std::move(ref)) : ref;
}

/// Records a sale; one uploaded after its customer was converted still
/// names the GUID, one sold to a customer since merged names the
/// duplicate: each is linked to the customer it belongs to now on the way
/// in. Must run inside a write transaction. Returns true if the sale was
/// new.
bool insert_sale_relinked(database& db, const sale_transaction& sale,
                          bool follow_merges) {
  return insert_sale_for(db, sale,
                         current_ref(db, sale.customer_ref, follow_merges));
}

// A macro, so that the statements using it stay string literals (found by
// address in the statement cache, not by hashing their text at every HQ
// commit).
#define RETAILSIM_NEXT_CHANGE_SEQ                                              \
  "(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM customers)"

void insert_customer_row(database& db, const customer& c,
                         const std::string& store_id,
                         const std::string& address_book, caf::timestamp now) {
  auto insert = db.statement(
    "INSERT INTO customers (account_number, async_guid, origin_store, "
    RETAILSIM_CUSTOMER_COLUMNS ", created_at, updated_at, address_book, "
    "change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    RETAILSIM_NEXT_CHANGE_SEQ ")");
  insert.bind(1, c.id.account_number);
  if (c.id.async_guid.empty())
    insert.bind(2);  // NULL: UNIQUE allows any number of Sync customers
  else
    insert.bind(2, c.id.async_guid);
  insert.bind(3, store_id);
  bind_customer_columns(insert, 4, c);
  insert.bind(11, to_db_time(now));
  insert.bind(12, to_db_time(now));
  insert.bind(13, address_book);
  insert.exec();
}

/// One row of a customer's change history; values are JSON text, except in
/// the "created" row, whose new value names the store (or import) that
/// created the customer.
void audit(database& db, const std::string& account, const std::string& by,
           caf::timestamp now, const std::string& field,
           const std::string& old_value, const std::string& new_value) {
  auto row = db.statement("INSERT INTO audit_log (account_number, "
                          "changed_by, changed_at, field, old_value, "
                          "new_value) VALUES (?, ?, ?, ?, ?, ?)");
  row.bind(1, account);
  row.bind(2, by);
  row.bind(3, to_db_time(now));
  row.bind(4, field);
  row.bind(5, old_value);
  row.bind(6, new_value);
  row.exec();
}

/// A string as the JSON value the history stores (as diff writes them).
std::string json_text(const std::string& x) {
  return nlohmann::json(x).dump();
}

/// Rewrites customer `before` (same identity) as `after` with the next
/// change sequence and one history row per changed field; nothing when
/// nothing changed. Must run inside a write transaction.
void rewrite_customer(database& db, const customer& before,
                      const customer& after, const std::string& by,
                      caf::timestamp now) {
  auto changes = diff(before, after);
  if (changes.empty())
    return;
  const auto& account = after.id.account_number;
  auto update = db.statement("UPDATE customers SET "
                             RETAILSIM_CUSTOMER_COLUMNS_SET
                             ", updated_at = ?, change_seq = "
                             RETAILSIM_NEXT_CHANGE_SEQ
                             " WHERE account_number = ?");
  bind_customer_columns(update, 1, after);
  update.bind(8, to_db_time(now));
  update.bind(9, account);
  update.exec();
  for (const auto& change : changes)
    audit(db, account, by, now, change.field, change.old_value,
          change.new_value);
}

/// Customer `account` joins `book` (unless it is its own book or it joined
/// before) and takes the next change sequence, so that 1010 brings it to
/// every store of the book. Must run inside a write transaction.
void join_book(database& db, const std::string& account,
               const std::string& book) {
  auto join = db.statement("INSERT OR IGNORE INTO address_book_members "
                           "(address_book, account_number) SELECT ?1, ?2 "
                           "WHERE NOT EXISTS (SELECT 1 FROM customers WHERE "
                           "account_number = ?2 AND address_book = ?1)");
  join.bind(1, book);
  join.bind(2, account);
  if (join.exec() == 0)
    return;
  auto bump = db.statement("UPDATE customers SET change_seq = "
                           RETAILSIM_NEXT_CHANGE_SEQ
                           " WHERE account_number = ?");
  bump.bind(1, account);
  bump.exec();
}

/// A customer row's record and the survivor it was merged into ("" if
/// none).
struct stored_customer {
  customer record;
  std::string merged_into;
};

caf::expected<caf::optional<stored_customer>>
load_customer(database& db, const std::string& account) {
  auto query = db.statement("SELECT record, merged_into FROM customers WHERE "
                            "account_number = ?");
  query.bind(1, account);
  if (!query.executeStep())
    return caf::optional<stored_customer>{};
  auto record = decode_customer(query.getColumn(0).getString(),
                                "customers " + account);
  if (!record)
    return record.error();
  auto merged = query.getColumn(1);
  return caf::optional<stored_customer>{
    stored_customer{std::move(*record),
                    merged.isNull() ? std::string{} : merged.getString()}};
}

/// The customer HQ already had that a converted one may be, and how
/// strong the evidence is.
struct twin {
  std::string account;
  /// Strong enough to merge without a person (docs/store-operations.md):
  /// the same name and the same email, or the same name, phone and
  /// address. Weaker evidence (the same name and phone only: two John
  /// Smiths of one household) is flagged for review.
  bool strong = false;
  std::string reason;
};

bool same_address(const postal_address& x, const postal_address& y) {
  auto same = [](const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](unsigned char p, unsigned char q) {
                        return std::tolower(p) == std::tolower(q);
                      });
  };
  return !x.street.empty() && same(x.street, y.street) && same(x.zip, y.zip)
         && same(x.city, y.city) && x.country == y.country;
}

/// The active customer other than `c` that is most likely the same person:
/// the same display name, and the same primary email (not
/// `ignored_email`) or phone; a strong match first, then the oldest. An
/// empty account if none.
twin same_person_at_hq(database& db, const customer& c,
                       const std::string& ignored_email) {
  auto keys = search_columns_of(c);
  auto lower = [](std::string x) {
    for (auto& ch : x)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return x;
  };
  bool email_counts = !keys.primary_email.empty()
                      && lower(keys.primary_email) != lower(ignored_email);
  if (!email_counts && keys.primary_phone.empty())
    return {};
  // The unary + keeps SQLite off the name index: many customers share a
  // name, few an email or phone.
  auto query = db.statement(
    "SELECT account_number, primary_email, record FROM customers WHERE "
    "(primary_email = ?1 COLLATE NOCASE OR primary_phone = ?2) AND "
    "+display_name = ?3 COLLATE NOCASE AND account_number != ?4 AND status = "
    "'active' AND merged_into IS NULL ORDER BY rowid LIMIT 20");
  if (email_counts)
    query.bind(1, keys.primary_email);
  else
    query.bind(1);
  if (keys.primary_phone.empty())
    query.bind(2);
  else
    query.bind(2, keys.primary_phone);
  query.bind(3, keys.display_name);
  query.bind(4, c.id.account_number);
  twin out;
  while (query.executeStep()) {
    auto account = query.getColumn(0).getString();
    bool same_email = email_counts
                      && lower(query.getColumn(1).getString())
                           == lower(keys.primary_email);
    bool same_place = false;
    if (!same_email && !c.profile.addresses.empty()) {
      auto other = decode_customer(query.getColumn(2).getString(),
                                   "customers " + account);
      if (other)
        for (const auto& a : c.profile.addresses)
          for (const auto& b : other->profile.addresses)
            same_place = same_place || same_address(a, b);
    }
    bool strong = same_email || same_place;
    if (out.account.empty() || (strong && !out.strong)) {
      out.account = std::move(account);
      out.strong = strong;
      out.reason = same_email   ? "same name and email"
                   : same_place ? "same name, phone and address"
                                : "same name and phone only";
    }
    if (out.strong)
      break;
  }
  return out;
}

/// The merge of hq_database::merge inside the caller's write transaction.
caf::expected<customer> merge_rows(database& db, const std::string& survivor,
                                   const std::string& duplicate,
                                   const std::string& by, caf::timestamp now,
                                   const hq_feature_flags& flags) {
  auto refuse = [](const std::string& why) {
    return make_error(ec::value_out_of_range, "merge", why);
  };
  if (survivor == duplicate)
    return refuse("'" + survivor + "' cannot be merged into itself");
  auto keep = load_customer(db, survivor);
  if (!keep)
    return keep.error();
  auto drop = load_customer(db, duplicate);
  if (!drop)
    return drop.error();
  for (const auto& [row, account] :
       {std::pair{&*keep, &survivor}, std::pair{&*drop, &duplicate}}) {
    if (!*row)
      return make_error(ec::not_found, "account_number",
                        "no customer '" + *account + "' at HQ");
    if (!(*row)->merged_into.empty())
      return make_error(ec::customer_merged, "account_number",
                        "'" + *account + "' was merged into '"
                          + (*row)->merged_into + "' already");
  }
  const auto& before = (*keep)->record;
  const auto& gone = (*drop)->record;
  if (before.status != customer_status::active)
    return refuse("the survivor '" + survivor + "' is inactive");
  auto merged = merge_customers(before, gone, flags);
  auto retired = gone;
  retired.status = customer_status::inactive;
  retired.loyalty = caf::none;  // the card moves to the survivor
  // Channels learn of the merge from the record 1010 brings them.
  retired.merged_into = survivor;
  // The duplicate's history and sales move to the survivor; then each gets
  // the rows of this merge. The duplicate is rewritten first: its loyalty
  // card must leave before the survivor takes it (one card, one customer).
  auto move = db.statement("UPDATE audit_log SET account_number = ? WHERE "
                           "account_number = ?");
  move.bind(1, survivor);
  move.bind(2, duplicate);
  move.exec();
  relink_sales(db, duplicate, survivor);
  rewrite_customer(db, gone, retired, by, now);
  auto point = db.statement("UPDATE customers SET merged_into = ? WHERE "
                            "account_number = ?");
  point.bind(1, survivor);
  point.bind(2, duplicate);
  point.exec();
  rewrite_customer(db, before, merged, by, now);
  // The duplicate's stores know the person: the survivor joins its books,
  // so that they hold the customer its sales now belong to.
  std::vector<std::string> books;
  {
    auto query = db.statement("SELECT address_book FROM customers WHERE "
                              "account_number = ?1 UNION SELECT address_book "
                              "FROM address_book_members WHERE "
                              "account_number = ?1");
    query.bind(1, duplicate);
    while (query.executeStep())
      books.push_back(query.getColumn(0).getString());
  }
  for (const auto& book : books)
    join_book(db, survivor, book);
  audit(db, survivor, by, now, "merged_from", "", json_text(duplicate));
  return merged;
}

/// One Sync creation inside the caller's transaction (create_customer).
customer create_in_transaction(database& db, customer record,
                               const std::string& store_id,
                               const std::string& address_book,
                               const std::string& created_by,
                               caf::timestamp now) {
  const auto& guid = record.id.async_guid;
  if (!guid.empty()) {
    auto mapped = db.statement("SELECT c.record FROM guid_account_map m "
                               "JOIN customers c USING (account_number) "
                               "WHERE m.async_guid = ?");
    mapped.bind(1, guid);
    if (mapped.executeStep()) {
      auto existing = decode_customer(mapped.getColumn(0).getString(),
                                      "customers " + guid);
      if (!existing)
        throw refusal{existing.error()};
      return std::move(*existing);
    }
  }
  record.id.account_number = next_account_number(db);
  insert_customer_row(db, record, store_id, address_book, now);
  if (!guid.empty()) {
    auto map = db.statement("INSERT INTO guid_account_map (async_guid, "
                            "account_number, mapped_at) VALUES (?, ?, ?)");
    map.bind(1, guid);
    map.bind(2, record.id.account_number);
    map.bind(3, to_db_time(now));
    map.exec();
  }
  audit(db, record.id.account_number, created_by, now, "created", "",
        store_id);
  return record;
}

} // namespace

caf::expected<customer> hq_database::create_customer(customer record,
                                                     const std::string& store_id,
                                                     const std::string& address_book,
                                                     const std::string& created_by,
                                                     caf::timestamp now) {
  auto err = db_->write("create customer", [&]() -> caf::error {
    record = create_in_transaction(*db_, std::move(record), store_id,
                                   address_book, created_by, now);
    return {};
  });
  if (err)
    return err;
  return record;
}

std::vector<caf::expected<customer>>
hq_database::create_customers(const std::vector<hq_create_request>& batch,
                              caf::timestamp now) {
  std::vector<caf::expected<customer>> out(batch.size(), customer{});
  auto errors = db_->write_each(
    "create customers", batch.size(), [&](size_t i) -> caf::error {
      const auto& req = batch[i];
      out[i] = create_in_transaction(*db_, req.record, req.store_id,
                                     req.address_book, req.cashier, now);
      return {};
    });
  for (size_t i = 0; i < batch.size(); ++i)
    if (errors[i])
      out[i] = std::move(errors[i]);
  return out;
}

caf::expected<imported_accounts>
hq_database::import_customers(const import_source& source,
                              const std::string& origin,
                              const std::string& imported_by,
                              caf::timestamp now) {
  imported_accounts out;
  auto err = db_->write("import customers", [&]() -> caf::error {
    auto& db = *db_;
    return source([&](const staged_customer& item) -> caf::error {
      auto record = item.record;
      if (!record.id.account_number.empty() || !record.id.async_guid.empty())
        return make_error(ec::uniqueness_violation, "account_number",
                          "an imported customer gets its account number "
                          "from HQ; "
                            + quote_input(display_name(record))
                            + " already has an id");
      record.id.account_number = next_account_number(db);
      insert_customer_row(db, record, item.store_id, item.address_book, now);
      audit(db, record.id.account_number, imported_by, now, "created", "",
            origin);
      if (out.count++ == 0)
        out.first = record.id.account_number;
      out.last = std::move(record.id.account_number);
      return {};
    });
  });
  if (err)
    return err;
  return out;
}

caf::expected<size_t> hq_database::stage(const std::vector<staged_customer>& batch,
                                         caf::timestamp now,
                                         const std::vector<sale_transaction>& sales) {
  return std::move(stage_uploads({{batch, sales}}, now)[0]);
}

std::vector<caf::expected<size_t>>
hq_database::stage_uploads(const std::vector<pjob_upload>& uploads,
                           caf::timestamp now) {
  std::vector<caf::expected<size_t>> out(uploads.size(), size_t{0});
  auto errors = db_->write_each(
    "stage async customers", uploads.size(), [&](size_t i) -> caf::error {
      auto& db = *db_;
      size_t added = 0;
      for (const auto& sale : uploads[i].sales)
        insert_sale_relinked(db, sale, has_merges_);
      // A GUID that was converted already is not staged again: a P-job
      // that reruns after the async-sync job must not resurrect it. A GUID
      // staged already gets the newer record (an allowed edit while
      // pending).
      auto converted = db.statement("SELECT 1 FROM guid_account_map WHERE "
                                    "async_guid = ?");
      auto staged = db.statement("SELECT 1 FROM async_staging WHERE "
                                 "async_guid = ?");
      auto upsert = db.statement("INSERT INTO async_staging (async_guid, "
                                 "store_id, record, staged_at, address_book) "
                                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT "
                                 "(async_guid) DO UPDATE SET record = "
                                 "excluded.record");
      for (const auto& item : uploads[i].customers) {
        const auto& guid = item.record.id.async_guid;
        if (!is_pending(item.record.id))
          return make_error(ec::invalid_guid, "async_guid",
                            "staged customer '" + display_name(item.record)
                              + "' has no GUID or already an account number");
        converted.reset();
        converted.bind(1, guid);
        if (converted.executeStep())
          continue;
        staged.reset();
        staged.bind(1, guid);
        bool is_new = !staged.executeStep();
        upsert.reset();
        upsert.bind(1, guid);
        upsert.bind(2, item.store_id);
        upsert.bind(3, encode(item.record));
        upsert.bind(4, to_db_time(now));
        upsert.bind(5, item.address_book);
        upsert.exec();
        added += is_new ? 1 : 0;
      }
      out[i] = added;
      return {};
    });
  for (size_t i = 0; i < uploads.size(); ++i)
    if (errors[i])
      out[i] = std::move(errors[i]);
  return out;
}

caf::expected<conversion>
hq_database::convert_staged(size_t max_count, caf::timestamp now,
                            const duplicate_check& check) {
  // Read the work list first; each conversion is its own transaction so a
  // crash loses at most the one in flight, and that one rolls back whole.
  struct item {
    std::string guid;
    std::string store;
    std::string book;
  };
  std::vector<item> work;
  auto err = db_->read("list staged customers", [&]() -> caf::error {
    auto query = db_->statement("SELECT async_guid, store_id, address_book "
                                "FROM async_staging ORDER BY staged_at, "
                                "async_guid LIMIT ?");
    query.bind(1, static_cast<int64_t>(max_count));
    while (query.executeStep())
      work.push_back({query.getColumn(0).getString(),
                      query.getColumn(1).getString(),
                      query.getColumn(2).getString()});
    return {};
  });
  if (err)
    return err;
  conversion out;
  bool merges = false;
  for (const auto& staged : work) {
    // Named, not bound: clang (the fuzz build) cannot capture bindings.
    const auto& guid = staged.guid;
    const auto& store = staged.store;
    const auto& book = staged.book;
    guid_mapping mapping;
    auto step = db_->write("convert async customer", [&]() -> caf::error {
      auto& db = *db_;
      auto query = db.statement("SELECT record FROM async_staging WHERE "
                                  "async_guid = ?");
      query.bind(1, guid);
      if (!query.executeStep())
        return {};  // converted by a concurrent run meanwhile
      auto record = decode_customer(query.getColumn(0).getString(),
                                    "async_staging " + guid);
      if (!record)
        return record.error();
      auto drop = db.statement("DELETE FROM async_staging WHERE "
                                 "async_guid = ?");
      drop.bind(1, guid);
      drop.exec();
      auto mapped = db.statement("SELECT 1 FROM guid_account_map WHERE "
                                   "async_guid = ?");
      mapped.bind(1, guid);
      if (mapped.executeStep())
        return {};  // already converted: staging row was a leftover
      record->id.account_number = next_account_number(db);
      insert_customer_row(db, *record, store, book, now);
      auto map = db.statement("INSERT INTO guid_account_map (async_guid, "
                                "account_number, mapped_at) VALUES (?, ?, ?)");
      map.bind(1, guid);
      map.bind(2, record->id.account_number);
      map.bind(3, to_db_time(now));
      map.exec();
      mapping = guid_mapping{db.handle().getLastInsertRowid(), guid,
                             record->id.account_number};
      relink_sales(db, guid, record->id.account_number);
      audit(db, record->id.account_number, "async-sync job", now, "created",
            "", store);
      auto twin = same_person_at_hq(db, *record, check.ignored_email);
      if (twin.account.empty())
        return {};
      // Merging needs strong evidence; anything weaker waits for a person.
      if (check.policy == duplicate_policy::merge && twin.strong) {
        auto merged = merge_rows(db, twin.account, record->id.account_number,
                                 "async-sync job", now, check.flags);
        if (!merged)
          return merged.error();
        merges = true;
        return {};
      }
      auto flag = db.statement("INSERT OR IGNORE INTO duplicate_review "
                               "(account_number, candidate, reason, "
                               "found_at) VALUES (?, ?, ?, ?)");
      flag.bind(1, record->id.account_number);
      flag.bind(2, twin.account);
      flag.bind(3, twin.reason);
      flag.bind(4, to_db_time(now));
      flag.exec();
      return {};
    });
    has_merges_ = has_merges_ || merges;
    if (step)
      out.failed.push_back(std::move(step));
    else if (!mapping.async_guid.empty())
      out.mapped.push_back(std::move(mapping));
  }
  return out;
}

caf::expected<std::vector<guid_mapping>>
hq_database::mappings_after(int64_t after_seq) {
  std::vector<guid_mapping> out;
  auto err = db_->read("read guid map", [&]() -> caf::error {
    auto query = db_->statement("SELECT seq, async_guid, account_number FROM "
                            "guid_account_map WHERE seq > ? ORDER BY seq");
    query.bind(1, after_seq);
    while (query.executeStep())
      out.push_back({query.getColumn(0).getInt64(),
                     query.getColumn(1).getString(),
                     query.getColumn(2).getString()});
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<dist_batch>
hq_database::distribution_after(const std::string& address_book,
                                int64_t after_seq, size_t limit) {
  dist_batch out;
  out.last_seq = after_seq;
  auto err = db_->read("read distribution", [&]() -> caf::error {
    auto query = db_->statement(
      "SELECT change_seq, record FROM customers WHERE address_book = ?1 AND "
      "change_seq > ?2 UNION ALL SELECT c.change_seq, c.record FROM "
      "address_book_members m JOIN customers c USING (account_number) WHERE "
      "m.address_book = ?1 AND c.change_seq > ?2 AND c.address_book != ?1 "
      "ORDER BY 1 LIMIT ?3");
    query.bind(1, address_book);
    query.bind(2, after_seq);
    query.bind(3, static_cast<int64_t>(limit));
    while (query.executeStep()) {
      out.last_seq = query.getColumn(0).getInt64();
      auto record = decode_customer(query.getColumn(1).getString(),
                                    "customers change "
                                      + std::to_string(out.last_seq));
      if (!record)
        return record.error();
      out.customers.push_back(std::move(*record));
    }
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::vector<customer>>
hq_database::search(const search_query& query, const std::string& region,
                    size_t limit) {
  return search_customers(*db_, "customers", query, region, limit);
}

caf::expected<customer>
hq_database::join_address_book(const std::string& account,
                               const std::string& address_book) {
  customer out;
  auto err = db_->write("join address book", [&]() -> caf::error {
    auto stored = load_customer(*db_, account);
    if (!stored)
      return stored.error();
    if (!*stored)
      return make_error(ec::not_found, "account_number",
                        "no customer '" + account + "' at HQ");
    join_book(*db_, account, address_book);
    out = std::move((*stored)->record);
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<caf::optional<customer>>
hq_database::find(const std::string& account_number) {
  return find_customer(*db_, "account_number", account_number);
}

caf::expected<caf::optional<customer>>
hq_database::find_by_guid(const std::string& guid) {
  return find_customer(*db_, "async_guid", guid);
}

caf::expected<size_t> hq_database::customer_count() {
  return count_rows(*db_, "SELECT COUNT(*) FROM customers");
}

caf::expected<size_t> hq_database::staged_count() {
  return count_rows(*db_, "SELECT COUNT(*) FROM async_staging");
}

caf::error hq_database::update_customer(const customer& record,
                                        const std::string& changed_by,
                                        caf::timestamp now) {
  const auto& account = record.id.account_number;
  return db_->write("update customer", [&]() -> caf::error {
    auto& db = *db_;
    auto stored = load_customer(db, account);
    if (!stored)
      return stored.error();
    if (!*stored)
      return make_error(ec::not_found, "account_number",
                        "no customer '" + account + "' at HQ");
    const auto& before = (*stored)->record;
    if (!(before.id == record.id))
      return make_error(ec::uniqueness_violation, "async_guid",
                        "an edit cannot change the identity of '" + account
                          + "'");
    if (!(*stored)->merged_into.empty())
      return make_error(ec::customer_merged, "account_number",
                        "'" + account + "' was merged into '"
                          + (*stored)->merged_into + "'; edit that one");
    rewrite_customer(db, before, record, changed_by, now);
    return {};
  });
}

caf::expected<customer> hq_database::merge(const std::string& survivor,
                                          const std::string& duplicate,
                                          const std::string& merged_by,
                                          caf::timestamp now,
                                          const hq_feature_flags& flags,
                                          const std::string& address_book) {
  customer out;
  auto err = db_->write("merge customers", [&]() -> caf::error {
    auto merged = merge_rows(*db_, survivor, duplicate, merged_by, now,
                             flags);
    if (!merged)
      return merged.error();
    if (!address_book.empty())
      join_book(*db_, survivor, address_book);
    out = std::move(*merged);
    return {};
  });
  if (err)
    return err;
  has_merges_ = true;
  return out;
}

caf::expected<std::vector<customer>>
hq_database::duplicates_of(const std::string& account_number, size_t limit) {
  auto self = find(account_number);
  if (!self)
    return self.error();
  if (!*self)
    return make_error(ec::not_found, "account_number",
                      "no customer '" + account_number + "' at HQ");
  // One more than asked for: the customer finds itself.
  auto found = similar_customers(*db_, "customers", search_columns_of(**self),
                                 limit + 1);
  if (!found)
    return found.error();
  std::vector<customer> out;
  for (auto& c : *found)
    if (c.id.account_number != account_number
        && c.status == customer_status::active && out.size() < limit)
      out.push_back(std::move(c));
  return out;
}

caf::expected<std::vector<duplicate_pair>>
hq_database::review_queue(size_t limit) {
  std::vector<duplicate_pair> out;
  auto err = db_->read("read duplicate review", [&]() -> caf::error {
    auto query = db_->statement(
      "SELECT r.account_number, r.candidate, r.reason, r.found_at FROM "
      "duplicate_review r JOIN customers a ON a.account_number = "
      "r.account_number JOIN customers b ON b.account_number = r.candidate "
      "WHERE a.merged_into IS NULL AND b.merged_into IS NULL ORDER BY r.seq "
      "LIMIT ?");
    query.bind(1, static_cast<int64_t>(limit));
    while (query.executeStep())
      out.push_back({query.getColumn(0).getString(),
                     query.getColumn(1).getString(),
                     query.getColumn(2).getString(),
                     from_db_time(query.getColumn(3).getInt64())});
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::vector<change_record>>
hq_database::history(const std::string& account_number) {
  std::vector<change_record> out;
  auto err = db_->read("read history", [&]() -> caf::error {
    auto query = db_->statement("SELECT changed_by, changed_at, field, old_value, "
                            "new_value FROM audit_log WHERE account_number = ? "
                            "ORDER BY seq");
    query.bind(1, account_number);
    while (query.executeStep())
      out.push_back({account_number, query.getColumn(0).getString(),
                     from_db_time(query.getColumn(1).getInt64()),
                     query.getColumn(2).getString(),
                     query.getColumn(3).getString(),
                     query.getColumn(4).getString()});
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<bool> hq_database::record_sale(const sale_transaction& sale) {
  bool added = false;
  auto err = db_->write("record sale", [&]() -> caf::error {
    added = insert_sale_relinked(*db_, sale, has_merges_);
    return {};
  });
  if (err)
    return err;
  return added;
}

caf::expected<std::string>
hq_database::account_for_guid(const std::string& async_guid) {
  std::string out;
  auto err = db_->read("read guid map", [&]() -> caf::error {
    auto query = db_->statement("SELECT account_number FROM "
                                           "guid_account_map WHERE "
                                           "async_guid = ?");
    query.bind(1, async_guid);
    if (query.executeStep())
      out = query.getColumn(0).getString();
    return {};
  });
  if (err)
    return err;
  return out;
}

caf::expected<std::vector<sale_transaction>>
hq_database::sales_for(const std::string& customer_ref) {
  return storage::sales_for(*db_, customer_ref);
}

} // namespace retailsim::storage
