#include "reports/invariants.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "model/error.hpp"
#include "model/identity.hpp"
#include "model/rules.hpp"

namespace retailsim {

namespace {

/// FNV-1a, fed field by field; each field ends with a separator so that
/// ("ab", "c") and ("a", "bc") differ.
struct digest {
  uint64_t h = 1469598103934665603ull;

  void add(std::string_view text) {
    for (unsigned char c : text)
      step(c);
    step(0xff);
  }

  void add(int64_t x) {
    for (int i = 0; i < 8; ++i)
      step(static_cast<unsigned char>(static_cast<uint64_t>(x) >> (8 * i)));
  }

  void step(unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  }
};

uint64_t hash_of(std::string_view text) {
  digest d;
  d.add(text);
  return d.h;
}

std::string text(SQLite::Statement& row, int column) {
  auto c = row.getColumn(column);
  return c.isNull() ? std::string{} : c.getString();
}

/// One broken promise: how many, and the first example.
struct finding {
  uint64_t count = 0;
  std::string example;

  void add(const std::string& what) {
    if (count++ == 0)
      example = what;
  }

  void report(std::vector<std::string>& failures,
              const std::string& what) const {
    if (count > 0)
      failures.push_back(std::to_string(count) + " " + what + " (e.g. "
                         + example + ")");
  }
};

struct hq_customer {
  int64_t rowid = 0;
  std::string guid;
  std::string merged_into;
  uint64_t record_hash = 0;
  /// Its own address book and the books it joined.
  std::vector<std::string> books;
};

struct hq_sale {
  std::string transaction_id;
  std::string store_id;
  std::string customer_ref;
  bool this_run = false;
};

std::string where(const acknowledged_creation& a) {
  return terminal_id(a.store, a.terminal) + " as " + to_string(a.mode);
}

/// The run tag in a transaction id (TERMINAL-TAG-N).
std::string_view tag_of(std::string_view transaction_id) {
  auto last = transaction_id.rfind('-');
  if (last == std::string_view::npos || last == 0)
    return {};
  auto before = transaction_id.rfind('-', last - 1);
  if (before == std::string_view::npos)
    return {};
  return transaction_id.substr(before + 1, last - before - 1);
}

} // namespace

uint64_t run_fingerprint(uint64_t trace_hash, uint64_t content_digest) {
  digest d;
  d.add(static_cast<int64_t>(trace_hash));
  d.add(static_cast<int64_t>(content_digest));
  return d.h;
}

caf::expected<invariant_report> check_invariants(const run_config& cfg,
                                                 const run_outcome& outcome,
                                                 const run_results& results) {
  invariant_report out;
  auto& failures = out.failures;
  namespace fs = std::filesystem;
  auto hq_path = (fs::path{cfg.output_dir} / "hq.db").string();
  std::string current_path = hq_path;
  digest content;
  // -- what the terminals acknowledged -----------------------------------------
  std::map<std::pair<uint64_t, uint64_t>, const acknowledged_creation*>
    acked;
  finding acked_twice;
  if (results.journal.empty())
    return make_error(ec::storage_failure, "journal",
                      "the run kept no journal of acknowledgements");
  auto journal = read_journal(results.journal);
  if (!journal)
    return journal.error();
  out.acknowledged_creations = journal->creations.size();
  out.acknowledged_sales = journal->sales.size();
  for (const auto& a : journal->creations) {
    auto [pos, added] = acked.emplace(std::pair{a.guid.high, a.guid.low}, &a);
    if (!added)
      acked_twice.add(guid_of_words(a.guid) + ", at " + where(a) + " and at "
                      + where(*pos->second));
  }
  std::set<std::pair<uint64_t, uint64_t>> in_doubt;
  for (auto g : journal->in_doubt)
    in_doubt.emplace(g.high, g.low);
  // A sale acknowledged twice is one sale (its transaction id), told twice:
  // a retry. A second sale under one id is refused where it is written.
  std::unordered_map<uint64_t, uint32_t> acked_sales;
  for (const auto& s : journal->sales)
    acked_sales.emplace(s.key, s.store);
  try {
    SQLite::Database hq{hq_path, SQLite::OPEN_READONLY};
    // -- HQ's customers ----------------------------------------------------------
    std::unordered_map<std::string, hq_customer> customers;
    {
      SQLite::Statement rows{hq, "SELECT rowid, account_number, async_guid, "
                                 "merged_into, address_book, record FROM "
                                 "customers ORDER BY account_number"};
      while (rows.executeStep()) {
        hq_customer c;
        c.rowid = rows.getColumn(0).getInt64();
        auto account = text(rows, 1);
        c.guid = text(rows, 2);
        c.merged_into = text(rows, 3);
        c.books.push_back(text(rows, 4));
        auto record = text(rows, 5);
        c.record_hash = hash_of(record);
        content.add(account);
        content.add(c.guid);
        content.add(c.merged_into);
        content.add(c.books.front());
        content.add(record);
        customers.emplace(std::move(account), std::move(c));
      }
    }
    out.hq_customers = customers.size();
    // What HQ made of one person created twice: customers of this run
    // merged into another, and pairs flagged for review that involve one.
    for (const auto& [account, c] : customers)
      if (c.rowid > outcome.run.customers_before && !c.merged_into.empty())
        ++out.customers_merged;
    {
      SQLite::Statement rows{hq, "SELECT COUNT(*) FROM duplicate_review r "
                                 "JOIN customers c ON c.account_number = "
                                 "r.account_number WHERE c.rowid > ?"};
      rows.bind(1, outcome.run.customers_before);
      if (rows.executeStep())
        out.duplicates_flagged
          = static_cast<uint64_t>(rows.getColumn(0).getInt64());
    }
    {
      SQLite::Statement rows{hq, "SELECT address_book, account_number FROM "
                                 "address_book_members ORDER BY "
                                 "address_book, account_number"};
      while (rows.executeStep()) {
        auto book = text(rows, 0);
        auto account = text(rows, 1);
        content.add(book);
        content.add(account);
        auto i = customers.find(account);
        if (i != customers.end())
          i->second.books.push_back(std::move(book));
      }
    }
    finding not_at_hq;
    finding never_acknowledged;
    uint64_t base = 0;
    std::unordered_map<std::string, const std::string*> by_guid;
    for (const auto& [account, c] : customers) {
      if (!c.guid.empty())
        by_guid.emplace(c.guid, &account);
      if (c.rowid <= outcome.run.customers_before) {
        ++base;
        continue;
      }
      auto words = words_of_guid(c.guid);
      if (acked.count({words.high, words.low}) > 0)
        continue;
      if (in_doubt.count({words.high, words.low}) > 0)
        ++out.committed_in_doubt;
      else
        never_acknowledged.add(account + " (GUID '" + c.guid + "')");
    }
    for (const auto& [words, a] : acked)
      if (by_guid.count(guid_of_words({words.first, words.second})) == 0)
        not_at_hq.add("GUID " + guid_of_words({words.first, words.second})
                      + ", acknowledged at " + where(*a));
    out.lost_customers = not_at_hq.count;
    out.duplicated_customers = never_acknowledged.count + acked_twice.count;
    acked_twice.report(failures, "creations were acknowledged twice");
    not_at_hq.report(failures, "acknowledged creations are not at HQ");
    never_acknowledged.report(failures, "customers at HQ were never "
                                        "acknowledged to a terminal");
    if (base != outcome.customers_at_start)
      failures.push_back("the existing base had "
                         + std::to_string(outcome.customers_at_start)
                         + " customers and HQ holds " + std::to_string(base)
                         + " of them");
    // -- the GUID map: each GUID at HQ mapped to its own customer ------------
    {
      finding unmapped;
      std::unordered_map<std::string, std::string> map;
      SQLite::Statement rows{hq, "SELECT async_guid, account_number FROM "
                                 "guid_account_map ORDER BY seq"};
      while (rows.executeStep()) {
        auto guid = text(rows, 0);
        auto account = text(rows, 1);
        content.add(guid);
        content.add(account);
        map.emplace(std::move(guid), std::move(account));
      }
      out.hq_mapped_guids = map.size();
      for (const auto& [guid, account] : by_guid) {
        auto i = map.find(guid);
        if (i == map.end() || i->second != *account)
          unmapped.add(*account + " (GUID '" + guid + "')");
      }
      for (const auto& [guid, account] : map) {
        auto i = customers.find(account);
        if (i == customers.end() || i->second.guid != guid)
          unmapped.add("map row '" + guid + "' -> " + account);
      }
      unmapped.report(failures, "GUIDs at HQ are not mapped to their own "
                                "customer");
    }
    out.hq_staged_left = static_cast<uint64_t>(
      hq.execAndGet("SELECT COUNT(*) FROM async_staging").getInt64());
    {
      SQLite::Statement rows{hq, "SELECT account_number, changed_by, field, "
                                 "new_value FROM audit_log ORDER BY seq"};
      while (rows.executeStep())
        for (int i = 0; i < 4; ++i)
          content.add(text(rows, i));
    }
    // -- HQ's sales ----------------------------------------------------------------
    // The customer a reference stands for now: a current account (one
    // that exists and was not merged away) names itself.
    auto current = [&](const std::string& ref) {
      auto i = customers.find(ref);
      return i != customers.end() && i->second.merged_into.empty();
    };
    std::set<std::string, std::less<>> earlier_runs;
    {
      SQLite::Statement rows{hq, "SELECT run_tag FROM runs"};
      while (rows.executeStep())
        if (text(rows, 0) != outcome.run.run_tag)
          earlier_runs.insert(text(rows, 0));
    }
    auto of_earlier_run = [&](std::string_view transaction_id) {
      return earlier_runs.count(tag_of(transaction_id)) > 0;
    };
    std::unordered_map<uint64_t, hq_sale> hq_sales;
    finding sale_not_current;
    finding sale_never_acked_hq;
    {
      SQLite::Statement rows{hq, "SELECT seq, transaction_id, store_id, "
                                 "customer_ref FROM sales ORDER BY seq"};
      while (rows.executeStep()) {
        hq_sale s;
        s.transaction_id = text(rows, 1);
        // Rows before this run, and sales of an earlier run (one this run
        // resumed: its stores had them, nobody may have been told), are
        // not this run's.
        s.this_run = rows.getColumn(0).getInt64() > outcome.run.sales_before
                     && !of_earlier_run(s.transaction_id);
        s.store_id = text(rows, 2);
        s.customer_ref = text(rows, 3);
        content.add(s.transaction_id);
        content.add(s.store_id);
        content.add(s.customer_ref);
        if (!current(s.customer_ref))
          sale_not_current.add(s.transaction_id + " on '" + s.customer_ref
                               + "'");
        auto key = event_key(s.transaction_id);
        if (s.this_run && acked_sales.count(key) == 0)
          sale_never_acked_hq.add(s.transaction_id);
        hq_sales.emplace(key, std::move(s));
      }
    }
    finding sale_not_at_hq;
    for (const auto& [key, store] : acked_sales) {
      if (hq_sales.count(key) == 0)
        sale_not_at_hq.add("a sale acknowledged at " + store_id(store));
    }
    out.lost_sales = sale_not_at_hq.count;
    out.duplicated_sales = sale_never_acked_hq.count;
    sale_not_at_hq.report(failures, "acknowledged sales are not at HQ");
    sale_never_acked_hq.report(failures, "sales at HQ were never "
                                         "acknowledged to a terminal");
    sale_not_current.report(failures, "sales at HQ are not on their "
                                      "customer's current account");
    // -- every store -------------------------------------------------------------------
    std::unordered_map<std::string, std::vector<const std::string*>>
      accounts_of_book;
    for (const auto& [account, c] : customers)
      for (const auto& book : c.books)
        accounts_of_book[book].push_back(&account);
    finding copy_differs;
    finding missing_at_store;
    finding store_sale_elsewhere;
    finding store_sale_not_at_store;
    finding store_sale_never_acked;
    std::unordered_set<uint64_t> sales_at_stores;
    for (size_t s = 0; s < store_count(cfg); ++s) {
      auto id = store_id(s);
      current_path
        = (fs::path{cfg.output_dir} / "stores" / (id + ".db")).string();
      SQLite::Database ch{current_path, SQLite::OPEN_READONLY};
      std::unordered_set<std::string> held;
      {
        SQLite::Statement rows{ch, "SELECT account_number, async_guid, record "
                                   "FROM customers ORDER BY id"};
        while (rows.executeStep()) {
          auto account = text(rows, 0);
          auto record = text(rows, 2);
          content.add(account);
          content.add(text(rows, 1));
          content.add(record);
          if (account.empty()) {
            ++out.channel_pending_left;
            continue;
          }
          ++out.channel_copies;
          auto i = customers.find(account);
          if (i == customers.end())
            copy_differs.add(account + " at " + id + " is not at HQ");
          else if (i->second.record_hash != hash_of(record))
            copy_differs.add(account + " at " + id);
          held.insert(std::move(account));
        }
      }
      {
        SQLite::Statement rows{ch, "SELECT transaction_id, customer_ref FROM "
                                   "sales ORDER BY seq"};
        while (rows.executeStep()) {
          auto transaction = text(rows, 0);
          auto ref = text(rows, 1);
          content.add(transaction);
          content.add(ref);
          ++out.sales_checked;
          auto key = event_key(transaction);
          sales_at_stores.insert(key);
          auto acked_at = acked_sales.find(key);
          if (acked_at == acked_sales.end()) {
            if (!of_earlier_run(transaction))
              store_sale_never_acked.add(transaction + " at " + id);
          } else if (acked_at->second != s)
            store_sale_not_at_store.add(transaction + " at " + id);
          auto at_hq = hq_sales.find(key);
          if (at_hq != hq_sales.end()
              && at_hq->second.customer_ref != ref)
            store_sale_elsewhere.add(transaction + " at " + id + " on '"
                                     + ref + "', at HQ on '"
                                     + at_hq->second.customer_ref + "'");
        }
      }
      // Every customer of this store's address book (its own or one it
      // joined) is here.
      auto book = accounts_of_book.find(address_book_of(cfg, s));
      if (book != accounts_of_book.end())
        for (const auto* account : book->second)
          if (held.count(*account) == 0)
            missing_at_store.add(*account + " at " + id);
    }
    current_path = hq_path;
    for (const auto& [key, store] : acked_sales)
      if (sales_at_stores.count(key) == 0)
        store_sale_not_at_store.add("a sale acknowledged at "
                                    + store_id(store));
    store_sale_never_acked.report(failures, "sales at stores were never "
                                            "acknowledged to a terminal");
    store_sale_not_at_store.report(failures, "acknowledged sales are not at "
                                             "their store");
    store_sale_elsewhere.report(failures, "sales at stores are on another "
                                          "customer than at HQ");
    missing_at_store.report(failures, "customers of an address book are "
                                      "missing at a store of the book");
    copy_differs.report(failures, "channel copies differ from HQ's record");
  } catch (const SQLite::Exception& e) {
    return make_error(ec::storage_failure, current_path,
                      std::string{"cannot check the run's databases: "}
                        + e.what());
  }
  out.offline_left = outcome.offline_left;
  out.content_digest = content.h;
  if (!outcome.closed)
    failures.push_back("closing did not complete (terminals or jobs did not "
                       "answer)");
  if (out.hq_staged_left > 0)
    failures.push_back(std::to_string(out.hq_staged_left)
                       + " customers still staged at HQ");
  if (out.channel_pending_left > 0)
    failures.push_back(std::to_string(out.channel_pending_left)
                       + " customers still pending in channels");
  if (out.offline_left > 0)
    failures.push_back(std::to_string(out.offline_left)
                       + " offline customers not uploaded");
  return out;
}

caf::expected<std::vector<left_pending>> pending_in(const run_config& cfg) {
  namespace fs = std::filesystem;
  std::vector<left_pending> out;
  std::set<std::pair<uint64_t, uint64_t>> seen;
  auto add = [&](uint32_t store, const std::string& guid) {
    if (!is_valid_guid(guid))
      return;
    auto words = words_of_guid(guid);
    if (seen.emplace(words.high, words.low).second)
      out.push_back({store, words});
  };
  std::map<std::string, uint32_t> store_index;
  for (size_t s = 0; s < store_count(cfg); ++s)
    store_index.emplace(store_id(s), static_cast<uint32_t>(s));
  std::string path;
  // Reads `sql`'s GUIDs (and store ids, from a second column) in `file`.
  auto read = [&](const fs::path& file, const char* sql, uint32_t store) {
    path = file.string();
    std::error_code ignored;
    if (!fs::exists(file, ignored))
      return;  // a terminal that never went offline made no database
    SQLite::Database db{path, SQLite::OPEN_READONLY};
    // Killed between creating the file and committing its schema: it
    // holds nothing (the run reopening it writes the schema).
    if (db.execAndGet("PRAGMA user_version").getInt() == 0)
      return;
    SQLite::Statement rows{db, sql};
    while (rows.executeStep()) {
      auto where = store;
      if (rows.getColumnCount() > 1) {
        auto i = store_index.find(text(rows, 1));
        if (i == store_index.end())
          continue;
        where = i->second;
      }
      add(where, text(rows, 0));
    }
  };
  try {
    read(fs::path{cfg.output_dir} / "hq.db",
         "SELECT async_guid, store_id FROM async_staging", 0);
    for (size_t s = 0; s < store_count(cfg); ++s) {
      auto store = static_cast<uint32_t>(s);
      read(fs::path{cfg.output_dir} / "stores" / (store_id(s) + ".db"),
           "SELECT async_guid FROM customers WHERE account_number IS NULL",
           store);
      for (size_t t = 0; t < terminals_of(cfg, s); ++t)
        read(fs::path{cfg.output_dir} / "terminals"
               / (terminal_id(s, t) + ".db"),
             "SELECT async_guid FROM offline_customers WHERE uploaded = 0",
             store);
    }
  } catch (const SQLite::Exception& e) {
    return make_error(ec::storage_failure, path,
                      std::string{"cannot read what the run left: "}
                        + e.what());
  }
  return out;
}

} // namespace retailsim
