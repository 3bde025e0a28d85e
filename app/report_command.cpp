#include "app/report_command.hpp"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "model/error.hpp"
#include "reports/html_report.hpp"
#include "storage/files.hpp"

namespace retailsim {

namespace {

struct report_flags {
  std::vector<std::string> dirs;
  std::string output;
};

} // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<report_flags>();
  auto* cmd = app.add_subcommand(
    "report",
    "Write report.html, a page that opens without a network: of one run "
    "(its folder, with results.json), of several runs side by side, or of "
    "a sweep (its folder, with sweep.json).");
  cmd->add_option("DIR", flags->dirs,
                  "Run folders (results.json), or one sweep folder "
                  "(sweep.json)")
    ->required();
  cmd->add_option("--output", flags->output,
                  "Where to write the page (default: DIR/report.html for "
                  "one folder, report.html here for several)")
    ->type_name("FILE");
  cmd->callback([flags, &exit_code] {
    namespace fs = std::filesystem;
    const auto& dirs = flags->dirs;
    std::error_code ignored;
    for (const auto& d : dirs)
      if (!fs::is_directory(d, ignored)) {
        std::cerr << "retailsim report: '" << d << "' is not a folder\n";
        exit_code = 2;
        return;
      }
    bool is_sweep = dirs.size() == 1
                    && fs::exists(fs::path{dirs[0]} / "sweep.json", ignored);
    auto html = is_sweep ? sweep_report(dirs[0]) : runs_report(dirs);
    if (!html) {
      std::cerr << "retailsim report: " << describe(html.error()) << "\n";
      exit_code = 2;
      return;
    }
    auto out = !flags->output.empty() ? flags->output
               : dirs.size() == 1
                 ? (fs::path{dirs[0]} / "report.html").string()
                 : std::string{"report.html"};
    if (auto err = storage::replace_file(out, *html)) {
      std::cerr << "retailsim report: " << describe(err) << "\n";
      exit_code = 2;
      return;
    }
    std::cout << "report: " << out << "\n";
  });
}

} // namespace retailsim
