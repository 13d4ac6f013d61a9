#include "core/toy_view.h"

#include <algorithm>
#include <cmath>

namespace genscope {
namespace {

constexpr std::array<float, 3> kFakeEnd{175.0f, 120.0f, 215.0f};
constexpr std::array<float, 3> kMiddle{246.0f, 246.0f, 246.0f};
constexpr std::array<float, 3> kRealEnd{110.0f, 196.0f, 122.0f};

void put(ImageRGBA& img, int x, int y, const std::array<uint8_t, 4>& c) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  uint8_t* p = &img.pixels[(static_cast<size_t>(y) * img.width + x) * 4];
  p[0] = c[0], p[1] = c[1], p[2] = c[2], p[3] = c[3];
}

}  // namespace

std::array<uint8_t, 4> toy_heat_color(float t) {
  t = std::isfinite(t) ? std::clamp(t, 0.0f, 1.0f) : 0.5f;
  const auto& a = t < 0.5f ? kFakeEnd : kMiddle;
  const auto& b = t < 0.5f ? kMiddle : kRealEnd;
  const float u = t < 0.5f ? t * 2.0f : (t - 0.5f) * 2.0f;
  std::array<uint8_t, 4> c{};
  for (int i = 0; i < 3; ++i) c[i] = static_cast<uint8_t>(std::lround(a[i] + (b[i] - a[i]) * u));
  c[3] = 255;
  return c;
}

float toy_heat_t(const ToyView& view, float v) {
  const float span = view.heat_hi - view.heat_lo;
  if (!(span > 0.0f) || !std::isfinite(v)) return 0.5f;
  return std::clamp((v - view.heat_lo) / span, 0.0f, 1.0f);
}

void toy_heat_range(const std::vector<float>& values, float& lo, float& hi) {
  std::vector<float> v;
  v.reserve(values.size());
  for (float x : values) {
    if (std::isfinite(x)) v.push_back(x);
  }
  if (v.empty()) {
    lo = -0.5f, hi = 0.5f;
    return;
  }
  const auto at = [&](double q) {
    const size_t k = static_cast<size_t>(q * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
  };
  lo = at(0.02);
  hi = at(0.98);
  if (!(hi > lo)) lo -= 0.5f, hi += 0.5f;
}

ImageRGBA toy_heat_image(const ToyView& view) {
  ImageRGBA img;
  if (view.heat_cols <= 0 || view.heat_rows <= 0 ||
      view.heat.size() != static_cast<size_t>(view.heat_cols) * view.heat_rows) {
    return img;
  }
  img.width = view.heat_cols;
  img.height = view.heat_rows;
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * 4);
  for (int r = 0; r < view.heat_rows; ++r) {
    const int y = view.heat_rows - 1 - r;  // grid row 0 is min_y, the image's bottom row
    for (int c = 0; c < view.heat_cols; ++c) {
      put(img, c, y, toy_heat_color(toy_heat_t(view, view.heat[static_cast<size_t>(r) * view.heat_cols + c])));
    }
  }
  return img;
}

std::vector<float> manifold_density(const std::vector<Point2>& points, int res, int noise_dim,
                                    bool noise_uniform) {
  std::vector<float> out;
  if (res < 2) return out;
  const float range = noise_uniform ? 1.0f : 2.0f;
  const auto z_at = [&](double i) { return -range + 2.0 * range * i / (res - 1); };
  const auto mass = [&](double z) { return noise_uniform ? 1.0 : std::exp(-0.5 * z * z); };
  std::vector<double> dens;
  if (noise_dim <= 1) {
    if (points.size() != static_cast<size_t>(res)) return out;
    for (int i = 0; i + 1 < res; ++i) {
      const double len = std::hypot(double(points[i + 1].x) - points[i].x,
                                    double(points[i + 1].y) - points[i].y);
      dens.push_back(len > 1e-9 ? mass(z_at(i + 0.5)) / len : INFINITY);
    }
  } else {
    if (points.size() != static_cast<size_t>(res) * res) return out;
    const auto p = [&](int i, int j) { return points[static_cast<size_t>(j) * res + i]; };
    for (int j = 0; j + 1 < res; ++j) {
      for (int i = 0; i + 1 < res; ++i) {
        const Point2 q[4] = {p(i, j), p(i + 1, j), p(i + 1, j + 1), p(i, j + 1)};
        double twice = 0.0;
        for (int k = 0; k < 4; ++k) {
          const Point2 a = q[k], b = q[(k + 1) % 4];
          twice += double(a.x) * b.y - double(b.x) * a.y;
        }
        const double area = 0.5 * std::fabs(twice);
        const double m = mass(z_at(i + 0.5)) * mass(z_at(j + 0.5));
        dens.push_back(area > 1e-12 ? m / area : INFINITY);
      }
    }
  }
  double top = 0.0;
  for (double d : dens) {
    if (std::isfinite(d)) top = std::max(top, d);
  }
  out.reserve(dens.size());
  for (double d : dens) {
    out.push_back(!std::isfinite(d) || top <= 0.0 ? 1.0f : static_cast<float>(d / top));
  }
  return out;
}

ImageRGBA render_toy_scatter(const ToyView& view, const Box2& box, int size) {
  ImageRGBA img;
  if (size < 1 || !box.valid()) return img;
  img.width = img.height = size;
  img.pixels.assign(static_cast<size_t>(size) * size * 4, 255);
  const float w = box.max_x - box.min_x, h = box.max_y - box.min_y;
  const bool heat = view.heat_cols > 0 && view.heat_rows > 0 && view.heat_box.valid() &&
                    view.heat.size() == static_cast<size_t>(view.heat_cols) * view.heat_rows;
  for (int py = 0; py < size; ++py) {
    for (int px = 0; px < size; ++px) {
      const float x = box.min_x + (px + 0.5f) / size * w;
      const float y = box.max_y - (py + 0.5f) / size * h;
      std::array<uint8_t, 4> c{250, 250, 250, 255};
      if (heat && view.heat_box.contains({x, y})) {
        const Box2& hb = view.heat_box;
        const int col = std::clamp(int((x - hb.min_x) / (hb.max_x - hb.min_x) * view.heat_cols), 0,
                                   view.heat_cols - 1);
        const int row = std::clamp(int((y - hb.min_y) / (hb.max_y - hb.min_y) * view.heat_rows), 0,
                                   view.heat_rows - 1);
        c = toy_heat_color(toy_heat_t(view, view.heat[static_cast<size_t>(row) * view.heat_cols + col]));
      }
      put(img, px, py, c);
    }
  }
  const auto to_px = [&](Point2 p, int& x, int& y) {
    x = static_cast<int>(std::floor((p.x - box.min_x) / w * size));
    y = static_cast<int>(std::floor((box.max_y - p.y) / h * size));
    return std::isfinite(p.x) && std::isfinite(p.y);
  };
  const int r = std::max(1, size / 256);  // dot radius in pixels
  const auto dot = [&](Point2 p, const std::array<uint8_t, 4>& c) {
    int x, y;
    if (!to_px(p, x, y)) return;
    for (int dy = -r; dy <= r; ++dy) {
      for (int dx = -r; dx <= r; ++dx) {
        if (dx * dx + dy * dy <= r * r + r) put(img, x + dx, y + dy, c);
      }
    }
  };
  for (Point2 c : view.centers) {
    int x, y;
    if (!to_px(c, x, y)) continue;
    for (int d = -3 * r; d <= 3 * r; ++d) {
      put(img, x + d, y, {90, 90, 90, 255});
      put(img, x, y + d, {90, 90, 90, 255});
    }
  }
  for (Point2 p : view.real) dot(p, kToyRealColor);
  for (Point2 p : view.fake) dot(p, kToyFakeColor);
  return img;
}

Box2 zoom_box(const Box2& box, float factor, Point2 anchor) {
  if (!box.valid() || !std::isfinite(factor) || factor <= 0.0f) return box;
  const float w = box.max_x - box.min_x;
  factor = std::clamp(factor, 1e-3f / w, 1e4f / w);
  return Box2{anchor.x + (box.min_x - anchor.x) * factor, anchor.y + (box.min_y - anchor.y) * factor,
              anchor.x + (box.max_x - anchor.x) * factor, anchor.y + (box.max_y - anchor.y) * factor};
}

Box2 pan_box(const Box2& box, float dx, float dy) {
  if (!std::isfinite(dx) || !std::isfinite(dy)) return box;
  return Box2{box.min_x + dx, box.min_y + dy, box.max_x + dx, box.max_y + dy};
}

}  // namespace genscope
