#pragma once
// Run: the one owner of a training run. It holds the session (the model family, its data, the
// parameters requested and in force), schedules the quality metrics, watches the alarms and acts
// on them, decides when checkpoints are written, handles every Command and keeps the run
// directory (config.cfg, metrics.csv, events.log, checkpoints/, samples). The window's trainer
// thread is a loop of tick() plus publishing snapshots; a headless run is a loop of tick() with
// no window. Nothing outside decides anything about training. This header is torch-free.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/command_queue.h"
#include "core/params.h"
#include "core/run_dir.h"
#include "core/snapshot.h"
#include "util/result.h"

namespace genscope {

class ProcessGroup;

/// How a run starts and what it is for.
struct RunOptions {
  Params params;
  std::string resume;  // a checkpoint to start from (its parameters and state; the run-file
                       // settings of `params` still apply)
  std::string out;     // --out: the run directory the user named ("" when they did not)
  std::string dir;     // the first run directory, when the caller chose it already (else the
                       // Run chooses: RunDirectory::choose)
  /// Headless: an evaluation comes due at exactly every eval_every steps and training waits for
  /// it to be taken (so the same config gives the same metrics.csv), and the run's history lines
  /// are printed to stderr as they happen.
  bool headless = false;
  /// Someone looks at the snapshots (the window, a headless recording): the family keeps the
  /// views only panels show (latent traversals, the latent map) following training. run_headless
  /// clears it when nothing records.
  bool watched = true;
  /// Called when the run starts something slow (loading a dataset or a checkpoint) after saying
  /// so in its message: the window's trainer publishes a snapshot, so the user sees why it waits.
  std::function<void()> on_busy;
  /// Headless: export the generator here after the last step (--export-generator; "": do not).
  std::string export_generator;
  /// Headless: train to fork_at, then the run and one branch per entry of `forks` (run_headless;
  /// --fork-at, --fork) in turn; -1: no fork.
  int64_t fork_at = -1;
  std::vector<std::string> forks;
  /// A branch: `resume` is its parent's checkpoint at the fork step, and these edits
  /// ("key=value,...", apply_fork_edits) change its parameters before its model is built; the
  /// weights, optimizer state, data order and random stream stay the parent's. config.cfg names
  /// `parent`.
  std::string fork_edits;
  std::string parent;  // "DIR@STEP": the run this one was forked from, and the step
  /// Data-parallel training: this process's rank of the group (train/distributed.h); null:
  /// one process. Every rank runs the same Run; rank 0's directory is the run's.
  std::shared_ptr<ProcessGroup> group;
  /// Ranks sharing this machine: with threads = 0, each takes this many threads (0: every core).
  int ranks_here = 0;
};

/// True for the settings of a run's outputs rather than its training (checkpoint_every,
/// eval_every, tensorboard...): they stay the run's own across loads, and rank 0's only.
bool is_run_file_setting(ParamId id);

/// What one tick did.
struct TickOutcome {
  bool stepped = false;     // a training step was taken (`row` is its row)
  bool non_finite = false;  // its losses were NaN/inf: training paused
  MetricRow row;            // the model's columns (the plots' row; quality is in the snapshot)
};

/// Owns one run. Not thread-safe: one thread drives it.
class Run {
 public:
  explicit Run(RunOptions options);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  /// Loads the dataset (or the checkpoint), builds the model, creates the run directory and
  /// writes config.cfg. On failure the run stays without a session, says why in its message,
  /// and returns the error.
  Status start();
  /// Applies a command: an edit, pause/resume/step, reset, save/load/roll back, a mute...
  void handle(const Command& command);
  /// True once a kStop command was handled.
  bool stop_requested() const;
  /// True when the run should take a step now.
  bool wants_step() const;
  /// When a run waiting between two updates (2D lab slow motion) wants to be woken.
  std::optional<std::chrono::steady_clock::time_point> wake_at() const;
  /// True while the metric classifier is prepared or an evaluation runs (worth showing).
  bool quality_working() const;
  /// One training step when the run wants one, then what follows it: quality scheduling,
  /// alarms (and their checkpoints), periodic checkpoints, metrics.csv. Always (paused too):
  /// takes the evaluations that finished and writes the settled history lines.
  TickOutcome tick();
  /// Writes the run's state into `out` (and the images when `with_images`). False when drawing
  /// failed part-way: `out` is then not a complete snapshot and must not be published (the
  /// failure is the run's message, shown by the next complete one).
  bool fill(Snapshot& out, bool with_images);
  /// Renders only the sample grid for the fixed noise (a fork's other runs); false when there is
  /// none (no session yet, a family whose samples are text).
  bool render_samples(ImageRGBA& out);
  /// Writes the generator for Python (generator_export.h) to `path`: a bare name into the run
  /// directory, "" for RunDirectory::generator_export(step()); says so in the message. Errors:
  /// nothing trained yet, a family with no generator (text, the 2D lab), a diverged run, a file.
  /// Returns the weights file written (its .json beside it).
  Result<std::string> export_generator(const std::string& path);
  /// Saves a checkpoint now, where Save puts it (RunDirectory::checkpoint); returns its path.
  Result<std::string> save_checkpoint_now();
  /// Ends the run's files: waits for an evaluation in flight when headless, writes the rows
  /// held for it, the last history lines and the sample image (samples.png, for the 2D lab
  /// scatter.png). Returns the first file error of the run.
  Status finish();

  /// Data-parallel: trains on as one process after the group failed (a rank gone), taking the
  /// whole batch the ranks shared (as the run would have gone on) when it is within range.
  /// Returns what it did, for the run's message.
  std::string leave_group();

  bool has_session() const;
  int64_t step() const;
  /// The session's message (the last error or notice).
  std::string message() const;
  const RunDirectory& dir() const;
  /// The first error writing the run's files (metrics.csv, a checkpoint); "" when none.
  const std::string& file_error() const;
  /// The name of the sample image finish() writes.
  std::string samples_file() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace genscope
