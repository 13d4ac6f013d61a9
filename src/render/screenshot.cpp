#include "render/screenshot.h"

#include <glad/gl.h>

#include <cstdint>
#include <vector>

#include "record/png.h"

namespace genscope {

Status save_screenshot(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) {
    return Error{path + ": invalid screenshot size " + std::to_string(width) + "x" +
                 std::to_string(height)};
  }
  const int row = width * 4;
  std::vector<uint8_t> pixels(static_cast<size_t>(row) * height);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  // GL rows are bottom-up: start at the last row and walk backwards.
  const uint8_t* top_row = pixels.data() + static_cast<size_t>(row) * (height - 1);
  return write_png_rgba(path, width, height, top_row, -row);
}

}  // namespace genscope
