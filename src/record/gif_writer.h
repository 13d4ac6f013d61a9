#pragma once
// GIF export (GIF89a, looping) of RGBA frames: one global 256-colour palette built from the frames
// (median cut over a sample of their pixels), ordered or no dithering, LZW-compressed frames with
// a per-frame delay. Our own encoder: no library. Used for the sample history and for recordings.
#include <cstdint>
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

/// Writes `frames` (all the same size, rows top-down) as an animated GIF, atomically
/// (`path`.tmp then rename). Errors name the path and the reason (empty list, mismatched sizes,
/// unwritable path).
Status write_gif(const std::string& path, const std::vector<ImageRGBA>& frames,
                 const GifSettings& settings = {});

}  // namespace genscope
