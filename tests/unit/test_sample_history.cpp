// The sample history's keep rule, cap and thinning; recording settings' checks.
#include <gtest/gtest.h>

#include "core/record_settings.h"
#include "record/sample_history.h"

using namespace genscope;

namespace {

ImageRGBA grid(int side, uint8_t value) {
  return ImageRGBA{side, side, std::vector<uint8_t>(side * side * 4, value)};
}

}  // namespace

TEST(SampleHistory, KeepsEveryKSteps) {
  SampleHistory h(1 << 20, 50);
  EXPECT_TRUE(h.offer(0, 0.0, grid(4, 1)));
  EXPECT_FALSE(h.offer(20, 0.1, grid(4, 2)));
  EXPECT_TRUE(h.offer(50, 0.2, grid(4, 3)));
  EXPECT_FALSE(h.offer(99, 0.3, grid(4, 4)));
  EXPECT_TRUE(h.offer(130, 0.4, grid(4, 5)));
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h.at(2).step, 130);
  EXPECT_EQ(h.at(2).samples.pixels[0], 5);
  EXPECT_EQ(h.bytes(), 3u * 64);
  EXPECT_EQ(h.index_at_or_before(129), 1u);
  EXPECT_EQ(h.index_at_or_before(1000), 2u);
  EXPECT_EQ(h.index_at_or_before(-5), 0u);
  EXPECT_FALSE(h.offer(10, 0.5, ImageRGBA{}));
}

TEST(SampleHistory, AResetClearsIt) {
  SampleHistory h(1 << 20, 10);
  h.offer(0, 0, grid(2, 0));
  h.offer(10, 0, grid(2, 0));
  h.offer(20, 0, grid(2, 0));
  EXPECT_TRUE(h.offer(5, 0, grid(2, 9)));  // step went back: new run
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h.at(0).step, 5);
}

TEST(SampleHistory, TheCapThinsTheOldestFirstAndKeepsTheStart) {
  const std::size_t entry = 16 * 16 * 4;
  SampleHistory h(entry * 20, 1);
  for (int s = 0; s < 200; ++s) h.offer(s, s, grid(16, uint8_t(s)));
  EXPECT_LE(h.bytes(), h.cap_bytes());
  EXPECT_GE(h.size(), 10u);
  EXPECT_LE(h.size(), 20u);
  EXPECT_EQ(h.thinned() + int64_t(h.size()), 200);
  EXPECT_EQ(h.at(0).step, 0);             // the run's start survives
  EXPECT_EQ(h.at(h.size() - 1).step, 199);  // and the newest
  // Spacing grows toward the past: the oldest gap is at least as wide as the newest.
  int64_t old_gap = h.at(1).step - h.at(0).step;
  int64_t new_gap = h.at(h.size() - 1).step - h.at(h.size() - 2).step;
  EXPECT_GE(old_gap, new_gap);
  EXPECT_GT(old_gap, 1);
  for (std::size_t i = 1; i < h.size(); ++i) EXPECT_LT(h.at(i - 1).step, h.at(i).step);
  // Lowering the cap thins again at once; it never drops the last entry.
  h.set_cap_bytes(entry * 4);
  EXPECT_LE(h.size(), 4u);
  h.set_cap_bytes(1);
  EXPECT_EQ(h.size(), 1u);
}

TEST(RecordSettings, ChecksNameTheSettingAndValue) {
  RecordSettings s;
  EXPECT_TRUE(s.validate().ok());
  s.path = "out.avi";
  EXPECT_NE(s.validate().error().find("out.avi"), std::string::npos);
  s.path = "clip.GIF";
  EXPECT_TRUE(s.validate().ok());
  EXPECT_TRUE(s.is_gif());
  s.fps = 0;
  EXPECT_NE(s.validate().error().find("record_fps: 0"), std::string::npos);
  s.fps = 30;
  s.crf = 60;
  EXPECT_NE(s.validate().error().find("record_crf: 60"), std::string::npos);
  s.crf = 20;
  s.scale = 2.0f;
  EXPECT_NE(s.validate().error().find("record_scale: 2"), std::string::npos);
}

TEST(RecordSettings, FrameLimitAndSidecarPath) {
  RecordSettings s;
  EXPECT_EQ(s.frame_limit(), 0);
  s.max_seconds = 2.0;
  EXPECT_EQ(s.frame_limit(), 60);
  s.max_frames = 10;
  EXPECT_EQ(s.frame_limit(), 10);
  EXPECT_EQ(frames_csv_path("/tmp/a/run.mp4"), "/tmp/a/run.frames.csv");
  EXPECT_EQ(frames_csv_path("run.gif"), "run.frames.csv");
  EXPECT_TRUE(parse_record_region("plots").ok());
  EXPECT_NE(parse_record_region("tv").error().find("'tv'"), std::string::npos);
}
