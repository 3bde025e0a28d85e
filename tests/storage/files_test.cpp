// Result files are written whole or not at all.
#include "storage/files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "model/error.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;

namespace {

std::string read(const std::string& path) {
  std::ifstream in{path};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

TEST(ReplaceFile, WritesTheWholeTextOverTheOldFile) {
  test::temp_dir dir;
  auto path = dir.file("metrics.prom");
  ASSERT_FALSE(storage::replace_file(path, "old\n"));
  ASSERT_FALSE(storage::replace_file(path, "new text\n"));
  EXPECT_EQ(read(path), "new text\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(ReplaceFile, AFolderItCannotWriteToIsAnErrorNamingThePath) {
  test::temp_dir dir;
  auto path = dir.file("missing/report.html");
  auto err = storage::replace_file(path, "<html>");
  ASSERT_TRUE(err);
  EXPECT_NE(describe(err).find(path), std::string::npos) << describe(err);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  // A folder where the file should be: the folder stays, nothing else.
  auto taken = dir.file("taken");
  std::filesystem::create_directory(taken);
  EXPECT_TRUE(storage::replace_file(taken, "x"));
  EXPECT_TRUE(std::filesystem::is_directory(taken));
  EXPECT_FALSE(std::filesystem::exists(taken + ".tmp"));
}
