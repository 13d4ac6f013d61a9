#include "core/mode_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace genscope {
namespace {

constexpr int kMaxBins = 1000;

// Normalised bins x bins histogram (row-major, row = y cell); counts finite points in `used`.
std::vector<double> histogram(const std::vector<Point2>& points, const Box2& box, int bins,
                              int* used) {
  std::vector<double> h(size_t(bins) * size_t(bins), 0.0);
  const double sx = bins / (double(box.max_x) - box.min_x);
  const double sy = bins / (double(box.max_y) - box.min_y);
  auto cell = [bins](double v) {
    if (v < 0.0) return 0;
    if (v >= bins) return bins - 1;
    return std::min(int(v), bins - 1);
  };
  int n = 0;
  for (const Point2& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    const int ix = cell((double(p.x) - box.min_x) * sx);
    const int iy = cell((double(p.y) - box.min_y) * sy);
    h[size_t(iy) * size_t(bins) + size_t(ix)] += 1.0;
    ++n;
  }
  *used = n;
  if (n > 0)
    for (double& v : h) v /= n;
  return h;
}

// KL(p || q) of histograms smoothed with eps (see the header).
double smoothed_kl(const std::vector<double>& p, const std::vector<double>& q, double eps) {
  const double norm = 1.0 + eps * double(p.size());
  double kl = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double a = (p[i] + eps) / norm, b = (q[i] + eps) / norm;
    kl += a * std::log(a / b);
  }
  return std::max(kl, 0.0);
}

// JS(p, q) of unsmoothed histograms; terms with a zero weight contribute nothing.
double jensen_shannon(const std::vector<double>& p, const std::vector<double>& q) {
  double js = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double m = 0.5 * (p[i] + q[i]);
    if (p[i] > 0.0) js += 0.5 * p[i] * std::log(p[i] / m);
    if (q[i] > 0.0) js += 0.5 * q[i] * std::log(q[i] / m);
  }
  return std::clamp(js, 0.0, std::log(2.0));
}

}  // namespace

ModeStats mode_coverage(const std::vector<Point2>& samples, const std::vector<Point2>& centers,
                        float sigma, const ModeCoverageOptions& options) {
  ModeStats stats;
  stats.samples = int(samples.size());
  stats.modes_total = int(centers.size());
  stats.per_mode_count.assign(centers.size(), 0);
  stats.per_mode_share.assign(centers.size(), 0.0);
  if (centers.empty() || samples.empty()) return stats;

  const double radius = options.hq_sigmas * double(sigma);
  const bool any_hq = sigma > 0.0f && options.hq_sigmas > 0.0 && std::isfinite(radius);
  const double radius2 = radius * radius;
  if (any_hq) {
    for (const Point2& p : samples) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      double best = std::numeric_limits<double>::infinity();
      size_t best_k = 0;
      for (size_t k = 0; k < centers.size(); ++k) {
        const double dx = double(p.x) - centers[k].x, dy = double(p.y) - centers[k].y;
        const double d2 = dx * dx + dy * dy;
        if (d2 < best) {
          best = d2;
          best_k = k;
        }
      }
      if (best < radius2) {
        ++stats.per_mode_count[best_k];
        ++stats.hq_count;
      }
    }
  }
  const int need = std::max(options.min_count, 1);
  for (size_t k = 0; k < centers.size(); ++k) {
    stats.per_mode_share[k] = double(stats.per_mode_count[k]) / double(samples.size());
    if (stats.per_mode_count[k] >= need) ++stats.modes_covered;
  }
  stats.hq_percent = 100.0 * double(stats.hq_count) / double(samples.size());
  return stats;
}

ModeStats mode_coverage(const std::vector<Point2>& samples, const Toy2DDistribution& dist,
                        const ModeCoverageOptions& options) {
  return mode_coverage(samples, dist.mode_centers(), dist.mode_sigma(), options);
}

Result<DivergenceStats> histogram_divergence(const std::vector<Point2>& real,
                                             const std::vector<Point2>& fake, const Box2& box,
                                             int bins, double eps) {
  if (bins < 1 || bins > kMaxBins)
    return Error{"histogram divergence: bins " + std::to_string(bins) + " is outside [1, " +
                 std::to_string(kMaxBins) + "]"};
  if (!box.valid())
    return Error{"histogram divergence: box is empty or not finite (need min < max on both axes)"};
  if (!(eps > 0.0 && eps <= 1.0))
    return Error{"histogram divergence: eps " + std::to_string(eps) + " is not in (0, 1]"};
  DivergenceStats stats;
  stats.bins = bins;
  const std::vector<double> p = histogram(real, box, bins, &stats.real_used);
  const std::vector<double> q = histogram(fake, box, bins, &stats.fake_used);
  if (stats.real_used == 0) return Error{"histogram divergence: no finite real point"};
  if (stats.fake_used == 0) return Error{"histogram divergence: no finite generated point"};
  stats.kl = smoothed_kl(p, q, eps);
  stats.reverse_kl = smoothed_kl(q, p, eps);
  stats.js = jensen_shannon(p, q);
  return stats;
}

}  // namespace genscope
