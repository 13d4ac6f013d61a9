#pragma once
// The torch core of the 2D GAN lab (in the spirit of GAN Lab): a small MLP generator and
// discriminator on a toy 2D distribution, with the losses, optimizers and views GAN Lab shows.
// The boundary is plain data (no torch in this header); everything runs on the CPU.
//
// Networks (width w, h hidden layers, activation act; h = 0 means one Linear):
//   G: z in R^noise_dim -> [Linear(., w_g), act] x h_g -> Linear(., 2)   (no output squashing)
//   D: x in R^2         -> [Linear(., w_d), act] x h_d -> Linear(., 1) = logit/score l(x)
//   act: ReLU, LeakyReLU (slope 0.2), tanh or ELU (alpha 1).
//   Weights and biases start U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (LibTorch's Linear default),
//   drawn from the config's seed, so two ToyGans with the same config and seed are identical
//   and train identically; the global torch RNG is never used.
// Noise: uniform U(-1, 1)^noise_dim or Gaussian N(0, I). Real batches come from the
//   Toy2DDistribution, sampled with a std::mt19937_64 seeded from the config's seed.
//
// Losses, with l = D's raw output, x real, x~ = G(z) fake, sp(t) = softplus(t) = ln(1 + e^t),
// sigma the logistic function, means over the batch:
//   kNonSaturating  D: BCE(l(x), 1) + BCE(l(x~), 0) = mean sp(-l(x)) + mean sp(l(x~))
//                   G: BCE(l(x~), 1) = mean sp(-l(x~))                         = -log D(G(z))
//   kMinimax        D: as kNonSaturating
//                   G: minimises mean log(1 - sigma(l(x~))) = -mean sp(l(x~))  (= -BCE(l(x~), 0))
//   kLeastSquares   LSGAN with a = 0, b = 1, c = 1 on the raw output:
//                   D: 0.5 mean (l(x) - 1)^2 + 0.5 mean l(x~)^2;   G: 0.5 mean (l(x~) - 1)^2
//   kHinge          D: mean relu(1 - l(x)) + mean relu(1 + l(x~));  G: -mean l(x~)
//   kWganGp         critic: mean l(x~) - mean l(x) + gp_lambda * mean (||grad l(x^)|| - 1)^2,
//                   x^ = e x + (1 - e) x~ with e ~ U(0, 1) per pair;        G: -mean l(x~)
// "BCE-type" losses are kNonSaturating and kMinimax: for them D's output is reported as the
// probability sigma(l) in [0, 1]; for the others as the raw score l.
//
// Optimizers (lr from the config, live through set_live):
//   kSgd      plain SGD
//   kMomentum SGD with momentum 0.9 (no Nesterov, no dampening)
//   kAdam     Adam with betas (0.5, 0.999), eps 1e-8: the usual GAN choice (DCGAN) instead of
//             the default beta1 0.9
//   kRmsprop  RMSprop with alpha 0.99, eps 1e-8 (LibTorch defaults)
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/toy2d.h"
#include "core/grad_stats.h"
#include "core/layer_histograms.h"
#include "util/result.h"

namespace genscope {

/// The adversarial loss (formulas in the file comment).
enum class ToyLoss { kNonSaturating, kMinimax, kLeastSquares, kHinge, kWganGp };
/// The optimizer of one network (settings in the file comment).
enum class ToyOptimizer { kSgd, kMomentum, kAdam, kRmsprop };
/// The hidden-layer activation of both networks.
enum class ToyActivation { kRelu, kLeakyRelu, kTanh, kElu };
/// The generator's noise distribution.
enum class ToyNoise { kUniform, kGaussian };

/// Short lower-case names ("non_saturating", "adam", "relu", "gaussian", ...), for messages/UI.
const char* toy_loss_name(ToyLoss loss);
const char* toy_optimizer_name(ToyOptimizer opt);
const char* toy_activation_name(ToyActivation act);
const char* toy_noise_name(ToyNoise noise);
/// True for the losses whose D output is shown as a probability (kNonSaturating, kMinimax).
bool toy_loss_is_bce(ToyLoss loss);

/// Everything that defines one 2D GAN. It holds no defaults and no ranges of its own: the
/// parameter table has both (toy_config() and toy_default_config() in train/models/toy/toy_lab.h build one
/// from it, and validate() checks each field against its row, named beside the field); a
/// value-initialised config has zero widths and rates, which validate() rejects.
struct ToyGanConfig {
  int hidden_layers_g = 0, hidden_layers_d = 0;  // layers_g, layers_d
  int width_g = 0, width_d = 0;                  // width_g, width_d
  ToyActivation activation = ToyActivation::kRelu;  // activation
  int noise_dim = 0;                                // noise_dim
  ToyNoise noise = ToyNoise::kGaussian;             // noise
  ToyLoss loss = ToyLoss::kNonSaturating;           // loss
  double gp_lambda = 0.0;  // gp_lambda: WGAN-GP penalty weight (live)
  ToyOptimizer opt_g = ToyOptimizer::kAdam, opt_d = ToyOptimizer::kAdam;  // optimizer_g, _d
  double lr_g = 0.0, lr_d = 0.0;  // lr_g, lr_d; live: set_live keeps the optimizer state
  int d_steps = 0, g_steps = 0;   // d_steps, g_steps: updates per iteration()
  int batch_size = 0;             // batch_size
  uint64_t seed = 1;              // seed

  /// Checks each field against its table row; the error names the row's key, the value and the
  /// range, e.g. "toy gan: width_g: 0 is outside the range [1, 512]".
  Status validate() const;
};

/// Scalars from one update (or one iteration). d_real / d_fake are the batch means of D's output:
/// sigma(l) for BCE-type losses, the raw l otherwise. A field the call did not measure is NaN
/// (g_step() measures no real batch: loss_d and d_real are NaN).
struct ToyStepResult {
  float loss_d = 0.f;  // D's loss before the update (WGAN-GP: including the penalty)
  float loss_g = 0.f;  // G's loss before the update (d_step(): on its fake batch, before D moves)
  float d_real = 0.f;  // mean D output on the real batch
  float d_fake = 0.f;  // mean D output on the fake batch
};

class ToyGanState;  // the torch side, private to toy_gan.cpp

/// A 2D GAN being trained: see the file comment for the networks, losses and optimizers.
class ToyGan {
 public:
  /// Number of fixed noise vectors behind generate_fixed() and generator_gradients().
  static constexpr int kFixedNoise = 1024;

  /// Builds the networks and optimizers; errors are config.validate()'s.
  static Result<std::unique_ptr<ToyGan>> create(const ToyGanConfig& config,
                                                Toy2DDistribution data);
  ~ToyGan();
  ToyGan(const ToyGan&) = delete;
  ToyGan& operator=(const ToyGan&) = delete;

  /// One D update on a fresh real batch and a fresh fake batch (G frozen).
  ToyStepResult d_step();
  /// One G update on a fresh fake batch (D frozen). loss_d and d_real are NaN.
  ToyStepResult g_step();
  /// d_steps D updates then g_steps G updates; loss_d/d_real from the last D update,
  /// loss_g/d_fake from the last G update. Counts as one step().
  ToyStepResult iteration();

  /// Sets the learning rates and the WGAN-GP weight in place: the optimizers (and their moments,
  /// momentum buffers and step counts) are kept; only the param groups' lr changes.
  void set_live(double lr_g, double lr_d, double gp_lambda);

  /// Sets D steps, G steps and the batch size used from the next update (out-of-range values are
  /// clamped into the table's ranges).
  void set_schedule(int d_steps, int g_steps, int batch_size);

  /// G applied to n fresh noise vectors drawn from a generator seeded with `seed` (the training
  /// RNG is not touched, so evaluating never changes what training does).
  std::vector<Point2> generate(int n, uint64_t seed);
  /// G applied to the kFixedNoise fixed noise vectors drawn once at creation from the seed.
  std::vector<Point2> generate_fixed();
  /// D's output at the centres of a cols x rows grid of equal cells over `box`, row-major, row 0
  /// at box.min_y and column 0 at box.min_x: cell (c, r) is sampled at
  /// (min_x + (c + 0.5) (max_x - min_x) / cols, min_y + (r + 0.5) (max_y - min_y) / rows).
  /// Probabilities sigma(l) in [0, 1] for BCE-type losses, raw scores l otherwise.
  /// Empty when cols or rows < 1.
  std::vector<float> discriminator_grid(const Box2& box, int cols, int rows);
  /// For the first n (clamped to [0, kFixedNoise]) fixed samples x_i = G(z_i): -d ell / d x_i,
  /// where ell is the per-sample generator loss (the G loss of the file comment without the
  /// batch mean: sp(-l(x)), -sp(l(x)), 0.5 (l(x) - 1)^2, or -l(x)). The direction the G loss
  /// pushes each generated point (GAN Lab's arrows), independent of the batch size.
  std::vector<Point2> generator_gradients(int n);
  /// G applied to a regular grid of noise, the generator's manifold. The grid spans [-1, 1] per
  /// dimension for uniform noise, [-2, 2] for Gaussian noise, with `resolution` evenly spaced
  /// values including both ends (one value, 0, when resolution is 1). noise_dim 1: a line of
  /// `resolution` points; noise_dim >= 2: resolution x resolution points, row-major with the
  /// first noise dim varying fastest, the other dims 0. Empty when resolution < 1.
  std::vector<Point2> manifold(int resolution);

  /// Weight-gradient norm per layer after the last G and D updates ("G 0", ..., "D 4").
  std::vector<LayerGrad> grad_norms() const {
    std::vector<LayerGrad> out = g_grads_;
    out.insert(out.end(), d_grads_.begin(), d_grads_.end());
    return out;
  }

  /// The first parameter holding a NaN or infinity in each network ("G 2.weight, D 0.bias"), or
  /// "" when all are finite.
  std::string first_non_finite_parameter() const;

  /// Weight histograms of G and D, and activation histograms of G on the fixed noise and of D
  /// on G's fixed-noise points.
  void layer_histograms(int bins, std::vector<LayerHistogram>& out);

  /// Everything needed to continue training exactly: both networks, both optimizers' state, the
  /// training RNG, the fixed noise and the counters, as opaque bytes.
  std::string save_state() const;
  /// Restores save_state()'s bytes into a ToyGan of the same config; errors (a different
  /// architecture, damaged bytes) leave it unchanged.
  Status load_state(const std::string& bytes);

  /// Completed iteration() calls.
  int64_t steps() const { return steps_; }
  /// D / G updates made so far (by iteration(), d_step() and g_step()).
  int64_t d_updates() const { return d_updates_; }
  int64_t g_updates() const { return g_updates_; }
  /// The config, including the live values last set.
  const ToyGanConfig& config() const { return config_; }
  /// The data distribution.
  const Toy2DDistribution& data() const { return data_; }

  // ---- Test hooks -------------------------------------------------------------------------
  /// Replaces D by the single Linear l(x, y) = a x + b y + c (hidden_layers_d becomes 0) and gives
  /// it a fresh optimizer, so heatmap and gradient checks can be analytic.
  void set_linear_discriminator(float a, float b, float c);
  /// All parameters of D (or G), flattened in parameter order.
  std::vector<float> parameters(bool generator) const;
  /// The optimizer state of D (or G), flattened in parameter order: Adam exp_avg then exp_avg_sq
  /// per parameter, momentum buffers, RMSprop square_avg; empty for plain SGD or before a step.
  std::vector<float> optimizer_state(bool generator) const;
  /// Discards both optimizers' state (what set_live avoids): fresh optimizers at the current lr.
  void reset_optimizers();

 private:
  ToyGan(const ToyGanConfig& config, Toy2DDistribution data);
  ToyGanConfig config_;
  Toy2DDistribution data_;
  std::unique_ptr<ToyGanState> state_;
  int64_t steps_ = 0, d_updates_ = 0, g_updates_ = 0;
  std::vector<LayerGrad> g_grads_, d_grads_;
};

}  // namespace genscope
