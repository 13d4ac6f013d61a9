#include "train/models/toy/toy_gan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include "core/params.h"
#include "train/models/image/model.h"
#include "train/state_io.h"
#include "train/torch_pch.h"
#include "util/strings.h"

namespace genscope {

namespace nn = torch::nn;

/// The torch side of a ToyGan.
class ToyGanState {
 public:
  nn::Sequential g{nullptr};
  nn::Sequential d{nullptr};
  std::unique_ptr<torch::optim::Optimizer> opt_g;
  std::unique_ptr<torch::optim::Optimizer> opt_d;
  std::mt19937_64 rng;
  torch::Tensor fixed_noise;  // [kFixedNoise, noise_dim]
};

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

nn::AnyModule activation(ToyActivation act) {
  switch (act) {
    case ToyActivation::kRelu:
      return nn::AnyModule(nn::ReLU());
    case ToyActivation::kLeakyRelu:
      return nn::AnyModule(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    case ToyActivation::kTanh:
      return nn::AnyModule(nn::Tanh());
    case ToyActivation::kElu:
      return nn::AnyModule(nn::ELU());
  }
  return nn::AnyModule(nn::ReLU());
}

// Fills a Linear with U(-1/sqrt(fan_in), 1/sqrt(fan_in)) from rng (LibTorch's default bounds).
void init_linear(nn::Linear& lin, std::mt19937_64& rng) {
  torch::NoGradGuard no_grad;
  int64_t fan_in = lin->weight.size(1);
  float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
  std::uniform_real_distribution<float> u(-bound, bound);
  for (torch::Tensor* t : {&lin->weight, &lin->bias}) {
    std::vector<float> v(static_cast<size_t>(t->numel()));
    for (float& x : v) x = u(rng);
    t->copy_(torch::from_blob(v.data(), t->sizes(), torch::kFloat32));
  }
}

nn::Sequential make_mlp(int in, int out, int hidden, int width, ToyActivation act,
                        std::mt19937_64& rng) {
  nn::Sequential net;
  int prev = in;
  for (int i = 0; i < hidden; ++i) {
    nn::Linear lin(prev, width);
    init_linear(lin, rng);
    net->push_back(lin);
    net->push_back(activation(act));
    prev = width;
  }
  nn::Linear last(prev, out);
  init_linear(last, rng);
  net->push_back(last);
  return net;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(ToyOptimizer kind,
                                                        std::vector<torch::Tensor> params,
                                                        double lr) {
  namespace optim = torch::optim;
  switch (kind) {
    case ToyOptimizer::kSgd:
      return std::make_unique<optim::SGD>(params, optim::SGDOptions(lr));
    case ToyOptimizer::kMomentum:
      return std::make_unique<optim::SGD>(params, optim::SGDOptions(lr).momentum(0.9));
    case ToyOptimizer::kAdam:
      return std::make_unique<optim::Adam>(
          params, optim::AdamOptions(lr).betas(std::make_tuple(0.5, 0.999)).eps(1e-8));
    case ToyOptimizer::kRmsprop:
      return std::make_unique<optim::RMSprop>(params,
                                              optim::RMSpropOptions(lr).alpha(0.99).eps(1e-8));
  }
  return nullptr;
}

torch::Tensor points_to_tensor(const std::vector<Point2>& pts) {
  std::vector<float> v;
  v.reserve(pts.size() * 2);
  for (const Point2& p : pts) {
    v.push_back(p.x);
    v.push_back(p.y);
  }
  return torch::from_blob(v.data(), {static_cast<int64_t>(pts.size()), 2}, torch::kFloat32).clone();
}

std::vector<Point2> tensor_to_points(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  const float* p = c.data_ptr<float>();
  std::vector<Point2> out(static_cast<size_t>(c.size(0)));
  for (size_t i = 0; i < out.size(); ++i) out[i] = {p[2 * i], p[2 * i + 1]};
  return out;
}

std::vector<float> tensor_to_floats(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kFloat32).contiguous().view({-1});
  const float* p = c.data_ptr<float>();
  return std::vector<float>(p, p + c.numel());
}

// Per-sample generator loss ell(l) on D's raw outputs (see the header).
torch::Tensor g_loss_per_sample(ToyLoss loss, const torch::Tensor& l) {
  switch (loss) {
    case ToyLoss::kNonSaturating:
      return torch::softplus(-l);
    case ToyLoss::kMinimax:
      return -torch::softplus(l);
    case ToyLoss::kLeastSquares:
      return 0.5 * (l - 1.0).pow(2);
    case ToyLoss::kHinge:
    case ToyLoss::kWganGp:
      return -l;
  }
  return -l;
}

// D loss without the gradient penalty.
torch::Tensor d_loss(ToyLoss loss, const torch::Tensor& lr, const torch::Tensor& lf) {
  switch (loss) {
    case ToyLoss::kNonSaturating:
    case ToyLoss::kMinimax:
      return torch::softplus(-lr).mean() + torch::softplus(lf).mean();
    case ToyLoss::kLeastSquares:
      return 0.5 * (lr - 1.0).pow(2).mean() + 0.5 * lf.pow(2).mean();
    case ToyLoss::kHinge:
      return torch::relu(1.0 - lr).mean() + torch::relu(1.0 + lf).mean();
    case ToyLoss::kWganGp:
      return lf.mean() - lr.mean();
  }
  return lf.mean() - lr.mean();
}

// D's output as reported: sigmoid for BCE-type losses, raw otherwise.
torch::Tensor shown(ToyLoss loss, const torch::Tensor& l) {
  return toy_loss_is_bce(loss) ? torch::sigmoid(l) : l;
}

}  // namespace

const char* toy_loss_name(ToyLoss loss) {
  switch (loss) {
    case ToyLoss::kNonSaturating:
      return "non_saturating";
    case ToyLoss::kMinimax:
      return "minimax";
    case ToyLoss::kLeastSquares:
      return "least_squares";
    case ToyLoss::kHinge:
      return "hinge";
    case ToyLoss::kWganGp:
      return "wgan_gp";
  }
  return "?";
}

const char* toy_optimizer_name(ToyOptimizer opt) {
  switch (opt) {
    case ToyOptimizer::kSgd:
      return "sgd";
    case ToyOptimizer::kMomentum:
      return "momentum";
    case ToyOptimizer::kAdam:
      return "adam";
    case ToyOptimizer::kRmsprop:
      return "rmsprop";
  }
  return "?";
}

const char* toy_activation_name(ToyActivation act) {
  switch (act) {
    case ToyActivation::kRelu:
      return "relu";
    case ToyActivation::kLeakyRelu:
      return "leaky_relu";
    case ToyActivation::kTanh:
      return "tanh";
    case ToyActivation::kElu:
      return "elu";
  }
  return "?";
}

const char* toy_noise_name(ToyNoise noise) {
  return noise == ToyNoise::kUniform ? "uniform" : "gaussian";
}

bool toy_loss_is_bce(ToyLoss loss) {
  return loss == ToyLoss::kNonSaturating || loss == ToyLoss::kMinimax;
}

Status ToyGanConfig::validate() const {
  // Each field through the parameter table's row it is built from: the table's range, key and
  // message ("toy gan: width_g: 0 is outside the range [1, 512]").
  const std::pair<ParamId, double> fields[] = {
      {ParamId::kLayersG, hidden_layers_g},
      {ParamId::kLayersD, hidden_layers_d},
      {ParamId::kWidthG, width_g},
      {ParamId::kWidthD, width_d},
      {ParamId::kActivation, static_cast<int>(activation)},
      {ParamId::kNoiseDim, noise_dim},
      {ParamId::kLoss, static_cast<int>(loss)},
      {ParamId::kGpLambda, gp_lambda},
      {ParamId::kOptimizerG, static_cast<int>(opt_g)},
      {ParamId::kOptimizerD, static_cast<int>(opt_d)},
      {ParamId::kLrG, lr_g},
      {ParamId::kLrD, lr_d},
      {ParamId::kDSteps, d_steps},
      {ParamId::kGSteps, g_steps},
      {ParamId::kBatchSize, batch_size},
  };
  for (const auto& [id, value] : fields) {
    if (auto s = validate_param(param_spec(id), {value, ""}); !s) {
      return Error{"toy gan: " + s.error()};
    }
  }
  if (noise != ToyNoise::kUniform && noise != ToyNoise::kGaussian) {
    return Error{"toy gan: noise is not a known value, got " +
                 std::to_string(static_cast<int>(noise))};
  }
  return {};
}

// ---- ToyGan ---------------------------------------------------------------------------------

namespace {

torch::Tensor draw_noise(const ToyGanConfig& c, std::mt19937_64& rng, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n * c.noise_dim));
  if (c.noise == ToyNoise::kUniform) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (float& x : v) x = u(rng);
  } else {
    std::normal_distribution<float> g(0.0f, 1.0f);
    for (float& x : v) x = g(rng);
  }
  return torch::from_blob(v.data(), {n, c.noise_dim}, torch::kFloat32).clone();
}

torch::Tensor run(nn::Sequential& net, const torch::Tensor& x) { return net->forward(x); }

torch::Tensor run_d(nn::Sequential& d, const torch::Tensor& x) { return d->forward(x).view({-1}); }

}  // namespace

ToyGan::ToyGan(const ToyGanConfig& config, Toy2DDistribution data)
    : config_(config), data_(std::move(data)), state_(std::make_unique<ToyGanState>()) {
  ToyGanState& s = *state_;
  s.rng.seed(config.seed);
  s.g = make_mlp(config.noise_dim, 2, config.hidden_layers_g, config.width_g, config.activation,
                 s.rng);
  s.d = make_mlp(2, 1, config.hidden_layers_d, config.width_d, config.activation, s.rng);
  s.fixed_noise = draw_noise(config, s.rng, kFixedNoise);
  s.opt_g = make_optimizer(config.opt_g, s.g->parameters(), config.lr_g);
  s.opt_d = make_optimizer(config.opt_d, s.d->parameters(), config.lr_d);
}

ToyGan::~ToyGan() = default;

Result<std::unique_ptr<ToyGan>> ToyGan::create(const ToyGanConfig& config, Toy2DDistribution data) {
  Status st = config.validate();
  if (!st.ok()) return Error{st.error()};
  std::unique_ptr<ToyGan> gan(new ToyGan(config, std::move(data)));
  return Result<std::unique_ptr<ToyGan>>(std::move(gan));
}

ToyStepResult ToyGan::d_step() {
  ToyGanState& s = *state_;
  const int64_t b = config_.batch_size;
  torch::Tensor real = points_to_tensor(data_.sample(config_.batch_size, s.rng));
  torch::Tensor z = draw_noise(config_, s.rng, b);
  torch::Tensor fake;
  {
    torch::NoGradGuard no_grad;
    fake = run(s.g, z);
  }
  s.opt_d->zero_grad();
  torch::Tensor lr = run_d(s.d, real);
  torch::Tensor lf = run_d(s.d, fake);
  torch::Tensor loss = d_loss(config_.loss, lr, lf);
  if (config_.loss == ToyLoss::kWganGp && config_.gp_lambda > 0.0) {
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> e(static_cast<size_t>(b));
    for (float& x : e) x = u(s.rng);
    torch::Tensor eps = torch::from_blob(e.data(), {b, 1}, torch::kFloat32).clone();
    torch::Tensor xh = (eps * real + (1.0 - eps) * fake).detach().requires_grad_(true);
    torch::Tensor sh = run_d(s.d, xh);
    torch::Tensor grad = torch::autograd::grad({sh.sum()}, {xh}, {}, /*retain_graph=*/true,
                                               /*create_graph=*/true)[0];
    torch::Tensor norm = (grad.pow(2).sum(1) + 1e-12).sqrt();
    loss = loss + config_.gp_lambda * (norm - 1.0).pow(2).mean();
  }
  loss.backward();
  d_grads_.clear();
  append_grad_norms(*s.d, "D", d_grads_);
  s.opt_d->step();
  ++d_updates_;
  ToyStepResult r;
  r.loss_d = loss.item<float>();
  torch::NoGradGuard no_grad;
  r.loss_g = g_loss_per_sample(config_.loss, lf.detach()).mean().item<float>();
  r.d_real = shown(config_.loss, lr.detach()).mean().item<float>();
  r.d_fake = shown(config_.loss, lf.detach()).mean().item<float>();
  return r;
}

ToyStepResult ToyGan::g_step() {
  ToyGanState& s = *state_;
  torch::Tensor z = draw_noise(config_, s.rng, config_.batch_size);
  s.opt_g->zero_grad();
  torch::Tensor fake = run(s.g, z);
  torch::Tensor lf = run_d(s.d, fake);
  torch::Tensor loss = g_loss_per_sample(config_.loss, lf).mean();
  loss.backward();
  g_grads_.clear();
  append_grad_norms(*s.g, "G", g_grads_);
  s.opt_g->step();
  s.opt_d->zero_grad();  // D's parameters got gradients too; leave them clean
  ++g_updates_;
  ToyStepResult r;
  r.loss_d = kNaN;
  r.d_real = kNaN;
  r.loss_g = loss.item<float>();
  r.d_fake = shown(config_.loss, lf.detach()).mean().item<float>();
  return r;
}

ToyStepResult ToyGan::iteration() {
  ToyStepResult d{}, g{};
  for (int i = 0; i < config_.d_steps; ++i) d = d_step();
  for (int i = 0; i < config_.g_steps; ++i) g = g_step();
  ++steps_;
  return {d.loss_d, g.loss_g, d.d_real, g.d_fake};
}

void ToyGan::set_live(double lr_g, double lr_d, double gp_lambda) {
  for (auto& group : state_->opt_g->param_groups()) group.options().set_lr(lr_g);
  for (auto& group : state_->opt_d->param_groups()) group.options().set_lr(lr_d);
  config_.lr_g = lr_g;
  config_.lr_d = lr_d;
  config_.gp_lambda = gp_lambda;
}

std::string ToyGan::first_non_finite_parameter() const {
  std::string out;
  for (const auto& [prefix, net] : {std::make_pair("G", state_->g.ptr()), std::make_pair("D", state_->d.ptr())}) {
    for (const auto& p : net->named_parameters()) {
      if (torch::isfinite(p.value()).all().item<bool>()) continue;
      out += (out.empty() ? "" : ", ") + std::string(prefix) + " " + p.key();
      break;  // the first of each network
    }
  }
  return out;
}

std::string ToyGan::save_state() const {
  const ToyGanState& s = *state_;
  StateWriter w;
  save_module(w, "g", *s.g);
  save_module(w, "d", *s.d);
  save_optimizer(w, "opt_g", *s.opt_g);
  save_optimizer(w, "opt_d", *s.opt_d);
  std::ostringstream rng;
  rng << s.rng;
  w.write_bytes("rng", rng.str());
  w.write("fixed_noise", s.fixed_noise);
  w.write("counters", torch::tensor({steps_, d_updates_, g_updates_}, torch::kInt64));
  return encode_tensor_file(w.file());
}

Status ToyGan::load_state(const std::string& bytes) {
  auto file = decode_tensor_file(bytes, "2D GAN state");
  if (!file) return Error{file.error()};
  // Load into a fresh twin first, so a failure leaves this one as it was.
  ToyGan twin(config_, data_);
  ToyGanState& t = *twin.state_;
  try {
    StateReader r(*file, torch::kCPU);
    load_module(r, "g", *t.g);
    load_module(r, "d", *t.d);
    load_optimizer(r, "opt_g", *t.opt_g);
    load_optimizer(r, "opt_d", *t.opt_d);
    r.read_into("fixed_noise", t.fixed_noise);
    const torch::Tensor counters = r.read("counters", torch::kInt64, {3});
    std::istringstream rs(r.read_bytes("rng"));
    rs >> t.rng;
    r.check_all_read();
    if (!rs) return Error{"2D GAN state: its random generator state is damaged"};
    auto c = counters.accessor<int64_t, 1>();
    if (c[0] < 0 || c[1] < 0 || c[2] < 0) return Error{"2D GAN state: negative counters"};
    twin.steps_ = c[0], twin.d_updates_ = c[1], twin.g_updates_ = c[2];
  } catch (const std::exception& e) {
    return Error{std::string("2D GAN state does not fit this configuration: ") +
                 first_line(e.what())};
  }
  std::swap(state_, twin.state_);
  steps_ = twin.steps_, d_updates_ = twin.d_updates_, g_updates_ = twin.g_updates_;
  return {};
}

void ToyGan::set_schedule(int d_steps, int g_steps, int batch_size) {
  const auto in_range = [](ParamId id, int v) {
    const ParamSpec& spec = param_spec(id);
    return std::clamp(v, static_cast<int>(spec.min_value), static_cast<int>(spec.max_value));
  };
  config_.d_steps = in_range(ParamId::kDSteps, d_steps);
  config_.g_steps = in_range(ParamId::kGSteps, g_steps);
  config_.batch_size = in_range(ParamId::kBatchSize, batch_size);
}

std::vector<Point2> ToyGan::generate(int n, uint64_t seed) {
  if (n <= 0) return {};
  std::mt19937_64 rng(seed);
  torch::Tensor z = draw_noise(config_, rng, n);
  torch::NoGradGuard no_grad;
  return tensor_to_points(run(state_->g, z));
}

void ToyGan::layer_histograms(int bins, std::vector<LayerHistogram>& out) {
  torch::NoGradGuard no_grad;
  ToyGanState& s = *state_;
  append_weight_histograms(*s.g, "G", bins, out);
  append_activation_histograms(s.g, s.fixed_noise, "G ", bins, out);
  append_weight_histograms(*s.d, "D", bins, out);
  append_activation_histograms(s.d, run(s.g, s.fixed_noise), "D ", bins, out);
}

std::vector<Point2> ToyGan::generate_fixed() {
  torch::NoGradGuard no_grad;
  return tensor_to_points(run(state_->g, state_->fixed_noise));
}

std::vector<float> ToyGan::discriminator_grid(const Box2& box, int cols, int rows) {
  if (cols < 1 || rows < 1) return {};
  std::vector<Point2> pts;
  pts.reserve(static_cast<size_t>(cols) * rows);
  const float dx = (box.max_x - box.min_x) / static_cast<float>(cols);
  const float dy = (box.max_y - box.min_y) / static_cast<float>(rows);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      pts.push_back({box.min_x + (static_cast<float>(c) + 0.5f) * dx,
                     box.min_y + (static_cast<float>(r) + 0.5f) * dy});
    }
  }
  torch::NoGradGuard no_grad;
  torch::Tensor l = run_d(state_->d, points_to_tensor(pts));
  return tensor_to_floats(shown(config_.loss, l));
}

std::vector<Point2> ToyGan::generator_gradients(int n) {
  n = std::max(0, std::min(n, kFixedNoise));
  if (n == 0) return {};
  torch::Tensor x;
  {
    torch::NoGradGuard no_grad;
    x = run(state_->g, state_->fixed_noise.slice(0, 0, n));
  }
  x = x.detach().requires_grad_(true);
  torch::Tensor ell = g_loss_per_sample(config_.loss, run_d(state_->d, x));
  torch::Tensor grad = torch::autograd::grad({ell.sum()}, {x})[0];
  return tensor_to_points(-grad);
}

std::vector<Point2> ToyGan::manifold(int resolution) {
  if (resolution < 1) return {};
  const float range = config_.noise == ToyNoise::kUniform ? 1.0f : 2.0f;
  std::vector<float> vals(static_cast<size_t>(resolution));
  for (int i = 0; i < resolution; ++i) {
    vals[i] = resolution == 1 ? 0.0f
                              : -range + 2.0f * range * static_cast<float>(i) /
                                             static_cast<float>(resolution - 1);
  }
  const int dim = config_.noise_dim;
  const int64_t count = dim == 1 ? resolution : int64_t(resolution) * resolution;
  torch::Tensor z = torch::zeros({count, dim}, torch::kFloat32);
  auto a = z.accessor<float, 2>();
  for (int64_t k = 0; k < count; ++k) {
    a[k][0] = vals[static_cast<size_t>(k % resolution)];
    if (dim >= 2) a[k][1] = vals[static_cast<size_t>(k / resolution)];
  }
  torch::NoGradGuard no_grad;
  return tensor_to_points(run(state_->g, z));
}

void ToyGan::set_linear_discriminator(float a, float b, float c) {
  ToyGanState& s = *state_;
  nn::Linear lin(2, 1);
  {
    torch::NoGradGuard no_grad;
    lin->weight.copy_(torch::tensor({{a, b}}, torch::kFloat32));
    lin->bias.fill_(c);
  }
  s.d = nn::Sequential(lin);
  config_.hidden_layers_d = 0;
  s.opt_d = make_optimizer(config_.opt_d, s.d->parameters(), config_.lr_d);
}

std::vector<float> ToyGan::parameters(bool generator) const {
  std::vector<float> out;
  for (const torch::Tensor& p : (generator ? state_->g : state_->d)->parameters()) {
    std::vector<float> v = tensor_to_floats(p);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::vector<float> ToyGan::optimizer_state(bool generator) const {
  const ToyGanState& s = *state_;
  const torch::optim::Optimizer& opt = generator ? *s.opt_g : *s.opt_d;
  const ToyOptimizer kind = generator ? config_.opt_g : config_.opt_d;
  std::vector<float> out;
  auto append = [&](const torch::Tensor& t) {
    if (!t.defined()) return;
    std::vector<float> v = tensor_to_floats(t);
    out.insert(out.end(), v.begin(), v.end());
  };
  for (const torch::Tensor& p : (generator ? s.g : s.d)->parameters()) {
    auto it = opt.state().find(c10::guts::to_string(p.unsafeGetTensorImpl()));
    if (it == opt.state().end()) continue;
    const torch::optim::OptimizerParamState& st = *it->second;
    switch (kind) {
      case ToyOptimizer::kSgd:
      case ToyOptimizer::kMomentum:
        append(static_cast<const torch::optim::SGDParamState&>(st).momentum_buffer());
        break;
      case ToyOptimizer::kAdam: {
        const auto& as = static_cast<const torch::optim::AdamParamState&>(st);
        append(as.exp_avg());
        append(as.exp_avg_sq());
        break;
      }
      case ToyOptimizer::kRmsprop:
        append(static_cast<const torch::optim::RMSpropParamState&>(st).square_avg());
        break;
    }
  }
  return out;
}

void ToyGan::reset_optimizers() {
  ToyGanState& s = *state_;
  s.opt_g = make_optimizer(config_.opt_g, s.g->parameters(), config_.lr_g);
  s.opt_d = make_optimizer(config_.opt_d, s.d->parameters(), config_.lr_d);
}

}  // namespace genscope
