// Text models' Inside panel (the recurrent models' hidden units over a validation passage, units
// ranked by the features they follow; the Transformer's attention per layer and head) and the
// Embeddings panel (the character embeddings on their first two principal components).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "util/strings.h"

namespace genscope {
namespace {

ImU32 im_color(const std::array<uint8_t, 4>& c, int alpha) { return IM_COL32(c[0], c[1], c[2], alpha); }

// A character as the tooltips quote it, by its id.
std::string char_label(const std::vector<std::string>& vocab, uint16_t id) {
  return quoted_char(id < vocab.size() ? vocab[id] : "?");
}

// The passage as tinted characters (no tint yet), each reporting its position.
std::vector<TintedChar> passage_chars(const TextInside& inside, const std::vector<std::string>& vocab) {
  std::vector<TintedChar> out;
  out.reserve(inside.positions());
  for (std::size_t t = 0; t < inside.positions(); ++t) {
    const uint16_t id = inside.passage[t];
    out.push_back({id < vocab.size() ? vocab[id] : "?", 0, 0, static_cast<int>(t)});
  }
  return out;
}

// An image stretched to `size`, and the texel under the mouse (-1, -1 when not hovered).
ImRect draw_stretched(const char* id, const TextureRef& texture, ImVec2 size, int& col, int& row) {
  col = row = -1;
  ImGui::InvisibleButton(id, size);
  probe_item(id);
  const ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (texture.width() == 0) return r;
  ImGui::GetWindowDrawList()->AddImage(texture_id(texture), r.Min, r.Max);
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    col = std::clamp(static_cast<int>((m.x - r.Min.x) / r.GetWidth() * texture.width()), 0, texture.width() - 1);
    row = std::clamp(static_cast<int>((m.y - r.Min.y) / r.GetHeight() * texture.height()), 0, texture.height() - 1);
  }
  return r;
}

}  // namespace

void TextInsidePanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Inside", area)) return;
  const std::shared_ptr<const TextInside> inside =
      view.has_snapshot() ? view.snapshot().text.inside : nullptr;
  if (!inside || inside->positions() == 0) {
    ImGui::TextDisabled("the model's insides show after the first samples");
  } else if (inside->units > 0) {
    draw_recurrent(view, *inside);
  } else {
    draw_attention(view, *inside);
  }
  ImGui::End();
}

void TextInsidePanel::draw_recurrent(View& view, const TextInside& in) {
  const std::vector<std::string>& vocab = view.snapshot().text.vocab;
  unit = std::clamp(unit, 0, in.units - 1);
  ImGui::SetNextItemWidth(std::max(ui_px(80), ImGui::GetContentRegionAvail().x - button_width("Rank units") - ui_px(50)));
  ImGui::SliderInt("unit", &unit, 0, in.units - 1);
  probe_item("unit");
  ImGui::SameLine();
  if (ImGui::Button("Rank units")) {
    ranking = rank_units(in, vocab);
    ranked_step = in.step;
  }
  probe_item("Rank units");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Rank the units by how strongly their activation over the passage follows "
                      "a simple feature (inside quotes, position in line, is space, ...)");
  }
  const float line = ImGui::GetTextLineHeightWithSpacing();
  if (!ranking.empty()) {
    ImGui::TextDisabled("units ranked at step %lld by |correlation| (click one):",
                        static_cast<long long>(ranked_step));
    ImGui::BeginChild("##ranking", ImVec2(0, line * 4.2f), true);
    for (std::size_t i = 0; i < std::min<std::size_t>(ranking.size(), 16); ++i) {
      const UnitCorrelation& c = ranking[i];
      const std::string row = strformat("unit %d: %s, r = %+.2f", c.unit, text_feature_name(c.feature), c.r);
      if (ImGui::Selectable(row.c_str(), c.unit == unit)) unit = c.unit;
      probe_item("rank " + std::to_string(i));
    }
    ImGui::EndChild();
  }
  ImGui::TextDisabled("%s", fit_text(strformat("%d units x %zu characters of a validation passage, step %lld "
                                               "(blue -1, red +1)", in.units, in.positions(),
                                               static_cast<long long>(in.step)),
                                     ImGui::GetContentRegionAvail().x).c_str());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float passage_h = std::max(line * 4.0f, avail.y * 0.38f);
  const float heat_h = std::clamp(avail.y - passage_h - line - 8.0f, ui_px(40), in.units * ui_px(4));
  int col, row;
  const ImRect r = draw_stretched("heatmap", view.text_hidden_texture(), ImVec2(avail.x, heat_h), col, row);
  const float unit_h = r.GetHeight() / in.units;
  ImGui::GetWindowDrawList()->AddRect(ImVec2(r.Min.x, r.Min.y + unit * unit_h - 1),
                                      ImVec2(r.Max.x, r.Min.y + (unit + 1) * unit_h + 1),
                                      IM_COL32(255, 255, 255, 200));
  if (row >= 0) {
    ImGui::SetTooltip("unit %d at %s (position %d): %+.3f\nclick: colour the passage by it", row,
                      char_label(vocab, in.passage[col]).c_str(), col, in.hidden_at(row, col));
    if (ImGui::IsItemClicked()) unit = row;
  }
  ImGui::TextDisabled("%s", fit_text(strformat("the passage coloured by unit %d", unit),
                                     ImGui::GetContentRegionAvail().x).c_str());
  std::vector<TintedChar> chars = passage_chars(in, vocab);
  for (std::size_t t = 0; t < chars.size(); ++t) chars[t].tint = im_color(activation_color(in.hidden_at(unit, t)), 200);
  hovered = draw_tinted_chars("##passage", chars, ImVec2(0, 0));
  if (hovered >= 0) {
    ImGui::SetTooltip("%s (position %d): unit %d = %+.3f", char_label(vocab, in.passage[hovered]).c_str(),
                      hovered, unit, in.hidden_at(unit, hovered));
  }
}

void TextInsidePanel::draw_attention(View& view, const TextInside& in) {
  const std::vector<std::string>& vocab = view.snapshot().text.vocab;
  layer = std::clamp(layer, 0, std::max(0, in.layers - 1));
  head = std::clamp(head, 0, std::max(0, in.heads - 1));
  const int t = static_cast<int>(in.positions());
  if (query < 0 || query >= t) query = t - 1;
  const float slider = std::max(ui_px(60), ImGui::GetContentRegionAvail().x * 0.5f - ui_px(50));
  ImGui::SetNextItemWidth(slider);
  ImGui::SliderInt("layer", &layer, 0, in.layers - 1);
  probe_item("layer");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(slider);
  ImGui::SliderInt("head", &head, 0, in.heads - 1);
  probe_item("head");
  ImGui::TextDisabled("%s", fit_text(strformat("layer %d head %d over %d validation characters, step %lld: "
                                               "row = a character, columns = where it looks",
                                               layer, head, t, static_cast<long long>(in.step)),
                                     ImGui::GetContentRegionAvail().x).c_str());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  // The chosen head beside the passage; below them, when there is room, every head.
  const float side = std::max(ui_px(60), std::min(avail.x * 0.5f, std::max(avail.y * 0.55f, avail.y - 8 * line)));
  int key, row;
  const ImRect r = draw_stretched("attention", view.text_attention_texture(layer, head), ImVec2(side, side), key, row);
  const float cell = r.GetHeight() / std::max(t, 1);
  ImGui::GetWindowDrawList()->AddRect(ImVec2(r.Min.x, r.Min.y + query * cell),
                                      ImVec2(r.Max.x, r.Min.y + (query + 1) * cell),
                                      IM_COL32(255, 255, 255, 160));
  if (row >= 0) {
    ImGui::SetTooltip("%s (position %d) looks at %s (position %d): %.3f",
                      char_label(vocab, in.passage[row]).c_str(), row,
                      char_label(vocab, in.passage[key]).c_str(), key,
                      in.attention_row(layer, head, row)[key]);
    if (ImGui::IsItemClicked()) query = row;
  }
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", fit_text(strformat("where %s (position %d) looks; hover a character",
                                               char_label(vocab, in.passage[query]).c_str(), query),
                                     ImGui::GetContentRegionAvail().x).c_str());
  const float* weights = in.attention_row(layer, head, query);
  std::vector<TintedChar> chars = passage_chars(in, vocab);
  for (int k = 0; k < t; ++k) {
    chars[k].tint = k == query ? IM_COL32(90, 170, 255, 200) : im_color(attention_color(weights[k]), 230);
  }
  hovered = draw_tinted_chars("##passage", chars, ImVec2(0, side - line));
  if (hovered >= 0) query = hovered;
  ImGui::EndGroup();
  draw_all_heads(view, in);
}

void TextInsidePanel::draw_all_heads(View& view, const TextInside& in) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  if (avail.y < 3 * line) return;
  ImGui::TextDisabled("%s", fit_text("every layer (rows) and head (columns): click one",
                                     ImGui::GetContentRegionAvail().x).c_str());
  const TextureRef& grid = view.text_attention_grid_texture();
  if (grid.width() == 0) return;
  const float room_y = ImGui::GetContentRegionAvail().y - 4;
  const float scale = std::min(avail.x / grid.width(), room_y / grid.height());
  if (scale <= 0.05f) return;
  int col, row;
  const ImRect r = draw_stretched("all heads", grid, ImVec2(grid.width() * scale, grid.height() * scale), col, row);
  const int t = static_cast<int>(in.positions()), pitch = t + View::kAttentionGridGap;
  const float tile = t * scale, step = pitch * scale;
  ImGui::GetWindowDrawList()->AddRect(ImVec2(r.Min.x + head * step - 1, r.Min.y + layer * step - 1),
                                      ImVec2(r.Min.x + head * step + tile + 1, r.Min.y + layer * step + tile + 1),
                                      IM_COL32(255, 255, 255, 230), 0.0f, 0, 2.0f);
  if (col >= 0 && col % pitch < t && row % pitch < t) {
    const int h = col / pitch, l = row / pitch;
    ImGui::SetTooltip("layer %d head %d: click to look at it", l, h);
    if (ImGui::IsItemClicked()) layer = l, head = h;
  }
}

void TextEmbeddingsPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Embeddings", area)) return;
  const std::shared_ptr<const TextEmbedding> e =
      view.has_snapshot() ? view.snapshot().text.embedding : nullptr;
  const TextView* t = view.has_snapshot() ? &view.snapshot().text : nullptr;
  if (!e || !t || e->xy.size() != t->vocab.size() * 2 || t->vocab.empty()) {
    ImGui::TextDisabled("the embedding map shows after the first samples");
    ImGui::End();
    return;
  }
  ImGui::TextDisabled("%s", fit_text(strformat("character embeddings, PCA at step %lld (%.0f %% + %.0f %% of "
                                               "the variance); every val_every steps",
                                               static_cast<long long>(e->step), e->explained[0] * 100.0,
                                               e->explained[1] * 100.0),
                                     ImGui::GetContentRegionAvail().x).c_str());
  const std::size_t n = t->vocab.size();
  float extent[4] = {e->xy[0], e->xy[1], e->xy[0], e->xy[1]};
  for (std::size_t i = 0; i < n; ++i) {
    extent[0] = std::min(extent[0], e->xy[2 * i]), extent[2] = std::max(extent[2], e->xy[2 * i]);
    extent[1] = std::min(extent[1], e->xy[2 * i + 1]), extent[3] = std::max(extent[3], e->xy[2 * i + 1]);
  }
  const float pad_x = 0.06f * (extent[2] - extent[0]) + 1e-6f, pad_y = 0.06f * (extent[3] - extent[1]) + 1e-6f;
  extent[0] -= pad_x, extent[2] += pad_x, extent[1] -= pad_y, extent[3] += pad_y;
  static const std::vector<std::string> kClasses = {"vowel", "consonant", "digit", "punctuation", "space", "other"};
  scatter_plot("##embeddings", e->xy.data(), static_cast<int64_t>(n), t->vocab_class.data(), kClasses,
               extent, ImVec2(0, std::max(ui_px(80), ImGui::GetContentRegionAvail().y - 4)), result);
  probe_item("embeddings");
  // Each point labelled with its character.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(result.plot_min, result.plot_max, true);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& c = t->vocab[i];
    const std::string shown = shown_char(c, true);
    const ImVec2 p = result.to_screen(e->xy[2 * i], e->xy[2 * i + 1]);
    // Right of the point, or left of it near the right edge; inside the plot vertically.
    const ImVec2 size = ImGui::CalcTextSize(shown.c_str());
    const float x = p.x + 3 + size.x > result.plot_max.x ? p.x - 3 - size.x : p.x + 3;
    const float y = std::clamp(p.y - size.y * 0.5f, result.plot_min.y, result.plot_max.y - size.y);
    draw->AddText(ImVec2(x, y),
                  label_color(i < t->vocab_class.size() ? t->vocab_class[i] : 5), shown.c_str());
  }
  draw->PopClipRect();
  if (result.hovered >= 0 && static_cast<std::size_t>(result.hovered) < n) {
    const std::size_t i = static_cast<std::size_t>(result.hovered);
    ImGui::SetTooltip("%s: %s", char_label(t->vocab, static_cast<uint16_t>(i)).c_str(),
                      kClasses[std::min<std::size_t>(t->vocab_class[i], kClasses.size() - 1)].c_str());
  }
  ImGui::End();
}

}  // namespace genscope
