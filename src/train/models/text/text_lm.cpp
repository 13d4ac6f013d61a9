#include "train/models/text/text_lm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "train/models/image/model.h"  // lr_factor, append_grad_norms

namespace genscope {
namespace {

constexpr std::size_t kInsideChars = 200;  // the inside views' passage

constexpr double kLn2 = 0.69314718055994530942;
constexpr int64_t kValChars = 8192;  // characters the validation loss is measured on

CharModelConfig char_config(const Params& p, int vocab) {
  CharModelConfig c;
  c.kind = p.choice(ParamId::kModel);
  c.vocab = vocab;
  c.width = p.integer(ParamId::kWidth);
  c.layers = p.integer(ParamId::kLayers);
  c.heads = p.integer(ParamId::kHeads);
  c.context = p.integer(ParamId::kContext);
  c.dropout = p.number(ParamId::kDropout);
  return c;
}

// Evenly spaced starts of `count` passages of `length` + 1 characters in `size` characters.
std::vector<int64_t> spaced_starts(int64_t size, int64_t length, int64_t count) {
  std::vector<int64_t> out;
  const int64_t last = std::max<int64_t>(0, size - length - 1);
  for (int64_t i = 0; i < count; ++i) out.push_back(count > 1 ? i * last / (count - 1) : 0);
  return out;
}

// Rows [starts[i], starts[i] + length] of `ids`: inputs [n, length] and the targets beside them.
torch::Tensor passages(const torch::Tensor& ids, const std::vector<int64_t>& starts, int64_t length,
                       torch::Tensor& targets) {
  const torch::Tensor offsets = torch::tensor(starts, torch::kLong).unsqueeze(1);
  const torch::Tensor idx = offsets + torch::arange(length + 1, torch::kLong).unsqueeze(0);
  const torch::Tensor rows = ids.index({idx});
  targets = rows.slice(1, 1).contiguous();
  return rows.slice(1, 0, length).contiguous();
}

}  // namespace

double text_learning_rate(const Params& params, int64_t step) {
  const int warmup = params.integer(ParamId::kWarmupSteps);
  const double warm = warmup > 0 && step < warmup ? double(step + 1) / warmup : 1.0;
  return params.number(ParamId::kLrG) * warm *
         lr_factor(params.choice(ParamId::kLrSchedule), step,
                   params.integer(ParamId::kLrScheduleSteps));
}

TextLm::TextLm(std::shared_ptr<const TextCorpus> corpus, const Params& params, torch::Device device)
    : corpus_(std::move(corpus)), params_(params), device_(device) {
  torch::manual_seed(static_cast<uint64_t>(params.integer(ParamId::kSeed)));
  model_ = make_char_model(char_config(params, corpus_->vocab_size()));
  model_->to(device_);
  std::vector<torch::Tensor> decay, no_decay;
  for (const torch::Tensor& p : model_->parameters()) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>());
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>());
  opt_ = std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions());
  train_ids_ = torch::tensor(std::vector<int64_t>(corpus_->train.begin(), corpus_->train.end()),
                             torch::kLong);
  val_ids_ = torch::tensor(std::vector<int64_t>(corpus_->val.begin(), corpus_->val.end()),
                           torch::kLong);
  length_ = model_->recurrent() ? params.integer(ParamId::kBptt) : params.integer(ParamId::kContext);
  if (train_ids_.numel() < length_ + 2) {
    throw std::invalid_argument("the training text has fewer characters than one sequence of " +
                                std::to_string(length_));
  }
  set_live(params);
}

void TextLm::set_live(const Params& params) {
  params_ = params;
  model_->set_dropout(params.number(ParamId::kDropout));
  const auto betas = std::make_tuple(params.number(ParamId::kBeta1), params.number(ParamId::kBeta2));
  auto& groups = opt_->param_groups();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    auto& o = static_cast<torch::optim::AdamWOptions&>(groups[g].options());
    o.betas(betas);
    o.weight_decay(g == 0 ? params.number(ParamId::kWeightDecay) : 0.0);
  }
  const int batch = params.integer(ParamId::kBatchSize);
  if (batch != batch_) {  // new streams for the recurrent models
    batch_ = batch;
    position_ = 0;
    state_ = CharState{};
  }
}

void TextLm::apply_lr(double lr) {
  for (auto& g : opt_->param_groups()) g.options().set_lr(lr);
}

torch::Tensor TextLm::window_batch(int64_t step, torch::Tensor& targets) {
  // Each step's windows follow from the seed and the step, so a resumed run draws the same ones.
  std::mt19937_64 rng(static_cast<uint64_t>(params_.integer(ParamId::kSeed)) * 0x9E3779B97F4A7C15ULL +
                      static_cast<uint64_t>(step));
  std::uniform_int_distribution<int64_t> start(0, train_ids_.numel() - length_ - 1);
  std::vector<int64_t> starts(static_cast<std::size_t>(batch_));
  for (int64_t& s : starts) s = start(rng);
  return passages(train_ids_, starts, length_, targets);
}

torch::Tensor TextLm::stream_batch(torch::Tensor& targets) {
  const int64_t stream = train_ids_.numel() / batch_;
  if (stream < length_ + 1) {
    throw std::invalid_argument("batch_size " + std::to_string(batch_) + " streams of the text are "
                                "shorter than bptt " + std::to_string(length_));
  }
  if (position_ + length_ + 1 > stream) {  // every stream read to its end: start over from zeros
    position_ = 0;
    state_ = CharState{};
  }
  std::vector<int64_t> starts;
  for (int b = 0; b < batch_; ++b) starts.push_back(b * stream + position_);
  position_ += length_;
  return passages(train_ids_, starts, length_, targets);
}

TextStepResult TextLm::step(int64_t step) {
  TextStepResult r;
  r.lr = text_learning_rate(params_, step);
  apply_lr(r.lr);
  model_->train();
  torch::Tensor targets;
  torch::Tensor inputs = model_->recurrent() ? stream_batch(targets) : window_batch(step, targets);
  inputs = inputs.to(device_);
  targets = targets.to(device_);
  CharState* state = nullptr;
  if (model_->recurrent()) {
    state_ = state_.detached();
    state = &state_;
  }
  const torch::Tensor logits = model_->forward(inputs, state);
  const torch::Tensor loss =
      torch::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}));
  opt_->zero_grad();
  loss.backward();
  grad_norms_.clear();
  append_grad_norms(*model_, "LM", grad_norms_);
  const double clip = params_.number(ParamId::kGradClip);
  r.grad_norm = torch::nn::utils::clip_grad_norm_(
      model_->parameters(), clip > 0.0 ? clip : std::numeric_limits<double>::infinity());
  opt_->step();
  r.train_bpc = loss.item<double>() / kLn2;
  return r;
}

double TextLm::validate() {
  torch::NoGradGuard no_grad;
  model_->eval();
  const torch::Tensor& val = val_ids_;
  const int64_t n = std::min<int64_t>(kValChars, val.numel() - 1);
  // Recurrent: 8 passages of n / 8 characters, each from a zero state; the Transformer: windows
  // of its context. Either way spread evenly over the split.
  const int64_t length = model_->recurrent() ? std::max<int64_t>(1, n / 8)
                                             : std::min<int64_t>(length_, n);
  const int64_t count = std::max<int64_t>(1, n / length);
  double total = 0.0;
  int64_t chars = 0;
  const std::vector<int64_t> starts = spaced_starts(val.numel(), length, count);
  for (std::size_t at = 0; at < starts.size(); at += 64) {
    const std::vector<int64_t> part(starts.begin() + at,
                                    starts.begin() + std::min(starts.size(), at + 64));
    torch::Tensor targets;
    const torch::Tensor inputs = passages(val, part, length, targets).to(device_);
    const torch::Tensor logits = model_->forward(inputs, nullptr);
    const torch::Tensor loss = torch::cross_entropy_loss(
        logits.reshape({-1, logits.size(-1)}), targets.to(device_).reshape({-1}),
        {}, at::Reduction::Sum);
    total += loss.item<double>();
    chars += targets.numel();
  }
  model_->train();
  return total / double(std::max<int64_t>(1, chars)) / kLn2;
}

std::vector<uint16_t> TextLm::prompt_ids(const std::string& text) const {
  std::vector<uint16_t> ids = encode_text(*corpus_, text);
  if (!ids.empty()) return ids;
  // The start of the validation split: its first line when that is 8 to 48 characters long,
  // else the first 40 characters.
  const std::vector<uint16_t>& val = corpus_->val;
  std::size_t end = std::min<std::size_t>(40, val.size());
  for (std::size_t i = 0; i < std::min<std::size_t>(48, val.size()); ++i) {
    if (corpus_->vocab[val[i]] == U'\n') {
      if (i >= 8) end = i + 1;
      break;
    }
  }
  return std::vector<uint16_t>(val.begin(), val.begin() + static_cast<std::ptrdiff_t>(end));
}

namespace {

// Draws the next character from one row of logits at `settings`, noting the ten likeliest
// candidates and the drawn character's probability (temperature 1, all characters) in `out`.
int64_t pick_next(const float* raw, int64_t vocab, const SampleSettings& settings,
                  std::mt19937_64& rng, std::vector<int32_t>& order, TextSample& out) {
  const int k = settings.top_k > 0 ? std::min<int>(settings.top_k, static_cast<int>(vocab))
                                   : static_cast<int>(vocab);
  order.resize(static_cast<std::size_t>(vocab));
  std::iota(order.begin(), order.end(), 0);
  const auto likelier = [&](int32_t a, int32_t b) { return raw[a] > raw[b] || (raw[a] == raw[b] && a < b); };
  const int keep = std::max(k, static_cast<int>(std::min<int64_t>(kTextTopCandidates, vocab)));
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), likelier);
  // The softmax at temperature 1, relative to the largest logit.
  double total = 0.0;
  for (int64_t j = 0; j < vocab; ++j) total += std::exp(double(raw[j]) - raw[order[0]]);
  const auto prob = [&](int64_t id) { return static_cast<float>(std::exp(double(raw[id]) - raw[order[0]]) / total); };
  int64_t next = order[0];
  if (settings.temperature > 0.0) {
    // Softmax of logits / temperature over the k likeliest, drawn by the inverse CDF.
    std::vector<double> weight(static_cast<std::size_t>(k));
    double sum = 0.0;
    for (int j = 0; j < k; ++j) {
      weight[j] = std::exp((double(raw[order[j]]) - raw[order[0]]) / settings.temperature);
      sum += weight[j];
    }
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng) * sum;
    double acc = 0.0;
    for (int j = 0; j < k; ++j) {
      acc += weight[j];
      next = order[j];
      if (u < acc) break;
    }
  }
  std::array<uint16_t, kTextTopCandidates> ids{};
  std::array<float, kTextTopCandidates> ps{};
  for (int64_t j = 0; j < std::min<int64_t>(kTextTopCandidates, vocab); ++j) {
    ids[j] = static_cast<uint16_t>(order[j]);
    ps[j] = prob(order[j]);
  }
  out.top_ids.push_back(ids);
  out.top_prob.push_back(ps);
  out.ids.push_back(static_cast<uint16_t>(next));
  out.prob.push_back(prob(next));
  return next;
}

}  // namespace

TextSample TextLm::sample(const std::vector<uint16_t>& prompt, int chars, double temperature,
                          int top_k, uint64_t seed) {
  return sample_batch(prompt, chars, {SampleSettings{temperature, top_k}}, seed)[0];
}

std::vector<TextSample> TextLm::sample_batch(const std::vector<uint16_t>& prompt, int chars,
                                             const std::vector<SampleSettings>& settings,
                                             uint64_t seed) {
  torch::NoGradGuard no_grad;
  model_->eval();
  const std::size_t n = settings.size();
  std::vector<TextSample> out(n);
  std::vector<std::mt19937_64> rngs(n, std::mt19937_64(seed));
  for (std::size_t b = 0; b < n; ++b) {
    out[b].temperature = settings[b].temperature;
    out[b].top_k = settings[b].top_k;
    out[b].prompt = corpus_text(*corpus_, prompt);
  }
  std::vector<int64_t> start(prompt.begin(), prompt.end());
  if (start.empty()) start.push_back(0);
  std::vector<std::vector<int64_t>> context(n, start);
  const int64_t max_len = model_->max_length();
  // The Transformer decodes with a key/value cache; when it is full it starts again from the
  // last three quarters of its context, so every character is drawn seeing 48 to 64 before it.
  const int64_t keep = std::max<int64_t>(1, max_len * 3 / 4);
  const int64_t vocab = corpus_->vocab_size();
  DecodeCache cache;
  const auto feed = [&](std::size_t from) {  // every sequence's characters from `from` on
    std::vector<int64_t> ids;
    for (const auto& c : context) ids.insert(ids.end(), c.begin() + static_cast<std::ptrdiff_t>(from), c.end());
    const int64_t t = static_cast<int64_t>(context[0].size() - from);
    const torch::Tensor input = torch::tensor(ids, torch::kLong).view({static_cast<int64_t>(n), t});
    return model_->decode(input.to(device_), cache).select(1, -1).to(torch::kCPU, torch::kFloat).contiguous();
  };
  torch::Tensor logits = feed(max_len > 0 && int64_t(start.size()) > max_len ? start.size() - max_len : 0);
  std::vector<int32_t> order;
  for (int i = 0; i < chars; ++i) {
    for (std::size_t b = 0; b < n; ++b) {
      context[b].push_back(pick_next(logits[b].data_ptr<float>(), vocab, settings[b], rngs[b], order, out[b]));
    }
    if (i + 1 == chars) break;
    const std::size_t size = context[0].size();
    if (max_len > 0 && cache.length + 1 > max_len) {
      cache = DecodeCache{};
      logits = feed(size - static_cast<std::size_t>(std::min<int64_t>(keep, int64_t(size))));
    } else {
      logits = feed(size - 1);
    }
  }
  model_->train();
  return out;
}

std::vector<uint16_t> TextLm::inside_passage() const {
  const int64_t max_len = model_->max_length();
  std::size_t n = std::min<std::size_t>(kInsideChars, corpus_->val.size());
  if (max_len > 0) n = std::min<std::size_t>(n, static_cast<std::size_t>(max_len));
  return std::vector<uint16_t>(corpus_->val.begin(), corpus_->val.begin() + static_cast<std::ptrdiff_t>(n));
}

TextInside TextLm::inside(const std::vector<uint16_t>& passage) {
  TextInside out;
  out.passage = passage;
  if (passage.empty()) return out;
  torch::NoGradGuard no_grad;
  model_->eval();
  const torch::Tensor input =
      torch::tensor(std::vector<int64_t>(passage.begin(), passage.end()), torch::kLong).unsqueeze(0);
  CharInternals internals;
  CharState state;
  model_->forward(input.to(device_), model_->recurrent() ? &state : nullptr, &internals);
  model_->train();
  if (internals.hidden.defined()) {  // [1, T, units] -> unit-major
    const torch::Tensor h = internals.hidden.squeeze(0).t().contiguous().to(torch::kCPU, torch::kFloat);
    out.units = static_cast<int>(h.size(0));
    out.hidden.assign(h.data_ptr<float>(), h.data_ptr<float>() + h.numel());
  }
  if (!internals.attention.empty()) {  // per block [1, heads, T, T]
    out.layers = static_cast<int>(internals.attention.size());
    out.heads = static_cast<int>(internals.attention[0].size(1));
    const torch::Tensor all = torch::cat(internals.attention, 0).contiguous().to(torch::kCPU, torch::kFloat);
    out.attention.assign(all.data_ptr<float>(), all.data_ptr<float>() + all.numel());
  }
  return out;
}

TextEmbedding TextLm::embedding_pca() {
  torch::NoGradGuard no_grad;
  TextEmbedding out;
  const torch::Tensor e = model_->embedding().detach().to(torch::kCPU, torch::kDouble);
  const torch::Tensor centered = e - e.mean(0, true);
  // The right singular vectors are the principal directions; the squared singular values their
  // variances.
  const auto [u, s, vh] = torch::linalg_svd(centered, /*full_matrices=*/false);
  const int64_t k = std::min<int64_t>(2, s.size(0));
  const torch::Tensor xy = torch::zeros({e.size(0), 2}, torch::kDouble);
  xy.narrow(1, 0, k).copy_(centered.matmul(vh.narrow(0, 0, k).t()));
  const torch::Tensor xy_f = xy.to(torch::kFloat).contiguous();
  out.xy.assign(xy_f.data_ptr<float>(), xy_f.data_ptr<float>() + xy_f.numel());
  const double total = s.pow(2).sum().item<double>();
  for (int64_t i = 0; i < k && total > 0.0; ++i) out.explained[i] = s[i].pow(2).item<double>() / total;
  return out;
}

void TextLm::save(StateWriter& w) {
  save_module(w, "lm", *model_);
  save_optimizer(w, "opt", *opt_);
  w.write_int("text_position", position_);
  w.write_int("text_batch", batch_);
  if (state_.h.defined()) w.write("text_h", state_.h);
  if (state_.c.defined()) w.write("text_c", state_.c);
}

void TextLm::load(StateReader& r) {
  load_module(r, "lm", *model_);
  load_optimizer(r, "opt", *opt_);
  position_ = r.read_int("text_position");
  batch_ = static_cast<int>(r.read_int("text_batch"));
  state_ = CharState{};
  if (r.has("text_h")) state_.h = r.read_any("text_h", torch::kFloat32, 3);
  if (r.has("text_c")) state_.c = r.read_any("text_c", torch::kFloat32, 3);
}

}  // namespace genscope
