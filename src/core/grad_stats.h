#pragma once
// Gradient flow: the gradient norm of each layer after a step, and a short history of them for
// the heat strip. Plain C++ (no torch).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace genscope {

/// The L2 norm of one layer's weight gradient after the last update ("D net.3" and its norm).
struct LayerGrad {
  std::string name;
  float norm = 0.0f;
  bool operator==(const LayerGrad& o) const { return name == o.name && norm == o.norm; }
};

/// The last `kColumns` gradient snapshots (one column per step seen), for the heat strip.
class GradientHistory {
 public:
  static constexpr std::size_t kColumns = 240;

  /// Adds the gradients of `step`. The same step again replaces nothing; a step going backwards
  /// (a reset) or different layer names start a new history.
  void add(int64_t step, const std::vector<LayerGrad>& grads) {
    if (grads.empty()) return;
    bool same_names = grads.size() == names_.size();
    for (std::size_t i = 0; same_names && i < grads.size(); ++i) same_names = grads[i].name == names_[i];
    if (!same_names || (!steps_.empty() && step < steps_.back())) {
      names_.clear();
      for (const LayerGrad& g : grads) names_.push_back(g.name);
      steps_.clear();
      columns_.clear();
    }
    if (!steps_.empty() && step == steps_.back()) return;
    std::vector<float> col;
    for (const LayerGrad& g : grads) col.push_back(g.norm > 0.0f && std::isfinite(g.norm) ? std::log10(g.norm) : NAN);
    steps_.push_back(step);
    columns_.push_back(std::move(col));
    while (steps_.size() > kColumns) {
      steps_.pop_front();
      columns_.pop_front();
    }
  }
  const std::vector<std::string>& names() const { return names_; }
  std::size_t columns() const { return steps_.size(); }
  int64_t step(std::size_t column) const { return steps_[column]; }
  /// log10 of the norm of `layer` in `column` (NaN for a zero or non-finite norm).
  float log_norm(std::size_t layer, std::size_t column) const { return columns_[column][layer]; }
  /// The finite log10 range over the whole history; false when there is none.
  bool range(float& lo, float& hi) const {
    lo = INFINITY, hi = -INFINITY;
    for (const auto& c : columns_)
      for (float v : c)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    return lo <= hi;
  }

 private:
  std::vector<std::string> names_;
  std::deque<int64_t> steps_;
  std::deque<std::vector<float>> columns_;
};

}  // namespace genscope
