#include "actors/world.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include "caf/send.hpp"

#include "model/error.hpp"
#include "model/validation.hpp"

namespace retailsim {

const char* to_string(runtime_kind x) {
  switch (x) {
    case runtime_kind::virtual_time: return "virtual";
    case runtime_kind::realtime: return "realtime";
  }
  return "?";
}

const char* to_string(storage_place x) {
  switch (x) {
    case storage_place::automatic: return "auto";
    case storage_place::memory: return "memory";
    case storage_place::disk: return "disk";
  }
  return "?";
}

run_config default_run_config() {
  return run_config{};
}

std::vector<customer_group> default_customer_groups() {
  return {{"RETAIL", {{"CostCenter", "CC-100"}, {"Department", "Stores"}}},
          {"WHOLESALE", {{"CostCenter", "CC-900"}, {"Department", "B2B"}}}};
}

bool one_unnamed_group(const std::vector<store_group>& groups) {
  return groups.size() == 1 && groups[0].name == store_group{}.name;
}

size_t store_count(const run_config& cfg) {
  size_t n = 0;
  for (const auto& g : cfg.groups)
    n += g.stores;
  return n;
}

size_t terminal_count(const run_config& cfg) {
  size_t n = 0;
  for (const auto& g : cfg.groups)
    n += g.stores * g.terminals;
  return n;
}

const store_group& group_of(const run_config& cfg, size_t store_index) {
  for (const auto& g : cfg.groups) {
    if (store_index < g.stores)
      return g;
    store_index -= g.stores;
  }
  return cfg.groups.back();  // validate() refuses such an index
}

size_t terminals_of(const run_config& cfg, size_t store_index) {
  return group_of(cfg, store_index).terminals;
}

size_t first_terminal(const run_config& cfg, size_t store_index) {
  size_t first = 0;
  for (const auto& g : cfg.groups) {
    if (store_index < g.stores)
      return first + store_index * g.terminals;
    first += g.stores * g.terminals;
    store_index -= g.stores;
  }
  return first;
}

namespace {

caf::timespan div(caf::timespan x, double factor) {
  return caf::timespan{
    static_cast<int64_t>(static_cast<double>(x.count()) / factor)};
}

distribution div(distribution d, double factor) {
  d.a /= factor;
  if (d.shape == distribution::kind::uniform)
    d.b /= factor;
  return d;
}

} // namespace

run_config scaled(run_config cfg, double factor) {
  if (factor == 1)
    return cfg;
  cfg.duration = div(cfg.duration, factor);
  for (auto& w : cfg.offline_windows) {
    w.start = div(w.start, factor);
    w.end = div(w.end, factor);
  }
  for (auto& f : cfg.link_faults) {
    f.start = div(f.start, factor);
    f.end = div(f.end, factor);
  }
  for (auto& c : cfg.hq_crashes) {
    c.start = div(c.start, factor);
    c.end = div(c.end, factor);
  }
  for (auto& d : cfg.jobs.deaths)
    d.at = div(d.at, factor);
  for (auto& r : cfg.terminal_restarts)
    r.at = div(r.at, factor);
  for (auto& k : cfg.jobs.skips)
    k.at = div(k.at, factor);
  // Time-outs stay as they are: they bound real work (commits, messaging),
  // which no time scale speeds up.
  cfg.hq.service_time = div(cfg.hq.service_time, factor);
  cfg.link.latency = div(cfg.link.latency, factor);
  cfg.store_service_time = div(cfg.store_service_time, factor);
  cfg.reconnect_interval = div(cfg.reconnect_interval, factor);
  cfg.cashier.session_gap = div(cfg.cashier.session_gap, factor);
  cfg.cashier.think = div(cfg.cashier.think, factor);
  for (auto* s : {&cfg.jobs.p_job, &cfg.jobs.async_sync, &cfg.jobs.dist_1010}) {
    s->interval = div(s->interval, factor);
    s->offset = div(s->offset, factor);
    for (auto& t : s->times)
      t = div(t, factor);
  }
  // Arrivals per simulated second come `factor` times as often per wall
  // second.
  auto& a = cfg.cashier.arrivals;
  a.rate *= factor;
  for (auto& s : a.stages) {
    s.to *= factor;
    s.over = div(s.over, factor);
  }
  return cfg;
}

caf::error validate(const run_config& cfg) {
  auto bad = [](const std::string& field, std::string why) {
    return make_error(ec::value_out_of_range, field, std::move(why));
  };
  auto seconds = [](caf::timespan x) {
    char buf[32];
    snprintf(buf, sizeof(buf), "%g s",
             std::chrono::duration<double>(x).count());
    return std::string{buf};
  };
  // Each count: the value and the range it must lie in.
  auto count = [&](const char* field, uint64_t value, uint64_t low,
                   uint64_t high) -> caf::error {
    if (value >= low && value <= high)
      return {};
    return bad(field, "'" + std::to_string(value)
                        + "' is out of range: from " + std::to_string(low)
                        + " to " + std::to_string(high));
  };
  // A group's key: topology.KEY when the topology is one unnamed group
  // (as the file gives it), else topology.groups[i].KEY.
  auto group_key = [&](size_t i, const std::string& key) {
    if (one_unnamed_group(cfg.groups))
      return "topology." + key;
    return "topology.groups[" + std::to_string(i) + "]." + key;
  };
  if (cfg.groups.empty())
    return bad("topology.groups", "at least one store group");
  auto known_group = [&](const std::string& id) {
    return std::any_of(cfg.customer_groups.begin(), cfg.customer_groups.end(),
                       [&](const customer_group& g) { return g.id == id; });
  };
  for (size_t i = 0; i < cfg.groups.size(); ++i) {
    const auto& g = cfg.groups[i];
    if (g.name.empty())
      return bad(group_key(i, "name"), "a group needs a name");
    for (size_t k = 0; k < i; ++k)
      if (cfg.groups[k].name == g.name)
        return bad(group_key(i, "name"),
                   "'" + g.name + "' names two groups");
    if (auto err = count(group_key(i, "stores").c_str(), g.stores, 1, 100000))
      return err;
    if (auto err = count(group_key(i, "terminals").c_str(), g.terminals, 1,
                         1000))
      return err;
    auto country = normalize_country(g.country, group_key(i, "country"));
    if (!country)
      return country.error();
    const auto& d = g.default_customer;
    if (!d.receipt_email.empty())
      if (auto email = normalize_email(
            d.receipt_email, group_key(i, "default_customer.receipt_email"));
          !email)
        return email.error();
    if (d.name.empty())
      return bad(group_key(i, "default_customer.name"),
                 "the default customer needs a name");
    if (!known_group(d.customer_group))
      return bad(group_key(i, "default_customer.customer_group"),
                 "'" + d.customer_group
                   + "' is not one of the customer_groups");
    if (d.currency.size() != 3
        || !std::all_of(d.currency.begin(), d.currency.end(),
                        [](char c) { return c >= 'A' && c <= 'Z'; }))
      return bad(group_key(i, "default_customer.currency"),
                 "'" + d.currency + "' is not an ISO 4217 code (USD, EUR)");
  }
  if (auto err = count("topology (all groups' stores)", store_count(cfg), 1,
                       100000))
    return err;
  for (size_t i = 0; i < cfg.customer_groups.size(); ++i) {
    const auto& g = cfg.customer_groups[i];
    if (g.id.empty())
      return bad("customer_groups", "a customer group needs a name");
    for (size_t k = 0; k < i; ++k)
      if (cfg.customer_groups[k].id == g.id)
        return bad("customer_groups." + g.id, "named twice");
  }
  if (!known_group(cfg.cashier.business_group))
    return bad("load.customers.business_group",
               "'" + cfg.cashier.business_group
                 + "' is not one of the customer_groups");
  if (auto err = count("topology.address_book_size", cfg.address_book_size, 1, 100000))
    return err;
  if (auto err = count("hq.workers", cfg.hq.workers, 1, 100000))
    return err;
  if (auto err = count("threads", cfg.threads, 1, 64))
    return err;
  if (auto err = count("database_threads", cfg.database_threads, 1, 256))
    return err;
  if (auto err = count("scheduler_throughput", cfg.scheduler_throughput, 0,
                       1000000000))
    return err;
  if (auto err = count("existing_customers.population", cfg.population, 0, max_population))
    return err;
  if (auto err = count("hq.queue_limit", cfg.hq.queue_limit, 0, 100000000))
    return err;
  if (auto err = count("hq.distribution_batch", cfg.hq.distribution_batch, 1,
                       100000000))
    return err;
  if (auto err = count("jobs.convert_batch", cfg.jobs.convert_batch, 1,
                       100000000))
    return err;
  if (auto err = count("jobs.parallel_parts", cfg.jobs.parallel_parts, 1, 64))
    return err;
  // Shares and weights of the cashiers' work.
  auto number = [](double x) {
    char buf[32];
    snprintf(buf, sizeof(buf), "%g", x);
    return std::string{buf};
  };
  auto share = [&](const char* field, double x) -> caf::error {
    if (x >= 0 && x <= 1)
      return {};
    return bad(field, "'" + number(x) + "' is out of range: a share from 0 "
                                        "to 1");
  };
  const auto& m = cfg.cashier;
  for (const auto& [field, x] :
       {std::pair{"load.customers.identified", m.identified},
        std::pair{"load.customers.new", m.new_customer},
        std::pair{"load.customers.similar_check", m.mix.similar_check},
        std::pair{"load.customers.full_wizard", m.mix.full_wizard},
        std::pair{"load.customers.business", m.mix.business},
        std::pair{"load.customers.from_other_store", m.mix.from_other_store},
        std::pair{"load.customers.typed_again", m.mix.skip_search},
        std::pair{"load.customers.travellers", m.mix.travellers}})
    if (auto err = share(field, x))
      return err;
  if (auto err = count("load.customers.traveller_pool", m.mix.traveller_pool,
                       1, 1000000))
    return err;
  for (const auto& [field, x] :
       {std::pair{"load.lookup.by_phone", m.mix.by_phone},
        std::pair{"load.lookup.by_email", m.mix.by_email},
        std::pair{"load.lookup.by_name", m.mix.by_name},
        std::pair{"load.lookup.by_account", m.mix.by_account},
        std::pair{"load.lookup.by_loyalty_card", m.mix.by_loyalty_card},
        std::pair{"load.operations.nothing", m.mix.nothing},
        std::pair{"load.operations.edit_profile", m.mix.edit_profile},
        std::pair{"load.operations.add_address", m.mix.add_address},
        std::pair{"load.operations.view_history", m.mix.view_history},
        std::pair{"load.operations.view_purchases", m.mix.view_purchases},
        std::pair{"load.operations.loyalty", m.mix.loyalty},
        std::pair{"load.operations.join_club", m.mix.join_club},
        std::pair{"load.operations.deactivate_reactivate",
                  m.mix.deactivate_reactivate},
        std::pair{"load.operations.find_duplicates", m.mix.duplicates},
        std::pair{"load.operations.read_only_edit", m.mix.read_only_edit},
        std::pair{"load.operations.add_affiliation", m.mix.add_affiliation},
        std::pair{"load.operations.add_contact", m.mix.add_contact},
        std::pair{"load.input.keyboard", m.mix.keyboard},
        std::pair{"load.input.card_swipe", m.mix.card_swipe},
        std::pair{"load.input.licence_swipe", m.mix.licence_swipe},
        std::pair{"load.input.licence_scan", m.mix.licence_scan}})
    if (!(x >= 0 && x <= 1e9))
      return bad(field, "'" + number(x) + "' is out of range: a weight from "
                                          "0 up");
  if (m.mix.by_phone + m.mix.by_email + m.mix.by_name + m.mix.by_account
        + m.mix.by_loyalty_card
      <= 0)
    return bad("load.lookup", "the ways to look a customer up weigh "
                              "nothing together");
  if (m.mix.keyboard + m.mix.card_swipe + m.mix.licence_swipe
        + m.mix.licence_scan
      <= 0)
    return bad("load.input", "the ways customers identify themselves weigh "
                             "nothing together");
  const auto& df = cfg.device_faults;
  for (const auto& [field, x] :
       {std::pair{"devices.misread", df.misread},
        std::pair{"devices.partial", df.partial},
        std::pair{"devices.wrong_format", df.wrong_format},
        std::pair{"devices.stall", df.stall},
        std::pair{"devices.offline", df.offline}})
    if (auto err = share(field, x))
      return err;
  if (df.misread + df.partial + df.wrong_format + df.stall + df.offline > 1)
    return bad("devices", "the faults' shares add up to more than 1");
  if (df.stall_time < caf::timespan{0} || df.stall_time > std::chrono::hours(1))
    return bad("devices.stall_time", "'" + seconds(df.stall_time)
                                       + "' is out of range: from 0 to 1 h");
  if (!(cfg.link.slow_factor >= 1 && cfg.link.slow_factor <= 1e6))
    return bad("rts.slow_factor", "'" + number(cfg.link.slow_factor)
                                    + "' is out of range: from 1 to "
                                      "1000000");
  constexpr auto year = std::chrono::hours(24 * 366);
  if (cfg.duration < std::chrono::seconds(1) || cfg.duration > year)
    return bad("duration", "'" + seconds(cfg.duration)
                          + "' is out of range: from 1 s to a year");
  if (cfg.output_dir.empty())
    return bad("output", "an output folder is required");
  if (!(cfg.time_scale > 0 && cfg.time_scale <= 1e6))
    return bad("time_scale", "'" + std::to_string(cfg.time_scale)
                               + "' is out of range: more than 0, at most "
                                 "1000000");
  for (const auto& [field, d] :
       {std::pair{"hq.service_time", &cfg.hq.service_time},
        std::pair{"rts.latency", &cfg.link.latency},
        std::pair{"store.service_time", &cfg.store_service_time},
        std::pair{"load.session_gap", &cfg.cashier.session_gap},
        std::pair{"load.think", &cfg.cashier.think}})
    if (auto why = duration_problem(*d); !why.empty())
      return bad(field, why);
  {
    // Arrivals: at most 1000 a second wherever they apply (a day of that
    // is 86 million transactions).
    const auto& a = cfg.cashier.arrivals;
    auto rate_problem = [](double r) {
      return !(r >= 0 && r <= 1000);
    };
    if (rate_problem(a.rate))
      return bad("load.arrivals.rate", "out of range: from 0 to 1000/s");
    if (a.stages.size() > 100)
      return bad("load.arrivals.stages", "at most 100 stages");
    for (size_t i = 0; i < a.stages.size(); ++i) {
      auto field = "load.arrivals.stages[" + std::to_string(i) + "]";
      if (rate_problem(a.stages[i].to))
        return bad(field, "its rate is out of range: from 0 to 1000/s");
      if (a.stages[i].over <= caf::timespan{0} || a.stages[i].over > year)
        return bad(field, "'over' must be more than 0 and at most a year");
    }
  }
  for (const auto& [field, schedule] :
       {std::pair{"jobs.p_job.every", &cfg.jobs.p_job},
        std::pair{"jobs.async_sync.every", &cfg.jobs.async_sync},
        std::pair{"jobs.dist_1010.every", &cfg.jobs.dist_1010}}) {
    auto every = schedule->interval;
    if (every.count() != 0
        && (every < std::chrono::seconds(1) || every > year))
      return bad(field, "'" + seconds(every)
                          + "' is out of range: 0 (off), or from 1 s to a "
                            "year");
    std::string at = field;
    at.replace(at.size() - 5, 5, "at");
    if (!schedule->times.empty() && every.count() != 0)
      return bad(at, "fixed times of day and an interval ('every') both "
                     "given: set every: 0 to run at the times only");
    if (schedule->times.size() > 1000)
      return bad(at, "at most 1000 times");
    for (auto t : schedule->times)
      if (t < caf::timespan{0} || t >= cfg.duration)
        return bad(at, "'" + seconds(t) + "' is out of range: it must be "
                         "within the day (" + seconds(cfg.duration) + ")");
  }
  // Each hop of a Sync creation gives up before the one that called it, so
  // that the caller always hears how its call ended.
  if (!(cfg.offline_timeout > cfg.store_rts_timeout
        && cfg.store_rts_timeout > cfg.link.call_timeout
        && cfg.link.call_timeout > cfg.hq.queue_timeout
        && cfg.hq.queue_timeout.count() > 0))
    return bad("timeouts",
               "must be ordered terminal > store > link > HQ queue > 0; "
               "they are "
                 + seconds(cfg.offline_timeout) + ", "
                 + seconds(cfg.store_rts_timeout) + ", "
                 + seconds(cfg.link.call_timeout) + ", "
                 + seconds(cfg.hq.queue_timeout));
  if (cfg.reply_margin.count() < 0
      || cfg.reply_margin >= cfg.offline_timeout - cfg.store_rts_timeout)
    return bad("reply_margin", "'" + seconds(cfg.reply_margin)
                                 + "' is out of range: from 0 to less than "
                                   "the terminal's time-out less the "
                                   "store's");
  if (cfg.scheduler_policy != "sharing" && cfg.scheduler_policy != "stealing")
    return bad("scheduler", "must be 'sharing' or 'stealing'");
  auto stores = store_count(cfg);
  for (auto s : cfg.async_stores)
    if (s >= stores)
      return bad("topology.async_stores", "store " + std::to_string(s + 1)
                                   + " does not exist (there are "
                                   + std::to_string(stores) + ")");
  // Fault windows lie within the day: one that starts after it, or ends
  // after it, would not happen as written.
  auto within_day = [&](const std::string& field, caf::timespan start,
                        caf::timespan end) -> caf::error {
    if (end <= start)
      return bad(field, "a window must end after it starts");
    if (end > cfg.duration)
      return bad(field, "the window " + seconds(start) + " to "
                          + seconds(end) + " is out of range: it must end "
                          "within the day (" + seconds(cfg.duration) + ")");
    return {};
  };
  // A moment of a fault lies within the day too.
  auto in_day = [&](const std::string& field, caf::timespan at) -> caf::error {
    if (at < caf::timespan{0} || at >= cfg.duration)
      return bad(field, "the time " + seconds(at)
                          + " is out of range: it must be within the day ("
                          + seconds(cfg.duration) + ")");
    return {};
  };
  // The store (and terminal) a fault names exist.
  auto store_exists = [&](const std::string& field,
                          uint32_t store) -> caf::error {
    if (store >= stores)
      return bad(field, "store " + std::to_string(store + 1)
                          + " does not exist (there are "
                          + std::to_string(stores) + ")");
    return {};
  };
  auto terminal_exists = [&](const std::string& field, uint32_t store,
                             uint32_t terminal) -> caf::error {
    if (auto err = store_exists(field, store))
      return err;
    auto has = terminals_of(cfg, store);
    if (terminal >= has)
      return bad(field, "terminal " + std::to_string(terminal + 1)
                          + " does not exist (store "
                          + std::to_string(store + 1) + " has "
                          + std::to_string(has) + ")");
    return {};
  };
  // Each fault is named by its kind and place in the list of that kind, as
  // the scenario reader records where it was set.
  for (size_t i = 0; i < cfg.offline_windows.size(); ++i) {
    const auto& w = cfg.offline_windows[i];
    auto field = "faults.offline[" + std::to_string(i) + "]";
    if (auto err = w.terminal == offline_window::all_terminals
                     ? store_exists(field, w.store)
                     : terminal_exists(field, w.store, w.terminal))
      return err;
    if (auto err = within_day(field, w.start, w.end))
      return err;
  }
  for (size_t i = 0; i < cfg.link_faults.size(); ++i) {
    const auto& f = cfg.link_faults[i];
    auto field = "faults.rts[" + std::to_string(i) + "]";
    if (auto err = store_exists(field, f.store))
      return err;
    if (auto err = within_day(field, f.start, f.end))
      return err;
    if (f.state == link_availability::dropping
        && !(f.share > 0 && f.share <= 1))
      return bad(field, "share '" + std::to_string(f.share)
                          + "' is out of range: above 0, at most 1");
  }
  for (size_t i = 0; i < cfg.hq_crashes.size(); ++i) {
    const auto& c = cfg.hq_crashes[i];
    auto field = "faults.hq_crash[" + std::to_string(i) + "]";
    if (auto err = within_day(field, c.start, c.end))
      return err;
    for (size_t k = 0; k < i; ++k)
      if (c.start < cfg.hq_crashes[k].end && cfg.hq_crashes[k].start < c.end)
        return bad(field, "overlaps faults.hq_crash["
                            + std::to_string(k) + "]: HQ is down already");
  }
  for (size_t i = 0; i < cfg.terminal_restarts.size(); ++i) {
    const auto& r = cfg.terminal_restarts[i];
    auto field = "faults.terminal_restart[" + std::to_string(i) + "]";
    if (auto err = terminal_exists(field, r.store, r.terminal))
      return err;
    if (auto err = in_day(field, r.at))
      return err;
  }
  for (size_t i = 0; i < cfg.jobs.deaths.size(); ++i)
    if (auto err = in_day("faults.job_dies[" + std::to_string(i) + "]",
                          cfg.jobs.deaths[i].at))
      return err;
  for (size_t i = 0; i < cfg.jobs.skips.size(); ++i)
    if (auto err = in_day("faults.job_skipped[" + std::to_string(i) + "]",
                          cfg.jobs.skips[i].at))
      return err;
  return {};
}

std::string store_id(size_t index) {
  char buf[32];
  snprintf(buf, sizeof(buf), "S%04zu", index + 1);
  return buf;
}

std::string terminal_id(size_t store_index, size_t terminal_index) {
  char buf[32];
  snprintf(buf, sizeof(buf), "-T%02zu", terminal_index + 1);
  return store_id(store_index) + buf;
}

std::string address_book_of(const run_config& cfg, size_t store_index) {
  char buf[32];
  snprintf(buf, sizeof(buf), "AB%03zu", store_index / cfg.address_book_size + 1);
  return buf;
}

store_settings settings_for(const run_config& cfg, size_t index) {
  const auto& g = group_of(cfg, index);
  store_settings s;
  s.store_id = store_id(index);
  s.operating_unit_country = g.country;
  s.profile.id = "FP-" + s.store_id;
  s.profile.create_customer_async
    = g.async
      || std::find(cfg.async_stores.begin(), cfg.async_stores.end(), index)
           != cfg.async_stores.end();
  s.profile.prompt_for_email = g.prompt_for_email;
  s.profile.generic_email = "noemail@store.example";
  auto& d = s.default_customer;
  d.id.account_number = "DEFAULT-" + s.store_id;
  d.type = customer_type::person;
  d.profile.name = g.default_customer.name + " " + s.store_id;
  d.profile.customer_group = g.default_customer.customer_group;
  d.profile.receipt = receipt_option::email;
  d.profile.receipt_email = g.default_customer.receipt_email;
  d.profile.currency = g.default_customer.currency;
  d.profile.language = g.default_customer.language;
  d.profile.affiliations = {"Retail customers"};
  return s;
}

namespace {

std::string stores_dir(const run_config& cfg) {
  return (std::filesystem::path{cfg.output_dir} / "stores").string();
}

std::string terminals_dir(const run_config& cfg) {
  return (std::filesystem::path{cfg.output_dir} / "terminals").string();
}

/// How each database of a run keeps its writes:
///
/// | database         | virtual                              | realtime |
/// |------------------|--------------------------------------|----------|
/// | HQ               | in_memory, or simulated (on disk)    | full     |
/// | channels         | in_memory, or simulated (on disk)    | full     |
/// | terminal offline | simulated                            | full     |
///
/// Terminals' offline files stay files in virtual runs: a terminal restart
/// must find what it wrote.
storage::durability durability_of(const run_config& cfg,
                                  storage::database_kind kind,
                                  storage_place where
                                  = storage_place::memory) {
  if (cfg.runtime == runtime_kind::realtime)
    return storage::durability::full;
  if (kind == storage::database_kind::offline || where == storage_place::disk)
    return storage::durability::simulated;
  return storage::durability::in_memory;
}

// What a channel holds, pages and indexes included, per customer copy the
// estimate counts (a little more than one copy: stores that find a customer
// by "search all stores" receive it too) and per linked sale. Measured on a
// 40 x 10 x 12 h day of the default mix: 98 MB of channels against 57,000
// estimated copies and 23,000 sales (docs/performance.md).
constexpr double channel_bytes_per_customer = 1650;
constexpr double channel_bytes_per_sale = 160;

// The same for HQ's database, per new customer the estimate counts (row,
// indexes, audit log, GUID map) and per transaction (HQ keeps every sale).
// Measured on a 200 x 10 x 12 h day of the default mix: 83.3 MB, of which
// 31 MB sales, against 28,294 estimated new customers and 323,357
// transactions (docs/performance.md).
constexpr double hq_bytes_per_customer = 1850;
constexpr double hq_bytes_per_sale = 96;

/// The day's transactions across the estate: the closed model's cashiers
/// begin one a session gap after the steps of the one before; the open
/// model's customers arrive at the day's peak rate at most.
double transactions_of_day(const run_config& cfg) {
  double day = std::chrono::duration<double>(cfg.duration).count();
  const auto& load = cfg.cashier;
  if (!load.enabled)
    return 0;
  auto terminals = static_cast<double>(terminal_count(cfg));
  if (load.model == load_model::closed)
    return terminals * day
           / std::max(load.session_gap.mean_seconds()
                        + 3 * load.think.mean_seconds(),
                      1.0);
  double where = 1;
  switch (load.arrivals.scope) {
    case rate_scope::terminal: where = terminals; break;
    case rate_scope::store:
      where = static_cast<double>(store_count(cfg));
      break;
    case rate_scope::estate: break;
  }
  return load.arrivals.peak() * where * day;
}

/// Of transactions_of_day, those that create a customer.
double new_customers_of_day(const run_config& cfg) {
  return transactions_of_day(cfg) * cfg.cashier.identified
         * cfg.cashier.new_customer;
}

/// A quarter of this machine's memory: what one kind of database may keep
/// in memory.
uint64_t quarter_of_memory() {
  auto pages = sysconf(_SC_PHYS_PAGES);
  auto page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * page / 4
                               : uint64_t{4} << 30;
}

/// As set, or (automatic) memory while the estimate is within the budget;
/// realtime runs keep every database in its file.
storage_choice choose(const run_config& cfg, storage_place setting,
                      storage_choice out) {
  if (cfg.runtime == runtime_kind::realtime) {
    out.where = storage_place::disk;
  } else if (setting == storage_place::automatic) {
    out.automatic = true;
    out.where = out.estimated_bytes > out.budget_bytes ? storage_place::disk
                                                       : storage_place::memory;
  } else {
    out.where = setting;
  }
  return out;
}

} // namespace

storage_choice choose_channel_storage(const run_config& cfg,
                                      uint64_t customers_at_hq) {
  storage_choice out;
  auto transactions = transactions_of_day(cfg);
  auto book = static_cast<double>(
    std::min(cfg.address_book_size, store_count(cfg)));
  auto new_customers = new_customers_of_day(cfg);
  auto base = static_cast<double>(customers_at_hq);
  // Anonymous sales stay at the till: a store keeps its linked ones.
  auto sales = transactions * cfg.cashier.identified;
  out.estimated_bytes = static_cast<uint64_t>(
    (new_customers + base) * book * channel_bytes_per_customer
    + sales * channel_bytes_per_sale);
  out.budget_bytes = quarter_of_memory();
  out.budget_is = "a quarter of memory";
  return choose(cfg, cfg.channel_storage, out);
}

storage_choice choose_hq_storage(const run_config& cfg,
                                 uint64_t hq_file_bytes) {
  storage_choice out;
  out.estimated_bytes = static_cast<uint64_t>(
    static_cast<double>(hq_file_bytes)
    + new_customers_of_day(cfg) * hq_bytes_per_customer
    + transactions_of_day(cfg) * hq_bytes_per_sale);
  // SQLite keeps an in-memory database in one block, which it grows by
  // reallocation and cannot take to 2 GiB: a day seen here stopped at
  // 1.5 GiB, and every write at HQ failed from then on. 1 GiB leaves the
  // estimate room to be wrong.
  constexpr uint64_t in_memory_limit = uint64_t{1} << 30;
  out.budget_bytes = std::min(quarter_of_memory(), in_memory_limit);
  out.budget_is = out.budget_bytes == in_memory_limit
                    ? "what SQLite can hold in memory for one database"
                    : "a quarter of memory";
  return choose(cfg, cfg.hq_storage, out);
}

caf::error world_databases::persist() {
  // Each database has its own connection, so two threads can write the
  // files side by side (the simulation itself is over by now). Worker w
  // takes channels w, w + n, ...; the first error in that order wins.
  size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1,
                                      channels.size() + 1);
  std::vector<caf::error> errors(channels.size() + 1);
  auto work = [&](size_t first) {
    for (size_t i = first; i < errors.size(); i += workers)
      errors[i] = i == 0 ? hq->persist() : channels[i - 1]->persist();
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w)
    threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads)
    t.join();
  for (auto& err : errors)
    if (err)
      return std::move(err);
  return {};
}

caf::expected<world_databases> open_databases(const run_config& cfg) {
  std::error_code err;
  for (const auto& dir : {stores_dir(cfg), terminals_dir(cfg)}) {
    std::filesystem::create_directories(dir, err);
    if (err)
      return make_error(ec::storage_failure, dir,
                        "cannot create folder: " + err.message());
  }
  world_databases out;
  auto hq_path = (std::filesystem::path{cfg.output_dir} / "hq.db").string();
  auto hq_file_bytes = std::filesystem::file_size(hq_path, err);
  out.hq_storage = choose_hq_storage(cfg, err ? 0 : hq_file_bytes);
  auto hq = storage::hq_database::open(
    hq_path, durability_of(cfg, storage::database_kind::hq,
                           out.hq_storage.where));
  if (!hq)
    return hq.error();
  out.hq = std::move(*hq);
  auto existing = out.hq->customer_count();
  if (!existing)
    return existing.error();
  out.customers_at_start = *existing;
  auto run = out.hq->begin_run(cfg.seed, cfg.runtime == runtime_kind::realtime
                                           ? caf::make_timestamp()
                                           : cfg.virtual_epoch);
  if (!run)
    return run.error();
  out.run = std::move(*run);
  out.channel_storage = choose_channel_storage(cfg, out.customers_at_start);
  for (size_t i = 0; i < store_count(cfg); ++i) {
    auto path = (std::filesystem::path{stores_dir(cfg)} / (store_id(i) + ".db"))
                  .string();
    auto ch = storage::channel_database::open(
      path, durability_of(cfg, storage::database_kind::channel,
                          out.channel_storage.where));
    if (!ch)
      return ch.error();
    out.channels.push_back(std::move(*ch));
  }
  return out;
}

void stop_world(const world& w) {
  auto stop = [](const auto& handle) {
    caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  };
  for (const auto& c : w.cashiers)
    stop(c);
  for (const auto& d : w.devices)
    stop(d);
  for (const auto& t : w.terminals)
    stop(t);
  for (const auto& s : w.stores)
    stop(s);
  for (const auto& l : w.links)
    stop(l);
  stop(w.jobs);
  stop(w.hq);
}

terminal_config terminal_config_for(const run_config& cfg, size_t s, size_t t,
                                    const sim_clock& clock,
                                    const event_sink_ptr& events,
                                    const std::string& run_tag) {
  terminal_config tc;
  tc.store_index = static_cast<uint32_t>(s);
  tc.terminal_index = static_cast<uint32_t>(t);
  tc.terminal_id = terminal_id(s, t);
  tc.settings = settings_for(cfg, s);
  tc.groups = cfg.customer_groups;
  tc.flags = cfg.flags;
  tc.offline_db_path = (std::filesystem::path{terminals_dir(cfg)}
                        / (tc.terminal_id + ".db"))
                         .string();
  tc.durability = durability_of(cfg, storage::database_kind::offline);
  tc.offline_timeout = cfg.offline_timeout;
  tc.reconnect_interval = cfg.reconnect_interval;
  tc.env = {cfg.seed, clock, events, {}, run_tag};  // it hands nothing over
  return tc;
}

world spawn_world(caf::actor_system& sys, const run_config& cfg,
                  const world_databases& dbs, const sim_clock& clock,
                  const event_sink_ptr& events) {
  world w;
  // A virtual pool without threads (--threads 1) runs each piece of work
  // when its actor waits for it, at the same places of the trace. A
  // realtime run's actors do all their database work on threads of its own.
  if (cfg.runtime == runtime_kind::virtual_time)
    w.pool = std::make_shared<work_pool>(cfg.threads - 1);
  else
    w.pool = std::make_shared<work_pool>(cfg.database_threads,
                                         work_pool_use::realtime);
  auto hq_cfg = cfg.hq;
  actor_env env{cfg.seed, clock, events, w.pool, dbs.run.run_tag};
  hq_cfg.env = env;
  hq_cfg.reply_margin = cfg.reply_margin;
  hq_cfg.duplicates = {cfg.duplicates,
                       settings_for(cfg, 0).profile.generic_email, cfg.flags};
  w.hq = sys.spawn(hq, hq_cfg, dbs.hq);
  std::vector<store_entry> entries;
  for (size_t s = 0; s < store_count(cfg); ++s) {
    auto link_cfg = cfg.link;
    link_cfg.store_id = store_id(s);
    link_cfg.env = env;
    auto link = sys.spawn(rts_link, link_cfg, w.hq);
    w.links.push_back(link);
    store_config store_cfg;
    store_cfg.index = static_cast<uint32_t>(s);
    store_cfg.settings = settings_for(cfg, s);
    store_cfg.address_book = address_book_of(cfg, s);
    store_cfg.groups = cfg.customer_groups;
    store_cfg.flags = cfg.flags;
    store_cfg.policy = cfg.rts_policy;
    store_cfg.rts_timeout = cfg.store_rts_timeout;
    store_cfg.reply_margin = cfg.reply_margin;
    store_cfg.service_time = cfg.store_service_time;
    store_cfg.env = env;
    auto st = sys.spawn(store, store_cfg, dbs.channels[s], link);
    w.stores.push_back(st);
    entries.push_back({st, store_cfg.settings.store_id, store_cfg.address_book});
    auto terminals = terminals_of(cfg, s);
    for (size_t t = 0; t < terminals; ++t) {
      auto term = sys.spawn(terminal,
                            terminal_config_for(cfg, s, t, clock, events,
                                                dbs.run.run_tag),
                            st);
      w.terminals.push_back(term);
      if (!cfg.cashier.enabled)
        continue;
      cashier_config cc;
      cc.store_index = static_cast<uint32_t>(s);
      cc.terminal_index = static_cast<uint32_t>(t);
      cc.terminal_id = terminal_id(s, t);
      cc.store_id = store_id(s);
      cc.model = cfg.cashier;
      // An arrival rate is shared evenly by the terminals it covers.
      switch (cfg.cashier.arrivals.scope) {
        case rate_scope::terminal: cc.rate_share = 1; break;
        case rate_scope::store:
          cc.rate_share = 1.0 / static_cast<double>(terminals);
          break;
        case rate_scope::estate:
          cc.rate_share = 1.0 / static_cast<double>(terminal_count(cfg));
          break;
      }
      cc.env = {cfg.seed, clock, events, {}, dbs.run.run_tag};
      // The terminal's card reader and scanner, when customers bring cards.
      std::vector<device_actor> devices;
      if (cfg.cashier.mix.uses_devices())
        for (auto kind : {device_kind::msr, device_kind::scanner}) {
          device_config dc;
          dc.device_id = terminal_id(s, t) + "-" + to_string(kind);
          dc.kind = kind;
          dc.faults = cfg.device_faults;
          dc.read_time = cfg.device_read_time;
          dc.env = cc.env;
          devices.push_back(sys.spawn(device, dc, term));
        }
      w.devices.insert(w.devices.end(), devices.begin(), devices.end());
      w.cashiers.push_back(sys.spawn(cashier, cc, term, std::move(devices)));
    }
  }
  auto jobs_cfg = cfg.jobs;
  jobs_cfg.env = env;
  jobs_cfg.distribute_at_start = dbs.customers_at_start > 0;
  w.jobs = sys.spawn(jobs, jobs_cfg, w.hq, entries);
  return w;
}

} // namespace retailsim
