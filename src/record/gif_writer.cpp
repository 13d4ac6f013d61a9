#include "record/gif_writer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "util/c_file.h"
#include "util/strings.h"

namespace genscope {

namespace {

using Color = std::array<uint8_t, 3>;

// ---- Palette: median cut over a sample of the frames' pixels --------------------------------

struct Box {
  size_t begin = 0, end = 0;  // range of the sample vector
  int axis = 0;               // channel with the widest range
  int range = 0;              // that range
};

Box make_box(const std::vector<Color>& samples, size_t begin, size_t end) {
  Box box{begin, end, 0, 0};
  uint8_t lo[3] = {255, 255, 255}, hi[3] = {0, 0, 0};
  for (size_t i = begin; i < end; ++i) {
    for (int c = 0; c < 3; ++c) {
      lo[c] = std::min(lo[c], samples[i][c]);
      hi[c] = std::max(hi[c], samples[i][c]);
    }
  }
  for (int c = 0; c < 3; ++c) {
    if (hi[c] - lo[c] > box.range) {
      box.range = hi[c] - lo[c];
      box.axis = c;
    }
  }
  return box;
}

/// Up to `max_colors` colours: boxes of samples are split at the median of their widest channel
/// (the box with the largest range x count first) until there are enough or none can be split;
/// each box contributes its mean colour.
std::vector<Color> median_cut(std::vector<Color> samples, int max_colors) {
  std::vector<Box> boxes{make_box(samples, 0, samples.size())};
  while (static_cast<int>(boxes.size()) < max_colors) {
    int best = -1;
    double best_score = 0.0;
    for (size_t i = 0; i < boxes.size(); ++i) {
      const Box& b = boxes[i];
      const double score = static_cast<double>(b.range) * static_cast<double>(b.end - b.begin);
      if (b.range > 0 && b.end - b.begin > 1 && score > best_score) {
        best_score = score;
        best = static_cast<int>(i);
      }
    }
    if (best < 0) break;
    const Box b = boxes[best];
    const int axis = b.axis;
    auto first = samples.begin() + static_cast<std::ptrdiff_t>(b.begin);
    auto last = samples.begin() + static_cast<std::ptrdiff_t>(b.end);
    auto mid = first + (last - first) / 2;
    std::nth_element(first, mid, last,
                     [axis](const Color& a, const Color& c) { return a[axis] < c[axis]; });
    // Move the median's equals into the lower half so a box of two values always splits.
    const uint8_t pivot = (*mid)[axis];
    mid = std::partition(first, last, [&](const Color& c) { return c[axis] <= pivot; });
    if (mid == last) {
      mid = std::partition(first, last, [&](const Color& c) { return c[axis] < pivot; });
    }
    const size_t split = b.begin + static_cast<size_t>(mid - first);
    boxes[best] = make_box(samples, b.begin, split);
    boxes.push_back(make_box(samples, split, b.end));
  }
  std::vector<Color> palette;
  for (const Box& b : boxes) {
    if (b.end == b.begin) continue;
    uint64_t sum[3] = {0, 0, 0};
    for (size_t i = b.begin; i < b.end; ++i) {
      for (int c = 0; c < 3; ++c) sum[c] += samples[i][c];
    }
    const uint64_t n = b.end - b.begin;
    palette.push_back({static_cast<uint8_t>((sum[0] + n / 2) / n),
                       static_cast<uint8_t>((sum[1] + n / 2) / n),
                       static_cast<uint8_t>((sum[2] + n / 2) / n)});
  }
  if (palette.empty()) palette.push_back({0, 0, 0});
  return palette;
}

std::vector<Color> build_palette(const std::vector<ImageRGBA>& frames, int max_colors) {
  constexpr size_t kMaxSamples = 1 << 18;
  size_t total = 0;
  for (const ImageRGBA& f : frames) total += static_cast<size_t>(f.width) * f.height;
  const size_t step = std::max<size_t>(1, total / kMaxSamples);
  std::vector<Color> samples;
  samples.reserve(std::min(total, kMaxSamples + frames.size()));
  for (const ImageRGBA& f : frames) {
    const size_t n = static_cast<size_t>(f.width) * f.height;
    // An odd step walks diagonally through the rows instead of down fixed columns.
    const size_t s = step > 1 ? (step | 1) : 1;
    for (size_t i = (s / 2) % n; i < n; i += s) {
      const uint8_t* p = &f.pixels[i * 4];
      samples.push_back({p[0], p[1], p[2]});
    }
  }
  return median_cut(std::move(samples), max_colors);
}

// ---- Mapping: nearest palette colour, cached on 6 bits per channel ---------------------------

class NearestColor {
 public:
  explicit NearestColor(const std::vector<Color>& palette)
      : palette_(palette), cache_(1 << 18, -1) {}

  uint8_t operator()(int r, int g, int b) {
    const int key = ((r >> 2) << 12) | ((g >> 2) << 6) | (b >> 2);
    int16_t& slot = cache_[key];
    if (slot < 0) slot = static_cast<int16_t>(search((r & ~3) | 2, (g & ~3) | 2, (b & ~3) | 2));
    return static_cast<uint8_t>(slot);
  }

 private:
  int search(int r, int g, int b) const {
    int best = 0, best_d = 1 << 30;
    for (size_t i = 0; i < palette_.size(); ++i) {
      const int dr = r - palette_[i][0], dg = g - palette_[i][1], db = b - palette_[i][2];
      const int d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;  // rough perceptual weights
      if (d < best_d) {
        best_d = d;
        best = static_cast<int>(i);
      }
    }
    return best;
  }

  const std::vector<Color>& palette_;
  std::vector<int16_t> cache_;
};

/// Amplitude of the ordered dither: the typical distance between neighbouring palette colours,
/// capped so colours the palette holds exactly stay exact.
int dither_spread(const std::vector<Color>& palette) {
  if (palette.size() < 2) return 0;
  std::vector<double> nearest;
  for (size_t i = 0; i < palette.size(); ++i) {
    double best = 1e9;
    for (size_t j = 0; j < palette.size(); ++j) {
      if (i == j) continue;
      double d = 0;
      for (int c = 0; c < 3; ++c) d += std::pow(palette[i][c] - palette[j][c], 2.0);
      best = std::min(best, std::sqrt(d));
    }
    nearest.push_back(best);
  }
  std::nth_element(nearest.begin(), nearest.begin() + nearest.size() / 2, nearest.end());
  return std::clamp(static_cast<int>(nearest[nearest.size() / 2]), 2, 48);
}

void map_frame(const ImageRGBA& frame, NearestColor& nearest, int spread,
               std::vector<uint8_t>& indices) {
  static constexpr int kBayer[4][4] = {
      {0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};
  indices.resize(static_cast<size_t>(frame.width) * frame.height);
  const uint8_t* p = frame.pixels.data();
  uint8_t* out = indices.data();
  for (int y = 0; y < frame.height; ++y) {
    for (int x = 0; x < frame.width; ++x, p += 4) {
      if (spread == 0) {
        *out++ = nearest(p[0], p[1], p[2]);
      } else {
        // Threshold in (-spread/2, spread/2), centred on zero.
        const int t = ((2 * kBayer[y & 3][x & 3] + 1 - 16) * spread) / 32;
        *out++ = nearest(std::clamp(p[0] + t, 0, 255), std::clamp(p[1] + t, 0, 255),
                         std::clamp(p[2] + t, 0, 255));
      }
    }
  }
}

// ---- LZW (GIF flavour: variable code size, clear code, no early change) ---------------------

class BitWriter {
 public:
  explicit BitWriter(std::vector<uint8_t>& out) : out_(out) {}
  void put(int code, int bits) {
    acc_ |= static_cast<uint32_t>(code) << count_;
    count_ += bits;
    while (count_ >= 8) {
      byte(static_cast<uint8_t>(acc_ & 0xff));
      acc_ >>= 8;
      count_ -= 8;
    }
  }
  /// Writes the last partial byte, the last sub-block and the block terminator.
  void finish() {
    if (count_ > 0) byte(static_cast<uint8_t>(acc_ & 0xff));
    acc_ = 0;
    count_ = 0;
    flush_block();
    out_.push_back(0);
  }

 private:
  void byte(uint8_t b) {
    block_[block_size_++] = b;
    if (block_size_ == 255) flush_block();
  }
  void flush_block() {
    if (block_size_ == 0) return;
    out_.push_back(static_cast<uint8_t>(block_size_));
    out_.insert(out_.end(), block_, block_ + block_size_);
    block_size_ = 0;
  }

  std::vector<uint8_t>& out_;
  uint32_t acc_ = 0;
  int count_ = 0;
  uint8_t block_[255];
  int block_size_ = 0;
};

/// Compresses palette indices (all < 2^min_code_size) into GIF image data sub-blocks, preceded
/// by the LZW minimum code size byte.
void lzw_encode(const std::vector<uint8_t>& indices, int min_code_size, std::vector<uint8_t>& out) {
  constexpr int kMaxCode = 4095;
  constexpr uint32_t kTableSize = 1 << 13;  // open addressing, at most half full
  const int clear = 1 << min_code_size;
  const int end_of_information = clear + 1;
  // Dictionary (prefix code, next index) -> code, keyed as prefix << 8 | index.
  std::vector<int32_t> keys(kTableSize);
  std::vector<int16_t> codes(kTableSize);
  out.push_back(static_cast<uint8_t>(min_code_size));
  BitWriter bits(out);

  int code_size = min_code_size + 1;
  int next_code = clear + 2;
  auto reset = [&] {
    std::fill(keys.begin(), keys.end(), -1);
    code_size = min_code_size + 1;
    next_code = clear + 2;
  };
  reset();
  bits.put(clear, code_size);
  if (indices.empty()) {
    bits.put(end_of_information, code_size);
    bits.finish();
    return;
  }
  int current = indices[0];
  for (size_t i = 1; i < indices.size(); ++i) {
    const int k = indices[i];
    const int32_t key = (current << 8) | k;
    uint32_t slot = (static_cast<uint32_t>(key) * 2654435761u) >> (32 - 13);
    while (keys[slot] != -1 && keys[slot] != key) slot = (slot + 1) & (kTableSize - 1);
    if (keys[slot] == key) {
      current = codes[slot];
      continue;
    }
    bits.put(current, code_size);
    keys[slot] = key;
    codes[slot] = static_cast<int16_t>(next_code);
    // The decoder widens its codes once the dictionary's next free code needs another bit.
    if (next_code == (1 << code_size) && code_size < 12) ++code_size;
    ++next_code;
    if (next_code > kMaxCode) {
      bits.put(clear, code_size);
      reset();
    }
    current = k;
  }
  bits.put(current, code_size);
  // Reading that code made the decoder add one more entry, which may widen its codes too.
  if (next_code == (1 << code_size) && code_size < 12) ++code_size;
  bits.put(end_of_information, code_size);
  bits.finish();
}

// ---- File ------------------------------------------------------------------------------------

void put16(std::vector<uint8_t>& out, int v) {
  out.push_back(static_cast<uint8_t>(v & 0xff));
  out.push_back(static_cast<uint8_t>((v >> 8) & 0xff));
}

// Why `frames` and `settings` cannot make a GIF (`where` names the file), if they cannot: no
// frames, sizes that differ or do not fit 16 bits, a wrong pixel count, settings out of range.
Status check_frames(const std::string& where, const std::vector<ImageRGBA>& frames,
                    const GifSettings& settings) {
  if (frames.empty()) return Error{where + "no frames to write"};
  const int w = frames[0].width, h = frames[0].height;
  if (w < 1 || h < 1 || w > 65535 || h > 65535) {
    return Error{where + "invalid frame size " + std::to_string(w) + "x" + std::to_string(h)};
  }
  for (size_t i = 0; i < frames.size(); ++i) {
    const ImageRGBA& f = frames[i];
    if (f.width != w || f.height != h) {
      return Error{where + "frame " + std::to_string(i) + " is " + std::to_string(f.width) + "x" +
                   std::to_string(f.height) + ", expected " + std::to_string(w) + "x" +
                   std::to_string(h) + " like frame 0"};
    }
    if (f.pixels.size() != static_cast<size_t>(w) * h * 4) {
      return Error{where + "frame " + std::to_string(i) + " has " +
                   std::to_string(f.pixels.size()) + " bytes, expected " +
                   std::to_string(static_cast<size_t>(w) * h * 4)};
    }
  }
  if (settings.max_colors < 2 || settings.max_colors > 256) {
    return Error{where + "max_colors " + std::to_string(settings.max_colors) + " is not in 2..256"};
  }
  if (settings.delay_cs < 0 || settings.delay_cs > 65535 || settings.loop_count < 0 ||
      settings.loop_count > 65535) {
    return Error{where + "delay and loop count must be in 0..65535"};
  }
  return {};
}

// The file's start: signature, logical screen of w x h, the global colour table of
// 2^table_bits entries (`palette`, padded with black) and the loop count.
// A colour table of 2^table_bits entries (the palette, padded with black).
void put_color_table(std::vector<uint8_t>& out, const std::vector<Color>& palette, int table_bits) {
  for (int i = 0; i < (1 << table_bits); ++i) {
    const Color c = i < static_cast<int>(palette.size()) ? palette[i] : Color{0, 0, 0};
    out.insert(out.end(), c.begin(), c.end());
  }
}

// The file's header: the screen, a global colour table unless `palette` is empty (then every
// frame brings its own), and the loop count.
void put_header(std::vector<uint8_t>& out, int w, int h, const std::vector<Color>& palette,
                int table_bits, int loop_count) {
  const char* magic = "GIF89a";
  out.insert(out.end(), magic, magic + 6);
  put16(out, w);
  put16(out, h);
  const bool global = !palette.empty();
  out.push_back(static_cast<uint8_t>(global ? 0x80 | (7 << 4) | (table_bits - 1) : 7 << 4));
  out.push_back(0);  // background index
  out.push_back(0);  // square pixels
  if (global) put_color_table(out, palette, table_bits);
  // NETSCAPE2.0 application extension: loop count (0 = forever).
  const char* netscape = "NETSCAPE2.0";
  out.insert(out.end(), {0x21, 0xFF, 0x0B});
  out.insert(out.end(), netscape, netscape + 11);
  out.insert(out.end(), {0x03, 0x01});
  put16(out, loop_count);
  out.push_back(0);
}

// What precedes each frame's image data.
void put_frame_header(std::vector<uint8_t>& out, int w, int h, int delay_cs) {
  // Graphic control extension: disposal "leave in place", no transparency, the delay.
  out.insert(out.end(), {0x21, 0xF9, 0x04, 0x04});
  put16(out, delay_cs);
  out.insert(out.end(), {0x00, 0x00});
  // Image descriptor: whole screen, global colour table, not interlaced.
  out.push_back(0x2C);
  put16(out, 0);
  put16(out, 0);
  put16(out, w);
  put16(out, h);
  out.push_back(0);
}

}  // namespace

Status write_gif(const std::string& path, const std::vector<ImageRGBA>& frames,
                 const GifSettings& settings) {
  const std::string where = "gif " + path + ": ";
  if (Status s = check_frames(where, frames, settings); !s) return s;
  const int w = frames[0].width, h = frames[0].height;

  const std::vector<Color> palette = build_palette(frames, settings.max_colors);
  int table_bits = 1;  // global colour table of 2^table_bits entries
  while ((1 << table_bits) < static_cast<int>(palette.size())) ++table_bits;
  const int min_code_size = std::max(2, table_bits);

  const std::string tmp = path + ".tmp";
  CFile file(std::fopen(tmp.c_str(), "wb"));
  if (!file) return Error{where + "cannot create " + tmp + ": " + std::strerror(errno)};
  auto fail_write = [&]() -> Status {
    Error error{where + "cannot write " + tmp + ": " + std::strerror(errno)};
    file.reset();
    std::remove(tmp.c_str());
    return error;
  };

  std::vector<uint8_t> out;
  out.reserve(1 << 16);
  put_header(out, w, h, palette, table_bits, settings.loop_count);
  NearestColor nearest(palette);
  const int spread = settings.dither ? dither_spread(palette) : 0;
  std::vector<uint8_t> indices;
  for (const ImageRGBA& frame : frames) {
    put_frame_header(out, w, h, settings.delay_cs);
    map_frame(frame, nearest, spread, indices);
    lzw_encode(indices, min_code_size, out);
    if (out.size() >= (1u << 20)) {
      if (std::fwrite(out.data(), 1, out.size(), file.get()) != out.size()) return fail_write();
      out.clear();
    }
  }
  out.push_back(0x3B);  // trailer
  if (std::fwrite(out.data(), 1, out.size(), file.get()) != out.size() ||
      std::fflush(file.get()) != 0 || std::fclose(file.release()) != 0) {
    return fail_write();
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    Error error{where + "cannot rename " + tmp + ": " + std::strerror(errno)};
    std::remove(tmp.c_str());
    return error;
  }
  return {};
}

Result<std::unique_ptr<GifStream>> GifStream::open(const std::string& path, int width, int height,
                                                   const GifSettings& settings) {
  const std::string where = "gif " + path + ": ";
  if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
    return Error{where + strformat("bad frame size %dx%d", width, height)};
  }
  std::unique_ptr<GifStream> g(new GifStream());
  g->path_ = path;
  g->width_ = width, g->height_ = height;
  g->settings_ = settings;
  g->file_ = std::fopen(path.c_str(), "wb");
  if (!g->file_) return Error{where + "cannot create it: " + std::strerror(errno)};
  std::vector<uint8_t> header;
  put_header(header, width, height, {}, 1, settings.loop_count);
  if (Status s = g->write(header); !s) return Error{s.error()};
  return g;
}

GifStream::~GifStream() { finish(); }

Status GifStream::write(const std::vector<uint8_t>& bytes) {
  if (!error_.empty()) return Error{error_};
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size() ||
      std::fflush(file_) != 0) {
    error_ = "gif " + path_ + ": write failed: " + std::strerror(errno);
    return Error{error_};
  }
  bytes_ += int64_t(bytes.size());
  return {};
}

Status GifStream::add_frame(const uint8_t* rgba, int stride_bytes) {
  if (!file_) return Error{"gif " + path_ + ": already finished"};
  ImageRGBA frame{width_, height_, std::vector<uint8_t>(size_t(width_) * height_ * 4)};
  const size_t row = size_t(width_) * 4;
  if (stride_bytes == 0) stride_bytes = int(row);
  for (int y = 0; y < height_; ++y) {
    std::memcpy(frame.pixels.data() + y * row, rgba + std::ptrdiff_t(y) * stride_bytes, row);
  }
  const std::vector<Color> palette = build_palette({frame}, settings_.max_colors);
  int table_bits = 1;
  while ((1 << table_bits) < static_cast<int>(palette.size())) ++table_bits;
  NearestColor nearest(palette);
  std::vector<uint8_t> indices;
  map_frame(frame, nearest, settings_.dither ? dither_spread(palette) : 0, indices);
  std::vector<uint8_t> out;
  put_frame_header(out, width_, height_, settings_.delay_cs);
  out.back() = static_cast<uint8_t>(0x80 | (table_bits - 1));  // a local colour table follows
  put_color_table(out, palette, table_bits);
  lzw_encode(indices, std::max(2, table_bits), out);
  if (Status s = write(out); !s) return s;
  last_frame_ = std::move(out);
  ++frames_;
  return {};
}

Status GifStream::repeat_frame() {
  if (last_frame_.empty()) return Error{"gif " + path_ + ": no frame to repeat"};
  if (Status s = write(last_frame_); !s) return s;
  ++frames_;
  return {};
}

Status GifStream::finish() {
  if (!file_) return error_.empty() ? Status() : Status(Error{error_});
  if (error_.empty()) (void)write({0x3B});  // the trailer
  if (std::fclose(file_) != 0 && error_.empty()) {
    error_ = "gif " + path_ + ": cannot close: " + std::strerror(errno);
  }
  file_ = nullptr;
  return error_.empty() ? Status() : Status(Error{error_});
}

}  // namespace genscope
