#include "metrics/journal.hpp"

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "model/error.hpp"

namespace retailsim {

namespace {

std::string hex16(uint64_t x) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, x);
  return buf;
}

bool parse_mode(const std::string& text, creation_mode& out) {
  for (auto m : {creation_mode::sync, creation_mode::async,
                 creation_mode::offline})
    if (text == to_string(m)) {
      out = m;
      return true;
    }
  return false;
}

} // namespace

std::string journal_line(const event& e) {
  // Called for every event the recorder sees: nothing is formatted for
  // those that are not acknowledgements.
  auto at = [&e] { return std::to_string(e.at.count()); };
  if (auto* c = caf::get_if<ev::customer_created>(&e.what))
    return "customer\t" + std::string{to_string(c->mode)} + "\t"
           + std::to_string(c->store) + "\t" + std::to_string(c->terminal)
           + "\t" + guid_of_words(c->guid) + "\t" + at() + "\n";
  if (auto* s = caf::get_if<ev::sale_recorded>(&e.what))
    return "sale\t" + std::to_string(s->store) + "\t"
           + std::to_string(s->terminal) + "\t" + hex16(s->transaction) + "\t"
           + (s->offline ? "1" : "0") + "\t" + at() + "\n";
  if (auto* d = caf::get_if<ev::creation_in_doubt>(&e.what))
    return "in_doubt\t" + std::to_string(d->store) + "\t"
           + guid_of_words(d->guid) + "\t" + at() + "\n";
  return {};
}

caf::expected<acknowledgements> read_journal(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return make_error(ec::storage_failure, path, "cannot read the journal");
  acknowledgements out;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::vector<std::string> fields;
    std::stringstream split{line};
    for (std::string f; std::getline(split, f, '\t');)
      fields.push_back(f);
    auto bad = [&] {
      return make_error(ec::storage_failure,
                        path + ":" + std::to_string(number),
                        "not a journal line");
    };
    try {
      if (fields.size() == 6 && fields[0] == "customer") {
        acknowledged_creation c;
        if (!parse_mode(fields[1], c.mode) || !is_valid_guid(fields[4]))
          return bad();
        c.store = static_cast<uint32_t>(std::stoul(fields[2]));
        c.terminal = static_cast<uint32_t>(std::stoul(fields[3]));
        c.guid = words_of_guid(fields[4]);
        out.creations.push_back(c);
      } else if (fields.size() == 6 && fields[0] == "sale") {
        acknowledged_sale s;
        s.store = static_cast<uint32_t>(std::stoul(fields[1]));
        if (fields[3].size() != 16)
          return bad();
        s.key = std::stoull(fields[3], nullptr, 16);
        out.sales.push_back(s);
      } else if (fields.size() == 4 && fields[0] == "in_doubt") {
        if (!is_valid_guid(fields[2]))
          return bad();
        out.in_doubt.push_back(words_of_guid(fields[2]));
      } else {
        return bad();
      }
    } catch (const std::exception&) {
      return bad();
    }
  }
  return out;
}

} // namespace retailsim
