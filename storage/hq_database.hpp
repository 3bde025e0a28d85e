#pragma once

// The HQ database: customer master, account-number sequence, Async staging,
// GUID -> account map, audit log of changes, and sales transactions.
//
// Exactly-once conversion is a property of the schema, not of the jobs:
// `customers.async_guid` and `guid_account_map.async_guid` are UNIQUE, and so
// are `customers.account_number` and `guid_account_map.account_number`; a
// second account for one GUID, or one account number twice, cannot be written.
//
// Every insert or edit of a customer takes the next `change_seq`; 1010 reads
// an address book's changes after the watermark each channel keeps.

#include <memory>
#include <functional>
#include <string>
#include <vector>

#include "caf/expected.hpp"
#include "caf/optional.hpp"
#include "caf/timestamp.hpp"

#include "model/customer.hpp"
#include "model/messages.hpp"
#include "model/sale.hpp"
#include "model/store.hpp"
#include "storage/database.hpp"

namespace retailsim::storage {

/// An Async customer uploaded by a P-job, waiting for an account number.
struct staged_customer {
  std::string store_id;
  /// The customer address book of the store: 1010 distributes the converted
  /// customer to every channel of that book.
  std::string address_book;
  customer record;
};

/// One store's P-job upload: its Async customers and its sales.
struct pjob_upload {
  std::vector<staged_customer> customers;
  std::vector<sale_transaction> sales;
};

/// Where an import's customers come from: called once with the function
/// that imports one; an error from either stops the import.
using import_source = std::function<caf::error(
  const std::function<caf::error(const staged_customer&)>& add)>;

/// What an import gave: how many accounts, the first and the last.
struct imported_accounts {
  size_t count = 0;
  std::string first;
  std::string last;
};

/// One row of the GUID -> account map, in the order HQ wrote them (`seq`),
/// which is what the 1010 job distributes.
struct guid_mapping {
  int64_t seq = 0;
  std::string async_guid;
  std::string account_number;
};

/// What one run of the async-sync job did.
struct conversion {
  /// The GUIDs it gave an account, in map order.
  std::vector<guid_mapping> mapped;
  /// Staged customers it could not convert (each stays staged), by error.
  std::vector<caf::error> failed;
};

/// What the async-sync job does with duplicates, and which email is
/// nobody's (the profiles' generic address).
struct duplicate_check {
  duplicate_policy policy = duplicate_policy::flag_for_review;
  std::string ignored_email;
  /// What a merge may add to the survivor (merge_customers).
  hq_feature_flags flags;
};

/// A run as HQ recorded it when it began (see hq_database::begin_run).
struct run_start {
  /// 1 for the first run on this database, then 2, ...
  int64_t seq = 0;
  /// Eight hex digits every identity the run makes carries (GUIDs,
  /// transaction ids, loyalty cards): unique across the runs of one
  /// database, the same for the same seed and the same database.
  std::string run_tag;
  /// Rows already there: customers up to this rowid and sales up to this
  /// seq are older than the run.
  int64_t customers_before = 0;
  int64_t sales_before = 0;
};

class hq_database {
public:
  /// The schema, one migration per version.
  static const std::vector<std::string>& migrations();

  /// Opens or creates the HQ database at `path` (":memory:" for tests).
  static caf::expected<std::unique_ptr<hq_database>>
  open(const std::string& path, durability mode = durability::full);

  /// Records the start of a run and gives it its tag: a function of the
  /// seed, the run before on this database and the run's number.
  caf::expected<run_start> begin_run(uint64_t seed, caf::timestamp now);

  int schema_version() {
    return db_->schema_version();
  }

  /// After a crash: forgets what it held in memory and reads it back from
  /// the database (today, whether any customer was ever merged).
  caf::error recover();

  /// See database::persist.
  caf::error persist() {
    return db_->persist();
  }

  /// Sync creation: takes the next account number and inserts the customer in
  /// one transaction. Returns the stored record (with its account number).
  /// A record carrying a GUID (the creation's idempotency key) is also mapped
  /// GUID -> account; a retry with a GUID already mapped returns the customer
  /// created the first time, and a later Async upload of that GUID is skipped.
  caf::expected<customer> create_customer(customer record,
                                          const std::string& store_id,
                                          const std::string& address_book,
                                          const std::string& created_by,
                                          caf::timestamp now);

  /// Sync creations committed together (group commit): each as
  /// create_customer would make it, in its own savepoint (one refused
  /// creation leaves the others), all in one durable transaction. A GUID
  /// twice in a batch is one customer, as it would be in two commits. The
  /// outcomes come in the order of `batch`; when the commit itself fails,
  /// every outcome is that error and nothing was written.
  std::vector<caf::expected<customer>>
  create_customers(const std::vector<hq_create_request>& batch,
                   caf::timestamp now);

  /// An existing customer base (CSV import, synthetic population), all or
  /// nothing in one transaction: `source` hands each customer to the
  /// function it is given, in order, and may stop the import with an error
  /// (nothing is then kept). Each record takes the next account number and
  /// its address book (1010 distributes it), with a 'created' history row
  /// by `imported_by` naming `origin` (the file). Streams: memory does not
  /// grow with the number of customers.
  caf::expected<imported_accounts>
  import_customers(const import_source& source, const std::string& origin,
                   const std::string& imported_by, caf::timestamp now);

  /// P-job upload, in one transaction: records `sales` (a transaction id
  /// seen before is skipped; a GUID already converted is relinked on the way
  /// in) and stages Async customers (a GUID already converted is skipped, one
  /// already staged takes the newer record). Returns how many customers were
  /// new.
  caf::expected<size_t> stage(const std::vector<staged_customer>& batch,
                              caf::timestamp now,
                              const std::vector<sale_transaction>& sales = {});

  /// Several stores' uploads, each as stage() would take it alone, in one
  /// transaction (a group commit): an upload that is refused is undone
  /// alone, and the others are kept.
  std::vector<caf::expected<size_t>>
  stage_uploads(const std::vector<pjob_upload>& uploads, caf::timestamp now);

  /// Pieces of work on HQ's database in one transaction: see
  /// database::write_each.
  template <class F>
  std::vector<caf::error> write_each(const char* what, size_t n, F&& f) {
    return db_->write_each(what, n, std::forward<F>(f));
  }

  /// Write transactions committed on HQ's database so far.
  uint64_t commits() const {
    return db_->commits();
  }

  /// The "Synchronize customers and business partners from async mode" job:
  /// converts up to `max_count` staged customers that have no account yet,
  /// each in its own transaction (account number, customer row, map row), and
  /// removes them from staging, with a 'created' history row. Safe to
  /// interrupt and rerun. A staged customer that cannot be converted stays
  /// staged and is reported in `failed`; the others are converted all the
  /// same (one bad row never stalls the queue behind it). A converted
  /// customer that may be the same person
  /// as an active one HQ had (same display name, and the same primary email
  /// or phone) is, in the same transaction, merged into that one when
  /// `check` says merge and the evidence is strong (the same email, or the
  /// same phone and address), and flagged for review otherwise.
  caf::expected<conversion>
  convert_staged(size_t max_count, caf::timestamp now,
                 const duplicate_check& check = {});

  /// Merges customer `duplicate` into `survivor` in one transaction (seed
  /// 002): the survivor's record becomes merge_customers(survivor,
  /// duplicate); every sale and every history row of the duplicate move to
  /// the survivor; the duplicate is deactivated, loses its loyalty card to
  /// the survivor and points at it (`merged_into`), so a sale still
  /// arriving under its account number or GUID lands at the survivor. Both
  /// get a history row and a new change sequence (1010 brings both to the
  /// stores). The survivor joins the duplicate's address books and
  /// `address_book` (the book of the store that merged, which keeps it).
  /// Only with `flags`' multiple contacts does it gain the duplicate's
  /// emails and phones. Returns the survivor as stored. Fails with
  /// not_found, customer_merged when either was merged already, or
  /// value_out_of_range when both are one customer or the survivor is
  /// inactive.
  caf::expected<customer> merge(const std::string& survivor,
                                const std::string& duplicate,
                                const std::string& merged_by,
                                caf::timestamp now,
                                const hq_feature_flags& flags = {},
                                const std::string& address_book = {});

  /// Active customers that may be the same person as customer
  /// `account_number` (same email, phone or name, strongest first; see
  /// similar_customers), itself excluded.
  caf::expected<std::vector<customer>>
  duplicates_of(const std::string& account_number, size_t limit);

  /// Pairs the async-sync job flagged and nobody has merged, oldest first.
  caf::expected<std::vector<duplicate_pair>> review_queue(size_t limit);

  /// The account number HQ gave `async_guid`, or "" if not converted.
  caf::expected<std::string> account_for_guid(const std::string& async_guid);

  /// Map rows with seq > `after_seq`, oldest first (what 1010 distributes).
  caf::expected<std::vector<guid_mapping>> mappings_after(int64_t after_seq);

  /// 1010: customers of `address_book` (their own book, or one they joined)
  /// created, converted or edited after change sequence `after_seq`, oldest
  /// change first, at most `limit`. A customer that joins a book takes a
  /// new change sequence, so the book's stores all receive it.
  caf::expected<dist_batch> distribution_after(const std::string& address_book,
                                               int64_t after_seq, size_t limit);

  /// Customers matching `query` (see search_customers).
  caf::expected<std::vector<customer>>
  search(const search_query& query, const std::string& region, size_t limit);

  /// A customer selected from "search all stores" at a store of
  /// `address_book`: it joins the book unless it is its own (and then takes
  /// a new change sequence, so that 1010 brings it, and its later changes,
  /// to every store of the book). Returns the customer as stored; fails
  /// with not_found.
  caf::expected<customer> join_address_book(const std::string& account,
                                            const std::string& address_book);

  caf::expected<caf::optional<customer>> find(const std::string& account_number);
  caf::expected<caf::optional<customer>> find_by_guid(const std::string& guid);
  caf::expected<size_t> customer_count();
  caf::expected<size_t> staged_count();

  /// Edits a customer and appends one audit row per changed field. Fails
  /// with not_found, or customer_merged for a customer merged into another.
  caf::error update_customer(const customer& record,
                             const std::string& changed_by, caf::timestamp now);

  /// The change history of one customer, oldest first.
  caf::expected<std::vector<change_record>>
  history(const std::string& account_number);

  /// Records a sale; a transaction id seen before is ignored (uploads retry).
  /// Returns true if it was new.
  caf::expected<bool> record_sale(const sale_transaction& sale);

  /// Sales whose customer reference is `customer_ref`, oldest first.
  caf::expected<std::vector<sale_transaction>>
  sales_for(const std::string& customer_ref);

private:
  explicit hq_database(std::unique_ptr<database> db) : db_(std::move(db)) {
  }

  std::unique_ptr<database> db_;
  /// Whether any customer was ever merged: until one is, a sale's customer
  /// needs no lookup of a survivor.
  bool has_merges_ = false;
};

} // namespace retailsim::storage
