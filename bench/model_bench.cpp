// Cost of validating and building a new customer: what every creation pays
// before any actor or database is involved.

#include <benchmark/benchmark.h>

#include "model/rules.hpp"
#include "model/validation.hpp"

using namespace retailsim;

namespace {

customer_draft quick_add_draft() {
  customer_draft d;
  d.profile.first_name = "Jose\xCC\x81";
  d.profile.last_name = "Smith";
  d.profile.emails.push_back({"Jose.Smith@Example.COM", false, {}});
  d.profile.phones.push_back({"(707) 320-2478", false, {}});
  return d;
}

void validate_quick_add(benchmark::State& state) {
  auto draft = quick_add_draft();
  for (auto _ : state) {
    auto result = validate_draft(draft, "US", {});
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(validate_quick_add);

void normalize_phone_number(benchmark::State& state) {
  for (auto _ : state) {
    auto result = normalize_phone("(707) 320-2478", "US", "phone");
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(normalize_phone_number);

void build_new_customer(benchmark::State& state) {
  auto draft = *validate_draft(quick_add_draft(), "US", {});
  store_settings store;
  store.store_id = "S001";
  store.operating_unit_country = "US";
  store.default_customer.profile.customer_group = "RETAIL";
  store.default_customer.profile.affiliations = {"Newsletter"};
  std::vector<customer_group> groups = {{"RETAIL", {{"CostCenter", "CC-1"}}}};
  for (auto _ : state) {
    auto result = make_new_customer(draft, store, groups, {},
                                    creation_mode::sync);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(build_new_customer);

} // namespace
