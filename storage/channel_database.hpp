#pragma once

// A store's channel database: its customers (Sync ones from HQ and its own
// pending Async ones), its sales, and the watermarks of what the P-job has
// uploaded.
//
// A channel customer row moves through these states:
//
// | state     | account_number | async_guid | entered by                        |
// |-----------|----------------|------------|-----------------------------------|
// | pending   | NULL           | set        | Async or offline creation          |
// | uploaded  | NULL           | set        | P-job: change_seq <= watermark     |
// | synced    | set            | NULL / set | Sync creation, 1010 distribution or mapping |
//
// "uploaded" is not stored: it is a pending row whose change_seq is at or
// below the `customers` upload watermark.

#include <memory>
#include <string>
#include <vector>

#include "caf/expected.hpp"
#include "caf/optional.hpp"
#include "caf/timestamp.hpp"

#include "model/customer.hpp"
#include "model/messages.hpp"
#include "model/sale.hpp"
#include "storage/database.hpp"

namespace retailsim::storage {

/// A row the P-job still has to upload, with its position in upload order.
template <class T>
struct sequenced {
  int64_t seq = 0;
  T value;
};

class channel_database {
public:
  static const std::vector<std::string>& migrations();

  static caf::expected<std::unique_ptr<channel_database>>
  open(const std::string& path, durability mode = durability::full);

  int schema_version() {
    return db_->schema_version();
  }

  /// Pieces of work on this channel in one transaction: see
  /// database::write_each.
  template <class F>
  std::vector<caf::error> write_each(const char* what, size_t n, F&& f) {
    return db_->write_each(what, n, std::forward<F>(f));
  }

  /// Write transactions committed on this channel so far.
  uint64_t commits() const {
    return db_->commits();
  }

  /// See database::persist.
  caf::error persist() {
    return db_->persist();
  }

  /// Stores a new customer: synced if it has an account number, else pending.
  caf::error add_customer(const customer& record, caf::timestamp now);

  /// Applies a customer distributed by HQ (1010): updates the row with its
  /// account number, converts the pending row with its GUID, or inserts it.
  caf::error apply_distributed(const customer& record, caf::timestamp now);

  /// Rewrites a pending customer (an edit the Async limitations allowed); it
  /// takes a new change sequence, so the next P-job uploads it again. Fails
  /// with not_found when no pending row has its GUID.
  caf::error update_pending(const customer& record, caf::timestamp now);

  /// 1010: applies a distribution batch (apply_distributed for each
  /// customer) and advances the `dist_1010` watermark to its last_seq, all in
  /// one transaction. Returns the GUIDs of the pending customers it converted.
  caf::expected<std::vector<std::string>>
  apply_distribution(const dist_batch& batch, caf::timestamp now);

  /// A reconnecting terminal's offline records, in one transaction: customers
  /// whose GUID is already here and sales already recorded are skipped (an
  /// upload retried after a lost acknowledgement). Returns how many customers
  /// were new.
  caf::expected<size_t> upload_offline(const offline_upload& batch,
                                       caf::timestamp now);

  /// P-job: pending customers and sales after their upload watermarks, at most
  /// `limit` of each, with the sequence numbers to acknowledge.
  caf::expected<pjob_batch> collect_for_pjob(const std::string& store_id,
                                             size_t limit);

  /// P-job: HQ has everything up to these sequence numbers.
  caf::error acknowledge_pjob(int64_t customers_seq, int64_t sales_seq);

  /// Customers that may be the same person as `candidate` (see
  /// similar_customers), at most `limit`.
  caf::expected<std::vector<customer>>
  similar(const customer& candidate, size_t limit);

  /// Local customer search in this channel.
  caf::expected<std::vector<customer>>
  search(const search_query& query, const std::string& region, size_t limit);

  /// Pending customers changed after `watermark`, in change order.
  caf::expected<std::vector<sequenced<customer>>>
  pending_after(int64_t watermark, size_t limit);

  /// Sales recorded after `watermark`, in order.
  caf::expected<std::vector<sequenced<sale_transaction>>>
  sales_after(int64_t watermark, size_t limit);

  /// Upload watermarks ("customers", "sales"); never move backwards.
  caf::expected<int64_t> watermark(const std::string& name);
  caf::error advance_watermark(const std::string& name, int64_t value);

  caf::expected<caf::optional<customer>> find(const std::string& account_number);
  caf::expected<caf::optional<customer>> find_by_guid(const std::string& guid);
  caf::expected<size_t> pending_count();
  caf::expected<size_t> customer_count();

  /// Records a sale under the customer it belongs to now (as HQ does): a
  /// GUID this channel has converted since is stored as its account
  /// number, a customer merged away as its survivor. A transaction id seen
  /// before is ignored.
  caf::expected<bool> record_sale(const sale_transaction& sale);
  caf::expected<std::vector<sale_transaction>>
  sales_for(const std::string& customer_ref);

private:
  /// apply_distributed without its own transaction; true if it converted a
  /// pending row.
  bool apply_distributed_row(const customer& record, caf::timestamp now);

  /// The customer a sale for `ref` belongs to now: a converted GUID's
  /// account number, a merged customer's survivor.
  std::string current_ref(std::string ref);

  /// Inserts a sale under current_ref; true if it was new.
  bool insert_sale_current(const sale_transaction& sale);

  explicit channel_database(std::unique_ptr<database> db)
    : db_(std::move(db)) {
  }

  std::unique_ptr<database> db_;
  /// Whether a customer here was ever merged away: until one is, a sale's
  /// customer needs no lookup of a survivor.
  bool has_merges_ = false;
};

} // namespace retailsim::storage
