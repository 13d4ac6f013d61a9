// Plot widgets besides line_plot: overlaid histograms, bar charts and class-colored scatter
// plots.
#include <imgui_internal.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "gui/plot.h"
#include "gui/plot_parts.h"

namespace genscope {
namespace {

using plot_parts::Axes;
using plot_parts::AxisFormat;
using plot_parts::begin_frame;
using plot_parts::count_into;
using plot_parts::draw_axes;
using plot_parts::draw_centered_text;
using plot_parts::draw_legend_entry;
using plot_parts::kLabelSize;
using plot_parts::kPad;
using plot_parts::kRangePadding;
using plot_parts::kTickLength;
using plot_parts::layout_axes;
using plot_parts::PlotFrame;
using plot_parts::scale_alpha;

constexpr float kBarAlpha = 0.4f;
constexpr int kMaxHistogramBins = 512;
constexpr float kHoverRadius = 5.0f;      // pixels within which a scatter point counts as hovered
constexpr int kPointsPerReserve = 16000;  // scatter quads per PrimReserve (under 64k vertices)

// `extent` with its non-finite values replaced (0 for a minimum, 1 for a maximum) and empty
// spans widened to +-1 around their value.
void sanitize_extent(const float extent[4], float out[4]) {
  for (int i = 0; i < 4; ++i) out[i] = std::isfinite(extent[i]) ? extent[i] : float(i / 2);
  for (int k = 0; k < 2; ++k) {
    const float lo = out[k];
    if (!(out[k + 2] > lo)) out[k] = lo - 1.0f, out[k + 2] = lo + 1.0f;
  }
}

// Class `k`'s legend name: its entry in `class_names`, or "class k" (written into `buffer`).
const char* class_name(const std::vector<std::string>& class_names, int k, char* buffer) {
  if (k < static_cast<int>(class_names.size()) && !class_names[k].empty())
    return class_names[k].c_str();
  std::snprintf(buffer, kLabelSize, "class %d", k);
  return buffer;
}

// A scatter plot's legend on the right: one row per class, in as many columns as the height
// needs (none when even one column would take more than a third of the width).
struct ScatterLegend {
  int classes = 0;
  int rows = 1, columns = 0;
  float column_width = 0.0f, row_pitch = 0.0f, top = 0.0f;
  float width() const { return columns * column_width; }
};

ScatterLegend layout_legend(const PlotFrame& frame, int64_t n, const uint8_t* labels,
                            const std::vector<std::string>& class_names) {
  ScatterLegend legend;
  int& classes = legend.classes;
  classes = labels ? static_cast<int>(class_names.size()) : 0;
  for (int64_t i = 0; labels && i < n; ++i) classes = std::max(classes, labels[i] + 1);
  const float font = ImGui::GetFontSize(), side = 0.7f * font;
  char name[kLabelSize];
  float column_width = 0.0f;
  for (int k = 0; k < classes; ++k)
    column_width = std::max(column_width, ImGui::CalcTextSize(class_name(class_names, k, name)).x);
  column_width += side + 3.0f * kPad;
  legend.column_width = column_width;
  legend.row_pitch = font + 2.0f, legend.top = frame.min.y + kPad;
  const float width = frame.max.x - frame.min.x;
  int rows = std::max(1, static_cast<int>((frame.max.y - legend.top) / legend.row_pitch));
  int columns = (classes + rows - 1) / rows;
  if (columns > 1 && columns * column_width * 2.0f > width) columns = 1;  // more: half the width
  if (columns == 1 && column_width * 3.0f > width) columns = 0;           // one: a third
  if (columns > 1) rows = (classes + columns - 1) / columns;  // balanced: 5 + 5, not 8 + 2
  legend.rows = rows, legend.columns = columns;
  return legend;
}

// The background image over the extent, then the points as small squares in their class color.
void draw_scatter_points(ImDrawList* draw, const Axes& axes, const float* xy, int64_t n,
                         const uint8_t* labels, const float extent[4], ImTextureID background) {
  if (background) {
    draw->AddImage(background, ImVec2(axes.px_x(extent[0]), axes.px_y(extent[3])),
                   ImVec2(axes.px_x(extent[2]), axes.px_y(extent[1])));
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
}

// The mouse over the plot area: its data position, the nearest point within kHoverRadius
// pixels (circled), and whether the click landed there.
void hover_scatter(ImDrawList* draw, const Axes& axes, const float* xy, int64_t n, bool hovered,
                   bool clicked, ScatterResult& out) {
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  out.hovering = hovered && mouse.x >= axes.min.x && mouse.x <= axes.max.x &&
                 mouse.y >= axes.min.y && mouse.y <= axes.max.y;
  out.clicked = clicked && out.hovering;
  if (!out.hovering) return;
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

}  // namespace

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

ImVec2 ScatterResult::to_screen(float x, float y) const {
  const float w = extent[2] - extent[0], h = extent[3] - extent[1];
  return ImVec2(plot_min.x + (x - extent[0]) / w * (plot_max.x - plot_min.x),
                plot_max.y - (y - extent[1]) / h * (plot_max.y - plot_min.y));
}

void scatter_plot(const char* id, const float* xy, int64_t n, const uint8_t* labels,
                  const std::vector<std::string>& class_names, const float extent[4], ImVec2 size,
                  ScatterResult& out, ImTextureID background) {
  out = ScatterResult{};
  sanitize_extent(extent, out.extent);
  const PlotFrame frame = begin_frame(id, size);
  const bool clicked = frame.hovered && ImGui::IsItemClicked(ImGuiMouseButton_Left);
  if (!frame.visible) return;
  ImDrawList* draw = frame.draw;
  draw->PushClipRect(frame.min, frame.max, true);
  if (!xy) n = 0;

  const ScatterLegend legend = layout_legend(frame, n, labels, class_names);
  PlotFrame area = frame;
  area.max.x -= legend.width();
  const AxisFormat format{false, nullptr};
  const Axes axes =
      layout_axes(area, out.extent[0], out.extent[2], out.extent[1], out.extent[3], 0.0, format);
  draw_axes(area, axes, format);
  out.plot_min = axes.min, out.plot_max = axes.max;

  draw->PushClipRect(axes.min, axes.max, true);
  draw_scatter_points(draw, axes, xy, n, labels, out.extent, background);
  hover_scatter(draw, axes, xy, n, frame.hovered, clicked, out);
  draw->PopClipRect();

  if (legend.width() > 0.0f) {
    char name[kLabelSize];
    for (int k = 0; k < legend.classes && k < legend.rows * legend.columns; ++k) {
      ImVec2 row(area.max.x + kPad + (k / legend.rows) * legend.column_width,
                 legend.top + (k % legend.rows) * legend.row_pitch);
      draw_legend_entry(draw, row, class_name(class_names, k, name), label_color(k));
    }
  }
  draw->PopClipRect();
}

}  // namespace genscope
