#pragma once
// Trainer: runs a TrainingSession on its own thread. It drains Commands between steps and publishes
// Snapshots and metric rows through a TrainerLink. This header is torch-free.
#include <functional>
#include <memory>

#include "core/metric_stream.h"
#include "core/params.h"

namespace genscope {

/// Owns the training thread. Construct, start(), and destroy (or stop()) to end it.
class Trainer {
 public:
  /// Trains the experiment `params` describes, talking through `link` (which must outlive it).
  /// With `resume_path`, starts from that checkpoint instead (its parameters and state; the
  /// checkpoint and checkpoint_every values of `params` still apply).
  Trainer(TrainerLink& link, Params params, std::string resume_path = {});
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  /// Starts the thread: it loads the dataset, builds the model and trains until paused or stopped.
  void start();
  /// Asks the thread to leave at the next step boundary and joins it. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Sees a headless run: called at step 0 and every `every` steps after it (and at the last step)
/// with a snapshot that includes the images, and the metric rows since the previous call. An
/// error it returns ends the run with that error.
struct HeadlessObserver {
  int64_t every = 0;  // 0: never called
  std::function<Status(const Snapshot&, const std::vector<MetricRow>&)> on_snapshot;
};

/// Trains `steps` steps on the calling thread with no window, writing `out_dir/metrics.csv` and
/// `out_dir/samples.png`; an alarm's checkpoint goes to `out_dir/checkpoints/`. Returns a
/// one-line error (naming the file or value) on failure.
/// With `resume_path` the run continues from that checkpoint (steps more steps), and
/// params' checkpoint / checkpoint_every still apply.
Status run_headless(const Params& params, int64_t steps, const std::string& out_dir,
                    const HeadlessObserver& observer = {}, const std::string& resume_path = {});

}  // namespace genscope
