#pragma once
// Every step's MetricRow, from the trainer to whoever plots or logs them. Unlike snapshots, rows
// are never skipped: the consumer drains all rows since its last drain.
#include <functional>
#include <mutex>
#include <vector>

#include "core/command_queue.h"
#include "core/snapshot.h"
#include "core/snapshot_buffer.h"

namespace genscope {

/// Single-producer, single-consumer stream of metric rows; each call holds a mutex briefly.
class MetricStream {
 public:
  /// Appends one row (trainer side), then calls the push hook.
  void push(const MetricRow& row) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.push_back(row);
    }
    if (on_push_) on_push_();
  }

  /// Called by the producer after every push (e.g. to wake a sleeping render loop, which plots
  /// every row). Set it before the producer starts.
  void set_on_push(std::function<void()> fn) { on_push_ = std::move(fn); }

  /// Swaps every pending row into `out` (cleared first); returns how many there are.
  size_t drain(std::vector<MetricRow>& out) {
    out.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.swap(out);
    return out.size();
  }

 private:
  std::mutex mutex_;
  std::vector<MetricRow> pending_;
  std::function<void()> on_push_;
};

/// The three channels between a trainer and its viewers.
struct TrainerLink {
  SnapshotBuffer snapshots;
  CommandQueue commands;
  MetricStream metrics;
};

}  // namespace genscope
