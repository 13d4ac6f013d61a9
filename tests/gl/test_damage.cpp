// Damage-tracked rendering (gui/damage*.h) against full renders: the real panels, fed fake
// snapshots, go through frames that change a little each (new metric rows, a new status, a new
// sample grid in the same texture, hover tooltips, a dragged panel, a resized window), and after
// every frame the image that only had its damage re-rendered must be pixel for pixel what a full
// render of the same draw data gives. Both places damage is kept are checked: a framebuffer of
// the Gui's own (headless, the UI harness) and the window's back buffer (a GLFW window, with the
// REC indicator drawn over it after each frame, as the frame loop does).
#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "app/window.h"
#include "gui/damage_renderer.h"
#include "support/damage_text.h"
#include "gui/gui.h"
#include "gui/panels/panels.h"
#include "render/gl_objects.h"
#include "support/fake_snapshots.h"
#include "support/ui_harness.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

// w x h RGBA pixels of framebuffer `fb` (0: the back buffer), top row first.
std::vector<uint8_t> read_pixels(GLuint fb, int w, int h) {
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, fb);
  if (fb == 0) glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  const size_t row = size_t(w) * 4;
  for (size_t top = 0, bottom = size_t(h) - 1; top < bottom; ++top, --bottom) {
    std::swap_ranges(rgba.begin() + long(top * row), rgba.begin() + long((top + 1) * row),
                     rgba.begin() + long(bottom * row));
  }
  return rgba;
}

// "" when the images are the same, else how many pixels differ, where, and the first one.
std::string differences(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want, int w,
                        int h) {
  if (got.size() != want.size()) return "images of different sizes";
  int count = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
  std::string first;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = (size_t(y) * w + x) * 4;
      if (std::equal(&got[i], &got[i] + 3, &want[i])) continue;  // RGB: the window has no alpha
      if (count++ == 0) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "first at (%d, %d): %d %d %d instead of %d %d %d", x, y,
                      got[i], got[i + 1], got[i + 2], want[i], want[i + 1], want[i + 2]);
        first = buf;
      }
      x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    }
  }
  if (count == 0) return "";
  return std::to_string(count) + " pixels differ in [" + std::to_string(x0) + "," +
         std::to_string(y0) + " - " + std::to_string(x1) + "," + std::to_string(y1) + "], " + first;
}

using test::describe;

// What the frames of one test re-rendered.
struct DamageCounts {
  int frames = 0, everything = 0, partial = 0, none = 0;
};

void count(DamageCounts& c, const Damage& d) {
  ++c.frames;
  if (d.everything) {
    ++c.everything;
  } else if (d.none()) {
    ++c.none;
  } else {
    ++c.partial;
  }
}

// A panel window's rectangle (its title bar starts at the top).
ImRect window_rect(const char* title) {
  const ImGuiWindow* w = ImGui::FindWindowByName(title);
  return w ? w->Rect() : ImRect();
}

ImVec2 center(const ImRect& r) {
  return ImVec2(0.5f * (r.Min.x + r.Max.x), 0.5f * (r.Min.y + r.Max.y));
}

// The panels of a fake run in the UI harness with damage tracking on (its own framebuffer).
class DamageFrames : public ::testing::TestWithParam<ModelFamily> {
 protected:
  void SetUp() override {
    ui_ = std::make_unique<UiHarness>(1280, 720);
    if (!ui_->ok()) GTEST_SKIP() << ui_->error();
    ui_->gui().set_damage_tracking(true);
    ASSERT_TRUE(ui_->gui().tracks_damage());
    view_ = std::make_unique<View>(queue_);
    snapshot_ = test::fake_snapshot(GetParam());
    view_->update_snapshot(snapshot_);
    rows_ = test::fake_rows(snapshot_, 900);
    view_->add_rows(std::vector<MetricRow>(rows_.begin(), rows_.begin() + 600),
                    snapshot_.metric_names);
    ui_->draw = [&] { panels_.draw(*view_, ImGui::GetIO().DisplaySize); };
    ui_->after_frame = [&] { check_frame(); };
  }

  // The damage-rendered image must be a full render's, pixel for pixel.
  void check_frame() {
    const DamageRenderer* damage = ui_->gui().damage();
    ASSERT_NE(damage, nullptr);
    count(counts_, damage->last_damage());
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    const int w = int(size.x), h = int(size.y);
    const std::vector<uint8_t> got = read_pixels(damage->framebuffer(), w, h);
    const std::vector<uint8_t> want = ui_->pixels();  // the same draw data rendered whole
    const std::string diff = differences(got, want, w, h);
    EXPECT_EQ(diff, "") << "frame " << counts_.frames << " (" << step_ << ") re-rendered "
                        << describe(damage->last_damage());
  }

  const Damage& last() const { return ui_->gui().damage()->last_damage(); }

  void new_rows(int from, int to) {
    view_->add_rows(std::vector<MetricRow>(rows_.begin() + from, rows_.begin() + to),
                    snapshot_.metric_names);
  }

  // A new image in the same texture: only the texture upload says it changed.
  void new_pictures() {
    if (snapshot_.is_toy) {
      for (float& v : snapshot_.toy.heat) v = 1.0f - v;
      ++snapshot_.toy.heat_version;
      ++snapshot_.toy.version;
    } else {
      for (size_t i = 0; i < snapshot_.samples.pixels.size(); i += 4) {
        snapshot_.samples.pixels[i] = uint8_t(255 - snapshot_.samples.pixels[i]);
      }
      ++snapshot_.samples_version;
    }
    view_->update_snapshot(snapshot_);
  }

  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  Snapshot snapshot_;
  std::vector<MetricRow> rows_;
  PanelSet panels_;
  DamageCounts counts_;
  const char* step_ = "first frames";
};

}  // namespace

TEST_P(DamageFrames, EveryFrameMatchesAFullRender) {
  ui_->frames(4);  // the layout settles
  EXPECT_TRUE(counts_.everything >= 1);

  step_ = "nothing changed";
  ui_->frame();
  EXPECT_TRUE(last().none()) << describe(last());

  step_ = "new metric rows";
  new_rows(600, 620);
  ui_->frame();
  EXPECT_FALSE(last().none());
  EXPECT_FALSE(last().everything) << "new rows redraw the plots, not the window";

  step_ = "a new status";
  snapshot_.step += 25;
  snapshot_.message = "checkpoint saved at step " + std::to_string(snapshot_.step);
  view_->update_snapshot(snapshot_);
  ui_->frames(2);

  step_ = "a new picture in the same texture";
  new_pictures();
  ui_->frame();
  EXPECT_FALSE(last().none()) << "the texture upload was not seen";
  EXPECT_FALSE(last().everything);

  step_ = "hovering the plots and panels";
  const char* losses = GetParam() == ModelFamily::kToy ? "Losses###Losses (2D lab)" : "Losses";
  const ImRect plots = window_rect(losses);
  ASSERT_GT(plots.GetWidth(), 0.0f) << losses;
  for (float t : {0.3f, 0.5f, 0.7f}) {
    ui_->move(ImVec2(plots.Min.x + t * plots.GetWidth(), plots.Min.y + 0.6f * plots.GetHeight()));
  }
  ui_->move(center(window_rect("Status")));
  ui_->move(ImVec2(-100, -100));
  new_rows(620, 640);  // rows arriving under a tooltip
  ui_->move(center(plots));
  ui_->frame();

  step_ = "dragging a panel by its title bar over another";
  const ImRect status = window_rect("Status");
  ui_->drag(ImVec2(status.Min.x + 40, status.Min.y + 6),
            ImVec2(status.Min.x + 100, status.Min.y + 66));
  ui_->frames(2);

  step_ = "bringing the panel under it to the front";
  const ImRect moved = window_rect("Status");
  ImGuiWindow* under = nullptr;
  for (ImGuiWindow* w : GImGui->Windows) {
    const ImVec2 corner(w->Pos.x + 12, w->Pos.y + w->Size.y - 12);
    if (w->Active && !(w->Flags & ImGuiWindowFlags_ChildWindow) &&
        std::string(w->Name) != "Status" && w->Rect().Overlaps(moved) && !moved.Contains(corner)) {
      under = w;
      break;
    }
  }
  ASSERT_NE(under, nullptr) << "the dragged panel overlaps no other";
  ui_->click(ImVec2(under->Pos.x + 12, under->Pos.y + under->Size.y - 12));
  EXPECT_EQ(ImGui::GetTopMostPopupModal(), nullptr);
  ui_->frames(2);

  step_ = "a resized window";
  ui_->resize(1100, 640);
  ui_->frames(3);
  ui_->move(ImVec2(-100, -100));
  new_rows(640, 700);
  new_pictures();
  ui_->frames(2);

  // The sequence exercised patching, not only full renders.
  EXPECT_GE(counts_.partial, 15) << counts_.frames << " frames, " << counts_.everything
                                 << " whole, " << counts_.none << " unchanged";
  EXPECT_LE(counts_.everything, 6);
}

INSTANTIATE_TEST_SUITE_P(Families, DamageFrames,
                         ::testing::Values(ModelFamily::kImageGan, ModelFamily::kVae,
                                           ModelFamily::kToy),
                         [](const auto& info) {
                           return info.param == ModelFamily::kImageGan ? std::string("Gan")
                                  : info.param == ModelFamily::kVae    ? std::string("Vae")
                                                                       : std::string("Toy");
                         });

namespace {

// Renders the lists of `data` but `skip` whole into framebuffer `fb` (0: the back buffer),
// cleared to the window's background first, as a Gui without damage tracking does; its pixels,
// top row first. (On llvmpipe an RGBA framebuffer and the window's back buffer round a few
// blended pixels differently, so each image is checked against a full render in its own
// place.)
std::vector<uint8_t> full_render(GLuint fb, ImDrawData* data, const ImDrawList* skip, int w,
                                 int h) {
  glBindFramebuffer(GL_FRAMEBUFFER, fb);
  glViewport(0, 0, w, h);
  const ImVec4 clear = GuiOptions().clear_color;
  glClearColor(clear.x, clear.y, clear.z, clear.w);
  glClear(GL_COLOR_BUFFER_BIT);
  std::vector<ImDrawList*> lists;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    if (data->CmdLists[i] != skip) lists.push_back(data->CmdLists[i]);
  }
  ImDrawData part = *data;
  part.CmdLists = lists.data();
  part.CmdListsCount = int(lists.size());
  ImGui_ImplOpenGL3_RenderDrawData(&part);
  return read_pixels(fb, w, h);
}

}  // namespace

// The window's own path: patched in the back buffer where swaps keep it, the REC indicator drawn
// over it after the frame (after the capture), swapped; the next frame must not keep it.
TEST(DamageWindow, BackBufferMatchesAFullRenderAndDropsTheIndicator) {
  WindowOptions o;
  o.visible = false;
  o.width = 960;
  o.height = 600;
  o.vsync = false;
  auto window = Window::open(o);
  if (!window) GTEST_SKIP() << window.error();
  GuiOptions options;
  options.scale = 1.0f;
  options.damage = DamageMode::kOn;
  Gui gui((*window)->handle(), options);
  ASSERT_TRUE(gui.tracks_damage());
  const bool kept = gui.damage()->target() == DamageTarget::kBackBuffer;
  std::printf("damage kept in %s\n", kept ? "the back buffer" : "a framebuffer of its own");
  CommandQueue queue;
  View view(queue);
  PanelSet panels;
  Snapshot snapshot = test::fake_snapshot(ModelFamily::kImageGan);
  view.update_snapshot(snapshot);
  const std::vector<MetricRow> rows = test::fake_rows(snapshot, 700);
  view.add_rows(std::vector<MetricRow>(rows.begin(), rows.begin() + 600), snapshot.metric_names);
  ImVec2 mouse(-100, -100);
  DamageCounts counts;
  auto frame = [&](const char* what) {
    gui.begin_frame([&] { ImGui::GetIO().MousePos = mouse; });
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    panels.draw(view, display);
    const ImDrawList* indicator = draw_rec_indicator(view, display);
    gui.end_frame(indicator);
    count(counts, gui.damage()->last_damage());
    int w = 0, h = 0;
    (*window)->framebuffer_size(w, h);
    const GLuint target = gui.damage()->framebuffer();  // 0: the back buffer
    const std::vector<uint8_t> got = read_pixels(target, w, h);
    // Rendered whole in the same place (the next frame patches that: it must be the same).
    const std::vector<uint8_t> want = full_render(target, ImGui::GetDrawData(), indicator, w, h);
    if (target != 0) {  // and what the window shows
      EXPECT_EQ(differences(read_pixels(0, w, h), got, w, h), "") << what << ": the copy";
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    EXPECT_EQ(differences(got, want, w, h), "")
        << what << ": re-rendered " << describe(gui.damage()->last_damage());
    gui.render_held_back();
    (*window)->swap_buffers();
  };
  for (int i = 0; i < 3; ++i) frame("first frames");
  view.recorder().status.active = true;  // the REC indicator from now on
  view.recorder().status.elapsed_s = 3.0;
  for (int i = 0; i < 3; ++i) frame("recording");
  view.add_rows(std::vector<MetricRow>(rows.begin() + 600, rows.begin() + 650),
                snapshot.metric_names);
  frame("new rows while recording");
  view.recorder().status.elapsed_s = 4.0;  // the indicator's text changes
  frame("the indicator changed");
  view.recorder().status.active = false;  // and goes
  frame("the recording stopped");
  frame("the status settles");
  frame("nothing changed");
  EXPECT_TRUE(gui.damage()->last_damage().none()) << describe(gui.damage()->last_damage());
  mouse = ImVec2(480, 560);
  frame("hovering");
  snapshot.step += 10;
  snapshot.samples.pixels.assign(snapshot.samples.pixels.size(), 200);
  ++snapshot.samples_version;
  view.update_snapshot(snapshot);
  frame("a new sample grid");
  EXPECT_GE(counts.partial, 5) << counts.frames << " frames, " << counts.everything << " whole";
}
