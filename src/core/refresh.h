#pragma once
// How often the window sees something new: the trainer's sample-grid cadence (as often as
// rendering the grid costs at most a share of training time) and the gate that wakes a sleeping
// frame loop when the trainer has news (a metric row, a snapshot). Plain C++, no torch, no GL.
#include <algorithm>
#include <atomic>

namespace genscope {

/// When the trainer renders the sample grid for the window: every interval_s(), where the
/// interval makes rendering cost at most `budget` of the trainer's time (measured, smoothed),
/// clamped to [1/max_hz, 1/min_hz]. A cheap grid (a GPU) is rendered at max_hz, i.e. every frame
/// of a 60 Hz display; an expensive one no less often than min_hz, unless holding min_hz would
/// take more than `max_share` of the trainer's time: then it is spaced to take max_share (a
/// 70 ms grid on a slow CPU at 4 Hz would take 28 % of training; spaced, it takes 10 %).
class SampleCadence {
 public:
  static constexpr double kBudget = 0.05;
  static constexpr double kMinHz = 4.0;
  static constexpr double kMaxHz = 60.0;
  static constexpr double kMaxShare = 0.1;

  explicit SampleCadence(double budget = kBudget, double min_hz = kMinHz, double max_hz = kMaxHz,
                         double max_share = kMaxShare)
      : budget_(budget),
        max_share_(max_share),
        min_interval_(1.0 / max_hz),
        max_interval_(1.0 / min_hz) {}

  /// One rendering took `seconds`. The estimate follows a slower rendering at once (so the
  /// budget holds) and a faster one gradually (so one lucky measurement does not flood).
  void measured(double seconds) {
    if (!(seconds >= 0.0)) return;
    cost_ = cost_ < 0.0 || seconds > cost_ ? seconds : 0.8 * cost_ + 0.2 * seconds;
  }
  /// Seconds between two renderings.
  double interval_s() const {
    if (cost_ < 0.0) return 0.0;  // nothing measured yet: the first one is due now
    const double wanted = cost_ / budget_;
    const double longest = std::max(max_interval_, cost_ / max_share_);
    return wanted < min_interval_ ? min_interval_ : wanted > longest ? longest : wanted;
  }
  /// Renderings per second the cadence allows.
  double hz() const { return 1.0 / std::max(interval_s(), min_interval_); }
  /// True when `since_last_s` seconds since the last rendering make the next one due.
  bool due(double since_last_s) const { return since_last_s >= interval_s(); }
  /// The smoothed cost of one rendering in seconds (negative until one is measured).
  double cost_s() const { return cost_; }

 private:
  double budget_, max_share_, min_interval_, max_interval_;
  double cost_ = -1.0;
};

/// Wakes a sleeping consumer without waking it once per event: producers call notify() (cheap
/// when the consumer is awake: no system call), the consumer brackets its sleep with
/// begin_wait()/end_wait(). begin_wait() returns false when news came since the last wait, so the
/// consumer polls instead of sleeping; otherwise the next notify() calls `wake` (e.g.
/// glfwPostEmptyEvent) exactly once.
class WakeGate {
 public:
  /// Producer side: there is news; wakes the consumer when it sleeps. `wake` is called at most
  /// once per sleep.
  template <class Wake>
  void notify(Wake&& wake) {
    news_.store(true);
    if (waiting_.exchange(false)) wake();
  }
  /// Consumer side, before sleeping: false when news is already there (do not sleep).
  bool begin_wait() {
    waiting_.store(true);
    if (news_.exchange(false)) {
      waiting_.store(false);
      return false;
    }
    return true;
  }
  /// Consumer side, after sleeping (or polling): takes the news flag.
  void end_wait() {
    waiting_.store(false);
    news_.store(false);
  }

 private:
  std::atomic<bool> news_{false};
  std::atomic<bool> waiting_{false};
};

}  // namespace genscope
