#include "gui/damage_clip.h"

#include <algorithm>

namespace genscope {

ImVec4 clip_for_pixels(const DamageRect& r, ImVec2 pos, ImVec2 scale) {
  // The backend truncates: x = int(min.x), width = int(max.x - min.x), and from the bottom
  // y = int(fb_height - max.y), height = int(max.y - min.y). These quarter- and half-pixel
  // nudges survive the float round trip at any scale.
  return ImVec4(pos.x + (float(r.x0) + 0.25f) / scale.x, pos.y + (float(r.y0) - 0.5f) / scale.y,
                pos.x + (float(r.x1) + 0.5f) / scale.x, pos.y + (float(r.y1) - 0.25f) / scale.y);
}

// One list's commands and indices as cut.
struct ClippedDrawData::Cut {
  ImVector<ImDrawCmd> cmds;
  ImVector<ImDrawIdx> idx;
};

namespace {

bool inside(const DamageRect& a, const DamageRect& b) {
  return a.x0 >= b.x0 && a.y0 >= b.y0 && a.x1 <= b.x1 && a.y1 <= b.y1;
}

// Appends the triangles of `idx[0, n)` that can touch pixels of `r` (a box in display
// coordinates, already a pixel larger on each side).
void append_touching(const ImDrawVert* vtx, const ImDrawIdx* idx, unsigned n, const ImVec4& r,
                     ImVector<ImDrawIdx>& out) {
  for (unsigned t = 0; t + 2 < n; t += 3) {
    const ImVec2 a = vtx[idx[t]].pos, b = vtx[idx[t + 1]].pos, c = vtx[idx[t + 2]].pos;
    if (std::max({a.x, b.x, c.x}) < r.x || std::min({a.x, b.x, c.x}) > r.z ||
        std::max({a.y, b.y, c.y}) < r.y || std::min({a.y, b.y, c.y}) > r.w) {
      continue;
    }
    out.push_back(idx[t]);
    out.push_back(idx[t + 1]);
    out.push_back(idx[t + 2]);
  }
}

}  // namespace

ClippedDrawData::ClippedDrawData(ImDrawData& data, const std::vector<DamageRect>& rects,
                                 const ImDrawList* skip, const DamageTracker* tracker)
    : part_(data), rects_(rects) {
  part_.TotalIdxCount = part_.TotalVtxCount = 0;
  saved_cmds_.reserve(size_t(data.CmdListsCount));  // ImVector copies deeply: never reallocate
  saved_idx_.reserve(size_t(data.CmdListsCount));
  size_t next_runs = 0;
  for (int l = 0; l < data.CmdListsCount; ++l) {
    ImDrawList* list = data.CmdLists[l];
    if (list == skip) continue;
    const DamageTracker::List* runs = nullptr;
    if (tracker && next_runs < tracker->lists().size() &&
        tracker->lists()[next_runs].list == list) {
      runs = &tracker->lists()[next_runs++];
      if (runs->commands.size() != size_t(list->CmdBuffer.Size)) runs = nullptr;
    }
    Cut cut;
    cut_list(*list, runs, cut);
    if (cut.cmds.empty()) continue;
    saved_cmds_.emplace_back();
    saved_cmds_.back().swap(list->CmdBuffer);
    list->CmdBuffer.swap(cut.cmds);
    saved_idx_.emplace_back();
    saved_idx_.back().swap(list->IdxBuffer);
    list->IdxBuffer.swap(cut.idx);
    lists_.push_back(list);
    part_.TotalIdxCount += list->IdxBuffer.Size;
    part_.TotalVtxCount += list->VtxBuffer.Size;
    triangles_ += size_t(list->IdxBuffer.Size) / 3;
  }
  part_.CmdLists = lists_.data();
  part_.CmdListsCount = int(lists_.size());
}

void ClippedDrawData::cut_list(ImDrawList& list, const DamageTracker::List* runs, Cut& cut) const {
  const ImVec2 pos = part_.DisplayPos, scale = part_.FramebufferScale;
  for (int i = 0; i < list.CmdBuffer.Size; ++i) {
    const ImDrawCmd& cmd = list.CmdBuffer[i];
    if (cmd.UserCallback) {
      cut.cmds.push_back(cmd);
      continue;
    }
    if (size_t(cmd.IdxOffset) + cmd.ElemCount > size_t(list.IdxBuffer.Size)) continue;
    const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset;
    const ImDrawVert* vtx = list.VtxBuffer.Data + cmd.VtxOffset;
    const DamageTracker::Command* info = runs ? &runs->commands[size_t(i)] : nullptr;
    const DamageRect scissor = backend_scissor(pos, part_.DisplaySize, scale, cmd.ClipRect);
    for (const DamageRect& rect : rects_) {
      const DamageRect r = rect_intersection(scissor, rect);
      if (r.empty()) continue;
      const ImVec4 box(pos.x + float(r.x0 - 1) / scale.x, pos.y + float(r.y0 - 1) / scale.y,
                       pos.x + float(r.x1 + 1) / scale.x, pos.y + float(r.y1 + 1) / scale.y);
      const int start = cut.idx.Size;
      if (!info || info->runs == 0) {
        append_touching(vtx, idx, cmd.ElemCount, box, cut.idx);
      }
      for (uint32_t k = 0; info && k < info->runs; ++k) {
        const DamageTracker::Run& run = runs->runs[info->first_run + k];
        if (rect_intersection(run.bounds, r).empty()) continue;
        if (inside(run.bounds, r)) {
          const int at = cut.idx.Size;
          cut.idx.resize(at + int(run.count));
          std::copy(idx + run.first, idx + run.first + run.count, cut.idx.Data + at);
        } else {
          append_touching(vtx, idx + run.first, run.count, box, cut.idx);
        }
      }
      if (cut.idx.Size == start) continue;
      ImDrawCmd part = cmd;
      part.IdxOffset = unsigned(start);
      part.ElemCount = unsigned(cut.idx.Size - start);
      part.ClipRect = clip_for_pixels(r, pos, scale);
      cut.cmds.push_back(part);
    }
  }
}

ClippedDrawData::~ClippedDrawData() {
  for (size_t i = 0; i < lists_.size(); ++i) {
    lists_[i]->CmdBuffer.swap(saved_cmds_[i]);
    lists_[i]->IdxBuffer.swap(saved_idx_[i]);
  }
}

}  // namespace genscope
