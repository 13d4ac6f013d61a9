// line_plot: metric lines over training steps, decimated per pixel column from the series'
// min/max pyramids (so a frame costs what the pixels cost, not what the history holds), with a
// hover tooltip and a right-click menu; plot_csv, the lines as CSV.
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui/plot.h"
#include "gui/plot_parts.h"
#include "gui/plot_raster.h"
#include "gui/plot_textures.h"
#include "util/hash.h"
#include "util/series_decimation.h"

namespace genscope {
namespace {

using plot_parts::Axes;
using plot_parts::AxisFormat;
using plot_parts::begin_frame;
using plot_parts::draw_axes;
using plot_parts::draw_centered_text;
using plot_parts::draw_legend_entry;
using plot_parts::kInf;
using plot_parts::kLabelSize;
using plot_parts::kPad;
using plot_parts::kRangePadding;
using plot_parts::layout_axes;
using plot_parts::PlotFrame;
using plot_parts::scale_alpha;

// The scrubbed history step's marker (amber, like the history slider's accent).
constexpr ImU32 kMarkerColor = IM_COL32(255, 190, 60, 220);
constexpr float kRawAlpha = 0.3f;

// A value in a tooltip: `format` when given, else five significant digits.
void format_value(char* out, double v, const char* format) {
  std::snprintf(out, kLabelSize, format ? format : "%.5g", v);
}

// Receives a decimated line (util/series_decimation.h): its points go into the draw list's path,
// mapped to pixels only here, and each stroke is drawn when it ends. Where the line turns back
// sharply (a spike, a column's min then max), the tip is drawn as a short flat: ImGui's polyline
// joins collapse at such turns (their miter is capped), which would stop a one-step spike short
// of the value it reaches.
class PathSink {
 public:
  PathSink(ImDrawList* draw, const Axes& axes, ImU32 color, float thickness)
      : draw_(draw), axes_(axes), color_(color), thickness_(thickness) {}

  void point(const KeptPoint& p) {
    const ImVec2 next(axes_.px_x(p.x), axes_.px_y(p.y));
    if (emitted_ >= 2 && turns_back(previous_, last_, next)) {
      last_.x += std::clamp(0.5f * (next.x - last_.x), 0.05f, kFlatWidth);
      draw_->PathLineTo(last_);
    }
    draw_->PathLineTo(next);
    previous_ = last_, last_ = next;
    ++emitted_;
  }
  void end_stroke() {
    if (emitted_ >= 2) {
      draw_->PathStroke(color_, ImDrawFlags_None, thickness_);
    } else {
      draw_->PathClear();
    }
    emitted_ = 0;
  }

 private:
  static constexpr float kFlatWidth = 0.5f;  // pixels
  // True when the path a-b-c turns back at b by more than about 150 degrees, along segments
  // long enough (2 pixels) for the collapsed join to show.
  static bool turns_back(ImVec2 a, ImVec2 b, ImVec2 c) {
    const float ux = b.x - a.x, uy = b.y - a.y, vx = c.x - b.x, vy = c.y - b.y;
    const float dot = ux * vx + uy * vy, uu = ux * ux + uy * uy, vv = vx * vx + vy * vy;
    return dot < 0.0f && uu > 4.0f && vv > 4.0f && dot * dot > 0.75f * uu * vv;
  }

  ImDrawList* draw_;
  const Axes& axes_;
  ImU32 color_;
  float thickness_;
  int emitted_ = 0;
  ImVec2 previous_, last_;  // the path's last two points
};

// One line, at most two points per pixel column, from the series' min/max pyramid.
void draw_series(ImDrawList* draw, const Axes& axes, const MetricSeries& series, SeriesValues which,
                 ImU32 color, float thickness) {
  PathSink sink(draw, axes, color, thickness);
  decimate_columns(series, which, PixelColumns{axes.x_lo, axes.x_scale}, axes.log_y, sink);
}

bool draws_raw(const LinePlotOptions& options, const MetricSeries& series) {
  return options.show_raw && series.smoothing() > 0.0f;
}

// The lines in the order they are drawn: the raw values faintly (1 px, kRawAlpha), then the
// smoothed lines over them; the lines drawn beneath (compared runs) before the others in each.
// fn(series, which values, color, pen width).
template <class Fn>
void for_each_stroke(const PlotLine* lines, int count, const LinePlotOptions& options, Fn fn) {
  for (const bool beneath : {true, false}) {
    for (int i = 0; i < count; ++i) {
      const MetricSeries* series = lines[i].series;
      if (series && lines[i].beneath == beneath && draws_raw(options, *series)) {
        fn(*series, SeriesValues::kRaw, scale_alpha(lines[i].color, kRawAlpha), 1.0f);
      }
    }
  }
  for (const bool beneath : {true, false}) {
    for (int i = 0; i < count; ++i) {
      if (lines[i].series && lines[i].beneath == beneath) {
        fn(*lines[i].series, SeriesValues::kSmoothed, lines[i].color, options.thickness);
      }
    }
  }
}

// Receives a decimated line as RasterLines draws it: its points, mapped to the raster's pixels.
class RasterSink {
 public:
  RasterSink(PlotRaster& raster, const Axes& axes, ImVec2 origin, ImVec2 scale)
      : raster_(raster), axes_(axes), origin_(origin), scale_(scale) {}
  void point(const KeptPoint& p) {
    raster_.point((axes_.px_x(p.x) - origin_.x) * scale_.x,
                  (axes_.px_y(p.y) - origin_.y) * scale_.y);
  }
  void end_stroke() { raster_.end_stroke(); }

 private:
  PlotRaster& raster_;
  const Axes& axes_;
  ImVec2 origin_, scale_;
};

// What a plot's lines image shows: the axes, the image's size, and each line's series (its
// size, pushes, smoothing, ends), color and pen. Equal keys draw equal images.
uint64_t lines_key(const Axes& axes, int width, int height, const PlotLine* lines, int count,
                   const LinePlotOptions& options) {
  struct AxesKey {
    float min_x, min_y, max_x, max_y;
    double x_lo, x_hi, y_lo, y_hi;
    int width, height, log_y;
    float thickness;
  } a{axes.min.x, axes.min.y, axes.max.x, axes.max.y, axes.x_lo, axes.x_hi, axes.y_lo, axes.y_hi,
      width,      height,     axes.log_y, options.thickness};
  static_assert(sizeof a == 64, "no padding: every byte hashed is set");
  uint64_t key = hash_bytes(&a, sizeof a);
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    struct LineKey {
      const MetricSeries* series;
      uint64_t size, pushed;
      double first_step, last_step;
      float smoothing, last_raw, last_smoothed;
      ImU32 color;
      int raw, padding;
    } l{series, 0, 0, 0.0, 0.0, 0.0f, 0.0f, 0.0f, lines[i].color, 0, 0};
    static_assert(sizeof l == 64, "no padding: every byte hashed is set");
    if (series && !series->empty()) {
      const std::size_t n = series->size();
      l.size = n, l.pushed = series->total_pushed();
      l.first_step = series->step(0), l.last_step = series->step(n - 1);
      l.smoothing = series->smoothing();
      l.last_raw = series->raw(n - 1), l.last_smoothed = series->smoothed(n - 1);
      l.raw = draws_raw(options, *series);
    }
    key = hash_bytes(&l, sizeof l, key);
  }
  return key;
}

// The lines as one textured rectangle over the plot area (whole pixels), rasterized on the CPU
// when what they show changed: under a software renderer that costs far less than the ~6
// triangles per pixel column a polyline makes. Same look as draw_lines: the raw values faintly,
// then the smoothed lines.
void draw_lines_raster(PlotTextures& textures, ImGuiID id, ImDrawList* draw, const Axes& axes,
                       const PlotLine* lines, int count, const LinePlotOptions& options) {
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  const ImVec2 min(std::floor(axes.min.x), std::floor(axes.min.y));
  const ImVec2 max(std::ceil(axes.max.x), std::ceil(axes.max.y));
  const int width = int(std::lround((max.x - min.x) * scale.x));
  const int height = int(std::lround((max.y - min.y) * scale.y));
  if (width <= 0 || height <= 0) return;
  const uint64_t key = lines_key(axes, width, height, lines, count, options);
  ImTextureID texture = textures.find(id, key, width, height);
  if (!texture) {
    PlotRaster& raster = textures.raster();
    raster.reset(width, height);
    RasterSink sink(raster, axes, min, scale);
    const PixelColumns columns{axes.x_lo, axes.x_scale * scale.x};
    for_each_stroke(lines, count, options,
                    [&](const MetricSeries& series, SeriesValues which, ImU32 color, float pen) {
                      decimate_columns(series, which, columns, axes.log_y, sink);
                      raster.end_line(color, pen * scale.x);
                    });
    texture = textures.store(id, key);
  }
  // The texture is transposed (texture x runs down the plot): corners with swapped coordinates.
  draw->AddImageQuad(texture, min, ImVec2(max.x, min.y), max, ImVec2(min.x, max.y), ImVec2(0, 0),
                     ImVec2(0, 1), ImVec2(1, 1), ImVec2(1, 0));
}

// A line needs two points: a lone one (the first evaluation) is drawn as a dot.
void draw_lone_points(ImDrawList* draw, const Axes& axes, const PlotLine* lines, int count) {
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    if (series && series->size() == 1 && axes.drawable(series->smoothed(0))) {
      draw->AddCircleFilled(ImVec2(axes.px_x(series->step(0)), axes.px_y(series->smoothed(0))),
                            0.25f * ImGui::GetFontSize(), lines[i].color);
    }
  }
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
  if (options.x_seconds) {
    ImGui::Text("t = %.1f s", step);
  } else {
    ImGui::Text("step %.10g", step);
  }
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    if (!series || series->empty()) continue;
    const std::size_t j = series->nearest(step);
    if (step < series->step(0) || step > series->step(series->size() - 1)) {
      ImGui::TextColored(ImColor(lines[i].color), "%s", lines[i].label ? lines[i].label : "");
      ImGui::SameLine();
      ImGui::TextDisabled("-");
      continue;
    }
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

// The right-click menu: "Copy as CSV", and "Log scale", which flips `log_default` for this
// plot in the window's state storage. Returns whether the y axis is logarithmic.
bool plot_menu(const PlotLine* lines, int count, bool log_default) {
  // (Read before the popup: inside it the popup is the current window.)
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID log_key = ImHashStr("log_y", 0, ImGui::GetItemID());
  const bool log_flipped = storage->GetBool(log_key, false);
  const bool log_y = log_default != log_flipped;
  if (ImGui::BeginPopupContextItem()) {  // right-click on the plot
    if (ImGui::MenuItem("Copy as CSV")) ImGui::SetClipboardText(plot_csv(lines, count).c_str());
    if (ImGui::MenuItem("Log scale", nullptr, log_y)) storage->SetBool(log_key, !log_flipped);
    ImGui::EndPopup();
  }
  return log_y;
}

// The lines' step range [x_lo, x_hi] (x_lo > x_hi when no line has a point) and, unless the y
// range is fixed, the range of the values drawn.
void data_ranges(const PlotLine* lines, int count, const LinePlotOptions& options, bool fixed_y,
                 double& x_lo, double& x_hi, ValueRange& y) {
  x_lo = kInf, x_hi = -kInf;
  for (int i = 0; i < count; ++i) {
    const MetricSeries* series = lines[i].series;
    if (!series || series->empty()) continue;
    x_lo = std::min({x_lo, series->step(0), series->step(series->size() - 1)});
    x_hi = std::max({x_hi, series->step(0), series->step(series->size() - 1)});
    if (fixed_y) continue;
    y.include(series->smoothed_range(0, series->size()));
    if (draws_raw(options, *series)) y.include(series->raw_range(0, series->size()));
  }
}

// The y axis' range: fixed, or the values' padded; a log axis spans exponents and, with nothing
// positive to show, falls back to the linear one (`log_y` is then cleared).
void y_axis_range(const LinePlotOptions& options, bool fixed_y, const ValueRange& y, bool& log_y,
                  double& y_lo, double& y_hi) {
  y_lo = 0.0, y_hi = 1.0;
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
}

// The lines as ImGui polylines (no renderer: no plot textures).
void draw_lines(ImDrawList* draw, const Axes& axes, const PlotLine* lines, int count,
                const LinePlotOptions& options) {
  for_each_stroke(lines, count, options,
                  [&](const MetricSeries& series, SeriesValues which, ImU32 color, float pen) {
                    draw_series(draw, axes, series, which, color, pen);
                  });
}

// The kept step nearest the mouse: a vertical line there and a dot on each line. Returns it.
double draw_hover(ImDrawList* draw, const Axes& axes, const PlotLine* lines, int count) {
  const double step = hovered_step(lines, count, axes.data_x(ImGui::GetIO().MousePos.x));
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
  return step;
}

}  // namespace

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
  const ImGuiID plot_id = ImGui::GetItemID();
  bool log_y = plot_menu(lines, count, options.log_y);
  ImDrawList* draw = frame.draw;
  draw->PushClipRect(frame.min, frame.max, true);

  const bool fixed_y = options.fixed_y && options.y_max > options.y_min;
  double x_lo = kInf, x_hi = -kInf;
  ValueRange y;
  data_ranges(lines, count, options, fixed_y, x_lo, x_hi, y);
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
  y_axis_range(options, fixed_y, y, log_y, y_lo, y_hi);

  const AxisFormat format{true, options.y_format};
  const Axes axes = layout_axes(frame, x_lo, x_hi, y_lo, y_hi, 0.0, format, log_y);
  draw_axes(frame, axes, format);

  draw->PushClipRect(axes.min, axes.max, true);
  if (PlotTextures* textures = PlotTextures::current()) {
    draw_lines_raster(*textures, plot_id, draw, axes, lines, count, options);
  } else {
    draw_lines(draw, axes, lines, count, options);
  }
  draw_lone_points(draw, axes, lines, count);
  if (options.marker_step >= 0.0 && options.marker_step >= x_lo && options.marker_step <= x_hi) {
    const float x = axes.px_x(options.marker_step);
    draw->AddLine(ImVec2(x, axes.min.y), ImVec2(x, axes.max.y), kMarkerColor, 2.0f);
  }
  const bool hovering = frame.hovered && ImGui::GetIO().MousePos.x >= axes.min.x;
  const double step = hovering ? draw_hover(draw, axes, lines, count) : 0.0;
  draw->PopClipRect();

  ImVec2 cursor(axes.min.x, frame.min.y + kPad);
  for (int i = 0; i < count; ++i) {
    const char* legend = lines[i].legend ? lines[i].legend : lines[i].label;
    if (legend && *legend && !draw_legend_entry(draw, cursor, legend, lines[i].color, frame.max.x - kPad)) {
      break;  // no room left (the tooltip names every line)
    }
  }
  draw->PopClipRect();
  if (hovering) line_tooltip(lines, count, step, options);
}

}  // namespace genscope
