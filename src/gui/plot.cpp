#include "gui/plot.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace genscope {
namespace {

// The scrubbed history step's marker (amber, like the history slider's accent).
constexpr ImU32 kMarkerColor = IM_COL32(255, 190, 60, 220);

constexpr float kPad = 4.0f;
constexpr float kTickLength = 4.0f;
// Pixels between x labels and between y labels: in font sizes, so bigger text spaces them out.
float min_tick_spacing_x() { return 5.0f * ImGui::GetFontSize(); }
float min_tick_spacing_y() { return 2.2f * ImGui::GetFontSize(); }
constexpr double kRangePadding = 0.05;     // fraction of the y span added above and below
constexpr float kRawAlpha = 0.3f;
constexpr float kBarAlpha = 0.4f;
constexpr float kMaxOffscreen = 1e5f;  // pixel coordinates are clamped this far outside the plot
constexpr int kMaxHistogramBins = 512;
constexpr int kLabelSize = 48;
constexpr float kHoverRadius = 5.0f;      // pixels within which a scatter point counts as hovered
constexpr int kPointsPerReserve = 16000;  // scatter quads per PrimReserve (under 64k vertices)
constexpr double kInf = std::numeric_limits<double>::infinity();
// Tableau 10: class colors for scatter plots.
constexpr ImU32 kPalette[10] = {IM_COL32(78, 121, 167, 255),  IM_COL32(242, 142, 43, 255),
                                IM_COL32(225, 87, 89, 255),   IM_COL32(118, 183, 178, 255),
                                IM_COL32(89, 161, 79, 255),   IM_COL32(237, 201, 72, 255),
                                IM_COL32(176, 122, 161, 255), IM_COL32(255, 157, 167, 255),
                                IM_COL32(156, 117, 95, 255),  IM_COL32(186, 176, 172, 255)};

ImU32 scale_alpha(ImU32 color, float scale) {
  const ImU32 alpha = (color >> IM_COL32_A_SHIFT) & 0xFF;
  return (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha * scale) << IM_COL32_A_SHIFT);
}

// Round tick values (first + i) * step for i in [0, count).
struct TickSpacing {
  double step = 1.0;
  double first = 0.0;
  int count = 0;
  double at(int i) const { return (first + i) * step; }
};

// The smallest 1-2-5 step of at least max(span / max_ticks, min_step) that puts at most
// `max_ticks` multiples of itself inside [lo, hi].
TickSpacing tick_spacing(double lo, double hi, int max_ticks, double min_step = 0.0) {
  TickSpacing ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi) || max_ticks < 1) return ticks;
  if (lo > hi) std::swap(lo, hi);
  const double span = hi - lo;
  if (!std::isfinite(span)) return ticks;
  if (span == 0.0) return {1.0, lo, 1};
  const double raw = std::max(span / max_ticks, min_step);
  double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (int tries = 0; tries < 4; ++tries, decade *= 10.0) {
    for (double mantissa : {1.0, 2.0, 5.0}) {
      const double step = mantissa * decade;
      if (step < raw * (1.0 - 1e-9)) continue;
      const double first = std::ceil(lo / step - 1e-9);
      const double count = std::floor(hi / step + 1e-9) - first + 1.0;
      if (count <= max_ticks) return {step, first, static_cast<int>(std::max(count, 0.0))};
    }
  }
  return ticks;
}

constexpr int kMaxTicks = 64;

// How many labelled ticks fit `pixels` at `spacing`: at least the two ends while their labels
// (`label` pixels each) do not touch, one in a plot too short for that.
int max_ticks_for(float pixels, float spacing, float label) {
  const int n = std::clamp(static_cast<int>(pixels / spacing), 1, kMaxTicks);
  return n < 2 && pixels >= 1.4f * label ? 2 : n;
}

// Tick values with the spacing each label is written for (fixed storage: plots allocate nothing
// per frame).
struct TickList {
  std::array<double, kMaxTicks> value{};
  std::array<double, kMaxTicks> spacing{};
  int count = 0;
  void add(double v, double label_spacing) {
    if (count < kMaxTicks) value[count] = v, spacing[count] = label_spacing, ++count;
  }
};

TickList linear_tick_list(double lo, double hi, int max_ticks, double min_step = 0.0) {
  const TickSpacing t = tick_spacing(lo, hi, max_ticks, min_step);
  TickList list;
  for (int i = 0; i < t.count; ++i) list.add(t.at(i), t.step);
  return list;
}

// See log_ticks() in the header. Each label is written to its own value's precision.
TickList log_tick_list(double lo, double hi, int max_ticks) {
  TickList list;
  if (!(lo > 0.0) || !std::isfinite(hi) || max_ticks < 1) return list;
  if (lo > hi) std::swap(lo, hi);
  max_ticks = std::min(max_ticks, kMaxTicks);
  const int e0 = static_cast<int>(std::floor(std::log10(lo))) - 1;
  const int e1 = static_cast<int>(std::ceil(std::log10(hi))) + 1;
  const auto inside = [&](double v) { return v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9); };
  int count = 0;  // 1, 2, 5 times powers of ten
  for (int e = e0; e <= e1; ++e) {
    for (double m : {1.0, 2.0, 5.0}) count += inside(m * std::pow(10.0, e));
  }
  if (count >= 2 && count <= max_ticks) {
    for (int e = e0; e <= e1; ++e) {
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = m * std::pow(10.0, e);
        if (inside(v)) list.add(v, v);
      }
    }
    return list;
  }
  int decades = 0;
  for (int e = e0; e <= e1; ++e) decades += inside(std::pow(10.0, e));
  if (decades < 2) return linear_tick_list(lo, hi, max_ticks);
  const int every = (decades + max_ticks - 1) / max_ticks;
  for (int e = e0; e <= e1; ++e) {
    const double v = std::pow(10.0, e);
    if (inside(v) && ((e % every) + every) % every == 0) list.add(v, v);
  }
  return list;
}

// A tick label: `format` when given, else digits from the tick spacing; `compact` writes
// thousands and millions as k and M (training steps).
void format_tick(char* out, double v, double spacing, const char* format, bool compact) {
  if (v == 0.0) v = 0.0;  // no "-0"
  const double magnitude = std::fabs(v);
  if (format) {
    std::snprintf(out, kLabelSize, format, v);
  } else if (compact && magnitude >= 1e6) {
    std::snprintf(out, kLabelSize, "%gM", v / 1e6);
  } else if (compact && magnitude >= 1e3) {
    std::snprintf(out, kLabelSize, "%gk", v / 1e3);
  } else if (spacing >= 1e5 || spacing < 1e-4) {
    std::snprintf(out, kLabelSize, "%g", v);
  } else {
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(spacing))));
    std::snprintf(out, kLabelSize, "%.*f", decimals, v);
  }
}

// A value in a tooltip: `format` when given, else five significant digits.
void format_value(char* out, double v, const char* format) {
  std::snprintf(out, kLabelSize, format ? format : "%.5g", v);
}

void count_into(const float* values, int n, float lo, float hi, int bins, int* counts) {
  std::fill(counts, counts + bins, 0);
  if (!values) return;
  const bool ranged = std::isfinite(lo) && std::isfinite(hi) && hi > lo;
  const double scale = ranged ? bins / (static_cast<double>(hi) - lo) : 0.0;
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) continue;
    const double t = (static_cast<double>(values[i]) - lo) * scale;
    ++counts[t <= 0.0 ? 0 : t >= bins ? bins - 1 : static_cast<int>(t)];
  }
}

// Map between data coordinates and the pixels of the plot area: linear, or log10 in y (y_lo and
// y_hi are then exponents).
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

// How tick labels are written: steps compactly on x, y with an optional printf format.
struct AxisFormat {
  bool compact_x;
  const char* y_format;
};

// The widget's rectangle, reserved as an invisible button so it takes the mouse.
struct PlotFrame {
  ImDrawList* draw = nullptr;
  ImVec2 min, max;
  bool visible = false;
  bool hovered = false;
};

PlotFrame begin_frame(const char* id, ImVec2 size) {
  if (ImGui::GetCurrentWindowRead()->SkipItems) return PlotFrame{};  // collapsed or clipped away
  if (size.x <= 0.0f) size.x = ImGui::GetContentRegionAvail().x;
  size.x = std::max(size.x, 4.5f * ImGui::GetFontSize());
  size.y = std::max(size.y, 3.5f * ImGui::GetFontSize());
  ImGui::InvisibleButton(id, size);
  PlotFrame frame;
  frame.draw = ImGui::GetWindowDrawList();
  frame.min = ImGui::GetItemRectMin();
  frame.max = ImGui::GetItemRectMax();
  frame.visible = ImGui::IsItemVisible();
  frame.hovered = ImGui::IsItemHovered();
  if (frame.visible) {
    frame.draw->AddRectFilled(frame.min, frame.max, ImGui::GetColorU32(ImGuiCol_FrameBg),
                              ImGui::GetStyle().FrameRounding);
  }
  return frame;
}

// Places the plot area inside the frame (legend row on top, x labels below, y labels on the
// left) and picks ticks to fit it. With `log_y`, y_lo and y_hi are base-10 exponents.
Axes layout_axes(const PlotFrame& frame, double x_lo, double x_hi, double y_lo, double y_hi,
                 double y_min_step, const AxisFormat& format, bool log_y = false) {
  const float font = ImGui::GetFontSize();
  Axes axes;
  axes.x_lo = x_lo, axes.x_hi = x_hi, axes.y_lo = y_lo, axes.y_hi = y_hi;
  axes.log_y = log_y;
  const float top = frame.min.y + font + 2.0f * kPad;
  const float bottom = std::max(top + 1.0f, frame.max.y - font - kTickLength - kPad);
  const int y_max_ticks = max_ticks_for(bottom - top, min_tick_spacing_y(), font);
  axes.y_ticks = log_y ? log_tick_list(std::pow(10.0, y_lo), std::pow(10.0, y_hi), y_max_ticks)
                       : linear_tick_list(y_lo, y_hi, y_max_ticks, y_min_step);

  float label_width = 0.0f;
  char label[kLabelSize];
  for (int i = 0; i < axes.y_ticks.count; ++i) {
    format_tick(label, axes.y_ticks.value[i], axes.y_ticks.spacing[i], format.y_format, false);
    label_width = std::max(label_width, ImGui::CalcTextSize(label).x);
  }
  const float left = frame.min.x + 2.0f * kPad + label_width + kTickLength;
  const float right = std::max(left + 1.0f, frame.max.x - 2.0f * kPad);
  // Training steps are whole numbers: no tick between two (a one-step run shows 0 and 1).
  axes.x_ticks = tick_spacing(x_lo, x_hi, max_ticks_for(right - left, min_tick_spacing_x(), 3.0f * font),
                              format.compact_x ? 1.0 : 0.0);
  axes.set_area(ImVec2(left, top), ImVec2(right, bottom));
  return axes;
}

void draw_axes(const PlotFrame& frame, const Axes& axes, const AxisFormat& format) {
  ImDrawList* draw = frame.draw;
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Text, 0.08f);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text, 0.7f);
  const float font = ImGui::GetFontSize();
  char label[kLabelSize];
  for (int i = 0; i < axes.y_ticks.count; ++i) {
    const double v = axes.y_ticks.value[i];
    const float y = axes.px_y(v);
    draw->AddLine(ImVec2(axes.min.x, y), ImVec2(axes.max.x, y), grid);
    draw->AddLine(ImVec2(axes.min.x - kTickLength, y), ImVec2(axes.min.x, y), text);
    format_tick(label, v, axes.y_ticks.spacing[i], format.y_format, false);
    const float width = ImGui::CalcTextSize(label).x;
    draw->AddText(ImVec2(axes.min.x - kTickLength - kPad - width, y - 0.5f * font), text, label);
  }
  for (int i = 0; i < axes.x_ticks.count; ++i) {
    const double v = axes.x_ticks.at(i);
    const float x = axes.px_x(v);
    draw->AddLine(ImVec2(x, axes.min.y), ImVec2(x, axes.max.y), grid);
    draw->AddLine(ImVec2(x, axes.max.y), ImVec2(x, axes.max.y + kTickLength), text);
    format_tick(label, v, axes.x_ticks.step, nullptr, format.compact_x);
    const float width = ImGui::CalcTextSize(label).x;
    const float left = std::max(frame.min.x, std::min(x - 0.5f * width, frame.max.x - width));
    draw->AddText(ImVec2(left, axes.max.y + kTickLength), text, label);
  }
  draw->AddRect(axes.min, axes.max, ImGui::GetColorU32(ImGuiCol_Border));
}

// Draws one legend entry (a colored square and its label) at `cursor` and advances it.
void draw_legend_entry(ImDrawList* draw, ImVec2& cursor, const char* label, ImU32 color) {
  if (!label) return;
  const float font = ImGui::GetFontSize();
  const float side = 0.7f * font;
  const ImVec2 square(cursor.x, cursor.y + 0.5f * (font - side));
  draw->AddRectFilled(square, ImVec2(square.x + side, square.y + side), color);
  draw->AddText(ImVec2(cursor.x + side + kPad, cursor.y), ImGui::GetColorU32(ImGuiCol_Text), label);
  cursor.x += side + 4.0f * kPad + ImGui::CalcTextSize(label).x;
}

void draw_centered_text(const PlotFrame& frame, const char* text) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  const ImVec2 pos(0.5f * (frame.min.x + frame.max.x - size.x),
                   0.5f * (frame.min.y + frame.max.y - size.y));
  frame.draw->AddText(pos, ImGui::GetColorU32(ImGuiCol_TextDisabled), text);
}

// Streams data points in x order into the draw list's path, keeping only the lowest and highest
// point of each pixel column (in their original order), so a line emits at most two points per
// column. Points are compared in data space; only the emitted ones are mapped to pixels.
class DecimatedStroke {
 public:
  DecimatedStroke(ImDrawList* draw, const Axes& axes, ImU32 color, float thickness)
      : draw_(draw), axes_(axes), color_(color), thickness_(thickness) {}

  void add(double x, float y) {
    if (pending_ && !(x >= column_lo_ && x < column_hi_)) flush_column();
    if (!pending_) start_column(x, y);
    // Field-wise selects compile without branches, which noisy values would mispredict.
    const bool lower = y < low_.y;
    const bool higher = y > high_.y;
    low_.x = lower ? x : low_.x;
    low_.y = lower ? y : low_.y;
    low_.seq = lower ? seq_ : low_.seq;
    high_.x = higher ? x : high_.x;
    high_.y = higher ? y : high_.y;
    high_.seq = higher ? seq_ : high_.seq;
    ++seq_;
  }

  // Ends the current stroke: the next point starts a new one (a gap for non-finite values).
  void end_stroke() {
    flush_column();
    if (emitted_ >= 2) {
      draw_->PathStroke(color_, ImDrawFlags_None, thickness_);
    } else {
      draw_->PathClear();
    }
    emitted_ = 0;
  }

 private:
  struct Point {
    double x;
    float y;
    long seq;
  };

  void start_column(double x, float y) {
    const double column = std::floor((x - axes_.x_lo) * axes_.x_scale);
    column_lo_ = axes_.x_lo + column / axes_.x_scale;
    column_hi_ = axes_.x_lo + (column + 1.0) / axes_.x_scale;
    low_ = high_ = Point{x, y, seq_};
    pending_ = true;
  }
  void flush_column() {
    if (!pending_) return;
    const bool low_first = low_.seq <= high_.seq;
    emit(low_first ? low_ : high_);
    if (low_.seq != high_.seq) emit(low_first ? high_ : low_);
    pending_ = false;
  }
  void emit(const Point& p) {
    draw_->PathLineTo(ImVec2(axes_.px_x(p.x), axes_.px_y(p.y)));
    ++emitted_;
  }

  ImDrawList* draw_;
  const Axes& axes_;
  ImU32 color_;
  float thickness_;
  bool pending_ = false;  // a column has points not yet emitted
  double column_lo_ = 0.0, column_hi_ = 0.0;
  Point low_{}, high_{};
  long seq_ = 0;
  int emitted_ = 0;
};

template <class ValueAt>
void draw_series(ImDrawList* draw, const Axes& axes, const MetricSeries& series, ValueAt value_at,
                 ImU32 color, float thickness) {
  DecimatedStroke stroke(draw, axes, color, thickness);
  for (std::size_t i = 0; i < series.size(); ++i) {
    const float v = value_at(i);
    if (axes.drawable(v)) {
      stroke.add(series.step(i), v);
    } else {
      stroke.end_stroke();
    }
  }
  stroke.end_stroke();
}

bool draws_raw(const LinePlotOptions& options, const MetricSeries& series) {
  return options.show_raw && series.smoothing() > 0.0f;
}

// The kept step closest to the data x under the mouse, over all lines.
double hovered_step(const PlotLine* lines, int count, double target) {
  double best = target, best_distance = kInf;
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    if (!series || series->empty()) continue;
    const double step = series->step(series->nearest(target));
    if (std::fabs(step - target) < best_distance)
      best = step, best_distance = std::fabs(step - target);
  }
  return best;
}

void line_tooltip(const PlotLine* lines, int count, double step, const LinePlotOptions& options) {
  char value[kLabelSize], raw[kLabelSize];
  ImGui::BeginTooltip();
  ImGui::Text("step %.10g", step);
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    if (!series || series->empty()) continue;
    const std::size_t j = series->nearest(step);
    format_value(value, series->smoothed(j), options.y_format);
    ImGui::TextColored(ImColor(lines[i].color), "%s", lines[i].label ? lines[i].label : "");
    ImGui::SameLine();
    if (draws_raw(options, *series)) {
      format_value(raw, series->raw(j), options.y_format);
      ImGui::Text("%s (raw %s)", value, raw);
    } else {
      ImGui::TextUnformatted(value);
    }
  }
  ImGui::EndTooltip();
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int max_ticks) {
  const TickSpacing spacing = tick_spacing(lo, hi, max_ticks);
  std::vector<double> ticks(spacing.count);
  for (int i = 0; i < spacing.count; ++i) ticks[i] = spacing.at(i);
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi, int max_ticks) {
  const TickList list = log_tick_list(lo, hi, max_ticks);
  return std::vector<double>(list.value.begin(), list.value.begin() + list.count);
}

std::vector<int> histogram_counts(const float* values, int n, float lo, float hi, int bins) {
  std::vector<int> counts(std::max(bins, 0));
  if (bins > 0) count_into(values, n, lo, hi, bins, counts.data());
  return counts;
}

std::string plot_csv(const PlotLine* lines, int count) {
  std::string out = "step";
  std::vector<double> steps;
  for (int i = 0; i < count; ++i) {
    out += ",";
    out += lines[i].label ? lines[i].label : "";
    const MetricSeries* s = lines[i].series;
    if (!s) continue;
    for (std::size_t k = 0; k < s->size(); ++k) steps.push_back(s->step(k));
  }
  out += "\n";
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  char buf[64];
  for (double step : steps) {
    std::snprintf(buf, sizeof buf, "%.17g", step);
    out += buf;
    for (int i = 0; i < count; ++i) {
      out += ",";
      const MetricSeries* s = lines[i].series;
      if (!s) continue;
      const std::size_t k = s->lower_bound(step);
      if (k >= s->size() || s->step(k) != step) continue;
      std::snprintf(buf, sizeof buf, "%.9g", s->raw(k));
      out += buf;
    }
    out += "\n";
  }
  return out;
}

void line_plot(const char* id, const PlotLine* lines, int count, const LinePlotOptions& options) {
  const PlotFrame frame = begin_frame(id, ImVec2(0.0f, options.height));
  if (!frame.visible) return;
  // The menu's log-scale choice flips the panel's default, in this window's state storage (read
  // before the popup: inside it the popup is the current window).
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID log_key = ImHashStr("log_y", 0, ImGui::GetItemID());
  const bool log_flipped = storage->GetBool(log_key, false);
  bool log_y = options.log_y != log_flipped;
  if (ImGui::BeginPopupContextItem()) {  // right-click on the plot
    if (ImGui::MenuItem("Copy as CSV")) ImGui::SetClipboardText(plot_csv(lines, count).c_str());
    if (ImGui::MenuItem("Log scale", nullptr, log_y)) storage->SetBool(log_key, !log_flipped);
    ImGui::EndPopup();
  }
  ImDrawList* draw = frame.draw;
  draw->PushClipRect(frame.min, frame.max, true);

  const bool fixed_y = options.fixed_y && options.y_max > options.y_min;
  double x_lo = kInf, x_hi = -kInf;
  ValueRange y;
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    if (!series || series->empty()) continue;
    x_lo = std::min({x_lo, series->step(0), series->step(series->size() - 1)});
    x_hi = std::max({x_hi, series->step(0), series->step(series->size() - 1)});
    if (fixed_y) continue;
    y.include(series->smoothed_range(0, series->size()));
    if (draws_raw(options, *series)) y.include(series->raw_range(0, series->size()));
  }
  if (!(x_lo <= x_hi) || !std::isfinite(x_hi - x_lo)) {
    draw_centered_text(frame, "no data");
    draw->PopClipRect();
    return;
  }
  // One step so far (the first evaluation): the axis runs from 0 to it, not around it.
  if (x_lo == x_hi) {
    if (x_hi > 0.0) {
      x_lo = 0.0;
    } else {
      x_lo -= 1.0, x_hi += 1.0;
    }
  }

  double y_lo = 0.0, y_hi = 1.0;
  // A log axis spans exponents; with nothing positive to show it falls back to the linear one.
  const double top = fixed_y ? options.y_max : y.valid() ? y.hi : 0.0;
  log_y = log_y && top > 0.0;
  if (log_y) {
    double bottom = fixed_y ? options.y_min : y.lo;
    if (!(bottom > 0.0)) bottom = top * 1e-3;  // values <= 0 are left out: three decades shown
    y_lo = std::log10(bottom), y_hi = std::log10(top);
    if (!fixed_y) {
      const double pad = y_hi > y_lo ? kRangePadding * (y_hi - y_lo) : 0.5;
      y_lo -= pad, y_hi += pad;
    }
  } else if (fixed_y) {
    y_lo = options.y_min, y_hi = options.y_max;
  } else if (y.valid()) {
    y_lo = y.lo, y_hi = y.hi;
    const double pad =
        y_hi > y_lo ? kRangePadding * (y_hi - y_lo) : (y_lo != 0.0 ? 0.1 * std::fabs(y_lo) : 1.0);
    y_lo -= pad, y_hi += pad;
  }

  const AxisFormat format{true, options.y_format};
  const Axes axes = layout_axes(frame, x_lo, x_hi, y_lo, y_hi, 0.0, format, log_y);
  draw_axes(frame, axes, format);

  draw->PushClipRect(axes.min, axes.max, true);
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    if (!series || !draws_raw(options, *series)) continue;
    draw_series(
        draw, axes, *series, [series](std::size_t j) { return series->raw(j); },
        scale_alpha(lines[i].color, kRawAlpha), 1.0f);
  }
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    if (!series) continue;
    draw_series(
        draw, axes, *series, [series](std::size_t j) { return series->smoothed(j); },
        lines[i].color, options.thickness);
    // A line needs two points: a lone one (the first evaluation) is drawn as a dot.
    if (series->size() == 1 && axes.drawable(series->smoothed(0))) {
      draw->AddCircleFilled(ImVec2(axes.px_x(series->step(0)), axes.px_y(series->smoothed(0))),
                            0.25f * ImGui::GetFontSize(), lines[i].color);
    }
  }

  if (options.marker_step >= 0.0 && options.marker_step >= x_lo && options.marker_step <= x_hi) {
    const float x = axes.px_x(options.marker_step);
    draw->AddLine(ImVec2(x, axes.min.y), ImVec2(x, axes.max.y), kMarkerColor, 2.0f);
  }
  const bool hovering = frame.hovered && ImGui::GetIO().MousePos.x >= axes.min.x;
  double step = 0.0;
  if (hovering) {
    step = hovered_step(lines, count, axes.data_x(ImGui::GetIO().MousePos.x));
    const float x = axes.px_x(step);
    draw->AddLine(ImVec2(x, axes.min.y), ImVec2(x, axes.max.y),
                  ImGui::GetColorU32(ImGuiCol_Text, 0.4f));
    for (int i = 0; i < count; ++i) {
      const MetricSeries* series = lines[i].series;
      if (!series || series->empty()) continue;
      const std::size_t j = series->nearest(step);
      if (axes.drawable(series->smoothed(j))) {
        draw->AddCircleFilled(ImVec2(axes.px_x(series->step(j)), axes.px_y(series->smoothed(j))),
                              3.0f, lines[i].color);
      }
    }
  }
  draw->PopClipRect();

  ImVec2 cursor(axes.min.x, frame.min.y + kPad);
  for (int i = 0; i < count; ++i) draw_legend_entry(draw, cursor, lines[i].label, lines[i].color);
  draw->PopClipRect();
  if (hovering) line_tooltip(lines, count, step, options);
}

void histogram_plot(const char* id, const float* a, int na, const char* label_a, ImU32 color_a,
                    const float* b, int nb, const char* label_b, ImU32 color_b, float lo, float hi,
                    int bins, ImVec2 size) {
  const PlotFrame frame = begin_frame(id, size);
  if (!frame.visible) return;
  ImDrawList* draw = frame.draw;
  draw->PushClipRect(frame.min, frame.max, true);

  bins = std::clamp(bins, 1, kMaxHistogramBins);
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) lo = 0.0f, hi = 1.0f;
  std::array<int, kMaxHistogramBins> counts_a, counts_b;
  count_into(a, na, lo, hi, bins, counts_a.data());
  count_into(b, nb, lo, hi, bins, counts_b.data());
  const int max_count = std::max(*std::max_element(counts_a.begin(), counts_a.begin() + bins),
                                 *std::max_element(counts_b.begin(), counts_b.begin() + bins));

  const AxisFormat format{false, nullptr};
  const double y_hi = std::max(max_count, 1) * (1.0 + kRangePadding);
  const Axes axes = layout_axes(frame, lo, hi, 0.0, y_hi, 1.0, format);
  draw_axes(frame, axes, format);

  const double bin_width = (static_cast<double>(hi) - lo) / bins;
  const auto bin_left = [&](int i) { return axes.px_x(lo + i * bin_width); };
  draw->PushClipRect(axes.min, axes.max, true);
  const std::array<int, kMaxHistogramBins>* counts[] = {&counts_a, &counts_b};
  const ImU32 colors[] = {color_a, color_b};
  for (int k = 0; k < (b ? 2 : 1) && max_count > 0; ++k) {
    const std::array<int, kMaxHistogramBins>& n = *counts[k];
    for (int i = 0; i < bins; ++i) {
      if (n[i] == 0) continue;
      draw->AddRectFilled(ImVec2(bin_left(i), axes.px_y(n[i])), ImVec2(bin_left(i + 1), axes.max.y),
                          scale_alpha(colors[k], kBarAlpha));
    }
    draw->PathLineTo(ImVec2(bin_left(0), axes.max.y));
    for (int i = 0; i < bins; ++i) {
      draw->PathLineTo(ImVec2(bin_left(i), axes.px_y(n[i])));
      draw->PathLineTo(ImVec2(bin_left(i + 1), axes.px_y(n[i])));
    }
    draw->PathLineTo(ImVec2(bin_left(bins), axes.max.y));
    draw->PathStroke(colors[k], ImDrawFlags_None, 1.0f);
  }

  const float mouse_x = ImGui::GetIO().MousePos.x;
  const bool hovering = frame.hovered && mouse_x >= axes.min.x && mouse_x <= axes.max.x;
  int bin = 0;
  if (hovering) {
    bin = std::clamp(static_cast<int>(std::floor((axes.data_x(mouse_x) - lo) / bin_width)), 0,
                     bins - 1);
    draw->AddRectFilled(ImVec2(bin_left(bin), axes.min.y), ImVec2(bin_left(bin + 1), axes.max.y),
                        ImGui::GetColorU32(ImGuiCol_Text, 0.1f));
  }
  draw->PopClipRect();

  ImVec2 cursor(axes.min.x, frame.min.y + kPad);
  draw_legend_entry(draw, cursor, label_a, color_a);
  if (b) draw_legend_entry(draw, cursor, label_b, color_b);
  draw->PopClipRect();

  if (hovering) {
    ImGui::BeginTooltip();
    ImGui::Text("[%.4g, %.4g%c", lo + bin * bin_width, lo + (bin + 1) * bin_width,
                bin == bins - 1 ? ']' : ')');
    ImGui::TextColored(ImColor(color_a), "%s", label_a ? label_a : "");
    ImGui::SameLine();
    ImGui::Text("%d", counts_a[bin]);
    if (b) {
      ImGui::TextColored(ImColor(color_b), "%s", label_b ? label_b : "");
      ImGui::SameLine();
      ImGui::Text("%d", counts_b[bin]);
    }
    ImGui::EndTooltip();
  }
}

void bar_chart(const char* id, const float* values, int n, ImU32 color, ImVec2 size,
               const char* x_label_prefix, const char* unit) {
  const PlotFrame frame = begin_frame(id, size);
  if (!frame.visible) return;
  ImDrawList* draw = frame.draw;
  draw->PushClipRect(frame.min, frame.max, true);
  if (!values || n <= 0) {
    draw_centered_text(frame, "no data");
    draw->PopClipRect();
    return;
  }
  float max_value = 0.0f;
  for (int i = 0; i < n; ++i)
    if (std::isfinite(values[i])) max_value = std::max(max_value, values[i]);
  const double y_hi = (max_value > 0.0f ? max_value : 1.0f) * (1.0 + kRangePadding);
  const AxisFormat format{false, nullptr};
  Axes axes = layout_axes(frame, -0.5, n - 0.5, 0.0, y_hi, 0.0, format);
  axes.x_ticks.count = 0;  // bars are labelled below instead
  draw_axes(frame, axes, format);

  const char* prefix = x_label_prefix ? x_label_prefix : "";
  char label[kLabelSize];
  std::snprintf(label, kLabelSize, "%s%d", prefix, n - 1);
  const float bar_px = (axes.max.x - axes.min.x) / n;
  const int every =
      std::max(1, static_cast<int>(std::ceil((ImGui::CalcTextSize(label).x + 6.0f) / bar_px)));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text, 0.7f);
  for (int i = 0; i < n; i += every) {
    std::snprintf(label, kLabelSize, "%s%d", prefix, i);
    const float w = ImGui::CalcTextSize(label).x;
    // Centred under its bar, but inside the frame (the last label may not stick out).
    const float x = std::max(frame.min.x, std::min(axes.px_x(i) - 0.5f * w, frame.max.x - w));
    draw->AddText(ImVec2(x, axes.max.y + kTickLength), text, label);
  }

  const float mouse_x = ImGui::GetIO().MousePos.x;
  const bool hovering = frame.hovered && mouse_x >= axes.min.x && mouse_x <= axes.max.x;
  const int hovered =
      hovering ? std::clamp(static_cast<int>(std::lround(axes.data_x(mouse_x))), 0, n - 1) : -1;
  draw->PushClipRect(axes.min, axes.max, true);
  if (hovered >= 0) {
    draw->AddRectFilled(ImVec2(axes.px_x(hovered - 0.5), axes.min.y),
                        ImVec2(axes.px_x(hovered + 0.5), axes.max.y),
                        ImGui::GetColorU32(ImGuiCol_Text, 0.1f));
  }
  const float gap = std::min(0.15f * bar_px, 3.0f);
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(values[i]) || values[i] <= 0.0f) continue;
    draw->AddRectFilled(ImVec2(axes.px_x(i - 0.5) + gap, axes.px_y(values[i])),
                        ImVec2(axes.px_x(i + 0.5) - gap, axes.max.y), color);
  }
  draw->PopClipRect();
  draw->PopClipRect();
  if (hovered >= 0) {
    ImGui::SetTooltip("%s%d: %.3g%s%s", prefix, hovered, values[hovered], unit ? " " : "",
                      unit ? unit : "");
  }
}

std::string fit_text(const std::string& text, float width, float size) {
  ImFont* font = ImGui::GetFont();
  const float px = size > 0.0f ? size : ImGui::GetFontSize();
  const auto fits = [&](const std::string& t) {
    return font->CalcTextSizeA(px, FLT_MAX, 0.0f, t.c_str()).x <= width;
  };
  if (fits(text)) return text;
  for (std::size_t n = text.size(); n-- > 0;) {
    const std::string cut = text.substr(0, n) + "..";
    if (fits(cut)) return cut;
  }
  return "";
}

ImU32 label_color(int label) {
  if (label < 0) return IM_COL32(128, 128, 128, 255);
  const ImU32 base = kPalette[label % 10];
  if ((label / 10) % 2 == 0) return base;
  const auto lighter = [&](int shift) {
    const ImU32 c = (base >> shift) & 0xFF;
    return static_cast<ImU32>(c + (255 - c) / 2) << shift;
  };
  return lighter(IM_COL32_R_SHIFT) | lighter(IM_COL32_G_SHIFT) | lighter(IM_COL32_B_SHIFT) |
         IM_COL32_A_MASK;
}

ImVec2 ScatterResult::to_screen(float x, float y) const {
  const float w = extent[2] - extent[0], h = extent[3] - extent[1];
  return ImVec2(plot_min.x + (x - extent[0]) / w * (plot_max.x - plot_min.x),
                plot_max.y - (y - extent[1]) / h * (plot_max.y - plot_min.y));
}

void scatter_plot(const char* id, const float* xy, int64_t n, const uint8_t* labels,
                  const std::vector<std::string>& class_names, const float extent[4], ImVec2 size,
                  ScatterResult& out, ImTextureID background) {
  out = ScatterResult{};
  for (int i = 0; i < 4; ++i) out.extent[i] = std::isfinite(extent[i]) ? extent[i] : float(i / 2);
  for (int k = 0; k < 2; ++k) {
    const float lo = out.extent[k];
    if (!(out.extent[k + 2] > lo)) out.extent[k] = lo - 1.0f, out.extent[k + 2] = lo + 1.0f;
  }
  const PlotFrame frame = begin_frame(id, size);
  const bool clicked = frame.hovered && ImGui::IsItemClicked(ImGuiMouseButton_Left);
  if (!frame.visible) return;
  ImDrawList* draw = frame.draw;
  draw->PushClipRect(frame.min, frame.max, true);
  if (!xy) n = 0;

  // Legend on the right: one row per class, in as many columns as the height needs.
  int classes = labels ? static_cast<int>(class_names.size()) : 0;
  for (int64_t i = 0; labels && i < n; ++i) classes = std::max(classes, labels[i] + 1);
  const float font = ImGui::GetFontSize(), side = 0.7f * font;
  char name[kLabelSize];
  const auto class_name = [&](int k) -> const char* {
    if (k < static_cast<int>(class_names.size()) && !class_names[k].empty())
      return class_names[k].c_str();
    std::snprintf(name, kLabelSize, "class %d", k);
    return name;
  };
  float column_width = 0.0f;
  for (int k = 0; k < classes; ++k)
    column_width = std::max(column_width, ImGui::CalcTextSize(class_name(k)).x);
  column_width += side + 3.0f * kPad;
  const float row_pitch = font + 2.0f, legend_top = frame.min.y + kPad;
  const float width = frame.max.x - frame.min.x;
  int rows = std::max(1, static_cast<int>((frame.max.y - legend_top) / row_pitch));
  int columns = (classes + rows - 1) / rows;
  if (columns > 1 && columns * column_width * 2.0f > width) columns = 1;  // more: half the width
  if (columns == 1 && column_width * 3.0f > width) columns = 0;           // one: a third
  const float legend_width = columns * column_width;
  if (columns > 1) rows = (classes + columns - 1) / columns;  // balanced: 5 + 5, not 8 + 2

  PlotFrame area = frame;
  area.max.x -= legend_width;
  const AxisFormat format{false, nullptr};
  const Axes axes =
      layout_axes(area, out.extent[0], out.extent[2], out.extent[1], out.extent[3], 0.0, format);
  draw_axes(area, axes, format);
  out.plot_min = axes.min, out.plot_max = axes.max;

  draw->PushClipRect(axes.min, axes.max, true);
  if (background) {
    draw->AddImage(background, ImVec2(axes.px_x(out.extent[0]), axes.px_y(out.extent[3])),
                   ImVec2(axes.px_x(out.extent[2]), axes.px_y(out.extent[1])));
  }
  const float half = n < 2000 ? 1.5f : 1.0f;
  const ImVec2 uv = draw->_Data->TexUvWhitePixel;
  for (int64_t start = 0; start < n; start += kPointsPerReserve) {
    const int count = static_cast<int>(std::min<int64_t>(kPointsPerReserve, n - start));
    draw->PrimReserve(count * 6, count * 4);
    for (int64_t i = start; i < start + count; ++i) {
      const ImVec2 p(axes.px_x(xy[2 * i]), axes.px_y(xy[2 * i + 1]));
      const ImU32 color = scale_alpha(labels ? label_color(labels[i]) : label_color(0), 0.85f);
      draw->PrimRectUV(ImVec2(p.x - half, p.y - half), ImVec2(p.x + half, p.y + half), uv, uv,
                       color);
    }
  }

  const ImVec2 mouse = ImGui::GetIO().MousePos;
  out.hovering = frame.hovered && mouse.x >= axes.min.x && mouse.x <= axes.max.x &&
                 mouse.y >= axes.min.y && mouse.y <= axes.max.y;
  out.clicked = clicked && out.hovering;
  if (out.hovering) {
    out.mouse_x = static_cast<float>(axes.data_x(mouse.x));
    out.mouse_y = static_cast<float>(axes.data_y(mouse.y));
    float best = kHoverRadius * kHoverRadius;
    for (int64_t i = 0; i < n; ++i) {
      const float dx = axes.px_x(xy[2 * i]) - mouse.x, dy = axes.px_y(xy[2 * i + 1]) - mouse.y;
      const float d2 = dx * dx + dy * dy;
      if (d2 <= best) best = d2, out.hovered = i;
    }
    if (out.hovered >= 0) {
      const ImVec2 p(axes.px_x(xy[2 * out.hovered]), axes.px_y(xy[2 * out.hovered + 1]));
      draw->AddCircle(p, 4.0f, ImGui::GetColorU32(ImGuiCol_Text), 12, 1.5f);
    }
  }
  draw->PopClipRect();

  if (legend_width > 0.0f) {
    for (int k = 0; k < classes && k < rows * columns; ++k) {
      ImVec2 row(area.max.x + kPad + (k / rows) * column_width,
                 legend_top + (k % rows) * row_pitch);
      draw_legend_entry(draw, row, class_name(k), label_color(k));
    }
  }
  draw->PopClipRect();
}

}  // namespace genscope
