#include "support/test_files.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "data/idx.h"

namespace fs = std::filesystem;

namespace genscope::test {
namespace {

class RemoveWhenAllPass : public ::testing::Environment {
 public:
  explicit RemoveWhenAllPass(std::string dir) : dir_(std::move(dir)) {}
  void TearDown() override {
    std::error_code ignored;
    if (::testing::UnitTest::GetInstance()->Passed()) fs::remove_all(dir_, ignored);
  }

 private:
  std::string dir_;
};

}  // namespace

std::string process_dir(const std::string& stem) {
  const std::string dir = std::string(GENSCOPE_TEST_TMP) + "/" + stem + "_" + std::to_string(getpid());
  fs::create_directories(dir);
  return dir;
}

bool remove_when_all_pass(const std::string& stem) {
  static std::set<std::string> registered;
  if (registered.insert(stem).second) {
    ::testing::AddGlobalTestEnvironment(new RemoveWhenAllPass(process_dir(stem)));
  }
  return true;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string unwrapped(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
    if (text.compare(i + 1, 2, "# ") == 0) i += 2;  // a wrapped config comment
    out += ' ';
  }
  return out;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.push_back("");  // a last empty cell
  return out;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> missing(const std::vector<std::string>& names,
                                 std::initializer_list<const char*> wanted) {
  std::vector<std::string> out;
  for (const char* w : wanted) {
    if (std::find(names.begin(), names.end(), w) == names.end()) out.push_back(w);
  }
  return out;
}

std::vector<std::string> rows_without_time(const std::string& path) {
  std::istringstream in(read_text(path));
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells = split(line, ',');
    if (cells.size() > 2) cells.erase(cells.begin() + 2);
    std::string kept;
    for (const std::string& c : cells) kept += c + ",";
    rows.push_back(kept);
  }
  return rows;
}

RunResult run_genscope(const std::string& args, const std::string& log,
                       const std::string& env_prefix, const std::string& cwd) {
  // The window keeps its layout in $XDG_CONFIG_HOME/genscope: tests keep theirs in test_tmp.
  const std::string config = "XDG_CONFIG_HOME=" + std::string(GENSCOPE_TEST_TMP) + "/config";
  // Runs without --out make their run directories in test_tmp, not in the build folder.
  const std::string runs = args.find("--runs-dir") == std::string::npos
                               ? " --runs-dir " + std::string(GENSCOPE_TEST_TMP) + "/runs"
                               : "";
  const std::string cmd = (cwd.empty() ? "" : "cd '" + cwd + "' && ") + config + " " + env_prefix + (env_prefix.empty() ? "" : " ") +
                          GENSCOPE_BINARY + " " + args + runs + " > " + log + " 2>&1";
  const int status = std::system(cmd.c_str());
  RunResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = read_text(log);
  return r;
}

std::string write_squares_dataset(const std::string& dir) {
  fs::create_directories(dir);
  IdxArray images{{512, 28, 28}, std::vector<uint8_t>(512 * 784, 0)};
  IdxArray labels{{512}, std::vector<uint8_t>(512, 0)};
  for (int n = 0; n < 512; ++n) {
    int x0 = n % 16, y0 = (n / 16) % 16;
    for (int y = y0; y < y0 + 12; ++y) {
      for (int x = x0; x < x0 + 12; ++x) images.data[n * 784 + y * 28 + x] = 200 + n % 56;
    }
    labels.data[n] = n % 10;
  }
  EXPECT_TRUE(write_idx(dir + "/train-images-idx3-ubyte.gz", images).ok());
  EXPECT_TRUE(write_idx(dir + "/train-labels-idx1-ubyte.gz", labels).ok());
  return dir;
}

std::string write_labelled_dataset(const std::string& dir, int train, int test) {
  fs::create_directories(dir);
  const auto write = [&](const std::string& prefix, int count, int seed) {
    IdxArray images{{count, 28, 28}, std::vector<uint8_t>(size_t(count) * 784, 0)};
    IdxArray labels{{count}, std::vector<uint8_t>(count, 0)};
    for (int n = 0; n < count; ++n) {
      const int c = n % 10;
      const int x0 = 2 + (c % 5) * 5 + (n * 7 + seed) % 3, y0 = 4 + (c / 5) * 12 + (n * 3 + seed) % 3;
      for (int y = y0; y < std::min(28, y0 + 8); ++y)
        for (int x = x0; x < std::min(28, x0 + 8); ++x) images.data[size_t(n) * 784 + y * 28 + x] = 230;
      labels.data[n] = static_cast<uint8_t>(c);
    }
    EXPECT_TRUE(write_idx(dir + "/" + prefix + "-images-idx3-ubyte.gz", images).ok());
    EXPECT_TRUE(write_idx(dir + "/" + prefix + "-labels-idx1-ubyte.gz", labels).ok());
  };
  write("train", train, 0);
  write("t10k", test, 1);
  return dir;
}

ImageRGBA solid_image(int w, int h, Rgb c) {
  ImageRGBA image{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * h * 4)};
  for (size_t i = 0; i < image.pixels.size(); i += 4) {
    for (int k = 0; k < 3; ++k) image.pixels[i + k] = static_cast<uint8_t>(c[k]);
    image.pixels[i + 3] = 255;
  }
  return image;
}

}  // namespace genscope::test
