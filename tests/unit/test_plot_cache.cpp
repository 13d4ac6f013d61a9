// The plots' multi-resolution cache: MinMaxPyramid queries against a brute-force scan, pushes
// against a rebuild, MetricSeries extremes and thinning past the cap.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "util/minmax_pyramid.h"
#include "util/series.h"

namespace genscope {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// The extremes of values [first, last) by looking at each one.
Extremes brute_extremes(const std::vector<float>& v, std::size_t first, std::size_t last) {
  Extremes e;
  for (std::size_t i = first; i < last; ++i) {
    if (!std::isfinite(v[i])) {
      ++e.nonfinite;
      continue;
    }
    if (e.lo_at == Extremes::kNone || v[i] < e.lo) e.lo = v[i], e.lo_at = std::uint32_t(i);
    if (e.hi_at == Extremes::kNone || v[i] > e.hi) e.hi = v[i], e.hi_at = std::uint32_t(i);
  }
  return e;
}

// Noisy values with ties, spikes and (when `gaps`) NaN and infinities.
std::vector<float> random_values(std::mt19937& rng, std::size_t n, bool gaps) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::uniform_int_distribution<int> kind(0, 99);
  std::vector<float> v(n);
  for (float& x : v) {
    const int k = kind(rng);
    x = k < 10 ? std::round(uniform(rng) * 3.0f)  // ties
        : k < 12 ? 100.0f * uniform(rng)          // spikes
                 : uniform(rng);
    if (gaps && k >= 97) x = k == 97 ? kNaN : k == 98 ? kInf : -kInf;
  }
  return v;
}

void expect_same(const Extremes& got, const Extremes& want, const char* what) {
  EXPECT_EQ(got.lo_at, want.lo_at) << what;
  EXPECT_EQ(got.hi_at, want.hi_at) << what;
  EXPECT_EQ(got.nonfinite, want.nonfinite) << what;
  if (want.valid()) {
    EXPECT_EQ(got.lo, want.lo) << what;
    EXPECT_EQ(got.hi, want.hi) << what;
  }
  EXPECT_EQ(got.valid(), want.valid()) << what;
}

TEST(MinMaxPyramid, QueriesEqualABruteForceScan) {
  std::mt19937 rng(7);
  for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 513u, 4096u, 5000u}) {
    const std::vector<float> v = random_values(rng, n, true);
    MinMaxPyramid pyramid;
    pyramid.rebuild(v.data(), n);
    std::uniform_int_distribution<std::size_t> index(0, n);
    for (int q = 0; q < 400; ++q) {
      std::size_t a = index(rng), b = index(rng);
      if (a > b) std::swap(a, b);
      SCOPED_TRACE(testing::Message() << "n " << n << " [" << a << ", " << b << ")");
      expect_same(pyramid.query(v.data(), a, b), brute_extremes(v, a, b), "random range");
    }
    if (n > 0) expect_same(pyramid.query(v.data(), 0, n), brute_extremes(v, 0, n), "all");
  }
}

TEST(MinMaxPyramid, PushingOneByOneEqualsARebuild) {
  std::mt19937 rng(11);
  const std::vector<float> v = random_values(rng, 9000, true);
  MinMaxPyramid incremental;
  for (std::size_t n = 1; n <= v.size(); ++n) {
    incremental.push(v.data(), n);
    if (n % 997 != 0 && n != v.size() && n != 512 && n != 4096) continue;
    MinMaxPyramid rebuilt;
    rebuilt.rebuild(v.data(), n);
    ASSERT_EQ(incremental.levels(), rebuilt.levels()) << n;
    for (std::size_t k = 0; k < rebuilt.levels(); ++k)
      ASSERT_EQ(incremental.level(k), rebuilt.level(k)) << "level " << k << " at " << n;
  }
  EXPECT_EQ(incremental.levels(), 4u);  // 9000 values: blocks of 8, 64, 512 and 4096
}

TEST(MetricSeries, ExtremesOfRawAndSmoothedEqualABruteForceScan) {
  std::mt19937 rng(3);
  const std::vector<float> v = random_values(rng, 3000, true);
  MetricSeries series(4096, 0.8f);
  for (std::size_t i = 0; i < v.size(); ++i) series.push(double(i), v[i]);
  const auto check = [&] {
    std::vector<float> smoothed;
    for (std::size_t i = 0; i < series.size(); ++i) smoothed.push_back(series.smoothed(i));
    std::uniform_int_distribution<std::size_t> index(0, series.size());
    for (int q = 0; q < 300; ++q) {
      std::size_t a = index(rng), b = index(rng);
      if (a > b) std::swap(a, b);
      SCOPED_TRACE(testing::Message() << "[" << a << ", " << b << ")");
      expect_same(series.extremes(SeriesValues::kRaw, a, b), brute_extremes(v, a, b), "raw");
      expect_same(series.extremes(SeriesValues::kSmoothed, a, b), brute_extremes(smoothed, a, b),
                  "smoothed");
    }
    const ValueRange range = series.raw_range(0, series.size());
    const Extremes all = brute_extremes(v, 0, v.size());
    EXPECT_EQ(range.lo, all.lo);
    EXPECT_EQ(range.hi, all.hi);
  };
  check();
  series.set_smoothing(0.3f);  // the smoothed pyramid is rebuilt
  check();
  series.set_smoothing(0.0f);
  check();
}

TEST(MetricSeries, LookupWithAHintEqualsAPlainSearch) {
  MetricSeries series(64);
  const double steps[] = {0, 0, 1, 2, 2, 2, 5, 9, 10, 10, 30, 31, 31, 40};
  for (double s : steps) series.push(s, 1.0f);
  const std::size_t n = series.size();
  for (double target : {-1.0, 0.0, 0.5, 2.0, 3.0, 10.0, 11.0, 31.0, 40.0, 41.0}) {
    for (std::size_t from = 0; from <= n; ++from) {
      const std::size_t want =
          std::size_t(std::lower_bound(std::begin(steps) + std::min(from, n), std::end(steps),
                                       target) -
                      std::begin(steps));
      EXPECT_EQ(series.lower_bound(target, from), want) << target << " from " << from;
      for (std::size_t hint = 0; hint <= n + 2; ++hint)
        ASSERT_EQ(series.lower_bound(target, from, hint), want)
            << target << " from " << from << " hint " << hint;
    }
  }
}

TEST(MetricSeries, ThinningKeepsEachGroupsLowestAndHighestInOrder) {
  MetricSeries series(16, 0.0f);
  const float v[] = {5, 1, 9, 3, 2, kNaN, 7, kNaN, kNaN, 1, 1, 1, 1, 4, 4, 8, 4, 4, 4, 4, 4};
  const auto steps = [&] {
    std::vector<double> out;
    for (std::size_t i = 0; i < series.size(); ++i) out.push_back(series.step(i));
    return out;
  };
  for (int i = 0; i < 16; ++i) series.push(i, v[i]);
  EXPECT_EQ(series.size(), 16u) << "every point up to the cap";
  // Full: point 0 stays; of the older half of the rest, each group of four keeps its lowest and
  // highest: 1..4 (1, 9, 3, 2) keep 1 and 2.
  series.push(16, v[16]);
  EXPECT_EQ(steps(), (std::vector<double>{0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}));
  // 5..8 (NaN, 7, NaN, NaN) has one finite value: it keeps the first NaN too (a gap).
  series.push(17, v[17]);
  series.push(18, v[18]);
  EXPECT_EQ(steps(), (std::vector<double>{0, 1, 2, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}));
  EXPECT_TRUE(std::isnan(series.raw(3)));
  // 9..12 (all 1) keeps its first and last.
  series.push(19, v[19]);
  series.push(20, v[20]);
  EXPECT_EQ(steps(), (std::vector<double>{0, 1, 2, 5, 6, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20}));
  EXPECT_EQ(series.total_pushed(), 21u);
}

TEST(MetricSeries, PastTheCapTheWholeRunStaysEvenlyWithEverySpikeAndLongGap) {
  constexpr std::size_t kCap = 1024;
  constexpr int kPushed = 50000;
  std::mt19937 rng(5);
  std::vector<float> v = random_values(rng, kPushed, false);
  v[1234] = 1000.0f, v[47001] = -1000.0f;
  for (int i = 2000; i < 3000; ++i) v[i] = kNaN;  // a long gap early on
  MetricSeries series(kCap, 0.5f), everything(kPushed, 0.5f);
  for (int i = 0; i < kPushed; ++i) {
    series.push(i, v[i]);
    everything.push(i, v[i]);
    ASSERT_LE(series.size(), kCap);
  }
  EXPECT_EQ(series.total_pushed(), std::uint64_t(kPushed));
  EXPECT_GE(series.size(), kCap / 2);
  EXPECT_EQ(series.step(0), 0.0) << "the start of the run stays";
  int per_tenth[10] = {};
  bool gap = false;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto step = std::size_t(series.step(i));
    if (i > 0) ASSERT_GT(series.step(i), series.step(i - 1));
    // Every kept point is a pushed one, with the smoothed value it had.
    EXPECT_TRUE(series.raw(i) == v[step] || (std::isnan(v[step]) && std::isnan(series.raw(i))));
    EXPECT_EQ(series.smoothed(i), everything.smoothed(step));
    gap = gap || std::isnan(series.raw(i));
    ++per_tenth[step * 10 / kPushed];
  }
  EXPECT_TRUE(gap) << "the long NaN gap survives thinning";
  for (int t = 0; t < 9; ++t) EXPECT_GE(per_tenth[t], 20) << "tenth " << t << " of the run";
  const ValueRange range = series.raw_range(0, series.size());
  EXPECT_EQ(range.lo, -1000.0f);
  EXPECT_EQ(range.hi, 1000.0f);
  // The newest quarter of the capacity is every point pushed.
  for (std::size_t i = series.size() - kCap / 4; i < series.size(); ++i)
    EXPECT_EQ(series.step(i), double(kPushed) - double(series.size() - i));
}

}  // namespace
}  // namespace genscope
