#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "caf/typed_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "actors/device_actor.hpp"
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
  caf::replies_to<atom::stop>::with<bool>>;

/// A CASHIER as it runs: its interface and the messages it sends itself.
/// Only its behavior, `cashier`, has this type; every other actor holds
/// a `cashier_actor`, which cannot send them.
using cashier_self = cashier_actor::extend<
  // The next step of the transaction in progress.
  caf::reacts_to<atom::tick>,
  // Open model: a customer arrives at the till.
  caf::reacts_to<atom::arrive>>;

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
  /// An affiliation added; a secondary phone (with consent) added.
  double add_affiliation = 0;
  double add_contact = 0;
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
  // How identified customers identify themselves (seed 004), relative
  // weights: typed at the keyboard, a bank card swiped, a driver's licence
  // swiped or its barcode scanned. A terminal has a card reader and a
  // scanner when any of the last three is above 0.
  double keyboard = 100;
  double card_swipe = 0;
  double licence_swipe = 0;
  double licence_scan = 0;
  /// Whether any customer comes with a card or licence.
  bool uses_devices() const {
    return card_swipe + licence_swipe + licence_scan > 0;
  }
  /// Returning customers the cashier enters again without searching (the
  /// duplicates managers merge).
  double skip_search = 0.02;
  /// New customers who are one of a pool of shoppers that go to several
  /// stores: the same person (name, phone, email) wherever they are
  /// created. A store that does not hold them yet (another address book, or
  /// created Async elsewhere and not converted) creates them again.
  double travellers = 0;
  size_t traveller_pool = 50;
};

/// Where an arrival rate applies: it is shared evenly by the terminals
/// there.
enum class rate_scope : uint8_t { terminal, store, estate };

const char* to_string(rate_scope x);

/// One stage of a ramping arrival rate (k6's ramping-arrival-rate): the
/// rate moves linearly to `to` over `over`.
struct rate_stage {
  /// Arrivals per second.
  double to = 0;
  caf::timespan over{0};
};

/// The open load model: customers arrive at the tills at a rate (a Poisson
/// process, its rate ramped by stages) whether or not the cashier is busy;
/// those who find the cashier busy wait in line.
struct arrival_model {
  /// Arrivals per second at the start of the day, in `scope`.
  double rate = 0.0125;  // 45/h
  rate_scope scope = rate_scope::terminal;
  /// After the last stage the rate stays at its `to`.
  std::vector<rate_stage> stages;

  /// The rate in `scope` at `t` from the start of the day.
  double rate_at(caf::timespan t) const;
  /// The highest rate of the day.
  double peak() const;
};

/// How customers come: the closed model (each cashier begins the next
/// transaction session_gap after the last ended) or the open one.
enum class load_model : uint8_t { closed, open };

const char* to_string(load_model x);

/// The load: what each terminal's cashier does all day.
struct cashier_model {
  /// Whether terminals have cashiers (off: the terminals get only the
  /// input a test or another load model sends them).
  bool enabled = true;
  load_model model = load_model::closed;
  /// Closed model: time between two transactions at one terminal.
  distribution session_gap = distribution::exponential(240);
  /// Open model: when customers arrive.
  arrival_model arrivals;
  /// Time between two steps of one transaction.
  distribution think = distribution::lognormal(8, 0.5);
  /// Share of transactions with a customer (the others are anonymous).
  double identified = 0.35;
  /// Share of identified transactions with a new customer.
  double new_customer = 0.25;
  /// Sale amount in currency units.
  distribution amount = distribution::lognormal(40, 0.6);
  operation_mix mix;
  /// The customer group of the businesses the wizard creates (one of the
  /// run's customer groups).
  std::string business_group = "WHOLESALE";
};

struct cashier_config {
  uint32_t store_index = 0;
  uint32_t terminal_index = 0;
  std::string terminal_id;
  std::string store_id;
  cashier_model model;
  /// Open model: this terminal's share of an arrival rate (1 for a rate
  /// per terminal, 1/terminals per store, 1/all terminals for the estate).
  double rate_share = 1;
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
  /// The terminal's card reader and barcode scanner (none when no customer
  /// comes with a card or licence).
  caf::optional<device_actor> msr;
  caf::optional<device_actor> scanner;
  /// What a card or licence read prefills the creation with.
  caf::optional<customer_draft> prefill;
  actor_rng rng;
  bool stopping = false;
  /// Between steps: the next tick is scheduled (or, open model, the next
  /// customer is awaited) and nothing is in flight.
  bool idle = false;
  /// Open model: customers in line, by arrival time (from the start of the
  /// day), and whether the cashier is between transactions with nobody in
  /// line.
  std::deque<caf::timespan> line;
  /// Open model: how long the current customer waited in line.
  caf::timespan waited{0};
  bool waiting_for_customer = false;
  /// The closer's stop, answered when the step in flight has ended.
  caf::typed_response_promise<bool> stopped;
  // The transaction in progress.
  session_step step = session_step::begin;
  std::string phone;
  /// The customer of the transaction, once identified.
  caf::optional<customer> current;
  /// This creation enters a known customer again (a duplicate).
  bool twin = false;
  /// This new customer is one of the travellers
  /// (load.customers.travellers): the same person at every store.
  struct traveller_person {
    std::string first_name;
    std::string last_name;
    std::string phone;
    std::string email;
  };
  caf::optional<traveller_person> traveller;
  /// Customers this cashier served: the returning customers.
  std::vector<known_customer> known;
  uint64_t sales = 0;
  uint64_t creations = 0;
  /// Loyalty cards issued here (numbers them).
  uint64_t cards = 0;

  static inline const char* name = "cashier";
};

cashier_self::behavior_type
cashier(cashier_self::stateful_pointer<cashier_state> self,
        cashier_config cfg, terminal_actor terminal,
        std::vector<device_actor> devices);

} // namespace retailsim
