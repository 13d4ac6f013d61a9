#pragma once
// Toy 2D distributions for the 2D GAN lab: fixed, documented definitions, sampled with <random>.
// Plain C++, no torch, no GL.
//
// Definitions (every noise term is isotropic: N(0, s^2 I) adds s to the std of each axis; the
// numbers are the constants in namespace toy2d below, and toy2d_spec() gives each as text):
//  ring8    8 equally weighted Gaussians, sigma 0.02, mode k at radius 2 and angle 2*pi*k/8,
//           i.e. centre (2 cos(2 pi k/8), 2 sin(2 pi k/8)), k = 0..7.  Mean (0, 0).
//  grid25   25 equally weighted Gaussians, sigma 0.02, centres {-4,-2,0,2,4}^2; mode k = 5*row+col
//           has centre (-4 + 2 col, -4 + 2 row).  Mean (0, 0).
//  gaussian one Gaussian N((0, 0), 0.5^2 I).  Its mean is its single "mode centre".
//  line     uniform on the segment (-2,-1)->(2,1), plus N(0, 0.02^2 I).  Mean (0, 0).
//  spiral   two-turn Archimedean spiral: u ~ U(0,1), t = sqrt(u) (roughly uniform along the
//           curve), r = 2.5 t, theta = 4 pi t, point (r cos theta, r sin theta) + N(0, 0.05^2 I).
//           Mean (4R/a^2, -2R/a) with R = 2.5, a = 4 pi, i.e. about (0.0633, -0.3979).
//  moons    sklearn-style two moons: with probability 1/2 the upper moon (cos th, sin th), else the
//           lower moon (1 - cos th, 0.5 - sin th), th ~ U(0, pi); add N(0, 0.05^2 I); then map
//           p -> 1.5 (p - (0.5, 0.25)).  So the final noise sigma is 0.075, mean (0, 0),
//           x within [-2.25, 2.25] and y within [-1.125, 1.125] before noise.
//  custom   "draw your own": picks one of the user-painted points uniformly, then adds
//           N(0, 0.05^2 I).  Mean = the mean of the painted points.  Needs at least 1 point.
// Suggested view boxes: [-5,5]^2 for grid25, [-3,3]^2 for all others (custom grows it to contain
// every painted point with a 0.5 margin).
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "util/result.h"

namespace genscope {

/// A 2D point (or vector).
struct Point2 {
  float x = 0.0f;
  float y = 0.0f;
};

/// An axis-aligned box [min_x, max_x] x [min_y, max_y].
struct Box2 {
  float min_x = 0.0f;
  float min_y = 0.0f;
  float max_x = 0.0f;
  float max_y = 0.0f;
  /// True when p lies inside or on the border.
  bool contains(Point2 p) const {
    return p.x >= min_x && p.x <= max_x && p.y >= min_y && p.y <= max_y;
  }
  /// True when the box is finite and has positive width and height.
  bool valid() const;
};

/// The toy distributions, in the order the UI lists them.
enum class Toy2DKind { kRing8, kGrid25, kGaussian, kLine, kSpiral, kMoons, kCustom };

/// The fixed parameters of each distribution (see the file comment for the full definitions).
namespace toy2d {
constexpr int kRingModes = 8;                // ring8: number of modes
constexpr float kRingRadius = 2.0f;          // ring8: radius of the ring of centres
constexpr float kRingSigma = 0.02f;          // ring8: per-axis std of each mode
constexpr int kGridSide = 5;                 // grid25: modes per row/column
constexpr float kGridSpacing = 2.0f;         // grid25: distance between neighbouring centres
constexpr float kGridSigma = 0.02f;          // grid25: per-axis std of each mode
constexpr Point2 kGaussianMean{0.0f, 0.0f};  // gaussian: mean
constexpr float kGaussianSigma = 0.5f;       // gaussian: per-axis std
constexpr Point2 kLineStart{-2.0f, -1.0f};   // line: first end of the segment
constexpr Point2 kLineEnd{2.0f, 1.0f};       // line: second end of the segment
constexpr float kLineSigma = 0.02f;          // line: per-axis noise std
constexpr float kSpiralTurns = 2.0f;         // spiral: turns (theta goes 0 .. 2 pi turns)
constexpr float kSpiralRadius = 2.5f;        // spiral: outer radius R
constexpr float kSpiralSigma = 0.05f;        // spiral: per-axis noise std
constexpr float kMoonsRawNoise = 0.05f;      // moons: noise std before scaling (sklearn units)
constexpr Point2 kMoonsShift{0.5f, 0.25f};   // moons: subtracted before scaling (centres them)
constexpr float kMoonsScale = 1.5f;          // moons: scale applied after centring
constexpr float kCustomSigma = 0.05f;        // custom: per-axis jitter std around painted points
constexpr float kCustomMargin = 0.5f;        // custom: view-box margin around painted points
constexpr Box2 kDefaultView{-3.0f, -3.0f, 3.0f, 3.0f};  // view box of all but grid25
constexpr Box2 kGridView{-5.0f, -5.0f, 5.0f, 5.0f};     // view box of grid25
}  // namespace toy2d

/// One distribution's fixed definition as data, for the UI, the README and tests.
struct Toy2DSpec {
  Toy2DKind kind;
  const char* name;        // parse_toy2d() name, e.g. "ring8"
  const char* definition;  // one-line human-readable definition
  int modes;               // number of discrete modes (0: none; custom: none)
  float sigma;             // per-axis std of each mode, or of the noise when there are no modes
  Box2 view;               // suggested plot box (custom: before growing for painted points)
};

/// The definition of one kind.
const Toy2DSpec& toy2d_spec(Toy2DKind kind);
/// All definitions, in Toy2DKind order.
const std::vector<Toy2DSpec>& toy2d_specs();
/// The name of a kind ("ring8", "grid25", "gaussian", "line", "spiral", "moons", "custom").
const char* toy2d_name(Toy2DKind kind);
/// All names, in Toy2DKind order.
std::vector<std::string> toy2d_names();
/// The kind with exactly this (lower-case) name; nullopt for anything else.
std::optional<Toy2DKind> parse_toy2d(const std::string& name);

/// One toy distribution, ready to sample. Cheap to copy (custom copies its painted points).
class Toy2DDistribution {
 public:
  /// Builds a distribution. custom_points is used only by kCustom, which needs at least one point
  /// and all points finite (errors name "custom" and what was wrong); other kinds ignore it.
  static Result<Toy2DDistribution> make(Toy2DKind kind, std::vector<Point2> custom_points = {});

  /// The kind.
  Toy2DKind kind() const { return kind_; }
  /// The kind's name.
  const char* name() const { return toy2d_name(kind_); }
  /// Draws n points (none when n <= 0); deterministic for a given rng state.
  std::vector<Point2> sample(int n, std::mt19937_64& rng) const;
  /// Mode centres in mode-index order: ring8 8, grid25 25, gaussian 1 (its mean); others none.
  const std::vector<Point2>& mode_centers() const { return centers_; }
  /// Per-axis std of each mode (for mode-less kinds: the std of the added noise).
  float mode_sigma() const { return sigma_; }
  /// The exact population mean (custom: the mean of the painted points).
  Point2 mean() const { return mean_; }
  /// Suggested plot box.
  Box2 view_box() const { return view_; }
  /// The painted points (custom only; empty otherwise).
  const std::vector<Point2>& custom_points() const { return custom_; }

 private:
  Toy2DDistribution() = default;
  Toy2DKind kind_ = Toy2DKind::kRing8;
  std::vector<Point2> centers_;
  std::vector<Point2> custom_;
  float sigma_ = 0.0f;
  Point2 mean_;
  Box2 view_;
};

}  // namespace genscope
