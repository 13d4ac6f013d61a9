#include "train/models/text/char_models.h"

#include <cmath>
#include <stdexcept>

namespace genscope {
namespace F = torch::nn::functional;

CharState CharState::detached() const {
  CharState s;
  if (h.defined()) s.h = h.detach();
  if (c.defined()) s.c = c.detach();
  return s;
}

torch::Tensor causal_mask(int64_t t, torch::Device device) {
  return torch::ones({t, t}, torch::TensorOptions().dtype(torch::kBool).device(device)).triu(1);
}

namespace {

// Embedding -> RNN / GRU / LSTM layers -> linear read-out.
class RecurrentCharModel : public CharModel {
 public:
  explicit RecurrentCharModel(const CharModelConfig& c) : layers_(c.layers) {
    embed_ = register_module("embed", torch::nn::Embedding(c.vocab, c.width));
    const double between = c.layers > 1 ? c.dropout : 0.0;
    if (c.kind == "char-lstm") {
      lstm_ = register_module(
          "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(c.width, c.width)
                                      .num_layers(c.layers).batch_first(true).dropout(between)));
    } else if (c.kind == "char-gru") {
      gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(c.width, c.width)
                                                       .num_layers(c.layers).batch_first(true)
                                                       .dropout(between)));
    } else {
      rnn_ = register_module("rnn", torch::nn::RNN(torch::nn::RNNOptions(c.width, c.width)
                                                       .num_layers(c.layers).batch_first(true)
                                                       .nonlinearity(torch::kTanh)
                                                       .dropout(between)));
    }
    head_ = register_module("head", torch::nn::Linear(c.width, c.vocab));
    dropout_ = c.dropout;
  }

  torch::Tensor forward(const torch::Tensor& tokens, CharState* state,
                        CharInternals* internals) override {
    torch::Tensor x = F::dropout(embed_->forward(tokens), F::DropoutFuncOptions().p(dropout_).training(is_training()));
    torch::Tensor out;
    CharState in = state ? *state : CharState{};
    CharState next;
    if (lstm_) {
      std::tuple<torch::Tensor, std::tuple<torch::Tensor, torch::Tensor>> r;
      if (in.h.defined()) {
        r = lstm_->forward(x, std::make_tuple(in.h, in.c));
      } else {
        r = lstm_->forward(x);
      }
      out = std::get<0>(r);
      next.h = std::get<0>(std::get<1>(r));
      next.c = std::get<1>(std::get<1>(r));
    } else {
      std::tuple<torch::Tensor, torch::Tensor> r =
          gru_ ? gru_->forward(x, in.h) : rnn_->forward(x, in.h);
      out = std::get<0>(r);
      next.h = std::get<1>(r);
    }
    if (state) *state = next;
    if (internals) internals->hidden = out;
    out = F::dropout(out, F::DropoutFuncOptions().p(dropout_).training(is_training()));
    return head_->forward(out);
  }

  torch::Tensor decode(const torch::Tensor& tokens, DecodeCache& cache) override {
    cache.length += tokens.size(1);
    return forward(tokens, &cache.state, nullptr);
  }

  bool recurrent() const override { return true; }
  void set_dropout(double p) override {
    dropout_ = p;
    const double between = layers_ > 1 ? p : 0.0;
    if (lstm_) lstm_->options.dropout(between);
    if (gru_) gru_->options.dropout(between);
    if (rnn_) rnn_->options.dropout(between);
  }
  torch::Tensor embedding() const override { return embed_->weight; }
  int max_length() const override { return 0; }

 private:
  int layers_;
  double dropout_ = 0.0;
  torch::nn::Embedding embed_{nullptr};
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::nn::RNN rnn_{nullptr};
  torch::nn::Linear head_{nullptr};
};

// One pre-norm block: x + attn(ln1(x)), then x + mlp(ln2(x)).
class Block : public torch::nn::Module {
 public:
  Block(int width, int heads) : heads_(heads) {
    ln1_ = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
    qkv_ = register_module("qkv", torch::nn::Linear(width, 3 * width));
    proj_ = register_module("proj", torch::nn::Linear(width, width));
    ln2_ = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
    fc_ = register_module("fc", torch::nn::Linear(width, 4 * width));
    fc_proj_ = register_module("fc_proj", torch::nn::Linear(4 * width, width));
  }

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, double dropout,
                        torch::Tensor* attention) {
    const int64_t b = x.size(0), t = x.size(1), c = x.size(2), d = c / heads_;
    const auto drop = F::DropoutFuncOptions().p(dropout).training(is_training());
    std::vector<torch::Tensor> qkv = qkv_->forward(ln1_->forward(x)).split(c, 2);
    const auto heads = [&](const torch::Tensor& m) { return m.view({b, t, heads_, d}).transpose(1, 2); };
    const torch::Tensor q = heads(qkv[0]), k = heads(qkv[1]), v = heads(qkv[2]);
    torch::Tensor att = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(d)));
    att = torch::softmax(att.masked_fill(mask, -std::numeric_limits<float>::infinity()), -1);
    if (attention) *attention = att.detach();
    att = F::dropout(att, drop);
    torch::Tensor y = torch::matmul(att, v).transpose(1, 2).contiguous().view({b, t, c});
    torch::Tensor h = x + F::dropout(proj_->forward(y), drop);
    torch::Tensor m = fc_proj_->forward(torch::gelu(fc_->forward(ln2_->forward(h))));
    return h + F::dropout(m, drop);
  }

  // The same for `x` [B, T, C] at positions offset..offset+T-1, attending also to the keys and
  // values cached for the positions before (which it extends).
  torch::Tensor decode(const torch::Tensor& x, torch::Tensor& keys, torch::Tensor& values, int64_t offset) {
    const int64_t b = x.size(0), t = x.size(1), c = x.size(2), d = c / heads_;
    std::vector<torch::Tensor> qkv = qkv_->forward(ln1_->forward(x)).split(c, 2);
    const auto heads = [&](const torch::Tensor& m) { return m.view({b, t, heads_, d}).transpose(1, 2); };
    const torch::Tensor q = heads(qkv[0]);
    keys = keys.defined() ? torch::cat({keys, heads(qkv[1])}, 2) : heads(qkv[1]);
    values = values.defined() ? torch::cat({values, heads(qkv[2])}, 2) : heads(qkv[2]);
    torch::Tensor att = torch::matmul(q, keys.transpose(-2, -1)) * (1.0 / std::sqrt(double(d)));
    if (t > 1) {  // query i (position offset + i) sees keys up to offset + i
      const torch::Tensor mask =
          torch::ones({t, offset + t}, torch::TensorOptions().dtype(torch::kBool).device(x.device())).triu(offset + 1);
      att = att.masked_fill(mask, -std::numeric_limits<float>::infinity());
    }
    att = torch::softmax(att, -1);
    torch::Tensor y = torch::matmul(att, values).transpose(1, 2).contiguous().view({b, t, c});
    torch::Tensor h = x + proj_->forward(y);
    return h + fc_proj_->forward(torch::gelu(fc_->forward(ln2_->forward(h))));
  }

  torch::nn::Linear& out_projections(int i) { return i == 0 ? proj_ : fc_proj_; }

 private:
  int heads_;
  torch::nn::LayerNorm ln1_{nullptr}, ln2_{nullptr};
  torch::nn::Linear qkv_{nullptr}, proj_{nullptr}, fc_{nullptr}, fc_proj_{nullptr};
};

class TransformerCharModel : public CharModel {
 public:
  explicit TransformerCharModel(const CharModelConfig& c) : context_(c.context), dropout_(c.dropout) {
    if (c.heads < 1 || c.width % c.heads != 0) {
      throw std::invalid_argument("width " + std::to_string(c.width) + " does not divide into " +
                                  std::to_string(c.heads) + " heads");
    }
    tokens_ = register_module("tokens", torch::nn::Embedding(c.vocab, c.width));
    positions_ = register_module("positions", torch::nn::Embedding(c.context, c.width));
    for (int i = 0; i < c.layers; ++i) {
      blocks_.push_back(register_module("block" + std::to_string(i), std::make_shared<Block>(c.width, c.heads)));
    }
    ln_ = register_module("ln", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width})));
    init_weights(c.layers);
  }

  torch::Tensor forward(const torch::Tensor& tokens, CharState* /*state*/,
                        CharInternals* internals) override {
    const int64_t t = tokens.size(1);
    if (t > context_) {
      throw std::invalid_argument("input of " + std::to_string(t) + " characters is longer than the context " +
                                  std::to_string(context_));
    }
    const torch::Tensor pos = torch::arange(t, torch::TensorOptions().dtype(torch::kLong).device(tokens.device()));
    torch::Tensor x = tokens_->forward(tokens) + positions_->forward(pos);
    x = F::dropout(x, F::DropoutFuncOptions().p(dropout_).training(is_training()));
    const torch::Tensor mask = causal_mask(t, tokens.device());
    if (internals) internals->attention.assign(blocks_.size(), torch::Tensor());
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      x = blocks_[i]->forward(x, mask, dropout_, internals ? &internals->attention[i] : nullptr);
    }
    return F::linear(ln_->forward(x), tokens_->weight);  // read-out tied to the embedding
  }

  torch::Tensor decode(const torch::Tensor& tokens, DecodeCache& cache) override {
    const int64_t t = tokens.size(1), offset = cache.length;
    if (offset + t > context_) {
      throw std::invalid_argument("decoding past the context " + std::to_string(context_));
    }
    const torch::Tensor pos = torch::arange(offset, offset + t, torch::TensorOptions().dtype(torch::kLong).device(tokens.device()));
    torch::Tensor x = tokens_->forward(tokens) + positions_->forward(pos);
    cache.keys.resize(blocks_.size());
    cache.values.resize(blocks_.size());
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      x = blocks_[i]->decode(x, cache.keys[i], cache.values[i], offset);
    }
    cache.length = offset + t;
    return F::linear(ln_->forward(x), tokens_->weight);
  }

  bool recurrent() const override { return false; }
  void set_dropout(double p) override { dropout_ = p; }
  torch::Tensor embedding() const override { return tokens_->weight; }
  int max_length() const override { return context_; }

 private:
  // GPT-2's: N(0, 0.02) weights, zero biases, the residual projections scaled by 1/sqrt(2 layers).
  void init_weights(int layers) {
    torch::NoGradGuard no_grad;
    for (auto& p : named_parameters()) {
      const std::string& name = p.key();
      if (name.find("ln") != std::string::npos) continue;  // LayerNorms keep 1 and 0
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0) {
        p.value().zero_();
      } else {
        p.value().normal_(0.0, 0.02);
      }
    }
    for (auto& b : blocks_) {
      for (int i = 0; i < 2; ++i) b->out_projections(i)->weight.normal_(0.0, 0.02 / std::sqrt(2.0 * layers));
    }
  }

  int context_;
  double dropout_;
  torch::nn::Embedding tokens_{nullptr}, positions_{nullptr};
  std::vector<std::shared_ptr<Block>> blocks_;
  torch::nn::LayerNorm ln_{nullptr};
};

}  // namespace

std::shared_ptr<CharModel> make_char_model(const CharModelConfig& c) {
  if (c.vocab < 2) throw std::invalid_argument("the text has fewer than 2 distinct characters");
  if (c.kind == "char-transformer") return std::make_shared<TransformerCharModel>(c);
  if (c.kind == "char-rnn" || c.kind == "char-gru" || c.kind == "char-lstm") {
    return std::make_shared<RecurrentCharModel>(c);
  }
  throw std::invalid_argument("model " + c.kind + " is not a text model");
}

}  // namespace genscope
