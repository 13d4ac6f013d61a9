#pragma once
// MinMaxPyramid: the smallest and largest value of any index range of a growing float array in
// O(log n), so a plot reads a million-point series per pixel column instead of per point.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace genscope {

/// The extremes of a run of values: the smallest and largest finite value, each with the index
/// of its first occurrence, and how many values were not finite (NaN or infinite). Runs are
/// included in index order.
struct Extremes {
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  std::uint32_t lo_at = kNone;
  std::uint32_t hi_at = kNone;
  std::uint32_t nonfinite = 0;

  /// True once a finite value was included.
  bool valid() const { return lo <= hi; }
  /// Includes the value `v` found at index `at`, which comes after every index included so far
  /// (so the first of equal values stays). Branch-free: noisy values would mispredict branches,
  /// and a mispredicted branch also stalls the memory reads of a query.
  void include(float v, std::uint32_t at) {
    const bool finite = std::isfinite(v);
    nonfinite += !finite;
    include_extremes(finite ? v : kInf, finite ? v : -kInf, at, at);
  }
  /// Includes the extremes of a run that comes after every index included so far.
  void include(const Extremes& o) {
    include_extremes(o.lo, o.hi, o.lo_at, o.hi_at);
    nonfinite += o.nonfinite;
  }
  bool operator==(const Extremes& o) const {
    return lo == o.lo && hi == o.hi && lo_at == o.lo_at && hi_at == o.hi_at &&
           nonfinite == o.nonfinite;
  }

 private:
  static constexpr float kInf = std::numeric_limits<float>::infinity();
  // Masks instead of conditionals: the compiler keeps these free of branches.
  static std::uint32_t select(bool take, std::uint32_t a, std::uint32_t b) {
    const std::uint32_t mask = 0u - std::uint32_t(take);
    return (a & mask) | (b & ~mask);
  }
  void include_extremes(float o_lo, float o_hi, std::uint32_t o_lo_at, std::uint32_t o_hi_at) {
    lo_at = select(o_lo < lo, o_lo_at, lo_at);
    hi_at = select(o_hi > hi, o_hi_at, hi_at);
    lo = std::min(lo, o_lo);
    hi = std::max(hi, o_hi);
  }
};

/// A block pyramid over a float array that only grows at its end (or is rebuilt): level k
/// (k >= 1) holds the Extremes of every complete block of kFanout^k values. Nodes are added when
/// their block completes, so push() costs amortized O(1) and an incomplete block at the end is
/// simply read from the level below. query() covers a range with at most 2 (kFanout - 1) items
/// per level, in index order: O(kFanout log n). The values are not kept here: every call gets
/// the array.
/// Memory: 20 bytes per kFanout values, times kFanout / (kFanout - 1) for the upper levels.
class MinMaxPyramid {
 public:
  /// Values per block, and blocks per block of the next level.
  static constexpr std::size_t kFanout = 8;

  /// Extends the pyramid after `values` grew by one value to `n` values.
  void push(const float* values, std::size_t n);
  /// Builds the pyramid anew over values [0, n) (after they were changed or moved).
  void rebuild(const float* values, std::size_t n);
  /// Drops every node.
  void clear() { levels_.clear(); }

  /// The extremes of values [first, last) of the `n` values the pyramid was built over.
  Extremes query(const float* values, std::size_t first, std::size_t last) const;

  /// Asks the CPU to fetch what a query with a bound at index `i` reads (a plot's next column),
  /// so that the reads of several columns overlap instead of waiting one after the other.
  void prefetch(const float* values, std::size_t i) const;

  /// Levels above the values themselves (level(0) covers kFanout values per node).
  std::size_t levels() const { return levels_.size(); }
  /// The nodes of one level, oldest block first (for tests: incremental equals rebuilt).
  const std::vector<Extremes>& level(std::size_t k) const { return levels_[k]; }

 private:
  // The node over children [first, first + kFanout) of level `k` (-1: the values).
  Extremes combine(const float* values, int k, std::size_t first) const;
  // The nodes of level `k`; null for k = -1, the values.
  const Extremes* nodes(int k) const;

  std::vector<std::vector<Extremes>> levels_;
};

}  // namespace genscope
