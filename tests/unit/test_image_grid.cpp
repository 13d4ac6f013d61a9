#include <gtest/gtest.h>

#include <cmath>

#include "core/image_grid.h"

using namespace genscope;

TEST(ImageGrid, TilesWithPaddingAndBackground) {
  // Four 2x3 grayscale images with values n/4, laid out 2 per row, 1 pixel padding.
  std::vector<float> images(4 * 2 * 3);
  for (int n = 0; n < 4; ++n) {
    for (int i = 0; i < 6; ++i) images[n * 6 + i] = n / 4.0f;
  }
  ImageRGBA out;
  make_grid(images.data(), 4, 1, 2, 3, 2, 1, 9, out);
  EXPECT_EQ(out.width, 2 * 3 + 3);
  EXPECT_EQ(out.height, 2 * 2 + 3);
  auto px = [&](int x, int y) { return &out.pixels[(y * out.width + x) * 4]; };
  EXPECT_EQ(px(0, 0)[0], 9);  // padding
  EXPECT_EQ(px(0, 0)[3], 255);
  EXPECT_EQ(px(1, 1)[0], 0);                                      // image 0
  EXPECT_EQ(px(5, 1)[1], static_cast<uint8_t>(0.25f * 255 + 0.5));  // image 1, first column
  EXPECT_EQ(px(1, 4)[2], static_cast<uint8_t>(0.5f * 255 + 0.5));   // image 2
  EXPECT_EQ(px(7, 5)[0], static_cast<uint8_t>(0.75f * 255 + 0.5));  // image 3, last pixel
  EXPECT_EQ(px(4, 1)[0], 9);  // padding between columns
}

TEST(ImageGrid, ClampsAndHandlesNonFinite) {
  float v[4] = {-1.0f, 2.0f, NAN, 0.5f};
  ImageRGBA out;
  make_grid(v, 1, 1, 2, 2, 8, 0, 0, out);
  ASSERT_EQ(out.width, 2);
  EXPECT_EQ(out.pixels[0], 0);
  EXPECT_EQ(out.pixels[4], 255);
  EXPECT_EQ(out.pixels[8], 0);
  EXPECT_EQ(out.pixels[12], 128);
}

TEST(ImageGrid, ColorChannelsAndBytes) {
  std::vector<uint8_t> rgb = {10, 20, 30, 40};  // 1 image, 3 channels would need 3 planes
  std::vector<uint8_t> planes = {1, 2, 3};      // 1x1 image, planes R, G, B
  ImageRGBA out;
  make_grid_u8(planes.data(), 1, 3, 1, 1, 1, 0, 0, out);
  EXPECT_EQ(out.pixels, (std::vector<uint8_t>{1, 2, 3, 255}));
  make_grid_u8(rgb.data(), 4, 1, 1, 1, 2, 0, 0, out);
  EXPECT_EQ(out.width, 2);
  EXPECT_EQ(out.height, 2);
  EXPECT_EQ(out.pixels[3 * 4], 40);
}
