// A realtime run's database threads: no CAF thread waits while SQLite
// does. (Their lines, each database's work in order, are tested in
// work_pool_test.cpp.)

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Database.h>

#include <gtest/gtest.h>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/scoped_actor.hpp"

#include "actors/hq_actor.hpp"
#include "actors/runtime.hpp"
#include "actors/work_pool.hpp"
#include "model/error.hpp"
#include "model/identity.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;
using namespace std::chrono_literals;

namespace {

class no_events : public event_sink {
public:
  void record(const event&) override {
  }
};

hq_create_request creation(uint64_t n) {
  hq_create_request r;
  r.store_id = "S0001";
  r.address_book = "B1";
  r.cashier = "test";
  r.record.profile.first_name = "Ann";
  r.record.profile.last_name = "Lee";
  r.record.profile.phones.push_back(
    {"+1707" + std::to_string(1000000 + n), true, {}});
  r.record.id.async_guid = make_async_guid(n, ~n);
  return r;
}

} // namespace

/// HQ in a realtime actor system with one CAF thread and `db_threads`
/// database threads, while another writer holds its file (BEGIN
/// IMMEDIATE) until let_go(): HQ's commits wait in SQLite's busy time-out,
/// as they would for a slow disk.
class DatabaseThreads : public ::testing::Test {
protected:
  void start(size_t db_threads) {
    auto path = dir.file("hq.db");
    auto opened = storage::hq_database::open(path, storage::durability::full);
    ASSERT_TRUE(opened) << describe(opened.error());
    hq_db = std::move(*opened);
    other = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
    other->exec("BEGIN IMMEDIATE");
    configure_realtime(sys_cfg, 1);
    sys = std::make_unique<caf::actor_system>(sys_cfg);
    hq_config cfg;
    cfg.service_time = distribution::constant(0);
    cfg.env = {1, sim_clock{caf::make_timestamp(), sys->clock().now()},
               std::make_shared<no_events>(),
               std::make_shared<work_pool>(db_threads,
                                           work_pool_use::realtime),
               "test"};
    hq_at = sys->spawn(hq, cfg, hq_db);
  }

  void let_go() {
    other->exec("ROLLBACK");
  }

  void TearDown() override {
    if (sys)
      caf::anon_send_exit(hq_at, caf::exit_reason::user_shutdown);
  }

  test::temp_dir dir;
  std::shared_ptr<storage::hq_database> hq_db;
  std::unique_ptr<SQLite::Database> other;
  caf::actor_system_config sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  hq_actor hq_at;
};

TEST_F(DatabaseThreads, HqWaitingForItsDiskLeavesTheOnlyCafThreadFree) {
  // With its database work on a database thread, CAF's only thread still
  // serves other actors while HQ's commit of a Sync creation waits; once
  // the other writer lets go, the creation is committed and answered.
  start(1);
  // (Spawned with an argument: CAF 0.17 binds a null pointer when a
  // function actor has none, which UBSan reports.)
  auto echo = sys->spawn(
    [](caf::event_based_actor* self, int) -> caf::behavior {
      return {[self](atom::tick) { return self->id(); }};
    },
    0);
  caf::scoped_actor me{*sys};
  auto created = me->request(hq_at, 30s, atom::create_v, creation(1));
  std::this_thread::sleep_for(200ms);  // HQ is in its commit by now
  bool echoed = false;
  me->request(echo, 2s, atom::tick_v)
    .receive([&](caf::actor_id) { echoed = true; },
             [&](caf::error&) { echoed = false; });
  EXPECT_TRUE(echoed) << "CAF's thread was held while HQ's commit waited";
  let_go();
  std::string account;
  created.receive([&](customer& c) { account = c.id.account_number; },
                  [&](caf::error& err) { ADD_FAILURE() << describe(err); });
  EXPECT_FALSE(account.empty());
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
}

TEST_F(DatabaseThreads, SyncCreationsArrivingWhileHqCommitsAreItsNextCommit) {
  // HQ's group commit takes its calls as it starts on the database
  // thread. The first call's commit starts and waits for the other
  // writer; three calls arrive meanwhile. Once the other writer lets go,
  // the first commit ends and the next one takes all three: two commits,
  // and every call answered with its own customer.
  start(2);
  auto commits_before = hq_db->commits();
  caf::scoped_actor me{*sys};
  std::vector<decltype(me->request(hq_at, 30s, atom::create_v,
                                   creation(0)))>
    calls;
  calls.push_back(me->request(hq_at, 30s, atom::create_v, creation(0)));
  std::this_thread::sleep_for(300ms);  // its commit has started and waits
  for (uint64_t n = 1; n < 4; ++n)
    calls.push_back(me->request(hq_at, 30s, atom::create_v, creation(n)));
  std::this_thread::sleep_for(300ms);  // HQ has read all three
  let_go();
  std::set<std::string> accounts;
  for (auto& call : calls)
    call.receive([&](customer& c) { accounts.insert(c.id.account_number); },
                 [&](caf::error& err) { ADD_FAILURE() << describe(err); });
  EXPECT_EQ(accounts.size(), 4u);
  EXPECT_EQ(*hq_db->customer_count(), 4u);
  EXPECT_EQ(hq_db->commits() - commits_before, 2u);
}
