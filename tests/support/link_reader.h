#pragma once
// The consumer's end of a TrainerLink in a test, as the App is: it wakes when the producer (a
// trainer, a remote viewer's client) publishes a snapshot or pushes a row, and keeps every row.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "core/metric_stream.h"

namespace genscope::test {

// The consumer's side of a link (as the App is): wakes when the producer publishes or pushes.
struct LinkReader {
  TrainerLink link;
  std::mutex mutex;
  std::condition_variable cv;
  uint64_t wakes = 0;
  std::vector<MetricRow> rows;
  std::vector<MetricRow> drained;

  LinkReader() {
    auto wake = [this] {
      {
        std::lock_guard<std::mutex> lock(mutex);
        ++wakes;
      }
      cv.notify_all();
    };
    link.snapshots.set_on_publish(wake);
    link.metrics.set_on_push(wake);
  }
  // Takes what arrived until `done` holds or `timeout` passes.
  template <class Pred>
  bool wait(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      link.snapshots.update();
      link.metrics.drain(drained);
      rows.insert(rows.end(), drained.begin(), drained.end());
      if (done()) return true;
      std::unique_lock<std::mutex> lock(mutex);
      uint64_t seen = wakes;
      if (std::chrono::steady_clock::now() > deadline) return false;
      cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return wakes != seen; });
    }
  }
  const Snapshot& snap() const { return link.snapshots.read(); }
};

}  // namespace genscope::test
