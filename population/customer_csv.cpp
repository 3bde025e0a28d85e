#include "population/customer_csv.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>

#include <unicode/utf8.h>

#include "model/error.hpp"
#include "model/rules.hpp"
#include "model/validation.hpp"

namespace retailsim {

namespace {

// -- RFC 4180 records ----------------------------------------------------------
//
// Hand-written rather than libcsv (Debian's C CSV library): an import must
// say on which line a bad row starts and at which byte the quoting broke,
// and libcsv's callbacks report neither.

/// The bytes of a CSV file, a chunk at a time, or of text in memory.
class byte_source {
public:
  explicit byte_source(std::istream& in) : in_(&in) {
  }

  explicit byte_source(std::string_view text) : window_(text) {
  }

  /// The next byte, or -1 at the end.
  int get() {
    if (pos_ == window_.size() && !refill())
      return -1;
    return static_cast<unsigned char>(window_[pos_++]);
  }

  /// The byte `get` would return, without taking it.
  int peek() {
    if (pos_ == window_.size() && !refill())
      return -1;
    return static_cast<unsigned char>(window_[pos_]);
  }

  /// The first bytes of the file (at most `n`): only before any `get`.
  std::string_view head(size_t n) {
    if (window_.empty())
      refill();
    return window_.substr(0, n);
  }

  /// Whether reading failed for another reason than the end of the file.
  bool failed() const {
    return in_ != nullptr && in_->bad();
  }

private:
  bool refill() {
    if (in_ == nullptr || !*in_)
      return false;
    buffer_.resize(64 * 1024);
    in_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.resize(static_cast<size_t>(in_->gcount()));
    window_ = buffer_;
    pos_ = 0;
    return !window_.empty();
  }

  std::istream* in_ = nullptr;
  std::string buffer_;
  std::string_view window_;
  size_t pos_ = 0;
};

struct csv_record {
  /// The line of the file where the record starts, from 1.
  size_t line = 0;
  /// The first fields, as many as the reader asked for.
  std::vector<std::string> fields;
  /// All of its fields.
  size_t field_count = 0;
  /// All of its bytes (quotes and separators included, line break not).
  size_t bytes = 0;
  /// The record as it is in the file, when asked for (the header).
  std::string raw;
};

/// Splits a CSV file into records, one at a time. Quoted fields may hold
/// commas, doubled quotes and line breaks; CRLF and LF both end a record;
/// blank lines are skipped. A record keeps at most `max_fields` fields and
/// `max_row_bytes` bytes; the rest is counted and skipped.
class csv_splitter {
public:
  csv_splitter(byte_source& in, const std::string& name)
    : in_(in), name_(name) {
  }

  /// The next record into `rec`: true, or false at the end of the file.
  caf::expected<bool> next(csv_record& rec, size_t max_fields,
                           bool keep_raw = false) {
    for (;;) {
      auto got = read(rec, max_fields, keep_raw);
      if (!got || !*got)
        return got;
      bool blank = rec.field_count == 1 && rec.bytes == 0;
      if (!blank)
        return true;
    }
  }

private:
  caf::error fail(size_t line, size_t line_start, size_t at,
                  const std::string& what) const {
    // Positions are given as line and byte within the line, both from 1.
    return make_error(ec::malformed_file, name_,
                      "line " + std::to_string(line) + ", byte "
                        + std::to_string(at - line_start + 1) + ": " + what);
  }

  caf::expected<bool> read(csv_record& rec, size_t max_fields, bool keep_raw) {
    rec.fields.clear();
    rec.field_count = 0;
    rec.bytes = 0;
    rec.raw.clear();
    rec.line = line_;
    std::string field;
    bool quoted = false;       // inside a quoted field
    bool after_quote = false;  // a quoted field just closed
    size_t quote_line = 0;
    size_t quote_line_start = 0;
    size_t quote_at = 0;
    auto keep = [&](char c) {
      if (rec.bytes <= max_row_bytes && rec.fields.size() < max_fields)
        field += c;
    };
    auto count = [&](char c) {
      ++rec.bytes;
      if (keep_raw && rec.bytes <= max_row_bytes)
        rec.raw += c;
    };
    auto end_field = [&] {
      ++rec.field_count;
      if (rec.fields.size() < max_fields)
        rec.fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
    };
    int next = in_.get();
    if (next < 0)
      return in_.failed() ? caf::expected<bool>{make_error(
               ec::storage_failure, name_, "cannot read the file")}
                          : caf::expected<bool>{false};
    for (; next >= 0; next = in_.get()) {
      auto c = static_cast<char>(next);
      auto at = pos_++;
      if (quoted) {
        count(c);
        if (c == '"') {
          if (in_.peek() == '"') {
            keep('"');
            count(static_cast<char>(in_.get()));
            ++pos_;
          } else {
            quoted = false;
            after_quote = true;
          }
        } else {
          if (c == '\n') {
            ++line_;
            line_start_ = pos_;
          }
          keep(c);
        }
        continue;
      }
      switch (c) {
        case ',':
          count(c);
          end_field();
          break;
        case '\r':
          if (in_.peek() == '\n')
            break;  // the '\n' ends the record
          return fail(line_, line_start_, at,
                      "a carriage return outside quotes");
        case '\n':
          end_field();
          ++line_;
          line_start_ = pos_;
          return true;
        case '"':
          if (after_quote || !field.empty())
            return fail(line_, line_start_, at,
                        "a quote inside an unquoted field (quote the field "
                        "and double the quote)");
          count(c);
          quoted = true;
          quote_line = line_;
          quote_line_start = line_start_;
          quote_at = at;
          break;
        default:
          if (after_quote)
            return fail(line_, line_start_, at, "text after a closing quote");
          count(c);
          keep(c);
      }
    }
    if (in_.failed())
      return make_error(ec::storage_failure, name_, "cannot read the file");
    if (quoted)
      return fail(quote_line, quote_line_start, quote_at,
                  "the quoted field opened here is never closed");
    end_field();
    return true;
  }

  byte_source& in_;
  const std::string& name_;
  size_t line_ = 1;
  size_t pos_ = 0;
  size_t line_start_ = 0;
};

/// A file that starts with a UTF-16 byte-order mark, as spreadsheets on
/// Windows write: said so, before anything is read.
caf::error check_not_utf16(byte_source& in, const std::string& name) {
  auto head = in.head(2);
  for (auto [bom, shown] : {std::pair{"\xFF\xFE", "FF FE"},
                            std::pair{"\xFE\xFF", "FE FF"}})
    if (head == bom)
      return make_error(ec::malformed_file, name,
                        std::string{"not UTF-8: UTF-16 (byte-order mark "}
                          + shown + "); save it as UTF-8");
  return {};
}

/// Whether the header of a file is UTF-8; the error names the first byte
/// that is not (a NUL: UTF-16 without its byte-order mark).
caf::error check_utf8(const csv_record& header, const std::string& name) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(header.raw.data());
  auto length = static_cast<int32_t>(header.raw.size());
  size_t line = header.line;
  int32_t line_start = 0;
  for (int32_t i = 0; i < length;) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    auto where = "line " + std::to_string(line) + ", byte "
                 + std::to_string(start - line_start + 1);
    if (c < 0) {
      return make_error(ec::malformed_file, name,
                        "not UTF-8: " + where + " (" + hex_byte(bytes[start])
                          + "); save it as UTF-8");
    }
    if (c == 0)
      return make_error(ec::malformed_file, name,
                        "not UTF-8: a NUL byte at " + where
                          + " (UTF-16 or UTF-32?); save it as UTF-8");
    if (c == '\n') {
      ++line;
      line_start = i;
    }
  }
  return {};
}

// -- columns --------------------------------------------------------------------

/// Each column and the path validation errors use for what it fills.
struct column_def {
  const char* name;
  const char* field;
};

constexpr column_def columns[] = {
  {"type", "type"},
  {"first_name", "first_name"},
  {"middle_name", "middle_name"},
  {"last_name", "last_name"},
  {"name", "name"},
  {"company_name", "business.company_name"},
  {"email", "emails[0]"},
  {"phone", "phones[0]"},
  {"street", "addresses[0].street"},
  {"city", "addresses[0].city"},
  {"state", "addresses[0].state"},
  {"zip", "addresses[0].zip"},
  {"country", "addresses[0].country"},
  {"customer_group", "customer_group"},
  {"segment", "segment"},
  {"date_of_birth", "date_of_birth"},
  {"language", "language"},
  {"currency", "currency"},
  {"notes", "notes"},
  {"loyalty_card", "loyalty.card_number"},
  {"loyalty_points", "loyalty.points"},
  {"address_book", "address_book"},
};

/// The CSV column an error about `field` is about ("" for the whole row).
std::string column_of(const caf::error& err) {
  if (error_code(err) == ec::no_identifying_field)
    return "";
  auto field = error_field(err);
  for (const auto& col : columns) {
    std::string_view path = col.field;
    if (field.compare(0, path.size(), path) == 0)
      return col.name;
  }
  return field;
}

/// The cells of one row by column name ("" where the file has no column).
class row_view {
public:
  row_view(const std::vector<int>& index, const csv_record& rec)
    : index_(index), rec_(rec) {
  }

  const std::string& operator[](size_t column) const {
    static const std::string none;
    auto i = index_[column];
    return i < 0 ? none : rec_.fields[static_cast<size_t>(i)];
  }

private:
  const std::vector<int>& index_;
  const csv_record& rec_;
};

enum col : size_t {
  c_type, c_first, c_middle, c_last, c_name, c_company, c_email, c_phone,
  c_street, c_city, c_state, c_zip, c_country, c_group, c_segment, c_dob,
  c_language, c_currency, c_notes, c_card, c_points, c_book,
};

/// One row as a customer, validated as a Sync creation at a store would be.
caf::expected<imported_customer> to_customer(const row_view& row,
                                             const import_defaults& d) {
  customer_draft draft;
  if (!row[c_type].empty()) {
    customer_type type;
    if (!from_string(row[c_type], type))
      return make_error(ec::value_out_of_range, "type",
                        quote_input(row[c_type])
                          + " is neither person nor organization");
    draft.type = type;
  }
  auto& p = draft.profile;
  p.first_name = row[c_first];
  p.middle_name = row[c_middle];
  p.last_name = row[c_last];
  p.name = row[c_name];
  p.business.company_name = row[c_company];
  if (!row[c_email].empty())
    p.emails.push_back({row[c_email], true, {}});
  if (!row[c_phone].empty())
    p.phones.push_back({row[c_phone], true, {}});
  if (!(row[c_street] + row[c_city] + row[c_state] + row[c_zip]
        + row[c_country])
         .empty()) {
    postal_address a;
    a.street = row[c_street];
    a.city = row[c_city];
    a.state = row[c_state];
    a.zip = row[c_zip];
    a.country = row[c_country];
    a.primary = true;
    p.addresses.push_back(std::move(a));
  }
  p.customer_group = row[c_group];
  p.segment = row[c_segment];
  p.date_of_birth = row[c_dob];
  p.language = row[c_language];
  p.currency = row[c_currency];
  p.notes = row[c_notes];
  // Phones are read in the customer's own country when the row gives one.
  auto region = d.store.operating_unit_country;
  if (!row[c_country].empty()) {
    auto country = normalize_country(row[c_country], "addresses[0].country");
    if (!country)
      return country.error();
    region = *country;
  }
  auto valid = validate_draft(draft, region, d.store.attributes);
  if (!valid)
    return valid.error();
  auto built = make_new_customer(*valid, d.store, d.groups, d.flags,
                                 creation_mode::sync);
  if (!built)
    return built.error();
  imported_customer out;
  out.record = std::move(built->record);
  if (!row[c_card].empty()) {
    auto card = normalize_text(row[c_card], "loyalty.card_number",
                               field_limits::loyalty_card_number, true);
    if (!card)
      return card.error();
    if (!is_code_text(*card))
      return make_error(ec::value_out_of_range, "loyalty.card_number",
                        "letters, digits, '-' and '_' only");
    out.record.loyalty = loyalty_card{*card, 0};
  }
  if (!row[c_points].empty()) {
    const auto& text = row[c_points];
    int64_t points = 0;
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(),
                                      points);
    if (err != std::errc{} || end != text.data() + text.size() || points < 0)
      return make_error(ec::value_out_of_range, "loyalty.points",
                        quote_input(text) + " is not a whole number of points "
                                       "(0 or more)");
    if (!out.record.loyalty)
      return make_error(ec::value_out_of_range, "loyalty.points",
                        "points need a loyalty_card");
    out.record.loyalty->points = points;
  }
  out.address_book = d.address_book;
  if (!row[c_book].empty()) {
    if (auto err = check_address_book(row[c_book], "address_book"))
      return err;
    out.address_book = row[c_book];
  }
  return out;
}

} // namespace

const std::vector<std::string>& customer_csv_columns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& col : columns)
      out.emplace_back(col.name);
    return out;
  }();
  return names;
}

caf::error check_address_book(std::string_view id, const std::string& field) {
  if (id.size() > field_limits::code || !is_code_text(id))
    return make_error(ec::value_out_of_range, field,
                      quote_input(id) + ": an address book id is 1-20 letters, "
                                   "digits, '-' or '_'");
  return {};
}

std::string to_string(const row_error& x) {
  std::string out = "row " + std::to_string(x.row) + " (line "
                    + std::to_string(x.line) + ")";
  if (!x.column.empty())
    out += ", column " + x.column;
  return out + ": " + x.reason;
}

namespace {

/// The header's columns: for each known column, its index in a row (-1
/// where the file has none).
caf::expected<std::vector<int>> read_header(const csv_record& header,
                                            const std::string& name) {
  std::vector<int> index(std::size(columns), -1);
  auto where = "line " + std::to_string(header.line);
  if (header.field_count > std::size(columns))
    return make_error(ec::malformed_file, name,
                      where + ": " + std::to_string(header.field_count)
                        + " columns, there are only "
                        + std::to_string(std::size(columns)));
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const auto& title = header.fields[i];
    auto known = std::find_if(std::begin(columns), std::end(columns),
                              [&](const auto& c) { return title == c.name; });
    if (known == std::end(columns)) {
      std::string list;
      for (const auto& c : columns)
        list += (list.empty() ? "" : ", ") + std::string{c.name};
      return make_error(ec::malformed_file, name,
                        where + ", column " + std::to_string(i + 1)
                          + ": unknown column " + quote_input(title) + " (known: "
                          + list + ")");
    }
    auto& slot = index[static_cast<size_t>(known - std::begin(columns))];
    if (slot >= 0)
      return make_error(ec::malformed_file, name,
                        where + ": column " + quote_input(title) + " appears twice");
    slot = static_cast<int>(i);
  }
  return index;
}

caf::expected<csv_scan> scan(byte_source& in, const std::string& name,
                             const import_defaults& defaults,
                             const customer_sink& each) {
  if (auto err = check_not_utf16(in, name))
    return err;
  // A UTF-8 byte-order mark, as spreadsheets write, is not part of the header.
  if (in.head(3) == "\xEF\xBB\xBF")
    for (int i = 0; i < 3; ++i)
      in.get();
  csv_splitter records{in, name};
  csv_record rec;
  auto got = records.next(rec, std::size(columns) + 1, true);
  if (!got)
    return got.error();
  if (auto err = check_utf8(rec, name))
    return err;
  if (!*got)
    return make_error(ec::malformed_file, name,
                      "empty file: the first row must name the columns ("
                        + std::string{columns[1].name} + ", "
                        + columns[3].name + ", " + columns[6].name + ", ...)");
  if (rec.bytes > max_row_bytes)
    return make_error(ec::malformed_file, name,
                      "line 1: a header of " + std::to_string(rec.bytes)
                        + " bytes, more than a row may hold ("
                        + std::to_string(max_row_bytes)
                        + "); is this a CSV file?");
  auto index = read_header(rec, name);
  if (!index)
    return index.error();
  auto width = rec.field_count;
  csv_scan out;
  auto bad_row = [&](row_error err) {
    ++out.bad;
    if (out.errors.size() < max_listed_errors)
      out.errors.push_back(std::move(err));
  };
  // A loyalty card belongs to one customer: the row that has it first.
  std::map<std::string, size_t> cards;
  for (size_t row_number = 2;; ++row_number) {
    got = records.next(rec, width);
    if (!got)
      return got.error();
    if (!*got)
      break;
    ++out.rows;
    if (rec.bytes > max_row_bytes) {
      bad_row({row_number, rec.line, "",
               std::to_string(rec.bytes) + " bytes, more than a row may hold ("
                 + std::to_string(max_row_bytes) + ")"});
      continue;
    }
    if (rec.field_count != width) {
      bad_row({row_number, rec.line, "",
               std::to_string(rec.field_count) + " fields, the header has "
                 + std::to_string(width)});
      continue;
    }
    auto customer = to_customer(row_view{*index, rec}, defaults);
    if (!customer) {
      bad_row({row_number, rec.line, column_of(customer.error()),
               describe(customer.error())});
      continue;
    }
    customer->row = row_number;
    if (const auto& card = customer->record.loyalty; card) {
      auto [first, added] = cards.emplace(card->card_number, row_number);
      if (!added) {
        bad_row({row_number, rec.line, "loyalty_card",
                 "uniqueness_violation: loyalty.card_number: "
                   + quote_input(card->card_number) + " is on row "
                   + std::to_string(first->second) + " already"});
        continue;
      }
    }
    ++out.good;
    if (each)
      if (auto err = each(std::move(*customer)))
        return err;
  }
  return out;
}

/// Keeps every good row of a scan.
template <class Scan>
caf::expected<customer_csv> keep_all(Scan scan_with) {
  customer_csv out;
  auto found = scan_with([&](imported_customer&& c) -> caf::error {
    out.customers.push_back(std::move(c));
    return {};
  });
  if (!found)
    return found.error();
  static_cast<csv_scan&>(out) = std::move(*found);
  return out;
}

} // namespace

caf::expected<csv_scan> scan_customer_csv_text(std::string_view text,
                                               const std::string& name,
                                               const import_defaults& defaults,
                                               const customer_sink& each) {
  byte_source in{text};
  return scan(in, name, defaults, each);
}

caf::expected<csv_scan> scan_customer_csv(const std::string& path,
                                          const import_defaults& defaults,
                                          const customer_sink& each) {
  std::error_code err;
  if (std::filesystem::is_directory(path, err))
    return make_error(ec::malformed_file, path,
                      "is a folder, not a file: give the CSV file in it");
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return make_error(ec::storage_failure, path, "cannot open the file");
  byte_source source{in};
  return scan(source, path, defaults, each);
}

caf::expected<customer_csv> parse_customer_csv(std::string_view text,
                                               const std::string& name,
                                               const import_defaults& defaults) {
  return keep_all([&](const customer_sink& each) {
    return scan_customer_csv_text(text, name, defaults, each);
  });
}

caf::expected<customer_csv> read_customer_csv(const std::string& path,
                                              const import_defaults& defaults) {
  return keep_all([&](const customer_sink& each) {
    return scan_customer_csv(path, defaults, each);
  });
}

} // namespace retailsim
