#include "app/decode_command.hpp"

#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "hardware-sim/device_data.hpp"
#include "model/error.hpp"

namespace retailsim {

namespace {

struct decode_flags {
  std::string format;
};

/// Device data is short (a swipe is at most 226 characters, a licence
/// barcode a few hundred bytes); more than this is not device data.
constexpr size_t max_input = 64 * 1024;

int run_decode(const decode_flags& f) {
  caf::optional<hw::device_format> format;
  if (!f.format.empty()) {
    hw::device_format x;
    if (!hw::from_string(f.format, x)) {
      std::cerr << "retailsim decode: --format: " << quote_input(f.format)
                << " is not bank_card, licence_stripe or licence_barcode\n";
      return 2;
    }
    format = x;
  }
  std::string raw;
  char buf[4096];
  while (std::cin.read(buf, sizeof(buf)) || std::cin.gcount() > 0) {
    raw.append(buf, static_cast<size_t>(std::cin.gcount()));
    if (raw.size() > max_input) {
      std::cerr << "retailsim decode: more than " << max_input
                << " bytes on standard input: not data from a card reader "
                   "or scanner\n";
      return 2;
    }
  }
  auto reading = hw::decode_device_data(raw, format);
  if (!reading) {
    std::cerr << "retailsim decode: " << describe(reading.error()) << "\n";
    return 2;
  }
  nlohmann::ordered_json out;
  for (const auto& [name, value] : hw::fields_of(*reading))
    out[name] = value;
  std::cout << out.dump(2) << "\n";
  return 0;
}

} // namespace

void add_decode_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<decode_flags>();
  auto* cmd = app.add_subcommand(
    "decode", "Decode raw data from a magnetic stripe reader (bank card, "
              "driver licence) or a 2D barcode scanner (AAMVA licence) read "
              "from standard input; prints its fields as JSON, any card "
              "number masked to first 6 / last 4. Malformed input: exit 2 "
              "and the byte at fault.");
  cmd->add_option("--format", flags->format,
                  "bank_card, licence_stripe or licence_barcode (default: "
                  "detected)");
  cmd->callback([flags, &exit_code] { exit_code = run_decode(*flags); });
}

} // namespace retailsim
