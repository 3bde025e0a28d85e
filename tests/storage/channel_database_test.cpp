// A store's channel database: pending customers, P-job watermarks, 1010
// distribution and mapping, sales relinking.

#include "storage/channel_database.hpp"

#include <algorithm>

#include <gtest/gtest.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "model/error.hpp"
#include "model/identity.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;
using namespace retailsim::storage;
using test::at;

namespace {

customer pending(const std::string& first, uint64_t bits) {
  auto c = test::sample_customer(first, "Async");
  c.id.async_guid = make_async_guid(bits, bits * 7);
  return c;
}

std::unique_ptr<channel_database> open_channel(const std::string& path) {
  auto db = channel_database::open(path);
  if (!db)
    ADD_FAILURE() << describe(db.error());
  return db ? std::move(*db) : nullptr;
}

} // namespace

TEST(Channel, WritesCommittedTogetherAreOneTransactionAndAFailedOneIsUndoneAlone) {
  auto ch = open_channel(":memory:");
  auto ann = pending("Ann", 1);
  auto before = ch->commits();
  // Three pieces of work in one group; the second adds Cy, then Ann a
  // second time, which is refused: the second piece is undone whole (Cy
  // with it), the others are kept.
  auto failed = ch->write_each("test", 3, [&](size_t i) -> caf::error {
    if (i == 1) {
      if (auto err = ch->add_customer(pending("Cy", 3), at(1)))
        return err;
      return ch->add_customer(ann, at(1));
    }
    return ch->add_customer(i == 0 ? ann : pending("Bob", 2), at(1));
  });
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_FALSE(failed[0]);
  ASSERT_TRUE(failed[1]);
  EXPECT_EQ(error_code(failed[1]), ec::uniqueness_violation)
    << describe(failed[1]);
  EXPECT_FALSE(failed[2]);
  EXPECT_EQ(*ch->customer_count(), 2u);
  auto cy = ch->find_by_guid(pending("Cy", 3).id.async_guid);
  ASSERT_TRUE(cy);
  EXPECT_FALSE(*cy) << "Cy went with the piece that failed";
  EXPECT_EQ(ch->commits() - before, 1u);
  // A write on its own is a transaction of its own.
  ASSERT_FALSE(ch->add_customer(pending("Di", 4), at(2)));
  EXPECT_EQ(ch->commits() - before, 2u);
}

TEST(Channel, PendingCustomersRoundTripAcrossReopen) {
  test::temp_dir dir;
  auto ann = pending("Ann", 1);
  {
    auto ch = open_channel(dir.file("S001.db"));
    ASSERT_FALSE(ch->add_customer(ann, at(1)));
  }
  auto ch = open_channel(dir.file("S001.db"));
  auto found = ch->find_by_guid(ann.id.async_guid);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(**found, ann);
  EXPECT_EQ(*ch->pending_count(), 1u);
}

TEST(Channel, ACustomerNeedsAnIdentity) {
  auto ch = open_channel(":memory:");
  auto err = ch->add_customer(test::sample_customer("No", "Id"), at(1));
  ASSERT_TRUE(err);
  EXPECT_EQ(error_code(err), ec::field_required);
  EXPECT_EQ(*ch->customer_count(), 0u);
}

TEST(Channel, OneGuidAndOneAccountNumberOnlyOnce) {
  auto ch = open_channel(":memory:");
  auto ann = pending("Ann", 1);
  ASSERT_FALSE(ch->add_customer(ann, at(1)));
  auto dup = ch->add_customer(ann, at(2));
  ASSERT_TRUE(dup);
  EXPECT_EQ(error_code(dup), ec::uniqueness_violation);
  auto sync = test::sample_customer("Bob", "Sync");
  sync.id.account_number = "C000000001";
  ASSERT_FALSE(ch->add_customer(sync, at(3)));
  auto dup_account = ch->add_customer(sync, at(4));
  ASSERT_TRUE(dup_account);
  EXPECT_EQ(error_code(dup_account), ec::uniqueness_violation);
  EXPECT_EQ(*ch->customer_count(), 2u);
}

TEST(Channel, PJobWatermarkSelectsOnlyNewPendingRows) {
  auto ch = open_channel(":memory:");
  ASSERT_FALSE(ch->add_customer(pending("Ann", 1), at(1)));
  ASSERT_FALSE(ch->add_customer(pending("Bob", 2), at(2)));
  auto sync = test::sample_customer("Cy", "Sync");
  sync.id.account_number = "C000000001";
  ASSERT_FALSE(ch->add_customer(sync, at(3)));
  EXPECT_EQ(*ch->watermark("customers"), 0);
  auto batch = ch->pending_after(0, 100);
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[0].value.profile.first_name, "Ann");
  ASSERT_FALSE(ch->advance_watermark("customers", (*batch)[1].seq));
  EXPECT_TRUE(ch->pending_after(*ch->watermark("customers"), 100)->empty());
  // Watermarks never move backwards.
  ASSERT_FALSE(ch->advance_watermark("customers", 0));
  EXPECT_EQ(*ch->watermark("customers"), (*batch)[1].seq);
  ASSERT_FALSE(ch->add_customer(pending("Dee", 3), at(4)));
  auto next = ch->pending_after(*ch->watermark("customers"), 100);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].value.profile.first_name, "Dee");
  auto unknown = ch->advance_watermark("nope", 1);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(error_code(unknown), ec::not_found);
}

TEST(Channel, TheConvertedCustomerReplacesThePendingRowAndItsSalesFollow) {
  auto ch = open_channel(":memory:");
  auto ann = pending("Ann", 1);
  const auto& guid = ann.id.async_guid;
  ASSERT_FALSE(ch->add_customer(ann, at(1)));
  ASSERT_TRUE(*ch->record_sale({"T-1", "S001", "S001-T1", guid, 999, at(2),
                                {{"SKU", 1, 999}}}));
  auto converted = ann;
  converted.id.account_number = "C000000042";
  auto applied = ch->apply_distribution({{converted}, 1}, at(3));
  ASSERT_TRUE(applied);
  EXPECT_EQ(applied->size(), 1u);
  auto again = ch->apply_distribution({{converted}, 1}, at(4));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());  // idempotent: 1010 may run twice
  EXPECT_EQ(*ch->customer_count(), 1u);
  auto found = ch->find("C000000042");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id.async_guid, guid);
  EXPECT_EQ(*ch->pending_count(), 0u);
  EXPECT_EQ(ch->sales_for("C000000042")->size(), 1u);
  EXPECT_TRUE(ch->sales_for(guid)->empty());
}

TEST(Channel, ASaleArrivingAfterTheConversionLandsOnTheAccount) {
  // The cashier still shows the customer as pending: a sale made a few
  // seconds after 1010 converted it names the GUID, and is stored under
  // the account, as HQ stores it.
  auto ch = open_channel(":memory:");
  auto ann = pending("Ann", 1);
  const auto& guid = ann.id.async_guid;
  ASSERT_FALSE(ch->add_customer(ann, at(1)));
  auto converted = ann;
  converted.id.account_number = "C000000042";
  ASSERT_TRUE(ch->apply_distribution({{converted}, 1}, at(2)));
  ASSERT_TRUE(*ch->record_sale({"T-1", "S001", "S001-T1", guid, 999, at(3),
                                {{"SKU", 1, 999}}}));
  offline_upload late{"S001-T2", {}, {{"T-2", "S001", "S001-T2", guid, 5, at(4),
                                       {}}}};
  ASSERT_TRUE(ch->upload_offline(late, at(5)));
  EXPECT_EQ(ch->sales_for("C000000042")->size(), 2u);
  EXPECT_TRUE(ch->sales_for(guid)->empty());
}

TEST(Channel, SalesOfACustomerMergedAwayBelongToItsSurvivor) {
  test::temp_dir dir;
  auto ch = open_channel(dir.file("S001.db"));
  auto keep = test::sample_customer("Ann", "Lee");
  keep.id.account_number = "C000000001";
  auto drop = test::sample_customer("Ann", "Lee");
  drop.id.account_number = "C000000002";
  ASSERT_FALSE(ch->apply_distributed(keep, at(1)));
  ASSERT_FALSE(ch->apply_distributed(drop, at(1)));
  ASSERT_TRUE(*ch->record_sale({"T-1", "S001", "S001-T1", "C000000002", 10,
                                at(2), {}}));
  // 1010 brings the merge: the sales held here follow it, and so does one
  // the cashier still makes to the duplicate.
  drop.status = customer_status::inactive;
  drop.merged_into = "C000000001";
  ASSERT_FALSE(ch->apply_distributed(drop, at(3)));
  ASSERT_TRUE(*ch->record_sale({"T-2", "S001", "S001-T1", "C000000002", 20,
                                at(4), {}}));
  EXPECT_EQ(ch->sales_for("C000000001")->size(), 2u);
  EXPECT_TRUE(ch->sales_for("C000000002")->empty());
  // Reopened, the channel still knows it has merges to follow.
  ch.reset();
  ch = open_channel(dir.file("S001.db"));
  ASSERT_TRUE(*ch->record_sale({"T-3", "S001", "S001-T1", "C000000002", 30,
                                at(5), {}}));
  EXPECT_EQ(ch->sales_for("C000000001")->size(), 3u);
}

TEST(Channel, DistributionInsertsUpdatesOrConverts) {
  auto ch = open_channel(":memory:");
  // A customer created at another store arrives.
  auto other = test::sample_customer("Eve", "Elsewhere");
  other.id.account_number = "C000000007";
  ASSERT_FALSE(ch->apply_distributed(other, at(1)));
  EXPECT_EQ(*ch->customer_count(), 1u);
  // It arrives again, edited at HQ.
  other.profile.segment = "VIP";
  ASSERT_FALSE(ch->apply_distributed(other, at(2)));
  EXPECT_EQ(*ch->customer_count(), 1u);
  EXPECT_EQ((*ch->find("C000000007"))->profile.segment, "VIP");
  // This store's own pending customer arrives converted.
  auto ann = pending("Ann", 1);
  ASSERT_FALSE(ch->add_customer(ann, at(3)));
  ASSERT_TRUE(*ch->record_sale({"T-9", "S001", "S001-T2", ann.id.async_guid,
                                100, at(3), {}}));
  auto converted = ann;
  converted.id.account_number = "C000000008";
  ASSERT_FALSE(ch->apply_distributed(converted, at(4)));
  EXPECT_EQ(*ch->customer_count(), 2u);
  EXPECT_EQ(*ch->pending_count(), 0u);
  EXPECT_EQ(ch->sales_for("C000000008")->size(), 1u);
  auto no_account = ch->apply_distributed(pending("Zed", 9), at(5));
  ASSERT_TRUE(no_account);
  EXPECT_EQ(error_code(no_account), ec::field_required);
}

TEST(Channel, SalesWatermarkAndRetries) {
  auto ch = open_channel(":memory:");
  ASSERT_TRUE(*ch->record_sale({"T-1", "S001", "S001-T1", "C1", 1, at(1), {}}));
  ASSERT_FALSE(*ch->record_sale({"T-1", "S001", "S001-T1", "C1", 1, at(1), {}}));
  // Another sale under a recorded id is refused, never dropped silently.
  auto other = ch->record_sale({"T-1", "S001", "S001-T1", "C1", 7, at(9), {}});
  ASSERT_FALSE(other);
  EXPECT_EQ(error_code(other.error()), ec::uniqueness_violation);
  EXPECT_EQ(error_field(other.error()), "transaction_id");
  ASSERT_TRUE(*ch->record_sale({"T-2", "S001", "S001-T1", "C1", 2, at(2), {}}));
  auto all = ch->sales_after(0, 10);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  auto rest = ch->sales_after((*all)[0].seq, 10);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].value.transaction_id, "T-2");
}

TEST(Channel, PJobCollectAndAcknowledge) {
  auto ch = open_channel(":memory:");
  auto ann = pending("Ann", 1);
  ASSERT_FALSE(ch->add_customer(ann, at(1)));
  ASSERT_TRUE(*ch->record_sale({"T-1", "S001", "S001-T1", ann.id.async_guid,
                                10, at(2), {}}));
  auto batch = ch->collect_for_pjob("S001", 100);
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->store_id, "S001");
  ASSERT_EQ(batch->customers.size(), 1u);
  ASSERT_EQ(batch->sales.size(), 1u);
  // Not acknowledged (HQ unreachable): the next run sends the same again.
  EXPECT_EQ(*ch->collect_for_pjob("S001", 100), *batch);
  ASSERT_FALSE(ch->acknowledge_pjob(batch->customers_seq, batch->sales_seq));
  auto next = ch->collect_for_pjob("S001", 100);
  EXPECT_TRUE(next->customers.empty());
  EXPECT_TRUE(next->sales.empty());
}

TEST(Channel, OfflineUploadIsAllOrNothingAndIdempotent) {
  auto ch = open_channel(":memory:");
  auto ann = pending("Ann", 1);
  offline_upload upload{"S001-T1", {ann}, {{"T-1", "S001", "S001-T1",
                                            ann.id.async_guid, 5, at(1), {}}}};
  auto first = ch->upload_offline(upload, at(2));
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 1u);
  auto retry = ch->upload_offline(upload, at(3));
  ASSERT_TRUE(retry);
  EXPECT_EQ(*retry, 0u);
  EXPECT_EQ(*ch->customer_count(), 1u);
  EXPECT_EQ(ch->sales_for(ann.id.async_guid)->size(), 1u);
  auto bad = upload;
  bad.customers.push_back(test::sample_customer("No", "Guid"));
  bad.customers.front() = pending("Bob", 2);
  auto refused = ch->upload_offline(bad, at(4));
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::invalid_guid);
  EXPECT_EQ(*ch->customer_count(), 1u);  // Bob was not written either
}

TEST(Channel, DistributionBatchConvertsAndAdvancesItsWatermark) {
  auto ch = open_channel(":memory:");
  auto ann = pending("Ann", 1);
  ASSERT_FALSE(ch->add_customer(ann, at(1)));
  auto converted = ann;
  converted.id.account_number = "C000000005";
  auto other = test::sample_customer("Eve", "Other");
  other.id.account_number = "C000000006";
  auto applied = ch->apply_distribution({{converted, other}, 42}, at(2));
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, std::vector<std::string>{ann.id.async_guid});
  EXPECT_EQ(*ch->watermark("dist_1010"), 42);
  EXPECT_EQ(*ch->pending_count(), 0u);
  EXPECT_EQ(*ch->customer_count(), 2u);
  auto found = ch->search({"Eve", search_field::any}, "US", 10);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id.account_number, "C000000006");
  // Reapplying an old batch changes nothing and never moves the mark back.
  ASSERT_TRUE(ch->apply_distribution({{converted}, 7}, at(3)));
  EXPECT_EQ(*ch->watermark("dist_1010"), 42);
  EXPECT_EQ(*ch->customer_count(), 2u);
}

TEST(Channel, ADistributionTheStoreAlreadyHoldsLeavesItsRowAlone) {
  test::temp_dir dir;
  auto path = dir.file("store.db");
  auto ch = open_channel(path);
  auto own = test::sample_customer("Sam", "Sync");
  own.id.account_number = "C000000011";
  ASSERT_FALSE(ch->apply_distributed(own, at(1)));
  auto row = [&] {
    SQLite::Database raw{path};
    SQLite::Statement q{raw, "SELECT change_seq, updated_at FROM customers "
                             "WHERE account_number = 'C000000011'"};
    EXPECT_TRUE(q.executeStep());
    return std::make_pair(q.getColumn(0).getInt64(),
                          q.getColumn(1).getInt64());
  };
  auto before = row();
  // 1010 brings the same record back: nothing to write.
  dist_batch batch;
  batch.customers.push_back(own);
  batch.last_seq = 5;
  ASSERT_TRUE(ch->apply_distribution(batch, at(2)));
  EXPECT_EQ(row(), before);
  EXPECT_EQ(*ch->watermark("dist_1010"), 5);
  // A changed record is written.
  batch.customers[0].profile.segment = "VIP";
  batch.last_seq = 6;
  ASSERT_TRUE(ch->apply_distribution(batch, at(3)));
  EXPECT_GT(row().first, before.first);
  EXPECT_EQ((*ch->find("C000000011"))->profile.segment, "VIP");
}

TEST(Channel, TheSearchBarFindsBusinessesByCompanyAndFiltersByType) {
  auto ch = open_channel(":memory:");
  auto acme = test::sample_customer("Olga", "Owner");
  acme.id.account_number = "C000000021";
  acme.type = customer_type::organization;
  acme.profile.business.company_name = "Acme Wines LLC";
  ASSERT_FALSE(ch->apply_distributed(acme, at(1)));
  auto person = test::sample_customer("Acme", "Fan");
  person.id.account_number = "C000000022";
  ASSERT_FALSE(ch->apply_distributed(person, at(1)));
  auto ids = [&](search_query q) {
    std::vector<std::string> out;
    auto found = ch->search(q, "US", 10);
    EXPECT_TRUE(found) << describe(found.error());
    if (found)
      for (const auto& c : *found)
        out.push_back(c.id.account_number);
    std::sort(out.begin(), out.end());
    return out;
  };
  // A buyer of a business, registered as a person.
  auto buyer = test::sample_customer("Bea", "Buyer");
  buyer.id.account_number = "C000000023";
  buyer.profile.business.company_name = "Zeta Corp";
  ASSERT_FALSE(ch->apply_distributed(buyer, at(1)));
  using v = std::vector<std::string>;
  // The company "Acme Wines LLC" and the person "Acme Fan".
  EXPECT_EQ(ids({"acme", search_field::any}), (v{"C000000021", "C000000022"}));
  EXPECT_EQ(ids({"acme w", search_field::company}), v{"C000000021"});
  // Bea is found by her company from the search bar, not by name.
  EXPECT_EQ(ids({"zeta", search_field::any}), v{"C000000023"});
  EXPECT_EQ(ids({"zeta", search_field::company}), v{"C000000023"});
  EXPECT_TRUE(ids({"zeta", search_field::name}).empty());
  EXPECT_EQ(ids({"acme", search_field::any, status_filter::active,
                 type_filter::organization}),
            v{"C000000021"});
  EXPECT_EQ(ids({"acme", search_field::any, status_filter::active,
                 type_filter::person}),
            v{"C000000022"});
  // LIKE wildcards typed by the cashier are text, not patterns.
  EXPECT_TRUE(ids({"acme%", search_field::company}).empty());
}

TEST(Channel, LoyaltyCardSearchFollowsTheCardFromCustomerToCustomer) {
  test::temp_dir dir;
  auto path = dir.file("S001.db");
  auto ch = open_channel(path);
  auto ann = test::sample_customer("Ann", "Lee");
  ann.id.account_number = "C000000031";
  ann.loyalty = loyalty_card{"WINE-2024-7", 10};
  ASSERT_FALSE(ch->apply_distributed(ann, at(1)));
  auto bob = test::sample_customer("Bob", "Ray");
  bob.id.account_number = "C000000032";
  ASSERT_FALSE(ch->apply_distributed(bob, at(1)));
  auto card = [&](const std::string& text, search_field field) {
    auto found = ch->search({text, field}, "US", 10);
    EXPECT_TRUE(found) << describe(found.error());
    return found && found->size() == 1 ? found->front().id.account_number
                                       : std::string{};
  };
  // The search bar tells a card number by its shape.
  EXPECT_EQ(card("WINE-2024-7", search_field::any), "C000000031");
  EXPECT_EQ(card("WINE-2024-7", search_field::loyalty_card), "C000000031");
  EXPECT_TRUE(ch->search({"WINE-2024", search_field::any}, "US", 10)->empty());
  // A merge at HQ moved the card to Bob; 1010 brings both records.
  ann.loyalty = caf::none;
  bob.loyalty = loyalty_card{"WINE-2024-7", 10};
  ASSERT_FALSE(ch->apply_distributed(ann, at(2)));
  ASSERT_FALSE(ch->apply_distributed(bob, at(2)));
  EXPECT_EQ(card("WINE-2024-7", search_field::any), "C000000032");
  // The card column is indexed.
  SQLite::Database raw{path};
  SQLite::Statement plan{raw, "EXPLAIN QUERY PLAN SELECT record FROM "
                              "customers WHERE loyalty_card = 'x'"};
  ASSERT_TRUE(plan.executeStep());
  EXPECT_NE(plan.getColumn(3).getString().find("customers_by_loyalty_card"),
            std::string::npos);
}

TEST(Channel, PhoneSearchTakesTypedAndStoredFormsAlike) {
  auto ch = open_channel(":memory:");
  auto ann = test::sample_customer("Ann", "Lee");  // +17073202478
  ann.id.account_number = "C000000041";
  ASSERT_FALSE(ch->apply_distributed(ann, at(1)));
  auto count = [&](const std::string& text) {
    auto found = ch->search({text, search_field::phone}, "US", 10);
    EXPECT_TRUE(found) << describe(found.error());
    return found ? found->size() : 99u;
  };
  // The stored form itself (no libphonenumber), and as typed.
  EXPECT_EQ(count("+17073202478"), 1u);
  EXPECT_EQ(count("(707) 320-2478"), 1u);
  EXPECT_EQ(count("+1 707 320 2478"), 1u);
  // Shaped like E.164 but nobody's number, or not a number at all.
  EXPECT_EQ(count("+17073202479"), 0u);
  EXPECT_EQ(count("+0707320247"), 0u);
  EXPECT_EQ(count("+1707320247x"), 0u);
}
