#include "hardware-sim/magstripe.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "hardware-sim/codec_text.hpp"

namespace retailsim::hw {

namespace {

// -- tracks ------------------------------------------------------------------------

/// One track as read: its text from start sentinel to end sentinel, where
/// it starts in the raw data, and its LRC character if the reader gave one.
struct track {
  int number = 0;
  size_t at = 0;
  std::string_view text;
  bool has_lrc = false;
  char lrc = 0;
};

std::string track_name(int number) {
  return "track " + std::to_string(number);
}

constexpr size_t max_track_length[] = {0, 79, 40, 107};

bool in_track_set(char c, int number) {
  auto u = static_cast<unsigned char>(c);
  return number == 2 ? (u >= 0x30 && u <= 0x3F) : (u >= 0x20 && u <= 0x5F);
}

/// Splits a swipe into its tracks, checking sentinels, character sets,
/// lengths and LRCs. Track numbers follow the order: a '%' track before the
/// ';' track is track 1, after it track 3.
caf::expected<std::vector<track>> split_tracks(std::string_view raw) {
  std::vector<track> out;
  bool seen_track2 = false;
  size_t i = 0;
  auto skip_separators = [&] {
    while (i < raw.size()
           && (raw[i] == '\r' || raw[i] == '\n' || raw[i] == ' '
               || raw[i] == '\0'))
      ++i;
  };
  for (skip_separators(); i < raw.size(); skip_separators()) {
    track t;
    t.at = i;
    char start = raw[i];
    if (start == ';') {
      t.number = 2;
    } else if (start == '%' || start == '+') {
      t.number = seen_track2 || !out.empty() ? 3 : 1;
    } else {
      return device_data_error("swipe", i,
                               "expected a start sentinel ('%' or ';')");
    }
    if (t.number == 2)
      seen_track2 = true;
    for (const auto& other : out)
      if (other.number == t.number)
        return device_data_error(track_name(t.number), i,
                                 "a second " + track_name(t.number));
    auto end = i + 1;
    while (end < raw.size() && raw[end] != '?') {
      if (!in_track_set(raw[end], t.number))
        return device_data_error(
          track_name(t.number), end,
          "not a " + track_name(t.number) + " character (a misread or a "
            "partial swipe: swipe again)");
      if (raw[end] == start && end > i)
        break;
      ++end;
    }
    if (end >= raw.size() || raw[end] != '?')
      return device_data_error(track_name(t.number), i,
                               "the track starting here has no end sentinel "
                               "'?' (a partial swipe: swipe again)");
    t.text = raw.substr(i, end - i + 1);
    if (t.text.size() > max_track_length[t.number])
      return device_data_error(
        track_name(t.number), i,
        track_name(t.number) + " has " + std::to_string(t.text.size())
          + " characters, at most "
          + std::to_string(max_track_length[t.number]));
    i = end + 1;
    if (i < raw.size() && raw[i] != '\r' && raw[i] != '\n') {
      t.has_lrc = true;
      t.lrc = raw[i];
      if (t.lrc != track_lrc(t.text, t.number))
        return device_data_error(track_name(t.number), i,
                                 "LRC check failed (a misread: swipe again)");
      ++i;
    }
    out.push_back(t);
  }
  if (out.empty())
    return device_data_error("swipe", 0, "no track");
  return out;
}

const track* find_track(const std::vector<track>& tracks, int number) {
  for (const auto& t : tracks)
    if (t.number == number)
      return &t;
  return nullptr;
}

/// Reads fields of a track one after another, naming the byte of a bad one.
class field_reader {
public:
  field_reader(const track& t, size_t skip)
    : t_(t), pos_(skip), name_(track_name(t.number)) {
  }

  /// Up to `separator` (taken) or `max` characters, whichever comes first,
  /// and never past the end sentinel.
  std::string_view until(char separator, size_t max) {
    auto begin = pos_;
    auto stop = t_.text.size() - 1;  // the end sentinel
    while (pos_ < stop && t_.text[pos_] != separator && pos_ - begin < max)
      ++pos_;
    auto out = t_.text.substr(begin, pos_ - begin);
    separated_ = pos_ < stop && t_.text[pos_] == separator;
    if (separated_)
      ++pos_;
    return out;
  }

  /// Whether the last `until` stopped at its separator.
  bool separated() const {
    return separated_;
  }

  /// Exactly `n` characters, or an error naming `what`.
  caf::expected<std::string_view> fixed(size_t n, const std::string& what) {
    if (pos_ + n >= t_.text.size())
      return error(what + " is cut short");
    auto out = t_.text.substr(pos_, n);
    pos_ += n;
    return out;
  }

  /// The rest, up to the end sentinel.
  std::string_view rest() {
    auto out = t_.text.substr(pos_, t_.text.size() - 1 - pos_);
    pos_ = t_.text.size() - 1;
    return out;
  }

  caf::error error(const std::string& what) const {
    return device_data_error(name_, t_.at + pos_, what);
  }

  caf::error error_at(std::string_view field, const std::string& what) const {
    return device_data_error(
      name_, t_.at + static_cast<size_t>(field.data() - t_.text.data()), what);
  }

private:
  const track& t_;
  size_t pos_;
  std::string name_;
  bool separated_ = false;
};

// -- bank cards --------------------------------------------------------------------

/// "SMITH/JOHN A.MR" -> family SMITH, given JOHN A; "JOHN SMITH" -> family
/// SMITH, given JOHN.
void split_card_name(std::string_view name, bank_card& out) {
  name = trim_padding(name);
  out.cardholder_name = std::string{name};
  auto slash = name.find('/');
  std::string_view family, given;
  if (slash != std::string_view::npos) {
    family = name.substr(0, slash);
    given = name.substr(slash + 1);
    // A title after the last '.', as ISO/IEC 7813 allows ("JOHN A.MR").
    if (auto dot = given.rfind('.'); dot != std::string_view::npos) {
      static constexpr std::string_view titles[] = {"MR", "MRS", "MS",
                                                    "MISS", "DR", "PROF"};
      auto title = trim_padding(given.substr(dot + 1));
      if (std::find(std::begin(titles), std::end(titles), title)
          != std::end(titles))
        given = given.substr(0, dot);
    }
  } else if (auto space = name.rfind(' '); space != std::string_view::npos) {
    given = name.substr(0, space);
    family = name.substr(space + 1);
  } else {
    family = name;
  }
  out.family_name = title_case(trim_padding(family));
  out.given_names = title_case(trim_padding(given));
}

caf::error check_card_number(std::string_view number, const field_reader& r) {
  if (number.empty() || !r.separated() || !all_digits(number))
    return r.error_at(number, "the card number is not 1 to 19 digits");
  return {};
}

caf::error check_expiry(std::string_view yymm_svc, const field_reader& r) {
  if (!all_digits(yymm_svc))
    return r.error_at(yymm_svc,
                      "expiry (YYMM) and service code are not 7 digits");
  auto month = (yymm_svc[2] - '0') * 10 + (yymm_svc[3] - '0');
  if (month < 1 || month > 12)
    return r.error_at(yymm_svc, "the expiry month is not 01 to 12");
  return {};
}

} // namespace

// -- shared ------------------------------------------------------------------------

bool passes_luhn(std::string_view digits) {
  if (digits.size() < 2 || !all_digits(digits))
    return false;
  return luhn_digit(digits.substr(0, digits.size() - 1)) == digits.back();
}

char luhn_digit(std::string_view digits) {
  int sum = 0;
  bool twice = true;  // the digit left of the check digit is doubled
  for (auto i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9)
        d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string mask_card_number(std::string_view digits) {
  std::string out(digits.size(), '*');
  if (digits.size() >= 13) {
    std::copy_n(digits.begin(), 6, out.begin());
    std::copy_n(digits.end() - 4, 4, out.end() - 4);
  }
  return out;
}

char track_lrc(std::string_view text, int track_number) {
  int base = track_number == 2 ? 0x30 : 0x20;
  int mask = track_number == 2 ? 0x0F : 0x3F;
  int lrc = 0;
  for (char c : text)
    lrc ^= (static_cast<unsigned char>(c) - base) & mask;
  return static_cast<char>(base + lrc);
}

// -- bank cards --------------------------------------------------------------------

caf::expected<bank_card> decode_bank_card(std::string_view raw) {
  auto tracks = split_tracks(raw);
  if (!tracks)
    return tracks.error();
  bank_card out;
  // The number is compared between the tracks and masked; it is never
  // copied anywhere else.
  std::string_view number1, number2;
  if (const auto* t1 = find_track(*tracks, 1)) {
    field_reader r{*t1, 1};
    auto format = r.fixed(1, "the format code");
    if (!format)
      return format.error();
    if (*format != "B")
      return r.error_at(*format, "format code is not 'B' (not a bank card)");
    number1 = r.until('^', 19);
    if (auto err = check_card_number(number1, r))
      return err;
    auto name = r.until('^', 26);
    if (trim_padding(name).size() < 2)
      return r.error_at(name, "the cardholder name has fewer than 2 "
                              "characters");
    auto expiry = r.fixed(7, "expiry (YYMM) and service code");
    if (!expiry)
      return expiry.error();
    if (auto err = check_expiry(*expiry, r))
      return err;
    split_card_name(name, out);
    out.expiry = std::string{expiry->substr(0, 4)};
    out.service_code = std::string{expiry->substr(4)};
    out.track1 = true;
  }
  if (const auto* t2 = find_track(*tracks, 2)) {
    field_reader r{*t2, 1};
    number2 = r.until('=', 19);
    if (auto err = check_card_number(number2, r))
      return err;
    auto expiry = r.fixed(7, "expiry (YYMM) and service code");
    if (!expiry)
      return expiry.error();
    if (auto err = check_expiry(*expiry, r))
      return err;
    if (out.track1 && number1 != number2)
      return r.error_at(number2, "tracks 1 and 2 disagree on the card "
                                 "number");
    out.expiry = std::string{expiry->substr(0, 4)};
    out.service_code = std::string{expiry->substr(4)};
    out.track2 = true;
  }
  if (find_track(*tracks, 3) != nullptr && !out.track1 && !out.track2)
    return device_data_error("swipe", 0, "only track 3: not a bank card");
  auto number = out.track1 ? number1 : number2;
  out.masked_number = mask_card_number(number);
  out.number_passes_luhn = passes_luhn(number);
  return out;
}

std::string encode_bank_card(std::string_view number, const std::string& family,
                             const std::string& given, std::string_view expiry,
                             std::string_view service_code, bool with_lrc) {
  auto card_text = [](std::string text) {
    for (auto& c : text) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!in_track_set(c, 1) || c == '^' || c == '?' || c == '%')
        c = ' ';
    }
    return text;
  };
  auto name = card_text(family + "/" + given).substr(0, 26);
  if (name.size() < 2)
    name.resize(2, ' ');
  auto svc = std::string{expiry} + std::string{service_code};
  std::string t1 = "%B" + std::string{number} + "^" + name + "^" + svc;
  t1 += std::string(std::min<size_t>(10, 78 - t1.size()), '0') + "?";
  std::string t2 = ";" + std::string{number} + "=" + svc;
  t2 += std::string(std::min<size_t>(5, 39 - t2.size()), '0') + "?";
  if (with_lrc) {
    t1 += track_lrc(t1, 1);
    t2 += track_lrc(t2, 2);
  }
  return t1 + "\n" + t2 + "\n";
}

// -- licences ----------------------------------------------------------------------

namespace {

struct jurisdiction {
  const char* iin;
  const char* state;
  const char* country;
};

// AAMVA issuer identification numbers of some jurisdictions.
constexpr jurisdiction jurisdictions[] = {
  {"636014", "CA", "US"}, {"636015", "TX", "US"}, {"636001", "NY", "US"},
  {"636010", "FL", "US"}, {"636045", "WA", "US"}, {"636035", "IL", "US"},
  {"636025", "PA", "US"}, {"636023", "OH", "US"}, {"636032", "MI", "US"},
  {"636055", "GA", "US"}, {"636000", "VA", "US"}, {"636026", "AZ", "US"},
  {"636020", "CO", "US"}, {"636029", "OR", "US"}, {"636049", "NV", "US"},
  {"636012", "ON", "CA"}, {"604428", "QC", "CA"}, {"636028", "BC", "CA"},
  {"604432", "AB", "CA"}, {"636048", "MB", "CA"},
};

} // namespace

bool jurisdiction_of(std::string_view iin, std::string& state,
                     std::string& country) {
  for (const auto& j : jurisdictions)
    if (iin == j.iin) {
      state = j.state;
      country = j.country;
      return true;
    }
  return false;
}

std::string iin_of(std::string_view state) {
  for (const auto& j : jurisdictions)
    if (state == j.state)
      return j.iin;
  return "";
}

caf::expected<licence> decode_licence_stripe(std::string_view raw) {
  auto tracks = split_tracks(raw);
  if (!tracks)
    return tracks.error();
  const auto* t1 = find_track(*tracks, 1);
  const auto* t2 = find_track(*tracks, 2);
  if (t1 == nullptr || t2 == nullptr)
    return device_data_error("swipe", 0,
                             "a licence needs tracks 1 and 2 (a partial "
                             "swipe: swipe again)");
  licence out;
  {
    field_reader r{*t1, 1};
    auto state = r.fixed(2, "the state");
    if (!state)
      return state.error();
    if (!std::isupper(static_cast<unsigned char>((*state)[0]))
        || !std::isupper(static_cast<unsigned char>((*state)[1])))
      return r.error_at(*state, "the state is not two letters");
    out.state = std::string{*state};
    out.city = title_case(trim_padding(r.until('^', 13)));
    auto name = r.until('^', 35);
    auto address = r.until('^', 29);
    // FAMILY$FIRST$MIDDLE; a jurisdiction may end it with '$' or use
    // commas.
    std::vector<std::string_view> parts;
    for (size_t begin = 0; begin <= name.size();) {
      auto end = name.find_first_of("$,", begin);
      if (end == std::string_view::npos)
        end = name.size();
      parts.push_back(trim_padding(name.substr(begin, end - begin)));
      begin = end + 1;
    }
    if (parts.empty() || parts[0].empty())
      return r.error_at(name, "no family name");
    out.family_name = title_case(parts[0]);
    if (parts.size() > 1)
      out.first_name = title_case(parts[1]);
    for (size_t i = 2; i < parts.size(); ++i)
      if (!parts[i].empty())
        out.middle_name += (out.middle_name.empty() ? "" : " ")
                           + title_case(parts[i]);
    // Address lines are separated by '$'.
    std::string street;
    for (size_t begin = 0; begin <= address.size();) {
      auto end = address.find('$', begin);
      if (end == std::string_view::npos)
        end = address.size();
      auto line = trim_padding(address.substr(begin, end - begin));
      if (!line.empty())
        street += (street.empty() ? "" : ", ") + title_case(line);
      begin = end + 1;
    }
    out.street = std::move(street);
  }
  {
    field_reader r{*t2, 1};
    auto iin = r.fixed(6, "the issuer number (IIN)");
    if (!iin)
      return iin.error();
    if (!all_digits(*iin))
      return r.error_at(*iin, "the issuer number (IIN) is not 6 digits");
    out.iin = std::string{*iin};
    std::string state;
    if (!jurisdiction_of(out.iin, state, out.country))
      out.country = "US";
    auto id = r.until('=', 13);
    if (id.empty())
      return r.error_at(id, "no licence number");
    auto expiry = r.fixed(4, "the expiry (YYMM)");
    if (!expiry)
      return expiry.error();
    auto birth = r.fixed(8, "the date of birth (CCYYMMDD)");
    if (!birth)
      return birth.error();
    out.date_of_birth = iso_date(*birth, "CCYYMMDD");
    if (out.date_of_birth.empty())
      return r.error_at(*birth, "the date of birth is not a CCYYMMDD date");
    r.rest();  // the licence number's overflow: not kept
  }
  if (const auto* t3 = find_track(*tracks, 3)) {
    field_reader r{*t3, 3};  // sentinel, template and security versions
    auto postal = r.fixed(11, "the postal code");
    if (postal)
      out.postal_code = postal_code(*postal, out.country);
  }
  return out;
}

std::string encode_licence_stripe(const licence& x, std::string_view id_number,
                                  bool with_lrc) {
  auto upper = [](std::string_view text, size_t max) {
    std::string out;
    for (char c : text) {
      if (out.size() == max)
        break;
      auto u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out += in_track_set(u, 1) && u != '^' && u != '$' && u != '?'
                 && u != '%'
               ? u
               : ' ';
    }
    return out;
  };
  auto field = [](std::string text, size_t max) {
    return text.size() < max ? text + "^" : text;
  };
  std::string t1 = "%" + upper(x.state, 2) + field(upper(x.city, 13), 13)
                   + field(upper(x.family_name, 15) + "$"
                             + upper(x.first_name, 12) + "$"
                             + upper(x.middle_name, 6),
                           35);
  auto room = 78 - t1.size();
  t1 += field(upper(x.street, std::min<size_t>(29, room)), room) + "?";
  if (t1.size() > 79)
    t1 = t1.substr(0, 78) + "?";
  auto id = std::string{id_number};
  auto overflow = id.size() > 13 ? id.substr(13, 5) : "";
  auto dob = x.date_of_birth.substr(0, 4) + x.date_of_birth.substr(5, 2)
             + x.date_of_birth.substr(8, 2);
  auto expiry = x.expiry.size() >= 7
                  ? x.expiry.substr(2, 2) + x.expiry.substr(5, 2)
                  : std::string{"7777"};  // 77: does not expire
  std::string t2 = ";" + x.iin + id.substr(0, 13) + "=" + expiry + dob
                   + overflow + "?";
  auto zip = x.postal_code;
  zip.erase(std::remove_if(zip.begin(), zip.end(),
                           [](char c) { return c == '-' || c == ' '; }),
            zip.end());
  if (x.country == "US" && zip.size() == 5)
    zip += "0000";
  zip.resize(11, ' ');
  std::string t3 = "%00" + upper(zip, 11) + "C " + std::string(10, ' ')
                   + std::string(4, ' ') + "1" + "509" + "175" + "BRO"
                   + "BLU" + "?";
  if (with_lrc) {
    t1 += track_lrc(t1, 1);
    t2 += track_lrc(t2, 2);
    t3 += track_lrc(t3, 3);
  }
  return t1 + "\n" + t2 + "\n" + t3 + "\n";
}

} // namespace retailsim::hw
