// The Run: one owner of a run. Its directory keeps everything (config.cfg that reproduces the
// run, metrics.csv with empty cells for what was not measured, events.log, checkpoints/), a
// diverged run is never saved automatically, and a reset is a new run in a new folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "core/params.h"
#include "support/test_files.h"
#include "train/family_access.h"
#include "train/checkpoint.h"
#include "train/run.h"
#include "train/session.h"
#include "train/torch_pch.h"
#include "train/trainer.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

const bool kCleanup = test::remove_when_all_pass("run");

std::string dir() { return test::process_dir("run"); }

std::string squares() {
  static const std::string path = test::write_squares_dataset(dir() + "/squares");
  return path;
}

Params small(const std::string& model = "dcgan") {
  Params p;
  for (auto [id, value] : {std::pair{ParamId::kModel, model}, {ParamId::kDataset, squares()},
                           {ParamId::kWidth, std::string("8")}, {ParamId::kLatentDim, std::string("8")},
                           {ParamId::kBatchSize, std::string("16")}, {ParamId::kSeed, std::string("7")},
                           {ParamId::kEvalEvery, std::string("0")}}) {
    EXPECT_TRUE(p.set_from_string(id, value).ok());
  }
  return p;
}

// Writes to `path` a checkpoint of `p` after one step whose weights hold a NaN: the step after
// loading it is non-finite.
void write_poisoned_checkpoint(const Params& p, const std::string& path) {
  auto data = load_dataset(squares());
  ASSERT_TRUE(data.ok()) << data.error();
  auto s = TrainingSession::create(p, std::make_shared<const Dataset>(std::move(*data)));
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_TRUE((*s)->step().stepped);
  {
    torch::NoGradGuard no_grad;
    image_model(**s).named_parameters()[0].second.view({-1})[0] = std::nanf("");
  }
  ASSERT_TRUE(save_checkpoint(**s, path).ok());
}

RunOptions headless(Params p, const std::string& out, const std::string& resume = {}) {
  RunOptions o{std::move(p), resume, out};
  o.headless = true;
  return o;
}

TEST(RunOwner, ItsDirectoryKeepsEverythingAndItsConfigReproducesTheMetrics) {
  const std::string a = dir() + "/a", b = dir() + "/b";
  Params p = small();
  ASSERT_TRUE(p.set_from_string(ParamId::kCheckpointEvery, "5").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kLrG, "0.000123456789").ok());
  HeadlessFiles used;
  ASSERT_TRUE(run_headless(headless(p, a), 10, {}, &used).ok());
  EXPECT_EQ(used.dir, a);
  EXPECT_EQ(used.samples, "samples.png");
  std::vector<std::string> names = test::names_in(a);
  ASSERT_EQ(names.size(), 6u) << ::testing::PrintToString(names);
  EXPECT_EQ(names[3].rfind("events.out.tfevents.", 0), 0u) << names[3];  // TensorBoard's file
  names.erase(names.begin() + 3);
  EXPECT_EQ(names, (std::vector<std::string>{"checkpoints", "config.cfg", "events.log",
                                             "metrics.csv", "samples.png"}));
  EXPECT_EQ(test::names_in(a + "/checkpoints"),
            (std::vector<std::string>{"step-10.ckpt", "step-5.ckpt"}));
  EXPECT_NE(test::read_text(a + "/events.log").find("saved checkpoint"), std::string::npos);
  // config.cfg gives the same run: every row the same but its wall time.
  Params again;
  ASSERT_TRUE(load_config(a + "/config.cfg", again).ok());
  EXPECT_EQ(again.number(ParamId::kLrG), p.number(ParamId::kLrG));  // bit-exact
  ASSERT_TRUE(run_headless(headless(again, b), 10).ok());
  const auto rows_a = test::rows_without_time(a + "/metrics.csv");
  EXPECT_EQ(rows_a.size(), 11u);  // the header and 10 steps
  EXPECT_EQ(rows_a, test::rows_without_time(b + "/metrics.csv"));
}

TEST(RunOwner, ADivergedRunIsNeverSavedAutomatically) {
  Params p = small();
  ASSERT_TRUE(p.set_from_string(ParamId::kCheckpointEvery, "1").ok());
  const std::string poisoned = dir() + "/poisoned.ckpt";
  ASSERT_NO_FATAL_FAILURE(write_poisoned_checkpoint(p, poisoned));
  const std::string out = dir() + "/diverged";
  Status status = run_headless(headless(p, out, poisoned), 5);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("NaN"), std::string::npos) << status.error();
  EXPECT_FALSE(fs::exists(out + "/checkpoints/step-2.ckpt"));
  EXPECT_TRUE(fs::exists(out + "/metrics.csv"));
  EXPECT_NE(test::read_text(out + "/events.log").find("resumed"), std::string::npos);
}

// Ctrl+S after a NaN pause: the diverged state gets a name of its own, the last good checkpoint
// stays as it was, and Roll back still goes to the checkpoint the run came from.
TEST(RunOwner, AManualSaveOfADivergedRunKeepsTheGoodCheckpoint) {
  Params p = small();
  ASSERT_TRUE(p.set_from_string(ParamId::kCheckpointPath, "good.ckpt").ok());
  const std::string poisoned = dir() + "/poisoned_manual.ckpt";
  ASSERT_NO_FATAL_FAILURE(write_poisoned_checkpoint(p, poisoned));
  const std::string out = dir() + "/manual_diverged";
  genscope::Run run(headless(p, out));
  ASSERT_TRUE(run.start().ok());
  run.tick();
  run.handle(Command::of(Command::Kind::kSaveCheckpoint));
  const std::string good = out + "/good.ckpt";  // a bare name: in the run directory
  ASSERT_TRUE(fs::exists(good)) << run.message();
  const std::string before = test::read_text(good);
  Command load = Command::of(Command::Kind::kLoadCheckpoint);
  load.value.text = poisoned;
  run.handle(load);
  run.handle(Command::of(Command::Kind::kResume));
  ASSERT_TRUE(run.tick().non_finite) << run.message();
  run.handle(Command::of(Command::Kind::kSaveCheckpoint));
  EXPECT_EQ(test::read_text(good), before) << "the good checkpoint was replaced";
  EXPECT_NE(run.message().find("diverged"), std::string::npos) << run.message();
  EXPECT_EQ(test::names_in(out + "/checkpoints"), (std::vector<std::string>{"diverged-step2.ckpt"}));
  Snapshot snap;
  run.fill(snap, false);
  EXPECT_EQ(snap.checkpoint_path, poisoned) << "Roll back goes where the run came from";
  ASSERT_TRUE(run.finish().ok());
}

TEST(RunOwner, AResetIsANewRunInANewFolderAndEditsAreLoggedWithTheirStep) {
  const std::string out = dir() + "/reset";
  genscope::Run run(headless(small(), out));
  ASSERT_TRUE(run.start().ok());
  for (int i = 0; i < 3; ++i) run.tick();
  run.handle(Command::set(ParamId::kLrD, {1e-3, ""}));
  run.handle(Command::of(Command::Kind::kReset));
  EXPECT_EQ(run.dir().path(), out + "-2");
  run.tick();
  Snapshot snap;
  run.fill(snap, false);
  EXPECT_EQ(snap.run_dir, out + "-2");
  ASSERT_TRUE(run.finish().ok());
  const std::string log = test::read_text(out + "/events.log");
  EXPECT_NE(log.find("step 3: lr_d 2.00e-04 \u2192 1.00e-03"), std::string::npos) << log;
  EXPECT_NE(log.find("the new run is in " + out + "-2"), std::string::npos) << log;
  EXPECT_EQ(test::rows_without_time(out + "/metrics.csv").size(), 4u);
  EXPECT_EQ(test::rows_without_time(out + "-2/metrics.csv").size(), 2u);
  Params cfg;
  ASSERT_TRUE(load_config(out + "-2/config.cfg", cfg).ok());
  EXPECT_EQ(cfg.number(ParamId::kLrD), 1e-3);
}

TEST(RunOwner, TheTwoDLabLeavesModeMetricsEmptyBetweenEvaluationsAndAlarmsReachTheSnapshot) {
  Params p;
  ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "ring8").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kMetricsEvery, "5").ok());
  const std::string out = dir() + "/toy";
  genscope::Run run(headless(p, out));
  ASSERT_TRUE(run.start().ok());
  for (int i = 0; i < 10; ++i) run.tick();
  run.handle(Command::mute_alarm(int(AlarmKind::kCollapse), true));
  Snapshot snap;
  run.fill(snap, false);
  EXPECT_TRUE(snap.alarm_muted[int(AlarmKind::kCollapse)]);
  EXPECT_EQ(snap.run_dir, out);
  ASSERT_TRUE(run.finish().ok());
  const auto rows = test::rows_without_time(out + "/metrics.csv");
  ASSERT_EQ(rows.size(), 11u);
  // step,epoch,loss_d,loss_g,d_real,d_fake,modes,hq,kl,js: the mode metrics at steps 5 and 10.
  EXPECT_NE(rows[1].find(",,,,,"), std::string::npos) << rows[1];
  EXPECT_EQ(rows[5].find(",,"), std::string::npos) << rows[5];
  EXPECT_TRUE(fs::exists(out + "/scatter.png"));
}

}  // namespace

// Resumed headless, the 2D lab says it wrote its scatter plot, the file it does write (it used
// to say samples.png).
TEST(RunOwner, AResumed2DLabNamesTheSampleImageItWrote) {
  const std::string a = dir() + "/lab_a", b = dir() + "/lab_b";
  Params p;
  ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "ring8").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kCheckpointEvery, "5").ok());
  ASSERT_TRUE(run_headless(headless(p, a), 5).ok());
  HeadlessFiles used;
  ASSERT_TRUE(run_headless(headless(p, b, a + "/checkpoints/step-5.ckpt"), 3, {}, &used).ok());
  EXPECT_EQ(used.dir, b);
  EXPECT_EQ(used.samples, "scatter.png");
  EXPECT_TRUE(fs::exists(b + "/scatter.png"));
  EXPECT_FALSE(fs::exists(b + "/samples.png"));
}
