#include "train/models/text/text_family.h"

#include <cmath>
#include <limits>
#include <utility>

#include "train/models/image/model.h"  // append_weight_histograms
#include "util/strings.h"

namespace genscope {
namespace {

const MetricSchema kTextSchema = {"train_bpc", "val_bpc", "grad_norm", "lr"};

// The fixed seed the samples draw with: the same every refresh, so what changes is the model.
uint64_t sample_seed(const Params& params) {
  return static_cast<uint64_t>(params.integer(ParamId::kSeed)) * 0x2545F4914F6CDD1DULL + 17;
}

// A text model needs text, and text a text model: fills in the one the user left out (a text
// dataset trains char-transformer; a char-* model trains on fortunes) or says what clashes.
Status settle_text_params(Params& params) {
  const std::string model = params.choice(ParamId::kModel);
  const std::string dataset(trim(params.text(ParamId::kDataset)));
  if (!is_text_model(model)) {
    if (params.is_set(ParamId::kModel)) {
      return Error{"model " + model + " trains on images; dataset " + dataset +
                   " is text (use --model char-transformer, char-lstm, char-gru or char-rnn)"};
    }
    params.set_from_string(ParamId::kModel, kDefaultTextModel);
  }
  if (!is_text_dataset(dataset)) {
    if (params.is_set(ParamId::kDataset)) {
      return Error{"dataset " + dataset + " holds images; model " + params.choice(ParamId::kModel) +
                   " trains on text (use --dataset fortunes or --dataset text:PATH)"};
    }
    params.set_from_string(ParamId::kDataset, "fortunes");
  }
  if (params.choice(ParamId::kModel) != "char-transformer" && !params.is_set(ParamId::kLayers)) {
    params.set(ParamId::kLayers, {2.0, ""});  // char-rnn's classic depth
  }
  return {};
}

}  // namespace

FamilyInfo text_family() {
  FamilyInfo info;
  info.kind = ModelFamily::kText;
  info.uses_dataset = false;  // it reads its corpus itself (data/text_corpus.h)
  info.default_threads = 0;
  info.create = [](Params& params, const FamilyInputs& inputs) -> Result<std::unique_ptr<Family>> {
    if (auto s = settle_text_params(params); !s) return Error{s.error()};
    try {
      auto family = std::make_unique<TextFamily>();
      family->reset(params, inputs);
      return std::unique_ptr<Family>(std::move(family));
    } catch (const std::exception& e) {
      return Error{first_line(e.what())};
    }
  };
  return info;
}

void TextFamily::reset(const Params& params, const FamilyInputs& /*inputs*/) {
  const std::string spec(trim(params.text(ParamId::kDataset)));
  if (!corpus_ || spec != corpus_spec_) {
    auto corpus = load_text_corpus(spec);
    if (!corpus) throw std::runtime_error(corpus.error());
    corpus_ = std::make_shared<const TextCorpus>(std::move(*corpus));
    corpus_spec_ = spec;
    std::vector<uint16_t> all = corpus_->train;
    all.insert(all.end(), corpus_->val.begin(), corpus_->val.end());
    unigram_bits_ = unigram_entropy_bits(all, corpus_->vocab_size());
    bigram_bits_ = bigram_entropy_bits(all, corpus_->vocab_size());
  }
  try {
    lm_ = std::make_unique<TextLm>(corpus_, params, torch::kCPU);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("building ") + params.choice(ParamId::kModel) + ": " + e.what());
  }
  view_ = TextView{};
  for (char32_t c : corpus_->vocab) {
    view_.vocab.push_back(utf8(c));
    view_.vocab_class.push_back(static_cast<uint8_t>(char_class(c)));
  }
  view_.unigram_bits = unigram_bits_;
  view_.bigram_bits = bigram_bits_;
  view_.train_chars = static_cast<int64_t>(corpus_->train.size());
  view_.val_chars = static_cast<int64_t>(corpus_->val.size());
  train_s_ = refresh_total_s_ = 0.0;
  last_val_ = std::numeric_limits<double>::quiet_NaN();
  logged_step_ = -1;
  file_text_.clear();
}

void TextFamily::set_live(const Params& params) { lm_->set_live(params); }

FamilyStep TextFamily::step(const Params& params, int64_t steps_done) {
  const auto start = Clock::now();
  const TextStepResult r = lm_->step(steps_done);
  const int every = params.integer(ParamId::kValEvery);
  const bool validated = every > 0 && (steps_done + 1) % every == 0;
  if (validated) last_val_ = lm_->validate();
  FamilyStep out;
  out.row.push(static_cast<float>(r.train_bpc));
  out.row.push(static_cast<float>(last_val_), validated);
  out.row.push(static_cast<float>(r.grad_norm));
  out.row.push(static_cast<float>(r.lr));
  out.finite_columns = 1;
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  // The share is measured over about the last minute (both totals decay by e every 60 s of
  // training): what the refreshes cost now, not while the thread count was being tuned.
  const double decay = std::exp(-took / 60.0);
  train_s_ = train_s_ * decay + took;
  refresh_total_s_ *= decay;
  if (validated) {  // samples.txt gets the continuation at every validation
    refresh_samples(params, steps_done + 1);
    log_sample(steps_done + 1);
  }
  return out;
}

void TextFamily::after_step(const Params& params, int64_t step) {
  if (!watched_) return;
  // Refresh when one more (costing what the last did) keeps the refreshes' share of the last
  // minute within kTextRefreshShare. The refreshes every validation makes for samples.txt count
  // too, so the window's own fill the rest of the budget rather than adding to it.
  const bool due = view_.version == 0 || text_refresh_fits(refresh_total_s_, view_.refresh_s, train_s_);
  if (due) refresh_samples(params, step);
}

void TextFamily::refresh_samples(const Params& params, int64_t step) {
  const auto start = Clock::now();
  const std::vector<uint16_t> prompt = lm_->prompt_ids(params.text(ParamId::kPrompt));
  const int chars = params.integer(ParamId::kSampleChars);
  const uint64_t seed = sample_seed(params);
  std::vector<TextSample> both = lm_->sample_batch(
      prompt, chars,
      {SampleSettings{params.number(ParamId::kTemperature), params.integer(ParamId::kTopK)},
       SampleSettings{0.0, 0}},
      seed);
  view_.sampled = std::move(both[0]);
  view_.greedy = std::move(both[1]);
  view_.sampled.step = view_.greedy.step = step;
  auto inside = std::make_shared<TextInside>(lm_->inside(lm_->inside_passage()));
  inside->step = step;
  view_.inside = std::move(inside);
  // The embedding map moves slowly: every val_every steps (and once at the start).
  const int every = std::max(1, params.integer(ParamId::kValEvery));
  if (!view_.embedding || step - view_.embedding->step >= every || step < view_.embedding->step) {
    auto embedding = std::make_shared<TextEmbedding>(lm_->embedding_pca());
    embedding->step = step;
    view_.embedding = std::move(embedding);
  }
  ++view_.version;
  view_.refresh_s = std::chrono::duration<double>(Clock::now() - start).count();
  refresh_total_s_ += view_.refresh_s;
  view_.refresh_share = train_s_ > 0.0 ? refresh_total_s_ / train_s_ : 0.0;
}

void TextFamily::log_sample(int64_t step) {
  const TextSample& s = view_.sampled;
  file_text_ += strformat("## step %lld: val %.3f bpc (temperature %.2f, top_k %d)\n",
                          static_cast<long long>(step), last_val_, s.temperature, s.top_k);
  file_text_ += s.prompt + text_of(view_.vocab, s.ids) + "\n\n";
  logged_step_ = step;
}

std::string TextFamily::take_file_text(std::string& file) {
  file = "samples.txt";
  return std::exchange(file_text_, {});
}

void TextFamily::finish(const Params& params, int64_t step) {
  if (!lm_ || step == logged_step_ || step == 0) return;
  refresh_samples(params, step);
  log_sample(step);
}

Result<CommandEffect> TextFamily::apply(const Command& /*command*/, int64_t /*step*/) {
  return CommandEffect{};  // the latent tools' and the 2D lab's views are not text's
}

const MetricSchema& TextFamily::schema() const { return kTextSchema; }

std::string TextFamily::description(const Params& params) const {
  return "training " + params.choice(ParamId::kModel) + " on " + corpus_->name +
         strformat(" (%d distinct characters, %.2fM to train on)", corpus_->vocab_size(),
                   corpus_->train.size() / 1e6);
}

void TextFamily::fill_snapshot(Snapshot& out, const Params& params, bool /*with_images*/,
                               int64_t step) {
  out.is_text = true;
  out.is_toy = false;
  out.is_gan = false;
  out.model_name = params.choice(ParamId::kModel);
  out.dataset_name = corpus_->name;
  out.dataset_size = static_cast<int64_t>(corpus_->train.size());
  const bool recurrent = lm_->model().recurrent();
  const double per_step = double(params.integer(ParamId::kBatchSize)) *
                          params.integer(recurrent ? ParamId::kBptt : ParamId::kContext);
  const double epochs = double(step) * per_step / double(std::max<int64_t>(1, out.dataset_size));
  out.epoch = static_cast<int64_t>(epochs);
  out.epoch_progress = epochs - std::floor(epochs);
  out.samples_per_sec = out.steps_per_sec * per_step;  // characters per second
  out.samples_step = view_.sampled.step;
  out.text = view_;
  out.d_real.clear();
  out.d_fake.clear();
  out.grads = lm_->grad_norms();
  out.diversity = std::numeric_limits<double>::quiet_NaN();
  out.diversity_step = -1;
}

void TextFamily::watch(AlarmMonitor& alarms, const MetricRow& row) {
  alarms.add_row(row, schema(), 1, false);
}

void TextFamily::layer_histograms(int bins, std::vector<LayerHistogram>& out) {
  append_weight_histograms(lm_->model(), "LM", bins, out);
}

std::string TextFamily::first_non_finite_parameter() {
  for (const auto& p : lm_->model().named_parameters()) {
    if (!torch::isfinite(p.value()).all().item<bool>()) return "LM " + p.key();
  }
  return {};
}

void TextFamily::save(StateWriter& w) {
  lm_->save(w);
  w.write("text_val", torch::tensor({last_val_}, torch::kFloat64));
}

Status TextFamily::load(StateReader& r) {
  lm_->load(r);
  last_val_ = r.read("text_val", torch::kFloat64, {1}).item<double>();
  view_.version = 0;  // fresh samples from the loaded weights
  return {};
}

}  // namespace genscope
