#pragma once
// decimate_columns: a MetricSeries reduced to what a line plot can show, the lowest and the
// highest point of each pixel column, read per column from the series' min/max pyramids instead
// of point by point. Plain C++: line_plot maps the kept points to pixels.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "util/series.h"

namespace genscope {

/// The pixel columns of a plot's x axis: column c holds the steps in
/// [x_lo + c / x_scale, x_lo + (c + 1) / x_scale).
struct PixelColumns {
  double x_lo = 0.0;
  double x_scale = 1.0;  // columns per step
};

/// A point a decimation keeps: its index in the series, its step and its value.
struct KeptPoint {
  std::size_t index;
  double x;
  float y;
};

/// True when a line can draw `y`: finite, and positive on a log axis (`positive_only`).
inline bool drawable_value(float y, bool positive_only) {
  return std::isfinite(y) && (!positive_only || y > 0.0f);
}

/// The decimation's state machine: points arrive in step order; each pixel column keeps its
/// lowest and its highest point (the first of equal ones) and hands them to the sink in their
/// original order (one point when they are the same) once the column ends. A column starts at
/// the first point after the previous column ends and reaches to the end of that point's pixel
/// column. Sink: void point(const KeptPoint&), void end_stroke().
template <class Sink>
class ColumnStroke {
 public:
  ColumnStroke(PixelColumns columns, Sink& sink) : columns_(columns), sink_(sink) {}

  /// Adds one drawable point; a point outside the current column ends that column first.
  void add(const KeptPoint& p) {
    if (pending_ && !in_column(p.x)) flush();
    if (!pending_) begin_column(p.x);
    merge(p, p);
  }
  /// Adds the lowest and the highest of a run of drawable points of the current column that
  /// come after every point it holds.
  void merge(const KeptPoint& low, const KeptPoint& high) {
    if (low.y < low_.y) low_ = low;
    if (high.y > high_.y) high_ = high;
  }
  /// Ends the current column and the stroke: the next point starts a new line (a gap).
  void end_stroke() {
    flush();
    sink_.end_stroke();
  }

  /// True while a column is open.
  bool pending() const { return pending_; }
  /// True when step `x` lies in the open column.
  bool in_column(double x) const { return x >= column_lo_ && x < column_hi_; }
  /// Where the open column ends (its first step outside).
  double column_hi() const { return column_hi_; }
  double column_lo() const { return column_lo_; }
  /// Opens the column of step `x`, holding no point yet.
  void begin_column(double x) {
    const double column = std::floor((x - columns_.x_lo) * columns_.x_scale);
    column_lo_ = columns_.x_lo + column / columns_.x_scale;
    column_hi_ = columns_.x_lo + (column + 1.0) / columns_.x_scale;
    low_ = KeptPoint{kNoPoint, 0.0, std::numeric_limits<float>::infinity()};
    high_ = KeptPoint{kNoPoint, 0.0, -std::numeric_limits<float>::infinity()};
    pending_ = true;
  }
  /// Closes the open column, handing its points to the sink.
  void flush() {
    if (!pending_) return;
    pending_ = false;
    if (low_.index == kNoPoint) return;
    const bool low_first = low_.index <= high_.index;
    sink_.point(low_first ? low_ : high_);
    if (low_.index != high_.index) sink_.point(low_first ? high_ : low_);
  }

 private:
  static constexpr std::size_t kNoPoint = std::numeric_limits<std::size_t>::max();

  PixelColumns columns_;
  Sink& sink_;
  bool pending_ = false;
  double column_lo_ = 0.0, column_hi_ = 0.0;
  KeptPoint low_{kNoPoint, 0.0, 0.0f}, high_{kNoPoint, 0.0, 0.0f};
};

namespace decimation_detail {

// The end of the run of points from `i` (which the open column holds) inside the open column,
// searched from where evenly spaced steps would put it.
template <class Sink>
std::size_t column_end(const MetricSeries& series, const ColumnStroke<Sink>& stroke,
                       std::size_t i) {
  const std::size_t next = i + 1, n = series.size();
  if (next >= n || !(series.step(next) >= stroke.column_lo())) return next;
  const double span = series.step(n - 1) - series.step(next);
  const double ahead = (stroke.column_hi() - series.step(next)) / span * double(n - 1 - next);
  const std::size_t guess = ahead > 0.0 && ahead < double(n) ? next + std::size_t(ahead) : next;
  return series.lower_bound(stroke.column_hi(), next, guess);
}

inline KeptPoint kept(const MetricSeries& series, std::uint32_t at, float y) {
  return KeptPoint{at, series.step(at), y};
}

}  // namespace decimation_detail

/// Streams the `which` values of `series` to `sink` as line_plot draws them: through a
/// ColumnStroke, a stroke ending at every point that is not drawable_value(). The result equals
/// feeding every point in order to a ColumnStroke (the full scan), but a column's run of points
/// costs one binary search and one pyramid query when all of them are drawable: O(columns log n)
/// in all. A run holding a point that is not drawable (a NaN gap; a value <= 0 on a log axis) is
/// fed point by point, as the full scan would.
template <class Sink>
void decimate_columns(const MetricSeries& series, SeriesValues which, PixelColumns columns,
                      bool positive_only, Sink& sink) {
  using decimation_detail::kept;
  ColumnStroke<Sink> stroke(columns, sink);
  for (std::size_t i = 0; i < series.size();) {
    if (stroke.pending() && !stroke.in_column(series.step(i))) stroke.flush();
    if (!stroke.pending()) stroke.begin_column(series.step(i));
    const std::size_t end = decimation_detail::column_end(series, stroke, i);
    const Extremes e = series.extremes(which, i, end);
    if (e.nonfinite == 0 && (!positive_only || e.lo > 0.0f)) {
      stroke.merge(kept(series, e.lo_at, e.lo), kept(series, e.hi_at, e.hi));
    } else {
      for (std::size_t k = i; k < end; ++k) {
        const float y = series.value(which, k);
        if (drawable_value(y, positive_only)) {
          stroke.add(KeptPoint{k, series.step(k), y});
        } else {
          stroke.end_stroke();
        }
      }
    }
    i = end;
  }
  stroke.end_stroke();
}

}  // namespace genscope
