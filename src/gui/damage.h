#pragma once
// Damage tracking: which pixels of the window a frame can change, so a software renderer
// (llvmpipe) re-renders only those instead of the whole window. DamageTracker compares a frame's
// ImGui draw data with what it remembers of the previous frame: per draw list (by its address),
// per draw command and per run of triangles of a command, a signature (a hash of the vertices
// and indices drawn, and of the command's clip rectangle and texture) and where on screen they
// draw. Plain C++ over ImGui's types: no GL call (gui/damage_clip.h cuts the draw data down to
// the damage, gui/damage_renderer.h does the GL part).
#include <imgui.h>

#include <cstdint>
#include <vector>

namespace genscope {

/// A rectangle of framebuffer pixels, origin top-left, [x0, x1) x [y0, y1).
struct DamageRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  int64_t area() const { return empty() ? 0 : int64_t(x1 - x0) * (y1 - y0); }
  bool operator==(const DamageRect& o) const {
    return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1;
  }
};

/// The smallest rectangle holding both (an empty one adds nothing).
DamageRect rect_union(const DamageRect& a, const DamageRect& b);
/// Their common part (empty when they do not meet).
DamageRect rect_intersection(const DamageRect& a, const DamageRect& b);

/// What a frame must re-render: everything, or a few disjoint rectangles (none: nothing changed).
struct Damage {
  bool everything = false;
  std::vector<DamageRect> rects;  // disjoint, inside the framebuffer; empty with `everything`
  bool none() const { return !everything && rects.empty(); }
  /// The share of the framebuffer (w x h pixels) re-rendered, 0..1.
  double share(int w, int h) const;
};

/// How rectangles are merged.
struct DamageOptions {
  int max_rects = 24;       // at most this many rectangles (each costs a pass over the lists)
  double full_share = 0.8;  // damage covering more of the window than this: everything
  int margin = 1;           // pixels added around each run of triangles' bounds
};

/// Remembers the previous frame's draw commands and tells what changed.
class DamageTracker {
 public:
  explicit DamageTracker(DamageOptions options = {}) : options_(options) {}

  /// Compares `data` (leaving out the list `skip`, drawn elsewhere) with the previous frame and
  /// remembers it. `uploaded`: textures whose pixels changed since the previous frame (commands
  /// drawing them are damaged). Everything is damaged on the first frame, after invalidate(),
  /// and when the display or framebuffer size or scale changed.
  Damage update(const ImDrawData& data, const std::vector<ImTextureID>& uploaded,
                const ImDrawList* skip = nullptr);
  /// The next update damages everything (the image it would patch is gone, or the fonts
  /// changed).
  void invalidate() { valid_ = false; }
  /// The list `list` of the last update's draw data was drawn over the image since (e.g. the REC
  /// indicator, after the frame was captured): the next update damages where it drew.
  void drawn_over(const ImDrawList& list);

  /// The framebuffer size of the last update (draw data's display size times its scale).
  int width() const { return frame_.fb_w; }
  int height() const { return frame_.fb_h; }

  /// A run of consecutive triangles of a command (8 to 64, ending where the content says, so
  /// the same triangles make the same runs wherever they start), as remembered.
  struct Run {
    uint64_t signature = 0;  // its vertices and indices (relative to its first vertex)
    DamageRect bounds;       // framebuffer pixels it can touch (vertices' box in the scissor)
    uint32_t first = 0, count = 0;  // its indices within the command's
  };
  /// One draw command as remembered.
  struct Command {
    uint64_t signature = 0;  // its clip rectangle, texture, callback, vertices and indices
    DamageRect bounds;       // the union of its runs' bounds
    ImVec4 clip;
    ImTextureID texture = nullptr;
    bool callback = false;
    uint32_t first_run = 0, runs = 0;  // in List::runs
  };
  /// One draw list as remembered.
  struct List {
    const ImDrawList* list = nullptr;
    std::vector<Command> commands;
    std::vector<Run> runs;
    DamageRect bounds;  // union of its commands' bounds
  };
  /// The last update's lists (all but `skip`, in draw order).
  const std::vector<List>& lists() const { return lists_; }

 private:
  struct Frame {
    ImVec2 pos, size, scale;
    int fb_w = 0, fb_h = 0;
  };
  void remember(const ImDrawList& list, const List* before, List& out) const;
  void remember_runs(const ImDrawList& list, const ImDrawCmd& cmd, const List* before,
                     const Command* old, List& out, Command& c) const;
  void compare(const List& before, const List& now);
  void compare_runs(const List& before, const Command& a, const List& now, const Command& b);
  void compare_order(const std::vector<int>& before_index);
  DamageRect pixels(const ImVec2& min, const ImVec2& max) const;

  DamageOptions options_;
  bool valid_ = false;
  Frame frame_;
  std::vector<List> lists_;  // the previous frame's, in draw order
  std::vector<List> next_;
  std::vector<DamageRect> raw_;         // this update's damaged rectangles before merging
  std::vector<DamageRect> drawn_over_;  // damaged by drawing since the last update
  const std::vector<ImTextureID>* uploaded_ = nullptr;
};

/// Merges `rects` (any, overlapping or empty) into at most `max_rects` disjoint rectangles
/// covering them, merging first the pairs whose union adds the least area.
void merge_rects(std::vector<DamageRect>& rects, int max_rects);

/// The pixels the OpenGL 3 backend's scissor lets a command with clip rectangle `clip` touch
/// (as ImGui_ImplOpenGL3_RenderDrawData computes it from draw data at `pos` of `size` and
/// framebuffer `scale`), in framebuffer pixels, origin top-left.
DamageRect backend_scissor(ImVec2 pos, ImVec2 size, ImVec2 scale, const ImVec4& clip);

/// True for GL_RENDERER strings of Mesa's software rasterizers (llvmpipe, softpipe, swrast),
/// where re-rendering only the damage pays.
bool is_software_renderer(const char* gl_renderer);

/// Whether a Gui re-renders only what changed.
enum class DamageMode {
  kAuto,  // a window on a software renderer: yes (GENSCOPE_DAMAGE=0/1 overrides); else no
  kOn,
  kOff,
};

/// Whether to track damage: `mode`, for a window (`window`) or a headless Gui, on the renderer
/// named `gl_renderer`, with the environment's GENSCOPE_DAMAGE value `env` (null: unset).
/// kAuto is on only for a window on a software renderer; env "0" / "1" turns kAuto off / on.
bool use_damage(DamageMode mode, bool window, const char* gl_renderer, const char* env);

}  // namespace genscope
