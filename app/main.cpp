// The `retailsim` command line: subcommands validate their flags before they
// touch anything, and say what is wrong and where.

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <sqlite3.h>
#include <sys/resource.h>

#include "app/decode_command.hpp"
#include "app/import_command.hpp"
#include "app/report_command.hpp"
#include "app/run_command.hpp"
#include "app/sweep_command.hpp"

namespace {

std::string version_text() {
  return std::string{"retailsim "} + RETAILSIM_VERSION + " (CAF "
         + CAF_VERSION_TEXT + ", SQLite " + sqlite3_libversion() + ")";
}

/// As many open files as the system allows this process: a large chain
/// keeps a database file open per store (channels on disk) and per
/// terminal that went offline, beyond the usual soft limit of 1,024.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0
      && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

} // namespace

int main(int argc, char** argv) {
  raise_open_file_limit();
  CLI::App app{"retailsim: actor-based multi-store retail simulator, load-test "
               "harness and reference implementation of POS customer "
               "management.",
               "retailsim"};
  app.set_version_flag("--version", version_text());
  app.footer("Documentation: README.md, docs/architecture.md, docs/actors.md.");
  app.require_subcommand(0, 1);
  int exit_code = 0;
  retailsim::add_run_command(app, exit_code);
  retailsim::add_validate_command(app, exit_code);
  retailsim::add_sweep_command(app, exit_code);
  retailsim::add_import_command(app, exit_code);
  retailsim::add_report_command(app, exit_code);
  retailsim::add_decode_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; every bad flag with 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (app.get_subcommands().empty())
    std::cout << app.help();
  return exit_code;
}
