#include "gui/damage.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "util/hash.h"

namespace genscope {
namespace {

constexpr uint64_t kSeed = 0x6a09e667f3bcc908ull;

bool overlap(const DamageRect& a, const DamageRect& b) {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

// The smallest and largest index of a command.
void index_range(const ImDrawIdx* idx, unsigned n, unsigned& lo, unsigned& hi) {
  ImDrawIdx a = std::numeric_limits<ImDrawIdx>::max(), b = 0;
  for (unsigned i = 0; i < n; ++i) {
    a = std::min(a, idx[i]);
    b = std::max(b, idx[i]);
  }
  lo = a, hi = b;
}

// The hash of indices taken relative to `base`, so a command drawing the same triangles hashes
// the same wherever its vertices start in the list (a command before it may have grown).
uint64_t hash_relative(const ImDrawIdx* idx, unsigned n, unsigned base, uint64_t seed) {
  constexpr unsigned kChunk = 512;
  ImDrawIdx relative[kChunk];
  for (unsigned i = 0; i < n; i += kChunk) {
    const unsigned m = std::min(kChunk, n - i);
    for (unsigned k = 0; k < m; ++k) relative[k] = ImDrawIdx(idx[i + k] - base);
    seed = hash_bytes(relative, m * sizeof(ImDrawIdx), seed);
  }
  return seed;
}

// The vertices a run of triangles uses: from its smallest index to its largest.
struct VertexRange {
  const ImDrawVert* first = nullptr;
  unsigned count = 0;
};

// The signature of `n` indices of `list` from `first` (with vertex offset `vtx_offset`): the
// indices relative to the smallest, and the vertices from the smallest to the largest (which
// `range` is set to). ImGui keeps a command's vertices together, so that is little more than the
// vertices the triangles use.
uint64_t run_signature(const ImDrawList& list, unsigned vtx_offset, const ImDrawIdx* idx,
                       unsigned n, VertexRange& range) {
  unsigned lo = 0, hi = 0;
  index_range(idx, n, lo, hi);
  uint64_t h = hash_relative(idx, n, lo, hash_mix(kSeed, n));
  range = {};
  if (size_t(vtx_offset) + hi >= size_t(list.VtxBuffer.Size)) return hash_mix(h, 1);
  range.first = list.VtxBuffer.Data + vtx_offset + lo;
  range.count = hi - lo + 1;
  return hash_bytes(range.first, range.count * sizeof(ImDrawVert), h);
}

bool same_clip(const ImVec4& a, const ImVec4& b) {
  return a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w;
}

// Where `a` (na elements with .signature and .bounds) and `b` differ: with as many elements,
// `changed(i)` for each pair that differs; else the bounds of every element of either that is
// not in the longest matching start or end go into `out`.
template <typename T, typename Changed>
void diff(const T* a, size_t na, const T* b, size_t nb, std::vector<DamageRect>& out,
          Changed changed) {
  if (na == nb) {
    for (size_t i = 0; i < na; ++i) {
      if (a[i].signature != b[i].signature) changed(i);
    }
    return;
  }
  size_t prefix = 0;
  while (prefix < na && prefix < nb && a[prefix].signature == b[prefix].signature) ++prefix;
  size_t suffix = 0;
  while (suffix < na - prefix && suffix < nb - prefix &&
         a[na - 1 - suffix].signature == b[nb - 1 - suffix].signature) {
    ++suffix;
  }
  for (size_t i = prefix; i < na - suffix; ++i) out.push_back(a[i].bounds);
  for (size_t i = prefix; i < nb - suffix; ++i) out.push_back(b[i].bounds);
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
    for (int y = (r.y0 - all.y0) / tile; y <= (r.y1 - 1 - all.y0) / tile; ++y) {
      for (int x = (r.x0 - all.x0) / tile; x <= (r.x1 - 1 - all.x0) / tile; ++x) {
        cells[size_t(y) * cols + x] = 1;
      }
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
  for (int tile = 16; rects.size() > size_t(4 * max_rects) + 16; tile *= 2) {
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

DamageRect DamageTracker::pixels(const ImVec2& min, const ImVec2& max) const {
  const ImVec2 off = frame_.pos, scale = frame_.scale;
  const float m = float(options_.margin);
  const DamageRect r{int(std::floor((min.x - off.x) * scale.x - m)),
                     int(std::floor((min.y - off.y) * scale.y - m)),
                     int(std::ceil((max.x - off.x) * scale.x + m)),
                     int(std::ceil((max.y - off.y) * scale.y + m))};
  return rect_intersection(r, DamageRect{0, 0, frame_.fb_w, frame_.fb_h});
}

void DamageTracker::remember_runs(const ImDrawList& list, const ImDrawCmd& cmd, const List* before,
                                  const Command* old, List& out, Command& c) const {
  const bool reuse = old && !old->callback && same_clip(old->clip, cmd.ClipRect);
  const DamageRect scissor = backend_scissor(frame_.pos, frame_.size, frame_.scale, cmd.ClipRect);
  const unsigned run_indices = kDamageRunTriangles * 3;
  uint64_t h = kSeed;
  for (unsigned first = 0; first < cmd.ElemCount; first += run_indices) {
    Run run;
    VertexRange range;
    run.signature = run_signature(list, cmd.VtxOffset, list.IdxBuffer.Data + cmd.IdxOffset + first,
                                  std::min(run_indices, cmd.ElemCount - first), range);
    const Run* was = reuse && c.runs < old->runs ? &before->runs[old->first_run + c.runs] : nullptr;
    if (was && was->signature == run.signature) {
      run.bounds = was->bounds;  // the same vertices within the same clip
    } else if (range.count > 0) {
      ImVec2 lo(range.first->pos), hi(range.first->pos);
      for (unsigned v = 1; v < range.count; ++v) {
        const ImVec2 p = range.first[v].pos;
        lo.x = std::min(lo.x, p.x), lo.y = std::min(lo.y, p.y);
        hi.x = std::max(hi.x, p.x), hi.y = std::max(hi.y, p.y);
      }
      run.bounds = rect_intersection(pixels(lo, hi), scissor);
    }
    h = hash_mix(h, run.signature);
    c.bounds = rect_union(c.bounds, run.bounds);
    out.runs.push_back(run);
    ++c.runs;
  }
  c.signature = hash_mix(c.signature, h);
}

void DamageTracker::remember(const ImDrawList& list, const List* before, List& out) const {
  out.list = &list;
  out.bounds = {};
  out.commands.resize(size_t(list.CmdBuffer.Size));
  out.runs.clear();
  for (int i = 0; i < list.CmdBuffer.Size; ++i) {
    const ImDrawCmd& cmd = list.CmdBuffer[i];
    Command& c = out.commands[size_t(i)];
    c = Command{};
    c.clip = cmd.ClipRect;
    c.texture = cmd.TextureId;
    c.callback = cmd.UserCallback != nullptr;
    c.first_run = uint32_t(out.runs.size());
    uint64_t h = hash_bytes(&cmd.ClipRect, sizeof cmd.ClipRect, kSeed);
    h = hash_mix(h, reinterpret_cast<uintptr_t>(cmd.TextureId));
    h = hash_mix(h, reinterpret_cast<uintptr_t>(cmd.UserCallback));
    h = hash_mix(h, reinterpret_cast<uintptr_t>(cmd.UserCallbackData));
    c.signature = hash_mix(h, cmd.ElemCount);
    const Command* old =
        before && size_t(i) < before->commands.size() ? &before->commands[size_t(i)] : nullptr;
    if (c.callback) {
      c.bounds = {0, 0, frame_.fb_w, frame_.fb_h};  // a callback may draw anything
    } else if (size_t(cmd.IdxOffset) + cmd.ElemCount <= size_t(list.IdxBuffer.Size)) {
      remember_runs(list, cmd, before, old, out, c);
    }
    out.bounds = rect_union(out.bounds, c.bounds);
  }
}

void DamageTracker::drawn_over(const ImDrawList& list) {
  List drawn;
  remember(list, nullptr, drawn);
  if (!drawn.bounds.empty()) drawn_over_.push_back(drawn.bounds);
}

void DamageTracker::compare_runs(const List& before, const Command& a, const List& now,
                                 const Command& b) {
  if (a.callback || b.callback || a.texture != b.texture || !same_clip(a.clip, b.clip)) {
    raw_.push_back(a.bounds);
    raw_.push_back(b.bounds);
    return;
  }
  const Run* ra = before.runs.data() + a.first_run;
  const Run* rb = now.runs.data() + b.first_run;
  diff(ra, a.runs, rb, b.runs, raw_, [&](size_t k) {
    raw_.push_back(ra[k].bounds);
    raw_.push_back(rb[k].bounds);
  });
}

void DamageTracker::compare(const List& before, const List& now) {
  const std::vector<Command>& a = before.commands;
  const std::vector<Command>& b = now.commands;
  diff(a.data(), a.size(), b.data(), b.size(), raw_,
       [&](size_t i) { compare_runs(before, a[i], now, b[i]); });
  for (const Command& c : b) {
    if (std::find(uploaded_->begin(), uploaded_->end(), c.texture) != uploaded_->end()) {
      raw_.push_back(c.bounds);
    }
  }
}

void DamageTracker::compare_order(const std::vector<int>& before_index) {
  // Two lists that swapped places in the draw order change the pixels where both draw.
  for (size_t i = 0; i < next_.size(); ++i) {
    if (before_index[i] < 0) continue;
    for (size_t j = i + 1; j < next_.size(); ++j) {
      if (before_index[j] < 0 || before_index[j] > before_index[i]) continue;
      const DamageRect a = rect_union(next_[i].bounds, lists_[size_t(before_index[i])].bounds);
      const DamageRect b = rect_union(next_[j].bounds, lists_[size_t(before_index[j])].bounds);
      raw_.push_back(rect_intersection(a, b));
    }
  }
}

Damage DamageTracker::update(const ImDrawData& data, const std::vector<ImTextureID>& uploaded,
                             const ImDrawList* skip) {
  const ImVec2 scale = data.FramebufferScale;
  const Frame frame{data.DisplayPos, data.DisplaySize, scale, int(data.DisplaySize.x * scale.x),
                    int(data.DisplaySize.y * scale.y)};
  const auto same = [](ImVec2 a, ImVec2 b) { return a.x == b.x && a.y == b.y; };
  const bool patch = valid_ && same(frame.pos, frame_.pos) && same(frame.size, frame_.size) &&
                     same(frame.scale, frame_.scale);
  frame_ = frame;
  uploaded_ = &uploaded;
  raw_.swap(drawn_over_);
  drawn_over_.clear();
  next_.resize(0);
  std::vector<int> before_index;
  std::vector<bool> matched(lists_.size(), false);
  for (int l = 0; l < data.CmdListsCount; ++l) {
    const ImDrawList* list = data.CmdLists[l];
    if (list == skip) continue;
    int found = -1;
    for (size_t k = 0; k < lists_.size() && patch; ++k) {
      if (lists_[k].list == list && !matched[k]) {
        found = int(k);
        break;
      }
    }
    before_index.push_back(found);
    next_.emplace_back();
    remember(*list, found >= 0 ? &lists_[size_t(found)] : nullptr, next_.back());
    if (found >= 0) {
      matched[size_t(found)] = true;
      compare(lists_[size_t(found)], next_.back());
    } else {
      raw_.push_back(next_.back().bounds);  // a list that appeared
    }
  }
  for (size_t k = 0; k < lists_.size(); ++k) {
    if (!matched[k]) raw_.push_back(lists_[k].bounds);  // a list that went
  }
  if (patch) compare_order(before_index);
  lists_.swap(next_);
  valid_ = true;
  Damage damage;
  if (!patch) {
    damage.everything = true;
    return damage;
  }
  merge_rects(raw_, options_.max_rects);
  damage.rects = raw_;
  if (damage.share(frame_.fb_w, frame_.fb_h) > options_.full_share) {
    damage.rects.clear();
    damage.everything = true;
  }
  return damage;
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
