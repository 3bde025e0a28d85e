#include "storage/record_codec.hpp"

#include <nlohmann/json.hpp>

#include "model/error.hpp"

namespace retailsim {

// nlohmann's ADL hooks for the model types, kept out of the model's headers.
using nlohmann::json;

namespace {

int64_t ns(caf::timestamp t) {
  return t.time_since_epoch().count();
}

caf::timestamp ts(int64_t ns) {
  return caf::timestamp{caf::timestamp::duration{ns}};
}

/// Reads `key` into `out` when present; a missing key keeps the default, so
/// records written without empty fields (and by older versions) read back.
template <class T>
void read(const json& j, const char* key, T& out) {
  if (auto i = j.find(key); i != j.end())
    i->get_to(out);
}

caf::timestamp read_time(const json& j, const char* key) {
  int64_t value = 0;
  read(j, key, value);
  return ts(value);
}

template <class Enum>
Enum enum_from(const json& j, const char* key) {
  Enum out{};
  auto i = j.find(key);
  if (i == j.end())
    return out;
  auto text = i->get<std::string>();
  if (!from_string(text, out))
    throw std::invalid_argument(std::string{"unknown "} + key + " '" + text
                                + "'");
  return out;
}

} // namespace

void to_json(json& j, const marketing_consent& x) {
  j = json{{"opted_in", x.opted_in},
           {"recorded_by", x.recorded_by},
           {"recorded_at", ns(x.recorded_at)},
           {"source", x.source}};
}

void from_json(const json& j, marketing_consent& x) {
  read(j, "opted_in", x.opted_in);
  read(j, "recorded_by", x.recorded_by);
  x.recorded_at = read_time(j, "recorded_at");
  read(j, "source", x.source);
}

void to_json(json& j, const email_contact& x) {
  j = json{
    {"address", x.address}, {"primary", x.primary}, {"consent", x.consent}};
}

void from_json(const json& j, email_contact& x) {
  read(j, "address", x.address);
  read(j, "primary", x.primary);
  read(j, "consent", x.consent);
}

void to_json(json& j, const phone_contact& x) {
  j = json{
    {"number", x.number}, {"primary", x.primary}, {"consent", x.consent}};
}

void from_json(const json& j, phone_contact& x) {
  read(j, "number", x.number);
  read(j, "primary", x.primary);
  read(j, "consent", x.consent);
}

void to_json(json& j, const postal_address& x) {
  j = json{{"purpose", to_string(x.purpose)},
           {"street", x.street},
           {"city", x.city},
           {"state", x.state},
           {"zip", x.zip},
           {"country", x.country},
           {"primary", x.primary}};
}

void from_json(const json& j, postal_address& x) {
  x.purpose = enum_from<address_purpose>(j, "purpose");
  read(j, "street", x.street);
  read(j, "city", x.city);
  read(j, "state", x.state);
  read(j, "zip", x.zip);
  read(j, "country", x.country);
  read(j, "primary", x.primary);
}

void to_json(json& j, const financial_dimension& x) {
  j = json{{"name", x.name}, {"value", x.value}};
}

void from_json(const json& j, financial_dimension& x) {
  read(j, "name", x.name);
  read(j, "value", x.value);
}

void to_json(json& j, const customer_attribute& x) {
  j = json{{"name", x.name}, {"type", to_string(x.type)}, {"value", x.value}};
}

void from_json(const json& j, customer_attribute& x) {
  read(j, "name", x.name);
  x.type = enum_from<attribute_type>(j, "type");
  read(j, "value", x.value);
}

void to_json(json& j, const business_profile& x) {
  j = json{{"company_name", x.company_name},
           {"tax_id", x.tax_id},
           {"registration_number", x.registration_number},
           {"business_type", x.business_type},
           {"industry", x.industry},
           {"payment_terms", x.payment_terms}};
}

void from_json(const json& j, business_profile& x) {
  read(j, "company_name", x.company_name);
  read(j, "tax_id", x.tax_id);
  read(j, "registration_number", x.registration_number);
  read(j, "business_type", x.business_type);
  read(j, "industry", x.industry);
  read(j, "payment_terms", x.payment_terms);
}

void to_json(json& j, const club_membership& x) {
  j = json{{"club", x.club}, {"tier", x.tier}, {"since", ns(x.since)}};
}

void from_json(const json& j, club_membership& x) {
  read(j, "club", x.club);
  read(j, "tier", x.tier);
  x.since = read_time(j, "since");
}

void to_json(json& j, const customer_profile& x) {
  j = json{{"first_name", x.first_name},
           {"middle_name", x.middle_name},
           {"last_name", x.last_name},
           {"name", x.name},
           {"emails", x.emails},
           {"phones", x.phones},
           {"addresses", x.addresses},
           {"customer_group", x.customer_group},
           {"receipt", to_string(x.receipt)},
           {"receipt_email", x.receipt_email},
           {"currency", x.currency},
           {"language", x.language},
           {"affiliations", x.affiliations},
           {"financial_dimensions", x.financial_dimensions},
           {"attributes", x.attributes},
           {"business", x.business},
           {"date_of_birth", x.date_of_birth},
           {"segment", x.segment},
           {"clubs", x.clubs},
           {"notes", x.notes}};
}

void from_json(const json& j, customer_profile& x) {
  read(j, "first_name", x.first_name);
  read(j, "middle_name", x.middle_name);
  read(j, "last_name", x.last_name);
  read(j, "name", x.name);
  read(j, "emails", x.emails);
  read(j, "phones", x.phones);
  read(j, "addresses", x.addresses);
  read(j, "customer_group", x.customer_group);
  x.receipt = enum_from<receipt_option>(j, "receipt");
  read(j, "receipt_email", x.receipt_email);
  read(j, "currency", x.currency);
  read(j, "language", x.language);
  read(j, "affiliations", x.affiliations);
  read(j, "financial_dimensions", x.financial_dimensions);
  read(j, "attributes", x.attributes);
  read(j, "business", x.business);
  read(j, "date_of_birth", x.date_of_birth);
  read(j, "segment", x.segment);
  read(j, "clubs", x.clubs);
  read(j, "notes", x.notes);
}

void to_json(json& j, const customer& x) {
  j = json{{"account_number", x.id.account_number},
           {"async_guid", x.id.async_guid},
           {"type", to_string(x.type)},
           {"status", to_string(x.status)},
           {"profile", x.profile}};
  if (x.loyalty)
    j["loyalty"] = json{{"card_number", x.loyalty->card_number},
                        {"points", x.loyalty->points}};
  if (!x.merged_into.empty())
    j["merged_into"] = x.merged_into;
}

void from_json(const json& j, customer& x) {
  read(j, "account_number", x.id.account_number);
  read(j, "async_guid", x.id.async_guid);
  x.type = enum_from<customer_type>(j, "type");
  x.status = enum_from<customer_status>(j, "status");
  read(j, "profile", x.profile);
  if (auto i = j.find("loyalty"); i != j.end()) {
    loyalty_card card;
    read(*i, "card_number", card.card_number);
    read(*i, "points", card.points);
    x.loyalty = std::move(card);
  } else
    x.loyalty = caf::none;
  x.merged_into.clear();
  read(j, "merged_into", x.merged_into);
}

void to_json(json& j, const sale_line& x) {
  j = json{{"product_id", x.product_id},
           {"quantity", x.quantity},
           {"amount_cents", x.amount_cents}};
}

void from_json(const json& j, sale_line& x) {
  read(j, "product_id", x.product_id);
  read(j, "quantity", x.quantity);
  read(j, "amount_cents", x.amount_cents);
}

namespace storage {

namespace {

/// Writes JSON straight into a string. Encoding is on the hot path (every
/// channel write of a distributed customer); building nlohmann's document
/// first cost five times as much. Reading stays with nlohmann.
class json_writer {
public:
  explicit json_writer(std::string& out) : out_(out) {
  }

  void begin_object() {
    separate();
    out_ += '{';
    first_ = true;
  }
  void end_object() {
    out_ += '}';
    first_ = false;
  }
  void begin_array(const char* name) {
    key(name);
    out_ += '[';
    first_ = true;
  }
  void end_array() {
    out_ += ']';
    first_ = false;
  }
  void key(const char* name) {
    separate();
    out_ += '"';
    out_ += name;
    out_ += "\":";
    first_ = true; // the value follows without a comma
  }
  void value(const std::string& x) {
    separate();
    out_ += '"';
    for (char c : x) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (u < 0x20) {
        static constexpr char hex[] = "0123456789abcdef";
        out_ += "\\u00";
        out_ += hex[u >> 4];
        out_ += hex[u & 0xF];
      } else {
        out_ += c;
      }
    }
    out_ += '"';
    first_ = false;
  }
  void value(const char* x) {
    value(std::string{x});
  }
  void value(int64_t x) {
    separate();
    out_ += std::to_string(x);
    first_ = false;
  }
  void value(bool x) {
    separate();
    out_ += x ? "true" : "false";
    first_ = false;
  }
  /// Writes name: value, unless the value is the default (empty text,
  /// false, zero): the reader fills defaults back in, and most of a
  /// customer's fields are empty.
  void field(const char* name, const std::string& x) {
    if (x.empty())
      return;
    key(name);
    value(x);
  }
  void field(const char* name, const char* x) {
    field(name, std::string{x});
  }
  void field(const char* name, bool x) {
    if (!x)
      return;
    key(name);
    value(x);
  }
  void field(const char* name, int64_t x) {
    if (x == 0)
      return;
    key(name);
    value(x);
  }

private:
  void separate() {
    if (!first_)
      out_ += ',';
    first_ = false;
  }

  std::string& out_;
  bool first_ = true;
};

void write(json_writer& w, const marketing_consent& x) {
  w.begin_object();
  w.field("opted_in", x.opted_in);
  w.field("recorded_by", x.recorded_by);
  w.field("recorded_at", ns(x.recorded_at));
  w.field("source", x.source);
  w.end_object();
}

void write(json_writer& w, const customer_profile& p) {
  w.begin_object();
  if (!p.addresses.empty()) {
    w.begin_array("addresses");
    for (const auto& a : p.addresses) {
      w.begin_object();
      w.field("city", a.city);
      w.field("country", a.country);
      w.field("primary", a.primary);
      w.field("purpose", to_string(a.purpose));
      w.field("state", a.state);
      w.field("street", a.street);
      w.field("zip", a.zip);
      w.end_object();
    }
    w.end_array();
  }
  if (!p.affiliations.empty()) {
    w.begin_array("affiliations");
    for (const auto& a : p.affiliations)
      w.value(a);
    w.end_array();
  }
  if (!p.attributes.empty()) {
    w.begin_array("attributes");
    for (const auto& a : p.attributes) {
      w.begin_object();
      w.field("name", a.name);
      w.field("type", to_string(a.type));
      w.field("value", a.value);
      w.end_object();
    }
    w.end_array();
  }
  const auto& b = p.business;
  if (!(b == business_profile{})) {
    w.key("business");
    w.begin_object();
    w.field("business_type", p.business.business_type);
    w.field("company_name", p.business.company_name);
    w.field("industry", p.business.industry);
    w.field("payment_terms", p.business.payment_terms);
    w.field("registration_number", p.business.registration_number);
    w.field("tax_id", p.business.tax_id);
    w.end_object();
  }
  if (!p.clubs.empty()) {
    w.begin_array("clubs");
    for (const auto& c : p.clubs) {
      w.begin_object();
      w.field("club", c.club);
      w.field("since", ns(c.since));
      w.field("tier", c.tier);
      w.end_object();
    }
    w.end_array();
  }
  w.field("currency", p.currency);
  w.field("customer_group", p.customer_group);
  w.field("date_of_birth", p.date_of_birth);
  if (!p.emails.empty()) {
    w.begin_array("emails");
    for (const auto& e : p.emails) {
      w.begin_object();
      w.field("address", e.address);
      w.key("consent");
      write(w, e.consent);
      w.field("primary", e.primary);
      w.end_object();
    }
    w.end_array();
  }
  if (!p.financial_dimensions.empty()) {
    w.begin_array("financial_dimensions");
    for (const auto& d : p.financial_dimensions) {
      w.begin_object();
      w.field("name", d.name);
      w.field("value", d.value);
      w.end_object();
    }
    w.end_array();
  }
  w.field("first_name", p.first_name);
  w.field("language", p.language);
  w.field("last_name", p.last_name);
  w.field("middle_name", p.middle_name);
  w.field("name", p.name);
  w.field("notes", p.notes);
  if (!p.phones.empty()) {
    w.begin_array("phones");
    for (const auto& ph : p.phones) {
      w.begin_object();
      w.key("consent");
      write(w, ph.consent);
      w.field("number", ph.number);
      w.field("primary", ph.primary);
      w.end_object();
    }
    w.end_array();
  }
  w.field("receipt", to_string(p.receipt));
  w.field("receipt_email", p.receipt_email);
  w.field("segment", p.segment);
  w.end_object();
}

} // namespace

std::string encode(const customer& x) {
  std::string out;
  out.reserve(1024);
  json_writer w{out};
  w.begin_object();
  w.field("account_number", x.id.account_number);
  w.field("async_guid", x.id.async_guid);
  if (x.loyalty) {
    w.key("loyalty");
    w.begin_object();
    w.field("card_number", x.loyalty->card_number);
    w.field("points", x.loyalty->points);
    w.end_object();
  }
  w.field("merged_into", x.merged_into);
  w.key("profile");
  write(w, x.profile);
  w.field("status", to_string(x.status));
  w.field("type", to_string(x.type));
  w.end_object();
  return out;
}

std::string encode(const std::vector<sale_line>& x) {
  std::string out;
  out.reserve(64 * x.size() + 2);
  out += '[';
  json_writer w{out};
  for (const auto& line : x) {
    w.begin_object();
    w.field("amount_cents", line.amount_cents);
    w.field("product_id", line.product_id);
    w.key("quantity");  // always: its default is 1, not 0
    w.value(static_cast<int64_t>(line.quantity));
    w.end_object();
  }
  out += ']';
  return out;
}

caf::expected<customer> decode_customer(std::string_view text,
                                        const std::string& where) {
  try {
    return json::parse(text).get<customer>();
  } catch (const std::exception& e) {
    return make_error(ec::storage_failure, where,
                      std::string{"corrupt customer record: "} + e.what());
  }
}

caf::expected<std::vector<sale_line>>
decode_sale_lines(std::string_view text, const std::string& where) {
  try {
    return json::parse(text).get<std::vector<sale_line>>();
  } catch (const std::exception& e) {
    return make_error(ec::storage_failure, where,
                      std::string{"corrupt sale lines: "} + e.what());
  }
}

search_columns search_columns_of(const customer& x) {
  search_columns out;
  out.display_name = display_name(x);
  for (const auto& e : x.profile.emails)
    if (e.primary)
      out.primary_email = e.address;
  for (const auto& p : x.profile.phones)
    if (p.primary)
      out.primary_phone = p.number;
  out.company_name = x.profile.business.company_name;
  return out;
}

std::vector<field_diff> diff(const customer& before, const customer& after) {
  std::vector<field_diff> out;
  auto add = [&](const std::string& field, const json& old_value,
                 const json& new_value) {
    if (old_value != new_value)
      out.push_back({field, old_value.dump(), new_value.dump()});
  };
  add("type", to_string(before.type), to_string(after.type));
  add("status", to_string(before.status), to_string(after.status));
  json old_profile = before.profile;
  json new_profile = after.profile;
  for (auto& [key, value] : old_profile.items())
    add(key, value, new_profile.at(key));
  json old_loyalty = json(before)["loyalty"];
  json new_loyalty = json(after)["loyalty"];
  add("loyalty", old_loyalty, new_loyalty);
  add("merged_into", before.merged_into, after.merged_into);
  return out;
}

} // namespace storage

} // namespace retailsim
