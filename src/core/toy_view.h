#pragma once
// What the 2D GAN lab publishes for the view, and the plain-C++ helpers that turn it into
// pixels: the heatmap's colour map, the manifold's density shading and the scatter image that
// headless runs save. No torch, no GL.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "data/toy2d.h"
#include "util/image.h"

namespace genscope {

/// How many leading metric columns of the 2D lab are training values that must stay finite (the
/// losses and D scores; the mode columns after them may be NaN).
inline constexpr int kToyTrainingColumns = 4;

/// Which update a slow-motion phase or a step button made last.
enum class ToyPhase { kNone, kDiscriminator, kGenerator };

/// The 2D lab's state for the panels (Snapshot::toy). Empty unless `active`.
struct ToyView {
  bool active = false;
  uint64_t version = 0;        // changes whenever the points, heatmap or manifold change
  std::string dataset;         // "ring8", ...
  std::string definition;      // the distribution's one-line definition
  Box2 data_box;               // the distribution's suggested view (the plot's home view)
  std::vector<Point2> real;    // real samples drawn once per reset (1,024)
  std::vector<Point2> fake;    // G applied to the fixed noise (1,024)
  std::vector<Point2> arrows;  // -d(G loss)/dx at each fake point (same order as `fake`)
  std::vector<Point2> centers; // mode centres (ring8 8, grid25 25, gaussian 1; else none)
  float mode_sigma = 0.0f;     // per-axis std of each mode

  // Discriminator heatmap: D's output at the centres of cols x rows cells over heat_box,
  // row-major, row 0 at heat_box.min_y (see ToyGan::discriminator_grid).
  Box2 heat_box;
  int heat_cols = 0, heat_rows = 0;
  std::vector<float> heat;
  bool heat_is_probability = true;  // D(x) in [0, 1] (BCE losses) or a raw score
  float heat_lo = 0.0f, heat_hi = 1.0f;  // the colour map's range (fixed [0, 1] for probabilities)
  uint64_t heat_version = 0;

  // Generator manifold: G over a regular noise grid (ToyGan::manifold), res points per side.
  std::vector<Point2> manifold;
  int manifold_res = 0;
  int noise_dim = 2;
  bool noise_uniform = false;

  // Mode metrics of the last evaluation (2,500 fresh samples).
  int64_t metrics_step = -1;
  int eval_samples = 0;  // generated samples per evaluation
  int modes_total = 0;
  int modes_covered = 0;
  double hq_percent = 0.0;
  std::vector<double> mode_share;  // share of ALL samples in each mode (HQ samples only)
  double kl = 0.0, js = 0.0;

  // Counters and the slow-motion caption.
  int64_t d_updates = 0, g_updates = 0;
  ToyPhase phase = ToyPhase::kNone;
  std::string caption;  // what the last phase did, in words
  std::string loss_name, optimizer_g, optimizer_d;
};

/// The heatmap's colours (GAN Lab's convention): t = 0 (D says fake) purple, 0.5 near white,
/// t = 1 (D says real) green. t is clamped to [0, 1]; alpha 255.
std::array<uint8_t, 4> toy_heat_color(float t);
/// RGBA pixels of the heatmap (heat_cols x heat_rows, row 0 = the TOP row, i.e. max_y, as images
/// and textures expect), values mapped from [heat_lo, heat_hi] by toy_heat_color.
ImageRGBA toy_heat_image(const ToyView& view);
/// The colour-map position of a heat value: (v - lo) / (hi - lo), clamped to [0, 1].
float toy_heat_t(const ToyView& view, float v);
/// Robust range of raw scores: the 2nd and 98th percentiles of the finite values (lo < hi; a
/// constant grid gets lo - 0.5, hi + 0.5).
void toy_heat_range(const std::vector<float>& values, float& lo, float& hi);

/// Relative density of the generator's output over each cell of its manifold mesh: the noise
/// probability mass of the cell divided by the cell's area in the data plane, normalised so the
/// largest finite value is 1. noise_dim >= 2: (res-1)^2 quads, row-major like the points; mass
/// from the noise density at the cell centre (uniform: equal). noise_dim 1: res-1 segments, mass
/// over length. Degenerate cells (area ~0) get 1. `range` is the noise grid's half width
/// (1 uniform, 2 Gaussian). Empty when res < 2 or the points are not res or res^2.
std::vector<float> manifold_density(const std::vector<Point2>& points, int res, int noise_dim,
                                    bool noise_uniform);

/// Draws the headless scatter image: the heatmap (when present) over `box`, mode centres as
/// small crosses, real points green and generated points purple, size x size pixels, y up.
ImageRGBA render_toy_scatter(const ToyView& view, const Box2& box, int size);

/// The box after zooming by `factor` (< 1 zooms in) about `anchor`, which stays where it is on
/// screen. factor is clamped so the box stays between 1e-3 and 1e4 units wide.
Box2 zoom_box(const Box2& box, float factor, Point2 anchor);
/// The box moved by (dx, dy) data units.
Box2 pan_box(const Box2& box, float dx, float dy);

/// Colours shared by the panel and the scatter image.
inline constexpr std::array<uint8_t, 4> kToyRealColor{20, 120, 50, 255};
inline constexpr std::array<uint8_t, 4> kToyFakeColor{130, 40, 190, 255};

}  // namespace genscope
