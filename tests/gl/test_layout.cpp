// The window's layout at every size a user has: no two widgets of a panel overlap, nothing sticks
// out of its panel sideways, no text is cut, and images are never drawn smaller than their
// pixels when there is room. Drawn with every picture and plot filled in.
#include <gtest/gtest.h>

#include <cstdlib>

#include "gui/panels/panels.h"
#include "support/fake_snapshots.h"
#include "support/ui_harness.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

struct Size {
  int w, h;
  float scale;  // 0: automatic, as the window picks it
};

class Layout : public ::testing::TestWithParam<std::tuple<ModelFamily, Size>> {
 protected:
  void draw_all(ModelFamily family, Size size) {
    const float scale = size.scale > 0 ? size.scale : auto_ui_scale(1.0f, float(size.w), float(size.h));
    ui_ = std::make_unique<UiHarness>(size.w, size.h, scale);
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

std::string family_name(ModelFamily f) {
  return f == ModelFamily::kImageGan ? "Gan" : f == ModelFamily::kVae ? "Vae" : "Toy";
}

}  // namespace

TEST_P(Layout, NothingOverlapsOrIsCut) {
  const auto [family, size] = GetParam();
  draw_all(family, size);
  if (const char* dir = std::getenv("GENSCOPE_SCREENSHOT_DIR")) {  // to look at them
    ui_->screenshot(std::string(dir) + "/layout-" + family_name(family) + "-" +
                    std::to_string(size.w) + "x" + std::to_string(size.h) + ".png");
  }
  const std::vector<std::string> problems = ui_->layout_problems();
  std::string all;
  for (const std::string& p : problems) all += "\n  " + p;
  EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems at " << size.w << "x"
                                << size.h << ":" << all;
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, Layout,
    ::testing::Combine(::testing::Values(ModelFamily::kImageGan, ModelFamily::kVae,
                                         ModelFamily::kToy),
                       ::testing::Values(Size{1024, 600, 1}, Size{1280, 720, 1},
                                         Size{1920, 1080, 0}, Size{2560, 1440, 0})),
    [](const auto& info) {
      const Size s = std::get<1>(info.param);
      return family_name(std::get<0>(info.param)) + "_" + std::to_string(s.w) + "x" +
             std::to_string(s.h);
    });
