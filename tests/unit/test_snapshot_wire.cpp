// The remote viewer's wire format: every Snapshot field, metric row and command round-trips
// exactly; encoding is deterministic; a section replaces only its own fields; hostile bytes are
// refused with a message naming the section and the field, and leave the snapshot as it was.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "net/snapshot_wire.h"

namespace genscope::net {
namespace {

constexpr int kSections = static_cast<int>(Section::kCount);
Section section(int i) { return static_cast<Section>(i); }

// ---- Exact comparison (NaN equals NaN bit for bit; -0.0 differs from 0.0) ----

bool same(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same(const ImageRGBA& a, const ImageRGBA& b) {
  return a.width == b.width && a.height == b.height && a.pixels == b.pixels;
}
bool same(const Point2& a, const Point2& b) { return same(a.x, b.x) && same(a.y, b.y); }
bool same(const Box2& a, const Box2& b) {
  return same(a.min_x, b.min_x) && same(a.min_y, b.min_y) && same(a.max_x, b.max_x) &&
         same(a.max_y, b.max_y);
}
template <typename T, std::size_t N>
bool same(const std::array<T, N>& a, const std::array<T, N>& b);
template <typename T>
bool same(const std::vector<T>& a, const std::vector<T>& b);
template <typename T>
std::enable_if_t<!std::is_floating_point_v<T>, bool> same(const T& a, const T& b) {
  return a == b;
}
template <typename T, std::size_t N>
bool same(const std::array<T, N>& a, const std::array<T, N>& b) {
  for (std::size_t i = 0; i < N; ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}
template <typename T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}

#define EXPECT_SAME(field) EXPECT_TRUE(same(a.field, b.field)) << #field

void expect_same(const Params& a, const Params& b, const char* what) {
  SCOPED_TRACE(what);
  for (const ParamSpec& spec : param_table()) {
    EXPECT_EQ(a.value(spec.id), b.value(spec.id)) << spec.key;
    EXPECT_EQ(a.is_set(spec.id), b.is_set(spec.id)) << spec.key;
  }
  EXPECT_EQ(a.family(), b.family());
}

void expect_same_core(const Snapshot& a, const Snapshot& b) {
  EXPECT_SAME(run_id);
  EXPECT_SAME(step);
  EXPECT_SAME(epoch);
  EXPECT_SAME(epoch_progress);
  EXPECT_SAME(steps_per_sec);
  EXPECT_SAME(samples_per_sec);
  EXPECT_SAME(samples_hz);
  EXPECT_SAME(wall_s);
  EXPECT_SAME(paused);
  EXPECT_SAME(steps_left);
  EXPECT_SAME(running);
  EXPECT_SAME(model_name);
  EXPECT_SAME(is_gan);
  EXPECT_SAME(is_toy);
  EXPECT_SAME(is_text);
  EXPECT_SAME(dataset_name);
  EXPECT_SAME(dataset_size);
  EXPECT_SAME(data_batches);
  EXPECT_SAME(data_ready);
  EXPECT_SAME(data_waited_s);
  EXPECT_SAME(runtime.device);
  EXPECT_SAME(runtime.blas);
  EXPECT_SAME(runtime.threads);
  EXPECT_SAME(runtime.hardware_threads);
  EXPECT_SAME(runtime.notes);
  EXPECT_SAME(runtime.thread_reason);
  EXPECT_SAME(runtime.omp_wait);
  EXPECT_SAME(message_level);
  EXPECT_SAME(message);
  EXPECT_SAME(loading);
  EXPECT_SAME(loading_progress);
  EXPECT_SAME(diverged);
  EXPECT_SAME(checkpoint_path);
  EXPECT_SAME(checkpoint_step);
  EXPECT_SAME(commands_done);
  EXPECT_SAME(run_dir);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_SAME(events[i].id);
    EXPECT_SAME(events[i].revision);
    EXPECT_SAME(events[i].step);
    EXPECT_SAME(events[i].wall_s);
    EXPECT_SAME(events[i].level);
    EXPECT_SAME(events[i].text);
    EXPECT_SAME(events[i].param);
    EXPECT_SAME(events[i].from);
    EXPECT_SAME(events[i].to);
    EXPECT_SAME(events[i].waits_for_reset);
  }
  ASSERT_EQ(a.alarms.size(), b.alarms.size());
  for (std::size_t i = 0; i < a.alarms.size(); ++i) {
    EXPECT_SAME(alarms[i].kind);
    EXPECT_SAME(alarms[i].step);
    EXPECT_SAME(alarms[i].text);
  }
  EXPECT_SAME(alarm_muted);
  expect_same(a.params, b.params, "params");
  expect_same(a.pending, b.pending, "pending");
  EXPECT_SAME(metric_names);
  ASSERT_EQ(a.fork.size(), b.fork.size());
  for (std::size_t i = 0; i < a.fork.size(); ++i) {
    EXPECT_SAME(fork[i].dir);
    EXPECT_SAME(fork[i].edits);
    EXPECT_SAME(fork[i].parent);
    EXPECT_SAME(fork[i].step);
    EXPECT_SAME(fork[i].training);
    EXPECT_SAME(fork[i].message);
    EXPECT_SAME(fork[i].samples);
    EXPECT_SAME(fork[i].samples_step);
    EXPECT_SAME(fork[i].samples_version);
  }
  EXPECT_SAME(fork_shown);
  EXPECT_SAME(d_real);
  EXPECT_SAME(d_fake);
  EXPECT_SAME(diversity);
  EXPECT_SAME(diversity_step);
  EXPECT_SAME(nearest_distance);
  EXPECT_SAME(real_nearest);
  ASSERT_EQ(a.grads.size(), b.grads.size());
  for (std::size_t i = 0; i < a.grads.size(); ++i) {
    EXPECT_SAME(grads[i].name);
    EXPECT_SAME(grads[i].norm);
  }
}

void expect_same_latent(const LatentViews& a, const LatentViews& b) {
  EXPECT_SAME(version);
  EXPECT_SAME(latent_dim);
  EXPECT_SAME(reconstructions);
  EXPECT_SAME(traversal);
  EXPECT_SAME(traversal_rows);
  EXPECT_SAME(interpolation);
  EXPECT_SAME(explorer);
  EXPECT_SAME(kl_per_dim);
  ASSERT_EQ(a.map == nullptr, b.map == nullptr);
  if (!a.map) return;
  const LatentMap &ma = *a.map, &mb = *b.map;
  EXPECT_TRUE(same(ma.step, mb.step));
  EXPECT_TRUE(same(ma.dim, mb.dim));
  EXPECT_TRUE(same(ma.projected, mb.projected));
  EXPECT_TRUE(same(ma.codes, mb.codes));
  EXPECT_TRUE(same(ma.xy, mb.xy));
  EXPECT_TRUE(same(ma.labels, mb.labels));
  EXPECT_TRUE(same(ma.class_names, mb.class_names));
  EXPECT_TRUE(same(ma.axes, mb.axes));
  EXPECT_TRUE(same(ma.mean, mb.mean));
  EXPECT_TRUE(same(ma.manifold, mb.manifold));
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(same(ma.extent[i], mb.extent[i])) << "extent " << i;
  EXPECT_EQ(ma.manifold_n, mb.manifold_n);
  ASSERT_EQ(ma.images == nullptr, mb.images == nullptr);
  if (!ma.images) return;
  const ImageSet &ia = *ma.images, &ib = *mb.images;
  EXPECT_EQ(ia.count, ib.count);
  EXPECT_EQ(ia.channels, ib.channels);
  EXPECT_EQ(ia.height, ib.height);
  EXPECT_EQ(ia.width, ib.width);
  EXPECT_EQ(ia.pixels, ib.pixels);
  EXPECT_EQ(ia.labels, ib.labels);
  EXPECT_EQ(ia.class_names, ib.class_names);
  EXPECT_EQ(ia.source, ib.source);
}

void expect_same_toy(const ToyView& a, const ToyView& b) {
  EXPECT_SAME(active);
  EXPECT_SAME(version);
  EXPECT_SAME(dataset);
  EXPECT_SAME(definition);
  EXPECT_SAME(data_box);
  EXPECT_SAME(real);
  EXPECT_SAME(fake);
  EXPECT_SAME(arrows);
  EXPECT_SAME(centers);
  EXPECT_SAME(mode_sigma);
  EXPECT_SAME(heat_box);
  EXPECT_SAME(heat_cols);
  EXPECT_SAME(heat_rows);
  EXPECT_SAME(heat);
  EXPECT_SAME(heat_is_probability);
  EXPECT_SAME(heat_lo);
  EXPECT_SAME(heat_hi);
  EXPECT_SAME(heat_version);
  EXPECT_SAME(manifold);
  EXPECT_SAME(manifold_res);
  EXPECT_SAME(noise_dim);
  EXPECT_SAME(noise_uniform);
  EXPECT_SAME(metrics_step);
  EXPECT_SAME(eval_samples);
  EXPECT_SAME(modes_total);
  EXPECT_SAME(modes_covered);
  EXPECT_SAME(hq_percent);
  EXPECT_SAME(mode_share);
  EXPECT_SAME(kl);
  EXPECT_SAME(js);
  EXPECT_SAME(d_updates);
  EXPECT_SAME(g_updates);
  EXPECT_SAME(phase);
  EXPECT_SAME(caption);
  EXPECT_SAME(loss_name);
  EXPECT_SAME(optimizer_g);
  EXPECT_SAME(optimizer_d);
}

void expect_same_sample(const TextSample& a, const TextSample& b) {
  EXPECT_SAME(prompt);
  EXPECT_SAME(ids);
  EXPECT_SAME(prob);
  EXPECT_SAME(top_ids);
  EXPECT_SAME(top_prob);
  EXPECT_SAME(step);
  EXPECT_SAME(temperature);
  EXPECT_SAME(top_k);
}

void expect_same_text(const TextView& a, const TextView& b) {
  EXPECT_SAME(version);
  EXPECT_SAME(vocab);
  EXPECT_SAME(vocab_class);
  expect_same_sample(a.sampled, b.sampled);
  expect_same_sample(a.greedy, b.greedy);
  EXPECT_SAME(unigram_bits);
  EXPECT_SAME(bigram_bits);
  EXPECT_SAME(train_chars);
  EXPECT_SAME(val_chars);
  EXPECT_SAME(refresh_s);
  EXPECT_SAME(refresh_share);
  ASSERT_EQ(a.inside == nullptr, b.inside == nullptr);
  if (a.inside) {
    EXPECT_SAME(inside->step);
    EXPECT_SAME(inside->passage);
    EXPECT_SAME(inside->units);
    EXPECT_SAME(inside->hidden);
    EXPECT_SAME(inside->layers);
    EXPECT_SAME(inside->heads);
    EXPECT_SAME(inside->attention);
  }
  ASSERT_EQ(a.embedding == nullptr, b.embedding == nullptr);
  if (a.embedding) {
    EXPECT_SAME(embedding->step);
    EXPECT_SAME(embedding->xy);
    EXPECT_SAME(embedding->explained);
  }
}

void expect_same_quality(const QualityView& a, const QualityView& b) {
  EXPECT_SAME(state);
  EXPECT_SAME(status);
  EXPECT_SAME(progress);
  EXPECT_SAME(classifier_accuracy);
  EXPECT_SAME(classifier_cached);
  EXPECT_SAME(cache_path);
  EXPECT_SAME(samples);
  EXPECT_SAME(floor_samples);
  EXPECT_SAME(fid_floor);
  EXPECT_SAME(is_real);
  EXPECT_SAME(entropy_max);
  EXPECT_SAME(class_names);
  EXPECT_SAME(real_share);
  EXPECT_SAME(share);
  EXPECT_SAME(busy);
  EXPECT_SAME(busy_step);
  EXPECT_SAME(version);
  ASSERT_EQ(a.history.size(), b.history.size());
  for (std::size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_SAME(history[i].step);
    EXPECT_SAME(history[i].fid);
    EXPECT_SAME(history[i].is_score);
    EXPECT_SAME(history[i].class_entropy);
    EXPECT_SAME(history[i].seconds);
  }
}

// Every field but `version` (the envelope's).
void expect_same(const Snapshot& a, const Snapshot& b) {
  expect_same_core(a, b);
  EXPECT_SAME(samples);
  EXPECT_SAME(samples_step);
  EXPECT_SAME(samples_version);
  EXPECT_SAME(real);
  EXPECT_SAME(real_version);
  EXPECT_SAME(nearest);
  EXPECT_SAME(nearest_version);
  EXPECT_SAME(nearest_step);
  EXPECT_SAME(histograms.step);
  EXPECT_SAME(histograms.version);
  EXPECT_SAME(histograms.layers);
  expect_same_latent(a.latent, b.latent);
  expect_same_toy(a.toy, b.toy);
  expect_same_text(a.text, b.text);
  expect_same_quality(a.quality, b.quality);
}

// ---- A snapshot with a non-default value in every field (`k` varies them) ----

ImageRGBA image(int w, int h, int k) {
  ImageRGBA img{w, h, std::vector<uint8_t>(std::size_t(w) * h * 4)};
  for (std::size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = uint8_t(i * 7 + k);
  return img;
}

std::vector<float> floats(int n, int k) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = 0.25f * float(i + k) - 1.0f;
  return v;
}

std::vector<Point2> points(int n, int k) {
  std::vector<Point2> v(n);
  for (int i = 0; i < n; ++i) v[i] = {0.5f * float(i + k), -0.25f * float(i) - float(k)};
  return v;
}

std::string s(const char* text, int k) { return text + std::to_string(k); }

void fill_core(Snapshot& snap, int k) {
  snap.version = 900 + k;
  snap.run_id = 10 + k, snap.step = 1234 + k, snap.epoch = 3 + k, snap.epoch_progress = 0.5 + k;
  snap.steps_per_sec = 41.5 + k, snap.samples_per_sec = 2600.25 + k, snap.samples_hz = 2.5 + k;
  snap.wall_s = 99.75 + k, snap.paused = true, snap.steps_left = 17 + k, snap.running = true;
  snap.model_name = s("dcgan", k), snap.is_gan = false, snap.is_toy = true, snap.is_text = true;
  snap.dataset_name = s("ring", k), snap.dataset_size = 60000 + k, snap.data_batches = 300 + k;
  snap.data_ready = 290 + k, snap.data_waited_s = 1.125 + k;
  snap.runtime = {s("CUDA", k),  s("openblas", k), 4 + k,          8 + k,
                  s("notes", k), s("reason", k),   s("passive", k)};
  snap.message_level = MessageLevel::kWarning, snap.message = s("loss is NaN", k);
  snap.loading = s("decoding", k), snap.loading_progress = 0.75, snap.diverged = true;
  snap.checkpoint_path = s("/runs/a/ckpt", k), snap.checkpoint_step = 1000 + k;
  snap.events.push_back(RunEvent::edit(ParamId::kLrD, "2.00e-04", s("1e-3", k), 50 + k, true, 3.5));
  snap.events.back().id = 7, snap.events.back().revision = 2;
  snap.events.push_back(RunEvent::message(MessageLevel::kError, s("save failed", k), 60 + k));
  snap.events.back().id = 8;
  snap.commands_done = 55 + k, snap.run_dir = s("/runs/\xff-not-utf8", k);
  snap.alarms = {{AlarmKind::kDOverpowering, 70 + k, s("D wins", k)},
                 {AlarmKind::kExplodingGradient, 80 + k, s("grad", k)}};
  snap.alarm_muted = {true, false, true, k % 2 == 0};
  ASSERT_TRUE(snap.params.set_from_string(ParamId::kDataset, "ring8"));
  ASSERT_TRUE(snap.params.set(ParamId::kLrG, {1e-4 * (k + 1), ""}));
  ASSERT_TRUE(snap.params.set_from_string(ParamId::kLoss, "hinge"));
  ASSERT_TRUE(snap.params.set(ParamId::kSeed, {double(k), ""}));
  ASSERT_TRUE(snap.pending.set_from_string(ParamId::kModel, "vae"));
  ASSERT_TRUE(snap.pending.set(ParamId::kPrompt, {0, s(" The ", k)}));
  ASSERT_TRUE(snap.pending.set(ParamId::kSeed, {double(k + 5), ""}));
  snap.metric_names = {"loss_d", "loss_g", "d_real", s("d_fake", k), "lr_scale"};
  for (int i = 0; i < 3; ++i) {
    snap.fork.push_back({s("/runs/f", i + k), i ? s("lr_d=1e-4", k) : "", i ? "/runs/f0@100" : "",
                         200 + i + k, i != 1, s("msg", i), image(3 + i, 2 + i, i + k), 150 + i,
                         uint64_t(40 + i + k)});
  }
  snap.fork_shown = 2;
  snap.d_real = floats(6, k), snap.d_real[2] = NAN, snap.d_fake = floats(5, k + 1);
  snap.diversity = 0.375 + k, snap.diversity_step = 900 + k;
  snap.nearest_distance = floats(4, k + 2), snap.real_nearest = 12.5 + k;
  snap.grads = {{s("G net.0", k), 0.5f}, {"D net.3", std::nanf("")}};
}

void fill_images(Snapshot& snap, int k) {
  snap.samples = image(8, 6, k), snap.samples_step = 1200 + k, snap.samples_version = 31 + k;
  snap.real = image(8, 6, k + 1), snap.real_version = 32 + k;
  snap.nearest = image(5, 7, k + 2), snap.nearest_version = 33 + k, snap.nearest_step = 1100 + k;
  LayerHistogram h{
      s("G net.0 weight", k), true, -1.5f, 2.5f, floats(40, k), {}, 1000 + k, 12.5 + k, 99.25 + k};
  h.quantiles = {-1.5f, -0.5f, 0.0f, 0.5f, 2.5f};
  snap.histograms = {700 + k, uint64_t(44 + k), {h, h}};
  snap.histograms.layers[1].activation = false, snap.histograms.layers[1].share = {};
}

void fill_latent(Snapshot& snap, int k) {
  LatentViews& v = snap.latent;
  v.version = 21 + k, v.latent_dim = 4;
  v.reconstructions = image(4, 2, k), v.traversal = image(9, 3, k + 1);
  v.traversal_rows = {"z0", s("dir ", k)}, v.interpolation = image(6, 1, k + 2);
  v.explorer = image(2, 2, k + 3), v.kl_per_dim = floats(4, k);
  auto map = std::make_shared<LatentMap>();
  map->step = 500 + k, map->dim = 4, map->projected = true, map->codes = floats(12, k);
  map->xy = floats(6, k + 1), map->labels = {1, 2, uint8_t(k)}, map->class_names = {"a", s("b", k)};
  map->axes = floats(8, k + 2), map->mean = floats(4, k + 3);
  map->extent[0] = -1, map->extent[1] = -2, map->extent[2] = 3, map->extent[3] = 4.5f + k;
  map->manifold = image(3, 3, k), map->manifold_n = 15 + k;
  auto set = std::make_shared<ImageSet>();
  set->count = 3, set->channels = 3, set->height = 2, set->width = 2;
  set->pixels.assign(36, uint8_t(k)), set->labels = {0, 1, 2}, set->class_names = {s("x", k)};
  set->source = s("/data/test", k);
  map->images = set;
  v.map = map;
}

void fill_toy(Snapshot& snap, int k) {
  ToyView& t = snap.toy;
  t.active = true, t.version = 61 + k, t.dataset = s("ring8", k), t.definition = s("8 modes", k);
  t.data_box = {-3, -3, 3, 3.5f + k}, t.real = points(5, k), t.fake = points(4, k + 1);
  t.arrows = points(4, k + 2), t.centers = points(8, k + 3), t.mode_sigma = 0.02f + k;
  t.heat_box = {-2, -1, 2, 1.0f + k}, t.heat_cols = 3, t.heat_rows = 2, t.heat = floats(6, k);
  t.heat_is_probability = false, t.heat_lo = -0.0f, t.heat_hi = 7.5f + k, t.heat_version = 62 + k;
  t.manifold = points(4, k + 4), t.manifold_res = 2, t.noise_dim = 3, t.noise_uniform = true;
  t.metrics_step = 400 + k, t.eval_samples = 2500 + k, t.modes_total = 8, t.modes_covered = 5 + k;
  t.hq_percent = 81.5 + k, t.mode_share = {0.125, 0.25 + k}, t.kl = 0.5 + k, t.js = NAN;
  t.d_updates = 300 + k, t.g_updates = 150 + k, t.phase = ToyPhase::kGenerator;
  t.caption = s("G moved", k), t.loss_name = s("hinge", k), t.optimizer_g = s("adam", k);
  t.optimizer_d = s("sgd", k);
}

TextSample text_sample(int n, int k) {
  TextSample t;
  t.prompt = s("The ", k);
  for (int i = 0; i < n; ++i) {
    t.ids.push_back(uint16_t(i + k + 60000));
    t.prob.push_back(0.125f * float(i + 1));
    std::array<uint16_t, kTextTopCandidates> ids{};
    std::array<float, kTextTopCandidates> ps{};
    for (int j = 0; j < kTextTopCandidates; ++j) ids[j] = uint16_t(i * 10 + j), ps[j] = 0.01f * j;
    t.top_ids.push_back(ids), t.top_prob.push_back(ps);
  }
  t.step = 800 + k, t.temperature = 0.8 + k, t.top_k = 5 + k;
  return t;
}

void fill_text(Snapshot& snap, int k) {
  TextView& t = snap.text;
  t.version = 71 + k, t.vocab = {"a", "b", "\n", s("\xe2\x82", k), " "};
  t.vocab_class = {0, 1, 4, 5, uint8_t(k)};
  t.sampled = text_sample(3, k), t.greedy = text_sample(2, k + 1), t.greedy.top_ids.clear();
  t.greedy.top_prob.clear(), t.unigram_bits = 4.5 + k, t.bigram_bits = 3.25 + k;
  t.train_chars = 100000 + k, t.val_chars = 5000 + k, t.refresh_s = 0.125 + k;
  t.refresh_share = 0.03 + k;
  auto inside = std::make_shared<TextInside>();
  inside->step = 790 + k, inside->passage = {1, 2, uint16_t(k)}, inside->units = 2;
  inside->hidden = floats(6, k), inside->layers = 1, inside->heads = 2;
  inside->attention = floats(18, k + 1);
  t.inside = inside;
  auto embedding = std::make_shared<TextEmbedding>();
  embedding->step = 780 + k, embedding->xy = floats(10, k), embedding->explained = {0.5, 0.25 + k};
  t.embedding = embedding;
}

void fill_quality(Snapshot& snap, int k) {
  QualityView& q = snap.quality;
  q.state = QualityState::kReady, q.status = s("ready", k), q.progress = 0.5 + k;
  q.classifier_accuracy = 0.91 + k, q.classifier_cached = true, q.cache_path = s("/cache", k);
  q.samples = 1000 + k, q.floor_samples = 900 + k, q.fid_floor = 1.5 + k, q.is_real = 9.5 + k;
  q.entropy_max = std::log(10.0) + k, q.class_names = {"t-shirt", s("bag", k)};
  q.real_share = {0.5f, 0.5f}, q.share = {0.25f, 0.75f + k};
  q.history = {{100 + k, 50.5, 3.5, 2.25, 1.5}, {200 + k, NAN, 4.5, 2.0, 1.25}};
  q.busy = true, q.busy_step = 300 + k, q.version = 81 + k;
}

Snapshot filled(int k) {
  Snapshot snap;
  fill_core(snap, k);
  fill_images(snap, k);
  fill_latent(snap, k);
  fill_toy(snap, k);
  fill_text(snap, k);
  fill_quality(snap, k);
  return snap;
}

std::vector<std::string> encode_all(const Snapshot& snap) {
  std::vector<std::string> out;
  for (int i = 0; i < kSections; ++i) out.push_back(encode_section(snap, section(i)));
  return out;
}

Snapshot decode_all(const Snapshot& from) {
  Snapshot out;
  for (int i = 0; i < kSections; ++i) {
    Status st = decode_section(section(i), encode_section(from, section(i)), out);
    EXPECT_TRUE(st.ok()) << section_name(section(i)) << ": " << st.error();
  }
  return out;
}

// ---- Snapshots ----

TEST(SnapshotWire, EveryFieldRoundTrips) {
  const Snapshot a = filled(1);
  const Snapshot b = decode_all(a);
  expect_same(a, b);
  EXPECT_EQ(b.version, 0u) << "the version is the envelope's, not a section's";
}

TEST(SnapshotWire, TheFillSetsEveryFieldApartFromTheDefaults) {
  // A field the encoder dropped would read back as its default: every section of the filled
  // snapshot differs from a default one's, and from another fill's.
  const std::vector<std::string> a = encode_all(filled(1)), b = encode_all(filled(2));
  const std::vector<std::string> none = encode_all(Snapshot{});
  for (int i = 0; i < kSections; ++i) {
    EXPECT_NE(a[i], none[i]) << section_name(section(i));
    EXPECT_NE(a[i], b[i]) << section_name(section(i));
  }
}

TEST(SnapshotWire, DefaultSnapshotRoundTrips) {
  const Snapshot a;
  expect_same(a, decode_all(a));
}

TEST(SnapshotWire, EncodingIsDeterministic) {
  const Snapshot a = filled(3);
  EXPECT_EQ(encode_all(a), encode_all(a));
  EXPECT_EQ(encode_all(a), encode_all(filled(3)));
  EXPECT_EQ(encode_all(a), encode_all(decode_all(a))) << "a decoded snapshot encodes the same";
}

TEST(SnapshotWire, ASectionReplacesOnlyItsOwnFields) {
  const Snapshot a = filled(1), b = filled(2);
  const std::vector<std::string> ea = encode_all(a), eb = encode_all(b);
  for (int i = 0; i < kSections; ++i) {
    SCOPED_TRACE(section_name(section(i)));
    Snapshot c = b;
    ASSERT_TRUE(decode_section(section(i), ea[i], c));
    const std::vector<std::string> ec = encode_all(c);
    for (int j = 0; j < kSections; ++j) {
      EXPECT_EQ(ec[j], i == j ? ea[j] : eb[j]) << "section " << section_name(section(j));
    }
    EXPECT_EQ(c.version, b.version);
  }
}

TEST(SnapshotWire, LatentMapKeepsItsImagesAndNullClearsIt) {
  Snapshot a = filled(1), c = decode_all(a);
  const auto images = c.latent.map->images;
  ASSERT_TRUE(
      decode_section(Section::kLatentMap, encode_section(filled(4), Section::kLatentMap), c));
  EXPECT_EQ(c.latent.map->images, images);
  EXPECT_EQ(c.latent.map->manifold_n, 19);
  ASSERT_TRUE(
      decode_section(Section::kLatentMap, encode_section(Snapshot{}, Section::kLatentMap), c));
  EXPECT_EQ(c.latent.map, nullptr);
  ASSERT_TRUE(decode_section(Section::kLatentImages,
                             encode_section(Snapshot{}, Section::kLatentImages), c));
  const Status st =
      decode_section(Section::kLatentImages, encode_section(a, Section::kLatentImages), c);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("snapshot section latent_images: images, but no latent map"),
            std::string::npos)
      << st.error();
}

TEST(SnapshotWire, ForkSamplesAndCoreArriveInEitherOrder) {
  const Snapshot a = filled(1);
  Snapshot c;
  ASSERT_TRUE(decode_section(Section::kForkSamples, encode_section(a, Section::kForkSamples), c));
  ASSERT_TRUE(decode_section(Section::kCore, encode_section(a, Section::kCore), c));
  expect_same_core(a, c);
}

// A decode that fails must name `what` and leave `snap` exactly as it was.
void expect_refused(Section sec, const std::string& bytes, const std::string& what) {
  Snapshot snap = filled(5);
  const std::vector<std::string> before = encode_all(snap);
  const Status st = decode_section(sec, bytes, snap);
  ASSERT_FALSE(st) << section_name(sec) << " accepted, expected: " << what;
  EXPECT_NE(st.error().find(what), std::string::npos) << st.error();
  EXPECT_EQ(encode_all(snap), before) << "a refused section changed the snapshot";
}

TEST(SnapshotWire, RefusesImagesWhoseBytesDoNotMatch) {
  Snapshot a;
  a.samples = {3, 3, std::vector<uint8_t>(10)};
  expect_refused(Section::kSamples, encode_section(a, Section::kSamples),
                 "snapshot section samples: samples has 10 bytes, expected width*height*4 "
                 "(3*3*4 = 36)");
  a.real = {20000, 1, std::vector<uint8_t>(80000)};
  expect_refused(Section::kReal, encode_section(a, Section::kReal),
                 "snapshot section real: real width 20000 is outside [0, 16384]");
  a.nearest = {-1, 4, {}};
  expect_refused(Section::kNearest, encode_section(a, Section::kNearest), "nearest width -1");
  a.fork.resize(2);
  a.fork[1].samples = {16384, 16384, {}};  // would be 1 GiB: refused without allocating it
  expect_refused(Section::kForkSamples, encode_section(a, Section::kForkSamples),
                 "runs[1].samples has 0 bytes, expected width*height*4 (16384*16384*4 = "
                 "1073741824)");
  a.latent.explorer = {1, 1, {1, 2, 3}};
  expect_refused(Section::kLatent, encode_section(a, Section::kLatent), "explorer has 3 bytes");
}

TEST(SnapshotWire, RefusesEnumsOutOfRange) {
  Snapshot a;
  a.message_level = static_cast<MessageLevel>(9);
  expect_refused(Section::kCore, encode_section(a, Section::kCore),
                 "snapshot section core: message_level 9 is not a valid value (0..3)");
  a = Snapshot{};
  a.alarms.push_back({static_cast<AlarmKind>(4), 1, "x"});
  expect_refused(Section::kCore, encode_section(a, Section::kCore), "alarms[0].kind 4");
  a = Snapshot{};
  a.events.resize(2);
  a.events[1].param = static_cast<ParamId>(kParamCount + 1);
  expect_refused(Section::kCore, encode_section(a, Section::kCore), "events[1].param");
  a = Snapshot{};
  a.toy.phase = static_cast<ToyPhase>(-1);
  expect_refused(Section::kToy, encode_section(a, Section::kToy), "phase -1");
  a = Snapshot{};
  a.quality.state = static_cast<QualityState>(5);
  expect_refused(Section::kQuality, encode_section(a, Section::kQuality), "state 5");
}

TEST(SnapshotWire, RefusesArraysWhoseLengthsDisagree) {
  Snapshot a = filled(1);
  auto map = std::make_shared<LatentMap>(*a.latent.map);
  map->codes.pop_back();
  a.latent.map = map;
  expect_refused(Section::kLatentMap, encode_section(a, Section::kLatentMap),
                 "snapshot section latent_map: codes has 11 values, expected count*dim (12)");
  map->codes.push_back(0), map->xy.push_back(1);
  expect_refused(Section::kLatentMap, encode_section(a, Section::kLatentMap),
                 "xy has 7 values, expected 2 per point");
  map->xy.pop_back(), map->labels.push_back(3);
  expect_refused(Section::kLatentMap, encode_section(a, Section::kLatentMap),
                 "labels has 4 values, expected count (or none) (3)");
  auto set = std::make_shared<ImageSet>(*map->images);
  set->pixels.pop_back();
  map->labels.pop_back(), map->images = set;
  expect_refused(Section::kLatentImages, encode_section(a, Section::kLatentImages),
                 "pixels has 35 values, expected count*channels*height*width (36)");
  a.toy.heat.pop_back();
  expect_refused(Section::kToy, encode_section(a, Section::kToy),
                 "heat has 5 values, expected heat_cols*heat_rows (6)");
  auto inside = std::make_shared<TextInside>(*a.text.inside);
  inside->attention.pop_back();
  a.text.inside = inside;
  expect_refused(Section::kText, encode_section(a, Section::kText), "inside.attention has 17");
  a.text.vocab_class.pop_back();
  expect_refused(Section::kText, encode_section(a, Section::kText), "vocab_class has 4 values");
}

TEST(SnapshotWire, RefusesMoreEntriesThanASnapshotHolds) {
  Snapshot a;
  a.events.resize(10001);
  expect_refused(Section::kCore, encode_section(a, Section::kCore),
                 "events has 10001 entries, at most 10000");
  a = Snapshot{};
  a.fork.resize(kMaxForkBranches + 2);
  expect_refused(Section::kCore, encode_section(a, Section::kCore), "fork has 5 entries");
  a = Snapshot{};
  a.metric_names.resize(MetricRow::kMaxValues + 1);
  expect_refused(Section::kCore, encode_section(a, Section::kCore), "metric_names has 9");
}

TEST(SnapshotWire, RefusesGarbageAndTruncatedBytes) {
  const Snapshot a = filled(1);
  for (int i = 0; i < kSections; ++i) {
    expect_refused(section(i), std::string("\xff\xff\xff\xff\xff", 5), "not a valid message");
  }
  const std::string samples = encode_section(a, Section::kSamples);
  expect_refused(Section::kSamples, samples.substr(0, samples.size() / 2),
                 "snapshot section samples: not a valid message");
  const std::string core = encode_section(a, Section::kCore);
  expect_refused(Section::kCore, core.substr(0, core.size() - 1), "snapshot section core");
  EXPECT_FALSE(decode_section(Section::kCount, "", *std::make_unique<Snapshot>()));
}

TEST(SnapshotWire, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  const std::vector<std::string> valid = encode_all(filled(1));
  for (int round = 0; round < 300; ++round) {
    const int i = round % kSections;
    std::string bytes = valid[i];
    // Flip a few bytes of a valid message (deeper than pure noise), or pure noise.
    if (round % 3 == 0) {
      bytes.assign(rng() % 200, '\0');
      for (char& ch : bytes) ch = char(rng());
    } else {
      for (int f = 0; f < 4 && !bytes.empty(); ++f) bytes[rng() % bytes.size()] = char(rng());
    }
    Snapshot snap = filled(2);
    if (decode_section(section(i), bytes, snap)) {
      Snapshot again = filled(2);
      const std::string re = encode_section(snap, section(i));
      ASSERT_TRUE(decode_section(section(i), re, again)) << section_name(section(i));
      EXPECT_EQ(encode_section(again, section(i)), re);
    }
    std::vector<MetricRow> rows;
    (void)decode_rows(bytes, rows);
    (void)decode_command(bytes);
  }
}

// ---- Metric rows ----

TEST(SnapshotWire, RowsRoundTripAndAppend) {
  std::vector<MetricRow> rows(4);
  for (int i = 0; i < 4; ++i) {
    MetricRow& r = rows[i];
    r.step = 100 + i, r.epoch = i, r.wall_s = 1.5 * i, r.run = 9 + i;
    for (int v = 0; v < 2 * i; ++v) r.push(0.5f * v - 1.0f, v != 1);
  }
  rows[2].values[1] = NAN;
  rows[1].values[6] = 3.0f;  // past count: still exact
  std::vector<MetricRow> out(1);
  ASSERT_TRUE(decode_rows(encode_rows(rows), out));
  ASSERT_EQ(out.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    const MetricRow &a = rows[i], &b = out[i + 1];
    EXPECT_SAME(step);
    EXPECT_SAME(epoch);
    EXPECT_SAME(wall_s);
    EXPECT_SAME(count);
    EXPECT_SAME(values);
    EXPECT_SAME(unmeasured);
    EXPECT_SAME(run);
  }
  EXPECT_TRUE(decode_rows(encode_rows({}), out));
  EXPECT_EQ(out.size(), 5u);
}

TEST(SnapshotWire, RefusesBadRowsAndKeepsWhatItHad) {
  std::vector<MetricRow> rows(3);
  rows[2].count = MetricRow::kMaxValues + 1;
  std::vector<MetricRow> out(2);
  Status st = decode_rows(encode_rows(rows), out);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("metric rows: row[2] count 9 is outside [0, 8]"), std::string::npos)
      << st.error();
  EXPECT_EQ(out.size(), 2u);
  rows[2].count = 1, rows[2].unmeasured = 1u << 8;
  st = decode_rows(encode_rows(rows), out);
  EXPECT_NE(st.error().find("row[2] unmeasured 256"), std::string::npos) << st.error();
  EXPECT_FALSE(decode_rows(std::string("\x0a\x05\x08", 3), out));
}

// ---- Commands ----

void expect_same_command(const Command& a, const Command& b) {
  EXPECT_SAME(kind);
  EXPECT_SAME(param);
  EXPECT_SAME(value);
  EXPECT_SAME(count);
  EXPECT_SAME(param_index);
  EXPECT_SAME(latent.traversal_base);
  EXPECT_SAME(latent.traversal_dims);
  EXPECT_SAME(latent.gan_random_directions);
  EXPECT_SAME(latent.interp_a);
  EXPECT_SAME(latent.interp_b);
  EXPECT_SAME(latent.explorer_z);
  EXPECT_SAME(latent.revision);
  EXPECT_SAME(box);
  EXPECT_SAME(points);
  EXPECT_EQ(b.seq, 0u) << "seq is the receiving queue's";
}

Command round_trip(const Command& c) {
  Result<Command> r = decode_command(encode_command(c));
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? *r : Command{};
}

TEST(SnapshotWire, EveryCommandKindRoundTrips) {
  for (int k = 0; k <= static_cast<int>(Command::Kind::kCloseRun); ++k) {
    Command c = Command::of(static_cast<Command::Kind>(k), 3 + k);
    if (c.kind == Command::Kind::kSetParam) c.param = ParamId::kBatchSize, c.value.number = 32;
    if (c.kind == Command::Kind::kMuteAlarm) c.param_index = 2;
    c.seq = 44;
    SCOPED_TRACE(k);
    expect_same_command(c, round_trip(c));
  }
  Command choice = Command::set(ParamId::kLoss, {3, ""});  // hinge
  expect_same_command(choice, round_trip(choice));
  Command number = Command::set(ParamId::kLrG, {2.5e-4, ""});
  expect_same_command(number, round_trip(number));
  Command text = Command::set(ParamId::kDataset, {0, "ring8"});
  expect_same_command(text, round_trip(text));
  Command paint = Command::toy_paint({{1.5f, -2}, {NAN, 0}, {-0.0f, 3}});
  expect_same_command(paint, round_trip(paint));
  Command view = Command::toy_view({-1, -2, 3.5f, 4});
  expect_same_command(view, round_trip(view));
  Command fork = Command::fork("lr_d=1e-4,loss=hinge");
  expect_same_command(fork, round_trip(fork));
  LatentSelection sel;
  sel.traversal_base = {LatentSource::Kind::kTestImage, 12};
  sel.traversal_dims = {3, 1, 4};
  sel.gan_random_directions = false;
  sel.interp_a = {LatentSource::Kind::kRandom, 99};
  sel.interp_b = {LatentSource::Kind::kTestImage, 7};
  sel.explorer_z = {0.5f, -1.0f, NAN};
  sel.revision = 17;
  Command latent = Command::select_latent(sel);
  expect_same_command(latent, round_trip(latent));
}

void expect_command_refused(const Command& c, const std::string& what) {
  Result<Command> r = decode_command(encode_command(c));
  ASSERT_FALSE(r.ok()) << "accepted, expected: " << what;
  EXPECT_NE(r.error().find(what), std::string::npos) << r.error();
}

TEST(SnapshotWire, RefusesBadCommands) {
  expect_command_refused(Command::set(ParamId::kLrG, {5.0, ""}),
                         "command: lr_g: 5 is outside the range");
  expect_command_refused(Command::set(ParamId::kBatchSize, {2.5, ""}), "not a whole number");
  expect_command_refused(Command::set(ParamId::kLoss, {9, ""}), "loss: 9 is outside the range");
  expect_command_refused(Command::set(static_cast<ParamId>(999), {1, ""}),
                         "command: param 999 is not a parameter id");
  expect_command_refused(Command::set(ParamId::kCount, {1, ""}), "is not a parameter id");
  Command pause = Command::of(Command::Kind::kPause);
  pause.param = static_cast<ParamId>(-3);
  expect_command_refused(pause, "param -3");
  const int kinds = static_cast<int>(Command::Kind::kCloseRun) + 1;
  expect_command_refused(Command::of(static_cast<Command::Kind>(kinds)),
                         "command: kind " + std::to_string(kinds) + " is not a valid value");
  expect_command_refused(Command::mute_alarm(kAlarmKinds, true), "param_index 4 is outside [0, 3]");
  expect_command_refused(Command::fork(std::string(64 * 1024 + 1, 'x')), "text has 65537 bytes");
  LatentSelection sel;
  sel.interp_b.kind = static_cast<LatentSource::Kind>(3);
  expect_command_refused(Command::select_latent(sel), "latent.interp_b.kind 3");
  expect_command_refused(Command::toy_paint(std::vector<Point2>(1000001)),
                         "points has 1000001 entries, at most 1000000");
  EXPECT_FALSE(decode_command(std::string("\xff\xff\xff", 3)).ok());
}

// GENSCOPE_WIRE_SEEDS=DIR writes the fuzz target's seeds (tests/fuzz/corpus/fuzz_wire): a core
// section, metric rows and a command, each valid. Skipped otherwise.
TEST(SnapshotWire, WritesFuzzSeedsWhenAsked) {
  const char* dir = std::getenv("GENSCOPE_WIRE_SEEDS");
  if (!dir || !*dir) GTEST_SKIP() << "set GENSCOPE_WIRE_SEEDS=DIR to write the fuzz seeds";
  Snapshot small;
  fill_core(small, 1);
  small.events.resize(1), small.fork.resize(1);
  std::vector<MetricRow> rows(2);
  rows[0].push(1.5f), rows[1].push(NAN, false), rows[1].push(2.0f);
  LatentSelection sel;
  sel.traversal_dims = {1, 2}, sel.explorer_z = {0.5f, -0.5f};
  const std::pair<const char*, std::string> seeds[] = {
      {"core.bin", encode_section(small, Section::kCore)},
      {"rows.bin", encode_rows(rows)},
      {"command.bin", encode_command(Command::select_latent(sel))}};
  for (const auto& [name, bytes] : seeds) {
    std::ofstream out(std::string(dir) + "/" + name, std::ios::binary);
    out << bytes;
    ASSERT_TRUE(out.good()) << name;
  }
}

}  // namespace
}  // namespace genscope::net
