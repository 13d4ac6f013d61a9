#pragma once
// Test support: decodes a video file back with libavformat/libavcodec, so tests check what a
// player would see.
#include <cstdint>
#include <string>
#include <vector>

#include "util/image.h"
#include "util/result.h"

namespace genscope::test {

struct DecodedVideo {
  int width = 0;
  int height = 0;
  std::string codec;               // e.g. "h264"
  std::string pixel_format;        // e.g. "yuv420p"
  double fps = 0.0;                // stream's average frame rate
  int64_t frame_count = 0;         // frames decoded
  std::vector<ImageRGBA> frames;   // decoded frames as RGBA (only when keep_frames)
};

/// Decodes every frame it can. A file cut short (killed writer) decodes up to its last complete
/// fragment; an error is returned only when nothing can be opened or no stream is found.
Result<DecodedVideo> decode_video(const std::string& path, bool keep_frames = false);

}  // namespace genscope::test
