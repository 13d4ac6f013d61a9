#pragma once
// Family: what a training session needs from a kind of model. GANs on images, VAEs/AEs on images
// and the 2D GAN lab are families; colour images at other sizes and text models come the same way.
//
// The TrainingSession does what is the same for every family: the parameters in force and the
// pending ones, step counting, pause and single steps, messages and history lines, the NaN check
// that pauses a run, the histogram cadence, the checkpoint's container (step and painted points).
// The Run around it does quality scheduling, alarms' consequences, files. A family does the rest:
// its networks and data, one training step, what the panels see of it (Snapshot fields), what the
// alarms watch, its part of a checkpoint.
//
// Adding a family:
//  1. a folder under src/train/models/ with a class implementing Family, and a function that
//     returns its FamilyInfo (how the registry recognises its parameters and builds it);
//  2. one line in families.cpp;
//  3. its parameters in the table (src/core/params.cpp) with their ParamScope, and the
//     ModelFamily value core/params.h derives from the dataset and model (defaults, panels);
//  4. its panels, if it shows something no other family does (src/gui/panels, reading only the
//     Snapshot fields it fills).
// Nothing outside the family's folder branches on which family runs.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/alarms.h"
#include "core/command_queue.h"
#include "core/layer_histograms.h"
#include "core/params.h"
#include "core/snapshot.h"
#include "data/dataset.h"
#include "train/models/image/model.h"  // Model: what quality metrics score
#include "train/torch_pch.h"
#include "util/result.h"

namespace genscope {

class ProcessGroup;

/// What a family is built from besides the parameters.
struct FamilyInputs {
  std::shared_ptr<const Dataset> data;  // the loaded --dataset (families with uses_dataset)
  std::vector<Point2> custom_points;    // points painted in the window (the 2D lab's "custom")
};

/// What one call of Family::step did.
struct FamilyStep {
  bool done = true;  // false: part of a step (the 2D lab's slow motion); no row yet
  MetricRow row;     // count, values, epoch and unmeasured bits (step and time: the session's)
  int finite_columns = 0;  // the leading columns that must be finite (a NaN there pauses the run)
};

/// What the session does after a family took a command.
struct CommandEffect {
  bool pause = false;  // the command moved training by hand (a single update): pause
};

/// One kind of model, as a session holds it. Not thread-safe: the trainer thread drives it.
class Family {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~Family() = default;

  /// New networks from `params` (their seed); the data order and every counter start over.
  /// Throws std::exception with a one-line message on parameters it cannot build.
  virtual void reset(const Params& params, const FamilyInputs& inputs) = 0;
  /// Applies live parameters (learning rates...); optimizer state is kept.
  virtual void set_live(const Params& params) = 0;
  /// Takes one training step (or a part of one, see FamilyStep::done); `steps_done` counts the
  /// steps before it.
  virtual FamilyStep step(const Params& params, int64_t steps_done) = 0;
  /// After a step whose values were finite: background work paced by steps (latent map chunks,
  /// the sample diversity). `step` counts the steps taken, this one included.
  virtual void after_step(const Params& /*params*/, int64_t /*step*/) {}
  /// Trains as one rank of `group` (data-parallel, train/distributed.h): shards its data and
  /// averages its gradients over the ranks, now and after every reset. Families that cannot
  /// (the 2D lab, text models) say so.
  virtual Status set_distributed(std::shared_ptr<ProcessGroup> group);
  /// Whether anyone looks at the snapshots (a window, a recording). A run nobody watches (headless
  /// without --record) skips the views only the panels show (latent traversals, the latent map).
  virtual void set_watched(bool /*watched*/) {}
  /// When a family that has steps to take wants the next one (slow motion); nullopt: now.
  virtual std::optional<Clock::time_point> next_step_at() const { return std::nullopt; }
  /// The commands only some families take (latent selections, the 2D lab's view and single
  /// updates). A family ignores views it does not have and rejects actions it cannot take.
  virtual Result<CommandEffect> apply(const Command& command, int64_t step) = 0;

  /// The metric columns step() reports.
  virtual const MetricSchema& schema() const = 0;
  /// The line the run's history starts with ("training dcgan on mnist").
  virtual std::string description(const Params& params) const = 0;
  /// The sample image a finished run leaves in its directory ("samples.png").
  virtual std::string samples_file() const { return "samples.png"; }
  /// Renders that image (left empty by a family whose samples are text).
  virtual void render_samples(ImageRGBA& out) = 0;
  /// Text to append to a file of the run directory (a text model's samples.txt) since the last
  /// call; `file` receives the file's name. Empty: nothing to write.
  virtual std::string take_file_text(std::string& /*file*/) { return {}; }
  /// The run ends (headless at its last step, or the window closes): a last entry for those
  /// files.
  virtual void finish(const Params& /*params*/, int64_t /*step*/) {}
  /// Everything but the session's common fields: names, data, images, views, gradients...
  /// `with_images` asks for fresh images (they cost a forward pass); `step` is the session's.
  virtual void fill_snapshot(Snapshot& out, const Params& params, bool with_images,
                             int64_t step) = 0;
  /// Feeds the alarms what this family can say about a step (losses, collapse signs).
  virtual void watch(AlarmMonitor& alarms, const MetricRow& row) = 0;
  /// Histograms of every weight and activation (see Model::layer_histograms).
  virtual void layer_histograms(int bins, std::vector<LayerHistogram>& out) = 0;
  /// The first non-finite weights ("G net.0.weight, D net.3.weight"); "" when all are finite.
  virtual std::string first_non_finite_parameter() = 0;

  /// Where the networks run.
  virtual torch::Device device() const { return torch::kCPU; }
  /// The image dataset it trains on (quality metrics score against it); nullptr for none.
  virtual std::shared_ptr<const Dataset> data() const { return nullptr; }
  /// A copy of the image model to score on another thread; nullptr when there is none.
  virtual std::unique_ptr<Model> model_copy() { return nullptr; }

  /// Writes the family's state (weights, optimizers, RNG, data order) as named tensors.
  virtual void save(StateWriter& w) = 0;
  /// Reads what save() wrote into a family built from the same parameters; throws on a
  /// mismatch. Returns an error for state that reads but does not fit (a data order of another
  /// size).
  virtual Status load(StateReader& r) = 0;
};

/// How the registry knows a family.
struct FamilyInfo {
  ModelFamily kind;     // the parameter table's name for it (defaults, which rows apply)
  bool uses_dataset;    // trains on the loaded --dataset (the 2D lab samples its own data)
  int default_threads;  // LibTorch threads when threads = 0 (0: every core)
  /// Builds it (reset() included). May adjust `params` (a family's own reading of a default).
  /// Errors are one line naming the parameter or the dataset.
  std::function<Result<std::unique_ptr<Family>>(Params& params, const FamilyInputs& inputs)>
      create;
};

/// Every family (families.cpp).
const std::vector<FamilyInfo>& families();
/// The family `params` select (model_family() of them).
const FamilyInfo& family_info(const Params& params);

}  // namespace genscope
