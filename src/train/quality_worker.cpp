#include "train/quality_worker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "train/runtime.h"
#include "util/strings.h"
#include "util/unique_version.h"

namespace genscope {

QualityWorker::QualityWorker(std::shared_ptr<const Dataset> data, torch::Device device,
                             std::string cache_dir, ClassifierTraining training)
    : data_(data), metrics_(data, device, std::move(cache_dir), training) {
  view_.state = QualityState::kPreparing;
  view_.status = "preparing the metric classifier";
  view_.version = next_unique_version();
  thread_ = std::thread([this] { run(); });
}

QualityWorker::~QualityWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool QualityWorker::accepting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_locked();
}

bool QualityWorker::working() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return view_.state == QualityState::kPreparing || job_ || view_.busy;
}

bool QualityWorker::submit(std::unique_ptr<Model> model, int64_t step, int n) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_locked()) return false;
    job_ = std::move(model);
    job_step_ = step;
    job_n_ = n;
    view_.busy = true;
    view_.busy_step = step;
    view_.version = next_unique_version();
  }
  cv_.notify_all();
  return true;
}

void QualityWorker::new_run() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++run_;
  view_.history.clear();
  view_.share.clear();
  view_.version = next_unique_version();
}

bool QualityWorker::wait_until_accepting() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return view_.state == QualityState::kFailed || idle_locked(); });
  return view_.state == QualityState::kReady;
}

void QualityWorker::wait_until_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return !job_ && !view_.busy; });
}

void QualityWorker::fill(QualityView& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (out.version != view_.version) out = view_;
}

void QualityWorker::run() {
  // Below the trainer and the frame loop, on one LibTorch thread: scores arrive later, but
  // nothing waits for them. Serial on this thread only (a team of its own would throttle the
  // trainer's OpenMP workers, runtime.h); torch::set_num_threads would also change ATen's default
  // for every thread that starts later.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  if (!serial_torch_on_this_thread()) torch::set_num_threads(1);
  if (prepare()) serve();
}

bool QualityWorker::stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_;
}

// Loads or trains the metric classifier; the view says how far it got, then ready or why not.
Status QualityWorker::prepare() {
  Status prepared;
  try {
    prepared = metrics_.prepare([&](double f, const std::string& what) {
      std::lock_guard<std::mutex> lock(mutex_);
      view_.progress = f;
      view_.status = strformat("%s: %.0f %%", what.c_str(), f * 100.0);
      view_.version = next_unique_version();
      return !stop_;
    });
  } catch (const std::exception& e) {
    prepared = Error{std::string("metric classifier: ") + first_line(e.what())};
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (prepared) {
      view_.state = QualityState::kReady;
      metrics_.fill_reference(view_);
      view_.status = metrics_.warning().empty()
                         ? strformat("metric classifier %s: %.2f %% on the test split",
                                     view_.classifier_cached ? "loaded" : "trained",
                                     view_.classifier_accuracy * 100.0)
                         : metrics_.warning();
    } else {
      view_.state = QualityState::kFailed;
      view_.status = prepared.error();
    }
    view_.progress = 1.0;
    view_.version = next_unique_version();
  }
  cv_.notify_all();
  return prepared;
}

// Scores each submitted model until stopped.
void QualityWorker::serve() {
  while (true) {
    std::unique_ptr<Model> model;
    int64_t step;
    int n;
    uint64_t run;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stop_ || job_; });
      if (stop_) return;
      model = std::move(job_);
      step = job_step_;
      n = job_n_;
      run = run_;
    }
    QualityPoint point;
    std::vector<float> share;
    std::pair<double, double> reference{NAN, NAN};
    std::string error;
    try {
      const auto keep_going = [&] { return !stopping(); };
      reference = metrics_.reference(n, keep_going);
      point = metrics_.evaluate(*model, n, step, share, keep_going);
    } catch (const QualityMetrics::Cancelled&) {
      return;
    } catch (const std::exception& e) {
      error = "quality evaluation failed: " + first_line(e.what());
    }
    model.reset();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      view_.busy = false;
      if (!error.empty()) {
        view_.status = error;
      } else if (run == run_) {
        view_.samples = n;
        view_.floor_samples = metrics_.reference_count(n);
        view_.fid_floor = reference.first;
        view_.is_real = reference.second;
        view_.history.push_back(point);
        view_.share = std::move(share);
      }
      view_.version = next_unique_version();
    }
    cv_.notify_all();
    if (stopping()) return;
  }
}

}  // namespace genscope
