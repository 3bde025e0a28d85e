// Store operations on the actors (seeds 002 and 004): permissions,
// deactivation, change history, phone formats, the email prompt and
// purchase history.

#include <gtest/gtest.h>

#include "caf/send.hpp"

#include "actors/terminal_actor.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace retailsim;
using test::actor_fixture;

namespace {

const staff_member manager{"mgr-1", staff_role::manager};
const staff_member read_only{"ro-1", staff_role::read_only};

} // namespace

class StoreOperations : public actor_fixture {
public:
  void login(size_t terminal, staff_member who) {
    caf::anon_send(w.terminals[terminal], atom::login_v, std::move(who));
    run();
  }

  caf::expected<customer> edit_at(size_t terminal, customer record) {
    return ask<customer>(w.terminals[terminal], atom::edit_v,
                         std::move(record));
  }

  std::vector<customer> search(size_t store, const std::string& text,
                               status_filter status) {
    search_query q{text, search_field::any, status};
    auto found = ask<std::vector<customer>>(w.stores[store], atom::search_v, q);
    EXPECT_TRUE(found) << describe(found.error());
    return found ? *found : std::vector<customer>{};
  }

  std::vector<change_record> history(const std::string& account) {
    auto changes = ask<std::vector<change_record>>(
      w.stores[0], atom::history_v, account, manager);
    EXPECT_TRUE(changes) << describe(changes.error());
    return changes ? *changes : std::vector<change_record>{};
  }
};

TEST_F(StoreOperations, DeactivatedCustomersHideUntilReactivatedAndKeepTheirHistory) {
  start();
  auto created = create_at(0, draft("Dee", "(707) 320-2478"));
  ASSERT_TRUE(created) << describe(created.error());
  auto account = created->record.id.account_number;
  auto record = created->record;
  record.profile.segment = "VIP";
  ASSERT_TRUE(edit_at(0, record));
  // A cashier may not deactivate: a manager's permission.
  auto inactive = record;
  inactive.status = customer_status::inactive;
  auto refused = edit_at(0, inactive);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::permission_denied);
  EXPECT_EQ(error_field(refused.error()), "customer.status");
  EXPECT_EQ(search(0, "707-320-2478", status_filter::active).size(), 1u);
  login(0, manager);
  ASSERT_TRUE(edit_at(0, inactive));
  // Hidden from the default search, found with the status filter.
  EXPECT_TRUE(search(0, "707-320-2478", status_filter::active).empty());
  auto found = search(0, "707-320-2478", status_filter::inactive);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].status, customer_status::inactive);
  EXPECT_EQ(found[0].profile.segment, "VIP");
  EXPECT_EQ(search(0, "707-320-2478", status_filter::any).size(), 1u);
  // Reactivated: back in the default search with everything it had.
  ASSERT_TRUE(edit_at(0, record));
  auto back = search(0, "707-320-2478", status_filter::active);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], record);
  // Created, segment set, deactivated, reactivated: who, when, what.
  auto changes = history(account);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].field, "created");
  EXPECT_EQ(changes[0].new_value, store_id(0));
  EXPECT_EQ(changes[1].field, "segment");
  EXPECT_EQ(changes[1].new_value, "\"VIP\"");
  EXPECT_EQ(changes[1].changed_by, terminal_id(0, 0));
  EXPECT_EQ(changes[2].field, "status");
  EXPECT_EQ(changes[2].old_value, "\"active\"");
  EXPECT_EQ(changes[2].new_value, "\"inactive\"");
  EXPECT_EQ(changes[2].changed_by, "mgr-1");
  EXPECT_EQ(changes[3].field, "status");
  EXPECT_EQ(changes[3].new_value, "\"active\"");
  EXPECT_EQ(changes[3].changed_by, "mgr-1");
  EXPECT_LE(changes[2].changed_at, changes[3].changed_at);
}

TEST_F(StoreOperations, AReadOnlyUsersEditIsRefusedAndNothingIsWritten) {
  start();
  auto created = create_at(0, draft("Rita", "(415) 239-4001"));
  ASSERT_TRUE(created) << describe(created.error());
  login(0, read_only);
  auto edited = created->record;
  edited.profile.first_name = "Rhonda";
  auto refused = edit_at(0, edited);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::permission_denied);
  EXPECT_EQ(describe(refused.error()),
            "permission_denied: customer.edit: 'ro-1' (read_only) lacks "
            "permission customer.edit");
  auto at_hq = dbs.hq->find(created->record.id.account_number);
  ASSERT_TRUE(at_hq && *at_hq);
  EXPECT_EQ(**at_hq, created->record);
  // Only the creation is in the history.
  EXPECT_EQ(history(created->record.id.account_number).size(), 1u);
  auto local = search(0, "415-239-4001", status_filter::any);
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0], created->record);
  // Nor may a read-only user create.
  auto no = create_at(0, draft("Nemo", "(415) 239-4002"));
  ASSERT_FALSE(no);
  EXPECT_EQ(error_field(no.error()), "customer.create");
  EXPECT_EQ(*dbs.hq->customer_count(), 1u);
}

TEST_F(StoreOperations, PhoneNumbersTypedInFiveFormatsAreStoredAsOne) {
  start();
  const char* typed[] = {"(707) 320-2478", "707-320-2478", "707.320.2478",
                         "+1 707 320 2478", "7073202478"};
  // Five cashiers, five habits: one stored format.
  for (size_t i = 0; i < std::size(typed); ++i) {
    auto created = create_at(0, draft("Caller" + std::string(1, 'A' + i),
                                      typed[i]));
    ASSERT_TRUE(created) << typed[i] << ": " << describe(created.error());
    ASSERT_EQ(created->record.profile.phones.size(), 1u);
    EXPECT_EQ(created->record.profile.phones[0].number, "+17073202478")
      << typed[i];
  }
  // Whatever format a search uses, it finds all five.
  for (auto text : typed)
    EXPECT_EQ(search(0, text, status_filter::active).size(), 5u) << text;
}

TEST_F(StoreOperations, TheEmailPromptAsksOnceThenUsesTheGenericAddress) {
  cfg.groups[0].prompt_for_email = true;
  start();
  auto no_email = draft("Em", "(212) 346-7788");
  auto first = create_at(0, no_email);
  ASSERT_FALSE(first);
  EXPECT_EQ(error_code(first.error()), ec::email_prompt);
  EXPECT_EQ(*dbs.hq->customer_count(), 0u);
  // "Select customer" again on the same draft.
  auto second = create_at(0, no_email);
  ASSERT_TRUE(second) << describe(second.error());
  ASSERT_EQ(second->record.profile.emails.size(), 1u);
  EXPECT_EQ(second->record.profile.emails[0].address, "noemail@store.example");
  // Entering an email after the prompt creates with that email.
  auto third_draft = draft("Al", "(212) 346-7789");
  EXPECT_FALSE(create_at(0, third_draft));
  third_draft.profile.emails.push_back({"al@example.com", true, {}});
  auto third = create_at(0, third_draft);
  ASSERT_TRUE(third) << describe(third.error());
  EXPECT_EQ(third->record.profile.emails[0].address, "al@example.com");
}

TEST_F(StoreOperations, PurchaseHistoryCountsEverySaleOnceBeforeAndAfterTheUpload) {
  start();
  auto created = create_at(0, draft("Pat", "(303) 692-1831"));
  ASSERT_TRUE(created) << describe(created.error());
  auto ref = created->record.id.account_number;
  auto sale = [&](const std::string& id, int64_t cents, const char* product) {
    sale_transaction s{id,   store_id(0), terminal_id(0, 0), ref,
                       cents, {},          {{product, 1, cents}}};
    auto ok = ask<bool>(w.terminals[0], atom::sale_v, s);
    ASSERT_TRUE(ok && *ok) << id;
  };
  sale("T1", 1000, "WINE");
  sale("T2", 3000, "WINE");
  run_job(job_kind::p_job);
  sale("T3", 2000, "CHEESE");
  auto h = ask<purchase_history>(w.stores[0], atom::purchases_v, ref,
                                 read_only);
  ASSERT_TRUE(h) << describe(h.error());
  EXPECT_EQ(h->transactions.size(), 3u);
  EXPECT_EQ(h->orders, 3u);
  EXPECT_EQ(h->total_cents, 6000);
  EXPECT_EQ(h->average_order_cents, 2000);
  ASSERT_FALSE(h->top_products.empty());
  EXPECT_EQ(h->top_products[0].product_id, "WINE");
  EXPECT_EQ(h->top_products[0].quantity, 2);
}

TEST_F(StoreOperations, TwoJohnSmithsAreBothKeptAndTheFirstIsOfferedBeforeTheSecond) {
  start();
  auto john = [](const std::string& email, const std::string& phone) {
    customer_draft d;
    d.profile.first_name = "John";
    d.profile.last_name = "Smith";
    d.profile.emails.push_back({email, true, {}});
    d.profile.phones.push_back({phone, true, {}});
    return d;
  };
  auto first_draft = john("john@example.com", "(707) 320-2478");
  auto none = ask<std::vector<customer>>(w.terminals[0], atom::similar_v,
                                         first_draft);
  ASSERT_TRUE(none) << describe(none.error());
  EXPECT_TRUE(none->empty());
  auto first = create_at(0, first_draft);
  ASSERT_TRUE(first) << describe(first.error());
  // Same name, another email and phone: offered as a similar match ...
  auto second_draft = john("j.smith@example.org", "(415) 239-4001");
  auto offered = ask<std::vector<customer>>(w.terminals[0], atom::similar_v,
                                            second_draft);
  ASSERT_TRUE(offered) << describe(offered.error());
  ASSERT_EQ(offered->size(), 1u);
  EXPECT_EQ((*offered)[0].id, first->record.id);
  // ... and the cashier decides it is a new person: both are kept.
  auto second = create_at(0, second_draft);
  ASSERT_TRUE(second) << describe(second.error());
  EXPECT_NE(second->record.id.account_number, first->record.id.account_number);
  EXPECT_EQ(*dbs.hq->customer_count(), 2u);
  EXPECT_EQ(search(0, "John Smith", status_filter::active).size(), 2u);
  // The same email typed in capitals is the strongest match, first.
  auto same_email = john("JOHN@EXAMPLE.COM", "(212) 346-7788");
  same_email.profile.first_name = "Jon";
  auto strong = ask<std::vector<customer>>(w.terminals[0], atom::similar_v,
                                           same_email);
  ASSERT_TRUE(strong) << describe(strong.error());
  ASSERT_EQ(strong->size(), 1u);
  EXPECT_EQ((*strong)[0].id, first->record.id);
  // A John Smith with the second one's email: that match comes first, the
  // name-only match after it.
  auto both = ask<std::vector<customer>>(
    w.terminals[0], atom::similar_v,
    john("j.smith@example.org", "(212) 346-7790"));
  ASSERT_TRUE(both) << describe(both.error());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].id, second->record.id);
  EXPECT_EQ((*both)[1].id, first->record.id);
  // The generic address identifies nobody.
  auto generic = john("noemail@store.example", "(212) 346-7788");
  generic.profile.first_name = "Someone";
  auto nobody = ask<std::vector<customer>>(w.terminals[0], atom::similar_v,
                                           generic);
  ASSERT_TRUE(nobody);
  EXPECT_TRUE(nobody->empty());
}

TEST_F(StoreOperations, OfflineTheTerminalOffersWhatItCreatedOffline) {
  start();
  caf::anon_send(w.terminals[0], atom::link_v, false);
  run();
  auto first = create_at(0, draft("Olli", "(707) 320-2478"));
  ASSERT_TRUE(first) << describe(first.error());
  EXPECT_EQ(first->mode, creation_mode::offline);
  auto again = draft("Olli", "(415) 239-4001");
  auto offered = ask<std::vector<customer>>(w.terminals[0], atom::similar_v,
                                            again);
  ASSERT_TRUE(offered) << describe(offered.error());
  ASSERT_EQ(offered->size(), 1u);
  EXPECT_EQ((*offered)[0].id.async_guid, first->record.id.async_guid);
}

namespace {

customer_draft person(const std::string& email) {
  auto d = actor_fixture::draft("Ann", "(707) 320-2478");
  d.profile.last_name = "Lee";
  d.profile.emails.push_back({email, true, {}});
  return d;
}

} // namespace

TEST_F(StoreOperations, AMergeAtHqMovesEverySaleAndTheSurvivorsStatisticsAddUp) {
  // The survivor may gain the duplicate's email as a secondary one.
  cfg.flags.multiple_contacts_with_consent = true;
  start();
  auto first = create_at(0, person("ann@example.com"));
  auto again = create_at(1, person("ann.lee@work.example"));
  ASSERT_TRUE(first && again);
  auto keep = first->record.id.account_number;
  auto drop = again->record.id.account_number;
  auto sale = [&](size_t store, const std::string& id,
                  const std::string& ref, int64_t cents) {
    sale_transaction s{id,    store_id(store), terminal_id(store, 0), ref,
                       cents, {},              {{"WINE", 1, cents}}};
    auto ok = ask<bool>(w.terminals[store], atom::sale_v, s);
    ASSERT_TRUE(ok && *ok) << id;
  };
  sale(0, "T1", keep, 1000);
  sale(0, "T2", keep, 3000);
  sale(1, "T3", drop, 2000);
  run_job(job_kind::p_job);
  // Sold to the duplicate after HQ has its other sales: the next P-job
  // brings it to HQ after the merge.
  sale(1, "T4", drop, 500);
  auto found = ask<std::vector<customer>>(w.stores[0], atom::duplicates_v,
                                          keep, manager);
  ASSERT_TRUE(found) << describe(found.error());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id.account_number, drop);
  // A cashier may not merge: refused, nothing changes.
  auto refused = ask<customer>(w.terminals[0], atom::merge_v, keep, drop);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::permission_denied);
  EXPECT_EQ(error_field(refused.error()), "customer.merge");
  EXPECT_EQ(history(drop).size(), 1u);
  login(0, manager);
  auto merged = ask<customer>(w.terminals[0], atom::merge_v, keep, drop);
  ASSERT_TRUE(merged) << describe(merged.error());
  EXPECT_EQ(merged->id.account_number, keep);
  ASSERT_EQ(merged->profile.emails.size(), 2u);
  EXPECT_EQ(merged->profile.emails[1].address, "ann.lee@work.example");
  run_job(job_kind::p_job);
  auto h = ask<purchase_history>(w.stores[0], atom::purchases_v, keep,
                                 read_only);
  ASSERT_TRUE(h) << describe(h.error());
  EXPECT_EQ(h->transactions.size(), 4u);
  EXPECT_EQ(h->orders, 4u);
  EXPECT_EQ(h->total_cents, 1000 + 3000 + 2000 + 500);
  EXPECT_EQ(h->average_order_cents, 1625);
  ASSERT_FALSE(h->top_products.empty());
  EXPECT_EQ(h->top_products[0].quantity, 4);
  // The survivor's history says what happened; 1010 tells store 2 that
  // the duplicate is gone.
  EXPECT_EQ(history(keep).back().field, "merged_from");
  run_job(job_kind::dist_1010);
  auto at_store_1 = search(1, "(707) 320-2478", status_filter::active);
  ASSERT_EQ(at_store_1.size(), 1u);
  EXPECT_EQ(at_store_1[0].id.account_number, keep);
  // A stale edit of the duplicate is refused, naming the survivor.
  auto stale = again->record;
  stale.profile.notes = "late edit";
  auto late = edit_at(0, stale);
  ASSERT_FALSE(late);
  EXPECT_EQ(error_code(late.error()), ec::customer_merged);
}

TEST_F(StoreOperations, TwoAsyncStoresCreatingOnePersonAreMergedAtConversion) {
  cfg.async_stores = {0, 1};
  cfg.duplicates = duplicate_policy::merge;
  start();
  // The same name and email: strong enough to merge without a person.
  auto first = create_at(0, person("ann@example.com"));
  auto again = create_at(1, person("ann@example.com"));
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->mode, creation_mode::async);
  for (auto [store, c, id] :
       {std::tuple{0, &*first, "T1"}, std::tuple{1, &*again, "T2"}}) {
    sale_transaction s{id,   store_id(store), terminal_id(store, 0),
                       c->record.id.async_guid, 1500, {}, {}};
    ASSERT_TRUE(*ask<bool>(w.terminals[store], atom::sale_v, s));
  }
  conversion_cycle();
  auto keep = *dbs.hq->account_for_guid(first->record.id.async_guid);
  auto drop = *dbs.hq->account_for_guid(again->record.id.async_guid);
  ASSERT_FALSE(keep.empty());
  ASSERT_FALSE(drop.empty());
  EXPECT_NE(keep, drop);  // each GUID its own account, exactly once
  // The job converts in GUID order: the one it met first survives.
  if (keep > drop)
    std::swap(keep, drop);
  EXPECT_EQ((**dbs.hq->find(drop)).status, customer_status::inactive);
  EXPECT_EQ(dbs.hq->sales_for(keep)->size(), 2u);
  EXPECT_TRUE(dbs.hq->review_queue(10)->empty());
  for (size_t store : {0u, 1u}) {
    auto found = search(store, "(707) 320-2478", status_filter::active);
    ASSERT_EQ(found.size(), 1u) << store;
    EXPECT_EQ(found[0].id.account_number, keep) << store;
  }
}

TEST_F(StoreOperations, TwoJohnSmithsOfOneHouseholdAreNeverMergedAutomatically) {
  // Seed 004: the same name and phone with other emails may be two
  // people. Even with automatic merging on, the pair waits for a person.
  cfg.async_stores = {0, 1};
  cfg.duplicates = duplicate_policy::merge;
  start();
  auto first = create_at(0, person("john@example.com"));
  auto again = create_at(1, person("john.smith@work.example"));
  ASSERT_TRUE(first && again);
  conversion_cycle();
  auto review = dbs.hq->review_queue(10);
  ASSERT_TRUE(review);
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].reason, "same name and phone only");
  for (const auto* c : {&*first, &*again}) {
    auto account = *dbs.hq->account_for_guid(c->record.id.async_guid);
    EXPECT_EQ((**dbs.hq->find(account)).status, customer_status::active);
  }
}

TEST_F(StoreOperations, TwoAsyncStoresCreatingOnePersonAreFlaggedByDefault) {
  cfg.async_stores = {0, 1};
  start();
  auto first = create_at(0, person("ann@example.com"));
  auto again = create_at(1, person("ann.lee@work.example"));
  ASSERT_TRUE(first && again);
  conversion_cycle();
  auto review = dbs.hq->review_queue(10);
  ASSERT_TRUE(review);
  ASSERT_EQ(review->size(), 1u);
  // The job converts in GUID order: the later one is flagged against the
  // earlier.
  auto a = *dbs.hq->account_for_guid(first->record.id.async_guid);
  auto b = *dbs.hq->account_for_guid(again->record.id.async_guid);
  EXPECT_EQ((*review)[0].account_number, std::max(a, b));
  EXPECT_EQ((*review)[0].candidate, std::min(a, b));
  EXPECT_EQ(*dbs.hq->customer_count(), 2u);
  // A manager sees the pair from a terminal and merges it; a cashier may
  // not even look.
  auto refused = ask<std::vector<duplicate_pair>>(w.terminals[1],
                                                  atom::review_v);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::permission_denied);
  login(1, manager);
  auto flagged = ask<std::vector<duplicate_pair>>(w.terminals[1],
                                                  atom::review_v);
  ASSERT_TRUE(flagged) << describe(flagged.error());
  ASSERT_EQ(*flagged, *review);
  auto merged = ask<customer>(w.terminals[1], atom::merge_v,
                              flagged->front().candidate,
                              flagged->front().account_number);
  ASSERT_TRUE(merged) << describe(merged.error());
  EXPECT_TRUE(ask<std::vector<duplicate_pair>>(w.terminals[1], atom::review_v)
                ->empty());
}

TEST_F(StoreOperations, LoyaltyCardsPointsAndClubsAreEditsWithHistory) {
  start();
  auto created = create_at(0, person("ann@example.com"));
  ASSERT_TRUE(created);
  auto ann = created->record;
  ann.loyalty = loyalty_card{"WINE-0001", 0};
  auto carded = edit_at(0, ann);
  ASSERT_TRUE(carded) << describe(carded.error());
  carded->loyalty->points += 120;
  carded->profile.clubs.push_back({"Wine club", "Gold", clock.now(
                                     sys().clock())});
  // A read-only user may look but not change points or clubs.
  login(0, read_only);
  auto refused = edit_at(0, *carded);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::permission_denied);
  EXPECT_EQ(error_field(refused.error()), "customer.loyalty");
  login(0, {"cashier-1", staff_role::cashier});
  auto joined = edit_at(0, *carded);
  ASSERT_TRUE(joined) << describe(joined.error());
  EXPECT_EQ(joined->loyalty->points, 120);
  ASSERT_EQ(joined->profile.clubs.size(), 1u);
  std::vector<std::string> fields;
  for (const auto& change : history(ann.id.account_number))
    fields.push_back(change.field);
  // The card; then, in one edit, the clubs (profile fields come first) and
  // the points.
  EXPECT_EQ(fields, (std::vector<std::string>{"created", "loyalty", "clubs",
                                              "loyalty"}));
  // 1010 brings the card to the other store of the book, where it finds her.
  run_job(job_kind::dist_1010);
  auto found = ask<std::vector<customer>>(
    w.stores[1], atom::search_v, search_query{"WINE-0001"});
  ASSERT_TRUE(found) << describe(found.error());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id.account_number, ann.id.account_number);
}

TEST_F(StoreOperations, AStoreDatabaseServesOneRequestAtATimeTakingItsServiceTime) {
  cfg.store_service_time = distribution::constant(0.2);
  start();
  // Two searches and a 1010 batch reach store 1 at the same instant. The
  // searches take 200 ms each, one after the other; the batch (no modelled
  // time of its own) is answered when the database is free, after them.
  // What answered, and how many milliseconds after the requests.
  using answers = std::vector<std::pair<std::string, int64_t>>;
  auto got = std::make_shared<answers>();
  sys().spawn(
    [](caf::event_based_actor* self, store_actor store,
       std::shared_ptr<answers> got) {
      auto t0 = self->clock().now();
      auto note = [self, got, t0](std::string what) {
        auto after = self->clock().now() - t0;
        got->emplace_back(
          std::move(what),
          std::chrono::duration_cast<std::chrono::milliseconds>(after)
            .count());
      };
      auto timeout = caf::timespan{std::chrono::hours(1)};
      search_query query{"Tester", search_field::any};
      for (auto name : {"first search", "second search"})
        self->request(store, timeout, atom::search_v, query)
          .then([note, name](std::vector<customer>&) { note(name); },
                [note](caf::error&) { note("error"); });
      self->request(store, timeout, atom::apply_v, dist_batch{})
        .then([note](uint64_t) { note("1010 batch"); },
              [note](caf::error&) { note("error"); });
    },
    w.stores[1], got);
  run();
  answers expected{
    {"first search", 200}, {"second search", 400}, {"1010 batch", 400}};
  EXPECT_EQ(*got, expected);
}

TEST_F(StoreOperations, SalesArrivingTogetherAtARealtimeStoreAreCommittedAsOne) {
  // Realtime, without a modelled service time, a store commits what
  // arrived while its last commit ran in one transaction: a 1010 batch
  // and four sales reach store 1 at once (the fourth repeats the first's
  // transaction id). The batch is one transaction, the four sales behind
  // it one more; each sale is answered after it, the repeat with false
  // (nothing new), as four commits would answer.
  cfg.runtime = runtime_kind::realtime;
  cfg.store_service_time = distribution::constant(0);
  start();
  auto before = dbs.channels[1]->commits();
  auto got = std::make_shared<std::vector<std::string>>();
  sys().spawn(
    [](caf::event_based_actor* self, store_actor store,
       std::shared_ptr<std::vector<std::string>> got) {
      auto timeout = caf::timespan{std::chrono::hours(1)};
      self->request(store, timeout, atom::apply_v, dist_batch{})
        .then([got](uint64_t) { got->push_back("1010 batch"); },
              [got](caf::error&) { got->push_back("error"); });
      for (auto id : {"T1", "T2", "T3", "T1"}) {
        sale_transaction s{id,  store_id(1), terminal_id(1, 0), "C000000009",
                           500, {},          {}};
        self->request(store, timeout, atom::sale_v, s)
          .then([got, id](bool added) {
                  got->push_back(std::string{id} + (added ? " new" : " seen"));
                },
                [got](caf::error&) { got->push_back("error"); });
      }
    },
    w.stores[1], got);
  run();
  std::vector<std::string> expected{"1010 batch", "T1 new", "T2 new",
                                    "T3 new", "T1 seen"};
  EXPECT_EQ(*got, expected);
  EXPECT_EQ(dbs.channels[1]->commits() - before, 2u);
  auto sales = dbs.channels[1]->sales_for("C000000009");
  ASSERT_TRUE(sales) << describe(sales.error());
  EXPECT_EQ(sales->size(), 3u);
}

TEST_F(StoreOperations, AnAddressAddedLaterGetsItsPurposeAndCountry) {
  // Seed 000's defaults hold for every address, not only at creation:
  // Home for a person, Business for an organization, the operating unit's
  // country.
  start();
  auto created = create_at(0, draft("Al", "(707) 320-2401"));
  ASSERT_TRUE(created) << describe(created.error());
  auto changed = created->record;
  changed.profile.addresses.push_back({address_purpose::unspecified,
                                       "1 Main St", "Napa", "CA", "94559", "",
                                       true});
  auto stored = edit_at(0, changed);
  ASSERT_TRUE(stored) << describe(stored.error());
  ASSERT_EQ(stored->profile.addresses.size(), 1u);
  EXPECT_EQ(stored->profile.addresses[0].purpose, address_purpose::home);
  EXPECT_EQ(stored->profile.addresses[0].country, "US");
  auto at_hq = **dbs.hq->find(created->record.id.account_number);
  EXPECT_EQ(at_hq.profile.addresses, stored->profile.addresses);
  auto business = customer_draft{customer_type::organization, {}};
  business.profile.name = "Acme Wines";
  business.profile.phones.push_back({"(707) 320-2402", true, {}});
  auto firm = create_at(0, business);
  ASSERT_TRUE(firm) << describe(firm.error());
  auto firm_changed = firm->record;
  firm_changed.profile.addresses.push_back({address_purpose::unspecified,
                                            "2 Dock Rd", "Napa", "CA",
                                            "94559", "", true});
  auto firm_stored = edit_at(0, firm_changed);
  ASSERT_TRUE(firm_stored) << describe(firm_stored.error());
  EXPECT_EQ(firm_stored->profile.addresses[0].purpose,
            address_purpose::business);
}

TEST_F(StoreOperations, AnEditOfACustomerConvertedMeanwhileGoesToItsAccount) {
  // The cashier opened the customer while pending; the store has converted
  // it since. The edit is of the converted customer, at HQ.
  cfg.async_stores = {0};
  cfg.flags.async_customer_addresses = true;
  start();
  auto created = create_at(0, draft("Bo", "(707) 320-2403"));
  ASSERT_TRUE(created) << describe(created.error());
  conversion_cycle();
  auto changed = created->record;  // still shows "Pending sync"
  changed.profile.addresses.push_back({address_purpose::unspecified,
                                       "1 Main St", "Napa", "CA", "94559", "",
                                       true});
  auto stored = edit_at(0, changed);
  ASSERT_TRUE(stored) << describe(stored.error());
  EXPECT_FALSE(stored->id.account_number.empty());
  auto at_hq = **dbs.hq->find(stored->id.account_number);
  ASSERT_EQ(at_hq.profile.addresses.size(), 1u);
  EXPECT_EQ(at_hq.profile.addresses[0].street, "1 Main St");
}

TEST_F(StoreOperations, ACopyFoundBySearchingAllStoresStaysCurrent) {
  // Two address books: store 1 alone in one, store 2 in the other. Store 2
  // finds store 1's customer through HQ and the cashier selects her; 1010
  // keeps that copy current when store 1 changes her.
  cfg.address_book_size = 1;
  start();
  auto created = create_at(0, draft("Cy", "(707) 320-2404"));
  ASSERT_TRUE(created) << describe(created.error());
  auto found = ask<std::vector<customer>>(
    w.stores[1], atom::search_hq_v,
    search_query{"707-320-2404", search_field::any});
  ASSERT_TRUE(found) << describe(found.error());
  ASSERT_EQ(found->size(), 1u);
  auto selected = ask<customer>(w.terminals[1], atom::select_v,
                                found->front().id.account_number);
  ASSERT_TRUE(selected) << describe(selected.error());
  auto changed = created->record;
  changed.profile.segment = "VIP";
  ASSERT_TRUE(edit_at(0, changed));
  run_job(job_kind::dist_1010);
  auto copy = dbs.channels[1]->find(created->record.id.account_number);
  ASSERT_TRUE(copy && *copy);
  EXPECT_EQ((*copy)->profile.segment, "VIP");
}

TEST_F(StoreOperations, AMergedCustomerStaysCurrentAtTheStoresOfTheDuplicate) {
  // Ann is known at store 1 (one book) and, entered again, at store 2
  // (another). A manager at store 2 merges them: store 2 keeps the
  // survivor, its sales of the duplicate follow her, and later changes
  // reach it.
  cfg.address_book_size = 1;
  start();
  auto first = create_at(0, person("ann@example.com"));
  auto again = create_at(1, person("ann.lee@work.example"));
  ASSERT_TRUE(first && again);
  auto keep = first->record.id.account_number;
  auto drop = again->record.id.account_number;
  sale_transaction s{"T-S2", store_id(1), terminal_id(1, 0), drop, 900, {},
                     {{"WINE", 1, 900}}};
  ASSERT_TRUE(*ask<bool>(w.terminals[1], atom::sale_v, s));
  login(1, manager);
  auto merged = ask<customer>(w.terminals[1], atom::merge_v, keep, drop);
  ASSERT_TRUE(merged) << describe(merged.error());
  auto changed = **dbs.hq->find(keep);
  changed.profile.segment = "VIP";
  ASSERT_TRUE(edit_at(0, changed));
  conversion_cycle();
  auto copy = dbs.channels[1]->find(keep);
  ASSERT_TRUE(copy && *copy);
  EXPECT_EQ((*copy)->profile.segment, "VIP");
  EXPECT_EQ(dbs.channels[1]->sales_for(keep)->size(), 1u);
  EXPECT_TRUE(dbs.channels[1]->sales_for(drop)->empty());
  EXPECT_EQ(dbs.hq->sales_for(keep)->size(), 1u);
}
