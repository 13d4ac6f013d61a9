#include "core/image_grid.h"

#include <algorithm>
#include <cmath>

namespace genscope {
namespace {

template <typename Pixel>
void tile(const Pixel* images, int count, int channels, int height, int width, int cols, int pad,
          uint8_t background, ImageRGBA& out, uint8_t (*to_byte)(Pixel)) {
  cols = std::max(1, std::min(cols, std::max(count, 1)));
  int rows = (count + cols - 1) / cols;
  out.width = cols * width + (cols + 1) * pad;
  out.height = rows * height + (rows + 1) * pad;
  out.pixels.assign(size_t(out.width) * out.height * 4, background);
  for (size_t i = 3; i < out.pixels.size(); i += 4) out.pixels[i] = 255;
  const size_t plane = size_t(height) * width;
  for (int n = 0; n < count; ++n) {
    int x0 = pad + (n % cols) * (width + pad);
    int y0 = pad + (n / cols) * (height + pad);
    const Pixel* img = images + size_t(n) * channels * plane;
    for (int y = 0; y < height; ++y) {
      uint8_t* row = out.pixels.data() + (size_t(y0 + y) * out.width + x0) * 4;
      for (int x = 0; x < width; ++x) {
        for (int c = 0; c < 3; ++c) {
          int src = channels == 1 ? 0 : c;
          row[x * 4 + c] = to_byte(img[src * plane + size_t(y) * width + x]);
        }
      }
    }
  }
}

uint8_t float_to_byte(float v) {
  if (!std::isfinite(v)) return 0;
  return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
}
uint8_t byte_to_byte(uint8_t v) { return v; }

}  // namespace

void make_grid(const float* images, int count, int channels, int height, int width, int cols,
               int pad, uint8_t background, ImageRGBA& out) {
  tile<float>(images, count, channels, height, width, cols, pad, background, out,
              float_to_byte);
}

void make_grid_u8(const uint8_t* images, int count, int channels, int height, int width, int cols,
                  int pad, uint8_t background, ImageRGBA& out) {
  tile<uint8_t>(images, count, channels, height, width, cols, pad, background, out,
                byte_to_byte);
}

}  // namespace genscope
