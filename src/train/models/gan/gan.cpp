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
// In place, as pytorch/examples' dcgan has them: no tensor of their own (what each layer before
// them needs for its gradient is its input, never its output).
nn::LeakyReLU lrelu() {
  return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2).inplace(true));
}
nn::ReLU relu() { return nn::ReLU(nn::ReLUOptions().inplace(true)); }

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

// A strided convolution of D, spectrally normalised when asked.
void push_down(nn::Sequential& seq, bool sn, int in, int out, int k, int s, int p) {
  if (sn) {
    seq->push_back(SpectralNorm(down(in, out, k, s, p), s, p));
  } else {
    seq->push_back(down(in, out, k, s, p));
  }
}

// A linear layer of D, spectrally normalised when asked.
void push_linear(nn::Sequential& seq, bool sn, int in, int out) {
  if (sn) {
    seq->push_back(SpectralNorm(nn::Linear(in, out)));
  } else {
    seq->push_back(nn::Linear(in, out));
  }
}

torch::Tensor l2_normalize(const torch::Tensor& x) { return x / (x.norm() + 1e-12); }

}  // namespace

bool GanConfig::d_batch_norm() const { return !spectral_norm && loss != kWganGp; }

SpectralNormImpl::SpectralNormImpl(torch::nn::Conv2d c, int s, int p)
    : conv(register_module("module", c)), stride(s), padding(p) {
  init_vectors();
}

SpectralNormImpl::SpectralNormImpl(torch::nn::Linear l) : linear(register_module("module", l)) {
  init_vectors();
}

void SpectralNormImpl::init_vectors() {
  const torch::Tensor w = weight();
  u = register_buffer("u", l2_normalize(torch::randn({w.size(0)})));
  v = register_buffer("v", l2_normalize(torch::randn({w.numel() / w.size(0)})));
}

torch::Tensor SpectralNormImpl::sigma() {
  const torch::Tensor mat = weight().reshape({weight().size(0), -1});
  if (is_training()) {  // one power iteration: v ~ W^T u, u ~ W v
    torch::NoGradGuard no_grad;
    v.copy_(l2_normalize(torch::mv(mat.t(), u)));
    u.copy_(l2_normalize(torch::mv(mat, v)));
  }
  // Copies: the next forward pass updates u and v in place, and this pass's graph keeps these
  // (as PyTorch's spectral_norm does).
  return torch::dot(u.clone(), torch::mv(mat, v.clone()));
}

torch::Tensor SpectralNormImpl::forward(const torch::Tensor& x) {
  const torch::Tensor w = weight() / sigma();
  if (conv) return torch::conv2d(x, w, conv->bias, stride, padding);
  return torch::nn::functional::linear(x, w, linear->bias);
}

// One transposed-convolution block per doubling from 4x4 (the DCGAN paper's 64x64 design: 8w,
// 4w, 2w, w at 64; 4w, 2w, w at 32); 28x28 goes 4 -> 7 -> 14 -> 28.
DcganGeneratorImpl::DcganGeneratorImpl(const GanConfig& c) : latent_dim(c.latent_dim) {
  const int w = c.width;
  nn::Sequential seq;
  if (c.image_size == 28) {
    seq->push_back(up(c.latent_dim, 4 * w, 4, 1, 0));
    seq->push_back(nn::BatchNorm2d(4 * w));
    seq->push_back(relu());
    seq->push_back(up(4 * w, 2 * w, 3, 2, 1));
    seq->push_back(nn::BatchNorm2d(2 * w));
    seq->push_back(relu());
    seq->push_back(up(2 * w, w, 4, 2, 1));
  } else {
    int m = c.image_size / 8;  // channels of the 4x4 block, in units of w
    seq->push_back(up(c.latent_dim, m * w, 4, 1, 0));
    for (int size = 4; size < c.image_size / 2; size *= 2, m /= 2) {
      seq->push_back(nn::BatchNorm2d(m * w));
      seq->push_back(relu());
      seq->push_back(up(m * w, m / 2 * w, 4, 2, 1));
    }
  }
  seq->push_back(nn::BatchNorm2d(w));
  seq->push_back(relu());
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
  const bool sn = c.spectral_norm;
  push_down(seq, sn, c.channels, w, 4, 2, 1);
  seq->push_back(lrelu());
  int m = 1, size = c.image_size / 2;
  const int last = c.image_size == 28 ? 3 : 4;
  for (; size > last; size /= 2, m *= 2) {
    push_down(seq, sn, m * w, 2 * m * w, 4, 2, 1);
    if (c.d_batch_norm()) seq->push_back(nn::BatchNorm2d(2 * m * w));
    seq->push_back(lrelu());
  }
  push_down(seq, sn, m * w, 1, last, 1, 0);
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
  nn::Sequential seq;
  push_linear(seq, c.spectral_norm, in, h1);
  seq->push_back(lrelu());
  push_linear(seq, c.spectral_norm, h1, h2);
  seq->push_back(lrelu());
  push_linear(seq, c.spectral_norm, h2, 1);
  net = register_module("net", seq);
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

torch::Tensor Gan::run_g(const torch::Tensor& z, bool ema) {
  if (ema) return config_.convolutional ? ema_dc_->forward(z) : ema_mlp_->forward(z);
  return config_.convolutional ? dc_g_->forward(z) : mlp_g_->forward(z);
}

torch::Tensor Gan::run_d(const torch::Tensor& x) {
  return config_.convolutional ? dc_d_->forward(x) : mlp_d_->forward(x);
}

torch::Tensor Gan::noise(int64_t n) const {
  return torch::randn({n, config_.latent_dim}, torch::TensorOptions().device(device_));
}

torch::Tensor Gan::d_loss(const torch::Tensor& r, const torch::Tensor& f) const {
  switch (config_.loss) {
    case kLeastSquares:
      return 0.5 * ((r - 1.0).pow(2).mean() + f.pow(2).mean());
    case kHinge:
      return torch::relu(1.0 - r).mean() + torch::relu(1.0 + f).mean();
    case kWganGp:
      return f.mean() - r.mean();
    default:  // BCE: non-saturating and minimax train D the same way
      return torch::binary_cross_entropy_with_logits(
                 r, torch::full_like(r, 1.0 - optim_.label_smoothing)) +
             torch::binary_cross_entropy_with_logits(f, torch::zeros_like(f));
  }
}

// WGAN-GP (Gulrajani et al. 2017): (|grad D(x^)| - 1)^2 at points between real and fake images.
torch::Tensor Gan::gradient_penalty(const torch::Tensor& real, const torch::Tensor& fake) {
  const int64_t n = std::min(real.size(0), fake.size(0));
  std::vector<int64_t> shape(size_t(real.dim()), 1);
  shape[0] = n;
  const torch::Tensor eps = shard_rand(n, {shape.begin() + 1, shape.end()}, real.options());
  torch::Tensor between =
      (eps * real.slice(0, 0, n) + (1 - eps) * fake.slice(0, 0, n)).detach().requires_grad_(true);
  const torch::Tensor out = run_d(between);
  const torch::Tensor grad = torch::autograd::grad({out.sum()}, {between}, {}, true, true)[0];
  return (grad.reshape({n, -1}).norm(2, 1) - 1.0).pow(2).mean();
}

// R1 (Mescheder et al. 2018): |grad D(x)|^2 on the real images D just scored.
torch::Tensor Gan::r1_penalty(const torch::Tensor& real_in, const torch::Tensor& real_logits) {
  const torch::Tensor grad =
      torch::autograd::grad({real_logits.sum()}, {real_in}, {}, true, true)[0];
  return grad.reshape({grad.size(0), -1}).pow(2).sum(1).mean();
}

DStepResult Gan::d_step(const torch::Tensor& real, const torch::Tensor& fake) {
  opt_d_->zero_grad();
  const bool r1 = optim_.r1_gamma > 0.0;
  const torch::Tensor real_in = r1 ? real.detach().requires_grad_(true) : real;
  torch::Tensor real_logits = run_d(real_in);
  torch::Tensor fake_logits = run_d(fake.detach());
  torch::Tensor loss = d_loss(real_logits, fake_logits);
  if (config_.loss == kWganGp) loss = loss + optim_.gp_lambda * gradient_penalty(real, fake.detach());
  if (r1) loss = loss + 0.5 * optim_.r1_gamma * r1_penalty(real_in, real_logits);
  loss.backward();
  average_gradients(*d_module_);
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
  const torch::Tensor f = run_d(fake_with_grad);
  torch::Tensor loss;
  switch (config_.loss) {
    case kMinimax:  // minimise log(1 - D(G(z))) = -softplus(logit)
      loss = -torch::softplus(f).mean();
      break;
    case kLeastSquares:
      loss = 0.5 * (f - 1.0).pow(2).mean();
      break;
    case kHinge:
    case kWganGp:
      loss = -f.mean();
      break;
    default:
      loss = torch::binary_cross_entropy_with_logits(f, torch::ones_like(f));
  }
  loss.backward();
  average_gradients(*g_module_);
  g_grads_.clear();
  append_grad_norms(*g_module_, "G", g_grads_);
  opt_g_->step();
  return loss.item<float>();
}

void Gan::calibrate_batch_norm(bool ema) {
  nn::Module& g = ema ? *ema_module_ : *g_module_;
  auto set_momentum = [&](double m) {
    for (auto& module : g.modules(/*include_self=*/false)) {
      if (auto* bn = module->as<nn::BatchNorm2d>()) bn->options.momentum(m);
    }
  };
  set_momentum(1.0);  // running statistics := this batch's statistics
  g.train();
  run_g(reference_noise_, ema);
  set_momentum(0.1);
}

void Gan::build_ema() {
  if (config_.convolutional) {
    ema_dc_ = DcganGenerator(config_);
    ema_dc_->to(device_);
    ema_module_ = ema_dc_.ptr();
  } else {
    ema_mlp_ = MlpGenerator(config_);
    ema_mlp_->to(device_);
    ema_module_ = ema_mlp_.ptr();
  }
  torch::NoGradGuard no_grad;
  const auto from = g_module_->parameters(), to = ema_module_->parameters();
  for (size_t i = 0; i < from.size(); ++i) to[i].copy_(from[i]);
}

void Gan::update_ema() {
  if (optim_.ema_decay <= 0.0) {
    ema_module_.reset();  // switched off: the next switch-on starts from G again
    ema_dc_ = nullptr, ema_mlp_ = nullptr;
    return;
  }
  if (!ema_module_) {
    ema_updates_ = 0;
    return build_ema();
  }
  // TensorFlow's ExponentialMovingAverage warm-up: a young average follows G more closely, so
  // its samples are not the first steps' noise for the first thousands of steps.
  ++ema_updates_;
  const double decay = std::min(optim_.ema_decay, (1.0 + double(ema_updates_)) /
                                                      (10.0 + double(ema_updates_)));
  torch::NoGradGuard no_grad;
  const auto from = g_module_->parameters(), to = ema_module_->parameters();
  for (size_t i = 0; i < from.size(); ++i) to[i].mul_(decay).add_(from[i], 1.0 - decay);
}

torch::Tensor Gan::generate(const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  const bool ema = use_ema();
  nn::Module& g = ema ? *ema_module_ : *g_module_;
  calibrate_batch_norm(ema);
  g.eval();
  torch::Tensor out = run_g(z.to(device_), ema);
  g.train();
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
  apply(*opt_g_, s.lr_g * lr_scale_);
  apply(*opt_d_, s.lr_d * lr_scale_);
  optim_ = s;
}

GanOptimSettings Gan::optim_settings(const Params& p) {
  GanOptimSettings s;
  s.lr_g = p.number(ParamId::kLrG);
  s.lr_d = p.number(ParamId::kLrD);
  s.beta1 = p.number(ParamId::kBeta1);
  s.beta2 = p.number(ParamId::kBeta2);
  s.label_smoothing = p.number(ParamId::kLabelSmoothing);
  s.gp_lambda = p.number(ParamId::kGpLambda);
  s.r1_gamma = p.number(ParamId::kR1Gamma);
  s.ema_decay = p.number(ParamId::kGEma);
  s.ema_samples = p.choice(ParamId::kEmaSamples) == "ema";
  s.lr_schedule = p.choice(ParamId::kLrSchedule);
  s.lr_schedule_steps = p.integer(ParamId::kLrScheduleSteps);
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

StepValues Gan::train_step(const BatchFn& next_batch, const Params& params, int64_t step) {
  const double scale = lr_factor(optim_.lr_schedule, step, optim_.lr_schedule_steps);
  if (scale != lr_scale_) {
    lr_scale_ = scale;
    set_optim(optim_);
  }
  int64_t batch = params.integer(ParamId::kBatchSize);
  int d_steps = params.integer(ParamId::kDSteps);
  DStepResult d;
  const auto draw = [&] { return shard_randn(batch, {config_.latent_dim}, torch::TensorOptions().device(device_)); };
  for (int i = 0; i + 1 < d_steps; ++i) d = d_step(next_batch(batch), fake(draw(), false));
  torch::Tensor fakes = fake(draw(), true);
  const torch::Tensor real = next_batch(batch);
  d = d_step(real, fakes);
  last_real_ = real.slice(0, 0, 64);
  float loss_g = g_step(fakes);
  update_ema();
  last_real_scores_ = to_vector(d.real_scores);
  last_fake_scores_ = to_vector(d.fake_scores);
  StepValues v;
  v.count = 5;
  v.values = {d.loss, loss_g, d.real_scores.mean().item<float>(), d.fake_scores.mean().item<float>(),
              float(lr_scale_)};
  return v;
}

void Gan::layer_histograms(int bins, std::vector<LayerHistogram>& out) {
  torch::NoGradGuard no_grad;
  append_weight_histograms(*g_module_, "G", bins, out);
  calibrate_batch_norm(false);  // batch norm as generate() runs it
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

GeneratorNet Gan::generator_net() {
  torch::NoGradGuard no_grad;
  const bool ema = use_ema();
  calibrate_batch_norm(ema);
  GeneratorNet out;
  if (config_.convolutional) {
    out.net = (ema ? ema_dc_ : dc_g_)->net;
    out.architecture = "dcgan-generator";
    out.input_shape = {config_.latent_dim, 1, 1};
  } else {
    out.net = (ema ? ema_mlp_ : mlp_g_)->net;
    out.architecture = "mlp-generator";
  }
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
  if (ema_module_) save_module(w, "g_ema", *ema_module_);
  if (ema_module_) w.write_int("ema_updates", ema_updates_);
  w.write_int("ema_samples", optim_.ema_samples ? 1 : 0);
}

void Gan::load(StateReader& r) {
  load_module(r, "g", *g_module_);
  load_module(r, "d", *d_module_);
  load_optimizer(r, "opt_g", *opt_g_);
  load_optimizer(r, "opt_d", *opt_d_);
  r.read_into("reference_noise", reference_noise_);
  ema_module_.reset();
  if (r.has("g_ema.net.0.weight")) {
    build_ema();
    load_module(r, "g_ema", *ema_module_);
    ema_updates_ = r.has("ema_updates") ? r.read_int("ema_updates") : 0;
  }
  if (r.has("ema_samples")) optim_.ema_samples = r.read_int("ema_samples") != 0;
}

}  // namespace genscope
