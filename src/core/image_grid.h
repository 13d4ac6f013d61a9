#pragma once
// Tiles a batch of images into one RGBA grid image (plain C++, no torch).
#include <cstdint>

#include "core/snapshot.h"

namespace genscope {

/// Lays out `count` images (NCHW, values in [0,1], 1 or 3 channels) as `cols` columns with `pad`
/// pixels of `background` gray between tiles; writes into `out`, reusing its storage.
void make_grid(const float* images, int count, int channels, int height, int width, int cols,
               int pad, uint8_t background, ImageRGBA& out);

/// Same for uint8 images (0..255).
void make_grid_u8(const uint8_t* images, int count, int channels, int height, int width, int cols,
                  int pad, uint8_t background, ImageRGBA& out);

}  // namespace genscope
