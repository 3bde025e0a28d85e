#pragma once

// The small languages of values, in scenario files and on the command line
// alike: durations ("1h30m"), distributions ("lognormal:0.05,0.5"), store
// lists ("1,3,5-8"), offline windows ("3/2@2h-3h"), RTS faults
// ("4@1h-2h:slow") and feature names. Each returns false with a message
// naming the problem.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/timespan.hpp"

#include "actors/random.hpp"
#include "actors/world.hpp"

namespace retailsim {

/// The parts of a comma-separated list ("" gives no parts; "a,,b" an empty
/// middle one, which the callers refuse).
std::vector<std::string> split_list(const std::string& text);

/// "90s", "15m", "2h", "1h30m", "250ms", "0".
bool parse_duration(const std::string& text, caf::timespan& out,
                    std::string& problem);

/// 1-based store numbers "1,3,5-8" -> 0-based indexes; every one < stores.
bool parse_store_list(const std::string& text, size_t stores,
                      std::vector<uint32_t>& out, std::string& problem);

/// "STORE[/TERMINAL]@START-END", 1-based numbers, e.g. "3/2@2h-3h".
bool parse_offline_window(const std::string& text, offline_window& out,
                          std::string& problem);

/// "STORE@START-END[:down|slow]", e.g. "4@1h-1h30m:slow".
bool parse_link_fault(const std::string& text, link_fault& out,
                      std::string& problem);

/// "constant:2", "uniform:1,3", "exp:30", "lognormal:0.05,0.5" (seconds
/// for durations); the text to_string(distribution) writes.
bool parse_distribution(const std::string& text, distribution& out,
                        std::string& problem);

/// An arrival rate: "120/h", "2/m", "0.5/s" -> per second.
bool parse_rate(const std::string& text, double& per_second,
                std::string& problem);

/// Comma-separated HQ feature names: multiple_contacts, async_addresses,
/// enhanced_async, edit_async.
bool parse_feature_flags(const std::string& text, hq_feature_flags& out,
                         std::string& problem);

} // namespace retailsim
