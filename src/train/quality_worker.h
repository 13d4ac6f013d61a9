#pragma once
// QualityWorker: the quality metrics on their own thread, so the window's frames and the trainer
// never wait for them. It prepares the metric classifier as soon as it is built, then scores the
// generator copies the trainer hands it (one at a time; a copy offered while it is busy is
// declined and the trainer offers the next one).
#include <condition_variable>
#include <mutex>
#include <thread>

#include "train/quality.h"

namespace genscope {

/// Runs QualityMetrics for one dataset on a background thread at low priority.
class QualityWorker {
 public:
  /// Starts preparing the metrics of `data` (classifier cached under `cache_dir`).
  QualityWorker(std::shared_ptr<const Dataset> data, torch::Device device, std::string cache_dir,
                ClassifierTraining training = {});
  /// Cancels preparing or an evaluation in flight and joins the thread.
  ~QualityWorker();
  QualityWorker(const QualityWorker&) = delete;
  QualityWorker& operator=(const QualityWorker&) = delete;

  /// True when the classifier is ready and no evaluation is running.
  bool accepting() const;
  /// True while the classifier is being prepared or an evaluation is running (not once it failed).
  bool working() const;
  /// Scores `model` (a copy the worker now owns) at `step` with `n` images. False (and the copy
  /// dropped) when not accepting.
  bool submit(std::unique_ptr<Model> model, int64_t step, int n);
  /// Starts a new run (a reset or a loaded checkpoint): forgets the evaluations, and the result
  /// of one in flight.
  void new_run();
  /// Blocks until the worker is accepting or has failed (tests); false on failure.
  bool wait_until_accepting();
  /// Blocks until no evaluation is in flight (tests).
  void wait_until_idle();
  /// Copies the view into `out` when it changed since `out` was filled.
  void fill(QualityView& out) const;
  const std::shared_ptr<const Dataset>& data() const { return data_; }

 private:
  void run();
  Status prepare();
  void serve();
  bool stopping() const;
  bool idle_locked() const { return view_.state == QualityState::kReady && !job_ && !view_.busy; }

  std::shared_ptr<const Dataset> data_;
  QualityMetrics metrics_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  QualityView view_;
  std::unique_ptr<Model> job_;
  int64_t job_step_ = 0;
  int job_n_ = 0;
  uint64_t run_ = 0;  // increases with new_run(): results of an older run are dropped
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace genscope
