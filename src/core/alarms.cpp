#include "core/alarms.h"

#include <algorithm>
#include <cmath>

#include "util/strings.h"

namespace genscope {

const char* alarm_name(AlarmKind kind) {
  switch (kind) {
    case AlarmKind::kCollapse:
      return "mode collapse";
    case AlarmKind::kDOverpowering:
      return "D overpowering G";
    case AlarmKind::kNonFinite:
      return "NaN/inf";
    case AlarmKind::kExplodingGradient:
      return "exploding gradient";
  }
  return "?";
}


void AlarmMonitor::add_grad_norm(int64_t step, double norm) {
  if (!std::isfinite(norm)) return;  // the NaN/inf alarm's business
  const int kept = static_cast<int>(grad_norms_.size());
  if (kept >= settings_.grad_warmup) {
    grad_scratch_.assign(grad_norms_.begin(), grad_norms_.end());
    const auto mid = grad_scratch_.begin() + kept / 2;
    std::nth_element(grad_scratch_.begin(), mid, grad_scratch_.end());
    const double median = *mid;
    if (median > 0.0 && norm > settings_.max_grad_ratio * median) {
      raise(AlarmKind::kExplodingGradient, step,
            strformat("gradient norm %.3g is %.0fx its median of the last %d steps (%.3g): "
                      "lower the learning rate or clip harder",
                      norm, norm / median, kept, median));
    } else if (norm < settings_.grad_rearm * median) {
      active_[int(AlarmKind::kExplodingGradient)] = false;
    }
  }
  grad_norms_.push_back(static_cast<float>(norm));
  while (static_cast<int>(grad_norms_.size()) > settings_.grad_window) grad_norms_.pop_front();
}

bool alarm_saves_checkpoint(const AlarmEvent& e) { return e.kind != AlarmKind::kNonFinite; }

void AlarmMonitor::raise(AlarmKind kind, int64_t step, std::string text) {
  if (active_[int(kind)]) return;
  active_[int(kind)] = true;
  if (!muted_[int(kind)]) log_.push_back({kind, step, std::move(text)});
}

void AlarmMonitor::add_row(const MetricRow& row, const MetricSchema& names, int finite_columns,
                           bool d_is_probability) {
  for (int i = 0; i < std::min(finite_columns, row.count); ++i) {
    if (std::isfinite(row.values[i])) continue;
    raise(
        AlarmKind::kNonFinite, row.step,
        strformat("%s is %s: training paused", i < int(names.size()) ? names[i].c_str() : "a value",
                  std::isnan(row.values[i]) ? "NaN" : "infinite"));
    return;
  }
  active_[int(AlarmKind::kNonFinite)] = false;
  int g = -1, f = -1;
  for (int i = 0; i < int(names.size()) && i < row.count; ++i) {
    if (names[i] == "loss_g") g = i;
    if (names[i] == "d_fake") f = i;
    if (names[i] == "grad_norm" && row.measured(i)) add_grad_norm(row.step, row.values[i]);
  }
  if (!d_is_probability) return;
  if (g < 0 || f < 0) return;
  window_.push_back({row.step, row.values[g], row.values[f]});
  while (!window_.empty() && window_.front().step <= row.step - settings_.overpower_window) {
    window_.pop_front();
  }
  const std::size_t n = window_.size();
  if (n < 20 || window_.back().step - window_.front().step < settings_.overpower_window / 2) return;
  double first = 0, second = 0, d_fake = 0;
  for (std::size_t i = 0; i < n; ++i) {
    (i < n / 2 ? first : second) += window_[i].loss_g;
    d_fake += window_[i].d_fake;
  }
  d_fake /= double(n);
  const bool rising = second / double(n - n / 2) > first / double(n / 2);
  if (d_fake < settings_.max_d_fake && rising) {
    raise(
        AlarmKind::kDOverpowering, row.step,
        strformat("D(G(z)) averaged %.3f over the last %lld steps and the G loss is rising: D "
                  "wins and G gets little gradient. Lower lr_d or d_steps, or raise lr_g.",
                  d_fake, static_cast<long long>(window_.back().step - window_.front().step + 1)));
  } else if (d_fake >= 2 * settings_.max_d_fake) {
    active_[int(AlarmKind::kDOverpowering)] = false;
  }
}

void AlarmMonitor::collapse_check(int64_t step, bool low, const std::string& what, int& low_count,
                                  int& healthy_count) {
  if (step < settings_.collapse_warmup) return;
  low_count = low ? low_count + 1 : 0;
  healthy_count = low ? 0 : healthy_count + 1;
  if (low_count >= settings_.collapse_evaluations) {
    raise(AlarmKind::kCollapse, step, what);
  } else if (low_evaluations_ == 0 && low_entropy_evaluations_ == 0 &&
             healthy_count >= settings_.collapse_evaluations) {
    // Re-armed once no measure is low and this one has been healthy as long as it takes to
    // raise: a measure flickering around its threshold makes one episode, not one per flicker.
    active_[int(AlarmKind::kCollapse)] = false;
  }
}

bool AlarmMonitor::new_evaluation(int64_t step, int64_t& last) {
  if (step < 0 || step <= last) return false;
  last = step;
  return true;
}

void AlarmMonitor::add_diversity(int64_t step, double diversity) {
  if (!new_evaluation(step, last_diversity_) || !std::isfinite(diversity)) return;
  collapse_check(step, diversity < settings_.min_diversity,
                 strformat("sample diversity %.2f of the real images' for %d evaluations: the "
                           "generator makes nearly the same image for every z",
                           diversity, settings_.collapse_evaluations),
                 low_evaluations_, healthy_evaluations_);
}

void AlarmMonitor::add_class_entropy(int64_t step, double entropy, double max_entropy) {
  if (!new_evaluation(step, last_entropy_) || !std::isfinite(entropy) || !(max_entropy > 0)) return;
  collapse_check(step, entropy < settings_.min_entropy_fraction * max_entropy,
                 strformat("class entropy %.2f of %.2f nats for %d evaluations: the generated "
                           "images fall into few classes (Quality panel's histogram)",
                           entropy, max_entropy, settings_.collapse_evaluations),
                 low_entropy_evaluations_, healthy_entropy_evaluations_);
}

void AlarmMonitor::add_modes(int64_t step, int covered, int total) {
  if (!new_evaluation(step, last_modes_) || total <= 1) return;
  if (covered >= total && all_modes_step_ < 0) all_modes_step_ = step;
  const int64_t warmup = settings_.mode_warmup_per_mode * total;
  if (all_modes_step_ < 0 && step < warmup) return;  // still climbing towards full coverage
  const std::string since =
      all_modes_step_ >= 0
          ? strformat("after covering all %d at step %lld", total,
                      static_cast<long long>(all_modes_step_))
          : strformat("and never all %d in %lld steps", total, static_cast<long long>(warmup));
  collapse_check(step, covered < settings_.min_mode_fraction * total,
                 strformat("only %d of %d modes covered for %d evaluations, %s", covered, total,
                           settings_.collapse_evaluations, since.c_str()),
                 low_evaluations_, healthy_evaluations_);
}

void AlarmMonitor::reset_run() {
  active_ = {};
  low_evaluations_ = low_entropy_evaluations_ = 0;
  healthy_evaluations_ = healthy_entropy_evaluations_ = 0;
  last_diversity_ = last_modes_ = last_entropy_ = -1;
  all_modes_step_ = -1;
  window_.clear();
  grad_norms_.clear();
}

std::vector<AlarmEvent> AlarmMonitor::take_new() {
  std::vector<AlarmEvent> out(log_.begin() + static_cast<long>(taken_), log_.end());
  taken_ = log_.size();
  return out;
}

}  // namespace genscope
