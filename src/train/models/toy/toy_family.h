#pragma once
// The 2D GAN lab family: a ToyLab (a small GAN on a 2D distribution, its mode metrics and
// views), stepped whole or, in slow motion, one update at a time with a pause after each.
#include <chrono>
#include <memory>

#include "train/models/family.h"
#include "train/models/toy/toy_lab.h"

namespace genscope {

/// The 2D lab's registry entry (families.cpp).
FamilyInfo toy_family();

class ToyFamily : public Family {
 public:
  void reset(const Params& params, const FamilyInputs& inputs) override;
  void set_live(const Params& params) override { lab_->set_live(params); }
  FamilyStep step(const Params& params, int64_t steps_done) override;
  std::optional<Clock::time_point> next_step_at() const override { return resume_; }
  Result<CommandEffect> apply(const Command& command, int64_t step) override;
  const MetricSchema& schema() const override { return toy_metric_schema(); }
  std::string description(const Params& params) const override;
  std::string samples_file() const override { return "scatter.png"; }
  void render_samples(ImageRGBA& out) override;
  void fill_snapshot(Snapshot& out, const Params& params, bool with_images, int64_t step) override;
  void watch(AlarmMonitor& alarms, const MetricRow& row) override;
  void layer_histograms(int bins, std::vector<LayerHistogram>& out) override {
    lab_->gan().layer_histograms(bins, out);
  }
  std::string first_non_finite_parameter() override {
    return lab_->gan().first_non_finite_parameter();
  }
  void save(StateWriter& w) override;
  Status load(StateReader& r) override;

  ToyLab& lab() { return *lab_; }

 private:
  std::unique_ptr<ToyLab> lab_;
  Box2 visible_;                 // the 2D plot's visible box, kept across resets
  int phase_ = 0;                // slow motion: updates made in the current iteration
  ToyStepResult partial_{};      // slow motion: the iteration's results so far
  Clock::time_point resume_{};   // slow motion: next update not before
  int64_t images_step_ = -1;     // step the view's points and heatmap were computed at
};

}  // namespace genscope
