// Damage rectangles: unions, merging into a few disjoint ones, the backend's scissor, and when
// damage tracking is on.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <string>

#include "gui/damage.h"  // what this file implements (with damage.cpp)

namespace genscope {
namespace {

bool overlap(const DamageRect& a, const DamageRect& b) {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

}  // namespace

DamageRect rect_union(const DamageRect& a, const DamageRect& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

DamageRect rect_intersection(const DamageRect& a, const DamageRect& b) {
  DamageRect r{std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1),
               std::min(a.y1, b.y1)};
  return r.empty() ? DamageRect{} : r;
}

double Damage::share(int w, int h) const {
  if (everything) return 1.0;
  if (w <= 0 || h <= 0) return 0.0;
  int64_t area = 0;
  for (const DamageRect& r : rects) area += r.area();
  return double(area) / (double(w) * h);
}

namespace {

// Replaces `rects` by disjoint rectangles of whole `tile` x `tile` cells covering them: every
// cell a rectangle meets, rows of cells joined, equal runs of successive rows stacked.
void snap_to_tiles(std::vector<DamageRect>& rects, int tile) {
  DamageRect all;
  for (const DamageRect& r : rects) all = rect_union(all, r);
  const int cols = (all.x1 - all.x0 + tile - 1) / tile, rows = (all.y1 - all.y0 + tile - 1) / tile;
  std::vector<uint8_t> cells(size_t(cols) * rows, 0);
  for (const DamageRect& r : rects) {
    const int x0 = (r.x0 - all.x0) / tile, x1 = (r.x1 - 1 - all.x0) / tile;
    const int y0 = (r.y0 - all.y0) / tile, y1 = (r.y1 - 1 - all.y0) / tile;
    for (int y = y0; y <= y1; ++y) {
      std::fill(cells.begin() + long(y) * cols + x0, cells.begin() + long(y) * cols + x1 + 1, 1);
    }
  }
  rects.clear();
  std::vector<size_t> open, still_open;  // rectangles reaching the row above, by index
  for (int y = 0; y < rows; ++y) {
    still_open.clear();
    for (int x = 0; x < cols;) {
      if (!cells[size_t(y) * cols + x]) {
        ++x;
        continue;
      }
      int end = x;
      while (end < cols && cells[size_t(y) * cols + end]) ++end;
      const int x0 = all.x0 + x * tile, x1 = std::min(all.x1, all.x0 + end * tile);
      const int y1 = std::min(all.y1, all.y0 + (y + 1) * tile);
      auto above = std::find_if(open.begin(), open.end(),
                                [&](size_t i) { return rects[i].x0 == x0 && rects[i].x1 == x1; });
      if (above != open.end()) {
        rects[*above].y1 = y1;
        still_open.push_back(*above);
      } else {
        still_open.push_back(rects.size());
        rects.push_back({x0, all.y0 + y * tile, x1, y1});
      }
      x = end;
    }
    open.swap(still_open);
  }
}

}  // namespace

void merge_rects(std::vector<DamageRect>& rects, int max_rects) {
  rects.erase(
      std::remove_if(rects.begin(), rects.end(), [](const DamageRect& r) { return r.empty(); }),
      rects.end());
  max_rects = std::max(1, max_rects);
  // Many rectangles (the glyphs that changed all over a panel): first cells of 16 pixels, then
  // larger cells until few enough are left to merge pair by pair.
  for (int tile = 16; rects.size() > size_t(2 * max_rects); tile *= 2) {
    snap_to_tiles(rects, tile);
  }
  for (;;) {
    // The pair to merge: any two that overlap, else (too many) the cheapest.
    size_t best_i = 0, best_j = 0;
    int64_t best_cost = std::numeric_limits<int64_t>::max();
    bool overlapping = false;
    for (size_t i = 0; i < rects.size() && !overlapping; ++i) {
      for (size_t j = i + 1; j < rects.size(); ++j) {
        if (overlap(rects[i], rects[j])) {
          best_i = i, best_j = j, overlapping = true;
          break;
        }
        const int64_t cost =
            rect_union(rects[i], rects[j]).area() - rects[i].area() - rects[j].area();
        if (cost < best_cost) best_cost = cost, best_i = i, best_j = j;
      }
    }
    if (!overlapping && int(rects.size()) <= max_rects) return;
    rects[best_i] = rect_union(rects[best_i], rects[best_j]);
    rects.erase(rects.begin() + long(best_j));
  }
}

DamageRect backend_scissor(ImVec2 pos, ImVec2 size, ImVec2 scale, const ImVec4& clip) {
  // The same float expressions and int conversions as ImGui_ImplOpenGL3_RenderDrawData (1.86).
  const int fb_height = int(size.y * scale.y);
  const ImVec2 clip_min((clip.x - pos.x) * scale.x, (clip.y - pos.y) * scale.y);
  const ImVec2 clip_max((clip.z - pos.x) * scale.x, (clip.w - pos.y) * scale.y);
  if (clip_max.x <= clip_min.x || clip_max.y <= clip_min.y) return {};
  const int x = int(clip_min.x), gl_y = int(fb_height - clip_max.y);
  const int w = int(clip_max.x - clip_min.x), h = int(clip_max.y - clip_min.y);
  return DamageRect{x, fb_height - gl_y - h, x + w, fb_height - gl_y};
}

bool is_software_renderer(const char* gl_renderer) {
  if (!gl_renderer) return false;
  std::string name(gl_renderer);
  for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (const char* soft : {"llvmpipe", "softpipe", "swrast", "software rasterizer"}) {
    if (name.find(soft) != std::string::npos) return true;
  }
  return false;
}

bool use_damage(DamageMode mode, bool window, const char* gl_renderer, const char* env) {
  if (mode != DamageMode::kAuto) return mode == DamageMode::kOn;
  if (env && std::strcmp(env, "0") == 0) return false;
  if (env && std::strcmp(env, "1") == 0) return true;
  return window && is_software_renderer(gl_renderer);
}

}  // namespace genscope
