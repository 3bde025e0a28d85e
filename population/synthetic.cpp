#include "population/synthetic.hpp"

#include <iterator>
#include <random>
#include <vector>

#include "model/error.hpp"
#include "model/rules.hpp"
#include "model/validation.hpp"

namespace retailsim {

namespace {

// ASCII spellings, so emails can be built from them.
constexpr const char* first_names[] = {
  "John", "Mary", "James", "Patricia", "Robert", "Jennifer", "Michael",
  "Linda", "David", "Elizabeth", "William", "Barbara", "Richard", "Susan",
  "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Maria", "Wei", "Mei",
  "Ahmed", "Fatima", "Ivan", "Olga", "Kenji", "Yuki", "Kwame", "Amara",
  "Lucas", "Sofia", "Noah", "Emma", "Liam", "Olivia", "Mateo", "Isabella",
  "Arjun", "Priya"};
constexpr const char* last_names[] = {
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
  "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez",
  "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
  "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
  "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
  "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Chen", "Okafor",
  "Kowalski", "Rossi", "Tanaka", "Dubois", "Novak", "Silva", "Haddad",
  "Schmidt"};
constexpr const char* companies[] = {
  "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka",
  "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay"};
constexpr const char* company_kinds[] = {"Supplies", "Catering", "Builders",
                                         "Consulting", "Logistics", "Studio"};
constexpr const char* area_codes[] = {"707", "415", "212", "312",
                                      "617", "206", "303", "512"};
constexpr const char* segments[] = {"Regular", "Regular", "Regular", "VIP"};

template <class T, size_t N>
const T& pick(std::mt19937_64& rng, const T (&xs)[N]) {
  return xs[rng() % N];
}

std::string lower(std::string x) {
  for (auto& c : x)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return x;
}

/// Central-office codes a US number may have: 200-999 without N11 service
/// codes and 555.
const std::vector<unsigned>& exchanges() {
  static const std::vector<unsigned> out = [] {
    std::vector<unsigned> xs;
    for (unsigned x = 200; x < 1000; ++x)
      if (x != 555 && x % 100 != 11)
        xs.push_back(x);
    return xs;
  }();
  return out;
}

/// A valid US number for ordinal `i`; distinct ordinals give distinct
/// numbers (8 area codes x 791 exchanges x 10,000 lines: 63 M).
std::string phone_of(uint64_t i) {
  const auto& xs = exchanges();
  auto per_area = i / std::size(area_codes);
  char buf[32];
  snprintf(buf, sizeof(buf), "(%s) %03u-%04u",
           area_codes[i % std::size(area_codes)], xs[per_area % xs.size()],
           static_cast<unsigned>((per_area / xs.size()) % 10000));
  return buf;
}

} // namespace

caf::expected<std::vector<imported_customer>>
synthetic_customers(size_t count, uint64_t seed, const import_defaults& defaults,
                    const std::vector<std::string>& address_books) {
  if (address_books.empty())
    return make_error(ec::field_required, "address_books",
                      "a population needs at least one address book");
  std::mt19937_64 rng{seed ^ 0x706f70756c617465ull};  // "populate"
  std::vector<imported_customer> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    customer_draft draft;
    auto& p = draft.profile;
    auto roll = rng() % 1000;
    if (roll < 5 && !out.empty()) {
      // The same person entered twice: same name and phone, another email.
      const auto& twin = out[rng() % out.size()].record;
      draft.type = twin.type;
      p.first_name = twin.profile.first_name;
      p.last_name = twin.profile.last_name;
      p.name = twin.profile.name;
      p.business.company_name = twin.profile.business.company_name;
      p.phones = twin.profile.phones;
      p.emails.push_back({"c" + std::to_string(i) + "@example.org", true, {}});
    } else if (roll < 60) {
      draft.type = customer_type::organization;
      p.name = std::string{pick(rng, companies)} + " "
               + pick(rng, company_kinds) + " " + std::to_string(i);
      p.business.company_name = p.name;
      p.customer_group = "WHOLESALE";
      p.emails.push_back(
        {"orders" + std::to_string(i) + "@example.com", true, {}});
      p.phones.push_back({phone_of(i), true, {}});
    } else {
      p.first_name = pick(rng, first_names);
      p.last_name = pick(rng, last_names);
      p.phones.push_back({phone_of(i), true, {}});
      if (rng() % 10 < 8)
        p.emails.push_back({lower(p.first_name) + "." + lower(p.last_name)
                              + "." + std::to_string(i) + "@example.net",
                            true,
                            {}});
      p.segment = pick(rng, segments);
    }
    auto valid = validate_draft(draft, defaults.store.operating_unit_country,
                                defaults.store.attributes);
    if (!valid)
      return valid.error();
    auto built = make_new_customer(*valid, defaults.store, defaults.groups,
                                   defaults.flags, creation_mode::sync);
    if (!built)
      return built.error();
    out.push_back({i + 1, address_books[i % address_books.size()],
                   std::move(built->record)});
  }
  return out;
}

} // namespace retailsim
