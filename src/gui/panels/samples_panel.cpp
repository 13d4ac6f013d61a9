#include <algorithm>
#include <cmath>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "util/strings.h"

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

// The training images nearest to the sample grid's tiles, shown beside a hovered tile.
struct NearestTiles {
  const TextureRef* texture = nullptr;
  const Snapshot* snapshot = nullptr;
};

// Beside a magnified tile: its nearest training image and their distance.
void nearest_tooltip(const NearestTiles& near, int tile, ImVec2 size, ImVec2 uv0, ImVec2 uv1) {
  const Snapshot& s = *near.snapshot;
  if (tile >= int(s.nearest_distance.size()) || near.texture->width() == 0) return;
  ImGui::SameLine();
  ImGui::Image(texture_id(*near.texture), size, uv0, uv1);
  probe_item("nearest image");
  ImGui::Text("right: the nearest training image (step %lld), %.1f / 255 apart (RMS)",
              static_cast<long long>(s.nearest_step), s.nearest_distance[size_t(tile)]);
  ImGui::TextDisabled("real images are %.1f from their nearest other one: a copy is far closer",
                      s.real_nearest);
}

// Draws a grid texture at the largest scale that fits (nearest filtering keeps pixels sharp);
// hovering magnifies the tile under the mouse (with `near`, beside its nearest training image).
// Returns the clicked tile, if any.
TileClick draw_grid(const char* title, const TextureRef& texture, bool has_image, ImVec2 avail,
                    int64_t step, GridTiles& tiles, ImRect& rect, const NearestTiles& near = {}) {
  TileClick click;
  ImGui::BeginGroup();
  // The title and its step fit the grid's column (cut to fit, the whole title on hover).
  const std::string step_text = step >= 0 ? strformat("step %lld", static_cast<long long>(step)) : "";
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float step_w = step_text.empty() ? 0.0f : ImGui::CalcTextSize(step_text.c_str()).x + spacing;
  const bool with_step = !step_text.empty() && step_w < 0.5f * avail.x;
  ImGui::TextUnformatted(fit_text(title, avail.x - (with_step ? step_w : 0.0f)).c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", title);
  if (with_step) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", step_text.c_str());
  }
  if (!has_image || texture.width() == 0) {
    ImGui::TextDisabled("waiting for the first snapshot");
    ImGui::EndGroup();
    return click;
  }
  avail.y -= ImGui::GetTextLineHeightWithSpacing();
  tiles = grid_tiles(texture.width(), texture.height(), kGridCols);
  rect = image_fit(title, texture, avail);
  probe_item(title);
  const int tile = tiles.tile_at(ImGui::GetIO().MousePos, rect);
  if (ImGui::IsItemHovered() && tile >= 0) {
    ImVec2 uv0, uv1;
    tiles.uv(tile, uv0, uv1);
    ImGui::BeginTooltip();
    const ImVec2 size(ui_px(28 * 6), ui_px(28 * 6));
    ImGui::Image(texture_id(texture), size, uv0, uv1);
    if (near.texture) nearest_tooltip(near, tile, size, uv0, uv1);
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

std::string megabytes(std::size_t bytes) { return strformat("%.1f MB", bytes / 1048576.0); }

// The history slider's text: what is kept (live; shortened when the slider is narrow) or the
// step shown.
std::string history_label(const HistoryUi& h, int index, float slider_w) {
  const SampleHistory& kept = h.history;
  const int count = int(kept.size());
  std::string label =
      h.live ? strformat("live: %d kept, %s of %s", count, megabytes(kept.bytes()).c_str(),
                         megabytes(kept.cap_bytes()).c_str())
             : strformat("step %lld", static_cast<long long>(kept.at(index).step));
  if (h.live &&
      ImGui::CalcTextSize(label.c_str()).x > slider_w - 2 * ImGui::GetStyle().FramePadding.x) {
    label = strformat("live: %d kept", count);  // the rest is in the tooltip
  }
  return label;
}

void history_tooltip(const SampleHistory& kept) {
  const int count = int(kept.size());
  ImGui::SetTooltip(
      "%d grids kept, one every %lld steps%s\n%s of the %s cap; the oldest are "
      "thinned first.\nDrag to scrub back (the plots mark the step); \"go live\" follows "
      "training again.",
      count, static_cast<long long>(kept.every_steps()),
      kept.thinned() > 0
          ? strformat(" (%lld thinned)", static_cast<long long>(kept.thinned())).c_str()
          : "",
      megabytes(kept.bytes()).c_str(), megabytes(kept.cap_bytes()).c_str());
}

// "export...": the file and its fps, how often a grid is kept and the memory cap, Export and
// the last export's message.
void draw_export_popup(View& view, HistoryUi& h) {
  if (!ImGui::BeginPopup("export_history")) return;
  char path[512];
  std::snprintf(path, sizeof path, "%s", h.export_path.c_str());
  ImGui::SetNextItemWidth(ui_px(260));
  if (ImGui::InputText("file (.mp4 or .gif)", path, sizeof path)) h.export_path = path;
  ImGui::SetNextItemWidth(ui_px(120));
  ImGui::SliderInt("fps", &h.export_fps, 1, 60);
  ImGui::Separator();
  int every = int(h.history.every_steps());
  ImGui::SetNextItemWidth(ui_px(120));
  if (ImGui::InputInt("keep a grid every K steps", &every)) {
    h.history.set_every_steps(std::clamp(every, 1, 1000000));
  }
  int cap_mb = int(h.history.cap_bytes() >> 20);
  ImGui::SetNextItemWidth(ui_px(120));
  if (ImGui::InputInt("memory cap (MB)", &cap_mb, 16, 128)) {
    h.history.set_cap_bytes(std::size_t(std::clamp(cap_mb, 1, 16384)) << 20);
  }
  ImGui::BeginDisabled(h.exporting);
  if (ImGui::Button(h.exporting ? "exporting..." : "Export")) {
    view.ask(AppRequest::kExportHistory);
  }
  ImGui::EndDisabled();
  if (!h.message.empty()) {
    ImGui::TextColored(h.message_is_error ? ImVec4(1.0f, 0.35f, 0.3f, 1.0f)
                                          : ImVec4(0.7f, 0.8f, 0.9f, 1.0f),
                       "%s", h.message.c_str());
  }
  ImGui::EndPopup();
}

// The metrics at the scrubbed step, from the plotted series.
void draw_scrubbed_metrics(View& view, int64_t step) {
  std::string line;
  if (view.has_snapshot()) {
    for (const std::string& name : view.snapshot().metric_names) {
      const MetricSeries* s = view.series(name);
      if (!s || s->size() == 0) continue;
      const std::size_t i = s->nearest(double(step));
      if (i >= s->size()) continue;
      line += strformat("%s%s %.3g", line.empty() ? "" : "  ", name.c_str(), s->raw(i));
      if (line.size() > 90) break;
    }
  }
  ImGui::TextDisabled("at step %lld: %s", static_cast<long long>(step), line.c_str());
}

}  // namespace

void SamplesPanel::draw_history(View& view) {
  HistoryUi& h = view.history();
  const SampleHistory& kept = h.history;
  const int count = int(kept.size());
  ImGui::TextDisabled("history");
  ImGui::SameLine();
  if (count == 0) {
    ImGui::TextDisabled("(a grid is kept every %lld steps)",
                        static_cast<long long>(kept.every_steps()));
    return;
  }
  int index = h.live ? count - 1 : std::clamp(h.index, 0, count - 1);
  const char* live_label = h.live ? "live" : "go live";
  const char* export_label = "export...";
  const float buttons = ImGui::CalcTextSize(live_label).x + ImGui::CalcTextSize(export_label).x +
                        ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x * 2;
  const float slider_w = std::max(ui_px(60), ImGui::GetContentRegionAvail().x - buttons);
  ImGui::SetNextItemWidth(slider_w);
  // The label is the slider's format: no conversions in it.
  const std::string label = escape_percent(history_label(h, index, slider_w));
  if (ImGui::SliderInt("##history", &index, 0, count - 1, label.c_str())) {
    h.index = index;
    h.live = index == count - 1 && h.live;
    if (index != count - 1) h.live = false;
  }
  if (ImGui::IsItemHovered()) history_tooltip(kept);
  ImGui::SameLine();
  ImGui::BeginDisabled(h.live);
  if (ImGui::SmallButton(live_label)) h.live = true;
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::SmallButton(export_label)) ImGui::OpenPopup("export_history");
  draw_export_popup(view, h);
  if (!h.live) draw_scrubbed_metrics(view, kept.at(index).step);
}

// With g_ema on: whether the samples come from G's moving average or from G itself.
void SamplesPanel::draw_ema_toggle(View& view) {
  const Params& p = view.snapshot().params;
  if (p.number(ParamId::kGEma) <= 0.0) return;
  sync_edit(p.value(ParamId::kEmaSamples), view.snapshot().commands_done, ema_edit);
  bool ema = ema_edit.value.number != 0.0;  // choice 1: "ema"
  flow_next(checkbox_width("EMA of G"));
  if (ImGui::Checkbox("EMA of G", &ema)) {
    ema_edit.value = ParamValue{ema ? 1.0 : 0.0, ""};
    param_sent(ema_edit, view.send(Command::set(ParamId::kEmaSamples, ema_edit.value)));
  }
  probe_item("EMA of G");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Samples, latent tools and quality metrics from the moving average of G's "
                      "weights (g_ema = %.4g),\nor, unticked, from G as it trains.",
                      p.number(ParamId::kGEma));
  }
}

// The row above the grids: real images or reconstructions beside, what clicks set, EMA of G.
void SamplesPanel::draw_options(View& view, bool gan) {
  const char* beside = gan ? "real images beside" : "reconstructions beside";
  ImGui::Checkbox(beside, &show_real);
  probe_item("beside");
  flow_next(ImGui::CalcTextSize("clicks set:").x);
  ImGui::TextDisabled("clicks set:");
  flow_next(checkbox_width("interp A/B"));
  if (ImGui::RadioButton("interp A/B", !clicks_set_base)) clicks_set_base = false;
  probe_item("interp A/B");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Left click: endpoint A, right click: endpoint B.");
  flow_next(checkbox_width("traversal base"));
  if (ImGui::RadioButton("traversal base", clicks_set_base)) clicks_set_base = true;
  probe_item("traversal base");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A left click sets the traversal's base code.");
  if (gan && view.has_snapshot()) draw_ema_toggle(view);
}

void SamplesPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Samples", area)) return;
  const bool gan = !view.has_snapshot() || view.snapshot().is_gan;
  draw_options(view, gan);
  if (view.has_snapshot() && !view.snapshot().running) {
    const Snapshot& snap = view.snapshot();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(snap.message_level == MessageLevel::kError ? ImVec4(1.0f, 0.35f, 0.3f, 1.0f)
                                                                  : ImVec4(0.7f, 0.8f, 0.9f, 1.0f),
                       "%s", snap.message.empty() ? "starting..." : snap.message.c_str());
    if (!snap.run_dir.empty()) {  // a run that could not start (not a viewer still connecting)
      ImGui::TextDisabled("Fix what it names (in Controls, or on the command line) and press Reset.");
    }
    ImGui::PopTextWrapPos();
    ImGui::End();
    return;
  }
  draw_history(view);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool has_snapshot = view.has_snapshot();
  HistoryUi& hist = view.history();
  const bool scrubbing = !hist.live && !hist.history.empty();
  if (has_snapshot && view.snapshot().fork.size() > 1 && !scrubbing) {
    draw_fork(view, avail);
    ImGui::End();
    return;
  }
  if (scrubbing) hist.index = std::clamp<int>(hist.index, 0, int(hist.history.size()) - 1);
  const int64_t step = scrubbing            ? hist.history.at(hist.index).step
                       : has_snapshot ? view.snapshot().samples_step
                                      : -1;
  const char* title = scrubbing ? (gan ? "Generated (history)" : "Decoded prior (history)")
                      : gan     ? "Generated (fixed noise)"
                                : "Decoded prior (fixed z)";
  const float spacing = ImGui::GetStyle().ItemSpacing.x * 2;
  const float width = show_real ? (avail.x - spacing) / 2.0f : avail.x;
  const float right_x = ImGui::GetCursorPosX() + width + spacing;  // a long title cannot push it
  GridTiles tiles;
  ImRect rect;
  const bool has_samples = has_snapshot && !view.snapshot().samples.empty();
  const TextureRef& grid = scrubbing ? view.history_texture(hist.index) : view.samples_texture();
  NearestTiles near;
  if (!scrubbing && has_snapshot && !view.snapshot().nearest.empty()) {
    near.texture = &view.nearest_texture();
    near.snapshot = &view.snapshot();
  }
  TileClick click =
      draw_grid(title, grid, has_samples, ImVec2(width, avail.y), step, tiles, rect, near);
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
