#pragma once
// View: what every panel reads each frame (the newest snapshot, plotted series, textures, frame
// timing) and the one way panels act (pushing Commands). Panels never touch trainer state.
#include <string>
#include <vector>

#include "render/gl_objects.h"
#include "train/command_queue.h"
#include "train/snapshot.h"
#include "util/series.h"

namespace genscope {

/// Frame timing measured by the App.
struct FrameStats {
  double fps = 0.0;          // frames drawn per second over the last half second
  double frame_ms = 0.0;     // CPU time to build and render the last frame
  double frame_p99_ms = 0.0; // 99th percentile over the recent frames
  uint64_t frames = 0;
};

/// Per-frame view of the trainer for panels.
class View {
 public:
  explicit View(CommandQueue& commands) : commands_(commands) {}

  /// Takes the newest snapshot: uploads textures whose version changed.
  void update_snapshot(const Snapshot& snapshot);
  /// Appends metric rows to the series; a step going backwards (a reset) clears them first.
  void add_rows(const std::vector<MetricRow>& rows, const MetricSchema& names);

  const Snapshot& snapshot() const { return *snapshot_; }
  bool has_snapshot() const { return snapshot_ != nullptr; }
  /// The series named `name`, or nullptr before the model reports it.
  const MetricSeries* series(const std::string& name) const;
  /// Sets the EMA smoothing weight of every series.
  void set_smoothing(float weight);

  const Texture& samples_texture() const { return samples_; }
  const Texture& real_texture() const { return real_; }
  FrameStats& frame() { return frame_; }
  const FrameStats& frame() const { return frame_; }

  /// Sends a command to the trainer (applied between two steps).
  void send(Command c) { commands_.push(std::move(c)); }

  /// A short-lived notice from the app itself (e.g. "saved screenshot.png").
  void notify(std::string text) { notice_ = std::move(text); }
  const std::string& notice() const { return notice_; }

 private:
  CommandQueue& commands_;
  const Snapshot* snapshot_ = nullptr;
  uint64_t samples_version_ = 0, real_version_ = 0;
  Texture samples_, real_;
  std::vector<std::string> names_;
  std::vector<MetricSeries> series_;
  int64_t last_step_ = -1;
  float smoothing_ = 0.6f;
  FrameStats frame_;
  std::string notice_;
};

}  // namespace genscope
