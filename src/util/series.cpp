#include "util/series.h"

namespace genscope {
namespace {

// Largest capacity: point indices in the pyramids are 32-bit.
constexpr std::size_t kMaxCapacity = std::size_t(1) << 31;
constexpr std::size_t kNoPoint = std::numeric_limits<std::size_t>::max();

}  // namespace

MetricSeries::MetricSeries(std::size_t capacity, float smoothing)
    : capacity_(std::clamp(capacity, kMinCapacity, kMaxCapacity)),
      smoothing_(clamp_weight(smoothing)) {}

void MetricSeries::push(double step, float value) {
  if (size() >= capacity_) make_room();
  steps_.push_back(step);
  raw_.push_back(value);
  smoothed_.push_back(smooth(value));
  raw_pyramid_.push(raw_.data(), raw_.size());
  smoothed_pyramid_.push(smoothed_.data(), smoothed_.size());
  ++total_pushed_;
}

void MetricSeries::set_smoothing(float weight) {
  weight = clamp_weight(weight);
  if (weight == smoothing_) return;
  smoothing_ = weight;
  reset_average();
  for (std::size_t i = 0; i < raw_.size(); ++i) smoothed_[i] = smooth(raw_[i]);
  smoothed_pyramid_.rebuild(smoothed_.data(), smoothed_.size());
}

void MetricSeries::clear() {
  steps_.clear();
  raw_.clear();
  smoothed_.clear();
  raw_pyramid_.clear();
  smoothed_pyramid_.clear();
  coarse_ = 0;
  group_ = 4;
  total_pushed_ = 0;
  reset_average();
}

std::size_t MetricSeries::lower_bound(double step, std::size_t from) const {
  const std::size_t n = steps_.size();
  if (from >= n || !(steps_[from] < step)) return std::min(from, n);
  // Galloping from `from`: steps_[low] < step, and the answer lies within `gap` after it.
  std::size_t low = from, gap = 1;
  while (gap < n - low && steps_[low + gap] < step) low += gap, gap *= 2;
  const auto begin = steps_.begin();
  const auto end = begin + std::ptrdiff_t(std::min(gap, n - low) + low);
  return std::size_t(std::lower_bound(begin + std::ptrdiff_t(low + 1), end, step) - begin);
}

std::size_t MetricSeries::lower_bound(double step, std::size_t from, std::size_t hint) const {
  const std::size_t n = steps_.size();
  if (from >= n) return n;
  hint = std::clamp(hint, from, n);
  if (hint < n && steps_[hint] < step) return lower_bound(step, hint + 1);
  // The answer is at most `high`; gallop back towards `from`.
  std::size_t high = hint, gap = 1, low = from;
  while (gap <= high - from) {
    if (steps_[high - gap] < step) {
      low = high - gap + 1;
      break;
    }
    high -= gap, gap *= 2;
  }
  const auto begin = steps_.begin();
  return std::size_t(
      std::lower_bound(begin + std::ptrdiff_t(low), begin + std::ptrdiff_t(high), step) - begin);
}

std::size_t MetricSeries::nearest(double step) const {
  const std::size_t i = lower_bound(step);
  if (i == size()) return i == 0 ? size() : i - 1;
  if (i > 0 && step - steps_[i - 1] <= steps_[i] - step) return i - 1;
  return i;
}

Extremes MetricSeries::extremes(SeriesValues which, std::size_t first, std::size_t last) const {
  last = std::min(last, size());
  if (first >= last) return Extremes{};
  return which == SeriesValues::kRaw ? raw_pyramid_.query(raw_.data(), first, last)
                                     : smoothed_pyramid_.query(smoothed_.data(), first, last);
}

void MetricSeries::prefetch(SeriesValues which, std::size_t i) const {
  if (i >= size()) return;
  __builtin_prefetch(steps_.data() + i);
  if (which == SeriesValues::kRaw) {
    raw_pyramid_.prefetch(raw_.data(), i);
  } else {
    smoothed_pyramid_.prefetch(smoothed_.data(), i);
  }
}

void MetricSeries::kept_of_group(std::size_t first, std::size_t count, std::size_t& a,
                                 std::size_t& b) const {
  Extremes e;
  std::size_t gap = kNoPoint;
  for (std::size_t i = first; i < first + count; ++i) {
    e.include(raw_[i], std::uint32_t(i));
    if (gap == kNoPoint && !std::isfinite(raw_[i])) gap = i;
  }
  const auto point = [](std::uint32_t at) { return at == Extremes::kNone ? kNoPoint : at; };
  const std::size_t candidates[] = {point(e.lo_at), point(e.hi_at), gap, first, first + count - 1};
  a = b = kNoPoint;
  for (std::size_t c : candidates) {
    if (c == kNoPoint || c == a) continue;
    if (a == kNoPoint) {
      a = c;
    } else {
      b = c;
      break;
    }
  }
  if (b < a) std::swap(a, b);
}

std::size_t MetricSeries::thin(std::size_t first, std::size_t last, std::size_t count) {
  std::size_t out = first;
  const auto keep = [&](std::size_t i) {
    steps_[out] = steps_[i], raw_[out] = raw_[i], smoothed_[out] = smoothed_[i];
    ++out;
  };
  std::size_t i = first;
  for (; i + count <= last; i += count) {
    std::size_t a = 0, b = 0;
    kept_of_group(i, count, a, b);
    keep(a);
    keep(b);
  }
  for (; i < size(); ++i) keep(i);
  const std::size_t removed = size() - out;
  steps_.resize(out);
  raw_.resize(out);
  smoothed_.resize(out);
  return removed;
}

void MetricSeries::make_room() {
  coarse_ = std::max<std::size_t>(coarse_, 1);  // the run's first point always stays
  const std::size_t half = (size() - coarse_) / 2;
  const std::size_t count = std::min(group_, half);
  const std::size_t folded = half / count * count;
  coarse_ += folded - thin(coarse_, coarse_ + folded, count);
  if (coarse_ > capacity_ / 2) {
    coarse_ -= thin(1, coarse_, 4);
    group_ *= 2;
  }
  raw_pyramid_.rebuild(raw_.data(), size());
  smoothed_pyramid_.rebuild(smoothed_.data(), size());
}

}  // namespace genscope
