#pragma once
// Weight and activation histograms per layer, sampled every hist_every steps, and a short
// history of them for the over-time view. Plain C++ (no torch).
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace genscope {

/// The values of one layer's weights or activations at one step.
struct LayerHistogram {
  std::string name;         // "G net.0 weight", "G net.2 ReLU"
  bool activation = false;  // activations (outputs of an activation function) or weights
  float lo = 0.0f, hi = 0.0f;  // the range the bins cover: the values' min and max
  std::vector<float> share;    // fraction of the values in each equal bin over [lo, hi]
  std::array<float, 5> quantiles{};  // min, 16 %, median, 84 %, max
  int64_t count = 0;                 // finite values binned
  double sum = 0.0, sum_squares = 0.0;  // of those values (TensorBoard's histograms keep them)
  bool operator==(const LayerHistogram& o) const {
    return name == o.name && activation == o.activation && lo == o.lo && hi == o.hi &&
           share == o.share && quantiles == o.quantiles && count == o.count && sum == o.sum &&
           sum_squares == o.sum_squares;
  }
};

/// Every layer's histograms at one step.
struct LayerHistograms {
  int64_t step = -1;  // -1: none yet
  uint64_t version = 0;  // changes with every sample
  std::vector<LayerHistogram> layers;
};

/// The quantiles LayerHistogram keeps, in order.
inline constexpr std::array<float, 5> kHistogramQuantiles{0.0f, 0.16f, 0.5f, 0.84f, 1.0f};

/// The last kSamples samples of a run, for the quantile bands over time.
class HistogramHistory {
 public:
  static constexpr std::size_t kSamples = 200;
  /// Adds a sample (a version not seen yet); a step going backwards (a reset) or other layer
  /// names start a new history.
  void add(const LayerHistograms& h) {
    if (h.version == version_ || h.layers.empty()) return;
    version_ = h.version;
    bool same = !samples_.empty() && samples_.back().layers.size() == h.layers.size() &&
                h.step > samples_.back().step;
    for (std::size_t i = 0; same && i < h.layers.size(); ++i) {
      same = h.layers[i].name == samples_.back().layers[i].name;
    }
    if (!same) samples_.clear();
    samples_.push_back(h);
    while (samples_.size() > kSamples) samples_.pop_front();
  }
  std::size_t size() const { return samples_.size(); }
  const LayerHistograms& at(std::size_t i) const { return samples_[i]; }
  /// The newest sample's layers (empty before the first).
  const LayerHistograms* last() const { return samples_.empty() ? nullptr : &samples_.back(); }
  /// Changes whenever a sample is added.
  uint64_t version() const { return version_; }

 private:
  std::deque<LayerHistograms> samples_;
  uint64_t version_ = 0;
};

}  // namespace genscope
