// The plots' multi-resolution cache: MinMaxPyramid queries against a brute-force scan, pushes
// against a rebuild.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "util/minmax_pyramid.h"

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

}  // namespace
}  // namespace genscope
