#include "data/toy2d.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace genscope {
namespace {

constexpr double kPi = 3.14159265358979323846;

const std::vector<Toy2DSpec>& specs() {
  using namespace toy2d;
  static const std::vector<Toy2DSpec> all = {
      {Toy2DKind::kRing8, "ring8",
       "8 equal Gaussians, sigma 0.02, centres at radius 2 and angles 2*pi*k/8", kRingModes,
       kRingSigma, kDefaultView},
      {Toy2DKind::kGrid25, "grid25", "25 equal Gaussians, sigma 0.02, centres {-4,-2,0,2,4}^2",
       kGridSide * kGridSide, kGridSigma, kGridView},
      {Toy2DKind::kGaussian, "gaussian", "one Gaussian N((0,0), 0.5^2 I)", 1, kGaussianSigma,
       kDefaultView},
      {Toy2DKind::kLine, "line", "uniform on the segment (-2,-1)-(2,1) plus N(0, 0.02^2 I)", 0,
       kLineSigma, kDefaultView},
      {Toy2DKind::kSpiral, "spiral",
       "t = sqrt(U(0,1)), r = 2.5 t, theta = 4 pi t (two turns), plus N(0, 0.05^2 I)", 0,
       kSpiralSigma, kDefaultView},
      {Toy2DKind::kMoons, "moons",
       "sklearn two moons with noise 0.05, centred by (0.5,0.25) and scaled by 1.5 "
       "(noise 0.075)",
       0, kMoonsRawNoise * kMoonsScale, kDefaultView},
      {Toy2DKind::kCustom, "custom",
       "a painted point chosen uniformly, plus N(0, 0.05^2 I) jitter (at least 1 point)", 0,
       kCustomSigma, kDefaultView},
  };
  return all;
}

bool finite(Point2 p) { return std::isfinite(p.x) && std::isfinite(p.y); }

}  // namespace

bool Box2::valid() const {
  return std::isfinite(min_x) && std::isfinite(min_y) && std::isfinite(max_x) &&
         std::isfinite(max_y) && max_x > min_x && max_y > min_y;
}

const std::vector<Toy2DSpec>& toy2d_specs() { return specs(); }

const Toy2DSpec& toy2d_spec(Toy2DKind kind) { return specs()[static_cast<size_t>(kind)]; }

const char* toy2d_name(Toy2DKind kind) { return toy2d_spec(kind).name; }

std::vector<std::string> toy2d_names() {
  std::vector<std::string> names;
  for (const Toy2DSpec& s : specs()) names.emplace_back(s.name);
  return names;
}

std::optional<Toy2DKind> parse_toy2d(const std::string& name) {
  for (const Toy2DSpec& s : specs())
    if (name == s.name) return s.kind;
  return std::nullopt;
}

Result<Toy2DDistribution> Toy2DDistribution::make(Toy2DKind kind,
                                                  std::vector<Point2> custom_points) {
  using namespace toy2d;
  const Toy2DSpec& spec = toy2d_spec(kind);
  Toy2DDistribution d;
  d.kind_ = kind;
  d.sigma_ = spec.sigma;
  d.view_ = spec.view;
  switch (kind) {
    case Toy2DKind::kRing8:
      for (int k = 0; k < kRingModes; ++k) {
        const double angle = 2.0 * kPi * k / kRingModes;
        d.centers_.push_back(
            {float(kRingRadius * std::cos(angle)), float(kRingRadius * std::sin(angle))});
      }
      break;
    case Toy2DKind::kGrid25: {
      const float first = -kGridSpacing * (kGridSide - 1) / 2.0f;
      for (int row = 0; row < kGridSide; ++row)
        for (int col = 0; col < kGridSide; ++col)
          d.centers_.push_back({first + kGridSpacing * col, first + kGridSpacing * row});
      break;
    }
    case Toy2DKind::kGaussian:
      d.centers_.push_back(kGaussianMean);
      d.mean_ = kGaussianMean;
      break;
    case Toy2DKind::kLine:
      d.mean_ = {(kLineStart.x + kLineEnd.x) / 2.0f, (kLineStart.y + kLineEnd.y) / 2.0f};
      break;
    case Toy2DKind::kSpiral: {
      // t = sqrt(u) has density 2t on [0, 1], so with a = 2 pi turns:
      // E[t cos(a t)] = 2 int t^2 cos(a t) = 2 (sin a / a + 2 cos a / a^2 - 2 sin a / a^3),
      // E[t sin(a t)] = 2 int t^2 sin(a t) = 2 (-cos a / a + 2 sin a / a^2 + 2 (cos a - 1) / a^3).
      const double a = 2.0 * kPi * kSpiralTurns, R = kSpiralRadius;
      const double sa = std::sin(a), ca = std::cos(a);
      const double ex = 2.0 * R * (sa / a + 2.0 * ca / (a * a) - 2.0 * sa / (a * a * a));
      const double ey = 2.0 * R * (-ca / a + 2.0 * sa / (a * a) + 2.0 * (ca - 1.0) / (a * a * a));
      d.mean_ = {float(ex), float(ey)};
      break;
    }
    case Toy2DKind::kMoons:
      break;  // centred by construction
    case Toy2DKind::kCustom: {
      if (custom_points.empty())
        return Error{"custom distribution: no points painted (draw at least 1 point)"};
      double sx = 0.0, sy = 0.0;
      Box2 view = spec.view;
      for (size_t i = 0; i < custom_points.size(); ++i) {
        const Point2 p = custom_points[i];
        if (!finite(p))
          return Error{"custom distribution: point " + std::to_string(i) + " is not finite"};
        sx += p.x;
        sy += p.y;
        view.min_x = std::min(view.min_x, p.x - kCustomMargin);
        view.min_y = std::min(view.min_y, p.y - kCustomMargin);
        view.max_x = std::max(view.max_x, p.x + kCustomMargin);
        view.max_y = std::max(view.max_y, p.y + kCustomMargin);
      }
      const double n = double(custom_points.size());
      d.mean_ = {float(sx / n), float(sy / n)};
      d.view_ = view;
      d.custom_ = std::move(custom_points);
      break;
    }
  }
  return d;
}

std::vector<Point2> Toy2DDistribution::sample(int n, std::mt19937_64& rng) const {
  using namespace toy2d;
  std::vector<Point2> out;
  if (n <= 0) return out;
  out.reserve(size_t(n));
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  auto jitter = [&](Point2 p, float s) {
    const float nx = noise(rng);
    const float ny = noise(rng);
    return Point2{p.x + s * nx, p.y + s * ny};
  };
  switch (kind_) {
    case Toy2DKind::kRing8:
    case Toy2DKind::kGrid25:
    case Toy2DKind::kGaussian: {
      std::uniform_int_distribution<size_t> pick(0, centers_.size() - 1);
      for (int i = 0; i < n; ++i) out.push_back(jitter(centers_[pick(rng)], sigma_));
      break;
    }
    case Toy2DKind::kLine:
      for (int i = 0; i < n; ++i) {
        const float t = unit(rng);
        const Point2 p{kLineStart.x + t * (kLineEnd.x - kLineStart.x),
                       kLineStart.y + t * (kLineEnd.y - kLineStart.y)};
        out.push_back(jitter(p, kLineSigma));
      }
      break;
    case Toy2DKind::kSpiral:
      for (int i = 0; i < n; ++i) {
        const double t = std::sqrt(double(unit(rng)));
        const double r = kSpiralRadius * t, theta = 2.0 * kPi * kSpiralTurns * t;
        out.push_back(
            jitter({float(r * std::cos(theta)), float(r * std::sin(theta))}, kSpiralSigma));
      }
      break;
    case Toy2DKind::kMoons:
      for (int i = 0; i < n; ++i) {
        const bool upper = unit(rng) < 0.5f;
        const double th = kPi * double(unit(rng));
        const Point2 raw = upper ? Point2{float(std::cos(th)), float(std::sin(th))}
                                 : Point2{float(1.0 - std::cos(th)), float(0.5 - std::sin(th))};
        const Point2 noisy = jitter(raw, kMoonsRawNoise);
        out.push_back(
            {kMoonsScale * (noisy.x - kMoonsShift.x), kMoonsScale * (noisy.y - kMoonsShift.y)});
      }
      break;
    case Toy2DKind::kCustom: {
      std::uniform_int_distribution<size_t> pick(0, custom_.size() - 1);
      for (int i = 0; i < n; ++i) out.push_back(jitter(custom_[pick(rng)], kCustomSigma));
      break;
    }
  }
  return out;
}

}  // namespace genscope
