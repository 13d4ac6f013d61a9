#include "gui/plot_textures.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace genscope {
namespace {

// The attached PlotTextures of each ImGui context (tests run several contexts).
std::vector<std::pair<ImGuiContext*, PlotTextures*>>& attached() {
  static std::vector<std::pair<ImGuiContext*, PlotTextures*>> list;
  return list;
}

}  // namespace

PlotTextures::PlotTextures(std::unique_ptr<TextureBackend> backend)
    : backend_(std::move(backend)) {}

PlotTextures::~PlotTextures() {
  detach();
  for (const auto& [id, plot] : plots_) backend_->destroy(plot.texture);
}

ImTextureID PlotTextures::find(ImGuiID id, uint64_t key, int width, int height) {
  Plot& plot = plots_[id];
  plot.drawn = ImGui::GetFrameCount();
  const bool current =
      plot.texture != 0 && plot.key == key && plot.width == width && plot.height == height;
  return current ? reinterpret_cast<ImTextureID>(plot.texture) : nullptr;
}

ImTextureID PlotTextures::store(ImGuiID id, uint64_t key) {
  Plot& plot = plots_[id];
  plot.texture = backend_->upload(plot.texture, TextureFilter::kNearest, raster_.transposed());
  plot.key = key, plot.width = raster_.width(), plot.height = raster_.height();
  plot.drawn = ImGui::GetFrameCount();
  ++uploads_;
  return reinterpret_cast<ImTextureID>(plot.texture);
}

void PlotTextures::collect() {
  const int now = ImGui::GetFrameCount();
  for (auto it = plots_.begin(); it != plots_.end();) {
    if (now - it->second.drawn > kKeepFrames) {
      if (it->second.texture != 0) backend_->destroy(it->second.texture);
      it = plots_.erase(it);
    } else {
      ++it;
    }
  }
}

void PlotTextures::attach() {
  detach();
  attached().emplace_back(ImGui::GetCurrentContext(), this);
}

void PlotTextures::detach() {
  auto& list = attached();
  list.erase(std::remove_if(list.begin(), list.end(), [&](const auto& e) { return e.second == this; }),
             list.end());
}

PlotTextures* PlotTextures::current() {
  ImGuiContext* context = ImGui::GetCurrentContext();
  for (const auto& [ctx, textures] : attached()) {
    if (ctx == context) return textures;
  }
  return nullptr;
}

}  // namespace genscope
