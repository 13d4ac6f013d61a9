#include "train/models/toy/toy_lab.h"

#include <cmath>
#include <limits>
#include <random>

#include "core/mode_metrics.h"
#include "util/strings.h"
#include "util/unique_version.h"

namespace genscope {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
// Noise-grid points per side of the manifold mesh (2D noise) or along its line (1D noise).
constexpr int kManifoldRes2D = 25;
constexpr int kManifoldRes1D = 200;

}  // namespace

const MetricSchema& toy_metric_schema() {
  static const MetricSchema names{"loss_d",        "loss_g",     "d_real", "d_fake",
                                  "modes_covered", "hq_percent", "kl",     "js"};
  return names;
}

ToyGanConfig toy_config(const Params& p) {
  ToyGanConfig c;
  c.hidden_layers_g = p.integer(ParamId::kLayersG);
  c.hidden_layers_d = p.integer(ParamId::kLayersD);
  c.width_g = p.integer(ParamId::kWidthG);
  c.width_d = p.integer(ParamId::kWidthD);
  c.activation = static_cast<ToyActivation>(p.integer(ParamId::kActivation));
  c.noise_dim = p.integer(ParamId::kNoiseDim);
  c.noise = p.choice(ParamId::kNoise) == "uniform" ? ToyNoise::kUniform : ToyNoise::kGaussian;
  c.loss = static_cast<ToyLoss>(p.integer(ParamId::kLoss));
  c.gp_lambda = p.number(ParamId::kGpLambda);
  c.opt_g = static_cast<ToyOptimizer>(p.integer(ParamId::kOptimizerG));
  c.opt_d = static_cast<ToyOptimizer>(p.integer(ParamId::kOptimizerD));
  c.lr_g = p.number(ParamId::kLrG);
  c.lr_d = p.number(ParamId::kLrD);
  c.d_steps = p.integer(ParamId::kDSteps);
  c.g_steps = p.integer(ParamId::kGSteps);
  c.batch_size = p.integer(ParamId::kBatchSize);
  c.seed = static_cast<uint64_t>(p.integer(ParamId::kSeed));
  return c;
}

ToyGanConfig toy_default_config() {
  Params p;
  p.set(ParamId::kDataset, {0.0, "ring8"});
  return toy_config(p);
}

Result<std::unique_ptr<ToyLab>> ToyLab::create(const Params& params,
                                               std::vector<Point2> custom_points) {
  const std::string name(trim(params.text(ParamId::kDataset)));
  auto kind = parse_toy2d(name);
  if (!kind) return Error{"dataset '" + name + "' is not a 2D distribution"};
  if (*kind == Toy2DKind::kCustom && custom_points.empty()) {
    return Error{"dataset custom: no painted points yet (turn on Paint in the 2D panel, drag in "
                 "the plot, then Apply)"};
  }
  auto dist = Toy2DDistribution::make(*kind, std::move(custom_points));
  if (!dist) return Error{"dataset " + name + ": " + dist.error()};
  auto gan = ToyGan::create(toy_config(params), *dist);
  if (!gan) return Error{gan.error()};
  std::unique_ptr<ToyLab> lab(new ToyLab());
  lab->gan_ = std::move(*gan);
  lab->seed_ = static_cast<uint64_t>(params.integer(ParamId::kSeed));
  const Toy2DDistribution& d = lab->gan_->data();
  lab->visible_ = d.view_box();
  std::mt19937_64 rng(lab->seed_ * 0x9E3779B97F4A7C15ull + 17);
  lab->eval_real_ = d.sample(kToyEvalSamples, rng);
  ToyView& v = lab->view_;
  v.active = true;
  v.dataset = d.name();
  v.definition = toy2d_spec(d.kind()).definition;
  v.data_box = d.view_box();
  v.real = d.sample(kToyViewPoints, rng);
  v.centers = d.mode_centers();
  v.mode_sigma = d.mode_sigma();
  v.modes_total = static_cast<int>(v.centers.size());
  const ToyGanConfig& c = lab->gan_->config();
  v.noise_dim = c.noise_dim;
  v.noise_uniform = c.noise == ToyNoise::kUniform;
  v.heat_is_probability = toy_loss_is_bce(c.loss);
  v.loss_name = toy_loss_name(c.loss);
  v.optimizer_g = toy_optimizer_name(c.opt_g);
  v.optimizer_d = toy_optimizer_name(c.opt_d);
  lab->evaluate(0);
  return lab;
}

ToyStepResult ToyLab::iteration() { return gan_->iteration(); }

ToyStepResult ToyLab::d_update() {
  ToyStepResult r = gan_->d_step();
  const bool prob = toy_loss_is_bce(gan_->config().loss);
  set_caption(ToyPhase::kDiscriminator,
              strformat("D update #%lld: D saw a batch of %d real points and %d generated ones "
                        "(G held still) and took one %s step on its loss (%.3f): its score rose on "
                        "the real points and fell on the generated ones, so the heatmap's boundary "
                        "moved. Mean %s on real %.2f, on generated %.2f.",
                        static_cast<long long>(gan_->d_updates()), gan_->config().batch_size,
                        gan_->config().batch_size, toy_optimizer_name(gan_->config().opt_d),
                        r.loss_d, prob ? "D(x)" : "score", r.d_real, r.d_fake));
  return r;
}

ToyStepResult ToyLab::g_update() {
  ToyStepResult r = gan_->g_step();
  set_caption(ToyPhase::kGenerator,
              strformat("G update #%lld: D held still; G took one %s step on its loss (%.3f), "
                        "moving its points along the arrows (minus the gradient of the G loss) "
                        "toward where D scores points as real. Mean %s on generated %.2f.",
                        static_cast<long long>(gan_->g_updates()),
                        toy_optimizer_name(gan_->config().opt_g), r.loss_g,
                        toy_loss_is_bce(gan_->config().loss) ? "D(G(z))" : "score", r.d_fake));
  return r;
}

void ToyLab::set_live(const Params& p) {
  gan_->set_live(p.number(ParamId::kLrG), p.number(ParamId::kLrD), p.number(ParamId::kGpLambda));
  gan_->set_schedule(p.integer(ParamId::kDSteps), p.integer(ParamId::kGSteps),
                     p.integer(ParamId::kBatchSize));
}

void ToyLab::evaluate(int64_t step) {
  const std::vector<Point2> fake =
      gan_->generate(kToyEvalSamples, seed_ * 1000003ull + static_cast<uint64_t>(step) + 1);
  ToyView& v = view_;
  v.metrics_step = step;
  v.eval_samples = kToyEvalSamples;
  if (!v.centers.empty()) {
    ModeStats m = mode_coverage(fake, gan_->data());
    v.modes_covered = m.modes_covered;
    v.hq_percent = m.hq_percent;
    v.mode_share = m.per_mode_share;
  }
  auto div = histogram_divergence(eval_real_, fake, gan_->data().view_box());
  v.kl = div ? div->kl : kNaN;
  v.js = div ? div->js : kNaN;
}

std::vector<double> ToyLab::metrics_state() const {
  std::vector<double> s{static_cast<double>(view_.metrics_step), double(view_.modes_covered),
                        view_.hq_percent, view_.kl, view_.js};
  s.insert(s.end(), view_.mode_share.begin(), view_.mode_share.end());
  return s;
}

void ToyLab::set_metrics_state(const std::vector<double>& s) {
  // From a checkpoint: numbers out of their range (an edited file) are not taken.
  const size_t modes = view_.centers.size();
  if (s.size() != 5 + modes && s.size() != 5) return;
  const auto count = [](double v, double hi) { return std::isfinite(v) && v >= 0 && v <= hi; };
  if (!count(s[0], 1e15) || !count(s[1], double(modes))) return;
  view_.metrics_step = static_cast<int64_t>(s[0]);
  view_.modes_covered = static_cast<int>(s[1]);
  view_.hq_percent = s[2];
  view_.kl = s[3];
  view_.js = s[4];
  view_.mode_share.assign(s.begin() + 5, s.end());
}

void ToyLab::fill_values(const ToyStepResult& r, MetricRow& row) const {
  row.count = 8;
  row.values = {r.loss_d, r.loss_g, r.d_real, r.d_fake,
                view_.centers.empty() ? kNaN : static_cast<float>(view_.modes_covered),
                view_.centers.empty() ? kNaN : static_cast<float>(view_.hq_percent),
                static_cast<float>(view_.kl), static_cast<float>(view_.js)};
}

void ToyLab::set_visible_box(const Box2& box) {
  if (box.valid()) visible_ = box;
}

void ToyLab::set_caption(ToyPhase phase, std::string text) {
  view_.phase = phase;
  view_.caption = std::move(text);
}

void ToyLab::refresh_images() {
  ToyView& v = view_;
  v.fake = gan_->generate_fixed();
  v.arrows = gan_->generator_gradients(kToyViewPoints);
  v.heat_box = visible_;
  v.heat_cols = v.heat_rows = kToyHeatCells;
  v.heat = gan_->discriminator_grid(visible_, kToyHeatCells, kToyHeatCells);
  if (v.heat_is_probability) {
    v.heat_lo = 0.0f, v.heat_hi = 1.0f;
  } else {
    toy_heat_range(v.heat, v.heat_lo, v.heat_hi);
  }
  v.heat_version = next_unique_version();
  v.manifold_res = v.noise_dim == 1 ? kManifoldRes1D : kManifoldRes2D;
  v.manifold = gan_->manifold(v.manifold_res);
  v.version = next_unique_version();
}

void ToyLab::fill_view(ToyView& out, bool with_images) {
  view_.d_updates = gan_->d_updates();
  view_.g_updates = gan_->g_updates();
  if (with_images || view_.version == 0) refresh_images();
  out = view_;
}

}  // namespace genscope
