// The `retailsim` command line. Subcommands (run, import, ...) are added here
// as the layers below them land; each one validates its flags before it
// touches anything.

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <sqlite3.h>

namespace {

std::string version_text() {
  return std::string{"retailsim "} + RETAILSIM_VERSION + " (CAF "
         + CAF_VERSION_TEXT + ", SQLite " + sqlite3_libversion() + ")";
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"retailsim: actor-based multi-store retail simulator, load-test "
               "harness and reference implementation of POS customer "
               "management.",
               "retailsim"};
  app.set_version_flag("--version", version_text());
  app.footer("Documentation: docs/architecture.md. Subcommands arrive with "
             "the simulator (see README.md).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (argc == 1) {
    std::cout << app.help();
  }
  return 0;
}
