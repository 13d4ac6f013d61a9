// DamageTracker: what changed between two frames' draw data (rectangles and modes are in
// damage_rects.cpp).
#include "gui/damage.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "util/hash.h"

namespace genscope {
namespace {

constexpr uint64_t kSeed = 0x6a09e667f3bcc908ull;
// Runs of triangles end where the content says (a new line, a large triangle) or after kMaxRun,
// so a run holds the same triangles after a change earlier in its command (a longer number)
// moved where the runs start.
constexpr unsigned kMaxRun = 64;
// How far ahead in the other frame a run or command is looked for when the two differ.
constexpr size_t kLookahead = 32;

// The smallest and largest of n indices.
void index_range(const ImDrawIdx* idx, unsigned n, unsigned& lo, unsigned& hi) {
  ImDrawIdx a = std::numeric_limits<ImDrawIdx>::max(), b = 0;
  for (unsigned i = 0; i < n; ++i) {
    a = std::min(a, idx[i]);
    b = std::max(b, idx[i]);
  }
  lo = a, hi = b;
}

// The hash of indices taken relative to `base`, so the same triangles hash the same wherever
// their vertices start in the list (something drawn before them may have grown). Several
// indices a 64-bit word, `base` taken off every lane at once (no lane borrows: none is below it).
uint64_t hash_relative(const ImDrawIdx* idx, unsigned n, unsigned base, uint64_t seed) {
  constexpr unsigned kPerWord = 8 / sizeof(ImDrawIdx);
  constexpr uint64_t kLanes =
      sizeof(ImDrawIdx) == 2 ? 0x0001000100010001ull : 0x0000000100000001ull;
  const uint64_t sub = uint64_t(base) * kLanes;
  uint64_t h = seed;
  unsigned i = 0;
  for (; i + 2 * kPerWord <= n; i += 2 * kPerWord) {
    uint64_t a, b;
    std::memcpy(&a, idx + i, 8);
    std::memcpy(&b, idx + i + kPerWord, 8);
    h = hash_mix(h ^ (a - sub), b - sub);
  }
  uint64_t tail = n;
  for (; i < n; ++i) tail = tail << (8 * sizeof(ImDrawIdx)) ^ uint64_t(idx[i] - base);
  return hash_mix(h, tail);
}

// Whether a triangle starting at `b` after one starting at `a` starts a new line of text (or
// another place): back to the left, or well above or below. Runs end there, so that a run is
// one line of a table's column, not the end of one row and the start of the next.
bool jumps(ImVec2 a, ImVec2 b) { return b.x < a.x - 16.0f || std::fabs(b.y - a.y) > 48.0f; }

// Whether triangle `t` (its indices at idx[3t]) is large: its first and last vertices over
// kLarge display pixels apart (a rectangle's diagonal, a long line's length). Large ones
// (backgrounds, frames, long lines) make runs of their own, so a changed glyph beside a panel's
// background damages the glyph, not the background's box.
constexpr float kLarge = 48.0f;
bool large(const ImDrawVert* vtx, const ImDrawIdx* idx, unsigned t) {
  const ImVec2 a = vtx[idx[3 * t]].pos, c = vtx[idx[3 * t + 2]].pos;
  return std::fabs(a.x - c.x) > kLarge || std::fabs(a.y - c.y) > kLarge;
}

// The vertices a run of triangles uses: from its smallest index to its largest.
struct VertexRange {
  const ImDrawVert* first = nullptr;
  unsigned count = 0;
};

// The signature of `n` indices at `idx` of `list` (with vertex offset `vtx_offset`): the
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

// Pairs up `a` (the previous frame's, na elements with .signature) and `b` in order: equal
// signatures match; where they differ, an element of either found a little further in the
// other means those before it came or went (`gone(i)`, `came(j)`), else the two were replaced
// (`changed(i, j)`). Matched pairs keep their order, so what they draw keeps its order too.
// With as many elements on both sides, the pairs are simply those at the same place; after
// a few looks ahead that found nothing, only every eighth step looks.
template <typename T, typename Gone, typename Came, typename Changed>
void match(const T* a, size_t na, const T* b, size_t nb, Gone gone, Came came, Changed changed) {
  if (na == nb) {  // as many as before: compared pair by pair (a plot that moved: all of them)
    for (size_t i = 0; i < na; ++i) {
      if (a[i].signature != b[i].signature) changed(i, i);
    }
    return;
  }
  size_t i = 0, j = 0, misses = 0;  // looks ahead that found nothing, in a row
  while (i < na && j < nb) {
    if (a[i].signature == b[j].signature) {
      ++i, ++j, misses = 0;
      continue;
    }
    // All changed (a plot that moved): looking ahead at every step would cost kLookahead each.
    if (misses >= 4 && ++misses % 8 != 0) {
      changed(i++, j++);
      continue;
    }
    size_t k = i + 1;
    while (k < na && k <= i + kLookahead && a[k].signature != b[j].signature) ++k;
    if (k < na && k <= i + kLookahead) {
      for (; i < k; ++i) gone(i);
      continue;
    }
    size_t m = j + 1;
    while (m < nb && m <= j + kLookahead && b[m].signature != a[i].signature) ++m;
    if (m < nb && m <= j + kLookahead) {
      for (; j < m; ++j) came(j);
      continue;
    }
    changed(i++, j++);
    ++misses;
  }
  for (; i < na; ++i) gone(i);
  for (; j < nb; ++j) came(j);
}

// The end of the run of triangles [first, end) of a command: large triangles together, small
// ones together, ending at a new line, at most kMaxRun.
unsigned run_end(const ImDrawVert* vtx, const ImDrawIdx* idx, unsigned first, unsigned triangles) {
  const bool big = large(vtx, idx, first);
  const unsigned last = std::min(triangles, first + kMaxRun);
  ImVec2 previous = vtx[idx[3 * first]].pos;
  unsigned end = first + 1;
  for (; end < last; ++end) {
    const ImDrawVert& v = vtx[idx[3 * end]];
    if (large(vtx, idx, end) != big || (end >= first + 2 && jumps(previous, v.pos))) {
      break;
    }
    previous = v.pos;
  }
  return end;
}

}  // namespace

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
  const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset;
  const ImDrawVert* vtx = list.VtxBuffer.Data + cmd.VtxOffset;
  // The whole command first: when it is what it was, so are its runs (most are, most frames).
  VertexRange whole;
  c.signature =
      hash_mix(c.signature, run_signature(list, cmd.VtxOffset, idx, cmd.ElemCount, whole));
  if (reuse && old->signature == c.signature) {
    const auto from = before->runs.begin() + old->first_run;
    out.runs.insert(out.runs.end(), from, from + old->runs);
    c.runs = old->runs;
    c.bounds = old->bounds;
    return;
  }
  // Indices past the list's end (ImGui makes none): one run, no box of its own.
  const bool valid = whole.count > 0;
  const unsigned triangles = cmd.ElemCount / 3;
  for (unsigned first = 0; first < triangles;) {
    const unsigned end = valid ? run_end(vtx, idx, first, triangles) : triangles;
    Run run;
    run.first = 3 * first;
    run.count = 3 * (end - first);
    VertexRange range;
    run.signature = run_signature(list, cmd.VtxOffset, idx + run.first, run.count, range);
    // The run at the same place before, when it is the same: the same box.
    const Run* was = reuse && c.runs < old->runs ? &before->runs[old->first_run + c.runs] : nullptr;
    if (was && was->signature == run.signature) {
      run.bounds = was->bounds;
    } else if (range.count > 0) {
      ImVec2 a(range.first->pos), b(range.first->pos);
      for (unsigned v = 1; v < range.count; ++v) {
        const ImVec2 p = range.first[v].pos;
        a.x = std::min(a.x, p.x), a.y = std::min(a.y, p.y);
        b.x = std::max(b.x, p.x), b.y = std::max(b.y, p.y);
      }
      run.bounds = rect_intersection(pixels(a, b), scissor);
    } else if (!valid) {
      run.bounds = scissor;
    }
    c.bounds = rect_union(c.bounds, run.bounds);
    out.runs.push_back(run);
    ++c.runs;
    first = end;
  }
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
  const size_t start = raw_.size();
  match(
      ra, a.runs, rb, b.runs, [&](size_t i) { raw_.push_back(ra[i].bounds); },
      [&](size_t j) { raw_.push_back(rb[j].bounds); },
      [&](size_t i, size_t j) {
        raw_.push_back(ra[i].bounds);
        raw_.push_back(rb[j].bounds);
      });
  // Most of it changed (a plot that moved): its boxes, rather than thousands of runs'.
  if (raw_.size() - start > size_t(a.runs + b.runs) / 2 + 8) {
    raw_.resize(start);
    raw_.push_back(a.bounds);
    raw_.push_back(b.bounds);
  }
}

void DamageTracker::compare(const List& before, const List& now) {
  const std::vector<Command>& a = before.commands;
  const std::vector<Command>& b = now.commands;
  match(
      a.data(), a.size(), b.data(), b.size(), [&](size_t i) { raw_.push_back(a[i].bounds); },
      [&](size_t j) { raw_.push_back(b[j].bounds); },
      [&](size_t i, size_t j) { compare_runs(before, a[i], now, b[j]); });
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

}  // namespace genscope
