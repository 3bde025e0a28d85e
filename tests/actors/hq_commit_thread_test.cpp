// HQ with a commit thread, as realtime runs have it: group commits run on a
// database thread of HQ's own while HQ gathers the next group, on CAF's
// real scheduler. Every creation is committed once and answered once,
// after its commit; a retry of a GUID gets the first one's account.

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"

#include "actors/hq_actor.hpp"
#include "model/error.hpp"
#include "model/identity.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;

namespace {

class counting_sink : public event_sink {
public:
  void record(const event& e) override {
    std::lock_guard<std::mutex> guard{mtx};
    if (is<ev::hq_served>(e))
      ++served;
  }
  std::mutex mtx;
  size_t served = 0;
};

struct answers {
  std::mutex mtx;
  std::vector<caf::expected<customer>> by_call;
  size_t left = 0;
  std::promise<void> all;
};

} // namespace

TEST(CommitThread, ConcurrentCreationsAreEachCommittedOnceAndAnsweredAfterIt) {
  test::temp_dir dir;
  auto db = storage::hq_database::open(dir.file("hq.db"),
                                       storage::durability::full);
  ASSERT_TRUE(db) << describe(db.error());
  auto hq_db = std::shared_ptr<storage::hq_database>{std::move(*db)};
  caf::actor_system_config sys_cfg;
  sys_cfg.add_message_types<caf::id_block::retailsim>();
  sys_cfg.set("scheduler.max-threads", 2);
  sys_cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{sys_cfg};
  auto sink = std::make_shared<counting_sink>();
  hq_config cfg;
  cfg.workers = 100000;
  cfg.queue_limit = 100000;
  cfg.service_time = distribution::constant(0);
  cfg.commit_thread = true;
  cfg.env = {1, sim_clock{caf::make_timestamp(), sys.clock().now()}, sink,
             nullptr, "test"};
  auto hq_handle = sys.spawn(hq, cfg, hq_db);
  // 300 calls, 100 GUIDs each sent three times, all at once: several
  // groups commit while others gather, and retries of one GUID land in
  // one group or in different ones.
  std::vector<hq_create_request> calls;
  for (uint64_t round = 0; round < 3; ++round)
    for (uint64_t i = 0; i < 100; ++i) {
      hq_create_request r;
      r.store_id = "S0001";
      r.address_book = "B1";
      r.cashier = "test";
      r.record.profile.first_name = "Thread";
      r.record.profile.last_name = "Member" + std::to_string(i);
      r.record.id.async_guid = make_async_guid(9, i);
      calls.push_back(r);
    }
  auto got = std::make_shared<answers>();
  got->by_call.assign(calls.size(),
                      make_error(ec::not_found, "test", "no answer"));
  got->left = calls.size();
  auto done = got->all.get_future();
  sys.spawn(
    [](caf::event_based_actor* self, hq_actor to,
       std::vector<hq_create_request> calls, std::shared_ptr<answers> got) {
      auto record = [got](size_t i, caf::expected<customer> x) {
        std::lock_guard<std::mutex> guard{got->mtx};
        got->by_call[i] = std::move(x);
        if (--got->left == 0)
          got->all.set_value();
      };
      for (size_t i = 0; i < calls.size(); ++i)
        self
          ->request(to, caf::timespan{std::chrono::minutes(1)},
                    atom::create_v, calls[i])
          .then([=](customer& c) { record(i, std::move(c)); },
                [=](caf::error& err) { record(i, std::move(err)); });
    },
    hq_handle, calls, got);
  ASSERT_EQ(done.wait_for(std::chrono::minutes(1)), std::future_status::ready);
  std::map<std::string, std::string> account_of;
  std::set<std::string> accounts;
  for (size_t i = 0; i < calls.size(); ++i) {
    const auto& a = got->by_call[i];
    ASSERT_TRUE(a) << describe(a.error());
    accounts.insert(a->id.account_number);
    auto [at, first] = account_of.emplace(calls[i].record.id.async_guid,
                                          a->id.account_number);
    EXPECT_EQ(at->second, a->id.account_number) << "a GUID with two accounts";
  }
  EXPECT_EQ(accounts.size(), 100u);
  anon_send_exit(hq_handle, caf::exit_reason::user_shutdown);
  EXPECT_EQ(*hq_db->customer_count(), 100u);
  std::lock_guard<std::mutex> guard{sink->mtx};
  EXPECT_EQ(sink->served, 300u);
}
