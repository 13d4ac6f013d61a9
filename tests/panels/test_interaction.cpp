// The window driven by hand: buttons, keyboard shortcuts, the menus, the layout (it follows the
// window, becomes the user's when they move a panel, is kept in the layout file, and comes back
// with Reset layout), the Samples tiles, the explorer's sliders and the 2D lab's plot. Each test
// checks the commands that reach the trainer and what the window then shows. No GL and no
// display: the harness only makes draw data, and the textures are stubs.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gui/panels/panels.h"
#include "support/fake_snapshots.h"
#include "support/test_files.h"
#include "support/ui_harness.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

const bool kCleanup = test::remove_when_all_pass("interaction");

class Interaction : public ::testing::Test {
 protected:
  void open(ModelFamily family, int w = 1280, int h = 720, const std::string& ini = "") {
    TearDown();  // a second open: the old context goes first
    ui_ = UiHarness::without_gl(w, h, 1.0f, ini);
    view_ = std::make_unique<View>(queue_, std::make_unique<StubTextureBackend>());
    panels_ = std::make_unique<PanelSet>();
    panels_->gui = &ui_->gui();
    panels_->layout = &ui_->gui().layout();
    snapshot_ = test::fake_snapshot(family);
    snapshot_.commands_done = done_;
    view_->update_snapshot(snapshot_);
    view_->add_rows(test::fake_rows(snapshot_, 200), snapshot_.metric_names);
    ui_->draw = [&] { panels_->draw(*view_, ImGui::GetIO().DisplaySize); };
    ui_->frames(3);
    sent();
  }
  void TearDown() override {
    panels_.reset();
    view_.reset();
    ui_.reset();
  }

  // The commands sent since the last call.
  std::vector<Command> sent() {
    std::vector<Command> out;
    queue_.drain(out);
    for (const Command& c : out) queue_last_ = std::max(queue_last_, c.seq);
    return out;
  }
  static int count(const std::vector<Command>& c, Command::Kind k) {
    int n = 0;
    for (const Command& x : c) n += x.kind == k;
    return n;
  }
  // The trainer handled everything sent so far; `change` edits its snapshot first.
  void handled(const std::function<void(Snapshot&)>& change = nullptr) {
    done_ = queue_last_;
    if (change) change(snapshot_);
    snapshot_.commands_done = done_;
    view_->update_snapshot(snapshot_);
    ui_->frames(2);
  }
  bool shows(const std::string& window, const std::string& text) const {
    return ui_->window_text(window).find(text) != std::string::npos;
  }

  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  std::unique_ptr<PanelSet> panels_;
  Snapshot snapshot_;
  uint64_t done_ = 0, queue_last_ = 0;
};

}  // namespace

TEST_F(Interaction, PauseShowsAtOnceAndTheStatusSaysItWaitsForTheStep) {
  open(ModelFamily::kImageGan);
  ui_->click(ui_->center("Controls/Pause"));
  std::vector<Command> c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kPause);
  queue_last_ = c[0].seq;
  ui_->frames(2);
  // The trainer is still in its step: the button already offers Resume, the state says why.
  EXPECT_NE(ui_->text_in(ImRect(ui_->item("Controls/Pause").min, ui_->item("Controls/Pause").max))
                .find("Resume"),
            std::string::npos);
  EXPECT_TRUE(shows("Status", "pausing after this step")) << ui_->window_text("Status");
  EXPECT_TRUE(shows("##MainMenuBar", "pausing")) << ui_->window_text("##MainMenuBar");
  handled([](Snapshot& s) { s.paused = true; });
  EXPECT_FALSE(shows("Status", "pausing after this step"));
  EXPECT_TRUE(shows("Status", "paused"));
  // Resume the same way.
  ui_->click(ui_->center("Controls/Pause"));
  c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kResume);
  queue_last_ = c[0].seq;
  EXPECT_TRUE(shows("Status", "resuming")) << ui_->window_text("Status");
  handled([](Snapshot& s) { s.paused = false; });
  EXPECT_TRUE(shows("Status", "training"));
}

TEST_F(Interaction, ButtonsSendTheirCommands) {
  open(ModelFamily::kImageGan);
  ui_->click(ui_->center("Controls/Step"));
  EXPECT_EQ(count(sent(), Command::Kind::kStep), 1);
  // "steps per Step": type 25, then Step trains 25.
  const ProbedItem steps = ui_->item("Controls/steps per Step");
  ui_->click(ImVec2(steps.min.x + 8, 0.5f * (steps.min.y + steps.max.y)));  // its text field
  ui_->replace_text("25");
  ui_->click(ui_->center("Controls/Step"));
  std::vector<Command> c = sent();
  ASSERT_EQ(count(c, Command::Kind::kStep), 1);
  EXPECT_EQ(c.back().count, 25);
  ui_->click(ui_->center("Controls/Reset"));
  EXPECT_EQ(count(sent(), Command::Kind::kReset), 1);
  // Save and Load are below the parameters: scroll the Controls panel down to them.
  ui_->wheel(ui_->center("Controls/lr_g"), -30.0f);
  ui_->frames(2);
  ui_->click(ui_->center("Controls/Save checkpoint"));
  EXPECT_EQ(count(sent(), Command::Kind::kSaveCheckpoint), 1);
  ui_->click(ui_->center("Controls/Load checkpoint"));
  EXPECT_EQ(count(sent(), Command::Kind::kLoadCheckpoint), 1);
  // The Record tab's button asks the App to start (it records; here nobody does).
  panels_->status.open_record_tab = true;
  ui_->frames(2);
  ui_->click(ui_->center("Status/Record"));
  EXPECT_TRUE(view_->asked(AppRequest::kToggleRecording));
}

// The Record tab's settings are the window's: editing one in the full window changes what the
// next recording uses and sends the trainer nothing; Controls does not list them.
TEST_F(Interaction, TheRecordTabEditsItsSettingsWithoutTouchingTraining) {
  open(ModelFamily::kImageGan);
  for (const ParamSpec& spec : param_table()) {
    if (!is_training_param(spec)) EXPECT_FALSE(ui_->has(std::string("Controls/") + spec.key));
  }
  panels_->status.open_record_tab = true;
  ui_->frames(2);
  const ParamSpec& crf = param_spec(ParamId::kRecordCrf);
  ASSERT_TRUE(ui_->has("Status/record_crf"));
  const double range = crf.max_value - crf.min_value;
  const double at = param_slider_ratio(crf, view_->recorder().values.number(crf.id));
  ui_->drag(ui_->slider_point("Status/record_crf", at, range),
            ui_->slider_point("Status/record_crf", 1.0, range), 6);
  ui_->frames(2);
  EXPECT_EQ(view_->recorder().settings().crf, int(crf.max_value));
  ui_->ctrl_click(ui_->center("Status/record_crf"));
  ui_->replace_text("99");
  ui_->frames(2);
  EXPECT_EQ(view_->recorder().settings().crf, int(crf.max_value));
  EXPECT_EQ(panels_->status.recorder.error, "record_crf: 99 is outside the range [0, 51]");
  EXPECT_TRUE(shows("Status", "record_crf: 99 is outside")) << ui_->window_text("Status");
  EXPECT_TRUE(sent().empty()) << "a recording setting reached the trainer";
}

TEST_F(Interaction, RollBackAppearsAfterADivergenceAndLoadsTheLastCheckpoint) {
  open(ModelFamily::kImageGan);
  EXPECT_FALSE(ui_->has("Status/Roll back"));
  handled([](Snapshot& s) {  // a rejected value is an error too, but nothing to roll back
    s.message_level = MessageLevel::kError;
    s.message = "lr_g: 10 is outside the range [1e-06, 0.1]";
    s.checkpoint_path = "run.ckpt";
    s.checkpoint_step = 800;
  });
  EXPECT_FALSE(ui_->has("Status/Roll back"));
  handled([](Snapshot& s) {
    s.paused = true;
    s.message_level = MessageLevel::kError;
    s.message = "loss_d is NaN at step 812: training paused.";
    s.checkpoint_path = "run.ckpt";
    s.checkpoint_step = 800;
    s.diverged = true;
  });
  ASSERT_TRUE(ui_->has("Status/Roll back"));
  EXPECT_TRUE(shows("Status", "Roll back to step 800"));
  ui_->click(ui_->center("Status/Roll back"));
  std::vector<Command> c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kRollBack);
  EXPECT_EQ(c[0].value.text, "run.ckpt");
}

TEST_F(Interaction, TheAlarmsTabShowsTheRunsAlarmsAndItsMuteIsACommand) {
  open(ModelFamily::kImageGan);
  handled([](Snapshot& s) {
    s.alarms = {{AlarmKind::kCollapse, 800, "modes covered 1/8 for 3 evaluations"}};
  });
  panels_->status.open_alarms_tab = true;
  ui_->frames(2);
  EXPECT_TRUE(shows("Status", "modes covered 1/8")) << ui_->window_text("Status");
  ui_->click(ui_->center("Status/mode collapse"));
  std::vector<Command> c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kMuteAlarm);
  EXPECT_EQ(c[0].param_index, int(AlarmKind::kCollapse));
  EXPECT_EQ(c[0].count, 1);
  queue_last_ = c[0].seq;
  handled([](Snapshot& s) { s.alarm_muted[int(AlarmKind::kCollapse)] = true; });
  ui_->click(ui_->center("Status/mode collapse"));  // shown muted: a click unmutes
  c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].count, 0);
}

TEST_F(Interaction, ClickingTheRunDirectoryCopiesItsPath) {
  open(ModelFamily::kImageGan, 1920, 1080);  // the Status panel shows every row
  ASSERT_TRUE(shows("Status", "runs/20261201-101010-dcgan-fashion-mnist"))
      << ui_->window_text("Status");
  ui_->click(ui_->center("Status/run directory"));
  const char* clip = ImGui::GetClipboardText();
  ASSERT_NE(clip, nullptr);
  EXPECT_EQ(std::string(clip), "runs/20261201-101010-dcgan-fashion-mnist");
  ui_->frames(2);
  EXPECT_TRUE(shows("Status", "copied the run directory's path")) << ui_->window_text("Status");
}

TEST_F(Interaction, KeyboardShortcuts) {
  open(ModelFamily::kImageGan);
  ui_->key(GLFW_KEY_SPACE);
  std::vector<Command> c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kPause);
  queue_last_ = c[0].seq;
  handled([](Snapshot& s) { s.paused = true; });
  ui_->key(GLFW_KEY_SPACE);
  c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kResume);
  ui_->type(".");
  c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kStep);
  ui_->key(GLFW_KEY_S, /*ctrl=*/true);
  EXPECT_EQ(count(sent(), Command::Kind::kSaveCheckpoint), 1);
  ui_->key(GLFW_KEY_R);
  EXPECT_TRUE(view_->asked(AppRequest::kToggleRecording));
  ui_->key(GLFW_KEY_F12);
  EXPECT_TRUE(view_->asked(AppRequest::kScreenshot));
  // F1 opens the overlay listing every shortcut; Esc closes it; ? opens it too.
  ui_->key(GLFW_KEY_F1);
  ui_->frames(2);
  ASSERT_TRUE(panels_->show_help);
  const std::string help = ui_->window_text("Shortcuts and panels");
  for (const char* key : {"Space", "Ctrl+S", "F12", "F1", "Ctrl+click"}) {
    EXPECT_NE(help.find(key), std::string::npos) << key << " missing from:\n" << help;
  }
  ui_->key(GLFW_KEY_ESCAPE);
  EXPECT_FALSE(panels_->show_help);
  ui_->type("?");
  EXPECT_TRUE(panels_->show_help);
}

TEST_F(Interaction, ShortcutsWaitWhileAFieldIsTyped) {
  open(ModelFamily::kImageGan);
  ui_->click(ui_->center("Controls/dataset"));
  ui_->key(GLFW_KEY_SPACE);  // keys and characters typed into the dataset field:
  ui_->key(GLFW_KEY_R);      // no pause, step, record or overlay
  ui_->type(" .r?");
  const std::vector<Command> c = sent();
  EXPECT_EQ(count(c, Command::Kind::kPause) + count(c, Command::Kind::kStep), 0);
  EXPECT_FALSE(view_->asked(AppRequest::kToggleRecording));
  EXPECT_FALSE(panels_->show_help);
  ui_->key(GLFW_KEY_ESCAPE);
}

TEST_F(Interaction, TheRunMenuPausesAndTheViewMenuHidesPanels) {
  open(ModelFamily::kImageGan);
  ui_->click(ui_->center("##MainMenuBar/Run"));
  const ImRect pause = ui_->find_text("Pause", /*whole_line=*/false);
  ASSERT_GT(pause.GetWidth(), 0) << ui_->window_text("##Menu_00");
  ui_->click(pause.GetCenter());
  EXPECT_EQ(count(sent(), Command::Kind::kPause), 1);

  ui_->click(ui_->center("##MainMenuBar/View"));
  ASSERT_TRUE(ui_->has("##Menu_00/View/Quality"));
  ui_->click(ui_->center("##Menu_00/View/Quality"));
  ui_->frames(2);
  EXPECT_TRUE(panels_->layout->hidden["Quality"]);
  EXPECT_FALSE(ImGui::FindWindowByName("Quality")->Active);
  // Its close button hides a panel too; the View menu brings both back.
  const ImGuiWindow* latent = ImGui::FindWindowByName("Latent");
  const ImVec2 close(latent->Rect().Max.x - 0.5f * ImGui::GetFrameHeight(),
                     latent->Rect().Min.y + 0.5f * ImGui::GetFrameHeight());
  ui_->click(close);
  ui_->frames(2);
  EXPECT_TRUE(panels_->layout->hidden["Latent"]);
  ui_->click(ui_->center("##MainMenuBar/View"));
  ui_->click(ui_->center("##Menu_00/View/Reset layout"));
  ui_->frames(2);
  EXPECT_TRUE(ImGui::FindWindowByName("Quality")->Active);
  EXPECT_TRUE(ImGui::FindWindowByName("Latent")->Active);
}

// File > Export generator asks the run for an export of an image model; a text model has no
// generator: the item is greyed out, says why when hovered, and sends nothing.
TEST_F(Interaction, TheFileMenuExportsTheGeneratorOfImageModelsOnly) {
  open(ModelFamily::kImageGan);
  ui_->click(ui_->center("##MainMenuBar/File"));
  ASSERT_TRUE(ui_->has("##Menu_00/File/Export generator")) << ui_->window_text("##Menu_00");
  ui_->click(ui_->center("##Menu_00/File/Export generator"));
  std::vector<Command> c = sent();
  ASSERT_EQ(count(c, Command::Kind::kExportGenerator), 1);
  EXPECT_EQ(c.back().value.text, "") << "the run directory's generator-stepN name";
  ui_->click(ui_->center("##MainMenuBar/File"));
  ui_->click(ui_->center("##Menu_00/File/Save checkpoint"));
  EXPECT_EQ(count(sent(), Command::Kind::kSaveCheckpoint), 1);

  open(ModelFamily::kText);
  ui_->click(ui_->center("##MainMenuBar/File"));
  ui_->move(ui_->center("##Menu_00/File/Export generator"));
  ui_->frames(2);
  EXPECT_NE(ui_->window_text("##Tooltip_00").find("Only image models have a generator"),
            std::string::npos);
  ui_->click(ui_->center("##Menu_00/File/Export generator"));
  EXPECT_EQ(count(sent(), Command::Kind::kExportGenerator), 0);
}

TEST_F(Interaction, TheLayoutFollowsTheWindowUntilAPanelIsMovedAndResetBringsItBack) {
  open(ModelFamily::kImageGan);
  const ImRect before = ImGui::FindWindowByName("Samples")->Rect();
  // A bigger window: the default layout is laid out again for it.
  ui_->resize(1600, 900);
  ui_->frames(2);
  const ImRect bigger = ImGui::FindWindowByName("Samples")->Rect();
  EXPECT_GT(bigger.GetWidth(), before.GetWidth());
  // Drag the Samples panel by its title bar: the layout becomes the user's.
  const ImVec2 title(bigger.Min.x + 60, bigger.Min.y + 0.5f * ImGui::GetFrameHeight());
  ui_->drag(title, ImVec2(title.x + 80, title.y + 40), 6);
  ui_->frames(2);
  EXPECT_TRUE(panels_->layout->custom);
  const ImRect moved = ImGui::FindWindowByName("Samples")->Rect();
  EXPECT_NEAR(moved.Min.x - bigger.Min.x, 80.0f, 2.0f);
  ui_->frames(3);
  EXPECT_NEAR(ImGui::FindWindowByName("Samples")->Rect().Min.x, moved.Min.x, 0.5f)
      << "a moved panel stays where the user put it";
  // View > Reset layout puts it back.
  ui_->click(ui_->center("##MainMenuBar/View"));
  ui_->click(ui_->center("##Menu_00/View/Reset layout"));
  ui_->frames(2);
  EXPECT_FALSE(panels_->layout->custom);
  EXPECT_NEAR(ImGui::FindWindowByName("Samples")->Rect().Min.x, bigger.Min.x, 0.5f);
}

TEST_F(Interaction, TheLayoutIsKeptInTheLayoutFileAndScaledToANewWindowSize) {
  const std::string ini = test::process_dir("interaction") + "/config/genscope/layout.ini";
  std::filesystem::remove(ini);
  open(ModelFamily::kImageGan, 1280, 720, ini);
  const ImRect r = ImGui::FindWindowByName("Losses")->Rect();
  const ImVec2 title(r.Min.x + 50, r.Min.y + 0.5f * ImGui::GetFrameHeight());
  ui_->drag(title, ImVec2(title.x + 100, title.y - 50), 5);
  ui_->frames(2);
  const ImRect moved = ImGui::FindWindowByName("Losses")->Rect();
  EXPECT_TRUE(panels_->layout->custom);
  TearDown();  // closing the window saves the layout file
  ASSERT_TRUE(std::filesystem::exists(ini));
  const std::string text = test::read_text(ini);
  EXPECT_NE(text.find("[genscope][Layout]"), std::string::npos) << text;
  EXPECT_NE(text.find("custom=1"), std::string::npos) << text;
  EXPECT_NE(text.find("size=1280,720"), std::string::npos) << text;
  EXPECT_NE(text.find("[Window][Losses]"), std::string::npos) << text;

  // The next start, in a window twice as wide: the user's layout, scaled to it.
  open(ModelFamily::kImageGan, 2560, 720, ini);
  EXPECT_TRUE(panels_->layout->custom);
  const ImRect now = ImGui::FindWindowByName("Losses")->Rect();
  EXPECT_NEAR(now.Min.x, moved.Min.x * 2.0f, 2.0f) << moved.Min.x << " " << now.Min.x;
  EXPECT_NEAR(now.GetWidth(), moved.GetWidth() * 2.0f, 2.0f) << moved.GetWidth() << " " << now.GetWidth();
  EXPECT_NEAR(now.Min.y, moved.Min.y, 2.0f);
}

TEST_F(Interaction, SampleTilesPickInterpolationEndpoints) {
  open(ModelFamily::kImageGan);
  const ProbedItem grid = ui_->item("Samples/Generated (fixed noise)");
  const ImRect rect(grid.min, grid.max);
  const GridTiles tiles = grid_tiles(242, 242, 8);
  ui_->click(tiles.screen_rect(10, rect).GetCenter());  // left click: A = sample 10
  std::vector<Command> c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kLatent);
  EXPECT_EQ(c[0].latent.interp_a, (LatentSource{LatentSource::Kind::kSample, 10}));
  ui_->click(tiles.screen_rect(35, rect).GetCenter(), /*button=*/1);  // right click: B
  c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].latent.interp_b, (LatentSource{LatentSource::Kind::kSample, 35}));
  EXPECT_EQ(c[0].latent.interp_a, (LatentSource{LatentSource::Kind::kSample, 10}));
  // The tiles show their tags.
  EXPECT_NE(ui_->text_in(tiles.screen_rect(10, rect)).find("A"), std::string::npos);
  EXPECT_NE(ui_->text_in(tiles.screen_rect(35, rect)).find("B"), std::string::npos);
  // "traversal base": a left click sets the traversal's base.
  ui_->click(ui_->center("Samples/traversal base"));
  ui_->click(tiles.screen_rect(3, rect).GetCenter());
  c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].latent.traversal_base, (LatentSource{LatentSource::Kind::kSample, 3}));
}

TEST_F(Interaction, ExplorerSlidersDecodeWhatTheyAreDraggedTo) {
  open(ModelFamily::kVae);
  panels_->latent.open_tab = 2;
  ui_->frames(2);
  panels_->latent.open_tab = -1;
  ASSERT_TRUE(ui_->has("Latent/z0"));
  ui_->drag(ui_->slider_point("Latent/z0", 0.5), ui_->slider_point("Latent/z0", 0.9), 5);
  std::vector<Command> c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.back().kind, Command::Kind::kLatent);
  EXPECT_NEAR(c.back().latent.explorer_z[0], 0.8f * 3.0f, 0.1f);  // range 3: -3 + 0.9 * 6
  ui_->drag(ui_->slider_point("Latent/z3", 0.5), ui_->slider_point("Latent/z3", -1.0), 5);
  c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_FLOAT_EQ(c.back().latent.explorer_z[3], -3.0f);
  ui_->click(ui_->center("Latent/Reset to zero"));
  c = sent();
  ASSERT_EQ(c.size(), 1u);
  for (float z : c[0].latent.explorer_z) EXPECT_EQ(z, 0.0f);
}

TEST_F(Interaction, TwoDLabPlotPansZoomsAndPaints) {
  open(ModelFamily::kToy);
  sent();
  const ImVec2 centre = ui_->center("2D GAN/plot");
  // Wheel: zoom in about the mouse, a smaller box is sent.
  ui_->wheel(centre, 2.0f);
  ui_->frames(2);
  std::vector<Command> c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.back().kind, Command::Kind::kToyView);
  EXPECT_LT(c.back().box.max_x - c.back().box.min_x, 6.0f * 0.9f);
  const Box2 zoomed = c.back().box;
  // Drag: pan, the box moves against the drag.
  ui_->drag(centre, ImVec2(centre.x + 60, centre.y), 6);
  ui_->frames(2);
  c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_LT(c.back().box.min_x, zoomed.min_x);
  EXPECT_NEAR(c.back().box.max_x - c.back().box.min_x, zoomed.max_x - zoomed.min_x, 1e-4);
  // Double-click: home.
  ui_->double_click(centre);
  ui_->frames(2);
  c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_FLOAT_EQ(c.back().box.min_x, -3.0f);
  EXPECT_FLOAT_EQ(c.back().box.max_x, 3.0f);
  // Paint: tick paint, drag a stroke, Apply sends the points.
  ui_->click(ui_->center("2D GAN/paint"));
  ASSERT_TRUE(panels_->toy.painting);
  ui_->drag(ImVec2(centre.x - 60, centre.y), ImVec2(centre.x + 60, centre.y), 12);
  const size_t n = panels_->toy.painted.size();
  EXPECT_GE(n, 5u);
  ASSERT_TRUE(ui_->has("2D GAN/Apply"));
  EXPECT_TRUE(ui_->has("2D GAN/Clear"));
  ui_->click(ui_->center("2D GAN/Apply"));
  c = sent();
  ASSERT_EQ(count(c, Command::Kind::kToyPaint), 1);
  EXPECT_EQ(c.back().points.size(), n);
  EXPECT_FALSE(panels_->toy.painting);
}

TEST_F(Interaction, TheViewMenuSetsTheUiScale) {
  open(ModelFamily::kImageGan);
  EXPECT_NEAR(ImGui::GetFontSize(), 14.0f, 0.5f);
  ui_->click(ui_->center("##MainMenuBar/View"));
  const ImRect scale = ui_->find_text("UI scale");
  ASSERT_GT(scale.GetWidth(), 0) << ui_->window_text("##Menu_00");
  ui_->move(scale.GetCenter());  // the submenu opens on hover
  ui_->frames(3);
  const ImRect option = ui_->find_text("150 %", /*whole_line=*/true);
  ASSERT_GT(option.GetWidth(), 0);
  ui_->click(option.GetCenter());
  ui_->frames(2);
  EXPECT_EQ(ui_->gui().requested_scale(), 1.5f);
  EXPECT_EQ(ui_->gui().layout().ui_scale, 1.5f);  // kept in the layout file
  EXPECT_NEAR(ImGui::GetFontSize(), 21.0f, 0.5f);
  EXPECT_TRUE(ui_->layout_problems().empty());
}

TEST_F(Interaction, ResizingAPanelMakesTheLayoutTheUsersAndACollapsedOneStaysCollapsed) {
  open(ModelFamily::kImageGan);
  const ImRect r = ImGui::FindWindowByName("Losses")->Rect();
  // The resize grip in the bottom-right corner.
  ui_->drag(ImVec2(r.Max.x - 3, r.Max.y - 3), ImVec2(r.Max.x - 80, r.Max.y - 60), 5);
  ui_->frames(2);
  EXPECT_TRUE(panels_->layout->custom) << "a resized panel is the user's layout";
  const ImRect resized = ImGui::FindWindowByName("Losses")->Rect();
  EXPECT_NEAR(resized.Max.x, r.Max.x - 77, 3.0f);
  // Reset, then collapse a panel by its arrow: it stays collapsed while the window is resized
  // (the tiling follows the window), until Reset layout.
  panels_->reset_layout = true;
  ui_->frames(2);
  ASSERT_FALSE(panels_->layout->custom);
  const ImRect q = ImGui::FindWindowByName("Quality")->Rect();
  ui_->click(ImVec2(q.Min.x + 0.5f * ImGui::GetFrameHeight(), q.Min.y + 0.5f * ImGui::GetFrameHeight()));
  ui_->frames(2);
  EXPECT_TRUE(ImGui::FindWindowByName("Quality")->Collapsed);
  ui_->resize(1400, 800);
  ui_->frames(2);
  EXPECT_TRUE(ImGui::FindWindowByName("Quality")->Collapsed);
  EXPECT_FALSE(panels_->layout->custom);
  panels_->reset_layout = true;
  ui_->frames(2);
  EXPECT_FALSE(ImGui::FindWindowByName("Quality")->Collapsed);
}

TEST_F(Interaction, ResizingTheWindowBackAndForthGivesTheUsersLayoutBack) {
  open(ModelFamily::kImageGan);
  const ImRect r = ImGui::FindWindowByName("Samples")->Rect();
  const ImVec2 title(r.Min.x + 60, r.Min.y + 0.5f * ImGui::GetFrameHeight());
  ui_->drag(title, ImVec2(title.x + 33, title.y + 17), 5);
  ui_->frames(2);
  ASSERT_TRUE(panels_->layout->custom);
  const ImRect mine = ImGui::FindWindowByName("Samples")->Rect();
  for (int w = 1280; w <= 1600; w += 4) {  // dragging the window's edge, a frame per step
    ui_->resize(w, 720 + (w - 1280) / 2);
    ui_->frame();
  }
  const ImRect big = ImGui::FindWindowByName("Samples")->Rect();
  EXPECT_NEAR(big.Min.x, mine.Min.x * 1600.0f / 1280.0f, 1.5f);
  EXPECT_NEAR(big.Min.y, mine.Min.y * 880.0f / 720.0f, 1.5f);
  for (int w = 1600; w >= 1280; w -= 4) {
    ui_->resize(w, 720 + (w - 1280) / 2);
    ui_->frame();
  }
  ui_->frames(2);
  const ImRect back = ImGui::FindWindowByName("Samples")->Rect();
  EXPECT_NEAR(back.Min.x, mine.Min.x, 1.0f);
  EXPECT_NEAR(back.Min.y, mine.Min.y, 1.0f);
  EXPECT_NEAR(back.GetWidth(), mine.GetWidth(), 1.0f);
  EXPECT_NEAR(back.GetHeight(), mine.GetHeight(), 1.0f);
}

TEST_F(Interaction, StatusSaysWhatThreadsGenscopeChoseAndHowOftenSamplesRefresh) {
  open(ModelFamily::kImageGan);  // 1280x720: the Status panel is narrow there
  const std::string text = ui_->window_text("Status");
  EXPECT_NE(text.find("2 of 2 threads: tuned as it trains"), std::string::npos) << text;
  EXPECT_NE(text.find("grid 8.0/s"), std::string::npos) << text;
  // Hovering the row says how OpenMP waits, and that a number wins.
  ui_->move(ui_->center("Status/runs on"));
  ui_->frames(2);
  const std::string tip = ui_->window_text("##Tooltip_00");
  EXPECT_NE(tip.find("genscope's choice"), std::string::npos) << tip;
  EXPECT_NE(tip.find("a number always wins"), std::string::npos) << tip;
  // What the tuner measured shows at the next snapshot.
  handled([](Snapshot& s) {
    s.runtime.threads = 1;
    s.runtime.thread_reason = "16.7 steps/s, 11.1 at 2";
  });
  EXPECT_TRUE(shows("Status", "1 of 2 threads: 16.7 steps/s, 11.1 at 2"))
      << ui_->window_text("Status");
}

TEST_F(Interaction, StatusNamesADataParallelRunsRanksWithTheirRates) {
  open(ModelFamily::kImageGan);
  EXPECT_EQ(ui_->window_text("Status").find("data-parallel"), std::string::npos)
      << "one process: no ranks row";
  handled([](Snapshot& s) {
    s.runtime.world = 2;
    s.runtime.ranks = {"rank 0: 21.1 steps/s, 14 % in all-reduce",
                       "rank 1: 21.4 steps/s, 13 % in all-reduce"};
  });
  // The row is at the panel's end: the wheel scrolls down to it, as a hand would.
  const ImRect status = ImGui::FindWindowByName("Status")->Rect();
  for (int i = 0; i < 5; ++i) ui_->wheel(status.GetCenter(), -5.0f);
  ui_->frames(2);
  const std::string text = ui_->window_text("Status");
  EXPECT_NE(text.find("2 ranks, data-parallel"), std::string::npos) << text;
  EXPECT_NE(text.find("rank 1: 21.4 steps/s, 13 % in all-reduce"), std::string::npos) << text;
}

// A viewer (--connect) names the server it views; hovering the row says where its files go.
TEST_F(Interaction, AViewersStatusNamesTheServerItViews) {
  open(ModelFamily::kImageGan);
  EXPECT_FALSE(ui_->has("Status/served by")) << "a run of this process: no served-by row";
  view_->set_remote("gpu-box:7777");
  view_->set_files_dir("/home/me/runs/view-gpu-box-7777");
  ui_->frames(2);
  const std::string text = ui_->window_text("Status");
  EXPECT_NE(text.find("gpu-box:7777 (this window views it)"), std::string::npos) << text;
  ASSERT_TRUE(ui_->has("Status/served by"));
  ui_->move(ui_->center("Status/served by"));
  ui_->frames(2);
  const std::string tip = ui_->window_text("##Tooltip_00");
  EXPECT_NE(tip.find("into /home/me/runs/view-gpu-box-7777"), std::string::npos) << tip;
  EXPECT_NE(tip.find("Ctrl+C on the server stops it"), std::string::npos) << tip;
}

TEST_F(Interaction, TheEmaCheckboxSwitchesTheSamplesBetweenTheAverageAndG) {
  open(ModelFamily::kImageGan);
  EXPECT_FALSE(ui_->has("Samples/EMA of G")) << "no average while g_ema is 0";
  handled([](Snapshot& s) {
    s.params.set(ParamId::kGEma, {0.999, ""});
    s.pending = s.params;
  });
  ASSERT_TRUE(ui_->has("Samples/EMA of G"));
  ui_->click(ui_->center("Samples/EMA of G"));
  std::vector<Command> c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kSetParam);
  EXPECT_EQ(c[0].param, ParamId::kEmaSamples);
  EXPECT_EQ(c[0].value.number, 0.0) << "ticked by default: the click shows raw G";
  handled([](Snapshot& s) {
    s.params.set_from_string(ParamId::kEmaSamples, "raw");
    s.pending = s.params;
  });
  ui_->click(ui_->center("Samples/EMA of G"));
  c = sent();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].value.number, 1.0) << "and back to the average";
}

TEST_F(Interaction, LossesShowTheLearningRateFactorWhenItIsScheduled) {
  open(ModelFamily::kImageGan);
  EXPECT_FALSE(shows("Losses", "learning-rate factor")) << "constant: no strip";
  handled([](Snapshot& s) {
    s.params.set_from_string(ParamId::kLrSchedule, "cosine");
    s.params.set(ParamId::kLrScheduleSteps, {5000, ""});
  });
  EXPECT_TRUE(shows("Losses", "learning-rate factor (cosine over 5000 steps)"))
      << ui_->window_text("Losses");
  open(ModelFamily::kVae);
  handled([](Snapshot& s) { s.params.set_from_string(ParamId::kLrSchedule, "linear"); });
  EXPECT_TRUE(shows("Losses", "learning-rate factor (linear")) << ui_->window_text("Losses");
}

TEST_F(Interaction, HoveringASampleShowsItsNearestTrainingImage) {
  open(ModelFamily::kImageGan);
  const ProbedItem grid = ui_->item("Samples/Generated (fixed noise)");
  const ImRect rect(grid.min, grid.max);
  const GridTiles tiles = grid_tiles(242, 242, 8);
  ui_->move(tiles.screen_rect(9, rect).GetCenter());
  ui_->frames(2);
  EXPECT_FALSE(ui_->has("##Tooltip_00/nearest image")) << "none searched yet";
  handled([](Snapshot& s) {
    s.nearest = s.real;
    s.nearest_version = 77;
    s.nearest_step = 500;
    s.nearest_distance.assign(64, 40.0f);
    s.nearest_distance[9] = 3.25f;
    s.real_nearest = 61.5;
  });
  const ImVec2 centre = tiles.screen_rect(9, rect).GetCenter();
  ui_->move(ImVec2(centre.x + 1, centre.y));
  ui_->frames(2);
  EXPECT_NE(ui_->window_text("##Tooltip_00").find("nearest training image (step 500), 3.2 / 255 apart"),
            std::string::npos)
      << ui_->window_text("##Tooltip_00");
  EXPECT_NE(ui_->window_text("##Tooltip_00").find("real images are 61.5 from their nearest"), std::string::npos);
}

TEST_F(Interaction, UnlabelledDataGetsDiversityAndNearestImagesInQuality) {
  open(ModelFamily::kImageGan);
  handled([](Snapshot& s) {
    s.quality.state = QualityState::kNoLabels;
    s.quality.status = "quality metrics need labelled train and test splits; faces has no labels";
    s.diversity = 0.83;
    s.diversity_step = 600;
    s.nearest_step = 500;
    s.nearest_distance.assign(64, 40.0f);
    s.nearest_distance[3] = 12.0f;
    s.real_nearest = 50.0;
  });
  const std::string text = ui_->window_text("Quality");
  EXPECT_NE(text.find("faces has no"), std::string::npos) << text;
  EXPECT_NE(text.find("diversity 0.83 (step 600)"), std::string::npos) << text;
  EXPECT_NE(text.find("median 40.0, closest 12.0"), std::string::npos) << text;
}

TEST_F(Interaction, StatusShowsHowTheDataLoaderKeptUp) {
  open(ModelFamily::kImageGan);
  EXPECT_FALSE(shows("Status", "batches ready ahead")) << "no row before a batch was taken";
  handled([](Snapshot& s) {
    s.data_batches = 200;
    s.data_ready = 198;
    s.data_waited_s = 0.05;
  });
  EXPECT_TRUE(shows("Status", "data 99% of batches ready ahead, 0.25 ms"))
      << ui_->window_text("Status");
  EXPECT_TRUE(shows("Status", "waited per batch")) << ui_->window_text("Status");
  handled([](Snapshot& s) { s.data_ready = 150; });
  EXPECT_TRUE(shows("Status", "75% of batches ready ahead")) << ui_->window_text("Status");
}

TEST_F(Interaction, StatusShowsABarWhileAnImageFolderDecodes) {
  open(ModelFamily::kImageGan);
  EXPECT_EQ(ui_->window_text("Status").find("decoding"), std::string::npos);
  handled([](Snapshot& s) {
    s.loading = "decoding /data/faces: 2000 of 5000 images";
    s.loading_progress = 0.4;
  });
  EXPECT_TRUE(shows("Status", "decoding /data/faces: 2000 of 5000 images"))
      << ui_->window_text("Status");
  // The bar spans the panel, filled to 40 %: a rectangle in the bar colour that wide.
  const ProbedItem bar = ui_->item("Status/loading");
  const float width = bar.max.x - bar.min.x;
  EXPECT_GT(width, 150.0f);
  bool filled = false;
  const ImU32 fill = ImGui::GetColorU32(ImGuiCol_PlotHistogram);
  const ImDrawData* data = ImGui::GetDrawData();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    float lo = 1e9f, hi = -1e9f;
    for (const ImDrawVert& v : list->VtxBuffer) {
      if (v.col != fill || v.pos.y < bar.min.y || v.pos.y > bar.max.y) continue;
      lo = std::min(lo, v.pos.x), hi = std::max(hi, v.pos.x);
    }
    filled = filled || (hi > lo && std::fabs((hi - lo) / width - 0.4f) < 0.05f);
  }
  EXPECT_TRUE(filled) << "a fill 40 % of the bar";
  handled([](Snapshot& s) {
    s.loading.clear();
    s.loading_progress = -1.0;
  });
  EXPECT_FALSE(shows("Status", "decoding")) << "gone once the data is ready";
}
