#pragma once
// Trainer: drives a Run on its own thread (tick, then publish). It drains Commands between steps
// and publishes Snapshots and metric rows through a TrainerLink. run_headless drives the same Run
// on the calling thread with no window. This header is torch-free.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/metric_stream.h"
#include "core/params.h"
#include "train/run.h"

namespace genscope {

/// Owns the training thread. Construct, start(), and destroy (or stop()) to end it.
class Trainer {
 public:
  /// Trains the experiment `params` describes, talking through `link` (which must outlive it).
  /// With `resume_path`, starts from that checkpoint instead (its parameters and state; the
  /// run-file settings of `params` still apply). The run directory is `out_dir`, or one the Run
  /// chooses (RunDirectory::choose) when it is empty.
  Trainer(TrainerLink& link, Params params, std::string resume_path = {},
          std::string out_dir = {});
  /// The same with every option of the Run.
  Trainer(TrainerLink& link, RunOptions options);
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

/// Where a headless run wrote: its run directory and the name of the sample image in it.
struct HeadlessFiles {
  std::string dir;
  std::string samples;  // "samples.png"; the 2D lab's "scatter.png"
  std::string exported;  // the generator's weights file when --export-generator wrote it
  /// A fork's (options.fork_at): each branch's run directory.
  std::vector<std::string> branches;
  /// Data-parallel (options.group), on rank 0: each rank's steps/s and all-reduce share.
  std::vector<std::string> ranks;
};

/// Trains `steps` steps of the Run `options` describes on the calling thread with no window
/// (options.headless is what the caller set: the CLI sets it), in its run directory (stored in
/// `files` once chosen, also on failure). Returns a one-line error (naming the file or value)
/// on failure, or when training stopped early (a NaN loss, Ctrl+C).
Status run_headless(const RunOptions& options, int64_t steps, const HeadlessObserver& observer = {},
                    HeadlessFiles* files = nullptr);
/// A data-parallel rank other than 0 beside a served run (--serve on every rank): trains the
/// same Run, taking rank 0's commands each turn (train/distributed.h), until rank 0 stops. Its
/// files go to options.dir; it writes no checkpoint a user asks for (rank 0 does).
Status run_rank_follower(const RunOptions& options);
/// The same with headless options: `out_dir` is the run directory ("" chooses one).
Status run_headless(const Params& params, int64_t steps, const std::string& out_dir,
                    const HeadlessObserver& observer = {}, const std::string& resume_path = {});

}  // namespace genscope
