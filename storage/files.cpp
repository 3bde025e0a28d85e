#include "storage/files.hpp"

#include <filesystem>
#include <fstream>

#include "model/error.hpp"

namespace retailsim::storage {

caf::error replace_file(const std::string& path, const std::string& text) {
  auto tmp = path + ".tmp";
  std::error_code ignored;
  {
    std::ofstream file{tmp, std::ios::binary};
    file << text;
    if (!file) {
      std::filesystem::remove(tmp, ignored);
      return make_error(ec::storage_failure, path, "cannot write");
    }
  }
  std::error_code err;
  std::filesystem::rename(tmp, path, err);
  if (err) {
    std::filesystem::remove(tmp, ignored);
    return make_error(ec::storage_failure, path, err.message());
  }
  return {};
}

} // namespace retailsim::storage
