#pragma once
// ImageRGBA: the plain image type passed between training, rendering and recording.
#include <cstdint>
#include <vector>

namespace genscope {

/// An 8-bit RGBA image, rows top-down.
struct ImageRGBA {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 4
  bool empty() const { return width == 0 || height == 0; }
};

}  // namespace genscope
