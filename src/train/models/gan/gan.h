#pragma once
// GANs for images: a DCGAN and an MLP GAN trained with Adam and one of five losses
// (non-saturating, minimax, least squares, hinge, WGAN-GP), optionally with an R1 penalty,
// spectral normalisation of D, an exponential moving average of G and a learning-rate schedule.
#include "train/models/image/model.h"

namespace genscope {

/// Architecture choices shared by the GAN families. make_gan_model() fills it from the parameter
/// table's values (latent_dim, width), which hold the defaults.
struct GanConfig {
  bool convolutional = true;  // DCGAN when true, MLP GAN otherwise
  int latent_dim = 0;
  int width = 0;  // DCGAN base channels; MLP hidden sizes scale with width / 32
  int channels = 1;
  int image_size = 28;
  int loss = 0;                // the loss parameter's index: GanLoss
  bool spectral_norm = false;  // D's layers spectrally normalised
  /// D has batch norm unless spectrally normalised or a WGAN-GP critic (its penalty is per image).
  bool d_batch_norm() const;
};

/// The loss parameter's choices, in its order.
enum GanLoss { kNonSaturating = 0, kMinimax, kLeastSquares, kHinge, kWganGp };

/// A convolution or linear layer whose weight is divided by its largest singular value at each
/// forward pass, estimated by one power iteration (in training mode) as in PyTorch's
/// torch.nn.utils.spectral_norm. The layer is the submodule "module"; u and v are buffers.
struct SpectralNormImpl : torch::nn::Module {
  SpectralNormImpl(torch::nn::Conv2d conv, int stride, int padding);
  explicit SpectralNormImpl(torch::nn::Linear linear);
  torch::Tensor forward(const torch::Tensor& x);
  /// The current estimate of the weight's largest singular value.
  torch::Tensor sigma();
  torch::nn::Conv2d conv{nullptr};
  torch::nn::Linear linear{nullptr};
  int stride = 1, padding = 0;
  torch::Tensor u, v;

 private:
  torch::Tensor weight() const { return conv ? conv->weight : linear->weight; }
  void init_vectors();
};
TORCH_MODULE(SpectralNorm);

/// DCGAN generator: z -> 4x4, then one doubling per block to image_size (28: 4 -> 7 -> 14 -> 28;
/// otherwise a power of two from 16), tanh output.
struct DcganGeneratorImpl : torch::nn::Module {
  explicit DcganGeneratorImpl(const GanConfig& c);
  torch::Tensor forward(torch::Tensor z);
  torch::nn::Sequential net{nullptr};
  int latent_dim;
};
TORCH_MODULE(DcganGenerator);

/// DCGAN discriminator: halvings down to 4x4 (28: 28 -> 14 -> 7 -> 3) -> one logit per image.
struct DcganDiscriminatorImpl : torch::nn::Module {
  explicit DcganDiscriminatorImpl(const GanConfig& c);
  torch::Tensor forward(torch::Tensor x);
  torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(DcganDiscriminator);

/// MLP generator: z -> 256s -> 512s -> image, LeakyReLU, tanh output.
struct MlpGeneratorImpl : torch::nn::Module {
  explicit MlpGeneratorImpl(const GanConfig& c);
  torch::Tensor forward(torch::Tensor z);
  torch::nn::Sequential net{nullptr};
  int channels, image_size;
};
TORCH_MODULE(MlpGenerator);

/// MLP discriminator: image -> 512s -> 256s -> one logit.
struct MlpDiscriminatorImpl : torch::nn::Module {
  explicit MlpDiscriminatorImpl(const GanConfig& c);
  torch::Tensor forward(torch::Tensor x);
  torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(MlpDiscriminator);

/// Optimizer settings that apply live (between two steps) without touching Adam's moments.
/// Gan::optim_settings() reads them from the parameter table's values (lr_g, lr_d, beta1, beta2,
/// label_smoothing), which hold the defaults.
struct GanOptimSettings {
  double lr_g = 0.0, lr_d = 0.0, beta1 = 0.0, beta2 = 0.0;
  double label_smoothing = 0.0;
  double gp_lambda = 10.0;  // WGAN-GP's penalty weight
  double r1_gamma = 0.0;    // R1 penalty weight (0: off)
  double ema_decay = 0.0;   // G's moving average (0: off)
  bool ema_samples = true;  // generate from the average when there is one
  std::string lr_schedule = "constant";
  int64_t lr_schedule_steps = 1;
};

/// Scalars from one D update.
struct DStepResult {
  float loss = 0.f;
  torch::Tensor real_scores;  // sigmoid(D(x)), [B]
  torch::Tensor fake_scores;  // sigmoid(D(G(z))), [B]
};

/// A generator and discriminator with their optimizers: the trainable unit of a GAN experiment.
class Gan : public Model {
 public:
  Gan(const GanConfig& config, const GanOptimSettings& optim, torch::Device device);

  const MetricSchema& schema() const override { return schema_; }
  /// d_steps D updates and one G update (through the last D step's fakes).
  StepValues train_step(const BatchFn& next_batch, const Params& params, int64_t step) override;
  void set_live(const Params& params) override;
  torch::Tensor decode(const torch::Tensor& z) override { return generate(z); }
  void fill_extras(Snapshot& out) const override;
  int latent_dim() const override { return config_.latent_dim; }
  std::vector<torch::Tensor> parameters() override;
  std::vector<std::pair<std::string, torch::Tensor>> named_parameters() override;
  std::vector<LayerGrad> grad_norms() const override;
  GeneratorNet generator_net() override;
  void layer_histograms(int bins, std::vector<LayerHistogram>& out) override;
  void save(StateWriter& w) override;
  void load(StateReader& r) override;
  /// The live optimizer settings a parameter set describes.
  static GanOptimSettings optim_settings(const Params& params);

  /// One D update on a real batch (in [-1,1]) and a fake batch; returns loss and scores.
  DStepResult d_step(const torch::Tensor& real, const torch::Tensor& fake);
  /// Fakes from z in training mode; with `grad` the graph is kept for a following g_step.
  torch::Tensor fake(const torch::Tensor& z, bool grad);
  /// One G update (non-saturating loss) through fakes made by fake(z, true); returns the loss.
  float g_step(const torch::Tensor& fake_with_grad);
  /// Generates images in [-1,1] without gradients. Batch norm runs in eval mode, so an image does
  /// not depend on the others in the batch (the explorer decodes one at a time), with statistics
  /// freshly taken from a fixed reference batch (early running averages give flat gray images).
  torch::Tensor generate(const torch::Tensor& z);
  /// Fresh noise of the configured latent size.
  torch::Tensor noise(int64_t n) const;

  /// Applies learning rates (times the schedule's factor), betas, smoothing and the penalty and
  /// average settings; Adam's moment estimates are kept.
  void set_optim(const GanOptimSettings& s);
  /// True while G's moving average exists (g_ema > 0 since it was switched on).
  bool has_ema() const { return ema_module_ != nullptr; }
  /// G's moving average (has_ema() only).
  torch::nn::Module& ema_generator() { return *ema_module_; }
  const GanOptimSettings& optim() const { return optim_; }
  const GanConfig& config() const { return config_; }

  torch::nn::Module& generator() { return *g_module_; }
  torch::nn::Module& discriminator() { return *d_module_; }
  torch::optim::Adam& opt_g() { return *opt_g_; }
  torch::optim::Adam& opt_d() { return *opt_d_; }

 private:
  torch::Tensor run_g(const torch::Tensor& z, bool ema = false);
  void calibrate_batch_norm(bool ema);
  torch::Tensor run_d(const torch::Tensor& x);
  torch::Tensor d_loss(const torch::Tensor& real_logits, const torch::Tensor& fake_logits) const;
  torch::Tensor gradient_penalty(const torch::Tensor& real, const torch::Tensor& fake);
  torch::Tensor r1_penalty(const torch::Tensor& real_in, const torch::Tensor& real_logits);
  void update_ema();
  void build_ema();
  bool use_ema() const { return ema_module_ && optim_.ema_samples; }

  GanConfig config_;
  GanOptimSettings optim_;
  torch::Device device_;
  std::shared_ptr<torch::nn::Module> g_module_, d_module_;
  DcganGenerator dc_g_{nullptr};
  DcganDiscriminator dc_d_{nullptr};
  MlpGenerator mlp_g_{nullptr};
  MlpDiscriminator mlp_d_{nullptr};
  DcganGenerator ema_dc_{nullptr};
  MlpGenerator ema_mlp_{nullptr};
  std::shared_ptr<torch::nn::Module> ema_module_;  // G's moving average, or null
  int64_t ema_updates_ = 0;                         // its updates since it was made
  std::unique_ptr<torch::optim::Adam> opt_g_, opt_d_;
  double lr_scale_ = 1.0;  // the schedule's factor at the last step
  MetricSchema schema_{"loss_d", "loss_g", "d_real", "d_fake", "lr_scale"};
  torch::Tensor reference_noise_;  // batch whose statistics batch norm uses when generating
  std::vector<float> last_real_scores_, last_fake_scores_;
  std::vector<LayerGrad> g_grads_, d_grads_;
  torch::Tensor last_real_;  // the first images of the last real batch (D's activation histograms)
};

}  // namespace genscope
