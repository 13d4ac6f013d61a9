// Recording from GL: asynchronous readback of a framebuffer region, the Recorder writing what a
// framebuffer shows to MP4/GIF, real-time pacing, and the REC indicator kept out of the frame.
// Uses an EGL context, so it needs no display.
#include <glad/gl.h>
#include <gtest/gtest.h>
#include <imgui.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/recorder.h"
#include "app/recording_controller.h"
#include "gui/gui.h"
#include "gui/panels/panels.h"
#include "gui/view.h"
#include "render/egl_context.h"
#include "render/frame_capture.h"
#include "render/gl_objects.h"
#include "support/test_files.h"
#include "support/video_decode.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

class RecordingGl : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ctx = EglContext::create();
    ASSERT_TRUE(ctx.ok()) << ctx.error();
    egl_ = std::move(*ctx);
    dir_ = test::process_dir("gl_recording");
  }
  void TearDown() override { egl_.reset(); }

  // Clears `fb` to `rgb`, then the GL rectangle (x, y, w, h) to `inner`.
  static void paint(const Framebuffer& fb, const float rgb[3], int x = 0, int y = 0, int w = 0,
                    int h = 0, const float* inner = nullptr) {
    fb.bind();
    glDisable(GL_SCISSOR_TEST);
    glClearColor(rgb[0], rgb[1], rgb[2], 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    if (inner) {
      glEnable(GL_SCISSOR_TEST);
      glScissor(x, y, w, h);
      glClearColor(inner[0], inner[1], inner[2], 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      glDisable(GL_SCISSOR_TEST);
    }
  }

  std::unique_ptr<EglContext> egl_;
  std::string dir_;
};

const float kBlue[3] = {0, 0, 1}, kRed[3] = {1, 0, 0}, kGreen[3] = {0, 1, 0};

}  // namespace

TEST_F(RecordingGl, CaptureReadsTheRegionBackAsynchronously) {
  auto fb = Framebuffer::create(64, 48);
  ASSERT_TRUE(fb.ok()) << fb.error();
  paint(*fb, kBlue, 8, 4, 16, 16, kRed);
  auto cap = FrameCapture::create(16, 16);
  ASSERT_TRUE(cap.ok()) << cap.error();
  ASSERT_TRUE(cap->request(fb->id(), 8, 4, 16, 16, 7));
  EXPECT_EQ(cap->in_flight(), 1);
  std::vector<uint8_t> rgba;
  int64_t tag = -1;
  ASSERT_TRUE(cap->take(rgba, tag, /*wait=*/true));
  EXPECT_EQ(tag, 7);
  ASSERT_EQ(rgba.size(), 16u * 16 * 4);
  for (size_t i = 0; i < rgba.size(); i += 4) {
    ASSERT_EQ(rgba[i], 255) << i;
    ASSERT_EQ(rgba[i + 2], 0) << i;
  }
  EXPECT_FALSE(cap->take(rgba, tag, true));  // nothing left in flight
}

TEST_F(RecordingGl, CaptureScalesAndKeepsRowsBottomUp) {
  auto fb = Framebuffer::create(64, 48);
  ASSERT_TRUE(fb.ok());
  paint(*fb, kBlue, 0, 0, 64, 24, kGreen);  // bottom half green (GL rows 0..23)
  auto cap = FrameCapture::create(32, 24);
  ASSERT_TRUE(cap.ok());
  ASSERT_TRUE(cap->request(fb->id(), 0, 0, 64, 48, 1));
  std::vector<uint8_t> rgba;
  int64_t tag = 0;
  ASSERT_TRUE(cap->take(rgba, tag, true));
  // Bottom-up: the first rows in memory are the bottom of the picture (green).
  EXPECT_EQ(rgba[1], 255);
  EXPECT_EQ(rgba[2], 0);
  const size_t last_row = size_t(23) * 32 * 4;
  EXPECT_EQ(rgba[last_row + 2], 255);
  EXPECT_EQ(rgba[last_row + 1], 0);
}

TEST_F(RecordingGl, CaptureRefusesWhenEveryBufferIsInFlight) {
  auto fb = Framebuffer::create(8, 8);
  ASSERT_TRUE(fb.ok());
  auto cap = FrameCapture::create(8, 8, 2);
  ASSERT_TRUE(cap.ok());
  EXPECT_TRUE(cap->request(fb->id(), 0, 0, 8, 8, 1));
  EXPECT_TRUE(cap->request(fb->id(), 0, 0, 8, 8, 2));
  EXPECT_FALSE(cap->request(fb->id(), 0, 0, 8, 8, 3));
  std::vector<uint8_t> rgba;
  int64_t tag = 0;
  ASSERT_TRUE(cap->take(rgba, tag, true));
  EXPECT_EQ(tag, 1);  // oldest first
  EXPECT_TRUE(cap->request(fb->id(), 0, 0, 8, 8, 3));
  ASSERT_TRUE(cap->take(rgba, tag, true));
  EXPECT_EQ(tag, 2);
  ASSERT_TRUE(cap->take(rgba, tag, true));
  EXPECT_EQ(tag, 3);
}

TEST_F(RecordingGl, LockstepRecorderWritesWhatTheFramebufferShows) {
  auto fb = Framebuffer::create(96, 64);
  ASSERT_TRUE(fb.ok());
  RecordSettings settings;
  settings.path = dir_ + "/lockstep.mp4";
  settings.fps = 10;
  settings.crf = 10;
  settings.steps_per_frame = 5;
  Recorder rec;
  const PixelRect all{0, 0, 96, 64};
  ASSERT_TRUE(rec.start(settings, all, 0.0).ok()) << rec.error();
  EXPECT_EQ(rec.frames_due(123.0), 1);  // lockstep: one frame per call, whatever the time
  const int n = 12;
  for (int i = 0; i < n; ++i) {
    const float v = float(i) / (n - 1);
    const float top[3] = {v, 1.0f - v, 0.2f};
    paint(*fb, kBlue, 0, 32, 96, 32, top);  // top half changes, bottom half stays blue
    rec.capture(fb->id(), all, int64_t(i) * 5, 1, i / 10.0);
  }
  ASSERT_TRUE(rec.stop().ok()) << rec.error();
  EXPECT_NE(rec.last_summary().find("recorded 12 frames"), std::string::npos) << rec.last_summary();
  auto video = test::decode_video(settings.path, /*keep_frames=*/true);
  ASSERT_TRUE(video.ok()) << video.error();
  ASSERT_EQ(video->frame_count, n);
  EXPECT_EQ(video->width, 96);
  EXPECT_EQ(video->height, 64);
  EXPECT_EQ(video->codec, "h264");
  EXPECT_EQ(video->pixel_format, "yuv420p");
  for (int i = 0; i < n; ++i) {
    const ImageRGBA& f = video->frames[i];
    const uint8_t* top = &f.pixels[(size_t(10) * f.width + 48) * 4];     // picture row 10: top half
    const uint8_t* bottom = &f.pixels[(size_t(54) * f.width + 48) * 4];  // row 54: bottom half
    const int want_r = int(std::lround(255.0 * i / (n - 1)));
    EXPECT_NEAR(top[0], want_r, 14) << "frame " << i;
    EXPECT_NEAR(top[1], 255 - want_r, 14) << "frame " << i;
    EXPECT_NEAR(bottom[2], 255, 14) << "frame " << i;
    EXPECT_LT(bottom[0], 20) << "frame " << i;
  }
  std::ifstream csv(frames_csv_path(settings.path));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "frame,step,wall_s");
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(std::getline(csv, line));
    EXPECT_EQ(line.substr(0, line.find(',', line.find(',') + 1)),
              std::to_string(i) + "," + std::to_string(i * 5));
  }
}

TEST_F(RecordingGl, RealTimeRecorderKeepsWallClockTime) {
  auto fb = Framebuffer::create(32, 32);
  ASSERT_TRUE(fb.ok());
  paint(*fb, kRed);
  RecordSettings settings;
  settings.path = dir_ + "/realtime.mp4";
  settings.fps = 10;
  settings.steps_per_frame = 0;
  Recorder rec;
  ASSERT_TRUE(rec.start(settings, {0, 0, 32, 32}, 100.0).ok()) << rec.error();
  EXPECT_EQ(rec.frames_due(100.0), 1);
  rec.capture(fb->id(), {0, 0, 32, 32}, 0, 1, 100.0);
  EXPECT_EQ(rec.frames_due(100.05), 0);  // the next frame is due at 100.1
  // The frame loop stalled for 0.45 s: the next capture stands for the 4 missed ticks.
  EXPECT_EQ(rec.frames_due(100.45), 4);
  rec.capture(fb->id(), {0, 0, 32, 32}, 3, 4, 100.45);
  rec.poll(/*wait=*/true);
  EXPECT_EQ(rec.status(100.5).frames, 5);
  ASSERT_TRUE(rec.stop().ok()) << rec.error();
  auto video = test::decode_video(settings.path);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->frame_count, 5);
}

TEST_F(RecordingGl, ScaleAndGifFollowTheSettings) {
  auto fb = Framebuffer::create(120, 80);
  ASSERT_TRUE(fb.ok());
  RecordSettings settings;
  settings.path = dir_ + "/clip.gif";
  settings.scale = 0.5f;
  settings.steps_per_frame = 1;
  Recorder rec;
  ASSERT_TRUE(rec.start(settings, {0, 0, 120, 80}, 0.0).ok()) << rec.error();
  for (int i = 0; i < 3; ++i) {
    paint(*fb, i % 2 ? kGreen : kRed);
    rec.capture(fb->id(), {0, 0, 120, 80}, i, 1, 0.0);
  }
  EXPECT_EQ(rec.status(0.0).width, 60);
  EXPECT_EQ(rec.status(0.0).height, 40);
  ASSERT_TRUE(rec.stop().ok()) << rec.error();
  std::ifstream gif(settings.path, std::ios::binary);
  char magic[6] = {};
  gif.read(magic, 6);
  EXPECT_EQ(std::string(magic, 6), "GIF89a");
}

TEST_F(RecordingGl, BadPathsAreErrorsAndNothingIsRecorded) {
  RecordSettings settings;
  settings.path = dir_ + "/missing-dir/x.mp4";
  Recorder rec;
  Status s = rec.start(settings, {0, 0, 32, 32}, 0.0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find(settings.path), std::string::npos) << s.error();
  EXPECT_FALSE(rec.active());
  settings.path = dir_ + "/x.webm";
  s = rec.start(settings, {0, 0, 32, 32}, 0.0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("x.webm"), std::string::npos) << s.error();
}

TEST_F(RecordingGl, RecIndicatorIsDrawnAfterTheCapture) {
  auto fb = Framebuffer::create(320, 200);
  ASSERT_TRUE(fb.ok());
  Gui gui;
  CommandQueue queue;
  View view(queue);
  view.recorder().status.active = true;
  view.recorder().status.elapsed_s = 12.0;
  view.recorder().status.bytes = 3 << 20;
  // Draws one frame; returns how many strongly red pixels the bottom-right corner has, before
  // and after the held-back indicator is rendered.
  auto red_pixels = [&](std::vector<uint8_t>& rgba) {
    fb->read_rgba(rgba);
    int count = 0;
    for (int y = 150; y < 200; ++y) {
      for (int x = 160; x < 320; ++x) {
        const uint8_t* p = &rgba[(size_t(y) * 320 + x) * 4];
        if (p[0] > 200 && p[1] < 80 && p[2] < 80) ++count;
      }
    }
    return count;
  };
  std::vector<uint8_t> rgba;
  for (int frame = 0; frame < 2; ++frame) {  // the second frame has the settled layout
    fb->bind();
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    gui.begin_frame(320, 200, 1.0f / 60);
    const ImDrawList* indicator = draw_rec_indicator(view, ImVec2(320, 200));
    ASSERT_NE(indicator, nullptr);
    gui.end_frame(indicator);
    if (frame == 1) {
      EXPECT_EQ(red_pixels(rgba), 0);  // what the recorder captures
      fb->bind();
      gui.render_held_back();
      EXPECT_GT(red_pixels(rgba), 20);  // what the window shows
    }
  }
  view.recorder().status.active = false;
  gui.begin_frame(320, 200, 1.0f / 60);
  EXPECT_EQ(draw_rec_indicator(view, ImVec2(320, 200)), nullptr);
  gui.end_frame();
}

TEST(HistoryExport, WritesTheKeptGridsScaledUp) {
  const std::string dir = test::process_dir("history");
  SampleHistory history(1 << 20, 10);
  for (int s = 0; s <= 40; s += 10) {
    ImageRGBA g{20, 20, std::vector<uint8_t>(20 * 20 * 4, 255)};
    for (size_t i = 0; i < g.pixels.size(); i += 4) g.pixels[i] = g.pixels[i + 1] = uint8_t(s * 6);
    history.offer(s, s, g);
  }
  std::vector<const ImageRGBA*> frames;
  for (const HistoryEntry& e : history.entries()) frames.push_back(&e.samples);
  ASSERT_TRUE(write_frames(dir + "/history.mp4", frames, 5, 4).ok());
  auto video = test::decode_video(dir + "/history.mp4", true);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->frame_count, 5);
  EXPECT_EQ(video->width, 80);
  EXPECT_NEAR(video->frames[4].pixels[(40 * 80 + 40) * 4], 240, 14);
  ASSERT_TRUE(write_frames(dir + "/history.gif", frames, 5, 2).ok());
  EXPECT_TRUE(fs::file_size(dir + "/history.gif") > 100);
  Status empty = write_frames(dir + "/none.mp4", {}, 5, 1);
  EXPECT_NE(empty.error().find("nothing to export"), std::string::npos);
  Status bad = write_frames("/nonexistent-dir/h.mp4", frames, 5, 1);
  EXPECT_NE(bad.error().find("/nonexistent-dir/h.mp4"), std::string::npos) << bad.error();
}

// The window's recording controller: what it says, that it never overwrites a file, and that a
// lockstep recording gives training back the state it had before.
class RecordingControl : public RecordingGl {
 protected:
  void SetUp() override {
    RecordingGl::SetUp();
    fb_ = std::make_unique<Framebuffer>(std::move(*Framebuffer::create(64, 64)));
    paint(*fb_, kBlue);
    view_ = std::make_unique<View>(queue_);
    snap_.running = true;
    view_->update_snapshot(snap_);
    set(ParamId::kRecordPath, {0.0, dir_ + "/control.mp4"});
    set(ParamId::kRecordStepsPerFrame, {0.0, ""});  // real time unless a test says lockstep
  }
  // Sets one of the Record tab's values, as its widgets do.
  void set(ParamId id, const ParamValue& v) {
    ASSERT_TRUE(view_->recorder().values.set(id, v).ok()) << param_spec(id).key;
  }
  void TearDown() override {
    view_.reset();
    fb_.reset();
    RecordingGl::TearDown();
  }
  std::vector<Command> sent() {
    std::vector<Command> out;
    queue_.drain(out);
    for (const Command& c : out) snap_.commands_done = std::max(snap_.commands_done, c.seq);
    return out;
  }
  // Publishes the snapshot as the trainer would after handling the commands sent.
  void publish() {
    sent();
    view_->update_snapshot(snap_);
  }
  // Lockstep: the trainer steps to each target the controller asks for; `frames` frames.
  void run_lockstep(RecordingController& rc, int frames) {
    for (int i = 0; i < frames && rc.active(); ++i) {
      for (const Command& c : sent()) {
        if (c.kind == Command::Kind::kPause) snap_.paused = true;
        if (c.kind == Command::Kind::kStep) snap_.step += c.count, snap_.paused = true;
        if (c.kind == Command::Kind::kStepTo) {
          snap_.step = std::max<int64_t>(snap_.step, c.count);
          snap_.paused = true;
        }
      }
      snap_.samples_step = snap_.step;
      view_->update_snapshot(snap_);
      fb_->bind();
      rc.capture(*view_, snap_, PixelRect{0, 0, 64, 64}, i / 30.0);
    }
  }

  std::unique_ptr<Framebuffer> fb_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  Snapshot snap_;
};

TEST_F(RecordingControl, StoppingALockstepRecordingResumesTrainingThatWasRunning) {
  RecordingController rc;
  set(ParamId::kRecordStepsPerFrame, {5.0, ""});
  fb_->bind();
  ASSERT_TRUE(rc.start(*view_, PixelRect{0, 0, 64, 64}, 0.0).ok());
  std::vector<Command> c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kPause);  // lockstep drives training itself
  snap_.paused = true;
  run_lockstep(rc, 3);
  // A rejected edit during the recording is an error line, not a divergence: it records on.
  snap_.message_level = MessageLevel::kError;
  snap_.message = "lr_g: 10 is outside the range [1e-06, 0.1]";
  run_lockstep(rc, 3);
  EXPECT_TRUE(rc.active());
  EXPECT_GE(snap_.step, 20);
  snap_.message_level = MessageLevel::kNone;
  snap_.message.clear();
  ASSERT_TRUE(rc.stop(*view_).ok());
  c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.back().kind, Command::Kind::kResume);
  EXPECT_NE(view_->recorder().message.find("training resumed, as before the recording"),
            std::string::npos)
      << view_->recorder().message;
  EXPECT_NE(view_->log().back().text.find("training resumed"), std::string::npos);
}

TEST_F(RecordingControl, ALockstepRecordingOfAPausedRunLeavesItPaused) {
  snap_.paused = true;
  publish();
  RecordingController rc;
  set(ParamId::kRecordStepsPerFrame, param_default(param_spec(ParamId::kRecordStepsPerFrame),
                                                    ModelFamily::kImageGan));  // lockstep
  fb_->bind();
  ASSERT_TRUE(rc.start(*view_, PixelRect{0, 0, 64, 64}, 0.0).ok());
  run_lockstep(rc, 3);
  ASSERT_TRUE(rc.stop(*view_).ok());
  for (const Command& c : sent()) EXPECT_NE(c.kind, Command::Kind::kResume);
  EXPECT_NE(view_->recorder().message.find("training stays paused, as before the recording"),
            std::string::npos)
      << view_->recorder().message;
}

TEST_F(RecordingControl, ASecondRecordingGetsANumberedNameAndSaysSo) {
  set(ParamId::kRecordPath, {0.0, dir_ + "/numbered.mp4"});
  for (int n = 1; n <= 2; ++n) {
    RecordingController rc;
    fb_->bind();
    ASSERT_TRUE(rc.start(*view_, PixelRect{0, 0, 64, 64}, 0.0).ok());
    for (int i = 0; i < 4; ++i) rc.capture(*view_, snap_, PixelRect{0, 0, 64, 64}, i / 30.0);
    ASSERT_TRUE(rc.stop(*view_).ok());
  }
  EXPECT_TRUE(fs::exists(dir_ + "/numbered.mp4"));
  EXPECT_TRUE(fs::exists(dir_ + "/numbered-2.mp4"));
  EXPECT_TRUE(fs::exists(dir_ + "/numbered-2.frames.csv"));
  bool said = false;
  for (const LogLine& l : view_->log()) said |= l.text.find("numbered-2.mp4 (") != std::string::npos;
  std::string lines;
  for (const LogLine& l : view_->log()) lines += l.text + "\n";
  EXPECT_TRUE(said) << "the start line names the new file and why:\n" << lines;
}

TEST_F(RecordingControl, ARealTimeRecordingOfASlowRunSaysItsFramesRepeat) {
  RecordingController rc;
  fb_->bind();
  ASSERT_TRUE(rc.start(*view_, PixelRect{0, 0, 64, 64}, 0.0).ok());
  // 5 s at 30 fps while training moves on 20 times: most frames repeat a step.
  for (int i = 0; i <= 150; ++i) {
    if (i % 8 == 0) ++snap_.step;
    rc.capture(*view_, snap_, PixelRect{0, 0, 64, 64}, i / 30.0);
    glFinish();  // as a swap would: the readbacks complete
  }
  EXPECT_LT(rc.status(5.0).new_steps, 25);
  ASSERT_TRUE(rc.stop(*view_).ok());
  EXPECT_NE(view_->recorder().message.find("of the frames repeat the previous training step"),
            std::string::npos)
      << view_->recorder().message;
  EXPECT_NE(view_->recorder().message.find("lockstep"), std::string::npos);
}
