#pragma once
// The character-level language models: a vanilla RNN, a GRU and an LSTM stack (embedding ->
// recurrent layers -> linear read-out), and a decoder-only Transformer in nanoGPT's shape (token
// and position embeddings, pre-norm blocks of causal multi-head self-attention and a GELU MLP, a
// final LayerNorm, the read-out tied to the token embedding).
#include <memory>
#include <string>
#include <vector>

#include "train/torch_pch.h"

namespace genscope {

/// What a character model is built from.
struct CharModelConfig {
  std::string kind = "char-transformer";  // char-rnn, char-gru, char-lstm, char-transformer
  int vocab = 0;
  int width = 128;   // hidden units per layer (recurrent), embedding size (Transformer)
  int layers = 4;
  int heads = 4;     // Transformer only
  int context = 64;  // Transformer only: positions it has embeddings for
  double dropout = 0.0;
};

/// A recurrent model's state between chunks: h, and c for an LSTM ([layers, batch, width]).
/// Undefined tensors mean zeros.
struct CharState {
  torch::Tensor h, c;
  /// The same state cut from the graph (truncated backpropagation through time).
  CharState detached() const;
};

/// What incremental decoding keeps between calls: the recurrent state, or the Transformer's keys
/// and values per block ([B, heads, length, width / heads]).
struct DecodeCache {
  CharState state;
  std::vector<torch::Tensor> keys, values;
  int64_t length = 0;  // positions read so far
};

/// What the inside-the-model views read after a forward pass that asked for it.
struct CharInternals {
  torch::Tensor hidden;     // recurrent: the top layer's outputs [B, T, width]
  std::vector<torch::Tensor> attention;  // Transformer: per block [B, heads, T, T]
};

/// A character model: token ids [B, T] (int64) to logits [B, T, vocab].
class CharModel : public torch::nn::Module {
 public:
  /// `state` carries a recurrent model's hidden state in and out (nullptr: from zeros, not kept);
  /// the Transformer ignores it and needs T <= context. `internals` (or nullptr) receives what
  /// the views show.
  virtual torch::Tensor forward(const torch::Tensor& tokens, CharState* state,
                                CharInternals* internals = nullptr) = 0;
  /// Incremental decoding (no gradients, eval mode): reads `tokens` [B, T] after the
  /// `cache.length` positions the cache holds and returns their logits [B, T, vocab], as a full
  /// forward over everything read would. The Transformer needs cache.length + T <= context.
  virtual torch::Tensor decode(const torch::Tensor& tokens, DecodeCache& cache) = 0;
  virtual bool recurrent() const = 0;
  /// Dropout while training (live).
  virtual void set_dropout(double p) = 0;
  /// The token embedding [vocab, width].
  virtual torch::Tensor embedding() const = 0;
  /// The longest input a forward takes (the Transformer's context; 0: any).
  virtual int max_length() const = 0;
};

/// Builds the model `c.kind` names; throws std::invalid_argument with a one-line message on a
/// shape it cannot build (width not divisible by heads).
std::shared_ptr<CharModel> make_char_model(const CharModelConfig& c);

/// The causal mask of T positions: true above the diagonal (where a position may not look).
torch::Tensor causal_mask(int64_t t, torch::Device device);

}  // namespace genscope
