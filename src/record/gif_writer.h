#pragma once
// GIF export (GIF89a, looping) of RGBA frames: one global 256-colour palette built from the frames
// (median cut over a sample of their pixels), ordered or no dithering, LZW-compressed frames with
// a per-frame delay. Our own encoder: no library. Used for the sample history and for recordings.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "util/image.h"
#include "util/result.h"

namespace genscope {

struct GifSettings {
  int delay_cs = 10;      // per-frame delay in hundredths of a second
  int loop_count = 0;     // 0: loop forever
  int max_colors = 256;   // 2..256
  bool dither = false;    // ordered (Bayer 4x4) dithering against the palette
};

/// A GIF written frame by frame as frames come (recordings): each frame with its own palette
/// (median cut of its pixels), flushed to the file at once, so a killed process leaves every frame
/// written so far (the file lacks only its one-byte trailer, which decoders do without).
class GifStream {
 public:
  /// Creates `path` and writes the header for frames of `width` x `height`. Errors name the path.
  static Result<std::unique_ptr<GifStream>> open(const std::string& path, int width, int height,
                                                 const GifSettings& settings = {});
  ~GifStream();  // finish()es
  GifStream(const GifStream&) = delete;
  GifStream& operator=(const GifStream&) = delete;

  /// Encodes and writes one RGBA frame; rows `stride_bytes` apart from `rgba`, the top row
  /// (negative for bottom-up buffers, as VideoEncoder::add_frame takes them).
  Status add_frame(const uint8_t* rgba, int stride_bytes);
  /// Writes the last frame again (its encoded bytes: no new palette or compression).
  Status repeat_frame();
  /// Writes the trailer and closes the file. Idempotent.
  Status finish();
  int64_t frames() const { return frames_; }
  int64_t bytes_written() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  GifStream() = default;
  Status write(const std::vector<uint8_t>& bytes);
  std::string path_;
  std::FILE* file_ = nullptr;
  int width_ = 0, height_ = 0;
  GifSettings settings_;
  std::vector<uint8_t> last_frame_;  // the encoded bytes of the last frame
  int64_t frames_ = 0, bytes_ = 0;
  std::string error_;
};

/// Writes `frames` (all the same size, rows top-down) as an animated GIF, atomically
/// (`path`.tmp then rename). Errors name the path and the reason (empty list, mismatched sizes,
/// unwritable path).
Status write_gif(const std::string& path, const std::vector<ImageRGBA>& frames,
                 const GifSettings& settings = {});

}  // namespace genscope
