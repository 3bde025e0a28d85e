#include "app/existing_base.hpp"

#include <filesystem>

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>

#include "model/error.hpp"
#include "population/synthetic.hpp"
#include "storage/hq_database.hpp"

namespace retailsim {

import_defaults import_defaults_for(const run_config& cfg) {
  import_defaults out;
  out.store = settings_for(cfg, 0);
  out.groups = cfg.customer_groups;
  out.flags = cfg.flags;
  out.address_book = address_book_of(cfg, 0);
  return out;
}

std::vector<std::string> address_books_of(const run_config& cfg) {
  std::vector<std::string> out;
  for (size_t s = 0; s < store_count(cfg); ++s) {
    auto book = address_book_of(cfg, s);
    if (out.empty() || out.back() != book)
      out.push_back(std::move(book));
  }
  return out;
}

storage::import_source
each_of(const std::vector<imported_customer>& customers) {
  return [&customers](const auto& add) -> caf::error {
    for (const auto& c : customers)
      if (auto err = add({"IMPORT", c.address_book, c.record}))
        return err;
    return {};
  };
}

caf::expected<storage::imported_accounts>
load_into_hq(const std::string& hq_path, const storage::import_source& source,
             const std::string& origin, const std::string& loaded_by) {
  std::error_code ignored;
  bool existed = std::filesystem::exists(hq_path, ignored);
  auto loaded = [&]() -> caf::expected<storage::imported_accounts> {
    auto hq = storage::hq_database::open(hq_path, storage::durability::full);
    if (!hq)
      return hq.error();
    return (*hq)->import_customers(source, origin, loaded_by,
                                   caf::make_timestamp());
  }();
  if (!loaded && !existed)
    for (const auto* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(hq_path + suffix, ignored);
  return loaded;
}

namespace {

caf::error build_base(const run_config& cfg, const std::string& hq_path) {
  std::error_code err;
  std::filesystem::create_directories(cfg.output_dir, err);
  if (err)
    return make_error(ec::storage_failure, cfg.output_dir,
                      "cannot create folder: " + err.message());
  if (!cfg.customers_from.empty()) {
    // SQLite's backup API, not a file copy: it also takes what is still in
    // the source's write-ahead log.
    try {
      SQLite::Database source{cfg.customers_from, SQLite::OPEN_READONLY};
      SQLite::Database copy{hq_path,
                            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
      SQLite::Backup{copy, source}.executeStep();
    } catch (const SQLite::Exception& e) {
      return make_error(ec::storage_failure, cfg.customers_from,
                        "cannot copy to " + hq_path + ": " + e.what());
    }
    // Opening the copy checks its kind and brings its schema up to date.
    if (auto hq = storage::hq_database::open(hq_path); !hq)
      return make_error(error_code(hq.error()), cfg.customers_from,
                        "cannot start a run from it: "
                          + describe(hq.error()));
  }
  if (cfg.population > 0) {
    auto people = synthetic_customers(cfg.population, cfg.seed,
                                      import_defaults_for(cfg),
                                      address_books_of(cfg));
    if (!people)
      return people.error();
    auto loaded = load_into_hq(hq_path, each_of(*people),
                               "synthetic population", "population");
    if (!loaded)
      return loaded.error();
  }
  return {};
}

} // namespace

caf::error check_existing_base(const run_config& cfg) {
  if (cfg.customers_from.empty())
    return {};
  const auto& path = cfg.customers_from;
  try {
    SQLite::Database db{path, SQLite::OPEN_READONLY};
    auto kind = db.execAndGet("PRAGMA application_id").getInt();
    auto version = db.execAndGet("PRAGMA user_version").getInt();
    if (kind != static_cast<int>(storage::database_kind::hq))
      return make_error(ec::wrong_database_kind, path,
                        "not an HQ database (application_id "
                          + std::to_string(kind) + ")");
    auto newest = static_cast<int>(storage::hq_database::migrations().size());
    if (version > newest)
      return make_error(ec::schema_too_new, path,
                        "HQ schema version " + std::to_string(version)
                          + " is newer than this retailsim's "
                          + std::to_string(newest));
  } catch (const SQLite::Exception& e) {
    return make_error(ec::storage_failure, path,
                      std::string{"cannot read it as an HQ database: "}
                        + e.what());
  }
  return {};
}

caf::error prepare_existing_base(const run_config& cfg) {
  if (cfg.customers_from.empty() && cfg.population == 0)
    return {};
  auto hq_path = (std::filesystem::path{cfg.output_dir} / "hq.db").string();
  auto err = build_base(cfg, hq_path);
  if (err) {
    // A run that cannot start leaves no half-made HQ behind.
    std::error_code ignored;
    for (const auto* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(hq_path + suffix, ignored);
  }
  return err;
}

} // namespace retailsim
