#include "core/thread_tuner.h"

#include <algorithm>

#include "util/strings.h"

namespace genscope {
namespace {

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace

ThreadTuner::ThreadTuner(int start, int max_threads)
    : max_(std::max(1, max_threads)),
      current_(std::clamp(start, 1, max_)),
      base_(current_),
      rates_(static_cast<size_t>(max_) + 1) {}

int ThreadTuner::step(double seconds, double now_s) {
  if (first_s_ < 0.0) first_s_ = now_s;
  if (window_start_s_ < 0.0) window_start_s_ = now_s - seconds;
  if (seconds > 0.0) window_.push_back(seconds);
  if (now_s - window_start_s_ >= kWindowS && static_cast<int>(window_.size()) >= kMinSteps) {
    finish_window(now_s);
  }
  return current_;
}

void ThreadTuner::finish_window(double now_s) {
  const double rate = 1.0 / median(window_);  // robust to one slow step (a sample grid, a GC)
  window_.clear();
  window_start_s_ = now_s;
  if (settling_) {
    settling_ = false;
    return;
  }
  rates_[current_] = {rate, now_s};
  ++measurements_;
  if (probing_) {
    probing_ = false;
    if (rate > rates_[base_].rate * kMargin) base_ = current_;
    settling_ = current_ != base_;  // back at the base: its first window is discarded
    current_ = base_;
    base_rate_at_choice_ = rates_[base_].rate;
    return;
  }
  if (base_rate_at_choice_ <= 0.0) base_rate_at_choice_ = rate;
  const bool changed = rate > base_rate_at_choice_ * (1.0 + kChange) ||
                       rate < base_rate_at_choice_ * (1.0 - kChange);
  const bool due = last_probe_s_ < 0.0 ? now_s - first_s_ >= kFirstProbeS
                                       : now_s - last_probe_s_ >= kProbeEveryS;
  if (max_ > 1 && (due || changed)) start_probe(now_s);
}

int ThreadTuner::neighbour() const {
  const int down = base_ - 1, up = base_ + 1;
  if (down < 1) return up;
  if (up > max_) return down;
  // Both exist: the one measured longer ago (never measured first).
  return rates_[down].at_s <= rates_[up].at_s ? down : up;
}

void ThreadTuner::start_probe(double now_s) {
  last_probe_s_ = now_s;
  current_ = neighbour();
  probing_ = true;
  settling_ = true;
}

std::string ThreadTuner::reason() const {
  if (rates_[base_].rate <= 0.0) return {};
  std::string out = strformat("%.1f steps/s", rates_[base_].rate);
  for (int n = max_; n >= 1; --n) {
    if (n == base_ || rates_[n].rate <= 0.0) continue;
    out += strformat(", %.1f at %d", rates_[n].rate, n);
  }
  return out;
}

}  // namespace genscope
