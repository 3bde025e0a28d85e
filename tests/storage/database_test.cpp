// Opening, migrating and refusing databases: what every store shares.

#include "storage/database.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <SQLiteCpp/Database.h>

#include "model/error.hpp"
#include "storage/channel_database.hpp"
#include "storage/hq_database.hpp"
#include "storage/offline_database.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;
using namespace retailsim::storage;

namespace {

const std::vector<std::string> two_steps = {
  "CREATE TABLE a (x INTEGER);",
  "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (1);",
};

std::string pragma(const std::string& path, const char* name) {
  SQLite::Database db{path};
  return db.execAndGet(std::string{"PRAGMA "} + name).getString();
}

/// The test schema at `path` in memory (loaded from the file, if any).
std::unique_ptr<database> open_in_memory(const std::string& path) {
  auto db = database::open(path, database_kind::test, two_steps,
                           durability::in_memory);
  if (!db)
    ADD_FAILURE() << describe(db.error());
  return db ? std::move(*db) : nullptr;
}

/// Table a's values in the file at `path`, in order: "1,2".
std::string values_in_file(const std::string& path) {
  SQLite::Database raw{path};
  return raw.execAndGet("SELECT group_concat(x) FROM (SELECT x FROM a "
                        "ORDER BY x)")
    .getString();
}

} // namespace

TEST(Database, MigratesAnEmptyFileToTheNewestVersion) {
  test::temp_dir dir;
  auto path = dir.file("empty.db");
  std::ofstream{path}.close();  // a zero-byte file, as a crash may leave one
  auto db = database::open(path, database_kind::test, two_steps, durability::full);
  ASSERT_TRUE(db) << describe(db.error());
  EXPECT_EQ((*db)->schema_version(), 2);
  EXPECT_EQ((*db)->handle().execAndGet("SELECT y FROM b").getInt(), 1);
}

TEST(Database, AppliesOnlyTheMissingMigrations) {
  test::temp_dir dir;
  auto path = dir.file("old.db");
  {
    auto v1 = database::open(path, database_kind::test, {two_steps[0]}, durability::full);
    ASSERT_TRUE(v1);
    EXPECT_EQ((*v1)->schema_version(), 1);
    (*v1)->handle().exec("INSERT INTO a VALUES (7)");
  }
  auto v2 = database::open(path, database_kind::test, two_steps, durability::full);
  ASSERT_TRUE(v2) << describe(v2.error());
  EXPECT_EQ((*v2)->schema_version(), 2);
  EXPECT_EQ((*v2)->handle().execAndGet("SELECT x FROM a").getInt(), 7);
}

TEST(Database, RefusesASchemaFromTheFutureAndLeavesItAlone) {
  test::temp_dir dir;
  auto path = dir.file("future.db");
  {
    SQLite::Database raw{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    raw.exec("CREATE TABLE z (q INTEGER); PRAGMA user_version = 9; "
             "PRAGMA application_id = "
             + std::to_string(static_cast<int32_t>(database_kind::test)));
  }
  auto db = database::open(path, database_kind::test, two_steps, durability::full);
  ASSERT_FALSE(db);
  EXPECT_EQ(error_code(db.error()), ec::schema_too_new);
  EXPECT_EQ(error_field(db.error()), path);
  EXPECT_EQ(pragma(path, "user_version"), "9");
}

TEST(Database, AFailingMigrationChangesNothing) {
  test::temp_dir dir;
  auto path = dir.file("broken.db");
  auto db = database::open(path, database_kind::test, {two_steps[0], "CREATE TABLE a (dup);"},
                           durability::full);
  ASSERT_FALSE(db);
  EXPECT_EQ(error_code(db.error()), ec::storage_failure);
  EXPECT_EQ(pragma(path, "user_version"), "1");
}

TEST(Database, NamesTheFileItCannotOpen) {
  auto db = database::open("/nonexistent-dir/x.db", database_kind::test, two_steps,
                           durability::full);
  ASSERT_FALSE(db);
  EXPECT_EQ(error_code(db.error()), ec::storage_failure);
  EXPECT_EQ(error_field(db.error()), "/nonexistent-dir/x.db");
}

TEST(Database, StoresUseWalAndFullDurability) {
  test::temp_dir dir;
  auto hq = hq_database::open(dir.file("hq.db"));
  ASSERT_TRUE(hq);
  auto channel = channel_database::open(dir.file("store.db"));
  ASSERT_TRUE(channel);
  auto offline = offline_database::open(dir.file("terminal.db"));
  ASSERT_TRUE(offline);
  for (auto name : {"hq.db", "store.db", "terminal.db"})
    EXPECT_EQ(pragma(dir.file(name), "journal_mode"), "wal") << name;
  EXPECT_EQ((*hq)->schema_version(),
            static_cast<int>(hq_database::migrations().size()));
}

TEST(Database, WriteRollsBackWhenTheBodyFails) {
  auto db = database::open(":memory:", database_kind::test, two_steps, durability::full);
  ASSERT_TRUE(db);
  auto err = (*db)->write("test", [&]() -> caf::error {
    (*db)->handle().exec("INSERT INTO a VALUES (1)");
    return make_error(ec::not_found, "x", "abort");
  });
  EXPECT_EQ(error_code(err), ec::not_found);
  EXPECT_EQ((*db)->handle().execAndGet("SELECT COUNT(*) FROM a").getInt(), 0);
  err = (*db)->write("test", [&]() -> caf::error {
    (*db)->handle().exec("INSERT INTO a VALUES (1)");
    (*db)->handle().exec("INSERT INTO no_such_table VALUES (1)");
    return {};
  });
  EXPECT_EQ(error_code(err), ec::storage_failure);
  EXPECT_EQ((*db)->handle().execAndGet("SELECT COUNT(*) FROM a").getInt(), 0);
}

TEST(Database, AWriteThatFailsInsideAGroupIsUndoneAloneAndTheGroupGoesOn) {
  auto db = open_in_memory(":memory:");
  ASSERT_TRUE(db);
  auto insert = [&](int x) {
    auto stmt = db->statement("INSERT INTO a (x) VALUES (?)");
    stmt.bind(1, x);
    stmt.exec();
  };
  // A piece of a group that, like a store's copy of several customers,
  // reports a failed write and goes on: the failed write's first row must
  // go with it, the rows around it stay.
  auto failed = db->write_each("test", 1, [&](size_t) -> caf::error {
    insert(1);
    auto inner = db->write("inner", [&]() -> caf::error {
      insert(2);
      return make_error(ec::field_required, "x", "refused after a row");
    });
    EXPECT_TRUE(inner);
    insert(3);
    return {};
  });
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_FALSE(failed[0]);
  EXPECT_EQ(db->handle()
              .execAndGet("SELECT group_concat(x) FROM (SELECT x FROM a "
                          "ORDER BY x)")
              .getString(),
            "1,3");
}

TEST(Database, EveryStoreMigratesFromAnEmptyFile) {
  test::temp_dir dir;
  for (auto name : {"hq.db", "store.db", "terminal.db"})
    std::ofstream{dir.file(name)}.close();
  auto hq = hq_database::open(dir.file("hq.db"));
  ASSERT_TRUE(hq) << describe(hq.error());
  EXPECT_EQ((*hq)->schema_version(),
            static_cast<int>(hq_database::migrations().size()));
  EXPECT_EQ(*(*hq)->customer_count(), 0u);
  auto channel = channel_database::open(dir.file("store.db"));
  ASSERT_TRUE(channel) << describe(channel.error());
  EXPECT_EQ((*channel)->schema_version(),
            static_cast<int>(channel_database::migrations().size()));
  EXPECT_EQ(*(*channel)->watermark("customers"), 0);
  auto offline = offline_database::open(dir.file("terminal.db"));
  ASSERT_TRUE(offline) << describe(offline.error());
  EXPECT_EQ((*offline)->schema_version(),
            static_cast<int>(offline_database::migrations().size()));
  EXPECT_EQ(*(*offline)->customers_to_upload_count(), 0u);
}

TEST(Database, AStoreRefusesAnotherStoresFileAndLeavesItAlone) {
  test::temp_dir dir;
  auto path = dir.file("terminal.db");
  ASSERT_TRUE(offline_database::open(path));
  auto before = pragma(path, "user_version");
  auto hq = hq_database::open(path);
  ASSERT_FALSE(hq);
  EXPECT_EQ(error_code(hq.error()), ec::wrong_database_kind);
  EXPECT_EQ(error_field(hq.error()), path);
  EXPECT_NE(describe(hq.error()).find("found a retailsim offline database"),
            std::string::npos)
    << describe(hq.error());
  EXPECT_EQ(pragma(path, "user_version"), before);
  EXPECT_TRUE(offline_database::open(path));
  // A foreign SQLite file is refused the same way.
  auto other = dir.file("other.db");
  {
    SQLite::Database raw{other, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    raw.exec("CREATE TABLE t (x); PRAGMA user_version = 1;");
  }
  auto channel = channel_database::open(other);
  ASSERT_FALSE(channel);
  EXPECT_EQ(error_code(channel.error()), ec::wrong_database_kind);
}

TEST(Database, EachDurabilityModeSetsWhatItPromises) {
  test::temp_dir dir;
  auto full = database::open(dir.file("full.db"), database_kind::test,
                             two_steps, durability::full);
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)->handle().execAndGet("PRAGMA synchronous").getInt(), 2);
  auto simulated = database::open(dir.file("sim.db"), database_kind::test,
                                  two_steps, durability::simulated);
  ASSERT_TRUE(simulated);
  auto& h = (*simulated)->handle();
  EXPECT_EQ(h.execAndGet("PRAGMA synchronous").getInt(), 0);
  EXPECT_EQ(h.execAndGet("PRAGMA locking_mode").getString(), "exclusive");
}

TEST(Database, InMemoryWorkReachesItsFileOnlyWhenPersisted) {
  test::temp_dir dir;
  auto path = dir.file("mem.db");
  auto db = open_in_memory(path);
  ASSERT_TRUE(db);
  db->handle().exec("INSERT INTO a VALUES (42)");
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_FALSE(db->persist());
  EXPECT_EQ(pragma(path, "user_version"), "2");
  {
    SQLite::Database raw{path};
    EXPECT_EQ(raw.execAndGet("SELECT x FROM a").getInt(), 42);
  }
  // Reopening in memory starts from what the file holds.
  db.reset();
  auto again = open_in_memory(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->handle().execAndGet("SELECT x FROM a").getInt(), 42);
}

TEST(Database, PersistReplacesTheFileWhole) {
  test::temp_dir dir;
  auto path = dir.file("mem.db");
  auto db = open_in_memory(path);
  ASSERT_TRUE(db);
  db->handle().exec("INSERT INTO a VALUES (1)");
  ASSERT_FALSE(db->persist());
  db->handle().exec("UPDATE a SET x = 2");
  // Rows big enough to grow the file past its first version.
  db->handle().exec("CREATE TABLE big (b TEXT);"
                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                       "FROM n WHERE i < 500) "
                       "INSERT INTO big SELECT printf('%.500c', 'x') FROM n");
  ASSERT_FALSE(db->persist());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  SQLite::Database raw{path};
  EXPECT_EQ(raw.execAndGet("SELECT x FROM a").getInt(), 2);
  EXPECT_EQ(raw.execAndGet("SELECT COUNT(*) FROM big").getInt(), 500);
  EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
}

TEST(Database, PersistIntoAMissingFolderNamesTheFile) {
  test::temp_dir dir;
  auto folder = dir.file("gone");
  std::filesystem::create_directory(folder);
  auto path = folder + "/mem.db";
  auto db = open_in_memory(path);
  ASSERT_TRUE(db);
  std::filesystem::remove(folder);
  auto err = db->persist();
  ASSERT_TRUE(err);
  EXPECT_EQ(error_code(err), ec::storage_failure);
  EXPECT_NE(describe(err).find(path), std::string::npos) << describe(err);
}

TEST(Database, APersistThatCannotReplaceItsFileLeavesNoTemporaryFile) {
  test::temp_dir dir;
  auto path = dir.file("mem.db");
  auto db = open_in_memory(path);
  ASSERT_TRUE(db);
  // Something else took the name meanwhile: the rename must fail.
  std::filesystem::create_directories(path + "/occupied");
  auto err = db->persist();
  ASSERT_TRUE(err);
  EXPECT_NE(describe(err).find("cannot rename"), std::string::npos)
    << describe(err);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_TRUE(std::filesystem::is_directory(path + "/occupied"));
}

TEST(Database, AChannelOfSchemaTwoKeepsItsSalesAndTheirOrderAcrossVersionThree) {
  test::temp_dir dir;
  auto path = dir.file("store.db");
  {
    // A channel file as retailsim wrote it before version 3.
    SQLite::Database raw{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
    raw.exec(channel_database::migrations()[0]);
    raw.exec(channel_database::migrations()[1]);
    raw.exec("PRAGMA user_version = 2; PRAGMA application_id = "
             + std::to_string(static_cast<int32_t>(database_kind::channel)));
    raw.exec("INSERT INTO sales (seq, transaction_id, store_id, terminal_id, "
             "customer_ref, amount_cents, occurred_at, lines) VALUES "
             "(7, 'T-7', 'S0001', 'S0001-T01', 'C1', 100, 0, '[]'), "
             "(9, 'T-9', 'S0001', 'S0001-T01', '', 250, 0, '[]')");
  }
  auto channel = channel_database::open(path);
  ASSERT_TRUE(channel) << describe(channel.error());
  EXPECT_EQ((*channel)->schema_version(),
            static_cast<int>(channel_database::migrations().size()));
  sale_transaction next;
  next.transaction_id = "T-10";
  next.store_id = "S0001";
  next.terminal_id = "S0001-T01";
  next.customer_ref = "C1";
  ASSERT_TRUE(*(*channel)->record_sale(next));
  auto sales = (*channel)->sales_after(0, 10);
  ASSERT_TRUE(sales) << describe(sales.error());
  ASSERT_EQ(sales->size(), 3u);
  EXPECT_EQ((*sales)[0].seq, 7);
  EXPECT_EQ((*sales)[0].value.transaction_id, "T-7");
  EXPECT_EQ((*sales)[1].seq, 9);
  EXPECT_EQ((*sales)[1].value.amount_cents, 250);
  EXPECT_EQ((*sales)[2].seq, 10);
  EXPECT_EQ((*channel)->sales_for("C1")->size(), 2u);
  SQLite::Database raw{path};
  EXPECT_EQ(raw.execAndGet("SELECT COUNT(*) FROM sqlite_sequence WHERE name "
                           "= 'sales'")
              .getInt(),
            0);
  EXPECT_EQ(raw.execAndGet("SELECT instr(sql, 'AUTOINCREMENT') FROM "
                           "sqlite_master WHERE name = 'sales'")
              .getInt(),
            0);
}

TEST(Database, PersistMergesWalFramesAnotherConnectionLeftBehind) {
  test::temp_dir dir;
  auto path = dir.file("shared.db");
  // A connection of another mode keeps its last write in the WAL.
  auto full = database::open(path, database_kind::test, two_steps,
                             durability::full);
  ASSERT_TRUE(full) << describe(full.error());
  (*full)->handle().exec("PRAGMA wal_autocheckpoint = 0");
  (*full)->handle().exec("INSERT INTO a VALUES (1)");
  ASSERT_GT(std::filesystem::file_size(path + "-wal"), 0u);
  auto mem = open_in_memory(path);
  ASSERT_TRUE(mem);
  mem->handle().exec("INSERT INTO a VALUES (2)");
  ASSERT_FALSE(mem->persist());
  full->reset();
  // Renaming a new file under the old WAL would have replayed row 1 over
  // it; the file holds exactly what the in-memory database held.
  EXPECT_EQ(values_in_file(path), "1,2");
  EXPECT_EQ(pragma(path, "integrity_check"), "ok");
}

TEST(Database, InMemoryCopyOfAWalFileKeepsItsWritesWhenPersisted) {
  test::temp_dir dir;
  auto path = dir.file("imported.db");
  // A file an import (full durability, WAL mode) wrote and closed cleanly:
  // its header says WAL, its WAL is merged.
  {
    auto full = database::open(path, database_kind::test, two_steps,
                               durability::full);
    ASSERT_TRUE(full) << describe(full.error());
    (*full)->handle().exec("INSERT INTO a VALUES (1)");
  }
  auto mem = open_in_memory(path);
  ASSERT_TRUE(mem);
  mem->handle().exec("INSERT INTO a VALUES (2)");
  ASSERT_FALSE(mem->persist());
  mem.reset();
  // Kept in WAL mode, the memdb wrote row 2 to a WAL of its own that the
  // image persist writes does not contain.
  EXPECT_EQ(values_in_file(path), "1,2");
}
