#include "train/models/gan/gan.h"

namespace genscope {
namespace {

namespace nn = torch::nn;

nn::ConvTranspose2d up(int in, int out, int k, int s, int p) {
  return nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, k).stride(s).padding(p).bias(false));
}
nn::Conv2d down(int in, int out, int k, int s, int p) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k).stride(s).padding(p).bias(false));
}
nn::LeakyReLU lrelu() { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); }

// DCGAN's initialisation: conv weights N(0, 0.02), batch-norm scale N(1, 0.02) and shift 0.
void dcgan_init(nn::Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& module : m.modules(/*include_self=*/false)) {
    if (auto* conv = module->as<nn::Conv2d>()) conv->weight.normal_(0.0, 0.02);
    if (auto* conv = module->as<nn::ConvTranspose2d>()) conv->weight.normal_(0.0, 0.02);
    if (auto* bn = module->as<nn::BatchNorm2d>()) {
      bn->weight.normal_(1.0, 0.02);
      bn->bias.zero_();
    }
  }
}

int scaled(int base, int width) { return std::max(8, base * width / 32); }

}  // namespace

// One transposed-convolution block per doubling from 4x4 (the DCGAN paper's 64x64 design: 8w,
// 4w, 2w, w at 64; 4w, 2w, w at 32); 28x28 goes 4 -> 7 -> 14 -> 28.
DcganGeneratorImpl::DcganGeneratorImpl(const GanConfig& c) : latent_dim(c.latent_dim) {
  const int w = c.width;
  nn::Sequential seq;
  if (c.image_size == 28) {
    seq->push_back(up(c.latent_dim, 4 * w, 4, 1, 0));
    seq->push_back(nn::BatchNorm2d(4 * w));
    seq->push_back(nn::ReLU());
    seq->push_back(up(4 * w, 2 * w, 3, 2, 1));
    seq->push_back(nn::BatchNorm2d(2 * w));
    seq->push_back(nn::ReLU());
    seq->push_back(up(2 * w, w, 4, 2, 1));
  } else {
    int m = c.image_size / 8;  // channels of the 4x4 block, in units of w
    seq->push_back(up(c.latent_dim, m * w, 4, 1, 0));
    for (int size = 4; size < c.image_size / 2; size *= 2, m /= 2) {
      seq->push_back(nn::BatchNorm2d(m * w));
      seq->push_back(nn::ReLU());
      seq->push_back(up(m * w, m / 2 * w, 4, 2, 1));
    }
  }
  seq->push_back(nn::BatchNorm2d(w));
  seq->push_back(nn::ReLU());
  seq->push_back(up(w, c.channels, 4, 2, 1));
  seq->push_back(nn::Tanh());
  net = register_module("net", seq);
  dcgan_init(*this);
}

torch::Tensor DcganGeneratorImpl::forward(torch::Tensor z) {
  return net->forward(z.view({z.size(0), latent_dim, 1, 1}));
}

// The mirror image: a strided convolution per halving down to 4x4 (3x3 for 28x28), then one
// convolution over the whole map.
DcganDiscriminatorImpl::DcganDiscriminatorImpl(const GanConfig& c) {
  const int w = c.width;
  nn::Sequential seq;
  seq->push_back(down(c.channels, w, 4, 2, 1));
  seq->push_back(lrelu());
  int m = 1, size = c.image_size / 2;
  const int last = c.image_size == 28 ? 3 : 4;
  for (; size > last; size /= 2, m *= 2) {
    seq->push_back(down(m * w, 2 * m * w, 4, 2, 1));
    seq->push_back(nn::BatchNorm2d(2 * m * w));
    seq->push_back(lrelu());
  }
  seq->push_back(down(m * w, 1, last, 1, 0));
  net = register_module("net", seq);
  dcgan_init(*this);
}

torch::Tensor DcganDiscriminatorImpl::forward(torch::Tensor x) { return net->forward(x).view({-1}); }

MlpGeneratorImpl::MlpGeneratorImpl(const GanConfig& c)
    : channels(c.channels), image_size(c.image_size) {
  int h1 = scaled(256, c.width), h2 = scaled(512, c.width);
  int out = c.channels * c.image_size * c.image_size;
  net = register_module("net", nn::Sequential(nn::Linear(c.latent_dim, h1), lrelu(),
                                              nn::Linear(h1, h2), lrelu(), nn::Linear(h2, out),
                                              nn::Tanh()));
}

torch::Tensor MlpGeneratorImpl::forward(torch::Tensor z) {
  return net->forward(z).view({z.size(0), channels, image_size, image_size});
}

MlpDiscriminatorImpl::MlpDiscriminatorImpl(const GanConfig& c) {
  int h1 = scaled(512, c.width), h2 = scaled(256, c.width);
  int in = c.channels * c.image_size * c.image_size;
  net = register_module("net", nn::Sequential(nn::Linear(in, h1), lrelu(), nn::Linear(h1, h2),
                                              lrelu(), nn::Linear(h2, 1)));
}

torch::Tensor MlpDiscriminatorImpl::forward(torch::Tensor x) {
  return net->forward(x.view({x.size(0), -1})).view({-1});
}

Gan::Gan(const GanConfig& config, const GanOptimSettings& optim, torch::Device device)
    : config_(config), optim_(optim), device_(device) {
  if (config.convolutional) {
    dc_g_ = DcganGenerator(config);
    dc_d_ = DcganDiscriminator(config);
    dc_g_->to(device);
    dc_d_->to(device);
    g_module_ = dc_g_.ptr();
    d_module_ = dc_d_.ptr();
  } else {
    mlp_g_ = MlpGenerator(config);
    mlp_d_ = MlpDiscriminator(config);
    mlp_g_->to(device);
    mlp_d_->to(device);
    g_module_ = mlp_g_.ptr();
    d_module_ = mlp_d_.ptr();
  }
  auto opts = [&](double lr) {
    return torch::optim::AdamOptions(lr).betas(std::make_tuple(optim.beta1, optim.beta2));
  };
  reference_noise_ = noise(64);
  opt_g_ = std::make_unique<torch::optim::Adam>(g_module_->parameters(), opts(optim.lr_g));
  opt_d_ = std::make_unique<torch::optim::Adam>(d_module_->parameters(), opts(optim.lr_d));
}

torch::Tensor Gan::run_g(const torch::Tensor& z) {
  return config_.convolutional ? dc_g_->forward(z) : mlp_g_->forward(z);
}

torch::Tensor Gan::run_d(const torch::Tensor& x) {
  return config_.convolutional ? dc_d_->forward(x) : mlp_d_->forward(x);
}

torch::Tensor Gan::noise(int64_t n) const {
  return torch::randn({n, config_.latent_dim}, torch::TensorOptions().device(device_));
}

DStepResult Gan::d_step(const torch::Tensor& real, const torch::Tensor& fake) {
  opt_d_->zero_grad();
  torch::Tensor real_logits = run_d(real);
  torch::Tensor fake_logits = run_d(fake.detach());
  auto real_target = torch::full_like(real_logits, 1.0 - optim_.label_smoothing);
  auto fake_target = torch::zeros_like(fake_logits);
  torch::Tensor loss = torch::binary_cross_entropy_with_logits(real_logits, real_target) +
                       torch::binary_cross_entropy_with_logits(fake_logits, fake_target);
  loss.backward();
  d_grads_.clear();
  append_grad_norms(*d_module_, "D", d_grads_);
  opt_d_->step();
  DStepResult r;
  r.loss = loss.item<float>();
  r.real_scores = torch::sigmoid(real_logits.detach());
  r.fake_scores = torch::sigmoid(fake_logits.detach());
  return r;
}

torch::Tensor Gan::fake(const torch::Tensor& z, bool grad) {
  if (grad) return run_g(z);
  torch::NoGradGuard no_grad;
  return run_g(z);
}

float Gan::g_step(const torch::Tensor& fake_with_grad) {
  opt_g_->zero_grad();
  torch::Tensor logits = run_d(fake_with_grad);
  torch::Tensor loss =
      torch::binary_cross_entropy_with_logits(logits, torch::ones_like(logits));
  loss.backward();
  g_grads_.clear();
  append_grad_norms(*g_module_, "G", g_grads_);
  opt_g_->step();
  return loss.item<float>();
}

void Gan::calibrate_batch_norm() {
  auto set_momentum = [&](double m) {
    for (auto& module : g_module_->modules(/*include_self=*/false)) {
      if (auto* bn = module->as<nn::BatchNorm2d>()) bn->options.momentum(m);
    }
  };
  set_momentum(1.0);  // running statistics := this batch's statistics
  run_g(reference_noise_);
  set_momentum(0.1);
}

torch::Tensor Gan::generate(const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  calibrate_batch_norm();
  g_module_->eval();
  torch::Tensor out = run_g(z.to(device_));
  g_module_->train();
  return out;
}

void Gan::set_optim(const GanOptimSettings& s) {
  auto apply = [&](torch::optim::Adam& opt, double lr) {
    for (auto& group : opt.param_groups()) {
      auto& o = static_cast<torch::optim::AdamOptions&>(group.options());
      o.lr(lr);
      o.betas(std::make_tuple(s.beta1, s.beta2));
    }
  };
  apply(*opt_g_, s.lr_g);
  apply(*opt_d_, s.lr_d);
  optim_ = s;
}

GanOptimSettings Gan::optim_settings(const Params& p) {
  GanOptimSettings s;
  s.lr_g = p.number(ParamId::kLrG);
  s.lr_d = p.number(ParamId::kLrD);
  s.beta1 = p.number(ParamId::kBeta1);
  s.beta2 = p.number(ParamId::kBeta2);
  s.label_smoothing = p.number(ParamId::kLabelSmoothing);
  return s;
}

void Gan::set_live(const Params& params) { set_optim(optim_settings(params)); }

std::vector<torch::Tensor> Gan::parameters() {
  std::vector<torch::Tensor> all = g_module_->parameters();
  for (auto& p : d_module_->parameters()) all.push_back(p);
  return all;
}

namespace {
std::vector<float> to_vector(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous().view({-1});
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
}  // namespace

StepValues Gan::train_step(const BatchFn& next_batch, const Params& params, int64_t) {
  int64_t batch = params.integer(ParamId::kBatchSize);
  int d_steps = params.integer(ParamId::kDSteps);
  DStepResult d;
  for (int i = 0; i + 1 < d_steps; ++i) d = d_step(next_batch(batch), fake(noise(batch), false));
  torch::Tensor fakes = fake(noise(batch), true);
  const torch::Tensor real = next_batch(batch);
  d = d_step(real, fakes);
  last_real_ = real.slice(0, 0, 64);
  float loss_g = g_step(fakes);
  last_real_scores_ = to_vector(d.real_scores);
  last_fake_scores_ = to_vector(d.fake_scores);
  StepValues v;
  v.count = 4;
  v.values = {d.loss, loss_g, d.real_scores.mean().item<float>(), d.fake_scores.mean().item<float>()};
  return v;
}

void Gan::layer_histograms(int bins, std::vector<LayerHistogram>& out) {
  torch::NoGradGuard no_grad;
  append_weight_histograms(*g_module_, "G", bins, out);
  calibrate_batch_norm();  // batch norm as generate() runs it
  if (config_.convolutional) {
    append_activation_histograms(dc_g_->net, reference_noise_.view({-1, config_.latent_dim, 1, 1}),
                                 "G net.", bins, out);
  } else {
    append_activation_histograms(mlp_g_->net, reference_noise_, "G net.", bins, out);
  }
  append_weight_histograms(*d_module_, "D", bins, out);
  if (!last_real_.defined()) return;
  if (config_.convolutional) {
    append_activation_histograms(dc_d_->net, last_real_, "D net.", bins, out);
  } else {
    append_activation_histograms(mlp_d_->net, last_real_.view({last_real_.size(0), -1}), "D net.",
                                 bins, out);
  }
}

void Gan::fill_extras(Snapshot& out) const {
  out.d_real = last_real_scores_;
  out.d_fake = last_fake_scores_;
  out.latent.kl_per_dim.clear();
}

std::vector<std::pair<std::string, torch::Tensor>> Gan::named_parameters() {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  append_named_parameters(out, "G", *g_module_);
  append_named_parameters(out, "D", *d_module_);
  return out;
}

std::vector<LayerGrad> Gan::grad_norms() const {
  std::vector<LayerGrad> out = g_grads_;
  out.insert(out.end(), d_grads_.begin(), d_grads_.end());
  return out;
}

void Gan::save(StateWriter& w) {
  save_module(w, "g", *g_module_);
  save_module(w, "d", *d_module_);
  save_optimizer(w, "opt_g", *opt_g_);
  save_optimizer(w, "opt_d", *opt_d_);
  w.write("reference_noise", reference_noise_);
}

void Gan::load(StateReader& r) {
  load_module(r, "g", *g_module_);
  load_module(r, "d", *d_module_);
  load_optimizer(r, "opt_g", *opt_g_);
  load_optimizer(r, "opt_d", *opt_d_);
  r.read_into("reference_noise", reference_noise_);
}

}  // namespace genscope
