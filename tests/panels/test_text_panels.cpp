// The text models' window driven by hand: the Samples panel (prompt, temperature and top-k
// sliders, the tint toggle, the hover chart of the ten likeliest characters, the history slider),
// Losses in bits per character with the unigram and bigram lines, the Inside panel (attention
// layer and head, hovering the passage; the recurrent heatmap's Rank units), Embeddings, the
// vocabulary in Status and the exploding-gradient alarm's mute. No GL and no display.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include "gui/panels/panels.h"
#include "support/fake_snapshots.h"
#include "support/test_files.h"
#include "support/ui_harness.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

constexpr const char* kSamples = "Samples###Samples (text)";
constexpr const char* kLosses = "Losses###Losses (text)";

class TextPanels : public ::testing::Test {
 protected:
  void open(bool recurrent = false, int w = 1600, int h = 900) {
    TearDown();
    ui_ = UiHarness::without_gl(w, h, 1.0f);
    view_ = std::make_unique<View>(queue_, std::make_unique<StubTextureBackend>());
    panels_ = std::make_unique<PanelSet>();
    panels_->gui = &ui_->gui();
    panels_->layout = &ui_->gui().layout();
    snapshot_ = test::fake_snapshot(ModelFamily::kText);
    if (recurrent) test::make_recurrent_text(snapshot_);
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
  std::vector<Command> sent() {
    std::vector<Command> out;
    queue_.drain(out);
    return out;
  }
  // A new snapshot with samples at `step` (a refresh).
  void refresh(int64_t step) {
    ++snapshot_.text.version;
    snapshot_.text.sampled.step = snapshot_.text.greedy.step = step;
    snapshot_.step = step;
    view_->update_snapshot(snapshot_);
    ui_->frames(2);
  }
  std::string text(const std::string& window) const { return ui_->window_text(window); }
  // Where `needle` is drawn inside `rect` (its glyphs in a row), or an empty rect.
  ImRect find_in(const ImRect& rect, const std::string& needle) const {
    const std::vector<test::FrameGlyph>& g = ui_->glyphs();
    for (std::size_t i = 0; i + needle.size() <= g.size(); ++i) {
      bool match = true;
      for (std::size_t k = 0; k < needle.size() && match; ++k) {
        match = g[i + k].codepoint == static_cast<unsigned char>(needle[k]) &&
                rect.Contains(g[i + k].rect.GetCenter());
      }
      if (match) return ImRect(g[i].rect.Min, g[i + needle.size() - 1].rect.Max);
    }
    return ImRect();
  }
  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  std::unique_ptr<PanelSet> panels_;
  Snapshot snapshot_;
};

}  // namespace

TEST_F(TextPanels, TheWindowShowsTheTextPanelsAndNoImageOnes) {
  open();
  for (const char* w : {kSamples, kLosses, "Inside", "Embeddings", "Status", "Controls"}) {
    EXPECT_FALSE(text(w).empty()) << w;
  }
  EXPECT_TRUE(text("Latent").empty());
  EXPECT_TRUE(text("Quality").empty());
  EXPECT_TRUE(ui_->layout_problems().empty()) << ui_->layout_problems()[0];
}

TEST_F(TextPanels, SamplesShowThePromptAndBothContinuations) {
  open();
  const std::string s = text(kSamples);
  EXPECT_NE(s.find("sampled at step 600: temperature 0.80, top-k all, fixed seed"), std::string::npos) << s;
  EXPECT_NE(s.find("The the cat sat on the mat."), std::string::npos) << s;
  EXPECT_NE(s.find("greedy: always the likeliest character"), std::string::npos) << s;
  EXPECT_NE(s.find("refresh 12 ms, 3.1 %"), std::string::npos) << s;
  EXPECT_NE(s.find("the start of a validation passage"), std::string::npos) << "the empty prompt's hint";
}

TEST_F(TextPanels, HoveringACharacterShowsTheTenLikeliestAsBars) {
  open();
  const ImRect pane(ui_->item(std::string(kSamples) + "/##sampled").min,
                    ui_->item(std::string(kSamples) + "/##sampled").max);
  // "cat": the sample's fifth character is 'c' (index 4), probability 0.05 + 0.9 * 8 / 9.
  const ImRect cat = find_in(pane, "cat");
  ASSERT_GT(cat.GetWidth(), 0);
  ASSERT_TRUE(pane.Contains(cat.GetCenter()));
  ui_->move(ImVec2(cat.Min.x + 2, cat.GetCenter().y));
  ui_->frames(2);
  EXPECT_EQ(panels_->text_samples.hovered_sampled, 4);
  const std::string tip = text("##Tooltip_00");
  EXPECT_NE(tip.find("'c': p = 0.850"), std::string::npos) << tip;
  EXPECT_NE(tip.find("the ten likeliest next characters"), std::string::npos) << tip;
  EXPECT_NE(tip.find("85.0 % (drawn)"), std::string::npos) << "[" << tip << "]";
  for (int j = 0; j < kTextTopCandidates; ++j) {
    EXPECT_TRUE(ui_->has("##Tooltip_00/candidate " + std::to_string(j))) << j;
  }
  // The bars are as long as the probabilities: the drawn one's is 0.85 of the full width.
  const float full = ui_->item("##Tooltip_00/candidate 0").max.x - ui_->item("##Tooltip_00/candidate 0").min.x;
  EXPECT_GT(full, 100);
  // Away from the text: no chart.
  ui_->move(ImVec2(5, 5));
  ui_->frames(2);
  EXPECT_EQ(panels_->text_samples.hovered_sampled, -1);
  EXPECT_FALSE(ui_->has("##Tooltip_00/candidate 0"));
}

TEST_F(TextPanels, TheTintFollowsProbabilityOrSurprisal) {
  EXPECT_NE(text_tint(TextTint::kProbability, 0.05f), text_tint(TextTint::kProbability, 0.95f));
  // Probability: red for unlikely, green for likely.
  const ImU32 low = text_tint(TextTint::kProbability, 0.0f), high = text_tint(TextTint::kProbability, 1.0f);
  EXPECT_GT(low & 0xFF, (low >> 8) & 0xFF) << "red over green";
  EXPECT_GT((high >> 8) & 0xFF, high & 0xFF) << "green over red";
  // Surprisal: clear at 0 bits, strongest at 8 bits and more.
  EXPECT_EQ(text_tint(TextTint::kSurprisal, 1.0f) >> 24, 0u);
  EXPECT_GT(text_tint(TextTint::kSurprisal, 1.0f / 256) >> 24, text_tint(TextTint::kSurprisal, 0.5f) >> 24);
  open();
  ui_->click(ui_->center(std::string(kSamples) + "/surprisal"));
  EXPECT_EQ(panels_->text_samples.tint, TextTint::kSurprisal);
  ui_->click(ui_->center(std::string(kSamples) + "/probability"));
  EXPECT_EQ(panels_->text_samples.tint, TextTint::kProbability);
}

TEST_F(TextPanels, TemperatureTopKAndThePromptAreCommandsForTheNextRefresh) {
  open();
  const std::string t = std::string(kSamples) + "/temperature";
  ui_->drag(ui_->slider_point(t, 0.4), ui_->slider_point(t, 0.75), 6);
  std::vector<Command> c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.back().kind, Command::Kind::kSetParam);
  EXPECT_EQ(c.back().param, ParamId::kTemperature);
  EXPECT_NEAR(c.back().value.number, 1.5, 0.05);
  ui_->ctrl_click(ui_->center(std::string(kSamples) + "/top_k"));
  ui_->replace_text("5");
  c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.back().param, ParamId::kTopK);
  EXPECT_EQ(c.back().value.number, 5);
  ui_->click(ui_->center(std::string(kSamples) + "/prompt"));
  ui_->replace_text("Once upon a time");
  c = sent();
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.back().param, ParamId::kPrompt);
  EXPECT_EQ(c.back().value.text, "Once upon a time");
}

TEST_F(TextPanels, TheHistorySliderShowsPastSamplesByStep) {
  open();
  snapshot_.text.sampled.ids[0] = snapshot_.text.sampled.ids[2];  // "ehe cat": step 700's
  refresh(700);
  refresh(800);
  ASSERT_EQ(view_->history().text.entries.size(), 3u);
  EXPECT_NE(text(kSamples).find("sampled at step 800"), std::string::npos);
  const std::string h = std::string(kSamples) + "/history";
  ui_->drag(ui_->slider_point(h, 1.0, 2), ui_->slider_point(h, 0.0, 2), 6);
  EXPECT_FALSE(view_->history().live);
  EXPECT_NE(text(kSamples).find("sampled at step 600"), std::string::npos) << text(kSamples);
  EXPECT_NE(text(kSamples).find("the cat sat"), std::string::npos);
  // The loss plot marks the step scrubbed to; "live" follows training again.
  EXPECT_EQ(history_marker_step(*view_), 600.0);
  ui_->click(ui_->center(std::string(kSamples) + "/live"));
  EXPECT_TRUE(view_->history().live);
  EXPECT_NE(text(kSamples).find("sampled at step 800"), std::string::npos);
  EXPECT_NE(text(kSamples).find("ehe cat"), std::string::npos);
}

TEST_F(TextPanels, LossesAreBitsPerCharacterAgainstTheUnigramAndBigramLines) {
  open();
  const std::string s = text(kLosses);
  EXPECT_NE(s.find("unigram (4.79) and bigram (3.74)"), std::string::npos) << s;
  for (const char* legend : {"train bpc", "val bpc", "unigram", "bigram"}) {
    EXPECT_NE(s.find(legend), std::string::npos) << legend;
  }
  EXPECT_EQ(s.find("no steps yet"), std::string::npos);
  EXPECT_EQ(panels_->losses.bigram_line.raw(0), 3.74f);
  EXPECT_EQ(panels_->losses.bigram_line.step(1), 200.0);
}

TEST_F(TextPanels, AttentionPicksALayerAndHeadAndHoveringThePassageMovesTheQuery) {
  open();
  EXPECT_NE(text("Inside").find("layer 0 head 0 over 30 validation characters"), std::string::npos)
      << text("Inside");
  ui_->drag(ui_->slider_point("Inside/layer", 0.0, 1), ui_->slider_point("Inside/layer", 1.0, 1), 5);
  ui_->drag(ui_->slider_point("Inside/head", 0.0, 1), ui_->slider_point("Inside/head", 1.0, 1), 5);
  EXPECT_EQ(panels_->text_inside.layer, 1);
  EXPECT_EQ(panels_->text_inside.head, 1);
  EXPECT_NE(text("Inside").find("layer 1 head 1"), std::string::npos);
  // The last character looks first; hovering "dog" makes its 'd' the query.
  EXPECT_EQ(panels_->text_inside.query, 29);
  const ImRect inside(ImVec2(ui_->item("Inside/attention").max.x, 0), ImVec2(1e5f, 1e5f));
  const ImRect dog = find_in(inside, "dog");
  ASSERT_GT(dog.GetWidth(), 0);
  ui_->move(ImVec2(dog.Min.x + 2, dog.GetCenter().y));
  ui_->frames(2);
  EXPECT_EQ(panels_->text_inside.query, 22);
  EXPECT_NE(text("Inside").find("where 'd' (position 22) looks"), std::string::npos) << text("Inside");
  // Clicking a tile of the all-heads grid picks that layer and head.
  const ProbedItem grid = ui_->item("Inside/all heads");
  ui_->click(ImVec2(grid.min.x + 3, grid.min.y + 3));
  EXPECT_EQ(panels_->text_inside.layer, 0);
  EXPECT_EQ(panels_->text_inside.head, 0);
}

TEST_F(TextPanels, RankUnitsFindsTheUnitThatFollowsThePositionInTheLine) {
  open(/*recurrent=*/true);
  EXPECT_NE(text("Inside").find("8 units x 30 characters"), std::string::npos) << text("Inside");
  ui_->click(ui_->center("Inside/Rank units"));
  ASSERT_FALSE(panels_->text_inside.ranking.empty());
  EXPECT_EQ(panels_->text_inside.ranking[0].unit, 5);
  EXPECT_EQ(panels_->text_inside.ranking[0].feature, TextFeature::kPositionInLine);
  EXPECT_NE(text("Inside").find("unit 5: position in line, r = +0.9"), std::string::npos) << text("Inside");
  ui_->click(ui_->center("Inside/rank 0"));
  EXPECT_EQ(panels_->text_inside.unit, 5);
  EXPECT_NE(text("Inside").find("the passage coloured by unit 5"), std::string::npos);
  // The unit slider picks another.
  ui_->drag(ui_->slider_point("Inside/unit", 5.0 / 7, 7), ui_->slider_point("Inside/unit", 2.0 / 7, 7), 5);
  EXPECT_EQ(panels_->text_inside.unit, 2);
}

TEST_F(TextPanels, EmbeddingsStatusAndAlarmsSpeakText) {
  open();
  EXPECT_NE(text("Embeddings").find("PCA at step 600 (31 % + 12 %"), std::string::npos) << text("Embeddings");
  EXPECT_NE(text("Embeddings").find("consonant"), std::string::npos);
  const std::string status = text("Status");
  EXPECT_NE(status.find("characters/s"), std::string::npos) << status;
  EXPECT_NE(status.find("22: ↵·!.Tacdeghilmnorstuwy"), std::string::npos) << status;
  panels_->status.open_alarms_tab = true;
  ui_->frames(2);
  EXPECT_NE(text("Status").find("exploding gradient"), std::string::npos) << text("Status");
  // F1's overlay describes the text panels.
  ui_->key(GLFW_KEY_F1);
  ui_->frames(2);
  const std::string help = text("Shortcuts and panels");
  EXPECT_NE(help.find("the ten likeliest"), std::string::npos) << help;
  EXPECT_NE(help.find("unigram and bigram"), std::string::npos) << help;
  EXPECT_NE(help.find("principal components"), std::string::npos) << help;
  EXPECT_EQ(help.find("Discriminator"), std::string::npos) << help;
}
