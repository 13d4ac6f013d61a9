#include "core/latent.h"

#include <algorithm>
#include <cmath>

namespace genscope {
namespace {

// Cosines above this count as parallel: slerp's sin(Omega) would divide by almost zero.
constexpr double kParallelCos = 0.9995;
constexpr int kMaxJacobiSweeps = 60;

// Eigenvectors of the symmetric n x n matrix `a` (row-major, destroyed) by cyclic Jacobi
// rotations: returns them as the columns of `v` and the eigenvalues in `values`.
void jacobi_eigen(std::vector<double>& a, int n, std::vector<double>& v,
                  std::vector<double>& values) {
  v.assign(size_t(n) * n, 0.0);
  for (int i = 0; i < n; ++i) v[size_t(i) * n + i] = 1.0;
  const auto at = [&](int r, int c) -> double& { return a[size_t(r) * n + c]; };
  double total = 0.0;
  for (double x : a) total += x * x;
  for (int sweep = 0; sweep < kMaxJacobiSweeps; ++sweep) {
    double off = 0.0;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) off += at(p, q) * at(p, q);
    if (off <= 1e-26 * total || off == 0.0) break;
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) {
        const double apq = at(p, q);
        if (std::fabs(apq) < 1e-300) continue;
        const double theta = (at(q, q) - at(p, p)) / (2.0 * apq);
        const double t =
            (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (int k = 0; k < n; ++k) {  // columns p and q
          const double akp = at(k, p), akq = at(k, q);
          at(k, p) = c * akp - s * akq;
          at(k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {  // rows p and q
          const double apk = at(p, k), aqk = at(q, k);
          at(p, k) = c * apk - s * aqk;
          at(q, k) = s * apk + c * aqk;
        }
        for (int k = 0; k < n; ++k) {
          double& vkp = v[size_t(k) * n + p];
          double& vkq = v[size_t(k) * n + q];
          const double x = vkp, y = vkq;
          vkp = c * x - s * y;
          vkq = s * x + c * y;
        }
      }
    }
  }
  values.resize(n);
  for (int i = 0; i < n; ++i) values[i] = at(i, i);
}

}  // namespace

std::vector<float> interpolate(const std::vector<float>& a, const std::vector<float>& b, float t,
                               bool slerp) {
  const size_t n = std::min(a.size(), b.size());
  std::vector<float> out(n);
  double wa = 1.0 - t, wb = t;
  if (slerp) {
    double dot = 0.0, na = 0.0, nb = 0.0;
    for (size_t i = 0; i < n; ++i) {
      dot += double(a[i]) * b[i];
      na += double(a[i]) * a[i];
      nb += double(b[i]) * b[i];
    }
    if (na > 0.0 && nb > 0.0) {
      const double cos = std::clamp(dot / std::sqrt(na * nb), -1.0, 1.0);
      if (std::fabs(cos) < kParallelCos) {
        const double omega = std::acos(cos), sin = std::sin(omega);
        wa = std::sin((1.0 - t) * omega) / sin;
        wb = std::sin(t * omega) / sin;
      }
    }
  }
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(wa * a[i] + wb * b[i]);
  return out;
}

void pca_2d(const float* points, int64_t count, int dim, std::vector<float>& axes,
            std::vector<float>& mean, std::vector<float>& projected) {
  dim = std::max(dim, 0);
  axes.assign(2 * size_t(dim), 0.0f);
  mean.assign(dim, 0.0f);
  projected.assign(2 * size_t(std::max<int64_t>(count, 0)), 0.0f);
  if (dim == 0 || count <= 0) return;

  std::vector<double> mu(dim, 0.0);
  for (int64_t i = 0; i < count; ++i)
    for (int d = 0; d < dim; ++d) mu[d] += points[i * dim + d];
  for (int d = 0; d < dim; ++d) mu[d] /= double(count), mean[d] = float(mu[d]);

  std::vector<double> cov(size_t(dim) * dim, 0.0), centered(dim);
  for (int64_t i = 0; i < count; ++i) {
    for (int d = 0; d < dim; ++d) centered[d] = points[i * dim + d] - mu[d];
    for (int r = 0; r < dim; ++r)
      for (int c = r; c < dim; ++c) cov[size_t(r) * dim + c] += centered[r] * centered[c];
  }
  for (int r = 0; r < dim; ++r)
    for (int c = r; c < dim; ++c)
      cov[size_t(c) * dim + r] = cov[size_t(r) * dim + c] /= double(count);

  std::vector<double> vectors, values;
  jacobi_eigen(cov, dim, vectors, values);
  std::vector<int> order(dim);
  for (int i = 0; i < dim; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return values[x] > values[y]; });

  for (int k = 0; k < std::min(dim, 2); ++k) {
    const int col = order[k];
    int largest = 0;
    for (int d = 0; d < dim; ++d) {
      if (std::fabs(vectors[size_t(d) * dim + col]) >
          std::fabs(vectors[size_t(largest) * dim + col]))
        largest = d;
    }
    const double sign = vectors[size_t(largest) * dim + col] < 0.0 ? -1.0 : 1.0;
    double norm = 0.0;
    for (int d = 0; d < dim; ++d)
      norm += vectors[size_t(d) * dim + col] * vectors[size_t(d) * dim + col];
    norm = norm > 0.0 ? std::sqrt(norm) : 1.0;
    for (int d = 0; d < dim; ++d)
      axes[size_t(k) * dim + d] = float(sign * vectors[size_t(d) * dim + col] / norm);
  }
  for (int64_t i = 0; i < count; ++i) {
    for (int k = 0; k < 2; ++k) {
      double s = 0.0;
      for (int d = 0; d < dim; ++d) s += (points[i * dim + d] - mu[d]) * axes[size_t(k) * dim + d];
      projected[2 * size_t(i) + k] = float(s);
    }
  }
}

}  // namespace genscope
