#pragma once
// TrainingSession: the synchronous heart of training. It holds one model family (models/family.h)
// and does what every family shares: the parameters in force and pending, step counting, pause
// and single steps, messages and history lines, the NaN check, histograms, checkpoint state.
// The Run drives one on the trainer thread (or the caller's, headless); tests drive one directly.
#include <chrono>
#include <limits>
#include <memory>
#include <optional>

#include "core/command_queue.h"
#include "core/snapshot.h"
#include "data/dataset.h"
#include "train/models/family.h"

namespace genscope {

/// What one step did, for logs and tests.
struct StepOutcome {
  bool stepped = false;
  bool non_finite = false;  // a loss was NaN or infinite: training paused
  bool phase = false;       // 2D lab slow motion: one update made, the iteration not finished
  MetricRow row;
};

/// Trains one experiment synchronously. Not thread-safe: one thread drives it.
class TrainingSession {
 public:
  /// Builds a session of the family `params` select (family_info()) on an already loaded
  /// dataset (families that use one), or on `custom_points` (the 2D lab's "custom").
  /// Throws nothing; errors come back as Result.
  static Result<std::unique_ptr<TrainingSession>> create(const Params& params,
                                                         std::shared_ptr<const Dataset> data,
                                                         std::vector<Point2> custom_points = {});

  /// Applies a command: live parameters at once, needs-reset ones on kReset, pause/resume/step,
  /// painted points (a new run on them); the family's own (latent selections, the 2D lab's).
  /// Returns an error message for a rejected value (the session keeps running).
  Status apply(const Command& command);

  /// True when the session should take a step now (running, or single steps pending; in the 2D
  /// lab's slow motion, once the pause after the last update is over).
  bool wants_step() const;
  /// When a session that has steps to take but is waiting (slow motion) wants to be woken.
  std::optional<std::chrono::steady_clock::time_point> wake_at() const;

  /// One training step of the family (for a GAN: d_steps D updates and one G update), then its
  /// work paced by steps (a chunk of latent-map encoding). A non-finite loss pauses training.
  StepOutcome step();

  /// Writes the current state (and the sample grids when `with_images`) into `out`.
  void fill_snapshot(Snapshot& out, bool with_images);

  /// The family's sample image (the grid of fixed-noise samples; the 2D lab's scatter plot).
  void render_samples(ImageRGBA& out) { family_->render_samples(out); }
  /// The newest layer histograms (every hist_every steps; version changes with each sample).
  const LayerHistograms& histograms() const { return histograms_; }

  /// Names of the metric columns this model reports.
  const MetricSchema& metric_names() const { return family_->schema(); }
  /// The model family this session trains.
  Family& family() { return *family_; }
  const Family& family() const { return *family_; }
  /// The family as its own type (tests, family-specific tools); nullptr for another family.
  template <class F>
  F* family_as() {
    return dynamic_cast<F*>(family_.get());
  }
  /// Where the networks run (CUDA when there is a GPU, for families that use it).
  torch::Device device() const { return family_->device(); }

  /// This run's id (unique in the process): new weights or a load make a new run, whose rows
  /// (MetricRow::run) and snapshots carry the new id.
  uint64_t run_id() const { return run_id_; }
  bool paused() const { return paused_; }
  int64_t step_count() const { return step_; }
  const Params& params() const { return params_; }
  const Params& pending() const { return pending_; }
  /// A copy of the image model's networks to decode with on another thread (quality metrics);
  /// the run's random stream is unchanged. nullptr for families without one.
  std::unique_ptr<Model> model_copy() { return family_->model_copy(); }
  /// The image dataset the family trains on (nullptr for the 2D lab).
  std::shared_ptr<const Dataset> data() const { return family_->data(); }
  /// The training state as a LibTorch archive: the family's (weights, optimizer state, RNG, the
  /// fixed noise, the data order), the painted points and the step (with the parameters, a
  /// checkpoint). Errors are one line.
  Result<std::string> save_state();
  /// Restores save_state()'s bytes into this session (built from the same parameters): training
  /// then continues exactly as it would have. On error the session is left as it was... except
  /// where a half-read archive already changed weights; the caller then discards the session.
  Status restore_state(std::string bytes);
  /// What a state says before its session is built: the painted points it trains on (none when
  /// it has none) and how many data-parallel ranks trained it (1: one process).
  struct CheckpointInputs {
    std::vector<Point2> custom_points;
    int ranks = 1;
  };
  static Result<CheckpointInputs> checkpoint_inputs(const std::string& bytes);
  /// The painted points the session trains on (empty unless the 2D lab's "custom").
  const std::vector<Point2>& custom_points() const { return inputs_.custom_points; }

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
  /// Its step (-1 when none).
  int64_t checkpoint_step() const { return checkpoint_step_; }
  /// Sets the message shown in the UI; a non-empty one is also a line of the run's history.
  void set_message(MessageLevel level, std::string text);
  /// Shows a rejected edit (a value out of range...): the next applied edit clears it.
  void set_input_error(std::string text);
  /// Moves the history lines since the last call into `out` (appending); the trainer's
  /// EventLog numbers and keeps them.
  void take_events(std::vector<RunEvent>& out);

 private:
  TrainingSession(const Params& params, FamilyInputs inputs, std::unique_ptr<Family> family);
  void rebuild();                       // new weights from the seed; resets counters
  void restart_counters(int64_t step);  // step, pending single steps and the rate clock
  void finish_step(StepOutcome& out, int finite_columns);
  void sample_histograms();  // every hist_every steps
  void update_rate();
  Status paint(const Command& command);
  Status apply_edit(const Command& command);
  void push_event(RunEvent e);

  Params params_;   // in force
  Params pending_;  // edited values, including needs-reset ones not yet applied
  FamilyInputs inputs_;
  std::unique_ptr<Family> family_;
  std::string checkpoint_path_;  // last checkpoint saved or loaded
  int64_t checkpoint_step_ = -1;
  bool last_step_non_finite_ = false;
  LayerHistograms histograms_;
  static constexpr int kHistogramBins = 40;
  int64_t step_ = 0;
  uint64_t run_id_ = 0;
  bool paused_ = false;
  int64_t steps_left_ = 0;
  MessageLevel message_level_ = MessageLevel::kNone;
  std::string message_;
  bool message_is_input_error_ = false;  // the message is a rejected edit
  std::vector<RunEvent> new_events_;     // since the last take_events()
  static constexpr std::size_t kMaxPendingEvents = 256;
  std::chrono::steady_clock::time_point start_, rate_mark_;
  int64_t rate_mark_step_ = 0;
  double steps_per_sec_ = 0.0;
};

}  // namespace genscope
