#include "train/frechet.h"

namespace genscope {
namespace {

// The symmetric PSD square root of s (eigenvalues clamped at 0).
torch::Tensor sqrt_psd(const torch::Tensor& s) {
  auto [values, vectors] = torch::linalg::eigh(s, "L");
  return vectors.matmul(torch::diag(values.clamp_min(0.0).sqrt())).matmul(vectors.transpose(0, 1));
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> feature_statistics(const torch::Tensor& features) {
  const torch::Tensor x = features.to(torch::kCPU, torch::kFloat64);
  const torch::Tensor mu = x.mean(0);
  const torch::Tensor centred = x - mu;
  const torch::Tensor cov = centred.transpose(0, 1).matmul(centred) / double(std::max<int64_t>(x.size(0) - 1, 1));
  return {mu, cov};
}

double frechet_distance(const torch::Tensor& mu1, const torch::Tensor& s1, const torch::Tensor& mu2,
                        const torch::Tensor& s2) {
  torch::NoGradGuard no_grad;
  const auto d = [](const torch::Tensor& t) { return t.to(torch::kCPU, torch::kFloat64); };
  const torch::Tensor a = d(s1), b = d(s2);
  const torch::Tensor ah = sqrt_psd(0.5 * (a + a.transpose(0, 1)));
  torch::Tensor inner = ah.matmul(b).matmul(ah);
  inner = 0.5 * (inner + inner.transpose(0, 1));
  const double trace_sqrt = torch::linalg::eigvalsh(inner, "L").clamp_min(0.0).sqrt().sum().item<double>();
  const double mean_term = (d(mu1) - d(mu2)).pow(2).sum().item<double>();
  return mean_term + a.trace().item<double>() + b.trace().item<double>() - 2.0 * trace_sqrt;
}

}  // namespace genscope
