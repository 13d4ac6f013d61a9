#pragma once
// ImageFamily: a Model (GAN, VAE, AE) trained on an image dataset: the batches (the whole train
// split on the device, a fresh permutation every epoch), the fixed noise of the sample grid, the
// real grid beside it, the latent tools and the sample diversity the collapse alarm watches.
// The GAN and VAE families are ImageFamilies with their own model maker and data check.
#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>

#include "core/refresh.h"
#include "train/batch_loader.h"
#include "train/models/family.h"
#include "train/models/image/latent_tools.h"
#include "train/models/image/model.h"

namespace genscope {

/// Number of images in the fixed-noise sample grid (8x8).
inline constexpr int kSampleGridCount = 64;

/// Mean pairwise L2 distance between the images of `fake` over that between the images of `real`
/// (both [N, ...], N >= 2): 1 for samples as varied as the data, 0 when every sample is the same
/// image (mode collapse). NaN when real has no spread.
double sample_diversity(const torch::Tensor& fake, const torch::Tensor& real);

/// Builds a family's model for images of `channels` x `size` x `size` on `device`.
using ModelMaker =
    std::function<std::unique_ptr<Model>(const Params& params, int channels, int size,
                                         torch::Device device)>;
/// Says why a family's model cannot train on `train` (its size), or nothing.
using ImageCheck = std::function<Status(const Params& params, const ImageSet& train)>;

class ImageFamily : public Family {
 public:
  /// The image family for `inputs.data` with models from `make`, after `check` accepted the data.
  static Result<std::unique_ptr<Family>> create(const Params& params, const FamilyInputs& inputs,
                                                ModelMaker make, const ImageCheck& check);

  void reset(const Params& params, const FamilyInputs& inputs) override;
  void set_live(const Params& params) override { model_->set_live(params); }
  FamilyStep step(const Params& params, int64_t steps_done) override;
  void after_step(const Params& params, int64_t step) override;
  void set_watched(bool watched) override { watched_ = watched; }
  Status set_distributed(std::shared_ptr<ProcessGroup> group) override;
  Result<CommandEffect> apply(const Command& command, int64_t step) override;
  const MetricSchema& schema() const override { return model_->schema(); }
  std::string description(const Params& params) const override;
  void render_samples(ImageRGBA& out) override;
  void fill_snapshot(Snapshot& out, const Params& params, bool with_images, int64_t step) override;
  void watch(AlarmMonitor& alarms, const MetricRow& row) override;
  void layer_histograms(int bins, std::vector<LayerHistogram>& out) override {
    model_->layer_histograms(bins, out);
  }
  std::string first_non_finite_parameter() override;
  torch::Device device() const override { return device_; }
  std::shared_ptr<const Dataset> data() const override { return data_; }
  std::unique_ptr<Model> model_copy() override;
  void save(StateWriter& w) override;
  Status load(StateReader& r) override;

  /// Every this many steps the sample diversity is evaluated (for the collapse alarm).
  static constexpr int kDiversityEvery = 100;
  /// The nearest training images of the sample grid are searched at step 100, then every this
  /// many steps (a search reads the whole train split: ~0.1 s for 3,600 32x32 colour images).
  static constexpr int kNearestEvery = 500;
  /// Searches the training images nearest to `fake` ([64, C, H, W] in [-1, 1]) now.
  void find_nearest(const torch::Tensor& fake, int64_t step);
  /// The last diversity evaluation (NaN before the first) and its step.
  double diversity() const { return diversity_; }
  int64_t diversity_step() const { return diversity_step_; }
  Model& model() { return *model_; }
  /// The next batch of real images in [-1, 1] (each mirrored with probability 1/2 when the hflip
  /// parameter of the last step was on), as a step takes it.
  torch::Tensor batch_for_test(int64_t n, bool hflip) {
    hflip_ = hflip;
    return next_batch(n);
  }
  const LatentViews& latent_views() const { return latent_; }
  /// Recomputes the latent tools' images now (fill_snapshot does when it publishes images).
  void render_latent(const Params& params, int64_t step);

 private:
  ImageFamily(ModelMaker make, torch::Device device) : make_(std::move(make)), device_(device) {}
  torch::Tensor next_batch(int64_t n);
  // The batch of `key` (on the loader's thread, or the caller's), and the order of an epoch:
  // the checkpoint's or reset's for the first, then a permutation drawn from the run's seed.
  torch::Tensor assemble(const BatchKey& key);
  torch::Tensor order_for(int64_t epoch);
  // A new loader over the current data and order_ (reset, load).
  void restart_loader();

  // The model's view of data-parallel training (group_: null for one process).
  DataParallel data_parallel() const;

  std::shared_ptr<ProcessGroup> group_;
  int rank_ = 0, world_ = 1;  // each step's batch is rows [rank * n, (rank + 1) * n) of
                              // world * n consecutive ones of the epoch's order
  bool hflip_ = false;  // the hflip parameter at this step
  bool watched_ = true;  // false: nobody sees the latent views, so they do not follow training
  ModelMaker make_;
  torch::Device device_;
  std::shared_ptr<const Dataset> data_;
  std::unique_ptr<Model> model_;
  Params params_;  // those the model was built from (model copies for quality need them)
  std::unique_ptr<LatentTools> latent_tools_;
  LatentSelection selection_;
  LatentViews latent_;
  int64_t latent_step_ = -1;          // step the latent views were rendered at
  uint64_t latent_revision_ = ~0ull;  // selection revision they were rendered for
  // The latent views (traversal, interpolation, explorer: ~80 decoded images) follow training
  // as often as that costs at most 5 % of its time, at most 4 Hz; a new selection renders them
  // at once. On a slow CPU they cost several sample grids.
  SampleCadence latent_cadence_{0.05, 0.5, 4.0, 0.05};
  std::chrono::steady_clock::time_point latent_rendered_{};
  torch::Tensor images_u8_;           // whole train split on the device, [N, C, H, W] uint8
  torch::Tensor order_;               // permutation of the current epoch
  uint64_t data_seed_ = 0;            // the seed the epochs' orders and flips are drawn from
  std::mutex orders_mutex_;
  std::map<int64_t, torch::Tensor> orders_;  // order_ and the next epoch's, made ahead
  std::unique_ptr<BatchLoader> loader_;      // declared last: stopped first
  torch::Tensor fixed_noise_;
  torch::Tensor real_grid_;  // kSampleGridCount real images for comparison, [-1,1]
  int64_t cursor_ = 0;
  int64_t epoch_ = 0;
  double diversity_ = std::numeric_limits<double>::quiet_NaN();
  int64_t diversity_step_ = -1;
  ImageRGBA nearest_;
  std::vector<float> nearest_distance_;
  uint64_t nearest_version_ = 0;
  int64_t nearest_step_ = -1;
  double real_nearest_ = -1.0;  // -1: not measured yet (the first search does)
  torch::Tensor real_indices_;  // the real grid's images in the train split
  ImageRGBA samples_cache_;
  int64_t samples_cache_step_ = 0;
  uint64_t samples_version_ = 0;
  uint64_t real_version_ = 0;
};

}  // namespace genscope
