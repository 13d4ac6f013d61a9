// The damage tracker (gui/damage.h) and the draw data cut to its rectangles
// (gui/damage_clip.h), on real ImGui frames with no GL: what changed from one frame to the next
// is exactly what it says must be re-rendered, and nothing far from it. (tests/gl/test_damage.cpp
// checks the pixels this gives against full renders.)
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gui/damage.h"
#include "gui/damage_clip.h"
#include "support/damage_text.h"
#include "support/ui_harness.h"
#include "util/hash.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

DamageRect pixels_of(const ImRect& r) {
  return {int(std::floor(r.Min.x)), int(std::floor(r.Min.y)), int(std::ceil(r.Max.x)),
          int(std::ceil(r.Max.y))};
}

bool covers(const Damage& d, const DamageRect& r) {
  if (d.everything) return true;
  int64_t covered = 0;
  for (const DamageRect& x : d.rects) covered += rect_intersection(x, r).area();
  return covered == r.area();  // the rectangles are disjoint
}

bool touches(const Damage& d, const DamageRect& r) {
  if (d.everything) return true;
  for (const DamageRect& x : d.rects) {
    if (!rect_intersection(x, r).empty()) return true;
  }
  return false;
}

// The draw lists of the last frame, by window name, in draw order.
std::string order() {
  std::string out;
  const ImDrawData* d = ImGui::GetDrawData();
  for (int i = 0; i < d->CmdListsCount; ++i) {
    out += (out.empty() ? "" : " ") + std::string(d->CmdLists[i]->_OwnerName);
  }
  return out;
}

int64_t area(const Damage& d) {
  int64_t a = 0;
  for (const DamageRect& r : d.rects) a += r.area();
  return a;
}

using test::describe;

// Two windows, A (a long text with one changing line, an image) and B, drawn by a UI harness
// with no GL; every frame goes through a DamageTracker.
class Tracker : public ::testing::Test {
 protected:
  void SetUp() override {
    ui_ = UiHarness::without_gl(800, 600);
    ui_->draw = [&] { draw(); };
    ui_->after_frame = [&] { damage_ = tracker_.update(*ImGui::GetDrawData(), uploaded_); };
    ui_->frames(3);
  }

  void draw() {
    ImGui::SetNextWindowPos(ImVec2(10, 10));
    ImGui::SetNextWindowSize(ImVec2(380, 560));
    ImGui::Begin("A");
    for (int i = 0; i < 12; ++i) ImGui::Text("a line of text that stays the same, number %d", i);
    ImGui::TextUnformatted(value_.c_str());
    for (int i = 12; i < 24; ++i) ImGui::Text("a line of text that stays the same, number %d", i);
    ImGui::Image(kImage, ImVec2(64, 64));
    ImGui::End();
    if (!show_b_) return;
    ImGui::SetNextWindowPos(b_pos_);
    ImGui::SetNextWindowSize(ImVec2(300, 200));
    ImGui::Begin("B");
    ImGui::TextUnformatted("window B");
    ImGui::End();
  }

  DamageRect window(const char* name) const {
    const ImGuiWindow* w = ImGui::FindWindowByName(name);
    return w ? pixels_of(w->Rect()) : DamageRect{};
  }

  const ImTextureID kImage = reinterpret_cast<ImTextureID>(uintptr_t(7));
  std::unique_ptr<UiHarness> ui_;
  DamageTracker tracker_;
  std::vector<ImTextureID> uploaded_;
  Damage damage_;
  std::string value_ = "the value is 1234";
  ImVec2 b_pos_{420, 20};
  bool show_b_ = true;
};

}  // namespace

TEST_F(Tracker, FirstFrameIsWholeThenUnchangedFramesAreNothing) {
  DamageTracker fresh;
  EXPECT_TRUE(fresh.update(*ImGui::GetDrawData(), {}).everything);
  ui_->frame();
  EXPECT_TRUE(damage_.none()) << describe(damage_);
  ui_->frames(3);
  EXPECT_TRUE(damage_.none()) << describe(damage_);
  tracker_.invalidate();
  ui_->frame();
  EXPECT_TRUE(damage_.everything);
}

TEST_F(Tracker, AChangedTextIsItsLineNotItsWindow) {
  const ImRect before = ui_->find_text("the value is 1234");
  ASSERT_GT(before.GetWidth(), 0.0f);
  value_ = "the value is 1235";
  ui_->frame();
  ASSERT_FALSE(damage_.none());
  ASSERT_FALSE(damage_.everything);
  EXPECT_TRUE(covers(damage_, pixels_of(ui_->find_text("the value is 1235")))) << describe(damage_);
  EXPECT_LT(area(damage_), window("A").area() / 4) << describe(damage_);
  EXPECT_FALSE(touches(damage_, window("B"))) << describe(damage_);
  // A line that grows moves nothing else on screen, but the glyphs after it in the command.
  value_ = "the value is now much longer: 12345678";
  ui_->frame();
  EXPECT_TRUE(covers(damage_, pixels_of(ui_->find_text(value_)))) << describe(damage_);
  EXPECT_FALSE(touches(damage_, window("B"))) << describe(damage_);
  ui_->frame();
  EXPECT_TRUE(damage_.none());
}

TEST_F(Tracker, AMovedWindowIsItsOldAndNewPlace) {
  const DamageRect old_place = window("B");
  b_pos_ = ImVec2(430, 330);
  ui_->frame();
  const DamageRect new_place = window("B");
  ASSERT_TRUE(rect_intersection(old_place, new_place).empty());
  EXPECT_TRUE(covers(damage_, old_place)) << describe(damage_);
  EXPECT_TRUE(covers(damage_, new_place)) << describe(damage_);
  EXPECT_FALSE(touches(damage_, window("A"))) << describe(damage_);
}

TEST_F(Tracker, ATextureUploadIsTheCommandsDrawingIt) {
  uploaded_ = {reinterpret_cast<ImTextureID>(uintptr_t(8))};  // no command draws it
  ui_->frame();
  EXPECT_TRUE(damage_.none()) << describe(damage_);
  uploaded_ = {kImage};
  ui_->frame();
  uploaded_.clear();
  ASSERT_EQ(damage_.rects.size(), 1u) << describe(damage_);
  const DamageRect& r = damage_.rects[0];
  EXPECT_NEAR(r.x1 - r.x0, 64 + 2, 2) << describe(damage_);  // the image and a pixel around
  EXPECT_NEAR(r.y1 - r.y0, 64 + 2, 2) << describe(damage_);
  ui_->frame();
  EXPECT_TRUE(damage_.none());
}

TEST_F(Tracker, AResizeIsEverything) {
  ui_->resize(1024, 600);
  ui_->frame();
  EXPECT_TRUE(damage_.everything);
  EXPECT_EQ(tracker_.width(), 1024);
  ui_->frame();
  EXPECT_TRUE(damage_.none()) << describe(damage_);
}

TEST_F(Tracker, AListThatGoesIsItsOldPlace) {
  const DamageRect b = window("B");
  show_b_ = false;
  ui_->frame();
  EXPECT_TRUE(covers(damage_, b)) << describe(damage_);
  EXPECT_FALSE(touches(damage_, window("A"))) << describe(damage_);
  show_b_ = true;  // and comes back
  ui_->frame();
  EXPECT_TRUE(covers(damage_, window("B"))) << describe(damage_);
}

TEST_F(Tracker, WindowsSwappingPlacesInTheDrawOrderAreWhereTheyOverlap) {
  b_pos_ = ImVec2(300, 100);  // over A
  ui_->frames(2);
  ui_->click(ImVec2(20, 560));  // A's bottom left: A comes to the front
  ui_->frame();
  const DamageRect overlap = rect_intersection(window("A"), window("B"));
  ASSERT_FALSE(overlap.empty());
  ASSERT_EQ(order(), "B A");
  ui_->move(ImVec2(560, 250));  // B's middle
  ui_->press();                 // B in front again
  ASSERT_EQ(order(), "A B");
  EXPECT_TRUE(covers(damage_, overlap)) << describe(damage_);
  ui_->release();
}

TEST_F(Tracker, WhatWasDrawnOverIsDamagedNext) {
  const ImDrawData* data = ImGui::GetDrawData();
  const ImDrawList* b = nullptr;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    if (std::string(data->CmdLists[i]->_OwnerName) == "B") b = data->CmdLists[i];
  }
  ASSERT_NE(b, nullptr);
  tracker_.drawn_over(*b);
  ui_->frame();
  EXPECT_TRUE(covers(damage_, window("B"))) << describe(damage_);
  ui_->frame();
  EXPECT_TRUE(damage_.none());
}

TEST_F(Tracker, TheHeldBackListIsNotTracked) {
  const ImDrawData* data = ImGui::GetDrawData();
  const ImDrawList* b = nullptr;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    if (std::string(data->CmdLists[i]->_OwnerName) == "B") b = data->CmdLists[i];
  }
  ASSERT_NE(b, nullptr);
  DamageTracker skipping;
  skipping.update(*data, {}, b);
  b_pos_ = ImVec2(430, 330);
  ui_->frame();
  EXPECT_TRUE(skipping.update(*ImGui::GetDrawData(), {}, b).none());
}

TEST(DamageRects, MergedRectanglesAreFewDisjointAndCoverThemAll) {
  std::mt19937 rng(3);
  for (int round = 0; round < 200; ++round) {
    std::uniform_int_distribution<int> count(0, round % 2 ? 120 : 12), pos(0, 400), size(1, 60);
    std::vector<DamageRect> rects;
    for (int i = count(rng); i > 0; --i) {
      const int x = pos(rng), y = pos(rng);
      rects.push_back({x, y, x + size(rng), y + size(rng)});
    }
    std::vector<DamageRect> merged = rects;
    merge_rects(merged, 8);
    ASSERT_LE(merged.size(), 8u);
    for (size_t i = 0; i < merged.size(); ++i) {
      for (size_t j = i + 1; j < merged.size(); ++j) {
        ASSERT_TRUE(rect_intersection(merged[i], merged[j]).empty()) << "round " << round;
      }
    }
    Damage d;
    d.rects = merged;
    for (const DamageRect& r : rects) ASSERT_TRUE(covers(d, r)) << "round " << round;
  }
}

TEST(DamageRects, TheBackendsScissorOfTheCutClipIsExactlyThePixels) {
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> pos(0, 3000), size(1, 900);
  for (float scale : {1.0f, 1.25f, 1.5f, 2.0f, 3.0f}) {
    const ImVec2 display(4000.0f / scale, 4000.0f / scale);
    for (const ImVec2 origin : {ImVec2(0, 0), ImVec2(-37.5f, 120.25f)}) {
      for (int i = 0; i < 2000; ++i) {
        const int x = pos(rng), y = pos(rng);
        const DamageRect r{x, y, x + size(rng), y + size(rng)};
        const ImVec4 clip = clip_for_pixels(r, origin, ImVec2(scale, scale));
        ASSERT_EQ(backend_scissor(origin, display, ImVec2(scale, scale), clip), r)
            << "scale " << scale << " rect " << r.x0 << "," << r.y0 << " " << r.x1 << "," << r.y1;
      }
    }
  }
}

TEST_F(Tracker, ClippedDrawDataKeepsOnlyWhatMeetsTheRectanglesAndGivesTheListsBack) {
  ImDrawData* data = ImGui::GetDrawData();
  std::vector<ImVector<ImDrawCmd>> cmds;
  std::vector<ImVector<ImDrawIdx>> idx;
  size_t triangles = 0;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    cmds.push_back(data->CmdLists[i]->CmdBuffer);
    idx.push_back(data->CmdLists[i]->IdxBuffer);
    triangles += size_t(data->CmdLists[i]->IdxBuffer.Size) / 3;
  }
  const DamageRect line = pixels_of(ui_->find_text("the value is 1234"));
  {
    ClippedDrawData cut(*data, {line}, nullptr, &tracker_);
    ImDrawData* part = cut.get();
    ASSERT_EQ(part->CmdListsCount, 1);  // window A only
    EXPECT_EQ(std::string(part->CmdLists[0]->_OwnerName), "A");
    EXPECT_GT(cut.triangles(), 10u);  // the line's glyphs
    EXPECT_LT(cut.triangles(), triangles / 4);
    for (const ImDrawCmd& c : part->CmdLists[0]->CmdBuffer) {
      const DamageRect s =
          backend_scissor(part->DisplayPos, part->DisplaySize, part->FramebufferScale, c.ClipRect);
      EXPECT_EQ(rect_intersection(s, line), s) << "a scissor outside the rectangle";
    }
  }
  {  // without the tracker's runs every triangle is tested on its own
    ClippedDrawData cut(*data, {line});
    EXPECT_GT(cut.triangles(), 10u);
    EXPECT_LT(cut.triangles(), triangles / 4);
  }
  for (int i = 0; i < data->CmdListsCount; ++i) {
    const ImDrawList* l = data->CmdLists[i];
    ASSERT_EQ(l->CmdBuffer.Size, cmds[size_t(i)].Size);
    ASSERT_EQ(l->IdxBuffer.Size, idx[size_t(i)].Size);
    EXPECT_TRUE(std::equal(l->IdxBuffer.begin(), l->IdxBuffer.end(), idx[size_t(i)].begin()));
    for (int c = 0; c < l->CmdBuffer.Size; ++c) {
      EXPECT_EQ(l->CmdBuffer[c].ElemCount, cmds[size_t(i)][c].ElemCount);
      EXPECT_EQ(l->CmdBuffer[c].ClipRect.z, cmds[size_t(i)][c].ClipRect.z);
    }
  }
  ClippedDrawData everything(*data, {{0, 0, 800, 600}}, nullptr, &tracker_);
  EXPECT_EQ(everything.triangles(), triangles);
}

TEST(DamageMode, OnByDefaultOnlyForAWindowOnASoftwareRenderer) {
  EXPECT_TRUE(is_software_renderer("llvmpipe (LLVM 15.0.6, 256 bits)"));
  EXPECT_TRUE(is_software_renderer("softpipe"));
  EXPECT_TRUE(is_software_renderer("Mesa X11 swrast"));
  EXPECT_FALSE(is_software_renderer("NVIDIA H200/PCIe/SSE2"));
  EXPECT_FALSE(is_software_renderer(nullptr));
  const char* soft = "llvmpipe (LLVM 15.0.6, 256 bits)";
  const char* gpu = "AMD Radeon RX 7900 XTX (radeonsi, navi31, LLVM 15.0.7, DRM 3.54)";
  EXPECT_TRUE(use_damage(DamageMode::kAuto, true, soft, nullptr));
  EXPECT_FALSE(use_damage(DamageMode::kAuto, false, soft, nullptr));  // headless
  EXPECT_FALSE(use_damage(DamageMode::kAuto, true, gpu, nullptr));
  EXPECT_FALSE(use_damage(DamageMode::kAuto, true, soft, "0"));
  EXPECT_TRUE(use_damage(DamageMode::kAuto, true, gpu, "1"));
  EXPECT_TRUE(use_damage(DamageMode::kAuto, true, soft, "yes"));  // only 0 and 1 mean something
  EXPECT_TRUE(use_damage(DamageMode::kOn, false, gpu, "0"));      // a test's choice stands
  EXPECT_FALSE(use_damage(DamageMode::kOff, true, soft, "1"));
}

TEST(Hash, EveryByteAndTheLengthCount) {
  std::vector<uint8_t> bytes(300);
  std::mt19937 rng(5);
  for (uint8_t& b : bytes) b = uint8_t(rng());
  std::vector<uint64_t> seen;
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const uint64_t h = hash_bytes(bytes.data(), n);
    EXPECT_EQ(h, hash_bytes(bytes.data(), n));
    seen.push_back(h);
    for (size_t i = 0; i < n; i += 7) {
      bytes[i] ^= 1;
      seen.push_back(hash_bytes(bytes.data(), n));
      bytes[i] ^= 1;
    }
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a collision";
  EXPECT_NE(hash_bytes(bytes.data(), 16, 1), hash_bytes(bytes.data(), 16, 2));
}
