#pragma once
// ToyLab: the 2D GAN lab's experiment: a ToyGan on a toy distribution, built from the parameter
// table, with its mode metrics and the view data the panels draw. The TrainingSession owns one
// when the dataset names a 2D distribution. Plain C++ header (the torch side is in ToyGan).
#include <memory>
#include <vector>

#include "train/models/toy/toy_gan.h"
#include "core/params.h"
#include "core/snapshot.h"

namespace genscope {

/// Metric columns of the 2D lab, in order: loss_d, loss_g, d_real, d_fake, modes_covered,
/// hq_percent, kl, js. The last four come from the latest evaluation.
const MetricSchema& toy_metric_schema();
/// Generated samples per evaluation (the VEEGAN / PacGAN protocol).
inline constexpr int kToyEvalSamples = 2500;
/// Real and generated points shown in the plot.
inline constexpr int kToyViewPoints = 1024;
/// Heatmap cells per side.
inline constexpr int kToyHeatCells = 64;

/// The ToyGanConfig `params` describe (layers, widths, activation, noise, loss, optimizers,
/// learning rates, D/G steps, batch size, seed).
ToyGanConfig toy_config(const Params& params);
/// The 2D lab's defaults from the parameter table (what `--dataset ring8` alone trains).
ToyGanConfig toy_default_config();

class ToyLab {
 public:
  /// Builds the lab for params' dataset (a 2D distribution name; "custom" uses `custom_points`).
  /// Errors name the dataset or the parameter.
  static Result<std::unique_ptr<ToyLab>> create(const Params& params,
                                                std::vector<Point2> custom_points = {});

  /// d_steps D updates then g_steps G updates.
  ToyStepResult iteration();
  /// One D update / one G update (slow motion, the step buttons). Updates the caption.
  ToyStepResult d_update();
  ToyStepResult g_update();
  /// Live parameters: learning rates, gp_lambda, D/G steps, batch size (optimizer state kept).
  void set_live(const Params& params);

  /// Mode coverage of kToyEvalSamples fresh samples and KL/JS of their histogram against a fixed
  /// real set, over the distribution's view box (50 x 50 cells). `step` seeds the fresh noise.
  void evaluate(int64_t step);
  /// Writes one metric row's values: the step result's four, then the last evaluation's four
  /// (NaN for modes_covered / hq_percent on distributions without modes).
  void fill_values(const ToyStepResult& r, MetricRow& row) const;

  /// The box the heatmap covers (the plot's visible box; the data box until the UI says).
  void set_visible_box(const Box2& box);
  /// Fills the view: counters and metrics always; with `with_images` also recomputes the fake
  /// points, arrows, heatmap and manifold.
  void fill_view(ToyView& out, bool with_images);

  /// The last evaluation as numbers (step, modes covered, HQ %, KL, JS, per-mode shares), for
  /// checkpoints; set_metrics_state() puts them back.
  std::vector<double> metrics_state() const;
  void set_metrics_state(const std::vector<double>& state);

  /// Sets the slow-motion caption (the session narrates whole iterations).
  void set_caption(ToyPhase phase, std::string text);
  const ToyGan& gan() const { return *gan_; }
  ToyGan& gan() { return *gan_; }
  const Toy2DDistribution& data() const { return gan_->data(); }
  /// The last evaluation's view fields (for tests and the headless runner).
  const ToyView& last() const { return view_; }

 private:
  ToyLab() = default;
  void refresh_images();

  std::unique_ptr<ToyGan> gan_;
  std::vector<Point2> eval_real_;  // fixed real reference set for KL/JS
  Box2 visible_;
  uint64_t seed_ = 1;
  ToyView view_;  // kept between fills; the images part refreshed on demand
};

}  // namespace genscope
