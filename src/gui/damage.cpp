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

// Where a command's vertices lie in its list: [first, last]; false when it has none (or refers
// past the list's end, which ImGui never does).
struct VertexRange {
  const ImDrawVert* first = nullptr;
  unsigned count = 0;
};

// A command's signature: its clip rectangle, texture, callback, and the vertices and indices it
// draws (indices relative to its first vertex). Fills `range` with those vertices.
uint64_t signature(const ImDrawList& list, const ImDrawCmd& cmd, VertexRange& range) {
  uint64_t h = hash_bytes(&cmd.ClipRect, sizeof cmd.ClipRect, kSeed);
  h = hash_mix(h, reinterpret_cast<uintptr_t>(cmd.TextureId));
  h = hash_mix(h, reinterpret_cast<uintptr_t>(cmd.UserCallback));
  h = hash_mix(h, reinterpret_cast<uintptr_t>(cmd.UserCallbackData));
  h = hash_mix(h, cmd.ElemCount);
  range = {};
  if (cmd.UserCallback || cmd.ElemCount == 0 ||
      size_t(cmd.IdxOffset) + cmd.ElemCount > size_t(list.IdxBuffer.Size)) {
    return h;
  }
  const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset;
  unsigned lo = 0, hi = 0;
  index_range(idx, cmd.ElemCount, lo, hi);
  h = hash_relative(idx, cmd.ElemCount, lo, h);
  if (size_t(cmd.VtxOffset) + hi >= size_t(list.VtxBuffer.Size)) return hash_mix(h, 1);
  range.first = list.VtxBuffer.Data + cmd.VtxOffset + lo;
  range.count = hi - lo + 1;
  return hash_bytes(range.first, range.count * sizeof(ImDrawVert), h);
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

void merge_rects(std::vector<DamageRect>& rects, int max_rects) {
  rects.erase(
      std::remove_if(rects.begin(), rects.end(), [](const DamageRect& r) { return r.empty(); }),
      rects.end());
  // Many rectangles (every glyph of a panel): halve by merging neighbours (often of one list).
  while (rects.size() > 64) {
    size_t out = 0;
    for (size_t i = 0; i < rects.size(); i += 2) {
      rects[out++] = i + 1 < rects.size() ? rect_union(rects[i], rects[i + 1]) : rects[i];
    }
    rects.resize(out);
  }
  max_rects = std::max(1, max_rects);
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

DamageRect backend_scissor(const ImDrawData& data, const ImDrawCmd& cmd) {
  // The same float expressions and int conversions as ImGui_ImplOpenGL3_RenderDrawData (1.86).
  const ImVec2 off = data.DisplayPos, scale = data.FramebufferScale;
  const int fb_height = int(data.DisplaySize.y * scale.y);
  const ImVec2 clip_min((cmd.ClipRect.x - off.x) * scale.x, (cmd.ClipRect.y - off.y) * scale.y);
  const ImVec2 clip_max((cmd.ClipRect.z - off.x) * scale.x, (cmd.ClipRect.w - off.y) * scale.y);
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
  return rect_intersection(r, DamageRect{0, 0, fb_w_, fb_h_});
}

void DamageTracker::remember(const ImDrawList& list, const List* before, List& out) {
  out.list = &list;
  out.bounds = {};
  out.commands.resize(size_t(list.CmdBuffer.Size));
  ImDrawData scissor_data;  // what backend_scissor reads
  scissor_data.DisplayPos = frame_.pos;
  scissor_data.DisplaySize = frame_.size;
  scissor_data.FramebufferScale = frame_.scale;
  for (int i = 0; i < list.CmdBuffer.Size; ++i) {
    const ImDrawCmd& cmd = list.CmdBuffer[i];
    Command& c = out.commands[size_t(i)];
    VertexRange range;
    c.signature = signature(list, cmd, range);
    c.texture = cmd.TextureId;
    if (before && size_t(i) < before->commands.size() &&
        before->commands[size_t(i)].signature == c.signature) {
      c.bounds = before->commands[size_t(i)].bounds;  // the same vertices within the same clip
    } else if (cmd.UserCallback) {
      c.bounds = {0, 0, fb_w_, fb_h_};  // a callback may draw anything
    } else {
      ImVec2 lo(std::numeric_limits<float>::max(), std::numeric_limits<float>::max());
      ImVec2 hi(-lo.x, -lo.y);
      for (unsigned v = 0; v < range.count; ++v) {
        const ImVec2 p = range.first[v].pos;
        lo.x = std::min(lo.x, p.x), lo.y = std::min(lo.y, p.y);
        hi.x = std::max(hi.x, p.x), hi.y = std::max(hi.y, p.y);
      }
      c.bounds = range.count > 0
                     ? rect_intersection(pixels(lo, hi), backend_scissor(scissor_data, cmd))
                     : DamageRect{};
    }
    out.bounds = rect_union(out.bounds, c.bounds);
  }
}

void DamageTracker::drawn_over(const ImDrawList& list) {
  List drawn;
  remember(list, nullptr, drawn);
  if (!drawn.bounds.empty()) drawn_over_.push_back(drawn.bounds);
}

void DamageTracker::compare(const List& before, const List& now) {
  const auto& a = before.commands;
  const auto& b = now.commands;
  if (a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].signature == b[i].signature) continue;
      raw_.push_back(a[i].bounds);
      raw_.push_back(b[i].bounds);
    }
  } else {
    // Commands came or went: what matches at the start and at the end stays; the rest changed.
    size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix].signature == b[prefix].signature)
      ++prefix;
    size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix].signature == b[b.size() - 1 - suffix].signature)
      ++suffix;
    for (size_t i = prefix; i < a.size() - suffix; ++i) raw_.push_back(a[i].bounds);
    for (size_t i = prefix; i < b.size() - suffix; ++i) raw_.push_back(b[i].bounds);
  }
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
  fb_w_ = frame.fb_w, fb_h_ = frame.fb_h;
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
  if (damage.share(fb_w_, fb_h_) > options_.full_share) {
    damage.rects.clear();
    damage.everything = true;
  }
  return damage;
}

ClippedDrawData::ClippedDrawData(ImDrawData& data, const std::vector<DamageRect>& rects,
                                 const ImDrawList* skip)
    : part_(data) {
  const ImVec2 off = data.DisplayPos, scale = data.FramebufferScale;
  part_.TotalIdxCount = part_.TotalVtxCount = 0;
  for (int l = 0; l < data.CmdListsCount; ++l) {
    ImDrawList* list = data.CmdLists[l];
    if (list == skip) continue;
    ImVector<ImDrawCmd> cut;
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        cut.push_back(cmd);
        continue;
      }
      const DamageRect scissor = backend_scissor(data, cmd);
      for (const DamageRect& rect : rects) {
        const DamageRect r = rect_intersection(scissor, rect);
        if (r.empty()) continue;
        ImDrawCmd part = cmd;
        // Chosen so the backend's float-to-int conversions give exactly r's pixels.
        part.ClipRect =
            ImVec4(off.x + (float(r.x0) + 0.25f) / scale.x, off.y + (float(r.y0) - 0.5f) / scale.y,
                   off.x + (float(r.x1) + 0.5f) / scale.x, off.y + (float(r.y1) - 0.25f) / scale.y);
        cut.push_back(part);
      }
    }
    if (cut.empty()) continue;
    saved_.emplace_back();
    saved_.back().swap(list->CmdBuffer);
    list->CmdBuffer.swap(cut);
    lists_.push_back(list);
    part_.TotalIdxCount += list->IdxBuffer.Size;
    part_.TotalVtxCount += list->VtxBuffer.Size;
  }
  part_.CmdLists = lists_.data();
  part_.CmdListsCount = int(lists_.size());
}

ClippedDrawData::~ClippedDrawData() {
  for (size_t i = 0; i < lists_.size(); ++i) lists_[i]->CmdBuffer.swap(saved_[i]);
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
