#include <algorithm>
#include <cmath>

#include "gui/panels/panels.h"

namespace genscope {
namespace {

constexpr int kGridCols = 8;

// A tile the user clicked, and with which button.
struct TileClick {
  int tile = -1;
  bool right = false;
};

// Marks tile `index` of the grid at `rect` with a short tag ("A", "B", "T") in its corner.
void tag_tile(const GridTiles& tiles, const ImRect& rect, int index, const char* tag, ImU32 color) {
  if (index < 0 || index >= tiles.cols * tiles.rows) return;
  const ImRect r = tiles.screen_rect(index, rect);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 text = ImGui::CalcTextSize(tag);
  draw->AddRect(r.Min, r.Max, color, 0.0f, 0, 2.0f);
  draw->AddRectFilled(r.Min, ImVec2(r.Min.x + text.x + 4, r.Min.y + text.y), color);
  draw->AddText(ImVec2(r.Min.x + 2, r.Min.y), IM_COL32(0, 0, 0, 255), tag);
}

// Draws a grid texture at the largest scale that fits (nearest filtering keeps pixels sharp);
// hovering magnifies the tile under the mouse. Returns the clicked tile, if any.
TileClick draw_grid(const char* title, const Texture& texture, bool has_image, ImVec2 avail,
                    int64_t step, GridTiles& tiles, ImRect& rect) {
  TileClick click;
  ImGui::BeginGroup();
  ImGui::TextUnformatted(title);
  if (step >= 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("step %lld", static_cast<long long>(step));
  }
  if (!has_image || texture.width() == 0) {
    ImGui::TextDisabled("waiting for the first snapshot");
    ImGui::EndGroup();
    return click;
  }
  avail.y -= ImGui::GetTextLineHeightWithSpacing();
  tiles = grid_tiles(texture.width(), texture.height(), kGridCols);
  rect = image_fit(title, texture, avail);
  const int tile = tiles.tile_at(ImGui::GetIO().MousePos, rect);
  if (ImGui::IsItemHovered() && tile >= 0) {
    ImVec2 uv0, uv1;
    tiles.uv(tile, uv0, uv1);
    ImGui::BeginTooltip();
    ImGui::Image(texture_id(texture), ImVec2(28 * 6, 28 * 6), uv0, uv1);
    ImGui::EndTooltip();
    if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) click.tile = tile;
    if (ImGui::IsItemClicked(ImGuiMouseButton_Right)) click.tile = tile, click.right = true;
  }
  ImGui::EndGroup();
  return click;
}

// Applies a click on a grid whose tiles are latent sources of `kind` (index from the tile).
void pick(View& view, const TileClick& click, LatentSource source, bool sets_base) {
  if (click.tile < 0) return;
  LatentSelection& selection = view.latent_selection();
  if (sets_base) {
    if (click.right) return;
    selection.traversal_base = source;
  } else {
    (click.right ? selection.interp_b : selection.interp_a) = source;
  }
  view.send_latent();
}

// Tags the grid's tiles that are the selection's interpolation endpoints or traversal base;
// `tile_of` maps a source index to its tile (-1: not in this grid).
template <class TileOf>
void tag_selection(View& view, const GridTiles& tiles, const ImRect& rect, LatentSource::Kind kind,
                   TileOf tile_of) {
  const LatentSelection& selection = view.latent_selection();
  const auto tile = [&](const LatentSource& s) { return s.kind == kind ? tile_of(s.index) : -1; };
  tag_tile(tiles, rect, tile(selection.traversal_base), "T", IM_COL32(120, 220, 120, 255));
  tag_tile(tiles, rect, tile(selection.interp_a), "A", IM_COL32(255, 200, 60, 255));
  tag_tile(tiles, rect, tile(selection.interp_b), "B", IM_COL32(90, 200, 255, 255));
}

}  // namespace

void SamplesPanel::draw(View& view, const ImRect& area) {
  if (!begin_panel("Samples", area)) return;
  const bool gan = !view.has_snapshot() || view.snapshot().is_gan;
  ImGui::Checkbox(gan ? "real images beside" : "reconstructions beside", &show_real);
  ImGui::SameLine(0, 16);
  ImGui::TextDisabled("clicks set:");
  ImGui::SameLine();
  if (ImGui::RadioButton("interp A/B", !clicks_set_base)) clicks_set_base = false;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Left click: endpoint A, right click: endpoint B.");
  ImGui::SameLine();
  if (ImGui::RadioButton("traversal base", clicks_set_base)) clicks_set_base = true;
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
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool has_snapshot = view.has_snapshot();
  const int64_t step = has_snapshot ? view.snapshot().samples_step : -1;
  const char* title = gan ? "Generated (fixed noise)" : "Decoded prior (fixed z)";
  const float spacing = ImGui::GetStyle().ItemSpacing.x * 3;
  const float width = show_real ? (avail.x - spacing) / 2.0f : avail.x;
  const float right_x = ImGui::GetCursorPosX() + width + spacing;  // a long title cannot push it
  GridTiles tiles;
  ImRect rect;
  const bool has_samples = has_snapshot && !view.snapshot().samples.empty();
  TileClick click = draw_grid(title, view.samples_texture(), has_samples, ImVec2(width, avail.y),
                              step, tiles, rect);
  const auto same = [](int64_t index) { return index < kGridCols * kGridCols ? int(index) : -1; };
  if (has_samples) tag_selection(view, tiles, rect, LatentSource::Kind::kSample, same);
  pick(view, click, {LatentSource::Kind::kSample, click.tile}, clicks_set_base);
  if (!show_real) {
    ImGui::End();
    return;
  }
  ImGui::SameLine(right_x);
  if (gan) {
    draw_grid("Real", view.real_texture(), has_snapshot && !view.snapshot().real.empty(),
              ImVec2(width, avail.y), -1, tiles, rect);
    ImGui::End();
    return;
  }
  // Rows alternate test images and their reconstructions: tile (row, col) shows test image
  // (row / 2) * 8 + col.
  const bool has_recon = has_snapshot && !view.snapshot().latent.reconstructions.empty();
  click = draw_grid("Test images / reconstructions", view.reconstructions_texture(), has_recon,
                    ImVec2(width, avail.y), -1, tiles, rect);
  const auto test_tile = [&](int64_t index) {
    const int64_t tile = (index / kGridCols) * 2 * kGridCols + index % kGridCols;
    return tile < tiles.cols * tiles.rows ? int(tile) : -1;
  };
  if (has_recon) tag_selection(view, tiles, rect, LatentSource::Kind::kTestImage, test_tile);
  const int64_t test_index = (click.tile / kGridCols / 2) * kGridCols + click.tile % kGridCols;
  pick(view, click, {LatentSource::Kind::kTestImage, test_index}, clicks_set_base);
  ImGui::End();
}

}  // namespace genscope
