// The run directory's names and choice, metrics.csv's cells and exact config values.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/params.h"
#include "core/run_dir.h"
#include "record/metrics_csv.h"
#include "support/test_files.h"
#include "util/strings.h"

namespace genscope {
namespace {

namespace fs = std::filesystem;
const bool kCleanup = test::remove_when_all_pass("run_dir");

std::time_t noon() {
  std::tm t{};
  t.tm_year = 126, t.tm_mon = 11, t.tm_mday = 1, t.tm_hour = 12, t.tm_min = 34, t.tm_sec = 56;
  t.tm_isdst = -1;
  return std::mktime(&t);
}

TEST(RunDirectory, DefaultNameIsTimeModelAndDataset) {
  Params p;
  EXPECT_EQ(RunDirectory::default_name(p, noon()), "20261201-123456-dcgan-fashion-mnist");
  ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "ring8").ok());
  EXPECT_EQ(RunDirectory::default_name(p, noon()), "20261201-123456-gan2d-ring8");
  ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "/data/my digits/").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kModel, "vae").ok());
  EXPECT_EQ(RunDirectory::default_name(p, noon()), "20261201-123456-vae-my-digits");
  Params text;  // a text dataset and no model: the text family's default model
  ASSERT_TRUE(text.set_from_string(ParamId::kDataset, "fortunes").ok());
  EXPECT_EQ(RunDirectory::default_name(text, noon()), "20261201-123456-char-transformer-fortunes");
  ASSERT_TRUE(text.set_from_string(ParamId::kModel, "char-lstm").ok());
  EXPECT_EQ(RunDirectory::default_name(text, noon()), "20261201-123456-char-lstm-fortunes");
  Params lstm;  // a text model and no dataset: fortunes, not the image default
  ASSERT_TRUE(lstm.set_from_string(ParamId::kModel, "char-lstm").ok());
  EXPECT_EQ(RunDirectory::default_name(lstm, noon()), "20261201-123456-char-lstm-fortunes");
}

TEST(RunDirectory, ChoosesOutThenTheCheckpointsRunThenANewNumberedOne) {
  const std::string base = test::process_dir("run_dir") + "/choose";
  fs::remove_all(base);
  Params p;
  ASSERT_TRUE(p.set_from_string(ParamId::kRunsDir, base).ok());
  EXPECT_EQ(RunDirectory::choose(p, "mine", "", noon()), "mine");
  const std::string first = RunDirectory::choose(p, "", "", noon());
  EXPECT_EQ(first, base + "/20261201-123456-dcgan-fashion-mnist");
  fs::create_directories(first + "/checkpoints");
  EXPECT_EQ(RunDirectory::choose(p, "", "", noon()), first + "-2");  // never reuses a folder
  // A checkpoint inside a run directory continues it; one elsewhere gets a new folder.
  std::ofstream(first + "/config.cfg") << "seed = 1\n";
  std::ofstream(first + "/checkpoints/step-5.ckpt") << "x";
  const std::string resumed = RunDirectory::choose(p, "", first + "/checkpoints/step-5.ckpt", noon());
  EXPECT_EQ(fs::weakly_canonical(resumed), fs::weakly_canonical(first));
  std::ofstream(base + "/loose.ckpt") << "x";
  EXPECT_EQ(RunDirectory::of_checkpoint(base + "/loose.ckpt"), "");
  EXPECT_EQ(RunDirectory::choose(p, "out", first + "/checkpoints/step-5.ckpt", noon()), "out");
}

TEST(RunDirectory, FilesInsideItAndUserPaths) {
  const RunDirectory d("runs/a");
  EXPECT_EQ(d.config(), "runs/a/config.cfg");
  EXPECT_EQ(d.metrics(), "runs/a/metrics.csv");
  EXPECT_EQ(d.events(), "runs/a/events.log");
  EXPECT_EQ(d.alarm_checkpoint(520), "runs/a/checkpoints/alarm-step520.ckpt");
  Params p;
  EXPECT_EQ(d.checkpoint(p, 812), "runs/a/checkpoints/step-812.ckpt");
  ASSERT_TRUE(p.set_from_string(ParamId::kCheckpointPath, "best.ckpt").ok());
  EXPECT_EQ(d.checkpoint(p, 812), "runs/a/best.ckpt");
  ASSERT_TRUE(p.set_from_string(ParamId::kCheckpointPath, "keep/x.ckpt").ok());
  EXPECT_EQ(d.checkpoint(p, 812), "keep/x.ckpt");
  ASSERT_TRUE(p.set_from_string(ParamId::kCheckpointPath, "/tmp/x.ckpt").ok());
  EXPECT_EQ(d.checkpoint(p, 812), "/tmp/x.ckpt");
  EXPECT_EQ(d.output("rec.mp4"), "runs/a/rec.mp4");
  EXPECT_EQ(d.output("./rec.mp4"), "./rec.mp4");
  EXPECT_EQ(d.output("docs/window.png"), "docs/window.png");
  EXPECT_EQ(RunDirectory().output("rec.mp4"), "rec.mp4");
}

TEST(MetricsCsv, NotMeasuredIsAnEmptyCellAndNaNIsNan) {
  const std::string path = test::process_dir("run_dir") + "/metrics.csv";
  auto csv = MetricsCsvWriter::open(path, {"loss", "fid"});
  ASSERT_TRUE(csv.ok()) << csv.error();
  MetricRow row;
  row.step = 1;
  row.push(0.5f);
  row.push(NAN, false);
  ASSERT_TRUE(csv->write(row).ok());
  MetricRow nan_row;
  nan_row.step = 2;
  nan_row.push(NAN);
  nan_row.push(3.25f);
  ASSERT_TRUE(csv->write(nan_row).ok());
  ASSERT_TRUE(csv->close().ok());
  const std::string text = test::read_text(path);
  EXPECT_NE(text.find("step,epoch,wall_s,loss,fid\n"), std::string::npos) << text;
  EXPECT_NE(text.find("1,0,0.0000,0.5,\n"), std::string::npos) << text;
  EXPECT_NE(text.find("2,0,0.0000,nan,3.25\n"), std::string::npos) << text;
  // Appending keeps the rows; another model's columns are an error naming the file.
  auto again = MetricsCsvWriter::open(path, {"loss", "fid"}, true);
  ASSERT_TRUE(again.ok()) << again.error();
  ASSERT_TRUE(again->write(row).ok());
  ASSERT_TRUE(again->close().ok());
  const std::string appended = test::read_text(path);
  EXPECT_EQ(appended.rfind("step,"), 0u);  // one header
  EXPECT_EQ(appended.size(), text.size() + std::string("1,0,0.0000,0.5,\n").size());
  auto other = MetricsCsvWriter::open(path, {"recon"}, true);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().find(path), std::string::npos);
}

TEST(ConfigValues, FloatsReadBackBitExact) {
  for (double v : {2e-4, 0.1, 1.0 / 3.0, 1e-6, 0.5, 123.456789012345}) {
    EXPECT_EQ(std::strtod(format_exact(v).c_str(), nullptr), v) << format_exact(v);
  }
  EXPECT_EQ(format_exact(2e-4), "0.0002");
  Params p, back;
  ASSERT_TRUE(p.set_from_string(ParamId::kLrG, "0.000123456789").ok());
  ASSERT_TRUE(parse_config_text(to_config_text(p), "test", back).ok());
  EXPECT_EQ(back.number(ParamId::kLrG), p.number(ParamId::kLrG));
}

}  // namespace
}  // namespace genscope
