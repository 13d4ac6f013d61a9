#include <algorithm>
#include <cmath>

#include "gui/panels/panels.h"

namespace genscope {
namespace {

// Draws a texture at the largest scale that fits (nearest filtering keeps pixels sharp);
// hovering magnifies the tile under the mouse.
void draw_grid(const char* title, const Texture& texture, ImVec2 avail, int64_t step) {
  ImGui::BeginGroup();
  ImGui::TextUnformatted(title);
  if (step >= 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("step %lld", static_cast<long long>(step));
  }
  if (texture.width() == 0) {
    ImGui::TextDisabled("waiting for the first snapshot");
    ImGui::EndGroup();
    return;
  }
  avail.y -= ImGui::GetTextLineHeightWithSpacing();
  float fit = std::min(avail.x / texture.width(), avail.y / texture.height());
  float scale = std::max(fit, 0.25f);
  ImVec2 size(texture.width() * scale, texture.height() * scale);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImTextureID id = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture.id()));
  ImGui::Image(id, size);
  if (ImGui::IsItemHovered()) {
    // 8x8 tiles of equal size: magnify the one under the mouse.
    ImVec2 m = ImGui::GetIO().MousePos;
    float u = (m.x - origin.x) / size.x, v = (m.y - origin.y) / size.y;
    float tile = 1.0f / 8.0f;
    float u0 = std::floor(u / tile) * tile, v0 = std::floor(v / tile) * tile;
    ImGui::BeginTooltip();
    ImGui::Image(id, ImVec2(28 * 6, 28 * 6), ImVec2(u0, v0), ImVec2(u0 + tile, v0 + tile));
    ImGui::EndTooltip();
  }
  ImGui::EndGroup();
}

}  // namespace

void SamplesPanel::draw(View& view, const ImRect& area) {
  if (!begin_panel("Samples", area)) return;
  ImGui::Checkbox("real images beside", &show_real);
  if (view.has_snapshot() && !view.snapshot().running) {
    const Snapshot& snap = view.snapshot();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(snap.message_level == MessageLevel::kError ? ImVec4(1.0f, 0.35f, 0.3f, 1.0f)
                                                                  : ImVec4(0.7f, 0.8f, 0.9f, 1.0f),
                       "%s", snap.message.empty() ? "starting..." : snap.message.c_str());
    ImGui::TextDisabled("Fix the dataset path in Controls and press Reset.");
    ImGui::PopTextWrapPos();
    ImGui::End();
    return;
  }
  ImVec2 avail = ImGui::GetContentRegionAvail();
  int64_t step = view.has_snapshot() ? view.snapshot().samples_step : -1;
  if (show_real) {
    float half = (avail.x - ImGui::GetStyle().ItemSpacing.x * 3) / 2.0f;
    draw_grid("Generated (fixed noise)", view.samples_texture(), ImVec2(half, avail.y), step);
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 3);
    draw_grid("Real", view.real_texture(), ImVec2(half, avail.y), -1);
  } else {
    draw_grid("Generated (fixed noise)", view.samples_texture(), avail, step);
  }
  ImGui::End();
}

}  // namespace genscope
