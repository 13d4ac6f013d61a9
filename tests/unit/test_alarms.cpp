// Alarms: collapse (diversity or modes) after M low evaluations past the warm-up, D overpowering
// G (D(G(z)) near 0 while the G loss rises), NaN/inf, one event per episode, mutes.
#include <gtest/gtest.h>

#include <cmath>

#include "core/alarms.h"

using namespace genscope;

namespace {

const MetricSchema kGan{"loss_d", "loss_g", "d_real", "d_fake"};

MetricRow row(int64_t step, float loss_g, float d_fake) {
  MetricRow r;
  r.step = step;
  r.count = 4;
  r.values = {1.0f, loss_g, 0.9f, d_fake};
  return r;
}

}  // namespace

TEST(Alarms, CollapseNeedsMLowEvaluationsAfterTheWarmUp) {
  AlarmMonitor m;
  for (int64_t s = 100; s <= 400; s += 100) m.add_diversity(s, 0.01);  // warm-up: silent
  EXPECT_TRUE(m.log().empty());
  m.add_diversity(500, 0.01);
  m.add_diversity(600, 0.02);
  EXPECT_TRUE(m.log().empty());  // two in a row
  m.add_diversity(700, 0.9);     // healthy again: the count restarts
  m.add_diversity(800, 0.01);
  m.add_diversity(900, 0.01);
  m.add_diversity(1000, 0.01);
  ASSERT_EQ(m.log().size(), 1u);
  EXPECT_EQ(m.log()[0].kind, AlarmKind::kCollapse);
  EXPECT_EQ(m.log()[0].step, 1000);
  m.add_diversity(1100, 0.01);  // the same episode: no second event
  EXPECT_EQ(m.log().size(), 1u);
  m.add_diversity(1200, 0.8);  // one healthy evaluation is a flicker: still the same episode
  for (int64_t s = 1300; s <= 1500; s += 100) m.add_diversity(s, 0.05);
  EXPECT_EQ(m.log().size(), 1u);
  for (int64_t s = 1600; s <= 1800; s += 100) m.add_diversity(s, 0.8);  // cleared (M in a row)
  for (int64_t s = 1900; s <= 2100; s += 100) m.add_diversity(s, 0.05);  // a new episode
  EXPECT_EQ(m.log().size(), 2u);
}

TEST(Alarms, HealthyDiversityAndCoverageStayQuiet) {
  AlarmMonitor m;
  for (int64_t s = 100; s <= 5000; s += 100) m.add_diversity(s, 0.6 + 0.3 * std::sin(s * 0.01));
  for (int64_t s = 510; s <= 5000; s += 10) m.add_modes(s, 7 + (s / 10) % 2, 8);
  EXPECT_TRUE(m.log().empty());
  for (int64_t s = 5010; s <= 5030; s += 10) m.add_modes(s, 2, 8);
  ASSERT_EQ(m.log().size(), 1u);
  EXPECT_NE(m.log()[0].text.find("2 of 8"), std::string::npos) << m.log()[0].text;
}

TEST(Alarms, DOverpoweringNeedsALowDFakeAndARisingGLoss) {
  AlarmMonitor falling;
  for (int64_t s = 1; s <= 400; ++s) falling.add_row(row(s, 5.0f - 0.001f * s, 0.01f), kGan, 4);
  EXPECT_TRUE(falling.log().empty());  // D wins but G is catching up
  AlarmMonitor rising;
  for (int64_t s = 1; s <= 400; ++s) rising.add_row(row(s, 2.0f + 0.01f * s, 0.01f), kGan, 4);
  ASSERT_EQ(rising.log().size(), 1u);
  EXPECT_EQ(rising.log()[0].kind, AlarmKind::kDOverpowering);
  AlarmMonitor fair;
  for (int64_t s = 1; s <= 400; ++s) fair.add_row(row(s, 2.0f + 0.01f * s, 0.4f), kGan, 4);
  EXPECT_TRUE(fair.log().empty());
}

TEST(Alarms, NonFiniteValuesAndMutes) {
  AlarmMonitor m;
  m.add_row(row(10, NAN, 0.3f), kGan, 4);
  ASSERT_EQ(m.log().size(), 1u);
  EXPECT_EQ(m.log()[0].kind, AlarmKind::kNonFinite);
  EXPECT_NE(m.log()[0].text.find("loss_g is NaN"), std::string::npos) << m.log()[0].text;
  EXPECT_EQ(m.take_new().size(), 1u);
  EXPECT_TRUE(m.take_new().empty());
  // Columns past finite_columns (the 2D lab's mode columns) may be NaN.
  MetricRow r = row(11, 1.0f, 0.3f);
  r.count = 5;
  r.values[4] = NAN;
  AlarmMonitor lab;
  lab.add_row(r, {"loss_d", "loss_g", "d_real", "d_fake", "modes_covered"}, 4);
  EXPECT_TRUE(lab.log().empty());
  // Muted kinds are not logged.
  AlarmMonitor muted;
  muted.set_muted(AlarmKind::kCollapse, true);
  for (int64_t s = 500; s <= 800; s += 100) muted.add_diversity(s, 0.0);
  EXPECT_TRUE(muted.log().empty());
}

TEST(Alarms, CollapseAndOverpoweringSaveACheckpointNaNDoesNot) {
  const AlarmEvent collapse{AlarmKind::kCollapse, 520, ""};
  EXPECT_TRUE(alarm_saves_checkpoint(collapse));
  EXPECT_FALSE(alarm_saves_checkpoint({AlarmKind::kNonFinite, 3, ""}));
}

TEST(Alarms, ModeCollapseWaitsForFullCoverageOrAWarmUpPerMode) {
  // grid25 climbing slowly (grid-cover: 20-24 of 25 in 25k iterations), around half the modes for
  // thousands of iterations: not a collapse.
  AlarmMonitor climbing;
  for (int64_t s = 10; s < 20000; s += 10) climbing.add_modes(s, 5 + int(s / 2000), 25);
  EXPECT_TRUE(climbing.log().empty()) << climbing.log()[0].text;
  // Once every mode was covered, losing more than half of them is.
  climbing.add_modes(20000, 25, 25);
  for (int64_t s = 20010; s <= 20030; s += 10) climbing.add_modes(s, 10, 25);
  ASSERT_EQ(climbing.log().size(), 1u);
  EXPECT_EQ(climbing.log()[0].step, 20030);
  EXPECT_NE(climbing.log()[0].text.find("after covering all 25 at step 20000"), std::string::npos)
      << climbing.log()[0].text;
  // A run that never covers the ring is told so after 1,000 steps per mode.
  AlarmMonitor stuck;
  for (int64_t s = 10; s < 8000; s += 10) stuck.add_modes(s, 3, 8);
  EXPECT_TRUE(stuck.log().empty());
  for (int64_t s = 8000; s <= 8020; s += 10) stuck.add_modes(s, 3, 8);
  // Coverage flickering around half the modes is one episode (ring-collapse), not one per flicker.
  for (int64_t s = 8030; s <= 10000; s += 10) stuck.add_modes(s, s % 40 == 0 ? 5 : 3, 8);
  ASSERT_EQ(stuck.log().size(), 1u);
  EXPECT_EQ(stuck.log()[0].step, 8020);
  EXPECT_NE(stuck.log()[0].text.find("never all 8 in 8000 steps"), std::string::npos)
      << stuck.log()[0].text;
  // A reset forgets the full coverage.
  AlarmMonitor reset;
  reset.add_modes(600, 8, 8);
  reset.reset_run();
  for (int64_t s = 610; s <= 700; s += 10) reset.add_modes(s, 1, 8);
  EXPECT_TRUE(reset.log().empty());
}

TEST(Alarms, AGradientNormTenTimesItsMedianIsAnExplodingGradientOncePerEpisode) {
  AlarmMonitor m;
  const MetricSchema text{"train_bpc", "val_bpc", "grad_norm", "lr"};
  const auto text_row = [](int64_t step, float norm) {
    MetricRow r;
    r.step = step;
    r.count = 4;
    r.values = {2.0f, 2.1f, norm, 1e-3f};
    return r;
  };
  m.add_row(text_row(1, 80.0f), text, 1, false);  // before the warm-up: no median to speak of
  for (int64_t s = 2; s <= 100; ++s) m.add_row(text_row(s, 1.0f + 0.1f * (s % 5)), text, 1, false);
  EXPECT_TRUE(m.log().empty());
  m.add_row(text_row(101, 9.0f), text, 1, false);  // 7.5x the median of ~1.2: not yet
  EXPECT_TRUE(m.log().empty());
  m.add_row(text_row(102, 40.0f), text, 1, false);
  ASSERT_EQ(m.log().size(), 1u);
  EXPECT_EQ(m.log()[0].kind, AlarmKind::kExplodingGradient);
  EXPECT_EQ(m.log()[0].step, 102);
  EXPECT_NE(m.log()[0].text.find("gradient norm 40 is 33x its median"), std::string::npos) << m.log()[0].text;
  EXPECT_TRUE(alarm_saves_checkpoint(m.log()[0]));
  m.add_row(text_row(103, 50.0f), text, 1, false);  // the same episode
  EXPECT_EQ(m.log().size(), 1u);
  m.add_row(text_row(104, 1.2f), text, 1, false);  // back to normal: re-armed
  m.add_row(text_row(105, 60.0f), text, 1, false);
  EXPECT_EQ(m.log().size(), 2u);
  EXPECT_STREQ(alarm_name(AlarmKind::kExplodingGradient), "exploding gradient");
  // A row whose grad_norm was not measured, or a NaN (the NaN alarm's), feeds nothing.
  MetricRow unmeasured = text_row(106, 500.0f);
  unmeasured.unmeasured = 1u << 2;
  m.add_row(unmeasured, text, 1, false);
  EXPECT_EQ(m.log().size(), 2u);
}
