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

/// A POS TERMINAL. Its input arrives as events (search, create, sale) from a
/// cashier, a device or the built-in cashier model; it works online through
/// its store or offline on its own database.
///
/// Online/offline state machine (Commerce's rules):
///
/// | state   | event                                         | next    | action                        |
/// |---------|-----------------------------------------------|---------|-------------------------------|
/// | online  | call answered                                 | online  |                               |
/// | online  | store unreachable, or call exceeds offline time-out | offline | the operation runs offline |
/// | offline | search/create/sale                            | offline | offline database               |
/// | offline | transaction starts, reconnect interval passed, upload succeeds | online | offline records uploaded |
/// | offline | transaction starts, reconnect interval passed, upload fails | offline | interval restarts |
///
/// A terminal that starts with records in its offline database (after a
/// restart) begins offline with its reconnect due.
using terminal_actor = caf::typed_actor<
  // Cashier input. A search starts a transaction (and so may reconnect).
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
  // End of day: no new cashier sessions; once the operations in flight have
  // finished, reconnect and upload now. Replies with the offline customers
  // still not uploaded.
  caf::replies_to<atom::flush>::with<uint64_t>,
  // Whether the terminal is online, and its offline customers not uploaded.
  caf::replies_to<atom::status>::with<bool, uint64_t>,
  // INTERNAL: the cashier model's next step.
  caf::reacts_to<atom::tick>>;

/// How often the cashier model does each store operation: relative weights
/// within each choice (0 turns one off), and shares.
struct operation_mix {
  // How a returning customer is looked up (a business by company name
  // instead of by name; account and card only when known).
  double by_phone = 45;
  double by_email = 15;
  double by_name = 15;
  double by_account = 10;
  double by_loyalty_card = 15;
  // What is done with an identified customer besides the sale: mostly
  // nothing; every edit reaches HQ and, through 1010, every store of the
  // address book.
  double nothing = 80;
  double edit_profile = 3;
  double add_address = 2;
  double view_history = 2;
  double view_purchases = 4;
  /// Issue a card, or add points to the one the customer has.
  double loyalty = 3;
  double join_club = 1;
  /// The manager deactivates, finds with the status filter, reactivates.
  double deactivate_reactivate = 0.5;
  /// The manager looks for duplicates at HQ and merges a real one.
  double duplicates = 1;
  /// A read-only user tries an edit and is refused.
  double read_only_edit = 0.3;
  // Shares.
  /// Creations preceded by the similar-customers check (seed 004).
  double similar_check = 1;
  /// New customers created with the full wizard (else quick add).
  double full_wizard = 0.2;
  /// Wizard creations that are businesses.
  double business = 0.25;
  /// Identified transactions with a customer of another store, found by
  /// "search all stores".
  double from_other_store = 0.03;
  /// Returning customers the cashier enters again without searching (the
  /// duplicates managers merge).
  double skip_search = 0.02;
};

/// The cashier model: what a built-in cashier does all day.
struct cashier_model {
  /// Whether the built-in cashier runs (off: input events only).
  bool enabled = true;
  /// Time between two transactions at one terminal.
  distribution session_gap = distribution::exponential(240);
  /// Time between two steps of one transaction.
  distribution think = distribution::lognormal(8, 0.5);
  /// Share of transactions with a customer (the others are anonymous).
  double identified = 0.35;
  /// Share of identified transactions with a new customer.
  double new_customer = 0.25;
  /// Sale amount in currency units.
  distribution amount = distribution::lognormal(40, 0.6);
  operation_mix mix;
};

struct terminal_config {
  uint32_t store_index = 0;
  uint32_t terminal_index = 0;
  std::string terminal_id;
  store_settings settings;
  std::vector<customer_group> groups;
  hq_feature_flags flags;
  /// The offline database file; opened when first needed.
  std::string offline_db_path;
  storage::durability durability = storage::durability::full;
  /// A call to the store that takes longer makes the terminal go offline.
  caf::timespan offline_timeout = std::chrono::seconds(10);
  /// An offline terminal tries to reconnect at most this often.
  caf::timespan reconnect_interval = std::chrono::minutes(5);
  cashier_model cashier;
  /// Who works the terminal until someone else logs in (id empty: the
  /// terminal id, as a cashier).
  staff_member staff;
  /// 0, then one more at each restart: the identities a terminal makes
  /// (GUIDs, transaction ids) never repeat those of an earlier one.
  uint32_t incarnation = 0;
  actor_env env;
};

/// The steps of one transaction of the cashier model.
enum class session_step : uint8_t { begin, create, service, sale };

/// What a terminal's cashier remembers of a customer it served.
struct known_customer {
  /// Account number, or GUID while pending.
  std::string ref;
  std::string name;
  std::string company;
  std::string phone;
  std::string email;
  std::string card;
};

struct terminal_state {
  terminal_config cfg;
  store_actor store;
  actor_rng rng;
  bool online = true;
  /// The offline database holds records not uploaded yet.
  bool backlog = false;
  bool link_up = true;
  bool stopping = false;
  /// Operations (search, create, sale) waiting for an answer.
  size_t in_flight = 0;
  /// End-of-day flush waiting for the operations in flight to finish.
  std::vector<caf::typed_response_promise<uint64_t>> flushes;
  caf::actor_clock::time_point offline_since;
  // The cashier model's transaction in progress.
  session_step step = session_step::begin;
  std::string phone;
  /// The customer of the transaction, once identified.
  caf::optional<customer> current;
  /// This creation enters a known customer again (a duplicate).
  bool twin = false;
  /// Customers this terminal served: the returning customers.
  std::vector<known_customer> known;
  uint64_t sales = 0;
  uint64_t creations = 0;
  /// Loyalty cards issued here (numbers them).
  uint64_t cards = 0;
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
