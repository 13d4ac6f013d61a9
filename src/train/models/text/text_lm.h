#pragma once
// TextLm: a character model with its corpus, optimizer, batches, validation and sampling. The
// Transformer trains on random windows of context + 1 characters (nanoGPT's get_batch); the
// recurrent models on batch_size parallel streams of the text, bptt characters a step, their
// hidden state carried from one chunk to the next (truncated backpropagation through time).
#include <memory>
#include <random>

#include "core/grad_stats.h"
#include "core/params.h"
#include "core/text_view.h"
#include "data/text_corpus.h"
#include "train/models/text/char_models.h"
#include "train/state_io.h"

namespace genscope {

/// One training step's numbers.
struct TextStepResult {
  double train_bpc = 0.0;  // bits per character of the step's batch (before the update)
  double grad_norm = 0.0;  // the gradients' total norm before clipping
  double lr = 0.0;         // the learning rate the update used
};

/// How one sample is drawn.
struct SampleSettings {
  double temperature = 1.0;  // 0: always the likeliest
  int top_k = 0;             // among the k likeliest (0: all)
};

/// The learning rate at `step` (0-based): lr_g times the linear warm-up and the schedule.
double text_learning_rate(const Params& params, int64_t step);

class TextLm {
 public:
  /// Builds the model `params` name for `corpus`; throws std::invalid_argument with a one-line
  /// message on a shape it cannot build.
  TextLm(std::shared_ptr<const TextCorpus> corpus, const Params& params, torch::Device device);

  void set_live(const Params& params);
  /// One update at 0-based step `step`.
  TextStepResult step(int64_t step);
  /// Bits per character on the fixed validation passages (8,192 characters or the whole split).
  double validate();
  /// Continues `prompt` (ids; empty: the start of the validation split) by `chars` characters,
  /// drawing with `seed` at `temperature` (0: the likeliest) among the `top_k` likeliest (0: all).
  TextSample sample(const std::vector<uint16_t>& prompt, int chars, double temperature, int top_k,
                    uint64_t seed);
  /// The passage the inside views read: the validation split's first 200 characters (the
  /// Transformer: its context, if shorter).
  std::vector<uint16_t> inside_passage() const;
  /// The top layer's outputs (recurrent) or every attention map (Transformer) over `passage`.
  TextInside inside(const std::vector<uint16_t>& passage);
  /// The token embeddings' first two principal components.
  TextEmbedding embedding_pca();
  /// The same continuation once per entry of `settings`, decoded together as one batch; each
  /// draws from its own generator seeded with `seed`.
  std::vector<TextSample> sample_batch(const std::vector<uint16_t>& prompt, int chars,
                                       const std::vector<SampleSettings>& settings, uint64_t seed);
  /// The ids a prompt text gives (its characters the vocabulary has), or the default prompt.
  std::vector<uint16_t> prompt_ids(const std::string& text) const;

  CharModel& model() { return *model_; }
  const TextCorpus& corpus() const { return *corpus_; }
  torch::Device device() const { return device_; }
  /// Per-layer gradient norms of the last step ("LM block0.qkv").
  const std::vector<LayerGrad>& grad_norms() const { return grad_norms_; }

  void save(StateWriter& w);
  void load(StateReader& r);

 private:
  torch::Tensor window_batch(int64_t step, torch::Tensor& targets);
  torch::Tensor stream_batch(torch::Tensor& targets);
  void apply_lr(double lr);

  std::shared_ptr<const TextCorpus> corpus_;
  Params params_;
  torch::Device device_;
  std::shared_ptr<CharModel> model_;
  std::unique_ptr<torch::optim::AdamW> opt_;
  torch::Tensor train_ids_;  // the train split as int64 [N]
  torch::Tensor val_ids_;    // the validation split as int64 [N]
  int batch_ = 0, length_ = 0;
  int64_t position_ = 0;  // recurrent: where each stream's next chunk starts, within the stream
  CharState state_;       // recurrent: the streams' hidden state
  std::vector<LayerGrad> grad_norms_;
};

}  // namespace genscope
