#pragma once
// TrainingSession: the synchronous heart of training (data, model, parameters, step counting).
// The Trainer runs one on its own thread; the headless runner and the tests drive one directly.
#include <chrono>
#include <limits>
#include <memory>
#include <optional>

#include "data/dataset.h"
#include "core/command_queue.h"
#include "train/latent_tools.h"
#include "train/models/model.h"
#include "core/snapshot.h"
#include "train/toy_lab.h"

namespace genscope {

/// Number of images in the fixed-noise sample grid (8x8).
inline constexpr int kSampleGridCount = 64;

/// What one step did, for logs and tests.
struct StepOutcome {
  bool stepped = false;
  bool non_finite = false;  // a loss was NaN or infinite: training paused
  bool phase = false;       // 2D lab slow motion: one update made, the iteration not finished
  MetricRow row;
};

/// Mean pairwise L2 distance between the images of `fake` over that between the images of `real`
/// (both [N, ...], N >= 2): 1 for samples as varied as the data, 0 when every sample is the same
/// image (mode collapse). NaN when real has no spread.
double sample_diversity(const torch::Tensor& fake, const torch::Tensor& real);

/// Trains one experiment synchronously. Not thread-safe: one thread drives it.
class TrainingSession {
 public:
  /// Builds a session on an already loaded dataset, or, when params' dataset names a 2D
  /// distribution, a 2D-lab session (data unused; "custom" trains on `custom_points`).
  /// Throws nothing; errors come back as Result.
  static Result<std::unique_ptr<TrainingSession>> create(const Params& params,
                                                         std::shared_ptr<const Dataset> data,
                                                         std::vector<Point2> custom_points = {});

  /// Applies a command: live parameters at once, needs-reset ones on kReset, pause/resume/step,
  /// and latent-tool selections.
  /// Returns an error message for a rejected value (the session keeps running).
  Status apply(const Command& command);

  /// True when the session should take a step now (running, or single steps pending; in the 2D
  /// lab's slow motion, once the pause after the last update is over).
  bool wants_step() const;
  /// When a session that has steps to take but is waiting (slow motion) wants to be woken.
  std::optional<std::chrono::steady_clock::time_point> wake_at() const;

  /// One training step of the model (for a GAN: d_steps D updates and one G update), then one
  /// chunk of latent-map encoding when a refresh is due. A non-finite loss pauses training.
  StepOutcome step();

  /// Writes the current state (and the sample grids when `with_images`) into `out`.
  void fill_snapshot(Snapshot& out, bool with_images);

  /// Every this many steps an image model's sample diversity is evaluated (for the collapse alarm).
  static constexpr int kDiversityEvery = 100;
  /// The last diversity evaluation (NaN before the first) and its step.
  double diversity() const { return diversity_; }
  int64_t diversity_step() const { return diversity_step_; }

  /// Fixed-noise samples as an RGBA grid.
  void render_samples(ImageRGBA& out);

  /// Names of the metric columns this model reports.
  const MetricSchema& metric_names() const { return toy_ ? toy_metric_schema() : model_->schema(); }
  /// The 2D lab, or nullptr for image models.
  ToyLab* toy() { return toy_.get(); }
  bool is_toy() const { return toy_ != nullptr; }
  /// Where the networks run (CUDA when there is a GPU).
  torch::Device device() const { return device_; }

  bool paused() const { return paused_; }
  int64_t step_count() const { return step_; }
  const Params& params() const { return params_; }
  const Params& pending() const { return pending_; }
  Model& model() { return *model_; }  // image models only (toy() == nullptr)
  /// A copy of the image model's networks to decode with on another thread (quality metrics);
  /// the run's random stream is unchanged.
  std::unique_ptr<Model> model_copy();
  const LatentViews& latent_views() const { return latent_; }
  /// Recomputes the latent tools' images now (the trainer does it when publishing images).
  void render_latent();
  const std::shared_ptr<const Dataset>& data() const { return data_; }
  /// Replaces the dataset used from the next reset on (after the caller loaded it).
  void set_dataset(std::shared_ptr<const Dataset> data) { data_ = std::move(data); }
  /// The training state as a LibTorch archive: weights, optimizer state, the RNG, the fixed
  /// noise, the data order and the counters (with the parameters, a checkpoint). Errors are
  /// one line.
  Result<std::string> save_state();
  /// Restores save_state()'s bytes into this session (built from the same parameters): training
  /// then continues exactly as it would have. On error the session is left as it was... except
  /// where a half-read archive already changed weights; the caller then discards the session.
  Status restore_state(const std::string& bytes);
  /// The painted points a 2D-lab state holds (to build its session before restoring it).
  static Result<std::vector<Point2>> checkpoint_custom_points(const std::string& bytes);
  /// The painted points of a custom 2D dataset (empty otherwise).
  const std::vector<Point2>& custom_points() const { return custom_points_; }

  /// True when the last step's losses or any weight are NaN/inf: automatic checkpoints
  /// (periodic, on alarm) are then skipped, so they never replace a good one with a broken run.
  bool diverged();

  /// Remembers the last checkpoint written or read (the UI offers to roll back to it).
  void note_checkpoint(std::string path, int64_t step) {
    checkpoint_path_ = std::move(path);
    checkpoint_step_ = step;
  }

  /// The message shown in the UI (the last error or notice).
  const std::string& message() const { return message_; }
  /// The last checkpoint this session saved or was loaded from ("" when none).
  const std::string& checkpoint_path() const { return checkpoint_path_; }
  /// Sets the message shown in the UI; a non-empty one is also a line of the run's history.
  void set_message(MessageLevel level, std::string text);
  /// Shows a rejected edit (a value out of range...): the next applied edit clears it.
  void set_input_error(std::string text);
  /// Moves the history lines since the last call into `out` (appending); the trainer's
  /// EventLog numbers and keeps them.
  void take_events(std::vector<RunEvent>& out);

 private:
  TrainingSession(const Params& params, std::shared_ptr<const Dataset> data);
  TrainingSession(const Params& params, std::vector<Point2> custom_points);
  void rebuild();                       // new weights from the seed; resets counters
  void restart_counters(int64_t step);  // step, pending single steps and the rate clock
  StepOutcome toy_step();
  std::string first_non_finite_parameter();  // "" when every weight is finite
  void finish_step(StepOutcome& out, int finite_columns);
  torch::Tensor next_batch(int64_t n);
  void update_rate();

  Params params_;   // in force
  Params pending_;  // edited values, including needs-reset ones not yet applied
  std::shared_ptr<const Dataset> data_;
  torch::Device device_;
  std::unique_ptr<Model> model_;       // image models
  std::unique_ptr<ToyLab> toy_;        // the 2D lab
  std::vector<Point2> custom_points_;  // the 2D lab's painted points (dataset custom)
  std::string checkpoint_path_;        // last checkpoint saved or loaded
  int64_t checkpoint_step_ = -1;
  bool last_step_non_finite_ = false;
  double diversity_ = std::numeric_limits<double>::quiet_NaN();
  int64_t diversity_step_ = -1;
  void evaluate_diversity();
  void sample_histograms();  // every hist_every steps
  LayerHistograms histograms_;
  static constexpr int kHistogramBins = 40;
  Box2 toy_visible_;              // the 2D plot's visible box, kept across resets
  int toy_phase_ = 0;             // slow motion: updates made in the current iteration
  int64_t toy_images_step_ = -1;  // step the view's points and heatmap were computed at
  ToyStepResult toy_partial_{};   // slow motion: the iteration's results so far
  std::chrono::steady_clock::time_point toy_resume_{};  // slow motion: next update not before
  std::unique_ptr<LatentTools> latent_tools_;
  LatentSelection selection_;
  LatentViews latent_;
  int64_t latent_step_ = -1;          // step the latent views were rendered at
  uint64_t latent_revision_ = ~0ull;  // selection revision they were rendered for
  torch::Tensor images_u8_;           // whole train split on the device, [N, C, H, W] uint8
  torch::Tensor order_;               // permutation of the current epoch
  torch::Tensor fixed_noise_;
  torch::Tensor real_grid_;  // kSampleGridCount real images for comparison, [-1,1]
  int64_t cursor_ = 0;
  int64_t epoch_ = 0;
  int64_t step_ = 0;
  bool paused_ = false;
  int64_t steps_left_ = 0;
  MessageLevel message_level_ = MessageLevel::kNone;
  std::string message_;
  bool message_is_input_error_ = false;  // the message is a rejected edit
  std::vector<RunEvent> new_events_;     // since the last take_events()
  static constexpr std::size_t kMaxPendingEvents = 256;
  void push_event(RunEvent e);
  std::chrono::steady_clock::time_point start_, rate_mark_;
  int64_t rate_mark_step_ = 0;
  double steps_per_sec_ = 0.0;
  ImageRGBA samples_cache_;
  int64_t samples_cache_step_ = 0;
  uint64_t samples_version_ = 0;
  uint64_t real_version_ = 0;
};

}  // namespace genscope
