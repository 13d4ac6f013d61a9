#pragma once
// Saves what the current read framebuffer shows as a PNG.
#include <string>

#include "util/result.h"

namespace genscope {

/// Reads width x height RGBA pixels from (0,0) of the bound read framebuffer and writes them,
/// top row first, as a PNG at `path` (atomically). Errors name the path.
Status save_screenshot(const std::string& path, int width, int height);

}  // namespace genscope
