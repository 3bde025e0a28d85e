#pragma once

// The run's journal: every acknowledgement the run's promise is about, one
// line each, appended as the recorder sees it (journal.tsv in the output
// folder). The invariant check reads it back and compares it with the
// databases; a person can read it too. Tab-separated:
//
//   customer  MODE   STORE  TERMINAL  GUID           AT_NS
//   sale      STORE  TERMINAL  TRANSACTION_KEY  OFFLINE  AT_NS
//   in_doubt  STORE  GUID   AT_NS
//
// MODE is sync, async or offline; TRANSACTION_KEY is event_key of the
// transaction id in 16 hex digits; OFFLINE is 0 or 1; AT_NS is simulated
// time since the start of the run.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "actors/events.hpp"

namespace retailsim {

/// A creation a terminal acknowledged: its identity and how it was made.
struct acknowledged_creation {
  guid_words guid;
  creation_mode mode = creation_mode::sync;
  uint32_t store = 0;
  uint32_t terminal = 0;
};

/// A sale a terminal acknowledged: event_key of its transaction id.
struct acknowledged_sale {
  uint64_t key = 0;
  uint32_t store = 0;
};

struct acknowledgements {
  std::vector<acknowledged_creation> creations;
  std::vector<acknowledged_sale> sales;
  /// Sync creations in doubt (ev::creation_in_doubt): GUIDs HQ may hold.
  std::vector<guid_words> in_doubt;
};

/// The journal's line for `e` (ending in a newline), or nothing when `e` is
/// not an acknowledgement.
std::string journal_line(const event& e);

/// Reads a journal; a line it cannot read is an error naming the file and
/// line.
caf::expected<acknowledgements> read_journal(const std::string& path);

} // namespace retailsim
