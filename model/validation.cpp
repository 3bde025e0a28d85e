#include "model/validation.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/errorcode.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/ucurr.h>
#include <unicode/bytestream.h>
#include <unicode/idna.h>
#include <unicode/uloc.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "model/identity.hpp"

namespace retailsim {

namespace {

std::string describe_code_point(UChar32 c) {
  char buf[16];
  snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(c));
  return buf;
}

/// Explicit embeddings, overrides and isolates: they reorder the text
/// around them ("exe.txt" shown as "txt.exe"). The marks (LRM, RLM, ALM)
/// only order neutral characters and are normal in right-to-left names.
bool is_bidi_override(UChar32 c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

bool is_bidi_mark(UChar32 c) {
  return c == 0x200E || c == 0x200F || c == 0x061C;
}

/// A character that shows: a letter, digit, punctuation or symbol that is
/// not default-ignorable (U+3164 HANGUL FILLER is a letter that shows
/// nothing).
bool is_visible(UChar32 c) {
  if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
    return false;
  auto mask = U_GET_GC_MASK(c);
  return (mask & (U_GC_L_MASK | U_GC_N_MASK | U_GC_P_MASK | U_GC_S_MASK))
         != 0;
}

/// What trimming takes from either end.
bool is_trimmed(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)
         || (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)
             && !is_bidi_mark(c));
}

bool is_ascii_upper_alpha(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return c >= 'A' && c <= 'Z';
         });
}

std::string to_upper_ascii(std::string_view in) {
  std::string out{in};
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string to_lower_ascii(std::string_view in) {
  std::string out{in};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 5322 atext.
bool is_atext(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)))
    return true;
  static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return specials.find(c) != std::string_view::npos;
}

caf::error check_dot_atom(std::string_view local, const std::string& field) {
  if (local.empty())
    return make_error(ec::email_invalid_local_part, field,
                      "empty local part");
  if (local.front() == '.' || local.back() == '.')
    return make_error(ec::email_invalid_local_part, field,
                      "local part starts or ends with '.'");
  for (size_t i = 0; i < local.size(); ++i) {
    char c = local[i];
    if (c == '.') {
      if (local[i + 1] == '.')
        return make_error(ec::email_invalid_local_part, field,
                          "consecutive '.' in local part");
      continue;
    }
    if (!is_atext(c))
      return make_error(ec::email_invalid_local_part, field,
                        "character " + hex_byte(static_cast<unsigned char>(c))
                          + " at byte " + std::to_string(i + 1)
                          + " not allowed in an unquoted local part");
  }
  return {};
}

caf::error check_quoted_local(std::string_view local,
                              const std::string& field) {
  // local includes the surrounding quotes.
  for (size_t i = 1; i + 1 < local.size(); ++i) {
    auto c = static_cast<unsigned char>(local[i]);
    if (c == '\\') {
      ++i;
      if (i + 1 >= local.size() || local[i] < 32 || local[i] > 126)
        return make_error(ec::email_invalid_local_part, field,
                          "bad quoted pair in quoted local part");
      continue;
    }
    if (c < 32 || c > 126 || c == '"')
      return make_error(ec::email_invalid_local_part, field,
                        "character " + hex_byte(c) + " at byte "
                          + std::to_string(i + 1)
                          + " not allowed in a quoted local part");
  }
  return {};
}

caf::error check_domain(std::string_view domain, const std::string& field) {
  if (domain.empty())
    return make_error(ec::email_invalid_domain, field, "empty domain");
  if (domain.front() == '[')
    return make_error(ec::email_invalid_domain, field,
                      "address literals are not accepted");
  if (domain.size() > 253)
    return make_error(ec::email_invalid_domain, field,
                      "domain longer than 253 octets");
  size_t labels = 0;
  size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    if (end == std::string_view::npos)
      end = domain.size();
    auto label = domain.substr(start, end - start);
    ++labels;
    if (label.empty() || label.size() > 63)
      return make_error(ec::email_invalid_domain, field,
                        "label " + std::to_string(labels)
                          + " must have 1 to 63 characters");
    if (label.front() == '-' || label.back() == '-')
      return make_error(ec::email_invalid_domain, field,
                        "label " + std::to_string(labels)
                          + " starts or ends with '-'");
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
        return make_error(ec::email_invalid_domain, field,
                          "character "
                            + hex_byte(static_cast<unsigned char>(c))
                            + " not allowed in a domain");
    if (end == domain.size()) {
      if (std::all_of(label.begin(), label.end(),
                      [](char c) { return std::isdigit(c); }))
        return make_error(ec::email_invalid_domain, field,
                          "top-level domain is numeric");
      break;
    }
    start = end + 1;
  }
  if (labels < 2)
    return make_error(ec::email_invalid_domain, field,
                      "domain needs at least two labels");
  return {};
}

caf::expected<std::string> domain_to_ascii(std::string_view domain,
                                           const std::string& field) {
  bool ascii = std::all_of(domain.begin(), domain.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  });
  if (ascii)
    return to_lower_ascii(domain);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::IDNA> idna{icu::IDNA::createUTS46Instance(
    UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI, status)};
  if (U_FAILURE(status))
    return make_error(ec::email_invalid_domain, field, "IDNA unavailable");
  std::string ascii_out;
  icu::StringByteSink<std::string> sink{&ascii_out};
  icu::IDNAInfo info;
  idna->nameToASCII_UTF8(
    icu::StringPiece{domain.data(), static_cast<int32_t>(domain.size())}, sink,
    info, status);
  if (U_FAILURE(status) || info.hasErrors())
    return make_error(ec::email_invalid_domain, field,
                      "internationalised domain is not valid (UTS 46)");
  return ascii_out;
}

const std::set<std::string>& iso_countries() {
  static const std::set<std::string> countries = [] {
    std::set<std::string> out;
    for (auto p = uloc_getISOCountries(); *p != nullptr; ++p)
      out.emplace(*p);
    return out;
  }();
  return countries;
}

const std::set<std::string>& iso_currencies() {
  static const std::set<std::string> currencies = [] {
    std::set<std::string> out;
    UErrorCode status = U_ZERO_ERROR;
    auto* e = ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED,
                                      &status);
    if (U_SUCCESS(status)) {
      const char* code;
      while ((code = uenum_next(e, nullptr, &status)) != nullptr
             && U_SUCCESS(status))
        out.emplace(code);
      uenum_close(e);
    }
    return out;
  }();
  return currencies;
}

i18n::phonenumbers::PhoneNumberUtil& phone_util() {
  // libphonenumber logs parse failures to stderr by default; we report them
  // as errors instead.
  static std::once_flag once;
  std::call_once(once, [] {
    i18n::phonenumbers::PhoneNumberUtil::GetInstance()->SetLogger(
      new i18n::phonenumbers::NullLogger);
  });
  return *i18n::phonenumbers::PhoneNumberUtil::GetInstance();
}

} // namespace

// -- text ----------------------------------------------------------------------------

caf::expected<std::string> normalize_text(std::string_view input,
                                          const std::string& field,
                                          size_t max_chars, bool required,
                                          text_kind kind) {
  // Fast path: printable ASCII is already NFC and holds no control or bidi
  // characters; only trimming and the length check apply. Most names,
  // emails and phones typed at a POS take this path.
  bool printable_ascii = std::all_of(input.begin(), input.end(), [](char c) {
    return c >= 0x20 && c < 0x7F;
  });
  if (printable_ascii) {
    auto first = input.find_first_not_of(' ');
    auto text = first == std::string_view::npos
                  ? std::string_view{}
                  : input.substr(first, input.find_last_not_of(' ') - first + 1);
    if (text.size() > max_chars)
      return make_error(ec::field_too_long, field,
                        std::to_string(text.size()) + " characters, at most "
                          + std::to_string(max_chars));
    if (text.empty() && required)
      return make_error(ec::field_required, field, "must not be empty");
    return std::string{text};
  }
  if (input.size() > static_cast<size_t>(INT32_MAX))
    return make_error(ec::field_too_long, field,
                      std::to_string(input.size()) + " bytes, at most "
                        + std::to_string(max_chars) + " characters");
  // 1. Code point by code point, naming the first bad one by its byte (from
  //    1, as the CSV reader counts).
  const auto* bytes = reinterpret_cast<const uint8_t*>(input.data());
  auto length = static_cast<int32_t>(input.size());
  bool seen_visible = false;
  for (int32_t i = 0; i < length;) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    auto at = " at byte " + std::to_string(start + 1);
    if (c < 0)
      return make_error(ec::invalid_utf8, field,
                        "ill-formed UTF-8" + at + " (" + hex_byte(bytes[start])
                          + ")");
    if (is_bidi_override(c))
      return make_error(ec::bidi_override, field,
                        "bidirectional control " + describe_code_point(c)
                          + at);
    auto type = u_charType(c);
    bool allowed_break = kind == text_kind::multi_line
                         && (c == '\n' || c == '\t' || c == '\r'
                             || type == U_LINE_SEPARATOR
                             || type == U_PARAGRAPH_SEPARATOR);
    if ((type == U_CONTROL_CHAR || type == U_LINE_SEPARATOR
         || type == U_PARAGRAPH_SEPARATOR)
        && !allowed_break)
      return make_error(ec::control_character, field,
                        (type == U_CONTROL_CHAR ? "control character "
                                                : "line separator ")
                          + describe_code_point(c) + at);
    const char* disallowed = nullptr;
    if (u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT))
      disallowed = "noncharacter ";
    else if (c >= 0xE0000 && c <= 0xE007F)
      disallowed = "tag character ";
    else if (type == U_UNASSIGNED)
      disallowed = "unassigned ";
    else if (type == U_PRIVATE_USE_CHAR)
      disallowed = "private-use ";
    if (disallowed != nullptr)
      return make_error(ec::disallowed_character, field,
                        disallowed + describe_code_point(c) + at);
    bool mark = type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK
                || type == U_COMBINING_SPACING_MARK;
    if (mark && !seen_visible)
      return make_error(ec::invisible_text, field,
                        "combining mark " + describe_code_point(c) + at
                          + " has no visible character before it to "
                            "combine with");
    seen_visible = seen_visible || is_visible(c);
  }
  // 2. NFC, then trim what does not show at either end: white space (the
  //    no-break and ideographic spaces too) and default-ignorable code
  //    points (zero-width spaces, joiners, byte-order marks, fillers), but
  //    not the right-to-left marks a name may end with. Text in which
  //    nothing shows is empty.
  auto text = icu::UnicodeString::fromUTF8(
    icu::StringPiece{input.data(), length});
  UErrorCode status = U_ZERO_ERROR;
  const auto* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status))
    return make_error(ec::invalid_utf8, field, "ICU NFC data unavailable");
  auto normalized = nfc->normalize(text, status);
  if (U_FAILURE(status))
    return make_error(ec::invalid_utf8, field, "cannot normalise to NFC");
  if (!seen_visible) {
    normalized.remove();
  } else {
    int32_t end = normalized.length();
    while (end > 0 && is_trimmed(normalized.char32At(end - 1)))
      end = normalized.moveIndex32(end, -1);
    normalized.truncate(end);
    int32_t begin = 0;
    while (begin < end && is_trimmed(normalized.char32At(begin)))
      begin = normalized.moveIndex32(begin, 1);
    normalized.remove(0, begin);
  }
  // 3. Length in characters.
  auto chars = static_cast<size_t>(
    normalized.countChar32(0, normalized.length()));
  if (chars > max_chars)
    return make_error(ec::field_too_long, field,
                      std::to_string(chars) + " characters, at most "
                        + std::to_string(max_chars));
  if (chars == 0 && required)
    return make_error(ec::field_required, field, "must not be empty");
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

// -- email ---------------------------------------------------------------------------

caf::expected<std::string> normalize_email(std::string_view input,
                                           const std::string& field) {
  auto text = normalize_text(input, field, field_limits::email * 4);
  if (!text)
    return text.error();
  std::string_view addr = *text;
  if (addr.empty())
    return make_error(ec::field_required, field, "must not be empty");
  // Split local part and domain; a quoted local part may contain '@'.
  size_t at;
  if (addr.front() == '"') {
    size_t i = 1;
    while (i < addr.size() && addr[i] != '"')
      i += addr[i] == '\\' ? 2 : 1;
    if (i >= addr.size())
      return make_error(ec::email_invalid_local_part, field,
                        "unterminated quoted local part");
    at = i + 1;
    if (at >= addr.size() || addr[at] != '@')
      return make_error(ec::email_missing_at, field,
                        "no '@' after the quoted local part");
  } else {
    at = addr.find('@');
    if (at == std::string_view::npos)
      return make_error(ec::email_missing_at, field, "no '@'");
  }
  auto local = addr.substr(0, at);
  auto raw_domain = addr.substr(at + 1);
  if (raw_domain.find('@') != std::string_view::npos)
    return make_error(ec::email_missing_at, field,
                      "more than one '@' outside quotes");
  auto domain = domain_to_ascii(raw_domain, field);
  if (!domain)
    return domain.error();
  auto total = local.size() + 1 + domain->size();
  if (total > field_limits::email)
    return make_error(ec::email_too_long, field,
                      std::to_string(total) + " octets, at most "
                        + std::to_string(field_limits::email));
  if (local.size() > field_limits::email_local_part)
    return make_error(ec::email_local_part_too_long, field,
                      "local part has " + std::to_string(local.size())
                        + " octets, at most "
                        + std::to_string(field_limits::email_local_part));
  auto err = local.front() == '"' ? check_quoted_local(local, field)
                                  : check_dot_atom(local, field);
  if (err)
    return err;
  if (auto derr = check_domain(*domain, field))
    return derr;
  return std::string{local} + '@' + *domain;
}

// -- phone ---------------------------------------------------------------------------

namespace {

/// libphonenumber's parse costs ~14 us (ICU regular expressions); cashiers
/// type the same numbers again and again (search, then create, then every
/// return visit). The answer depends only on (region, text): remember it.
class phone_cache {
public:
  bool find(const std::string& key, std::string& out) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = map_.find(key);
    if (i == map_.end())
      return false;
    out = i->second;
    return true;
  }

  void add(std::string key, std::string value) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (map_.size() >= capacity)
      map_.clear();  // crude but bounded; refills with what is typed now
    map_.emplace(std::move(key), std::move(value));
  }

private:
  static constexpr size_t capacity = 1 << 18;
  std::mutex mtx_;
  std::unordered_map<std::string, std::string> map_;
};

phone_cache& known_phones() {
  static phone_cache cache;
  return cache;
}

} // namespace

caf::expected<std::string> normalize_phone(std::string_view input,
                                           const std::string& default_region,
                                           const std::string& field) {
  auto text = normalize_text(input, field, field_limits::phone_input, true);
  if (!text)
    return text.error();
  auto key = default_region + '\n' + *text;
  std::string known;
  if (known_phones().find(key, known))
    return known;
  using util_t = i18n::phonenumbers::PhoneNumberUtil;
  auto& util = phone_util();
  i18n::phonenumbers::PhoneNumber number;
  auto rc = util.Parse(*text, default_region, &number);
  if (rc != util_t::NO_PARSING_ERROR) {
    static constexpr const char* reasons[] = {
      "no error", "invalid country code", "not a number",
      "too short after international dialling prefix", "too short",
      "too long"};
    auto idx = static_cast<size_t>(rc);
    return make_error(ec::phone_unparseable, field,
                      "cannot parse " + quote_input(*text) + ": "
                        + (idx < 6 ? reasons[idx] : "unknown reason"));
  }
  if (!util.IsValidNumber(number))
    return make_error(ec::phone_invalid_number, field,
                      quote_input(*text) + " is not a valid number (default region "
                        + default_region + ")");
  std::string out;
  util.Format(number, util_t::E164, &out);
  known_phones().add(std::move(key), out);
  return out;
}

// -- codes ---------------------------------------------------------------------------

caf::expected<std::string> normalize_country(std::string_view input,
                                             const std::string& field) {
  auto upper = to_upper_ascii(input);
  if (!is_ascii_upper_alpha(upper, 2) || iso_countries().count(upper) == 0)
    return make_error(ec::invalid_country, field,
                      quote_input(input)
                        + " is not an ISO 3166-1 alpha-2 country code");
  return upper;
}

caf::expected<std::string> normalize_currency(std::string_view input,
                                              const std::string& field) {
  auto upper = to_upper_ascii(input);
  if (!is_ascii_upper_alpha(upper, 3) || iso_currencies().count(upper) == 0)
    return make_error(ec::invalid_currency, field,
                      quote_input(input) + " is not an ISO 4217 currency code");
  return upper;
}

caf::expected<std::string> normalize_language(std::string_view input,
                                              const std::string& field) {
  auto bad = [&] {
    return make_error(ec::invalid_language, field,
                      quote_input(input)
                        + " is not a BCP 47 tag of a known language");
  };
  if (input.empty() || input.size() > 35)
    return bad();
  for (char c : input)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
      return bad();
  icu::ErrorCode status;
  auto locale = icu::Locale::forLanguageTag(
    icu::StringPiece{input.data(), static_cast<int32_t>(input.size())},
    status);
  if (status.isFailure() || locale.isBogus() || *locale.getLanguage() == 0
      || *locale.getISO3Language() == 0)
    return bad();
  auto tag = locale.toLanguageTag<std::string>(status);
  if (status.isFailure())
    return bad();
  return tag;
}

bool is_code_text(std::string_view input) {
  return !input.empty()
         && std::all_of(input.begin(), input.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '-'
                     || c == '_';
            });
}

caf::error check_date(std::string_view input, const std::string& field) {
  auto bad = [&](const char* why) {
    return make_error(ec::invalid_date, field,
                      quote_input(input) + ": " + why);
  };
  if (input.size() != 10 || input[4] != '-' || input[7] != '-')
    return bad("expected YYYY-MM-DD");
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(input[i])))
      return bad("expected YYYY-MM-DD");
  auto num = [&](size_t pos, size_t len) {
    return std::atoi(std::string{input.substr(pos, len)}.c_str());
  };
  int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  if (year < 1900 || year > 2199)
    return bad("year outside 1900-2199");
  if (month < 1 || month > 12)
    return bad("no such month");
  static constexpr int days[] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = days[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day < 1 || day > max_day)
    return bad("no such day in that month");
  return {};
}

caf::error check_attribute_value(const customer_attribute& attribute,
                                 const std::string& field) {
  const auto& v = attribute.value;
  auto mismatch = [&] {
    return make_error(ec::attribute_type_mismatch, field,
                      quote_input(v) + " is not a " + to_string(attribute.type));
  };
  switch (attribute.type) {
    case attribute_type::text:
      return {};
    case attribute_type::integer: {
      if (v.empty())
        return mismatch();
      char* end = nullptr;
      errno = 0;
      std::strtoll(v.c_str(), &end, 10);
      if (errno != 0 || *end != '\0')
        return mismatch();
      return {};
    }
    case attribute_type::decimal: {
      if (v.empty() || v.find_first_not_of("+-0123456789.") != std::string::npos)
        return mismatch();
      char* end = nullptr;
      std::strtod(v.c_str(), &end);
      if (*end != '\0')
        return mismatch();
      return {};
    }
    case attribute_type::boolean:
      if (v != "true" && v != "false")
        return mismatch();
      return {};
    case attribute_type::date:
      if (check_date(v, field))
        return mismatch();
      return {};
  }
  return mismatch();
}

// -- whole records -------------------------------------------------------------------

namespace {

/// Normalises one text field in place, or records the first error.
struct field_checker {
  caf::error first_error;

  bool ok() const {
    return !first_error;
  }

  void text(std::string& value, const std::string& field, size_t max_chars,
            bool required = false, text_kind kind = text_kind::single_line) {
    if (!ok())
      return;
    auto r = normalize_text(value, field, max_chars, required, kind);
    if (r)
      value = std::move(*r);
    else
      first_error = std::move(r.error());
  }

  template <class F>
  void apply(std::string& value, F fun) {
    if (!ok() || value.empty())
      return;
    auto r = fun(value);
    if (r)
      value = std::move(*r);
    else
      first_error = std::move(r.error());
  }

  void check(caf::error err) {
    if (ok() && err)
      first_error = std::move(err);
  }
};

std::string indexed(const char* prefix, size_t i, const char* member) {
  return std::string{prefix} + "[" + std::to_string(i) + "]." + member;
}

template <class Contacts>
void normalize_primary(field_checker& fc, Contacts& xs, const char* field) {
  size_t primaries = 0;
  for (auto& x : xs)
    primaries += x.primary ? 1 : 0;
  if (primaries > 1)
    fc.check(make_error(ec::multiple_primary, field,
                        std::to_string(primaries) + " marked primary"));
  else if (primaries == 0 && !xs.empty())
    xs.front().primary = true;
}

void check_consent(field_checker& fc, marketing_consent& c,
                   const std::string& prefix) {
  fc.text(c.recorded_by, prefix + ".consent.recorded_by",
          field_limits::recorded_by);
  fc.text(c.source, prefix + ".consent.source", field_limits::recorded_by);
}

void check_profile(field_checker& fc, customer_profile& p,
                   const std::string& store_country,
                   const attribute_group& attributes) {
  using namespace field_limits;
  fc.text(p.first_name, "first_name", person_name);
  fc.text(p.middle_name, "middle_name", person_name);
  fc.text(p.last_name, "last_name", person_name);
  fc.text(p.name, "name", organization_name);
  for (size_t i = 0; i < p.emails.size(); ++i) {
    auto field = indexed("emails", i, "address");
    fc.apply(p.emails[i].address,
             [&](const std::string& v) { return normalize_email(v, field); });
    if (fc.ok() && p.emails[i].address.empty())
      fc.check(make_error(ec::field_required, field, "must not be empty"));
    check_consent(fc, p.emails[i].consent, "emails[" + std::to_string(i) + "]");
  }
  for (size_t i = 0; i < p.phones.size(); ++i) {
    auto field = indexed("phones", i, "number");
    if (fc.ok()) {
      auto r = normalize_phone(p.phones[i].number, store_country, field);
      if (r)
        p.phones[i].number = std::move(*r);
      else
        fc.check(std::move(r.error()));
    }
    check_consent(fc, p.phones[i].consent, "phones[" + std::to_string(i) + "]");
  }
  for (size_t i = 0; i < p.addresses.size(); ++i) {
    auto& a = p.addresses[i];
    fc.text(a.street, indexed("addresses", i, "street"), street);
    fc.text(a.city, indexed("addresses", i, "city"), city);
    fc.text(a.state, indexed("addresses", i, "state"), state);
    fc.text(a.zip, indexed("addresses", i, "zip"), zip);
    auto country_field = indexed("addresses", i, "country");
    fc.apply(a.country, [&](const std::string& v) {
      return normalize_country(v, country_field);
    });
  }
  normalize_primary(fc, p.emails, "emails");
  normalize_primary(fc, p.phones, "phones");
  normalize_primary(fc, p.addresses, "addresses");
  fc.text(p.customer_group, "customer_group", code);
  fc.apply(p.receipt_email, [](const std::string& v) {
    return normalize_email(v, "receipt_email");
  });
  fc.apply(p.currency, [](const std::string& v) {
    return normalize_currency(v, "currency");
  });
  fc.apply(p.language, [](const std::string& v) {
    return normalize_language(v, "language");
  });
  for (size_t i = 0; i < p.affiliations.size(); ++i)
    fc.text(p.affiliations[i], "affiliations[" + std::to_string(i) + "]",
            short_text, true);
  for (size_t i = 0; i < p.financial_dimensions.size(); ++i) {
    fc.text(p.financial_dimensions[i].name,
            indexed("financial_dimensions", i, "name"), short_text, true);
    fc.text(p.financial_dimensions[i].value,
            indexed("financial_dimensions", i, "value"), short_text);
  }
  for (size_t i = 0; i < p.attributes.size(); ++i) {
    auto& a = p.attributes[i];
    auto field = indexed("attributes", i, "value");
    fc.text(a.name, indexed("attributes", i, "name"), short_text, true);
    fc.text(a.value, field, attribute_value);
    if (!fc.ok())
      break;
    auto def = std::find_if(attributes.definitions.begin(),
                            attributes.definitions.end(),
                            [&](const auto& d) { return d.name == a.name; });
    if (def == attributes.definitions.end()) {
      fc.check(make_error(ec::unknown_attribute,
                          indexed("attributes", i, "name"),
                          quote_input(a.name) + " is not in attribute group '"
                            + attributes.id + "'"));
      break;
    }
    if (def->type != a.type) {
      fc.check(make_error(ec::attribute_type_mismatch,
                          indexed("attributes", i, "type"),
                          std::string{"declared "} + to_string(def->type)
                            + ", given " + to_string(a.type)));
      break;
    }
    fc.check(check_attribute_value(a, field));
  }
  for (const auto& def : attributes.definitions) {
    if (!def.required || !fc.ok())
      continue;
    auto found = std::any_of(p.attributes.begin(), p.attributes.end(),
                             [&](const auto& a) { return a.name == def.name; });
    if (!found)
      fc.check(make_error(ec::attribute_missing, "attributes",
                          "required attribute '" + def.name + "' missing"));
  }
  auto& b = p.business;
  fc.text(b.company_name, "business.company_name", organization_name);
  fc.text(b.tax_id, "business.tax_id", short_text);
  fc.text(b.registration_number, "business.registration_number", short_text);
  fc.text(b.business_type, "business.business_type", short_text);
  fc.text(b.industry, "business.industry", short_text);
  fc.text(b.payment_terms, "business.payment_terms", code);
  if (fc.ok() && !p.date_of_birth.empty())
    fc.check(check_date(p.date_of_birth, "date_of_birth"));
  fc.text(p.segment, "segment", code);
  for (size_t i = 0; i < p.clubs.size(); ++i) {
    fc.text(p.clubs[i].club, indexed("clubs", i, "club"), short_text, true);
    fc.text(p.clubs[i].tier, indexed("clubs", i, "tier"), code);
  }
  fc.text(p.notes, "notes", notes, false, text_kind::multi_line);
  if (fc.ok() && p.first_name.empty() && p.last_name.empty() && p.name.empty()
      && b.company_name.empty() && p.emails.empty() && p.phones.empty())
    fc.check(make_error(ec::no_identifying_field, "name",
                        "a customer needs a name, an email or a phone"));
}

} // namespace

caf::expected<customer_draft> validate_draft(const customer_draft& draft,
                                             const std::string& store_country,
                                             const attribute_group& attributes) {
  auto country = normalize_country(store_country, "store.operating_unit_country");
  if (!country)
    return country.error();
  auto out = draft;
  field_checker fc;
  check_profile(fc, out.profile, *country, attributes);
  if (!fc.ok())
    return std::move(fc.first_error);
  return out;
}

caf::expected<customer> validate_customer(const customer& record,
                                          const std::string& store_country,
                                          const attribute_group& attributes) {
  auto country = normalize_country(store_country, "store.operating_unit_country");
  if (!country)
    return country.error();
  auto out = record;
  field_checker fc;
  fc.text(out.id.account_number, "account_number", field_limits::code);
  if (fc.ok() && !out.id.async_guid.empty()
      && !is_valid_guid(out.id.async_guid))
    fc.check(make_error(ec::invalid_guid, "async_guid",
                        quote_input(out.id.async_guid) + " is not a GUID"));
  check_profile(fc, out.profile, *country, attributes);
  if (fc.ok() && out.loyalty) {
    fc.text(out.loyalty->card_number, "loyalty.card_number",
            field_limits::loyalty_card_number, true);
    if (fc.ok() && out.loyalty->points < 0)
      fc.check(make_error(ec::value_out_of_range, "loyalty.points",
                          "points must not be negative"));
  }
  if (!fc.ok())
    return std::move(fc.first_error);
  return out;
}

} // namespace retailsim
