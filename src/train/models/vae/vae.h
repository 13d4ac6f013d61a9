#pragma once
// VAE, beta-VAE and plain autoencoder for 28x28 images, convolutional or MLP.
#include "train/models/image/model.h"

namespace genscope {

/// Architecture of the encoder/decoder models. make_vae_model() fills it from the parameter table's
/// values (latent_dim, width), which hold the defaults.
struct VaeConfig {
  bool convolutional = true;
  bool variational = true;  // false: a deterministic autoencoder with no KL term
  int latent_dim = 0;
  int width = 0;
  int channels = 1;
  int image_size = 28;
};

/// Encoder: image -> (mu, logvar), each [N, latent_dim].
struct VaeEncoderImpl : torch::nn::Module {
  explicit VaeEncoderImpl(const VaeConfig& c);
  std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor x);
  torch::nn::Sequential body{nullptr};
  torch::nn::Linear mu{nullptr}, logvar{nullptr};
};
TORCH_MODULE(VaeEncoder);

/// Decoder: z -> pixel logits [N, C, H, W].
struct VaeDecoderImpl : torch::nn::Module {
  explicit VaeDecoderImpl(const VaeConfig& c);
  torch::Tensor forward(torch::Tensor z);
  torch::nn::Sequential net{nullptr};
  int channels, image_size;
};
TORCH_MODULE(VaeDecoder);

/// The loss terms of one batch, per image (summed over pixels / latent dimensions).
struct VaeLoss {
  torch::Tensor recon;       // scalar
  torch::Tensor kl;          // scalar (zero for an AE)
  torch::Tensor kl_per_dim;  // [latent_dim], mean over the batch; sums to kl
};

/// Encoder + decoder + Adam: the trainable VAE/AE.
class Vae : public Model {
 public:
  Vae(const VaeConfig& config, const Params& params, torch::Device device);

  const MetricSchema& schema() const override { return schema_; }
  StepValues train_step(const BatchFn& next_batch, const Params& params, int64_t step) override;
  void set_live(const Params& params) override;
  torch::Tensor decode(const torch::Tensor& z) override;
  bool has_encoder() const override { return true; }
  torch::Tensor encode(const torch::Tensor& images) override;
  void fill_extras(Snapshot& out) const override;
  int latent_dim() const override { return config_.latent_dim; }
  std::vector<float> kl_per_dim() const override { return kl_per_dim_; }
  std::vector<torch::Tensor> parameters() override;
  std::vector<std::pair<std::string, torch::Tensor>> named_parameters() override;
  GeneratorNet generator_net() override;
  std::vector<LayerGrad> grad_norms() const override { return grads_; }
  void layer_histograms(int bins, std::vector<LayerHistogram>& out) override;
  void save(StateWriter& w) override;
  void load(StateReader& r) override;

  /// Loss terms for a batch in [-1, 1] (reparameterised sample; the mean for an AE).
  VaeLoss loss(const torch::Tensor& images, bool bce);
  /// The KL weight at `step`: beta, ramped up linearly over kl_warmup steps.
  static double kl_weight(const Params& params, int64_t step);
  const VaeConfig& config() const { return config_; }
  torch::optim::Adam& optimizer() { return *opt_; }

 private:
  VaeConfig config_;
  torch::Device device_;
  VaeEncoder encoder_{nullptr};
  VaeDecoder decoder_{nullptr};
  std::unique_ptr<torch::optim::Adam> opt_;
  MetricSchema schema_{"recon", "kl", "elbo", "beta_kl", "lr_scale"};
  double lr_scale_ = 1.0;  // the learning-rate schedule's factor at the last step
  std::vector<float> kl_per_dim_;
  std::vector<LayerGrad> grads_;
  torch::Tensor last_images_;  // the first images of the last batch (activation histograms)
};

}  // namespace genscope
