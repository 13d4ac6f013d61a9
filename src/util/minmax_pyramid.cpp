#include "util/minmax_pyramid.h"

namespace genscope {

Extremes MinMaxPyramid::combine(const float* values, int k, std::size_t first) const {
  return scan(values, k, first, first + kFanout, Extremes{});
}

Extremes MinMaxPyramid::scan(const float* values, int k, std::size_t first, std::size_t last,
                             Extremes acc) const {
  // `acc` is a local: writing through a reference that may alias the nodes would go through
  // memory on every item.
  if (k < 0) {
    for (std::size_t i = first; i < last; ++i) acc.include(values[i], std::uint32_t(i));
    return acc;
  }
  const Extremes* nodes = levels_[k].data();
  for (std::size_t i = first; i < last; ++i) acc.include(nodes[i]);
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

Extremes MinMaxPyramid::query(const float* values, std::size_t first, std::size_t last) const {
  // Index order: the left parts going up, the top, then the right parts coming down.
  struct Part {
    int k;
    std::size_t first, last;
  };
  Part right[64];
  int rights = 0;
  Extremes out;
  for (int k = -1; first < last; ++k) {
    // Items of level k+1 whose blocks lie wholly inside [first, last).
    const std::size_t up_first = (first + kFanout - 1) / kFanout, up_last = last / kFanout;
    if (up_first >= up_last || k + 1 >= int(levels_.size())) {
      out = scan(values, k, first, last, out);
      break;
    }
    out = scan(values, k, first, up_first * kFanout, out);
    right[rights++] = Part{k, up_last * kFanout, last};
    first = up_first, last = up_last;
  }
  while (rights > 0) {
    const Part& part = right[--rights];
    out = scan(values, part.k, part.first, part.last, out);
  }
  return out;
}

}  // namespace genscope
