// Checkpoint and diagnostics helpers shared by every image model.
#include "train/models/image/model.h"


namespace genscope {
namespace {

constexpr const char* kActivations[] = {"ReLU", "LeakyReLU", "Tanh", "Sigmoid", "ELU", "GELU", "SiLU"};

std::vector<std::pair<std::string, std::vector<int64_t>>> shapes(const torch::nn::Module& m) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> out;
  for (const auto& p : m.named_parameters()) out.emplace_back(p.key(), p.value().sizes().vec());
  for (const auto& b : m.named_buffers()) out.emplace_back(b.key(), b.value().sizes().vec());
  return out;
}

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out + "]";
}

}  // namespace

void save_module(torch::serialize::OutputArchive& archive, const std::string& key,
                 const torch::nn::Module& module) {
  torch::serialize::OutputArchive part;
  module.save(part);
  archive.write(key, part);
}

void save_optimizer(torch::serialize::OutputArchive& archive, const std::string& key,
                    const torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive part;
  optimizer.save(part);
  archive.write(key, part);
}

void load_optimizer(torch::serialize::InputArchive& archive, const std::string& key,
                    torch::optim::Optimizer& optimizer) {
  torch::serialize::InputArchive part;
  archive.read(key, part);
  optimizer.load(part);
}

void load_module_checked(torch::serialize::InputArchive& archive, const std::string& key,
                         torch::nn::Module& module) {
  const auto before = shapes(module);
  torch::serialize::InputArchive part;
  archive.read(key, part);
  module.load(part);
  const auto after = shapes(module);
  for (size_t i = 0; i < before.size() && i < after.size(); ++i) {
    if (before[i].second != after[i].second) {
      throw std::runtime_error(key + "." + before[i].first + " is " + shape_text(after[i].second) +
                               " in the checkpoint but " + shape_text(before[i].second) +
                               " in this model");
    }
  }
}

torch::Tensor bytes_tensor(const std::string& bytes) {
  return torch::from_blob(const_cast<char*>(bytes.data()), {static_cast<int64_t>(bytes.size())},
                          torch::kUInt8)
      .clone();
}

std::string tensor_bytes(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU).contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), static_cast<size_t>(c.numel()));
}

void append_named_parameters(std::vector<std::pair<std::string, torch::Tensor>>& out,
                             const std::string& prefix, const torch::nn::Module& module) {
  for (const auto& p : module.named_parameters()) out.emplace_back(prefix + " " + p.key(), p.value());
}

void append_grad_norms(const torch::nn::Module& module, const std::string& prefix,
                       std::vector<LayerGrad>& out) {
  std::vector<torch::Tensor> norms;
  std::vector<std::string> names;
  for (const auto& p : module.named_parameters()) {
    const torch::Tensor& g = p.value().grad();
    if (p.value().dim() < 2 || !g.defined()) continue;
    std::string name = p.key();
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0) name.resize(name.size() - 7);
    names.push_back(prefix + " " + name);
    norms.push_back(g.detach().norm());
  }
  if (norms.empty()) return;
  const torch::Tensor all = torch::stack(norms).to(torch::kCPU, torch::kFloat).contiguous();
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
