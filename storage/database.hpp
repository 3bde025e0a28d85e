#pragma once

// The SQLite plumbing shared by the HQ, channel and offline databases: open
// with explicit durability, migrate by `PRAGMA user_version`, run writes in
// `BEGIN IMMEDIATE` transactions, and turn SQLite failures into retailsim
// errors that name the database file.

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "caf/error.hpp"
#include "caf/expected.hpp"
#include "caf/timestamp.hpp"

namespace retailsim::storage {

/// How hard a commit must hit the disk before it returns.
///
/// | setting   | PRAGMA synchronous | use where                                 |
/// |-----------|--------------------|-------------------------------------------|
/// | full      | FULL               | an acknowledgement depends on the write (realtime runs, the default) |
/// | simulated | OFF                | virtual-time runs (terminals' offline databases, channels kept on disk): no crash is modelled. The file is locked exclusively for as long as it is open, and its rollback journal is kept in memory (one file descriptor, not two), so a process killed in the middle of a commit may leave the file damaged. |
/// | in_memory | -                  | virtual-time runs of HQ and channels: the database works in memory (loaded from its file if there is one) and is written to its file by persist() |
enum class durability : uint8_t { full, simulated, in_memory };

/// Which retailsim database a file is, stored as its SQLite application_id.
enum class database_kind : int32_t {
  hq = 0x52534851,       // "RSHQ"
  channel = 0x52534348,  // "RSCH"
  offline = 0x52534F46,  // "RSOF"
  test = 0x52535454,     // "RSTT"
};

const char* to_string(database_kind kind);

/// Thrown by code inside write() to refuse the write with a retailsim
/// error: the transaction rolls back and write() returns the error.
class refusal : public std::exception {
public:
  explicit refusal(caf::error err) : err_(std::move(err)) {
  }

  const caf::error& error() const {
    return err_;
  }

  const char* what() const noexcept override {
    return "write refused";
  }

private:
  caf::error err_;
};

/// One database file (or ":memory:") with its schema at the newest version.
class database {
public:
  /// Opens or creates `path`, checks that it is a database of `kind` (its
  /// `PRAGMA application_id`; a new file gets it), applies the missing
  /// `migrations` (migration i brings the schema to version i + 1) each in
  /// its own transaction, and sets WAL, foreign keys and `durability`. Fails
  /// with wrong_database_kind, schema_too_new, or storage_failure; a refused
  /// file is left as it was.
  static caf::expected<std::unique_ptr<database>>
  open(const std::string& path, database_kind kind,
       const std::vector<std::string>& migrations, durability mode);

  /// in_memory databases: writes the whole database to its file (replacing
  /// it). Others: nothing to do.
  caf::error persist();

  /// The schema version stored in the file (`PRAGMA user_version`).
  int schema_version();

  const std::string& path() const {
    return path_;
  }

  SQLite::Database& handle() {
    return db_;
  }

  /// A prepared statement for `sql`, compiled once per connection. The handle
  /// resets it (ending its read) when it goes out of scope; bindings are
  /// cleared on every call. Do not hold two uses of one SQL text at once.
  class statement_ref {
  public:
    explicit statement_ref(SQLite::Statement& stmt) : stmt_(&stmt) {
    }
    statement_ref(const statement_ref&) = delete;
    statement_ref& operator=(const statement_ref&) = delete;
    ~statement_ref() {
      try {
        stmt_->reset();
      } catch (...) {
        // reset() reports the last step's error again; it was handled then.
      }
    }
    template <class... Ts>
    void bind(Ts&&... xs) {
      stmt_->bind(std::forward<Ts>(xs)...);
    }
    int exec() {
      return stmt_->exec();
    }
    bool executeStep() {
      return stmt_->executeStep();
    }
    SQLite::Column getColumn(int index) {
      return stmt_->getColumn(index);
    }
    /// Readies the statement for another execution with new bindings.
    void reset() {
      stmt_->reset();
      stmt_->clearBindings();
    }

  private:
    SQLite::Statement* stmt_;
  };

  statement_ref statement(const std::string& sql);

  /// The same for SQL in a string literal, found by its address (only
  /// arrays bind here, so a c_str() of a temporary never can).
  template <size_t N>
  statement_ref statement(const char (&sql)[N]) {
    return literal_statement(sql);
  }

  /// Runs `f()` inside BEGIN IMMEDIATE ... COMMIT; rolls back if `f` throws
  /// or returns an error. SQLite failures become storage_failure, constraint
  /// violations of a UNIQUE or PRIMARY KEY uniqueness_violation. Inside a
  /// transaction already (a piece of a group commit, see write_each), `f()`
  /// runs in a savepoint instead, undone alone if it fails.
  template <class F>
  caf::error write(const char* what, F&& f) {
    if (in_transaction_) {
      statement("SAVEPOINT piece").exec();
      auto err = translated(what, std::forward<F>(f));
      if (err)
        statement("ROLLBACK TO piece").exec();
      statement("RELEASE piece").exec();
      return err;
    }
    try {
      begin_immediate();
      caf::error err = f();
      if (err) {
        rollback();
        return err;
      }
      commit();
      return {};
    } catch (const refusal& r) {
      rollback();
      return r.error();
    } catch (const SQLite::Exception& e) {
      rollback();
      return translate(e, what);
    } catch (const std::exception& e) {
      rollback();
      return failure(what, e.what());
    }
  }

  /// Runs `f(0)` ... `f(n - 1)` in one transaction (a group commit), each
  /// item with an outcome of its own: the error that refused it, or none
  /// when it was committed. All at once first: a savepoint per item copies
  /// every page it touches, which would cost every group for the rare one
  /// with a refusal. Such a group is rolled back and written again, each
  /// item in a savepoint, so that a refused one is undone alone; `f` may
  /// therefore run twice for an item and must start its outcome afresh.
  template <class F>
  std::vector<caf::error> write_each(const char* what, size_t n, F&& f) {
    std::vector<caf::error> out(n);
    auto failed = write(what, [&]() -> caf::error {
      for (size_t i = 0; i < n; ++i)
        if (auto err = f(i))
          return err;
      return {};
    });
    if (!failed)
      return out;
    if (n == 1) {
      out[0] = std::move(failed);
      return out;
    }
    auto err = write(what, [&]() -> caf::error {
      for (size_t i = 0; i < n; ++i) {
        statement("SAVEPOINT item").exec();
        out[i] = translated(what, [&] { return f(i); });
        if (out[i])
          statement("ROLLBACK TO item").exec();
        statement("RELEASE item").exec();
      }
      return {};
    });
    if (err)
      out.assign(n, err);
    return out;
  }

  /// Transactions committed on this connection (by write(), write_each()
  /// and write_one()): what a group commit saves shows here.
  uint64_t commits() const {
    return commits_;
  }

  /// Runs `f()`, which executes exactly one writing statement, in SQLite's
  /// own transaction for that statement (atomic alone; BEGIN and COMMIT
  /// around it would only add two statements); failures as for `write`.
  template <class F>
  caf::error write_one(const char* what, F&& f) {
    auto err = translated(what, std::forward<F>(f));
    if (!err && !in_transaction_)
      ++commits_;
    return err;
  }

  /// Runs a read-only `f()` (one statement or a deferred transaction),
  /// translating SQLite failures like `write`.
  template <class F>
  caf::error read(const char* what, F&& f) {
    return translated(what, std::forward<F>(f));
  }

  /// A storage_failure about this file and operation.
  caf::error failure(const char* what, const std::string& detail) const;

private:
  database(const std::string& path, const std::string& open_path, int flags);

  /// `f()`, with SQLite failures translated as `write` does.
  template <class F>
  caf::error translated(const char* what, F&& f) {
    try {
      return f();
    } catch (const refusal& r) {
      return r.error();
    } catch (const SQLite::Exception& e) {
      return translate(e, what);
    } catch (const std::exception& e) {
      return failure(what, e.what());
    }
  }

  statement_ref literal_statement(const char* sql);

  void begin_immediate();
  void commit();
  void rollback() noexcept;
  caf::error translate(const SQLite::Exception& e, const char* what) const;

  std::string path_;
  SQLite::Database db_;
  // Declared after db_: statements must be finalised before the connection.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>>
    statements_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>>
    literal_statements_;
  bool in_transaction_ = false;
  bool in_memory_ = false;
  uint64_t commits_ = 0;
};

/// Timestamps are stored as nanoseconds since the epoch (INTEGER).
int64_t to_db_time(caf::timestamp t);
caf::timestamp from_db_time(int64_t ns);

} // namespace retailsim::storage
