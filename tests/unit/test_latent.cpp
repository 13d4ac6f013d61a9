// Latent-space math shared by the trainer and the panels: interpolation and the 2D PCA map.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/latent.h"

using namespace genscope;

namespace {

double norm(const std::vector<float>& v) {
  double s = 0.0;
  for (float x : v) s += double(x) * x;
  return std::sqrt(s);
}

double dot(const float* a, const float* b, int n) {
  double s = 0.0;
  for (int i = 0; i < n; ++i) s += double(a[i]) * b[i];
  return s;
}

}  // namespace

TEST(Interpolate, EndpointsEqualTheInputs) {
  const std::vector<float> a{1.0f, -2.0f, 0.5f}, b{0.3f, 4.0f, -1.0f};
  for (bool slerp : {false, true}) {
    const auto at0 = interpolate(a, b, 0.0f, slerp), at1 = interpolate(a, b, 1.0f, slerp);
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(at0[i], a[i], 1e-5f) << slerp;
      EXPECT_NEAR(at1[i], b[i], 1e-5f) << slerp;
    }
  }
}

TEST(Interpolate, SlerpKeepsTheNormLerpCutsTheCorner) {
  const std::vector<float> a{1.0f, 0.0f, 0.0f}, b{0.0f, 1.0f, 0.0f};
  for (float t = 0.0f; t <= 1.0f; t += 0.125f)
    EXPECT_NEAR(norm(interpolate(a, b, t, true)), 1.0, 1e-5);
  EXPECT_NEAR(norm(interpolate(a, b, 0.5f, false)), 1.0 / std::sqrt(2.0), 1e-6);

  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::vector<float> c(64), d(64);
  for (auto& x : c) x = normal(rng);
  for (auto& x : d) x = normal(rng);
  const double scale = norm(c) / norm(d);
  for (auto& x : d) x = static_cast<float>(x * scale);  // equal norms
  for (float t : {0.1f, 0.37f, 0.5f, 0.9f})
    EXPECT_NEAR(norm(interpolate(c, d, t, true)), norm(c), 1e-3);
}

TEST(Interpolate, LerpMidpointIsTheAverageAndDegenerateSlerpFallsBack) {
  const std::vector<float> a{2.0f, -1.0f}, b{4.0f, 3.0f};
  EXPECT_EQ(interpolate(a, b, 0.5f, false), (std::vector<float>{3.0f, 1.0f}));
  const std::vector<float> zero{0.0f, 0.0f}, twice{4.0f, -2.0f};
  EXPECT_EQ(interpolate(zero, b, 0.5f, true), (std::vector<float>{2.0f, 1.5f}));
  EXPECT_EQ(interpolate(a, twice, 0.5f, true), (std::vector<float>{3.0f, -1.5f}));  // parallel
}

TEST(Pca2d, RecoversKnownAxesInOrder) {
  constexpr int kDim = 5, kCount = 2000;
  // Two orthonormal directions in 5-D, neither aligned with a coordinate axis.
  const float u[kDim] = {0.5f, 0.5f, 0.5f, 0.5f, 0.0f};
  const float w[kDim] = {0.5f, -0.5f, 0.5f, -0.5f, 0.0f};
  const float offset[kDim] = {1.0f, -2.0f, 0.5f, 3.0f, -1.0f};
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  std::vector<float> points(kCount * kDim);
  for (int i = 0; i < kCount; ++i) {
    const float a = 3.0f * normal(rng), b = normal(rng);  // variances 9 and 1
    for (int d = 0; d < kDim; ++d)
      points[i * kDim + d] = offset[d] + a * w[d] + b * u[d] + 0.01f * normal(rng);
  }
  std::vector<float> axes, mean, xy;
  pca_2d(points.data(), kCount, kDim, axes, mean, xy);
  ASSERT_EQ(axes.size(), 2u * kDim);
  ASSERT_EQ(mean.size(), size_t(kDim));
  ASSERT_EQ(xy.size(), 2u * kCount);
  EXPECT_GT(std::fabs(dot(&axes[0], w, kDim)), 0.99);  // largest variance first
  EXPECT_GT(std::fabs(dot(&axes[kDim], u, kDim)), 0.99);
  for (int k = 0; k < 2; ++k) EXPECT_NEAR(dot(&axes[k * kDim], &axes[k * kDim], kDim), 1.0, 1e-5);
  EXPECT_NEAR(dot(&axes[0], &axes[kDim], kDim), 0.0, 1e-5);
  for (int d = 0; d < kDim; ++d) EXPECT_NEAR(mean[d], offset[d], 0.2f);
  for (int i : {0, 17, 1999}) {
    for (int k = 0; k < 2; ++k) {
      double expected = 0.0;
      for (int d = 0; d < kDim; ++d)
        expected += (points[i * kDim + d] - mean[d]) * axes[k * kDim + d];
      EXPECT_NEAR(xy[2 * i + k], expected, 1e-3);
    }
  }
  // Deterministic, with the sign fixed: the largest-magnitude component of each axis is positive.
  std::vector<float> axes2, mean2, xy2;
  pca_2d(points.data(), kCount, kDim, axes2, mean2, xy2);
  EXPECT_EQ(axes, axes2);
  for (int k = 0; k < 2; ++k) {
    int largest = 0;
    for (int d = 1; d < kDim; ++d)
      if (std::fabs(axes[k * kDim + d]) > std::fabs(axes[k * kDim + largest])) largest = d;
    EXPECT_GT(axes[k * kDim + largest], 0.0f);
  }
}

TEST(Pca2d, DegenerateInputs) {
  std::vector<float> axes, mean, xy;
  pca_2d(nullptr, 0, 4, axes, mean, xy);
  EXPECT_EQ(axes.size(), 8u);
  EXPECT_TRUE(xy.empty());
  const float one_dim[] = {1.0f, 2.0f, 3.0f};
  pca_2d(one_dim, 3, 1, axes, mean, xy);
  ASSERT_EQ(axes.size(), 2u);
  EXPECT_FLOAT_EQ(axes[0], 1.0f);
  EXPECT_FLOAT_EQ(mean[0], 2.0f);
  EXPECT_FLOAT_EQ(xy[0], -1.0f);
  EXPECT_FLOAT_EQ(xy[1], 0.0f);
}
