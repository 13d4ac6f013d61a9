#pragma once
// The metric classifier: a small CNN that genscope trains on a dataset's labelled train split and
// whose penultimate features and class probabilities score generated images (classifier-FID,
// the Inception-Score analogue, the class histogram). It draws every random number from its own
// generator, never from LibTorch's global one, so building, training and using it on another
// thread leaves the training run's random stream untouched.
#include <functional>

#include "data/dataset.h"
#include "train/torch_pch.h"
#include "util/result.h"

namespace genscope {

/// Two stride-2 conv-BN-ReLU blocks (32 and 64 channels: 28x28 -> 14x14 -> 7x7), a 128-unit ReLU
/// layer (the features) and a linear layer to the class logits. Built from registered tensors
/// and functional ops.
class MetricClassifierNetImpl : public torch::nn::Module {
 public:
  static constexpr int kFeatureDim = 128;
  /// For images of channels x height x width and `classes` classes; the initial
  /// weights (He-uniform, as torch's defaults) come from `seed`.
  MetricClassifierNetImpl(int channels, int height, int width, int classes, uint64_t seed);
  /// Logits [N, classes] and features [N, kFeatureDim] for images in [-1, 1] [N, C, H, W].
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& images);
  int classes() const { return classes_; }

 private:
  torch::Tensor conv_block(const torch::Tensor& x, int i);
  int classes_;
  torch::Tensor conv_w_[2], conv_b_[2], bn_w_[2], bn_b_[2], bn_mean_[2], bn_var_[2];
  torch::Tensor fc1_w_, fc1_b_, fc2_w_, fc2_b_;
};
TORCH_MODULE(MetricClassifierNet);

/// How the classifier is trained.
struct ClassifierTraining {
  int epochs = 4;
  int batch_size = 128;
  double lr = 1e-3;
  uint64_t seed = 1;
};

/// Called during training with the fraction done (0..1); returning false cancels training.
using TrainProgress = std::function<bool(double fraction)>;

/// Trains `net` (Adam, shuffled with its own generator) on the labelled images of `train`.
/// Returns an error when the split has no labels or training was cancelled.
Status train_metric_classifier(MetricClassifierNet& net, const ImageSet& train,
                               const ClassifierTraining& how, const TrainProgress& progress = {});

/// Every image of `set` as a uint8 tensor [N, C, H, W] viewing its pixels (no copy: valid while
/// `set` lives).
torch::Tensor uint8_images(const ImageSet& set);
/// uint8 pixels as floats in [-1, 1], the range the models and the classifier see.
torch::Tensor unit_range(const torch::Tensor& u8);
/// Images first .. first+n-1 of `set` (as many as there are) in [-1, 1], [N, C, H, W].
torch::Tensor image_tensor(const ImageSet& set, int64_t first, int64_t n);

/// Logits and features of every image of `images` ([N, C, H, W] in [-1, 1]) in eval mode,
/// `chunk` images at a time, without gradients.
std::pair<torch::Tensor, torch::Tensor> classify(MetricClassifierNet& net,
                                                 const torch::Tensor& images, int64_t chunk = 500);

/// Share of `logits`' argmax equal to `labels` (uint8 class indices, one per row).
double classifier_accuracy(const torch::Tensor& logits, const std::vector<uint8_t>& labels);

}  // namespace genscope
