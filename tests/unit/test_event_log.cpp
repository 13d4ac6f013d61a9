// The run's history: ids in order, edits of one parameter in a row merge, capacity.
#include <gtest/gtest.h>

#include <fstream>

#include "core/record_settings.h"
#include "support/test_files.h"
#include "core/events.h"
#include "util/strings.h"

using namespace genscope;

namespace {
void touch(const std::string& path) { std::ofstream(path) << "x"; }
}  // namespace

TEST(EventLog, EditsOfOneParameterInARowMergeIntoOneLine) {
  EventLog log;
  log.add(RunEvent::edit(ParamId::kLrD, "2.00e-04", "3.00e-04", 10, false));
  log.add(RunEvent::edit(ParamId::kLrD, "3.00e-04", "1.00e-03", 12, false));
  ASSERT_EQ(log.events().size(), 1u);
  const RunEvent& e = log.events().back();
  EXPECT_EQ(e.id, 1u);
  EXPECT_EQ(e.revision, 1u);
  EXPECT_EQ(e.step, 12);
  EXPECT_EQ(e.text, "lr_d 2.00e-04 \u2192 1.00e-03");
  EXPECT_EQ(event_line(e), "step 12: lr_d 2.00e-04 \u2192 1.00e-03");
  // Another parameter, or a message in between, starts a new line.
  log.add(RunEvent::edit(ParamId::kLrG, "2.00e-04", "5.00e-04", 12, false));
  log.add(RunEvent::message(MessageLevel::kInfo, "paused", 12));
  log.add(RunEvent::edit(ParamId::kLrG, "5.00e-04", "6.00e-04", 13, false));
  ASSERT_EQ(log.events().size(), 4u);
  EXPECT_EQ(log.events()[3].id, 4u);
  EXPECT_EQ(log.events()[3].text, "lr_g 5.00e-04 \u2192 6.00e-04");
  // A needs-reset edit says when it applies.
  log.add(RunEvent::edit(ParamId::kWidth, "32", "48", 13, true));
  EXPECT_EQ(log.events().back().text, "width 32 \u2192 48 (new weights: resets training)");
}

TEST(EventLog, EditsOfOneParameterSecondsApartAreTwoLines) {
  EventLog log;  // a drag (edits every frame), then a typed value a few seconds later
  log.add(RunEvent::edit(ParamId::kLrG, "1.00e-06", "2.00e-05", 10, false, 20.0));
  log.add(RunEvent::edit(ParamId::kLrG, "2.00e-05", "3.06e-04", 11, false, 20.4));
  log.add(RunEvent::edit(ParamId::kLrG, "3.06e-04", "1.00e-03", 30, false, 26.0));
  ASSERT_EQ(log.events().size(), 2u);
  EXPECT_EQ(log.events()[0].text, "lr_g 1.00e-06 \u2192 3.06e-04");
  EXPECT_EQ(log.events()[1].text, "lr_g 3.06e-04 \u2192 1.00e-03");
}

TEST(EventLog, KeepsTheNewestLinesAndCopiesTheTail) {
  EventLog log;
  for (int i = 0; i < int(EventLog::kCapacity) + 5; ++i) {
    log.add(RunEvent::message(MessageLevel::kInfo, "line " + std::to_string(i), i));
  }
  EXPECT_EQ(log.events().size(), EventLog::kCapacity);
  EXPECT_EQ(log.events().front().text, "line 5");
  std::vector<RunEvent> tail;
  log.copy_newest(3, tail);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail.back().id, EventLog::kCapacity + 5);
  EXPECT_EQ(tail.front().text, "line " + std::to_string(EventLog::kCapacity + 2));
}

TEST(Params, ValuesShowAsTheWidgetsShowThem) {
  EXPECT_EQ(format_param_value(param_spec(ParamId::kLrG), {2e-4, ""}), "2.00e-04");
  EXPECT_EQ(format_param_value(param_spec(ParamId::kBeta2), {0.9999, ""}), "0.9999");
  EXPECT_EQ(format_param_value(param_spec(ParamId::kBeta1), {0.5, ""}), "0.500");
  EXPECT_EQ(format_param_value(param_spec(ParamId::kWidth), {48, ""}), "48");
  EXPECT_EQ(format_param_value(param_spec(ParamId::kModel), {2, ""}), "vae");
  // Enough decimals that both ends of every float range are exact.
  for (const ParamSpec& spec : param_table()) {
    if (spec.type != ParamType::kFloat || spec.log_scale) continue;
    for (double v : {spec.min_value, spec.max_value, spec.default_value}) {
      EXPECT_EQ(*parse_double(format_param_value(spec, {v, ""})), v) << spec.key;
    }
  }
}

TEST(RecordSettings, ANewRecordingNeverOverwritesAFile) {
  static const bool cleanup = test::remove_when_all_pass("next_free_path");
  (void)cleanup;
  const std::string dir = test::process_dir("next_free_path");
  EXPECT_EQ(next_free_path(dir + "/a.mp4"), dir + "/a.mp4");
  touch(dir + "/a.mp4");
  EXPECT_EQ(next_free_path(dir + "/a.mp4"), dir + "/a-2.mp4");
  touch(dir + "/a-2.mp4");
  EXPECT_EQ(next_free_path(dir + "/a.mp4"), dir + "/a-3.mp4");
}

TEST(RecordSettings, ARealTimeRecordingOfMostlyRepeatedFramesSuggestsLockstep) {
  EXPECT_EQ(repeat_advice(150, 36, false),
            "76 % of the frames repeat the previous training step (training moved on in 36 of "
            "150): lockstep records a new step in every frame");
  EXPECT_EQ(repeat_advice(150, 120, false), "");  // most frames show a new step
  EXPECT_EQ(repeat_advice(150, 36, true), "");    // lockstep: every frame is a new step
  EXPECT_EQ(repeat_advice(5, 1, false), "");      // too short to say
}
