#pragma once
// MetricSeries: a bounded history of (step, value) points with a TensorBoard-style smoothed copy.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "util/ring_buffer.h"

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

/// One scalar metric over training steps (a loss, a score): the newest `capacity` raw points and
/// their smoothed values, smoothed incrementally with TensorBoard's debiased exponential moving
/// average. Steps are expected to be nondecreasing; lookups by step binary-search them.
class MetricSeries {
 public:
  /// Points kept by default: enough for a long run at one point per step.
  static constexpr std::size_t kDefaultCapacity = 65536;
  /// Largest accepted smoothing weight (a weight of 1 would never move).
  static constexpr float kMaxSmoothing = 0.999f;

  /// An empty series keeping at most `capacity` points, smoothed with weight `smoothing`.
  explicit MetricSeries(std::size_t capacity = kDefaultCapacity, float smoothing = 0.0f)
      : steps_(capacity),
        raw_(capacity),
        smoothed_(capacity),
        smoothing_(clamp_weight(smoothing)) {}

  /// Appends a point. A non-finite value is kept as raw but skipped by the average: its smoothed
  /// value repeats the previous one (or is the value itself when there is no previous one).
  void push(double step, float value) {
    steps_.push(step);
    raw_.push(value);
    smoothed_.push(smooth(value));
  }

  /// Sets the smoothing weight w in [0, kMaxSmoothing] (0: no smoothing). When w changes, the
  /// smoothed values are recomputed from the kept raw values, so points dropped from the front
  /// no longer contribute.
  void set_smoothing(float weight) {
    weight = clamp_weight(weight);
    if (weight == smoothing_) return;
    smoothing_ = weight;
    reset_average();
    smoothed_.clear();
    for (std::size_t i = 0; i < raw_.size(); ++i) smoothed_.push(smooth(raw_[i]));
  }

  /// Current smoothing weight.
  float smoothing() const { return smoothing_; }

  /// Drops every point; the smoothing weight is kept.
  void clear() {
    steps_.clear();
    raw_.clear();
    smoothed_.clear();
    reset_average();
  }

  /// Number of points kept.
  std::size_t size() const { return raw_.size(); }
  /// Largest number of points kept.
  std::size_t capacity() const { return raw_.capacity(); }
  /// True when no point is kept.
  bool empty() const { return raw_.empty(); }
  /// Points pushed since construction or clear(), including those dropped.
  std::uint64_t total_pushed() const { return raw_.total_pushed(); }

  /// Step of the i-th kept point (0: oldest).
  double step(std::size_t i) const { return steps_[i]; }
  /// Raw value of the i-th kept point.
  float raw(std::size_t i) const { return raw_[i]; }
  /// Smoothed value of the i-th kept point.
  float smoothed(std::size_t i) const { return smoothed_[i]; }

  /// Index of the first kept point whose step is >= `step`; size() when there is none.
  std::size_t lower_bound(double step) const {
    std::size_t first = 0, count = size();
    while (count > 0) {
      std::size_t half = count / 2;
      if (steps_[first + half] < step) {
        first += half + 1;
        count -= half + 1;
      } else {
        count = half;
      }
    }
    return first;
  }

  /// Index of the kept point whose step is closest to `step`; size() when the series is empty.
  std::size_t nearest(double step) const {
    std::size_t i = lower_bound(step);
    if (i == size()) return i == 0 ? size() : i - 1;
    if (i > 0 && step - steps_[i - 1] <= steps_[i] - step) return i - 1;
    return i;
  }

  /// Finite min/max of the raw values of points [first, last).
  ValueRange raw_range(std::size_t first, std::size_t last) const {
    return range(raw_, first, last);
  }
  /// Finite min/max of the smoothed values of points [first, last).
  ValueRange smoothed_range(std::size_t first, std::size_t last) const {
    return range(smoothed_, first, last);
  }

 private:
  static float clamp_weight(float w) { return w > 0.0f ? std::min(w, kMaxSmoothing) : 0.0f; }

  static ValueRange range(const RingBuffer<float>& values, std::size_t first, std::size_t last) {
    ValueRange r;
    for (std::size_t i = first; i < std::min(last, values.size()); ++i) r.include(values[i]);
    return r;
  }

  void reset_average() {
    average_ = 0.0;
    weight_power_ = 1.0;
    has_average_ = false;
  }

  // One step of the debiased EMA: last = last*w + (1-w)*y, reported as last / (1 - w^n).
  float smooth(float value) {
    if (std::isfinite(value)) {
      average_ = average_ * smoothing_ + (1.0 - smoothing_) * value;
      weight_power_ *= smoothing_;
      has_average_ = true;
    }
    return has_average_ ? static_cast<float>(average_ / (1.0 - weight_power_)) : value;
  }

  RingBuffer<double> steps_;
  RingBuffer<float> raw_;
  RingBuffer<float> smoothed_;
  float smoothing_;
  double average_ = 0.0;       // biased EMA over the finite values so far
  double weight_power_ = 1.0;  // w^n, n = finite values averaged
  bool has_average_ = false;
};

}  // namespace genscope
