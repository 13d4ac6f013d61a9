// Panels under a real (hidden) GL window, for what needs their pixels: the colours a scrubbed
// history grid renders, and screenshots of tabs to look at. What clicks send and what the draw
// data show is tested without GL in tests/panels (panel_tests).
#include <glad/gl.h>
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>

#include <cmath>
#include <functional>

#include "app/window.h"
#include "gui/gui.h"
#include "gui/panels/panels.h"
#include "render/screenshot.h"
#include "core/image_grid.h"
#include "data/dataset.h"
#include "support/fake_snapshots.h"

using namespace genscope;

namespace {

class PanelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WindowOptions o;
    o.visible = false;
    o.width = 640;
    o.height = 480;
    auto w = Window::open(o);
    if (!w) GTEST_SKIP() << w.error();
    window_ = std::move(*w);
    gui_ = std::make_unique<Gui>(window_->handle(), GuiOptions{1.0f, ""});
    view_ = std::make_unique<View>(queue_);
    snapshot_.running = true;
    snapshot_.model_name = "dcgan";
    view_->update_snapshot(snapshot_);
  }
  void TearDown() override {
    view_.reset();
    gui_.reset();
    window_.reset();
  }

  // One frame with the mouse at `pos` and the left button `down`.
  void frame(ImVec2 pos, bool down) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();  // reads the real (absent) mouse; the test's mouse replaces it
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = pos;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    if (draw_) draw_();
    gui_->end_frame();
  }

  // Clicks at `pos` over three frames (hover, press, release).
  void click(ImVec2 pos) {
    frame(pos, false);
    frame(pos, true);
    frame(pos, false);
  }

  // Pixels of the last frame within `tolerance` of `color` in every channel (line plots are
  // textures: their lines show as pixels, not as vertices).
  int pixels_near(ImU32 color, int tolerance = 8) {
    int w = 0, h = 0;
    window_->framebuffer_size(w, h);
    std::vector<uint8_t> rgba(size_t(w) * h * 4);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    const int want[3] = {int(color & 0xFF), int((color >> 8) & 0xFF), int((color >> 16) & 0xFF)};
    int n = 0;
    for (size_t p = 0; p < rgba.size(); p += 4) {
      bool near = true;
      for (int c = 0; c < 3; ++c) near = near && std::abs(rgba[p + c] - want[c]) <= tolerance;
      n += near;
    }
    return n;
  }

  std::vector<Command> drained() {
    std::vector<Command> out;
    queue_.drain(out);
    return out;
  }

  std::unique_ptr<Window> window_;
  std::unique_ptr<Gui> gui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  Snapshot snapshot_;
  std::function<void()> draw_;  // what a frame draws

  // A 2D-lab snapshot: ring8 with a heatmap, points, arrows and a manifold.
  void make_toy_snapshot() {
    test::make_small_toy(snapshot_);
    view_->update_snapshot(snapshot_);
  }
};

}  // namespace

TEST_F(PanelTest, HistorySliderShowsTheKeptGridOfThatStep) {
  // Three grids, 50 steps apart, each one flat colour.
  const uint8_t colors[3][3] = {{250, 20, 20}, {20, 250, 20}, {20, 20, 250}};
  view_->history().history.set_every_steps(50);
  for (int i = 0; i < 3; ++i) {
    ImageRGBA grid{66, 66, std::vector<uint8_t>(66 * 66 * 4, 255)};
    for (size_t p = 0; p < grid.pixels.size(); p += 4) {
      for (int c = 0; c < 3; ++c) grid.pixels[p + c] = colors[i][c];
    }
    snapshot_.samples = grid;
    snapshot_.samples_step = snapshot_.step = i * 50;
    snapshot_.samples_version = i + 1;
    view_->update_snapshot(snapshot_);
  }
  ASSERT_EQ(view_->history().history.size(), 3u);
  SamplesPanel samples;
  samples.show_real = false;
  draw_ = [&] { samples.draw(*view_, ImRect(0, 0, 640, 480)); };
  // Pixels of colour `i` in the window.
  auto count = [&](int i) {
    int w = 0, h = 0;
    window_->framebuffer_size(w, h);
    std::vector<uint8_t> rgba(size_t(w) * h * 4);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    int n = 0;
    for (size_t p = 0; p < rgba.size(); p += 4) {
      if (rgba[p] == colors[i][0] && rgba[p + 1] == colors[i][1] && rgba[p + 2] == colors[i][2])
        ++n;
    }
    return n;
  };
  frame(ImVec2(-100, -100), false);
  frame(ImVec2(-100, -100), false);
  EXPECT_GT(count(2), 2000);  // live: the newest grid
  EXPECT_EQ(count(0), 0);
  view_->history().live = false;
  view_->history().index = 0;
  frame(ImVec2(-100, -100), false);
  EXPECT_GT(count(0), 2000);  // scrubbed back to step 0
  EXPECT_EQ(count(2), 0);
  view_->history().index = 1;
  frame(ImVec2(-100, -100), false);
  EXPECT_GT(count(1), 2000);
  EXPECT_TRUE(drained().empty());  // scrubbing never talks to the trainer
}

TEST_F(PanelTest, GradientsTabShowsBarsAndAHeatStrip) {
  // Ten steps of gradients for three layers, the middle one vanishing over time.
  for (int step = 1; step <= 10; ++step) {
    snapshot_.step = step;
    snapshot_.grads = {
        {"G net.0", 1.0f}, {"G net.3", std::pow(10.0f, -float(step))}, {"D net.0", 5.0f}};
    view_->update_snapshot(snapshot_);
  }
  ASSERT_EQ(view_->gradients().columns(), 10u);
  ASSERT_EQ(view_->gradients().names().size(), 3u);
  float lo = 0, hi = 0;
  ASSERT_TRUE(view_->gradients().range(lo, hi));
  EXPECT_FLOAT_EQ(lo, -10.0f);
  EXPECT_NEAR(hi, std::log10(5.0f), 1e-6f);
  // The same step again adds nothing; a reset (step going back) starts over.
  view_->update_snapshot(snapshot_);
  EXPECT_EQ(view_->gradients().columns(), 10u);
  LossesPanel losses;
  losses.open_gradients = true;
  draw_ = [&] { losses.draw(*view_, ImRect(0, 0, 640, 480)); };
  for (int i = 0; i < 3; ++i) frame(ImVec2(-100, -100), false);
  EXPECT_TRUE(losses.show_gradients);
  // Filled cells in the colour map's two ends: the vanishing layer's late steps are blue, the
  // large D layer yellow-ish.
  int blue = 0, warm = 0;
  const ImDrawData* data = ImGui::GetDrawData();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer) {
      const int r = v.col & 0xff, g = (v.col >> 8) & 0xff, b = (v.col >> 16) & 0xff;
      if (b > 130 && r < 60) ++blue;
      if (r > 240 && g > 210) ++warm;
    }
  }
  EXPECT_GT(blue, 8);
  EXPECT_GT(warm, 8);
  save_screenshot(std::string(GENSCOPE_TEST_TMP) + "/gradients_tab.png", 640, 480);
  snapshot_.step = 3;  // a reset
  view_->update_snapshot(snapshot_);
  EXPECT_EQ(view_->gradients().columns(), 1u);
}

TEST_F(PanelTest, StatusShowsTheDecodingBar) {
  snapshot_.loading = "decoding /data/faces: 2000 of 5000 images";
  snapshot_.loading_progress = 0.4;
  view_->update_snapshot(snapshot_);
  StatusPanel status;
  draw_ = [&] { status.draw(*view_, ImRect(0, 0, 640, 480)); };
  for (int i = 0; i < 3; ++i) frame(ImVec2(-100, -100), false);
  // 40 % of a bar about 620 pixels wide, a text line high, in the bar colour.
  const ImVec4 c = ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram);
  const int filled = pixels_near(IM_COL32(int(c.x * 255), int(c.y * 255), int(c.z * 255), 255), 12);
  EXPECT_GT(filled, 0.4 * 560 * 10);
  EXPECT_LT(filled, 0.4 * 660 * 25);
  save_screenshot(std::string(GENSCOPE_TEST_TMP) + "/status_decoding.png", 640, 480);
}

TEST_F(PanelTest, AlarmsTabListsTheRunsAlarms) {
  make_toy_snapshot();
  snapshot_.alarms = {{AlarmKind::kCollapse, 800, "modes covered 1/8 for 3 evaluations"}};
  view_->update_snapshot(snapshot_);
  StatusPanel status;
  status.open_alarms_tab = true;
  draw_ = [&] { status.draw(*view_, ImRect(0, 0, 640, 480)); };
  for (int i = 0; i < 3; ++i) frame(ImVec2(-100, -100), false);
  EXPECT_EQ(status.alarms_seen, 1u);  // the tab was shown
  save_screenshot(std::string(GENSCOPE_TEST_TMP) + "/alarms_tab.png", 640, 480);
}

TEST_F(PanelTest, RollBackLoadsTheLastCheckpointAndKeepsTheCheckpointPath) {
  snapshot_.message_level = MessageLevel::kError;
  snapshot_.message =
      "NaN in G loss at step 1234: training paused. Roll back to the last checkpoint";
  snapshot_.checkpoint_path = "/tmp/run-alarm-step1000.ckpt";
  snapshot_.checkpoint_step = 1000;
  snapshot_.diverged = true;
  view_->update_snapshot(snapshot_);
  StatusPanel status;
  draw_ = [&] { status.draw(*view_, ImRect(0, 0, 640, 480)); };
  frame(ImVec2(-100, -100), false);
  frame(ImVec2(-100, -100), false);
  ASSERT_GT(status.rollback_rect.GetWidth(), 0.0f) << "no Roll back button";
  save_screenshot(std::string(GENSCOPE_TEST_TMP) + "/rollback.png", 640, 480);
  EXPECT_TRUE(drained().empty());
  click(status.rollback_rect.GetCenter());
  auto c = drained();
  ASSERT_EQ(c.size(), 1u) << "the button sends one command, no parameter edit";
  EXPECT_EQ(c[0].kind, Command::Kind::kRollBack);
  EXPECT_EQ(c[0].value.text, "/tmp/run-alarm-step1000.ckpt");

  snapshot_.message_level = MessageLevel::kInfo;  // resumed: no button
  snapshot_.message = "resumed /tmp/run-alarm-step1000.ckpt at step 1000";
  view_->update_snapshot(snapshot_);
  frame(ImVec2(-100, -100), false);
  EXPECT_EQ(status.rollback_rect.GetWidth(), 0.0f);
}

TEST_F(PanelTest, QualityPanelPlotsFidAndTheClassHistogram) {
  QualityView& q = snapshot_.quality;
  q.state = QualityState::kReady;
  q.version = 7;
  q.classifier_accuracy = 0.91;
  q.samples = 5000;
  q.fid_floor = 3.5;
  q.is_real = 8.3;
  q.entropy_max = std::log(10.0);
  q.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  q.real_share.assign(10, 0.1f);
  q.share = {0.5f, 0.3f, 0.2f, 0, 0, 0, 0, 0, 0, 0};  // collapsing onto three classes
  for (int i = 1; i <= 6; ++i) q.history.push_back({i * 500, 900.0 / i, 1.0 + i, 0.2 * i, 2.0});
  view_->update_snapshot(snapshot_);
  QualityPanel panel;
  draw_ = [&] { panel.draw(*view_, ImRect(0, 0, 640, 480)); };
  for (int i = 0; i < 3; ++i) frame(ImVec2(-100, -100), false);
  ASSERT_EQ(panel.fid.size(), 6u);
  EXPECT_EQ(panel.fid.step(5), 3000.0);
  EXPECT_FLOAT_EQ(panel.fid.raw(5), 150.0f);
  EXPECT_FLOAT_EQ(panel.floor.raw(0), 3.5f);
  // The FID line's orange pixels and the first three classes' bars (Tableau blue, orange, green).
  int bar0 = 0, bar2 = 0;
  const ImDrawData* data = ImGui::GetDrawData();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer) {
      if (v.col == label_color(0)) ++bar0;
      if (v.col == label_color(2)) ++bar2;
    }
  }
  EXPECT_GT(pixels_near(IM_COL32(240, 140, 60, 255)), 100) << "the FID line";
  EXPECT_GE(bar0, 4);
  EXPECT_GE(bar2, 4);
  save_screenshot(std::string(GENSCOPE_TEST_TMP) + "/quality_panel.png", 640, 480);
  // A new run (the view's history emptied under a new version) clears the plots.
  q.history.clear();
  q.version = 8;
  view_->update_snapshot(snapshot_);
  frame(ImVec2(-100, -100), false);
  EXPECT_TRUE(panel.fid.empty());
  // While the classifier trains the panel shows its progress instead.
  q.state = QualityState::kPreparing;
  q.status = "training the metric classifier on fashion-mnist's train split: 40 %";
  q.progress = 0.4;
  view_->update_snapshot(snapshot_);
  frame(ImVec2(-100, -100), false);
  int bar = 0;
  data = ImGui::GetDrawData();
  const ImU32 fill = ImGui::GetColorU32(ImGuiCol_PlotHistogram);
  for (int l = 0; l < data->CmdListsCount; ++l)
    for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer) bar += v.col == fill;
  EXPECT_GE(bar, 4) << "the progress bar";
  save_screenshot(std::string(GENSCOPE_TEST_TMP) + "/quality_preparing.png", 640, 480);
}

TEST_F(PanelTest, HistogramsTabShowsTheLayerNowAndItsQuantilesOverTime) {
  // Three samples of two layers; the weights' spread grows.
  for (int i = 1; i <= 3; ++i) {
    LayerHistograms& h = snapshot_.histograms;
    h.step = i * 100;
    h.version = 100 + i;
    LayerHistogram w{"G net.0 weight", false, -0.1f * i, 0.1f * i, {}, {}};
    w.share = {0.1f, 0.2f, 0.4f, 0.2f, 0.1f};
    w.quantiles = {-0.1f * i, -0.05f * i, 0.0f, 0.05f * i, 0.1f * i};
    LayerHistogram a{"G net.2 ReLU", true, 0.0f, 2.0f, {0.5f, 0.3f, 0.2f}, {0, 0, 0.5f, 1, 2}};
    h.layers = {w, a};
    snapshot_.step = h.step;
    view_->update_snapshot(snapshot_);
  }
  ASSERT_EQ(view_->histograms().size(), 3u);
  view_->update_snapshot(snapshot_);
  EXPECT_EQ(view_->histograms().size(), 3u) << "the same version adds nothing";
  LossesPanel losses;
  losses.open_histograms = true;
  draw_ = [&] { losses.draw(*view_, ImRect(0, 0, 640, 480)); };
  for (int i = 0; i < 3; ++i) frame(ImVec2(-100, -100), false);
  EXPECT_TRUE(losses.show_histograms);
  EXPECT_FALSE(losses.show_gradients);
  const HistogramsTab& tab = losses.histograms;
  EXPECT_EQ(tab.built_layer, "G net.0 weight");
  ASSERT_EQ(tab.quantiles[4].size(), 3u);
  EXPECT_FLOAT_EQ(tab.quantiles[4].raw(2), 0.3f);
  EXPECT_FLOAT_EQ(tab.quantiles[0].raw(0), -0.1f);
  int bars = 0;
  const ImDrawData* data = ImGui::GetDrawData();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer) bars += v.col == IM_COL32(90, 160, 230, 255);
  }
  EXPECT_GE(bars, 5 * 4) << "five weight bars";
  EXPECT_GT(pixels_near(IM_COL32(230, 110, 90, 255)), 100) << "the max quantile's line";
  save_screenshot(std::string(GENSCOPE_TEST_TMP) + "/histograms_tab.png", 640, 480);
  // Picking the activation layer rebuilds the series from its quantiles.
  losses.histograms.layer = "G net.2 ReLU";
  frame(ImVec2(-100, -100), false);
  EXPECT_EQ(tab.built_layer, "G net.2 ReLU");
  EXPECT_FLOAT_EQ(tab.quantiles[4].raw(0), 2.0f);
  // A reset (the step goes back) starts a new history.
  snapshot_.histograms.step = 50;
  snapshot_.histograms.version = 200;
  view_->update_snapshot(snapshot_);
  EXPECT_EQ(view_->histograms().size(), 1u);
}

// The colour path end to end: 64 glyphs of the emoji set, through make_grid_u8 and a texture, are
// drawn in their colours by the Samples panel's Real grid (saved as real_emoji.png).
TEST_F(PanelTest, TheRealGridShowsTheEmojiInColour) {
  DatasetOptions options;
  options.resolution = 16;
  auto data = load_dataset("emoji", options);
  if (!data) GTEST_SKIP() << data.error();
  const ImageSet& set = data->train;
  make_grid_u8(set.pixels.data(), 64, 3, 16, 16, 8, 2, 40, snapshot_.real);
  snapshot_.real_version = 3;
  snapshot_.samples = snapshot_.real;
  snapshot_.samples_version = 3;
  snapshot_.is_gan = true;
  view_->update_snapshot(snapshot_);
  SamplesPanel samples;
  draw_ = [&] { samples.draw(*view_, ImRect(0, 0, 640, 480)); };
  for (int i = 0; i < 3; ++i) frame(ImVec2(-100, -100), false);
  int w = 0, h = 0;
  window_->framebuffer_size(w, h);
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  // Strongly coloured pixels of each hue (the window's own theme is gray-blue and dim).
  int red = 0, green = 0, yellow = 0;
  for (size_t p = 0; p < rgba.size(); p += 4) {
    const int r = rgba[p], g = rgba[p + 1], b = rgba[p + 2];
    red += r > 180 && g < 90 && b < 90;
    green += g > 150 && r < 110 && b < 110;
    yellow += r > 200 && g > 170 && b < 80;
  }
  EXPECT_GT(red, 100);
  EXPECT_GT(green, 50);
  EXPECT_GT(yellow, 200) << "the smileys";
  const std::string path = std::string(GENSCOPE_TEST_TMP) + "/real_emoji.png";
  ASSERT_TRUE(save_screenshot(path, w, h).ok());
}
