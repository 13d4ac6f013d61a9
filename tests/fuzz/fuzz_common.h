#pragma once
// Helpers shared by the libFuzzer targets: a scratch file per process for parsers that read
// files, so each input is written once and read back the way a user's file is.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace genscope::fuzz {

/// Writes `data` to a file named `name` in this process's scratch folder; returns its path.
inline std::string scratch_file(const std::string& name, const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    const char* base = std::getenv("TMPDIR");
    return std::string(base && *base ? base : "/tmp") + "/genscope-fuzz-" +
           std::to_string(::getpid());
  }();
  const std::string path = dir + "/" + name;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace genscope::fuzz
