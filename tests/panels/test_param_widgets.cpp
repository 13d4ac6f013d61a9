// Every parameter widget the table generates, driven the way a hand does: drags to both ends
// and the middle of sliders, Ctrl+click and typing, +/- buttons, combo picks and text fields,
// for every parameter of every model family. Each test checks the command that reaches the
// trainer and what the widget then shows. No GL and no display: the harness only makes draw
// data, and the textures are stubs.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <cmath>

#include "gui/panels/panels.h"
#include "support/ui_harness.h"
#include "util/strings.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

constexpr float kWidth = 480, kHeight = 2400;  // tall enough that Controls needs no scrolling

// The commands one interaction sent.
struct Sent {
  std::vector<Command> commands;
  std::vector<std::string> errors;  // what the trainer would reject (validated in double)
  /// The last kSetParam for `id`, or nullptr.
  const Command* last_set(ParamId id) const {
    for (auto it = commands.rbegin(); it != commands.rend(); ++it) {
      if (it->kind == Command::Kind::kSetParam && it->param == id) return &*it;
    }
    return nullptr;
  }
  int count(Command::Kind k) const {
    int n = 0;
    for (const Command& c : commands) n += c.kind == k;
    return n;
  }
};

class ParamWidgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ui_ = UiHarness::without_gl(int(kWidth), int(kHeight));
    view_ = std::make_unique<View>(queue_, std::make_unique<StubTextureBackend>());
    ui_->draw = [&] { controls_.draw(*view_, ImRect(0, 0, kWidth, kHeight)); };
  }
  void TearDown() override {
    view_.reset();
    ui_.reset();
  }

  // A running snapshot of `family` with every parameter at its default.
  void start(ModelFamily family) {
    family_ = family;
    Params p;
    if (family == ModelFamily::kToy) p.set(ParamId::kDataset, {0, "ring8"});
    if (family == ModelFamily::kVae) p.set_from_string(ParamId::kModel, "vae");
    if (family == ModelFamily::kText) p.set_from_string(ParamId::kModel, "char-transformer");
    snapshot_ = Snapshot{};
    snapshot_.running = true;
    snapshot_.is_toy = family == ModelFamily::kToy;
    snapshot_.is_text = family == ModelFamily::kText;
    snapshot_.is_gan = family != ModelFamily::kVae && family != ModelFamily::kText;
    snapshot_.params = snapshot_.pending = p;
    snapshot_.commands_done = done_;
    view_->update_snapshot(snapshot_);
    ui_->frames(3);
    drain();
  }

  // What the trainer does with the queued commands: validates and stores edits (live ones in
  // force at once), marks them handled, publishes. Returns them.
  Sent drain() {
    Sent sent;
    queue_.drain(sent.commands);
    for (const Command& c : sent.commands) {
      done_ = std::max(done_, c.seq);
      if (c.kind == Command::Kind::kReset) snapshot_.params = snapshot_.pending;
      if (c.kind != Command::Kind::kSetParam) continue;
      const Status s = snapshot_.pending.set(c.param, c.value);
      if (!s) {
        sent.errors.push_back(s.error());
        continue;
      }
      if (param_spec(c.param).apply == ParamApply::kLive) snapshot_.params.set(c.param, c.value);
    }
    snapshot_.commands_done = done_;
    view_->update_snapshot(snapshot_);
    ui_->frames(2);
    return sent;
  }

  // The widget's frame (without the label column) in the last frame.
  ImRect frame_of(const ParamSpec& spec) const {
    const ProbedItem it = ui_->item(std::string("Controls/") + spec.key);
    return ImRect(it.min, it.frame_max);
  }
  std::string shown(const ParamSpec& spec) const { return ui_->text_in(frame_of(spec)); }
  std::string name(const ParamSpec& spec) const { return std::string("Controls/") + spec.key; }

  // Drags the slider of `spec` from its grab to the point at ratio `to` (< 0 or > 1: past the
  // frame's end), in several steps.
  Sent drag_slider(const ParamSpec& spec, double to) {
    const double range = spec.type == ParamType::kInt ? spec.max_value - spec.min_value : 0;
    const double at = param_slider_ratio(spec, snapshot_.pending.number(spec.id));
    const ImVec2 from = ui_->slider_point(name(spec), at, range);
    const ImRect frame = frame_of(spec);
    ImVec2 dest = ui_->slider_point(name(spec), std::clamp(to, 0.0, 1.0), range);
    if (to < 0) dest.x = frame.Min.x - 60;
    if (to > 1) dest.x = frame.Max.x + 60;
    ui_->drag(from, dest, 6);
    return drain();
  }

  // Ctrl+clicks the widget and types `text`, then Enter.
  Sent type_into(const ParamSpec& spec, const std::string& text) {
    ui_->ctrl_click(ui_->center(name(spec)));
    ui_->replace_text(text);
    return drain();
  }

  void expect_value(const ParamSpec& spec, const Sent& sent, double want, const char* what) {
    const Command* c = sent.last_set(spec.id);
    ASSERT_NE(c, nullptr) << spec.key << ": " << what << " sent no edit";
    EXPECT_EQ(c->value.number, want) << spec.key << ": " << what;
    EXPECT_TRUE(validate_param(spec, c->value).ok()) << spec.key << ": " << what;
    EXPECT_TRUE(sent.errors.empty()) << spec.key << ": " << what << ": " << sent.errors.front();
    if (spec.apply == ParamApply::kReset) {
      EXPECT_EQ(sent.count(Command::Kind::kReset), 1) << spec.key << ": a * edit resets";
    } else {
      EXPECT_EQ(sent.count(Command::Kind::kReset), 0) << spec.key << ": a live edit never resets";
    }
    const std::string text = format_param_value(spec, c->value);
    EXPECT_NE(shown(spec).find(text), std::string::npos)
        << spec.key << ": " << what << ": the widget shows '" << shown(spec) << "', not " << text;
  }

  // Exercises one slider: both ends, the middle, and a typed value.
  void check_slider(const ParamSpec& spec) {
    SCOPED_TRACE(spec.key);
    // Toward the end the value is not at first (a drag that changes nothing sends nothing).
    Sent sent;
    if (snapshot_.pending.number(spec.id) != spec.max_value) {
      sent = drag_slider(spec, 2.0);
      expect_value(spec, sent, spec.max_value, "drag to the right end");
      sent = drag_slider(spec, -1.0);
      expect_value(spec, sent, spec.min_value, "drag to the left end");
    } else {
      sent = drag_slider(spec, -1.0);
      expect_value(spec, sent, spec.min_value, "drag to the left end");
      sent = drag_slider(spec, 2.0);
      expect_value(spec, sent, spec.max_value, "drag to the right end");
    }
    sent = drag_slider(spec, 0.5);
    const Command* c = sent.last_set(spec.id);
    ASSERT_NE(c, nullptr) << spec.key << ": a drag to the middle sent nothing";
    EXPECT_NEAR(param_slider_ratio(spec, c->value.number), 0.5, 0.06)
        << spec.key << " = " << c->value.number << " after a drag to the middle";
    EXPECT_TRUE(validate_param(spec, c->value).ok());
    // A typed value between the ends that the drags did not give.
    double typed = spec.type == ParamType::kInt
                       ? std::floor(spec.min_value + 0.3 * (spec.max_value - spec.min_value))
                       : spec.min_value + 0.3 * (spec.max_value - spec.min_value);
    if (spec.log_scale) typed = std::pow(10.0, std::log10(spec.min_value) + 0.3 * std::log10(spec.max_value / spec.min_value));
    typed = *parse_double(strformat(spec.type == ParamType::kInt ? "%.0f" : "%.6g", typed));
    sent = type_into(spec, strformat(spec.type == ParamType::kInt ? "%.0f" : "%.6g", typed));
    ASSERT_NE(sent.last_set(spec.id), nullptr) << spec.key << ": typing sent nothing";
    EXPECT_DOUBLE_EQ(sent.last_set(spec.id)->value.number, typed) << spec.key << ": typed";
    // The edge itself, typed: accepted as it is (validated in double, the table's type).
    sent = type_into(spec, format_number(spec.min_value));
    const Command* m = sent.last_set(spec.id);
    ASSERT_NE(m, nullptr) << spec.key << ": typing the minimum sent nothing";
    EXPECT_EQ(m->value.number, spec.min_value) << spec.key;
    EXPECT_TRUE(validate_param(spec, m->value).ok()) << spec.key << ": typed minimum";
  }

  // Exercises a +/- int input: the buttons and typing.
  void check_input(const ParamSpec& spec) {
    SCOPED_TRACE(spec.key);
    ImRect f = frame_of(spec);
    const float h = f.GetHeight();
    const double before = snapshot_.pending.number(spec.id);
    ui_->click(ImVec2(f.Max.x - 0.5f * h, f.GetCenter().y));  // "+"
    Sent sent = drain();
    if (before < spec.max_value) expect_value(spec, sent, before + 1, "the + button");
    const double typed = std::floor(spec.min_value + 0.25 * (spec.max_value - spec.min_value));
    f = frame_of(spec);
    ui_->click(ImVec2(f.Min.x + 10, f.GetCenter().y));
    ui_->replace_text(strformat("%.0f", typed));
    sent = drain();
    expect_value(spec, sent, typed, "typing and Enter");
    f = frame_of(spec);
    ui_->click(ImVec2(f.Min.x + 10, f.GetCenter().y));
    ui_->replace_text(format_number(spec.max_value));
    sent = drain();
    expect_value(spec, sent, spec.max_value, "typing the maximum");
  }

  // Opens a combo and picks every choice in turn.
  void check_combo(const ParamSpec& spec) {
    SCOPED_TRACE(spec.key);
    for (int pick = int(spec.choices.size()) - 1; pick >= 0; --pick) {
      if (pick == int(snapshot_.pending.number(spec.id))) continue;
      ui_->click(ui_->center(name(spec)));
      const ImRect option = ui_->find_text(spec.choices[pick], /*whole_line=*/true);
      ASSERT_GT(option.GetWidth(), 0) << spec.key << ": option " << spec.choices[pick]
                                      << " not shown in the open combo";
      ui_->click(option.GetCenter());
      Sent sent = drain();
      expect_value(spec, sent, pick, "picking from the combo");
      restore();
    }
  }

  // Clicks into a text field, replaces its text and presses Enter.
  void check_text(const ParamSpec& spec) {
    SCOPED_TRACE(spec.key);
    ui_->click(ui_->center(name(spec)));
    ui_->replace_text("typed-value");
    Sent sent = drain();
    const Command* c = sent.last_set(spec.id);
    ASSERT_NE(c, nullptr) << spec.key << ": Enter sent nothing";
    EXPECT_EQ(c->value.text, "typed-value");
    EXPECT_NE(shown(spec).find("typed-value"), std::string::npos) << shown(spec);
    restore();
  }

  // Back to the family's defaults (a choice or text edit can switch the family).
  void restore() { start(family_); }

  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  std::unique_ptr<View> view_;
  Snapshot snapshot_;
  ControlsPanel controls_;
  ModelFamily family_ = ModelFamily::kImageGan;
  uint64_t done_ = 0;
};

class EveryFamily : public ParamWidgetTest,
                    public ::testing::WithParamInterface<ModelFamily> {};

}  // namespace

// The log slider could not be dragged: ImGui's logarithmic slider takes its zero epsilon from the
// format's precision, 10 for "%.2e", so a drag showed 1.00e+01 and sent 10 (out of range).
TEST_F(ParamWidgetTest, LearningRateSlidersDragOverTheirWholeRange) {
  start(ModelFamily::kImageGan);
  for (ParamId id : {ParamId::kLrG, ParamId::kLrD}) {
    const ParamSpec& spec = param_spec(id);
    Sent sent = drag_slider(spec, -1.0);
    expect_value(spec, sent, 1e-6, "drag to the left end");
    EXPECT_NE(shown(spec).find("1.00e-06"), std::string::npos) << shown(spec);
    sent = drag_slider(spec, 2.0);
    expect_value(spec, sent, 0.1, "drag to the right end");
    EXPECT_NE(shown(spec).find("1.00e-01"), std::string::npos) << shown(spec);
    // The middle of a log slider is the geometric mean, 1e-6 * 1e5^0.5 = 3.16e-4.
    sent = drag_slider(spec, 0.5);
    ASSERT_NE(sent.last_set(id), nullptr);
    EXPECT_NEAR(std::log10(sent.last_set(id)->value.number), -3.5, 0.25);
    // Every edit during the drag is in range: the trainer rejects none.
    for (const Command& c : sent.commands) {
      if (c.kind == Command::Kind::kSetParam) EXPECT_TRUE(validate_param(spec, c.value).ok());
    }
  }
}

TEST_F(ParamWidgetTest, CtrlClickTypesALearningRateAndTheMinimumIsAccepted) {
  start(ModelFamily::kImageGan);
  const ParamSpec& spec = param_spec(ParamId::kLrG);
  Sent sent = type_into(spec, "0.001");
  expect_value(spec, sent, 0.001, "typed 0.001");
  // Typed in float, 1e-6 became 9.99999997e-07 and the table (double) refused it.
  sent = type_into(spec, "1e-6");
  expect_value(spec, sent, 1e-6, "typed 1e-6");
  // Out of range: sent as typed, so the trainer's error names the range.
  sent = type_into(spec, "10");
  ASSERT_NE(sent.last_set(spec.id), nullptr);
  ASSERT_EQ(sent.errors.size(), 1u);
  EXPECT_EQ(sent.errors[0], "lr_g: 10 is outside the range [1e-06, 0.1]");
}

TEST_F(ParamWidgetTest, TabMovesTypingToTheNextSlider) {
  start(ModelFamily::kImageGan);
  ui_->ctrl_click(ui_->center("Controls/lr_g"));
  ui_->key(GLFW_KEY_A, /*ctrl=*/true);
  ui_->type("0.002");
  ui_->key(GLFW_KEY_TAB);
  ui_->key(GLFW_KEY_A, /*ctrl=*/true);
  ui_->type("0.0005");
  ui_->key(GLFW_KEY_ENTER);
  Sent sent = drain();
  ASSERT_NE(sent.last_set(ParamId::kLrG), nullptr);
  ASSERT_NE(sent.last_set(ParamId::kLrD), nullptr);
  EXPECT_EQ(sent.last_set(ParamId::kLrG)->value.number, 0.002);
  EXPECT_EQ(sent.last_set(ParamId::kLrD)->value.number, 0.0005);
}

TEST_F(ParamWidgetTest, ADragOfANeedsResetSliderSendsOneEditAndOneReset) {
  start(ModelFamily::kImageGan);
  const ParamSpec& spec = param_spec(ParamId::kWidth);
  const double at = param_slider_ratio(spec, snapshot_.pending.number(spec.id));
  const double range = spec.max_value - spec.min_value;
  ui_->drag_hold(ui_->slider_point(name(spec), at, range),
                 ui_->slider_point(name(spec), 0.8, range), 6);
  Sent during = drain();
  EXPECT_EQ(during.last_set(spec.id), nullptr) << "a needs-reset edit waits for the release";
  ui_->release();
  Sent sent = drain();
  ASSERT_NE(sent.last_set(spec.id), nullptr);
  EXPECT_EQ(sent.count(Command::Kind::kSetParam), 1);
  EXPECT_EQ(sent.count(Command::Kind::kReset), 1);
}

TEST_F(ParamWidgetTest, ADraggedValueStaysShownUntilTheTrainerHandledIt) {
  start(ModelFamily::kImageGan);
  const ParamSpec& spec = param_spec(ParamId::kBeta1);
  drag_slider(spec, 2.0);
  ui_->drag(ui_->slider_point(name(spec), 1.0), ui_->slider_point(name(spec), 0.0), 4);
  // The trainer has not handled the edit yet: the snapshot still says 0.999.
  ui_->frames(3);
  EXPECT_NE(shown(spec).find("0.000"), std::string::npos) << shown(spec);
  Sent sent = drain();
  ASSERT_NE(sent.last_set(spec.id), nullptr);
  EXPECT_EQ(sent.last_set(spec.id)->value.number, 0.0);
  EXPECT_NE(shown(spec).find("0.000"), std::string::npos) << shown(spec);
}

TEST_P(EveryFamily, EveryParameterWorksByDragClickAndTyping) {
  start(GetParam());
  int checked = 0;
  for (const ParamSpec& spec : param_table()) {
    if (!controls_shows(spec, family_)) continue;
    if (spec.id == ParamId::kModel && family_ == ModelFamily::kToy) continue;  // hidden there
    ASSERT_TRUE(ui_->has(name(spec))) << spec.key << " is not drawn for this family";
    switch (spec.type) {
      case genscope::ParamType::kFloat:
        check_slider(spec);
        break;
      case genscope::ParamType::kInt:
        if (param_uses_input(spec)) {
          check_input(spec);
        } else {
          check_slider(spec);
        }
        break;
      case genscope::ParamType::kChoice:
        check_combo(spec);
        break;
      case genscope::ParamType::kText:
        check_text(spec);
        break;
    }
    restore();
    ++checked;
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(checked, 10);
}

INSTANTIATE_TEST_SUITE_P(Families, EveryFamily,
                         ::testing::Values(ModelFamily::kImageGan, ModelFamily::kVae,
                                           ModelFamily::kToy, ModelFamily::kText),
                         [](const ::testing::TestParamInfo<ModelFamily>& info) {
                           return info.param == ModelFamily::kImageGan ? std::string("ImageGan")
                                  : info.param == ModelFamily::kVae    ? std::string("Vae")
                                  : info.param == ModelFamily::kToy    ? std::string("Toy")
                                                                       : std::string("Text");
                         });

TEST_F(ParamWidgetTest, HoveringAParameterShowsTheTablesHelp) {
  for (ModelFamily family : {ModelFamily::kImageGan, ModelFamily::kVae, ModelFamily::kToy}) {
    start(family);
    for (const ParamSpec& spec : param_table()) {
      if (!controls_shows(spec, family) || !ui_->has(name(spec))) continue;
      ui_->move(ui_->center(name(spec)));
      ui_->frames(1);
      std::string tip;  // every tooltip shown (a second one in a frame is ##Tooltip_01)
      for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
        if (w->Active && std::string(w->Name).rfind("##Tooltip_", 0) == 0) tip += ui_->window_text(w->Name);
      }
      // The help's first words (the tooltip wraps nothing: each line is whole).
      const std::string help(spec.help);
      const std::string start = help.substr(0, std::min<size_t>(help.find(' ', 12), 24));
      EXPECT_NE(tip.find(start), std::string::npos)
          << spec.key << ": the tooltip does not show its help '" << start << "':\n" << tip;
      EXPECT_NE(tip.find(spec.apply == ParamApply::kReset ? "resets training" : "Applies live"),
                std::string::npos)
          << spec.key << ":\n" << tip;
      ui_->move(ImVec2(-100, -100));
    }
  }
}

TEST_F(ParamWidgetTest, EscWhileTypingCancelsAndKeepsTheExactValue) {
  start(ModelFamily::kImageGan);
  const ParamSpec& spec = param_spec(ParamId::kBeta1);
  Sent sent = type_into(spec, "0.12345");  // kept exactly, though it shows as 0.123
  ASSERT_NE(sent.last_set(spec.id), nullptr);
  EXPECT_EQ(sent.last_set(spec.id)->value.number, 0.12345);
  ui_->ctrl_click(ui_->center(name(spec)));
  ui_->key(GLFW_KEY_A, /*ctrl=*/true);
  ui_->type("0.9");
  ui_->key(GLFW_KEY_ESCAPE);
  sent = drain();
  EXPECT_EQ(sent.last_set(spec.id), nullptr) << "Esc sent " << sent.last_set(spec.id)->value.number;
  EXPECT_EQ(snapshot_.pending.number(spec.id), 0.12345);
  EXPECT_NE(shown(spec).find("0.123"), std::string::npos) << shown(spec);
}
