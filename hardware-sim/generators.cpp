#include "hardware-sim/generators.hpp"

#include <cstdio>
#include <memory>

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include "hardware-sim/aamva_barcode.hpp"

namespace retailsim::hw {

const char* to_string(device_fault x) {
  switch (x) {
    case device_fault::none: return "none";
    case device_fault::misread: return "misread";
    case device_fault::partial: return "partial";
    case device_fault::wrong_format: return "wrong_format";
    case device_fault::stall: return "stall";
    case device_fault::offline: return "offline";
  }
  return "?";
}

namespace {

constexpr const char* first_names[] = {
  "John", "Mary", "James", "Patricia", "Robert", "Jennifer", "Michael",
  "Linda", "Carlos", "Maria", "Wei", "Mei", "Ahmed", "Fatima", "Kenji",
  "Yuki", "Kwame", "Amara", "Lucas", "Sofia", "Arjun", "Priya", "Chidi",
  "Marie", "Jean", "Olga"};
constexpr const char* family_names[] = {
  "Smith", "Johnson", "Garcia", "Nguyen", "Okafor", "Tremblay", "Lee",
  "Martinez", "Chen", "Kowalski", "O'Brien", "Haddad", "Tanaka", "Roy",
  "Silva", "Schmidt", "Gagnon", "Patel", "Brown", "Lopez"};
constexpr const char* middle_names[] = {"", "", "A", "Marie", "J", "Lee",
                                        "Q", ""};
constexpr const char* streets[] = {"Main St", "Oak Ave", "Elm St",
                                   "Harbour Rd", "Maple Dr", "King St W",
                                   "Rue Principale", "Cedar Ln"};

struct place {
  const char* state;
  const char* city;
  const char* postal;  // a US ZIP, or a Canadian code
};

constexpr place places[] = {
  {"CA", "Sacramento", "95814"}, {"CA", "San Francisco", "94103"},
  {"TX", "Austin", "78701"},     {"NY", "Albany", "12207"},
  {"FL", "Miami", "33130"},      {"WA", "Seattle", "98101"},
  {"IL", "Springfield", "62704"}, {"ON", "Toronto", "M5V2T6"},
  {"QC", "Quebec", "G1R4P5"},    {"BC", "Vancouver", "V6B1A1"},
};

template <class T, size_t N>
const T& pick(const draw_fn& draw, const T (&xs)[N]) {
  return xs[draw() % N];
}

std::string digits(const draw_fn& draw, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += static_cast<char>('0' + draw() % 10);
  return out;
}

/// Text as a card issuer prints it: Latin letters without accents ("Müller"
/// -> "Muller", "José" -> "Jose"), as stripes and most barcodes hold only
/// ASCII.
std::string card_text(const std::string& text) {
  bool ascii = true;
  for (char c : text)
    ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii)
    return text;
  // A Transliterator is not safe to share between threads: one each.
  thread_local std::unique_ptr<icu::Transliterator> to_ascii = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t{icu::Transliterator::createInstance(
      "Any-Latin; Latin-ASCII", UTRANS_FORWARD, status)};
    return U_SUCCESS(status) ? std::move(t) : nullptr;
  }();
  auto u = icu::UnicodeString::fromUTF8(text);
  if (to_ascii)
    to_ascii->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

document_holder as_printed(document_holder x) {
  for (auto* field : {&x.family_name, &x.first_name, &x.middle_name,
                      &x.street, &x.city})
    *field = card_text(*field);
  return x;
}

licence as_licence(const document_holder& holder) {
  auto x = as_printed(holder);
  licence out;
  out.family_name = x.family_name;
  out.first_name = x.first_name;
  out.middle_name = x.middle_name;
  out.street = x.street;
  out.city = x.city;
  out.state = x.state;
  out.postal_code = x.postal_code;
  std::string state;
  out.iin = iin_of(x.state);
  jurisdiction_of(out.iin, state, out.country);
  out.date_of_birth = x.date_of_birth;
  out.expiry = std::to_string(2027 + std::stoi(x.date_of_birth.substr(0, 4))
                                       % 8)
               + x.date_of_birth.substr(4);
  if (out.expiry.substr(4) == "-02-29")
    out.expiry.replace(8, 2, "28");
  return out;
}

} // namespace

document_holder draw_holder(const draw_fn& draw) {
  document_holder x;
  x.first_name = pick(draw, first_names);
  x.family_name = pick(draw, family_names);
  x.middle_name = pick(draw, middle_names);
  return complete(std::move(x), draw);
}

document_holder complete(document_holder x, const draw_fn& draw) {
  if (x.date_of_birth.size() != 10) {
    char buf[16];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d",
             1936 + static_cast<int>(draw() % 72),
             1 + static_cast<int>(draw() % 12),
             1 + static_cast<int>(draw() % 28));
    x.date_of_birth = buf;
  }
  if (x.state.empty() || iin_of(x.state).empty()) {
    const auto& p = pick(draw, places);
    x.state = p.state;
    x.city = p.city;
    x.postal_code = p.postal;
  }
  if (x.city.empty())
    x.city = "Springfield";
  if (x.street.empty())
    x.street = std::to_string(1 + draw() % 9999) + " " + pick(draw, streets);
  return x;
}

std::string draw_bank_card_swipe(const document_holder& x, const draw_fn& draw) {
  // Brand prefixes and lengths: Visa 4 (16), Mastercard 51-55 (16),
  // American Express 34/37 (15), Discover 6011 (16).
  static constexpr struct {
    const char* prefix;
    size_t length;
  } brands[] = {{"4", 16}, {"51", 16}, {"55", 16}, {"37", 15}, {"6011", 16}};
  const auto& brand = pick(draw, brands);
  auto body = brand.prefix
              + digits(draw, brand.length - 1 - std::string{brand.prefix}.size());
  auto number = body + luhn_digit(body);
  char expiry[8];
  snprintf(expiry, sizeof(expiry), "%02d%02d",
           27 + static_cast<int>(draw() % 6), 1 + static_cast<int>(draw() % 12));
  auto printed = as_printed(x);
  auto given = printed.first_name
               + (printed.middle_name.empty()
                    ? ""
                    : " " + printed.middle_name.substr(0, 1));
  return encode_bank_card(number, printed.family_name, given, expiry, "101",
                          true);
}

std::string draw_licence_swipe(const document_holder& x, const draw_fn& draw) {
  return encode_licence_stripe(as_licence(x), digits(draw, 9), true);
}

std::string draw_licence_barcode(const document_holder& x, const draw_fn& draw) {
  int version = 1 + static_cast<int>(draw() % 10);
  barcode_quirks quirks;
  switch (draw() % 8) {
    case 0: quirks.no_record_separator = true; break;
    case 1: quirks.trailing_padding = 1 + draw() % 16; break;
    case 2: quirks.offset_error = 1 + static_cast<int>(draw() % 3); break;
    case 3: quirks.lf_terminated = true; break;
    default: break;
  }
  if (version == 1 && draw() % 2 == 0)
    quirks.aamva_file_type = true;
  return encode_licence_barcode(as_licence(x), "D" + digits(draw, 8), version,
                                quirks);
}

std::string apply_fault(std::string raw, input_channel channel,
                        device_fault fault, const draw_fn& draw) {
  if (raw.size() < 8)
    return raw;
  bool barcode = channel == input_channel::licence_scan;
  switch (fault) {
    case device_fault::misread: {
      if (barcode) {
        // A digit of the IIN or version no longer a digit.
        auto at = (raw[3] == '\r' ? 9 : 8) + draw() % 8;
        raw[at] = 'O';
        return raw;
      }
      // One letter of track 1 (the name on a card, the city on a licence)
      // read as another: its LRC fails.
      auto at = channel == input_channel::card_swipe
                  ? raw.find('^') + 1 + draw() % 2
                  : 3 + draw() % 3;
      raw[at] = raw[at] == 'A' ? 'B' : 'A';
      return raw;
    }
    case device_fault::partial:
      // The card left the reader early: the rest never came.
      return raw.substr(0, 4 + draw() % (raw.size() / 3));
    case device_fault::wrong_format: {
      if (barcode)
        return raw.substr(1);  // another symbology's text: no '@'
      // A card of another kind, read right (its LRC is its own): a gift or
      // hotel card (format code not 'B'), a track 1 that is not a state.
      raw[1] = channel == input_channel::card_swipe ? 'C' : '4';
      auto end = raw.find('?');
      if (end != std::string::npos && end + 1 < raw.size()
          && raw[end + 1] != '\n')
        raw[end + 1] = track_lrc(raw.substr(0, end + 1), 1);
      return raw;
    }
    default:
      return raw;
  }
}

} // namespace retailsim::hw
