#pragma once
// Commands from widgets to the trainer. Widgets never write trainer state; they push commands,
// and the trainer applies them between two steps.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "data/toy2d.h"
#include "core/latent.h"
#include "core/params.h"

namespace genscope {

/// One request to the trainer.
struct Command {
  enum class Kind {
    kSetParam,  // param = value; live ones apply at once, needs-reset ones wait for kReset
    kPause,
    kResume,
    kStep,       // train `count` steps, then pause
    kStepTo,     // train until step `count`, then pause (sent twice, still `count`: lockstep)
    kReset,      // new weights from the seed, applying pending needs-reset values
    kStop,       // leave the training loop
    kLatent,     // recompute the latent views for `latent`
    kToyUpdate,  // 2D lab: one discriminator update (count 0) or one generator update (count 1)
    kToyView,    // 2D lab: the plot shows `box`: compute the heatmap over it
    kToyPaint,   // 2D lab: train on the painted `points` (dataset "custom"), from new weights
    kSaveCheckpoint,  // write a checkpoint to value.text (empty: RunDirectory::checkpoint())
    kLoadCheckpoint,  // replace the run by the checkpoint at value.text (empty: the last one
                      // this run saved or loaded)
    kRollBack,             // load the checkpoint at value.text after a divergence (the same,
                           // reported as a roll back)
    kMuteAlarm,            // mute (count 1) or unmute (count 0) the alarm kind `param_index`
    kExportGenerator,      // write the generator for Python to value.text (empty:
                           // RunDirectory::generator_export(step))
    // A fork in the window (Trainer): the run shown is saved and a branch starts from it with
    // the edits in value.text ("key=value,..."), in a run directory of its own; the runs then
    // train in turn. Every other command goes to the run shown.
    kFork,
    kShowRun,   // show (and command) the fork's run number `count` (0: the first)
    kCloseRun,  // end the fork's run number `count` (not the first); its directory stays
  };
  Kind kind = Kind::kPause;
  uint64_t seq = 0;  // set by CommandQueue::push: 1, 2, 3... in push order
  ParamId param = ParamId::kCount;
  ParamValue value;
  int64_t count = 1;
  int param_index = 0;  // kMuteAlarm: the AlarmKind
  LatentSelection latent;
  Box2 box;
  std::vector<Point2> points;

  static Command set(ParamId id, ParamValue v) {
    Command c = of(Kind::kSetParam);
    c.param = id;
    c.value = std::move(v);
    return c;
  }
  static Command of(Kind k, int64_t count = 1) {
    Command c;
    c.kind = k;
    c.count = count;
    return c;
  }
  static Command select_latent(LatentSelection s) {
    Command c = of(Kind::kLatent);
    c.latent = std::move(s);
    return c;
  }
  static Command mute_alarm(int kind, bool muted) {
    Command c = of(Kind::kMuteAlarm, muted ? 1 : 0);
    c.param_index = kind;
    return c;
  }
  static Command fork(std::string edits) {
    Command c = of(Kind::kFork);
    c.value.text = std::move(edits);
    return c;
  }
  static Command toy_update(bool generator) { return of(Kind::kToyUpdate, generator ? 1 : 0); }
  static Command toy_view(Box2 b) {
    Command c = of(Kind::kToyView);
    c.box = b;
    return c;
  }
  static Command toy_paint(std::vector<Point2> pts) {
    Command c = of(Kind::kToyPaint);
    c.points = std::move(pts);
    return c;
  }
};

/// Multi-producer, single-consumer queue. Pushing holds a mutex for a few instructions only.
class CommandQueue {
 public:
  /// Adds a command and wakes a trainer waiting in wait_for_commands(). Returns its sequence
  /// number (the trainer reports the last one it handled, so the UI knows when it took effect).
  uint64_t push(Command c) {
    uint64_t seq = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seq = c.seq = ++pushed_;
      queue_.push_back(std::move(c));
    }
    cv_.notify_one();
    return seq;
  }

  /// Moves every queued command into `out` (appending), in push order.
  void drain(std::vector<Command>& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& c : queue_) out.push_back(std::move(c));
    queue_.clear();
  }

  /// Blocks until at least one command is queued (used by a paused trainer, never by the UI).
  void wait_for_commands() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return !queue_.empty(); });
  }

  /// Blocks until a command is queued or `deadline` passes.
  template <class TimePoint>
  void wait_for_commands_until(TimePoint deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_until(lock, deadline, [&] { return !queue_.empty(); });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Command> queue_;
  uint64_t pushed_ = 0;
};

}  // namespace genscope
