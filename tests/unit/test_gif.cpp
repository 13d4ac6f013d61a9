#include <gtest/gtest.h>
#include <stb_image.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "record/gif_writer.h"
#include "support/test_files.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

using test::Rgb;

// Per process (ctest runs the cases in parallel processes); removed when every case passed.
std::string temp_dir() { return test::process_dir("record"); }
[[maybe_unused]] const bool kCleanup = test::remove_when_all_pass("record");

ImageRGBA solid(int w, int h, Rgb c) { return test::solid_image(w, h, c); }

void set_pixel(ImageRGBA& image, int x, int y, Rgb c) {
  uint8_t* p = &image.pixels[(static_cast<size_t>(y) * image.width + x) * 4];
  for (int k = 0; k < 3; ++k) p[k] = static_cast<uint8_t>(c[k]);
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A GIF decoded with stb_image: every frame composed as RGBA, and the delays in ms.
struct DecodedGif {
  std::vector<ImageRGBA> frames;
  std::vector<int> delays_ms;
};

DecodedGif read_gif(const std::string& path) {
  const std::vector<uint8_t> bytes = read_bytes(path);
  int* delays = nullptr;
  int w = 0, h = 0, n = 0, channels = 0;
  stbi_uc* data = stbi_load_gif_from_memory(bytes.data(), static_cast<int>(bytes.size()), &delays,
                                            &w, &h, &n, &channels, 4);
  DecodedGif gif;
  if (data == nullptr) {
    ADD_FAILURE() << "stb_image cannot read " << path << ": " << stbi_failure_reason();
    return gif;
  }
  const size_t frame_bytes = static_cast<size_t>(w) * h * 4;
  for (int i = 0; i < n; ++i) {
    gif.frames.push_back(
        {w, h, std::vector<uint8_t>(data + i * frame_bytes, data + (i + 1) * frame_bytes)});
    gif.delays_ms.push_back(delays != nullptr ? delays[i] : -1);
  }
  stbi_image_free(data);
  std::free(delays);
  return gif;
}

// Largest channel difference between two images of the same size (RGB only).
int max_difference(const ImageRGBA& a, const ImageRGBA& b) {
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    if (i % 4 == 3) continue;
    worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  }
  return worst;
}

double mean_difference(const ImageRGBA& a, const ImageRGBA& b) {
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    if (i % 4 != 3) sum += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
  }
  return sum / (a.pixels.size() * 3 / 4);
}

// Random pixels drawn from `colors` distinct colours (all of them exact palette entries).
ImageRGBA noise(int w, int h, int colors, uint32_t seed) {
  std::mt19937 rng(seed);
  ImageRGBA image = solid(w, h, {0, 0, 0});
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const int c = static_cast<int>(rng() % colors);
      set_pixel(image, x, y, {(c * 37) & 255, (c * 101 + 7) & 255, (c * 3) & 255});
    }
  }
  return image;
}

}  // namespace

TEST(Gif, FlatColorsRoundTrip) {
  const std::string path = temp_dir() + "/flat.gif";
  const std::vector<Rgb> colors{{255, 0, 0}, {0, 200, 40}, {30, 60, 255}};
  std::vector<ImageRGBA> frames;
  for (const Rgb& c : colors) frames.push_back(solid(40, 30, c));
  for (bool dither : {false, true}) {
    GifSettings settings;
    settings.delay_cs = 7;
    settings.dither = dither;
    ASSERT_TRUE(write_gif(path, frames, settings));
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    const DecodedGif gif = read_gif(path);
    ASSERT_EQ(gif.frames.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(gif.frames[i].width, 40);
      EXPECT_EQ(gif.frames[i].height, 30);
      EXPECT_EQ(max_difference(gif.frames[i], frames[i]), 0)
          << "frame " << i << " dither " << dither;
      EXPECT_EQ(gif.delays_ms[i], 70);
    }
  }
}

TEST(Gif, GradientWithManyColorsRoundTrips) {
  const std::string path = temp_dir() + "/gradient.gif";
  // A gray ramp of 256 levels, and a colour field of 16384 colours.
  ImageRGBA ramp = solid(256, 16, {0, 0, 0});
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 256; ++x) set_pixel(ramp, x, y, {x, x, x});
  }
  ASSERT_TRUE(write_gif(path, {ramp}));
  DecodedGif gif = read_gif(path);
  ASSERT_EQ(gif.frames.size(), 1u);
  EXPECT_LE(max_difference(gif.frames[0], ramp), 2);

  ImageRGBA field = solid(256, 64, {0, 0, 0});
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 256; ++x) set_pixel(field, x, y, {x, y * 4, 255 - x});
  }
  for (bool dither : {false, true}) {
    GifSettings settings;
    settings.dither = dither;
    ASSERT_TRUE(write_gif(path, {field}, settings));
    gif = read_gif(path);
    ASSERT_EQ(gif.frames.size(), 1u);
    EXPECT_LE(max_difference(gif.frames[0], field), 24) << "dither " << dither;
    EXPECT_LE(mean_difference(gif.frames[0], field), 6.0) << "dither " << dither;
  }
}

// Random indices defeat the dictionary: long streams of codes up to 12 bits with clear codes in
// between. Every colour is exact in the palette, so any LZW mistake shows as a wrong pixel.
TEST(Gif, LzwRoundTripsExactly) {
  const std::string path = temp_dir() + "/lzw.gif";
  struct Case {
    int w, h, colors;
  };
  for (const Case& c :
       {Case{1, 1, 1}, Case{3, 2, 2}, Case{17, 9, 3}, Case{64, 64, 4}, Case{101, 77, 5},
        Case{120, 90, 17}, Case{301, 157, 200}, Case{320, 240, 256}}) {
    std::vector<ImageRGBA> frames;
    for (uint32_t seed = 1; seed <= 3; ++seed) frames.push_back(noise(c.w, c.h, c.colors, seed));
    frames.push_back(solid(c.w, c.h, {(1 * 37) & 255, (1 * 101 + 7) & 255, 3}));  // long runs
    ASSERT_TRUE(write_gif(path, frames));
    const DecodedGif gif = read_gif(path);
    ASSERT_EQ(gif.frames.size(), frames.size()) << c.w << "x" << c.h;
    for (size_t i = 0; i < frames.size(); ++i) {
      EXPECT_EQ(max_difference(gif.frames[i], frames[i]), 0)
          << c.w << "x" << c.h << " colours " << c.colors << " frame " << i;
    }
  }
}

TEST(Gif, FileLayout) {
  const std::string path = temp_dir() + "/layout.gif";
  GifSettings settings;
  settings.max_colors = 2;
  settings.loop_count = 3;
  ASSERT_TRUE(write_gif(path, {solid(5, 4, {10, 20, 30}), solid(5, 4, {200, 100, 0})}, settings));
  const std::vector<uint8_t> bytes = read_bytes(path);
  ASSERT_GT(bytes.size(), 13u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 6), "GIF89a");
  EXPECT_EQ(bytes[6] | bytes[7] << 8, 5);
  EXPECT_EQ(bytes[8] | bytes[9] << 8, 4);
  EXPECT_EQ(bytes[10] & 0x87, 0x80);  // a global table of 2 entries
  const std::string text(bytes.begin(), bytes.end());
  const size_t netscape = text.find("NETSCAPE2.0");
  ASSERT_NE(netscape, std::string::npos);
  EXPECT_EQ(bytes[netscape + 13] | bytes[netscape + 14] << 8, 3);  // loop count
  EXPECT_EQ(bytes.back(), 0x3B);
  const DecodedGif gif = read_gif(path);
  ASSERT_EQ(gif.frames.size(), 2u);
  EXPECT_EQ(max_difference(gif.frames[1], solid(5, 4, {200, 100, 0})), 0);
}

TEST(Gif, ErrorsNameThePath) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/bad.gif";
  Status s = write_gif(path, {});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find(path), std::string::npos) << s.error();

  s = write_gif(path, {solid(8, 8, {1, 2, 3}), solid(8, 9, {1, 2, 3})});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find(path), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("8x9"), std::string::npos) << s.error();

  GifSettings settings;
  settings.max_colors = 1;
  EXPECT_FALSE(write_gif(path, {solid(8, 8, {1, 2, 3})}, settings));
  EXPECT_FALSE(fs::exists(path));

  const std::string unwritable = dir + "/missing/out.gif";
  s = write_gif(unwritable, {solid(8, 8, {1, 2, 3})});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find(unwritable), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("No such file or directory"), std::string::npos) << s.error();
}

TEST(Gif, ThreeHundredFramesAreQuick) {
  const std::string path = temp_dir() + "/long.gif";
  std::vector<ImageRGBA> frames;
  for (int t = 0; t < 300; ++t) {
    ImageRGBA f = solid(240, 240, {0, 0, 0});
    for (int y = 0; y < 240; ++y) {
      for (int x = 0; x < 240; ++x) set_pixel(f, x, y, {(x + t) & 255, y, (x * y / 240 + t) & 255});
    }
    frames.push_back(std::move(f));
  }
  for (bool dither : {false, true}) {
    GifSettings settings;
    settings.dither = dither;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(write_gif(path, frames, settings));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("300 frames of 240x240 (dither %d): %.2f s, %.1f MB\n", dither, seconds,
                fs::file_size(path) / 1e6);
#ifdef NDEBUG
    EXPECT_LT(seconds, 8.0);  // optimised builds only; about 0.3 s on 2 cores
#endif
  }
  const DecodedGif gif = read_gif(path);
  EXPECT_EQ(gif.frames.size(), 300u);
}

// A streamed GIF: frames with their own palettes (a red one, then a blue and green one, read
// bottom-up as glReadPixels gives them), a repeat; before finish() the file already holds every
// frame written (a killed recording), after it the trailer too.
TEST(GifStream, WritesEachFrameAsItComesWithItsOwnPalette) {
  const std::string path = temp_dir() + "/stream.gif";
  GifSettings gs;
  gs.delay_cs = 5;
  auto g = GifStream::open(path, 8, 6, gs);
  ASSERT_TRUE(g.ok()) << g.error();
  const ImageRGBA red = solid(8, 6, {255, 0, 0});
  ImageRGBA two = solid(8, 6, {0, 0, 255});
  for (int x = 0; x < 8; ++x) set_pixel(two, x, 0, {0, 255, 0});  // the top row green
  ASSERT_TRUE((*g)->add_frame(red.pixels.data(), 0).ok());
  const uint8_t* bottom_row = two.pixels.data() + 5 * 8 * 4;  // bottom-up: start at the last row
  ASSERT_TRUE((*g)->add_frame(bottom_row, -8 * 4).ok());
  ASSERT_TRUE((*g)->repeat_frame().ok());
  EXPECT_EQ((*g)->frames(), 3);
  {  // what a kill now would leave
    const DecodedGif partial = read_gif(path);
    EXPECT_EQ(partial.frames.size(), 3u);
  }
  ASSERT_TRUE((*g)->finish().ok());
  const DecodedGif gif = read_gif(path);
  ASSERT_EQ(gif.frames.size(), 3u);
  EXPECT_EQ(max_difference(gif.frames[0], red), 0);
  // Flipped back: the green row of the bottom-up buffer's last row is the image's top row.
  ImageRGBA flipped = solid(8, 6, {0, 0, 255});
  for (int x = 0; x < 8; ++x) set_pixel(flipped, x, 5, {0, 255, 0});
  EXPECT_EQ(max_difference(gif.frames[1], flipped), 0);
  EXPECT_EQ(max_difference(gif.frames[2], flipped), 0);
  EXPECT_EQ(gif.delays_ms[0], 50);
  EXPECT_EQ(read_bytes(path).back(), 0x3B);
  EXPECT_FALSE(GifStream::open(temp_dir() + "/no/such/dir/x.gif", 8, 6).ok());
}
