#pragma once
// Triple buffer handing Snapshots from the trainer thread to the render loop. Neither side ever
// waits for the other: the writer fills its own slot and swaps it in; the reader takes the newest.
#include <atomic>
#include <functional>

#include "core/snapshot.h"

namespace genscope {

/// Lock-free single-producer, single-consumer triple buffer of Snapshots.
class SnapshotBuffer {
 public:
  /// The slot the producer fills. Contents are whatever it last wrote there (two publishes ago),
  /// so producers overwrite every field they own; vectors keep their capacity.
  Snapshot& write_slot() { return slots_[back_]; }

  /// Makes the write slot the newest snapshot and hands the producer a free slot.
  void publish() {
    slots_[back_].version = ++version_;
    int prev = middle_.exchange(back_ | kDirty, std::memory_order_acq_rel);
    back_ = prev & kIndexMask;
    if (on_publish_) on_publish_();
  }

  /// Swaps in the newest snapshot if there is one; returns true when it changed.
  bool update() {
    if (!(middle_.load(std::memory_order_acquire) & kDirty)) return false;
    int prev = middle_.exchange(front_, std::memory_order_acq_rel);
    front_ = prev & kIndexMask;
    return true;
  }

  /// The snapshot the consumer holds; valid until its next update().
  const Snapshot& read() const { return slots_[front_]; }

  /// Called by the producer after every publish (e.g. to wake a sleeping render loop). Set it
  /// before the producer starts.
  void set_on_publish(std::function<void()> fn) { on_publish_ = std::move(fn); }

 private:
  static constexpr int kDirty = 4;
  static constexpr int kIndexMask = 3;
  Snapshot slots_[3];
  int back_ = 0;                 // producer only
  std::atomic<int> middle_{1};   // shared
  int front_ = 2;                // consumer only
  uint64_t version_ = 0;         // producer only
  std::function<void()> on_publish_;
};

}  // namespace genscope
