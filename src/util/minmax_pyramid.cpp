#include "util/minmax_pyramid.h"

#include <algorithm>

namespace genscope {

namespace {

// Includes items [first, last) of one level into `acc`: values (nodes null) or nodes. Inlined
// into the callers, whose `acc` then lives in registers.
inline void scan_level(const float* values, const Extremes* nodes, std::size_t first,
                       std::size_t last, Extremes& acc) {
  if (!nodes) {
    for (std::size_t i = first; i < last; ++i) acc.include(values[i], std::uint32_t(i));
  } else {
    for (std::size_t i = first; i < last; ++i) acc.include(nodes[i]);
  }
}

}  // namespace

const Extremes* MinMaxPyramid::nodes(int k) const {
  return k < 0 ? nullptr : levels_[std::size_t(k)].data();
}

Extremes MinMaxPyramid::combine(const float* values, int k, std::size_t first) const {
  Extremes acc;
  scan_level(values, nodes(k), first, first + kFanout, acc);
  return acc;
}

void MinMaxPyramid::push(const float* values, std::size_t n) {
  std::size_t below = n;  // items of the level below level k
  for (int k = 0; below > 0 && below % kFanout == 0; ++k) {
    if (levels_.size() <= std::size_t(k)) levels_.emplace_back();
    levels_[k].push_back(combine(values, k - 1, below - kFanout));
    below = levels_[k].size();
  }
}

void MinMaxPyramid::rebuild(const float* values, std::size_t n) {
  std::size_t count = 0;
  for (std::size_t below = n; below >= kFanout; below /= kFanout) ++count;
  levels_.resize(count);  // keeps the levels' storage for the next rebuild
  std::size_t below = n;
  for (std::size_t k = 0; k < count; ++k) {
    std::vector<Extremes>& nodes = levels_[k];
    nodes.clear();
    for (std::size_t i = 0; i + kFanout <= below; i += kFanout)
      nodes.push_back(combine(values, int(k) - 1, i));
    below = nodes.size();
  }
}

void MinMaxPyramid::prefetch(const float* values, std::size_t i) const {
  // A bound at i reads the aligned group of kFanout items around it on every level.
  __builtin_prefetch(values + i / kFanout * kFanout);
  for (const std::vector<Extremes>& nodes : levels_) {
    i /= kFanout;
    const std::size_t first = std::min(i / kFanout * kFanout, nodes.size() - 1);
    const char* group = reinterpret_cast<const char*>(nodes.data() + first);
    for (std::size_t byte = 0; byte < kFanout * sizeof(Extremes); byte += 64)
      __builtin_prefetch(group + byte);
  }
}

Extremes MinMaxPyramid::query(const float* values, std::size_t first, std::size_t last) const {
  // Index order: the left parts going up, the top, then the right parts coming down.
  struct Part {
    const Extremes* nodes;
    std::size_t first, last;
  };
  Part right[64];
  int rights = 0;
  Extremes acc;
  for (int k = -1; first < last; ++k) {
    // Items of level k+1 whose blocks lie wholly inside [first, last).
    const std::size_t up_first = (first + kFanout - 1) / kFanout, up_last = last / kFanout;
    if (up_first >= up_last || k + 1 >= int(levels_.size())) {
      scan_level(values, nodes(k), first, last, acc);
      break;
    }
    scan_level(values, nodes(k), first, up_first * kFanout, acc);
    right[rights++] = Part{nodes(k), up_last * kFanout, last};
    first = up_first, last = up_last;
  }
  while (rights > 0) {
    const Part& part = right[--rights];
    scan_level(values, part.nodes, part.first, part.last, acc);
  }
  return acc;
}

}  // namespace genscope
