#pragma once
// The parts every plot widget of plot.h is built from: the widget's frame, the axes that map data
// to pixels (with their ticks and labels) and the legend. Shared by plot.cpp (these parts),
// plot_line.cpp (line_plot) and plot_charts.cpp (histograms, bar charts, scatter plots); nothing
// outside them includes it.
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <limits>

namespace genscope::plot_parts {

inline constexpr float kPad = 4.0f;
inline constexpr float kTickLength = 4.0f;
inline constexpr double kRangePadding = 0.05;  // fraction of the y span added above and below
inline constexpr float kMaxOffscreen = 1e5f;   // pixel coordinates are clamped this far outside
inline constexpr int kLabelSize = 48;          // bytes of a tick label or a tooltip value
inline constexpr int kMaxTicks = 64;
inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// `color` with its alpha times `scale`.
ImU32 scale_alpha(ImU32 color, float scale);

/// Round tick values (first + i) * step for i in [0, count).
struct TickSpacing {
  double step = 1.0;
  double first = 0.0;
  int count = 0;
  double at(int i) const { return (first + i) * step; }
};

/// Tick values with the spacing each label is written for (fixed storage: plots allocate nothing
/// per frame).
struct TickList {
  std::array<double, kMaxTicks> value{};
  std::array<double, kMaxTicks> spacing{};
  int count = 0;
  void add(double v, double label_spacing) {
    if (count < kMaxTicks) value[count] = v, spacing[count] = label_spacing, ++count;
  }
};

/// Counts the finite `values` into `bins` equal bins over [lo, hi] (values outside go to the
/// first or last bin; all into the first when the range is empty or not finite).
void count_into(const float* values, int n, float lo, float hi, int bins, int* counts);

/// Map between data coordinates and the pixels of the plot area: linear, or log10 in y (y_lo and
/// y_hi are then exponents).
struct Axes {
  ImVec2 min, max;
  double x_lo = 0.0, x_hi = 1.0, y_lo = 0.0, y_hi = 1.0;
  double x_scale = 1.0, y_scale = 1.0;  // pixels per data unit (per decade for a log y)
  bool log_y = false;
  TickSpacing x_ticks;
  TickList y_ticks;

  void set_area(ImVec2 area_min, ImVec2 area_max) {
    min = area_min, max = area_max;
    x_scale = (max.x - min.x) / (x_hi - x_lo);
    y_scale = (max.y - min.y) / (y_hi - y_lo);
  }
  float px_x(double x) const {
    const double px = min.x + (x - x_lo) * x_scale;
    return static_cast<float>(
        std::clamp(px, double(min.x - kMaxOffscreen), double(max.x + kMaxOffscreen)));
  }
  // y on the axis' own scale; values <= 0 on a log axis go to -inf (off the bottom).
  double scaled_y(double y) const { return log_y ? (y > 0.0 ? std::log10(y) : -kInf) : y; }
  // True when `y` can be drawn (finite, and positive on a log axis).
  bool drawable(double y) const { return std::isfinite(y) && (!log_y || y > 0.0); }
  float px_y(double y) const {
    const double py = max.y - (scaled_y(y) - y_lo) * y_scale;
    return static_cast<float>(
        std::clamp(py, double(min.y - kMaxOffscreen), double(max.y + kMaxOffscreen)));
  }
  double data_x(float px) const { return x_lo + (px - min.x) / x_scale; }
  double data_y(float py) const {
    const double v = y_lo + (max.y - py) / y_scale;
    return log_y ? std::pow(10.0, v) : v;
  }
};

/// How tick labels are written: steps compactly on x, y with an optional printf format.
struct AxisFormat {
  bool compact_x;
  const char* y_format;
};

/// The widget's rectangle, reserved as an invisible button so it takes the mouse.
struct PlotFrame {
  ImDrawList* draw = nullptr;
  ImVec2 min, max;
  bool visible = false;
  bool hovered = false;
};

/// Reserves the widget's rectangle (`size`; x <= 0: the available width) and fills its
/// background; an empty frame when the window skips its items.
PlotFrame begin_frame(const char* id, ImVec2 size);

/// Places the plot area inside the frame (legend row on top, x labels below, y labels on the
/// left) and picks ticks to fit it. With `log_y`, y_lo and y_hi are base-10 exponents.
Axes layout_axes(const PlotFrame& frame, double x_lo, double x_hi, double y_lo, double y_hi,
                 double y_min_step, const AxisFormat& format, bool log_y = false);

/// The grid, the ticks and their labels, and the plot area's border.
void draw_axes(const PlotFrame& frame, const Axes& axes, const AxisFormat& format);

/// Draws one legend entry (a colored square and its label) at `cursor` and advances it; a label
/// that would pass `right` is shortened with an ellipsis. False (nothing drawn) when not even one
/// character fits.
bool draw_legend_entry(ImDrawList* draw, ImVec2& cursor, const char* label, ImU32 color,
                       float right = FLT_MAX);

/// `text` in the middle of the frame, grayed (e.g. "no data").
void draw_centered_text(const PlotFrame& frame, const char* text);

}  // namespace genscope::plot_parts
