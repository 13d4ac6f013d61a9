// The Runs window driven by hand: it lists past runs beside the live one with the parameters they
// differ in; ticking one overlays its curves on the Losses plot (legend, hover, step or wall-time
// x axis); clicking one shows its sample grid at the live step and renames, tags and trashes it.
// Also the overlay's logic: lines per metric and the live run's copy over wall time. No GL.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gui/panels/panels.h"
#include "support/fake_runs.h"
#include "support/fake_snapshots.h"
#include "support/test_files.h"
#include "support/ui_harness.h"

using namespace genscope;
using genscope::test::UiHarness;
namespace fs = std::filesystem;

namespace {

const bool kCleanup = test::remove_when_all_pass("runs_panel");

class RunsWindow : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::process_dir("runs_panel") + "/" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_);
    base_ = test::fake_run(root_, "20261201-100000-dcgan-mnist", "dataset=mnist", 300, 0.9f);
    half_ = test::fake_run(root_, "20261201-110000-dcgan-mnist", "dataset=mnist,lr_d=1e-4", 150, 0.3f);
    fs::last_write_time(base_ + "/config.cfg",
                        fs::file_time_type::clock::now() - std::chrono::hours(2));
    ui_ = UiHarness::without_gl(1280, 720);
    view_ = std::make_unique<View>(queue_, std::make_unique<StubTextureBackend>());
    panels_.gui = &ui_->gui();
    panels_.layout = &ui_->gui().layout();
    snapshot_ = test::fake_snapshot(ModelFamily::kImageGan);
    ASSERT_TRUE(snapshot_.params.set(ParamId::kRunsDir, {0.0, root_}));
    ASSERT_TRUE(snapshot_.params.set(ParamId::kDataset, {0.0, "mnist"}));
    snapshot_.run_dir = root_ + "/live";
    snapshot_.step = 200;
    view_->update_snapshot(snapshot_);
    view_->add_rows(test::fake_rows(snapshot_, 200), snapshot_.metric_names);
    ui_->draw = [&] { panels_.draw(*view_, ImGui::GetIO().DisplaySize); };
    ui_->frames(3);
  }
  void TearDown() override { ui_.reset(); }

  void open_runs() {
    ui_->click(ui_->center("##MainMenuBar/View"));
    ASSERT_TRUE(ui_->has("##Menu_00/View/Runs")) << ui_->window_text("##Menu_00");
    ui_->click(ui_->center("##Menu_00/View/Runs"));
    ui_->frames(2);
  }
  // A probed item of the Runs window (its table is a child window: any prefix).
  std::string item(const std::string& suffix) const {
    for (const ProbedItem& i : ui_->probe().items()) {
      if (i.name.size() >= suffix.size() &&
          i.name.compare(i.name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          i.name.rfind("Runs", 0) == 0) {
        return i.name;
      }
    }
    ADD_FAILURE() << "no Runs item " << suffix;
    return "";
  }
  std::string runs_text() const { return ui_->own_text("Runs"); }

  std::string root_, base_, half_;
  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  PanelSet panels_;
  Snapshot snapshot_;
};

}  // namespace

TEST_F(RunsWindow, ListsThePastRunsWithWhatDiffersFromTheLiveRun) {
  open_runs();
  ASSERT_NE(ImGui::FindWindowByName("Runs"), nullptr);
  const std::string text = runs_text();
  EXPECT_NE(text.find("live"), std::string::npos) << text;
  EXPECT_NE(text.find("20261201-100000-dcgan-mnist"), std::string::npos) << text;
  EXPECT_NE(text.find("20261201-110000-dcgan-mnist"), std::string::npos) << text;
  EXPECT_NE(text.find("lr_d=0.0001"), std::string::npos) << text;  // the half-lr run's diff
  EXPECT_NE(text.find("same"), std::string::npos) << text;          // the base run's
  EXPECT_NE(text.find("loss_d 0.3"), std::string::npos) << text;    // its last values
  // Newest first: the half-lr run's row is above the base run's.
  EXPECT_LT(ui_->center(item("run/20261201-110000-dcgan-mnist")).y,
            ui_->center(item("run/20261201-100000-dcgan-mnist")).y);
}

TEST_F(RunsWindow, TickingARunOverlaysItsCurvesOnTheLossesPlot) {
  open_runs();
  ui_->click(ui_->center(item("tick/20261201-110000-dcgan-mnist")));
  ui_->frames(2);
  ASSERT_TRUE(view_->compare().ticked(half_));
  const std::string losses = ui_->window_text("Losses");
  EXPECT_NE(losses.find("110000-dcgan-mnist"), std::string::npos) << losses;  // its legend entry
  // Hovering the plot names the run's value at the step.
  const ImGuiWindow* w = ImGui::FindWindowByName("Losses");
  ui_->move(ImVec2(w->Pos.x + w->Size.x * 0.3f, w->Pos.y + w->Size.y * 0.6f));
  ui_->frames(2);
  const std::string tip = ui_->window_text("##Tooltip_00");
  EXPECT_NE(tip.find("110000-dcgan-mnist: D loss 0.3 (raw 0.3)"), std::string::npos) << tip;
  EXPECT_NE(tip.find("step"), std::string::npos) << tip;

  // Wall time: picked from the combo, the tooltip gives seconds.
  ui_->click(ui_->center(item("x axis")));
  ui_->frames(1);
  const ImGuiWindow* popup = ImGui::FindWindowByName("##Combo_00");
  ASSERT_NE(popup, nullptr);
  ui_->click(ImVec2(popup->Pos.x + 20, popup->Pos.y + popup->Size.y * 0.75f));  // the 2nd item
  ASSERT_EQ(view_->compare().align(), RunAlign::kWallTime);
  ui_->move(ImVec2(w->Pos.x + w->Size.x * 0.3f, w->Pos.y + w->Size.y * 0.6f));
  ui_->frames(2);
  EXPECT_NE(ui_->window_text("##Tooltip_00").find("t = "), std::string::npos)
      << ui_->window_text("##Tooltip_00");

  // Unticked: the plot is the live run's alone again.
  ui_->click(ui_->center(item("tick/20261201-110000-dcgan-mnist")));
  ui_->frames(2);
  EXPECT_FALSE(view_->compare().ticked(half_));
  EXPECT_EQ(ui_->window_text("Losses").find("110000-dcgan-mnist"), std::string::npos);
}

TEST_F(RunsWindow, ClickingARunShowsItsSampleGridAtTheLiveStepAndItsSliderScrubs) {
  test::fake_sample_events(half_, {{8, 4}, {12, 6}, {16, 8}}, {100, 150, 300});
  open_runs();
  ui_->click(ui_->center(item("run/20261201-110000-dcgan-mnist")));
  ui_->frames(2);
  // The live run is at step 200: the grid of step 150 shows.
  const TextureRef& shown = view_->textures().get(TextureSlot::kRunSamples);
  EXPECT_EQ(shown.width(), 12);
  EXPECT_NE(runs_text().find("step 150"), std::string::npos) << runs_text();
  EXPECT_NE(runs_text().find("lr_d"), std::string::npos);  // the diff table
  // Dragged to its right end: step 300, until "follow" brings the live step back.
  const std::string slider = item("samples step");
  ui_->drag(ui_->slider_point(slider, 0.0, 2), ui_->slider_point(slider, 1.0, 2));
  ui_->frames(2);
  EXPECT_EQ(view_->textures().get(TextureSlot::kRunSamples).width(), 16);
  ui_->click(ui_->center(item("follow")));
  ui_->frames(2);
  EXPECT_EQ(view_->textures().get(TextureSlot::kRunSamples).width(), 12);
}

TEST_F(RunsWindow, ARunIsRenamedTaggedAndMovedToTheTrash) {
  open_runs();
  ui_->click(ui_->center(item("tick/20261201-100000-dcgan-mnist")));
  ui_->click(ui_->center(item("run/20261201-100000-dcgan-mnist")));
  ui_->frames(2);
  ui_->click(ui_->center(item("name")));
  ui_->replace_text("baseline run");
  ui_->frames(3);
  const std::string renamed = root_ + "/baseline run";
  ASSERT_TRUE(fs::exists(renamed + "/metrics.csv")) << runs_text();
  EXPECT_FALSE(fs::exists(base_));
  EXPECT_TRUE(view_->compare().ticked(renamed)) << "it stays ticked under its new name";
  EXPECT_NE(runs_text().find("renamed"), std::string::npos) << runs_text();

  // A name that is taken is refused, naming it; nothing moves.
  ui_->click(ui_->center(item("name")));
  ui_->replace_text("20261201-110000-dcgan-mnist");
  ui_->frames(2);
  EXPECT_NE(runs_text().find("exists already"), std::string::npos) << runs_text();
  EXPECT_TRUE(fs::exists(renamed));

  ui_->click(ui_->center(item("tags")));
  ui_->replace_text("keep, lr sweep");
  ui_->frames(2);
  EXPECT_EQ(test::read_text(renamed + "/tags.txt"), "keep\nlr sweep\n");
  ui_->frames(2);
  EXPECT_NE(runs_text().find("[keep]"), std::string::npos) << runs_text();

  ui_->click(ui_->center(item("Move to trash")));
  ui_->frames(2);
  EXPECT_TRUE(fs::exists(root_ + "/.trash/baseline run/metrics.csv"));
  EXPECT_FALSE(fs::exists(renamed));
  EXPECT_FALSE(view_->compare().ticked(renamed));
  EXPECT_EQ(runs_text().find("baseline run  ["), std::string::npos) << runs_text();
}

TEST_F(RunsWindow, CompareTicksTheGivenRunsAtTheFirstFrame) {
  const std::string elsewhere = test::process_dir("runs_panel") + "/elsewhere";
  fs::remove_all(elsewhere);
  const std::string other = test::fake_run(elsewhere, "other", "lr_g=1e-3", 50, 0.5f);
  panels_.compare = {other, half_};
  ui_->frames(2);
  EXPECT_NE(ImGui::FindWindowByName("Runs"), nullptr);
  EXPECT_TRUE(view_->compare().ticked(other));
  EXPECT_TRUE(view_->compare().ticked(half_));
  EXPECT_NE(runs_text().find("other"), std::string::npos) << "listed from outside the runs dir";
  EXPECT_NE(runs_text().find("lr_g="), std::string::npos) << runs_text();
}

// The overlay's lines: each live line, then each ticked run's line of the same metric, in the
// run's colour with one legend entry per run; wall time puts every line over seconds.
TEST(RunCompare, OverlaysRunsByStepAndByWallTime) {
  const std::string root = test::process_dir("runs_panel") + "/compare_logic";
  fs::remove_all(root);
  const std::string run = test::fake_run(root, "20261201-120000-dcgan-mnist", "", 10, 0.5f);
  RunCompare c;
  ASSERT_TRUE(c.tick(run, "20261201-120000-dcgan-mnist"));
  EXPECT_FALSE(c.tick(root + "/missing", "missing"));
  MetricSeries d, g;
  for (int s = 1; s <= 5; ++s) {
    d.push(s, 1.0f), g.push(s, 2.0f);
    c.add_live_time(s, 10.0 * s);  // ten seconds a step: slower than the past run
  }
  const PlotLine live[] = {{"D loss", &d, 1}, {"G loss", &g, 2}};
  std::vector<PlotLine> lines = c.lines(live, 2, {"loss_d", "loss_g"});
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].series, &d);
  EXPECT_STREQ(lines[2].label, "120000-dcgan-mnist: D loss");
  EXPECT_STREQ(lines[2].legend, "120000-dcgan-mnist");
  EXPECT_STREQ(lines[3].legend, "");  // one legend entry per run
  EXPECT_EQ(lines[2].color, compare_color(0));
  EXPECT_TRUE(lines[2].beneath);  // the live run's lines stay on top
  EXPECT_FALSE(lines[0].beneath);
  EXPECT_EQ(lines[2].series->size(), 10u);
  EXPECT_EQ(lines[2].series->step(9), 10.0);
  // A line with no metric gets no overlay.
  EXPECT_EQ(c.lines(live, 2, {"loss_d", ""}).size(), 3u);

  c.set_align(RunAlign::kWallTime);
  lines = c.lines(live, 2, {"loss_d", "loss_g"});
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].series, &d);  // the live line's copy over seconds
  EXPECT_EQ(lines[0].series->step(4), 50.0);
  EXPECT_EQ(lines[2].series->step(9), 10.0);  // the past run's step 10 came at 10 s
  d.push(6, 1.0f);
  c.add_live_time(6, 60.0);
  lines = c.lines(live, 2, {"loss_d", "loss_g"});
  EXPECT_EQ(lines[0].series->size(), 6u);
  EXPECT_EQ(lines[0].series->step(5), 60.0);
  EXPECT_EQ(c.live_time(3.4), 30.0);
  c.add_live_time(1, 0.5);  // a reset: the clock starts again
  EXPECT_EQ(c.live_time(6), 0.5);

  c.moved(run, root + "/renamed", "renamed");
  EXPECT_TRUE(c.ticked(root + "/renamed"));
  c.untick(root + "/renamed");
  EXPECT_EQ(c.lines(live, 2, {"loss_d", "loss_g"}).size(), 2u);
  EXPECT_EQ(short_run_name("20261201-131229-vae-mnist"), "131229-vae-mnist");
  EXPECT_EQ(short_run_name("half lr"), "half lr");
}
