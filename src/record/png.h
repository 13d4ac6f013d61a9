#pragma once
// PNG files through Debian's libstb (stb_image_write / stb_image). No GL here.
#include <cstdint>
#include <string>
#include <vector>

#include "util/image.h"
#include "util/result.h"

namespace genscope {


/// Writes an RGBA8 PNG atomically (`path`.tmp, then rename). `rgba` points at the top row;
/// consecutive rows are `stride_bytes` apart (negative for bottom-up buffers, 0 = width*4).
/// Errors name the path and the system's reason (missing directory, not writable, ...).
Status write_png_rgba(const std::string& path, int w, int h, const uint8_t* rgba, int stride_bytes);

/// Encodes RGBA8 pixels (rows `stride_bytes` apart, 0 = width*4) as PNG bytes in memory; empty
/// when the image is invalid or encoding fails.
std::vector<uint8_t> encode_png_rgba(int w, int h, const uint8_t* rgba, int stride_bytes);

/// Reads a PNG (or any format stb_image knows) as RGBA8; errors name the path.
Result<ImageRGBA> read_png_rgba(const std::string& path);

/// Decodes an encoded image (PNG, or any format stb_image knows) in memory as RGBA8; errors name
/// `what`.
Result<ImageRGBA> decode_png_rgba(const std::string& bytes, const std::string& what);

}  // namespace genscope
