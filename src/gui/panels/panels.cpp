#include "gui/panels/panels.h"

#include <algorithm>
#include <cmath>

#include "gui/param_widgets.h"

namespace genscope {

bool begin_panel(const char* title, const ImRect& area) {
  ImGui::SetNextWindowPos(area.Min, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(area.GetSize(), ImGuiCond_FirstUseEver);
  if (ImGui::Begin(title)) return true;
  ImGui::End();
  return false;
}

PanelLayout::PanelLayout(float w, float h) {
  const float left = std::clamp(w * 0.25f, 260.0f, 380.0f);
  const float top = std::round(h * 0.56f);
  const float mid = std::round(left + (w - left) * 0.54f);
  status = ImRect(0, 0, left, std::round(h * 0.36f));
  controls = ImRect(0, std::round(h * 0.36f), left, h);
  samples = ImRect(left, 0, mid, top);
  losses = ImRect(left, top, mid, h);
  const float right_top = std::round(h * 0.40f), right_bottom = std::round(h * 0.72f);
  latent = ImRect(mid, 0, w, right_top);
  quality = ImRect(mid, right_top, w, right_bottom);
  bottom_right = ImRect(mid, right_bottom, w, h);
  const float toy_mid = std::round(left + (w - left) * 0.56f);
  toy_plot = ImRect(left, 0, toy_mid, h);
  toy_modes = ImRect(toy_mid, 0, w, std::round(h * 0.31f));
  toy_losses = ImRect(toy_mid, toy_modes.Max.y, w, std::round(h * 0.53f));
  toy_metrics = ImRect(toy_mid, toy_losses.Max.y, w, h);
}

void PanelSet::draw(View& view, ImVec2 size) {
  const PanelLayout layout(size.x, size.y);
  status.draw(view, layout.status);
  controls.draw(view, layout.controls);
  const auto rect_of = [](const char* title) {
    const ImGuiWindow* w = ImGui::FindWindowByName(title);
    return w ? w->Rect() : ImRect();
  };
  view.set_panel_rect(RecordRegion::kWindow, {0, 0, size.x, size.y});
  if (view.snapshot().is_toy) {
    toy.draw(view, layout.toy_plot);
    modes.draw(view, layout.toy_modes);
    losses.draw(view, layout.toy_losses);
    mode_metrics.draw(view, layout.toy_metrics);
    const ImRect s = rect_of("2D GAN");
    ImRect plots = rect_of("Losses");
    plots.Add(rect_of("Mode metrics"));
    view.set_panel_rect(RecordRegion::kSamples, {s.Min.x, s.Min.y, s.Max.x, s.Max.y});
    view.set_panel_rect(RecordRegion::kPlots, {plots.Min.x, plots.Min.y, plots.Max.x, plots.Max.y});
    return;
  }
  samples.draw(view, layout.samples);
  losses.draw(view, layout.losses);
  latent.draw(view, layout.latent);
  quality.draw(view, layout.quality);
  const char* bottom_right = view.snapshot().is_gan ? "Discriminator" : "Latent map";
  if (view.snapshot().is_gan) {
    scores.draw(view, layout.bottom_right);
  } else {
    latent_map.draw(view, layout.bottom_right);
  }
  // Where the recordable panels are now (they can be moved and resized).
  const ImRect s = rect_of("Samples");
  ImRect plots = rect_of("Losses");
  plots.Add(rect_of(bottom_right));
  view.set_panel_rect(RecordRegion::kSamples, {s.Min.x, s.Min.y, s.Max.x, s.Max.y});
  view.set_panel_rect(RecordRegion::kPlots, {plots.Min.x, plots.Min.y, plots.Max.x, plots.Max.y});
}

double history_marker_step(View& view) {
  const HistoryUi& h = view.history();
  if (h.live || h.history.empty()) return -1.0;
  const std::size_t i = std::min<std::size_t>(std::max(h.index, 0), h.history.size() - 1);
  return double(h.history.at(i).step);
}

GridTiles grid_tiles(int width, int height, int cols, int rows, int pad) {
  GridTiles g;
  g.width = width, g.height = height, g.pad = static_cast<float>(pad);
  if (cols > 0) {
    g.cols = cols;
    g.tile = std::max(1.0f, float(width - (cols + 1) * pad) / cols);
    g.rows = std::max(1, static_cast<int>(std::lround((height - pad) / (g.tile + pad))));
  } else {
    g.rows = std::max(rows, 1);
    g.tile = std::max(1.0f, float(height - (g.rows + 1) * pad) / g.rows);
    g.cols = std::max(1, static_cast<int>(std::lround((width - pad) / (g.tile + pad))));
  }
  return g;
}

int GridTiles::tile_at(ImVec2 p, const ImRect& rect) const {
  if (!rect.Contains(p) || width <= 0 || height <= 0) return -1;
  const float x = (p.x - rect.Min.x) / rect.GetWidth() * width - 0.5f * pad;
  const float y = (p.y - rect.Min.y) / rect.GetHeight() * height - 0.5f * pad;
  const int col = std::clamp(static_cast<int>(x / (tile + pad)), 0, cols - 1);
  const int row = std::clamp(static_cast<int>(y / (tile + pad)), 0, rows - 1);
  return row * cols + col;
}

void GridTiles::uv(int index, ImVec2& uv0, ImVec2& uv1) const {
  const float x = pad + (index % cols) * (tile + pad), y = pad + (index / cols) * (tile + pad);
  uv0 = ImVec2(x / width, y / height);
  uv1 = ImVec2((x + tile) / width, (y + tile) / height);
}

ImRect GridTiles::screen_rect(int index, const ImRect& rect) const {
  ImVec2 uv0, uv1;
  uv(index, uv0, uv1);
  const ImVec2 size = rect.GetSize();
  return ImRect(ImVec2(rect.Min.x + uv0.x * size.x, rect.Min.y + uv0.y * size.y),
                ImVec2(rect.Min.x + uv1.x * size.x, rect.Min.y + uv1.y * size.y));
}

ImRect image_fit(const char* id, const Texture& texture, ImVec2 avail, float max_scale) {
  if (texture.width() == 0 || texture.height() == 0) return ImRect();
  const float fit = std::min(avail.x / texture.width(), avail.y / texture.height());
  const float scale = std::clamp(fit, 0.25f, max_scale);
  const ImVec2 size(texture.width() * scale, texture.height() * scale);
  ImGui::InvisibleButton(id, size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const ImRect rect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  ImGui::GetWindowDrawList()->AddImage(texture_id(texture), rect.Min, rect.Max);
  return rect;
}

float shared_item_width(const char* const* labels, int count, float extra) {
  const ImGuiStyle& style = ImGui::GetStyle();
  float taken = extra + style.ItemSpacing.x * (count - 1);
  for (int i = 0; i < count; ++i)
    taken += ImGui::CalcTextSize(labels[i]).x + style.ItemInnerSpacing.x;
  return std::max(40.0f, (ImGui::GetContentRegionAvail().x - taken) / std::max(count, 1));
}

void live_param_widget(View& view, ParamId id, ParamValue& edit, std::string& text_buffer) {
  const ParamSpec& spec = param_spec(id);
  ImGui::PushID(static_cast<int>(id));
  if (!ImGui::IsAnyItemActive()) {
    edit = view.snapshot().pending.value(id);
    text_buffer = edit.text;
  }
  if (param_widget(spec, edit, text_buffer)) view.send(Command::set(id, edit));
  ImGui::PopID();
}

}  // namespace genscope
