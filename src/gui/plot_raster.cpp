#include "gui/plot_raster.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace genscope {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

}  // namespace

void PlotRaster::reset(int width, int height) {
  width = std::max(width, 0), height = std::max(height, 0);
  width_ = width, height_ = height;
  image_.width = height, image_.height = width;
  image_.pixels.assign(std::size_t(width) * height * 4, 0);
  const std::size_t subs = std::size_t(width + 2 * kPad) * kSubsamples;
  lo_.assign(subs, kInf);
  hi_.assign(subs, -kInf);
  coverage_.assign(height, 0.0f);
  edges_.assign(std::size_t(height) + 1, 0.0f);
  touched_lo_ = 0, touched_hi_ = -1;
  has_last_ = false;
}

void PlotRaster::point(float x, float y) {
  if (!std::isfinite(x) || !std::isfinite(y)) {
    has_last_ = false;
    return;
  }
  if (has_last_) {
    segment(last_x_, last_y_, x, y);
  } else {
    segment(x, y, x, y);
  }
  has_last_ = true, last_x_ = x, last_y_ = y;
}

void PlotRaster::include(int sub, float lo, float hi) {
  lo_[sub] = std::min(lo_[sub], lo);
  hi_[sub] = std::max(hi_[sub], hi);
  touched_lo_ = touched_hi_ < touched_lo_ ? sub : std::min(touched_lo_, sub);
  touched_hi_ = std::max(touched_hi_, sub);
}

// The part of the segment inside the padded image, sub-column by sub-column: each gets the
// segment's y range across it.
void PlotRaster::segment(float x0, float y0, float x1, float y1) {
  if (x1 < x0) std::swap(x0, x1), std::swap(y0, y1);
  const float left = -float(kPad), right = float(width_ + kPad);
  if (x1 < left || x0 >= right || lo_.empty()) return;
  const float slope = x1 > x0 ? (y1 - y0) / (x1 - x0) : 0.0f;
  const auto y_at = [&](float x) { return x1 > x0 ? y0 + (x - x0) * slope : y0; };
  const float a = std::max(x0, left), b = std::min(x1, std::nextafter(right, left));
  const float s0 = (a - left) * kSubsamples, s1 = (b - left) * kSubsamples;
  const int last_sub = int(lo_.size()) - 1;
  const int j0 = std::clamp(int(std::floor(s0)), 0, last_sub);
  const int j1 = std::clamp(s1 > s0 ? int(std::ceil(s1)) - 1 : j0, j0, last_sub);
  if (j0 == j1 && !(x1 > x0)) {
    include(j0, std::min(y0, y1), std::max(y0, y1));
    return;
  }
  for (int j = j0; j <= j1; ++j) {
    const float xa = left + std::max(s0, float(j)) / kSubsamples;
    const float xb = left + std::min(s1, float(j + 1)) / kSubsamples;
    const float ya = y_at(xa), yb = y_at(xb);
    include(j, std::min(ya, yb), std::max(ya, yb));
  }
}

void PlotRaster::end_line(uint32_t color, float thickness) {
  thickness = std::clamp(thickness, 1.0f / kSubsamples, kMaxThickness);
  // The pen reaches `reach` sub-columns to each side: 2 * reach + 1 of them make its width.
  const int reach = std::max(0, int(std::lround((thickness * kSubsamples - 1.0f) / 2.0f)));
  if (touched_hi_ >= touched_lo_) {
    const int first = std::max(0, (touched_lo_ - reach) / kSubsamples - kPad);
    const int last = std::min(width_ - 1, (touched_hi_ + reach) / kSubsamples - kPad);
    for (int c = first; c <= last; ++c) compose_column(c, color, thickness, reach);
    std::fill(lo_.begin() + touched_lo_, lo_.begin() + touched_hi_ + 1, kInf);
    std::fill(hi_.begin() + touched_lo_, hi_.begin() + touched_hi_ + 1, -kInf);
  }
  touched_lo_ = 0, touched_hi_ = -1;
  has_last_ = false;
}

// Pixel column `column`: the coverage of each row by the pen's spans over its sub-columns, then
// `color` at that coverage over the image. A span adds its two end rows' shares to coverage_
// and its whole rows as a run (edges_: +1/kSubsamples where the run starts, - where it ends),
// so a column costs its sub-columns plus its rows, not their product.
void PlotRaster::compose_column(int column, uint32_t color, float thickness, int reach) {
  constexpr float kShare = 1.0f / kSubsamples;
  const float half = 0.5f * thickness, height = float(height_);
  const int subs = int(lo_.size());
  int row_lo = height_, row_hi = -1;
  for (int s = 0; s < kSubsamples; ++s) {
    const int j = (column + kPad) * kSubsamples + s;
    float lo = kInf, hi = -kInf;
    for (int k = std::max(0, j - reach); k <= std::min(subs - 1, j + reach); ++k) {
      lo = std::min(lo, lo_[k]), hi = std::max(hi, hi_[k]);
    }
    if (!(lo <= hi)) continue;
    const float top = std::max(lo - half, 0.0f), bottom = std::min(hi + half, height);
    if (!(top < bottom)) continue;
    const int r0 = int(top), r1 = std::min(int(std::ceil(bottom)), height_) - 1;
    if (r0 >= r1) {
      coverage_[r0] += (bottom - top) * kShare;
    } else {
      coverage_[r0] += (float(r0 + 1) - top) * kShare;
      coverage_[r1] += (bottom - float(r1)) * kShare;
      edges_[r0 + 1] += kShare, edges_[r1] -= kShare;
    }
    row_lo = std::min(row_lo, r0), row_hi = std::max(row_hi, r1);
  }
  if (row_hi < row_lo) return;
  const float cr = float(color & 0xFF), cg = float((color >> 8) & 0xFF),
              cb = float((color >> 16) & 0xFF), ca = float((color >> 24) & 0xFF) / 255.0f;
  const auto to_byte = [](float v) { return uint8_t(v + 0.5f); };  // v in [0, 255]
  float run = 0.0f;
  uint8_t* px = &image_.pixels[(std::size_t(column) * height_ + row_lo) * 4];
  for (int r = row_lo; r <= row_hi; ++r, px += 4) {
    run += edges_[r];
    const float src = ca * std::min(coverage_[r] + run, 1.0f);
    coverage_[r] = 0.0f, edges_[r] = 0.0f;
    if (src <= 0.0f) continue;
    if (px[3] == 0) {  // nothing below: the line's color at its coverage
      px[0] = uint8_t(cr), px[1] = uint8_t(cg), px[2] = uint8_t(cb), px[3] = to_byte(src * 255.0f);
      continue;
    }
    const float dst = px[3] * (1.0f / 255.0f) * (1.0f - src);  // what shows of the pixel below
    const float out = src + dst, inv = 1.0f / out;
    px[0] = to_byte((cr * src + px[0] * dst) * inv);
    px[1] = to_byte((cg * src + px[1] * dst) * inv);
    px[2] = to_byte((cb * src + px[2] * dst) * inv);
    px[3] = to_byte(out * 255.0f);
  }
  edges_[row_hi + 1] = 0.0f;  // a run that ends below the last row composed
}

}  // namespace genscope
