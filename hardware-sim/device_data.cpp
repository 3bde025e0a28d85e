#include "hardware-sim/device_data.hpp"

#include <cctype>

#include "hardware-sim/codec_text.hpp"

namespace retailsim::hw {

const char* to_string(device_format x) {
  switch (x) {
    case device_format::bank_card: return "bank_card";
    case device_format::licence_stripe: return "licence_stripe";
    case device_format::licence_barcode: return "licence_barcode";
  }
  return "?";
}

bool from_string(const std::string& text, device_format& out) {
  for (auto x : {device_format::bank_card, device_format::licence_stripe,
                 device_format::licence_barcode})
    if (text == to_string(x)) {
      out = x;
      return true;
    }
  return false;
}

caf::expected<device_format> detect_format(std::string_view raw) {
  size_t i = 0;
  while (i < raw.size() && (raw[i] == '\r' || raw[i] == '\n'))
    ++i;
  auto at = raw.substr(i);
  auto digit = [&](size_t k) {
    return k < at.size() && std::isdigit(static_cast<unsigned char>(at[k]));
  };
  auto upper = [&](size_t k) {
    return k < at.size() && std::isupper(static_cast<unsigned char>(at[k]));
  };
  if (!at.empty() && at[0] == '@')
    return device_format::licence_barcode;
  if (at.size() >= 3 && at[0] == '%' && at[1] == 'B' && digit(2))
    return device_format::bank_card;
  if (at.size() >= 3 && at[0] == '%' && upper(1) && upper(2))
    return device_format::licence_stripe;
  if (!at.empty() && at[0] == ';') {
    // A licence's track 2 begins with its issuer's AAMVA number.
    std::string state, country;
    if (at.size() >= 7 && jurisdiction_of(at.substr(1, 6), state, country))
      return device_format::licence_stripe;
    if (digit(1))
      return device_format::bank_card;
  }
  return device_data_error("input", i,
                           "neither a card swipe ('%' or ';') nor an AAMVA "
                           "barcode ('@')");
}

caf::expected<device_reading>
decode_device_data(std::string_view raw, caf::optional<device_format> format) {
  device_reading out;
  if (format) {
    out.format = *format;
  } else {
    auto detected = detect_format(raw);
    if (!detected)
      return detected.error();
    out.format = *detected;
  }
  switch (out.format) {
    case device_format::bank_card: {
      auto card = decode_bank_card(raw);
      if (!card)
        return card.error();
      out.card = std::move(*card);
      break;
    }
    case device_format::licence_stripe:
    case device_format::licence_barcode: {
      auto id = out.format == device_format::licence_stripe
                  ? decode_licence_stripe(raw)
                  : decode_licence_barcode(raw);
      if (!id)
        return id.error();
      out.id = std::move(*id);
      break;
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>>
fields_of(const device_reading& x) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("format", to_string(x.format));
  if (x.format == device_format::bank_card) {
    const auto& c = x.card;
    out.emplace_back("cardholder_name", c.cardholder_name);
    out.emplace_back("family_name", c.family_name);
    out.emplace_back("given_names", c.given_names);
    out.emplace_back("card_number", c.masked_number);
    out.emplace_back("card_number_passes_luhn",
                     c.number_passes_luhn ? "true" : "false");
    out.emplace_back("expiry", c.expiry);
    out.emplace_back("service_code", c.service_code);
    out.emplace_back("tracks", std::string{c.track1 ? "1" : ""}
                                 + (c.track1 && c.track2 ? "," : "")
                                 + (c.track2 ? "2" : ""));
    return out;
  }
  const auto& l = x.id;
  out.emplace_back("family_name", l.family_name);
  out.emplace_back("first_name", l.first_name);
  out.emplace_back("middle_name", l.middle_name);
  out.emplace_back("date_of_birth", l.date_of_birth);
  out.emplace_back("street", l.street);
  out.emplace_back("city", l.city);
  out.emplace_back("state", l.state);
  out.emplace_back("postal_code", l.postal_code);
  out.emplace_back("country", l.country);
  out.emplace_back("expiry", l.expiry);
  out.emplace_back("iin", l.iin);
  if (x.format == device_format::licence_barcode) {
    out.emplace_back("aamva_version", std::to_string(l.aamva_version));
    out.emplace_back("jurisdiction_version",
                     std::to_string(l.jurisdiction_version));
  }
  return out;
}

} // namespace retailsim::hw
