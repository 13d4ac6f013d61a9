#include "record/png.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "util/c_file.h"

namespace genscope {

namespace {

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

Error system_error(const std::string& path, const char* what) {
  return Error{path + ": " + what + ": " + std::strerror(errno)};
}

}  // namespace

std::vector<uint8_t> encode_png_rgba(int w, int h, const uint8_t* rgba, int stride_bytes) {
  if (stride_bytes == 0) stride_bytes = w * 4;
  std::vector<uint8_t> encoded;
  if (w <= 0 || h <= 0 || rgba == nullptr || std::abs(stride_bytes) < w * 4) return encoded;
  if (stbi_write_png_to_func(append_bytes, &encoded, w, h, 4, rgba, stride_bytes) == 0) {
    encoded.clear();
  }
  return encoded;
}

Status write_png_rgba(const std::string& path, int w, int h, const uint8_t* rgba,
                      int stride_bytes) {
  if (stride_bytes == 0) stride_bytes = w * 4;
  if (w <= 0 || h <= 0 || rgba == nullptr || std::abs(stride_bytes) < w * 4) {
    return Error{path + ": invalid image " + std::to_string(w) + "x" + std::to_string(h) +
                 " stride " + std::to_string(stride_bytes)};
  }
  const std::vector<uint8_t> encoded = encode_png_rgba(w, h, rgba, stride_bytes);
  if (encoded.empty()) return Error{path + ": PNG encoding failed"};
  const std::string tmp = path + ".tmp";
  CFile file(std::fopen(tmp.c_str(), "wb"));
  if (!file) return system_error(path, ("cannot create " + tmp).c_str());
  const bool written = std::fwrite(encoded.data(), 1, encoded.size(), file.get()) == encoded.size();
  if (!written || std::fflush(file.get()) != 0 || std::fclose(file.release()) != 0) {
    Error error = system_error(path, ("cannot write " + tmp).c_str());
    std::remove(tmp.c_str());
    return error;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    Error error = system_error(path, "cannot rename temporary file");
    std::remove(tmp.c_str());
    return error;
  }
  return {};
}

Result<ImageRGBA> read_png_rgba(const std::string& path) {
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> data(stbi_load(path.c_str(), &w, &h, &channels, 4),
                                                 stbi_image_free);
  if (!data) return Error{path + ": cannot read image: " + stbi_failure_reason()};
  ImageRGBA image;
  image.width = w;
  image.height = h;
  image.pixels.assign(data.get(), data.get() + static_cast<size_t>(w) * h * 4);
  return image;
}

Result<ImageRGBA> decode_png_rgba(const std::string& bytes, const std::string& what) {
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> data(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()), &w,
                            &h, &channels, 4),
      stbi_image_free);
  if (!data) return Error{what + ": cannot decode image: " + stbi_failure_reason()};
  ImageRGBA image;
  image.width = w;
  image.height = h;
  image.pixels.assign(data.get(), data.get() + static_cast<size_t>(w) * h * 4);
  return image;
}

}  // namespace genscope
