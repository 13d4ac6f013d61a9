#pragma once
// ClippedDrawData: a frame's draw data cut down to damaged rectangles (gui/damage.h), for
// re-rendering only those. Each command is kept once per rectangle its scissor meets, with its
// clip rectangle cut to that rectangle, and with only the triangles that can touch it: a small
// rectangle over a large command (a panel's text and plots are one command) costs the renderer
// the triangles in it, not the whole command. For disjoint rectangles, one pass over the result
// draws every pixel in them exactly as a full render would (the same triangles, in the same
// order, cut by a scissor). Plain C++ over ImGui's types: no GL call.
#include <imgui.h>

#include <vector>

#include "gui/damage.h"

namespace genscope {

class ClippedDrawData {
 public:
  /// Cuts `data` (all lists but `skip`) down to `rects`. `tracker`, when given, has just
  /// updated on `data`: its runs' bounds let whole runs of triangles be kept or dropped at once.
  /// The lists of `data` are changed in place until it goes.
  ClippedDrawData(ImDrawData& data, const std::vector<DamageRect>& rects,
                  const ImDrawList* skip = nullptr, const DamageTracker* tracker = nullptr);
  ~ClippedDrawData();  // gives the lists their own commands and indices back
  ClippedDrawData(const ClippedDrawData&) = delete;
  ClippedDrawData& operator=(const ClippedDrawData&) = delete;

  /// What to render (nothing to render when its CmdListsCount is 0).
  ImDrawData* get() { return &part_; }
  /// Triangles kept (for tests and measurements).
  size_t triangles() const { return triangles_; }

 private:
  struct Cut;
  void cut_list(ImDrawList& list, const DamageTracker::List* runs, Cut& cut) const;

  ImDrawData part_;
  std::vector<DamageRect> rects_;
  std::vector<ImDrawList*> lists_;
  std::vector<ImVector<ImDrawCmd>> saved_cmds_;  // the lists' own, swapped out
  std::vector<ImVector<ImDrawIdx>> saved_idx_;
  size_t triangles_ = 0;
};

/// The clip rectangle (display coordinates) whose scissor, as the OpenGL 3 backend computes it
/// from draw data at `pos` with framebuffer `scale`, is exactly the pixels of `r`.
ImVec4 clip_for_pixels(const DamageRect& r, ImVec2 pos, ImVec2 scale);

}  // namespace genscope
