#pragma once
// DamageRenderer: renders ImGui's draw data the way a software renderer (llvmpipe) can afford
// every frame: it re-renders only the rectangles the DamageTracker says changed (each cleared,
// then every command clipped to it) over an image that still holds the previous frame. That
// image is the window's back buffer where swapping keeps it (Mesa's software GLX copies the back
// buffer to the window and keeps it; back_buffer_kept() checks), else a framebuffer of its own,
// copied whole to the bound framebuffer every frame (on llvmpipe that copy costs about as much
// as shading the whole window once: 11-14 ms at 1920x1080 on one core, as glBlitFramebuffer to
// the window never takes llvmpipe's memcpy path). Needs a current GL context.
#include <imgui.h>

#include <functional>
#include <memory>
#include <vector>

#include "gui/damage.h"

namespace genscope {

class Framebuffer;

/// Where a DamageRenderer keeps the previous frame.
enum class DamageTarget {
  kOwnFramebuffer,  // its own framebuffer, copied to the bound one after each frame
  kBackBuffer,      // the window's back buffer, which swaps keep (rendered into directly)
};

class DamageRenderer {
 public:
  /// Damaged rectangles are cleared to `clear_color` before they are re-rendered.
  explicit DamageRenderer(ImVec4 clear_color, DamageTarget target = DamageTarget::kOwnFramebuffer,
                          DamageOptions options = {});
  ~DamageRenderer();
  DamageRenderer(const DamageRenderer&) = delete;
  DamageRenderer& operator=(const DamageRenderer&) = delete;

  /// Whether `mode` turns damage tracking on for this GL context's renderer (GL_RENDERER) and
  /// the GENSCOPE_DAMAGE environment variable (see use_damage).
  static bool wanted(DamageMode mode, bool window);
  /// Whether the window's back buffer keeps its pixels across `swap` (which swaps the window's
  /// buffers): two swaps, each after clearing a 2x2 corner to a colour that must still be
  /// there after it. Shows that corner for two frames; leaves the back buffer undefined.
  static bool back_buffer_kept(const std::function<void()>& swap);

  /// Renders `data`, all but the list `skip`, into the bound draw framebuffer (its bottom-left
  /// width x height pixels) and leaves that framebuffer bound for drawing and reading. False
  /// when it could not make its own framebuffer: nothing was drawn.
  bool render(ImDrawData* data, const ImDrawList* skip = nullptr);
  /// `list` of the last rendered draw data was drawn over the target after render (the REC
  /// indicator): with kBackBuffer the next frame re-renders where it drew.
  void drawn_over(const ImDrawList& list);
  /// The next frame is re-rendered whole (fonts changed, or a texture changed unseen).
  void invalidate() { tracker_.invalidate(); }

  DamageTarget target() const { return target_; }
  /// What the last render re-rendered.
  const Damage& last_damage() const { return damage_; }
  /// The framebuffer keeping the last frame (0: the window's back buffer, or none yet).
  unsigned framebuffer() const;

 private:
  bool prepare_canvas(int w, int h);
  void take_uploads();
  void draw_damage(ImDrawData* data, const ImDrawList* skip);

  DamageTracker tracker_;
  ImVec4 clear_;
  DamageTarget target_;
  std::unique_ptr<Framebuffer> canvas_;  // kOwnFramebuffer only
  uint64_t uploads_seen_ = 0;
  std::vector<unsigned> upload_names_;
  std::vector<ImTextureID> uploaded_;
  Damage damage_;
};

}  // namespace genscope
