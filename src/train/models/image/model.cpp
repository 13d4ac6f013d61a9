// Diagnostics helpers shared by every image model.
#include "train/models/image/model.h"

#include <algorithm>
#include <cmath>

namespace genscope {

double lr_factor(const std::string& schedule, int64_t step, int64_t steps) {
  if (schedule == "constant" || steps <= 0) return 1.0;
  const double t = std::clamp(double(step) / double(steps), 0.0, 1.0);
  if (schedule == "linear") return 1.0 - t;
  return 0.5 * (1.0 + std::cos(3.14159265358979323846 * t));  // cosine
}
namespace {

constexpr const char* kActivations[] = {"ReLU", "LeakyReLU", "Tanh", "Sigmoid", "ELU", "GELU", "SiLU"};

}  // namespace

void append_named_parameters(std::vector<std::pair<std::string, torch::Tensor>>& out,
                             const std::string& prefix, const torch::nn::Module& module) {
  for (const auto& p : module.named_parameters()) out.emplace_back(prefix + " " + p.key(), p.value());
}

void append_grad_norms(const torch::nn::Module& module, const std::string& prefix,
                       std::vector<LayerGrad>& out) {
  std::vector<torch::Tensor> grads;
  std::vector<std::string> names;
  for (const auto& p : module.named_parameters()) {
    const torch::Tensor& g = p.value().grad();
    if (p.value().dim() < 2 || !g.defined()) continue;
    std::string name = p.key();
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0) name.resize(name.size() - 7);
    names.push_back(prefix + " " + name);
    grads.push_back(g.detach());
  }
  if (grads.empty()) return;
  // Every layer's norm in one operator (one kernel launch on a GPU, one pass on a CPU).
  const torch::Tensor all =
      torch::stack(at::_foreach_norm(grads)).to(torch::kCPU, torch::kFloat).contiguous();
  for (size_t i = 0; i < names.size(); ++i) out.push_back({names[i], all.data_ptr<float>()[i]});
}

LayerHistogram tensor_histogram(const torch::Tensor& values, std::string name, bool activation,
                                int bins) {
  LayerHistogram h;
  h.name = std::move(name);
  h.activation = activation;
  const torch::Tensor v = values.detach().to(torch::kCPU, torch::kFloat).reshape({-1});
  const torch::Tensor finite = v.index({torch::isfinite(v)});
  if (finite.numel() == 0) return h;
  h.lo = finite.min().item<float>();
  h.hi = finite.max().item<float>();
  h.count = finite.numel();
  const torch::Tensor wide = finite.to(torch::kDouble);
  h.sum = wide.sum().item<double>();
  h.sum_squares = wide.square().sum().item<double>();
  const float hi = h.hi > h.lo ? h.hi : h.lo + 1e-6f;
  const torch::Tensor counts = torch::histc(finite, bins, h.lo, hi).div(double(finite.numel()));
  h.share.assign(counts.data_ptr<float>(), counts.data_ptr<float>() + counts.numel());
  // Quantiles from a sorted sample (at most 100k values: exact enough, bounded time).
  torch::Tensor sample = finite;
  if (sample.numel() > 100000) sample = sample.slice(0, 0, sample.numel(), sample.numel() / 100000);
  const torch::Tensor sorted = std::get<0>(sample.sort());
  const int64_t n = sorted.numel();
  for (size_t i = 0; i < kHistogramQuantiles.size(); ++i) {
    const int64_t k = std::min<int64_t>(n - 1, static_cast<int64_t>(kHistogramQuantiles[i] * (n - 1) + 0.5));
    h.quantiles[i] = sorted[k].item<float>();
  }
  h.quantiles.front() = h.lo;
  h.quantiles.back() = h.hi;
  return h;
}

void append_weight_histograms(const torch::nn::Module& module, const std::string& prefix, int bins,
                              std::vector<LayerHistogram>& out) {
  for (const auto& p : module.named_parameters()) {
    if (p.value().dim() < 2) continue;
    std::string name = p.key();
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0) name.resize(name.size() - 7);
    out.push_back(tensor_histogram(p.value(), prefix + " " + name + " weight", false, bins));
  }
}

void append_activation_histograms(torch::nn::Sequential& net, const torch::Tensor& input,
                                  const std::string& prefix, int bins,
                                  std::vector<LayerHistogram>& out) {
  torch::NoGradGuard no_grad;
  const bool training = net->is_training();
  net->eval();
  torch::Tensor x = input;
  size_t index = 0;
  for (torch::nn::AnyModule& m : *net) {
    x = m.forward(x);
    std::string type = m.ptr()->name();  // "torch::nn::LeakyReLUImpl"
    if (const size_t colon = type.rfind(':'); colon != std::string::npos) type = type.substr(colon + 1);
    if (type.size() > 4 && type.compare(type.size() - 4, 4, "Impl") == 0) type.resize(type.size() - 4);
    for (const char* a : kActivations) {
      if (type == a) {
        out.push_back(tensor_histogram(x, prefix + std::to_string(index) + " " + type, true, bins));
        break;
      }
    }
    ++index;
  }
  net->train(training);
}

}  // namespace genscope
