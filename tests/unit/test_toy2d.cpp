// Toy 2D distributions (documented definitions, checked statistically with fixed seeds), mode
// coverage on synthetic sample sets, and histogram KL/JS.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "data/toy2d.h"
#include "core/mode_metrics.h"

namespace genscope {
namespace {

constexpr double kPi = 3.14159265358979323846;

Toy2DDistribution make(Toy2DKind kind, std::vector<Point2> points = {}) {
  auto d = Toy2DDistribution::make(kind, std::move(points));
  EXPECT_TRUE(d.ok()) << d.error();
  return *d;
}

std::vector<Point2> draw(Toy2DKind kind, int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  return make(kind).sample(n, rng);
}

struct Moments {
  double mean_x = 0, mean_y = 0, std_x = 0, std_y = 0;
};

Moments moments(const std::vector<Point2>& pts) {
  Moments m;
  for (const Point2& p : pts) m.mean_x += p.x, m.mean_y += p.y;
  m.mean_x /= pts.size();
  m.mean_y /= pts.size();
  for (const Point2& p : pts) {
    m.std_x += (p.x - m.mean_x) * (p.x - m.mean_x);
    m.std_y += (p.y - m.mean_y) * (p.y - m.mean_y);
  }
  m.std_x = std::sqrt(m.std_x / pts.size());
  m.std_y = std::sqrt(m.std_y / pts.size());
  return m;
}

size_t nearest(Point2 p, const std::vector<Point2>& centers) {
  size_t best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < centers.size(); ++k) {
    const double d = std::hypot(p.x - centers[k].x, p.y - centers[k].y);
    if (d < best_d) best_d = d, best = k;
  }
  return best;
}

// For a mixture: residuals to the nearest centre have mean ~0 and per-axis std ~sigma; shares are
// equal.
void check_mixture(Toy2DKind kind, int n, float sigma) {
  const Toy2DDistribution d = make(kind);
  std::mt19937_64 rng(7);
  const std::vector<Point2> pts = d.sample(n, rng);
  const auto& c = d.mode_centers();
  std::vector<Point2> residuals;
  std::vector<int> counts(c.size(), 0);
  for (const Point2& p : pts) {
    const size_t k = nearest(p, c);
    ++counts[k];
    residuals.push_back({p.x - c[k].x, p.y - c[k].y});
  }
  const Moments m = moments(residuals);
  EXPECT_NEAR(m.mean_x, 0.0, 0.1 * sigma);
  EXPECT_NEAR(m.mean_y, 0.0, 0.1 * sigma);
  EXPECT_NEAR(m.std_x, sigma, 0.05 * sigma);
  EXPECT_NEAR(m.std_y, sigma, 0.05 * sigma);
  const double expected = double(n) / c.size();
  for (size_t k = 0; k < c.size(); ++k)
    EXPECT_NEAR(counts[k], expected, 5.0 * std::sqrt(expected)) << "mode " << k;
}

void expect_inside(const std::vector<Point2>& pts, const Box2& box) {
  for (const Point2& p : pts) ASSERT_TRUE(box.contains(p)) << p.x << ", " << p.y;
}

// ---------------------------------------------------------------------------------------------
// Toy2D

TEST(Toy2D, NamesRoundTripAndUnknownNamesAreRejected) {
  const std::vector<std::string> names = toy2d_names();
  const std::vector<std::string> expected = {"ring8",  "grid25", "gaussian", "line",
                                             "spiral", "moons",  "custom"};
  EXPECT_EQ(names, expected);
  for (const Toy2DSpec& s : toy2d_specs()) {
    const auto kind = parse_toy2d(toy2d_name(s.kind));
    ASSERT_TRUE(kind.has_value()) << s.name;
    EXPECT_EQ(*kind, s.kind);
    EXPECT_EQ(&toy2d_spec(s.kind), &s);
    EXPECT_GT(std::string(s.definition).size(), 10u) << s.name;
  }
  for (const char* bad : {"", "ring", "ring9", "Ring8", " moons", "grid-25"})
    EXPECT_FALSE(parse_toy2d(bad).has_value()) << bad;
}

TEST(Toy2D, SpecsHoldTheDocumentedNumbers) {
  const Toy2DSpec& ring = toy2d_spec(Toy2DKind::kRing8);
  EXPECT_EQ(ring.modes, 8);
  EXPECT_FLOAT_EQ(ring.sigma, 0.02f);
  EXPECT_EQ(toy2d_spec(Toy2DKind::kGrid25).modes, 25);
  EXPECT_FLOAT_EQ(toy2d_spec(Toy2DKind::kGrid25).sigma, 0.02f);
  EXPECT_FLOAT_EQ(toy2d_spec(Toy2DKind::kGrid25).view.max_x, 5.0f);
  EXPECT_EQ(toy2d_spec(Toy2DKind::kGaussian).modes, 1);
  EXPECT_FLOAT_EQ(toy2d_spec(Toy2DKind::kGaussian).sigma, 0.5f);
  EXPECT_FLOAT_EQ(toy2d_spec(Toy2DKind::kMoons).sigma, 0.075f);
  EXPECT_FLOAT_EQ(toy2d_spec(Toy2DKind::kCustom).sigma, 0.05f);
  for (const Toy2DSpec& s : toy2d_specs()) {
    EXPECT_TRUE(s.view.valid()) << s.name;
    const Toy2DDistribution d = make(s.kind, {{0.0f, 0.0f}});
    EXPECT_EQ(int(d.mode_centers().size()), s.modes) << s.name;
    EXPECT_FLOAT_EQ(d.mode_sigma(), s.sigma) << s.name;
    EXPECT_STREQ(d.name(), s.name);
  }
}

TEST(Toy2D, Ring8CentresAreAtRadius2AndAngles2PiKOver8) {
  const Toy2DDistribution d = make(Toy2DKind::kRing8);
  ASSERT_EQ(d.mode_centers().size(), 8u);
  for (int k = 0; k < 8; ++k) {
    EXPECT_NEAR(d.mode_centers()[k].x, 2.0 * std::cos(2 * kPi * k / 8), 1e-6);
    EXPECT_NEAR(d.mode_centers()[k].y, 2.0 * std::sin(2 * kPi * k / 8), 1e-6);
  }
}

TEST(Toy2D, Ring8SamplesHaveSigma002AndEqualShares) {
  check_mixture(Toy2DKind::kRing8, 16000, 0.02f);
}

TEST(Toy2D, Grid25CentresAreTheGridInRowMajorOrder) {
  const Toy2DDistribution d = make(Toy2DKind::kGrid25);
  ASSERT_EQ(d.mode_centers().size(), 25u);
  for (int row = 0; row < 5; ++row)
    for (int col = 0; col < 5; ++col) {
      EXPECT_FLOAT_EQ(d.mode_centers()[5 * row + col].x, -4.0f + 2.0f * col);
      EXPECT_FLOAT_EQ(d.mode_centers()[5 * row + col].y, -4.0f + 2.0f * row);
    }
}

TEST(Toy2D, Grid25SamplesHitAll25ModesWithSigma002) {
  check_mixture(Toy2DKind::kGrid25, 25000, 0.02f);
  const ModeStats s = mode_coverage(draw(Toy2DKind::kGrid25, 2500, 3), make(Toy2DKind::kGrid25));
  EXPECT_EQ(s.modes_covered, 25);
}

TEST(Toy2D, GaussianHasMean0AndSigma05) {
  const Toy2DDistribution d = make(Toy2DKind::kGaussian);
  ASSERT_EQ(d.mode_centers().size(), 1u);
  EXPECT_FLOAT_EQ(d.mode_centers()[0].x, d.mean().x);
  EXPECT_FLOAT_EQ(d.mode_centers()[0].y, d.mean().y);
  const Moments m = moments(draw(Toy2DKind::kGaussian, 20000, 11));
  EXPECT_NEAR(m.mean_x, 0.0, 0.02);
  EXPECT_NEAR(m.mean_y, 0.0, 0.02);
  EXPECT_NEAR(m.std_x, 0.5, 0.015);
  EXPECT_NEAR(m.std_y, 0.5, 0.015);
}

TEST(Toy2D, LineIsUniformOnTheSegmentWithSmallNoise) {
  const Toy2DDistribution d = make(Toy2DKind::kLine);
  EXPECT_TRUE(d.mode_centers().empty());
  const std::vector<Point2> pts = draw(Toy2DKind::kLine, 20000, 5);
  expect_inside(pts, d.view_box());
  const Moments m = moments(pts);
  EXPECT_NEAR(m.mean_x, 0.0, 0.03);
  EXPECT_NEAR(m.mean_y, 0.0, 0.02);
  // Along the segment: t uniform on [0, 1] (std 1/sqrt(12)); across it: noise std 0.02.
  const double ax = 4.0, ay = 2.0, len = std::hypot(ax, ay);
  std::vector<Point2> tn;
  for (const Point2& p : pts) {
    const double rx = p.x + 2.0, ry = p.y + 1.0;
    tn.push_back({float((rx * ax + ry * ay) / (len * len)), float((-rx * ay + ry * ax) / len)});
  }
  const Moments t = moments(tn);
  EXPECT_NEAR(t.mean_x, 0.5, 0.01);
  EXPECT_NEAR(t.std_x, 1.0 / std::sqrt(12.0), 0.01);
  EXPECT_NEAR(t.mean_y, 0.0, 0.002);
  EXPECT_NEAR(t.std_y, 0.02, 0.001);
}

TEST(Toy2D, SpiralMatchesItsParametrisation) {
  const Toy2DDistribution d = make(Toy2DKind::kSpiral);
  EXPECT_NEAR(d.mean().x, 4 * 2.5 / (16 * kPi * kPi), 1e-5);
  EXPECT_NEAR(d.mean().y, -2 * 2.5 / (4 * kPi), 1e-5);
  const std::vector<Point2> pts = draw(Toy2DKind::kSpiral, 20000, 9);
  expect_inside(pts, d.view_box());
  const Moments m = moments(pts);
  EXPECT_NEAR(m.mean_x, d.mean().x, 0.03);
  EXPECT_NEAR(m.mean_y, d.mean().y, 0.03);
  // Each point is within a few noise sigmas of the curve r = 2.5 t, theta = 4 pi t: some branch
  // theta + 2 pi j of its angle gives a radius 2.5 theta / (4 pi) close to its own.
  int near_curve = 0;
  for (const Point2& p : pts) {
    const double r = std::hypot(p.x, p.y);
    double phase = std::atan2(p.y, p.x);
    if (phase < 0) phase += 2 * kPi;
    double best = 1e9;
    for (int j = -1; j <= 2; ++j)
      best = std::min(best, std::abs(r - 2.5 * (phase + 2 * kPi * j) / (4 * kPi)));
    if (best < 4 * 0.05) ++near_curve;
  }
  EXPECT_GT(near_curve, int(0.97 * pts.size()));
}

TEST(Toy2D, MoonsAreCentredScaledTwoMoons) {
  const Toy2DDistribution d = make(Toy2DKind::kMoons);
  EXPECT_FLOAT_EQ(d.mean().x, 0.0f);
  EXPECT_FLOAT_EQ(d.mean().y, 0.0f);
  const std::vector<Point2> pts = draw(Toy2DKind::kMoons, 20000, 13);
  expect_inside(pts, d.view_box());
  const Box2 documented{-2.25f - 6 * 0.075f, -1.125f - 6 * 0.075f, 2.25f + 6 * 0.075f,
                        1.125f + 6 * 0.075f};
  expect_inside(pts, documented);
  const Moments m = moments(pts);
  EXPECT_NEAR(m.mean_x, 0.0, 0.03);
  EXPECT_NEAR(m.mean_y, 0.0, 0.02);
  // Undo the map; each raw point is within a few raw noise sigmas of its nearer moon.
  int near_moon = 0;
  for (const Point2& p : pts) {
    const double x = p.x / 1.5 + 0.5, y = p.y / 1.5 + 0.25;
    const double upper = std::abs(std::hypot(x, y) - 1.0);
    const double lower = std::abs(std::hypot(x - 1.0, y - 0.5) - 1.0);
    if (std::min(upper, lower) < 4 * 0.05) ++near_moon;
  }
  EXPECT_GT(near_moon, int(0.99 * pts.size()));
}

TEST(Toy2D, CustomWithoutPointsIsAnError) {
  const auto d = Toy2DDistribution::make(Toy2DKind::kCustom, {});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().find("custom"), std::string::npos) << d.error();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto bad = Toy2DDistribution::make(Toy2DKind::kCustom, {{0.0f, 0.0f}, {nan, 1.0f}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("point 1"), std::string::npos) << bad.error();
  // Other kinds ignore custom points, and need none.
  EXPECT_TRUE(Toy2DDistribution::make(Toy2DKind::kRing8, {}).ok());
}

TEST(Toy2D, CustomJittersAroundThePaintedPoints) {
  const Toy2DDistribution d = make(Toy2DKind::kCustom, {{1.0f, 1.0f}, {-1.0f, 2.0f}});
  EXPECT_TRUE(d.mode_centers().empty());
  EXPECT_FLOAT_EQ(d.mean().x, 0.0f);
  EXPECT_FLOAT_EQ(d.mean().y, 1.5f);
  EXPECT_EQ(d.custom_points().size(), 2u);
  std::mt19937_64 rng(17);
  const std::vector<Point2> pts = d.sample(20000, rng);
  const Moments m = moments(pts);
  EXPECT_NEAR(m.mean_x, 0.0, 0.03);
  EXPECT_NEAR(m.mean_y, 1.5, 0.02);
  const ModeStats s = mode_coverage(pts, d.custom_points(), 0.05f);
  EXPECT_EQ(s.modes_covered, 2);
  EXPECT_NEAR(s.per_mode_share[0], 0.5, 0.02);
  std::vector<Point2> residuals;
  for (const Point2& p : pts) {
    const Point2 c = d.custom_points()[nearest(p, d.custom_points())];
    residuals.push_back({p.x - c.x, p.y - c.y});
  }
  const Moments r = moments(residuals);
  EXPECT_NEAR(r.std_x, 0.05, 0.002);
  EXPECT_NEAR(r.std_y, 0.05, 0.002);
}

TEST(Toy2D, CustomViewBoxGrowsToContainThePoints) {
  const Box2 small = make(Toy2DKind::kCustom, {{0.0f, 0.0f}}).view_box();
  EXPECT_FLOAT_EQ(small.min_x, -3.0f);
  EXPECT_FLOAT_EQ(small.max_y, 3.0f);
  const Box2 big = make(Toy2DKind::kCustom, {{4.0f, -5.0f}}).view_box();
  EXPECT_FLOAT_EQ(big.max_x, 4.5f);
  EXPECT_FLOAT_EQ(big.min_y, -5.5f);
  EXPECT_FLOAT_EQ(big.min_x, -3.0f);
}

TEST(Toy2D, SamplingIsDeterministicPerSeed) {
  for (const Toy2DSpec& s : toy2d_specs()) {
    const Toy2DDistribution d = make(s.kind, {{0.5f, 0.5f}});
    std::mt19937_64 a(42), b(42);
    const auto pa = d.sample(100, a), pb = d.sample(100, b);
    ASSERT_EQ(pa.size(), 100u);
    for (size_t i = 0; i < pa.size(); ++i) {
      EXPECT_EQ(pa[i].x, pb[i].x) << s.name;
      EXPECT_EQ(pa[i].y, pb[i].y) << s.name;
    }
    EXPECT_TRUE(d.sample(0, a).empty());
    EXPECT_TRUE(d.sample(-3, a).empty());
  }
}

// ---------------------------------------------------------------------------------------------
// ModeCoverage

std::vector<Point2> ring_centers() { return make(Toy2DKind::kRing8).mode_centers(); }

TEST(ModeCoverage, PointsOnEveryModeCoverAllWith100PercentHQ) {
  std::vector<Point2> pts;
  for (int i = 0; i < 2500; ++i) pts.push_back(ring_centers()[i % 8]);
  const ModeStats s = mode_coverage(pts, ring_centers(), 0.02f);
  EXPECT_EQ(s.samples, 2500);
  EXPECT_EQ(s.modes_total, 8);
  EXPECT_EQ(s.modes_covered, 8);
  EXPECT_EQ(s.hq_count, 2500);
  EXPECT_DOUBLE_EQ(s.hq_percent, 100.0);
  ASSERT_EQ(s.per_mode_count.size(), 8u);
  double share_sum = 0.0;
  for (int k = 0; k < 8; ++k) {
    EXPECT_GE(s.per_mode_count[k], 312);
    share_sum += s.per_mode_share[k];
  }
  EXPECT_NEAR(share_sum, 1.0, 1e-12);
}

TEST(ModeCoverage, TrueRing8SamplesAreAbout99PercentHQ) {
  // A 2D isotropic Gaussian puts 1 - exp(-9/2) = 98.9% of its mass within 3 sigma.
  const ModeStats s = mode_coverage(draw(Toy2DKind::kRing8, 2500, 21), make(Toy2DKind::kRing8));
  EXPECT_EQ(s.modes_covered, 8);
  EXPECT_NEAR(s.hq_percent, 100.0 * (1.0 - std::exp(-4.5)), 0.8);
}

TEST(ModeCoverage, AllPointsOnOneModeCoverOneOfEight) {
  std::vector<Point2> pts(2500, ring_centers()[3]);
  const ModeStats s = mode_coverage(pts, ring_centers(), 0.02f);
  EXPECT_EQ(s.modes_covered, 1);
  EXPECT_DOUBLE_EQ(s.hq_percent, 100.0);
  EXPECT_EQ(s.per_mode_count[3], 2500);
  EXPECT_DOUBLE_EQ(s.per_mode_share[3], 1.0);
  EXPECT_EQ(s.per_mode_count[0], 0);
}

TEST(ModeCoverage, FarPointsAreNotHQAndCoverNothing) {
  std::vector<Point2> pts(2500, Point2{0.0f, 0.0f});  // the ring's centre: 2 away from all modes
  pts.push_back({10.0f, -7.0f});
  const ModeStats s = mode_coverage(pts, ring_centers(), 0.02f);
  EXPECT_EQ(s.modes_covered, 0);
  EXPECT_EQ(s.hq_count, 0);
  EXPECT_DOUBLE_EQ(s.hq_percent, 0.0);
  for (double share : s.per_mode_share) EXPECT_EQ(share, 0.0);
}

TEST(ModeCoverage, GridCentresCoverAll25) {
  const Toy2DDistribution grid = make(Toy2DKind::kGrid25);
  std::vector<Point2> pts;
  for (int i = 0; i < 2500; ++i) {
    const Point2 c = grid.mode_centers()[i % 25];
    pts.push_back({c.x + 0.01f, c.y - 0.01f});
  }
  const ModeStats s = mode_coverage(pts, grid);
  EXPECT_EQ(s.modes_total, 25);
  EXPECT_EQ(s.modes_covered, 25);
  EXPECT_DOUBLE_EQ(s.hq_percent, 100.0);
}

TEST(ModeCoverage, HQRadiusIsStrictlyThreeSigmaFromTheNearestCentre) {
  const std::vector<Point2> centers = {{0.0f, 0.0f}, {1.0f, 0.0f}};
  const std::vector<Point2> pts = {{0.0f, 0.059f},   // 2.95 sigma from mode 0: HQ
                                   {0.0f, -0.061f},  // 3.05 sigma: not HQ
                                   {0.96f, 0.0f},    // 2 sigma from mode 1 (nearest): HQ
                                   {0.5f, 0.0f}};    // far from both
  const ModeStats s = mode_coverage(pts, centers, 0.02f);
  EXPECT_EQ(s.hq_count, 2);
  EXPECT_EQ(s.per_mode_count[0], 1);
  EXPECT_EQ(s.per_mode_count[1], 1);
  EXPECT_DOUBLE_EQ(s.hq_percent, 50.0);
  ModeCoverageOptions wide;
  wide.hq_sigmas = 3.1;
  EXPECT_EQ(mode_coverage(pts, centers, 0.02f, wide).hq_count, 3);
}

TEST(ModeCoverage, MinCountRaisesTheBarForCoverage) {
  std::vector<Point2> pts(100, ring_centers()[0]);
  pts.push_back(ring_centers()[1]);  // one stray HQ sample on mode 1
  EXPECT_EQ(mode_coverage(pts, ring_centers(), 0.02f).modes_covered, 2);
  ModeCoverageOptions strict;
  strict.min_count = 2;
  EXPECT_EQ(mode_coverage(pts, ring_centers(), 0.02f, strict).modes_covered, 1);
  strict.min_count = 0;  // acts as 1
  EXPECT_EQ(mode_coverage(pts, ring_centers(), 0.02f, strict).modes_covered, 2);
}

TEST(ModeCoverage, EdgeCasesGiveZerosNotNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const ModeStats bad =
      mode_coverage({{nan, 0.0f}, {inf, inf}, {2.0f, 0.0f}}, ring_centers(), 0.02f);
  EXPECT_EQ(bad.samples, 3);
  EXPECT_EQ(bad.hq_count, 1);
  EXPECT_EQ(bad.modes_covered, 1);
  const ModeStats empty = mode_coverage({}, ring_centers(), 0.02f);
  EXPECT_EQ(empty.modes_total, 8);
  EXPECT_EQ(empty.modes_covered, 0);
  EXPECT_EQ(empty.hq_percent, 0.0);
  EXPECT_EQ(empty.per_mode_count.size(), 8u);
  const ModeStats none = mode_coverage({{0.0f, 0.0f}}, {}, 0.02f);
  EXPECT_EQ(none.modes_total, 0);
  EXPECT_EQ(none.hq_percent, 0.0);
  const ModeStats zero_sigma = mode_coverage({ring_centers()[0]}, ring_centers(), 0.0f);
  EXPECT_EQ(zero_sigma.hq_count, 0);
  // Mode-less distributions have no centres.
  EXPECT_EQ(mode_coverage(draw(Toy2DKind::kMoons, 10, 1), make(Toy2DKind::kMoons)).modes_total, 0);
}

// ---------------------------------------------------------------------------------------------
// Divergence

const Box2 kView = toy2d::kDefaultView;

TEST(Divergence, IdenticalSetsGiveZero) {
  const std::vector<Point2> pts = draw(Toy2DKind::kRing8, 2500, 1);
  const auto d = histogram_divergence(pts, pts, kView, 50);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_NEAR(d->kl, 0.0, 1e-12);
  EXPECT_NEAR(d->reverse_kl, 0.0, 1e-12);
  EXPECT_NEAR(d->js, 0.0, 1e-12);
  EXPECT_EQ(d->bins, 50);
  EXPECT_EQ(d->real_used, 2500);
  EXPECT_EQ(d->fake_used, 2500);
}

TEST(Divergence, IndependentSamplesOfOneDistributionAreClose) {
  const auto d = histogram_divergence(draw(Toy2DKind::kGaussian, 2500, 1),
                                      draw(Toy2DKind::kGaussian, 2500, 2), kView, 50);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_GE(d->kl, 0.0);
  EXPECT_LT(d->js, 0.2);
  const auto far = histogram_divergence(draw(Toy2DKind::kGaussian, 2500, 1),
                                        draw(Toy2DKind::kRing8, 2500, 2), kView, 50);
  ASSERT_TRUE(far.ok());
  EXPECT_GT(far->js, d->js + 0.2);
}

TEST(Divergence, DisjointSetsGiveJSLn2AndLargeFiniteKL) {
  const std::vector<Point2> real = draw(Toy2DKind::kRing8, 2500, 1);
  std::vector<Point2> fake(2500, Point2{0.0f, 0.0f});  // the ring's empty centre
  const auto d = histogram_divergence(real, fake, kView, 50);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_NEAR(d->js, std::log(2.0), 1e-9);
  EXPECT_TRUE(std::isfinite(d->kl));
  EXPECT_GT(d->kl, 5.0);
  EXPECT_LT(d->kl, std::log(1.0 / kDivergenceEpsilon) + 1.0);
  EXPECT_GT(d->reverse_kl, 5.0);
}

TEST(Divergence, CollapseOnOneModeGivesReverseKLNearLn8) {
  // The generator puts everything on mode 0: reverse KL(gen || real) = ln 8 for the ideal
  // histograms, while KL(real || gen) is large (7/8 of the real mass is missing).
  const Toy2DDistribution ring = make(Toy2DKind::kRing8);
  const std::vector<Point2> real = draw(Toy2DKind::kRing8, 20000, 1);
  std::vector<Point2> fake;
  std::mt19937_64 rng(5);
  std::normal_distribution<float> noise(0.0f, 0.02f);
  for (int i = 0; i < 2500; ++i)
    fake.push_back({ring.mode_centers()[0].x + noise(rng), ring.mode_centers()[0].y + noise(rng)});
  const auto d = histogram_divergence(real, fake, kView, 50);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_NEAR(d->reverse_kl, std::log(8.0), 0.1);
  EXPECT_GT(d->kl, 5.0);
  EXPECT_GT(d->js, 0.4);
  EXPECT_LT(d->js, std::log(2.0));
}

TEST(Divergence, KLIsNonNegativeAndJSBounded) {
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const auto d = histogram_divergence(draw(Toy2DKind::kMoons, 500, seed),
                                        draw(Toy2DKind::kSpiral, 300, seed + 100), kView, 20);
    ASSERT_TRUE(d.ok()) << d.error();
    EXPECT_GE(d->kl, 0.0);
    EXPECT_GE(d->reverse_kl, 0.0);
    EXPECT_GE(d->js, 0.0);
    EXPECT_LE(d->js, std::log(2.0) + 1e-12);
  }
}

TEST(Divergence, PointsOutsideTheBoxAreClampedIntoEdgeCells) {
  const std::vector<Point2> real = {{-2.9f, -2.9f}};
  const std::vector<Point2> fake = {{-100.0f, -50.0f}};  // clamps to the same corner cell
  const auto d = histogram_divergence(real, fake, kView, 10);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->fake_used, 1);
  EXPECT_NEAR(d->js, 0.0, 1e-12);
  const auto max_edge = histogram_divergence({{3.0f, 3.0f}}, {{2.9f, 2.9f}}, kView, 10);
  ASSERT_TRUE(max_edge.ok());
  EXPECT_NEAR(max_edge->js, 0.0, 1e-12);  // the max border belongs to the last cell
}

TEST(Divergence, BadArgumentsAreErrors) {
  const std::vector<Point2> pts = {{0.0f, 0.0f}};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto expect_error = [](const Result<DivergenceStats>& r, const char* word) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find(word), std::string::npos) << r.error();
  };
  expect_error(histogram_divergence(pts, pts, kView, 0), "bins");
  expect_error(histogram_divergence(pts, pts, kView, 1001), "bins");
  expect_error(histogram_divergence(pts, pts, Box2{1, 1, 1, 2}, 10), "box");
  expect_error(histogram_divergence(pts, pts, Box2{0, 0, nan, 1}, 10), "box");
  expect_error(histogram_divergence(pts, pts, kView, 10, 0.0), "eps");
  expect_error(histogram_divergence({}, pts, kView, 10), "real");
  expect_error(histogram_divergence(pts, {{nan, 0.0f}}, kView, 10), "generated");
}

}  // namespace
}  // namespace genscope
