#pragma once
// VideoEncoder: RGBA frames -> H.264 (libx264, yuv420p) in a fragmented MP4 through libavformat.
// Each keyframe starts a new fragment that is written to disk at once, so a killed process leaves a
// file that plays up to the last flushed fragment. No GL, no torch here.
#include <cstdint>
#include <memory>
#include <string>

#include "core/record_settings.h"
#include "util/result.h"

namespace genscope {

/// Settings of one recording. Odd sizes are cropped to even (yuv420p needs even width/height).
struct VideoSettings {
  int width = 0;                   // frame size of the RGBA input
  int height = 0;
  // fps, crf and preset start as the parameter table's record_fps, record_crf, record_preset.
  int fps = record_defaults().fps;  // time base: frame i is shown at i / fps seconds
  int crf = record_defaults().crf;  // x264 constant rate factor, 0 (lossless) .. 51 (worst)
  std::string preset = record_defaults().preset;  // x264 preset
  int keyframe_interval = 0;       // frames per GOP (= per fragment); 0: one per second (fps)
  int threads = 0;                 // encoder threads; 0: x264 picks (about 1.5 per core)
};

class VideoEncoder {
 public:
  /// Opens `path` for writing (.mp4; any other extension is refused with a message). Errors name
  /// the path and the reason: unwritable directory, missing libx264 encoder, bad size/fps/crf.
  static Result<std::unique_ptr<VideoEncoder>> open(const std::string& path,
                                                    const VideoSettings& settings);
  /// Finishes the file if finish() was not called.
  ~VideoEncoder();
  VideoEncoder(const VideoEncoder&) = delete;
  VideoEncoder& operator=(const VideoEncoder&) = delete;

  /// Encodes one RGBA8 frame of settings.width x settings.height. `rgba` points at the top row;
  /// consecutive rows are `stride_bytes` apart (negative for bottom-up buffers such as
  /// glReadPixels output, where `rgba` then points at the last row in memory; 0 = width*4).
  /// Errors (disk full, write failure) name the path.
  Status add_frame(const uint8_t* rgba, int stride_bytes = 0);
  /// Encodes the last frame again as the next frame (a frame that did not change: cheap, no
  /// colour conversion). An error when no frame was added yet.
  Status repeat_frame();
  /// Flushes the encoder and writes the trailer. Idempotent.
  Status finish();

  int64_t frames() const;         // frames accepted so far
  /// Frames in the file's complete fragments: what a kill -9 now would leave playable (all of
  /// them once finished).
  int64_t frames_on_disk() const;
  int64_t bytes_written() const;  // bytes in the file so far (for the REC indicator)
  const std::string& path() const;
  const VideoSettings& settings() const;  // with the even-cropped size

 private:
  struct Impl;
  explicit VideoEncoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace genscope
