// RingBuffer ordering and MetricSeries smoothing (TensorBoard's debiased EMA); the series' cache
// and thinning are tested in test_plot_cache.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "util/ring_buffer.h"
#include "util/series.h"

namespace genscope {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The debiased EMA written out directly: sum_k w^(n-k) (1-w) y_k / (1 - w^n) over finite y.
std::vector<float> direct_ema(const std::vector<float>& ys, double w) {
  std::vector<float> out;
  std::vector<double> finite;
  for (float y : ys) {
    if (std::isfinite(y)) finite.push_back(y);
    if (finite.empty()) {
      out.push_back(y);
      continue;
    }
    const int n = static_cast<int>(finite.size());
    double sum = 0.0;
    for (int k = 0; k < n; ++k) sum += std::pow(w, n - 1 - k) * (1.0 - w) * finite[k];
    out.push_back(static_cast<float>(w == 0.0 ? finite.back() : sum / (1.0 - std::pow(w, n))));
  }
  return out;
}

std::vector<float> noisy_values(int n) {
  std::vector<float> ys;
  for (int i = 0; i < n; ++i) ys.push_back(std::sin(0.3f * i) + 0.1f * static_cast<float>(i % 7));
  return ys;
}

TEST(RingBuffer, KeepsNewestInOrderAfterWrapping) {
  RingBuffer<int> ring(4);
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.capacity(), 4u);
  for (int i = 0; i < 3; ++i) ring.push(i);
  ASSERT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring[0], 0);
  EXPECT_EQ(ring.back(), 2);

  for (int i = 3; i < 10; ++i) ring.push(i);
  ASSERT_EQ(ring.size(), 4u);
  for (std::size_t i = 0; i < ring.size(); ++i) EXPECT_EQ(ring[i], 6 + static_cast<int>(i));
  EXPECT_EQ(ring.front(), 6);
  EXPECT_EQ(ring.back(), 9);
  EXPECT_EQ(ring.total_pushed(), 10u);

  ring.clear();
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.total_pushed(), 0u);
  ring.push(42);
  EXPECT_EQ(ring[0], 42);
  EXPECT_EQ(ring.back(), 42);
}

TEST(RingBuffer, ZeroCapacityBecomesOne) {
  RingBuffer<float> ring(0);
  ring.push(1.0f);
  ring.push(2.0f);
  EXPECT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.back(), 2.0f);
}

TEST(MetricSeries, EmaMatchesDirectDebiasedComputation) {
  const std::vector<float> ys = noisy_values(200);
  MetricSeries series(1024, 0.9f);
  for (std::size_t i = 0; i < ys.size(); ++i) series.push(static_cast<double>(i), ys[i]);
  const std::vector<float> expected = direct_ema(ys, 0.9f);
  ASSERT_EQ(series.size(), ys.size());
  for (std::size_t i = 0; i < ys.size(); ++i) {
    EXPECT_NEAR(series.smoothed(i), expected[i], 1e-5) << "at " << i;
    EXPECT_EQ(series.raw(i), ys[i]);
  }
  // Debiasing: the first smoothed value is the first raw value, not (1-w) times it.
  EXPECT_FLOAT_EQ(series.smoothed(0), ys[0]);
}

TEST(MetricSeries, SetSmoothingRecomputesLikeIncremental) {
  const std::vector<float> ys = noisy_values(300);
  MetricSeries incremental(512, 0.75f);
  MetricSeries recomputed(512, 0.0f);
  for (std::size_t i = 0; i < ys.size(); ++i) {
    incremental.push(static_cast<double>(i), ys[i]);
    recomputed.push(static_cast<double>(i), ys[i]);
  }
  recomputed.set_smoothing(0.75f);
  EXPECT_EQ(recomputed.smoothing(), 0.75f);
  for (std::size_t i = 0; i < ys.size(); ++i)
    EXPECT_EQ(recomputed.smoothed(i), incremental.smoothed(i));

  // Pushing after a recompute continues the same average.
  incremental.push(300.0, 5.0f);
  recomputed.push(300.0, 5.0f);
  EXPECT_EQ(recomputed.smoothed(300), incremental.smoothed(300));
}

TEST(MetricSeries, RecomputeAfterThinningUsesOnlyKeptValues) {
  const std::vector<float> ys = noisy_values(50);
  MetricSeries series(16, 0.0f);
  for (std::size_t i = 0; i < ys.size(); ++i) series.push(static_cast<double>(i), ys[i]);
  ASSERT_LT(series.size(), ys.size());  // thinned
  series.set_smoothing(0.5f);
  std::vector<float> kept;
  for (std::size_t i = 0; i < series.size(); ++i) {
    EXPECT_EQ(series.raw(i), ys[static_cast<std::size_t>(series.step(i))]);
    kept.push_back(series.raw(i));
  }
  const std::vector<float> expected = direct_ema(kept, 0.5);
  EXPECT_EQ(series.step(0), 0.0);
  for (std::size_t i = 0; i < kept.size(); ++i) EXPECT_NEAR(series.smoothed(i), expected[i], 1e-5);
}

TEST(MetricSeries, ZeroWeightEqualsRaw) {
  const std::vector<float> ys = noisy_values(100);
  MetricSeries series(128, 0.6f);
  for (std::size_t i = 0; i < ys.size(); ++i) series.push(static_cast<double>(i), ys[i]);
  series.set_smoothing(0.0f);
  for (std::size_t i = 0; i < ys.size(); ++i) EXPECT_EQ(series.smoothed(i), ys[i]);
}

TEST(MetricSeries, NonFiniteValuesAreKeptButSkipped) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> ys = {kNaN, 1.0f, 2.0f, kNaN, inf, 3.0f, 4.0f};
  MetricSeries series(16, 0.5f);
  for (std::size_t i = 0; i < ys.size(); ++i) series.push(static_cast<double>(i), ys[i]);

  EXPECT_TRUE(std::isnan(series.raw(0)));
  EXPECT_TRUE(std::isnan(series.smoothed(0)));  // nothing to repeat yet
  EXPECT_TRUE(std::isinf(series.raw(4)));
  EXPECT_EQ(series.smoothed(3), series.smoothed(2));
  EXPECT_EQ(series.smoothed(4), series.smoothed(2));

  const std::vector<float> expected = direct_ema(ys, 0.5);
  for (std::size_t i = 1; i < ys.size(); ++i)
    EXPECT_NEAR(series.smoothed(i), expected[i], 1e-6) << i;

  const ValueRange raw = series.raw_range(0, series.size());
  ASSERT_TRUE(raw.valid());
  EXPECT_EQ(raw.lo, 1.0f);
  EXPECT_EQ(raw.hi, 4.0f);
  EXPECT_FALSE(series.raw_range(0, 1).valid());
}

TEST(MetricSeries, SmoothingIsClamped) {
  MetricSeries series(8, 0.3f);
  series.set_smoothing(-1.0f);
  EXPECT_EQ(series.smoothing(), 0.0f);
  series.set_smoothing(1.0f);
  EXPECT_EQ(series.smoothing(), MetricSeries::kMaxSmoothing);
  series.push(0.0, 2.0f);
  series.push(1.0, 2.0f);
  EXPECT_NEAR(series.smoothed(1), 2.0f, 1e-5);
}

TEST(MetricSeries, UnchangedWeightDoesNotRecompute) {
  // After thinning, a recompute forgets the thinned points, so it is observable.
  MetricSeries series(16, 0.5f);
  for (int i = 0; i < 40; ++i) series.push(i, static_cast<float>(i % 3));
  const auto smoothed = [&] {
    std::vector<float> out;
    for (std::size_t i = 0; i < series.size(); ++i) out.push_back(series.smoothed(i));
    return out;
  };
  const std::vector<float> incremental = smoothed();
  series.set_smoothing(0.5f);
  EXPECT_EQ(smoothed(), incremental);
  series.set_smoothing(0.4f);
  series.set_smoothing(0.5f);
  EXPECT_NE(smoothed(), incremental);  // recomputed over the kept points only
}

TEST(MetricSeries, LookupByStep) {
  MetricSeries series(16);
  EXPECT_EQ(series.nearest(3.0), 0u);  // empty: size()
  for (int i = 0; i < 12; ++i) series.push(10.0 * i + 40.0, static_cast<float>(i));
  // Steps: 40, 50, ..., 150.
  EXPECT_EQ(series.lower_bound(0.0), 0u);
  EXPECT_EQ(series.lower_bound(45.0), 1u);
  EXPECT_EQ(series.lower_bound(50.0), 1u);
  EXPECT_EQ(series.lower_bound(500.0), series.size());
  EXPECT_EQ(series.lower_bound(45.0, 3), 3u);
  EXPECT_EQ(series.nearest(0.0), 0u);
  EXPECT_EQ(series.nearest(54.0), 1u);
  EXPECT_EQ(series.nearest(56.0), 2u);
  EXPECT_EQ(series.nearest(1e9), series.size() - 1);
  EXPECT_EQ(series.total_pushed(), 12u);
}

}  // namespace
}  // namespace genscope
