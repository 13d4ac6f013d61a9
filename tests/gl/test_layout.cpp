// The window's layout at every size a user has: no two widgets of a panel overlap, nothing sticks
// out of its panel sideways, no text is cut, and images are never drawn smaller than their
// pixels when there is room. Drawn with every picture and plot filled in.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "gui/panels/panels.h"
#include "gui/plot.h"
#include "support/fake_runs.h"
#include "support/fake_snapshots.h"
#include "support/test_files.h"
#include "support/ui_harness.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

struct Size {
  int w, h;
  float scale;  // 0: automatic, as the window picks it
};

// The UI scale a window of `size` gets.
float scale_of(Size size) {
  return size.scale > 0 ? size.scale : auto_ui_scale(1.0f, float(size.w), float(size.h));
}

class Layout : public ::testing::TestWithParam<std::tuple<ModelFamily, Size>> {
 protected:
  void draw_all(ModelFamily family, Size size) {
    ui_ = std::make_unique<UiHarness>(size.w, size.h, scale_of(size));
    if (!ui_->ok()) GTEST_SKIP() << ui_->error();
    view_ = std::make_unique<View>(queue_);
    snapshot_ = test::fake_snapshot(family);
    view_->update_snapshot(snapshot_);
    view_->add_rows(test::fake_rows(snapshot_, 600), snapshot_.metric_names);
    ui_->draw = [&] { panels_.draw(*view_, ImGui::GetIO().DisplaySize); };
    ui_->frames(4);
  }

  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  Snapshot snapshot_;
  PanelSet panels_;
};

// Layout problems, one per line, for a failure message.
std::string listed(const std::vector<std::string>& problems) {
  std::string all;
  for (const std::string& p : problems) all += "\n  " + p;
  return all;
}

std::string family_name(ModelFamily f) {
  return f == ModelFamily::kImageGan ? "Gan" : f == ModelFamily::kVae ? "Vae" : f == ModelFamily::kText ? "Text" : "Toy";
}

}  // namespace

TEST_P(Layout, NothingOverlapsOrIsCut) {
  const auto [family, size] = GetParam();
  draw_all(family, size);
  if (IsSkipped()) return;
  if (const char* dir = std::getenv("GENSCOPE_SCREENSHOT_DIR")) {  // to look at them
    ui_->screenshot(std::string(dir) + "/layout-" + family_name(family) + "-" +
                    std::to_string(size.w) + "x" + std::to_string(size.h) + "-" +
                    std::to_string(int(size.scale * 100)) + ".png");
  }
  ASSERT_GT(ui_->items().size(), 100u) << "the ItemAdd wrap recorded no items";
  ASSERT_GT(ui_->glyphs().size(), 500u) << "no glyphs were read back";
  const std::vector<std::string> problems = ui_->layout_problems();
  EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems at " << size.w << "x"
                                << size.h << ":" << listed(problems);
  // From 1280x720 up, every panel but Controls (a long list) shows all it has without
  // scrolling, and the sample grids are drawn at least at their pixels.
  if (size.w >= 1280 && size.scale <= 1.0f) {
    for (const PanelEntry& e : panel_entries(family, family != ModelFamily::kVae,
                                             PanelLayout(0, 0, 100, 100))) {
      if (std::string(e.id) == "Controls") continue;
      const ImGuiWindow* w = ImGui::FindWindowByName(e.title);
      ASSERT_NE(w, nullptr) << e.title;
      EXPECT_EQ(w->ScrollMax.y, 0.0f) << e.title << " needs scrolling at " << size.w << "x" << size.h;
    }
    if (family != ModelFamily::kToy && family != ModelFamily::kText) {
      const ProbedItem grid = ui_->item(family == ModelFamily::kVae
                                            ? "Samples/Decoded prior (fixed z)"
                                            : "Samples/Generated (fixed noise)");
      EXPECT_GE(grid.max.x - grid.min.x, float(snapshot_.samples.width) - 0.5f)
          << "the sample grid is drawn smaller than its pixels at " << size.w << "x" << size.h;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, Layout,
    ::testing::Combine(::testing::Values(ModelFamily::kImageGan, ModelFamily::kVae,
                                         ModelFamily::kToy, ModelFamily::kText),
                       ::testing::Values(Size{1024, 600, 1}, Size{1280, 720, 1},
                                         Size{1920, 1080, 0}, Size{2560, 1440, 0},
                                         Size{3840, 2160, 0}, Size{1280, 720, 1.5f},
                                         Size{1920, 1080, 2.0f})),
    [](const auto& info) {
      const Size s = std::get<1>(info.param);
      return family_name(std::get<0>(info.param)) + "_" + std::to_string(s.w) + "x" +
             std::to_string(s.h) + (s.scale > 1 ? "_scale" + std::to_string(int(s.scale * 100)) : "");
    });

namespace {

// States a run goes through, each drawn in the smallest window.
enum class State {
  kPreparingAndError,
  kRecording,
  kHistory,
  kAlarms,
  kPainting,
  kHelp,
  kMenu,
  kFirstEvaluationPending
};

class LayoutStates : public ::testing::TestWithParam<std::tuple<State, Size>> {};

std::string state_name(const ::testing::TestParamInfo<std::tuple<State, Size>>& info) {
  static const char* const names[] = {"PreparingAndError", "Recording", "History", "Alarms",
                                      "Painting", "Help", "Menu", "FirstEvaluationPending"};
  return std::string(names[int(std::get<0>(info.param))]) + "_" +
         std::to_string(std::get<1>(info.param).w);
}

}  // namespace

TEST_P(LayoutStates, NothingOverlapsOrIsCut) {
  const auto [state, size] = GetParam();
  UiHarness ui(size.w, size.h, size.scale);
  if (!ui.ok()) GTEST_SKIP() << ui.error();
  CommandQueue queue;
  View view(queue);
  PanelSet panels;
  Snapshot snap = test::fake_snapshot(state == State::kPainting ? ModelFamily::kToy
                                                                : ModelFamily::kImageGan);
  switch (state) {
    case State::kPreparingAndError:
      snap.quality.state = QualityState::kPreparing;
      snap.quality.status = "training the metric classifier on fashion-mnist's train split: 11 %";
      snap.quality.progress = 0.11;
      snap.message_level = MessageLevel::kError;
      snap.message = "loss_d is NaN at step 812: training paused. First non-finite weights: G "
                     "net.0.weight. Roll back to the last checkpoint, or lower the learning rates";
      snap.checkpoint_path = "genscope-alarm-step500.ckpt";
      snap.checkpoint_step = 500;
      snap.diverged = true;
      snap.pending.set(ParamId::kWidth, {48, ""});
      break;
    case State::kRecording:
      view.recorder().status.active = true;
      view.recorder().status.frames = 120;
      view.recorder().status.dropped = 3;
      view.recorder().message = "recording to genscope-recording-2.mp4 (genscope-recording.mp4 exists)";
      panels.status.open_record_tab = true;
      break;
    case State::kHistory:
      for (int i = 0; i < 40; ++i) {
        view.notify("saved screenshot genscope-20261201-101010-" + std::to_string(i) + ".png");
      }
      panels.status.open_history_tab = true;
      break;
    case State::kAlarms:
      snap.alarms = {{AlarmKind::kCollapse, 1600,
                      "class histogram entropy 0.30 nats (13 % of ln 10) for 3 evaluations"},
                     {AlarmKind::kDOverpowering, 2200,
                      "D(G(z)) averaged 0.03 over 200 steps while the G loss rose"}};
      panels.status.open_alarms_tab = true;
      break;
    case State::kPainting:
      panels.toy.painting = true;
      panels.toy.painted = {{0, 0}, {1, 1}};
      snap.toy.caption = "D step: the discriminator moved its boundary toward the real points";
      break;
    case State::kHelp:
      panels.show_help = true;
      break;
    case State::kMenu:
      break;
    case State::kFirstEvaluationPending:
      snap.quality.history.clear();
      snap.quality.share.clear();
      break;
  }
  view.update_snapshot(snap);
  view.add_rows(test::fake_rows(snap, 300), snap.metric_names);
  ui.draw = [&] { panels.draw(view, ImGui::GetIO().DisplaySize); };
  ui.frames(4);
  if (state == State::kMenu) {  // the View menu open
    ui.click(ui.center("##MainMenuBar/View"));
    ASSERT_TRUE(ui.has("##Menu_00/View/Reset layout")) << ui.window_text("##Menu_00");
  }
  if (const char* dir = std::getenv("GENSCOPE_SCREENSHOT_DIR")) {
    ui.screenshot(std::string(dir) + "/state-" + std::to_string(int(state)) + "-" +
                  std::to_string(size.w) + "x" + std::to_string(size.h) + ".png");
  }
  ASSERT_GT(ui.items().size(), 100u) << "the ItemAdd wrap recorded no items";
  const std::vector<std::string> problems = ui.layout_problems();
  EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems:" << listed(problems);
  if (size.w >= 1280 && state != State::kHistory && state != State::kRecording &&
      state != State::kAlarms) {
    for (const char* panel : {"Quality", "Discriminator", "Samples", "Losses"}) {
      const ImGuiWindow* w = ImGui::FindWindowByName(panel);
      if (w && w->Active) EXPECT_EQ(w->ScrollMax.y, 0.0f) << panel << " needs scrolling";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    States, LayoutStates,
    ::testing::Combine(::testing::Values(State::kPreparingAndError, State::kRecording,
                                         State::kHistory, State::kAlarms, State::kPainting,
                                         State::kHelp, State::kMenu,
                                         State::kFirstEvaluationPending),
                       ::testing::Values(Size{1024, 600, 1}, Size{1280, 720, 1})),
    state_name);

TEST(UiScale, FollowsTheMonitorsContentScaleAndTheWindowsSize) {
  EXPECT_EQ(auto_ui_scale(1.0f, 1024, 600), 1.0f);   // never below the monitor's scale
  EXPECT_EQ(auto_ui_scale(1.0f, 1280, 720), 1.0f);
  EXPECT_EQ(auto_ui_scale(1.0f, 1920, 1080), 1.25f);  // 1.2, in steps of 1/8
  EXPECT_EQ(auto_ui_scale(1.0f, 2560, 1440), 1.625f);
  EXPECT_EQ(auto_ui_scale(1.0f, 3840, 2160), 2.0f);   // at most twice for the window's size
  EXPECT_EQ(auto_ui_scale(2.0f, 1280, 720), 2.0f);    // HiDPI: 2560x1440 pixels, 1280x720 logical
  EXPECT_EQ(auto_ui_scale(1.5f, 1280, 720), 1.5f);
  EXPECT_EQ(auto_ui_scale(0.0f, 1280, 720), 1.0f);    // a monitor that reports nothing
}

TEST(UiScale, AFixedScaleBuildsFontsOfThatSize) {
  UiHarness ui(1280, 720, 2.0f);
  if (!ui.ok()) GTEST_SKIP() << ui.error();
  ui.draw = [] {
    ImGui::Begin("probe");
    ImGui::TextUnformatted("x");
    ImGui::End();
  };
  ui.frames(2);
  EXPECT_NEAR(ImGui::GetFontSize(), 28.0f, 0.5f);
  EXPECT_NEAR(ImGui::GetStyle().ItemSpacing.x, 12.0f, 0.5f);
  ui.gui().set_scale(1.0f);
  ui.frames(2);
  EXPECT_NEAR(ImGui::GetFontSize(), 14.0f, 0.5f);
  EXPECT_EQ(ui.gui().layout().ui_scale, 1.0f);  // kept with the layout
}

TEST(PlotAxes, StepsAreWholeNumbersAndAShortPlotHasNoOverlappingLabels) {
  UiHarness ui(600, 400, 1.0f);
  if (!ui.ok()) GTEST_SKIP() << ui.error();
  MetricSeries one(100, 0.0f), wide(100, 0.0f);
  one.push(1.0, 7.0);  // the first step of a run
  for (int s = 1; s <= 50; ++s) wide.push(double(s), double(s % 6));
  LinePlotOptions tall, flat;
  tall.height = 200;
  flat.height = 3.6f * 14.0f;  // room for one y label, not two
  ui.draw = [&] {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(600, 400));
    ImGui::Begin("plots");
    const PlotLine a{"loss", &one, IM_COL32(255, 0, 0, 255)};
    line_plot("##one", &a, 1, tall);
    const PlotLine b{"wide", &wide, IM_COL32(0, 255, 0, 255)};
    line_plot("##flat", &b, 1, flat);
    ImGui::End();
  };
  ui.frames(2);
  const std::string text = ui.window_text("plots");
  EXPECT_EQ(text.find("0.5"), std::string::npos) << "a fractional step tick:\n" << text;
  EXPECT_EQ(text.find("0.2"), std::string::npos) << text;
  EXPECT_TRUE(ui.layout_problems().empty());
  // The flat plot's y labels do not overlap: their glyph boxes are apart.
  std::vector<ImRect> labels;
  const ImGuiWindow* w = ImGui::FindWindowByName("plots");
  for (const test::FrameGlyph& g : ui.glyphs()) {
    if (g.rect.Min.y > w->Pos.y + 230 && g.rect.Max.x < w->Pos.x + 40) labels.push_back(g.rect);
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    for (size_t j = i + 1; j < labels.size(); ++j) {
      const bool apart = labels[i].Max.y <= labels[j].Min.y + 0.5f ||
                         labels[j].Max.y <= labels[i].Min.y + 0.5f ||
                         labels[i].Max.x <= labels[j].Min.x + 0.5f ||
                         labels[j].Max.x <= labels[i].Min.x + 0.5f;
      EXPECT_TRUE(apart) << "y labels overlap in a short plot";
    }
  }
}

// A text model's Samples panel on screen: its characters sit on red-to-green tints, and hovering
// one draws the bar chart of the ten likeliest characters (the drawn one in orange). The
// screenshot is the one to look at.
TEST(TextSamplesOnScreen, CharactersAreTintedAndHoverDrawsTheCandidateBars) {
  UiHarness ui(1280, 720, 1.0f);
  if (!ui.ok()) GTEST_SKIP() << ui.error();
  CommandQueue queue;
  View view(queue);
  PanelSet panels;
  Snapshot snap = test::fake_snapshot(ModelFamily::kText);
  view.update_snapshot(snap);
  view.add_rows(test::fake_rows(snap, 200), snap.metric_names);
  ui.draw = [&] { panels.draw(view, ImGui::GetIO().DisplaySize); };
  ui.frames(3);
  const auto count = [](const std::vector<uint8_t>& px, auto pred) {
    int n = 0;
    for (std::size_t p = 0; p + 3 < px.size(); p += 4) n += pred(px[p], px[p + 1], px[p + 2]);
    return n;
  };
  // The tints over the dark theme: reddish (probability 0.05) and greenish (0.95) backgrounds.
  const auto reddish = [](int r, int g, int b) { return r > g + 40 && r > b + 40 && r > 90; };
  const auto greenish = [](int r, int g, int b) { return g > r + 30 && g > b + 30 && g > 90; };
  const auto orange = [](int r, int g, int b) { return r > 230 && g > 150 && g < 190 && b < 90; };
  std::vector<uint8_t> before = ui.pixels();
  ASSERT_FALSE(before.empty());
  EXPECT_GT(count(before, reddish), 300);
  EXPECT_GT(count(before, greenish), 300);
  const int orange_before = count(before, orange);
  // Hover the 'c' of "cat" in the sampled pane.
  const ProbedItem pane = ui.item("Samples###Samples (text)/##sampled");
  ImVec2 at(-1, -1);
  const std::vector<test::FrameGlyph>& g = ui.glyphs();
  for (std::size_t i = 0; i + 2 < g.size(); ++i) {
    if (g[i].codepoint == 'c' && g[i + 1].codepoint == 'a' && g[i + 2].codepoint == 't' &&
        g[i].rect.Min.x >= pane.min.x && g[i].rect.Max.y <= pane.max.y && g[i].rect.Min.y >= pane.min.y) {
      at = g[i].rect.GetCenter();
      break;
    }
  }
  ASSERT_GE(at.x, 0.0f);
  ui.move(at);
  ui.frames(2);
  ASSERT_TRUE(ui.has("##Tooltip_00/candidate 0"));
  const std::vector<uint8_t> after = ui.pixels();
  EXPECT_GT(count(after, orange), orange_before + 200) << "the drawn character's bar";
  if (const char* dir = std::getenv("GENSCOPE_SCREENSHOT_DIR")) ui.screenshot(std::string(dir) + "/text-samples-hover.png");
  ui.screenshot(std::string(GENSCOPE_TEST_TMP) + "/text_samples_hover.png");
}

// The Runs window with two past runs ticked and one clicked: its sample grid (all red here) is
// drawn beside the parameters it differs in, nothing overlaps or is cut, at the smallest and a
// large window. The screenshots are the ones to look at.
class RunsOnScreen : public ::testing::TestWithParam<Size> {};

TEST_P(RunsOnScreen, ASelectedRunShowsItsGridAndDiffWithNothingCut) {
  const Size size = GetParam();
  namespace fs = std::filesystem;
  const std::string root = std::string(GENSCOPE_TEST_TMP) + "/runs_on_screen_" + std::to_string(size.w);
  fs::remove_all(root);
  const std::string a = test::fake_run(root, "20261201-100000-dcgan-mnist", "dataset=mnist", 300, 0.9f);
  const std::string b =
      test::fake_run(root, "20261201-110000-dcgan-mnist", "dataset=mnist,lr_d=1e-4,loss=hinge", 150, 0.3f);
  test::fake_sample_events(b, {{130, 130}, {130, 130}}, {100, 150}, {220, 30, 30});
  UiHarness ui(size.w, size.h, scale_of(size));
  if (!ui.ok()) GTEST_SKIP() << ui.error();
  CommandQueue queue;
  View view(queue);
  PanelSet panels;
  Snapshot snap = test::fake_snapshot(ModelFamily::kImageGan, 200);
  ASSERT_TRUE(snap.params.set(ParamId::kRunsDir, {0.0, root}));
  ASSERT_TRUE(snap.params.set(ParamId::kDataset, {0.0, "mnist"}));
  view.update_snapshot(snap);
  view.add_rows(test::fake_rows(snap, 200), snap.metric_names);
  panels.compare = {a, b};
  ui.draw = [&] { panels.draw(view, ImGui::GetIO().DisplaySize); };
  ui.frames(3);
  std::string row;
  for (const ProbedItem& i : ui.probe().items()) {
    if (i.name.find("run/20261201-110000-dcgan-mnist") != std::string::npos) row = i.name;
  }
  ASSERT_FALSE(row.empty());
  ui.click(ui.center(row));
  ui.frames(3);
  const ImGuiWindow* w = ImGui::FindWindowByName("Runs");
  ASSERT_NE(w, nullptr);
  const std::vector<uint8_t> px = ui.pixels();
  ASSERT_FALSE(px.empty());
  int red = 0;
  for (int y = int(w->Pos.y); y < int(w->Pos.y + w->Size.y) && y < size.h; ++y) {
    for (int x = int(w->Pos.x); x < int(w->Pos.x + w->Size.x) && x < size.w; ++x) {
      const uint8_t* p = &px[(size_t(y) * size.w + x) * 4];
      red += p[0] > 200 && p[1] < 60 && p[2] < 60;
    }
  }
  EXPECT_GT(red, 100 * 100) << "the clicked run's grid, drawn at least near its pixels";
  EXPECT_NE(ui.own_text("Runs").find("loss"), std::string::npos) << "its diff table";
  if (const char* dir = std::getenv("GENSCOPE_SCREENSHOT_DIR")) {
    ui.screenshot(std::string(dir) + "/runs-" + std::to_string(size.w) + "x" + std::to_string(size.h) + ".png");
  }
  const std::vector<std::string> problems = ui.layout_problems();
  EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems:" << listed(problems);
  fs::remove_all(root);
}

INSTANTIATE_TEST_SUITE_P(Sizes, RunsOnScreen,
                         ::testing::Values(Size{1024, 600, 1}, Size{1920, 1080, 0}),
                         [](const auto& info) {
                           return std::to_string(info.param.w) + "x" + std::to_string(info.param.h);
                         });

// A fork of three runs on screen: their grids (red, green and blue here) side by side in the
// Samples panel, the shown one framed, and the fork dialog over them with an edit typed; nothing
// overlaps or is cut, at the smallest and a large window. The screenshots are the ones to look at.
class ForkOnScreen : public ::testing::TestWithParam<Size> {};

TEST_P(ForkOnScreen, TheGridsSitSideBySideAndTheDialogFits) {
  const Size size = GetParam();
  UiHarness ui(size.w, size.h, scale_of(size));
  if (!ui.ok()) GTEST_SKIP() << ui.error();
  CommandQueue queue;
  View view(queue);
  PanelSet panels;
  Snapshot snap = test::fake_snapshot(ModelFamily::kImageGan, 300);
  const uint8_t colors[3][3] = {{220, 30, 30}, {30, 200, 30}, {40, 60, 230}};
  const char* edits[3] = {"", "lr_d=1e-4", "loss=hinge,lr_g=1e-3"};
  for (int i = 0; i < 3; ++i) {
    ForkRun f;
    f.dir = "runs/20261201-100000-dcgan-mnist" + std::string(i ? "-fork" + std::to_string(i) : "");
    f.edits = edits[i];
    f.step = 300;
    f.training = i != 2;
    f.samples = snap.samples;
    for (size_t p = 0; p < f.samples.pixels.size(); p += 4) {
      for (int c = 0; c < 3; ++c) f.samples.pixels[p + c] = colors[i][c];
    }
    f.samples_version = 1000 + i;
    snap.fork.push_back(f);
  }
  snap.run_dir = snap.fork[0].dir;
  view.update_snapshot(snap);
  view.add_rows(test::fake_rows(snap, 300), snap.metric_names);
  ui.draw = [&] { panels.draw(view, ImGui::GetIO().DisplaySize); };
  ui.frames(3);
  const ImGuiWindow* samples = ImGui::FindWindowByName("Samples");
  ASSERT_NE(samples, nullptr);
  std::vector<uint8_t> px = ui.pixels();
  ASSERT_FALSE(px.empty());
  float left[3] = {1e9f, 1e9f, 1e9f};
  int count[3] = {0, 0, 0};
  for (int y = int(samples->Pos.y); y < int(samples->Pos.y + samples->Size.y) && y < size.h; ++y) {
    for (int x = int(samples->Pos.x); x < int(samples->Pos.x + samples->Size.x) && x < size.w; ++x) {
      const uint8_t* p = &px[(size_t(y) * size.w + x) * 4];
      for (int i = 0; i < 3; ++i) {
        if (std::abs(p[0] - colors[i][0]) + std::abs(p[1] - colors[i][1]) + std::abs(p[2] - colors[i][2]) < 30) {
          ++count[i];
          left[i] = std::min(left[i], float(x));
        }
      }
    }
  }
  for (int i = 0; i < 3; ++i) EXPECT_GT(count[i], 60 * 60) << "run " << i << "'s grid";
  EXPECT_LT(left[0], left[1]);
  EXPECT_LT(left[1], left[2]);
  if (const char* dir = std::getenv("GENSCOPE_SCREENSHOT_DIR")) {
    ui.screenshot(std::string(dir) + "/fork-" + std::to_string(size.w) + ".png");
  }
  std::vector<std::string> problems = ui.layout_problems();
  EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems:" << listed(problems);

  ui.key(GLFW_KEY_F);
  ui.type("lr_d=1e-4, loss=hinge");
  ui.frames(2);
  ASSERT_NE(ImGui::FindWindowByName("Fork here###fork"), nullptr);
  if (const char* dir = std::getenv("GENSCOPE_SCREENSHOT_DIR")) {
    ui.screenshot(std::string(dir) + "/fork-dialog-" + std::to_string(size.w) + ".png");
  }
  problems = ui.layout_problems();
  EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems with the dialog:"
                                << listed(problems);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ForkOnScreen,
                         ::testing::Values(Size{1024, 600, 1}, Size{1920, 1080, 0}),
                         [](const auto& info) {
                           return std::to_string(info.param.w) + "x" + std::to_string(info.param.h);
                         });
