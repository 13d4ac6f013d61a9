// The snapshot's family sections: the 2D lab (toy), text models and the quality metrics. Each
// decodes into a temporary view and moves it into the snapshot only when every check passed.
#include <utility>

#include "net/snapshot_wire.h"
#include "net/snapshot_wire_detail.h"

namespace genscope::net::detail {
namespace {

// Caps, generously above what a run publishes.
constexpr uint64_t kMaxToyPoints = 1000000;  // per point list (the lab: 1,024; its manifold 625)
constexpr int kMaxToyCells = 4096;           // heat_cols, heat_rows, manifold_res (64, 64, 200)
constexpr int kMaxNoiseDim = 1024;           // noise_dim's table range is 1..16
constexpr uint64_t kMaxModes = 100000;       // mode_share (grid25: 25)
constexpr uint64_t kMaxVocab = 65536;        // ids are 16 bits
constexpr uint64_t kMaxChars = 10000000;     // generated characters (sample_chars <= 4,000)
constexpr uint64_t kMaxPassage = 1000000;    // the validation passage (context <= 1,024)
constexpr int kMaxUnits = 1000000;           // recurrent units (the text models: <= 1,024)
constexpr int kMaxHeadsOrLayers = 4096;      // layers <= 12, heads <= 16 in the table
constexpr uint64_t kMaxClasses = 100000;     // class names (Fashion-MNIST: 10)
constexpr uint64_t kMaxHistory = 10000000;   // quality evaluations of one run
constexpr int kToyPhases = 3;
constexpr int kQualityStates = 5;

std::string where(Section s) { return std::string("snapshot section ") + section_name(s); }

void put_toy_lists(const ToyView& v, wire::Toy& m) {
  put_points(v.real, m.mutable_real());
  put_points(v.fake, m.mutable_fake());
  put_points(v.arrows, m.mutable_arrows());
  put_points(v.centers, m.mutable_centers());
  put_values(v.heat, m.mutable_heat());
  put_points(v.manifold, m.mutable_manifold());
  put_values(v.mode_share, m.mutable_mode_share());
}

void get_toy_lists(const wire::Toy& m, ToyView& v, Checker& c) {
  v.real = get_points(m.real(), "real", kMaxToyPoints, c);
  v.fake = get_points(m.fake(), "fake", kMaxToyPoints, c);
  v.arrows = get_points(m.arrows(), "arrows", kMaxToyPoints, c);
  if (!v.arrows.empty()) c.size_is("arrows", v.arrows.size(), v.fake.size(), "one per fake point");
  v.centers = get_points(m.centers(), "centers", kMaxToyPoints, c);
  if (c.in_range("heat_cols", m.heat_cols(), 0, kMaxToyCells) &&
      c.in_range("heat_rows", m.heat_rows(), 0, kMaxToyCells)) {
    c.size_is("heat", uint64_t(m.heat_size()), uint64_t(m.heat_cols()) * uint64_t(m.heat_rows()),
              "heat_cols*heat_rows");
  }
  v.heat.assign(m.heat().begin(), m.heat().end());
  v.manifold = get_points(m.manifold(), "manifold", kMaxToyPoints, c);
  if (c.in_range("manifold_res", m.manifold_res(), 0, kMaxToyCells)) {
    const uint64_t res = uint64_t(m.manifold_res()), n = v.manifold.size();
    if (n != 0 && n != res && n != res * res) {
      c.fail("manifold has %llu points, expected manifold_res (%llu) or its square (or none)",
             static_cast<unsigned long long>(n), static_cast<unsigned long long>(res));
    }
  }
  v.mode_share = get_values<double>(m.mode_share(), "mode_share", kMaxModes, c);
}

}  // namespace

std::string encode_toy(const Snapshot& snap) {
  const ToyView& v = snap.toy;
  wire::Toy m;
  m.set_active(v.active);
  m.set_version(v.version);
  m.set_dataset(v.dataset);
  m.set_definition(v.definition);
  put_box(v.data_box, m.mutable_data_box());
  m.set_mode_sigma(v.mode_sigma);
  put_box(v.heat_box, m.mutable_heat_box());
  m.set_heat_cols(v.heat_cols);
  m.set_heat_rows(v.heat_rows);
  m.set_heat_is_probability(v.heat_is_probability);
  m.set_heat_lo(v.heat_lo);
  m.set_heat_hi(v.heat_hi);
  m.set_heat_version(v.heat_version);
  m.set_manifold_res(v.manifold_res);
  m.set_noise_dim(v.noise_dim);
  m.set_noise_uniform(v.noise_uniform);
  m.set_metrics_step(v.metrics_step);
  m.set_eval_samples(v.eval_samples);
  m.set_modes_total(v.modes_total);
  m.set_modes_covered(v.modes_covered);
  m.set_hq_percent(v.hq_percent);
  m.set_kl(v.kl);
  m.set_js(v.js);
  m.set_d_updates(v.d_updates);
  m.set_g_updates(v.g_updates);
  m.set_phase(static_cast<int>(v.phase));
  m.set_caption(v.caption);
  m.set_loss_name(v.loss_name);
  m.set_optimizer_g(v.optimizer_g);
  m.set_optimizer_d(v.optimizer_d);
  put_toy_lists(v, m);
  return m.SerializeAsString();
}

Status decode_toy(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kToy));
  wire::Toy m;
  if (!parse(bytes, m, c)) return c.status();
  ToyView v;
  v.active = m.active();
  v.version = m.version();
  v.dataset = m.dataset();
  v.definition = m.definition();
  v.data_box = get_box(m.data_box());
  v.mode_sigma = m.mode_sigma();
  v.heat_box = get_box(m.heat_box());
  v.heat_cols = m.heat_cols();
  v.heat_rows = m.heat_rows();
  v.heat_is_probability = m.heat_is_probability();
  v.heat_lo = m.heat_lo();
  v.heat_hi = m.heat_hi();
  v.heat_version = m.heat_version();
  v.manifold_res = m.manifold_res();
  c.in_range("noise_dim", m.noise_dim(), 0, kMaxNoiseDim);
  v.noise_dim = m.noise_dim();
  v.noise_uniform = m.noise_uniform();
  v.metrics_step = m.metrics_step();
  v.eval_samples = m.eval_samples();
  v.modes_total = m.modes_total();
  v.modes_covered = m.modes_covered();
  v.hq_percent = m.hq_percent();
  v.kl = m.kl();
  v.js = m.js();
  v.d_updates = m.d_updates();
  v.g_updates = m.g_updates();
  v.phase = c.enum_of<ToyPhase>("phase", m.phase(), kToyPhases);
  v.caption = m.caption();
  v.loss_name = m.loss_name();
  v.optimizer_g = m.optimizer_g();
  v.optimizer_d = m.optimizer_d();
  get_toy_lists(m, v, c);
  if (!c.ok()) return c.status();
  snap.toy = std::move(v);
  return {};
}

namespace {

void put_sample(const TextSample& s, wire::TextSample* m) {
  m->set_prompt(s.prompt);
  put_ids(s.ids, m->mutable_ids());
  put_values(s.prob, m->mutable_prob());
  for (const auto& top : s.top_ids) {
    for (uint16_t id : top) m->add_top_ids(id);
  }
  for (const auto& top : s.top_prob) {
    for (float p : top) m->add_top_prob(p);
  }
  m->set_step(s.step);
  m->set_temperature(s.temperature);
  m->set_top_k(s.top_k);
}

TextSample get_sample(const wire::TextSample& m, const std::string& field, Checker& c) {
  TextSample s;
  s.prompt = m.prompt();
  s.ids = get_ids(m.ids(), field + ".ids", kMaxChars, c);
  c.size_is(field + ".prob", uint64_t(m.prob_size()), s.ids.size(), "one per id");
  s.prob.assign(m.prob().begin(), m.prob().end());
  const std::vector<uint16_t> top_ids =
      get_ids(m.top_ids(), field + ".top_ids", kTextTopCandidates * kMaxChars, c);
  if (!top_ids.empty()) {
    c.size_is(field + ".top_ids", top_ids.size(), kTextTopCandidates * s.ids.size(),
              "10 per id (or none)");
  }
  c.size_is(field + ".top_prob", uint64_t(m.top_prob_size()), top_ids.size(), "as many as top_ids");
  if (!c.ok()) return s;
  const std::size_t n = top_ids.size() / kTextTopCandidates;
  s.top_ids.resize(n);
  s.top_prob.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (int j = 0; j < kTextTopCandidates; ++j) {
      s.top_ids[i][j] = top_ids[i * kTextTopCandidates + j];
      s.top_prob[i][j] = m.top_prob(int(i * kTextTopCandidates + j));
    }
  }
  s.step = m.step();
  s.temperature = m.temperature();
  s.top_k = m.top_k();
  return s;
}

void put_inside(const TextInside& in, wire::TextInside* m) {
  m->set_step(in.step);
  put_ids(in.passage, m->mutable_passage());
  m->set_units(in.units);
  put_values(in.hidden, m->mutable_hidden());
  m->set_layers(in.layers);
  m->set_heads(in.heads);
  put_values(in.attention, m->mutable_attention());
}

std::shared_ptr<const TextInside> get_inside(const wire::TextInside& m, Checker& c) {
  auto in = std::make_shared<TextInside>();
  in->step = m.step();
  in->passage = get_ids(m.passage(), "inside.passage", kMaxPassage, c);
  const uint64_t t = in->passage.size();
  if (c.in_range("inside.units", m.units(), 0, kMaxUnits)) {
    c.size_is("inside.hidden", uint64_t(m.hidden_size()), uint64_t(m.units()) * t, "units*passage");
  }
  if (c.in_range("inside.layers", m.layers(), 0, kMaxHeadsOrLayers) &&
      c.in_range("inside.heads", m.heads(), 0, kMaxHeadsOrLayers)) {
    const uint64_t maps = uint64_t(m.layers()) * uint64_t(m.heads());
    c.size_is("inside.attention", uint64_t(m.attention_size()), mul_sat(maps, t * t),
              "layers*heads*passage^2");
  }
  if (!c.ok()) return nullptr;
  in->units = m.units();
  in->hidden.assign(m.hidden().begin(), m.hidden().end());
  in->layers = m.layers();
  in->heads = m.heads();
  in->attention.assign(m.attention().begin(), m.attention().end());
  return in;
}

}  // namespace

std::string encode_text(const Snapshot& snap) {
  const TextView& v = snap.text;
  wire::Text m;
  m.set_version(v.version);
  put_strings(v.vocab, m.mutable_vocab());
  m.set_vocab_class(bytes_of(v.vocab_class));
  put_sample(v.sampled, m.mutable_sampled());
  put_sample(v.greedy, m.mutable_greedy());
  m.set_unigram_bits(v.unigram_bits);
  m.set_bigram_bits(v.bigram_bits);
  m.set_train_chars(v.train_chars);
  m.set_val_chars(v.val_chars);
  m.set_refresh_s(v.refresh_s);
  m.set_refresh_share(v.refresh_share);
  if (v.inside) put_inside(*v.inside, m.mutable_inside());
  if (const TextEmbedding* e = v.embedding.get()) {
    wire::TextEmbedding* w = m.mutable_embedding();
    w->set_step(e->step);
    put_values(e->xy, w->mutable_xy());
    for (double x : e->explained) w->add_explained(x);
  }
  return m.SerializeAsString();
}

Status decode_text(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kText));
  wire::Text m;
  if (!parse(bytes, m, c)) return c.status();
  TextView v;
  v.version = m.version();
  v.vocab = get_strings(m.vocab(), "vocab", kMaxVocab, c);
  c.size_is("vocab_class", m.vocab_class().size(), v.vocab.size(), "one per vocab entry");
  v.vocab_class = u8_of(m.vocab_class());
  v.sampled = get_sample(m.sampled(), "sampled", c);
  v.greedy = get_sample(m.greedy(), "greedy", c);
  v.unigram_bits = m.unigram_bits();
  v.bigram_bits = m.bigram_bits();
  v.train_chars = m.train_chars();
  v.val_chars = m.val_chars();
  v.refresh_s = m.refresh_s();
  v.refresh_share = m.refresh_share();
  if (m.has_inside()) v.inside = get_inside(m.inside(), c);
  if (m.has_embedding()) {
    const wire::TextEmbedding& w = m.embedding();
    auto e = std::make_shared<TextEmbedding>();
    e->step = w.step();
    c.size_is("embedding.xy", uint64_t(w.xy_size()), 2 * v.vocab.size(), "2 per vocab entry");
    e->xy.assign(w.xy().begin(), w.xy().end());
    if (c.size_is("embedding.explained", uint64_t(w.explained_size()), 2, "2")) {
      e->explained = {w.explained(0), w.explained(1)};
    }
    v.embedding = std::move(e);
  }
  if (!c.ok()) return c.status();
  snap.text = std::move(v);
  return {};
}

std::string encode_quality(const Snapshot& snap) {
  const QualityView& q = snap.quality;
  wire::Quality m;
  m.set_state(static_cast<int>(q.state));
  m.set_status(q.status);
  m.set_progress(q.progress);
  m.set_classifier_accuracy(q.classifier_accuracy);
  m.set_classifier_cached(q.classifier_cached);
  m.set_cache_path(q.cache_path);
  m.set_samples(q.samples);
  m.set_floor_samples(q.floor_samples);
  m.set_fid_floor(q.fid_floor);
  m.set_is_real(q.is_real);
  m.set_entropy_max(q.entropy_max);
  put_strings(q.class_names, m.mutable_class_names());
  put_values(q.real_share, m.mutable_real_share());
  put_values(q.share, m.mutable_share());
  for (const QualityPoint& p : q.history) {
    wire::QualityPoint* w = m.add_history();
    w->set_step(p.step);
    w->set_fid(p.fid);
    w->set_is_score(p.is_score);
    w->set_class_entropy(p.class_entropy);
    w->set_seconds(p.seconds);
  }
  m.set_busy(q.busy);
  m.set_busy_step(q.busy_step);
  m.set_version(q.version);
  return m.SerializeAsString();
}

Status decode_quality(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kQuality));
  wire::Quality m;
  if (!parse(bytes, m, c)) return c.status();
  QualityView q;
  q.state = c.enum_of<QualityState>("state", m.state(), kQualityStates);
  q.status = m.status();
  q.progress = m.progress();
  q.classifier_accuracy = m.classifier_accuracy();
  q.classifier_cached = m.classifier_cached();
  q.cache_path = m.cache_path();
  q.samples = m.samples();
  q.floor_samples = m.floor_samples();
  q.fid_floor = m.fid_floor();
  q.is_real = m.is_real();
  q.entropy_max = m.entropy_max();
  q.class_names = get_strings(m.class_names(), "class_names", kMaxClasses, c);
  q.real_share = get_values<float>(m.real_share(), "real_share", kMaxClasses, c);
  q.share = get_values<float>(m.share(), "share", kMaxClasses, c);
  if (!c.at_most("history", uint64_t(m.history_size()), kMaxHistory)) return c.status();
  for (const wire::QualityPoint& w : m.history()) {
    q.history.push_back({w.step(), w.fid(), w.is_score(), w.class_entropy(), w.seconds()});
  }
  q.busy = m.busy();
  q.busy_step = m.busy_step();
  q.version = m.version();
  if (!c.ok()) return c.status();
  snap.quality = std::move(q);
  return {};
}

}  // namespace genscope::net::detail
