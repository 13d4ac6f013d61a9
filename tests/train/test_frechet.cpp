// The Frechet distance against closed forms.
#include <gtest/gtest.h>

#include <cmath>

#include "train/frechet.h"

using namespace genscope;

TEST(Frechet, DiagonalCovariancesMatchTheClosedForm) {
  // Commuting (diagonal) covariances: d^2 = |mu1 - mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2.
  const torch::Tensor mu1 = torch::tensor({0.0, 1.0, -2.0}, torch::kFloat64);
  const torch::Tensor mu2 = torch::tensor({1.0, 1.0, 0.5}, torch::kFloat64);
  const std::vector<double> a{1.0, 4.0, 0.25}, b{9.0, 1.0, 0.25};
  double expect = 1.0 + 0.0 + 6.25;
  for (size_t i = 0; i < a.size(); ++i) expect += std::pow(std::sqrt(a[i]) - std::sqrt(b[i]), 2);
  const double got = frechet_distance(mu1, torch::diag(torch::tensor(a, torch::kFloat64)), mu2,
                                      torch::diag(torch::tensor(b, torch::kFloat64)));
  EXPECT_NEAR(got, expect, 1e-9);
}

TEST(Frechet, NonCommutingTwoByTwoMatchesTheClosedForm) {
  // For 2x2 PSD M, Tr sqrt(M) = sqrt(Tr M + 2 sqrt(det M)); with M = S1^1/2 S2 S1^1/2,
  // Tr M = Tr(S1 S2) and det M = det S1 det S2.
  const torch::Tensor s1 = torch::tensor({2.0, 0.5, 0.5, 1.0}, torch::kFloat64).view({2, 2});
  const torch::Tensor s2 = torch::tensor({1.0, -0.3, -0.3, 3.0}, torch::kFloat64).view({2, 2});
  const double tr12 = s1.matmul(s2).trace().item<double>();
  const double det = s1.det().item<double>() * s2.det().item<double>();
  const double expect = s1.trace().item<double>() + s2.trace().item<double>() -
                        2.0 * std::sqrt(tr12 + 2.0 * std::sqrt(det));
  const torch::Tensor zero = torch::zeros({2}, torch::kFloat64);
  EXPECT_NEAR(frechet_distance(zero, s1, zero, s2), expect, 1e-9);
  EXPECT_NEAR(frechet_distance(zero, s1, zero, s1), 0.0, 1e-9);  // identical: 0
  // Symmetric in its arguments.
  EXPECT_NEAR(frechet_distance(zero, s1, zero, s2), frechet_distance(zero, s2, zero, s1), 1e-9);
}

TEST(Frechet, SampleStatisticsOfTwoKnownGaussians) {
  // 200k samples each of N(0, I) and N(m, 4 I) in 3-D: d^2 -> |m|^2 + 3 (2 - 1)^2 = 2 + 3.
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({200000, 3}, torch::kFloat64);
  const torch::Tensor y = 2.0 * torch::randn({200000, 3}, torch::kFloat64) +
                          torch::tensor({1.0, -1.0, 0.0}, torch::kFloat64);
  auto [mx, sx] = feature_statistics(x);
  auto [my, sy] = feature_statistics(y);
  EXPECT_NEAR(frechet_distance(mx, sx, my, sy), 5.0, 0.05);
}
