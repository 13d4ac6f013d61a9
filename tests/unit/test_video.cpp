#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "record/async_video_writer.h"
#include "record/video_encoder.h"
#include "support/test_files.h"
#include "support/video_decode.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

using test::Rgb;

// Per process (ctest runs the cases in parallel processes); removed when every case passed.
std::string temp_dir() { return test::process_dir("record"); }
[[maybe_unused]] const bool kCleanup = test::remove_when_all_pass("record");

ImageRGBA solid(int w, int h, Rgb c) { return test::solid_image(w, h, c); }

int gradient_value(int x, int w) { return x * 255 / (w - 1); }

// Gray ramp from black at the left to white at the right.
ImageRGBA gradient(int w, int h) {
  ImageRGBA image = solid(w, h, {0, 0, 0});
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &image.pixels[(static_cast<size_t>(y) * w + x) * 4];
      p[0] = p[1] = p[2] = static_cast<uint8_t>(gradient_value(x, w));
    }
  }
  return image;
}

// A smooth pattern that moves with `t`, so consecutive frames differ a little.
ImageRGBA moving(int w, int h, int t) {
  ImageRGBA image = solid(w, h, {0, 0, 0});
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &image.pixels[(static_cast<size_t>(y) * w + x) * 4];
      p[0] = static_cast<uint8_t>((x + 2 * t) & 255);
      p[1] = static_cast<uint8_t>((y + t) & 255);
      p[2] = static_cast<uint8_t>(((x + y) / 2) & 255);
    }
  }
  return image;
}

void set_pixel(ImageRGBA& image, int x, int y, Rgb c) {
  uint8_t* p = &image.pixels[(static_cast<size_t>(y) * image.width + x) * 4];
  for (int k = 0; k < 3; ++k) p[k] = static_cast<uint8_t>(c[k]);
}

Rgb pixel(const ImageRGBA& image, int x, int y) {
  const uint8_t* p = &image.pixels[(static_cast<size_t>(y) * image.width + x) * 4];
  return {p[0], p[1], p[2]};
}

// Largest channel difference to `expected` over the rectangle [x0, x1) x [y0, y1).
int max_error(const ImageRGBA& image, int x0, int y0, int x1, int y1, Rgb expected) {
  int worst = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const Rgb p = pixel(image, x, y);
      for (int k = 0; k < 3; ++k) worst = std::max(worst, std::abs(p[k] - expected[k]));
    }
  }
  return worst;
}

VideoSettings settings_for(int w, int h, int fps = 30) {
  VideoSettings s;
  s.width = w;
  s.height = h;
  s.fps = fps;
  s.crf = 18;
  return s;
}

std::unique_ptr<VideoEncoder> open_or_fail(const std::string& path, const VideoSettings& s) {
  auto encoder = VideoEncoder::open(path, s);
  EXPECT_TRUE(encoder.ok()) << encoder.error();
  return encoder.ok() ? std::move(*encoder) : nullptr;
}

const Rgb kRed{255, 0, 0}, kGreen{0, 255, 0}, kBlue{0, 0, 255}, kGray{128, 128, 128};

}  // namespace

TEST(VideoEncoder, SolidColorsAndGradientRoundTrip) {
  const std::string path = temp_dir() + "/colors.mp4";
  const int w = 160, h = 120;
  auto encoder = open_or_fail(path, settings_for(w, h));
  ASSERT_TRUE(encoder);
  const std::vector<Rgb> colors{kRed, kGreen, kBlue, kGray};
  for (const Rgb& c : colors) ASSERT_TRUE(encoder->add_frame(solid(w, h, c).pixels.data()));
  ASSERT_TRUE(encoder->add_frame(gradient(w, h).pixels.data()));
  EXPECT_EQ(encoder->frames(), 5);
  ASSERT_TRUE(encoder->finish());

  auto video = test::decode_video(path, true);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->codec, "h264");
  EXPECT_EQ(video->pixel_format, "yuv420p");
  EXPECT_EQ(video->width, w);
  EXPECT_EQ(video->height, h);
  EXPECT_NEAR(video->fps, 30.0, 0.01);
  ASSERT_EQ(video->frame_count, 5);
  ASSERT_EQ(video->frames.size(), 5u);
  for (size_t i = 0; i < colors.size(); ++i) {
    EXPECT_LE(max_error(video->frames[i], 8, 8, w - 8, h - 8, colors[i]), 12) << "frame " << i;
  }
  const ImageRGBA& ramp = video->frames[4];
  int worst = 0;
  for (int y = 8; y < h - 8; ++y) {
    for (int x = 8; x < w - 8; ++x) {
      const int v = gradient_value(x, w);
      worst = std::max(worst, max_error(ramp, x, y, x + 1, y + 1, {v, v, v}));
    }
  }
  EXPECT_LE(worst, 12);
}

TEST(VideoEncoder, BottomUpStrideGivesTheSameImage) {
  const std::string dir = temp_dir();
  const int w = 96, h = 64;
  // Top half red, bottom half blue, a green marker in the top left corner.
  ImageRGBA image = solid(w, h, kRed);
  for (int y = h / 2; y < h; ++y) {
    for (int x = 0; x < w; ++x) set_pixel(image, x, y, kBlue);
  }
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) set_pixel(image, x, y, kGreen);
  }
  // The same picture as glReadPixels returns it: the bottom row first in memory.
  std::vector<uint8_t> flipped(image.pixels.size());
  const size_t row = static_cast<size_t>(w) * 4;
  for (int y = 0; y < h; ++y) {
    std::copy_n(&image.pixels[y * row], row, &flipped[(h - 1 - y) * row]);
  }

  auto top_down = open_or_fail(dir + "/top_down.mp4", settings_for(w, h));
  auto bottom_up = open_or_fail(dir + "/bottom_up.mp4", settings_for(w, h));
  ASSERT_TRUE(top_down && bottom_up);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(top_down->add_frame(image.pixels.data()));
    ASSERT_TRUE(bottom_up->add_frame(flipped.data() + (h - 1) * row, -static_cast<int>(row)));
  }
  ASSERT_TRUE(top_down->finish());
  ASSERT_TRUE(bottom_up->finish());

  auto a = test::decode_video(dir + "/top_down.mp4", true);
  auto b = test::decode_video(dir + "/bottom_up.mp4", true);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->frames.size(), 3u);
  ASSERT_EQ(b->frames.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(a->frames[i].pixels, b->frames[i].pixels);
  const ImageRGBA& f = b->frames[0];
  EXPECT_LE(max_error(f, 2, 2, 12, 12, kGreen), 12);
  EXPECT_LE(max_error(f, 24, 4, w - 4, h / 2 - 4, kRed), 12);
  EXPECT_LE(max_error(f, 4, h / 2 + 4, w - 4, h - 4, kBlue), 12);
}

TEST(VideoEncoder, OddSizeIsCroppedToEven) {
  const std::string path = temp_dir() + "/odd.mp4";
  const int w = 101, h = 75;
  // Left half red, right half blue: a wrong row stride would shear the boundary.
  ImageRGBA image = solid(w, h, kRed);
  for (int y = 0; y < h; ++y) {
    for (int x = w / 2; x < w; ++x) set_pixel(image, x, y, kBlue);
  }
  auto encoder = open_or_fail(path, settings_for(w, h));
  ASSERT_TRUE(encoder);
  EXPECT_EQ(encoder->settings().width, 100);
  EXPECT_EQ(encoder->settings().height, 74);
  ASSERT_TRUE(encoder->add_frame(image.pixels.data()));
  ASSERT_TRUE(encoder->add_frame(image.pixels.data(), w * 4));
  ASSERT_TRUE(encoder->finish());

  auto video = test::decode_video(path, true);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->width, 100);
  EXPECT_EQ(video->height, 74);
  ASSERT_EQ(video->frames.size(), 2u);
  for (const ImageRGBA& f : video->frames) {
    EXPECT_LE(max_error(f, 2, 2, 44, 72, kRed), 12);
    EXPECT_LE(max_error(f, 56, 2, 98, 72, kBlue), 12);
  }
}

// Rows of any even width are converted to the last column (SIMD converters work in blocks).
TEST(VideoEncoder, EveryColumnIsEncodedAtUnalignedWidths) {
  const std::string path = temp_dir() + "/narrow.mp4";
  for (int w : {2, 6, 10, 34, 98, 202}) {
    const int h = 16;
    ImageRGBA image = solid(w, h, kRed);
    // A green stripe at the right edge, wide enough for chroma subsampling.
    for (int y = 0; y < h; ++y) {
      for (int x = std::max(0, w - 4); x < w; ++x) set_pixel(image, x, y, kGreen);
    }
    auto encoder = open_or_fail(path, settings_for(w, h));
    ASSERT_TRUE(encoder);
    ASSERT_TRUE(encoder->add_frame(image.pixels.data()));
    ASSERT_TRUE(encoder->finish());
    auto video = test::decode_video(path, true);
    ASSERT_TRUE(video.ok()) << video.error();
    ASSERT_EQ(video->frames.size(), 1u);
    const Rgb last = pixel(video->frames[0], w - 1, h / 2);
    EXPECT_LT(last[0], 128) << "width " << w;
    EXPECT_GT(last[1], 128) << "width " << w;
    if (w > 8) EXPECT_LE(max_error(video->frames[0], 0, 0, w - 8, h, kRed), 24) << "width " << w;
  }
}

TEST(VideoEncoder, BadPathsAreErrorsNamingThePath) {
  const std::string dir = temp_dir();
  const VideoSettings s = settings_for(32, 32);
  const std::string missing = dir + "/no/such/dir/out.mp4";
  auto r = VideoEncoder::open(missing, s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(missing), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("No such file or directory"), std::string::npos) << r.error();
  EXPECT_FALSE(fs::exists(dir + "/no"));

  const std::string text = dir + "/out.txt";
  r = VideoEncoder::open(text, s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(text), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("extension"), std::string::npos) << r.error();
  EXPECT_FALSE(fs::exists(text));
  r = VideoEncoder::open(dir + "/mp4", s);
  EXPECT_FALSE(r.ok());

  const std::string proc = "/proc/genscope_record_test.mp4";
  r = VideoEncoder::open(proc, s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().rfind("video " + proc + ": ", 0), 0u) << r.error();

  // The extension check ignores case.
  auto upper = VideoEncoder::open(dir + "/UPPER.MP4", s);
  ASSERT_TRUE(upper.ok()) << upper.error();
  EXPECT_TRUE((*upper)->finish());
}

TEST(VideoEncoder, BadSettingsAreErrors) {
  const std::string path = temp_dir() + "/settings.mp4";
  auto expect_error = [&](VideoSettings s, const std::string& word) {
    auto r = VideoEncoder::open(path, s);
    ASSERT_FALSE(r.ok()) << word;
    EXPECT_NE(r.error().find(path), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(word), std::string::npos) << r.error();
  };
  VideoSettings s = settings_for(1, 32);
  expect_error(s, "size");
  s = settings_for(32, 32, 0);
  expect_error(s, "fps");
  s = settings_for(32, 32, 241);
  expect_error(s, "fps");
  s = settings_for(32, 32);
  s.crf = 52;
  expect_error(s, "crf");
  s.crf = -1;
  expect_error(s, "crf");
  s = settings_for(32, 32);
  s.preset = "warp-speed";
  expect_error(s, "warp-speed");
}

TEST(VideoEncoder, FinishIsIdempotentAndCountsBytes) {
  const std::string path = temp_dir() + "/bytes.mp4";
  auto encoder = open_or_fail(path, settings_for(64, 48, 10));
  ASSERT_TRUE(encoder);
  const int64_t header = encoder->bytes_written();
  EXPECT_GT(header, 0);  // ftyp + empty moov are on disk already
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(path)), header);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(encoder->add_frame(moving(64, 48, i).pixels.data()));
  EXPECT_GT(encoder->bytes_written(), header);  // fragments of the first two GOPs were flushed
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(path)), encoder->bytes_written());
  ASSERT_TRUE(encoder->finish());
  ASSERT_TRUE(encoder->finish());
  EXPECT_EQ(encoder->frames(), 40);
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(path)), encoder->bytes_written());
  EXPECT_FALSE(encoder->add_frame(moving(64, 48, 0).pixels.data()));
  EXPECT_FALSE(encoder->add_frame(nullptr));
  EXPECT_TRUE(encoder->finish());  // misuse does not turn the finished file into a failure
  auto video = test::decode_video(path);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->frame_count, 40);
}

TEST(VideoEncoder, TruncatedFragmentedFileDecodesCompleteFragments) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/full.mp4";
  const int w = 128, h = 96;
  {
    auto encoder = open_or_fail(path, settings_for(w, h, 30));  // a fragment per second
    ASSERT_TRUE(encoder);
    for (int i = 0; i < 90; ++i) ASSERT_TRUE(encoder->add_frame(moving(w, h, i).pixels.data()));
  }  // the destructor finishes the file
  auto full = test::decode_video(path);
  ASSERT_TRUE(full.ok()) << full.error();
  EXPECT_EQ(full->frame_count, 90);

  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = dir + "/cut.mp4";
  std::ofstream(cut, std::ios::binary).write(bytes.data(), bytes.size() * 6 / 10);
  auto partial = test::decode_video(cut);
  ASSERT_TRUE(partial.ok()) << partial.error();
  EXPECT_GE(partial->frame_count, 30);
  EXPECT_LT(partial->frame_count, 90);
  EXPECT_EQ(partial->codec, "h264");
}

// A writer killed mid-recording (no finish, no destructor) leaves the flushed fragments playable.
TEST(VideoEncoder, KilledWriterLeavesPlayableFile) {
  const std::string path = temp_dir() + "/killed.mp4";
  const int w = 128, h = 96;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto encoder = VideoEncoder::open(path, settings_for(w, h, 30));
    if (!encoder.ok()) _exit(2);
    for (int i = 0; i < 90; ++i) {
      if (!(*encoder)->add_frame(moving(w, h, i).pixels.data())) _exit(3);
    }
    raise(SIGKILL);
    _exit(4);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exit " << WEXITSTATUS(wstatus);
  auto video = test::decode_video(path);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_GE(video->frame_count, 60);  // two complete fragments (frames 0-59)
  EXPECT_LT(video->frame_count, 90);  // the open fragment is lost
}

TEST(VideoEncoder, DiskFullIsAnErrorNotACrash) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const std::string path = temp_dir() + "/full_disk.mp4";
  fs::remove(path);
  fs::create_symlink("/dev/full", path);
  std::string error;
  auto encoder = VideoEncoder::open(path, settings_for(64, 48));
  if (!encoder.ok()) {
    error = encoder.error();
  } else {
    for (int i = 0; i < 60 && error.empty(); ++i) {
      Status s = (*encoder)->add_frame(moving(64, 48, i).pixels.data());
      if (!s) error = s.error();
    }
    Status s = (*encoder)->finish();
    if (error.empty() && !s) error = s.error();
  }
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("No space left on device"), std::string::npos) << error;
  fs::remove(path);
}

// Random pixels: frames that compress badly, so the file grows fast.
ImageRGBA noise_frame(int w, int h, unsigned seed) {
  ImageRGBA image = solid(w, h, {0, 0, 0});
  for (uint8_t& b : image.pixels) {
    seed = seed * 1664525u + 1013904223u;
    b = static_cast<uint8_t>(seed >> 24);
  }
  return image;
}

// Runs `body` in a child process whose files may not grow past `max_bytes` (writes beyond fail
// with EFBIG, like on a full disk); the child's exit status is the result (0 = as expected).
int run_with_file_size_limit(rlim_t max_bytes, const std::function<int()>& body) {
  const pid_t child = fork();
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{max_bytes, max_bytes};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(100);
    _exit(body());
  }
  int wstatus = 0;
  if (child < 0 || waitpid(child, &wstatus, 0) != child) return -1;
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

TEST(VideoEncoder, WriteFailureMidRecordingIsAnError) {
  const std::string path = temp_dir() + "/efbig.mp4";
  const int rc = run_with_file_size_limit(64 * 1024, [&] {
    auto encoder = VideoEncoder::open(path, settings_for(160, 120, 10));
    if (!encoder.ok()) return 1;
    std::string error;
    for (unsigned i = 0; i < 100 && error.empty(); ++i) {
      if (Status s = (*encoder)->add_frame(noise_frame(160, 120, i).pixels.data()); !s) {
        error = s.error();
      }
    }
    std::fprintf(stderr, "add_frame: %s\n", error.c_str());
    if (error.find(path) == std::string::npos || error.find("File too large") == std::string::npos)
      return 2;
    if ((*encoder)->add_frame(noise_frame(160, 120, 0).pixels.data())) return 3;  // stays failed
    if ((*encoder)->finish()) return 4;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(AsyncVideoWriter, WorkerWriteFailureIsReported) {
  const std::string path = temp_dir() + "/async_efbig.mp4";
  const int rc = run_with_file_size_limit(64 * 1024, [&] {
    auto writer = AsyncVideoWriter::open(path, settings_for(160, 120, 10), 2);
    if (!writer.ok()) return 1;
    int refused = 0;
    for (unsigned i = 0; i < 100; ++i) {
      refused += (*writer)->push_blocking({noise_frame(160, 120, i).pixels, false}) ? 0 : 1;
    }
    Status s = (*writer)->finish();
    std::fprintf(stderr, "finish: %s\n", s.error().c_str());
    if (refused == 0 || !(*writer)->failed()) return 2;
    if (s || s.error() != (*writer)->error()) return 3;
    if (s.error().find(path) == std::string::npos) return 4;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(AsyncVideoWriter, PushBlockingKeepsEveryFrame) {
  const std::string path = temp_dir() + "/async_blocking.mp4";
  const int w = 160, h = 120;
  auto writer = AsyncVideoWriter::open(path, settings_for(w, h), 2);
  ASSERT_TRUE(writer.ok()) << writer.error();
  const ImageRGBA red = solid(w, h, kRed);
  for (int i = 0; i < 60; ++i) {
    VideoFrame frame{i == 0 ? red.pixels : moving(w, h, i).pixels, false};
    ASSERT_TRUE((*writer)->push_blocking(std::move(frame)));
  }
  ASSERT_TRUE((*writer)->finish());
  EXPECT_EQ((*writer)->frames_written(), 60);
  EXPECT_EQ((*writer)->dropped(), 0);
  EXPECT_EQ((*writer)->queued(), 0);
  EXPECT_FALSE((*writer)->failed());
  EXPECT_EQ((*writer)->bytes_written(), static_cast<int64_t>(fs::file_size(path)));
  auto video = test::decode_video(path, true);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->frame_count, 60);
  EXPECT_LE(max_error(video->frames[0], 8, 8, w - 8, h - 8, kRed), 12);
}

TEST(AsyncVideoWriter, BottomUpFramesAreFlipped) {
  const std::string path = temp_dir() + "/async_bottom_up.mp4";
  const int w = 64, h = 48;
  // Bottom-up memory: the first rows in memory are the bottom of the picture (blue).
  ImageRGBA memory = solid(w, h, kRed);
  for (int y = 0; y < h / 2; ++y) {
    for (int x = 0; x < w; ++x) set_pixel(memory, x, y, kBlue);
  }
  auto writer = AsyncVideoWriter::open(path, settings_for(w, h));
  ASSERT_TRUE(writer.ok()) << writer.error();
  ASSERT_TRUE((*writer)->push_blocking(VideoFrame{memory.pixels, true}));
  ASSERT_TRUE((*writer)->finish());
  auto video = test::decode_video(path, true);
  ASSERT_TRUE(video.ok()) << video.error();
  ASSERT_EQ(video->frames.size(), 1u);
  EXPECT_LE(max_error(video->frames[0], 4, 4, w - 4, h / 2 - 4, kRed), 12);
  EXPECT_LE(max_error(video->frames[0], 4, h / 2 + 4, w - 4, h - 4, kBlue), 12);
}

TEST(AsyncVideoWriter, PushDropsWhenTheQueueIsFull) {
  const std::string path = temp_dir() + "/async_drop.mp4";
  const int w = 640, h = 480;
  std::vector<VideoFrame> burst;
  for (int i = 0; i < 40; ++i) burst.push_back({moving(w, h, i).pixels, false});
  auto writer = AsyncVideoWriter::open(path, settings_for(w, h), 1);
  ASSERT_TRUE(writer.ok()) << writer.error();
  int accepted = 0;
  for (VideoFrame& frame : burst) accepted += (*writer)->push(std::move(frame)) ? 1 : 0;
  EXPECT_GT((*writer)->dropped(), 0);
  ASSERT_TRUE((*writer)->finish());
  EXPECT_EQ((*writer)->frames_written(), accepted);
  EXPECT_EQ((*writer)->dropped() + (*writer)->frames_written(), 40);
  auto video = test::decode_video(path);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->frame_count, accepted);
}

TEST(AsyncVideoWriter, FinishIsIdempotent) {
  const std::string path = temp_dir() + "/async_finish.mp4";
  auto writer = AsyncVideoWriter::open(path, settings_for(32, 32));
  ASSERT_TRUE(writer.ok()) << writer.error();
  ASSERT_TRUE((*writer)->push_blocking({solid(32, 32, kGray).pixels, false}));
  EXPECT_TRUE((*writer)->finish());
  EXPECT_TRUE((*writer)->finish());
  EXPECT_FALSE((*writer)->push({solid(32, 32, kGray).pixels, false}));
  EXPECT_FALSE((*writer)->push_blocking({solid(32, 32, kGray).pixels, false}));
  EXPECT_EQ((*writer)->frames_written(), 1);
  writer->reset();  // the destructor after finish() does nothing more
  auto video = test::decode_video(path);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->frame_count, 1);
}

TEST(AsyncVideoWriter, DestructorFinishesTheFile) {
  const std::string path = temp_dir() + "/async_destructor.mp4";
  {
    auto writer = AsyncVideoWriter::open(path, settings_for(64, 48), 4);
    ASSERT_TRUE(writer.ok()) << writer.error();
    for (int i = 0; i < 12; ++i) {
      ASSERT_TRUE((*writer)->push_blocking({moving(64, 48, i).pixels, false}));
    }
  }
  auto video = test::decode_video(path);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->frame_count, 12);
}

TEST(AsyncVideoWriter, ErrorsAreReportedNotFatal) {
  const std::string dir = temp_dir();
  auto missing = AsyncVideoWriter::open(dir + "/missing/a.mp4", settings_for(32, 32));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find(dir + "/missing/a.mp4"), std::string::npos);

  const std::string path = dir + "/async_bad_frame.mp4";
  auto writer = AsyncVideoWriter::open(path, settings_for(32, 32));
  ASSERT_TRUE(writer.ok()) << writer.error();
  ASSERT_TRUE((*writer)->push_blocking({solid(32, 32, kGray).pixels, false}));
  EXPECT_FALSE((*writer)->push_blocking({std::vector<uint8_t>(10), false}));  // wrong size
  EXPECT_TRUE((*writer)->failed());
  EXPECT_NE((*writer)->error().find(path), std::string::npos) << (*writer)->error();
  EXPECT_FALSE((*writer)->push({solid(32, 32, kGray).pixels, false}));
  Status status = (*writer)->finish();
  EXPECT_FALSE(status);
  EXPECT_EQ(status.error(), (*writer)->error());
}
