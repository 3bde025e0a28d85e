#pragma once

// Scenario files: the one run configuration (run_config) as YAML, key by
// key (docs/scenarios.md). A file is read onto the defaults, the command
// line's flags and `--set KEY=VALUE` go on top of it, and what results can
// be printed back as a file that reads the same. Unknown keys, wrong types
// and values out of range are errors that name the file, line and column
// (or the flag), the key, what was expected and what was found.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "actors/world.hpp"
#include "reports/thresholds.hpp"

namespace retailsim {

/// A run configuration and where each of its keys was set.
struct scenario {
  run_config config;
  /// Dotted keys ("hq.workers") set by a file, a flag or an override, with
  /// where: "quickstart.yaml:12:3", "--hq-workers", "--set". The others
  /// have their defaults.
  std::map<std::string, std::string> given;
  /// The expected outcome: conditions on the run's results, in the order
  /// given (`thresholds:` in a file, one per metric).
  std::vector<threshold> thresholds;
};

/// The defaults, nothing given.
scenario default_scenario();

/// Reads the scenario file at `path` onto the defaults. The scenario is
/// named after the file (quickstart.yaml: "quickstart") unless it names
/// itself; a relative existing_customers.from is relative to the file's
/// folder. Fails with invalid_scenario, its field naming the file, line
/// and column.
caf::expected<scenario> load_scenario(const std::string& path);

/// Reads scenario text (`name` stands for the file in errors) onto `s`.
caf::error read_scenario(scenario& s, const std::string& text,
                         const std::string& name);

/// Sets one key on top of `s`: `assignment` is KEY=VALUE, the key dotted
/// (hq.workers=4, load.mix.by_phone=30), the value as in a file; `origin`
/// names where it came from in errors ("--set", a flag).
caf::error apply_setting(scenario& s, const std::string& assignment,
                         const std::string& origin = "--set");

/// Sets `key` to `value` taken as it is (a flag's text: no YAML syntax), as
/// a file's scalar would; `origin` names the flag in errors.
caf::error set_value(scenario& s, const std::string& key,
                     const std::string& value, const std::string& origin);

/// Sets `key` to the list `values` (a flag's "1,3,5-8" or "a,b").
caf::error set_list(scenario& s, const std::string& key,
                    const std::vector<std::string>& values,
                    const std::string& origin);

/// Completes `s` before a run: the defaults that depend on other keys (a
/// realtime run models no HQ or store service time unless one is given),
/// then the checks of the whole (validate()), naming the key and where it
/// was set.
caf::error finish(scenario& s);

/// The configuration as YAML that load_scenario reads back to the same
/// configuration.
std::string to_yaml(const run_config& cfg);

/// The whole scenario as YAML (configuration and thresholds) that
/// load_scenario reads back to the same scenario.
std::string to_yaml(const scenario& s);

/// The values of a sweep's parameter: "1,2,4", or a YAML list for values
/// with commas of their own ("[constant:0.1, 'lognormal:0.05,0.5']") or
/// lists as values ("[[], [edit_async]]", each kept as YAML flow text);
/// each as a flag's text. False with a message naming the problem.
bool parse_sweep_values(const std::string& text,
                        std::vector<std::string>& out, std::string& problem);

/// KEY="VALUE", the value quoted so that apply_setting reads it as this
/// text ("lognormal:0.05,0.5", "1h"); a list value ("[a, b]") as it is.
std::string setting(const std::string& key, const std::string& value);

/// Reads one threshold condition ("< 2s", "== 0", "<= 1%") on `metric`;
/// false with a message naming the problem.
bool parse_threshold(const std::string& metric, const std::string& text,
                     threshold& out, std::string& problem);

/// The configuration as a JSON object with the same keys (for
/// summary.json): numbers and true/false as JSON's, the rest as the text
/// a file would hold.
std::string to_json(const run_config& cfg);

/// FNV-1a over to_yaml of the configuration with its seed, name and
/// question left out: the same settings give the same hash whatever the
/// seed and however the scenario is named.
uint64_t config_hash(const run_config& cfg);

} // namespace retailsim
