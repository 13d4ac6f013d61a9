// Runs the real genscope binary with --record: lockstep recordings under Xvfb, headless (EGL)
// recordings with no X server, a recording ended by SIGTERM or cut short by SIGKILL, bad paths,
// and GIF output. Videos are decoded back with libavformat (tests/support/video_decode.h), GIFs
// with stb_image.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "support/child.h"
#include "support/test_files.h"
#include "support/video_decode.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

using test::Child;
using test::poll_until;
using Clock = std::chrono::steady_clock;

using test::read_text;
using test::RunResult;
using test::split;

// ctest runs every case in its own process, several at once: all files a case writes live in a
// directory named for its process, removed when every case passed (kept for a look otherwise).
std::string temp_dir() { return test::process_dir("recording"); }
[[maybe_unused]] const bool kCleanup = test::remove_when_all_pass("recording");

// Runs genscope through the shell (`env_prefix`, e.g. "env -u DISPLAY", goes before it) and
// returns its exit code and everything it printed.
RunResult run(const std::string& args, const std::string& env_prefix = "") {
  return test::run_genscope(args, temp_dir() + "/run.log", env_prefix);
}

// A small MNIST-format dataset of bright squares, gzipped like Debian's files.
std::string write_dataset() { return test::write_squares_dataset(temp_dir() + "/data"); }

bool have_display() { return std::getenv("DISPLAY") != nullptr; }

std::string frames_csv(const std::string& video) {
  fs::path p(video);
  return (p.parent_path() / (p.stem().string() + ".frames.csv")).string();
}

// The steps column of a recording's frames CSV; checks the header and the frame numbers.
std::vector<long long> frame_steps(const std::string& video) {
  std::ifstream csv(frames_csv(video));
  std::string line;
  std::vector<long long> steps;
  if (!std::getline(csv, line)) {
    ADD_FAILURE() << frames_csv(video) << " is missing or empty";
    return steps;
  }
  EXPECT_EQ(line, "frame,step,wall_s");
  while (std::getline(csv, line)) {
    auto cells = split(line);
    if (cells.size() != 3u) {
      ADD_FAILURE() << "bad row '" << line << "' in " << frames_csv(video);
      continue;
    }
    EXPECT_EQ(std::stoll(cells[0]), static_cast<long long>(steps.size())) << line;
    steps.push_back(std::stoll(cells[1]));
  }
  return steps;
}

std::vector<long long> every(long long step, int count) {
  std::vector<long long> out;
  for (int i = 0; i < count; ++i) out.push_back(i * step);
  return out;
}

int64_t file_size(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(size);
}

// The lines of `text` that contain `needle`.
int lines_containing(const std::string& text, const std::string& needle) {
  int n = 0;
  for (const auto& line : split(text, '\n')) n += line.find(needle) != std::string::npos;
  return n;
}

// genscope in the background, its run directories under this test's scratch folder.
Child start_child(const std::vector<std::string>& args, const std::string& log) {
  return Child::start(args, log, temp_dir() + "/runs");
}

struct GifSize {
  int w = 0, h = 0, frames = 0;
};

// Decodes the GIF at `path` with stb_image (it must start "GIF89a" and decode).
void decode_gif(const std::string& path, GifSize& size) {
  const std::string bytes = read_text(path);
  ASSERT_GE(bytes.size(), 6u);
  EXPECT_EQ(bytes.substr(0, 6), "GIF89a");
  int* delays = nullptr;
  int comp = 0;
  stbi_uc* pixels = stbi_load_gif_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                                              static_cast<int>(bytes.size()), &delays, &size.w,
                                              &size.h, &size.frames, &comp, 4);
  ASSERT_NE(pixels, nullptr) << stbi_failure_reason();
  stbi_image_free(pixels);
  stbi_image_free(delays);
}

int count_rows(const std::string& csv_path) {
  const std::string text = read_text(csv_path);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  return std::max(0, lines - 1);  // the header
}

}  // namespace

TEST(Recording, LockstepRecordingsAreReproducible) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string dir = temp_dir();
  const std::string data = write_dataset();
  std::vector<test::DecodedVideo> videos;
  for (const std::string name : {"A", "B"}) {
    const std::string video = dir + "/" + name + ".mp4";
    RunResult r = run("--dataset " + data + " --width 8 --seed 3 --window-size 640x360 --record " +
                      video + " --record-frames 6 --record-steps-per-frame 4");
    ASSERT_EQ(r.code, 0) << r.output;
    auto decoded = test::decode_video(video, /*keep_frames=*/true);
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_EQ(decoded->frame_count, 6) << name;
    EXPECT_EQ(decoded->codec, "h264");
    EXPECT_EQ(decoded->pixel_format, "yuv420p");
    EXPECT_EQ(decoded->width, 640);
    EXPECT_EQ(decoded->height, 360);
    EXPECT_EQ(frame_steps(video), every(4, 6)) << name;
    videos.push_back(std::move(*decoded));
  }
  ASSERT_EQ(videos[0].frames.size(), 6u);
  ASSERT_EQ(videos[1].frames.size(), 6u);
  // The first frame shows the untrained generator's step-0 grid, the same for the same seed. In a
  // 640x360 window the generated grid covers about (269, 89)..(354, 171) of the Samples panel, with
  // the A/B badge over its top left corner; compare a rectangle inside it, clear of the badge.
  // Generated tiles have many gray levels (the UI a few flat colours), which makes sure the
  // rectangle really is on the grid. Unloaded, two runs give pixel-identical videos. But frame 0 is
  // sometimes ImGui's first frame (tab bars and scrollbars not laid out yet) and sometimes a later
  // one, depending on when the first samples arrive; x264's rate control then codes the whole
  // video differently, which moved the grid's pixels by up to ~3.5 levels per channel on average.
  // A different seed's grid differs by ~7.5 levels.
  const ImageRGBA& a = videos[0].frames[0];
  const ImageRGBA& b = videos[1].frames[0];
  std::set<int> grays;
  double diff = 0;
  int n = 0;
  for (int y = 108; y < 168; ++y) {
    for (int x = 300; x < 350; ++x) {
      const uint8_t* p = &a.pixels[(size_t(y) * a.width + x) * 4];
      const uint8_t* q = &b.pixels[(size_t(y) * b.width + x) * 4];
      if (std::abs(p[0] - p[1]) <= 4 && std::abs(p[1] - p[2]) <= 4) grays.insert(p[1]);
      for (int k = 0; k < 3; ++k) diff += std::abs(p[k] - q[k]);
      n += 3;
    }
  }
  EXPECT_GT(grays.size(), 40u) << "the square is not on the generated grid";
  EXPECT_LT(diff / n, 5.0) << "the step-0 grids differ";
}

TEST(Recording, HeadlessRecordingNeedsNoDisplay) {
  const std::string dir = temp_dir();
  const std::string data = write_dataset();
  const std::string video = dir + "/H.mp4";
  const std::string out = dir + "/out";
  RunResult r = run("--headless --steps 20 --record " + video +
                        " --record-steps-per-frame 5 --dataset " + data + " --width 8 --out " + out,
                    "env -u DISPLAY -u WAYLAND_DISPLAY");
  ASSERT_EQ(r.code, 0) << r.output;
  auto decoded = test::decode_video(video);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->frame_count, 5);
  EXPECT_EQ(decoded->codec, "h264");
  EXPECT_EQ(decoded->pixel_format, "yuv420p");
  EXPECT_EQ(decoded->width, 1280);
  EXPECT_EQ(decoded->height, 720);
  EXPECT_EQ(frame_steps(video), every(5, 5));
  EXPECT_TRUE(fs::exists(out + "/metrics.csv"));

  // Only the Samples panel: a smaller video, even-sized for yuv420p.
  const std::string samples = dir + "/S.mp4";
  r = run("--headless --steps 10 --record " + samples +
              " --record-region samples --record-steps-per-frame 5 --dataset " + data +
              " --width 8 --out " + out,
          "env -u DISPLAY -u WAYLAND_DISPLAY");
  ASSERT_EQ(r.code, 0) << r.output;
  decoded = test::decode_video(samples);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->frame_count, 3);
  EXPECT_GT(decoded->width, 100);
  EXPECT_GT(decoded->height, 100);
  EXPECT_LT(decoded->width, 1280);
  EXPECT_LT(decoded->height, 720);
  EXPECT_EQ(decoded->width % 2, 0);
  EXPECT_EQ(decoded->height % 2, 0);
  EXPECT_EQ(frame_steps(samples), every(5, 3));
}

TEST(Recording, SigtermFinalisesTheFile) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string dir = temp_dir();
  const std::string data = write_dataset();
  const std::string video = dir + "/T.mp4";
  Child child = start_child({"--dataset", data, "--width", "8", "--window-size", "640x360",
                              "--record", video, "--record-steps-per-frame", "0", "--record-fps",
                              "10"},
                             dir + "/term.log");
  ASSERT_GT(child.pid, 0);
  // The recording starts once training shows samples; then let it run for 2 s and past its
  // first fragment.
  ASSERT_TRUE(poll_until(child, 60, [&] { return fs::exists(frames_csv(video)); }))
      << read_text(child.log);
  const auto started = Clock::now();
  ASSERT_TRUE(poll_until(child, 60, [&] {
    return file_size(video) > 4096 && Clock::now() - started > std::chrono::seconds(2);
  })) << read_text(child.log);
  ASSERT_EQ(kill(child.pid, SIGTERM), 0);
  const int status = child.wait(60);
  ASSERT_NE(status, -1) << "genscope did not exit within 60 s of SIGTERM";
  // SIGTERM closes the window the way closing it does: the recording is finished, exit 0.
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << read_text(child.log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_text(child.log);
  EXPECT_NE(read_text(child.log).find("recorded "), std::string::npos) << read_text(child.log);

  auto decoded = test::decode_video(video);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_GE(decoded->frame_count, 1);
  EXPECT_EQ(decoded->codec, "h264");
  EXPECT_EQ(decoded->pixel_format, "yuv420p");
  EXPECT_EQ(decoded->width, 640);
  EXPECT_EQ(decoded->height, 360);
  EXPECT_DOUBLE_EQ(decoded->fps, 10.0);
  const auto steps = frame_steps(video);
  EXPECT_EQ(static_cast<int64_t>(steps.size()), decoded->frame_count);
  EXPECT_TRUE(std::is_sorted(steps.begin(), steps.end()));
}

TEST(Recording, SigkillLeavesDecodableFragments) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string dir = temp_dir();
  const std::string data = write_dataset();
  const std::string video = dir + "/K.mp4";
  Child child = start_child({"--dataset", data, "--width", "8", "--window-size", "640x360",
                              "--record", video, "--record-steps-per-frame", "0", "--record-fps",
                              "10"},
                             dir + "/kill.log");
  ASSERT_GT(child.pid, 0);
  ASSERT_TRUE(poll_until(child, 60, [&] { return fs::exists(frames_csv(video)); }))
      << read_text(child.log);
  // A fragment (10 frames at 10 fps) reaches the file when the next keyframe is encoded. Wait for
  // 4 s of video handed to the encoder and until the growing file itself decodes to two fragments'
  // worth of frames, so at least the first fragment is complete on disk when the kill comes.
  int64_t live_frames = 0;
  ASSERT_TRUE(poll_until(child, 60, [&] {
    if (count_rows(frames_csv(video)) < 40) return false;
    auto live = test::decode_video(video);
    live_frames = live.ok() ? live->frame_count : 0;
    return live_frames >= 20;
  })) << "decodable frames: " << live_frames << "\n" << read_text(child.log);
  ASSERT_EQ(kill(child.pid, SIGKILL), 0);
  const int status = child.wait(30);
  ASSERT_NE(status, -1);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;

  auto decoded = test::decode_video(video);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_GE(decoded->frame_count, 10);
  EXPECT_EQ(decoded->codec, "h264");
  EXPECT_EQ(decoded->width, 640);
  EXPECT_EQ(decoded->height, 360);
  // The frame list names only frames the video has: its lines follow the fragments on disk.
  const int64_t rows = count_rows(frames_csv(video));
  EXPECT_GE(rows, 10);
  EXPECT_LE(rows, decoded->frame_count) << "frames.csv lists frames the killed video lacks";
}

TEST(Recording, BadRecordPathIsAClearError) {
  // An unsupported extension is refused while parsing the flags.
  RunResult r = run("--record " + temp_dir() + "/out.avi");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_NE(r.output.find("out.avi"), std::string::npos) << r.output;

  const std::string data = write_dataset();
  const std::string missing = "/nonexistent-dir-genscope/x.mp4";
  // Headless: no display needed, the error comes when the first frame opens the file.
  r = run("--headless --steps 5 --dataset " + data + " --width 8 --out " + temp_dir() +
              "/out --record " + missing,
          "env -u DISPLAY -u WAYLAND_DISPLAY");
  EXPECT_NE(r.code, 0);
  EXPECT_GE(lines_containing(r.output, missing), 1) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;

  if (!have_display()) GTEST_SKIP() << "no DISPLAY: the window cases need xvfb-run";
  r = run("--dataset " + data + " --width 8 --window-size 640x360 --record " + missing +
          " --record-frames 2");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(lines_containing(r.output, missing), 1) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(Recording, GifRecording) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string dir = temp_dir();
  const std::string data = write_dataset();
  const std::string gif = dir + "/G.gif";
  RunResult r = run("--dataset " + data + " --width 8 --window-size 640x360 --record " + gif +
                    " --record-frames 4 --record-scale 0.25 --record-steps-per-frame 2");
  ASSERT_EQ(r.code, 0) << r.output;
  GifSize size;
  ASSERT_NO_FATAL_FAILURE(decode_gif(gif, size));
  EXPECT_EQ(size.frames, 4);
  EXPECT_EQ(size.w, 160);
  EXPECT_EQ(size.h, 90);
  EXPECT_EQ(frame_steps(gif), every(2, 4));
}

// A GIF recording is written as it goes (it used to be kept in memory until the stop): killed,
// it keeps every frame written so far, and its frame list names only those.
TEST(Recording, SigkillLeavesAGifWithEveryFrameWrittenSoFar) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string dir = temp_dir();
  const std::string data = write_dataset();
  const std::string gif = dir + "/killed-gif.gif";  // its own frames.csv (K.mp4 has K.frames.csv)
  Child child = start_child({"--dataset", data, "--width", "8", "--window-size", "640x360",
                              "--record", gif, "--record-scale", "0.25",
                              "--record-steps-per-frame", "1"},
                             dir + "/kill-gif.log");
  ASSERT_GT(child.pid, 0);
  ASSERT_TRUE(poll_until(child, 60, [&] { return count_rows(frames_csv(gif)) >= 8; }))
      << read_text(child.log);
  ASSERT_EQ(kill(child.pid, SIGKILL), 0);
  ASSERT_NE(child.wait(30), -1);
  GifSize size;
  ASSERT_NO_FATAL_FAILURE(decode_gif(gif, size));
  EXPECT_EQ(size.w, 160);
  EXPECT_GE(size.frames, 8);
  EXPECT_LE(count_rows(frames_csv(gif)), size.frames) << "frames.csv lists frames the GIF lacks";
}

// kill -9 while a run writes a checkpoint every step: every .ckpt it leaves loads (each was
// renamed into place whole), and the next run in that directory removes the killed save's
// unfinished NAME.tmp-PID.
TEST(Checkpoints, SigkillDuringSavesLeavesOnlyWholeCheckpoints) {
  const std::string dir = temp_dir();
  const std::string data = write_dataset();
  const std::string out = dir + "/killed-run";
  Child child = start_child({"--headless", "--steps", "100000", "--dataset", data, "--width", "8",
                              "--batch-size", "16", "--eval-every", "0", "--checkpoint-every", "1",
                              "--out", out},
                             dir + "/kill-ckpt.log");
  ASSERT_GT(child.pid, 0);
  const auto saved = [&] {
    std::error_code ec;
    int n = 0;
    for (const auto& e : fs::directory_iterator(out + "/checkpoints", ec)) {
      n += e.path().extension() == ".ckpt";
    }
    return n;
  };
  ASSERT_TRUE(poll_until(child, 60, [&] { return saved() >= 6; })) << read_text(child.log);
  const pid_t killed = child.pid;
  ASSERT_EQ(kill(child.pid, SIGKILL), 0);
  ASSERT_NE(child.wait(30), -1);
  std::vector<fs::path> ckpts;
  for (const auto& e : fs::directory_iterator(out + "/checkpoints")) {
    if (e.path().extension() == ".ckpt") ckpts.push_back(e.path());
  }
  std::sort(ckpts.begin(), ckpts.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoll(a.stem().string().substr(5)) < std::stoll(b.stem().string().substr(5));
  });
  ASSERT_GE(ckpts.size(), 6u);
  // A stale temp file as a kill mid-save leaves it (this kill may or may not have hit one).
  const std::string stale = (ckpts.back().string() + ".tmp-") + std::to_string(killed);
  { std::ofstream(stale) << "half a checkpoint"; }
  for (const fs::path& ckpt : {ckpts[ckpts.size() - 2], ckpts.back()}) {
    RunResult r = run("--headless --steps 1 --eval-every 0 --resume " + ckpt.string() +
                      (ckpt == ckpts.back() ? " --out " + out : " --out " + dir + "/resumed"));
    EXPECT_EQ(r.code, 0) << ckpt << ": " << r.output;
  }
  for (const auto& e : fs::directory_iterator(out + "/checkpoints")) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
  EXPECT_NE(read_text(out + "/events.log").find("of a killed save"), std::string::npos);
}

// A text model records like any other: the Samples panel, offscreen, its characters tinted (red
// to green backgrounds show in the frames) as the samples refresh.
TEST(Recording, ATextModelsSamplesPanelRecordsWithItsTintedCharacters) {
  const std::string dir = temp_dir();
  const std::string corpus = dir + "/corpus.txt";
  {
    std::ofstream f(corpus);
    for (int i = 0; i < 300; ++i) f << "the cat sat on the mat. a dog ran.\n";
  }
  const std::string video = dir + "/text-samples.mp4";  // (T.mp4 is SigtermFinalisesTheFile's)
  RunResult r = run("--headless --steps 20 --model char-lstm --dataset text:" + corpus +
                        " --width 16 --bptt 16 --sample-chars 60 --record " + video +
                        " --record-region samples --record-steps-per-frame 5 --out " + dir + "/text",
                    "env -u DISPLAY -u WAYLAND_DISPLAY");
  ASSERT_EQ(r.code, 0) << r.output;
  auto decoded = test::decode_video(video, /*keep_frames=*/true);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->frame_count, 5);
  EXPECT_EQ(frame_steps(video), every(5, 5));
  const ImageRGBA& last = decoded->frames.back();
  int tinted = 0;  // the tint over the dark theme: reddish (unlikely) or greenish (likely)
  for (std::size_t p = 0; p + 3 < last.pixels.size(); p += 4) {
    const int red = last.pixels[p], green = last.pixels[p + 1], blue = last.pixels[p + 2];
    tinted += (red > blue + 40 || green > blue + 40) && red + green > 120;
  }
  EXPECT_GT(tinted, 500) << "no tinted characters in the recorded Samples panel";
}
