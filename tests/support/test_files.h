#pragma once
// Test support shared by the test executables: per-process scratch directories (ctest runs cases
// in parallel processes), running the genscope binary, and a small IDX dataset.
#include <array>
#include <initializer_list>
#include <string>
#include <vector>

#include "util/image.h"

namespace genscope::test {

/// GENSCOPE_TEST_TMP/<stem>_<pid>, created if missing: every file a case writes is named for its
/// process, so parallel cases never see each other's files.
std::string process_dir(const std::string& stem);

/// Registers (once per stem) a test environment that removes process_dir(stem) when every case
/// of the process passed; after a failure it stays for a look. Returns true, so it can
/// initialise a static.
bool remove_when_all_pass(const std::string& stem);

/// The names in folder `dir`, sorted.
std::vector<std::string> names_in(const std::string& dir);
/// Those of `wanted` that are not among `names` (empty: all there).
std::vector<std::string> missing(const std::vector<std::string>& names,
                                 std::initializer_list<const char*> wanted);
/// metrics.csv's lines without the wall_s column (the one value a rerun cannot repeat), each
/// cell followed by ','.
std::vector<std::string> rows_without_time(const std::string& path);

/// The whole file as bytes (empty when it cannot be read).
std::string read_text(const std::string& path);

/// The text with its wrapped lines joined again: every newline, the indentation after it and a
/// config comment's "# " become one space, so a phrase that --help or --print-config wraps can be
/// searched for.
std::string unwrapped(const std::string& text);

/// Splits `line` at `sep` (no quoting).
std::vector<std::string> split(const std::string& line, char sep = ',');

/// The genscope binary's exit code and everything it printed.
struct RunResult {
  int code = -1;
  std::string output;
};

/// Runs GENSCOPE_BINARY with `args` through the shell, `env_prefix` (e.g. "env -u DISPLAY")
/// before it, stdout and stderr into `log`.
RunResult run_genscope(const std::string& args, const std::string& log,
                       const std::string& env_prefix = "", const std::string& cwd = "");

/// An RGB colour with components 0..255.
using Rgb = std::array<int, 3>;
/// A w x h image of one opaque colour.
ImageRGBA solid_image(int w, int h, Rgb c);

/// Writes a small MNIST-format dataset of bright squares (512 images 28x28, labels n % 10,
/// gzipped like Debian's files) into `dir` and returns `dir`.
std::string write_squares_dataset(const std::string& dir);

/// Writes a labelled dataset with a test split into `dir` (returned): 28x28 images of class
/// c = n % 10 with an 8x8 bright square in cell c of a 5x2 grid, jittered by up to 2 pixels;
/// `train` and `test` images.
std::string write_labelled_dataset(const std::string& dir, int train = 600, int test = 200);

}  // namespace genscope::test
