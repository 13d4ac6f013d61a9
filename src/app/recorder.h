#pragma once
// Recorder: records what the window (or one panel of it) shows to MP4 or GIF. The frame loop calls
// capture() after drawing the frame and before drawing the REC indicator, so the indicator never
// shows in the video. Readback is asynchronous (FrameCapture's PBO ring); colour conversion and
// encoding run on AsyncVideoWriter's worker thread behind a bounded queue. In real time, frames
// that find the queue full are dropped and counted, never waited for; in lockstep every frame is
// kept. Beside the video, NAME.frames.csv says which training step each frame shows.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "record/async_video_writer.h"
#include "core/record_settings.h"
#include "render/frame_capture.h"
#include "util/image.h"
#include "util/result.h"

namespace genscope {

class Recorder {
 public:
  Recorder() = default;
  ~Recorder();  // stops (finalising the file)
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  /// Starts recording `region` of the framebuffer; the video's size is the region's size times
  /// settings.scale (rounded down to even) and stays fixed. An existing file is never
  /// overwritten: the recording goes to the next free numbered name (settings().path says
  /// which). Errors name the path or setting.
  Status start(const RecordSettings& settings, PixelRect region, double now_s);
  bool active() const { return active_; }
  const RecordSettings& settings() const { return settings_; }

  /// Real time: how many video frames are due at `now_s` (0 when none; more than one when the
  /// frame loop fell behind, so the video keeps wall-clock time). Lockstep: always 1.
  int frames_due(double now_s) const;
  /// Reads `region` of framebuffer `source` (resized to the video's size when it differs) for
  /// `repeat` video frames showing training step `step`. Real time: returns at once (the pixels
  /// come back in a later poll); lockstep: waits for the pixels and queues the frame, blocking
  /// only while the encoder's queue is full.
  void capture(unsigned source, PixelRect region, int64_t step, int repeat, double now_s);
  /// Hands finished readbacks to the encoder (`wait`: all of them). Call once per frame.
  void poll(bool wait = false);
  /// True once the settings' frame limit is reached (the caller then stops).
  bool reached_limit() const;

  /// Waits for readbacks in flight, finishes the file (MP4 trailer, or writes the GIF) and the
  /// frames CSV. Returns the first error of the recording. Safe to call when not active.
  Status stop();

  /// Where the recording stands at `now_s`.
  RecordingStatus status(double now_s) const;
  /// The last error (start, a write failure during recording, or stop), cleared on start.
  const std::string& error() const { return error_; }
  /// The last finished recording's summary line, e.g. "recorded 120 frames to out.mp4 (2.1 MB)";
  /// a real-time recording whose frames mostly repeat the previous training step says so and
  /// suggests lockstep.
  const std::string& last_summary() const { return summary_; }

 private:
  void deliver(std::vector<uint8_t>& rgba, int64_t tag);

  RecordSettings settings_;
  bool active_ = false;
  std::unique_ptr<FrameCapture> capture_;
  std::unique_ptr<AsyncVideoWriter> writer_;
  std::FILE* csv_ = nullptr;
  // MP4: NAME.frames.csv lists a frame once its fragment is in the file, so after a kill the
  // CSV never names frames the video lacks. Lines wait here until then.
  std::deque<std::string> csv_waiting_;
  int64_t csv_written_ = 0;
  void write_csv_lines(int64_t frames_on_disk);
  std::vector<int64_t> tag_steps_;  // step shown by capture tag i
  std::vector<int> tag_repeats_;    // video frames capture tag i stands for
  std::vector<double> tag_times_;
  int64_t frames_requested_ = 0;    // video frames asked for (captures x repeats)
  int64_t frames_kept_ = 0;         // video frames handed to the writer
  int64_t capture_dropped_ = 0;     // every PBO in flight: the frame loop outran the GPU
  int64_t captures_ = 0;            // distinct images captured
  int64_t new_steps_ = 0;           // frames showing a step the frame before did not
  int64_t last_step_ = -1;
  double start_s_ = 0.0;
  int width_ = 0, height_ = 0;
  std::string error_, summary_;
  std::vector<uint8_t> scratch_;
};

/// Writes `frames` (equal sizes) as a video: MP4 at `fps`, or GIF, by `path`'s extension. Used
/// to export the sample history. Each frame is scaled up `scale` times (nearest) first.
Status write_frames(const std::string& path, const std::vector<const ImageRGBA*>& frames, int fps,
                    int scale);

}  // namespace genscope
