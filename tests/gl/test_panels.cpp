// Panels under a real (hidden) GL window: clicks on widgets become Commands, and never touch the
// trainer's state directly.
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include "app/window.h"
#include "gui/gui.h"
#include "gui/panels/panels.h"

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
    gui_ = std::make_unique<Gui>(window_->handle());
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
    controls_.draw(*view_, ImRect(0, 0, 300, 480));
    gui_->end_frame();
  }

  // Clicks at `pos` over three frames (hover, press, release).
  void click(ImVec2 pos) {
    frame(pos, false);
    frame(pos, true);
    frame(pos, false);
  }

  std::vector<Command> drained() {
    std::vector<Command> out;
    queue_.drain(out);
    return out;
  }

  // Screen position inside the first row of buttons: `slot` 0, 1, 2 = Pause, Step, Reset.
  ImVec2 button(int slot) const {
    const ImGuiStyle& style = ImGui::GetStyle();
    float title = ImGui::GetFontSize() + style.FramePadding.y * 2;
    float inner = 300 - 2 * style.WindowPadding.x - style.ScrollbarSize;
    float third = (inner - 2 * style.ItemSpacing.x) / 3.0f;
    return ImVec2(style.WindowPadding.x + slot * (third + style.ItemSpacing.x) + third / 2,
                  title + style.WindowPadding.y + 8);
  }

  std::unique_ptr<Window> window_;
  std::unique_ptr<Gui> gui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  Snapshot snapshot_;
  ControlsPanel controls_;
};

}  // namespace

TEST_F(PanelTest, PauseAndResetButtonsSendCommands) {
  frame(ImVec2(-100, -100), false);
  frame(ImVec2(-100, -100), false);
  EXPECT_TRUE(drained().empty());
  click(button(0));
  auto c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kPause);

  snapshot_.paused = true;  // the trainer answered: the button now resumes
  view_->update_snapshot(snapshot_);
  click(button(0));
  c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kResume);

  click(button(2));
  c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kReset);
}

TEST_F(PanelTest, DrawingAloneSendsNothing) {
  snapshot_.pending.set(ParamId::kWidth, {48, ""});  // a needs-reset edit waiting
  view_->update_snapshot(snapshot_);
  for (int i = 0; i < 5; ++i) frame(ImVec2(-100, -100), false);
  EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 0);
  EXPECT_TRUE(drained().empty());
}
