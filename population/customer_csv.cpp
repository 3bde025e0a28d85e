#include "population/customer_csv.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>

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

struct csv_record {
  size_t line = 0;
  std::vector<std::string> fields;
};

/// Splits `text` into records. Quoted fields may hold commas, doubled quotes
/// and line breaks; CRLF and LF both end a record; blank lines are skipped.
caf::expected<std::vector<csv_record>> split_records(std::string_view text,
                                                     const std::string& name) {
  // Positions are given as line and byte within the line, both from 1.
  auto fail = [&](size_t line, size_t byte, const std::string& what) {
    return make_error(ec::malformed_file, name,
                      "line " + std::to_string(line) + ", byte "
                        + std::to_string(byte + 1) + ": " + what);
  };
  size_t line_start = 0;
  std::vector<csv_record> out;
  csv_record current;
  std::string field;
  bool quoted = false;       // inside a quoted field
  bool after_quote = false;  // a quoted field just closed
  bool field_started = false;
  size_t line = 1;
  size_t quote_line = 0;
  size_t quote_byte = 0;  // within its line
  auto end_field = [&] {
    current.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
    field_started = false;
  };
  auto end_record = [&] {
    bool blank = current.fields.size() == 1 && current.fields[0].empty();
    if (!blank)
      out.push_back(std::move(current));
    current = csv_record{};
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (current.fields.empty() && !field_started && field.empty())
      current.line = line;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') {
          ++line;
          line_start = i + 1;
        }
        field += c;
      }
      continue;
    }
    switch (c) {
      case ',':
        end_field();
        field_started = true;  // the next field exists, even if empty
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n')
          break;  // the '\n' ends the record
        return fail(line, i - line_start, "a carriage return outside quotes");
      case '\n':
        end_field();
        end_record();
        ++line;
        line_start = i + 1;
        break;
      case '"':
        if (after_quote || !field.empty())
          return fail(line, i - line_start,
                      "a quote inside an unquoted field (quote the field and "
                      "double the quote)");
        quoted = true;
        field_started = true;
        quote_line = line;
        quote_byte = i - line_start;
        break;
      default:
        if (after_quote)
          return fail(line, i - line_start, "text after a closing quote");
        field += c;
        field_started = true;
    }
  }
  if (quoted)
    return fail(quote_line, quote_byte,
                "the quoted field opened here is never closed");
  if (field_started || !field.empty() || !current.fields.empty()) {
    end_field();
    end_record();
  }
  return out;
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
                        "'" + row[c_type]
                          + "' is neither person nor organization");
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
                        "'" + text + "' is not a whole number of points "
                                     "(0 or more)");
    if (!out.record.loyalty)
      return make_error(ec::value_out_of_range, "loyalty.points",
                        "points need a loyalty_card");
    out.record.loyalty->points = points;
  }
  out.address_book = d.address_book;
  if (!row[c_book].empty()) {
    const auto& book = row[c_book];
    if (book.size() > field_limits::code || !is_code_text(book))
      return make_error(ec::value_out_of_range, "address_book",
                        "an address book id is 1-20 letters, digits, '-' or "
                        "'_'");
    out.address_book = book;
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

std::string to_string(const row_error& x) {
  std::string out = "row " + std::to_string(x.row) + " (line "
                    + std::to_string(x.line) + ")";
  if (!x.column.empty())
    out += ", column " + x.column;
  return out + ": " + x.reason;
}

caf::expected<customer_csv> parse_customer_csv(std::string_view text,
                                               const std::string& name,
                                               const import_defaults& defaults) {
  // A UTF-8 byte-order mark, as spreadsheets write, is not part of the header.
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  auto records = split_records(text, name);
  if (!records)
    return records.error();
  if (records->empty())
    return make_error(ec::malformed_file, name,
                      "empty file: the first row must name the columns ("
                        + std::string{columns[1].name} + ", "
                        + columns[3].name + ", " + columns[6].name + ", ...)");
  const auto& header = records->front();
  std::vector<int> index(std::size(columns), -1);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const auto& title = header.fields[i];
    auto known = std::find_if(std::begin(columns), std::end(columns),
                              [&](const auto& c) { return title == c.name; });
    if (known == std::end(columns)) {
      std::string list;
      for (const auto& c : columns)
        list += (list.empty() ? "" : ", ") + std::string{c.name};
      return make_error(ec::malformed_file, name,
                        "line " + std::to_string(header.line) + ", column "
                          + std::to_string(i + 1) + ": unknown column '"
                          + title + "' (known: " + list + ")");
    }
    auto& slot = index[static_cast<size_t>(known - std::begin(columns))];
    if (slot >= 0)
      return make_error(ec::malformed_file, name,
                        "line " + std::to_string(header.line) + ": column '"
                          + title + "' appears twice");
    slot = static_cast<int>(i);
  }
  customer_csv out;
  // A loyalty card belongs to one customer: the row that has it first.
  std::map<std::string, size_t> cards;
  for (size_t r = 1; r < records->size(); ++r) {
    const auto& rec = (*records)[r];
    auto row_number = r + 1;
    ++out.rows;
    if (rec.fields.size() != header.fields.size()) {
      out.errors.push_back(
        {row_number, rec.line, "",
         std::to_string(rec.fields.size()) + " fields, the header has "
           + std::to_string(header.fields.size())});
      continue;
    }
    auto customer = to_customer(row_view{index, rec}, defaults);
    if (!customer) {
      out.errors.push_back({row_number, rec.line, column_of(customer.error()),
                            describe(customer.error())});
      continue;
    }
    customer->row = row_number;
    if (const auto& card = customer->record.loyalty; card) {
      auto [first, added] = cards.emplace(card->card_number, row_number);
      if (!added) {
        out.errors.push_back({row_number, rec.line, "loyalty_card",
                              "uniqueness_violation: loyalty.card_number: '"
                                + card->card_number + "' is on row "
                                + std::to_string(first->second) + " already"});
        continue;
      }
    }
    out.customers.push_back(std::move(*customer));
  }
  return out;
}

caf::expected<customer_csv> read_customer_csv(const std::string& path,
                                              const import_defaults& defaults) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return make_error(ec::storage_failure, path, "cannot open the file");
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(in.tellg());
  if (size > (size_t{1} << 30))
    return make_error(ec::value_out_of_range, path,
                      "larger than 1 GiB; split the file");
  in.seekg(0);
  std::string text(size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size)))
    return make_error(ec::storage_failure, path, "cannot read the file");
  return parse_customer_csv(text, path, defaults);
}

} // namespace retailsim
