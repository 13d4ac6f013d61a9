// Plot helpers (ticks, histogram counts) and the plot widgets run headless in an ImGui context:
// no GL is needed, most tests only look at the draw data ImGui builds. A million-point line is
// also rendered with GL (the UI harness) and its pixels read back.
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "gui/plot.h"
#include "support/ui_harness.h"

namespace genscope {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// True when step is 1, 2 or 5 times a power of ten.
bool is_nice_step(double step) {
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (std::fabs(mantissa - m) < 1e-6) return true;
  }
  return false;
}

TEST(NiceTicks, RoundEvenlySpacedAndInside) {
  const double ranges[][2] = {{0, 1},       {-3.7, 12.2}, {0.0012, 0.0019},
                              {1e5, 3.4e6}, {-1, -0.2},   {7, 7.5}};
  for (const auto& range : ranges) {
    for (int max_ticks : {2, 3, 5, 8, 12}) {
      const std::vector<double> ticks = nice_ticks(range[0], range[1], max_ticks);
      SCOPED_TRACE(testing::Message() << range[0] << ".." << range[1] << " max " << max_ticks);
      ASSERT_GE(ticks.size(), 1u);
      ASSERT_LE(ticks.size(), static_cast<std::size_t>(max_ticks));
      const double eps = 1e-9 * (range[1] - range[0]);
      EXPECT_GE(ticks.front(), range[0] - eps);
      EXPECT_LE(ticks.back(), range[1] + eps);
      if (ticks.size() < 2) continue;
      const double step = ticks[1] - ticks[0];
      EXPECT_TRUE(is_nice_step(step)) << step;
      for (std::size_t i = 1; i < ticks.size(); ++i)
        EXPECT_NEAR(ticks[i] - ticks[i - 1], step, 1e-9 * step);
    }
  }
}

TEST(NiceTicks, KnownValues) {
  EXPECT_EQ(nice_ticks(0, 1, 5), (std::vector<double>{0, 0.5, 1}));
  EXPECT_EQ(nice_ticks(0, 100, 10), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(nice_ticks(-3.7, 12.2, 6), (std::vector<double>{0, 5, 10}));
  EXPECT_EQ(nice_ticks(12.2, -3.7, 6), (std::vector<double>{0, 5, 10}));  // reversed bounds
  const std::vector<double> around_zero = nice_ticks(-0.3, 0.3, 5);
  ASSERT_EQ(around_zero.size(), 3u);
  EXPECT_DOUBLE_EQ(around_zero[0], -0.2);
  EXPECT_EQ(around_zero[1], 0.0);
  EXPECT_FALSE(std::signbit(around_zero[1]));
  EXPECT_DOUBLE_EQ(around_zero[2], 0.2);
}

TEST(NiceTicks, DegenerateInputs) {
  EXPECT_EQ(nice_ticks(2.5, 2.5, 5), (std::vector<double>{2.5}));
  EXPECT_TRUE(nice_ticks(0, 1, 0).empty());
  EXPECT_TRUE(nice_ticks(0, std::nan(""), 5).empty());
  EXPECT_TRUE(nice_ticks(-1e308, 1e308, 5).empty());  // span overflows
  EXPECT_LE(nice_ticks(0, 1, 1).size(), 1u);
}

TEST(HistogramCounts, BinsClampsAndSkipsNonFinite) {
  const float values[] = {0.0f, 0.05f, 0.1f, 0.49f, 0.5f, 0.99f,
                          1.0f, -3.0f, 7.0f, kNaN,  kInf, -kInf};
  const std::vector<int> counts = histogram_counts(values, 12, 0.0f, 1.0f, 10);
  // -3 joins bin 0; 1.0 and 7 join bin 9; NaN and infinities are dropped.
  EXPECT_EQ(counts, (std::vector<int>{3, 1, 0, 0, 1, 1, 0, 0, 0, 3}));
}

TEST(HistogramCounts, DegenerateInputs) {
  const float values[] = {0.2f, 0.8f};
  EXPECT_TRUE(histogram_counts(values, 2, 0.0f, 1.0f, 0).empty());
  EXPECT_EQ(histogram_counts(values, 2, 1.0f, 1.0f, 3), (std::vector<int>{2, 0, 0}));
  EXPECT_EQ(histogram_counts(nullptr, 0, 0.0f, 1.0f, 2), (std::vector<int>{0, 0}));
}

// A fresh ImGui context with a built font atlas and no renderer; frames draw into one window.
class PlotWidgets : public testing::Test {
 protected:
  void SetUp() override {
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1024.0f, 768.0f);
    io.DeltaTime = 1.0f / 60.0f;
    io.IniFilename = nullptr;
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;  // as the OpenGL 3 backend does
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  }
  void TearDown() override { ImGui::DestroyContext(context_); }

  // Runs one frame with `body` inside an 820x620 window; returns the vertices `body` added to it
  // and remembers where the first widget started.
  template <class Body>
  int frame(Body body) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0.0f, 0.0f));
    ImGui::SetNextWindowSize(ImVec2(820.0f, 620.0f));
    ImGui::Begin("plots", nullptr, ImGuiWindowFlags_NoDecoration);
    widget_origin_ = ImGui::GetCursorScreenPos();
    const int before = ImGui::GetWindowDrawList()->VtxBuffer.Size;
    body();
    const int added = ImGui::GetWindowDrawList()->VtxBuffer.Size - before;
    ImGui::End();
    ImGui::Render();
    return added;
  }

  ImGuiContext* context_ = nullptr;
  ImVec2 widget_origin_;
};

MetricSeries noisy_series(int n, float smoothing) {
  MetricSeries series(MetricSeries::kDefaultCapacity, smoothing);
  for (int i = 0; i < n; ++i)
    series.push(10.0 * i, std::sin(0.01f * i) + 0.3f * std::sin(7.1f * i));
  return series;
}

TEST_F(PlotWidgets, LinePlotDrawsLinesAxesAndLegend) {
  MetricSeries loss_d = noisy_series(500, 0.6f);
  MetricSeries loss_g = noisy_series(300, 0.0f);
  loss_g.push(3000.0, kNaN);
  loss_g.push(3010.0, 1.0f);
  const PlotLine lines[] = {{"D loss", &loss_d, IM_COL32(230, 90, 60, 255)},
                            {"G loss", &loss_g, IM_COL32(60, 140, 230, 255)}};
  LinePlotOptions options;
  const int added = frame([&] { line_plot("##losses", lines, 2, options); });
  EXPECT_GT(added, 100);
  ASSERT_NE(ImGui::GetDrawData(), nullptr);
  EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 0);

  options.fixed_y = true;
  options.y_min = -0.5;
  options.y_max = 0.5;
  options.y_format = "%.2f";
  EXPECT_GT(frame([&] { line_plot("##losses", lines, 2, options); }), 100);
}

TEST(LogTicks, DecadesAndTheirOneTwoFives) {
  EXPECT_EQ(log_ticks(1.4, 600, 10), (std::vector<double>{2, 5, 10, 20, 50, 100, 200, 500}));
  EXPECT_EQ(log_ticks(1.4, 600, 4), (std::vector<double>{10, 100}));
  EXPECT_EQ(log_ticks(0.5, 2e4, 5), (std::vector<double>{1, 10, 100, 1000, 10000}));
  // More decades than ticks: every other decade.
  EXPECT_EQ(log_ticks(1e-6, 1e6, 7), (std::vector<double>{1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6}));
  EXPECT_EQ(log_ticks(0.012, 0.3, 10), (std::vector<double>{0.02, 0.05, 0.1, 0.2}));
  // Under a decade with fewer than two 1-2-5 values: linear ticks.
  EXPECT_EQ(log_ticks(21, 45, 5), nice_ticks(21, 45, 5));
  EXPECT_TRUE(log_ticks(0, 10, 5).empty());
  EXPECT_TRUE(log_ticks(-1, 10, 5).empty());
}

// Where the middle of three points of a line sits between the other two (0 = as low as the
// lowest, 1 = as high as the highest), read from the vertices in the line's colour below the
// legend row.
float middle_point_height(const ImDrawList* list, ImU32 color, float legend_bottom) {
  float min_x = 1e9f, max_x = -1e9f, top = 1e9f, bottom = -1e9f;
  for (const ImDrawVert& v : list->VtxBuffer) {
    if (v.col != color || v.pos.y < legend_bottom) continue;
    min_x = std::min(min_x, v.pos.x), max_x = std::max(max_x, v.pos.x);
    top = std::min(top, v.pos.y), bottom = std::max(bottom, v.pos.y);
  }
  const float mid_x = 0.5f * (min_x + max_x);
  float sum = 0.0f;
  int n = 0;
  for (const ImDrawVert& v : list->VtxBuffer) {
    if (v.col != color || v.pos.y < legend_bottom || std::fabs(v.pos.x - mid_x) > 3.0f) continue;
    sum += v.pos.y, ++n;
  }
  return n == 0 || bottom <= top ? kNaN : (bottom - sum / n) / (bottom - top);
}

TEST_F(PlotWidgets, LogScaleSpreadsDecadesEvenlyAndLeavesOutNonPositiveValues) {
  // FID-like: 1,000, 100, 10 at steps 0, 1, 2. Linear, 100 sits 9 % of the way up from 10 to
  // 1,000; on a log axis halfway.
  MetricSeries fid(MetricSeries::kDefaultCapacity, 0.0f);
  for (float v : {1000.0f, 100.0f, 10.0f}) fid.push(double(fid.size()), v);
  const ImU32 color = IM_COL32(255, 140, 60, 255);
  const PlotLine line{nullptr, &fid, color};  // no legend entry in the line's colour
  LinePlotOptions options;
  options.show_raw = false;
  options.thickness = 1.0f;
  ImGui::GetIO().MousePos = ImVec2(-1000.0f, -1000.0f);  // no hover marks
  const auto height = [&] {
    frame([&] { line_plot("##log", &line, 1, options); });
    return middle_point_height(ImGui::GetDrawData()->CmdLists[0], color, widget_origin_.y + 20.0f);
  };
  EXPECT_NEAR(height(), 90.0f / 990.0f, 0.02f) << "linear";
  options.log_y = true;
  EXPECT_NEAR(height(), 0.5f, 0.02f) << "log";
  // A zero cannot be drawn on a log axis: the line stops before it, the axis stays the same.
  fid.push(3.0, 0.0f);
  EXPECT_NEAR(height(), 0.5f, 0.02f) << "log with a zero";
  // Nothing positive: back to a linear axis.
  MetricSeries zeros(MetricSeries::kDefaultCapacity, 0.0f);
  zeros.push(0.0, 0.0f);
  zeros.push(1.0, -1.0f);
  const PlotLine flat{nullptr, &zeros, color};
  EXPECT_GT(frame([&] { line_plot("##flat", &flat, 1, options); }), 10);
}

TEST_F(PlotWidgets, RightClickMenuCopiesCsvAndFlipsTheLogScale) {
  MetricSeries fid(MetricSeries::kDefaultCapacity, 0.0f);
  for (float v : {1000.0f, 100.0f, 10.0f}) fid.push(double(fid.size()), v);
  const ImU32 color = IM_COL32(255, 140, 60, 255);
  const PlotLine line{nullptr, &fid, color};
  LinePlotOptions options;
  options.show_raw = false;
  options.thickness = 1.0f;
  ImGuiIO& io = ImGui::GetIO();
  const auto draw = [&] { line_plot("##menu", &line, 1, options); };
  const auto step = [&](ImVec2 pos, int button, bool down) {
    io.MousePos = pos;
    io.MouseDown[0] = button == 0 && down;
    io.MouseDown[1] = button == 1 && down;
    frame(draw);
  };
  const auto height = [&] {  // the middle point's height, with the mouse away and no popup
    io.MousePos = ImVec2(-1000.0f, -1000.0f);
    frame(draw);
    return middle_point_height(ImGui::GetDrawData()->CmdLists[0], color, widget_origin_.y + 20.0f);
  };
  // Right-click on the plot, then left-click the menu's row `row` (0 Copy as CSV, 1 Log scale).
  const auto choose = [&](int row) {
    const ImVec2 plot(widget_origin_.x + 300.0f, widget_origin_.y + 80.0f);
    step(plot, 1, false);
    step(plot, 1, true);
    step(plot, 1, false);
    step(plot, -1, false);  // the popup's first, hidden frame sizes it
    ImGuiContext& g = *ImGui::GetCurrentContext();
    ASSERT_EQ(g.OpenPopupStack.Size, 1) << "the right-click opened no menu";
    const ImGuiWindow* popup = g.OpenPopupStack.back().Window;
    ASSERT_NE(popup, nullptr);
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 item(popup->Pos.x + style.WindowPadding.x + 20.0f,
                      popup->Pos.y + style.WindowPadding.y + (row + 0.5f) * ImGui::GetFontSize() +
                          row * style.ItemSpacing.y);
    step(item, -1, false);
    step(item, 0, true);
    step(item, 0, false);
    EXPECT_EQ(g.OpenPopupStack.Size, 0) << "choosing closes the menu";
  };
  height();
  EXPECT_NEAR(height(), 90.0f / 990.0f, 0.02f) << "linear by default";
  choose(1);
  EXPECT_NEAR(height(), 0.5f, 0.02f) << "Log scale turned on";
  choose(0);
  EXPECT_EQ(std::string(ImGui::GetClipboardText()), plot_csv(&line, 1));
  EXPECT_NEAR(height(), 0.5f, 0.02f) << "copying leaves the scale alone";
  choose(1);
  EXPECT_NEAR(height(), 90.0f / 990.0f, 0.02f) << "Log scale turned off";
  // A log-by-default plot (the FID plot): the same item turns it linear.
  options.log_y = true;
  EXPECT_NEAR(height(), 0.5f, 0.02f);
  choose(1);
  EXPECT_NEAR(height(), 90.0f / 990.0f, 0.02f) << "the default flipped";
}

TEST_F(PlotWidgets, LinePlotDecimatesToThePixelWidth) {
  const MetricSeries series = noisy_series(65536, 0.9f);
  const PlotLine line{"loss", &series, IM_COL32(230, 90, 60, 255)};
  LinePlotOptions options;
  const int added = frame([&] { line_plot("##long", &line, 1, options); });
  // Two lines (raw and smoothed) at <= 2 points per column over ~800 columns; undecimated,
  // 65536 points would take several hundred thousand vertices.
  EXPECT_GT(added, 1000);
  EXPECT_LT(added, 40000);
}

TEST_F(PlotWidgets, LinePlotWithoutDataSaysSo) {
  const MetricSeries empty;
  const PlotLine lines[] = {{"empty", &empty, IM_COL32_WHITE}, {"null", nullptr, IM_COL32_WHITE}};
  EXPECT_GT(frame([&] { line_plot("##empty", lines, 2, LinePlotOptions{}); }), 0);
  EXPECT_GT(frame([&] { line_plot("##none", nullptr, 0, LinePlotOptions{}); }), 0);
}

TEST_F(PlotWidgets, HoveringALinePlotOpensATooltip) {
  const MetricSeries series = noisy_series(1000, 0.6f);
  const PlotLine line{"loss", &series, IM_COL32(230, 90, 60, 255)};
  const auto draw = [&] { line_plot("##hover", &line, 1, LinePlotOptions{}); };
  frame(draw);
  EXPECT_EQ(ImGui::GetDrawData()->CmdListsCount, 1);
  ImGui::GetIO().MousePos = ImVec2(widget_origin_.x + 400.0f, widget_origin_.y + 100.0f);
  for (int i = 0; i < 3; ++i) frame(draw);  // hover, then the tooltip's first (hidden) frame
  EXPECT_EQ(ImGui::GetDrawData()->CmdListsCount, 2);
}

TEST_F(PlotWidgets, HistogramPlotDrawsAndHovers) {
  std::vector<float> real, fake;
  for (int i = 0; i < 256; ++i) {
    real.push_back(0.7f + 0.3f * std::sin(0.37f * i));
    fake.push_back(0.3f + 0.3f * std::cos(0.53f * i));
  }
  const auto draw = [&] {
    histogram_plot("##scores", real.data(), static_cast<int>(real.size()), "real",
                   IM_COL32(80, 200, 120, 255), fake.data(), static_cast<int>(fake.size()), "fake",
                   IM_COL32(230, 90, 60, 255), 0.0f, 1.0f, 20, ImVec2(0.0f, 180.0f));
  };
  EXPECT_GT(frame(draw), 100);
  EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 0);
  ImGui::GetIO().MousePos = ImVec2(widget_origin_.x + 300.0f, widget_origin_.y + 90.0f);
  for (int i = 0; i < 3; ++i) frame(draw);
  EXPECT_EQ(ImGui::GetDrawData()->CmdListsCount, 2);

  const float one[] = {0.5f};
  EXPECT_GT(frame([&] {
              histogram_plot("##one", one, 1, "only", IM_COL32_WHITE, nullptr, 0, nullptr, 0, 0.0f,
                             1.0f, 4, ImVec2(200.0f, 100.0f));
            }),
            0);
}

TEST(LabelColor, TenClassesGetDistinctOpaqueColors) {
  std::set<ImU32> colors;
  for (int label = 0; label < 20; ++label) {
    colors.insert(label_color(label));
    EXPECT_EQ(label_color(label) & IM_COL32_A_MASK, IM_COL32_A_MASK);
  }
  EXPECT_EQ(colors.size(), 20u);
  // Any two of the first ten differ clearly in at least one channel.
  for (int a = 0; a < 10; ++a) {
    for (int b = a + 1; b < 10; ++b) {
      int largest = 0;
      for (int shift : {IM_COL32_R_SHIFT, IM_COL32_G_SHIFT, IM_COL32_B_SHIFT}) {
        const int ca = (label_color(a) >> shift) & 0xFF, cb = (label_color(b) >> shift) & 0xFF;
        largest = std::max(largest, std::abs(ca - cb));
      }
      EXPECT_GT(largest, 40) << a << " vs " << b;
    }
  }
}

TEST_F(PlotWidgets, BarChartDrawsOneBarPerValueAndHovers) {
  const float kl[] = {0.5f, 2.0f, 0.0f, 1.2f, kNaN, 3.1f, 0.01f, 0.9f};
  const auto draw = [&] {
    bar_chart("##kl", kl, 8, IM_COL32(255, 140, 60, 255), ImVec2(400.0f, 200.0f), "z", "nats");
  };
  EXPECT_GT(frame(draw), 6 * 4);
  ImGui::GetIO().MousePos = ImVec2(widget_origin_.x + 200.0f, widget_origin_.y + 100.0f);
  for (int i = 0; i < 3; ++i) frame(draw);
  EXPECT_EQ(ImGui::GetDrawData()->CmdListsCount, 2);  // the tooltip
  EXPECT_GT(frame([&] { bar_chart("##none", nullptr, 0, IM_COL32_WHITE, ImVec2(), "z"); }), 0);
}

// The left edges of the legend squares (full-alpha label colours; points are drawn fainter) of
// classes 0..9 in the last frame, or NaN for a class without one.
std::vector<float> legend_square_x(const ImDrawList* list) {
  std::vector<float> x(10, kNaN);
  for (const ImDrawVert& v : list->VtxBuffer) {
    for (int k = 0; k < 10; ++k) {
      if (v.col == label_color(k) && !(v.pos.x >= x[k])) x[k] = v.pos.x;
    }
  }
  return x;
}

TEST_F(PlotWidgets, FitTextCutsLongLabelsWithDots) {
  frame([] {});  // fonts are set up inside a frame
  const std::string name = "Ankle boot";
  const float whole = ImGui::CalcTextSize(name.c_str()).x;
  EXPECT_EQ(fit_text(name, whole), name);
  EXPECT_EQ(fit_text(name, whole + 50.0f), name);
  const std::string cut = fit_text(name, whole - 1.0f);
  EXPECT_EQ(cut, "Ankle b..");  // fixed-width default font: 9 of the 10 widths fit
  EXPECT_LE(ImGui::CalcTextSize(cut.c_str()).x, whole - 1.0f);
  EXPECT_EQ(fit_text(name, ImGui::CalcTextSize("..").x), "..");
  EXPECT_EQ(fit_text(name, 1.0f), "");
  EXPECT_EQ(fit_text("", 0.0f), "");
}

TEST_F(PlotWidgets, ScatterLegendWrapsIntoColumnsWhenClassesOutnumberRows) {
  std::vector<float> xy;
  std::vector<uint8_t> labels;
  for (int i = 0; i < 100; ++i) {
    xy.push_back(std::sin(0.37f * i)), xy.push_back(std::cos(0.11f * i));
    labels.push_back(static_cast<uint8_t>(i % 10));
  }
  const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                       "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  const float extent[4] = {-1.0f, -1.0f, 1.0f, 1.0f};
  ScatterResult result;
  const auto columns = [&](ImVec2 size) {
    frame(
        [&] { scatter_plot("##map", xy.data(), 100, labels.data(), names, extent, size, result); });
    std::set<int> lefts;
    for (float x : legend_square_x(ImGui::GetDrawData()->CmdLists[0])) {
      if (std::isnan(x)) return 0;  // a class is missing from the legend
      lefts.insert(static_cast<int>(x));
    }
    return static_cast<int>(lefts.size());
  };
  EXPECT_EQ(columns(ImVec2(600.0f, 400.0f)), 1) << "tall: one column";
  EXPECT_EQ(columns(ImVec2(600.0f, 110.0f)), 2) << "short (the 1280x720 window): two columns";
  EXPECT_EQ(columns(ImVec2(600.0f, 75.0f)), 3);
  EXPECT_EQ(columns(ImVec2(600.0f, 60.0f)), 0) << "four columns would take over half: one, cut";
  EXPECT_EQ(columns(ImVec2(150.0f, 400.0f)), 0) << "narrow: no legend, the plot keeps its room";
}

TEST_F(PlotWidgets, ScatterDrawsTenThousandPointsAndFindsTheHoveredOne) {
  constexpr int kCount = 10000;
  std::vector<float> xy(2 * kCount);
  std::vector<uint8_t> labels(kCount);
  for (int i = 0; i < kCount; ++i) {
    xy[2 * i] = std::sin(0.37f * i) * 4.0f;
    xy[2 * i + 1] = std::cos(0.11f * i) * 2.0f;
    labels[i] = static_cast<uint8_t>(i % 10);
  }
  const int lonely = 1234;  // move one point far from the others, to hover it alone
  xy[2 * lonely] = 5.5f, xy[2 * lonely + 1] = 3.5f;
  const float extent[4] = {-4.0f, -2.0f, 6.0f, 4.0f};
  const std::vector<std::string> names{"zero", "one", "two"};  // the rest: "class k"
  ScatterResult result;
  const auto draw = [&] {
    scatter_plot("##map", xy.data(), kCount, labels.data(), names, extent, ImVec2(600.0f, 400.0f),
                 result);
  };
  const int added = frame(draw);
  EXPECT_GE(added, 4 * kCount);
  EXPECT_LT(added, 4 * kCount + 4000);
  EXPECT_EQ(result.hovered, -1);
  EXPECT_FALSE(result.hovering);

  const ImVec2 p = result.to_screen(5.5f, 3.5f);
  EXPECT_GT(p.x, result.plot_min.x);
  EXPECT_LT(p.y, result.plot_max.y);
  ImGui::GetIO().MousePos = ImVec2(p.x + 2.0f, p.y - 1.0f);
  frame(draw);
  frame(draw);
  EXPECT_TRUE(result.hovering);
  EXPECT_EQ(result.hovered, lonely);
  EXPECT_NEAR(result.mouse_x, 5.5f, 0.1f);
  EXPECT_NEAR(result.mouse_y, 3.5f, 0.1f);
  EXPECT_FALSE(result.clicked);
  ImGui::GetIO().MouseDown[0] = true;
  frame(draw);
  EXPECT_TRUE(result.clicked);
  EXPECT_EQ(result.hovered, lonely);
  ImGui::GetIO().MouseDown[0] = false;
  frame(draw);

  // Far from every point: nothing hovered, but the data coordinates still follow the mouse.
  const ImVec2 empty = result.to_screen(-3.5f, 3.8f);
  ImGui::GetIO().MousePos = empty;
  frame(draw);
  EXPECT_TRUE(result.hovering);
  EXPECT_EQ(result.hovered, -1);
  EXPECT_NEAR(result.mouse_x, -3.5f, 0.1f);
}

TEST_F(PlotWidgets, LinePlotMarksTheScrubbedStep) {
  const MetricSeries series = noisy_series(200, 0.6f);  // steps 0..1990
  const PlotLine line{"loss", &series, IM_COL32(230, 90, 60, 255)};
  // Vertices in the marker's colour after one frame.
  const auto marker_vertices = [&](double step) {
    LinePlotOptions options;
    options.marker_step = step;
    frame([&] { line_plot("##marker", &line, 1, options); });
    int n = 0;
    const ImDrawData* data = ImGui::GetDrawData();
    for (int l = 0; l < data->CmdListsCount; ++l) {
      for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer) {
        if (v.col == IM_COL32(255, 190, 60, 220)) ++n;
      }
    }
    return n;
  };
  EXPECT_EQ(marker_vertices(-1.0), 0);     // live: no marker
  EXPECT_GE(marker_vertices(500.0), 4);    // a line: one quad
  EXPECT_EQ(marker_vertices(99999.0), 0);  // outside the plotted steps
}

TEST(PlotCsv, MergesTheLinesByStepWithRawValues) {
  MetricSeries a(MetricSeries::kDefaultCapacity, 0.9f), b(MetricSeries::kDefaultCapacity, 0.0f);
  a.push(1.0, 0.5f);
  a.push(2.0, 0.25f);
  b.push(2.0, 3.0f);
  b.push(3.0, std::nanf(""));
  const PlotLine lines[] = {{"D loss", &a, 0}, {"G loss", &b, 0}};
  EXPECT_EQ(plot_csv(lines, 2), "step,D loss,G loss\n1,0.5,\n2,0.25,3\n3,,nan\n");
}

// Where the line's pixels are in a rendered frame: per pixel column, the topmost and bottommost
// row of a pixel in the line's green (-1 where there is none), and the columns it spans.
struct LinePixels {
  std::vector<int> top, bottom;
  int first = -1, last = -1;
};

LinePixels green_pixels(const std::vector<uint8_t>& rgba, int width, int height) {
  LinePixels out;
  out.top.assign(width, -1);
  out.bottom.assign(width, -1);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = &rgba[(size_t(y) * width + x) * 4];
      if (!(p[1] > 100 && p[1] > p[0] + 60 && p[1] > p[2] + 60)) continue;
      if (out.top[x] < 0) out.top[x] = y;
      out.bottom[x] = y;
      if (out.first < 0 || x < out.first) out.first = x;
      out.last = std::max(out.last, x);
    }
  }
  return out;
}

TEST(LinePlotPixels, AMillionPointLineReachesItsSpikesAtTheirColumns) {
  constexpr int kPoints = 1000000, kWidth = 900, kHeight = 420;
  constexpr int kUp = 250000, kDown = 800000;  // one-step spikes to +1 and -1
  test::UiHarness ui(kWidth, kHeight);
  if (!ui.ok()) GTEST_SKIP() << ui.error();
  MetricSeries series(kPoints, 0.0f);
  for (int i = 0; i < kPoints; ++i) {
    const float noise = 0.05f * std::sin(0.37f * float(i));
    series.push(double(i), i == kUp ? 1.0f : i == kDown ? -1.0f : noise);
  }
  ASSERT_EQ(series.size(), std::size_t(kPoints));
  const PlotLine line{nullptr, &series, IM_COL32(0, 255, 0, 255)};  // no legend: only the line
  LinePlotOptions options;
  options.height = 380.0f;
  options.thickness = 1.0f;
  ui.draw = [&] {
    ImGui::SetNextWindowPos(ImVec2(0.0f, 0.0f));
    ImGui::SetNextWindowSize(ImVec2(float(kWidth), float(kHeight)));
    ImGui::Begin("plot", nullptr, ImGuiWindowFlags_NoDecoration);
    line_plot("##million", &line, 1, options);
    ImGui::End();
  };
  ui.frames(2);
  const LinePixels px = green_pixels(ui.pixels(), kWidth, kHeight);
  ASSERT_GE(px.first, 0) << "no line drawn";
  const auto column_of = [&](int step) {
    return px.first + int(std::lround(double(step) / (kPoints - 1) * (px.last - px.first)));
  };
  // The highest and the lowest line pixel are the spikes, at their steps' columns.
  const auto top = std::min_element(px.top.begin(), px.top.end(),
                                    [](int a, int b) { return a >= 0 && (b < 0 || a < b); });
  const int bottom_row = *std::max_element(px.bottom.begin(), px.bottom.end());
  const int bottom_x =
      int(std::find(px.bottom.begin(), px.bottom.end(), bottom_row) - px.bottom.begin());
  EXPECT_NEAR(int(top - px.top.begin()), column_of(kUp), 2);
  EXPECT_NEAR(bottom_x, column_of(kDown), 2);
  // The y range fits the spikes (5 % padding): the baseline at 0 lies halfway between them, and
  // away from the spikes the line stays near it.
  const int middle = (*top + bottom_row) / 2, half = (bottom_row - *top) / 2;
  EXPECT_GT(half, 120);
  for (int x = px.first + 3; x <= px.last - 3; x += 7) {
    if (std::abs(x - column_of(kUp)) < 4 || std::abs(x - column_of(kDown)) < 4) continue;
    ASSERT_GE(px.top[x], 0) << "a gap in the line at column " << x;
    EXPECT_NEAR(px.top[x], middle, 0.08 * half) << "column " << x;
    EXPECT_NEAR(px.bottom[x], middle, 0.08 * half) << "column " << x;
  }
  // Each spike's column runs from the baseline to its tip.
  EXPECT_NEAR(px.bottom[column_of(kUp)], middle, 0.1 * half);
  EXPECT_NEAR(px.top[bottom_x], middle, 0.1 * half);
}

}  // namespace
}  // namespace genscope
