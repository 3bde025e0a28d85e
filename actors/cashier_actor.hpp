#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caf/typed_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "actors/events.hpp"
#include "actors/random.hpp"
#include "actors/terminal_actor.hpp"
#include "model/fwd.hpp"

namespace retailsim {

/// A CASHIER at one POS terminal: the closed load model of retailsim (one
/// cashier per terminal, a session gap between transactions and a think
/// time between their steps). It drives its terminal only through the
/// terminal's typed interface, as a person at the till does and as card
/// readers and scanners will: begin, search, similar, create, select,
/// edit, history, purchases, duplicates, review, merge, login and sale.
/// It reports each store operation it does as a store_operation event.
///
/// A transaction: begin (the terminal may reconnect) -> identify the
/// customer (search by what is known, or search by phone and create) or
/// none (an anonymous sale) -> maybe one more store operation -> the sale.
using cashier_actor = caf::typed_actor<
  // End of the day: no new transaction or step starts; the answer comes
  // once what is in flight has finished (true), so that closing waits for
  // every operation a terminal may still acknowledge.
  caf::replies_to<atom::stop>::with<bool>,
  // INTERNAL: the next step of the transaction in progress.
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

/// The closed load model: what each terminal's cashier does all day.
struct cashier_model {
  /// Whether terminals have cashiers (off: the terminals get only the
  /// input a test or another load model sends them).
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

struct cashier_config {
  uint32_t store_index = 0;
  uint32_t terminal_index = 0;
  std::string terminal_id;
  std::string store_id;
  cashier_model model;
  actor_env env;
};

/// The steps of one transaction.
enum class session_step : uint8_t { begin, create, service, sale };

/// What a cashier remembers of a customer it served.
struct known_customer {
  /// Account number, or GUID while pending.
  std::string ref;
  std::string name;
  std::string company;
  std::string phone;
  std::string email;
  std::string card;
};

struct cashier_state {
  cashier_config cfg;
  terminal_actor terminal;
  actor_rng rng;
  bool stopping = false;
  /// Between steps: the next tick is scheduled and nothing is in flight.
  bool idle = false;
  /// The closer's stop, answered when the step in flight has ended.
  caf::typed_response_promise<bool> stopped;
  // The transaction in progress.
  session_step step = session_step::begin;
  std::string phone;
  /// The customer of the transaction, once identified.
  caf::optional<customer> current;
  /// This creation enters a known customer again (a duplicate).
  bool twin = false;
  /// Customers this cashier served: the returning customers.
  std::vector<known_customer> known;
  uint64_t sales = 0;
  uint64_t creations = 0;
  /// Loyalty cards issued here (numbers them).
  uint64_t cards = 0;

  static inline const char* name = "cashier";
};

cashier_actor::behavior_type
cashier(cashier_actor::stateful_pointer<cashier_state> self,
        cashier_config cfg, terminal_actor terminal);

} // namespace retailsim
