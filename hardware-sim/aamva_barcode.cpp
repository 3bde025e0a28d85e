#include "hardware-sim/aamva_barcode.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <vector>

#include "hardware-sim/codec_text.hpp"

namespace retailsim::hw {

namespace {

const std::string where = "barcode";

struct element {
  size_t at = 0;
  std::string_view value;
};

/// `order` ("CCYYMMDD" or "MMDDCCYY") for dates of `version` in `country`.
std::string_view date_order(int version, std::string_view country) {
  return version == 1 || country == "CA" ? "CCYYMMDD" : "MMDDCCYY";
}

/// A date in the order the version says, or in the other one (some
/// jurisdictions write CCYYMMDD whatever the version).
std::string read_date(std::string_view digits, int version,
                      std::string_view country) {
  auto order = date_order(version, country);
  auto out = iso_date(digits, order);
  if (out.empty())
    out = iso_date(digits, order == "CCYYMMDD" ? "MMDDCCYY" : "CCYYMMDD");
  return out;
}

/// FIRST and the rest of "FIRST,MIDDLE" or "FIRST MIDDLE".
void split_given(std::string_view given, licence& out) {
  given = trim_padding(given);
  auto cut = given.find_first_of(", ");
  out.first_name = title_case(trim_padding(given.substr(0, cut)));
  if (cut != std::string_view::npos)
    out.middle_name = title_case(trim_padding(given.substr(cut + 1)));
}

// The payload from its '@'; `lead` is how many bytes came before it, so
// that errors count bytes in the input as given.
caf::expected<licence> decode_payload(std::string_view raw, size_t lead) {
  if (raw.empty() || raw[0] != '@')
    return device_data_error(where, lead,
                             "expected the compliance indicator '@'");
  auto file_type_at = [&](size_t at) {
    if (raw.size() < at + 5)
      return false;
    auto type = raw.substr(at, 5);
    return type == "ANSI " || type == "AAMVA";
  };
  size_t pos;
  char segment_terminator;
  if (file_type_at(4)) {
    segment_terminator = raw[3];
    pos = 4;
  } else if (file_type_at(3)) {
    // No record separator: "@" LF CR "ANSI ".
    segment_terminator = raw[2];
    pos = 3;
  } else {
    return device_data_error(where, lead + std::min<size_t>(4, raw.size()),
                             "expected the file type 'ANSI '");
  }
  char element_separator = raw[1];
  auto is_control = [](char c) {
    return static_cast<unsigned char>(c) < 0x20;
  };
  if (!is_control(element_separator) || !is_control(segment_terminator)
      || element_separator == segment_terminator)
    return device_data_error(where, lead + 1,
                             "the declared separators are not two different "
                             "control characters");
  pos += 5;
  auto digits = [&](size_t n, const char* what) -> caf::expected<int> {
    if (pos + n > raw.size() || !all_digits(raw.substr(pos, n)))
      return device_data_error(where, lead + pos,
                               std::string{what} + " is not "
                                 + std::to_string(n) + " digits");
    int value = 0;
    for (size_t i = 0; i < n; ++i)
      value = value * 10 + (raw[pos + i] - '0');
    pos += n;
    return value;
  };
  licence out;
  if (pos + 6 > raw.size() || !all_digits(raw.substr(pos, 6)))
    return device_data_error(where, lead + pos,
                             "the issuer number (IIN) is not 6 digits");
  out.iin = std::string{raw.substr(pos, 6)};
  pos += 6;
  auto version_at = pos;
  auto version = digits(2, "the AAMVA version");
  if (!version)
    return version.error();
  if (*version == 0)
    return device_data_error(where, lead + version_at,
                             "AAMVA version 00 (before DL/ID-2000) is not "
                             "read");
  out.aamva_version = *version;
  // A version newer than this reader knows keeps the elements of 10.
  int as_version = std::min(*version, 10);
  if (*version >= 2) {
    auto jv = digits(2, "the jurisdiction version");
    if (!jv)
      return jv.error();
    out.jurisdiction_version = *jv;
  }
  auto entries_at = pos;
  auto entries = digits(2, "the number of entries");
  if (!entries)
    return entries.error();
  if (*entries == 0)
    return device_data_error(where, lead + entries_at, "no subfile");
  auto header_end = pos + 10 * static_cast<size_t>(*entries);
  if (header_end > raw.size())
    return device_data_error(where, lead + pos,
                             std::to_string(*entries)
                               + " subfile designators are cut short");
  // The DL (or ID) subfile: at its declared offset, or, as some
  // jurisdictions write it off by a few bytes, the first one after the
  // header.
  size_t start = std::string_view::npos;
  std::string_view type;
  for (int i = 0; i < *entries && start == std::string_view::npos; ++i) {
    auto d = raw.substr(pos + 10 * static_cast<size_t>(i), 10);
    auto t = d.substr(0, 2);
    if (t != "DL" && t != "ID")
      continue;
    type = t;
    if (!all_digits(d.substr(2, 8)))
      return device_data_error(where,
                               lead + pos + 10 * static_cast<size_t>(i) + 2,
                               "the subfile offset and length are not 8 "
                               "digits");
    size_t offset = std::stoul(std::string{d.substr(2, 4)});
    if (offset >= header_end && offset + 2 <= raw.size()
        && raw.substr(offset, 2) == t)
      start = offset;
    else
      start = raw.find(t, header_end);
    if (start == std::string_view::npos)
      return device_data_error(where,
                               lead + pos + 10 * static_cast<size_t>(i) + 2,
                               "the " + std::string{t}
                                 + " subfile is neither at its offset nor "
                                   "after the header");
  }
  if (type.empty())
    return device_data_error(where, lead + pos,
                             "no DL or ID subfile designator");
  // Elements: a 3-character ID and its value, up to the separator; the
  // subfile ends at the segment terminator (or, LF-terminated, at the end).
  auto end = raw.find(segment_terminator, start);
  if (end == std::string_view::npos)
    end = raw.size();
  std::map<std::string_view, element> elements;
  for (size_t p = start + 2; p < end;) {
    auto stop = raw.find(element_separator, p);
    if (stop == std::string_view::npos || stop > end)
      stop = end;
    auto piece = raw.substr(p, stop - p);
    if (!trim_padding(piece).empty()) {
      if (piece.size() < 3)
        return device_data_error(where, lead + p,
                                 "a data element shorter than its "
                                 "3-character ID");
      auto id = piece.substr(0, 3);
      for (char c : id)
        if (!std::isupper(static_cast<unsigned char>(c))
            && !std::isdigit(static_cast<unsigned char>(c)))
          return device_data_error(where, lead + p,
                                   "a data element ID is not 3 capitals or "
                                   "digits");
      elements.emplace(id, element{p, trim_padding(piece.substr(3))});
    }
    p = stop + 1;
  }
  auto get = [&](std::string_view id) -> std::string_view {
    auto i = elements.find(id);
    return i == elements.end() ? std::string_view{} : i->second.value;
  };
  // Country: DCG, else the issuer's.
  std::string state;
  if (!jurisdiction_of(out.iin, state, out.country))
    out.country = "US";
  if (auto dcg = get("DCG"); dcg == "USA" || dcg == "CAN")
    out.country = dcg == "USA" ? "US" : "CA";
  // Names.
  if (auto family = get("DCS"); !family.empty()) {
    out.family_name = title_case(family);
  } else if (auto last = get("DAB"); !last.empty()) {
    out.family_name = title_case(last);
  } else if (auto full = get("DAA"); !full.empty()) {
    // DL/ID-2000: "FAMILY,FIRST,MIDDLE" (or with spaces).
    auto cut = full.find(',');
    if (cut == std::string_view::npos)
      cut = full.find(' ');
    out.family_name = title_case(trim_padding(full.substr(0, cut)));
    if (cut != std::string_view::npos)
      split_given(full.substr(cut + 1), out);
  }
  if (auto first = get("DAC"); !first.empty()) {
    out.first_name = title_case(first);
    out.middle_name = title_case(get("DAD"));
  } else if (auto given = get("DCT"); !given.empty()) {
    split_given(given, out);
  }
  if (out.family_name.empty())
    return device_data_error(where, lead + start,
                             "the " + std::string{type}
                               + " subfile has no family name (DCS, DAB or "
                                 "DAA)");
  // Date of birth: mandatory in every version.
  auto dbb = elements.find("DBB");
  if (dbb == elements.end())
    return device_data_error(where, lead + start,
                             "the " + std::string{type}
                               + " subfile has no date of birth (DBB)");
  out.date_of_birth = read_date(dbb->second.value, as_version, out.country);
  if (out.date_of_birth.empty())
    return device_data_error(where, lead + dbb->second.at,
                             "the date of birth (DBB) is not a date");
  out.expiry = read_date(get("DBA"), as_version, out.country);
  // Address.
  out.street = title_case(get("DAG"));
  if (auto second = get("DAH"); !second.empty())
    out.street += ", " + title_case(second);
  out.city = title_case(get("DAI"));
  out.state = std::string{get("DAJ")};
  if (out.state.empty())
    out.state = state;
  out.postal_code = postal_code(get("DAK"), out.country);
  return out;
}

} // namespace

caf::expected<licence> decode_licence_barcode(std::string_view raw) {
  // A scanner may send a line break before the payload.
  size_t lead = 0;
  while (lead < raw.size() && (raw[lead] == '\r' || raw[lead] == '\n'))
    ++lead;
  return decode_payload(raw.substr(lead), lead);
}

std::string encode_licence_barcode(const licence& x, std::string_view id_number,
                                   int version, const barcode_quirks& quirks) {
  auto upper = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7F)
        out += static_cast<char>(std::toupper(u));
    }
    return out;
  };
  auto date = [&](const std::string& iso) {
    if (iso.size() != 10)
      return std::string{};
    auto yyyy = iso.substr(0, 4), mm = iso.substr(5, 2), dd = iso.substr(8, 2);
    return date_order(version, x.country) == "CCYYMMDD" ? yyyy + mm + dd
                                                        : mm + dd + yyyy;
  };
  auto expiry = x.expiry.empty()
                  ? std::to_string(std::stoi(x.date_of_birth.substr(0, 4)) + 70)
                      + x.date_of_birth.substr(4)
                  : x.expiry;
  auto zip = x.postal_code;
  zip.erase(std::remove_if(zip.begin(), zip.end(),
                           [](char c) { return c == '-' || c == ' '; }),
            zip.end());
  if (x.country == "US" && zip.size() == 5)
    zip += "0000";
  std::vector<std::string> e;
  e.push_back("DAQ" + std::string{id_number});
  auto family = upper(x.family_name), first = upper(x.first_name),
       middle = upper(x.middle_name);
  if (version == 1) {
    e.push_back("DAA" + family + "," + first + "," + middle);
  } else if (version <= 3) {
    e.push_back("DCS" + family);
    e.push_back("DCT" + first + (version == 2 ? "," : " ") + middle);
  } else {
    e.push_back("DCS" + family);
    e.push_back("DDEN");
    e.push_back("DAC" + first);
    e.push_back("DDFN");
    e.push_back("DAD" + middle);
    e.push_back("DDGN");
  }
  e.push_back("DBA" + date(expiry));
  e.push_back("DBB" + date(x.date_of_birth));
  e.push_back(version == 1 ? "DBCM" : "DBC1");
  e.push_back("DBD" + date(x.date_of_birth.substr(0, 4) == "2000"
                             ? std::string{"2018-06-01"}
                             : std::string{"2019-06-01"}));
  e.push_back("DAG" + upper(x.street));
  e.push_back("DAI" + upper(x.city));
  e.push_back("DAJ" + upper(x.state));
  e.push_back("DAK" + upper(zip) + (x.country == "US" ? "  " : ""));
  if (version >= 2)
    e.push_back(std::string{"DCG"} + (x.country == "CA" ? "CAN" : "USA"));
  if (version >= 4) {
    e.push_back("DAU069 IN");
    e.push_back("DAYBRO");
    e.push_back("DCFD" + std::string{id_number} + "X");
    e.push_back("DCAC");
    e.push_back("DCBNONE");
    e.push_back("DCDNONE");
  }
  if (version >= 8)
    e.push_back("DDAF");
  if (version >= 9)
    e.push_back("DDB" + date("2016-10-01"));
  if (version >= 10)
    e.push_back("DDK1");
  std::string dl = "DL";
  for (size_t i = 0; i < e.size(); ++i)
    dl += (i == 0 ? "" : "\n") + e[i];
  dl += quirks.lf_terminated ? "\n" : "\r";
  auto z = std::string{"Z"} + (x.state.empty() ? 'X' : x.state[0]);
  auto zsub = z + z + "A01\r";
  char numbers[32];
  std::string header = "@\n";
  if (!quirks.no_record_separator)
    header += "\x1e";
  header += "\r";
  header += quirks.aamva_file_type ? "AAMVA" : "ANSI ";
  snprintf(numbers, sizeof(numbers), "%02d", version);
  header += x.iin + numbers + (version >= 2 ? "00" : "") + "02";
  auto dl_offset = header.size() + 20;
  snprintf(numbers, sizeof(numbers), "DL%04d%04zu",
           static_cast<int>(dl_offset) + quirks.offset_error, dl.size());
  header += numbers;
  snprintf(numbers, sizeof(numbers), "%04zu%04zu", dl_offset + dl.size(),
           zsub.size());
  header += z + numbers;
  std::string padding;
  for (size_t i = 0; i < quirks.trailing_padding; ++i)
    padding += i % 2 == 0 ? ' ' : '\0';
  return header + dl + zsub + padding;
}

} // namespace retailsim::hw
