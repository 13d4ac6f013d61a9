#pragma once
// RecordingController: recording as the window's frame loop runs it. It starts and stops the
// Recorder on request (the Record tab, the R key, --record), captures each frame (real time: the
// frames due; lockstep: once training reached the next target step, then it steps training on),
// and says what it did in the history. A lockstep recording pauses training to drive it; when it
// stops, training gets back the state it had before.
#include <chrono>

#include "app/recorder.h"
#include "gui/view.h"

namespace genscope {

/// The window's recording: one per App (see the file comment).
class RecordingController {
 public:
  /// Starts recording `region` with the Record tab's settings (view.recorder()). Never
  /// overwrites a file (the next free numbered name, and the line says so). Lockstep pauses
  /// training. The result also goes to the Record tab and the history.
  Status start(View& view, PixelRect region, double now_s);
  /// Stops and finishes the file; a lockstep recording resumes training when it was running
  /// before it started. Returns the recording's first error.
  Status stop(View& view);
  /// After a frame is drawn: captures `region` as the mode asks, and stops at the frame limit,
  /// on a write error, or when a lockstep run diverged. Returns true when it stopped (then
  /// last_stop() is the result).
  bool capture(View& view, const Snapshot& snap, PixelRect region, double now_s);

  /// True while recording.
  bool active() const { return recorder_.active(); }
  /// The settings of the recording (its path: the numbered one it writes).
  const RecordSettings& settings() const { return recorder_.settings(); }
  /// Where the recording stands at `now_s`.
  RecordingStatus status(double now_s) const { return recorder_.status(now_s); }
  /// The recorder (its last summary and error).
  const Recorder& recorder() const { return recorder_; }
  /// What the last stop returned.
  const Status& last_stop() const { return last_stop_; }

 private:
  using Clock = std::chrono::steady_clock;
  Recorder recorder_;
  bool paused_before_ = false;  // training was paused (or pausing) when lockstep started
  Status last_stop_;
  // Lockstep: record the first paused frame whose step reaches `target`.
  int64_t target_ = -1;
  int64_t last_recorded_ = -1;
  Clock::time_point sent_{};
};

}  // namespace genscope
