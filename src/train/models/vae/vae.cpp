#include "train/models/vae/vae.h"

#include <algorithm>

namespace genscope {
namespace {

namespace nn = torch::nn;

nn::LeakyReLU lrelu() { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); }
int scaled(int base, int width) { return std::max(8, base * width / 32); }

torch::optim::AdamOptions adam_options(const Params& p) {
  return torch::optim::AdamOptions(p.number(ParamId::kLrG))
      .betas(std::make_tuple(p.number(ParamId::kBeta1), p.number(ParamId::kBeta2)));
}

// Halvings of the convolutional VAE while the map is larger than 8x8 (at least one).
int conv_blocks(int image_size) {
  int blocks = 1;
  for (int size = image_size / 2; size > 8 && size % 2 == 0; size /= 2) ++blocks;
  return blocks;
}

}  // namespace

VaeEncoderImpl::VaeEncoderImpl(const VaeConfig& c) {
  int features = 0;
  if (c.convolutional) {
    // A strided convolution per halving while the map is larger than 8x8 (28 -> 14 -> 7,
    // 32 -> 16 -> 8, 64 -> 32 -> 16 -> 8), channels doubling from w.
    const int w = c.width;
    nn::Sequential seq;
    int in = c.channels, out = w, size = c.image_size;
    for (int block = 0; block < conv_blocks(c.image_size); ++block, in = out, out *= 2) {
      seq->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(1)));
      seq->push_back(lrelu());
      size /= 2;
    }
    seq->push_back(nn::Flatten());
    body = register_module("body", seq);
    features = in * size * size;
  } else {
    int h1 = scaled(512, c.width), h2 = scaled(256, c.width);
    body = register_module(
        "body", nn::Sequential(nn::Flatten(), nn::Linear(c.channels * c.image_size * c.image_size, h1),
                               lrelu(), nn::Linear(h1, h2), lrelu()));
    features = h2;
  }
  mu = register_module("mu", nn::Linear(features, c.latent_dim));
  logvar = register_module("logvar", nn::Linear(features, c.latent_dim));
}

std::pair<torch::Tensor, torch::Tensor> VaeEncoderImpl::forward(torch::Tensor x) {
  torch::Tensor h = body->forward(x);
  return {mu->forward(h), logvar->forward(h)};
}

VaeDecoderImpl::VaeDecoderImpl(const VaeConfig& c) : channels(c.channels), image_size(c.image_size) {
  if (c.convolutional) {
    // The encoder's mirror: from its last map (s x s, w * 2^(blocks-1) channels) a transposed
    // convolution per doubling.
    const int blocks = conv_blocks(c.image_size);
    const int s = c.image_size >> blocks;
    int ch = c.width << (blocks - 1);
    nn::Sequential seq;
    seq->push_back(nn::Linear(c.latent_dim, ch * s * s));
    seq->push_back(nn::ReLU());
    seq->push_back(nn::Unflatten(nn::UnflattenOptions(1, {ch, s, s})));
    for (int block = 0; block < blocks; ++block) {
      const int out = block + 1 < blocks ? ch / 2 : c.channels;
      seq->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(ch, out, 4).stride(2).padding(1)));
      if (block + 1 < blocks) seq->push_back(nn::ReLU());
      ch = out;
    }
    net = register_module("net", seq);
  } else {
    int h1 = scaled(256, c.width), h2 = scaled(512, c.width);
    net = register_module("net", nn::Sequential(nn::Linear(c.latent_dim, h1), lrelu(),
                                                nn::Linear(h1, h2), lrelu(),
                                                nn::Linear(h2, c.channels * c.image_size * c.image_size)));
  }
}

torch::Tensor VaeDecoderImpl::forward(torch::Tensor z) {
  return net->forward(z).view({z.size(0), channels, image_size, image_size});
}

Vae::Vae(const VaeConfig& config, const Params& params, torch::Device device)
    : config_(config), device_(device), encoder_(config), decoder_(config) {
  encoder_->to(device);
  decoder_->to(device);
  opt_ = std::make_unique<torch::optim::Adam>(parameters(), adam_options(params));
}

std::vector<torch::Tensor> Vae::parameters() {
  std::vector<torch::Tensor> all = encoder_->parameters();
  for (auto& p : decoder_->parameters()) all.push_back(p);
  return all;
}

double Vae::kl_weight(const Params& params, int64_t step) {
  double beta = params.number(ParamId::kBeta);
  int64_t warmup = params.integer(ParamId::kKlWarmup);
  if (warmup <= 0) return beta;
  return beta * std::min(1.0, static_cast<double>(step) / static_cast<double>(warmup));
}

VaeLoss Vae::loss(const torch::Tensor& images, bool bce) {
  auto [mu, logvar] = encoder_->forward(images);
  torch::Tensor z = mu;
  VaeLoss out;
  if (config_.variational) {
    z = mu + shard_randn(mu.size(0), {mu.size(1)}, mu.options()) * torch::exp(0.5 * logvar);
    torch::Tensor kl_terms = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp());  // [N, D]
    out.kl_per_dim = kl_terms.mean(0);
    out.kl = out.kl_per_dim.sum();
  } else {
    out.kl_per_dim = torch::zeros({config_.latent_dim}, mu.options());
    out.kl = torch::zeros({}, mu.options());
  }
  torch::Tensor logits = decoder_->forward(z);
  torch::Tensor target = images.add(1.0).mul(0.5);  // [0, 1]
  int64_t n = images.size(0);
  if (bce) {
    out.recon = torch::binary_cross_entropy_with_logits(logits, target, {}, {},
                                                        at::Reduction::Sum) / n;
  } else {
    out.recon = torch::mse_loss(torch::sigmoid(logits), target, at::Reduction::Sum) / n;
  }
  return out;
}

StepValues Vae::train_step(const BatchFn& next_batch, const Params& params, int64_t step) {
  torch::Tensor images = next_batch(params.integer(ParamId::kBatchSize));
  last_images_ = images.slice(0, 0, 64);
  VaeLoss l = loss(images, params.choice(ParamId::kReconLoss) == "bce");
  double weight = config_.variational ? kl_weight(params, step) : 0.0;
  const double scale = lr_factor(params.choice(ParamId::kLrSchedule), step,
                                 params.integer(ParamId::kLrScheduleSteps));
  if (scale != lr_scale_) {
    lr_scale_ = scale;
    set_live(params);
  }
  opt_->zero_grad();
  (l.recon + weight * l.kl).backward();
  average_gradients(*encoder_);
  average_gradients(*decoder_);
  grads_.clear();
  append_grad_norms(*encoder_, "encoder", grads_);
  append_grad_norms(*decoder_, "decoder", grads_);
  opt_->step();
  float recon = l.recon.item<float>(), kl = l.kl.item<float>();
  torch::Tensor per_dim = l.kl_per_dim.detach().to(torch::kCPU, torch::kFloat).contiguous();
  kl_per_dim_.assign(per_dim.data_ptr<float>(), per_dim.data_ptr<float>() + per_dim.numel());
  StepValues v;
  v.count = 5;
  v.values = {recon, kl, -(recon + kl), static_cast<float>(weight * kl), float(lr_scale_)};
  return v;
}

void Vae::set_live(const Params& params) {
  auto options = adam_options(params);
  for (auto& group : opt_->param_groups()) {
    auto& o = static_cast<torch::optim::AdamOptions&>(group.options());
    o.lr(options.lr() * lr_scale_);
    o.betas(options.betas());
  }
}

torch::Tensor Vae::decode(const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  return torch::sigmoid(decoder_->forward(z.to(device_))).mul(2.0).sub(1.0);
}

torch::Tensor Vae::encode(const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  return encoder_->forward(images.to(device_)).first;
}

void Vae::fill_extras(Snapshot& out) const {
  out.d_real.clear();
  out.d_fake.clear();
  out.latent.kl_per_dim = kl_per_dim_;
}

std::vector<std::pair<std::string, torch::Tensor>> Vae::named_parameters() {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  append_named_parameters(out, "encoder", *encoder_);
  append_named_parameters(out, "decoder", *decoder_);
  return out;
}

GeneratorNet Vae::generator_net() {
  GeneratorNet out;
  out.net = decoder_->net;
  out.architecture = config_.convolutional ? "conv-decoder" : "mlp-decoder";
  out.sigmoid_output = true;
  return out;
}

void Vae::save(StateWriter& w) {
  save_module(w, "encoder", *encoder_);
  save_module(w, "decoder", *decoder_);
  save_optimizer(w, "opt", *opt_);
}

void Vae::load(StateReader& r) {
  load_module(r, "encoder", *encoder_);
  load_module(r, "decoder", *decoder_);
  load_optimizer(r, "opt", *opt_);
}

void Vae::layer_histograms(int bins, std::vector<LayerHistogram>& out) {
  torch::NoGradGuard no_grad;
  append_weight_histograms(*encoder_, "encoder", bins, out);
  if (last_images_.defined()) {
    append_activation_histograms(encoder_->body, last_images_, "encoder body.", bins, out);
  }
  append_weight_histograms(*decoder_, "decoder", bins, out);
  if (last_images_.defined()) {
    append_activation_histograms(decoder_->net, encode(last_images_), "decoder net.", bins, out);
  }
}

}  // namespace genscope
