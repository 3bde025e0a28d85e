#include "storage/database.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include "model/error.hpp"

namespace retailsim::storage {

database::database(const std::string& path, const std::string& open_path,
                   int flags)
  : path_(path), db_(open_path, flags) {
  // Concurrent writers (P-job and terminals on one channel) wait, not fail.
  db_.setBusyTimeout(5000);
}

const char* to_string(database_kind kind) {
  switch (kind) {
    case database_kind::hq: return "HQ";
    case database_kind::channel: return "channel";
    case database_kind::offline: return "offline";
    case database_kind::test: return "test";
  }
  return "unknown";
}

caf::expected<std::unique_ptr<database>>
database::open(const std::string& path, database_kind kind,
               const std::vector<std::string>& migrations, durability mode) {
  // Before SQLite initialises (the first open): no global memory statistics.
  // Keeping them takes a process-wide mutex at every allocation SQLite
  // makes; nothing here reads them (the 1,000-store day: 81.8 s -> 76.4 s).
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  std::unique_ptr<database> db;
  // Works in memory: an in_memory database, or one without a file at all.
  bool memdb = mode == durability::in_memory || path == ":memory:";
  // Works in memory but belongs to a file: loaded from it, persisted to it.
  bool in_memory = memdb && path != ":memory:";
  try {
    // In-memory databases use the memdb VFS, not ":memory:": SQLite 3.40
    // walks the whole page cache of a ":memory:" database at every commit,
    // so its commits slow down as it grows (measured: 4 us per one-row
    // commit at 50 k rows, 15 us at 200 k; memdb stays at 4-6 us). A URI
    // without a leading '/' keeps each memdb private to its connection.
    // NOMUTEX: a connection is used by one thread at a time (its actor, or
    // work the actor handed to the pool and waits for); SQLite's per-call
    // mutex bought nothing but its cost.
    db.reset(new database(path, memdb ? "file:retailsim?vfs=memdb" : path,
                          SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE
                            | SQLite::OPEN_NOMUTEX
                            | (memdb ? SQLite::OPEN_URI : 0)));
    if (memdb) {
      // memdb refuses to grow past 1 GiB by default; a day of a large
      // chain's HQ may need more, and RAM is the only real bound.
      sqlite3_int64 limit = int64_t{64} << 30;
      sqlite3_file_control(db->handle().getHandle(), "main",
                           SQLITE_FCNTL_SIZE_LIMIT, &limit);
    }
    // SQLite opens a file it may not write read-only, without a word, and
    // its first read then leaves -wal and -shm files behind. Refuse before
    // anything is read.
    if (!memdb && sqlite3_db_readonly(db->handle().getHandle(), "main") == 1)
      return make_error(ec::storage_failure, path,
                        "cannot write to it (read-only file or folder); "
                        "nothing was changed");
    db->in_memory_ = in_memory;
    std::error_code ignored;
    if (in_memory && std::filesystem::exists(path, ignored))
      db->handle().backup(path.c_str(), SQLite::Database::Load);
  } catch (const SQLite::Exception& e) {
    return make_error(ec::storage_failure, path,
                      std::string{"cannot open: "} + e.what());
  }
  auto err = db->read("configure", [&]() -> caf::error {
    auto& h = db->handle();
    if (memdb) {
      // Nobody else can see a private memdb: skip its per-transaction locks.
      h.exec("PRAGMA locking_mode = EXCLUSIVE");
      h.exec("PRAGMA synchronous = OFF");
      // A memdb loaded from a WAL-mode file (one a realtime run or an
      // import wrote) would stay in WAL mode and keep its writes in a WAL
      // of its own, which the image persist() writes does not contain.
      h.exec("PRAGMA journal_mode = MEMORY");
      // The memdb already holds every page; SQLite's page cache would keep a
      // second copy of up to 2 MB per database. With 1,000 stores that
      // doubled the memory a day touches: 64 KB ran the 300-store day
      // 12-18% faster than the default 2 MB, in 26% less RAM (256 KB and
      // 1 MB were no faster than 64 KB).
      h.exec("PRAGMA cache_size = -64");
    } else if (mode == durability::simulated) {
      // One process owns a simulated run's files: take the file locks once
      // instead of at every transaction.
      h.exec("PRAGMA locking_mode = EXCLUSIVE");
      h.exec("PRAGMA synchronous = OFF");
      // A rollback journal in memory: one file descriptor per database,
      // not two (10,000 stores' channels on disk stay within this
      // machine's limit of 20,000), and a crash is not modelled anyway.
      h.exec("PRAGMA journal_mode = MEMORY");
      // Thousands of these may be open at once (a large chain's channels
      // on disk): the OS caches their files; SQLite's default 2 MB each
      // would hold 20 GB for 10,000 stores. HQ is one database that every
      // creation and search reads: 16 MB keeps its indexes' upper pages
      // and recent rows without a read() each. Not more: every commit
      // costs time in proportion to the pages cached (SQLite 3.40 walks
      // its page cache as a transaction ends: 59 us a commit with 16 MB,
      // 261 us with 256 MB, on a 265 MB database), and HQ commits at every
      // creation.
      h.exec(kind == database_kind::hq ? "PRAGMA cache_size = -16384"
                                       : "PRAGMA cache_size = -256");
    } else {
      h.exec("PRAGMA synchronous = FULL");
    }
    if (mode == durability::full && path != ":memory:" && !path.empty())
      h.exec("PRAGMA journal_mode = WAL");
    // Savepoints and statements keep the pages they change in a journal of
    // their own; in a temporary file that cost a write() per page, most
    // of a batched creation's time (HQ's group commit: 10,800 creations/s
    // in batches of 1,000 with it, 44,000/s without).
    h.exec("PRAGMA temp_store = MEMORY");
    h.exec("PRAGMA foreign_keys = ON");
    return {};
  });
  if (err)
    return err;
  int version = db->schema_version();
  if (version < 0)
    return make_error(ec::storage_failure, path, "cannot read user_version");
  int32_t app_id = 0;
  err = db->read("read application_id", [&]() -> caf::error {
    app_id = db->handle().execAndGet("PRAGMA application_id").getInt();
    return {};
  });
  if (err)
    return err;
  auto expected_id = static_cast<int32_t>(kind);
  if (app_id != expected_id && !(app_id == 0 && version == 0)) {
    std::string found = "another kind of file";
    for (auto k : {database_kind::hq, database_kind::channel,
                   database_kind::offline, database_kind::test})
      if (app_id == static_cast<int32_t>(k))
        found = std::string{"a retailsim "} + to_string(k) + " database";
    return make_error(ec::wrong_database_kind, path,
                      std::string{"expected a retailsim "} + to_string(kind)
                        + " database, found " + found);
  }
  if (static_cast<size_t>(version) > migrations.size())
    return make_error(ec::schema_too_new, path,
                      "schema version " + std::to_string(version)
                        + ", this retailsim knows up to "
                        + std::to_string(migrations.size()));
  for (auto i = static_cast<size_t>(version); i < migrations.size(); ++i) {
    auto step = db->write("migrate", [&]() -> caf::error {
      db->handle().exec(migrations[i]);
      db->handle().exec("PRAGMA user_version = " + std::to_string(i + 1));
      if (i == 0)
        db->handle().exec("PRAGMA application_id = "
                          + std::to_string(expected_id));
      return {};
    });
    if (step)
      return step;
  }
  return db;
}

database::statement_ref database::literal_statement(const char* sql) {
  // String literals have stable addresses: look them up without hashing the
  // text (the SQL of a hot statement is hundreds of characters long).
  auto& slot = literal_statements_[sql];
  if (!slot) {
    slot = std::make_unique<SQLite::Statement>(db_, sql);
  } else {
    slot->clearBindings();
  }
  return statement_ref{*slot};
}

database::statement_ref database::statement(const std::string& sql) {
  auto& slot = statements_[sql];
  if (!slot) {
    slot = std::make_unique<SQLite::Statement>(db_, sql);
  } else {
    slot->clearBindings();
  }
  return statement_ref{*slot};
}

caf::error database::persist() {
  if (!in_memory_)
    return {};
  std::error_code ignored;
  auto wal = path_ + "-wal";
  if (std::filesystem::file_size(wal, ignored) > 0 && !ignored) {
    // Someone left the file with unmerged WAL frames: let SQLite's backup
    // replace it, which merges them first.
    try {
      db_.backup(path_.c_str(), SQLite::Database::Save);
    } catch (const SQLite::Exception& e) {
      return make_error(ec::storage_failure, path_,
                        std::string{"cannot write the database: "}
                          + e.what());
    }
    return {};
  }
  // Write the memdb image in one piece to a temporary file, sync it, and
  // rename it over the old file: the file on disk is the old database or
  // the new one, never half of each.
  sqlite3_int64 size = 0;
  auto* image = sqlite3_serialize(db_.getHandle(), "main", &size,
                                  SQLITE_SERIALIZE_NOCOPY);
  if (image == nullptr)
    return make_error(ec::storage_failure, path_,
                      "cannot write the database: no contiguous image");
  auto tmp = path_ + ".tmp";
  auto fail = [&](const char* step) {
    auto reason = std::string{step} + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return make_error(ec::storage_failure, path_,
                      "cannot write the database: " + reason);
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail("cannot create");
  for (sqlite3_int64 done = 0; done < size;) {
    auto n = ::write(fd, image + done, static_cast<size_t>(size - done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ::close(fd);
      return fail("cannot write");
    }
    done += n;
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return fail("cannot sync");
  }
  if (::close(fd) != 0)
    return fail("cannot close");
  if (::rename(tmp.c_str(), path_.c_str()) != 0)
    return fail("cannot rename");
  std::filesystem::remove(path_ + "-shm", ignored);
  return {};
}

int database::schema_version() {
  try {
    return db_.execAndGet("PRAGMA user_version").getInt();
  } catch (const SQLite::Exception&) {
    return -1;
  }
}

void database::begin_immediate() {
  statement("BEGIN IMMEDIATE").exec();
  in_transaction_ = true;
}

void database::commit() {
  statement("COMMIT").exec();
  in_transaction_ = false;
  ++commits_;
}

void database::rollback() noexcept {
  if (!in_transaction_)
    return;
  in_transaction_ = false;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {
    // The transaction is gone already (SQLite rolled it back itself).
  }
}

caf::error database::failure(const char* what,
                             const std::string& detail) const {
  return make_error(ec::storage_failure, path_,
                    std::string{what} + ": " + detail);
}

caf::error database::translate(const SQLite::Exception& e,
                               const char* what) const {
  auto code = e.getExtendedErrorCode();
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    return make_error(ec::uniqueness_violation, path_,
                      std::string{what} + ": " + e.what());
  return failure(what, e.what());
}

int64_t to_db_time(caf::timestamp t) {
  return t.time_since_epoch().count();
}

caf::timestamp from_db_time(int64_t ns) {
  return caf::timestamp{caf::timestamp::duration{ns}};
}

} // namespace retailsim::storage
