// The HQ database: Sync creation, staging, exactly-once conversion, the
// uniqueness guarantees of the schema, audit history and sales relinking.

#include "storage/hq_database.hpp"

#include <map>

#include <gtest/gtest.h>
#include <SQLiteCpp/Database.h>

#include "model/error.hpp"
#include "model/identity.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;
using namespace retailsim::storage;
using test::at;

namespace {

customer pending(const std::string& first, uint64_t bits) {
  auto c = test::sample_customer(first, "Async");
  c.id.async_guid = make_async_guid(bits, ~bits);
  return c;
}

std::unique_ptr<hq_database> open_hq(const std::string& path) {
  auto hq = hq_database::open(path);
  if (!hq)
    ADD_FAILURE() << describe(hq.error());
  return hq ? std::move(*hq) : nullptr;
}

} // namespace

TEST(Hq, SyncCreationAssignsSequentialAccountNumbers) {
  auto hq = open_hq(":memory:");
  auto a = hq->create_customer(test::sample_customer("Ann", "Lee"), "S001", "B1",
                               "cashier-1", at(10));
  auto b = hq->create_customer(test::sample_customer("Bob", "Ray"), "S002", "B1",
                               "cashier-2", at(11));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id.account_number, "C000000001");
  EXPECT_EQ(b->id.account_number, "C000000002");
  auto found = hq->find("C000000002");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(**found, *b);
  EXPECT_EQ(*hq->customer_count(), 2u);
}

TEST(Hq, CreationsCommittedTogetherAreEachAsAloneAndOneRefusalStaysAlone) {
  test::temp_dir dir;
  auto hq = open_hq(dir.file("hq.db"));
  auto request = [](customer c) {
    hq_create_request r;
    r.store_id = "S001";
    r.address_book = "B1";
    r.cashier = "cashier-1";
    r.record = std::move(c);
    return r;
  };
  auto ann = pending("Ann", 1);
  auto bob = test::sample_customer("Bob", "Ray");
  bob.loyalty = loyalty_card{"LC-1", 0};
  auto cy = test::sample_customer("Cy", "Doe");
  cy.loyalty = loyalty_card{"LC-1", 0};  // Bob's card: refused
  auto commits_before = hq->commits();
  auto out = hq->create_customers(
    {request(ann), request(bob), request(cy), request(ann)}, at(5));
  ASSERT_EQ(out.size(), 4u);
  ASSERT_TRUE(out[0] && out[1] && out[3]);
  EXPECT_EQ(out[0]->id.account_number, "C000000001");
  EXPECT_EQ(out[1]->id.account_number, "C000000002");
  ASSERT_FALSE(out[2]);
  EXPECT_EQ(error_code(out[2].error()), ec::uniqueness_violation)
    << describe(out[2].error());
  // The GUID twice in one batch: one customer, as in two commits.
  EXPECT_EQ(*out[3], *out[0]);
  // One commit: the first try, with Cy's refusal, was rolled back.
  EXPECT_EQ(hq->commits(), commits_before + 1);
  hq.reset();
  auto reopened = open_hq(dir.file("hq.db"));
  EXPECT_EQ(*reopened->customer_count(), 2u);
  auto next = reopened->create_customer(test::sample_customer("Di", "Eve"),
                                        "S001", "B1", "cashier-1", at(6));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id.account_number, "C000000003")
    << "the refused creation took no account number";
}

TEST(Hq, RoundTripSurvivesReopen) {
  test::temp_dir dir;
  customer created;
  {
    auto hq = open_hq(dir.file("hq.db"));
    auto c = test::sample_customer("Ann", "Lee");
    c.profile.notes = "Line one\nLine two";
    c.loyalty = loyalty_card{"LC-9", 40};
    auto r = hq->create_customer(c, "S001", "B1", "cashier-1", at(10));
    ASSERT_TRUE(r);
    created = *r;
  }
  auto hq = open_hq(dir.file("hq.db"));
  auto found = hq->find(created.id.account_number);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(**found, created);
  // The sequence continues after the reopen.
  auto next = hq->create_customer(test::sample_customer("Cy", "Doe"), "S001", "B1",
                                  "cashier-1", at(11));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id.account_number, "C000000002");
}

TEST(Hq, SqlInjectionTextIsStoredVerbatim) {
  test::temp_dir dir;
  const std::string hostile = "Robert'); DROP TABLE customers;--";
  std::string account;
  {
    auto hq = open_hq(dir.file("hq.db"));
    auto c = test::sample_customer("Bobby", "Tables");
    c.profile.last_name = hostile;
    c.profile.notes = "' OR '1'='1";
    auto r = hq->create_customer(c, "S001'; --", "B1", hostile, at(1));
    ASSERT_TRUE(r);
    account = r->id.account_number;
  }
  auto hq = open_hq(dir.file("hq.db"));
  auto found = hq->find(account);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->profile.last_name, hostile);
  EXPECT_EQ((*found)->profile.notes, "' OR '1'='1");
  EXPECT_EQ(*hq->customer_count(), 1u);
  auto by_injection = hq->find("' OR '1'='1");
  ASSERT_TRUE(by_injection);
  EXPECT_FALSE(*by_injection);
  auto history = hq->history(account);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].changed_by, hostile);
}

TEST(Hq, StagingTwiceStagesOnce) {
  auto hq = open_hq(":memory:");
  std::vector<staged_customer> batch = {{"S001", "B1", pending("Ann", 1)},
                                        {"S001", "B1", pending("Bob", 2)}};
  auto first = hq->stage(batch, at(1));
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 2u);
  auto second = hq->stage(batch, at(2));
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 0u);
  EXPECT_EQ(*hq->staged_count(), 2u);
}

TEST(Hq, StagingRefusesCustomersThatAreNotPending) {
  auto hq = open_hq(":memory:");
  auto c = pending("Ann", 1);
  c.id.account_number = "C1";
  auto r = hq->stage({{"S001", "B1", c}, {"S001", "B1", pending("Bob", 2)}}, at(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(error_code(r.error()), ec::invalid_guid);
  EXPECT_EQ(*hq->staged_count(), 0u);  // the whole batch rolled back
}

TEST(Hq, UploadsStagedTogetherAreOneCommitAndARefusedOneIsUndoneAlone) {
  auto hq = open_hq(":memory:");
  auto ann = pending("Ann", 1);
  auto not_pending = pending("Bob", 2);
  not_pending.id.account_number = "C1";
  sale_transaction sale{"T1", "S002", "S002-T01", ann.id.async_guid, 500,
                        at(1), {}};
  auto before = hq->commits();
  auto out = hq->stage_uploads(
    {{{{"S001", "B1", ann}}, {}},
     {{{"S002", "B1", not_pending}, {"S002", "B1", pending("Cy", 3)}}, {sale}},
     {{{"S003", "B1", pending("Di", 4)}, {"S003", "B1", ann}}, {}}},
    at(1));
  ASSERT_EQ(out.size(), 3u);
  ASSERT_TRUE(out[0]) << describe(out[0].error());
  EXPECT_EQ(*out[0], 1u);
  ASSERT_FALSE(out[1]);
  EXPECT_EQ(error_code(out[1].error()), ec::invalid_guid);
  ASSERT_TRUE(out[2]) << describe(out[2].error());
  EXPECT_EQ(*out[2], 1u) << "Ann was staged by the first upload";
  // The refused upload took its customers and its sale with it; the
  // others are kept, in one commit (the first try, with the refusal, was
  // rolled back).
  EXPECT_EQ(*hq->staged_count(), 2u);
  EXPECT_TRUE(hq->sales_for(ann.id.async_guid)->empty());
  EXPECT_EQ(hq->commits() - before, 1u);
  // Without a refusal, three uploads are one commit too.
  before = hq->commits();
  out = hq->stage_uploads({{{{"S001", "B1", pending("Ed", 5)}}, {}},
                           {{{"S002", "B1", pending("Fay", 6)}}, {sale}},
                           {{}, {}}},
                          at(2));
  for (const auto& o : out)
    ASSERT_TRUE(o) << describe(o.error());
  EXPECT_EQ(*hq->staged_count(), 4u);
  EXPECT_EQ(hq->sales_for(ann.id.async_guid)->size(), 1u);
  EXPECT_EQ(hq->commits() - before, 1u);
}

TEST(Hq, ConversionGivesEachGuidExactlyOneAccount) {
  auto hq = open_hq(":memory:");
  auto ann = pending("Ann", 1);
  auto bob = pending("Bob", 2);
  ASSERT_TRUE(hq->stage({{"S001", "B1", ann}, {"S002", "B1", bob}}, at(1)));
  // A job killed after one conversion ...
  auto partial = hq->convert_staged(1, at(2));
  ASSERT_TRUE(partial);
  ASSERT_EQ(partial->mapped.size(), 1u);
  // ... then the P-job uploads the same records again, and the job reruns.
  ASSERT_TRUE(hq->stage({{"S001", "B1", ann}, {"S002", "B1", bob}}, at(3)));
  auto rest = hq->convert_staged(100, at(4));
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->mapped.size(), 1u);
  auto again = hq->convert_staged(100, at(5));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->mapped.empty());
  EXPECT_EQ(*hq->customer_count(), 2u);
  EXPECT_EQ(*hq->staged_count(), 0u);
  auto map = hq->mappings_after(0);
  ASSERT_TRUE(map);
  ASSERT_EQ(map->size(), 2u);
  EXPECT_NE((*map)[0].account_number, (*map)[1].account_number);
  auto converted = hq->find_by_guid(ann.id.async_guid);
  ASSERT_TRUE(converted && *converted);
  EXPECT_EQ((*converted)->id.async_guid, ann.id.async_guid);
  EXPECT_FALSE((*converted)->id.account_number.empty());
  auto later = hq->mappings_after((*map)[0].seq);
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].async_guid, (*map)[1].async_guid);
}

TEST(Hq, SchemaMakesASecondAccountForOneGuidImpossible) {
  test::temp_dir dir;
  auto path = dir.file("hq.db");
  auto ann = pending("Ann", 1);
  {
    auto hq = open_hq(path);
    ASSERT_TRUE(hq->stage({{"S001", "B1", ann}}, at(1)));
    ASSERT_TRUE(hq->convert_staged(10, at(2)));
    ASSERT_TRUE(hq->create_customer(test::sample_customer("Bob", "Ray"), "S1", "B1",
                                    "c", at(3)));
  }
  // Go around the API, as a buggy job would.
  SQLite::Database raw{path, SQLite::OPEN_READWRITE};
  raw.exec("PRAGMA foreign_keys = ON");
  auto fails = [&](const std::string& sql) {
    try {
      raw.exec(sql);
    } catch (const SQLite::Exception& e) {
      return e.getErrorCode() == 19;  // SQLITE_CONSTRAINT
    }
    return false;
  };
  const auto& guid = ann.id.async_guid;
  // A second customer row carrying the same origin GUID.
  EXPECT_TRUE(fails("INSERT INTO customers (account_number, async_guid, "
                    "origin_store, status, display_name, primary_email, "
                    "primary_phone, company_name, record, created_at, "
                    "updated_at) VALUES ('C999', '" + guid + "', 'S1', "
                    "'active', '', '', '', '', '{}', 0, 0)"));
  // A second map row for the same GUID.
  EXPECT_TRUE(fails("INSERT INTO guid_account_map (async_guid, "
                    "account_number, mapped_at) VALUES ('" + guid + "', "
                    "'C000000002', 0)"));
  // One account number twice, in the master or in the map.
  EXPECT_TRUE(fails("INSERT INTO customers (account_number, origin_store, "
                    "status, display_name, primary_email, primary_phone, "
                    "company_name, record, created_at, updated_at) VALUES "
                    "('C000000001', 'S1', 'active', '', '', '', '', '{}', 0, "
                    "0)"));
  EXPECT_TRUE(fails("INSERT INTO guid_account_map (async_guid, "
                    "account_number, mapped_at) VALUES ('other-guid', "
                    "'C000000001', 0)"));
  // A map row pointing at no customer.
  EXPECT_TRUE(fails("INSERT INTO guid_account_map (async_guid, "
                    "account_number, mapped_at) VALUES ('other-guid', "
                    "'C404', 0)"));
}

TEST(Hq, AConvertedGuidIsNeverStagedAgain) {
  auto hq = open_hq(":memory:");
  auto ann = pending("Ann", 1);
  ASSERT_TRUE(hq->stage({{"S001", "B1", ann}}, at(1)));
  ASSERT_TRUE(hq->convert_staged(10, at(2)));
  auto restaged = hq->stage({{"S001", "B1", ann}}, at(3));
  ASSERT_TRUE(restaged);
  EXPECT_EQ(*restaged, 0u);
  EXPECT_EQ(*hq->staged_count(), 0u);
  EXPECT_EQ(*hq->customer_count(), 1u);
}

TEST(Hq, SalesAgainstAGuidAreRelinkedOnConversionAndAfter) {
  auto hq = open_hq(":memory:");
  auto ann = pending("Ann", 1);
  const auto& guid = ann.id.async_guid;
  sale_transaction before{"T-1", "S001", "S001-T1", guid, 1500, at(1),
                          {{"SKU-1", 1, 1500}}};
  ASSERT_TRUE(*hq->record_sale(before));
  EXPECT_FALSE(*hq->record_sale(before));  // an upload retry adds nothing
  ASSERT_TRUE(hq->stage({{"S001", "B1", ann}}, at(2)));
  auto map = hq->convert_staged(10, at(3));
  ASSERT_TRUE(map);
  ASSERT_EQ(map->mapped.size(), 1u);
  const auto& account = map->mapped[0].account_number;
  EXPECT_EQ(*hq->account_for_guid(guid), account);
  sale_transaction after{"T-2", "S001", "S001-T1", guid, 2500, at(4), {}};
  ASSERT_TRUE(*hq->record_sale(after));
  auto sales = hq->sales_for(account);
  ASSERT_TRUE(sales);
  ASSERT_EQ(sales->size(), 2u);
  EXPECT_EQ((*sales)[0].transaction_id, "T-1");
  EXPECT_EQ((*sales)[0].lines, before.lines);
  EXPECT_EQ((*sales)[1].transaction_id, "T-2");
  EXPECT_TRUE(hq->sales_for(guid)->empty());
}

TEST(Hq, EditsAreAuditedFieldByField) {
  auto hq = open_hq(":memory:");
  auto c = hq->create_customer(test::sample_customer("Ann", "Lee"), "S001", "B1",
                               "cashier-1", at(10));
  ASSERT_TRUE(c);
  auto edited = *c;
  edited.profile.last_name = "Lee-Smith";
  edited.profile.segment = "VIP";
  ASSERT_FALSE(hq->update_customer(edited, "manager-7", at(20)));
  // An edit that changes nothing writes no history.
  ASSERT_FALSE(hq->update_customer(edited, "manager-7", at(21)));
  auto history = hq->history(c->id.account_number);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].field, "created");
  EXPECT_EQ((*history)[0].old_value, "");
  EXPECT_EQ((*history)[0].new_value, "S001");  // the store that created it
  EXPECT_EQ((*history)[0].changed_by, "cashier-1");
  EXPECT_EQ((*history)[0].changed_at, at(10));
  EXPECT_EQ((*history)[1].field, "last_name");
  EXPECT_EQ((*history)[1].old_value, "\"Lee\"");
  EXPECT_EQ((*history)[1].new_value, "\"Lee-Smith\"");
  EXPECT_EQ((*history)[1].changed_by, "manager-7");
  EXPECT_EQ((*history)[1].changed_at, at(20));
  EXPECT_EQ((*history)[2].field, "segment");
  auto found = hq->find(c->id.account_number);
  EXPECT_EQ((*found)->profile.last_name, "Lee-Smith");
}

TEST(Hq, EditOfAnUnknownCustomerIsRefused) {
  auto hq = open_hq(":memory:");
  auto ghost = test::sample_customer("No", "Body");
  ghost.id.account_number = "C404";
  auto err = hq->update_customer(ghost, "manager", at(1));
  ASSERT_TRUE(err);
  EXPECT_EQ(error_code(err), ec::not_found);
}

TEST(Hq, SyncCreationWithAGuidIsIdempotentAndBlocksAsyncDuplicates) {
  auto hq = open_hq(":memory:");
  auto ann = pending("Ann", 1);  // the terminal's GUID for this creation
  auto first = hq->create_customer(ann, "S001", "B1", "c", at(1));
  auto retry = hq->create_customer(ann, "S001", "B1", "c", at(2));
  ASSERT_TRUE(first && retry);
  EXPECT_EQ(retry->id.account_number, first->id.account_number);
  EXPECT_EQ(*hq->customer_count(), 1u);
  // The store had timed out and fell back to Async: its upload is skipped.
  auto staged = hq->stage({{"S001", "B1", ann}}, at(3));
  ASSERT_TRUE(staged);
  EXPECT_EQ(*staged, 0u);
  EXPECT_TRUE(hq->convert_staged(10, at(4))->mapped.empty());
  EXPECT_EQ(*hq->customer_count(), 1u);
  // 1010 brings the account to the store's pending row with that GUID.
  auto dist = hq->distribution_after("B1", 0, 10);
  ASSERT_EQ(dist->customers.size(), 1u);
  EXPECT_EQ(dist->customers[0].id.async_guid, ann.id.async_guid);
}

TEST(Hq, DistributionFollowsTheAddressBookAndChangeOrder) {
  auto hq = open_hq(":memory:");
  auto ann = hq->create_customer(test::sample_customer("Ann", "North"), "S001",
                                 "NORTH", "c", at(1));
  auto bob = hq->create_customer(test::sample_customer("Bob", "South"), "S009",
                                 "SOUTH", "c", at(2));
  auto pending_cy = pending("Cy", 3);
  ASSERT_TRUE(ann && bob);
  ASSERT_TRUE(hq->stage({{"S002", "NORTH", pending_cy}}, at(3)));
  ASSERT_TRUE(hq->convert_staged(10, at(4)));
  auto north = hq->distribution_after("NORTH", 0, 100);
  ASSERT_TRUE(north);
  ASSERT_EQ(north->customers.size(), 2u);
  EXPECT_EQ(north->customers[0].id.account_number, ann->id.account_number);
  EXPECT_EQ(north->customers[1].id.async_guid, pending_cy.id.async_guid);
  auto rest = hq->distribution_after("NORTH", north->last_seq, 100);
  ASSERT_TRUE(rest);
  EXPECT_TRUE(rest->customers.empty());
  EXPECT_EQ(rest->last_seq, north->last_seq);
  // An edit makes the customer due again.
  auto edited = *ann;
  edited.profile.segment = "VIP";
  ASSERT_FALSE(hq->update_customer(edited, "m", at(5)));
  auto again = hq->distribution_after("NORTH", north->last_seq, 100);
  ASSERT_EQ(again->customers.size(), 1u);
  EXPECT_EQ(again->customers[0].profile.segment, "VIP");
  EXPECT_EQ(hq->distribution_after("SOUTH", 0, 100)->customers.size(), 1u);
}

TEST(Hq, SearchAllStoresByEmailPhoneNameAndAccount) {
  auto hq = open_hq(":memory:");
  auto ann = hq->create_customer(test::sample_customer("Ann", "Lee"), "S001",
                                 "B1", "c", at(1));
  ASSERT_TRUE(ann);
  auto hits = [&](const std::string& text) {
    auto r = hq->search({text, search_field::any}, "US", 10);
    EXPECT_TRUE(r) << describe(r.error());
    return r ? r->size() : 0u;
  };
  EXPECT_EQ(hits("ANN.LEE@example.com"), 1u);
  EXPECT_EQ(hits("(707) 320-2478"), 1u);
  EXPECT_EQ(hits("ann l"), 1u);
  EXPECT_EQ(hits(ann->id.account_number), 1u);
  EXPECT_EQ(hits("Bob"), 0u);
  EXPECT_EQ(hits("%"), 0u);  // LIKE wildcards are literal
  EXPECT_EQ(hits("' OR 1=1 --"), 0u);
  auto inactive = *ann;
  inactive.status = customer_status::inactive;
  ASSERT_FALSE(hq->update_customer(inactive, "m", at(2)));
  EXPECT_EQ(hits("Ann"), 0u);
  auto with_inactive = hq->search({"Ann", search_field::name, status_filter::any}, "US", 10);
  ASSERT_TRUE(with_inactive);
  EXPECT_EQ(with_inactive->size(), 1u);
}

// -- duplicates and merge -------------------------------------------------------

namespace {

sale_transaction sale_of(const std::string& id, const std::string& ref,
                         int64_t cents) {
  return {id, "S001", "S001-T1", ref, cents, at(20), {{"SKU-1", 1, cents}}};
}

/// The same person as `c`, entered again with another email.
customer twin_of(customer c, const std::string& email) {
  c.id = {};
  c.profile.emails[0].address = email;
  return c;
}

} // namespace

TEST(Hq, MergeMovesSalesHistoryContactsAndCardToTheSurvivor) {
  auto hq = open_hq(":memory:");
  auto ann = test::sample_customer("Ann", "Lee");
  ann.loyalty = loyalty_card{"L-1", 100};
  auto keep = hq->create_customer(ann, "S001", "B1", "cashier-1", at(10));
  auto again = twin_of(ann, "ann.work@example.com");
  again.loyalty = loyalty_card{"L-2", 40};
  again.profile.clubs.push_back({"Wine club", "Gold", at(5)});
  auto drop = hq->create_customer(again, "S002", "B1", "cashier-2", at(11));
  ASSERT_TRUE(keep && drop);
  const auto& k = keep->id.account_number;
  const auto& d = drop->id.account_number;
  ASSERT_TRUE(*hq->record_sale(sale_of("T-1", k, 1000)));
  ASSERT_TRUE(*hq->record_sale(sale_of("T-2", d, 2500)));
  ASSERT_TRUE(*hq->record_sale(sale_of("T-3", d, 500)));
  auto dup_history = hq->history(d)->size();
  hq_feature_flags contacts;  // the survivor may gain secondary contacts
  contacts.multiple_contacts_with_consent = true;
  auto merged = hq->merge(k, d, "manager-1", at(30), contacts);
  ASSERT_TRUE(merged) << describe(merged.error());
  // Contacts and clubs the duplicate alone had, as secondary ones; both
  // cards' points on the survivor's card.
  ASSERT_EQ(merged->profile.emails.size(), 2u);
  EXPECT_TRUE(merged->profile.emails[0].primary);
  EXPECT_EQ(merged->profile.emails[1].address, "ann.work@example.com");
  EXPECT_FALSE(merged->profile.emails[1].primary);
  EXPECT_EQ(merged->profile.phones.size(), 1u);  // the same phone, once
  ASSERT_EQ(merged->profile.clubs.size(), 1u);
  ASSERT_TRUE(merged->loyalty);
  EXPECT_EQ(merged->loyalty->card_number, "L-1");
  EXPECT_EQ(merged->loyalty->points, 140);
  EXPECT_EQ(**hq->find(k), *merged);
  // Every sale is the survivor's, and so are sales still arriving under
  // the duplicate's account number.
  ASSERT_TRUE(*hq->record_sale(sale_of("T-4", d, 300)));
  auto sales = hq->sales_for(k);
  ASSERT_EQ(sales->size(), 4u);
  int64_t total = 0;
  for (const auto& s : *sales)
    total += s.amount_cents;
  EXPECT_EQ(total, 1000 + 2500 + 500 + 300);
  EXPECT_TRUE(hq->sales_for(d)->empty());
  // The duplicate is inactive, without card, and its history moved.
  auto gone = **hq->find(d);
  EXPECT_EQ(gone.status, customer_status::inactive);
  EXPECT_FALSE(gone.loyalty);
  auto history = *hq->history(k);
  EXPECT_EQ(history.front().field, "created");
  EXPECT_EQ(history.back().field, "merged_from");
  EXPECT_EQ(history.back().new_value, "\"" + d + "\"");
  EXPECT_EQ(history.back().changed_by, "manager-1");
  auto left = *hq->history(d);
  EXPECT_EQ(left.back().field, "merged_into");
  // 1 created + emails + clubs + loyalty + merged_from at the survivor,
  // beside what the duplicate had.
  EXPECT_GE(history.size(), 1 + dup_history + 1);
  // A merged customer takes part in no further merge or edit.
  auto twice = hq->merge(k, d, "manager-1", at(31));
  ASSERT_FALSE(twice);
  EXPECT_EQ(error_code(twice.error()), ec::customer_merged);
  gone.profile.notes = "back";
  EXPECT_EQ(error_code(hq->update_customer(gone, "x", at(32))),
            ec::customer_merged);
  // The survivor's card is found by loyalty-card search, the retired one
  // by nobody.
  auto by_card = hq->search({"L-1"}, "US", 10);
  ASSERT_EQ(by_card->size(), 1u);
  EXPECT_EQ(by_card->front().id.account_number, k);
  EXPECT_TRUE(hq->search({"L-2"}, "US", 10)->empty());
}

TEST(Hq, MergeRefusalsChangeNothing) {
  auto hq = open_hq(":memory:");
  auto a = hq->create_customer(test::sample_customer("Ann", "Lee"), "S001",
                               "B1", "c", at(1));
  ASSERT_TRUE(a);
  const auto& k = a->id.account_number;
  EXPECT_EQ(error_code(hq->merge(k, k, "m", at(2)).error()),
            ec::value_out_of_range);
  EXPECT_EQ(error_code(hq->merge(k, "C999999999", "m", at(2)).error()),
            ec::not_found);
  EXPECT_EQ(hq->history(k)->size(), 1u);
  EXPECT_EQ(**hq->find(k), *a);
}

TEST(Hq, AsyncSyncJobMergesOnlyOnStrongEvidenceAndFlagsTheRest) {
  // docs/store-operations.md: merging without a person needs the same name
  // and the same email, or the same name, phone and address; the same name
  // and phone alone (seed 004's two John Smiths of one household) is
  // flagged for review.
  for (auto policy : {duplicate_policy::flag_for_review,
                      duplicate_policy::merge}) {
    auto hq = open_hq(":memory:");
    auto ann = test::sample_customer("Ann", "Lee");
    ann.profile.addresses.push_back(
      {address_purpose::home, "1 Main St", "Napa", "CA", "94559", "US", true});
    auto first = hq->create_customer(ann, "S001", "B1", "c", at(1));
    ASSERT_TRUE(first);
    // Stores created her Async before any knew: with the same email
    // (another phone); with the same phone and address (another email);
    // with the same phone only; a different Ann Lee; the generic address.
    auto same_email = ann;
    same_email.id.async_guid = make_async_guid(1, 2);
    same_email.profile.phones[0].number = "+14155550111";
    same_email.profile.addresses.clear();
    auto same_home = twin_of(ann, "ann.home@example.com");
    same_home.id.async_guid = make_async_guid(9, 10);
    auto same_phone = twin_of(ann, "ann.other@example.com");
    same_phone.profile.addresses.clear();
    same_phone.id.async_guid = make_async_guid(11, 12);
    auto other = test::sample_customer("Ann", "Lee");
    other.profile.emails[0].address = "someone.else@example.com";
    other.profile.phones[0].number = "+14155550100";
    other.id.async_guid = make_async_guid(3, 4);
    auto generic = twin_of(ann, "noemail@store.example");
    generic.profile.phones.clear();
    generic.id.async_guid = make_async_guid(5, 6);
    ASSERT_TRUE(hq->stage({{"S002", "B1", same_email},
                           {"S003", "B1", same_home},
                           {"S004", "B1", same_phone},
                           {"S005", "B1", other},
                           {"S006", "B1", generic}},
                          at(2)));
    auto sale = sale_of("T-9", same_email.id.async_guid, 700);
    ASSERT_TRUE(*hq->record_sale(sale));
    auto converted = hq->convert_staged(10, at(3),
                                        {policy, "noemail@store.example", {}});
    ASSERT_TRUE(converted) << describe(converted.error());
    ASSERT_EQ(converted->mapped.size(), 5u);
    EXPECT_TRUE(converted->failed.empty());
    auto account = [&](const customer& c) {
      return *hq->account_for_guid(c.id.async_guid);
    };
    auto status = [&](const customer& c) {
      return (**hq->find(account(c))).status;
    };
    std::map<std::string, std::string> flagged;
    auto queue = *hq->review_queue(10);
    for (const auto& pair : queue) {
      EXPECT_EQ(pair.candidate, first->id.account_number);
      flagged[pair.account_number] = pair.reason;
    }
    EXPECT_EQ(flagged[account(same_phone)], "same name and phone only");
    EXPECT_EQ(status(same_phone), customer_status::active);
    if (policy == duplicate_policy::flag_for_review) {
      EXPECT_EQ(flagged.size(), 3u);
      EXPECT_EQ(flagged[account(same_email)], "same name and email");
      EXPECT_EQ(flagged[account(same_home)], "same name, phone and address");
      EXPECT_EQ(status(same_email), customer_status::active);
    } else {
      EXPECT_EQ(flagged.size(), 1u);
      EXPECT_EQ(status(same_email), customer_status::inactive);
      EXPECT_EQ(status(same_home), customer_status::inactive);
      EXPECT_EQ(hq->history(account(same_email))->back().changed_by,
                "async-sync job");
      // The sale followed the merged customer to the first Ann.
      EXPECT_EQ(hq->sales_for(first->id.account_number)->size(), 1u);
    }
    EXPECT_EQ(*hq->customer_count(), 6u);
  }
}

TEST(Hq, AGuidStagedThenCommittedBySyncIsConvertedNeverTwice) {
  // The order worse than an orphan: the P-job stages a fallback's GUID,
  // then HQ commits the same creation's late Sync call, then the
  // async-sync job meets the staged row. It is dropped, not converted
  // again, and never holds up the queue behind it.
  auto hq = open_hq(":memory:");
  auto ann = pending("Ann", 1);
  auto bob = pending("Bob", 2);
  ASSERT_TRUE(hq->stage({{"S001", "B1", ann}, {"S001", "B1", bob}}, at(1)));
  auto sync = hq->create_customer(ann, "S001", "B1", "cashier-1", at(2));
  ASSERT_TRUE(sync) << describe(sync.error());
  auto converted = hq->convert_staged(10, at(3));
  ASSERT_TRUE(converted) << describe(converted.error());
  EXPECT_TRUE(converted->failed.empty());
  ASSERT_EQ(converted->mapped.size(), 1u);
  EXPECT_EQ(converted->mapped[0].async_guid, bob.id.async_guid);
  EXPECT_EQ(*hq->staged_count(), 0u);
  EXPECT_EQ(*hq->customer_count(), 2u);
  EXPECT_EQ(*hq->account_for_guid(ann.id.async_guid), sync->id.account_number);
  EXPECT_EQ(hq->mappings_after(0)->size(), 2u);
}

TEST(Hq, ACustomerThatCannotBeConvertedStaysStagedAndTheRestConvert) {
  test::temp_dir dir;
  auto path = dir.file("hq.db");
  auto hq = open_hq(path);
  auto ann = pending("Ann", 1);
  auto bob = pending("Bob", 2);
  ASSERT_TRUE(hq->stage({{"S001", "B1", ann}, {"S001", "B1", bob}}, at(1)));
  {
    // Ann's staged record is damaged.
    SQLite::Database raw{path, SQLite::OPEN_READWRITE};
    raw.exec("UPDATE async_staging SET record = '{\"profile\": 7' WHERE "
             "async_guid = '" + ann.id.async_guid + "'");
  }
  auto converted = hq->convert_staged(10, at(2));
  ASSERT_TRUE(converted) << describe(converted.error());
  ASSERT_EQ(converted->failed.size(), 1u);
  EXPECT_EQ(error_code(converted->failed[0]), ec::storage_failure);
  ASSERT_EQ(converted->mapped.size(), 1u);
  EXPECT_EQ(converted->mapped[0].async_guid, bob.id.async_guid);
  EXPECT_EQ(*hq->staged_count(), 1u);  // Ann waits, visibly
  // Converted customers begin their history with a 'created' row.
  auto history = *hq->history(converted->mapped[0].account_number);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.front().field, "created");
  EXPECT_EQ(history.front().changed_by, "async-sync job");
  EXPECT_EQ(history.front().new_value, "S001");
}

TEST(Hq, LoyaltyCardsAreOnePerCustomer) {
  auto hq = open_hq(":memory:");
  auto a = test::sample_customer("Ann", "Lee");
  a.loyalty = loyalty_card{"L-7", 0};
  auto b = test::sample_customer("Bob", "Ray");
  b.loyalty = loyalty_card{"L-7", 0};
  ASSERT_TRUE(hq->create_customer(a, "S001", "B1", "c", at(1)));
  auto second = hq->create_customer(b, "S001", "B1", "c", at(2));
  ASSERT_FALSE(second);
  EXPECT_EQ(error_code(second.error()), ec::uniqueness_violation);
}

TEST(Hq, AnImportGivesAccountNumbersInOrderAndACreatedRowNamingTheFile) {
  auto hq = open_hq(":memory:");
  ASSERT_TRUE(hq->create_customer(test::sample_customer("Sam", "Sync"), "S001",
                                  "B1", "cashier-1", at(1)));
  std::vector<storage::staged_customer> batch{
    {"S002", "B1", test::sample_customer("Ann", "Lee")},
    {"S003", "B2", test::sample_customer("Bob", "Ray")}};
  auto all_of = [&](const storage::import_source::argument_type add) {
    for (const auto& item : batch)
      if (auto err = add(item))
        return err;
    return caf::error{};
  };
  auto accounts = hq->import_customers(all_of, "base.csv", "importer", at(5));
  ASSERT_TRUE(accounts) << describe(accounts.error());
  EXPECT_EQ(accounts->count, 2u);
  EXPECT_EQ(accounts->first, "C000000002");
  EXPECT_EQ(accounts->last, "C000000003");
  auto history = hq->history("C000000003");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].field, "created");
  EXPECT_EQ((*history)[0].new_value, "base.csv");
  EXPECT_EQ((*history)[0].changed_by, "importer");
  EXPECT_EQ((*history)[0].changed_at, at(5));
  // All or nothing: a record that already has an id refuses the batch.
  batch[1].record.id.account_number = "C000000099";
  EXPECT_FALSE(hq->import_customers(all_of, "again.csv", "importer", at(6)));
  EXPECT_EQ(*hq->customer_count(), 3u);
  // So does a source that fails after handing on good customers (a file
  // that turns out bad half-way through).
  batch[1].record.id.account_number.clear();
  auto fails_late = [&](const storage::import_source::argument_type add) {
    if (auto err = all_of(add))
      return err;
    return make_error(ec::malformed_file, "base.csv", "changed while read");
  };
  EXPECT_FALSE(
    hq->import_customers(fails_late, "again.csv", "importer", at(6)));
  EXPECT_EQ(*hq->customer_count(), 3u);
}
