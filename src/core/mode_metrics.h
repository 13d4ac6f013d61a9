#pragma once
// Mode-collapse metrics for the 2D GAN lab: mode coverage and histogram KL/JS. Plain C++, no torch.
//
// Mode coverage follows the protocol of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al.
// 2018) for the 2D ring and grid, usually on 2,500 generated samples:
//  - a sample is "high quality" (HQ) when its Euclidean distance to the NEAREST mode centre is
//    strictly less than hq_sigmas * sigma (default 3 sigma); non-finite samples never are;
//  - each HQ sample is assigned to that nearest centre (ties: the lower mode index);
//  - a mode is "covered" when at least min_count HQ samples are assigned to it. The default
//    min_count = 1 is the rule of VEEGAN and of PacGAN's released code (a mode counts when its
//    count is non-zero).
//
// Divergences compare two sample sets through 2D histograms of bins x bins equal cells over a box
// (e.g. 50 x 50 over the view box). Points outside the box are clamped into the
// nearest edge cell, so every finite point counts; non-finite points are dropped. With P the real
// and Q the generated histogram, each normalised to sum 1:
//  - KL(P || Q) = sum_i p_i ln(p_i / q_i) in nats, computed on smoothed histograms
//    p'_i = (p_i + eps) / (1 + bins^2 eps), likewise q', with eps = 1e-6 by default, so it is
//    finite (at most about ln(1/eps) = 13.8 for disjoint sets) and 0 for identical histograms;
//  - reverse KL(Q || P), the same with the roles swapped;
//  - JS(P, Q) = KL(P || M)/2 + KL(Q || M)/2 with M = (P + Q)/2, on the unsmoothed histograms,
//    in nats: 0 for identical histograms, exactly ln 2 for disjoint ones.
// With finite samples both have a positive floor from sampling noise: two independent 2,500-point
// draws over 50 x 50 bins of [-3,3]^2 give about KL 0.4 / JS 0.06 for gaussian and KL 0.014 /
// JS 0.003 for ring8, so compare values at a fixed sample count and bin count.
#include <vector>

#include "data/toy2d.h"
#include "util/result.h"

namespace genscope {

/// How mode_coverage() counts: see the file comment for the rule.
struct ModeCoverageOptions {
  double hq_sigmas = 3.0;  // HQ radius in units of the mode sigma
  int min_count = 1;       // HQ samples a mode needs to count as covered (below 1 acts as 1)
};

/// Mode coverage of one set of generated samples.
struct ModeStats {
  int samples = 0;                     // samples given (including non-finite ones)
  int modes_total = 0;                 // number of mode centres
  int modes_covered = 0;               // modes with at least min_count HQ samples
  int hq_count = 0;                    // HQ samples
  double hq_percent = 0.0;             // 100 * hq_count / samples (0 when there are no samples)
  std::vector<int> per_mode_count;     // HQ samples assigned to each mode, in centre order
  std::vector<double> per_mode_share;  // per_mode_count / samples (a fraction of ALL samples)
};

/// Counts HQ samples and covered modes of `samples` against `centers` with per-axis std `sigma`.
/// No centres: everything is 0. sigma <= 0 (or hq_sigmas <= 0): no sample is HQ.
ModeStats mode_coverage(const std::vector<Point2>& samples, const std::vector<Point2>& centers,
                        float sigma, const ModeCoverageOptions& options = {});

/// mode_coverage() against a distribution's mode_centers() and mode_sigma().
ModeStats mode_coverage(const std::vector<Point2>& samples, const Toy2DDistribution& dist,
                        const ModeCoverageOptions& options = {});

/// Default histogram smoothing for the KL terms (see the file comment).
constexpr double kDivergenceEpsilon = 1e-6;
/// Default histogram resolution per axis (50 x 50 cells).
constexpr int kDivergenceBins = 50;

/// Histogram divergences between real and generated samples, in nats.
struct DivergenceStats {
  double kl = 0.0;          // KL(real || generated), smoothed
  double reverse_kl = 0.0;  // KL(generated || real), smoothed
  double js = 0.0;          // Jensen-Shannon, unsmoothed, within [0, ln 2]
  int bins = 0;             // cells per axis
  int real_used = 0;        // finite real points counted
  int fake_used = 0;        // finite generated points counted
};

/// KL and JS between the bins x bins histograms of `real` and `fake` over `box` (file comment).
/// Errors: bins outside [1, 1000], an invalid box, eps not in (0, 1], or a set with no finite
/// point (each error names the argument).
Result<DivergenceStats> histogram_divergence(const std::vector<Point2>& real,
                                             const std::vector<Point2>& fake, const Box2& box,
                                             int bins = kDivergenceBins,
                                             double eps = kDivergenceEpsilon);

}  // namespace genscope
