#pragma once
// Training alarms: mode collapse, a discriminator overpowering its generator, and NaN/inf.
// Plain C++: the Run feeds them with metric rows and evaluation values and acts on them (a
// checkpoint, a line in the run's history); snapshots carry the log to the window.
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/metric_row.h"

namespace genscope {

/// What went wrong.
enum class AlarmKind { kCollapse, kDOverpowering, kNonFinite, kExplodingGradient };
inline constexpr int kAlarmKinds = 4;
/// "mode collapse", "D overpowering G", "NaN/inf", "exploding gradient".
const char* alarm_name(AlarmKind kind);

struct AlarmEvent;
/// True for alarms worth a checkpoint (collapse, overpowering; not NaN/inf: those weights are
/// lost).
bool alarm_saves_checkpoint(const AlarmEvent& e);

/// One alarm in the log.
struct AlarmEvent {
  AlarmKind kind;
  int64_t step = 0;
  std::string text;
};

/// Thresholds (defaults documented in the README).
struct AlarmSettings {
  // Collapse: sample diversity (mean pairwise distance of generated samples over that of real
  // ones) below this, the class histogram's entropy below this fraction of its maximum (ln of
  // the class count), or for the 2D lab modes covered below this fraction of the modes...
  double min_diversity = 0.25;
  double min_entropy_fraction = 0.5;
  double min_mode_fraction = 0.5;
  int collapse_evaluations = 3;   // ...for this many evaluations in a row
  int64_t collapse_warmup = 500;  // no collapse alarm before this step (every run starts collapsed)
  // 2D lab: a run climbs to full coverage over a time that grows with the number of modes
  // (ring8: a few hundred iterations, grid25: 13-25k), passing half of them on the way. So low
  // coverage counts only once every mode was covered (then losing them is a collapse), or, for a
  // run that never got there, after this many steps per mode (ring8 8,000, grid25 25,000).
  int64_t mode_warmup_per_mode = 1000;
  // D overpowering: D(G(z)) averaged over the window below this while the G loss rose (the mean
  // of the window's second half above its first half's); re-armed when the average is back
  // above twice the threshold.
  double max_d_fake = 0.05;
  int overpower_window = 200;  // steps
  // Exploding gradient (a metric column named grad_norm, the norm before clipping): above this
  // many times its median over the last grad_window steps (once grad_warmup steps are in);
  // re-armed when it is back under grad_rearm times that median.
  double max_grad_ratio = 10.0;
  double grad_rearm = 3.0;
  int grad_window = 200;
  int grad_warmup = 50;
};

/// Watches a run and raises each alarm once per episode (it re-arms when the condition clears;
/// a collapse clears after collapse_evaluations healthy evaluations in a row).
class AlarmMonitor {
 public:
  explicit AlarmMonitor(AlarmSettings s = {}) : settings_(s) {}
  /// A metric row. GAN columns (loss_g, d_fake) feed the overpowering check when d_fake is a
  /// probability (BCE losses; a raw critic score says nothing about winning); any non-finite
  /// value in the first `finite_columns` raises NaN/inf.
  void add_row(const MetricRow& row, const MetricSchema& names, int finite_columns,
               bool d_is_probability = true);
  /// A sample-diversity evaluation at `step` (image models). Callers may pass the latest
  /// evaluation every time: one at a step not after the last one seen (or < 0) is ignored.
  void add_diversity(int64_t step, double diversity);
  /// A class-histogram entropy (nats, of at most `max_entropy`) evaluated at `step` by the
  /// metric classifier; repeats are ignored likewise.
  void add_class_entropy(int64_t step, double entropy, double max_entropy);
  /// A mode-coverage evaluation at `step` (2D lab); repeats are ignored likewise. Low coverage
  /// counts towards the collapse alarm once every mode has been covered, or after
  /// mode_warmup_per_mode * total steps.
  void add_modes(int64_t step, int covered, int total);
  /// A step's gradient norm (before clipping): feeds the exploding-gradient check.
  void add_grad_norm(int64_t step, double norm);
  /// Forgets the run (a reset); the log and the mutes stay.
  void reset_run();

  /// Muted kinds are still checked but not logged.
  void set_muted(AlarmKind kind, bool muted) { muted_[int(kind)] = muted; }
  bool muted(AlarmKind kind) const { return muted_[int(kind)]; }
  const std::vector<AlarmEvent>& log() const { return log_; }
  /// Events logged since the last call (for printing).
  std::vector<AlarmEvent> take_new();

 private:
  void raise(AlarmKind kind, int64_t step, std::string text);
  void collapse_check(int64_t step, bool low, const std::string& what, int& low_count,
                      int& healthy_count);
  static bool new_evaluation(int64_t step, int64_t& last);

  AlarmSettings settings_;
  std::array<bool, kAlarmKinds> muted_{};
  std::array<bool, kAlarmKinds> active_{};  // the condition holds now (raised once)
  int low_evaluations_ = 0;                 // diversity or mode coverage low, in a row
  int low_entropy_evaluations_ = 0;         // class entropy low, in a row
  int healthy_evaluations_ = 0;             // diversity or mode coverage not low, in a row
  int healthy_entropy_evaluations_ = 0;     // class entropy not low, in a row
  int64_t last_diversity_ = -1, last_modes_ = -1, last_entropy_ = -1;  // last evaluations counted
  int64_t all_modes_step_ = -1;  // 2D lab: first evaluation that covered every mode (-1: none)
  struct GRow {
    int64_t step;
    float loss_g, d_fake;
  };
  std::deque<GRow> window_;  // the last overpower_window steps
  std::deque<float> grad_norms_;  // the last grad_window gradient norms
  std::vector<float> grad_scratch_;
  std::vector<AlarmEvent> log_;
  std::size_t taken_ = 0;
};

}  // namespace genscope
