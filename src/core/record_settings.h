#pragma once
// What a recording captures and how, as the recorders use it: built from the parameter table's
// Record rows (which the CLI, config files and the Record tab edit). Plain data, no GL, no libav.
#include <cstdint>
#include <string>

#include "core/params.h"
#include "util/result.h"

namespace genscope {

/// Which part of the window a recording captures (the record_region choices, in order).
enum class RecordRegion { kWindow, kSamples, kPlots };

/// "window", "samples", "plots": the record_region row's choice names.
const char* record_region_name(RecordRegion region);
/// Parses a region name; errors list the accepted names (and suggest the nearest).
Result<RecordRegion> parse_record_region(const std::string& name);

/// One recording's settings: the parameter table's "Record" rows as the recorder uses them.
/// Defaults and ranges are the table's (record_path, record_fps, ...); nothing here repeats them.
struct RecordSettings {
  /// The table's defaults.
  RecordSettings();
  /// The Record rows of `params`.
  explicit RecordSettings(const Params& params);

  std::string path;     // record_path: .mp4 (H.264) or .gif
  int fps = 0;          // record_fps: frames per second of the video
  int crf = 0;          // record_crf: H.264 quality (ignored for GIF)
  float scale = 0.0f;   // record_scale: output size = region size * scale
  RecordRegion region = RecordRegion::kWindow;  // record_region
  int steps_per_frame = 0;  // record_steps_per_frame: > 0 lockstep, exactly this many training
                            // steps per recorded frame; 0: real time at `fps`
  int64_t max_frames = 0;   // record_frames: stop after this many frames (0: until stopped)
  double max_seconds = 0.0; // record_seconds: stop after this many seconds of video (0: never)
  std::string preset;       // record_preset: the x264 preset

  bool lockstep() const { return steps_per_frame > 0; }
  /// Steps per frame of a recording that can only be lockstep (offscreen): steps_per_frame, or
  /// the table's default when it is 0.
  int lockstep_steps() const;
  bool is_gif() const;
  /// Frames after which the recording ends, from max_frames and max_seconds (0: no limit).
  int64_t frame_limit() const;
  /// Checks every value against its table row and the path's extension; errors name the key
  /// and the value ("record_fps: 0 is outside the range [1, 120]").
  Status validate() const;
};

/// The table's Record defaults as settings (what RecordSettings() gives), built once.
const RecordSettings& record_defaults();

/// Where a recording stands, for the REC indicator and the Recorder panel.
struct RecordingStatus {
  bool active = false;
  bool lockstep = false;
  int steps_per_frame = 0;  // lockstep: training steps per frame
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
