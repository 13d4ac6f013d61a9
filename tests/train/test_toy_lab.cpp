// The 2D lab inside a TrainingSession: parameters to model, metric rows, single D/G updates,
// slow motion, the visible box, painted data, and the headless run's files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "record/png.h"
#include "core/mode_metrics.h"
#include "train/family_access.h"
#include "train/session.h"
#include "train/trainer.h"

using namespace genscope;

namespace {

std::string test_read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Params toy_params(const std::string& dataset = "ring8") {
  Params p;
  EXPECT_TRUE(p.set_from_string(ParamId::kDataset, dataset).ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kWidthG, "32").ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kWidthD, "32").ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kThreads, "1").ok());
  return p;
}

std::unique_ptr<TrainingSession> make(const Params& p, std::vector<Point2> pts = {}) {
  auto s = TrainingSession::create(p, nullptr, std::move(pts));
  EXPECT_TRUE(s.ok()) << s.error();
  return s.ok() ? std::move(*s) : nullptr;
}

}  // namespace

TEST(ToyLab, ConfigFollowsTheParameterTable) {
  Params p = toy_params();
  ASSERT_TRUE(p.set_from_string(ParamId::kLoss, "hinge").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kOptimizerD, "rmsprop").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kNoise, "uniform").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kActivation, "elu").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kLayersG, "3").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kGSteps, "2").ok());
  const ToyGanConfig c = toy_config(p);
  EXPECT_EQ(c.loss, ToyLoss::kHinge);
  EXPECT_EQ(c.opt_d, ToyOptimizer::kRmsprop);
  EXPECT_EQ(c.opt_g, ToyOptimizer::kAdam);
  EXPECT_EQ(c.noise, ToyNoise::kUniform);
  EXPECT_EQ(c.activation, ToyActivation::kElu);
  EXPECT_EQ(c.hidden_layers_g, 3);
  EXPECT_EQ(c.width_d, 32);
  EXPECT_EQ(c.g_steps, 2);
  EXPECT_TRUE(c.validate().ok());
}

// The 2D lab's defaults are written once, in the table: the config built from default params
// is the table's 2D-lab defaults, field by field.
TEST(ToyLab, TheDefaultConfigIsTheTablesDefaults) {
  const ToyGanConfig c = toy_default_config();
  const auto def = [](ParamId id) {
    return param_default(param_spec(id), ModelFamily::kToy).number;
  };
  EXPECT_EQ(c.hidden_layers_g, def(ParamId::kLayersG));
  EXPECT_EQ(c.hidden_layers_d, def(ParamId::kLayersD));
  EXPECT_EQ(c.width_g, def(ParamId::kWidthG));
  EXPECT_EQ(c.width_d, def(ParamId::kWidthD));
  EXPECT_EQ(static_cast<int>(c.activation), def(ParamId::kActivation));
  EXPECT_EQ(c.noise_dim, def(ParamId::kNoiseDim));
  EXPECT_STREQ(toy_noise_name(c.noise),
               param_spec(ParamId::kNoise).choices[size_t(def(ParamId::kNoise))]);
  EXPECT_EQ(static_cast<int>(c.loss), def(ParamId::kLoss));
  EXPECT_EQ(c.gp_lambda, def(ParamId::kGpLambda));
  EXPECT_EQ(static_cast<int>(c.opt_g), def(ParamId::kOptimizerG));
  EXPECT_EQ(static_cast<int>(c.opt_d), def(ParamId::kOptimizerD));
  EXPECT_EQ(c.lr_g, def(ParamId::kLrG));
  EXPECT_EQ(c.lr_d, def(ParamId::kLrD));
  EXPECT_EQ(c.d_steps, def(ParamId::kDSteps));
  EXPECT_EQ(c.g_steps, def(ParamId::kGSteps));
  EXPECT_EQ(c.batch_size, def(ParamId::kBatchSize));
  EXPECT_EQ(c.seed, static_cast<uint64_t>(def(ParamId::kSeed)));
  // The enums follow the table's choice lists, name for name.
  for (int i = 0; i < int(param_spec(ParamId::kLoss).choices.size()); ++i) {
    EXPECT_STREQ(toy_loss_name(static_cast<ToyLoss>(i)), param_spec(ParamId::kLoss).choices[i]);
  }
  for (int i = 0; i < int(param_spec(ParamId::kOptimizerG).choices.size()); ++i) {
    EXPECT_STREQ(toy_optimizer_name(static_cast<ToyOptimizer>(i)),
                 param_spec(ParamId::kOptimizerG).choices[i]);
  }
  for (int i = 0; i < int(param_spec(ParamId::kActivation).choices.size()); ++i) {
    EXPECT_STREQ(toy_activation_name(static_cast<ToyActivation>(i)),
                 param_spec(ParamId::kActivation).choices[i]);
  }
  EXPECT_TRUE(c.validate().ok()) << c.validate().error();
}

TEST(ToyLab, SessionStepsWriteTheModeColumns) {
  Params p = toy_params();
  ASSERT_TRUE(p.set_from_string(ParamId::kMetricsEvery, "5").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kLoss, "non_saturating").ok());  // a probability heatmap
  auto s = make(p);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->metric_names(), toy_metric_schema());
  ASSERT_EQ(toy_metric_schema().size(), 8u);
  EXPECT_EQ(toy_metric_schema()[4], "modes_covered");
  StepOutcome last;
  for (int i = 0; i < 10; ++i) last = s->step();
  ASSERT_TRUE(last.stepped);
  EXPECT_EQ(last.row.step, 10);
  EXPECT_EQ(last.row.count, 8);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(std::isfinite(last.row.values[i])) << i;
  // The mode columns are the evaluation at step 10: 2,500 fresh samples, this protocol.
  const ToyView& v = toy_lab(*s)->last();
  EXPECT_EQ(v.metrics_step, 10);
  EXPECT_EQ(v.eval_samples, 2500);
  EXPECT_EQ(last.row.values[4], static_cast<float>(v.modes_covered));
  EXPECT_FLOAT_EQ(last.row.values[5], static_cast<float>(v.hq_percent));
  EXPECT_GE(v.js, 0.0);
  EXPECT_LE(v.js, std::log(2.0) + 1e-9);
  ASSERT_EQ(v.mode_share.size(), 8u);
  // The snapshot carries points, heatmap, arrows and manifold.
  Snapshot snap;
  s->fill_snapshot(snap, true);
  EXPECT_TRUE(snap.is_toy);
  EXPECT_TRUE(snap.has_images());
  EXPECT_EQ(snap.toy.real.size(), static_cast<size_t>(kToyViewPoints));
  EXPECT_EQ(snap.toy.fake.size(), static_cast<size_t>(kToyViewPoints));
  EXPECT_EQ(snap.toy.arrows.size(), snap.toy.fake.size());
  EXPECT_EQ(snap.toy.heat.size(), static_cast<size_t>(kToyHeatCells * kToyHeatCells));
  EXPECT_EQ(snap.toy.manifold.size(), static_cast<size_t>(snap.toy.manifold_res * snap.toy.manifold_res));
  EXPECT_EQ(snap.toy.centers.size(), 8u);
  EXPECT_TRUE(snap.toy.heat_is_probability);
  for (float h : snap.toy.heat) {
    EXPECT_GE(h, 0.0f);
    EXPECT_LE(h, 1.0f);
  }
}

TEST(ToyLab, DistributionsWithoutModesLeaveTheModeColumnsEmpty) {
  auto s = make(toy_params("spiral"));
  ASSERT_TRUE(s);
  StepOutcome o = s->step();
  ASSERT_TRUE(o.stepped);
  EXPECT_FALSE(o.non_finite);  // NaN mode columns do not pause training
  EXPECT_TRUE(std::isnan(o.row.values[4]));
  EXPECT_TRUE(std::isnan(o.row.values[5]));
  EXPECT_TRUE(std::isfinite(o.row.values[6]));
}

TEST(ToyLab, SingleUpdatesMoveOneNetworkAndPause) {
  auto s = make(toy_params());
  ASSERT_TRUE(s);
  const std::vector<float> g0 = toy_lab(*s)->gan().parameters(true);
  const std::vector<float> d0 = toy_lab(*s)->gan().parameters(false);
  ASSERT_TRUE(s->apply(Command::toy_update(false)).ok());
  EXPECT_TRUE(s->paused());
  EXPECT_EQ(s->step_count(), 0);  // an update is not an iteration
  EXPECT_EQ(toy_lab(*s)->gan().parameters(true), g0);
  EXPECT_NE(toy_lab(*s)->gan().parameters(false), d0);
  Snapshot snap;
  s->fill_snapshot(snap, true);
  EXPECT_EQ(snap.toy.d_updates, 1);
  EXPECT_EQ(snap.toy.phase, ToyPhase::kDiscriminator);
  EXPECT_NE(snap.toy.caption.find("D update"), std::string::npos) << snap.toy.caption;
  const std::vector<float> d1 = toy_lab(*s)->gan().parameters(false);
  ASSERT_TRUE(s->apply(Command::toy_update(true)).ok());
  EXPECT_NE(toy_lab(*s)->gan().parameters(true), g0);
  EXPECT_EQ(toy_lab(*s)->gan().parameters(false), d1);
  s->fill_snapshot(snap, true);
  EXPECT_EQ(snap.toy.g_updates, 1);
  EXPECT_EQ(snap.toy.phase, ToyPhase::kGenerator);
}

TEST(ToyLab, SlowMotionPausesBetweenUpdates) {
  Params p = toy_params();
  ASSERT_TRUE(p.set_from_string(ParamId::kSlowMotion, "0.05").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kDSteps, "2").ok());
  auto s = make(p);
  ASSERT_TRUE(s);
  int phases = 0;
  StepOutcome o;
  const auto t0 = std::chrono::steady_clock::now();
  while (true) {
    while (!s->wants_step()) {
      ASSERT_TRUE(s->wake_at().has_value());  // the trainer sleeps until then
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    o = s->step();
    if (o.stepped) break;
    ASSERT_TRUE(o.phase);
    ++phases;
    EXPECT_FALSE(s->wants_step());  // the pause after each update
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(phases, 2);  // D, D, then G finishes the iteration
  EXPECT_EQ(s->step_count(), 1);
  EXPECT_EQ(toy_lab(*s)->gan().d_updates(), 2);
  EXPECT_EQ(toy_lab(*s)->gan().g_updates(), 1);
  EXPECT_GE(secs, 0.1);  // two pauses of 0.05 s before the last update
  EXPECT_TRUE(std::isfinite(o.row.values[0]));
  EXPECT_TRUE(std::isfinite(o.row.values[1]));
  // Turning slow motion off lets the next iteration run at once (after the current pause).
  ASSERT_TRUE(s->apply(Command::set(ParamId::kSlowMotion, {0.0, ""})).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_TRUE(s->step().stepped);
}

TEST(ToyLab, TheHeatmapCoversTheVisibleBox) {
  auto s = make(toy_params());
  ASSERT_TRUE(s);
  Snapshot snap;
  s->fill_snapshot(snap, true);
  EXPECT_FLOAT_EQ(snap.toy.heat_box.max_x, 3.0f);  // the home view of ring8
  ASSERT_TRUE(s->apply(Command::toy_view({0.0f, 0.0f, 1.0f, 1.0f})).ok());
  s->fill_snapshot(snap, true);
  EXPECT_FLOAT_EQ(snap.toy.heat_box.min_x, 0.0f);
  EXPECT_FLOAT_EQ(snap.toy.heat_box.max_y, 1.0f);
  EXPECT_FLOAT_EQ(snap.toy.data_box.max_x, 3.0f);
  // A reset keeps the view; the cells hold D at their centres.
  ASSERT_TRUE(s->apply(Command::of(Command::Kind::kReset)).ok());
  s->fill_snapshot(snap, true);
  EXPECT_FLOAT_EQ(snap.toy.heat_box.max_x, 1.0f);
}

TEST(ToyLab, PaintedPointsBecomeTheCustomDataset) {
  Params p = toy_params("custom");
  auto none = TrainingSession::create(p, nullptr, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("custom"), std::string::npos) << none.error();

  auto s = make(toy_params());
  ASSERT_TRUE(s);
  ASSERT_FALSE(s->apply(Command::toy_paint({})).ok());
  ASSERT_TRUE(s->apply(Command::toy_paint({{1.0f, 1.0f}, {1.2f, 1.0f}, {-2.0f, 0.5f}})).ok());
  EXPECT_EQ(s->params().text(ParamId::kDataset), "custom");
  Snapshot snap;
  s->fill_snapshot(snap, true);
  EXPECT_EQ(snap.dataset_name, "custom");
  for (const Point2& q : snap.toy.real) {  // real samples sit around the painted points
    const float d = std::min({std::hypot(q.x - 1.0f, q.y - 1.0f), std::hypot(q.x - 1.2f, q.y - 1.0f),
                              std::hypot(q.x + 2.0f, q.y - 0.5f)});
    EXPECT_LT(d, 0.4f);
  }
  EXPECT_TRUE(s->step().stepped);
}

TEST(ToyLab, HeadlessRunWritesModeColumnsAndAScatterPng) {
  namespace fs = std::filesystem;
  const std::string dir = std::string(GENSCOPE_TEST_TMP) + "/toy_headless_" + std::to_string(getpid());
  fs::remove_all(dir);
  Params p = toy_params();
  ASSERT_TRUE(p.set_from_string(ParamId::kMetricsEvery, "1").ok());
  ASSERT_TRUE(run_headless(p, 30, dir).ok());
  std::ifstream csv(dir + "/metrics.csv");
  std::string header, line, last;
  std::getline(csv, header);
  EXPECT_EQ(header, "step,epoch,wall_s,loss_d,loss_g,d_real,d_fake,modes_covered,hq_percent,kl,js");
  int rows = 0;
  while (std::getline(csv, line)) last = line, ++rows;
  EXPECT_EQ(rows, 30);
  EXPECT_EQ(last.rfind("30,", 0), 0u) << last;
  auto png = read_png_rgba(dir + "/scatter.png");
  ASSERT_TRUE(png.ok()) << png.error();
  EXPECT_EQ(png->width, 512);
  EXPECT_FALSE(fs::exists(dir + "/samples.png"));
  fs::remove_all(dir);
}

// The 2D lab's defaults, as `genscope --headless --dataset ring8 --seed S --steps 1000` trains
// them: every mode of the ring within 1,000 iterations for seeds 1-3, and held.
TEST(ToyLab, TheDefaultsCoverTheRingWithin1000Iterations) {
  namespace fs = std::filesystem;
  int all_late = 0, all_full = 0;
  for (int seed : {1, 2, 3}) {
    const std::string dir = std::string(GENSCOPE_TEST_TMP) + "/toy_defaults_" +
                            std::to_string(getpid()) + "_" + std::to_string(seed);
    fs::remove_all(dir);
    Params p;
    ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "ring8").ok());
    ASSERT_TRUE(p.set(ParamId::kSeed, {double(seed), ""}).ok());
    ASSERT_TRUE(run_headless(p, 1000, dir).ok());
    std::ifstream csv(dir + "/metrics.csv");
    std::string line;
    std::getline(csv, line);
    ASSERT_EQ(line, "step,epoch,wall_s,loss_d,loss_g,d_real,d_fake,modes_covered,hq_percent,kl,js");
    int64_t first = -1;
    int late = 0, full_late = 0;  // evaluations after iteration 500, and those at 8/8
    while (std::getline(csv, line)) {
      std::vector<std::string> cells;
      std::stringstream row(line);
      for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
      if (line.back() == ',') cells.push_back("");  // getline drops a last empty cell
      ASSERT_EQ(cells.size(), 11u) << line;
      const int64_t step = std::stoll(cells[0]);
      // Rows between evaluations leave the mode metrics empty (not measured).
      ASSERT_EQ(cells[7].empty(), step % 10 != 0) << line;
      if (step % 10 != 0) continue;
      const int covered = std::stoi(cells[7]);
      if (first < 0 && covered == 8) first = step;
      if (step > 500) {
        ++late;
        full_late += covered == 8;
      }
    }
    ASSERT_GE(first, 0) << "seed " << seed << ": never 8/8 in 1,000 iterations";
    std::cout << "[ToyLab] ring8 defaults, seed " << seed << ": 8/8 first at iteration " << first
              << "; 8/8 in " << full_late << " of the " << late
              << " evaluations after iteration 500\n";
    // Measured 90, 98 and 94 % (then 100 % from 1,000 to 2,000 for each seed); on another CPU
    // of the same kind, whose kernels round differently, 84, 96 and 94 %. A run that loses the
    // ring for good is far below either bound.
    EXPECT_GE(full_late, 0.75 * late) << "seed " << seed;
    all_late += late, all_full += full_late;
    fs::remove_all(dir);
  }
  EXPECT_GE(all_full, 0.85 * all_late) << "8/8 in " << all_full << " of " << all_late;
}

// An alarm in a headless run saves its checkpoint in the run's directory (checkpoints/
// alarm-stepN.ckpt), not the cwd.
TEST(ToyLab, HeadlessAlarmCheckpointsGoIntoTheOutDirectory) {
  namespace fs = std::filesystem;
  const std::string tag = "toy_alarm_" + std::to_string(getpid());
  const std::string dir = std::string(GENSCOPE_TEST_TMP) + "/" + tag;
  fs::remove_all(dir);
  // D learns 10,000 times faster than G: D(G(z)) sinks while the G loss rises (D overpowering).
  Params p = toy_params();
  ASSERT_TRUE(p.set_from_string(ParamId::kLoss, "non_saturating").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kLrG, "1e-6").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kLrD, "1e-2").ok());
  ASSERT_TRUE(run_headless(p, 400, dir).ok());
  std::vector<std::string> saved;
  for (const auto& e : fs::directory_iterator(dir + "/checkpoints")) {
    saved.push_back(e.path().filename().string());
  }
  ASSERT_FALSE(saved.empty()) << "no alarm in 400 steps";
  EXPECT_EQ(saved[0].rfind("alarm-step", 0), 0u) << saved[0];
  EXPECT_NE(test_read(dir + "/events.log").find("alarm: D overpowering G"), std::string::npos);
  fs::remove_all(dir);
}
