#include <algorithm>

#include "gui/panels/panels.h"
#include "util/strings.h"

namespace genscope {
namespace {

// The explorer's code on the map: its PCA projection, or the 2D latent itself.
bool explorer_position(const LatentMap& map, const std::vector<float>& z, float& x, float& y) {
  if (static_cast<int>(z.size()) != map.dim || map.dim == 0) return false;
  if (!map.projected) {
    x = z[0], y = map.dim > 1 ? z[1] : 0.0f;
    return true;
  }
  if (map.axes.size() != 2 * z.size() || map.mean.size() != z.size()) return false;
  x = y = 0.0f;
  for (int d = 0; d < map.dim; ++d) {
    x += (z[d] - map.mean[d]) * map.axes[d];
    y += (z[d] - map.mean[d]) * map.axes[map.dim + d];
  }
  return true;
}

// The latent code at map point (x, y): the point itself for a 2D latent, else mean + x a0 + y a1.
std::vector<float> code_at(const LatentMap& map, float x, float y) {
  std::vector<float> z(map.dim, 0.0f);
  if (!map.projected) {
    if (map.dim > 0) z[0] = x;
    if (map.dim > 1) z[1] = y;
    return z;
  }
  for (int d = 0; d < map.dim && map.axes.size() == 2 * z.size(); ++d)
    z[d] = map.mean[d] + x * map.axes[d] + y * map.axes[map.dim + d];
  return z;
}

// A white cross where the explorer's code `z` lies on the map drawn as `result`.
void draw_explorer_mark(const LatentMap& map, const std::vector<float>& z,
                        const ScatterResult& result) {
  float x = 0.0f, y = 0.0f;
  if (!explorer_position(map, z, x, y)) return;
  const ImVec2 p = result.to_screen(x, y);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(result.plot_min, result.plot_max, true);
  draw->AddLine(ImVec2(p.x - 6, p.y), ImVec2(p.x + 6, p.y), IM_COL32_WHITE, 2.0f);
  draw->AddLine(ImVec2(p.x, p.y - 6), ImVec2(p.x, p.y + 6), IM_COL32_WHITE, 2.0f);
  draw->PopClipRect();
}

// The hovered point's test image `i`, its number and (when `labelled`) its class.
void test_image_tooltip(View& view, const LatentMap& map, int64_t i, bool labelled) {
  const TextureRef& image = view.map_image_texture(i);
  ImGui::BeginTooltip();
  if (image.width() > 0) ImGui::Image(texture_id(image), ImVec2(ui_px(28 * 4), ui_px(28 * 4)));
  ImGui::Text("test image %lld", static_cast<long long>(i));
  if (labelled) {
    const int label = map.labels[i];
    const bool named = label < static_cast<int>(map.class_names.size());
    ImGui::TextColored(
        ImColor(label_color(label)), "%s",
        named ? map.class_names[label].c_str() : ("class " + std::to_string(label)).c_str());
  }
  ImGui::TextDisabled("click: decode it in the Explorer");
  ImGui::EndTooltip();
}

}  // namespace

void LatentMapPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Latent map", area)) return;
  if (!view.has_snapshot() || !view.snapshot().running) {
    ImGui::TextDisabled("waiting for the model");
    ImGui::End();
    return;
  }
  const std::shared_ptr<const LatentMap> map = view.snapshot().latent.map;
  ImGui::SetNextItemWidth(ui_px(90));
  live_param_widget(view, ParamId::kMapEvery, map_every);
  const bool manifold = map && !map->projected && !map->manifold.empty();
  if (manifold) {
    ImGui::SameLine();
    ImGui::Checkbox("manifold", &show_manifold);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Images decoded on a grid over the map, under the points.");
  }
  if (!map) {
    ImGui::TextDisabled("waiting for the first encoding of the test set");
    ImGui::End();
    return;
  }
  const long long step = static_cast<long long>(map->step),
                  count = static_cast<long long>(map->count());
  if (map->projected) {
    text_wrapped_disabled(
        strformat("step %lld: PCA of %d-D codes, %lld images", step, map->dim, count));
  } else {
    text_wrapped_disabled(strformat("step %lld: 2D latent, %lld images", step, count));
  }
  const bool labelled = map->labels.size() == static_cast<size_t>(map->count());
  const ImTextureID background =
      manifold && show_manifold ? texture_id(view.manifold_texture()) : nullptr;
  scatter_plot("##map", map->xy.data(), map->count(), labelled ? map->labels.data() : nullptr,
               map->class_names, map->extent, ImVec2(0, ImGui::GetContentRegionAvail().y - 2),
               result, background);

  LatentSelection& sel = view.latent_selection();
  draw_explorer_mark(*map, sel.explorer_z, result);
  const int64_t i = result.hovered;
  if (i >= 0) {
    test_image_tooltip(view, *map, i, labelled);
  } else if (result.hovering) {
    ImGui::SetTooltip("(%.2f, %.2f)\nclick: decode this point in the Explorer", result.mouse_x,
                      result.mouse_y);
  }
  if (result.clicked) {
    if (i >= 0 && map->codes.size() >= static_cast<size_t>((i + 1) * map->dim)) {
      sel.explorer_z.assign(map->codes.begin() + i * map->dim,
                            map->codes.begin() + (i + 1) * map->dim);
    } else {
      sel.explorer_z = code_at(*map, result.mouse_x, result.mouse_y);
    }
    view.send_latent();
  }
  ImGui::End();
}

}  // namespace genscope
