#include "scenarios/values.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "model/error.hpp"

namespace retailsim {

namespace {

bool parse_number(const std::string& text, uint64_t& out) {
  if (text.empty() || text.size() > 9)
    return false;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  out = std::strtoull(text.c_str(), nullptr, 10);
  return true;
}


bool parse_span(const std::string& text, caf::timespan& start,
                caf::timespan& end, std::string& problem) {
  auto dash = text.find('-');
  if (dash == std::string::npos) {
    problem = "expected START-END in " + quote_input(text);
    return false;
  }
  return parse_duration(text.substr(0, dash), start, problem)
         && parse_duration(text.substr(dash + 1), end, problem);
}

} // namespace

/// The parts of a comma-separated list ("" gives no parts; "a,,b" an empty
/// middle one, which the callers refuse).
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty())
    return out;
  size_t start = 0;
  for (;;) {
    auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos
                                       ? std::string::npos
                                       : comma - start));
    if (comma == std::string::npos)
      return out;
    start = comma + 1;
  }
}

bool parse_rate(const std::string& text, double& per_second,
                std::string& problem) {
  auto slash = text.find('/');
  auto bad = [&](const std::string& why) {
    problem = quote_input(text) + " is not a rate (e.g. 120/h, 2/m, 0.5/s)"
              + (why.empty() ? "" : ": " + why);
    return false;
  };
  if (slash == std::string::npos)
    return bad("no unit: say per what, /h, /m or /s");
  auto number = text.substr(0, slash);
  auto unit = text.substr(slash + 1);
  char* end = nullptr;
  double x = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || !std::isfinite(x))
    return bad("");
  if (x < 0)
    return bad("a rate cannot be negative");
  double seconds;
  if (unit == "s")
    seconds = 1;
  else if (unit == "m")
    seconds = 60;
  else if (unit == "h")
    seconds = 3600;
  else if (unit == "d")
    seconds = 86400;
  else
    return bad("unit " + quote_input(unit) + " unknown (use /h, /m, /s or /d)");
  per_second = x / seconds;
  return true;
}

bool parse_duration(const std::string& text, caf::timespan& out,
                    std::string& problem) {
  if (text == "0") {
    out = caf::timespan{0};
    return true;
  }
  auto not_a_duration = [&] {
    problem = quote_input(text) + " is not a duration (e.g. 90s, 15m, 1h30m, 1.5h, "
              "250ms)";
    return false;
  };
  if (text.empty()) {
    problem = "empty duration";
    return false;
  }
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size()
           && (std::isdigit(static_cast<unsigned char>(text[i]))
               || text[i] == '.'))
      ++i;
    auto number = text.substr(start, i - start);
    if (number.empty() || number.size() > 20
        || number.find('.') != number.rfind('.') || number == ".")
      return not_a_duration();
    double value = std::strtod(number.c_str(), nullptr);
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
      ++i;
    auto unit = text.substr(unit_start, i - unit_start);
    double ns;
    if (unit == "ms")
      ns = 1e6;
    else if (unit == "s")
      ns = 1e9;
    else if (unit == "m")
      ns = 60e9;
    else if (unit == "h")
      ns = 3600e9;
    else if (unit.empty()) {
      problem = quote_input(text) + ": " + quote_input(number)
                + " has no unit (use ms, s, m or h)";
      return false;
    } else {
      problem = quote_input(text) + ": unit " + quote_input(unit)
                + " unknown (use ms, s, m or h)";
      return false;
    }
    total += value * ns;
  }
  // Up to a year; nothing longer is a day's timing.
  if (total > 366 * 24 * 3600e9) {
    problem = quote_input(text) + " is out of range: at most a year";
    return false;
  }
  out = caf::timespan{static_cast<int64_t>(std::llround(total))};
  return true;
}

bool parse_store_list(const std::string& text, size_t stores,
                      std::vector<uint32_t>& out, std::string& problem) {
  out.clear();
  for (const auto& part : split_list(text)) {
    uint64_t first = 0;
    uint64_t last = 0;
    auto dash = part.find('-');
    bool ok = dash == std::string::npos
                ? parse_number(part, first) && (last = first, true)
                : parse_number(part.substr(0, dash), first)
                    && parse_number(part.substr(dash + 1), last);
    if (!ok || first == 0 || last < first) {
      problem = quote_input(part) + " in " + quote_input(text)
                + " is not a store number or range (1-based, e.g. 1,3,5-8)";
      return false;
    }
    if (last > stores) {
      problem = "store " + std::to_string(last) + " in " + quote_input(text)
                + " does not exist (there are " + std::to_string(stores)
                + ")";
      return false;
    }
    for (auto s = first; s <= last; ++s)
      out.push_back(static_cast<uint32_t>(s - 1));
  }
  return true;
}

bool parse_offline_window(const std::string& text, offline_window& out,
                          std::string& problem) {
  auto at = text.find('@');
  if (at == std::string::npos) {
    problem = "expected STORE[/TERMINAL]@START-END in " + quote_input(text);
    return false;
  }
  auto who = text.substr(0, at);
  auto slash = who.find('/');
  uint64_t store = 0;
  uint64_t term = 0;
  if (!parse_number(who.substr(0, slash), store) || store == 0
      || (slash != std::string::npos
          && (!parse_number(who.substr(slash + 1), term) || term == 0))) {
    problem = quote_input(who) + " in " + quote_input(text)
              + " is not STORE or STORE/TERMINAL (1-based)";
    return false;
  }
  out.store = static_cast<uint32_t>(store - 1);
  out.terminal = slash == std::string::npos ? offline_window::all_terminals
                                            : static_cast<uint32_t>(term - 1);
  if (!parse_span(text.substr(at + 1), out.start, out.end, problem))
    return false;
  if (out.end <= out.start) {
    problem = "window " + quote_input(text) + " must end after it starts";
    return false;
  }
  return true;
}

bool parse_link_fault(const std::string& text, link_fault& out,
                      std::string& problem) {
  auto at = text.find('@');
  uint64_t store = 0;
  if (at == std::string::npos || !parse_number(text.substr(0, at), store)
      || store == 0) {
    problem = "expected STORE@START-END[:down|slow] in " + quote_input(text);
    return false;
  }
  out.store = static_cast<uint32_t>(store - 1);
  auto rest = text.substr(at + 1);
  auto colon = rest.find(':');
  out.state = link_availability::down;
  if (colon != std::string::npos) {
    auto state = rest.substr(colon + 1);
    if (state == "slow")
      out.state = link_availability::slow;
    else if (state != "down") {
      problem = quote_input(state) + " in " + quote_input(text) + " is not down or slow";
      return false;
    }
    rest = rest.substr(0, colon);
  }
  if (!parse_span(rest, out.start, out.end, problem))
    return false;
  if (out.end <= out.start) {
    problem = "fault " + quote_input(text) + " must end after it starts";
    return false;
  }
  return true;
}

bool parse_feature_flags(const std::string& text, hq_feature_flags& out,
                         std::string& problem) {
  out = {};
  for (const auto& name : split_list(text)) {
    if (name == "multiple_contacts")
      out.multiple_contacts_with_consent = true;
    else if (name == "async_addresses")
      out.async_customer_addresses = true;
    else if (name == "enhanced_async")
      out.enhanced_async_customer = true;
    else if (name == "edit_async")
      out.edit_async_customers = true;
    else {
      problem = "unknown feature " + quote_input(name)
                + " (multiple_contacts, async_addresses, enhanced_async, "
                  "edit_async)";
      return false;
    }
  }
  return true;
}

bool parse_distribution(const std::string& text, distribution& out,
                        std::string& problem) {
  auto colon = text.find(':');
  if (colon == std::string::npos) {
    problem = "expected KIND:PARAMS (constant:2, uniform:1,3, exp:30, "
              "lognormal:0.05,0.5), got " + quote_input(text);
    return false;
  }
  auto name = text.substr(0, colon);
  std::vector<double> values;
  for (const auto& part : split_list(text.substr(colon + 1))) {
    char* end = nullptr;
    double v = std::strtod(part.c_str(), &end);
    if (part.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
      problem = quote_input(part) + " in " + quote_input(text)
                + " is not a non-negative number";
      return false;
    }
    values.push_back(v);
  }
  auto need = [&](size_t n) {
    if (values.size() == n)
      return true;
    problem = quote_input(name) + " takes " + std::to_string(n)
              + " parameter(s), got " + std::to_string(values.size());
    return false;
  };
  if (name == "constant") {
    if (!need(1))
      return false;
    out = distribution::constant(values[0]);
  } else if (name == "uniform") {
    if (!need(2))
      return false;
    if (values[1] < values[0]) {
      problem = "uniform:LOW,HIGH needs LOW <= HIGH in " + quote_input(text);
      return false;
    }
    out = distribution::uniform(values[0], values[1]);
  } else if (name == "exp") {
    if (!need(1))
      return false;
    out = distribution::exponential(values[0]);
  } else if (name == "lognormal") {
    if (!need(2))
      return false;
    out = distribution::lognormal(values[0], values[1]);
  } else {
    problem = "unknown distribution " + quote_input(name)
              + " (constant, uniform, exp, lognormal)";
    return false;
  }
  return true;
}

} // namespace retailsim
