#include "train/metric_classifier.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace genscope {
namespace {

constexpr int kChannels[2] = {32, 64};

torch::Tensor uniform(std::vector<int64_t> shape, double bound, at::Generator& gen) {
  return torch::empty(shape).uniform_(-bound, bound, gen);
}

}  // namespace

MetricClassifierNetImpl::MetricClassifierNetImpl(int channels, int height, int width, int classes,
                                                 uint64_t seed)
    : classes_(classes) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  int in = channels;
  for (int i = 0; i < 2; ++i) {
    const int out = kChannels[i];
    const double fan_in = in * 9.0;
    const std::string n = std::to_string(i);
    conv_w_[i] = register_parameter("conv" + n + "_weight",
                                    uniform({out, in, 3, 3}, std::sqrt(6.0 / fan_in), gen));
    conv_b_[i] = register_parameter("conv" + n + "_bias", torch::zeros({out}));
    bn_w_[i] = register_parameter("bn" + n + "_weight", torch::ones({out}));
    bn_b_[i] = register_parameter("bn" + n + "_bias", torch::zeros({out}));
    bn_mean_[i] = register_buffer("bn" + n + "_mean", torch::zeros({out}));
    bn_var_[i] = register_buffer("bn" + n + "_var", torch::ones({out}));
    in = out;
  }
  const auto halved_twice = [](int side) { return ((side + 1) / 2 + 1) / 2; };
  const int64_t flat = int64_t(in) * halved_twice(height) * halved_twice(width);
  fc1_w_ = register_parameter("fc1_weight", uniform({kFeatureDim, flat}, std::sqrt(6.0 / flat), gen));
  fc1_b_ = register_parameter("fc1_bias", torch::zeros({kFeatureDim}));
  fc2_w_ = register_parameter("fc2_weight",
                              uniform({classes, kFeatureDim}, 1.0 / std::sqrt(kFeatureDim), gen));
  fc2_b_ = register_parameter("fc2_bias", torch::zeros({classes}));
}

torch::Tensor MetricClassifierNetImpl::conv_block(const torch::Tensor& x, int i) {
  torch::Tensor y = torch::conv2d(x, conv_w_[i], conv_b_[i], /*stride=*/2, /*padding=*/1);
  y = torch::batch_norm(y, bn_w_[i], bn_b_[i], bn_mean_[i], bn_var_[i], is_training(), 0.1, 1e-5,
                        true);
  return torch::relu(y);
}

std::pair<torch::Tensor, torch::Tensor> MetricClassifierNetImpl::forward(const torch::Tensor& images) {
  torch::Tensor x = conv_block(conv_block(images, 0), 1).flatten(1);
  torch::Tensor features = torch::relu(torch::linear(x, fc1_w_, fc1_b_));
  return {torch::linear(features, fc2_w_, fc2_b_), features};
}

torch::Tensor uint8_images(const ImageSet& set) {
  return torch::from_blob(const_cast<uint8_t*>(set.pixels.data()),
                          {set.count, set.channels, set.height, set.width}, torch::kUInt8);
}

torch::Tensor unit_range(const torch::Tensor& u8) {
  return u8.to(torch::kFloat).div_(127.5).sub_(1.0);
}

torch::Tensor image_tensor(const ImageSet& set, int64_t first, int64_t n) {
  return unit_range(uint8_images(set).slice(0, first, first + std::min(n, set.count - first)));
}

Status train_metric_classifier(MetricClassifierNet& net, const ImageSet& train,
                               const ClassifierTraining& how, const TrainProgress& progress) {
  if (train.labels.size() != static_cast<size_t>(train.count) || train.count == 0) {
    return Error{"the metric classifier needs a labelled train split; " + train.source +
                 " has no labels"};
  }
  const torch::Device device = net->parameters().front().device();
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(how.seed ^ 0x5eedULL);
  const torch::Tensor images = uint8_images(train);
  const torch::Tensor labels =
      torch::from_blob(const_cast<uint8_t*>(train.labels.data()), {train.count}, torch::kUInt8)
          .to(torch::kLong);
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(how.lr));
  net->train();
  // Whole batches (a split smaller than one batch is one short batch).
  const int64_t batches = std::max<int64_t>(1, train.count / how.batch_size);
  const int64_t total = batches * how.epochs;
  for (int epoch = 0; epoch < how.epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(train.count, gen, torch::kLong);
    // The last epoch at a tenth of the rate settles the weights.
    if (epoch == how.epochs - 1 && how.epochs > 1) {
      static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options()).lr(how.lr * 0.1);
    }
    for (int64_t b = 0; b < batches; ++b) {
      const torch::Tensor idx = order.slice(0, b * how.batch_size, (b + 1) * how.batch_size);
      const torch::Tensor x = unit_range(images.index_select(0, idx).to(device));
      const torch::Tensor y = labels.index_select(0, idx).to(device);
      opt.zero_grad();
      torch::Tensor loss = torch::cross_entropy_loss(net->forward(x).first, y);
      loss.backward();
      opt.step();
      if (progress && b % 20 == 0 &&
          !progress(double(epoch * batches + b) / double(std::max<int64_t>(1, total)))) {
        net->eval();
        return Error{"training the metric classifier was cancelled"};
      }
    }
  }
  net->eval();
  if (progress) progress(1.0);
  return {};
}

std::pair<torch::Tensor, torch::Tensor> classify(MetricClassifierNet& net,
                                                 const torch::Tensor& images, int64_t chunk) {
  torch::NoGradGuard no_grad;
  net->eval();
  const torch::Device device = net->parameters().front().device();
  std::vector<torch::Tensor> logits, features;
  for (int64_t i = 0; i < images.size(0); i += chunk) {
    auto [l, f] = net->forward(images.slice(0, i, i + chunk).to(device));
    logits.push_back(l.to(torch::kCPU));
    features.push_back(f.to(torch::kCPU));
  }
  return {torch::cat(logits), torch::cat(features)};
}

double classifier_accuracy(const torch::Tensor& logits, const std::vector<uint8_t>& labels) {
  if (labels.empty() || logits.size(0) != static_cast<int64_t>(labels.size())) return 0.0;
  const torch::Tensor predicted = logits.argmax(1).to(torch::kCPU);
  const torch::Tensor truth =
      torch::from_blob(const_cast<uint8_t*>(labels.data()), {int64_t(labels.size())}, torch::kUInt8)
          .to(torch::kLong);
  return predicted.eq(truth).to(torch::kDouble).mean().item<double>();
}

}  // namespace genscope
