#pragma once
// Run::Impl, the state of a Run, shared by the files that implement it: run.cpp (starting,
// commands, sessions, ticks), run_files.cpp (the history, the run directory, metrics.csv) and
// run_quality.cpp (quality evaluations, alarms and the checkpoints they trigger).
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/alarms.h"
#include "core/events.h"
#include "core/run_dir.h"
#include "record/metrics_csv.h"
#include "record/tensorboard_writer.h"
#include "train/quality_worker.h"
#include "train/run.h"
#include "core/thread_tuner.h"
#include "train/runtime.h"
#include "train/session.h"

namespace genscope {

/// True when `session` gets quality metrics: an image model on labelled data, eval_every > 0.
bool quality_wanted(const TrainingSession& session);

struct Run::Impl {
  using Clock = std::chrono::steady_clock;

  RunOptions options;
  Params requested;  // every accepted edit, applied or pending
  std::unique_ptr<TrainingSession> session;
  RunDirectory dir;
  std::string file_error;
  bool stop_requested = false;
  RuntimeInfo runtime;
  // Data-parallel: this rank's line for rank 0's Status, every 2 s (report_rank).
  Clock::time_point rank_reported{};
  double rank_allreduce_s = 0.0;
  int64_t rank_step = 0;
  std::optional<ThreadTuner> tuner;  // a windowed CPU run with threads = 0: measured counts
  MessageLevel idle_level = MessageLevel::kNone;  // messages while there is no session
  std::string idle_message;
  std::vector<Point2> custom_points;  // the 2D lab's painted points

  // The run's history: kept across resets and loads, written to events.log when settled.
  EventLog events;
  std::ofstream events_file;
  uint64_t written_id = 0, written_revision = 0;
  Clock::time_point newest_added{};

  // Quality: one worker per labelled dataset while eval_every > 0.
  std::unique_ptr<QualityWorker> quality;
  bool eval_pending = false;  // an evaluation came due while the worker was busy or preparing
  QualityView quality_view;   // the worker's view as last read
  std::size_t quality_seen = 0;  // evaluations of quality_view.history already handled
  bool quality_announced = false;
  std::deque<int64_t> awaiting;  // steps submitted for evaluation, results not in yet

  // metrics.csv: rows wait here while an evaluation of their step (or an earlier one) runs.
  std::optional<MetricsCsvWriter> csv;
  int quality_column = -1;  // index of fid in a row, -1 without quality columns
  std::deque<MetricRow> held;

  // TensorBoard's event file beside metrics.csv (tensorboard = on): the same rows as scalars,
  // the samples every tb_image_every steps, the histograms whenever they are sampled.
  std::optional<TensorBoardWriter> tb;
  MetricSchema tb_columns;
  double tb_wall_offset = NAN;  // Unix time of a row's wall_s 0 (set by the first row written)
  uint64_t tb_histograms = 0;   // the version of the histograms written last
  Clock::time_point tb_flushed{};

  AlarmMonitor alarms;

  // LibTorch's threads: set from the parameters (threads = 0: genscope's choice), then tuned.
  void apply_threads();
  void tune_threads(double step_seconds);

  explicit Impl(RunOptions o) : options(std::move(o)), requested(options.params) {}

  int64_t step() const { return session ? session->step_count() : 0; }

  // While a dataset loads: what the window's Status panel shows (a bar) and headless prints.
  std::string loading_text;
  double loading_fraction = -1.0;
  int loading_printed = -1;  // the last tenth headless printed
  // The dataset `params` name, shaped by their resolution and channels, with progress.
  Result<std::shared_ptr<const Dataset>> load_data(const Params& params);

  void message(MessageLevel level, std::string text) {
    if (session) return session->set_message(level, std::move(text));
    if (level != MessageLevel::kNone && !text.empty()) add_event(RunEvent::message(level, text, 0));
    idle_level = level;
    idle_message = std::move(text);
  }

  void input_error(std::string text) {
    if (session) return session->set_input_error(std::move(text));
    message(MessageLevel::kError, std::move(text));
  }

  // An exception's first line is what the user sees; LibTorch's backtrace after it goes only into
  // events.log.
  void report_failure(const std::string& what, const std::exception& e);

  void note_file_error(const std::string& error) {
    if (file_error.empty()) file_error = error;
    message(MessageLevel::kError, error);
  }

  // ---- history -------------------------------------------------------------------------------

  void add_event(RunEvent e);

  void collect_events();

  // Writes the lines that can no longer change to events.log (an edit can merge with the next
  // edit of its parameter for EventLog::kMergeSeconds); all of them with `all`.
  void write_events(bool all);

  // ---- the run directory ---------------------------------------------------------------------

  // Opens the run's files in `path`: config.cfg (rewritten), events.log (appended to) and
  // metrics.csv, which a run that `continues` one from a checkpoint appends to; a new run
  // starts it afresh.
  void open_files(const std::string& path, bool continues = false);

  void close_files();

  // A reset is a new run: a new folder (the same one when nothing was trained in it yet).
  void start_new_run_files(int64_t steps_trained);

  // ---- metrics.csv ---------------------------------------------------------------------------

  void hold_row(MetricRow row);
  /// Appends what the family has for its text files (samples.txt) to the run directory.
  void append_family_text();

  // Writes the rows no evaluation still has to fill in (every row with `all`).
  void flush_rows(bool all);

  // ---- TensorBoard ---------------------------------------------------------------------------

  // Opens or closes the event file as the tensorboard parameter says.
  void sync_tensorboard();
  void tb_write(const std::string& event);
  // One metrics.csv row, quality cells filled in, as scalars.
  void tb_row(const MetricRow& row);
  // After a step: the sample grid when due, new histograms, a flush every few seconds.
  void tb_after_step(int64_t step);

  // ---- quality -------------------------------------------------------------------------------

  void sync_quality(bool new_run);

  // Offers the worker a copy of the model when an evaluation is due (or was, while it was busy).
  // Headless, training waits for the worker, so evaluations happen at exactly their steps.
  void offer_evaluation(bool non_finite);
  void report_rank();

  // Takes the worker's new evaluations: into their rows of metrics.csv and the alarms.
  void take_quality_results();

  // ---- alarms and checkpoints ----------------------------------------------------------------

  void watch_alarms(const MetricRow& row);

  bool save_to(const std::string& path, const std::string& what);

  void periodic_checkpoint();

  // ---- sessions ------------------------------------------------------------------------------

  void load_checkpoint(const std::string& path, bool rollback);
  void build_session();
  void handle(const Command& c);
  void handle_files(const Command& c);
  Result<std::string> export_generator(const std::string& path);
  void save_diverged();
  bool handle_paint(const Command& c);
  bool fill(Snapshot& s, bool with_images);
};

}  // namespace genscope
