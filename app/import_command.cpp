#include "app/import_command.hpp"

#include <iostream>
#include <memory>
#include <string>

#include "app/existing_base.hpp"
#include "model/error.hpp"
#include "model/validation.hpp"

namespace retailsim {

namespace {

struct import_flags {
  std::string file;
  std::string db;
  bool skip_bad = false;
  std::string country = "US";
  std::string address_book = "AB001";
};

int run_import(const import_flags& f) {
  // Flags first, once: a bad flag is not every row's fault.
  auto country = normalize_country(f.country, "--country");
  if (!country) {
    std::cerr << "retailsim import: " << describe(country.error()) << "\n";
    return 2;
  }
  if (auto err = check_address_book(f.address_book, "--address-book")) {
    std::cerr << "retailsim import: " << describe(err) << "\n";
    return 2;
  }
  auto cfg = default_run_config();
  cfg.groups[0].country = *country;
  auto defaults = import_defaults_for(cfg);
  defaults.address_book = f.address_book;
  // Two reads of the file: the first checks every row and loads nothing,
  // the second streams the good rows into HQ in one transaction. Memory
  // stays bounded by a row however large the file.
  auto csv = scan_customer_csv(f.file, defaults, nullptr);
  if (!csv) {
    std::cerr << "retailsim import: " << describe(csv.error()) << "\n";
    return 2;
  }
  for (const auto& bad : csv->errors)
    std::cerr << f.file << ": " << to_string(bad) << "\n";
  if (csv->bad > csv->errors.size())
    std::cerr << f.file << ": ... and " << csv->bad - csv->errors.size()
              << " more bad rows (the first " << csv->errors.size()
              << " are listed)\n";
  auto good = csv->good;
  auto bad = csv->bad;
  std::cout << "read " << f.file << ": " << csv->rows << " rows, " << good
            << " good, " << bad << " bad\n";
  if (bad > 0 && !f.skip_bad) {
    std::cerr << "retailsim import: nothing loaded: " << bad << " of "
              << csv->rows << " rows are bad (fix them, or add --skip-bad to "
              << "load the " << good << " good rows)\n";
    return 1;
  }
  if (good == 0) {
    std::cerr << "retailsim import: nothing loaded: no good rows\n";
    return 1;
  }
  auto good_rows = [&](const auto& add) -> caf::error {
    auto again = scan_customer_csv(f.file, defaults,
                                   [&](imported_customer&& c) {
                                     return add({"IMPORT", c.address_book,
                                                 std::move(c.record)});
                                   });
    if (!again)
      return again.error();
    if (again->good != good || again->bad != bad)
      return make_error(ec::malformed_file, f.file,
                        "changed while it was being imported");
    return {};
  };
  auto accounts = load_into_hq(f.db, good_rows, f.file, "import");
  if (!accounts) {
    std::cerr << "retailsim import: nothing loaded: "
              << describe(accounts.error()) << "\n";
    return 2;
  }
  std::cout << "loaded " << accounts->count << " customers into " << f.db
            << " (accounts " << accounts->first << " to " << accounts->last
            << ")";
  if (bad > 0)
    std::cout << "; skipped the " << bad << " bad rows listed above";
  std::cout << "\n";
  return 0;
}

} // namespace

void add_import_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<import_flags>();
  auto* cmd = app.add_subcommand(
    "import", "Load an existing customer base from a CSV file into an HQ "
              "database: every row validated, all or nothing (unless "
              "--skip-bad). `retailsim run --customers-from HQ.db` then "
              "starts from it and 1010 distributes it to the stores.");
  auto& f = *flags;
  cmd->add_option("file", f.file, "CSV file (UTF-8) with a header row; "
                                  "columns: see docs/existing-customers.md")
    ->required();
  cmd->add_option("--db", f.db, "HQ database to load into (created if "
                                "missing)")
    ->required();
  cmd->add_flag("--skip-bad", f.skip_bad,
                "Load the good rows and list the bad ones (default: a bad "
                "row refuses the whole file)");
  cmd->add_option("--country", f.country,
                  "Country of the stores (ISO 3166-1 alpha-2): phones "
                  "without a country code and addresses without a country")
    ->capture_default_str();
  cmd->add_option("--address-book", f.address_book,
                  "Address book of rows without an address_book column "
                  "value (1-20 letters, digits, '-' or '_')")
    ->capture_default_str();
  cmd->callback([flags, &exit_code] { exit_code = run_import(*flags); });
}

} // namespace retailsim
