// Fork here driven by hand: the Controls button, the Run menu and F open the dialog; the edits are
// checked as they are typed (what they change, or why not, naming the key); Fork sends them.
// A fork's runs show side by side in the Samples panel: a click shows one, x closes a branch; the
// runs not shown are overlaid on the plots. No GL.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "gui/panels/panels.h"
#include "support/fake_runs.h"
#include "support/fake_snapshots.h"
#include "support/test_files.h"
#include "support/ui_harness.h"

using namespace genscope;
using genscope::test::UiHarness;
namespace fs = std::filesystem;

namespace {

const bool kCleanup = test::remove_when_all_pass("fork_panel");
constexpr const char* kDialog = "Fork here###fork";

class ForkPanel : public ::testing::Test {
 protected:
  void SetUp() override {
    ui_ = UiHarness::without_gl(1280, 720);
    view_ = std::make_unique<View>(queue_, std::make_unique<StubTextureBackend>());
    panels_.gui = &ui_->gui();
    panels_.layout = &ui_->gui().layout();
    snapshot_ = test::fake_snapshot(ModelFamily::kImageGan, 200);
    view_->update_snapshot(snapshot_);
    view_->add_rows(test::fake_rows(snapshot_, 200), snapshot_.metric_names);
    ui_->draw = [&] { panels_.draw(*view_, ImGui::GetIO().DisplaySize); };
    ui_->frames(3);
    sent();
  }
  void TearDown() override { ui_.reset(); }

  std::vector<Command> sent() {
    std::vector<Command> out;
    queue_.drain(out);
    return out;
  }
  // The one command sent since the last call (none or several: a failure, and an empty kStop).
  Command one_sent() {
    std::vector<Command> c = sent();
    EXPECT_EQ(c.size(), 1u);
    return c.size() == 1 ? c[0] : Command::of(Command::Kind::kStop);
  }
  std::string dialog(const std::string& item) const { return std::string(kDialog) + "/" + item; }
  bool dialog_open() const {
    const ImGuiWindow* w = ImGui::FindWindowByName(kDialog);
    return w && w->Active;
  }

  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  PanelSet panels_;
  Snapshot snapshot_;
};

}  // namespace

TEST_F(ForkPanel, TheDialogChecksTheEditsAsTypedAndForkSendsThem) {
  ui_->click(ui_->center("Controls/Fork here"));
  ui_->frames(2);
  ASSERT_TRUE(dialog_open());
  EXPECT_NE(ui_->own_text(kDialog).find("Branch"), std::string::npos) << ui_->own_text(kDialog);
  EXPECT_NE(ui_->own_text(kDialog).find("at step 200"), std::string::npos);
  // The field has the keyboard: a misspelt key is named, with the nearest one, and Fork is off.
  ui_->type("lrd=1e-4");
  ui_->frames(2);
  EXPECT_NE(ui_->own_text(kDialog).find("unknown key 'lrd' (did you mean lr_d?)"), std::string::npos)
      << ui_->own_text(kDialog);
  ui_->click(ui_->center(dialog("Fork")));
  EXPECT_TRUE(sent().empty()) << "Fork is disabled while the edits are wrong";
  EXPECT_TRUE(dialog_open());
  // The seed cannot change: a branch continues its parent's random stream.
  ui_->click(ui_->center(dialog("edits")));
  ui_->replace_text("seed=3");
  ui_->frames(2);
  EXPECT_NE(test::unwrapped(ui_->own_text(kDialog)).find("so its seed cannot change"),
            std::string::npos)
      << ui_->own_text(kDialog);
  EXPECT_TRUE(sent().empty()) << "Enter does not fork either";
  EXPECT_TRUE(dialog_open());
  // Good edits: Enter forks, and the dialog closes.
  ui_->click(ui_->center(dialog("edits")));
  ui_->replace_text("loss=hinge");
  ui_->frames(2);
  const Command c = one_sent();
  EXPECT_EQ(c.kind, Command::Kind::kFork);
  EXPECT_EQ(c.value.text, "loss=hinge");
  EXPECT_FALSE(dialog_open());
}

TEST_F(ForkPanel, ThePickerAddsAParameterAndForkSendsTheEdits) {
  ui_->key(GLFW_KEY_F);
  ui_->frames(2);
  ASSERT_TRUE(dialog_open()) << "F opens the dialog";
  ui_->type("lr_d=1e-4");
  ui_->frames(1);
  EXPECT_NE(ui_->own_text(kDialog).find("lr_d 2.00e-04 \u2192 1.00e-04"), std::string::npos)
      << ui_->own_text(kDialog);
  ui_->click(ui_->center(dialog("add a parameter")));
  ui_->frames(1);
  std::string loss;
  for (const ProbedItem& i : ui_->probe().items()) {
    if (i.name.size() > 9 && i.name.compare(i.name.size() - 9, 9, "/add/loss") == 0) loss = i.name;
  }
  ASSERT_FALSE(loss.empty()) << "the picker lists the parameters";
  ui_->click(ui_->center(loss));
  ui_->frames(2);
  EXPECT_NE(ui_->own_text(kDialog).find("lr_d=1e-4, loss=non_saturating"), std::string::npos)
      << ui_->own_text(kDialog);
  ui_->click(ui_->center(dialog("Fork")));
  ui_->frames(2);
  const Command c = one_sent();
  EXPECT_EQ(c.kind, Command::Kind::kFork);
  EXPECT_EQ(c.value.text, "lr_d=1e-4, loss=non_saturating");
  EXPECT_FALSE(dialog_open());
  // The Run menu opens it too; Esc closes it and sends nothing.
  ui_->click(ui_->center("##MainMenuBar/Run"));
  ui_->click(ui_->center("##Menu_00/Run/Fork here..."));
  ui_->frames(2);
  ASSERT_TRUE(dialog_open());
  ui_->key(GLFW_KEY_ESCAPE);
  ui_->frames(2);
  EXPECT_FALSE(dialog_open());
  EXPECT_TRUE(sent().empty());
}

TEST_F(ForkPanel, AForksRunsShowSideBySideAndTheOnesNotShownAreOverlaid) {
  const std::string root = test::process_dir("fork_panel") + "/side";
  fs::remove_all(root);
  const std::string first = test::fake_run(root, "20261201-100000-dcgan-mnist", "", 60, 0.9f);
  const std::string branch =
      test::fake_run(root, "20261201-100000-dcgan-mnist-fork1-lr_d-1e-4", "lr_d=1e-4", 60, 0.3f);
  Snapshot s = snapshot_;
  s.run_dir = first;
  for (const auto& [dir, edits] : {std::pair{first, std::string()}, {branch, std::string("lr_d=1e-4")}}) {
    ForkRun f;
    f.dir = dir;
    f.edits = edits;
    f.step = 60;
    f.training = true;
    f.samples = snapshot_.samples;
    f.samples_version = 100 + edits.size();
    s.fork.push_back(f);
  }
  s.fork[1].parent = first + "@30";
  snapshot_ = s;
  view_->update_snapshot(snapshot_);
  ui_->frames(3);
  const std::string samples = ui_->own_text("Samples");
  EXPECT_NE(samples.find("100000-dcgan-mnist"), std::string::npos) << samples;
  EXPECT_NE(samples.find("lr_d=1e-4"), std::string::npos) << samples;
  EXPECT_NE(samples.find("(shown)"), std::string::npos) << samples;
  EXPECT_EQ(view_->fork_texture(1).width(), snapshot_.samples.width);
  const ProbedItem a = ui_->item("Samples/fork grid 0"), b = ui_->item("Samples/fork grid 1");
  EXPECT_LT(a.max.x, b.min.x) << "side by side";
  EXPECT_GT(a.max.x - a.min.x, 100.0f);
  // The branch not shown is overlaid on the plots, named by its edits.
  EXPECT_TRUE(view_->compare().ticked(branch));
  EXPECT_FALSE(view_->compare().ticked(first));
  EXPECT_NE(ui_->own_text("Losses").find("lr_d=1e-4"), std::string::npos) << ui_->own_text("Losses");

  ui_->click(ui_->center("Samples/fork grid 1"));
  Command c = one_sent();
  EXPECT_EQ(c.kind, Command::Kind::kShowRun);
  EXPECT_EQ(c.count, 1);
  ui_->click(ui_->center("Samples/close lr_d=1e-4"));
  c = one_sent();
  EXPECT_EQ(c.kind, Command::Kind::kCloseRun);
  EXPECT_EQ(c.count, 1);
  // Controls lists the fork's runs too (every family has Controls; not every one this grid).
  EXPECT_NE(ui_->own_text("Controls").find("the fork's runs"), std::string::npos);
  ui_->click(ui_->center("Controls/fork run 1"));
  c = one_sent();
  EXPECT_EQ(c.kind, Command::Kind::kShowRun);
  EXPECT_EQ(c.count, 1);
  ui_->click(ui_->center("Controls/fork run 0"));
  EXPECT_TRUE(sent().empty()) << "the run shown already";
  ui_->click(ui_->center("Controls/close fork run 1"));
  c = one_sent();
  EXPECT_EQ(c.kind, Command::Kind::kCloseRun);

  // The trainer shows the branch: its curves become the live lines (loaded from its file, with
  // the first run's up to the fork) and the first run is overlaid instead.
  snapshot_.fork_shown = 1;
  snapshot_.run_dir = branch;
  snapshot_.run_id += 1;
  view_->update_snapshot(snapshot_);
  ui_->frames(2);
  EXPECT_TRUE(view_->compare().ticked(first));
  EXPECT_FALSE(view_->compare().ticked(branch));
  const MetricSeries* d = view_->series("loss_d");
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->size(), 60u);
  EXPECT_FLOAT_EQ(d->raw(59), 0.3f);
}
