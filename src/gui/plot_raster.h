#pragma once
// PlotRaster: draws the lines of a line plot into an RGBA image on the CPU, so the window draws
// a plot as one textured rectangle however many points it shows. Under a software renderer
// (Mesa's llvmpipe) every triangle costs about a microsecond to set up: a million-point loss
// plot decimated to two points per pixel column still made ~20,000 line triangles, most of a
// frame. Here a line costs what its pixels cost.
//
// A line is x-monotone (steps only grow), so it is drawn column by column: each sub-column (a
// quarter of a pixel wide) holds the lowest and the highest y the line takes inside it; the pen
// is a square `thickness` pixels wide, so each sub-column's span is widened by the spans within
// half a pen of it and by half a pen up and down. A pixel's coverage is the share of its area
// the spans cover (exact vertically, in quarters horizontally), so lines are anti-aliased, a
// column's extremes are reached exactly, and a one-step spike shows at its full height.
// Plain C++: no ImGui, no GL.
#include <cstdint>
#include <vector>

#include "util/image.h"

namespace genscope {

class PlotRaster {
 public:
  /// Sub-columns per pixel column (horizontal anti-aliasing).
  static constexpr int kSubsamples = 4;
  /// Pens wider than this many pixels are drawn this wide.
  static constexpr float kMaxThickness = 8.0f;

  /// Starts a transparent `width` x `height` image (pixels, row 0 at the top).
  void reset(int width, int height);

  /// The next point of the current line, in pixels (x right from the image's left edge, y down
  /// from its top; points may lie outside). x must not decrease along a line. A point after
  /// end_stroke() starts a new stroke: nothing joins it to the one before (a gap). A stroke of
  /// one point is drawn as a square dot of the pen's size.
  void point(float x, float y);
  /// Ends the current stroke.
  void end_stroke() { has_last_ = false; }
  /// Draws the line made of the points since the last end_line() (or reset()) with a square
  /// pen `thickness` pixels wide in `color` (ImU32 layout: R in the low byte, A in the high),
  /// over what the image holds.
  void end_line(uint32_t color, float thickness);

  /// The plot's width and height in pixels.
  int width() const { return width_; }
  int height() const { return height_; }
  /// The image drawn so far, transposed: its row c is the plot's pixel column c (top to
  /// bottom), as the raster writes it, so a column's pixels are adjacent in memory. RGBA with
  /// straight (not premultiplied) alpha. Draw it with swapped texture coordinates.
  const ImageRGBA& transposed() const { return image_; }
  /// The RGBA of the plot's pixel (x, y).
  const uint8_t* pixel(int x, int y) const {
    return &image_.pixels[(std::size_t(x) * height_ + y) * 4];
  }

 private:
  void segment(float x0, float y0, float x1, float y1);
  void include(int sub, float lo, float hi);
  void compose_column(int column, uint32_t color, float thickness, int reach);

  int width_ = 0, height_ = 0;
  ImageRGBA image_;  // transposed: height_ wide, width_ high
  // Per sub-column, the line's lowest and highest y; sub-column 0 lies kPad pixels left of the
  // image, so a pen just outside it still reaches in.
  static constexpr int kPad = 8;
  std::vector<float> lo_, hi_;
  int touched_lo_ = 0, touched_hi_ = -1;  // the sub-columns a point reached
  std::vector<float> coverage_;           // one pixel column's coverage per row...
  std::vector<float> edges_;              // ...and where runs of whole rows start and end
  bool has_last_ = false;
  float last_x_ = 0.0f, last_y_ = 0.0f;
};

}  // namespace genscope
