#pragma once
// Plot widgets drawn with ImDrawList: metric lines over training steps and overlaid histograms.
// A panel owns only its LinePlotOptions; line plots' images live in the Gui's PlotTextures.
#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/series.h"

namespace genscope {

/// One line of a line_plot: a labelled series drawn in one color.
struct PlotLine {
  const char* label;             // the hover tooltip's name (and the legend's, by default)
  const MetricSeries* series;
  ImU32 color;
  const char* legend = nullptr;  // the legend's name when not the label; "": not in the legend
  bool beneath = false;          // drawn under the other lines (a compared run's, under the live)
};

/// How line_plot draws; a panel keeps one per plot and may bind its fields to widgets.
struct LinePlotOptions {
  float height = 200.0f;           // plot height in pixels; the width is the available width
  bool show_raw = true;            // draw the raw values faintly under the smoothed line
  bool fixed_y = false;            // use [y_min, y_max] instead of fitting the values
  double y_min = 0.0;              // bottom of the fixed y range
  double y_max = 1.0;              // top of the fixed y range
  const char* y_format = nullptr;  // printf format for y labels and values; nullptr: automatic
  float thickness = 2.0f;          // width of the smoothed line in pixels
  double marker_step = -1.0;       // >= 0: a vertical marker at this step (the scrubbed history)
  bool log_y = false;              // log10 y axis (values <= 0 are left out); the plot's
                                   // right-click menu flips it per plot
  bool x_seconds = false;          // x is wall time in seconds (the tooltip says "t = 12.5 s")
};

/// The lines' kept raw values as CSV: a header "step,<label>,..." and one row per step that any
/// line has (a line without a value at that step leaves its cell empty; NaN prints "nan").
std::string plot_csv(const PlotLine* lines, int count);

/// Draws `count` series against their steps, with axes, ticks, a legend and a hover tooltip
/// giving each series' value at the step under the mouse ("-" for a line whose steps end before
/// it or begin after it, as a compared run's may). x fits the union of the kept steps;
/// y fits the finite visible values with 5% padding unless options.fixed_y. Each line is
/// decimated to at most two points per pixel column (the column's min and max, exactly those a
/// scan of every point finds), read from the series' min/max pyramids: O(columns log n), so a
/// million-point line costs about what a thousand-point one does. With a renderer (a
/// PlotTextures attached to the ImGui context, as the Gui does) the lines are drawn into one
/// texture per plot on the CPU (gui/plot_raster.h), redrawn only when a line, the axes or the
/// size changed: a software renderer then shades one rectangle instead of ~6 triangles per pixel
/// column and line. Without one (no GL) they are ImGui polylines, whose sharp turns get a
/// half-pixel flat so a one-step spike reaches its value (ImGui's joins would cut it short).
/// Right-click: "Copy as CSV" puts plot_csv() on the clipboard; "Log scale" flips options.log_y
/// for this plot (kept in ImGui's per-window state, so it lasts while the window does).
void line_plot(const char* id, const PlotLine* lines, int count, const LinePlotOptions& options);

/// Draws two overlaid translucent histograms of `a` and `b` (e.g. D scores of real and fake
/// images) over [lo, hi] with `bins` bins (at most 512), with x ticks, a legend and a tooltip
/// giving the hovered bin's range and both counts. `b` may be null. size.x <= 0: available width.
void histogram_plot(const char* id, const float* a, int na, const char* label_a, ImU32 color_a,
                    const float* b, int nb, const char* label_b, ImU32 color_b, float lo, float hi,
                    int bins, ImVec2 size);

/// Draws `n` nonnegative bars (e.g. KL per latent dimension) with y from 0 to the largest value,
/// x labels `x_label_prefix` + index under the bars (thinned to fit) and a tooltip such as
/// "z3: 0.42 nats" (`unit` after the value; may be null). size.x <= 0: available width.
void bar_chart(const char* id, const float* values, int n, ImU32 color, ImVec2 size,
               const char* x_label_prefix, const char* unit = nullptr);

/// `text` as it fits in `width` pixels of the current font (at `size` pixels; 0: its own size):
/// whole, or cut and ending in ".." (the hover tooltip then gives the whole name); "" when not
/// even ".." fits.
std::string fit_text(const std::string& text, float width, float size = 0.0f);

/// A distinct color for class `label` from a 10-color palette (Tableau 10); labels past 9 cycle
/// it with a lighter tint (20 distinct colors in all). Negative labels get gray.
ImU32 label_color(int label);

/// What scatter_plot reports about the mouse, and how to map data to the screen.
struct ScatterResult {
  int64_t hovered = -1;   // index of the point nearest the mouse within a few pixels, or -1
  bool clicked = false;   // the left button was clicked over the plot area (on `hovered`, if any)
  bool hovering = false;  // the mouse is over the plot area
  float mouse_x = 0.0f, mouse_y = 0.0f;  // data coordinates under the mouse
  ImVec2 plot_min, plot_max;             // the plot area on screen (extent min x -> plot_min.x)
  float extent[4] = {0, 0, 1, 1};        // the data extent drawn: min x, min y, max x, max y
  /// Screen position of the data point (x, y).
  ImVec2 to_screen(float x, float y) const;
};

/// Draws `n` points (xy interleaved) colored by `labels` (null: one color) over the data
/// `extent` (min x, min y, max x, max y; y grows upward), with a legend of `class_names` (or
/// "class k" for labels without a name) on the right. `background` (optional) is drawn
/// stretched exactly over the extent, e.g. a decoded 2D manifold. Points are 2x2 pixel quads, so
/// 10k points take 40k vertices and no allocation. Fills `out` with the hovered point and the
/// click. size.x <= 0: available width.
void scatter_plot(const char* id, const float* xy, int64_t n, const uint8_t* labels,
                  const std::vector<std::string>& class_names, const float extent[4], ImVec2 size,
                  ScatterResult& out, ImTextureID background = nullptr);

/// At most `max_ticks` evenly spaced round values (multiples of 1, 2 or 5 times a power of ten)
/// inside [lo, hi], ascending. Empty for non-finite bounds or max_ticks < 1; {lo} when lo == hi.
std::vector<double> nice_ticks(double lo, double hi, int max_ticks);

/// Ticks for a log axis over [lo, hi] (0 < lo <= hi), ascending, at most `max_ticks`: 1, 2, 5
/// times powers of ten when they fit, else powers of ten (every k-th decade when even those are
/// too many); nice_ticks() when fewer than two of those fall inside (a range under a decade).
std::vector<double> log_ticks(double lo, double hi, int max_ticks);

/// Counts of the finite values in `bins` equal bins over [lo, hi]; values outside fall into the
/// edge bins, non-finite values are ignored. Everything lands in bin 0 when hi <= lo.
std::vector<int> histogram_counts(const float* values, int n, float lo, float hi, int bins);

}  // namespace genscope
