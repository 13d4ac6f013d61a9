// The Record tab driven by hand: every Record row of the parameter table has its generated widget
// with the table's range (drags to both ends, Ctrl+click and typing, +/- inputs, combo picks, the
// path field, the lockstep switch). Edits change the Record tab's values and nothing else: no
// command reaches the trainer, so training is never reset or disturbed by a recording setting.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "gui/panels/panels.h"
#include "support/ui_harness.h"
#include "util/strings.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

constexpr float kWidth = 520, kHeight = 640;

class RecorderPanelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ui_ = std::make_unique<UiHarness>(int(kWidth), int(kHeight));
    if (!ui_->ok()) GTEST_SKIP() << ui_->error();
    view_ = std::make_unique<View>(queue_);
    ui_->draw = [&] {
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(kWidth, kHeight));
      ImGui::Begin("Record", nullptr, ImGuiWindowFlags_NoDecoration);
      panel_.draw(*view_);
      ImGui::End();
    };
    ui_->frames(3);
  }
  void TearDown() override {
    view_.reset();
    ui_.reset();
  }

  const Params& values() const { return view_->recorder().values; }
  static std::string name(const ParamSpec& spec) { return std::string("Record/") + spec.key; }
  ImRect frame_of(const ParamSpec& spec) const {
    const ProbedItem it = ui_->item(name(spec));
    return ImRect(it.min, it.frame_max);
  }
  std::string shown(const ParamSpec& spec) const { return ui_->text_in(frame_of(spec)); }
  // Commands that reached the trainer's queue (there should be none).
  size_t commands() {
    std::vector<Command> out;
    queue_.drain(out);
    return out.size();
  }

  // Drags a slider from its grab past one end (`to` < 0: left, > 1: right) or to ratio `to`.
  void drag_slider(const ParamSpec& spec, double to) {
    const double range = spec.type == ParamType::kInt ? spec.max_value - spec.min_value : 0;
    const double at = param_slider_ratio(spec, values().number(spec.id));
    const ImRect frame = frame_of(spec);
    ImVec2 dest = ui_->slider_point(name(spec), std::clamp(to, 0.0, 1.0), range);
    if (to < 0) dest.x = frame.Min.x - 60;
    if (to > 1) dest.x = frame.Max.x + 60;
    ui_->drag(ui_->slider_point(name(spec), at, range), dest, 6);
    ui_->frames(2);
  }
  void type_into_slider(const ParamSpec& spec, const std::string& text) {
    ui_->ctrl_click(ui_->center(name(spec)));
    ui_->replace_text(text);
    ui_->frames(2);
  }
  void type_into_input(const ParamSpec& spec, const std::string& text) {
    const ImRect f = frame_of(spec);
    ui_->click(ImVec2(f.Min.x + 10, f.GetCenter().y));
    ui_->replace_text(text);
    ui_->frames(2);
  }
  void pick(const ParamSpec& spec, const char* choice) {
    ui_->click(ui_->center(name(spec)));
    const ImRect option = ui_->find_text(choice, /*whole_line=*/true);
    ASSERT_GT(option.GetWidth(), 0) << spec.key << ": " << choice << " is not in the open combo";
    ui_->click(option.GetCenter());
    ui_->frames(2);
  }

  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  RecorderPanel panel_;
};

bool is_record_row(const ParamSpec& spec) { return std::strcmp(spec.group, kRecordGroup) == 0; }

}  // namespace

TEST_F(RecorderPanelTest, EveryRecordRowIsDrawnWithTheTablesDefault) {
  int rows = 0;
  for (const ParamSpec& spec : param_table()) {
    if (!is_record_row(spec)) continue;
    ++rows;
    ASSERT_TRUE(ui_->has(name(spec))) << spec.key << " has no widget in the Record tab";
    const std::string want = format_param_value(spec, param_default(spec, ModelFamily::kImageGan));
    EXPECT_NE(shown(spec).find(want), std::string::npos)
        << spec.key << " shows '" << shown(spec) << "', not the table's default " << want;
  }
  EXPECT_EQ(rows, 9);
  EXPECT_TRUE(ui_->has("Record/lockstep"));
  EXPECT_EQ(commands(), 0u);
}

TEST_F(RecorderPanelTest, SlidersDragToTheTablesEndsAndNeverReachTheTrainer) {
  for (ParamId id : {ParamId::kRecordFps, ParamId::kRecordCrf, ParamId::kRecordScale}) {
    const ParamSpec& spec = param_spec(id);
    SCOPED_TRACE(spec.key);
    drag_slider(spec, 2.0);
    EXPECT_EQ(values().number(id), spec.max_value);
    EXPECT_NE(shown(spec).find(format_param_value(spec, {spec.max_value, ""})), std::string::npos)
        << shown(spec);
    drag_slider(spec, -1.0);
    EXPECT_EQ(values().number(id), spec.min_value);
    drag_slider(spec, 0.5);
    EXPECT_NEAR(param_slider_ratio(spec, values().number(id)), 0.5, 0.06);
    EXPECT_TRUE(validate_param(spec, values().value(id)).ok());
  }
  // What a recording started now would use.
  const RecordSettings rs = view_->recorder().settings();
  EXPECT_EQ(rs.fps, values().integer(ParamId::kRecordFps));
  EXPECT_FLOAT_EQ(rs.scale, float(values().number(ParamId::kRecordScale)));
  EXPECT_EQ(commands(), 0u) << "a recording setting is not a training parameter";
}

TEST_F(RecorderPanelTest, ATypedValueOutOfRangeIsRejectedNamingTheKey) {
  const ParamSpec& fps = param_spec(ParamId::kRecordFps);
  type_into_slider(fps, "48");
  EXPECT_EQ(values().integer(ParamId::kRecordFps), 48);
  type_into_slider(fps, "500");
  EXPECT_EQ(values().integer(ParamId::kRecordFps), 48) << "kept: 500 is out of range";
  EXPECT_EQ(panel_.error, "record_fps: 500 is outside the range [1, 120]");
  EXPECT_NE(ui_->window_text("Record").find("record_fps: 500 is outside the range [1, 120]"),
            std::string::npos)
      << ui_->window_text("Record");
  EXPECT_NE(shown(fps).find("48"), std::string::npos) << shown(fps);
  // A good value clears the error.
  type_into_slider(fps, "25");
  EXPECT_EQ(values().integer(ParamId::kRecordFps), 25);
  EXPECT_TRUE(panel_.error.empty()) << panel_.error;
  EXPECT_EQ(commands(), 0u);
}

TEST_F(RecorderPanelTest, WideRangesAreInputsWithButtonsAndTyping) {
  const ParamSpec& frames = param_spec(ParamId::kRecordFrames);
  const ParamSpec& seconds = param_spec(ParamId::kRecordSeconds);
  ASSERT_TRUE(param_uses_input(frames));
  ASSERT_TRUE(param_uses_input(seconds));
  type_into_input(frames, "300");
  EXPECT_EQ(values().integer(ParamId::kRecordFrames), 300);
  ImRect f = frame_of(frames);
  ui_->click(ImVec2(f.Max.x - 0.5f * f.GetHeight(), f.GetCenter().y));  // "+"
  ui_->frames(2);
  EXPECT_EQ(values().integer(ParamId::kRecordFrames), 301);
  type_into_input(seconds, "2.5");
  EXPECT_DOUBLE_EQ(values().number(ParamId::kRecordSeconds), 2.5);
  EXPECT_NE(shown(seconds).find("2.50"), std::string::npos) << shown(seconds);
  EXPECT_EQ(view_->recorder().settings().frame_limit(), 75);  // 2.5 s at 30 fps, before 301
  type_into_input(frames, "-4");
  EXPECT_EQ(values().integer(ParamId::kRecordFrames), 301);
  EXPECT_EQ(panel_.error, "record_frames: -4 is outside the range [0, 1000000000]");
  EXPECT_EQ(commands(), 0u);
}

TEST_F(RecorderPanelTest, CombosPickTheTablesChoices) {
  pick(param_spec(ParamId::kRecordRegion), "plots");
  EXPECT_EQ(view_->recorder().settings().region, RecordRegion::kPlots);
  pick(param_spec(ParamId::kRecordPreset), "medium");
  EXPECT_EQ(view_->recorder().settings().preset, "medium");
  EXPECT_EQ(commands(), 0u);
}

TEST_F(RecorderPanelTest, ThePathAppliesAsTyped) {
  const ParamSpec& path = param_spec(ParamId::kRecordPath);
  ui_->click(ui_->center(name(path)));
  ui_->key(GLFW_KEY_A, /*ctrl=*/true);
  ui_->type("clip.gif");  // no Enter: pressing Record next uses what the field shows
  ui_->frames(2);
  EXPECT_EQ(view_->recorder().settings().path, "clip.gif");
  EXPECT_TRUE(view_->recorder().settings().is_gif());
  ui_->key(GLFW_KEY_ENTER);
  EXPECT_EQ(commands(), 0u);
}

TEST_F(RecorderPanelTest, TheLockstepSwitchKeepsItsStepsPerFrame) {
  const ParamSpec& steps = param_spec(ParamId::kRecordStepsPerFrame);
  const int table_default = int(param_default(steps, ModelFamily::kImageGan).number);
  ASSERT_GT(table_default, 0) << "the table's default is a lockstep timelapse";
  EXPECT_EQ(values().integer(steps.id), table_default);
  ASSERT_TRUE(ui_->has(name(steps)));
  type_into_input(steps, "25");
  EXPECT_EQ(values().integer(steps.id), 25);
  ui_->click(ui_->center("Record/lockstep"));
  ui_->frames(2);
  EXPECT_EQ(values().integer(steps.id), 0) << "off: real time";
  EXPECT_FALSE(view_->recorder().settings().lockstep());
  EXPECT_FALSE(ui_->has(name(steps))) << "real time has no steps per frame";
  ui_->click(ui_->center("Record/lockstep"));
  ui_->frames(2);
  EXPECT_EQ(values().integer(steps.id), 25) << "on again: the steps per frame it had";
  EXPECT_EQ(commands(), 0u);
}

TEST_F(RecorderPanelTest, WhileRecordingTheSettingsAreLocked) {
  view_->recorder().status.active = true;
  ui_->frames(2);
  const ParamSpec& fps = param_spec(ParamId::kRecordFps);
  const int before = values().integer(fps.id);
  drag_slider(fps, 2.0);
  EXPECT_EQ(values().integer(fps.id), before);
  ui_->click(ui_->center("Record/Record"));
  EXPECT_TRUE(view_->asked(AppRequest::kToggleRecording)) << "Stop stays usable";
}

TEST_F(RecorderPanelTest, HoveringARowShowsTheTablesHelp) {
  for (const ParamSpec& spec : param_table()) {
    if (!is_record_row(spec) || !ui_->has(name(spec))) continue;
    ui_->move(ui_->center(name(spec)));
    ui_->frames(1);
    std::string tip;
    for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
      if (w->Active && std::string(w->Name).rfind("##Tooltip_", 0) == 0) {
        tip += ui_->window_text(w->Name);
      }
    }
    const std::string help(spec.help);
    const std::string start = help.substr(0, std::min<size_t>(help.find(' ', 12), 24));
    EXPECT_NE(tip.find(start), std::string::npos) << spec.key << ":\n" << tip;
    EXPECT_NE(tip.find("training never sees it"), std::string::npos) << spec.key << ":\n" << tip;
    ui_->move(ImVec2(-100, -100));
  }
}

TEST_F(RecorderPanelTest, TheLayoutFitsItsWindow) {
  if (const char* dir = std::getenv("GENSCOPE_SCREENSHOT_DIR")) {
    ui_->screenshot(std::string(dir) + "/record-tab.png");
  }
  for (const std::string& problem : ui_->layout_problems()) ADD_FAILURE() << problem;
}
