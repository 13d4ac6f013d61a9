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

/// The decimation's state machine: points of `series` arrive in step order; each pixel column
/// keeps its lowest and its highest point (the first of equal ones) and hands them to the sink
/// in their original order (one point when they are the same) once the column ends. A column
/// starts at the first point after the previous column ends and reaches to the end of that
/// point's pixel column. Sink: void point(const KeptPoint&), void end_stroke().
template <class Sink>
class ColumnStroke {
 public:
  ColumnStroke(const MetricSeries& series, PixelColumns columns, Sink& sink)
      : series_(series), columns_(columns), sink_(sink) {}

  /// Adds the drawable point `index` (value y); a point outside the current column ends that
  /// column first.
  void add(std::size_t index, float y) {
    const double x = series_.step(index);
    if (pending_ && !in_column(x)) flush();
    if (!pending_) begin_column(x);
    take(index, y, index, y);
  }
  /// Adds the lowest (`low` at `low_at`) and the highest of a run of drawable points of the
  /// current column that come after every point it holds. Their steps are read when the column
  /// ends (fetched now: they are far apart in a long series).
  void merge(std::size_t low_at, float low, std::size_t high_at, float high) {
    series_.prefetch_step(low_at);
    series_.prefetch_step(high_at);
    take(low_at, low, high_at, high);
  }
  /// Ends the current column and the stroke: the next point starts a new line (a gap).
  void end_stroke() {
    flush();
    emit_ready();
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
    low_ = Held{kNoPoint, std::numeric_limits<float>::infinity()};
    high_ = Held{kNoPoint, -std::numeric_limits<float>::infinity()};
    pending_ = true;
  }
  /// Closes the open column. Its points reach the sink when the next column closes (or the
  /// stroke ends): their steps, fetched by merge(), have arrived by then.
  void flush() {
    if (!pending_) return;
    pending_ = false;
    if (low_.index == kNoPoint) return;
    emit_ready();
    const bool low_first = low_.index <= high_.index;
    ready_[0] = low_first ? low_ : high_;
    ready_[1] = low_first ? high_ : low_;
    ready_count_ = low_.index != high_.index ? 2 : 1;
  }

 private:
  static constexpr std::size_t kNoPoint = std::numeric_limits<std::size_t>::max();
  struct Held {
    std::size_t index;
    float y;
  };
  void take(std::size_t low_at, float low, std::size_t high_at, float high) {
    if (low < low_.y) low_ = Held{low_at, low};
    if (high > high_.y) high_ = Held{high_at, high};
  }
  void emit_ready() {
    for (int i = 0; i < ready_count_; ++i)
      sink_.point(KeptPoint{ready_[i].index, series_.step(ready_[i].index), ready_[i].y});
    ready_count_ = 0;
  }

  const MetricSeries& series_;
  PixelColumns columns_;
  Sink& sink_;
  bool pending_ = false;
  double column_lo_ = 0.0, column_hi_ = 0.0;
  Held low_{kNoPoint, 0.0f}, high_{kNoPoint, 0.0f};
  Held ready_[2] = {};  // the last closed column's points, not yet handed to the sink
  int ready_count_ = 0;
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

// Below this many points per pixel column, scanning every point costs less than a query per
// column.
inline constexpr double kScanBelowPerColumn = 16.0;

// Feeds points [first, last) one by one, ending the stroke at each one not drawable.
template <class Sink>
void scan(const MetricSeries& series, SeriesValues which, bool positive_only, std::size_t first,
          std::size_t last, ColumnStroke<Sink>& stroke) {
  for (std::size_t k = first; k < last; ++k) {
    const float y = series.value(which, k);
    if (drawable_value(y, positive_only)) {
      stroke.add(k, y);
    } else {
      stroke.end_stroke();
    }
  }
}

// Feeds the series column run by column run: a run's extremes from the pyramid when all its
// points are drawable, one gap when none is, else its points one by one. The next run's reads
// are fetched ahead.
template <class Sink>
void by_columns(const MetricSeries& series, SeriesValues which, bool positive_only,
                ColumnStroke<Sink>& stroke) {
  for (std::size_t i = 0; i < series.size();) {
    if (stroke.pending() && !stroke.in_column(series.step(i))) stroke.flush();
    if (!stroke.pending()) stroke.begin_column(series.step(i));
    const std::size_t end = column_end(series, stroke, i);
    series.prefetch(which, end + (end - i));
    const Extremes e = series.extremes(which, i, end);
    if (e.nonfinite == 0 && (!positive_only || e.lo > 0.0f)) {
      stroke.merge(e.lo_at, e.lo, e.hi_at, e.hi);  // every point drawable
    } else if (!e.valid() || (positive_only && !(e.hi > 0.0f))) {
      stroke.end_stroke();  // none drawable: one gap, as the points one by one would make
    } else {
      scan(series, which, positive_only, i, end, stroke);
    }
    i = end;
  }
}

}  // namespace decimation_detail

/// Streams the `which` values of `series` to `sink` as line_plot draws them: through a
/// ColumnStroke, a stroke ending at every point that is not drawable_value(). The result equals
/// feeding every point in order to a ColumnStroke (the full scan), but a column's run of points
/// costs one binary search and one pyramid query when all of them are drawable: O(columns log n)
/// in all. A run of points none of which is drawable (NaN before a metric's first measurement;
/// values <= 0 on a log axis) is one gap; a run holding some points that are not drawable is fed
/// point by point, as the full scan would, and so is a series with few points per column (the
/// scan is then cheaper).
template <class Sink>
void decimate_columns(const MetricSeries& series, SeriesValues which, PixelColumns columns,
                      bool positive_only, Sink& sink) {
  ColumnStroke<Sink> stroke(series, columns, sink);
  const std::size_t n = series.size();
  const double spanned = n ? (series.step(n - 1) - series.step(0)) * columns.x_scale + 1.0 : 0.0;
  if (double(n) > decimation_detail::kScanBelowPerColumn * spanned) {
    decimation_detail::by_columns(series, which, positive_only, stroke);
  } else {
    decimation_detail::scan(series, which, positive_only, 0, n, stroke);
  }
  stroke.end_stroke();
}

}  // namespace genscope
