// genscope --serve and genscope --connect as a user runs them: a server trains with no window
// and prints where it listens and its token; a viewer's window opens on that run under Xvfb,
// shows its samples and takes a screenshot; the server goes on until SIGTERM.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "record/png.h"
#include "support/child.h"
#include "support/test_files.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

[[maybe_unused]] const bool kCleanup = test::remove_when_all_pass("remote");
std::string temp_dir() { return test::process_dir("remote"); }

// The word after `label` on its line of `text` ("" when there is none).
std::string word_after(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return {};
  at += label.size();
  size_t end = text.find_first_of(" \n", at);
  return text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST(Remote, AViewersWindowShowsTheServersRunAndTheServerGoesOn) {
  if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string dir = temp_dir();
  const std::string data = test::write_squares_dataset(dir + "/squares");
  test::Child server = test::Child::start(
      {"--serve", "--listen", "127.0.0.1:0", "--dataset", data, "--width", "8", "--out",
       dir + "/served"},
      dir + "/serve.log", dir + "/runs");
  std::string address, token;
  ASSERT_TRUE(test::poll_until(server, 60, [&] {
    const std::string log = test::read_text(server.log);
    address = word_after(log, "view it with: genscope --connect ");
    token = word_after(log, "--token ");
    return !address.empty() && !token.empty();
  })) << test::read_text(server.log);
  EXPECT_EQ(address.rfind("127.0.0.1:", 0), 0u) << "loopback unless asked otherwise";
  EXPECT_EQ(token.size(), 32u);

  // A wrong token: a one-line error, exit 1, and the server serves on.
  test::Child intruder = test::Child::start(
      {"--connect", address, "--token", "nope", "--screenshot", dir + "/no.png"},
      dir + "/intruder.log", dir + "/runs");
  const int refused = intruder.wait(60);
  ASSERT_TRUE(WIFEXITED(refused)) << test::read_text(intruder.log);
  EXPECT_EQ(WEXITSTATUS(refused), 1) << test::read_text(intruder.log);
  EXPECT_NE(test::read_text(intruder.log).find("refused this viewer's token"), std::string::npos)
      << test::read_text(intruder.log);

  const std::string shot = dir + "/viewer.png";
  test::Child viewer = test::Child::start(
      {"--connect", address, "--token", token, "--window-size", "1024x600", "--screenshot", shot,
       "--screenshot-step", "30"},
      dir + "/viewer.log", dir + "/runs");
  const int viewed = viewer.wait(120);
  ASSERT_TRUE(WIFEXITED(viewed)) << test::read_text(viewer.log);
  ASSERT_EQ(WEXITSTATUS(viewed), 0) << test::read_text(viewer.log);
  auto png = read_png_rgba(shot);
  ASSERT_TRUE(png.ok()) << png.error();
  EXPECT_EQ(png->width, 1024);
  // The sample grid is there: many gray levels (the UI has a few flat colours).
  std::set<int> grays;
  for (size_t i = 0; i + 3 < png->pixels.size(); i += 4) {
    const uint8_t* p = &png->pixels[i];
    if (p[0] == p[1] && p[1] == p[2]) grays.insert(p[0]);
  }
  EXPECT_GT(grays.size(), 60u);
  EXPECT_TRUE(server.running()) << "a viewer leaving does not end the server";
  EXPECT_TRUE(fs::exists(dir + "/served/metrics.csv"));

  ASSERT_EQ(kill(server.pid, SIGTERM), 0);
  const int status = server.wait(60);
  ASSERT_TRUE(WIFEXITED(status)) << test::read_text(server.log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << test::read_text(server.log);
  const std::string log = test::read_text(server.log);
  EXPECT_NE(log.find("served 1 viewer connection(s)"), std::string::npos) << log;
  EXPECT_NE(log.find("wrong token"), std::string::npos) << log;
}

}  // namespace
