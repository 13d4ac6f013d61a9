// The parts the plot widgets share (frame, axes, ticks, legend) and the small public helpers:
// nice_ticks, log_ticks, histogram_counts, fit_text, label_color. The widgets are in
// plot_line.cpp (line_plot, plot_csv) and plot_charts.cpp (histograms, bar charts, scatter).
#include "gui/plot.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>
#include <cstdio>

#include "gui/plot_parts.h"

namespace genscope {
namespace plot_parts {
namespace {

// Pixels between x labels and between y labels: in font sizes, so bigger text spaces them out.
float min_tick_spacing_x() { return 5.0f * ImGui::GetFontSize(); }
float min_tick_spacing_y() { return 2.2f * ImGui::GetFontSize(); }

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

// How many labelled ticks fit `pixels` at `spacing`: at least the two ends while their labels
// (`label` pixels each) do not touch, one in a plot too short for that.
int max_ticks_for(float pixels, float spacing, float label) {
  const int n = std::clamp(static_cast<int>(pixels / spacing), 1, kMaxTicks);
  return n < 2 && pixels >= 1.4f * label ? 2 : n;
}

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

}  // namespace

ImU32 scale_alpha(ImU32 color, float scale) {
  const ImU32 alpha = (color >> IM_COL32_A_SHIFT) & 0xFF;
  return (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha * scale) << IM_COL32_A_SHIFT);
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

Axes layout_axes(const PlotFrame& frame, double x_lo, double x_hi, double y_lo, double y_hi,
                 double y_min_step, const AxisFormat& format, bool log_y) {
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
  const int x_max_ticks = max_ticks_for(right - left, min_tick_spacing_x(), 3.0f * font);
  axes.x_ticks = tick_spacing(x_lo, x_hi, x_max_ticks, format.compact_x ? 1.0 : 0.0);
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

bool draw_legend_entry(ImDrawList* draw, ImVec2& cursor, const char* label, ImU32 color,
                       float right) {
  if (!label) return false;
  const float font = ImGui::GetFontSize();
  const float side = 0.7f * font;
  const float room = right - (cursor.x + side + kPad);
  std::string text = label;
  if (ImGui::CalcTextSize(label).x > room) {  // shortened to what fits, with an ellipsis
    const char* const ellipsis = "\xE2\x80\xA6";
    while (!text.empty() && ImGui::CalcTextSize((text + ellipsis).c_str()).x > room) {
      do text.pop_back();
      while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80);
      if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
    }
    if (text.empty()) return false;
    text += ellipsis;
  }
  const ImVec2 square(cursor.x, cursor.y + 0.5f * (font - side));
  draw->AddRectFilled(square, ImVec2(square.x + side, square.y + side), color);
  draw->AddText(ImVec2(cursor.x + side + kPad, cursor.y), ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
  cursor.x += side + 4.0f * kPad + ImGui::CalcTextSize(text.c_str()).x;
  return true;
}

void draw_centered_text(const PlotFrame& frame, const char* text) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  const ImVec2 pos(0.5f * (frame.min.x + frame.max.x - size.x),
                   0.5f * (frame.min.y + frame.max.y - size.y));
  frame.draw->AddText(pos, ImGui::GetColorU32(ImGuiCol_TextDisabled), text);
}

}  // namespace plot_parts

namespace {

using plot_parts::count_into;
using plot_parts::log_tick_list;
using plot_parts::tick_spacing;
using plot_parts::TickList;
using plot_parts::TickSpacing;

// Tableau 10: class colors for scatter plots.
constexpr ImU32 kPalette[10] = {IM_COL32(78, 121, 167, 255),  IM_COL32(242, 142, 43, 255),
                                IM_COL32(225, 87, 89, 255),   IM_COL32(118, 183, 178, 255),
                                IM_COL32(89, 161, 79, 255),   IM_COL32(237, 201, 72, 255),
                                IM_COL32(176, 122, 161, 255), IM_COL32(255, 157, 167, 255),
                                IM_COL32(156, 117, 95, 255),  IM_COL32(186, 176, 172, 255)};

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

}  // namespace genscope
