#pragma once
// PlotTextures: the textures line plots are drawn into (gui/plot_raster.h), one per plot, for the
// ImGui context it is attached to. A plot's image is rasterized and uploaded only when what it
// shows changed (its key) or its size did; a plot that has not been drawn for a while gives its
// texture back. Without one attached (a Gui that makes no GL call), line_plot draws its lines as
// ImGui geometry instead.
#include <imgui.h>

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "gui/plot_raster.h"
#include "render/texture_cache.h"

namespace genscope {

class PlotTextures {
 public:
  /// Frames a plot may go undrawn before its texture is deleted.
  static constexpr int kKeepFrames = 600;

  explicit PlotTextures(std::unique_ptr<TextureBackend> backend);
  ~PlotTextures();  // deletes every texture (the backend's GL context must be current)
  PlotTextures(const PlotTextures&) = delete;
  PlotTextures& operator=(const PlotTextures&) = delete;

  /// The texture plot `id` last stored, when it was stored at `key` and this size; else null.
  /// Marks the plot as drawn this frame either way.
  ImTextureID find(ImGuiID id, uint64_t key, int width, int height);
  /// The raster to draw plot `id`'s new image into (shared by every plot).
  PlotRaster& raster() { return raster_; }
  /// Uploads raster()'s image as plot `id`'s texture at `key`; returns it. The texture holds
  /// the image transposed (PlotRaster::transposed()): texture x runs down the plot, y across.
  ImTextureID store(ImGuiID id, uint64_t key);
  /// Deletes the textures of plots not drawn for kKeepFrames frames (call once a frame).
  void collect();

  /// Plots with a texture, and uploads made so far (tests, frame statistics).
  std::size_t size() const { return plots_.size(); }
  uint64_t uploads() const { return uploads_; }

  /// Makes this the current ImGui context's plot textures (until detach() or destruction).
  void attach();
  void detach();
  /// The current ImGui context's plot textures; null when none is attached.
  static PlotTextures* current();

 private:
  struct Plot {
    uintptr_t texture = 0;
    uint64_t key = 0;
    int width = 0, height = 0;
    int drawn = 0;  // the frame it was last drawn in
  };
  std::unique_ptr<TextureBackend> backend_;
  std::unordered_map<ImGuiID, Plot> plots_;
  PlotRaster raster_;
  uint64_t uploads_ = 0;
};

}  // namespace genscope
