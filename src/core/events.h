#pragma once
// The run's history of what happened to it: applied edits, resets, pauses, saves, loads, errors.
// Plain C++ (no torch): the trainer keeps the log and publishes its newest lines in snapshots.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/params.h"

namespace genscope {

/// Severity of the trainer's message line and of history lines.
enum class MessageLevel { kNone, kInfo, kWarning, kError };

/// One line of the run's history.
struct RunEvent {
  uint64_t id = 0;        // 1, 2, 3... in the order things happened (assigned by EventLog)
  uint64_t revision = 0;  // bumped when later edits of the same parameter merge into it
  int64_t step = 0;       // the training step it happened at
  double wall_s = 0.0;    // seconds into the run (edits merge only when they come in a row)
  MessageLevel level = MessageLevel::kInfo;
  std::string text;       // e.g. "lr_d 2.00e-04 → 1.00e-03"
  ParamId param = ParamId::kCount;  // an edit's parameter (kCount: not an edit)
  std::string from, to;   // an edit's old and new value, as format_param_value() shows them
  bool waits_for_reset = false;     // an edit of a needs-reset parameter, not applied yet

  /// An edit of `id` from `from` to `to` at `step`.
  static RunEvent edit(ParamId id, std::string from, std::string to, int64_t step,
                       bool waits_for_reset, double wall_s = 0.0);
  /// A message line at `step`.
  static RunEvent message(MessageLevel level, std::string text, int64_t step);
};

/// The text of an edit: "lr_d 2.00e-04 → 1.00e-03", with " (on Reset)" when it waits.
std::string edit_event_text(ParamId id, const std::string& from, const std::string& to,
                            bool waits_for_reset);

/// The run's history, newest last, at most kCapacity lines. Consecutive edits of one parameter
/// less than kMergeSeconds apart (a slider being dragged sends one per frame) merge into one line
/// from the first old value to the last new one.
class EventLog {
 public:
  static constexpr std::size_t kCapacity = 1000;
  static constexpr double kMergeSeconds = 1.5;

  /// Appends `e` (assigning its id) or merges it into the newest line. Returns the line.
  const RunEvent& add(RunEvent e);
  /// Every line kept, oldest first.
  const std::deque<RunEvent>& events() const { return events_; }
  /// Copies the newest `n` lines into `out` (oldest first).
  void copy_newest(std::size_t n, std::vector<RunEvent>& out) const;

 private:
  std::deque<RunEvent> events_;
  uint64_t next_id_ = 1;
};

/// The step prefix and text of a history line: "step 812: lr_d 2.00e-04 → 1.00e-03".
std::string event_line(const RunEvent& e);

}  // namespace genscope
