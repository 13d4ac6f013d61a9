#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/idx.h"
#include "train/family_access.h"
#include "train/tiny_data.h"
#include "train/metric_classifier.h"
#include "train/models/gan/gan.h"
#include "train/models/vae/vae.h"
#include "train/runtime.h"
#include "train/session.h"

using namespace genscope;

namespace {

using test::small_params;
using test::tiny_dataset;

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
  auto& opt = static_cast<Gan&>(image_model(*s)).opt_g();
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
    for (auto& p : image_model(*s).parameters()) p.fill_(NAN);
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
  d->train.height = d->train.width = 24;
  d->train.pixels.assign(4 * 24 * 24, 0);
  d->train.source = "x";
  auto s = TrainingSession::create(Params(), d);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("28x28"), std::string::npos);
}

// Squares of a colour per image at `side` x `side`, `channels` channels (NCHW).
std::shared_ptr<const Dataset> coloured_squares(int side, int channels) {
  auto d = std::make_shared<Dataset>();
  d->name = "coloured squares";
  ImageSet& s = d->train;
  s.count = 64;
  s.channels = channels;
  s.height = s.width = side;
  s.source = "memory";
  s.pixels.assign(size_t(s.count) * s.image_size(), 0);
  const size_t plane = size_t(side) * side;
  for (int n = 0; n < s.count; ++n) {
    const int x0 = n % (side / 2), y0 = (n / 3) % (side / 2), edge = side / 3;
    for (int c = 0; c < channels; ++c) {
      const uint8_t v = uint8_t(channels == 1 ? 255 : (n + c) % 3 == 0 ? 255 : 40);
      for (int y = y0; y < y0 + edge; ++y) {
        for (int x = x0; x < x0 + edge; ++x) s.pixels[n * s.image_size() + c * plane + y * side + x] = v;
      }
    }
  }
  return d;
}

// The convolutional models build one block per doubling: colour 32x32, gray 64x64 and colour
// 16x16 images train with finite losses, and their sample grids carry the channels.
TEST(Resolution, ConvolutionalModelsTrainOnColourAndLargerImages) {
  const struct {
    int side, channels;
  } shapes[] = {{32, 3}, {64, 1}, {16, 3}};
  for (const auto& shape : shapes) {
    for (const char* model : {"dcgan", "vae"}) {
      SCOPED_TRACE(testing::Message() << model << " " << shape.side << "x" << shape.side << "x"
                                      << shape.channels);
      auto created = TrainingSession::create(small_params(model), coloured_squares(shape.side, shape.channels));
      ASSERT_TRUE(created.ok()) << created.error();
      auto& s = *created;
      for (int i = 0; i < 2; ++i) {
        const StepOutcome out = s->step();
        ASSERT_TRUE(out.stepped);
        EXPECT_FALSE(out.non_finite);
        for (int v = 0; v < out.row.count; ++v) {
          if (!(out.row.unmeasured & (1u << v))) EXPECT_TRUE(std::isfinite(out.row.values[v])) << v;
        }
      }
      Snapshot snap;
      s->fill_snapshot(snap, true);
      ASSERT_FALSE(snap.samples.empty());
      EXPECT_GE(snap.samples.width, 8 * shape.side) << "an 8-wide grid of the images";
      bool colour = false;
      for (size_t p = 0; p + 3 < snap.real.pixels.size(); p += 4) {
        colour = colour || snap.real.pixels[p] != snap.real.pixels[p + 1];
      }
      EXPECT_EQ(colour, shape.channels == 3) << "the real grid shows the data's colours";
    }
  }
}

TEST(Cuda, SessionTrainsOnTheGpuWhenThereIsOne) {
  if (!cuda_available()) GTEST_SKIP() << "no CUDA device or CPU-only LibTorch";
  auto s = make_session(small_params());
  EXPECT_TRUE(s->step().stepped);
  for (auto& p : image_model(*s).parameters()) EXPECT_TRUE(p.is_cuda());
  Snapshot snap;
  s->fill_snapshot(snap, true);
  EXPECT_FALSE(snap.samples.empty());
}

namespace {

// Writes the squares dataset as gzipped IDX files (train and t10k) and loads it back.
std::shared_ptr<const Dataset> idx_dataset() {
  std::string dir = std::string(GENSCOPE_TEST_TMP) + "/vae_idx_" + std::to_string(getpid());  // ctest runs tests in parallel
  std::filesystem::create_directories(dir);
  auto mem = tiny_dataset();
  IdxArray images{{mem->train.count, 28, 28}, mem->train.pixels};
  IdxArray labels{{mem->train.count}, std::vector<uint8_t>(mem->train.count)};
  for (int64_t i = 0; i < mem->train.count; ++i) labels.data[i] = static_cast<uint8_t>(i % 10);
  EXPECT_TRUE(write_idx(dir + "/train-images-idx3-ubyte.gz", images).ok());
  EXPECT_TRUE(write_idx(dir + "/train-labels-idx1-ubyte.gz", labels).ok());
  EXPECT_TRUE(write_idx(dir + "/t10k-images-idx3-ubyte.gz", images).ok());
  EXPECT_TRUE(write_idx(dir + "/t10k-labels-idx1-ubyte.gz", labels).ok());
  auto d = load_dataset(dir);
  EXPECT_TRUE(d.ok()) << d.error();
  return std::make_shared<Dataset>(std::move(*d));
}

Params vae_params(const char* model = "vae") {
  Params p = small_params(model);
  p.set(ParamId::kLatentDim, {4, ""});
  p.set(ParamId::kLrG, {2e-3, ""});
  p.set(ParamId::kBatchSize, {32, ""});
  return p;
}

}  // namespace

TEST(Vae, ElboImprovesAndTermsAreFinite) {
  auto created = TrainingSession::create(vae_params(), idx_dataset());
  ASSERT_TRUE(created.ok()) << created.error();
  auto& s = *created;
  EXPECT_EQ(s->metric_names(), (MetricSchema{"recon", "kl", "elbo", "beta_kl", "lr_scale"}));
  double first = 0, last = 0;
  for (int i = 0; i < 200; ++i) {
    StepOutcome o = s->step();
    ASSERT_TRUE(o.stepped);
    ASSERT_FALSE(o.non_finite);
    for (int k = 0; k < o.row.count; ++k) ASSERT_TRUE(std::isfinite(o.row.values[k]));
    EXPECT_NEAR(o.row.values[2], -(o.row.values[0] + o.row.values[1]), 1e-2 * std::fabs(o.row.values[2]));
    if (i < 20) first += o.row.values[2] / 20;
    if (i >= 180) last += o.row.values[2] / 20;
  }
  EXPECT_GT(last, first + 0.2 * std::fabs(first)) << "ELBO first " << first << " last " << last;
}

TEST(Vae, KlPerDimensionSumsToTheTotal) {
  torch::manual_seed(1);
  VaeConfig c;
  c.latent_dim = 6;
  c.width = 8;
  Vae vae(c, Params(), torch::kCPU);
  VaeLoss l = vae.loss(torch::rand({8, 1, 28, 28}).mul(2).sub(1), true);
  ASSERT_EQ(l.kl_per_dim.numel(), 6);
  EXPECT_NEAR(l.kl_per_dim.sum().item<float>(), l.kl.item<float>(), 1e-4);
  EXPECT_GE(l.kl_per_dim.min().item<float>(), 0.0f);
}

TEST(Vae, BetaChangeAppliesBetweenStepsAndWarmupRamps) {
  auto s = make_session(vae_params());
  StepOutcome o = s->step();
  EXPECT_NEAR(o.row.values[3], o.row.values[1], 1e-4);  // beta 1: beta_kl == kl
  ASSERT_TRUE(s->apply(Command::set(ParamId::kBeta, {4.0, ""})).ok());
  o = s->step();
  EXPECT_NEAR(o.row.values[3], 4.0f * o.row.values[1], 1e-3 * std::fabs(o.row.values[3]) + 1e-4);
  Params p;
  p.set(ParamId::kBeta, {2.0, ""});
  p.set(ParamId::kKlWarmup, {100, ""});
  EXPECT_DOUBLE_EQ(Vae::kl_weight(p, 0), 0.0);
  EXPECT_DOUBLE_EQ(Vae::kl_weight(p, 50), 1.0);
  EXPECT_DOUBLE_EQ(Vae::kl_weight(p, 500), 2.0);
}

TEST(Vae, AutoencoderHasZeroKl) {
  auto s = make_session(vae_params("ae"));
  for (int i = 0; i < 3; ++i) {
    StepOutcome o = s->step();
    EXPECT_EQ(o.row.values[1], 0.0f);
    EXPECT_EQ(o.row.values[3], 0.0f);
  }
}

TEST(Vae, BetaVaeDefaultsToBetaFour) {
  auto s = make_session(vae_params("beta-vae"));
  EXPECT_DOUBLE_EQ(s->params().number(ParamId::kBeta), 4.0);
}

TEST(Latent, ViewsAndMapForAVae) {
  Params p = vae_params();
  p.set(ParamId::kLatentDim, {2, ""});
  p.set(ParamId::kMapEvery, {50, ""});
  auto created = TrainingSession::create(p, idx_dataset());
  ASSERT_TRUE(created.ok());
  auto& s = *created;
  for (int i = 0; i < 3; ++i) s->step();
  ASSERT_NE(image_family(*s).latent_views().map, nullptr);  // 256 test images: one chunk
  const LatentMap& map = *image_family(*s).latent_views().map;
  EXPECT_EQ(map.count(), 256);
  EXPECT_FALSE(map.projected);
  EXPECT_EQ(map.labels.size(), 256u);
  EXPECT_EQ(map.manifold_n, 15);
  LatentSelection sel;
  sel.traversal_dims = {1};
  sel.explorer_z = {0.5f, -0.5f};
  sel.revision = 1;
  ASSERT_TRUE(s->apply(Command::select_latent(sel)).ok());
  image_family(*s).render_latent(s->params(), s->step_count());
  const LatentViews& v = image_family(*s).latent_views();
  EXPECT_EQ(v.traversal_rows, (std::vector<std::string>{"z1"}));
  EXPECT_EQ(v.traversal.width, 9 * 28 + 10 * 2);
  EXPECT_EQ(v.interpolation.width, 10 * 28 + 11 * 2);
  EXPECT_EQ(v.explorer.width, 28);
  EXPECT_EQ(v.reconstructions.height, 8 * 28 + 9 * 2);
}

TEST(Latent, GanTraversalUsesOrthonormalDirections) {
  torch::Tensor d = random_directions(32, 8, 5);
  EXPECT_EQ(d.sizes(), (std::vector<int64_t>{8, 32}));
  EXPECT_TRUE(torch::allclose(d.mm(d.t()), torch::eye(8), 1e-4, 1e-5));
  auto s = make_session(small_params());  // latent 16 > 8: directions
  image_family(*s).render_latent(s->params(), s->step_count());
  EXPECT_EQ(image_family(*s).latent_views().traversal_rows.front(), "dir 1");
  EXPECT_TRUE(image_family(*s).latent_views().reconstructions.empty());
}

// The registry: each ModelFamily is built by exactly one family, and a session holds the family
// its parameters select, which says what it reports (its schema, its sample image).
TEST(Families, EachModelFamilyHasOneEntryAndASessionHoldsTheOneItsParametersSelect) {
  for (ModelFamily kind : {ModelFamily::kImageGan, ModelFamily::kVae, ModelFamily::kToy}) {
    EXPECT_EQ(std::count_if(families().begin(), families().end(),
                            [&](const FamilyInfo& f) { return f.kind == kind; }),
              1);
  }
  auto gan = make_session(small_params("dcgan"));
  ASSERT_NE(gan->family_as<ImageFamily>(), nullptr);
  EXPECT_EQ(gan->family_as<ToyFamily>(), nullptr);
  EXPECT_EQ(gan->family().samples_file(), "samples.png");
  EXPECT_EQ(gan->metric_names().front(), "loss_d");
  EXPECT_EQ(gan->data()->name, "squares");

  auto vae = make_session(small_params("beta-vae"));
  ASSERT_NE(vae->family_as<ImageFamily>(), nullptr);
  EXPECT_EQ(vae->params().number(ParamId::kBeta), 4.0) << "beta-VAE's own reading of beta = 1";
  EXPECT_EQ(vae->pending().number(ParamId::kBeta), 4.0);

  Params toy;
  ASSERT_TRUE(toy.set_from_string(ParamId::kDataset, "ring8").ok());
  auto lab = TrainingSession::create(toy, tiny_dataset());
  ASSERT_TRUE(lab.ok()) << lab.error();
  ASSERT_NE((*lab)->family_as<ToyFamily>(), nullptr);
  EXPECT_EQ((*lab)->data(), nullptr) << "the 2D lab samples its own data";
  EXPECT_EQ((*lab)->family().samples_file(), "scatter.png");
  EXPECT_EQ(&family_info(toy), &families()[2]);
  EXPECT_EQ(family_info(toy).default_threads, 1);
  // A command of another family is rejected with a line that says why, and changes nothing.
  Status s = gan->apply(Command::toy_update(false));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.error().find("2D lab"), std::string::npos) << s.error();
  EXPECT_FALSE(gan->paused());
}

// A session on other data publishes its own grids into a slot the old one filled: versions come
// from the process-wide counter (they used to restart at 1, so the old dataset's real images
// stayed on screen).
TEST(Families, ANewSessionNeverRepeatsAnImageVersionOfTheOldOne) {
  Snapshot slot;
  auto a = make_session(small_params());
  a->fill_snapshot(slot, true);
  const ImageRGBA real_a = slot.real;
  const uint64_t samples_a = slot.samples_version, latent_a = slot.latent.version;
  auto inverted = std::make_shared<Dataset>(*tiny_dataset());
  for (uint8_t& p : inverted->train.pixels) p = uint8_t(255 - p);
  auto b = TrainingSession::create(small_params(), inverted);
  ASSERT_TRUE(b.ok()) << b.error();
  (*b)->fill_snapshot(slot, true);
  EXPECT_NE(slot.real.pixels, real_a.pixels) << "the old dataset's real images are still shown";
  EXPECT_NE(slot.samples_version, samples_a);
  EXPECT_NE(slot.latent.version, latent_a);
}

// A run nobody watches (headless, no recording) leaves the latent views where they are; the
// window's run has them follow training. Both still render the sample grid (samples.png).
TEST(Families, AnUnwatchedRunSkipsTheViewsOnlyPanelsShow) {
  for (const bool watched : {true, false}) {
    auto s = make_session(small_params());
    s->family().set_watched(watched);
    Snapshot slot;
    s->fill_snapshot(slot, true);
    const uint64_t latent = slot.latent.version, samples = slot.samples_version;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(s->step().stepped);
    s->fill_snapshot(slot, true);
    EXPECT_EQ(slot.latent.version != latent, watched) << "watched " << watched;
    EXPECT_NE(slot.samples_version, samples) << "watched " << watched;
  }
}

// Lockstep recording asks for a target step; asking twice (a re-send after a slow frame) trains
// to it once, where two step counts would have added up to twice the steps.
TEST(Session, StepToTheSameTargetTwiceTrainsToItOnce) {
  auto s = make_session(small_params());
  s->apply(Command::of(Command::Kind::kStepTo, 3));
  s->apply(Command::of(Command::Kind::kStepTo, 3));
  for (int i = 0; i < 10 && s->wants_step(); ++i) s->step();
  EXPECT_EQ(s->step_count(), 3);
  EXPECT_TRUE(s->paused());
  EXPECT_FALSE(s->wants_step());
  s->apply(Command::of(Command::Kind::kStepTo, 2));  // already past it: nothing to do
  EXPECT_FALSE(s->wants_step());
}

// hflip mirrors about half of each batch of real images, and nothing when off.
TEST(Augmentation, HorizontalFlipMirrorsAboutHalfOfEachBatch) {
  auto d = std::make_shared<Dataset>();
  ImageSet& s = d->train;
  s.count = 256, s.channels = 3, s.height = s.width = 16, s.source = "memory";
  s.pixels.assign(size_t(s.count) * s.image_size(), 0);
  for (int n = 0; n < s.count; ++n) {  // the left half bright in every channel
    for (int c = 0; c < 3; ++c) {
      for (int y = 0; y < 16; ++y) {
        for (int x = 0; x < 8; ++x) s.pixels[n * s.image_size() + (c * 16 + y) * 16 + x] = 255;
      }
    }
  }
  auto created = TrainingSession::create(small_params("dcgan"), d);
  ASSERT_TRUE(created.ok()) << created.error();
  ImageFamily& family = image_family(**created);
  const auto mirrored = [](const torch::Tensor& batch) {  // images brighter on the right
    const torch::Tensor left = batch.slice(3, 0, 8).mean({1, 2, 3});
    const torch::Tensor right = batch.slice(3, 8, 16).mean({1, 2, 3});
    return right.gt(left).sum().item<int64_t>();
  };
  EXPECT_EQ(mirrored(family.batch_for_test(64, false)), 0);
  int64_t flipped = 0;
  for (int i = 0; i < 3; ++i) flipped += mirrored(family.batch_for_test(64, true));
  EXPECT_GT(flipped, 192 / 4);
  EXPECT_LT(flipped, 192 * 3 / 4);
}

// Memorisation: a sample grid of training images finds each of them at distance 0, and noise
// finds images far away; the real images' own nearest distance is the scale beside it.
TEST(Memorisation, NearestTrainingImagesOfTheSampleGrid) {
  auto data = std::make_shared<Dataset>();
  data->train.count = 100, data->train.channels = 3, data->train.height = data->train.width = 16;
  data->train.source = "memory";
  torch::manual_seed(11);
  const torch::Tensor random = torch::randint(0, 256, {100 * 3 * 16 * 16}, torch::kUInt8);
  data->train.pixels.assign(random.data_ptr<uint8_t>(), random.data_ptr<uint8_t>() + random.numel());
  auto created = TrainingSession::create(small_params("dcgan"), data);
  ASSERT_TRUE(created.ok()) << created.error();
  ImageFamily& family = image_family(**created);
  const ImageSet& train = data->train;
  const torch::Tensor images =
      torch::from_blob(const_cast<uint8_t*>(train.pixels.data()), {train.count, 3, 16, 16},
                       torch::kUInt8);
  const torch::Tensor picked = torch::arange(63, -1, -1, torch::kLong);  // in reverse order
  family.find_nearest(unit_range(images.index_select(0, picked)), 7);
  Snapshot copies;
  family.fill_snapshot(copies, small_params("dcgan"), false, 7);
  ASSERT_EQ(copies.nearest_distance.size(), 64u);
  for (float d : copies.nearest_distance) EXPECT_LT(d, 0.5f) << "0 but for rounding";
  EXPECT_EQ(copies.nearest_step, 7);
  // The nearest grid shows those images, in the tiles' order.
  ImageRGBA expected;
  tensor_grid(unit_range(images.index_select(0, picked)), 8, expected);
  EXPECT_EQ(copies.nearest.pixels, expected.pixels);
  EXPECT_GT(copies.real_nearest, 50.0) << "random images are far from each other";
  family.find_nearest(torch::rand({64, 3, 16, 16}).mul(2).sub(1), 8);
  Snapshot noise;
  noise.nearest_version = copies.nearest_version;
  family.fill_snapshot(noise, small_params("dcgan"), false, 8);
  ASSERT_EQ(noise.nearest_distance.size(), 64u);
  for (float d : noise.nearest_distance) EXPECT_GT(d, 30.0f) << "new noise is near no image";
  EXPECT_NE(noise.nearest_version, copies.nearest_version);
}
