#include "scenarios/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "model/error.hpp"
#include "scenarios/values.hpp"

namespace retailsim {

namespace {

// -- wrappers for values whose text differs from their type ------------------------

/// Store numbers, 1-based in a file, 0-based in the configuration.
struct store_numbers {
  std::vector<uint32_t>& stores;
};

/// The HQ feature flags as a list of names.
struct feature_names {
  hq_feature_flags& flags;
};

/// The fault schedule: a list of {offline: ...} and {rts: ...} entries.
struct fault_list {
  std::vector<offline_window>& offline;
  std::vector<link_fault>& rts;
  std::vector<hq_crash>& crashes;
  std::vector<job_death>& job_dies;
  std::vector<job_skip>& job_skipped;
  std::vector<terminal_restart>& restarts;
};

/// An arrival rate, per second in the configuration, "120/h" in a file.
struct rate_value {
  double& per_second;
};

/// The stages of a ramping arrival rate: a list of {to: RATE, over: D}.
struct stage_list {
  std::vector<rate_stage>& stages;
};

/// The thresholds: metric -> condition, or a list of conditions.
struct threshold_list {
  std::vector<threshold>& list;
};

/// The store groups: a list of mappings, each a group's name and keys.
struct group_list {
  std::vector<store_group>& groups;
};

/// HQ's customer groups: name -> {dimension: value}.
struct customer_group_list {
  std::vector<customer_group>& groups;
};

/// A store group's keys (its name aside).
template <class V>
void visit_group(V& v, store_group& g) {
  v.value("stores", g.stores);
  v.value("terminals", g.terminals);
  v.value("async", g.async);
  v.value("country", g.country);
  v.value("prompt_for_email", g.prompt_for_email);
  v.section("default_customer", [&](V& d) {
    auto& c = g.default_customer;
    d.value("name", c.name);
    d.value("customer_group", c.customer_group);
    d.value("receipt_email", c.receipt_email);
    d.value("currency", c.currency);
    d.value("language", c.language);
  });
}

// -- the one list of keys --------------------------------------------------------------

/// Every key of the format, once: the reader, the writer and --set all
/// walk this list (docs/scenarios.md documents it key by key).
template <class V>
void visit(V& v, run_config& c) {
  v.value("scenario", c.scenario);
  v.value("question", c.question);
  v.value("seed", c.seed);
  v.value("runtime", c.runtime);
  v.value("duration", c.duration);
  v.value("time_scale", c.time_scale);
  v.value("threads", c.threads);
  v.value("scheduler", c.scheduler_policy);
  v.value("database_threads", c.database_threads);
  v.value("scheduler_throughput", c.scheduler_throughput);
  v.value("channel_storage", c.channel_storage);
  v.value("hq_storage", c.hq_storage);
  v.section("topology", [&](V& t) {
    t.value("groups", group_list{c.groups});
    t.group_keys(c.groups);
    store_numbers async{c.async_stores};
    t.value("async_stores", async);
    t.value("address_book_size", c.address_book_size);
    feature_names features{c.flags};
    t.value("features", features);
  });
  v.value("customer_groups", customer_group_list{c.customer_groups});
  v.section("existing_customers", [&](V& e) {
    e.value("from", c.customers_from);
    e.value("population", c.population);
  });
  v.section("hq", [&](V& h) {
    h.value("workers", c.hq.workers);
    h.value("service_time", c.hq.service_time);
    h.value("queue_limit", c.hq.queue_limit);
    h.value("queue_timeout", c.hq.queue_timeout);
    h.value("duplicates", c.duplicates);
    h.value("distribution_batch", c.hq.distribution_batch);
  });
  v.section("rts", [&](V& r) {
    r.value("latency", c.link.latency);
    r.value("slow_factor", c.link.slow_factor);
    r.value("timeout", c.link.call_timeout);
    r.value("policy", c.rts_policy);
  });
  v.section("store", [&](V& s) {
    s.value("service_time", c.store_service_time);
    s.value("rts_timeout", c.store_rts_timeout);
  });
  v.section("terminal", [&](V& t) {
    t.value("offline_timeout", c.offline_timeout);
    t.value("reconnect_interval", c.reconnect_interval);
  });
  v.value("reply_margin", c.reply_margin);
  v.section("jobs", [&](V& j) {
    for (auto job :
         {std::pair{"p_job", &c.jobs.p_job},
          std::pair{"async_sync", &c.jobs.async_sync},
          std::pair{"dist_1010", &c.jobs.dist_1010}}) {
      // Named, not bound: clang (the fuzz build) cannot capture bindings.
      auto* schedule = job.second;
      j.section(job.first, [&](V& s) {
        s.value("every", schedule->interval);
        s.value("offset", schedule->offset);
        s.value("at", schedule->times);
      });
    }
    j.value("convert_batch", c.jobs.convert_batch);
    j.value("parallel_parts", c.jobs.parallel_parts);
  });
  v.section("load", [&](V& l) {
    auto& m = c.cashier;
    l.value("cashiers", m.enabled);
    l.value("session_gap", m.session_gap);
    l.value("think", m.think);
    l.value("amount", m.amount);
    l.value("model", m.model);
    l.section("arrivals", [&](V& a) {
      a.value("rate", rate_value{m.arrivals.rate});
      a.value("per", m.arrivals.scope);
      a.value("stages", stage_list{m.arrivals.stages});
    });
    l.section("customers", [&](V& x) {
      x.value("identified", m.identified);
      x.value("new", m.new_customer);
      x.value("business", m.mix.business);
      x.value("full_wizard", m.mix.full_wizard);
      x.value("similar_check", m.mix.similar_check);
      x.value("from_other_store", m.mix.from_other_store);
      x.value("typed_again", m.mix.skip_search);
      x.value("travellers", m.mix.travellers);
      x.value("traveller_pool", m.mix.traveller_pool);
      x.value("business_group", m.business_group);
    });
    l.section("lookup", [&](V& x) {
      x.value("by_phone", m.mix.by_phone);
      x.value("by_email", m.mix.by_email);
      x.value("by_name", m.mix.by_name);
      x.value("by_account", m.mix.by_account);
      x.value("by_loyalty_card", m.mix.by_loyalty_card);
    });
    l.section("input", [&](V& x) {
      x.value("keyboard", m.mix.keyboard);
      x.value("card_swipe", m.mix.card_swipe);
      x.value("licence_swipe", m.mix.licence_swipe);
      x.value("licence_scan", m.mix.licence_scan);
    });
    l.section("operations", [&](V& x) {
      x.value("nothing", m.mix.nothing);
      x.value("edit_profile", m.mix.edit_profile);
      x.value("add_address", m.mix.add_address);
      x.value("view_history", m.mix.view_history);
      x.value("view_purchases", m.mix.view_purchases);
      x.value("loyalty", m.mix.loyalty);
      x.value("join_club", m.mix.join_club);
      x.value("deactivate_reactivate", m.mix.deactivate_reactivate);
      x.value("find_duplicates", m.mix.duplicates);
      x.value("read_only_edit", m.mix.read_only_edit);
      x.value("add_affiliation", m.mix.add_affiliation);
      x.value("add_contact", m.mix.add_contact);
    });
  });
  v.section("devices", [&](V& d) {
    d.value("read_time", c.device_read_time);
    d.value("misread", c.device_faults.misread);
    d.value("partial", c.device_faults.partial);
    d.value("wrong_format", c.device_faults.wrong_format);
    d.value("stall", c.device_faults.stall);
    d.value("stall_time", c.device_faults.stall_time);
    d.value("offline", c.device_faults.offline);
  });
  fault_list faults{c.offline_windows, c.link_faults, c.hq_crashes,
                    c.jobs.deaths, c.jobs.skips, c.terminal_restarts};
  v.value("faults", faults);
}

// -- errors ----------------------------------------------------------------------------

/// What a node is, for "found ...".
std::string found(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: return quote_input(n.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

/// A failed key: thrown inside the walk, turned into a caf::error once.
struct bad_key {
  YAML::Mark mark;
  std::string key;
  std::string problem;
};

[[noreturn]] void fail(const YAML::Node& n, const std::string& key,
                       const std::string& expected) {
  throw bad_key{n.Mark(), key, "expected " + expected + ", found " + found(n)};
}

// -- reading values --------------------------------------------------------------------

const std::string& scalar(const YAML::Node& n, const std::string& key,
                          const char* expected) {
  if (!n.IsScalar())
    fail(n, key, expected);
  return n.Scalar();
}

void convert(const YAML::Node& n, const std::string& key, std::string& x) {
  x = scalar(n, key, "text");
}

void convert(const YAML::Node& n, const std::string& key, bool& x) {
  const auto& text = scalar(n, key, "true or false");
  if (text == "true")
    x = true;
  else if (text == "false")
    x = false;
  else
    fail(n, key, "true or false");
}

void convert(const YAML::Node& n, const std::string& key, uint64_t& x) {
  const auto& text = scalar(n, key, "a whole number from 0 up");
  if (text.empty() || text.size() > 19
      || !std::all_of(text.begin(), text.end(),
                      [](char c) { return std::isdigit(c); }))
    fail(n, key, "a whole number from 0 up");
  x = std::stoull(text);
}

void convert(const YAML::Node& n, const std::string& key, double& x) {
  const auto& text = scalar(n, key, "a number");
  char* end = nullptr;
  x = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(x))
    fail(n, key, "a number");
}

void convert(const YAML::Node& n, const std::string& key, caf::timespan& x) {
  std::string problem;
  if (!parse_duration(scalar(n, key, "a duration (90s, 15m, 1h30m)"), x,
                      problem))
    throw bad_key{n.Mark(), key, problem};
}

void convert(const YAML::Node& n, const std::string& key, distribution& x) {
  std::string problem;
  if (!parse_distribution(
        scalar(n, key, "a distribution (constant:2, exp:30, ...)"), x,
        problem))
    throw bad_key{n.Mark(), key, problem};
}

/// An enumeration by its names (`names` lists them in order).
template <class Enum, size_t N>
void convert_enum(const YAML::Node& n, const std::string& key, Enum& x,
                  const Enum (&values)[N]) {
  std::string expected = "one of";
  for (auto v : values)
    expected += std::string{" "} + to_string(v);
  const auto& text = scalar(n, key, expected.c_str());
  for (auto v : values)
    if (text == to_string(v)) {
      x = v;
      return;
    }
  fail(n, key, expected);
}

void convert(const YAML::Node& n, const std::string& key, runtime_kind& x) {
  static constexpr runtime_kind all[] = {runtime_kind::virtual_time,
                                         runtime_kind::realtime};
  convert_enum(n, key, x, all);
}

void convert(const YAML::Node& n, const std::string& key,
             storage_place& x) {
  static constexpr storage_place all[]
    = {storage_place::automatic, storage_place::memory,
       storage_place::disk};
  convert_enum(n, key, x, all);
}

void convert(const YAML::Node& n, const std::string& key,
             rts_failure_policy& x) {
  static constexpr rts_failure_policy all[]
    = {rts_failure_policy::fallback_async, rts_failure_policy::error};
  convert_enum(n, key, x, all);
}

void convert(const YAML::Node& n, const std::string& key,
             duplicate_policy& x) {
  static constexpr duplicate_policy all[]
    = {duplicate_policy::flag_for_review, duplicate_policy::merge};
  convert_enum(n, key, x, all);
}

void convert(const YAML::Node& n, const std::string& key, store_numbers x) {
  if (!n.IsSequence())
    fail(n, key, "a list of store numbers (1-based)");
  x.stores.clear();
  for (const auto& item : n) {
    uint64_t number = 0;
    convert(item, key, number);
    if (number == 0 || number > 100000)
      throw bad_key{item.Mark(), key,
                    "store " + item.Scalar()
                      + " is out of range: stores are numbered from 1"};
    x.stores.push_back(static_cast<uint32_t>(number - 1));
  }
}

void convert(const YAML::Node& n, const std::string& key,
             std::vector<caf::timespan>& x) {
  if (!n.IsSequence())
    fail(n, key, "a list of times of the day ([9h, 13h30m])");
  x.clear();
  for (const auto& item : n) {
    caf::timespan t{0};
    convert(item, key, t);
    x.push_back(t);
  }
}

void convert(const YAML::Node& n, const std::string& key, load_model& x) {
  static constexpr load_model all[] = {load_model::closed, load_model::open};
  convert_enum(n, key, x, all);
}

void convert(const YAML::Node& n, const std::string& key, rate_scope& x) {
  static constexpr rate_scope all[] = {rate_scope::terminal, rate_scope::store,
                                       rate_scope::estate};
  convert_enum(n, key, x, all);
}

void convert(const YAML::Node& n, const std::string& key, rate_value x) {
  std::string problem;
  if (!parse_rate(scalar(n, key, "a rate (120/h, 2/m, 0.5/s)"), x.per_second,
                  problem))
    throw bad_key{n.Mark(), key, problem};
}

void convert(const YAML::Node& n, const std::string& key, feature_names x) {
  if (!n.IsSequence())
    fail(n, key, "a list of feature names");
  std::string names;
  for (const auto& item : n)
    names += (names.empty() ? "" : ",") + scalar(item, key, "a feature name");
  std::string problem;
  if (!parse_feature_flags(names, x.flags, problem))
    throw bad_key{n.Mark(), key, problem};
}

void convert(const YAML::Node& n, const std::string& key,
             customer_group_list x) {
  if (!n.IsMap() || n.size() == 0)
    fail(n, key, "a mapping of customer groups and their financial "
                 "dimensions (RETAIL: {CostCenter: CC-100})");
  std::vector<customer_group> out;
  for (auto i = n.begin(); i != n.end(); ++i) {
    // Copies: the iterator (and what it points at) is a temporary.
    const YAML::Node name = i->first;
    const YAML::Node body = i->second;
    customer_group g;
    g.id = scalar(name, key, "a customer group's name");
    auto at = key + "." + g.id;
    if (!body.IsNull()) {
      if (!body.IsMap())
        fail(body, at, "a mapping of dimension: value (CostCenter: CC-100)");
      for (auto d = body.begin(); d != body.end(); ++d) {
        const YAML::Node dimension = d->first;
        const YAML::Node value = d->second;
        auto dimension_name = scalar(dimension, at, "a dimension's name");
        g.financial_dimensions.push_back(
          {dimension_name,
           scalar(value, at + "." + dimension_name, "text")});
      }
    }
    out.push_back(std::move(g));
  }
  x.groups = std::move(out);
}

/// The known metric nearest to `name` by edit distance, if it is near.
std::string nearest_metric(const std::string& name) {
  std::string best;
  size_t best_distance = 4;
  for (const auto& m : metric_catalogue()) {
    const auto& a = name;
    const auto& b = m.name;
    // The distance is at least the difference in length: a long name is
    // near nothing, and costs nothing to rule out.
    auto longer = std::max(a.size(), b.size());
    if (longer - std::min(a.size(), b.size()) >= best_distance)
      continue;
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
      row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                           diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row[b.size()] < best_distance) {
      best_distance = row[b.size()];
      best = b;
    }
  }
  return best;
}

void convert(const YAML::Node& n, const std::string& key, threshold_list x) {
  if (!n.IsMap())
    fail(n, key, "a mapping of metric: condition (sync_p99: \"< 2s\")");
  for (auto i = n.begin(); i != n.end(); ++i) {
    // Copies: the iterator (and what it points at) is a temporary.
    const YAML::Node name_node = i->first;
    const YAML::Node body = i->second;
    auto metric = name_node.IsScalar() ? name_node.Scalar() : std::string{};
    auto at = key + "." + metric;
    if (!find_metric(metric)) {
      auto near = nearest_metric(metric);
      throw bad_key{name_node.Mark(), at,
                    "unknown metric "
                      + (near.empty() ? std::string{}
                                      : "(did you mean " + near + "?) ")
                      + "(e.g. sync_p99, conversion_lag_p95, "
                        "pending_at_end, lost, duplicated, error_rate, "
                        "unexpected_errors, refused.quick_add; "
                        "docs/scenarios.md lists them all)"};
    }
    std::vector<YAML::Node> conditions;
    if (body.IsSequence())
      for (const auto& c : body)
        conditions.push_back(c);
    else
      conditions.push_back(body);
    // A metric given again (a --set on top of a file) replaces its
    // conditions.
    x.list.erase(std::remove_if(x.list.begin(), x.list.end(),
                                [&](const threshold& t) {
                                  return t.metric == metric;
                                }),
                 x.list.end());
    for (const auto& c : conditions) {
      if (c.IsNull())
        throw bad_key{name_node.Mark(), at, "expected a condition, found "
                                            "nothing"};
      threshold t;
      std::string problem;
      if (!parse_threshold(metric, scalar(c, at, "a condition (\"< 2s\")"),
                           t, problem))
        throw bad_key{c.Mark(), at, problem};
      x.list.push_back(std::move(t));
    }
  }
}

/// Reads the keys of a mapping node, refusing any other.
class map_reader {
public:
  map_reader(const YAML::Node& node, std::string prefix,
             std::function<void(const std::string&, const YAML::Node&)> given)
    : node_(node), prefix_(std::move(prefix)), given_(std::move(given)) {
  }

  template <class T>
  void value(const char* key, T& x) {
    keys_.push_back(key);
    auto n = node_[key];
    if (!n)
      return;
    auto path = prefix_ + key;
    if (n.IsNull())
      // An empty value has no place of its own: its key's.
      throw bad_key{key_mark(key), path, "expected a value, found nothing"};
    convert(n, path, x);
    given_(path, n);
  }

  template <class T>
  void value(const char* key, T&& x) {
    // Wrappers (store_numbers, feature_names) are temporaries.
    value(key, x);
  }

  /// Faults are given one by one: each where its entry is.
  void value(const char* key, fault_list x);

  /// Stages: each a mapping of its own keys.
  void value(const char* key, stage_list x);

  /// Store groups: each a mapping of a group's keys, recorded as given
  /// one by one ("topology.groups[0].stores").
  void value(const char* key, group_list x);

  /// The keys of a topology of one group, at the topology's level; refused
  /// where there are groups.
  void group_keys(std::vector<store_group>& groups) {
    bool listed = static_cast<bool>(node_["groups"]);
    bool here = !listed && groups.size() == 1;
    store_group scratch;
    auto before = keys_.size();
    visit_group(*this, here ? groups[0] : scratch);
    if (here)
      return;
    for (auto i = before; i < keys_.size(); ++i)
      if (node_[keys_[i]])
        throw bad_key{key_mark(keys_[i]), prefix_ + keys_[i],
                      listed ? "a store group's key: with topology.groups, "
                               "give it in each group"
                             : "the topology has "
                                 + std::to_string(groups.size())
                                 + " store groups: give it in each of "
                                   "topology.groups"};
  }

  template <class F>
  void section(const char* key, F f) {
    keys_.push_back(key);
    auto n = node_[key];
    if (!n)
      return;
    auto path = prefix_ + key;
    if (!n.IsMap())
      fail(n, path, "a mapping of keys");
    map_reader sub{n, path + ".", given_};
    f(sub);
    sub.refuse_others();
  }

  /// Keys that must be there.
  void require(std::initializer_list<const char*> keys) const {
    for (const char* key : keys)
      if (!node_[key])
        throw bad_key{node_.Mark(), prefix_ + key, "required"};
  }

  /// Any key the list does not have is an error naming the ones it has.
  void refuse_others() {
    for (auto i = node_.begin(); i != node_.end(); ++i) {
      auto key = i->first.IsScalar() ? i->first.Scalar() : std::string{};
      if (std::find(keys_.begin(), keys_.end(), key) != keys_.end())
        continue;
      std::string known;
      for (const auto& k : keys_)
        known += (known.empty() ? "" : ", ") + k;
      throw bad_key{i->first.Mark(), prefix_ + key,
                    "unknown key (expected one of: " + known + ")"};
    }
  }

private:
  /// The list at `key`, or an empty node when the key is not there; not a
  /// list: an error saying what was `expected`.
  YAML::Node list(const char* key, const char* expected) {
    keys_.push_back(key);
    auto n = node_[key];
    if (n && !n.IsSequence())
      fail(n, prefix_ + key, expected);
    return n;
  }

  YAML::Mark key_mark(const std::string& key) const {
    for (auto i = node_.begin(); i != node_.end(); ++i)
      if (i->first.IsScalar() && i->first.Scalar() == key)
        return i->first.Mark();
    return node_.Mark();
  }

  const YAML::Node node_;
  std::string prefix_;
  std::function<void(const std::string&, const YAML::Node&)> given_;
  std::vector<std::string> keys_;
};

void map_reader::value(const char* key, stage_list x) {
  auto n = list(key, "a list of stages ({to: 90/h, over: 1h})");
  if (!n)
    return;
  auto path = prefix_ + key;
  x.stages.clear();
  auto ignore = [](const std::string&, const YAML::Node&) {};
  for (const auto& item : n) {
    if (!item.IsMap())
      fail(item, path, "a stage: {to: RATE, over: DURATION}");
    map_reader r{item, path + ".", ignore};
    rate_stage s;
    r.value("to", rate_value{s.to});
    r.value("over", s.over);
    r.refuse_others();
    r.require({"to", "over"});
    x.stages.push_back(s);
  }
  given_(path, n);
}

void map_reader::value(const char* key, group_list x) {
  auto n = list(key, "a list of store groups ({name: mall, stores: 40, "
                     "terminals: 6})");
  if (!n)
    return;
  auto path = prefix_ + key;
  if (n.size() == 0)
    throw bad_key{n.Mark(), path, "expected at least one store group, "
                                  "found an empty list"};
  std::vector<store_group> groups;
  for (const auto& item : n) {
    auto at = path + "[" + std::to_string(groups.size()) + "]";
    if (!item.IsMap())
      fail(item, path, "a store group: {name: mall, stores: 40, ...}");
    map_reader r{item, at + ".", given_};
    store_group g;
    r.value("name", g.name);
    visit_group(r, g);
    r.refuse_others();
    r.require({"name", "stores"});
    groups.push_back(std::move(g));
  }
  x.groups = std::move(groups);
  given_(path, n);
}

/// The fault list: each entry one mapping, {offline: {...}} or {rts:
/// {...}}, its keys read through a map_reader; the entries are recorded as
/// given one by one ("faults.offline[0]"), so that validate()'s complaint
/// about one points at it.
void map_reader::value(const char* key, fault_list x) {
  auto n = list(key, "a list of faults");
  if (!n)
    return;
  auto path = prefix_ + key;
  x.offline.clear();
  x.rts.clear();
  x.crashes.clear();
  x.job_dies.clear();
  x.job_skipped.clear();
  x.restarts.clear();
  auto ignore = [](const std::string&, const YAML::Node&) {};
  for (const auto& item : n) {
    if (!item.IsMap() || item.size() != 1)
      fail(item, path, "a fault: {offline: {...}}, {rts: {...}}, "
                       "{hq_crash: {...}}, {job_dies: {...}}, "
                       "{job_skipped: {...}} or {terminal_restart: {...}}");
    // Copies: the iterator (and what it points at) is a temporary.
    const YAML::Node key_node = item.begin()->first;
    const YAML::Node body = item.begin()->second;
    auto kind = key_node.Scalar();
    auto at = path + "." + kind;
    if (kind != "offline" && kind != "rts" && kind != "hq_crash"
        && kind != "job_dies" && kind != "job_skipped"
        && kind != "terminal_restart")
      throw bad_key{key_node.Mark(), at,
                    "unknown fault (expected offline, rts, hq_crash, "
                    "job_dies, job_skipped or terminal_restart)"};
    if (!body.IsMap())
      fail(body, at, "a mapping of keys");
    map_reader r{body, at + ".", ignore};
    // A store's or terminal's number, from 1 in a file, from 0 after.
    auto numbered = [&](const char* key, uint64_t n, uint64_t most) {
      if (n == 0 || n > most)
        throw bad_key{body[key].Mark(), at + "." + key,
                      std::string{key} + " " + std::to_string(n)
                        + " is out of range: " + key
                        + "s are numbered from 1 to at most "
                        + std::to_string(most)};
      return static_cast<uint32_t>(n - 1);
    };
    if (kind == "job_dies" || kind == "job_skipped") {
      std::string job;
      caf::timespan when{0};
      uint64_t after = 0;
      r.value("job", job);
      r.value("at", when);
      if (kind == "job_dies")
        r.value("after", after);
      r.refuse_others();
      if (kind == "job_dies")
        r.require({"job", "at", "after"});
      else
        r.require({"job", "at"});
      job_kind which = job_kind::p_job;
      if (job == "p_job")
        which = job_kind::p_job;
      else if (job == "async_sync")
        which = job_kind::async_sync;
      else if (job == "dist_1010")
        which = job_kind::dist_1010;
      else
        fail(body["job"], at + ".job", "p_job, async_sync or dist_1010");
      if (kind == "job_dies") {
        given_(at + "[" + std::to_string(x.job_dies.size()) + "]", item);
        x.job_dies.push_back({which, when, after});
      } else {
        given_(at + "[" + std::to_string(x.job_skipped.size()) + "]", item);
        x.job_skipped.push_back({which, when});
      }
      continue;
    }
    if (kind == "terminal_restart") {
      uint64_t store = 0;
      uint64_t terminal = 0;
      caf::timespan when{0};
      r.value("store", store);
      r.value("terminal", terminal);
      r.value("at", when);
      r.refuse_others();
      r.require({"store", "terminal", "at"});
      terminal_restart restart{numbered("store", store, 100000),
                               numbered("terminal", terminal, 1000), when};
      given_(at + "[" + std::to_string(x.restarts.size()) + "]", item);
      x.restarts.push_back(restart);
      continue;
    }
    caf::timespan from{0};
    caf::timespan to{0};
    if (kind == "hq_crash") {
      r.value("from", from);
      r.value("to", to);
      r.refuse_others();
      r.require({"from", "to"});
      given_(at + "[" + std::to_string(x.crashes.size()) + "]", item);
      x.crashes.push_back({from, to});
      continue;
    }
    uint64_t store = 0;
    r.value("store", store);
    r.value("from", from);
    r.value("to", to);
    r.require({"store", "from", "to"});
    auto store_index = numbered("store", store, 100000);
    if (kind == "offline") {
      uint64_t terminal = 0;
      r.value("terminal", terminal);
      r.refuse_others();
      offline_window w;
      w.store = store_index;
      w.terminal = body["terminal"] ? numbered("terminal", terminal, 1000)
                                    : offline_window::all_terminals;
      w.start = from;
      w.end = to;
      given_(at + "[" + std::to_string(x.offline.size()) + "]", item);
      x.offline.push_back(w);
    } else {
      std::string state = "down";
      link_fault f;
      r.value("state", state);
      r.value("share", f.share);
      r.refuse_others();
      f.store = store_index;
      if (state == "down")
        f.state = link_availability::down;
      else if (state == "slow")
        f.state = link_availability::slow;
      else if (state == "dropping")
        f.state = link_availability::dropping;
      else
        fail(body["state"], at + ".state", "down, slow or dropping");
      if (f.state == link_availability::dropping && !body["share"])
        throw bad_key{body.Mark(), at + ".share",
                      "required when the state is dropping (the share of "
                      "calls lost, e.g. 0.2)"};
      if (f.state != link_availability::dropping && body["share"])
        throw bad_key{body["share"].Mark(), at + ".share",
                      "only a dropping link loses a share of calls"};
      f.start = from;
      f.end = to;
      given_(at + "[" + std::to_string(x.rts.size()) + "]", item);
      x.rts.push_back(f);
    }
  }
  given_(path, n);
}

// -- writing values --------------------------------------------------------------------

std::string text_of(caf::timespan x) {
  auto ns = x.count();
  if (ns == 0)
    return "0";
  if (ns % 1000000 != 0) {
    char buf[64];
    snprintf(buf, sizeof(buf), "%.9gs", static_cast<double>(ns) / 1e9);
    return buf;
  }
  std::string out;
  for (auto [unit, size] :
       {std::pair{"h", int64_t{3600000000000}}, std::pair{"m", int64_t{60000000000}},
        std::pair{"s", int64_t{1000000000}}, std::pair{"ms", int64_t{1000000}}}) {
    if (ns >= size) {
      out += std::to_string(ns / size) + unit;
      ns %= size;
    }
  }
  return out;
}

/// The shortest text that reads back to the same double.
std::string text_of(double x) {
  char buf[64];
  for (int digits = 6; digits <= 17; ++digits) {
    snprintf(buf, sizeof(buf), "%.*g", digits, x);
    if (std::strtod(buf, nullptr) == x)
      break;
  }
  return buf;
}

/// A rate per hour when that reads back to the same value, else per
/// second (as the configuration holds it).
std::string text_of_rate(double per_second) {
  auto hourly = text_of(per_second * 3600) + "/h";
  double back = 0;
  std::string ignored;
  if (parse_rate(hourly, back, ignored) && back == per_second)
    return hourly;
  return text_of(per_second) + "/s";
}

class writer {
public:
  explicit writer(YAML::Emitter& out) : out_(out) {
  }

  template <class T>
  void value(const char* key, T&& x) {
    out_ << YAML::Key << key << YAML::Value;
    write(x);
  }

  template <class F>
  void section(const char* key, F f) {
    out_ << YAML::Key << key << YAML::Value << YAML::BeginMap;
    f(*this);
    out_ << YAML::EndMap;
  }

  /// Groups as a list, unless the topology is one unnamed group.
  void value(const char* key, group_list x) {
    if (one_unnamed_group(x.groups))
      return;
    out_ << YAML::Key << key << YAML::Value << YAML::BeginSeq;
    for (auto& g : x.groups) {
      out_ << YAML::BeginMap;
      value("name", g.name);
      visit_group(*this, g);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
  }

  /// ... and then its keys at the topology's level.
  void group_keys(std::vector<store_group>& groups) {
    if (one_unnamed_group(groups))
      visit_group(*this, groups[0]);
  }

private:
  void write(const std::string& x) {
    out_ << YAML::DoubleQuoted << x;
  }
  void write(bool x) {
    out_ << (x ? "true" : "false");
  }
  void write(uint64_t x) {
    out_ << x;
  }
  void write(double x) {
    out_ << text_of(x);
  }
  void write(caf::timespan x) {
    out_ << text_of(x);
  }
  void write(const distribution& x) {
    out_ << to_string(x);
  }
  template <class Enum>
  auto write(Enum x) -> decltype(to_string(x), void()) {
    out_ << to_string(x);
  }
  void write(const store_numbers& x) {
    out_ << YAML::Flow << YAML::BeginSeq;
    for (auto s : x.stores)
      out_ << s + 1;
    out_ << YAML::EndSeq;
  }
  void write(const feature_names& x) {
    out_ << YAML::Flow << YAML::BeginSeq;
    const auto& f = x.flags;
    if (f.multiple_contacts_with_consent)
      out_ << "multiple_contacts";
    if (f.async_customer_addresses)
      out_ << "async_addresses";
    if (f.enhanced_async_customer)
      out_ << "enhanced_async";
    if (f.edit_async_customers)
      out_ << "edit_async";
    out_ << YAML::EndSeq;
  }
  void write(const std::vector<caf::timespan>& x) {
    out_ << YAML::Flow << YAML::BeginSeq;
    for (auto t : x)
      out_ << text_of(t);
    out_ << YAML::EndSeq;
  }
  void write(const customer_group_list& x) {
    out_ << YAML::BeginMap;
    for (const auto& g : x.groups) {
      out_ << YAML::Key << g.id << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const auto& d : g.financial_dimensions)
        out_ << YAML::Key << d.name << YAML::Value << YAML::DoubleQuoted
             << d.value;
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }
  void write(const rate_value& x) {
    out_ << text_of_rate(x.per_second);
  }
  void write(const stage_list& x) {
    out_ << YAML::Flow << YAML::BeginSeq;
    for (const auto& s : x.stages)
      out_ << YAML::BeginMap << YAML::Key << "to" << YAML::Value
           << text_of_rate(s.to) << YAML::Key << "over" << YAML::Value
           << text_of(s.over) << YAML::EndMap;
    out_ << YAML::EndSeq;
  }
  void write(const fault_list& x) {
    if (x.offline.empty() && x.rts.empty() && x.crashes.empty()
        && x.job_dies.empty() && x.job_skipped.empty() && x.restarts.empty())
      out_ << YAML::Flow;
    out_ << YAML::BeginSeq;
    for (const auto& w : x.offline) {
      out_ << YAML::BeginMap << YAML::Key << "offline" << YAML::Value
           << YAML::Flow << YAML::BeginMap;
      out_ << YAML::Key << "store" << YAML::Value << w.store + 1;
      if (w.terminal != offline_window::all_terminals)
        out_ << YAML::Key << "terminal" << YAML::Value << w.terminal + 1;
      out_ << YAML::Key << "from" << YAML::Value << text_of(w.start)
           << YAML::Key << "to" << YAML::Value << text_of(w.end)
           << YAML::EndMap << YAML::EndMap;
    }
    for (const auto& f : x.rts) {
      out_ << YAML::BeginMap << YAML::Key << "rts" << YAML::Value
           << YAML::Flow << YAML::BeginMap << YAML::Key << "store"
           << YAML::Value << f.store + 1 << YAML::Key << "state"
           << YAML::Value << to_string(f.state);
      if (f.state == link_availability::dropping)
        out_ << YAML::Key << "share" << YAML::Value << text_of(f.share);
      out_ << YAML::Key << "from" << YAML::Value << text_of(f.start)
           << YAML::Key << "to" << YAML::Value << text_of(f.end)
           << YAML::EndMap << YAML::EndMap;
    }
    for (const auto& c : x.crashes)
      out_ << YAML::BeginMap << YAML::Key << "hq_crash" << YAML::Value
           << YAML::Flow << YAML::BeginMap << YAML::Key << "from"
           << YAML::Value << text_of(c.start) << YAML::Key << "to"
           << YAML::Value << text_of(c.end) << YAML::EndMap << YAML::EndMap;
    for (const auto& d : x.job_dies)
      out_ << YAML::BeginMap << YAML::Key << "job_dies" << YAML::Value
           << YAML::Flow << YAML::BeginMap << YAML::Key << "job"
           << YAML::Value << to_string(d.job) << YAML::Key << "at"
           << YAML::Value << text_of(d.at) << YAML::Key << "after"
           << YAML::Value << d.after << YAML::EndMap << YAML::EndMap;
    for (const auto& k : x.job_skipped)
      out_ << YAML::BeginMap << YAML::Key << "job_skipped" << YAML::Value
           << YAML::Flow << YAML::BeginMap << YAML::Key << "job"
           << YAML::Value << to_string(k.job) << YAML::Key << "at"
           << YAML::Value << text_of(k.at) << YAML::EndMap << YAML::EndMap;
    for (const auto& r : x.restarts)
      out_ << YAML::BeginMap << YAML::Key << "terminal_restart" << YAML::Value
           << YAML::Flow << YAML::BeginMap << YAML::Key << "store"
           << YAML::Value << r.store + 1 << YAML::Key << "terminal"
           << YAML::Value << r.terminal + 1 << YAML::Key << "at"
           << YAML::Value << text_of(r.at) << YAML::EndMap << YAML::EndMap;
    out_ << YAML::EndSeq;
  }

  YAML::Emitter& out_;
};

/// A node of the YAML the writer makes, as JSON: quoted scalars (the
/// writer quotes text) as strings, plain ones as numbers or true/false
/// where they are, as text otherwise (durations, distributions).
nlohmann::json json_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& kv : n)
        out[kv.first.Scalar()] = json_of(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : n)
        out.push_back(json_of(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const auto& text = n.Scalar();
      if (n.Tag() != "?")
        return text;
      if (text == "true" || text == "false")
        return text == "true";
      char* end = nullptr;
      double x = std::strtod(text.c_str(), &end);
      if (!text.empty() && *end == '\0')
        return text.find_first_of(".eE") == std::string::npos && x >= 0
                 ? nlohmann::json(std::stoull(text))
                 : nlohmann::json(x);
      return text;
    }
    default: return nullptr;
  }
}

/// Reads `root` (a mapping) onto `s`, recording where each key was set by
/// `where(node)`.
void read_root(scenario& s, const YAML::Node& root,
               const std::function<std::string(const YAML::Node&)>& where) {
  map_reader r{root, "", [&](const std::string& key, const YAML::Node& n) {
                 s.given[key] = where(n);
               }};
  visit(r, s.config);
  r.value("thresholds", threshold_list{s.thresholds});
  r.refuse_others();
}

/// An error at `where` (file:line:column, a flag, --set) about `key`. A
/// flag stands for its key, which is not repeated.
caf::error scenario_error(const std::string& where, const std::string& key,
                          const std::string& problem) {
  bool flag = where.rfind("--", 0) == 0 && where != "--set";
  return make_error(ec::invalid_scenario, where,
                    key.empty() || flag ? problem : key + ": " + problem);
}

std::string position(const std::string& name, const YAML::Mark& mark) {
  return name + ":" + std::to_string(mark.line + 1) + ":"
         + std::to_string(mark.column + 1);
}

} // namespace

scenario default_scenario() {
  return scenario{default_run_config(), {}, {}};
}

caf::error read_scenario(scenario& s, const std::string& text,
                         const std::string& name) {
  // YAML indents with spaces: a tab there is an error, and a confusing one
  // in yaml-cpp's words.
  {
    std::istringstream lines{text};
    std::string line;
    for (size_t number = 1; std::getline(lines, line); ++number) {
      auto end = line.find_first_not_of(" \t");
      auto tab = line.find('\t');
      if (tab != std::string::npos && (end == std::string::npos || tab < end))
        return scenario_error(name + ":" + std::to_string(number) + ":"
                                + std::to_string(tab + 1),
                              "", "a tab in the indentation (YAML indents "
                                  "with spaces)");
    }
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return scenario_error(position(name, e.mark), "",
                          "not valid YAML: " + e.msg);
  }
  if (root.IsNull())
    return scenario_error(name, "", "empty: expected a mapping of keys (see "
                                    "docs/scenarios.md)");
  if (!root.IsMap())
    return scenario_error(position(name, root.Mark()), "",
                          "expected a mapping of keys, found " + found(root));
  try {
    read_root(s, root,
              [&](const YAML::Node& n) { return position(name, n.Mark()); });
  } catch (const bad_key& e) {
    return scenario_error(position(name, e.mark), e.key, e.problem);
  } catch (const YAML::Exception& e) {
    return scenario_error(position(name, e.mark), "", e.msg);
  }
  return {};
}

caf::expected<scenario> load_scenario(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code err;
  if (!fs::exists(path, err))
    return scenario_error(path, "", "no such file");
  if (fs::is_directory(path, err))
    return scenario_error(path, "", "a directory, not a scenario file");
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return scenario_error(path, "", "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  auto s = default_scenario();
  s.config.scenario = fs::path{path}.stem().string();
  if (auto e = read_scenario(s, text.str(), path))
    return e;
  // A scenario kept in version control names its base beside it.
  auto& base = s.config.customers_from;
  if (!base.empty() && fs::path{base}.is_relative())
    base = (fs::path{path}.parent_path() / base).lexically_normal().string();
  return s;
}

namespace {

/// Reads the one key `key` (dotted) with the value `value` onto `s`,
/// through the same reader as a file's.
caf::error apply_node(scenario& s, const std::string& key, YAML::Node value,
                      const std::string& origin) {
  std::vector<std::string> parts;
  size_t start = 0;
  // A metric's name has dots of its own ("refused.quick_add").
  if (key.rfind("thresholds.", 0) == 0) {
    parts.push_back("thresholds");
    start = parts.back().size() + 1;
  }
  for (;;) {
    auto dot = parts.size() == 1 && parts[0] == "thresholds"
                 ? std::string::npos
                 : key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos
                                        ? std::string::npos
                                        : dot - start));
    if (parts.back().empty())
      return scenario_error(origin, key, "an empty part in the key");
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  // {a: {b: value}}, built from the inside out. reset() rebinds a node;
  // yaml-cpp's = would write through to what it refers to.
  YAML::Node doc = value;
  for (auto i = parts.rbegin(); i != parts.rend(); ++i) {
    YAML::Node outer{YAML::NodeType::Map};
    outer[*i] = doc;
    doc.reset(outer);
  }
  try {
    read_root(s, doc, [&](const YAML::Node&) { return origin; });
  } catch (const bad_key& e) {
    return scenario_error(origin, e.key, e.problem);
  }
  return {};
}

} // namespace

caf::error apply_setting(scenario& s, const std::string& assignment,
                         const std::string& origin) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    return scenario_error(origin, "", "expected KEY=VALUE, found "
                                        + quote_input(assignment));
  auto key = assignment.substr(0, eq);
  auto text = assignment.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return scenario_error(origin, key, "not a valid value: " + e.msg);
  }
  if (value.IsNull())
    return scenario_error(origin, key, "expected a value, found "
                                         + quote_input(text));
  return apply_node(s, key, value, origin);
}

caf::error set_value(scenario& s, const std::string& key,
                     const std::string& value, const std::string& origin) {
  return apply_node(s, key, YAML::Node{value}, origin);
}

caf::error set_list(scenario& s, const std::string& key,
                    const std::vector<std::string>& values,
                    const std::string& origin) {
  YAML::Node list{YAML::NodeType::Sequence};
  for (const auto& v : values)
    list.push_back(v);
  return apply_node(s, key, list, origin);
}

caf::error finish(scenario& s) {
  auto& c = s.config;
  // Realtime runs measure the real database work: a modelled service time
  // only when one is asked for.
  if (c.runtime == runtime_kind::realtime) {
    if (s.given.count("hq.service_time") == 0)
      c.hq.service_time = distribution::constant(0);
    if (s.given.count("store.service_time") == 0)
      c.store_service_time = distribution::constant(0);
  }
  if (auto err = validate(c)) {
    auto key = error_field(err);
    // Where the key was set; for a check of several keys together, where
    // the first of them that was given was set.
    std::vector<std::string> keys{key};
    if (key == "timeouts")
      keys = {"terminal.offline_timeout", "store.rts_timeout", "rts.timeout",
              "hq.queue_timeout"};
    else if (key == "reply_margin")
      keys = {"reply_margin", "terminal.offline_timeout",
              "store.rts_timeout"};
    else if (key.find("customer_group") != std::string::npos
             || key == "load.customers.business_group")
      keys = {key, "customer_groups"};
    // A key of a group ("load.lookup"): where one of its keys was set.
    auto find = [&s](const std::string& k) {
      auto i = s.given.lower_bound(k);
      if (i != s.given.end()
          && (i->first == k || i->first.rfind(k + ".", 0) == 0))
        return i;
      return s.given.end();
    };
    std::string where = "defaults";
    for (const auto& k : keys)
      if (auto i = find(k); i != s.given.end()) {
        where = i->second;
        break;
      }
    auto text = describe(err);
    auto named = std::string{to_string(error_code(err))} + ": " + key + ": ";
    if (text.compare(0, named.size(), named) == 0)
      text.erase(0, named.size());
    return scenario_error(where, key, text);
  }
  return {};
}

std::string to_yaml(const run_config& cfg) {
  auto copy = cfg;
  YAML::Emitter out;
  out << YAML::BeginMap;
  writer w{out};
  visit(w, copy);
  out << YAML::EndMap;
  return std::string{out.c_str()} + "\n";
}

std::string to_yaml(const scenario& s) {
  auto out = to_yaml(s.config);
  if (s.thresholds.empty())
    return out;
  YAML::Emitter t;
  t << YAML::BeginMap << YAML::Key << "thresholds" << YAML::Value
    << YAML::BeginMap;
  for (size_t i = 0; i < s.thresholds.size();) {
    // A metric's conditions together, a list when there are several.
    const auto& metric = s.thresholds[i].metric;
    size_t end = i;
    while (end < s.thresholds.size() && s.thresholds[end].metric == metric)
      ++end;
    t << YAML::Key << metric << YAML::Value;
    if (end - i == 1) {
      t << YAML::DoubleQuoted << s.thresholds[i].text;
    } else {
      t << YAML::Flow << YAML::BeginSeq;
      for (size_t k = i; k < end; ++k)
        t << YAML::DoubleQuoted << s.thresholds[k].text;
      t << YAML::EndSeq;
    }
    i = end;
  }
  t << YAML::EndMap << YAML::EndMap;
  return out + t.c_str() + "\n";
}

bool parse_sweep_values(const std::string& text,
                        std::vector<std::string>& out, std::string& problem) {
  out.clear();
  if (!text.empty() && text.front() == '[') {
    YAML::Node list;
    try {
      list = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      problem = "not a valid YAML list: " + e.msg;
      return false;
    }
    if (!list.IsSequence()) {
      problem = "expected a list [a, b, ...], found " + quote_input(text);
      return false;
    }
    for (const auto& item : list) {
      // A list is a value too (topology.features=[edit_async]): kept as
      // YAML's flow text, which setting() passes on as it is.
      if (item.IsSequence()) {
        YAML::Emitter e;
        e << YAML::Flow << YAML::BeginSeq;
        for (const auto& x : item) {
          if (!x.IsScalar()) {
            problem = "expected plain values in a list value, found "
                      + found(x);
            return false;
          }
          e << x.Scalar();
        }
        e << YAML::EndSeq;
        out.push_back(e.c_str());
        continue;
      }
      if (!item.IsScalar()) {
        problem = "expected plain values or lists in the list, found "
                  + found(item);
        return false;
      }
      out.push_back(item.Scalar());
    }
  } else {
    out = split_list(text);
  }
  if (out.empty()) {
    problem = "no values";
    return false;
  }
  for (const auto& v : out)
    if (v.empty()) {
      problem = "an empty value in " + quote_input(text);
      return false;
    }
  return true;
}

std::string setting(const std::string& key, const std::string& value) {
  // A list value (parse_sweep_values) is YAML already.
  if (!value.empty() && value.front() == '[')
    return key + "=" + value;
  YAML::Emitter e;
  e << YAML::DoubleQuoted << value;
  return key + "=" + e.c_str();
}

bool parse_threshold(const std::string& metric, const std::string& text,
                     threshold& out, std::string& problem) {
  auto info = find_metric(metric);
  if (!info) {
    problem = "unknown metric " + quote_input(metric);
    return false;
  }
  auto bad = [&](const std::string& why) {
    problem = "expected a condition (< <= > >= == != and a value, e.g. "
              "\"< 2s\"), found "
              + quote_input(text) + (why.empty() ? "" : ": " + why);
    return false;
  };
  size_t i = text.find_first_not_of(' ');
  if (i == std::string::npos)
    return bad("");
  comparison op;
  size_t width = 2;
  auto rest = text.substr(i);
  if (rest.rfind("<=", 0) == 0)
    op = comparison::less_equal;
  else if (rest.rfind(">=", 0) == 0)
    op = comparison::greater_equal;
  else if (rest.rfind("==", 0) == 0)
    op = comparison::equal;
  else if (rest.rfind("!=", 0) == 0)
    op = comparison::not_equal;
  else if (rest.rfind("<", 0) == 0)
    op = comparison::less, width = 1;
  else if (rest.rfind(">", 0) == 0)
    op = comparison::greater, width = 1;
  else
    return bad("no comparison first");
  auto value = rest.substr(width);
  value.erase(0, value.find_first_not_of(' '));
  while (!value.empty() && value.back() == ' ')
    value.pop_back();
  if (value.empty())
    return bad("no value after the comparison");
  double x = 0;
  switch (info->unit) {
    case metric_unit::duration: {
      caf::timespan d{0};
      std::string why;
      if (!parse_duration(value, d, why))
        return bad(metric + " is a duration: " + why);
      x = static_cast<double>(d.count()) / 1e6;
      break;
    }
    case metric_unit::ratio:
    case metric_unit::count: {
      bool percent = info->unit == metric_unit::ratio && value.back() == '%';
      auto number = percent ? value.substr(0, value.size() - 1) : value;
      char* end = nullptr;
      x = std::strtod(number.c_str(), &end);
      if (number.empty() || *end != '\0' || !std::isfinite(x) || x < 0)
        return bad(info->unit == metric_unit::ratio
                     ? metric + " is a share: a percentage (1%) or a "
                                "number from 0 to 1"
                     : metric + " is a count: a number from 0 up");
      if (percent)
        x /= 100;
      if (info->unit == metric_unit::ratio && x > 1)
        return bad(metric + " is a share: at most 100% (or 1)");
      break;
    }
  }
  out.metric = metric;
  out.op = op;
  out.value = x;
  out.text = std::string{to_string(op)} + " " + value;
  return true;
}

std::string to_json(const run_config& cfg) {
  return json_of(YAML::Load(to_yaml(cfg))).dump();
}

uint64_t config_hash(const run_config& cfg) {
  // What decides the results: not the seed, nor the names.
  auto copy = cfg;
  copy.seed = 0;
  copy.scenario.clear();
  copy.question.clear();
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : to_yaml(copy)) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

} // namespace retailsim
