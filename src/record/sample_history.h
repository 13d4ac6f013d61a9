#pragma once
// SampleHistory: the fixed-noise sample grid kept every K training steps, in memory, bounded by a
// byte cap. When the cap is reached the history is thinned oldest-first (every other entry of the
// older half goes), so a long run keeps its whole arc at a coarser spacing and the recent past at
// full detail. The scrubber in the Samples panel reads it; "export history" writes it to video.
#include <cstddef>
#include <cstdint>
#include <deque>

#include "util/image.h"

namespace genscope {

/// One kept grid.
struct HistoryEntry {
  int64_t step = 0;
  double wall_s = 0.0;
  ImageRGBA samples;
};

class SampleHistory {
 public:
  static constexpr std::size_t kDefaultCapBytes = std::size_t(128) << 20;

  explicit SampleHistory(std::size_t cap_bytes = kDefaultCapBytes, int64_t every_steps = 50)
      : cap_bytes_(cap_bytes), every_(every_steps < 1 ? 1 : every_steps) {}

  /// Offers the grid of `step`: kept when it is the first, or at least every_steps after the last
  /// kept one. A step before the last kept one (a reset) clears the history first. Returns true
  /// when kept.
  bool offer(int64_t step, double wall_s, const ImageRGBA& samples);
  void clear();

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const HistoryEntry& at(std::size_t i) const { return entries_[i]; }
  const std::deque<HistoryEntry>& entries() const { return entries_; }
  /// Index of the newest entry at or before `step` (0 when `step` is before them all).
  std::size_t index_at_or_before(int64_t step) const;

  std::size_t bytes() const { return bytes_; }
  std::size_t cap_bytes() const { return cap_bytes_; }
  /// Changes the cap; thins at once when over it. A cap below one entry keeps one entry.
  void set_cap_bytes(std::size_t cap);
  int64_t every_steps() const { return every_; }
  void set_every_steps(int64_t k) { every_ = k < 1 ? 1 : k; }
  /// How many entries thinning removed since the last clear.
  int64_t thinned() const { return thinned_; }

 private:
  void thin();
  std::size_t cap_bytes_;
  int64_t every_;
  std::deque<HistoryEntry> entries_;
  std::size_t bytes_ = 0;
  int64_t thinned_ = 0;
};

}  // namespace genscope
