#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "caf/typed_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "caf/typed_response_promise.hpp"

#include "actors/events.hpp"
#include "actors/random.hpp"
#include "actors/store_actor.hpp"
#include "model/fwd.hpp"
#include "storage/offline_database.hpp"

namespace retailsim {

/// A POS TERMINAL: its operations, online through its store or offline on
/// its own database, as the signed-in staff member. Its input comes from
/// outside (a cashier, a device, a test): never from inside it.
///
/// Online/offline state machine (Commerce's rules), `terminal_mode`:
///
/// | mode         | event                                              | next         | action                              |
/// |--------------|----------------------------------------------------|--------------|-------------------------------------|
/// | online       | a call answered                                    | online       |                                     |
/// | online       | network down, or a call exceeds the offline time-out | offline    | the operation runs offline          |
/// | online       | transaction begins with records not uploaded       | reconnecting | upload them                         |
/// | offline      | search, similar, create, sale                      | offline      | offline database                    |
/// | offline      | edit, history, merge, ... (HQ's operations)        | offline      | unavailable_offline                 |
/// | offline      | transaction begins, reconnect interval passed, network up | reconnecting | upload offline records    |
/// | reconnecting | any operation                                      | reconnecting | runs offline                        |
/// | reconnecting | upload answered                                    | online       | records marked uploaded             |
/// | reconnecting | upload fails                                       | offline      | the interval starts again           |
///
/// A terminal that starts with records in its offline database (after a
/// restart) begins offline with its reconnect due. The end-of-day flush
/// reconnects whatever the interval.
///
/// A restart (a fault: the register rebooted between two customers) waits
/// for the operations in flight and any upload under way, then forgets
/// everything it held in memory (its mode, the creation a cashier may
/// submit again, its random draws: a new incarnation) and starts as a new
/// terminal would, from its offline database.
using terminal_actor = caf::typed_actor<
  // A transaction begins: a terminal that is offline and whose reconnect
  // interval has passed (or that has records not uploaded) reconnects and
  // uploads first. Replies whether it is online.
  caf::replies_to<atom::begin>::with<bool>,
  // Cashier input: a search (it may begin a transaction: reconnects too).
  caf::replies_to<atom::search, search_query>::with<std::vector<customer>>,
  // Cashier input: similar customers at the store before "create new";
  // offline, among the customers this terminal created offline.
  caf::replies_to<atom::similar, customer_draft>::with<std::vector<customer>>,
  // Cashier input: creates a customer (online through the store, else
  // offline); replies with the customer and how it was created. With the
  // email prompt on, a draft without email is refused once (email_prompt);
  // the same draft submitted again is created with the generic address.
  caf::replies_to<atom::create, customer_draft>::with<created_customer>,
  // Cashier input: edits a customer through the store as the signed-in
  // staff member; unavailable offline (as are all inputs below that HQ
  // answers).
  caf::replies_to<atom::edit, customer>::with<customer>,
  // Cashier input: "search all stores" (at least 4 characters).
  caf::replies_to<atom::search_hq, search_query>::with<std::vector<customer>>,
  // Cashier input: selects a customer (account number) found by "search
  // all stores"; the store holds it from then on.
  caf::replies_to<atom::select, std::string>::with<customer>,
  // Cashier input: a customer's change history (account number).
  caf::replies_to<atom::history, std::string>::with<std::vector<change_record>>,
  // Cashier input: a customer's purchase history (account number or GUID).
  caf::replies_to<atom::purchases, std::string>::with<purchase_history>,
  // Manager input: customers at HQ that may be this account's person.
  caf::replies_to<atom::duplicates, std::string>::with<std::vector<customer>>,
  // Manager input: HQ's queue of duplicates the async-sync job flagged.
  caf::replies_to<atom::review>::with<std::vector<duplicate_pair>>,
  // Manager input: merges the second account into the first at HQ.
  caf::replies_to<atom::merge, std::string, std::string>::with<customer>,
  // Staff input: who works this terminal from now on.
  caf::reacts_to<atom::login, staff_member>,
  // Cashier input: records a sale linked to sale.customer_ref.
  caf::replies_to<atom::sale, sale_transaction>::with<bool>,
  // Fault schedule: the network between this terminal and its store.
  caf::reacts_to<atom::link, bool>,
  // Fault schedule: the terminal restarts (see above).
  caf::reacts_to<atom::restart>,
  // End of day: once the operations in flight have finished, reconnect and
  // upload now, whatever the reconnect interval. Replies with the offline
  // customers still not uploaded.
  caf::replies_to<atom::flush>::with<uint64_t>,
  // Whether the terminal is online, and its offline customers not uploaded.
  caf::replies_to<atom::status>::with<bool, uint64_t>>;

/// See the state machine above.
enum class terminal_mode : uint8_t { online, offline, reconnecting };

struct terminal_config {
  uint32_t store_index = 0;
  uint32_t terminal_index = 0;
  std::string terminal_id;
  store_settings settings;
  std::vector<customer_group> groups;
  hq_feature_flags flags;
  /// The offline database file; opened for each offline operation.
  std::string offline_db_path;
  storage::durability durability = storage::durability::full;
  /// A call to the store that takes longer makes the terminal go offline.
  caf::timespan offline_timeout = std::chrono::seconds(10);
  /// An offline terminal tries to reconnect at most this often.
  caf::timespan reconnect_interval = std::chrono::minutes(5);
  /// Who works the terminal until someone else logs in (id empty: the
  /// terminal id, as a cashier).
  staff_member staff;
  /// 0, then one more at each restart: the GUIDs a terminal makes never
  /// repeat those of an earlier one.
  uint32_t incarnation = 0;
  actor_env env;
};

struct terminal_state {
  terminal_config cfg;
  store_actor store;
  actor_rng rng;
  terminal_mode mode = terminal_mode::online;
  /// The offline database holds records not uploaded yet.
  bool backlog = false;
  /// The network to the store (fault schedule).
  bool link_up = true;
  /// Operations (search, create, sale) waiting for an answer.
  size_t in_flight = 0;
  /// End-of-day flush waiting for the operations in flight to finish.
  std::vector<caf::typed_response_promise<uint64_t>> flushes;
  /// A restart waiting for the operations in flight to finish.
  bool restart_due = false;
  caf::actor_clock::time_point offline_since;
  /// A creation that did not succeed: submitting the same draft again is
  /// the same creation (the same GUID), and confirms the generic address
  /// when the email prompt refused it.
  struct attempt {
    customer_draft draft;
    std::string guid;
    bool prompted = false;
  };
  caf::optional<attempt> last_attempt;

  static inline const char* name = "terminal";
};

terminal_actor::behavior_type
terminal(terminal_actor::stateful_pointer<terminal_state> self,
         terminal_config cfg, store_actor store);

} // namespace retailsim
