// Weight and activation histograms of every model family, sampled by the session.
#include <gtest/gtest.h>

#include "support/test_files.h"
#include "train/family_access.h"
#include "train/session.h"

namespace genscope {
namespace {

std::shared_ptr<const Dataset> squares() {
  auto d = load_dataset(test::write_squares_dataset(test::process_dir("histograms") + "/squares"));
  EXPECT_TRUE(d) << d.error();
  return std::make_shared<Dataset>(std::move(*d));
}

std::unique_ptr<TrainingSession> session(const std::string& model, const std::string& dataset,
                                         std::shared_ptr<const Dataset> data,
                                         const std::string& hist_every = "2") {
  Params p;
  EXPECT_TRUE(p.set_from_string(ParamId::kModel, model));
  EXPECT_TRUE(p.set_from_string(ParamId::kDataset, dataset));
  EXPECT_TRUE(p.set_from_string(ParamId::kBatchSize, "16"));
  EXPECT_TRUE(p.set_from_string(ParamId::kHistEvery, hist_every));
  auto s = TrainingSession::create(p, std::move(data));
  EXPECT_TRUE(s) << s.error();
  return std::move(*s);
}

void expect_valid(const LayerHistograms& h, const std::vector<std::string>& must_have) {
  ASSERT_FALSE(h.layers.empty());
  for (const LayerHistogram& l : h.layers) {
    ASSERT_EQ(l.share.size(), 40u) << l.name;
    float total = 0.0f;
    for (float s : l.share) total += s;
    EXPECT_NEAR(total, 1.0f, 1e-4f) << l.name;
    EXPECT_LE(l.lo, l.hi) << l.name;
    for (int k = 0; k + 1 < 5; ++k) EXPECT_LE(l.quantiles[k], l.quantiles[k + 1]) << l.name;
    EXPECT_EQ(l.quantiles[0], l.lo);
    EXPECT_EQ(l.quantiles[4], l.hi);
    if (l.activation && l.name.find("ReLU") != std::string::npos &&
        l.name.find("Leaky") == std::string::npos) {
      EXPECT_GE(l.lo, 0.0f) << "ReLU outputs are nonnegative: " << l.name;
    }
  }
  for (const std::string& name : must_have) {
    bool found = false;
    for (const LayerHistogram& l : h.layers) found = found || l.name == name;
    EXPECT_TRUE(found) << "no " << name;
  }
}

TEST(LayerHistograms, EveryFamilySamplesWeightsAndActivationsEveryK) {
  auto data = squares();
  struct Case {
    std::string model, dataset;
    std::vector<std::string> names;
  };
  const Case cases[] = {
      {"dcgan", "x", {"G net.0 weight", "D net.0 weight", "G net.2 ReLU", "D net.1 LeakyReLU"}},
      {"vae", "x", {"encoder body.0 weight", "decoder net.0 weight", "encoder body.1 LeakyReLU"}},
      {"dcgan", "ring8", {"G 0 weight", "D 0 weight", "G 1 ReLU"}}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.model + " on " + c.dataset);
    auto s = session(c.model, c.dataset == "x" ? data->train.source : c.dataset,
                     c.dataset == "x" ? data : nullptr);
    Snapshot snap;
    s->step();
    s->fill_snapshot(snap, false);
    EXPECT_EQ(snap.histograms.step, -1) << "not before step 2";
    s->step();
    s->fill_snapshot(snap, false);
    EXPECT_EQ(snap.histograms.step, 2);
    expect_valid(snap.histograms, c.names);
    const uint64_t version = snap.histograms.version;
    s->step();
    s->fill_snapshot(snap, false);
    EXPECT_EQ(snap.histograms.version, version) << "step 3: no new sample";
    s->step();
    s->fill_snapshot(snap, false);
    EXPECT_EQ(snap.histograms.step, 4);
    EXPECT_NE(snap.histograms.version, version);
  }
}

TEST(LayerHistograms, SamplingDoesNotChangeTraining) {
  // Histograms every step against none: the same losses and weights after (sessions seed the
  // global generator, so the two runs go one after the other).
  auto data = squares();
  for (const std::string model : {"dcgan", "vae"}) {
    SCOPED_TRACE(model);
    std::vector<std::vector<float>> losses[2];
    std::vector<torch::Tensor> weights[2];
    for (int run = 0; run < 2; ++run) {
      auto s = session(model, data->train.source, data, run == 0 ? "1" : "0");
      for (int i = 0; i < 5; ++i) {
        const MetricRow row = s->step().row;
        losses[run].emplace_back(row.values.begin(), row.values.begin() + row.count);
      }
      for (const torch::Tensor& t : image_model(*s).parameters()) weights[run].push_back(t.clone());
      Snapshot snap;
      s->fill_snapshot(snap, false);
      EXPECT_EQ(snap.histograms.step, run == 0 ? 5 : -1);
    }
    EXPECT_EQ(losses[0], losses[1]);
    ASSERT_EQ(weights[0].size(), weights[1].size());
    for (size_t k = 0; k < weights[0].size(); ++k) EXPECT_TRUE(weights[0][k].equal(weights[1][k])) << k;
  }
}

}  // namespace
}  // namespace genscope
