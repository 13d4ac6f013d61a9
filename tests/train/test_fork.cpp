// Forking a run (--fork-at, --fork): the parent trains as if it had not been forked, a branch
// with no real edit repeats it step for step (determinism on the CPU), a branch with an edit
// differs from the fork step on only, and each branch's config.cfg names its parent.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "core/params.h"
#include "support/test_files.h"
#include "support/trainer_harness.h"
#include "train/fork_member.h"
#include "train/headless_fork.h"
#include "train/trainer.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

const bool kCleanup = test::remove_when_all_pass("fork");

std::string dir() { return test::process_dir("fork"); }

Params small() {
  static const Params params = test::small_gan_params(dir() + "/squares");
  return params;
}

RunOptions forked(const std::string& out, int64_t at, std::vector<std::string> forks) {
  RunOptions o{small(), "", out};
  o.headless = true;
  o.fork_at = at;
  o.forks = std::move(forks);
  return o;
}

// metrics.csv's rows without wall time, by step (the first cell).
std::map<std::string, std::string> rows_by_step(const std::string& run) {
  std::map<std::string, std::string> rows;
  const auto lines = test::rows_without_time(run + "/metrics.csv");
  for (size_t i = 1; i < lines.size(); ++i) rows[test::split(lines[i]).front()] = lines[i];
  return rows;
}

TEST(Fork, TheParentIsUntouchedAndABranchWithTheSameValueRepeatsIt) {
  const std::string plain = dir() + "/plain", out = dir() + "/same";
  RunOptions o{small(), "", plain};
  o.headless = true;
  ASSERT_TRUE(run_headless(o, 8).ok());
  const std::string same_lr = "lr_d=" + small().to_string(ParamId::kLrD);
  HeadlessFiles files;
  Status s = run_headless(forked(out, 3, {same_lr}), 8, {}, &files);
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(files.branches.size(), 1u);
  EXPECT_EQ(files.dir, out);
  EXPECT_EQ(files.branches[0], out + "-fork1-lr_d-" + small().to_string(ParamId::kLrD));
  // The parent trains exactly as the run that was not forked: the branch took nothing from it.
  EXPECT_EQ(test::rows_without_time(out + "/metrics.csv"),
            test::rows_without_time(plain + "/metrics.csv"));
  // The branch holds steps 4..8, each the same as the parent's.
  const auto parent = rows_by_step(out), branch = rows_by_step(files.branches[0]);
  ASSERT_EQ(branch.size(), 5u);
  EXPECT_EQ(branch.begin()->first, "4");
  for (const auto& [step, row] : branch) EXPECT_EQ(row, parent.at(step)) << "step " << step;
  EXPECT_TRUE(fs::exists(out + "/checkpoints/step-3.ckpt"));
}

TEST(Fork, AnEditChangesTheBranchFromTheForkStepOnAndItsConfigNamesTheParent) {
  const std::string out = dir() + "/edit";
  HeadlessFiles files;
  Status s = run_headless(forked(out, 4, {"lr_d=0.02", "loss=hinge,lr_g=1e-3"}), 9, {}, &files);
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(files.branches.size(), 2u);
  EXPECT_EQ(files.branches[1], out + "-fork2-loss-hinge+lr_g-1e-3");
  const auto parent = rows_by_step(out);
  ASSERT_EQ(parent.size(), 9u);
  for (const std::string& branch_dir : files.branches) {
    const auto branch = rows_by_step(branch_dir);
    ASSERT_EQ(branch.size(), 5u) << branch_dir;
    int differing = 0;
    for (const auto& [step, row] : branch) differing += row != parent.at(step);
    EXPECT_GE(differing, 4) << branch_dir;  // the first step's D loss may still be the parent's

    const std::string config = test::read_text(branch_dir + "/config.cfg");
    EXPECT_EQ(config_parent(config), out + "@4");
    Params p;
    ASSERT_TRUE(parse_config_text(config, branch_dir, p).ok());  // the parent line is skipped
    EXPECT_EQ(p.to_string(ParamId::kSeed), "7");
    EXPECT_NE(test::read_text(branch_dir + "/events.log").find("forked " + out + "@4 with"),
              std::string::npos);
  }
  Params first;
  ASSERT_TRUE(load_config(files.branches[0] + "/config.cfg", first).ok());
  EXPECT_EQ(first.number(ParamId::kLrD), 0.02);
  Params second;
  ASSERT_TRUE(load_config(files.branches[1] + "/config.cfg", second).ok());
  EXPECT_EQ(second.choice(ParamId::kLoss), "hinge");
  EXPECT_EQ(second.number(ParamId::kLrG), 1e-3);
  EXPECT_EQ(config_parent(test::read_text(out + "/config.cfg")), "");
}

TEST(Fork, AnEditThatChangesTheModelsShapesIsAClearErrorBeforeTheBranchesTrain) {
  const std::string out = dir() + "/shapes";
  Status s = run_headless(forked(out, 2, {"latent_dim=32"}), 6);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("--fork latent_dim=32: "), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("does not fit"), std::string::npos) << s.error();
  EXPECT_EQ(rows_by_step(out).size(), 2u);  // the parent stopped at the fork: nothing lost
  EXPECT_TRUE(fs::exists(out + "/checkpoints/step-2.ckpt"));
}

TEST(Fork, AForkStepOutsideTheRunIsAnError) {
  Status s = run_headless(forked(dir() + "/late", 20, {"lr_d=1e-4"}), 5);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("--fork-at 20: outside the run's steps 0..5"), std::string::npos)
      << s.error();
}

TEST(Fork, BranchDirectoriesAreNamedByTheirEditsAndNeverReused) {
  const std::string parent = dir() + "/names";
  EXPECT_EQ(branch_dir(parent, 1, "lr_d=1e-4"), parent + "-fork1-lr_d-1e-4");
  EXPECT_EQ(branch_dir(parent, 3, "dataset=/a b"), parent + "-fork3-dataset--a-b");
  fs::create_directories(parent + "-fork1-lr_d-1e-4");
  EXPECT_EQ(branch_dir(parent, 1, "lr_d=1e-4"), parent + "-fork1-lr_d-1e-4-2");
}

// The window's trainer: commands in, snapshots out.
class WindowFork : public ::testing::Test {
 protected:
  void start(const std::string& out) { trainer_.start(RunOptions{small(), "", out}); }
  void TearDown() override { trainer_.stop(); }
  template <class Pred>
  Snapshot wait_for(Pred done) { return trainer_.wait_for(done); }
  Snapshot handled(Command c) { return trainer_.handled(std::move(c)); }

  test::TrainerHarness trainer_;
};

TEST_F(WindowFork, BranchesTrainInTurnAndOneWithTheSameValueRepeatsTheRun) {
  const std::string out = dir() + "/window";
  start(out);
  Snapshot s = handled(Command::of(Command::Kind::kPause));
  const int64_t at = s.step + 2;
  handled(Command::of(Command::Kind::kStepTo, at));
  s = wait_for([&](const Snapshot& x) { return x.step == at && x.paused; });
  const std::string same = "lr_d=" + small().to_string(ParamId::kLrD);
  s = handled(Command::fork(same));
  ASSERT_EQ(s.fork.size(), 2u) << s.message;
  s = handled(Command::fork("lr_d=0.02"));
  ASSERT_EQ(s.fork.size(), 3u) << s.message;
  EXPECT_EQ(s.fork_shown, 0);
  EXPECT_EQ(s.fork[1].dir, out + "-fork1-" + same.substr(0, 4) + "-" + small().to_string(ParamId::kLrD));
  EXPECT_EQ(s.fork[2].parent, out + "@" + std::to_string(at));
  EXPECT_FALSE(s.fork[1].training) << "a paused run's branch waits too";
  EXPECT_FALSE(s.fork[1].samples.empty()) << "each run's grid for the fixed noise";
  // A bad edit is an error naming it; nothing starts.
  s = handled(Command::fork("lrd=1"));
  EXPECT_EQ(s.fork.size(), 3u);
  EXPECT_NE(s.message.find("Fork: "), std::string::npos) << s.message;
  EXPECT_NE(s.message.find("did you mean lr_d?"), std::string::npos) << s.message;

  // Commands go to the run shown: each is resumed, and they train in turn.
  handled(Command::of(Command::Kind::kResume));
  s = handled(Command::of(Command::Kind::kShowRun, 1));
  EXPECT_EQ(s.run_dir, s.fork[1].dir);
  handled(Command::of(Command::Kind::kResume));
  handled(Command::of(Command::Kind::kShowRun, 2));
  s = handled(Command::of(Command::Kind::kResume));
  EXPECT_EQ(s.params.number(ParamId::kLrD), 0.02);
  s = wait_for([&](const Snapshot& x) {
    return x.fork.size() == 3 && x.fork[0].step >= at + 6 && x.fork[1].step >= at + 6 &&
           x.fork[2].step >= at + 6;
  });
  EXPECT_TRUE(s.fork[0].training && s.fork[1].training);
  // Closing a branch keeps its directory; the others go on.
  const std::string edited = s.fork[2].dir;
  s = handled(Command::of(Command::Kind::kCloseRun, 2));
  ASSERT_EQ(s.fork.size(), 2u);
  EXPECT_EQ(s.fork_shown, 0);
  EXPECT_TRUE(fs::exists(edited + "/metrics.csv"));
  trainer_.stop();  // ends every run's files

  const auto parent = rows_by_step(out), branch = rows_by_step(s.fork[1].dir),
             other = rows_by_step(edited);
  ASSERT_GE(branch.size(), 6u);
  EXPECT_EQ(branch.count(std::to_string(at + 1)), 1u) << "the step after the fork";
  EXPECT_EQ(branch.count(std::to_string(at)), 0u) << "the fork step is the parent's";
  for (const auto& [step, row] : branch) {
    if (parent.count(step)) EXPECT_EQ(row, parent.at(step)) << "step " << step;
  }
  int differing = 0;
  for (const auto& [step, row] : other) differing += parent.count(step) && row != parent.at(step);
  EXPECT_GE(differing, 5);
  EXPECT_EQ(config_parent(test::read_text(edited + "/config.cfg")), out + "@" + std::to_string(at));
}

}  // namespace
