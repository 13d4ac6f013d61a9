// PlotRaster (gui/plot_raster.h): line plots drawn into an image on the CPU, checked pixel by
// pixel against where the line and its pen are; and PlotTextures (gui/plot_textures.h), which
// uploads a plot's image only when what it shows changed, driven through line_plot on real
// ImGui frames with stub textures (no GL).
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gui/plot.h"
#include "gui/plot_raster.h"
#include "gui/plot_textures.h"
#include "render/texture_cache.h"
#include "support/ui_harness.h"

namespace genscope {
namespace {

constexpr uint32_t kGreen = IM_COL32(0, 255, 0, 255);

int alpha(const PlotRaster& r, int x, int y) { return r.pixel(x, y)[3]; }
const uint8_t* pixel(const PlotRaster& r, int x, int y) { return r.pixel(x, y); }

TEST(PlotRaster, AFlatLineCoversItsPensRowsWithTheirShareAtFractionalEdges) {
  PlotRaster r;
  r.reset(40, 30);
  r.point(5.0f, 11.0f);
  r.point(35.0f, 11.0f);
  r.end_line(kGreen, 2.0f);  // rows [10, 12): exactly two
  for (int x = 10; x < 30; ++x) {
    EXPECT_EQ(alpha(r, x, 9), 0) << x;
    EXPECT_EQ(alpha(r, x, 10), 255) << x;
    EXPECT_EQ(alpha(r, x, 11), 255) << x;
    EXPECT_EQ(alpha(r, x, 12), 0) << x;
    EXPECT_EQ(pixel(r, x, 10)[1], 255);
    EXPECT_EQ(pixel(r, x, 10)[0], 0);
  }
  EXPECT_EQ(alpha(r, 2, 10), 0) << "nothing left of the line's start and its pen";
  EXPECT_EQ(alpha(r, 38, 10), 0);

  r.reset(40, 30);
  r.point(5.0f, 11.25f);
  r.point(35.0f, 11.25f);
  r.end_line(kGreen, 2.0f);  // [10.25, 12.25): 3/4 of row 10, all of 11, 1/4 of 12
  EXPECT_NEAR(alpha(r, 20, 10), 191, 1);
  EXPECT_EQ(alpha(r, 20, 11), 255);
  EXPECT_NEAR(alpha(r, 20, 12), 64, 1);
  EXPECT_EQ(pixel(r, 20, 12)[1], 255) << "straight alpha: the color stays, the alpha fades";
}

TEST(PlotRaster, AOneStepSpikeReachesItsValueAtItsColumn) {
  // A thousand points over 100 columns, flat at row 50 but for one point at row 5.
  PlotRaster r;
  r.reset(100, 60);
  for (int i = 0; i < 1000; ++i) r.point(0.1f * i, i == 617 ? 5.0f : 50.0f);
  r.end_line(kGreen, 1.0f);
  int top_x = -1, top_y = 60;
  for (int x = 0; x < 100; ++x) {
    for (int y = 0; y < 60; ++y) {
      if (alpha(r, x, y) > 0 && y < top_y) top_x = x, top_y = y;
    }
  }
  EXPECT_EQ(top_x, 61);
  EXPECT_EQ(top_y, 4) << "the tip at 5, and half a pen above it";
  for (int y = 6; y < 50; ++y) EXPECT_EQ(alpha(r, 61, y), 255) << "the spike's column, row " << y;
  EXPECT_EQ(alpha(r, 30, 40), 0) << "away from the spike only the baseline";
  EXPECT_GT(alpha(r, 30, 50), 0);
}

TEST(PlotRaster, StrokesLeaveGapsAndALonePointIsASquareDot) {
  PlotRaster r;
  r.reset(60, 20);
  r.point(2.0f, 10.0f);
  r.point(20.0f, 10.0f);
  r.end_stroke();
  r.point(40.0f, 10.0f);
  r.point(58.0f, 10.0f);
  r.end_stroke();
  r.end_line(kGreen, 2.0f);
  for (int x = 23; x <= 37; ++x) EXPECT_EQ(alpha(r, x, 9), 0) << "the gap, column " << x;
  EXPECT_EQ(alpha(r, 10, 9), 255);
  EXPECT_EQ(alpha(r, 50, 9), 255);

  r.reset(20, 20);
  r.point(10.0f, 10.0f);
  r.end_line(kGreen, 2.0f);
  int covered = 0;
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 20; ++x) covered += alpha(r, x, y) == 255;
  }
  EXPECT_EQ(covered, 4) << "a 2x2 dot";
  EXPECT_EQ(alpha(r, 9, 9), 255);
  EXPECT_EQ(alpha(r, 10, 10), 255);
}

TEST(PlotRaster, LaterLinesGoOverEarlierOnesWithTheirAlpha) {
  PlotRaster r;
  r.reset(20, 20);
  r.point(0.0f, 10.0f);
  r.point(20.0f, 10.0f);
  r.end_line(IM_COL32(0, 0, 255, 255), 4.0f);
  r.point(0.0f, 10.0f);
  r.point(20.0f, 10.0f);
  r.end_line(IM_COL32(255, 0, 0, 128), 2.0f);
  const uint8_t* mixed = pixel(r, 10, 9);
  EXPECT_NEAR(mixed[0], 128, 1);
  EXPECT_EQ(mixed[1], 0);
  EXPECT_NEAR(mixed[2], 127, 1);
  EXPECT_EQ(mixed[3], 255);
  const uint8_t* below_only = pixel(r, 10, 8);  // the blue pen is 4 wide, the red one 2
  EXPECT_EQ(below_only[0], 0);
  EXPECT_EQ(below_only[2], 255);
  r.point(0.0f, 3.0f);  // half-transparent red alone: its own color at half alpha
  r.point(20.0f, 3.0f);
  r.end_line(IM_COL32(255, 0, 0, 128), 2.0f);
  EXPECT_EQ(pixel(r, 10, 2)[0], 255);
  EXPECT_EQ(pixel(r, 10, 2)[3], 128);
}

TEST(PlotRaster, SteepAndFarAwayPointsAreClippedToTheImage) {
  PlotRaster r;
  r.reset(50, 50);
  r.point(-1e5f, 25.0f);  // far left, then a vertical drop, then far right and far below
  r.point(10.0f, 25.0f);
  r.point(10.0f, 1e5f);
  r.point(1e5f, 1e5f);
  r.end_line(kGreen, 2.0f);
  EXPECT_EQ(alpha(r, 0, 24), 255) << "the line comes in from the left";
  EXPECT_EQ(alpha(r, 5, 24), 255);
  for (int y = 26; y < 50; ++y) {
    EXPECT_EQ(alpha(r, 10, y), 255) << "the drop, row " << y;
    EXPECT_EQ(alpha(r, 9, y), 255) << "two pixels wide, row " << y;
  }
  EXPECT_EQ(alpha(r, 30, 40), 0);
}

// Chebyshev distance from (x, y) to the polyline, sampled finely.
float distance_to(const std::vector<std::pair<float, float>>& line, float x, float y) {
  float best = 1e9f;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    const auto [x0, y0] = line[i];
    const auto [x1, y1] = line[i + 1];
    const int n = 1 + int(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0)) * 20.0f);
    for (int k = 0; k <= n; ++k) {
      const float t = float(k) / n, px = x0 + t * (x1 - x0), py = y0 + t * (y1 - y0);
      best = std::min(best, std::max(std::fabs(px - x), std::fabs(py - y)));
    }
  }
  return best;
}

TEST(PlotRaster, RandomLinesCoverWhatThePenCoversAndNothingFarFromThem) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> y_of(-5.0f, 37.0f), dx(0.05f, 6.0f);
  for (float thickness : {1.0f, 2.0f, 3.0f}) {
    for (int trial = 0; trial < 6; ++trial) {
      std::vector<std::pair<float, float>> line;
      for (float x = -2.0f; x < 50.0f; x += dx(rng)) line.emplace_back(x, y_of(rng));
      PlotRaster r;
      r.reset(48, 32);
      for (const auto& [x, y] : line) r.point(x, y);
      r.end_line(kGreen, thickness);
      for (int y = 0; y < 32; ++y) {
        for (int x = 0; x < 48; ++x) {
          const float d = distance_to(line, x + 0.5f, y + 0.5f);
          SCOPED_TRACE(testing::Message() << "pen " << thickness << " trial " << trial << " pixel "
                                          << x << "," << y << " at " << d);
          // A pixel the pen covers whole is opaque; one more than a pen and a pixel away, empty.
          if (d <= 0.5f * thickness - 0.5f - 0.02f) EXPECT_EQ(alpha(r, x, y), 255);
          if (d >= 0.5f * thickness + 0.5f + 0.3f) EXPECT_EQ(alpha(r, x, y), 0);
        }
      }
    }
  }
}

// line_plot with PlotTextures attached: the lines are one image, uploaded when they change.
TEST(PlotTextures, LinePlotDrawsItsLinesAsOneImageUploadedOnlyWhenTheyChange) {
  auto ui = test::UiHarness::without_gl(800, 600);
  auto* backend = new StubTextureBackend;
  auto textures = std::make_unique<PlotTextures>(std::unique_ptr<TextureBackend>(backend));
  textures->attach();
  ASSERT_EQ(PlotTextures::current(), textures.get());
  MetricSeries series(1 << 16, 0.6f);
  for (int i = 0; i < 50000; ++i) series.push(i, std::sin(0.001f * i));
  const PlotLine line{"loss", &series, kGreen};
  bool shown = true;
  ui->draw = [&] {
    textures->collect();  // as the Gui does each frame
    if (!shown) return;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(600, 400));
    ImGui::Begin("plot");
    line_plot("##loss", &line, 1, LinePlotOptions{});
    ImGui::End();
  };
  ui->frames(2);
  EXPECT_EQ(textures->uploads(), 1u) << "the second frame showed the same lines";
  EXPECT_EQ(textures->size(), 1u);
  // The frame draws the image (the stub's texture 1) and no line geometry in the line's color.
  int image = 0, green = 0;
  const ImDrawData* data = ImGui::GetDrawData();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    for (const ImDrawCmd& cmd : data->CmdLists[l]->CmdBuffer) {
      image += cmd.TextureId == reinterpret_cast<ImTextureID>(uintptr_t(1));
    }
    for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer) green += v.col == kGreen;
  }
  EXPECT_EQ(image, 1);
  EXPECT_LE(green, 8) << "only the legend's square is drawn in the line's color";
  series.push(50000, 1.0f);
  ui->frames(1);
  EXPECT_EQ(textures->uploads(), 2u) << "a new row changes the image";
  series.set_smoothing(0.9f);
  ui->frames(1);
  EXPECT_EQ(textures->uploads(), 3u) << "so does the smoothing";
  ui->frames(1);
  EXPECT_EQ(textures->uploads(), 3u);
  // A plot that is no longer drawn gives its texture back after kKeepFrames frames.
  shown = false;
  ui->frames(PlotTextures::kKeepFrames + 2);
  EXPECT_EQ(textures->size(), 0u);
  EXPECT_EQ(backend->live(), 0);
  textures.reset();
  EXPECT_EQ(PlotTextures::current(), nullptr);
}

}  // namespace
}  // namespace genscope
