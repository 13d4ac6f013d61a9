#include "record/sample_history.h"

#include <algorithm>

namespace genscope {

bool SampleHistory::offer(int64_t step, double wall_s, const ImageRGBA& samples) {
  if (samples.empty()) return false;
  if (!entries_.empty() && step < entries_.back().step) clear();
  if (!entries_.empty() && step < entries_.back().step + every_) return false;
  entries_.push_back({step, wall_s, samples});
  bytes_ += samples.pixels.size();
  thin();
  return true;
}

void SampleHistory::clear() {
  entries_.clear();
  bytes_ = 0;
  thinned_ = 0;
}

std::size_t SampleHistory::index_at_or_before(int64_t step) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), step,
                             [](int64_t s, const HistoryEntry& e) { return s < e.step; });
  return it == entries_.begin() ? 0 : std::size_t(it - entries_.begin()) - 1;
}

void SampleHistory::set_cap_bytes(std::size_t cap) {
  cap_bytes_ = cap;
  thin();
}

void SampleHistory::thin() {
  while (bytes_ > cap_bytes_ && entries_.size() > 1) {
    // Remove entries 1, 3, 5, ... of the older half (the very first one stays: the run's start).
    std::size_t half = std::max<std::size_t>(2, entries_.size() / 2);
    std::deque<HistoryEntry> kept;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (i < half && i % 2 == 1) {
        bytes_ -= entries_[i].samples.pixels.size();
        ++thinned_;
      } else {
        kept.push_back(std::move(entries_[i]));
      }
    }
    entries_.swap(kept);
  }
}

}  // namespace genscope
