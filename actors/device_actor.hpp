#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "caf/typed_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "caf/typed_response_promise.hpp"

#include "actors/events.hpp"
#include "actors/random.hpp"
#include "actors/terminal_actor.hpp"
#include "hardware-sim/generators.hpp"
#include "model/fwd.hpp"

namespace retailsim {

/// A POS PERIPHERAL: a magnetic stripe reader (bank cards and licence
/// stripes) or a 2D barcode scanner (licence barcodes). Its TERMINAL owns
/// it; the POS application (the cashier's side of the till) drives it as
/// UnifiedPOS says, and hands it the document the customer gives. The
/// device makes the document's raw bytes (hardware-sim's generators),
/// decodes them, and delivers what it read to its terminal through the
/// terminal's own typed interface, as a cashier would type it: a search
/// by the name read. The raw bytes, and any card number, never leave it.
///
/// UnifiedPOS life cycle (`device_state`):
///
/// | state                                   | request                 | next                                  | result |
/// |-----------------------------------------|-------------------------|---------------------------------------|--------|
/// | closed                                  | set open                | open                                  | |
/// | open                                    | set claimed             | claimed                               | exclusive to this terminal |
/// | claimed                                 | set device_enabled      | enabled                               | |
/// | not claimed                             | set device_enabled      | unchanged                             | device_unavailable |
/// | any                                     | set data_event_enabled, freeze_events, auto_disable | that property | |
/// | enabled, data events enabled, not frozen | read                   | data_event_enabled = false; with auto_disable, device_enabled = false | data event: the terminal searched by the name read; the found customers and the prefill |
/// | enabled, frozen                          | read                   | held until freeze_events is cleared   | then as above |
/// | enabled, bad data (misread, partial swipe, wrong format) | read    | data_event_enabled = false            | error event: malformed_device_data naming the byte |
/// | not enabled, or data events disabled     | read                   | unchanged                             | device_unavailable |
/// | offline (a fault)                        | read                   | unchanged                             | device_unavailable (StatusUpdateEvent: offline) |
/// | stalled (a fault)                        | read                   | unchanged                             | device_unavailable after the stall |
/// | claimed                                  | clear claimed           | open, disabled                        | release |
/// | open                                     | clear open              | closed, everything cleared             | close |
using device_actor = caf::typed_actor<
  // The application sets a UnifiedPOS property (open, claim, enable, ...);
  // replies with the state after it.
  caf::replies_to<atom::set, device_property, bool>::with<device_state>,
  // The customer hands over a document (see the table): replies with the
  // data event, or an error event.
  caf::replies_to<atom::read, device_read>::with<device_result>,
  // The device's state.
  caf::replies_to<atom::status>::with<device_state>>;

/// A device as it runs: its interface and the messages it sends itself.
/// Only its behavior, `device`, has this type; every other actor holds
/// a `device_actor`, which cannot send them.
using device_self = device_actor::extend<
  // The read (or stall) with this number is over.
  caf::reacts_to<atom::tick, uint64_t>>;

/// What goes wrong with a device: per read, each with its probability.
struct device_faults {
  /// A character read wrong: the LRC (or a barcode header) fails.
  double misread = 0;
  /// The card left the reader early.
  double partial = 0;
  /// Another kind of card (a gift card through the MSR, another symbology
  /// at the scanner).
  double wrong_format = 0;
  /// The device hangs for `stall_time`, then gives up.
  double stall = 0;
  /// The device is offline for this read.
  double offline = 0;
  caf::timespan stall_time = std::chrono::seconds(10);
};

/// Which device.
enum class device_kind : uint8_t { msr, scanner };

const char* to_string(device_kind x);

struct device_config {
  /// "S0001-T01-msr".
  std::string device_id;
  device_kind kind = device_kind::msr;
  device_faults faults;
  /// From the swipe or scan to the decoded data.
  distribution read_time = distribution::lognormal(0.4, 0.3);
  actor_env env;
};

struct device_state_data {
  device_config cfg;
  terminal_actor terminal;
  actor_rng rng;
  device_state upos;
  /// Reads under way (swiping, decoding, or stalled), by number.
  struct pending_read {
    device_read request;
    hw::device_fault fault = hw::device_fault::none;
    caf::typed_response_promise<device_result> promise;
  };
  std::map<uint64_t, pending_read> pending;
  uint64_t next_read = 0;
  /// Data events held while events are frozen: what was read, and the
  /// application's answer.
  struct held_event {
    customer_draft prefill;
    caf::typed_response_promise<device_result> promise;
  };
  std::vector<held_event> held;

  static inline const char* name = "device";
};

device_self::behavior_type
device(device_self::stateful_pointer<device_state_data> self,
       device_config cfg, terminal_actor terminal);

} // namespace retailsim
