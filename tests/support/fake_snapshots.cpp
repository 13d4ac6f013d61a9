#include "support/fake_snapshots.h"

#include <cmath>
#include <random>

namespace genscope::test {
namespace {

// A make_grid-like image: cols x rows tiles of `tile` pixels with 2-pixel padding, each tile a
// blob whose brightness varies with its index.
ImageRGBA grid(int cols, int rows, int tile = 28) {
  const int pad = 2, w = cols * tile + (cols + 1) * pad, h = rows * tile + (rows + 1) * pad;
  ImageRGBA img{w, h, std::vector<uint8_t>(size_t(w) * h * 4, 0)};
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      for (int y = 0; y < tile; ++y) {
        for (int x = 0; x < tile; ++x) {
          const float dx = (x - tile / 2.0f) / tile, dy = (y - tile / 2.0f) / tile;
          const float v = std::max(0.0f, 1.0f - 3.0f * (dx * dx + dy * dy) * (1 + (r + c) % 3));
          uint8_t* p = &img.pixels[(size_t(pad + r * (tile + pad) + y) * w + pad + c * (tile + pad) + x) * 4];
          p[0] = p[1] = p[2] = uint8_t(255 * v);
          p[3] = 255;
        }
      }
    }
  }
  for (size_t i = 3; i < img.pixels.size(); i += 4) img.pixels[i] = 255;
  return img;
}

const std::vector<std::string> kClasses = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

void fill_quality(QualityView& q, int64_t step) {
  q.state = QualityState::kReady;
  q.status = "ready";
  q.classifier_accuracy = 0.9103;
  q.classifier_cached = true;
  q.cache_path = "/root/.cache/genscope/classifier-0123456789abcdef.bin";
  q.samples = 5000;
  q.floor_samples = 5000;
  q.fid_floor = 1.42;
  q.is_real = 8.37;
  q.entropy_max = std::log(10.0);
  q.class_names = kClasses;
  q.real_share.assign(10, 0.1f);
  q.share = {0.12f, 0.08f, 0.11f, 0.09f, 0.1f, 0.07f, 0.13f, 0.1f, 0.09f, 0.11f};
  for (int64_t s = 500; s <= step; s += 500) {
    q.history.push_back({s, 300.0 / (1 + s / 500.0), 2.0 + s / 1000.0, 2.2, 4.0});
  }
  q.version = 7;
}

void fill_histograms(LayerHistograms& h, int64_t step) {
  h.step = step;
  h.version = 3;
  for (const char* name : {"G net.0 weight", "G net.1 ReLU", "D net.0 weight", "D net.2 LeakyReLU"}) {
    LayerHistogram l;
    l.name = name;
    l.activation = std::string(name).find("weight") == std::string::npos;
    l.lo = -0.5f, l.hi = 0.5f;
    for (int b = 0; b < 40; ++b) l.share.push_back(std::exp(-0.01f * (b - 20) * (b - 20)) / 14.0f);
    l.quantiles = {-0.5f, -0.1f, 0.0f, 0.1f, 0.5f};
    h.layers.push_back(l);
  }
}

// A text model's view: a 30-character vocabulary, a prompt and its continuations with
// probabilities that cycle, the top-10 candidates, a Transformer's attention (2 layers, 2 heads)
// and embeddings laid out on a circle.
void fill_text(TextView& t, int64_t step) {
  const std::string chars = "\n !.Tacdeghilmnorstuwy";
  for (char c : chars) t.vocab.push_back(std::string(1, c));
  for (const std::string& c : t.vocab) {
    const char a = c[0];
    t.vocab_class.push_back(std::string("aeiou").find(a) != std::string::npos ? 0
                            : (a >= 'a' && a <= 'z') || a == 'T'            ? 1
                            : a == ' ' || a == '\n'                          ? 4
                                                                             : 3);
  }
  const auto id = [&](char c) { return static_cast<uint16_t>(chars.find(c)); };
  const std::string text = "the cat sat on the mat.\nThe dog ran to the cat.";
  for (TextSample* sample : {&t.sampled, &t.greedy}) {
    sample->prompt = "The ";
    sample->step = step;
    sample->temperature = sample == &t.sampled ? 0.8 : 0.0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      sample->ids.push_back(id(text[i]));
      const float p = 0.05f + 0.9f * float((i * 7) % 10) / 9.0f;
      sample->prob.push_back(p);
      std::array<uint16_t, kTextTopCandidates> top{};
      std::array<float, kTextTopCandidates> top_p{};
      top[0] = id(text[i]);
      top_p[0] = p;
      for (int j = 1; j < kTextTopCandidates; ++j) {
        top[j] = static_cast<uint16_t>((top[0] + j) % chars.size());
        top_p[j] = (1.0f - p) / float(1 << j);
      }
      sample->top_ids.push_back(top);
      sample->top_prob.push_back(top_p);
    }
  }
  t.version = 7;
  t.unigram_bits = 4.79;
  t.bigram_bits = 3.74;
  t.train_chars = 2313954;
  t.val_chars = 254781;
  t.refresh_s = 0.012;
  t.refresh_share = 0.031;
  auto inside = std::make_shared<TextInside>();
  inside->step = step;
  for (char c : std::string("\tThe cat said \"no\".\nA dog ran.")) {
    inside->passage.push_back(c == '\t' || c == '"' || c == 'A' ? id(' ') : id(c));
  }
  const std::size_t n = inside->passage.size();
  inside->layers = inside->heads = 2;
  for (int l = 0; l < 2; ++l) {
    for (int h = 0; h < 2; ++h) {
      for (std::size_t q = 0; q < n; ++q) {  // head (l, h) looks (l + h) characters back
        const std::size_t at = q >= std::size_t(l + h) ? q - (l + h) : 0;
        for (std::size_t k = 0; k < n; ++k) inside->attention.push_back(k == at ? 1.0f : 0.0f);
      }
    }
  }
  t.inside = inside;
  auto embedding = std::make_shared<TextEmbedding>();
  embedding->step = step;
  for (std::size_t i = 0; i < t.vocab.size(); ++i) {
    embedding->xy.push_back(std::cos(i * 0.3f) * (1 + t.vocab_class[i]));
    embedding->xy.push_back(std::sin(i * 0.3f) * (1 + t.vocab_class[i]));
  }
  embedding->explained = {0.31, 0.12};
  t.embedding = embedding;
}

}  // namespace

void make_recurrent_text(Snapshot& snapshot) {
  snapshot.params.set_from_string(ParamId::kModel, "char-lstm");
  snapshot.pending = snapshot.params;
  snapshot.model_name = "char-lstm";
  auto inside = std::make_shared<TextInside>(*snapshot.text.inside);
  inside->layers = inside->heads = 0;
  inside->attention.clear();
  inside->units = 8;
  const std::size_t n = inside->passage.size();
  // Unit 5 follows the position in the line; the others wander.
  int column = 0;
  for (int u = 0; u < 8; ++u) {
    column = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const bool line_break = snapshot.text.vocab[inside->passage[t]] == "\n";
      inside->hidden.push_back(u == 5 ? std::tanh(column * 0.1f) : 0.5f * std::sin(t * 0.7f + u * 1.3f));
      column = line_break ? 0 : column + 1;
    }
  }
  snapshot.text.inside = inside;
}

Snapshot fake_snapshot(ModelFamily family, int64_t step) {
  Snapshot s;
  s.version = 42;
  s.running = true;
  s.step = step;
  s.epoch = 0;
  s.epoch_progress = 0.64;
  s.steps_per_sec = 24.8;
  s.samples_per_sec = 1587;
  s.wall_s = 25.0;
  s.runtime = {"CPU", "OpenBLAS (OpenMP)", 2, 2, "OPENBLAS_CORETYPE=Haswell caps OpenBLAS at AVX2",
               "tuned as it trains",
               "workers spin 10000 polls, then sleep (genscope's choice)"};
  s.samples_hz = 8.0;
  s.is_toy = family == ModelFamily::kToy;
  s.is_text = family == ModelFamily::kText;
  s.is_gan = family != ModelFamily::kVae && family != ModelFamily::kText;
  s.run_dir = family == ModelFamily::kToy    ? "runs/20261201-101010-gan2d-ring8"
              : family == ModelFamily::kVae ? "runs/20261201-101010-vae-fashion-mnist"
                                            : "runs/20261201-101010-dcgan-fashion-mnist";
  Params p;
  if (family == ModelFamily::kToy) p.set(ParamId::kDataset, {0, "ring8"});
  if (family == ModelFamily::kVae) p.set_from_string(ParamId::kModel, "vae");
  if (family == ModelFamily::kText) {
    p.set_from_string(ParamId::kModel, "char-transformer");
    p.set_from_string(ParamId::kDataset, "fortunes");
  }
  s.params = s.pending = p;
  s.message_level = MessageLevel::kInfo;
  s.message = family == ModelFamily::kToy ? "2D GAN lab on ring8" : "training dcgan on Fashion-MNIST";
  s.events.push_back(RunEvent::message(MessageLevel::kInfo, s.message, 0));
  s.events.back().id = 1;
  s.events.push_back(RunEvent::edit(ParamId::kLrD, "2.00e-04", "1.00e-03", step - 10, false));
  s.events.back().id = 2;
  s.grads = {{"G net.0", 0.5f}, {"G net.3", 0.2f}, {"D net.0", 0.05f}, {"D net.4", 0.9f}};
  fill_histograms(s.histograms, step);
  s.samples_step = step;
  s.samples_version = 5;
  s.real_version = 5;
  if (family == ModelFamily::kToy) {
    s.model_name = "2d-gan";
    s.dataset_name = "ring8";
    ToyView& t = s.toy;
    t.active = true;
    t.version = 9;
    t.dataset = "ring8";
    t.definition = "8 Gaussians (sigma 0.02) on a circle of radius 2";
    t.data_box = {-3, -3, 3, 3};
    t.heat_box = t.data_box;
    t.heat_cols = t.heat_rows = 64;
    for (int i = 0; i < 64 * 64; ++i) t.heat.push_back(0.5f + 0.4f * std::sin(i * 0.01f));
    t.heat_version = 4;
    std::mt19937 rng(1);
    std::normal_distribution<float> n(0.0f, 0.05f);
    for (int k = 0; k < 8; ++k) {
      const float a = k * 0.785398f;
      t.centers.push_back({2 * std::cos(a), 2 * std::sin(a)});
    }
    for (int i = 0; i < 1024; ++i) {
      const Point2& c = t.centers[i % 8];
      t.real.push_back({c.x + n(rng), c.y + n(rng)});
      t.fake.push_back({c.x * 0.8f + 4 * n(rng), c.y * 0.8f + 4 * n(rng)});
      t.arrows.push_back({0.1f, -0.05f});
    }
    t.mode_sigma = 0.02f;
    t.manifold_res = 25;
    for (int y = 0; y < 25; ++y) {
      for (int x = 0; x < 25; ++x) t.manifold.push_back({(x - 12) * 0.2f, (y - 12) * 0.2f});
    }
    t.metrics_step = step;
    t.eval_samples = 2500;
    t.modes_total = 8;
    t.modes_covered = 7;
    t.hq_percent = 71.5;
    t.mode_share = {0.1, 0.09, 0.11, 0.1, 0.08, 0.0, 0.12, 0.1};
    t.kl = 0.35, t.js = 0.05;
    t.d_updates = t.g_updates = step;
    t.loss_name = "non_saturating";
    t.optimizer_g = t.optimizer_d = "adam";
    s.metric_names = {"loss_d", "loss_g", "d_real", "d_fake", "modes_covered", "hq_percent", "kl", "js"};
    return s;
  }
  if (family == ModelFamily::kText) {
    s.run_dir = "runs/20261201-101010-char-transformer-fortunes";
    s.model_name = "char-transformer";
    s.dataset_name = "fortunes";
    s.dataset_size = 2313954;
    s.message = "training char-transformer on fortunes";
    s.grads = {{"LM tokens", 0.3f}, {"LM block0.qkv", 0.2f}, {"LM block1.fc", 0.1f}};
    fill_text(s.text, step);
    s.metric_names = {"train_bpc", "val_bpc", "grad_norm", "lr"};
    return s;
  }
  s.dataset_name = "Fashion-MNIST";
  s.dataset_size = 60000;
  s.samples = grid(8, 8);
  s.latent.version = 3;
  s.latent.latent_dim = family == ModelFamily::kVae ? 16 : 64;
  s.latent.traversal = grid(9, 10);
  for (int r = 0; r < 10; ++r) s.latent.traversal_rows.push_back("z" + std::to_string(r));
  s.latent.interpolation = grid(10, 1);
  s.latent.explorer = grid(1, 1);
  fill_quality(s.quality, step);
  s.diversity = 0.8;
  s.diversity_step = step;
  if (family == ModelFamily::kImageGan) {
    s.model_name = "dcgan";
    s.real = grid(8, 8);
    for (int i = 0; i < 64; ++i) {
      s.d_real.push_back(0.6f + 0.003f * i);
      s.d_fake.push_back(0.3f + 0.004f * i);
    }
    s.metric_names = {"loss_d", "loss_g", "d_real", "d_fake", "lr_scale"};
    return s;
  }
  s.model_name = "vae";
  s.latent.reconstructions = grid(8, 16);
  for (int d = 0; d < 16; ++d) s.latent.kl_per_dim.push_back(d < 6 ? 2.0f - 0.3f * d : 0.01f);
  auto map = std::make_shared<LatentMap>();
  map->step = step;
  map->dim = 16;
  map->projected = true;
  std::mt19937 rng(2);
  std::normal_distribution<float> n(0.0f, 1.0f);
  for (int i = 0; i < 2000; ++i) {
    const int label = i % 10;
    for (int d = 0; d < 16; ++d) map->codes.push_back(n(rng));
    map->xy.push_back(std::cos(label * 0.6f) * 2 + 0.5f * n(rng));
    map->xy.push_back(std::sin(label * 0.6f) * 2 + 0.5f * n(rng));
    map->labels.push_back(uint8_t(label));
  }
  map->class_names = kClasses;
  map->axes.assign(32, 0.25f);
  map->mean.assign(16, 0.0f);
  map->extent[0] = -3.5f, map->extent[1] = -3.5f, map->extent[2] = 3.5f, map->extent[3] = 3.5f;
  s.latent.map = map;
  s.metric_names = {"recon", "kl", "elbo", "beta_kl", "lr_scale"};
  return s;
}

std::vector<MetricRow> fake_rows(const Snapshot& snapshot, int count) {
  std::vector<MetricRow> rows;
  for (int i = 1; i <= count; ++i) {
    MetricRow r;
    r.step = i;
    r.wall_s = i * 0.04;
    r.count = int(snapshot.metric_names.size());
    for (int k = 0; k < r.count; ++k) {
      r.values[k] = 1.0f + 0.3f * std::sin(i * 0.05f + k) + 0.1f * std::sin(i * 0.9f * (k + 1));
    }
    if (snapshot.is_toy) {
      r.values[4] = float(std::min(8, i / 40));
      r.values[5] = float(std::min(80, i / 5));
    }
    rows.push_back(r);
  }
  return rows;
}

void make_small_toy(Snapshot& snapshot) {
  snapshot.model_name = "2d-gan";
  snapshot.is_toy = true;
  ToyView& t = snapshot.toy;
  t.active = true;
  t.version = 1;
  t.dataset = "ring8";
  t.data_box = {-3, -3, 3, 3};
  t.heat_box = t.data_box;
  t.heat_cols = t.heat_rows = 4;
  t.heat.assign(16, 0.2f);
  t.heat_version = 1;
  t.real = {{2, 0}, {0, 2}};
  t.fake = {{1, 1}, {-1, -1}};
  t.arrows = {{0.5f, 0.5f}, {-0.2f, 0.1f}};
  t.manifold_res = 2;
  t.manifold = {{-1, -1}, {1, -1}, {-1, 1}, {1, 1}};
  t.centers = {{2, 0}, {0, 2}};
  t.modes_total = 2;
  t.modes_covered = 1;
  t.mode_share = {0.5, 0.0};
}

}  // namespace genscope::test
