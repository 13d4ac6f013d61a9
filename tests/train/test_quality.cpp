// Quality metrics: the score formulas, the cached classifier, evaluations of a real generator
// and of a collapsed one, and the background worker.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <fstream>

#include "support/test_files.h"
#include "core/alarms.h"
#include "train/family_access.h"
#include "train/frechet.h"
#include "train/quality_worker.h"
#include "train/session.h"

namespace genscope {
namespace {

namespace fs = std::filesystem;

std::string dir() { return test::process_dir("quality"); }

std::shared_ptr<const Dataset> labelled_data() {
  auto d = load_dataset(test::write_labelled_dataset(dir() + "/labelled"));
  EXPECT_TRUE(d) << d.error();
  return std::make_shared<Dataset>(std::move(*d));
}

ClassifierTraining quick() {
  ClassifierTraining t;
  t.epochs = 3;
  t.batch_size = 32;
  return t;
}

torch::Tensor global_rng_state() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

TEST(QualityScores, InceptionScoreAndEntropyOfKnownPredictions) {
  // Four classes: confident, evenly spread predictions give IS = 4 and entropy ln 4; every image
  // predicted the same class gives IS = 1 and entropy 0.
  const torch::Tensor features = torch::randn({400, 3}, torch::kDouble);
  auto [mu, sigma] = std::pair<torch::Tensor, torch::Tensor>{features.mean(0), torch::eye(3)};
  torch::Tensor spread = torch::zeros({400, 4});
  for (int i = 0; i < 400; ++i) spread[i][i % 4] = 1.0;
  std::vector<float> share;
  QualityPoint p = quality_scores(features, spread, mu, sigma, share);
  EXPECT_NEAR(p.is_score, 4.0, 1e-6);
  EXPECT_NEAR(p.class_entropy, std::log(4.0), 1e-9);
  ASSERT_EQ(share.size(), 4u);
  for (float s : share) EXPECT_FLOAT_EQ(s, 0.25f);
  torch::Tensor one = torch::zeros({400, 4});
  one.select(1, 2).fill_(1.0);
  p = quality_scores(features, one, mu, sigma, share);
  EXPECT_NEAR(p.is_score, 1.0, 1e-6);
  EXPECT_NEAR(p.class_entropy, 0.0, 1e-12);
  EXPECT_FLOAT_EQ(share[2], 1.0f);
  // FID against the features' own statistics is ~0; against shifted ones it grows.
  auto [fmu, fsig] = feature_statistics(features);
  EXPECT_NEAR(quality_scores(features, one, fmu, fsig, share).fid, 0.0, 1e-6);
  EXPECT_NEAR(quality_scores(features, one, fmu + 2.0, fsig, share).fid, 12.0, 1e-6);
}

TEST(QualityMetrics, TrainsCachesAndReloadsTheClassifier) {
  auto data = labelled_data();
  const std::string cache = dir() + "/cache_a";
  fs::remove_all(cache);
  const torch::Tensor rng = global_rng_state();
  QualityMetrics first(data, torch::kCPU, cache, quick());
  ASSERT_TRUE(first.prepare());
  EXPECT_TRUE(first.warning().empty()) << first.warning();
  EXPECT_TRUE(torch::equal(rng, global_rng_state())) << "the classifier drew from the global RNG";
  QualityView a;
  first.fill_reference(a);
  EXPECT_FALSE(a.classifier_cached);
  EXPECT_GE(a.classifier_accuracy, 0.9) << "ten square positions are easy";
  EXPECT_NEAR(a.entropy_max, std::log(10.0), 1e-9);
  ASSERT_TRUE(fs::exists(first.cache_path()));
  EXPECT_NE(first.cache_path().find("classifier-labelled-"), std::string::npos);

  QualityMetrics second(data, torch::kCPU, cache, quick());
  ASSERT_TRUE(second.prepare());
  QualityView b;
  second.fill_reference(b);
  EXPECT_TRUE(b.classifier_cached);
  EXPECT_DOUBLE_EQ(b.classifier_accuracy, a.classifier_accuracy);
  // The floor: train images against the test split score far better than noise would.
  const auto [floor, is_real] = second.reference(200);
  EXPECT_EQ(first.reference(200), second.reference(200)) << "the same weights and statistics";
  EXPECT_TRUE(std::isfinite(floor));
  EXPECT_GT(is_real, 5.0);

  // A damaged cache file is named in a warning and replaced by a newly trained classifier.
  {
    std::fstream f(first.cache_path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  QualityMetrics third(data, torch::kCPU, cache, quick());
  ASSERT_TRUE(third.prepare());
  EXPECT_NE(third.warning().find(first.cache_path()), std::string::npos) << third.warning();
  QualityView c;
  third.fill_reference(c);
  EXPECT_FALSE(c.classifier_cached);
}

TEST(QualityMetrics, NeedsLabelledSplits) {
  auto squares = load_dataset(test::write_squares_dataset(dir() + "/squares"));
  ASSERT_TRUE(squares) << squares.error();
  std::string why;
  EXPECT_FALSE(QualityMetrics::supported(*squares, &why));
  EXPECT_NE(why.find("no test split"), std::string::npos) << why;
  QualityMetrics q(std::make_shared<Dataset>(std::move(*squares)), torch::kCPU, dir() + "/cache_b");
  Status s = q.prepare();
  EXPECT_FALSE(s);
  EXPECT_NE(s.error().find("test split"), std::string::npos);

  // An unlabelled set (a flat image folder) lacks labels, which is what the message says.
  auto flat = load_dataset(test::write_squares_dataset(dir() + "/flat"));
  ASSERT_TRUE(flat) << flat.error();
  flat->train.labels.clear();
  flat->train.class_names.clear();
  EXPECT_FALSE(QualityMetrics::supported(*flat, &why));
  EXPECT_NE(why.find("has no labels"), std::string::npos) << why;
}

// A session on the labelled data and metrics sharing one cache.
struct Scored {
  std::shared_ptr<const Dataset> data = labelled_data();
  QualityMetrics metrics{data, torch::kCPU, dir() + "/cache_c", quick()};
  std::unique_ptr<TrainingSession> session;
  explicit Scored(const std::string& model = "dcgan") {
    EXPECT_TRUE(metrics.prepare());
    Params p;
    EXPECT_TRUE(p.set_from_string(ParamId::kModel, model));
    EXPECT_TRUE(p.set_from_string(ParamId::kBatchSize, "32"));
    auto s = TrainingSession::create(p, data);
    EXPECT_TRUE(s) << s.error();
    session = std::move(*s);
  }
};

TEST(QualityMetrics, ScoresACopyWithoutChangingTheRun) {
  // Sessions draw from the global generator, so the two runs go one after the other.
  std::vector<MetricRow> scored, plain;
  Scored a;
  for (int i = 0; i < 3; ++i) a.session->step();
  std::vector<float> share;
  auto copy = a.session->model_copy();
  const QualityPoint p = a.metrics.evaluate(*copy, 300, a.session->step_count(), share);
  for (int i = 0; i < 3; ++i) scored.push_back(a.session->step().row);
  Scored b;
  for (int i = 0; i < 6; ++i) plain.push_back(b.session->step().row);
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < scored[i].count; ++k) EXPECT_EQ(scored[i].values[k], plain[i + 3].values[k]);
  }
  EXPECT_EQ(p.step, 3);
  EXPECT_TRUE(std::isfinite(p.fid) && p.fid > 0.0) << p.fid;
  EXPECT_GE(p.is_score, 1.0 - 1e-9);
  EXPECT_LE(p.is_score, 10.0 + 1e-9);
  EXPECT_GE(p.class_entropy, 0.0);
  float total = 0.0f;
  for (float s : share) total += s;
  EXPECT_NEAR(total, 1.0f, 1e-5f);
  // The same codes each time: evaluating again gives the same numbers.
  std::vector<float> again;
  EXPECT_DOUBLE_EQ(a.metrics.evaluate(*copy, 300, 3, again).fid, p.fid);
  // A worker shutting down cancels between chunks.
  EXPECT_THROW(a.metrics.evaluate(*copy, 300, 3, again, [] { return false; }),
               QualityMetrics::Cancelled);
}

TEST(QualityMetrics, FloorUsesAtMostTheTrainSplitAndCanBeCancelled) {
  Scored s;
  const int64_t train = s.data->train.count;  // 600
  EXPECT_EQ(s.metrics.reference_count(100000), train);
  EXPECT_EQ(s.metrics.reference_count(200), 200);
  EXPECT_THROW(s.metrics.reference(300, [] { return false; }), QualityMetrics::Cancelled);
  const auto whole = s.metrics.reference(int(train));
  EXPECT_TRUE(std::isfinite(whole.first) && whole.first >= 0.0) << whole.first;
  // More than the split asks for the whole split: the cached value, computed never again.
  int asked = 0;
  const auto more = s.metrics.reference(100000, [&] { return ++asked, true; });
  EXPECT_EQ(asked, 0) << "cached under the clamped count";
  EXPECT_EQ(more, whole);
  const auto fewer = s.metrics.reference(200, [&] { return ++asked, true; });
  EXPECT_GT(asked, 0);
  EXPECT_NE(fewer.first, whole.first);
}

TEST(QualityMetrics, CollapsedGeneratorHasLowEntropyAndTripsTheAlarm) {
  Scored s("vae");
  // A decoder whose weights are all zero decodes every code to the same image.
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, t] : image_model(*s.session).named_parameters()) {
      if (name.rfind("decoder", 0) == 0) t.zero_();
    }
  }
  AlarmMonitor alarms;
  std::vector<float> share;
  for (int64_t step = 600; step <= 800; step += 100) {
    const QualityPoint p = s.metrics.evaluate(image_model(*s.session), 200, step, share);
    EXPECT_NEAR(p.class_entropy, 0.0, 1e-9) << "one image, one class";
    EXPECT_NEAR(p.is_score, 1.0, 1e-6);
    alarms.add_class_entropy(p.step, p.class_entropy, std::log(10.0));
  }
  ASSERT_EQ(alarms.log().size(), 1u);
  EXPECT_EQ(alarms.log()[0].kind, AlarmKind::kCollapse);
  EXPECT_NE(alarms.log()[0].text.find("class entropy"), std::string::npos);
}

TEST(QualityWorker, ScoresInTheBackgroundAndForgetsOnANewRun) {
  Scored s;  // prepares the cache the worker then loads
  QualityWorker worker(s.data, torch::kCPU, dir() + "/cache_c", quick());
  ASSERT_TRUE(worker.wait_until_accepting());
  QualityView v;
  worker.fill(v);
  EXPECT_EQ(v.state, QualityState::kReady);
  EXPECT_TRUE(v.classifier_cached);
  EXPECT_FALSE(worker.working());
  s.session->step();
  // Both copies first: the second submit comes microseconds after the first, while scoring 200
  // images takes the worker tens of milliseconds.
  auto first = s.session->model_copy();
  auto second = s.session->model_copy();
  ASSERT_TRUE(worker.submit(std::move(first), 1, 200));
  EXPECT_FALSE(worker.submit(std::move(second), 1, 200)) << "busy: declined";
  worker.wait_until_idle();
  EXPECT_FALSE(worker.working());
  worker.fill(v);
  ASSERT_EQ(v.history.size(), 1u);
  EXPECT_EQ(v.history[0].step, 1);
  EXPECT_EQ(v.samples, 200);
  EXPECT_EQ(v.floor_samples, 200);
  EXPECT_TRUE(std::isfinite(v.fid_floor));
  EXPECT_EQ(v.share.size(), 10u);
  const uint64_t version = v.version;
  worker.new_run();
  worker.fill(v);
  EXPECT_NE(v.version, version);
  EXPECT_TRUE(v.history.empty());
}

}  // namespace
}  // namespace genscope
