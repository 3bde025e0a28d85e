#pragma once

// The whole simulated retail estate as one value (`run_config`), and the
// function that opens its databases and spawns its actors. Scenario files
// will fill a run_config; `retailsim run` fills it from flags today.

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/expected.hpp"

#include "actors/cashier_actor.hpp"
#include "actors/device_actor.hpp"
#include "actors/events.hpp"
#include "actors/hq_actor.hpp"
#include "actors/jobs_actor.hpp"
#include "actors/rts_link_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/terminal_actor.hpp"
#include "actors/work_pool.hpp"
#include "model/customer.hpp"

namespace retailsim {

enum class runtime_kind : uint8_t {
  /// CAF's test_coordinator and its clock: deterministic, as fast as it goes.
  virtual_time,
  /// CAF's normal scheduler and the wall clock.
  realtime,
};

const char* to_string(runtime_kind x);

/// Where a virtual run keeps HQ's database, or its stores' channel
/// databases, while it runs (a realtime run keeps every database in its
/// file, synchronous FULL).
enum class storage_place : uint8_t {
  /// In memory, unless the estimated size is over the budget (see
  /// choose_channel_storage and choose_hq_storage).
  automatic,
  /// In memory, written to the files as the run ends: the fastest.
  memory,
  /// In the files all along (synchronous off): for databases that would
  /// not fit in memory.
  disk,
};

const char* to_string(storage_place x);

/// A terminal (or all terminals of a store) cut off from its store.
struct offline_window {
  uint32_t store = 0;
  /// Terminal index within the store; all_terminals for every one.
  uint32_t terminal = all_terminals;
  caf::timespan start{0};
  caf::timespan end{0};

  static constexpr uint32_t all_terminals
    = std::numeric_limits<uint32_t>::max();
};

/// A store's RTS link in another state for a while.
struct link_fault {
  uint32_t store = 0;
  link_availability state = link_availability::down;
  caf::timespan start{0};
  caf::timespan end{0};
  /// While `dropping`: the probability that a call is lost.
  double share = 0;
};

/// HQ crashes at `start` and restarts at `end`: calls in flight get no
/// reply, calls meanwhile none either; what HQ committed survives, and HQ
/// reads its state back from its database as it restarts.
struct hq_crash {
  caf::timespan start{0};
  caf::timespan end{0};
};

/// A terminal restarts at `at` (between two customers); its offline
/// database survives.
struct terminal_restart {
  uint32_t store = 0;
  uint32_t terminal = 0;
  caf::timespan at{0};
};

/// The walk-in customer every store starts with (seed 000): a new
/// customer inherits its settings where the cashier gave none.
struct default_customer_settings {
  /// Its name, the store's id after it ("Walk-in customer S0001").
  std::string name = "Walk-in customer";
  std::string customer_group = "RETAIL";
  /// Empty, as seed 000 recommends; set, every new customer without one
  /// inherits it (the run warns once per store).
  std::string receipt_email;
  /// ISO 4217.
  std::string currency = "USD";
  std::string language = "en-US";
};

/// Stores alike: how many, their terminals, their functionality profile,
/// their operating unit's country and their default customer. Stores are
/// numbered across the estate in the order of the groups.
struct store_group {
  std::string name = "stores";
  size_t stores = 20;
  size_t terminals = 4;
  /// The group's functionality profile creates customers Async.
  bool async = false;
  /// ISO 3166-1 alpha-2 country of the stores' operating unit.
  std::string country = "US";
  /// Seed 004's "Prompt for Email" (off: a customer without email silently
  /// gets the generic address).
  bool prompt_for_email = true;
  default_customer_settings default_customer;
};

/// HQ's customer groups and the financial dimensions (cost centre,
/// department) new customers of each take: RETAIL (the default customer's)
/// and WHOLESALE (the organizations cashiers create).
std::vector<customer_group> default_customer_groups();

/// A realtime run's database threads, unless the scenario says otherwise.
/// They mostly wait for the disk: eight kept more FULL commits going at
/// once on this machine's disk (5,784 a second to separate files, against
/// 2,805 from one thread).
constexpr size_t default_database_threads = 8;

struct run_config {
  /// Names the run in results: the scenario's name (its file's name unless
  /// it says otherwise), or "flags" for a run from flags alone.
  std::string scenario = "flags";
  /// The question the scenario answers, in the planner's words.
  std::string question;
  uint64_t seed = 1;
  runtime_kind runtime = runtime_kind::virtual_time;
  /// The estate: one group of 20 stores of 4 terminals by default.
  std::vector<store_group> groups{store_group{}};
  /// The business day, in simulated time.
  caf::timespan duration = std::chrono::hours(8);
  /// Stores (0-based, across the estate) whose functionality profile
  /// creates customers Async, whatever their group's.
  std::vector<uint32_t> async_stores;
  /// Consecutive stores per customer address book.
  size_t address_book_size = 10;
  std::vector<offline_window> offline_windows;
  std::vector<link_fault> link_faults;
  std::vector<hq_crash> hq_crashes;
  std::vector<terminal_restart> terminal_restarts;
  hq_feature_flags flags;
  rts_failure_policy rts_policy = rts_failure_policy::fallback_async;
  std::vector<customer_group> customer_groups = default_customer_groups();
  /// What the async-sync job does with a customer HQ already has.
  duplicate_policy duplicates = duplicate_policy::flag_for_review;
  /// An existing customer base HQ starts with: a copy of this HQ database
  /// (e.g. one `retailsim import` loaded), plus `population` synthetic
  /// customers. 1010 distributes them to the stores as the run opens.
  std::string customers_from;
  /// At most max_population.
  size_t population = 0;
  // -- the parts of each actor's configuration the run decides -----------------
  hq_config hq;
  rts_link_config link;
  /// Time-outs along a Sync creation's path, longest first (validate()
  /// refuses any other order; see docs/actors.md, "Time-outs"): the
  /// terminal's offline_timeout > the store's store_rts_timeout > the
  /// link's link.call_timeout > HQ's hq.queue_timeout.
  caf::timespan store_rts_timeout = std::chrono::seconds(8);
  /// The time an answer needs to travel back one hop: HQ commits, and a
  /// store falls back to Async, only this long before the caller's
  /// deadline.
  caf::timespan reply_margin = std::chrono::milliseconds(500);
  /// A channel database's time per terminal search, duplicate check or
  /// sale: ~50 ms (median).
  distribution store_service_time = distribution::lognormal(0.05, 0.5);
  caf::timespan offline_timeout = std::chrono::seconds(10);
  caf::timespan reconnect_interval = std::chrono::minutes(5);
  cashier_model cashier;
  /// What goes wrong at the card readers and scanners, per read.
  retailsim::device_faults device_faults;
  /// From a swipe or scan to the decoded data.
  distribution device_read_time = distribution::lognormal(0.4, 0.3);
  jobs_config jobs;
  // -- where and how --------------------------------------------------------------
  /// Databases and results go here.
  std::string output_dir;
  /// Realtime only: simulated seconds per wall-clock second. Every modelled
  /// duration (think times, latencies, service times, schedules, windows,
  /// reconnect interval) is divided by it; time-outs are not, since they
  /// bound real work.
  double time_scale = 60;
  /// Threads the run uses. Realtime: CAF's scheduler threads. Virtual: the
  /// coordinator's thread and threads - 1 helpers for the database work
  /// actors hand over (job cycles, a store's copy of HQ's answers, a
  /// terminal's search or sale; see pooled_database.hpp); the trace is the
  /// same for any number.
  size_t threads = 2;
  /// Realtime only: threads beside CAF's for the actors' database work
  /// (pooled_database.hpp), so that no CAF thread waits for SQLite.
  size_t database_threads = default_database_threads;
  /// Realtime only: CAF scheduler policy.
  std::string scheduler_policy = "sharing";
  /// Realtime only: messages an actor handles before its thread moves on
  /// to another actor (CAF's scheduler.max-throughput); 0 keeps CAF's
  /// default, no limit: an actor runs until its mailbox is empty.
  uint64_t scheduler_throughput = 0;
  /// Virtual only: where the stores' channel databases are kept.
  storage_place channel_storage = storage_place::automatic;
  /// Virtual only: where HQ's database is kept.
  storage_place hq_storage = storage_place::automatic;
  /// The wall-clock moment a virtual run represents at its start: Black
  /// Friday, 08:00 UTC (fixed, so that virtual runs are reproducible).
  caf::timestamp virtual_epoch{std::chrono::seconds{1795766400}};
};

/// The largest synthetic population a run makes (one million customers
/// take about 3.6 GB at their peak on the way in).
constexpr size_t max_population = 5000000;

/// The defaults (run_config's member initializers, and those of the actor
/// configurations in it: the one set of defaults, documented key by key in
/// docs/scenarios.md): a US chain of 20 Sync stores of 4 terminals with the
/// email prompt on, HQ with 8 workers of lognormal service time, jobs every
/// 15 minutes.
run_config default_run_config();

/// Every modelled duration divided by `factor` (for realtime runs).
run_config scaled(run_config cfg, double factor);

/// Checks a configuration before anything is opened or spawned; the error
/// names the setting.
caf::error validate(const run_config& cfg);

/// An estate of one group without a name of its own: a file gives that
/// group's keys at the topology's level (the usual case: one kind of
/// store), and errors and the summary name them there.
bool one_unnamed_group(const std::vector<store_group>& groups);

/// The estate's stores and terminals, and where each store is in it.
size_t store_count(const run_config& cfg);
size_t terminal_count(const run_config& cfg);
const store_group& group_of(const run_config& cfg, size_t store_index);
size_t terminals_of(const run_config& cfg, size_t store_index);
/// Where store `store_index`'s terminals begin in world::terminals.
size_t first_terminal(const run_config& cfg, size_t store_index);

/// Store ids, terminal ids, file names: one naming for everything.
std::string store_id(size_t index);
std::string terminal_id(size_t store_index, size_t terminal_index);
std::string address_book_of(const run_config& cfg, size_t store_index);

/// Where a run keeps a database (or the channels), and why.
struct storage_choice {
  /// memory or disk (realtime runs: disk).
  storage_place where = storage_place::memory;
  /// Whether the run's setting left it to the estimate.
  bool automatic = false;
  /// The size in memory at the end of the day, estimated.
  uint64_t estimated_bytes = 0;
  /// Over it, automatic means disk.
  uint64_t budget_bytes = 0;
  /// What the budget is, in words ("a quarter of memory").
  std::string budget_is;
};

/// Where `cfg`'s channels go: as set, or (automatic) in memory while their
/// estimated size is within the budget. The estimate counts each store's
/// linked sales and the copies of customers its address book brings it
/// (the customers_at_hq HQ holds as the day opens, which 1010 distributes,
/// and the day's new customers: one copy per store of their book), at
/// sizes measured on the default mix (docs/performance.md).
storage_choice choose_channel_storage(const run_config& cfg,
                                      uint64_t customers_at_hq);

/// Where `cfg`'s HQ database goes: as set, or (automatic) in memory while
/// its estimated size (its file as the day opens, `hq_file_bytes`, and the
/// day's new customers and sales, at sizes measured on the default mix) is
/// within a quarter of memory and within what SQLite can keep in memory
/// for one database: its in-memory file is one block, which cannot reach
/// 2 GiB (SQLITE_MAX_ALLOCATION_SIZE).
storage_choice choose_hq_storage(const run_config& cfg,
                                 uint64_t hq_file_bytes);

/// The databases of a run, opened before any actor exists so that a bad path
/// fails with a clear error and nothing spawned.
struct world_databases {
  std::shared_ptr<storage::hq_database> hq;
  std::vector<std::shared_ptr<storage::channel_database>> channels;
  /// Customers HQ held when opened (an imported or synthetic base).
  uint64_t customers_at_start = 0;
  /// This run as HQ recorded it: its tag and where its rows begin.
  storage::run_start run;
  /// Where the channels and HQ's database are kept.
  storage_choice channel_storage;
  storage_choice hq_storage;

  /// Writes databases that worked in memory (virtual runs) to their files.
  caf::error persist();
};

caf::expected<world_databases> open_databases(const run_config& cfg);

/// The spawned actors.
struct world {
  hq_actor hq;
  jobs_actor jobs;
  std::vector<rts_link_actor> links;
  std::vector<store_actor> stores;
  /// Store-major: terminal t of store s is terminals[first_terminal(cfg, s)
  /// + t].
  std::vector<terminal_actor> terminals;
  /// The load: one cashier per terminal, in the terminals' order (none
  /// when the cashier model is off).
  std::vector<cashier_actor> cashiers;
  /// Each terminal's card reader and scanner, in the terminals' order
  /// (none when no customer comes with a card or licence).
  std::vector<device_actor> devices;
  /// Where actors hand database work over (see pooled_database.hpp): a
  /// virtual run's helpers, or a realtime run's database threads.
  std::shared_ptr<work_pool> pool;
};

world spawn_world(caf::actor_system& sys, const run_config& cfg,
                  const world_databases& dbs, const sim_clock& clock,
                  const event_sink_ptr& events);

/// Asks every actor of the world to exit.
void stop_world(const world& w);

/// The configuration of terminal t of store s (also to restart one).
terminal_config terminal_config_for(const run_config& cfg, size_t s, size_t t,
                                    const sim_clock& clock,
                                    const event_sink_ptr& events,
                                    const std::string& run_tag);

/// Store `index`'s settings (default customer, profile, operating unit),
/// from its group.
store_settings settings_for(const run_config& cfg, size_t index);

} // namespace retailsim
