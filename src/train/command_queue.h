#pragma once
// Commands from widgets to the trainer. Widgets never write trainer state; they push commands,
// and the trainer applies them between two steps.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "train/latent.h"
#include "train/params.h"

namespace genscope {

/// One request to the trainer.
struct Command {
  enum class Kind {
    kSetParam,  // param = value; live ones apply at once, needs-reset ones wait for kReset
    kPause,
    kResume,
    kStep,      // train `count` steps, then pause
    kReset,     // new weights from the seed, applying pending needs-reset values
    kStop,      // leave the training loop
    kLatent,    // recompute the latent views for `latent`
  };
  Kind kind = Kind::kPause;
  ParamId param = ParamId::kCount;
  ParamValue value;
  int64_t count = 1;
  LatentSelection latent;

  static Command set(ParamId id, ParamValue v) { return {Kind::kSetParam, id, std::move(v), 1, {}}; }
  static Command of(Kind k, int64_t count = 1) { return {k, ParamId::kCount, {}, count, {}}; }
  static Command select_latent(LatentSelection s) {
    return {Kind::kLatent, ParamId::kCount, {}, 1, std::move(s)};
  }
};

/// Multi-producer, single-consumer queue. Pushing holds a mutex for a few instructions only.
class CommandQueue {
 public:
  /// Adds a command and wakes a trainer waiting in wait_for_commands().
  void push(Command c) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(c));
    }
    cv_.notify_one();
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

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Command> queue_;
};

}  // namespace genscope
