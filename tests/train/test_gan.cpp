#include <gtest/gtest.h>

#include <cmath>

#include "train/runtime.h"
#include "train/session.h"

using namespace genscope;

namespace {

// 256 28x28 images of bright squares at varying places: small, structured, made in the test.
std::shared_ptr<const Dataset> tiny_dataset() {
  auto d = std::make_shared<Dataset>();
  d->name = "squares";
  ImageSet& s = d->train;
  s.count = 256;
  s.height = s.width = 28;
  s.source = "memory";
  s.pixels.assign(size_t(s.count) * 28 * 28, 0);
  for (int n = 0; n < s.count; ++n) {
    int x0 = 2 + n % 14, y0 = 2 + (n / 14) % 14;
    for (int y = y0; y < y0 + 10; ++y) {
      for (int x = x0; x < x0 + 10; ++x) s.pixels[size_t(n) * 784 + y * 28 + x] = 255;
    }
  }
  return d;
}

Params small_params(const char* model = "dcgan") {
  Params p;
  p.set_from_string(ParamId::kModel, model);
  p.set(ParamId::kWidth, {8, ""});
  p.set(ParamId::kLatentDim, {16, ""});
  p.set(ParamId::kBatchSize, {16, ""});
  return p;
}

std::unique_ptr<TrainingSession> make_session(const Params& p) {
  auto s = TrainingSession::create(p, tiny_dataset());
  EXPECT_TRUE(s.ok()) << s.error();
  return std::move(*s);
}

}  // namespace

class GanShapes : public ::testing::TestWithParam<bool> {};

TEST_P(GanShapes, GeneratorAndDiscriminatorShapes) {
  GanConfig c;
  c.convolutional = GetParam();
  c.latent_dim = 12;
  c.width = 8;
  Gan gan(c, {}, torch::kCPU);
  torch::Tensor fake = gan.fake(gan.noise(5), false);
  EXPECT_EQ(fake.sizes(), (std::vector<int64_t>{5, 1, 28, 28}));
  EXPECT_LE(fake.max().item<float>(), 1.0f);
  EXPECT_GE(fake.min().item<float>(), -1.0f);
  auto r = gan.d_step(fake, fake);
  EXPECT_EQ(r.real_scores.sizes(), (std::vector<int64_t>{5}));
  EXPECT_TRUE(std::isfinite(r.loss));
}
INSTANTIATE_TEST_SUITE_P(Both, GanShapes, ::testing::Values(true, false));

TEST(Gan, DiscriminatorLossFallsOnAFixedBatch) {
  torch::manual_seed(3);
  GanConfig c;
  c.latent_dim = 16;
  c.width = 8;
  GanOptimSettings o;
  o.lr_d = 1e-3;
  Gan gan(c, o, torch::kCPU);
  torch::Tensor real = torch::rand({16, 1, 28, 28}).mul(2).sub(1).sign();  // a fixed batch
  torch::Tensor fake = gan.fake(gan.noise(16), false);
  float first = gan.d_step(real, fake).loss;
  float last = first;
  for (int i = 0; i < 15; ++i) last = gan.d_step(real, fake).loss;
  EXPECT_LT(last, 0.5f * first) << "first " << first << " last " << last;
}

TEST(Session, LearningRateCommandAppliesBetweenStepsAndKeepsAdamState) {
  auto s = make_session(small_params());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s->step().stepped);
  auto& opt = s->model().opt_g();
  ASSERT_FALSE(opt.state().empty());
  auto first_param_key = [&] {
    auto* p = opt.param_groups()[0].params()[0].unsafeGetTensorImpl();
    return c10::guts::to_string(p);
  }();
  auto& state = static_cast<torch::optim::AdamParamState&>(*opt.state().at(first_param_key));
  EXPECT_EQ(state.step(), 3);
  torch::Tensor moment = state.exp_avg().clone();

  ASSERT_TRUE(s->apply(Command::set(ParamId::kLrG, {1e-3, ""})).ok());
  auto& options = static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options());
  EXPECT_DOUBLE_EQ(options.lr(), 1e-3);
  EXPECT_DOUBLE_EQ(s->params().number(ParamId::kLrG), 1e-3);
  // The moments survived the change: the same state object, not re-initialised.
  auto& after = static_cast<torch::optim::AdamParamState&>(*opt.state().at(first_param_key));
  EXPECT_EQ(after.step(), 3);
  EXPECT_TRUE(torch::equal(after.exp_avg(), moment));
  ASSERT_TRUE(s->step().stepped);
  EXPECT_EQ(after.step(), 4);
}

TEST(Session, LiveBatchSizeAndNeedsResetWidth) {
  auto s = make_session(small_params());
  ASSERT_TRUE(s->apply(Command::set(ParamId::kBatchSize, {8, ""})).ok());
  s->step();
  Snapshot snap;
  s->fill_snapshot(snap, true);
  EXPECT_EQ(snap.d_real.size(), 8u);

  ASSERT_TRUE(s->apply(Command::set(ParamId::kWidth, {12, ""})).ok());
  EXPECT_EQ(s->params().integer(ParamId::kWidth), 8);  // waits for reset
  EXPECT_EQ(s->pending().integer(ParamId::kWidth), 12);
  ASSERT_TRUE(s->apply(Command::of(Command::Kind::kReset)).ok());
  EXPECT_EQ(s->params().integer(ParamId::kWidth), 12);
  EXPECT_EQ(s->step_count(), 0);
  EXPECT_FALSE(s->apply(Command::set(ParamId::kBatchSize, {0, ""})).ok());
}

TEST(Session, ResetWithSameSeedReproducesSamples) {
  auto s = make_session(small_params());
  ImageRGBA before, after;
  s->render_samples(before);
  s->step();
  s->apply(Command::of(Command::Kind::kReset));
  s->render_samples(after);
  EXPECT_EQ(before.pixels, after.pixels);
}

TEST(Session, PauseAndSingleStep) {
  auto s = make_session(small_params("mlp-gan"));
  s->apply(Command::of(Command::Kind::kPause));
  EXPECT_FALSE(s->wants_step());
  EXPECT_FALSE(s->step().stepped);
  s->apply(Command::of(Command::Kind::kStep, 2));
  EXPECT_TRUE(s->step().stepped);
  EXPECT_TRUE(s->step().stepped);
  EXPECT_FALSE(s->wants_step());
  EXPECT_EQ(s->step_count(), 2);
}

TEST(Session, NonFiniteLossPausesWithAMessage) {
  auto s = make_session(small_params());
  {
    torch::NoGradGuard no_grad;
    for (auto& p : s->model().discriminator().parameters()) p.fill_(NAN);
  }
  StepOutcome out = s->step();
  EXPECT_TRUE(out.stepped);
  EXPECT_TRUE(out.non_finite);
  EXPECT_TRUE(s->paused());
  EXPECT_FALSE(s->wants_step());
  Snapshot snap;
  s->fill_snapshot(snap, false);
  EXPECT_EQ(snap.message_level, MessageLevel::kError);
  EXPECT_NE(snap.message.find("NaN"), std::string::npos) << snap.message;
  EXPECT_TRUE(snap.paused);
}

TEST(Session, RejectsImagesTheDcganCannotTake) {
  auto d = std::make_shared<Dataset>();
  d->train.count = 4;
  d->train.height = d->train.width = 32;
  d->train.pixels.assign(4 * 32 * 32, 0);
  d->train.source = "x";
  auto s = TrainingSession::create(Params(), d);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("28x28"), std::string::npos);
}

TEST(Cuda, SessionTrainsOnTheGpuWhenThereIsOne) {
  if (!cuda_available()) GTEST_SKIP() << "no CUDA device or CPU-only LibTorch";
  auto s = make_session(small_params());
  EXPECT_TRUE(s->step().stepped);
  for (auto& p : s->model().generator().parameters()) EXPECT_TRUE(p.is_cuda());
  Snapshot snap;
  s->fill_snapshot(snap, true);
  EXPECT_FALSE(snap.samples.empty());
}
