// What the trainer says about each command: an applied edit is a history line with its step and
// its old and new values, a rejected one an error that the next applied edit clears, pauses and
// resumes are confirmed, and every snapshot says which commands were handled.
#include <gtest/gtest.h>

#include "support/trainer_harness.h"

using namespace genscope;

namespace {

// A Trainer on the 2D lab (nothing to load) and a way to wait for what it publishes.
class TrainerEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    RunOptions o;
    o.params.set(ParamId::kDataset, {0, "ring8"});
    // Its run directories (a reset makes a new one) go under the test's scratch folder.
    o.params.set(ParamId::kRunsDir, {0, std::string(GENSCOPE_TEST_TMP) + "/events_runs"});
    trainer_.start(std::move(o));
  }
  void TearDown() override { trainer_.stop(); }

  Snapshot handled(Command c) { return trainer_.handled(std::move(c)); }
  static const RunEvent* newest(const Snapshot& s) {
    return s.events.empty() ? nullptr : &s.events.back();
  }

  test::TrainerHarness trainer_;
};

}  // namespace

TEST_F(TrainerEvents, AnAppliedEditIsAHistoryLineWithItsStepAndValues) {
  const Snapshot before = handled(Command::of(Command::Kind::kPause));
  const std::string from =
      format_param_value(param_spec(ParamId::kLrD), before.params.value(ParamId::kLrD));
  Snapshot s = handled(Command::set(ParamId::kLrD, {4e-5, ""}));
  ASSERT_NE(newest(s), nullptr);
  EXPECT_EQ(newest(s)->step, s.step);
  EXPECT_EQ(newest(s)->param, ParamId::kLrD);
  EXPECT_EQ(newest(s)->text, "lr_d " + from + " \u2192 4.00e-05");
  EXPECT_EQ(s.params.number(ParamId::kLrD), 4e-5);
  // A drag sends many edits: they merge into one line from the first value to the last.
  handled(Command::set(ParamId::kLrD, {2e-3, ""}));
  s = handled(Command::set(ParamId::kLrD, {5e-3, ""}));
  EXPECT_EQ(newest(s)->text, "lr_d " + from + " \u2192 5.00e-03");
  // A needs-reset edit says it resets training.
  s = handled(Command::set(ParamId::kWidthG, {64, ""}));
  EXPECT_NE(newest(s)->text.find("resets training"), std::string::npos) << newest(s)->text;
}

TEST_F(TrainerEvents, ARejectedEditIsAnErrorUntilTheNextAppliedOne) {
  Snapshot s = handled(Command::set(ParamId::kLrG, {10.0, ""}));
  EXPECT_EQ(s.message_level, MessageLevel::kError);
  EXPECT_EQ(s.message, "lr_g: 10 is outside the range [1e-06, 0.1]");
  // The edge of the range is a valid value: accepted, and the error is gone.
  s = handled(Command::set(ParamId::kLrG, {1e-6, ""}));
  EXPECT_EQ(s.params.number(ParamId::kLrG), 1e-6);
  EXPECT_NE(s.message_level, MessageLevel::kError) << s.message;
  EXPECT_TRUE(s.message.empty()) << s.message;
}

TEST_F(TrainerEvents, PauseAndResumeAreConfirmed) {
  Snapshot s = handled(Command::of(Command::Kind::kPause));
  EXPECT_TRUE(s.paused);
  ASSERT_NE(newest(s), nullptr);
  EXPECT_EQ(newest(s)->text, "paused");
  s = handled(Command::of(Command::Kind::kResume));
  EXPECT_FALSE(s.paused);
  EXPECT_EQ(newest(s)->text, "resumed");
  s = handled(Command::of(Command::Kind::kPause));
  const uint64_t id = newest(s)->id;
  s = handled(Command::of(Command::Kind::kPause));  // already paused: nothing new to say
  EXPECT_EQ(newest(s)->id, id);
}

TEST_F(TrainerEvents, AResetIsAHistoryLine) {
  handled(Command::set(ParamId::kWidthG, {64, ""}));
  Snapshot s = handled(Command::of(Command::Kind::kReset));
  ASSERT_NE(newest(s), nullptr);
  bool found = false;
  for (const RunEvent& e : s.events) found |= e.text.find("width_g=64") != std::string::npos;
  EXPECT_TRUE(found) << newest(s)->text;
  EXPECT_EQ(s.params.integer(ParamId::kWidthG), 64);
}
