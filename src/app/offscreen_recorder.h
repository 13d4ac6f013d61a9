#pragma once
// OffscreenRecorder: `genscope --headless --record`. Draws the window's panels from snapshots into
// a framebuffer of an EGL context (no X server, no window) and records them with the Recorder,
// one frame per snapshot, the way the window's lockstep recording does.
#include <memory>
#include <string>
#include <vector>

#include "core/record_settings.h"
#include "core/snapshot.h"
#include "util/result.h"

namespace genscope {

class OffscreenRecorder {
 public:
  /// Creates the EGL context and the `width` x `height` canvas, the panels at UI scale
  /// `ui_scale` (0: automatic for that size); the recording starts with the first frame. Errors
  /// say what failed (EGL, the path, the encoder).
  static Result<std::unique_ptr<OffscreenRecorder>> create(const RecordSettings& settings,
                                                           int width, int height,
                                                           float ui_scale = 0.0f);
  ~OffscreenRecorder();

  /// Draws `snapshot` (with `rows`, the metrics since the previous frame) and records the frame.
  /// After the settings' frame limit it records nothing more.
  Status frame(const Snapshot& snapshot, const std::vector<MetricRow>& rows);
  /// Finishes the file; returns the recording's first error.
  Status finish();
  /// "recorded N frames to PATH (size)".
  std::string summary() const;
  /// GL_RENDERER of the offscreen context.
  std::string renderer() const;

 private:
  struct Impl;
  explicit OffscreenRecorder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace genscope
