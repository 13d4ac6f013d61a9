#include <algorithm>
#include <cmath>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr int kMaxPickedDims = 32;  // the dims picker offers the first 32 dimensions
constexpr int kMaxSliders = 16;     // the explorer shows sliders for the first 16
constexpr int kAutoDims = 8;        // unticking "auto" starts from the first 8
constexpr int kFixedSamples = 64;   // the fixed noise batch behind the sample grid
constexpr ImU32 kHighlight = IM_COL32(255, 200, 60, 255);

std::string describe(const LatentSource& s) {
  switch (s.kind) {
    case LatentSource::Kind::kSample:
      return strformat("sample %lld", static_cast<long long>(s.index));
    case LatentSource::Kind::kTestImage:
      return strformat("test image %lld", static_cast<long long>(s.index));
    case LatentSource::Kind::kRandom:
      return strformat("random (seed %lld)", static_cast<long long>(s.index));
  }
  return "";
}

// Shows `label` disabled-gray when the snapshot has no image yet; returns false then.
bool have_image(const ImageRGBA& image, const char* what) {
  if (!image.empty()) return true;
  ImGui::TextDisabled("waiting for the %s", what);
  return false;
}

// Two parameter widgets on one line when each gets a usable width, else one per line.
void param_pair(View& view, ParamId a, ParamId b, std::array<ParamEdit, kParamCount>& edits) {
  const char* labels[] = {param_spec(a).key, param_spec(b).key};
  const float shared = shared_item_width(labels, 2);
  if (shared >= ui_px(70)) {
    ImGui::PushItemWidth(shared);
    live_param_widget(view, a, edits[int(a)]);
    ImGui::SameLine();
    live_param_widget(view, b, edits[int(b)]);
    ImGui::PopItemWidth();
    return;
  }
  for (ParamId id : {a, b}) {
    const float label = ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(param_spec(id).key).x;
    ImGui::SetNextItemWidth(std::max(ui_px(40), ImGui::GetContentRegionAvail().x - label));
    live_param_widget(view, id, edits[int(id)]);
  }
}

bool tab(LatentPanel& panel, const char* label, int index) {
  const ImGuiTabItemFlags flags = panel.open_tab == index ? ImGuiTabItemFlags_SetSelected : 0;
  return ImGui::BeginTabItem(label, nullptr, flags);
}

// The traversal's base code: a sample, a test image (VAE/AE) or a random code, and its index
// or seed.
void draw_traversal_base(View& view, const Snapshot& snap, LatentSelection& sel) {
  int kind = static_cast<int>(sel.traversal_base.kind);
  int index = static_cast<int>(sel.traversal_base.index);
  bool changed = false;
  ImGui::TextDisabled("base");
  flow_next(checkbox_width("sample"));
  changed |= ImGui::RadioButton("sample", &kind, int(LatentSource::Kind::kSample));
  if (!snap.is_gan) {
    flow_next(checkbox_width("test image"));
    changed |= ImGui::RadioButton("test image", &kind, int(LatentSource::Kind::kTestImage));
  }
  flow_next(checkbox_width("random"));
  changed |= ImGui::RadioButton("random", &kind, int(LatentSource::Kind::kRandom));
  const char* index_label = kind == int(LatentSource::Kind::kRandom) ? "seed" : "index";
  flow_next(ui_px(90) + checkbox_width(index_label));
  ImGui::SetNextItemWidth(ui_px(90));
  changed |= ImGui::InputInt(index_label, &index);
  if (changed) {
    index = std::max(
        0, kind == int(LatentSource::Kind::kSample) ? std::min(index, kFixedSamples - 1) : index);
    sel.traversal_base = {static_cast<LatentSource::Kind>(kind), index};
    view.send_latent();
  }
}

// The popup that picks the traversed dimensions (at least one stays picked).
void draw_dims_popup(View& view, LatentSelection& sel, int dim) {
  if (!ImGui::BeginPopup("##dims")) return;
  ImGui::TextDisabled("rows to traverse (the trainer draws at most 16)");
  for (int d = 0; d < std::min(dim, kMaxPickedDims); ++d) {
    auto it = std::find(sel.traversal_dims.begin(), sel.traversal_dims.end(), d);
    bool on = it != sel.traversal_dims.end();
    if (ImGui::Checkbox(strformat("z%d", d).c_str(), &on)) {
      if (on) {
        sel.traversal_dims.insert(
            std::upper_bound(sel.traversal_dims.begin(), sel.traversal_dims.end(), d), d);
      } else if (sel.traversal_dims.size() > 1) {
        sel.traversal_dims.erase(it);
      }
      view.send_latent();
    }
    if (d % 8 != 7) ImGui::SameLine();
  }
  ImGui::EndPopup();
}

// Which dimensions are traversed: automatic ones, or those picked; a GAN's random directions.
void draw_traversal_dims(View& view, const Snapshot& snap, LatentSelection& sel) {
  const int dim = snap.latent.latent_dim;
  bool auto_dims = sel.traversal_dims.empty();
  if (ImGui::Checkbox("auto dims", &auto_dims)) {
    sel.traversal_dims.clear();
    for (int d = 0; !auto_dims && d < std::min(dim, kAutoDims); ++d)
      sel.traversal_dims.push_back(d);
    view.send_latent();
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(snap.is_gan ? "GAN: the first %d dims, or random directions."
                                  : "VAE: the %d dims with the most KL (the ones in use).",
                      kAutoDims);
  }
  if (snap.is_gan) {
    flow_next(checkbox_width("random directions"));
    if (ImGui::Checkbox("random directions", &sel.gan_random_directions)) view.send_latent();
  }
  if (!auto_dims) {
    flow_next(button_width("dims..."));
    if (ImGui::Button("dims...")) ImGui::OpenPopup("##dims");
    draw_dims_popup(view, sel, dim);
  }
}

// The hovered traversal tile, magnified, and the code it shows.
void traversal_tooltip(const Snapshot& snap, const TextureRef& texture, const GridTiles& tiles,
                       int tile) {
  const LatentViews& latent = snap.latent;
  const double range = snap.params.number(ParamId::kTraversalRange);
  const int col = tile % tiles.cols, row = tile / tiles.cols;
  const double value = tiles.cols > 1 ? -range + 2.0 * range * col / (tiles.cols - 1) : 0.0;
  ImVec2 uv0, uv1;
  tiles.uv(tile, uv0, uv1);
  ImGui::BeginTooltip();
  ImGui::Image(texture_id(texture), ImVec2(ui_px(28 * 5), ui_px(28 * 5)), uv0, uv1);
  const std::string& label =
      row < int(latent.traversal_rows.size()) ? latent.traversal_rows[row] : "";
  if (label.rfind("dir", 0) == 0) {
    ImGui::Text("base %+.2f * %s", value, label.c_str());
  } else {
    ImGui::Text("%s = %+.2f, other dims from the base", label.c_str(), value);
  }
  ImGui::EndTooltip();
}

// The traversal grid with a label per row, scrolling when it does not fit at its pixels.
void draw_traversal_grid(View& view, const Snapshot& snap) {
  const LatentViews& latent = snap.latent;
  if (!have_image(latent.traversal, "first traversal")) return;
  const TextureRef& texture = view.traversal_texture();
  const int rows = std::max<int>(1, static_cast<int>(latent.traversal_rows.size()));
  const GridTiles tiles = grid_tiles(texture.width(), texture.height(), 0, rows);
  float label_width = 0.0f;
  for (const auto& label : latent.traversal_rows)
    label_width = std::max(label_width, ImGui::CalcTextSize(label.c_str()).x);
  label_width += 6.0f;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  // Tiles are never drawn smaller than their pixels: when the grid does not fit, it scrolls.
  const float fit = std::min((avail.x - label_width) / float(std::max(1, texture.width())),
                             avail.y / float(std::max(1, texture.height())));
  const bool scroll = fit < 1.0f;
  if (scroll) {
    ImGui::BeginChild("##traversal_scroll", avail, false, ImGuiWindowFlags_HorizontalScrollbar);
    avail = ImVec2(label_width + texture.width(), float(texture.height()));
  }
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + label_width);
  const ImRect rect = image_fit("##traversal", texture, ImVec2(avail.x - label_width, avail.y));
  probe_item("traversal");
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int r = 0; r < static_cast<int>(latent.traversal_rows.size()) && r < tiles.rows; ++r) {
    const ImRect row = tiles.screen_rect(r * tiles.cols, rect);
    const char* label = latent.traversal_rows[r].c_str();
    const ImVec2 size = ImGui::CalcTextSize(label);
    draw->AddText(ImVec2(rect.Min.x - size.x - 4.0f, 0.5f * (row.Min.y + row.Max.y - size.y)),
                  ImGui::GetColorU32(ImGuiCol_Text), label);
  }
  const int tile = tiles.tile_at(ImGui::GetIO().MousePos, rect);
  if (ImGui::IsItemHovered() && tile >= 0) traversal_tooltip(snap, texture, tiles, tile);
  if (scroll) ImGui::EndChild();
}

void draw_traversal(LatentPanel& panel, View& view) {
  const Snapshot& snap = view.snapshot();
  LatentSelection& sel = view.latent_selection();
  param_pair(view, ParamId::kTraversalRange, ParamId::kTraversalSteps, panel.edits);
  draw_traversal_base(view, snap, sel);
  draw_traversal_dims(view, snap, sel);
  draw_traversal_grid(view, snap);
}

void draw_interpolation(LatentPanel& panel, View& view) {
  LatentSelection& sel = view.latent_selection();
  const std::string a = "A: " + describe(sel.interp_a), b = "B: " + describe(sel.interp_b);
  ImGui::TextUnformatted(a.c_str());
  flow_next(ImGui::CalcTextSize(b.c_str()).x);
  ImGui::TextUnformatted(b.c_str());
  flow_next(button_width("swap"));
  if (ImGui::SmallButton("swap")) {
    std::swap(sel.interp_a, sel.interp_b);
    view.send_latent();
  }
  param_pair(view, ParamId::kInterpMode, ParamId::kInterpSteps, panel.edits);
  ImGui::Checkbox("play", &panel.playing);
  probe_item("play");
  flow_next(ui_px(100) + checkbox_width("fps"));
  ImGui::SetNextItemWidth(ui_px(100));
  ImGui::SliderFloat("fps", &panel.play_fps, 1.0f, 30.0f, "%.0f");
  probe_item("fps", ui_px(100));
  flow_next(ImGui::CalcTextSize("endpoints: click Samples tiles").x);
  ImGui::TextDisabled("endpoints: click Samples tiles");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Left click sets A, right click sets B.");

  const ImageRGBA& strip = view.snapshot().latent.interpolation;
  if (!have_image(strip, "first interpolation")) return;
  const TextureRef& texture = view.interpolation_texture();
  const GridTiles tiles = grid_tiles(texture.width(), texture.height(), 0, 1);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImRect rect = image_fit("##strip", texture, ImVec2(avail.x, avail.y * 0.3f));
  int current = ImGui::IsItemHovered() ? tiles.tile_at(ImGui::GetIO().MousePos, rect) : -1;
  if (panel.playing) {
    panel.play_time += ImGui::GetIO().DeltaTime;
    const int n = tiles.cols, period = std::max(1, 2 * n - 2);  // ping-pong A -> B -> A
    const int k = static_cast<int>(panel.play_time * panel.play_fps) % period;
    current = k < n ? k : period - k;
    view.request_redraw();
  }
  if (current < 0) current = 0;
  const ImRect r = tiles.screen_rect(current, rect);
  ImGui::GetWindowDrawList()->AddRect(r.Min, r.Max, kHighlight, 0.0f, 0, 2.0f);
  ImVec2 uv0, uv1;
  tiles.uv(current, uv0, uv1);
  const float side = std::max(
      28.0f, std::min(ImGui::GetContentRegionAvail().x * 0.5f, ImGui::GetContentRegionAvail().y - 4));
  ImGui::Image(texture_id(texture), ImVec2(side, side), uv0, uv1);
  ImGui::SameLine();
  ImGui::TextDisabled("t = %.2f", tiles.cols > 1 ? float(current) / (tiles.cols - 1) : 0.0f);
}

void draw_explorer(LatentPanel& panel, View& view) {
  const Snapshot& snap = view.snapshot();
  LatentSelection& sel = view.latent_selection();
  const int dim = snap.latent.latent_dim;
  if (dim <= 0) {
    ImGui::TextDisabled("waiting for the model's latent size");
    return;
  }
  if (static_cast<int>(sel.explorer_z.size()) != dim) sel.explorer_z.assign(dim, 0.0f);
  if (ImGui::Button("Randomize")) {
    std::normal_distribution<float> normal;
    for (float& z : sel.explorer_z) z = normal(panel.rng);
    view.send_latent();
  }
  probe_item("Randomize");
  flow_next(button_width("Reset to zero"));
  if (ImGui::Button("Reset to zero")) {
    std::fill(sel.explorer_z.begin(), sel.explorer_z.end(), 0.0f);
    view.send_latent();
  }
  probe_item("Reset to zero");
  if (dim > kMaxSliders) {
    const std::string note = strformat("first %d of %d dims", kMaxSliders, dim);
    flow_next(ImGui::CalcTextSize(note.c_str()).x);
    ImGui::TextDisabled("%s", note.c_str());
  }
  const float range = static_cast<float>(snap.params.number(ParamId::kTraversalRange));
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float slider_width = std::min(avail.x * 0.45f, ui_px(260));
  ImGui::BeginChild("##sliders", ImVec2(slider_width, avail.y), false);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width = slider_width - ImGui::CalcTextSize("z15").x - style.ItemInnerSpacing.x -
                      style.ScrollbarSize - 2.0f;
  ImGui::PushItemWidth(width);
  for (int d = 0; d < std::min(dim, kMaxSliders); ++d) {
    const std::string name = strformat("z%d", d);
    if (ImGui::SliderFloat(name.c_str(), &sel.explorer_z[d], -range, range, "%.2f"))
      view.send_latent();
    probe_item(name, width);
  }
  ImGui::PopItemWidth();
  ImGui::EndChild();
  ImGui::SameLine();
  if (have_image(snap.latent.explorer, "decoded image")) {
    image_fit("##explorer", view.explorer_texture(), ImGui::GetContentRegionAvail());
  }
}

}  // namespace

void LatentPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Latent", area)) return;
  if (!view.has_snapshot() || !view.snapshot().running) {
    ImGui::TextDisabled("waiting for the model");
    ImGui::End();
    return;
  }
  bool interpolating = false;
  if (ImGui::BeginTabBar("##latent_tabs")) {
    if (tab(*this, "Traversal", 0)) {
      draw_traversal(*this, view);
      ImGui::EndTabItem();
    }
    if (tab(*this, "Interpolation", 1)) {
      interpolating = true;
      draw_interpolation(*this, view);
      ImGui::EndTabItem();
    }
    if (tab(*this, "Explorer", 2)) {
      draw_explorer(*this, view);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  open_tab = -1;
  if (!interpolating) play_time = 0.0f;
  ImGui::End();
}

}  // namespace genscope
