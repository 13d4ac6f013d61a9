#pragma once
// The Frechet distance between two Gaussians (the FID formula), for classifier-FID:
//   d^2 = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1^{1/2} S2 S1^{1/2})^{1/2})
// computed in double precision through symmetric eigendecompositions (the inner matrix is
// symmetric PSD, so its square root's trace is the sum of the square roots of its eigenvalues,
// negative round-off clamped to 0).
#include "train/torch_pch.h"

namespace genscope {

/// Mean [D] and covariance [D, D] (unbiased, N - 1) of the rows of `features` [N, D], in double.
std::pair<torch::Tensor, torch::Tensor> feature_statistics(const torch::Tensor& features);

/// The squared Frechet distance between N(mu1, s1) and N(mu2, s2); inputs of any float type.
double frechet_distance(const torch::Tensor& mu1, const torch::Tensor& s1, const torch::Tensor& mu2,
                        const torch::Tensor& s2);

}  // namespace genscope
