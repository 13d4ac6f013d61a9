#pragma once
// ThreadTuner: LibTorch's thread count for a windowed CPU run, adjusted while it trains by
// measuring. On a quiet 2-core machine two threads train ~1.25x faster than one; while another
// program keeps a core busy, two threads train ~1.5x SLOWER than one (a parallel region waits for
// its slowest thread, and one of them keeps losing its core). No fixed count is right for both,
// so the tuner measures steps/s at the current count and, now and then or when the speed
// changes, at a neighbouring count, and keeps the faster. Plain C++, no torch: the Run feeds it
// each step's duration and applies what it returns.
#include <cstdint>
#include <string>
#include <vector>

namespace genscope {

class ThreadTuner {
 public:
  /// Seconds a measurement lasts (at least kMinSteps steps); the window after a change of count
  /// is discarded (the pool and the caches settle).
  static constexpr double kWindowS = 1.0;
  static constexpr int kMinSteps = 4;
  /// A neighbouring count is tried this long after the last try, or at once when the speed at
  /// the current count moved by more than kChange since it was chosen (the load changed).
  static constexpr double kProbeEveryS = 60.0;
  static constexpr double kFirstProbeS = 8.0;
  static constexpr double kChange = 0.2;
  /// A neighbour must be this much faster to be kept (noise is not a reason to switch).
  static constexpr double kMargin = 1.05;

  /// Starts at `start` threads, trying counts in [1, max_threads].
  ThreadTuner(int start, int max_threads);

  /// One training step took `seconds` (wall time) at the current count, at `now_s` (any
  /// monotonic clock in seconds). Returns the count to use from the next step on.
  int step(double seconds, double now_s);
  /// The count in use (a neighbour while it is being tried).
  int threads() const { return current_; }
  /// The count chosen: the one in use when no neighbour is being tried.
  int chosen() const { return base_; }
  /// Measurements finished so far (each may change reason()).
  uint64_t measurements() const { return measurements_; }
  /// What the tuner measured, in words: "9.1 steps/s, 7.3 at 1" (the chosen count's
  /// speed first, then its neighbours'). Empty before the chosen count was measured.
  std::string reason() const;

 private:
  struct Measured {
    double rate = 0.0;  // steps/s; 0: never measured
    double at_s = -1.0;
  };
  void finish_window(double now_s);
  void start_probe(double now_s);
  int neighbour() const;

  int max_;
  int current_;
  int base_;              // the count chosen (probes return to it unless they win)
  bool probing_ = false;  // the current count is a probe
  bool settling_ = true;  // the current window is discarded
  double base_rate_at_choice_ = 0.0;
  uint64_t measurements_ = 0;
  double last_probe_s_ = -1.0;
  double first_s_ = -1.0;
  double window_start_s_ = -1.0;
  std::vector<double> window_;  // step times of the current window
  std::vector<Measured> rates_;  // index: thread count
};

}  // namespace genscope
