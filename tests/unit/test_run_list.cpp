// Past runs read back: metrics.csv curves (and a fork chained to its parent), the run list, the
// config diff, tags, rename, trash and the sample images of the event file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "record/png.h"
#include "record/run_list.h"
#include "record/tensorboard_writer.h"

namespace genscope {
namespace {
namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
  const std::string dir = testing::TempDir() + "/run_list_" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A run directory with `edits` over the defaults and `csv` as its metrics.csv.
std::string make_run(const std::string& root, const std::string& name, const std::string& edits,
                     const std::string& csv, const std::string& parent = "") {
  const std::string dir = root + "/" + name;
  fs::create_directories(dir);
  Params p;
  if (!edits.empty()) EXPECT_TRUE(apply_edits(p, edits));
  write_file(dir + "/config.cfg", (parent.empty() ? "" : config_parent_line(parent)) + to_config_text(p));
  if (!csv.empty()) write_file(dir + "/metrics.csv", csv);
  return dir;
}

TEST(RunList, ParsesMetricsCsvLeavingOutUnmeasuredCells) {
  auto c = parse_metrics_csv(
      "step,epoch,wall_s,loss_d,fid\n1,0,0.5,1.5,\n2,0,1.0,1.25,40\n3,0,1.5,nan,\n4,0,2", "m.csv");
  ASSERT_TRUE(c) << c.error();
  ASSERT_EQ(c->columns.size(), 2u);
  const RunCurve* d = c->find("loss_d");
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->value.size(), 3u);  // the cut last row is skipped
  EXPECT_EQ(d->step[1], 2.0);
  EXPECT_EQ(d->wall[1], 1.0);
  EXPECT_TRUE(std::isnan(d->value[2]));
  const RunCurve* fid = c->find("fid");
  ASSERT_EQ(fid->value.size(), 1u);
  EXPECT_EQ(fid->step[0], 2.0);
  EXPECT_EQ(c->last_step, 3);
  EXPECT_EQ(c->find("nope"), nullptr);
  auto bad = parse_metrics_csv("a,b\n1,2\n", "x/metrics.csv");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("x/metrics.csv: not a metrics.csv"), std::string::npos) << bad.error();
}

TEST(RunList, TailReadsOnlyTheEndAndGivesTheLastValues) {
  const std::string dir = fresh_dir("tail");
  std::string csv = "step,epoch,wall_s,loss_d,loss_g,lr_scale\n";
  for (int s = 1; s <= 5000; ++s) csv += std::to_string(s) + ",0," + std::to_string(s * 0.01) + ",0.5,2.5,1\n";
  csv += "5001,1,50.02,0.25,3.5,1\n";
  write_file(dir + "/metrics.csv", csv);
  auto tail = read_metrics_tail(dir + "/metrics.csv", 1024);
  ASSERT_TRUE(tail) << tail.error();
  EXPECT_EQ(tail->last_step, 5001);
  EXPECT_LT(tail->find("loss_d")->value.size(), 100u);  // 1 KB of rows, not 5,001
  const auto last = main_metrics(*tail);
  ASSERT_EQ(last.size(), 2u);  // lr_scale is not a main metric
  EXPECT_EQ(last[0].first, "loss_d");
  EXPECT_EQ(last[0].second, 0.25f);
  EXPECT_EQ(last[1].second, 3.5f);
}

TEST(RunList, ChainsAForkToItsParentUpToTheForkStep) {
  auto parent = parse_metrics_csv("step,epoch,wall_s,loss_d\n1,0,1,10\n2,0,2,20\n3,0,3,30\n4,0,4,40\n", "p");
  auto branch = parse_metrics_csv("step,epoch,wall_s,loss_d\n3,0,0.5,33\n4,0,1.5,44\n", "b");
  ASSERT_TRUE(parent && branch);
  const RunCurves c = chain_curves(*parent, 2, *branch);
  const RunCurve* d = c.find("loss_d");
  ASSERT_EQ(d->step, (std::vector<double>{1, 2, 3, 4}));
  ASSERT_EQ(d->value, (std::vector<float>{10, 20, 33, 44}));
  // The branch's clock restarted: its times continue the parent's at the fork (2 s).
  EXPECT_EQ(d->wall, (std::vector<double>{1, 2, 2.5, 3.5}));
  EXPECT_EQ(c.last_step, 4);
  std::string dir;
  int64_t step = 0;
  EXPECT_TRUE(split_parent("runs/a@b@120", dir, step));
  EXPECT_EQ(dir, "runs/a@b");
  EXPECT_EQ(step, 120);
  EXPECT_FALSE(split_parent("runs/a", dir, step));
  EXPECT_FALSE(split_parent("runs/a@x", dir, step));
}

TEST(RunList, ReadRunCurvesFollowsTheParentLine) {
  const std::string root = fresh_dir("chain");
  const std::string p = make_run(root, "parent", "", "step,epoch,wall_s,loss_d\n1,0,1,1\n2,0,2,2\n3,0,3,3\n");
  const std::string b = make_run(root, "branch", "lr_d=1e-4", "step,epoch,wall_s,loss_d\n3,0,3.5,9\n", p + "@2");
  auto c = read_run_curves(b);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->find("loss_d")->value, (std::vector<float>{1, 2, 9}));
  fs::remove_all(p);  // a parent that is gone: the branch alone
  c = read_run_curves(b);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->find("loss_d")->value, (std::vector<float>{9}));
}

TEST(RunList, ListsRunsNewestFirstWithTheirSummary) {
  const std::string root = fresh_dir("list");
  const std::string a = make_run(root, "20261201-100000-dcgan-mnist", "dataset=mnist",
                                 "step,epoch,wall_s,loss_d,loss_g\n1,0,1,0.7,1.5\n");
  const std::string b = make_run(root, "20261201-110000-vae-mnist", "model=vae,dataset=mnist", "");
  fs::last_write_time(a + "/config.cfg", fs::file_time_type::clock::now() - std::chrono::hours(1));
  fs::create_directories(root + "/.trash/old");
  write_file(root + "/.trash/old/config.cfg", "");
  fs::create_directories(root + "/not-a-run");
  fs::create_directories(root + "/broken");
  write_file(root + "/broken/config.cfg", "lr_d = banana\n");
  std::vector<std::string> errors;
  const auto runs = list_runs(root, &errors);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].path, b);  // newer config.cfg first
  EXPECT_EQ(runs[0].model, "vae");
  EXPECT_EQ(runs[0].steps, -1);
  EXPECT_EQ(runs[1].name, "20261201-100000-dcgan-mnist");
  EXPECT_EQ(runs[1].dataset, "mnist");
  EXPECT_EQ(runs[1].steps, 1);
  ASSERT_EQ(runs[1].last.size(), 2u);
  EXPECT_EQ(runs[1].last[1].second, 1.5f);
  ASSERT_EQ(errors.size(), 1u);  // the broken config names its file and key
  EXPECT_NE(errors[0].find("broken/config.cfg"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("lr_d"), std::string::npos) << errors[0];
  EXPECT_TRUE(list_runs(root + "/missing", &errors).empty());
}

TEST(RunList, ConfigDiffNamesTheTrainingParametersThatDiffer) {
  Params live, run;
  ASSERT_TRUE(apply_edits(run, "lr_d=1e-4,loss=hinge"));
  const auto diff = config_diff(run, live);
  ASSERT_EQ(diff.size(), 2u);
  EXPECT_EQ(diff[0].key, param_spec(ParamId::kLrD).key);
  EXPECT_EQ(diff[0].value, run.to_string(ParamId::kLrD));
  EXPECT_EQ(diff[0].other, live.to_string(ParamId::kLrD));
  EXPECT_EQ(diff[1].key, "loss");
  EXPECT_EQ(diff[1].value, "hinge");
  EXPECT_TRUE(config_diff(live, live).empty());
}

TEST(RunList, TagsRenameAndTrashKeepEveryFile) {
  const std::string root = fresh_dir("manage");
  const std::string a = make_run(root, "a", "", "step,epoch,wall_s,loss_d\n1,0,1,1\n");
  EXPECT_EQ(parse_tags(" baseline, lr sweep,,baseline\nx"),
            (std::vector<std::string>{"baseline", "lr sweep", "x"}));
  ASSERT_TRUE(write_tags(a, {"baseline", "good"}));
  EXPECT_EQ(read_tags(a), (std::vector<std::string>{"baseline", "good"}));
  ASSERT_TRUE(write_tags(a, {}));
  EXPECT_FALSE(fs::exists(a + "/tags.txt"));

  make_run(root, "taken", "", "");
  EXPECT_FALSE(rename_run(a, ""));
  EXPECT_FALSE(rename_run(a, "x/y"));
  EXPECT_FALSE(rename_run(a, ".hidden"));
  auto taken = rename_run(a, "taken");
  ASSERT_FALSE(taken);
  EXPECT_NE(taken.error().find("exists already"), std::string::npos) << taken.error();
  auto renamed = rename_run(a, "half lr");
  ASSERT_TRUE(renamed) << renamed.error();
  EXPECT_EQ(*renamed, root + "/half lr");
  EXPECT_TRUE(fs::exists(*renamed + "/metrics.csv"));

  auto trashed = trash_run(*renamed);
  ASSERT_TRUE(trashed) << trashed.error();
  EXPECT_EQ(*trashed, root + "/.trash/half lr");
  EXPECT_TRUE(fs::exists(*trashed + "/metrics.csv"));
  make_run(root, "half lr", "", "");
  auto again = trash_run(root + "/half lr");  // a second run of that name is numbered
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, root + "/.trash/half lr-2");
  EXPECT_EQ(list_runs(root, nullptr).size(), 1u);  // "taken"; the trash is not listed
}

TEST(RunList, ReadsTheSampleImagesOfTheEventFile) {
  const std::string dir = fresh_dir("images");
  auto w = TensorBoardWriter::open(dir, 1000.0);
  ASSERT_TRUE(w) << w.error();
  for (int step : {100, 200, 300}) {
    ImageRGBA image;
    image.width = 4, image.height = 2;
    image.pixels.assign(4 * 2 * 4, uint8_t(step / 2));
    ASSERT_TRUE(w->write(tb_image_event("samples", step, 1000.0 + step, image)));
    ASSERT_TRUE(w->write(tb_image_event("other", step, 1000.0 + step, image)));
  }
  ASSERT_TRUE(w->close());
  // A cut last record (a run still writing) keeps the images before it.
  { std::ofstream(w->path(), std::ios::app | std::ios::binary) << "garbage"; }
  const auto images = read_run_images(dir);
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(images[1].step, 200);
  auto decoded = decode_png_rgba(images[1].png, "event");
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->width, 4);
  EXPECT_EQ(decoded->pixels[0], 100);
  EXPECT_EQ(image_at_step(images, 250), 1);
  EXPECT_EQ(image_at_step(images, 300), 2);
  EXPECT_EQ(image_at_step(images, 50), 0);
  EXPECT_EQ(image_at_step({}, 50), -1);
  EXPECT_FALSE(decode_png_rgba("not a png", "x"));
}

}  // namespace
}  // namespace genscope
