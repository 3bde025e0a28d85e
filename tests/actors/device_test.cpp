// The card reader and scanner as actors: the UnifiedPOS life cycle of the
// header's table (open, claim, enable, data events reset after each
// delivery, error events, FreezeEvents, AutoDisable), each fault, what
// reaches the terminal, and that no card number travels in a message.

#include "actors/device_actor.hpp"

#include <algorithm>

#include "tests/actors/actor_fixture.hpp"

namespace retailsim {
namespace {

class Devices : public test::actor_fixture {
public:
  /// A device of terminal 0 with `faults`.
  device_actor spawn_device(device_kind kind, device_faults faults = {}) {
    device_config dc;
    dc.device_id = "S0001-T01-" + std::string{to_string(kind)};
    dc.kind = kind;
    dc.faults = faults;
    dc.env = {cfg.seed, clock, events, {}, dbs.run.run_tag};
    return sys().spawn(device, dc, w.terminals[0]);
  }

  caf::expected<device_state> set(const device_actor& d, device_property p,
                                  bool on) {
    return ask<device_state>(d, atom::set_v, p, on);
  }

  /// Open, claim, enable, enable data events.
  void ready(const device_actor& d) {
    for (auto p : {device_property::open, device_property::claimed,
                   device_property::device_enabled,
                   device_property::data_event_enabled})
      ASSERT_TRUE(set(d, p, true)) << to_string(p);
  }

  caf::expected<device_result> read(const device_actor& d, input_channel c,
                                    const std::string& first,
                                    const std::string& last) {
    device_read r;
    r.channel = c;
    r.holder.profile.first_name = first;
    r.holder.profile.last_name = last;
    return ask<device_result>(d, atom::read_v, r);
  }

  size_t outcomes(device_outcome o) {
    size_t n = 0;
    events->each<ev::device_input>([&](const ev::device_input& x) {
      n += x.outcome == o ? 1 : 0;
    });
    return n;
  }
};

TEST_F(Devices, TheLifeCycleGatesEachStep) {
  start();
  auto msr = spawn_device(device_kind::msr);
  // Enabling before claiming, claiming before opening: refused.
  EXPECT_EQ(error_code(set(msr, device_property::claimed, true).error()),
            ec::device_unavailable);
  ASSERT_TRUE(set(msr, device_property::open, true));
  EXPECT_EQ(error_code(set(msr, device_property::device_enabled, true).error()),
            ec::device_unavailable);
  ASSERT_TRUE(set(msr, device_property::claimed, true));
  // Claimed but not enabled: a read is refused, as not_enabled.
  auto early = read(msr, input_channel::card_swipe, "Ann", "Lee");
  ASSERT_FALSE(early);
  EXPECT_EQ(error_code(early.error()), ec::device_unavailable);
  EXPECT_EQ(outcomes(device_outcome::not_enabled), 1u);
  ASSERT_TRUE(set(msr, device_property::device_enabled, true));
  // Enabled, data events disabled: refused too.
  EXPECT_FALSE(read(msr, input_channel::card_swipe, "Ann", "Lee"));
  ASSERT_TRUE(set(msr, device_property::data_event_enabled, true));
  auto card = read(msr, input_channel::card_swipe, "Ann", "Lee");
  ASSERT_TRUE(card) << describe(card.error());
  // Release disables; close clears everything but the data count.
  auto released = set(msr, device_property::claimed, false);
  ASSERT_TRUE(released);
  EXPECT_FALSE(released->device_enabled);
  auto closed = set(msr, device_property::open, false);
  ASSERT_TRUE(closed);
  EXPECT_FALSE(closed->open || closed->claimed);
  EXPECT_EQ(closed->data_count, 1u);
}

TEST_F(Devices, DataEventEnabledIsResetAfterEachDeliveryAndAutoDisableDisables) {
  start();
  auto msr = spawn_device(device_kind::msr);
  ready(msr);
  ASSERT_TRUE(read(msr, input_channel::card_swipe, "Ann", "Lee"));
  auto after = ask<device_state>(msr, atom::status_v);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->data_event_enabled);
  EXPECT_TRUE(after->device_enabled);
  EXPECT_EQ(after->data_count, 1u);
  // A second read without enabling data events again is refused.
  EXPECT_FALSE(read(msr, input_channel::card_swipe, "Ann", "Lee"));
  // With AutoDisable the device disables itself after a data event.
  ASSERT_TRUE(set(msr, device_property::auto_disable, true));
  ASSERT_TRUE(set(msr, device_property::data_event_enabled, true));
  ASSERT_TRUE(read(msr, input_channel::licence_swipe, "Ann", "Lee"));
  after = ask<device_state>(msr, atom::status_v);
  EXPECT_FALSE(after->device_enabled);
  EXPECT_EQ(after->data_count, 2u);
}

TEST_F(Devices, ACardGivesTheNameALicenceNameAddressAndBirthAndTheTerminalSearches) {
  start();
  // A customer the store knows, found by the name on their card.
  ASSERT_TRUE(create_at(0, draft("Ann", "707-320-2478")));
  auto msr = spawn_device(device_kind::msr);
  auto scanner = spawn_device(device_kind::scanner);
  ready(msr);
  ready(scanner);
  auto card = read(msr, input_channel::card_swipe, "Ann", "Tester");
  ASSERT_TRUE(card) << describe(card.error());
  EXPECT_EQ(card->prefill.profile.first_name, "Ann");
  EXPECT_EQ(card->prefill.profile.last_name, "Tester");
  EXPECT_TRUE(card->prefill.profile.addresses.empty());
  EXPECT_TRUE(card->prefill.profile.date_of_birth.empty());
  ASSERT_EQ(card->found.size(), 1u);
  EXPECT_EQ(card->found[0].profile.first_name, "Ann");
  // A licence barcode: name, address and date of birth; nobody found.
  auto id = read(scanner, input_channel::licence_scan, "Jose\xCC\x81", "M\xC3\xBCller");
  ASSERT_TRUE(id) << describe(id.error());
  const auto& p = id->prefill.profile;
  EXPECT_EQ(p.first_name, "Jose");  // printed on the card without accents
  EXPECT_EQ(p.last_name, "Muller");
  EXPECT_EQ(p.date_of_birth.size(), 10u);
  ASSERT_EQ(p.addresses.size(), 1u);
  EXPECT_FALSE(p.addresses[0].street.empty());
  EXPECT_FALSE(p.addresses[0].zip.empty());
  EXPECT_TRUE(id->found.empty());
  EXPECT_EQ(outcomes(device_outcome::delivered), 2u);
}

TEST_F(Devices, FrozenEventsAreHeldUntilThawed) {
  start();
  auto msr = spawn_device(device_kind::msr);
  ready(msr);
  ASSERT_TRUE(set(msr, device_property::freeze_events, true));
  // The helper's request stays unanswered while frozen.
  auto answer = std::make_shared<caf::expected<device_result>>(
    make_error(ec::not_found, "test", "no answer"));
  sys().spawn(
    [](caf::event_based_actor* self, device_actor msr,
       std::shared_ptr<caf::expected<device_result>> answer) {
      device_read r;
      r.holder.profile.first_name = "Ann";
      r.holder.profile.last_name = "Lee";
      self->request(msr, caf::timespan{std::chrono::hours(1)}, atom::read_v, r)
        .then([=](device_result& x) { *answer = std::move(x); },
              [=](caf::error& err) { *answer = std::move(err); });
    },
    msr, answer);
  // The swipe happens (its read time passes); the event is held.
  run_one_timeout();
  EXPECT_FALSE(*answer) << "delivered while frozen";
  ASSERT_TRUE(set(msr, device_property::freeze_events, false));
  run();
  ASSERT_TRUE(*answer) << describe(answer->error());
  EXPECT_EQ(answer->value().prefill.profile.last_name, "Lee");
}

TEST_F(Devices, EachFaultIsAnErrorEventOfItsKind) {
  start();
  struct fault_case {
    device_faults faults;
    ec code;
    device_outcome outcome;
  };
  auto only = [](double device_faults::*field) {
    device_faults f;
    f.*field = 1;
    f.stall_time = std::chrono::seconds(8);
    return f;
  };
  std::vector<fault_case> cases = {
    {only(&device_faults::misread), ec::malformed_device_data,
     device_outcome::misread},
    {only(&device_faults::partial), ec::malformed_device_data,
     device_outcome::partial},
    {only(&device_faults::wrong_format), ec::malformed_device_data,
     device_outcome::wrong_format},
    {only(&device_faults::stall), ec::device_unavailable,
     device_outcome::stalled},
    {only(&device_faults::offline), ec::device_unavailable,
     device_outcome::offline},
  };
  for (const auto& c : cases)
    for (auto channel : {input_channel::card_swipe, input_channel::licence_swipe,
                         input_channel::licence_scan}) {
      auto d = spawn_device(channel == input_channel::licence_scan
                              ? device_kind::scanner
                              : device_kind::msr,
                            c.faults);
      ready(d);
      auto before = outcomes(c.outcome);
      auto r = read(d, channel, "Ann", "Lee");
      ASSERT_FALSE(r) << to_string(c.outcome) << " " << to_string(channel);
      EXPECT_EQ(error_code(r.error()), c.code) << describe(r.error());
      EXPECT_EQ(outcomes(c.outcome), before + 1) << to_string(c.outcome);
      // No error quotes the data it could not read.
      EXPECT_EQ(describe(r.error()).find("%B"), std::string::npos);
      // An error event resets DataEventEnabled as a data event does.
      if (c.code == ec::malformed_device_data) {
        EXPECT_FALSE(ask<device_state>(d, atom::status_v)->data_event_enabled);
      }
    }
}

TEST_F(Devices, AStallKeepsTheApplicationWaitingForItsTime) {
  start();
  device_faults f;
  f.stall = 1;
  f.stall_time = std::chrono::seconds(8);
  auto msr = spawn_device(device_kind::msr, f);
  ready(msr);
  auto before = clock.elapsed(sys().clock());
  EXPECT_FALSE(read(msr, input_channel::card_swipe, "Ann", "Lee"));
  EXPECT_GE(clock.elapsed(sys().clock()) - before, std::chrono::seconds(8));
}

TEST_F(Devices, TheSameSeedReadsTheSame) {
  start();
  device_faults f;
  f.misread = 0.3;
  f.partial = 0.2;
  // Two devices of one identity draw the same faults and the same bytes.
  std::vector<std::string> first, second;
  for (auto* out : {&first, &second}) {
    auto msr = spawn_device(device_kind::msr, f);
    ready(msr);
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(set(msr, device_property::data_event_enabled, true));
      auto r = read(msr, input_channel::card_swipe, "Ann", "Lee");
      out->push_back(r ? "ok" : describe(r.error()));
    }
  }
  EXPECT_EQ(first, second);
  EXPECT_NE(std::count(first.begin(), first.end(), "ok"), 30);
}

} // namespace
} // namespace retailsim
