#pragma once
// Model: what the image family (models/image/image_family.h) needs from an image model (GAN,
// VAE, AE), so batches, snapshots and latent tools work the same for all of them.
#include <array>
#include <functional>
#include <string>

#include "core/layer_histograms.h"
#include "core/params.h"
#include "core/snapshot.h"
#include "train/state_io.h"
#include "train/torch_pch.h"

namespace genscope {

/// Draws the next training batch of n images in [-1, 1].
using BatchFn = std::function<torch::Tensor(int64_t n)>;

/// The scalars one training step produced, in the model's schema order.
struct StepValues {
  int count = 0;
  std::array<float, MetricRow::kMaxValues> values{};
};

/// The network that turns latent codes into images, as decode() runs it (generator_export.h).
struct GeneratorNet {
  torch::nn::Sequential net{nullptr};  // null: the model has nothing to export
  std::string architecture;            // "dcgan-generator", "mlp-generator", "conv-decoder"...
  std::vector<int64_t> input_shape;    // what one code is viewed as before `net` ({latent, 1, 1})
  bool sigmoid_output = false;  // decode() is sigmoid(net) rescaled to [-1, 1] (a VAE's decoder)
};

/// Data-parallel training (train/distributed.h): this rank's place, and what averages a
/// network's gradients over the ranks after each backward pass.
struct DataParallel {
  int rank = 0;
  int world = 1;
  std::function<void(torch::nn::Module&)> average_gradients;  // null: one process
};

/// A trainable generative model with a latent space.
class Model {
 public:
  virtual ~Model() = default;
  /// Trains as one rank of `dp.world`: gradients averaged after every backward pass, and the
  /// random draws of a training step (noise, a VAE's sampling) this rank's slice of the draws
  /// one process would make for the combined batch, so N ranks train as one process would.
  void set_data_parallel(DataParallel dp) { dp_ = std::move(dp); }
  /// Names of the values train_step reports.
  virtual const MetricSchema& schema() const = 0;
  /// One optimisation step; `step` counts steps taken before this one.
  virtual StepValues train_step(const BatchFn& next_batch, const Params& params, int64_t step) = 0;
  /// Applies live parameters (learning rates, betas); optimizer state is kept.
  virtual void set_live(const Params& params) = 0;
  /// Images in [-1, 1] for latent codes z [N, latent_dim], without gradients.
  virtual torch::Tensor decode(const torch::Tensor& z) = 0;
  /// True for models with an encoder (VAE, AE).
  virtual bool has_encoder() const { return false; }
  /// Latent means for images in [-1, 1]; only when has_encoder().
  virtual torch::Tensor encode(const torch::Tensor& images) { return {}; }
  /// Per-family extras for the snapshot (discriminator scores, KL per dimension).
  virtual void fill_extras(Snapshot& out) const = 0;
  /// Mean KL divergence of each latent dimension over the last batch (empty without a KL term).
  virtual std::vector<float> kl_per_dim() const { return {}; }
  virtual int latent_dim() const = 0;
  /// Every parameter, for tests and NaN injection.
  virtual std::vector<torch::Tensor> parameters() = 0;
  /// The weight-gradient norm of every layer after the last update (GANs: G's from its update,
  /// D's from its last update).
  virtual std::vector<LayerGrad> grad_norms() const = 0;
  /// Histograms (`bins` bins) of every weight tensor and of every activation function's output
  /// on a fixed input (GAN: G on fixed noise, D on the last real batch; VAE: the encoder on the
  /// last batch, the decoder on its codes). Changes no weights, optimizer state or random state,
  /// so training goes on the same; a GAN's generator recalibrates its batch-norm statistics on
  /// the fixed noise first, as generate() does every time.
  virtual void layer_histograms(int bins, std::vector<LayerHistogram>& out) = 0;
  /// Every parameter with a readable name ("G net.0.weight", "encoder body.3.bias").
  virtual std::vector<std::pair<std::string, torch::Tensor>> named_parameters() = 0;
  /// The generator, made ready to run in eval mode the way decode() runs it (a GAN's batch norm
  /// statistics calibrated as generate() does), for export_generator().
  virtual GeneratorNet generator_net() = 0;
  /// Writes the networks (parameters and buffers) and the optimizers' state.
  virtual void save(StateWriter& w) = 0;
  /// Reads what save() wrote into networks of the same architecture; throws on a mismatch
  /// (StateReader names the tensor).
  virtual void load(StateReader& r) = 0;

 protected:
  /// N(0, 1) draws of shape {n, dims...}: this rank's rows of the draw for world * n rows.
  torch::Tensor shard_randn(int64_t n, std::vector<int64_t> dims, const torch::TensorOptions& o) const {
    dims.insert(dims.begin(), n * dp_.world);
    torch::Tensor all = torch::randn(dims, o);
    return dp_.world == 1 ? all : all.slice(0, dp_.rank * n, (dp_.rank + 1) * n);
  }
  /// U(0, 1) draws, sharded as shard_randn.
  torch::Tensor shard_rand(int64_t n, std::vector<int64_t> dims, const torch::TensorOptions& o) const {
    dims.insert(dims.begin(), n * dp_.world);
    torch::Tensor all = torch::rand(dims, o);
    return dp_.world == 1 ? all : all.slice(0, dp_.rank * n, (dp_.rank + 1) * n);
  }
  /// After a backward pass: `module`'s gradients, averaged over the ranks.
  void average_gradients(torch::nn::Module& module) const {
    if (dp_.average_gradients) dp_.average_gradients(module);
  }

  DataParallel dp_;
};

/// The learning-rate factor of `schedule` ("constant", "linear", "cosine") after `step` of
/// `steps`: 1 at step 0, falling to 0 at `steps` (linearly or along half a cosine), 0 after.
double lr_factor(const std::string& schedule, int64_t step, int64_t steps);

/// Appends the L2 norm of the gradient of each weight tensor (2 or more dims) of `module`,
/// named prefix + " " + its path without ".weight" ("D net.3"); one device sync for all.
void append_grad_norms(const torch::nn::Module& module, const std::string& prefix,
                       std::vector<LayerGrad>& out);

/// The histogram of `values` (any shape) named `name`.
LayerHistogram tensor_histogram(const torch::Tensor& values, std::string name, bool activation,
                                int bins);
/// Appends the histogram of each weight tensor (2 or more dims) of `module`, named like the
/// gradient norms plus " weight" ("D net.3 weight").
void append_weight_histograms(const torch::nn::Module& module, const std::string& prefix, int bins,
                              std::vector<LayerHistogram>& out);
/// Runs `net` on `input` one module at a time in eval mode (no gradients; the training mode is
/// restored) and appends the histogram of each activation function's output, named `prefix` +
/// the module's index + its type ("G net." -> "G net.2 ReLU").
void append_activation_histograms(torch::nn::Sequential& net, const torch::Tensor& input,
                                  const std::string& prefix, int bins,
                                  std::vector<LayerHistogram>& out);

/// Appends `module`'s parameters named prefix + " " + their path ("G net.0.weight").
void append_named_parameters(std::vector<std::pair<std::string, torch::Tensor>>& out,
                             const std::string& prefix, const torch::nn::Module& module);

}  // namespace genscope
