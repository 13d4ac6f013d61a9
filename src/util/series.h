#pragma once
// MetricSeries: the history of one metric over training steps (every point up to a cap; past it
// the oldest half is thinned), with a TensorBoard-style smoothed copy and min/max pyramids that
// give the extremes of any range of points in O(log n).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "util/minmax_pyramid.h"

namespace genscope {

/// Smallest and largest finite value seen; invalid (lo > hi) until a finite value is included.
struct ValueRange {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();

  /// True once at least one finite value was included.
  bool valid() const { return lo <= hi; }
  /// Widens the range to cover `v`; non-finite values are ignored.
  void include(float v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  /// Widens the range to cover another range.
  void include(const ValueRange& other) {
    if (!other.valid()) return;
    lo = std::min(lo, other.lo);
    hi = std::max(hi, other.hi);
  }
};

/// Which values of a MetricSeries: as pushed, or smoothed.
enum class SeriesValues { kRaw, kSmoothed };

/// One scalar metric over training steps (a loss, a score): every point pushed, up to
/// `capacity`, and its smoothed value, smoothed incrementally with TensorBoard's debiased
/// exponential moving average. A push into a full series first makes room, keeping the whole
/// run: the older half of the full-resolution points is thinned into the coarse part that
/// precedes them (each group of G consecutive points keeps two: its lowest and its highest raw
/// value), and when the coarse part outgrows half the capacity it is halved the same way (groups
/// of four) and G doubles (from 4). So the run's first point and its whole arc stay, evenly
/// spaced and coarser the longer the run, the newest quarter to half of the capacity stays at
/// full resolution, and no spike is lost (a plot column still sees every extreme). A group with
/// fewer than two finite values keeps a non-finite one as well, so a long NaN gap stays (a short
/// one can go). Kept points keep the smoothed value they had. Steps are expected to be
/// nondecreasing; lookups by step binary-search them. A MinMaxPyramid over the raw and one over
/// the smoothed values, updated on every push, give extremes() of any range of points in
/// O(log n): plots read them per pixel column.
class MetricSeries {
 public:
  /// Points kept by default (2^20: a million steps at one point per step). A full series takes
  /// about 22 MB: 16 bytes a point (step, raw, smoothed) and about 5.7 for the two pyramids.
  static constexpr std::size_t kDefaultCapacity = std::size_t(1) << 20;
  /// Smallest capacity (a smaller one is raised to it).
  static constexpr std::size_t kMinCapacity = 16;
  /// Largest accepted smoothing weight (a weight of 1 would never move).
  static constexpr float kMaxSmoothing = 0.999f;

  /// An empty series keeping at most `capacity` points, smoothed with weight `smoothing`.
  explicit MetricSeries(std::size_t capacity = kDefaultCapacity, float smoothing = 0.0f);

  /// Appends a point (making room first when the series is full, see above). A non-finite
  /// value is kept as raw but skipped by the average: its smoothed value repeats the previous
  /// one (or is the value itself when there is no previous one). Amortized O(1); a push that
  /// makes room costs O(capacity) (about 9 ms at the default capacity), once every capacity/4
  /// pushes or more.
  void push(double step, float value);

  /// Sets the smoothing weight w in [0, kMaxSmoothing] (0: no smoothing). When w changes, the
  /// smoothed values are recomputed from the kept raw values, so points thinned away no longer
  /// contribute.
  void set_smoothing(float weight);

  /// Current smoothing weight.
  float smoothing() const { return smoothing_; }

  /// Drops every point; the smoothing weight is kept.
  void clear();

  /// Number of points kept.
  std::size_t size() const { return raw_.size(); }
  /// Largest number of points kept.
  std::size_t capacity() const { return capacity_; }
  /// True when no point is kept.
  bool empty() const { return raw_.empty(); }
  /// Points pushed since construction or clear(), including those thinned away.
  std::uint64_t total_pushed() const { return total_pushed_; }

  /// Step of the i-th kept point (0: oldest).
  double step(std::size_t i) const { return steps_[i]; }
  /// Raw value of the i-th kept point.
  float raw(std::size_t i) const { return raw_[i]; }
  /// Smoothed value of the i-th kept point.
  float smoothed(std::size_t i) const { return smoothed_[i]; }
  /// The raw or the smoothed value of the i-th kept point.
  float value(SeriesValues which, std::size_t i) const {
    return which == SeriesValues::kRaw ? raw_[i] : smoothed_[i];
  }

  /// Index of the first kept point at or after `from` whose step is >= `step`; size() when
  /// there is none. O(log d), d the distance from `from` to the answer.
  std::size_t lower_bound(double step, std::size_t from = 0) const;

  /// The same, searched outward from the index `hint` (a guess at the answer): O(log d), d the
  /// distance from `hint` to the answer.
  std::size_t lower_bound(double step, std::size_t from, std::size_t hint) const;

  /// Index of the kept point whose step is closest to `step`; size() when the series is empty.
  std::size_t nearest(double step) const;

  /// The extremes of the raw or smoothed values of points [first, last), from the pyramid:
  /// O(log n). Indices in it are indices of kept points.
  Extremes extremes(SeriesValues which, std::size_t first, std::size_t last) const;

  /// Asks the CPU to fetch what extremes() and lower_bound() read for a range bound at point i
  /// (a plot's next column) ahead of time; i may be past the end.
  void prefetch(SeriesValues which, std::size_t i) const;

  /// The same for step(i) alone.
  void prefetch_step(std::size_t i) const { __builtin_prefetch(steps_.data() + i); }

  /// Finite min/max of the raw values of points [first, last).
  ValueRange raw_range(std::size_t first, std::size_t last) const {
    return range(extremes(SeriesValues::kRaw, first, last));
  }
  /// Finite min/max of the smoothed values of points [first, last).
  ValueRange smoothed_range(std::size_t first, std::size_t last) const {
    return range(extremes(SeriesValues::kSmoothed, first, last));
  }

 private:
  static float clamp_weight(float w) { return w > 0.0f ? std::min(w, kMaxSmoothing) : 0.0f; }
  static ValueRange range(const Extremes& e) {
    ValueRange r;
    if (e.valid()) r.lo = e.lo, r.hi = e.hi;
    return r;
  }

  void reset_average() {
    average_ = 0.0;
    weight_power_ = 1.0;
    has_average_ = false;
  }

  // One step of the debiased EMA: last = last*w + (1-w)*y, reported as last / (1 - w^n). w^n
  // goes to 0 once 1 - w^n rounds to 1: else it sinks to the smallest denormal and stays there,
  // and every multiplication by it is many times slower.
  float smooth(float value) {
    if (std::isfinite(value)) {
      average_ = average_ * smoothing_ + (1.0 - smoothing_) * value;
      weight_power_ = weight_power_ < 1e-17 ? 0.0 : weight_power_ * smoothing_;
      has_average_ = true;
    }
    return has_average_ ? static_cast<float>(average_ / (1.0 - weight_power_)) : value;
  }

  // The two points of the `count` from `first` that thinning keeps, in order.
  void kept_of_group(std::size_t first, std::size_t count, std::size_t& a, std::size_t& b) const;
  // Thins points [first, last) group by group (`count` points each; a remainder stays), moving
  // the later points down. Returns how many points went.
  std::size_t thin(std::size_t first, std::size_t last, std::size_t count);
  // Makes room in a full series (see the class comment) and rebuilds the pyramids.
  void make_room();
  std::size_t capacity_;
  std::size_t coarse_ = 0;  // points [0, coarse_) are thinned; the rest are every point pushed
  std::size_t group_ = 4;   // points per kept pair when full-resolution points are thinned
  std::vector<double> steps_;
  std::vector<float> raw_;
  std::vector<float> smoothed_;
  MinMaxPyramid raw_pyramid_;
  MinMaxPyramid smoothed_pyramid_;
  std::uint64_t total_pushed_ = 0;
  float smoothing_;
  double average_ = 0.0;       // biased EMA over the finite values so far
  double weight_power_ = 1.0;  // w^n, n = finite values averaged
  bool has_average_ = false;
};

}  // namespace genscope
