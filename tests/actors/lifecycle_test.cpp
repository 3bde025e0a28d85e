// The customer lifecycle on the actors, one edge case per test: what QA asks
// about Sync, Async, offline creation, conversion and the Async limitations.

#include <set>

#include <gtest/gtest.h>

#include "caf/send.hpp"

#include "actors/terminal_actor.hpp"
#include "model/identity.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace retailsim;
using test::actor_fixture;

using Lifecycle = actor_fixture;

namespace {

/// A store's Sync call to HQ for the customer `first last`, with the GUID
/// `make_async_guid(a, b)`.
hq_create_request sync_call(const std::string& first, const std::string& last,
                            uint64_t a, uint64_t b) {
  hq_create_request r;
  r.store_id = "S0001";
  r.address_book = "B1";
  r.cashier = "test";
  r.record.profile.first_name = first;
  r.record.profile.last_name = last;
  r.record.id.async_guid = make_async_guid(a, b);
  return r;
}

} // namespace

TEST_F(Lifecycle, SyncCustomerIsVisibleAtAnotherStoreAtOnce) {
  start();
  auto created = create_at(0, draft("Ann", "(707) 320-2478"));
  ASSERT_TRUE(created) << describe(created.error());
  EXPECT_EQ(created->mode, creation_mode::sync);
  ASSERT_FALSE(created->record.id.account_number.empty());
  // Store 2 has never heard of her locally, but "search all stores" finds
  // her at HQ at once, under her account number ...
  EXPECT_TRUE(search_store(1, "707-320-2478").empty());
  auto at_hq = ask<std::vector<customer>>(
    w.stores[1], atom::search_hq_v,
    search_query{"707-320-2478", search_field::any});
  ASSERT_TRUE(at_hq) << describe(at_hq.error());
  ASSERT_EQ(at_hq->size(), 1u);
  EXPECT_EQ((*at_hq)[0].id.account_number, created->record.id.account_number);
  // ... and once the cashier selects her, she is in store 2's channel
  // database too.
  EXPECT_TRUE(search_store(1, "707-320-2478").empty());
  auto selected = ask<customer>(w.terminals[1], atom::select_v,
                                created->record.id.account_number);
  ASSERT_TRUE(selected) << describe(selected.error());
  EXPECT_EQ(*selected, created->record);
  auto local = search_store(1, "707-320-2478");
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0].id.account_number, created->record.id.account_number);
  // Searching every store needs at least 4 characters (retailsim's rule).
  auto short_text = ask<std::vector<customer>>(
    w.stores[1], atom::search_hq_v, search_query{" An ", search_field::any});
  ASSERT_FALSE(short_text);
  EXPECT_EQ(error_code(short_text.error()), ec::value_out_of_range);
  auto four = ask<std::vector<customer>>(
    w.stores[1], atom::search_hq_v, search_query{"Ann T", search_field::any});
  ASSERT_TRUE(four) << describe(four.error());
}

TEST_F(Lifecycle, AsyncCustomerIsInvisibleElsewhereUntil1010) {
  cfg.async_stores = {0};
  start();
  auto created = create_at(0, draft("Bo", "(415) 239-4001"));
  ASSERT_TRUE(created) << describe(created.error());
  EXPECT_EQ(created->mode, creation_mode::async);
  EXPECT_TRUE(is_pending(created->record.id));
  EXPECT_EQ(display_account(created->record.id), "Pending sync");
  EXPECT_TRUE(search_store(1, "415-239-4001").empty());
  EXPECT_EQ(run_job(job_kind::p_job), 1u);
  EXPECT_TRUE(search_store(1, "415-239-4001").empty());
  EXPECT_EQ(run_job(job_kind::async_sync), 1u);
  EXPECT_TRUE(search_store(1, "415-239-4001").empty());
  run_job(job_kind::dist_1010);
  auto elsewhere = search_store(1, "415-239-4001");
  ASSERT_EQ(elsewhere.size(), 1u);
  ASSERT_FALSE(elsewhere[0].id.account_number.empty());
  EXPECT_EQ(elsewhere[0].id.async_guid, created->record.id.async_guid);
  auto home = search_store(0, "415-239-4001");
  ASSERT_EQ(home.size(), 1u);
  EXPECT_EQ(home[0].id.account_number, elsewhere[0].id.account_number);
  EXPECT_EQ(events->count<ev::customer_converted>(), 1u);
}

TEST_F(Lifecycle, CustomerCreatedOfflineSurvivesATerminalRestartAndConverts) {
  start();
  caf::anon_send(w.terminals[0], atom::link_v, false);
  run();
  auto created = create_at(0, draft("Cy", "(212) 346-7788"));
  ASSERT_TRUE(created) << describe(created.error());
  EXPECT_EQ(created->mode, creation_mode::offline);
  auto guid = created->record.id.async_guid;
  // The terminal process dies with the customer only on its disk.
  caf::anon_send_exit(w.terminals[0], caf::exit_reason::kill);
  run();
  auto restarted_cfg = terminal_config_for(cfg, 0, 0, clock, events,
                                           dbs.run.run_tag);
  restarted_cfg.incarnation = 1;
  auto restarted = sys().spawn(terminal, restarted_cfg, w.stores[0]);
  run();
  auto status = std::make_shared<std::pair<bool, uint64_t>>(true, 0);
  sys().spawn(
    [](caf::event_based_actor* self, terminal_actor dest,
       std::shared_ptr<std::pair<bool, uint64_t>> status) {
      self->request(dest, caf::timespan{std::chrono::hours(1)}, atom::status_v)
        .then([=](bool online, uint64_t left) { *status = {online, left}; });
    },
    restarted, status);
  run();
  EXPECT_FALSE(status->first);
  EXPECT_EQ(status->second, 1u);
  // The next transaction reconnects and uploads; conversion follows.
  auto found = ask<std::vector<customer>>(
    restarted, atom::search_v,
    search_query{"212-346-7788", search_field::any});
  ASSERT_TRUE(found) << describe(found.error());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id.async_guid, guid);
  conversion_cycle();
  auto converted = dbs.hq->find_by_guid(guid);
  ASSERT_TRUE(converted && *converted);
  EXPECT_FALSE((*converted)->id.account_number.empty());
  EXPECT_EQ(*dbs.hq->customer_count(), 1u);
  caf::anon_send_exit(restarted, caf::exit_reason::user_shutdown);
}

TEST_F(Lifecycle, ATerminalReconnectsWhenATransactionBeginsAfterItsInterval) {
  // Commerce's rule: an offline terminal tries to go back online only when
  // a transaction begins, once its reconnect interval has passed.
  start();
  caf::anon_send(w.terminals[0], atom::link_v, false);
  run();
  auto created = create_at(0, draft("Cy", "(212) 346-7789"));
  ASSERT_TRUE(created) << describe(created.error());
  EXPECT_EQ(created->mode, creation_mode::offline);
  caf::anon_send(w.terminals[0], atom::link_v, true);
  run();
  // The network is back, but the interval (5 minutes) has not passed.
  auto online = ask<bool>(w.terminals[0], atom::begin_v);
  ASSERT_TRUE(online);
  EXPECT_FALSE(*online);
  EXPECT_EQ(*dbs.channels[0]->customer_count(), 0u);
}

TEST_F(Lifecycle, ATransactionBeginningAfterTheIntervalUploadsFirst) {
  cfg.reconnect_interval = caf::timespan{0};
  start();
  caf::anon_send(w.terminals[0], atom::link_v, false);
  run();
  auto created = create_at(0, draft("Cy", "(212) 346-7789"));
  ASSERT_TRUE(created) << describe(created.error());
  // Still cut off: the attempt waits for the network.
  auto cut_off = ask<bool>(w.terminals[0], atom::begin_v);
  ASSERT_TRUE(cut_off);
  EXPECT_FALSE(*cut_off);
  caf::anon_send(w.terminals[0], atom::link_v, true);
  run();
  auto online = ask<bool>(w.terminals[0], atom::begin_v);
  ASSERT_TRUE(online);
  EXPECT_TRUE(*online);
  auto uploaded = dbs.channels[0]->find_by_guid(created->record.id.async_guid);
  ASSERT_TRUE(uploaded && *uploaded);
  EXPECT_EQ(events->count<ev::terminal_online>(), 1u);
}

TEST_F(Lifecycle, RtsFailureFallsBackToAsync) {
  start();
  caf::anon_send(w.links[0], atom::link_v, link_availability::down, 0.0);
  run();
  auto created = create_at(0, draft("Di", "(312) 405-2211"));
  ASSERT_TRUE(created) << describe(created.error());
  EXPECT_EQ(created->mode, creation_mode::async);
  EXPECT_TRUE(created->fell_back);
  EXPECT_EQ(events->count<ev::rts_fallback>(), 1u);
  conversion_cycle();
  EXPECT_EQ(*dbs.hq->customer_count(), 1u);
}

TEST_F(Lifecycle, RtsFailureIsAnErrorUnderTheErrorPolicy) {
  cfg.rts_policy = rts_failure_policy::error;
  start();
  caf::anon_send(w.links[0], atom::link_v, link_availability::down, 0.0);
  run();
  auto created = create_at(0, draft("Di", "(312) 405-2211"));
  ASSERT_FALSE(created);
  EXPECT_EQ(error_code(created.error()), ec::rts_unavailable);
  EXPECT_EQ(*dbs.channels[0]->customer_count(), 0u);
  EXPECT_EQ(*dbs.hq->customer_count(), 0u);
}

TEST_F(Lifecycle, SyncCreationsArrivingTogetherAreCommittedAsOneGroupEachAsAlone) {
  // Without a service time HQ commits what arrived together in one
  // transaction: five calls in its mailbox at once, one of them a retry of
  // another's GUID. Each is answered after the commit, with its own
  // account; the retry with the first one's, as two commits would give.
  cfg.hq.service_time = distribution::constant(0);
  start();
  auto answers = std::make_shared<std::vector<caf::expected<customer>>>();
  std::vector<hq_create_request> calls;
  for (uint64_t i = 0; i < 4; ++i)
    calls.push_back(sync_call("Group", "Member" + std::to_string(i), 7, i));
  calls.push_back(calls[1]);
  auto commits_before = dbs.hq->commits();
  sys().spawn(
    [](caf::event_based_actor* self, hq_actor hq,
       std::vector<hq_create_request> calls,
       std::shared_ptr<std::vector<caf::expected<customer>>> answers) {
      answers->resize(calls.size(), make_error(ec::not_found, "test", "none"));
      for (size_t i = 0; i < calls.size(); ++i)
        self
          ->request(hq, caf::timespan{std::chrono::hours(1)}, atom::create_v,
                    calls[i])
          .then([=](customer& c) { (*answers)[i] = std::move(c); },
                [=](caf::error& err) { (*answers)[i] = std::move(err); });
    },
    w.hq, calls, answers);
  run();
  std::set<std::string> accounts;
  for (const auto& a : *answers) {
    ASSERT_TRUE(a) << describe(a.error());
    accounts.insert(a->id.account_number);
  }
  EXPECT_EQ(accounts.size(), 4u);
  EXPECT_EQ((*answers)[4]->id.account_number,
            (*answers)[1]->id.account_number);
  EXPECT_EQ(*dbs.hq->customer_count(), 4u);
  EXPECT_EQ(events->count<ev::hq_served>(), 5u);
  EXPECT_EQ(dbs.hq->commits() - commits_before, 1u);
}

TEST_F(Lifecycle, RealtimeSyncCreationsArrivingBeforeTheirCommitStartsJoinIt) {
  // Realtime, HQ's group commit gathers its calls on the database thread
  // as it starts: one call, then three more, one at a time, while the
  // first one's commit is still queued, are one commit. (Calls arriving
  // while it runs are the next one: DatabaseThreads.*.)
  cfg.runtime = runtime_kind::realtime;
  cfg.hq.service_time = distribution::constant(0);
  start();
  auto answers = std::make_shared<std::vector<caf::expected<customer>>>(
    4, make_error(ec::not_found, "test", "none"));
  auto commits_before = dbs.hq->commits();
  for (size_t i = 0; i < 4; ++i) {
    auto r = sync_call("Line", "Member" + std::to_string(i), 8, i);
    sys().spawn(
      [](caf::event_based_actor* self, hq_actor hq, hq_create_request r,
         size_t i,
         std::shared_ptr<std::vector<caf::expected<customer>>> answers) {
        self
          ->request(hq, caf::timespan{std::chrono::hours(1)}, atom::create_v,
                    r)
          .then([=](customer& c) { (*answers)[i] = std::move(c); },
                [=](caf::error& err) { (*answers)[i] = std::move(err); });
      },
      w.hq, r, i, answers);
    run_actors();  // HQ reads the call; its commit is queued, not begun
  }
  EXPECT_EQ(dbs.hq->commits() - commits_before, 0u);
  run();
  for (const auto& a : *answers)
    ASSERT_TRUE(a) << describe(a.error());
  EXPECT_EQ(*dbs.hq->customer_count(), 4u);
  EXPECT_EQ(dbs.hq->commits() - commits_before, 1u);
}

TEST_F(Lifecycle, PJobUploadsArrivingTogetherAreStagedInOneCommit) {
  // Four stores' uploads in HQ's mailbox at once, one of them refused (a
  // customer with an account number is not pending): one transaction
  // keeps the other three, and each store hears its own answer.
  start();
  std::vector<pjob_batch> uploads;
  for (uint64_t i = 0; i < 4; ++i) {
    pjob_batch b;
    b.store_id = "S000" + std::to_string(i + 1);
    customer c;
    c.profile.first_name = "Upload";
    c.profile.last_name = "Member" + std::to_string(i);
    c.id.async_guid = make_async_guid(9, i);
    if (i == 2)
      c.id.account_number = "C1";
    b.customers.push_back(c);
    uploads.push_back(std::move(b));
  }
  auto answers = std::make_shared<std::vector<caf::expected<uint64_t>>>();
  auto commits_before = dbs.hq->commits();
  sys().spawn(
    [](caf::event_based_actor* self, hq_actor hq,
       std::vector<pjob_batch> uploads,
       std::shared_ptr<std::vector<caf::expected<uint64_t>>> answers) {
      answers->resize(uploads.size(), make_error(ec::not_found, "test", "none"));
      for (size_t i = 0; i < uploads.size(); ++i)
        self
          ->request(hq, caf::timespan{std::chrono::hours(1)}, atom::stage_v,
                    uploads[i], std::string{"B1"})
          .then([=](uint64_t n) { (*answers)[i] = n; },
                [=](caf::error& err) { (*answers)[i] = std::move(err); });
    },
    w.hq, uploads, answers);
  run();
  for (size_t i : {0, 1, 3}) {
    ASSERT_TRUE((*answers)[i]) << describe((*answers)[i].error());
    EXPECT_EQ(*(*answers)[i], 1u);
  }
  ASSERT_FALSE((*answers)[2]);
  EXPECT_EQ(error_code((*answers)[2].error()), ec::invalid_guid);
  EXPECT_EQ(*dbs.hq->staged_count(), 3u);
  EXPECT_EQ(dbs.hq->commits() - commits_before, 1u);
}

TEST_F(Lifecycle, ASyncCallWhoseAnswerWouldComeTooLateIsNeverCommitted) {
  // HQ is slower than the store is willing to wait. The deadline travels
  // with the call: HQ does not commit what nobody waits for any more, so
  // a cashier told "failed" never leaves a customer at HQ.
  cfg.rts_policy = rts_failure_policy::error;
  cfg.hq.service_time = distribution::constant(30);
  start();
  auto created = create_at(0, draft("Ed", "(617) 250-3344"));
  ASSERT_FALSE(created);
  EXPECT_EQ(error_code(created.error()), ec::rts_timeout);
  run();  // HQ's worker is long done: it found the deadline passed
  EXPECT_EQ(events->count<ev::hq_refused>(), 1u);
  EXPECT_EQ(*dbs.hq->customer_count(), 0u);
  EXPECT_EQ(*dbs.channels[0]->customer_count(), 0u);
}

TEST_F(Lifecycle, ASlowSyncCallFallsBackBeforeTheTerminalGivesUp) {
  // A 10-second link: the store stops waiting at its own time-out, before
  // the terminal's, and creates the customer Async under the same GUID;
  // HQ, which the call never reached in time, writes nothing. Conversion
  // then gives it exactly one account.
  cfg.link.latency = distribution::constant(10);
  start();
  auto created = create_at(0, draft("Ed", "(617) 250-3344"));
  ASSERT_TRUE(created) << describe(created.error());
  EXPECT_EQ(created->mode, creation_mode::async);
  EXPECT_TRUE(created->fell_back);
  EXPECT_EQ(created->fallback_cause, ec::rts_timeout);
  run();  // the call reaches HQ's side after its deadline: not forwarded
  EXPECT_EQ(events->count<ev::hq_served>()
              + events->count<ev::hq_refused>(),
            0u);
  EXPECT_EQ(*dbs.hq->customer_count(), 0u);
  EXPECT_EQ(events->count<ev::terminal_offline>(), 0u);
  conversion_cycle();
  EXPECT_EQ(*dbs.hq->customer_count(), 1u);
  auto at_store = dbs.channels[0]->find_by_guid(created->record.id.async_guid);
  ASSERT_TRUE(at_store && *at_store);
  EXPECT_FALSE((*at_store)->id.account_number.empty());
}

TEST_F(Lifecycle, AWizardCustomerTheFallbackMayNotTakeIsCreatedNowhere) {
  // The same slow link and a customer with an address, which the Async
  // rules refuse without the feature: the cashier is told, and neither
  // the store, the terminal nor HQ keeps anything of it.
  cfg.link.latency = distribution::constant(10);
  start();
  auto d = draft("Fe", "(617) 250-3345");
  d.profile.addresses.push_back({address_purpose::unspecified, "1 Main St",
                                 "Austin", "TX", "78701", "", true});
  auto created = create_at(0, d);
  ASSERT_FALSE(created);
  EXPECT_EQ(error_code(created.error()), ec::async_address_disabled);
  run();
  EXPECT_EQ(*dbs.hq->customer_count(), 0u);
  EXPECT_EQ(*dbs.channels[0]->customer_count(), 0u);
  EXPECT_EQ(events->count<ev::customer_created>(), 0u);
}

TEST_F(Lifecycle, AStoreAnswersWithinTheTerminalsDeadline) {
  // Time-outs set against their order (the run's validation refuses this;
  // the actors must hold anyway): the terminal waits 2 s, the store 8 s.
  // The deadline travels with the call, so the store stops waiting in
  // time to fall back and answer, and HQ commits nothing after it.
  cfg.offline_timeout = std::chrono::seconds(2);
  cfg.hq.service_time = distribution::constant(5);
  start();
  auto created = create_at(0, draft("Gus", "(617) 250-3346"));
  ASSERT_TRUE(created) << describe(created.error());
  EXPECT_TRUE(created->fell_back);
  EXPECT_EQ(events->count<ev::terminal_offline>(), 0u);
  run();
  EXPECT_EQ(*dbs.hq->customer_count(), 0u);
  conversion_cycle();
  EXPECT_EQ(*dbs.hq->customer_count(), 1u);
  auto at_hq = dbs.hq->find_by_guid(created->record.id.async_guid);
  ASSERT_TRUE(at_hq && *at_hq);
}

TEST_F(Lifecycle, AFallbackAndALaterCallWithTheSameGuidEndAtOneAccount) {
  // An RTS fallback, then the same creation reaching HQ (a retry, or a
  // late call): one account, whatever the order.
  start();
  caf::anon_send(w.links[0], atom::link_v, link_availability::down, 0.0);
  run();
  create_request req{draft("Hu", "(617) 250-3347"), {"S0001-T01",
                     staff_role::cashier}, false,
                     "01234567-89ab-4def-8123-456789abcdef", {}};
  auto fell = ask<created_customer>(w.stores[0], atom::create_v, req);
  ASSERT_TRUE(fell) << describe(fell.error());
  EXPECT_TRUE(fell->fell_back);
  caf::anon_send(w.links[0], atom::link_v, link_availability::up, 0.0);
  run();
  auto again = ask<created_customer>(w.stores[0], atom::create_v, req);
  ASSERT_TRUE(again) << describe(again.error());
  EXPECT_EQ(again->mode, creation_mode::sync);
  auto twice = ask<created_customer>(w.stores[0], atom::create_v, req);
  ASSERT_TRUE(twice) << describe(twice.error());
  EXPECT_EQ(twice->record.id.account_number, again->record.id.account_number);
  conversion_cycle();
  EXPECT_EQ(*dbs.hq->customer_count(), 1u);
  EXPECT_EQ(*dbs.channels[0]->pending_count(), 0u);
  EXPECT_EQ(*dbs.channels[0]->customer_count(), 1u);
}

TEST_F(Lifecycle, AFallbackCustomerFollowsTheAsyncRules) {
  // Seed 001: an Async customer inherits no affiliations and keeps no
  // address without their features, also when it was a Sync creation
  // that fell back.
  start();
  caf::anon_send(w.links[0], atom::link_v, link_availability::down, 0.0);
  run();
  auto quick = create_at(0, draft("Ida", "(617) 250-3348"));
  ASSERT_TRUE(quick) << describe(quick.error());
  EXPECT_TRUE(quick->fell_back);
  EXPECT_TRUE(quick->record.profile.affiliations.empty());
  auto d = draft("Jan", "(617) 250-3349");
  d.profile.addresses.push_back({address_purpose::unspecified, "1 Main St",
                                 "Austin", "TX", "78701", "", true});
  auto wizard = create_at(0, d);
  ASSERT_FALSE(wizard);
  EXPECT_EQ(error_code(wizard.error()), ec::async_address_disabled);
  EXPECT_EQ(*dbs.channels[0]->customer_count(), 1u);
}

TEST_F(Lifecycle, AFallbackKeepsTheAddressWithItsFeature) {
  cfg.flags.async_customer_addresses = true;
  start();
  caf::anon_send(w.links[0], atom::link_v, link_availability::down, 0.0);
  run();
  auto d = draft("Jan", "(617) 250-3349");
  d.profile.addresses.push_back({address_purpose::unspecified, "1 Main St",
                                 "Austin", "TX", "78701", "", true});
  auto wizard = create_at(0, d);
  ASSERT_TRUE(wizard) << describe(wizard.error());
  EXPECT_TRUE(wizard->fell_back);
  ASSERT_EQ(wizard->record.profile.addresses.size(), 1u);
  EXPECT_EQ(wizard->record.profile.addresses[0].purpose, address_purpose::home);
  EXPECT_TRUE(wizard->record.profile.affiliations.empty());
}

TEST_F(Lifecycle, OneCycleOf1010BringsEveryChangeOfTheBookHoweverMany) {
  // HQ answers 1010 two customers at a time here; one cycle still leaves
  // every store of the book complete (a day's closing relies on it).
  cfg.hq.distribution_batch = 2;
  start();
  for (auto phone : {"(707) 320-3001", "(707) 320-3002", "(707) 320-3003",
                     "(707) 320-3004", "(707) 320-3005"})
    ASSERT_TRUE(create_at(0, draft("Kim", phone)));
  EXPECT_EQ(*dbs.channels[1]->customer_count(), 0u);
  run_job(job_kind::dist_1010);
  EXPECT_EQ(*dbs.channels[1]->customer_count(), 5u);
}

TEST_F(Lifecycle, PJobRunTwiceStagesNothingTwice) {
  cfg.async_stores = {0};
  start();
  for (auto phone : {"(707) 320-1001", "(707) 320-1002", "(707) 320-1003"})
    ASSERT_TRUE(create_at(0, draft("Fay", phone)));
  EXPECT_EQ(run_job(job_kind::p_job), 3u);
  EXPECT_EQ(run_job(job_kind::p_job), 0u);
  EXPECT_EQ(*dbs.hq->staged_count(), 3u);
}

TEST_F(Lifecycle, AsyncSyncJobStoppedMidwayAndRerunGivesEachGuidOneAccount) {
  cfg.async_stores = {0};
  cfg.jobs.convert_batch = 2;  // each cycle stops after two conversions
  start();
  for (auto phone : {"(707) 320-2001", "(707) 320-2002", "(707) 320-2003",
                     "(707) 320-2004", "(707) 320-2005"})
    ASSERT_TRUE(create_at(0, draft("Gil", phone)));
  run_job(job_kind::p_job);
  EXPECT_EQ(run_job(job_kind::async_sync), 2u);
  run_job(job_kind::p_job);  // an upload in between changes nothing
  EXPECT_EQ(run_job(job_kind::async_sync), 2u);
  EXPECT_EQ(run_job(job_kind::async_sync), 1u);
  EXPECT_EQ(run_job(job_kind::async_sync), 0u);
  EXPECT_EQ(*dbs.hq->customer_count(), 5u);
  auto map = dbs.hq->mappings_after(0);
  ASSERT_TRUE(map);
  EXPECT_EQ(map->size(), 5u);
  run_job(job_kind::dist_1010);
  EXPECT_EQ(*dbs.channels[0]->pending_count(), 0u);
}

TEST_F(Lifecycle, DistributionBeforeTheAsyncSyncJobLosesNothing) {
  cfg.async_stores = {0};
  start();
  auto created = create_at(0, draft("Hal", "(206) 310-4455"));
  ASSERT_TRUE(created);
  run_job(job_kind::p_job);
  EXPECT_EQ(run_job(job_kind::dist_1010), 0u);  // nothing converted yet
  EXPECT_EQ(*dbs.channels[0]->pending_count(), 1u);
  run_job(job_kind::async_sync);
  EXPECT_EQ(run_job(job_kind::dist_1010), 1u);
  EXPECT_EQ(*dbs.channels[0]->pending_count(), 0u);
}

TEST_F(Lifecycle, ASaleRecordedAgainstAGuidIsRelinkedAfterConversion) {
  cfg.async_stores = {0};
  start();
  auto created = create_at(0, draft("Ida", "(303) 222-1188"));
  ASSERT_TRUE(created);
  auto guid = created->record.id.async_guid;
  sale_transaction sale{"S0001-T01-x1", "S0001", "S0001-T01", guid, 4200,
                        clock.epoch, {{"SKU-0001", 1, 4200}}};
  auto recorded = ask<bool>(w.terminals[0], atom::sale_v, sale);
  ASSERT_TRUE(recorded && *recorded);
  conversion_cycle();
  auto account = *dbs.hq->account_for_guid(guid);
  ASSERT_FALSE(account.empty());
  EXPECT_EQ(dbs.hq->sales_for(account)->size(), 1u);
  EXPECT_EQ(dbs.channels[0]->sales_for(account)->size(), 1u);
  EXPECT_TRUE(dbs.channels[0]->sales_for(guid)->empty());
}

TEST_F(Lifecycle, ASaleMadeAfterTheConversionIsOnTheAccountAtTheStoreToo) {
  // The cashier still shows the customer as pending when 1010 converts it
  // a moment before the sale: the store, like HQ, books the sale on the
  // account, and its purchase history finds it.
  cfg.async_stores = {0};
  start();
  auto created = create_at(0, draft("Ida", "(303) 222-1189"));
  ASSERT_TRUE(created);
  auto guid = created->record.id.async_guid;
  conversion_cycle();
  auto account = *dbs.hq->account_for_guid(guid);
  ASSERT_FALSE(account.empty());
  sale_transaction sale{"S0001-T01-x2", "S0001", "S0001-T01", guid, 4200,
                        clock.epoch, {{"SKU-0001", 1, 4200}}};
  auto recorded = ask<bool>(w.terminals[0], atom::sale_v, sale);
  ASSERT_TRUE(recorded && *recorded);
  run_job(job_kind::p_job);
  EXPECT_EQ(dbs.hq->sales_for(account)->size(), 1u);
  EXPECT_EQ(dbs.channels[0]->sales_for(account)->size(), 1u);
  EXPECT_TRUE(dbs.channels[0]->sales_for(guid)->empty());
}

TEST_F(Lifecycle, ARestartedTerminalNeverRepeatsAGuid) {
  start();
  auto first = create_at(0, draft("Ann", "(303) 222-1190"));
  ASSERT_TRUE(first) << describe(first.error());
  caf::anon_send_exit(w.terminals[0], caf::exit_reason::kill);
  run();
  auto restarted_cfg = terminal_config_for(cfg, 0, 0, clock, events,
                                           dbs.run.run_tag);
  restarted_cfg.incarnation = 1;
  auto restarted = sys().spawn(terminal, restarted_cfg, w.stores[0]);
  run();
  auto second = ask<created_customer>(restarted, atom::create_v,
                                      draft("Bob", "(303) 222-1191"));
  ASSERT_TRUE(second) << describe(second.error());
  EXPECT_NE(second->record.id.async_guid, first->record.id.async_guid);
  EXPECT_EQ(second->record.profile.first_name, "Bob");
  EXPECT_EQ(*dbs.hq->customer_count(), 2u);
  caf::anon_send_exit(restarted, caf::exit_reason::user_shutdown);
}

TEST_F(Lifecycle, EditOfAPendingCustomerIsRefusedAndChangesNothing) {
  cfg.async_stores = {0};
  start();
  auto created = create_at(0, draft("Jo", "(512) 300-7788"));
  ASSERT_TRUE(created);
  auto edited = created->record;
  edited.profile.last_name = "Changed";
  auto refused = ask<customer>(w.terminals[0], atom::edit_v, edited);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::pending_customer_not_editable);
  EXPECT_NE(describe(refused.error()).find("Pending sync"), std::string::npos);
  auto stored = dbs.channels[0]->find_by_guid(created->record.id.async_guid);
  EXPECT_EQ((*stored)->profile.last_name, "Tester");
}

TEST_F(Lifecycle, AddressOfAPendingCustomerNeedsItsFlag) {
  cfg.async_stores = {0};
  start();
  auto created = create_at(0, draft("Kai", "(512) 300-8899"));
  ASSERT_TRUE(created);
  auto with_address = created->record;
  with_address.profile.addresses.push_back(
    {address_purpose::home, "1 Main St", "Austin", "TX", "78701", "US", true});
  auto refused = ask<customer>(w.terminals[0], atom::edit_v, with_address);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::async_address_disabled);
}

TEST_F(Lifecycle, AddressOfAPendingCustomerIsSavedWithItsFlagAndReachesHq) {
  cfg.async_stores = {0};
  cfg.flags.async_customer_addresses = true;
  start();
  auto created = create_at(0, draft("Kai", "(512) 300-8899"));
  ASSERT_TRUE(created);
  auto with_address = created->record;
  with_address.profile.addresses.push_back(
    {address_purpose::unspecified, "1 Main St", "Austin", "TX", "78701", "",
     true});
  auto saved = ask<customer>(w.terminals[0], atom::edit_v, with_address);
  ASSERT_TRUE(saved) << describe(saved.error());
  conversion_cycle();
  auto at_hq = dbs.hq->find_by_guid(created->record.id.async_guid);
  ASSERT_TRUE(at_hq && *at_hq);
  ASSERT_EQ((*at_hq)->profile.addresses.size(), 1u);
  EXPECT_EQ((*at_hq)->profile.addresses[0].street, "1 Main St");
}

TEST_F(Lifecycle, LoyaltyCardForAPendingCustomerIsRefused) {
  cfg.async_stores = {0};
  cfg.flags = {true, true, true, true};
  start();
  auto created = create_at(0, draft("Lu", "(415) 239-5002"));
  ASSERT_TRUE(created);
  auto with_card = created->record;
  with_card.loyalty = loyalty_card{"LC-1", 0};
  auto refused = ask<customer>(w.terminals[0], atom::edit_v, with_card);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::loyalty_card_requires_account);
  // Once converted and distributed, the card is issued.
  conversion_cycle();
  auto converted = dbs.channels[0]->find_by_guid(created->record.id.async_guid);
  ASSERT_TRUE(converted && *converted);
  auto card = **converted;
  card.loyalty = loyalty_card{"LC-1", 0};
  auto issued = ask<customer>(w.terminals[0], atom::edit_v, card);
  ASSERT_TRUE(issued) << describe(issued.error());
  auto at_hq = dbs.hq->find(card.id.account_number);
  ASSERT_TRUE((*at_hq)->loyalty);
}

TEST_F(Lifecycle, AffiliationsAndSecondaryContactsFollowEnhancedAsync) {
  cfg.async_stores = {0};
  cfg.flags.multiple_contacts_with_consent = true;
  start();
  auto d = draft("Mo", "(415) 239-6003");
  d.profile.emails.push_back({"mo@example.com", true, {}});
  d.profile.emails.push_back({"mo.work@example.com", false, {}});
  auto refused = create_at(0, d);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::async_secondary_contacts_disabled);
  auto plain = create_at(0, draft("Mo", "(415) 239-6003"));
  ASSERT_TRUE(plain);
  // Without enhanced async: no inherited affiliations, none may be added.
  EXPECT_TRUE(plain->record.profile.affiliations.empty());
  auto affiliated = plain->record;
  affiliated.profile.affiliations = {"Wine club"};
  auto no = ask<customer>(w.terminals[0], atom::edit_v, affiliated);
  ASSERT_FALSE(no);
  EXPECT_EQ(error_code(no.error()), ec::async_affiliations_disabled);
}

TEST_F(Lifecycle, EnhancedAsyncAllowsAffiliationsAndSecondaryContacts) {
  cfg.async_stores = {0};
  cfg.flags.multiple_contacts_with_consent = true;
  cfg.flags.enhanced_async_customer = true;
  start();
  auto d = draft("Mo", "(415) 239-6003");
  d.profile.emails.push_back({"mo@example.com", true, {}});
  d.profile.emails.push_back({"mo.work@example.com", false, {}});
  auto created = create_at(0, d);
  ASSERT_TRUE(created) << describe(created.error());
  EXPECT_EQ(created->record.profile.affiliations,
            std::vector<std::string>{"Retail customers"});
  EXPECT_EQ(created->record.profile.emails.size(), 2u);
}

TEST_F(Lifecycle, NewCustomersInheritFromTheStoresDefaultCustomer) {
  start();
  auto created = create_at(0, draft("Ned", "(206) 310-9900"));
  ASSERT_TRUE(created) << describe(created.error());
  const auto& p = created->record.profile;
  EXPECT_EQ(p.customer_group, "RETAIL");
  EXPECT_EQ(p.currency, "USD");
  EXPECT_EQ(p.language, "en-US");
  EXPECT_EQ(p.receipt, receipt_option::email);
  EXPECT_EQ(p.affiliations, std::vector<std::string>{"Retail customers"});
  EXPECT_EQ(p.financial_dimensions,
            (std::vector<financial_dimension>{{"CostCenter", "CC-100"},
                                              {"Department", "Stores"}}));
  EXPECT_EQ(p.phones[0].number, "+12063109900");
  auto at_hq = dbs.hq->find(created->record.id.account_number);
  ASSERT_TRUE(at_hq && *at_hq);
  EXPECT_EQ((*at_hq)->profile.financial_dimensions, p.financial_dimensions);
}

TEST_F(Lifecycle, AnInvalidDraftIsRefusedNamingTheFieldAndChangesNothing) {
  start();
  auto d = draft("Oz", "(206) 310-9901");
  d.profile.emails.push_back({"not-an-email", true, {}});
  auto refused = create_at(0, d);
  ASSERT_FALSE(refused);
  EXPECT_EQ(error_code(refused.error()), ec::email_missing_at);
  EXPECT_EQ(error_field(refused.error()), "emails[0].address");
  EXPECT_EQ(*dbs.hq->customer_count(), 0u);
  EXPECT_EQ(*dbs.channels[0]->customer_count(), 0u);
}
