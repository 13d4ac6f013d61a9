#include "core/text_view.h"

#include <cmath>

namespace genscope {

double TextSample::surprisal(std::size_t i) const {
  if (i >= prob.size()) return 0.0;
  return -std::log2(std::max(prob[i], 1e-30f));
}

std::string text_of(const std::vector<std::string>& vocab, const std::vector<uint16_t>& ids) {
  std::string out;
  for (uint16_t i : ids) {
    if (i < vocab.size()) out += vocab[i];
  }
  return out;
}

}  // namespace genscope
