#pragma once
// What a recording captures and how: shared by the CLI, the Recorder panel and the recorders.
// Plain data, no GL, no libav.
#include <cstdint>
#include <string>

#include "util/result.h"

namespace genscope {

/// Which part of the window a recording captures.
enum class RecordRegion { kWindow, kSamples, kPlots };

/// "window", "samples", "plots".
const char* record_region_name(RecordRegion region);
/// Parses a region name; errors list the accepted names.
Result<RecordRegion> parse_record_region(const std::string& name);

/// The accepted ranges of RecordSettings (the CLI and validate() both use them).
namespace record_limits {
inline constexpr int kMinFps = 1, kMaxFps = 120;
inline constexpr int kMinCrf = 0, kMaxCrf = 51;
inline constexpr float kMinScale = 0.25f, kMaxScale = 1.0f;
inline constexpr int kMaxStepsPerFrame = 100000;
}  // namespace record_limits

/// One recording's settings.
struct RecordSettings {
  std::string path = "genscope-recording.mp4";  // .mp4 (H.264) or .gif
  int fps = 30;                 // frames per second of the video
  int crf = 20;                 // H.264 quality: 0 lossless .. 51 worst (ignored for GIF)
  float scale = 1.0f;           // output size = region size * scale (0.25 .. 1)
  RecordRegion region = RecordRegion::kWindow;
  int steps_per_frame = 0;      // > 0: lockstep timelapse, exactly this many training steps per
                                // recorded frame; 0: real time at `fps`
  int64_t max_frames = 0;       // stop after this many frames (0: until stopped)
  double max_seconds = 0.0;     // stop after this many seconds of video (0: until stopped)
  std::string preset = "veryfast";  // x264 preset

  bool lockstep() const { return steps_per_frame > 0; }
  bool is_gif() const;
  /// Frames after which the recording ends, from max_frames and max_seconds (0: no limit).
  int64_t frame_limit() const;
  /// Checks ranges and the extension; errors name the setting and the value.
  Status validate() const;
};

/// Where a recording stands, for the REC indicator and the Recorder panel.
struct RecordingStatus {
  bool active = false;
  bool lockstep = false;
  std::string path;
  int64_t frames = 0;     // frames written (or, for GIF, kept) so far
  int64_t captures = 0;   // distinct images captured (real time repeats one while nothing changes)
  int64_t requested = 0;  // video frames asked for (kept + dropped)
  int64_t new_steps = 0;  // of those, frames showing a training step the one before did not
  int64_t dropped = 0;    // frames the encoder could not take in time
  int64_t bytes = 0;      // file size so far (GIF: estimated only when written)
  double elapsed_s = 0.0; // wall time since the start
  double video_s = 0.0;   // length of the video so far
  int width = 0, height = 0;
};

/// A rectangle of the framebuffer in GL coordinates (origin bottom-left).
struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
};

/// For a real-time recording of `frames` frames of which `new_steps` show a training step the
/// frame before did not: when half or more repeat, a line saying so and suggesting lockstep;
/// "" otherwise (and always for lockstep, where every frame is a new step).
std::string repeat_advice(int64_t frames, int64_t new_steps, bool lockstep);

/// `path` when nothing is there, else the first free numbered name beside it
/// ("out.mp4" -> "out-2.mp4", "out-3.mp4"...): a new recording never overwrites a file.
std::string next_free_path(const std::string& path);

/// The CSV written beside a recording: which training step each frame shows ("out.mp4" ->
/// "out.frames.csv").
std::string frames_csv_path(const std::string& video_path);

}  // namespace genscope
