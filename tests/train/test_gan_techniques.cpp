// The techniques of image GANs (train/models/gan/gan.h): the five losses, R1, spectral
// normalisation, G's moving average and the learning-rate schedule, each checked by its effect.
#include <gtest/gtest.h>

#include <cmath>

#include "train/models/gan/gan.h"
#include "train/models/gan/gan_family.h"
#include "train/session.h"

using namespace genscope;

namespace {

GanConfig small_config(int loss = kNonSaturating, bool sn = false) {
  GanConfig c;
  c.latent_dim = 8;
  c.width = 8;
  c.channels = 3;
  c.image_size = 16;
  c.loss = loss;
  c.spectral_norm = sn;
  return c;
}

GanOptimSettings adam(double lr = 2e-4) {
  GanOptimSettings o;
  o.lr_g = o.lr_d = lr;
  o.beta1 = 0.5, o.beta2 = 0.999;
  return o;
}

torch::Tensor real_batch(int n = 8) { return torch::rand({n, 3, 16, 16}).mul(2).sub(1); }

Params gan_params() {
  Params p;
  p.set_from_string(ParamId::kModel, "dcgan");
  p.set(ParamId::kWidth, {8, ""});
  p.set(ParamId::kLatentDim, {8, ""});
  p.set(ParamId::kBatchSize, {8, ""});
  return p;
}

int batch_norms(torch::nn::Module& m) {
  int n = 0;
  for (auto& module : m.modules(false)) n += module->as<torch::nn::BatchNorm2d>() != nullptr;
  return n;
}

TEST(GanLosses, EachLossTrainsWithFiniteValuesAndItsOwnFormula) {
  for (int loss = kNonSaturating; loss <= kWganGp; ++loss) {
    SCOPED_TRACE(param_spec(ParamId::kLoss).choices[size_t(loss)]);
    torch::manual_seed(1);
    Gan gan(small_config(loss), adam(), torch::kCPU);
    const torch::Tensor real = real_batch();
    for (int i = 0; i < 3; ++i) {
      const torch::Tensor fakes = gan.fake(gan.noise(8), true);
      const DStepResult d = gan.d_step(real, fakes);
      const float g = gan.g_step(fakes);
      ASSERT_TRUE(std::isfinite(d.loss) && std::isfinite(g)) << i;
      if (loss == kHinge) EXPECT_GE(d.loss, 0.0f) << "hinge terms are non-negative";
      if (loss == kLeastSquares) EXPECT_GE(d.loss, 0.0f);
    }
  }
  // The same D and fakes give different D losses under BCE and hinge.
  torch::manual_seed(2);
  Gan bce(small_config(kNonSaturating), adam(0.0), torch::kCPU);
  torch::manual_seed(2);
  Gan hinge(small_config(kHinge), adam(0.0), torch::kCPU);
  const torch::Tensor real = real_batch();
  const torch::Tensor fake = bce.fake(bce.noise(8), false);
  const float b = bce.d_step(real, fake).loss, h = hinge.d_step(real, fake).loss;
  // At initialisation D's outputs are near 0: BCE gives ~2 log 2, hinge ~2.
  EXPECT_NEAR(b, 2.0f * std::log(2.0f), 0.2f);
  EXPECT_NEAR(h, 2.0f, 0.2f);
}

TEST(GanLosses, AWganCriticAndASpectrallyNormalisedDHaveNoBatchNorm) {
  Gan plain(small_config(kNonSaturating), adam(), torch::kCPU);
  Gan wgan(small_config(kWganGp), adam(), torch::kCPU);
  Gan sn(small_config(kHinge, true), adam(), torch::kCPU);
  EXPECT_GT(batch_norms(plain.discriminator()), 0);
  EXPECT_EQ(batch_norms(wgan.discriminator()), 0);
  EXPECT_EQ(batch_norms(sn.discriminator()), 0);
  EXPECT_GT(batch_norms(sn.generator()), 0) << "G keeps its batch norm";
}

TEST(GanLosses, TheGradientPenaltyAddsToTheCriticLoss) {
  GanOptimSettings none = adam(0.0), gp = adam(0.0);
  none.gp_lambda = 0.0;
  gp.gp_lambda = 10.0;
  torch::manual_seed(4);
  Gan a(small_config(kWganGp), none, torch::kCPU);
  torch::manual_seed(4);
  Gan b(small_config(kWganGp), gp, torch::kCPU);
  const torch::Tensor real = real_batch(), fake = a.fake(a.noise(8), false);
  torch::manual_seed(5);
  const float without = a.d_step(real, fake).loss;
  torch::manual_seed(5);
  const float with = b.d_step(real, fake).loss;
  EXPECT_GT(with, without + 1.0f) << "|grad| of a fresh critic is far from 1";
}

TEST(R1, ThePenaltyOnRealImagesAddsToDsLoss) {
  GanOptimSettings off = adam(0.0), on = adam(0.0);
  on.r1_gamma = 10.0;
  torch::manual_seed(6);
  Gan a(small_config(), off, torch::kCPU);
  torch::manual_seed(6);
  Gan b(small_config(), on, torch::kCPU);
  const torch::Tensor real = real_batch(), fake = a.fake(a.noise(8), false);
  const float without = a.d_step(real, fake).loss, with = b.d_step(real, fake).loss;
  EXPECT_GT(with, without) << "gamma / 2 |grad D(x)|^2 > 0";
  // By hand: the same penalty from autograd on D alone.
  torch::Tensor x = real.detach().requires_grad_(true);
  torch::manual_seed(6);
  Gan c(small_config(), off, torch::kCPU);
  const torch::Tensor out = c.discriminator().as<DcganDiscriminatorImpl>()->forward(x);
  const torch::Tensor grad = torch::autograd::grad({out.sum()}, {x})[0];
  const float penalty = 5.0f * grad.reshape({8, -1}).pow(2).sum(1).mean().item<float>();
  EXPECT_NEAR(with - without, penalty, 1e-3f + 1e-3f * penalty);
}

TEST(SpectralNorm, PowerIterationFindsTheLargestSingularValue) {
  torch::manual_seed(7);
  SpectralNorm sn(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 16, 4).stride(2).padding(1)), 2, 1);
  const torch::Tensor mat = sn->conv->weight.detach().reshape({16, -1});
  const float largest = std::get<1>(torch::svd(mat)).max().item<float>();
  for (int i = 0; i < 50; ++i) sn->sigma();  // training mode: one iteration each
  EXPECT_NEAR(sn->sigma().item<float>(), largest, 1e-3f * largest);
  // The layer's effective weight has spectral norm 1, and it convolves like the plain layer
  // with that weight.
  const torch::Tensor x = torch::randn({2, 3, 8, 8});
  const torch::Tensor y = sn->forward(x);
  const torch::Tensor w = sn->conv->weight / largest;
  const torch::Tensor expected = torch::conv2d(x, w, sn->conv->bias, 2, 1);
  EXPECT_TRUE(torch::allclose(y, expected, 1e-3, 1e-4));
  EXPECT_NEAR(std::get<1>(torch::svd(w.reshape({16, -1}))).max().item<float>(), 1.0f, 2e-3f);
  // Eval mode keeps u and v.
  sn->eval();
  const torch::Tensor u = sn->u.clone();
  sn->forward(x);
  EXPECT_TRUE(torch::equal(u, sn->u));
}

TEST(SpectralNorm, ASpectrallyNormalisedDTrains) {
  torch::manual_seed(8);
  Gan gan(small_config(kHinge, true), adam(1e-3), torch::kCPU);
  const torch::Tensor real = real_batch();
  const torch::Tensor fake = gan.fake(gan.noise(8), false);
  const float first = gan.d_step(real, fake).loss;
  float last = first;
  for (int i = 0; i < 20; ++i) last = gan.d_step(real, fake).loss;
  EXPECT_LT(last, first) << "D learns to tell a fixed real batch from fixed fakes";
}

TEST(GEma, TheAverageFollowsGAndSamplesCanShowIt) {
  torch::manual_seed(9);
  GanOptimSettings o = adam(1e-2);
  o.ema_decay = 0.5;
  Gan gan(small_config(), o, torch::kCPU);
  Params p = gan_params();
  p.set(ParamId::kGEma, {0.5, ""});
  const torch::Tensor real = real_batch();
  const BatchFn batches = [&](int64_t) { return real; };
  EXPECT_FALSE(gan.has_ema());
  gan.train_step(batches, p, 0);
  ASSERT_TRUE(gan.has_ema()) << "made at the first G update, as a copy of G";
  const auto g = gan.generator().parameters();
  auto ema = gan.ema_generator().parameters();
  for (size_t i = 0; i < g.size(); ++i) ASSERT_TRUE(torch::equal(g[i], ema[i])) << i;
  std::vector<torch::Tensor> before;
  for (auto& t : ema) before.push_back(t.detach().clone());
  gan.train_step(batches, p, 1);
  ema = gan.ema_generator().parameters();
  // The first average after the copy warms up: decay min(0.5, (1 + 1) / (10 + 1)).
  const double d = 2.0 / 11.0;
  for (size_t i = 0; i < g.size(); ++i) {
    EXPECT_TRUE(torch::allclose(ema[i], d * before[i] + (1 - d) * g[i], 1e-5, 1e-6)) << i;
  }
  for (int step = 2; step < 30; ++step) gan.train_step(batches, p, step);
  std::vector<torch::Tensor> at29;
  for (auto& t : gan.ema_generator().parameters()) at29.push_back(t.detach().clone());
  gan.train_step(batches, p, 30);  // the 30th average: (1 + 30) / (10 + 30) > 0.5, so 0.5
  ema = gan.ema_generator().parameters();
  for (size_t i = 0; i < g.size(); ++i) {
    EXPECT_TRUE(torch::allclose(ema[i], 0.5 * at29[i] + 0.5 * g[i], 1e-5, 1e-6)) << i;
  }
  // Samples from the average or from G: different images for the same noise.
  const torch::Tensor z = gan.noise(4);
  const torch::Tensor from_ema = gan.decode(z);
  o.ema_samples = false;
  gan.set_optim(o);
  const torch::Tensor from_g = gan.decode(z);
  EXPECT_FALSE(torch::allclose(from_ema, from_g));
  // Saved and loaded with the model.
  StateWriter w;
  gan.save(w);
  torch::manual_seed(10);
  Gan copy(small_config(), adam(1e-2), torch::kCPU);
  StateReader r(w.file(), torch::kCPU);
  copy.load(r);
  ASSERT_TRUE(copy.has_ema());
  EXPECT_TRUE(torch::equal(copy.ema_generator().parameters()[0], ema[0]));
  // Switched off: gone, and samples come from G.
  o.ema_decay = 0.0;
  gan.set_optim(o);
  gan.train_step(batches, p, 31);
  EXPECT_FALSE(gan.has_ema());
}

TEST(LrSchedule, FactorsAndTheOptimizersFollowThem) {
  EXPECT_DOUBLE_EQ(lr_factor("constant", 500, 1000), 1.0);
  EXPECT_DOUBLE_EQ(lr_factor("linear", 0, 1000), 1.0);
  EXPECT_DOUBLE_EQ(lr_factor("linear", 250, 1000), 0.75);
  EXPECT_DOUBLE_EQ(lr_factor("linear", 2000, 1000), 0.0);
  EXPECT_NEAR(lr_factor("cosine", 500, 1000), 0.5, 1e-12);
  EXPECT_NEAR(lr_factor("cosine", 250, 1000), 0.5 * (1 + std::cos(M_PI / 4)), 1e-12);
  EXPECT_DOUBLE_EQ(lr_factor("cosine", 1000, 1000), 0.0);
  Params p = gan_params();
  p.set_from_string(ParamId::kLrSchedule, "linear");
  p.set(ParamId::kLrScheduleSteps, {100, ""});
  auto session = TrainingSession::create(p, [] {
    auto d = std::make_shared<Dataset>();
    d->name = "noise";
    d->train.count = 32, d->train.channels = 3, d->train.height = d->train.width = 16;
    d->train.pixels.resize(32 * 3 * 16 * 16, 128);
    d->train.source = "memory";
    return std::shared_ptr<const Dataset>(d);
  }());
  ASSERT_TRUE(session.ok()) << session.error();
  StepOutcome out;
  for (int i = 0; i < 26; ++i) out = (*session)->step();
  // The 26th step is step 25 of 100: factor 0.75, in the lr_scale column and the optimizers.
  ASSERT_EQ(out.row.count, 5);
  EXPECT_NEAR(out.row.values[4], 0.75f, 1e-6f);
}

}  // namespace
