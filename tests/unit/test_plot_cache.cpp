// The plots' multi-resolution cache: MinMaxPyramid queries against a brute-force scan, pushes
// against a rebuild, MetricSeries extremes, thinning past the cap, and decimate_columns against
// the full scan the plots did before (every point through a per-column state machine).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "util/minmax_pyramid.h"
#include "util/series.h"
#include "util/series_decimation.h"

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
    x = k < 10   ? std::round(uniform(rng) * 3.0f)  // ties
        : k < 12 ? 100.0f * uniform(rng)            // spikes
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
      const std::size_t want = std::size_t(
          std::lower_bound(std::begin(steps) + std::min(from, n), std::end(steps), target) -
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

// One line as decimated: its strokes (runs between gaps), each a list of kept points.
using Strokes = std::vector<std::vector<KeptPoint>>;

bool same_points(const Strokes& a, const Strokes& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t s = 0; s < a.size(); ++s) {
    if (a[s].size() != b[s].size()) return false;
    for (std::size_t i = 0; i < a[s].size(); ++i) {
      const KeptPoint &p = a[s][i], &q = b[s][i];
      if (p.index != q.index || p.x != q.x || p.y != q.y) return false;
    }
  }
  return true;
}

// The decimation the plots did before the pyramid, written out again: every point in order;
// a pixel column keeps its lowest and highest point (the first of equal ones), in their order;
// a point that cannot be drawn ends the stroke.
Strokes full_scan(const MetricSeries& s, SeriesValues which, PixelColumns c, bool positive) {
  Strokes strokes(1);
  bool pending = false;
  double lo = 0.0, hi = 0.0;
  KeptPoint low{}, high{};
  const auto flush = [&] {
    if (!pending) return;
    const bool low_first = low.index <= high.index;
    strokes.back().push_back(low_first ? low : high);
    if (low.index != high.index) strokes.back().push_back(low_first ? high : low);
    pending = false;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const KeptPoint p{i, s.step(i), s.value(which, i)};
    if (!std::isfinite(p.y) || (positive && !(p.y > 0.0f))) {
      flush();
      if (!strokes.back().empty()) strokes.emplace_back();
      continue;
    }
    if (pending && !(p.x >= lo && p.x < hi)) flush();
    if (!pending) {
      const double column = std::floor((p.x - c.x_lo) * c.x_scale);
      lo = c.x_lo + column / c.x_scale, hi = c.x_lo + (column + 1.0) / c.x_scale;
      low = high = p;
      pending = true;
    }
    if (p.y < low.y) low = p;
    if (p.y > high.y) high = p;
  }
  flush();
  if (strokes.back().empty()) strokes.pop_back();
  return strokes;
}

// Collects what decimate_columns hands a line plot.
struct RecordingSink {
  Strokes strokes = Strokes(1);
  void point(const KeptPoint& p) { strokes.back().push_back(p); }
  void end_stroke() {
    if (!strokes.back().empty()) strokes.emplace_back();
  }
  Strokes done() {
    if (strokes.back().empty()) strokes.pop_back();
    return strokes;
  }
};

Strokes decimated(const MetricSeries& s, SeriesValues which, PixelColumns c, bool positive) {
  RecordingSink sink;
  decimate_columns(s, which, c, positive, sink);
  return sink.done();
}

// Steps that repeat, jump and crawl.
std::vector<double> random_steps(std::mt19937& rng, std::size_t n) {
  std::uniform_int_distribution<int> kind(0, 99);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> steps(n);
  double step = 1000.0 * uniform(rng) - 500.0;
  for (double& s : steps) {
    const int k = kind(rng);
    step += k < 10 ? 0.0 : k < 12 ? 1e4 * uniform(rng) : k < 50 ? 1.0 : 3.0 * uniform(rng);
    s = step;
  }
  return steps;
}

TEST(DecimateColumns, EqualsTheFullScanOverRandomSeriesWidthsAndRanges) {
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double widths[] = {1, 2, 3, 17, 333, 800, 1920, 7000};
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = trial == 0 ? 1000000 : std::size_t(uniform(rng) * uniform(rng) * 6000);
    const std::vector<double> steps = random_steps(rng, n);
    const std::vector<float> values = random_values(rng, n, coin(rng));
    MetricSeries series(n + 8, coin(rng) ? 0.0f : 0.9f);
    for (std::size_t i = 0; i < n; ++i)
      series.push(steps[i], values[i] + (trial % 3 ? 0.0f : 1.0f));
    const double first = n ? steps.front() : 0.0, last = n ? steps.back() : 1.0;
    PixelColumns columns;
    columns.x_lo = first - (coin(rng) ? 0.0 : 100.0 * uniform(rng));
    columns.x_scale = widths[trial % 8] / std::max(last - columns.x_lo, 1e-3);
    for (SeriesValues which : {SeriesValues::kRaw, SeriesValues::kSmoothed}) {
      for (bool positive : {false, true}) {
        SCOPED_TRACE(testing::Message() << "trial " << trial << " n " << n << " width "
                                        << widths[trial % 8] << " positive " << positive);
        ASSERT_TRUE(same_points(decimated(series, which, columns, positive),
                                full_scan(series, which, columns, positive)));
      }
    }
  }
}

TEST(DecimateColumns, EveryColumnKeepsItsLowestAndHighestPointInOrder) {
  // Integer steps and a power-of-two scale: every column's bounds are exact, so the columns can be
  // told apart by floor() alone.
  std::mt19937 rng(99);
  for (double scale : {1.0 / 1024, 1.0 / 8, 0.5, 1.0, 4.0}) {
    const std::size_t n = 20000;
    const std::vector<float> values = random_values(rng, n, false);
    MetricSeries series(n, 0.0f);
    for (std::size_t i = 0; i < n; ++i) series.push(double(i), values[i]);
    const Strokes strokes = decimated(series, SeriesValues::kRaw, PixelColumns{0.0, scale}, false);
    ASSERT_EQ(strokes.size(), 1u);
    std::vector<KeptPoint> want;
    for (std::size_t a = 0; a < n;) {
      std::size_t b = a;
      while (b < n && std::floor(b * scale) == std::floor(a * scale)) ++b;
      const Extremes e = brute_extremes(values, a, b);
      for (std::uint32_t at : {std::min(e.lo_at, e.hi_at), std::max(e.lo_at, e.hi_at)}) {
        if (!want.empty() && want.back().index == at) continue;
        want.push_back(KeptPoint{at, double(at), values[at]});
      }
      a = b;
    }
    SCOPED_TRACE(testing::Message() << "scale " << scale);
    EXPECT_TRUE(same_points(strokes, Strokes{want}));
  }
}

TEST(DecimateColumns, GapsAndValuesALogAxisCannotDrawBreakTheLine) {
  MetricSeries series(64, 0.0f);
  const float values[] = {1, 2, kNaN, 3, 4, 5, -1, 6, 7, 0, 8};
  for (int i = 0; i < 11; ++i) series.push(i, values[i]);
  // One column per step: linear, the NaN splits the line in two.
  const PixelColumns columns{0.0, 1.0};
  const Strokes linear = decimated(series, SeriesValues::kRaw, columns, false);
  ASSERT_EQ(linear.size(), 2u);
  EXPECT_EQ(linear[0].size(), 2u);
  EXPECT_EQ(linear[1].size(), 8u);
  // On a log axis -1 and 0 break it too.
  const Strokes log = decimated(series, SeriesValues::kRaw, columns, true);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[1].size(), 3u);
  EXPECT_EQ(log[3].size(), 1u);
  // All in one column: a stroke per run, each its own lowest and highest point.
  const Strokes one = decimated(series, SeriesValues::kRaw, PixelColumns{0.0, 1e-3}, false);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[1].front().y, -1.0f);
  EXPECT_EQ(one[1].back().y, 8.0f);
  EXPECT_TRUE(same_points(one, full_scan(series, SeriesValues::kRaw, {0.0, 1e-3}, false)));
}

TEST(DecimateColumns, PointsRoundedOutOfTheirOwnColumnEachStartOne) {
  // A step whose column, computed back, starts just after it (rounding): the full scan starts a
  // new column at each such point, and so must the pyramid's runs.
  const PixelColumns columns{0.1, 10.0};
  double x = 0.0;
  for (int k = 1; k < 1000 && x == 0.0; ++k) {
    const double edge = columns.x_lo + k / columns.x_scale;
    for (double candidate : {std::nextafter(edge, 0.0), edge, std::nextafter(edge, 1e9)}) {
      const double column = std::floor((candidate - columns.x_lo) * columns.x_scale);
      if (candidate < columns.x_lo + column / columns.x_scale) x = candidate;
    }
  }
  ASSERT_NE(x, 0.0) << "no step rounds out of its column";
  MetricSeries series(64, 0.0f);
  for (float y : {1.0f, 3.0f, 2.0f, 5.0f}) series.push(x, y);
  const Strokes want = full_scan(series, SeriesValues::kRaw, columns, false);
  ASSERT_EQ(want.size(), 1u);
  EXPECT_EQ(want[0].size(), 4u);
  EXPECT_TRUE(same_points(decimated(series, SeriesValues::kRaw, columns, false), want));
}

TEST(DecimateColumns, LongGapsAndNonPositiveRunsEqualTheFullScan) {
  // Dense series (many points per column) made of runs: NaN, values <= 0, positive values, each
  // run from one point to a few columns long.
  std::mt19937 rng(31);
  std::uniform_int_distribution<int> kind(0, 3), length(1, 3000);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  for (int trial = 0; trial < 40; ++trial) {
    MetricSeries series(400000, trial % 2 ? 0.9f : 0.0f);
    while (series.size() < 200000) {
      const int k = kind(rng), run = length(rng) >> (trial % 4 * 3);
      for (int j = 0; j <= run; ++j) {
        const float y = k == 0 ? kNaN : k == 1 ? -uniform(rng) : k == 2 ? 0.0f : uniform(rng);
        series.push(double(series.size()), y);
      }
    }
    const PixelColumns columns{0.0, (700.0 + trial) / double(series.size())};
    for (SeriesValues which : {SeriesValues::kRaw, SeriesValues::kSmoothed}) {
      for (bool positive : {false, true}) {
        SCOPED_TRACE(testing::Message() << "trial " << trial << " positive " << positive);
        ASSERT_TRUE(same_points(decimated(series, which, columns, positive),
                                full_scan(series, which, columns, positive)));
      }
    }
  }
}

}  // namespace
}  // namespace genscope
