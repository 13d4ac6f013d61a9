#include "app/recording_controller.h"

#include <algorithm>

#include "core/run_dir.h"

namespace genscope {

Status RecordingController::start(View& view, PixelRect region, double now_s) {
  RecorderUi& ui = view.recorder();
  RecordSettings settings = ui.settings();
  // A bare file name goes into the run's directory.
  if (view.has_snapshot()) settings.path = RunDirectory(view.files_dir()).output(settings.path);
  const Status started = recorder_.start(settings, region, now_s);
  const std::string& used = recorder_.settings().path;
  ui.message = !started              ? started.error()
               : used != settings.path ? "recording to " + used + " (" + settings.path + " exists)"
                                       : "recording to " + used;
  ui.message_is_error = !started.ok();
  view.notify(ui.message, started ? MessageLevel::kInfo : MessageLevel::kError);
  if (started && settings.lockstep()) {
    target_ = last_recorded_ = -1;
    paused_before_ = view.paused_or_pausing();
    view.request_pause(true);
  }
  return started;
}

Status RecordingController::stop(View& view) {
  const bool was_lockstep = recorder_.active() && recorder_.settings().lockstep();
  const Status stopped = recorder_.stop();
  RecorderUi& ui = view.recorder();
  ui.message = recorder_.last_summary();
  ui.message_is_error = !stopped.ok();
  const bool diverged = view.has_snapshot() && view.snapshot().diverged;
  if (was_lockstep && !paused_before_ && !diverged) {
    view.request_pause(false);
    ui.message += "; training resumed, as before the recording";
  } else if (was_lockstep) {
    ui.message += diverged ? "; training stays paused (it diverged)"
                           : "; training stays paused, as before the recording";
  }
  view.notify(ui.message, stopped ? MessageLevel::kInfo : MessageLevel::kError);
  last_stop_ = stopped;
  return stopped;
}

bool RecordingController::capture(View& view, const Snapshot& snap, PixelRect region,
                                  double now_s) {
  if (!recorder_.active()) return false;
  const RecordSettings& rs = recorder_.settings();
  if (rs.lockstep()) {
    const bool ready = snap.running && snap.paused && snap.steps_left == 0 &&
                       snap.samples_step == snap.step && snap.step >= target_ &&
                       snap.step != last_recorded_;
    if (ready) {
      if (snap.step < last_recorded_) target_ = last_recorded_ = -1;  // a reset
      recorder_.capture(0, region, snap.step, 1, now_s);
      last_recorded_ = snap.step;
      target_ = snap.step + rs.steps_per_frame;
      if (!recorder_.reached_limit()) {
        view.send(Command::of(Command::Kind::kStepTo, target_));
        sent_ = Clock::now();
      }
    } else if (snap.running && snap.paused && snap.steps_left == 0 && snap.step < target_ &&
               !snap.diverged &&
               Clock::now() - sent_ > std::chrono::seconds(2)) {
      // Paused short of the target (someone pressed Pause or Reset, or the first command was
      // slow): step on to the same target. A count would add up if both arrived.
      if (snap.step < last_recorded_) target_ = last_recorded_ = -1;
      view.send(Command::of(Command::Kind::kStepTo, std::max<int64_t>(target_, snap.step + 1)));
      sent_ = Clock::now();
    }
  } else if (int due = recorder_.frames_due(now_s); due > 0 && snap.running) {
    recorder_.capture(0, region, snap.step, due, now_s);
  }
  recorder_.poll();
  if (!recorder_.error().empty() || recorder_.reached_limit() ||
      (rs.lockstep() && snap.diverged && snap.paused)) {
    stop(view);
    return true;
  }
  return false;
}

}  // namespace genscope
