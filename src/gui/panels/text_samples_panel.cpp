// Text models' Samples panel: the prompt, temperature and top-k (they apply to the next
// refresh), the tint toggle, the history slider, and two panes: the fixed-seed continuation and
// the greedy one, each generated character tinted by the probability the model gave it (or its
// surprisal). Hovering a character shows the ten likeliest characters at that point as bars.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr ImU32 kPromptColor = IM_COL32(150, 150, 150, 255);
constexpr ImU32 kBarColor = IM_COL32(90, 170, 255, 255);
constexpr ImU32 kChosenBarColor = IM_COL32(255, 170, 60, 255);

// One character as a pane lays it out.
struct PaneChar {
  std::string shown;    // what is drawn ("↵" for a line break, "→" for a tab)
  bool breaks = false;  // a line break: the next character starts a new line
  bool space = false;   // words wrap at spaces and line breaks
  ImRect rect;          // relative to the pane's origin
};

PaneChar pane_char(const std::string& ch) {
  PaneChar c;
  c.breaks = ch == "\n";
  c.space = ch == " " || ch == "\t" || c.breaks;
  c.shown = shown_char(ch);
  return c;
}

// Lays the characters out in lines of at most `width` pixels, breaking between words where it
// can. Returns the height used.
float lay_out(std::vector<PaneChar>& chars, float width) {
  const float line = ImGui::GetTextLineHeight() + 2.0f;
  float x = 0.0f, y = 0.0f;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    PaneChar& c = chars[i];
    const float w = ImGui::CalcTextSize(c.shown.c_str()).x;
    const bool word_start = !c.space && (i == 0 || chars[i - 1].space);
    if (word_start && x > 0.0f) {
      float word = 0.0f;
      for (std::size_t j = i; j < chars.size() && !chars[j].space; ++j) {
        word += ImGui::CalcTextSize(chars[j].shown.c_str()).x;
      }
      if (x + word > width && word <= width) x = 0.0f, y += line;
    }
    // A line break's mark is left out where it does not fit; other characters go on.
    if (x > 0.0f && x + w > width && !c.breaks) x = 0.0f, y += line;
    if (c.breaks && x + w > width) c.shown.clear();
    c.rect = ImRect(x, y, x + (c.shown.empty() ? 0.0f : w), y + line);
    x += w;
    if (c.breaks) x = 0.0f, y += line;
  }
  return y + line;
}

// The hovered character's numbers and its distribution's ten likeliest characters as bars.
void draw_candidates(const TextSample& s, int i, const std::vector<std::string>& vocab) {
  const auto name = [&](uint16_t id) { return id < vocab.size() ? vocab[id] : std::string("?"); };
  ImGui::BeginTooltip();
  ImGui::Text("%s: p = %.3f, %.2f bits (step %lld)", quoted_char(name(s.ids[i])).c_str(), s.prob[i],
              s.surprisal(i), static_cast<long long>(s.step));
  ImGui::TextDisabled("the ten likeliest next characters here (temperature 1):");
  const float label_w = ImGui::CalcTextSize("line break").x + ui_px(8);
  const float bar_w = ui_px(180);
  const float h = ImGui::GetTextLineHeight();
  for (int j = 0; j < kTextTopCandidates && i < static_cast<int>(s.top_ids.size()); ++j) {
    const float p = s.top_prob[i][j];
    if (j > 0 && p <= 0.0f) break;
    const bool chosen = s.top_ids[i][j] == s.ids[i];
    ImGui::TextUnformatted(quoted_char(name(s.top_ids[i][j])).c_str());
    ImGui::SameLine(label_w);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(bar_w, h));
    probe_item("candidate " + std::to_string(j));
    ImGui::GetWindowDrawList()->AddRectFilled(
        ImVec2(at.x, at.y + 2), ImVec2(at.x + std::max(1.0f, bar_w * p), at.y + h - 2),
        chosen ? kChosenBarColor : kBarColor);
    ImGui::SameLine();
    ImGui::Text("%.1f %%%s", 100.0 * p, chosen ? "  (drawn)" : "");
  }
  ImGui::EndTooltip();
}

}  // namespace

ImU32 text_tint(TextTint tint, float p) {
  if (tint == TextTint::kSurprisal) {  // 0 bits: clear; 8 bits and more: strong red
    const float bits = -std::log2(std::max(p, 1e-30f));
    const float t = std::clamp(bits / 8.0f, 0.0f, 1.0f);
    return IM_COL32(230, 70, 50, static_cast<int>(200 * t));
  }
  // Red (unlikely) through yellow (even) to green (likely).
  const float t = std::clamp(p, 0.0f, 1.0f);
  const float r = t < 0.5f ? 220.0f : 220.0f - (t - 0.5f) * 2.0f * 170.0f;
  const float g = t < 0.5f ? 60.0f + t * 2.0f * 140.0f : 200.0f - (t - 0.5f) * 2.0f * 30.0f;
  return IM_COL32(static_cast<int>(r), static_cast<int>(g), 60, 120);
}

std::vector<std::string> utf8_chars(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t b = 0; b < text.size();) {
    const std::size_t n = std::min(utf8_char_bytes(static_cast<unsigned char>(text[b])), text.size() - b);
    out.push_back(text.substr(b, n));
    b += n;
  }
  return out;
}

int draw_tinted_chars(const char* id, const std::vector<TintedChar>& chars, ImVec2 size) {
  int hovered = -1;
  if (!ImGui::BeginChild(id, size, true)) {
    ImGui::EndChild();
    probe_item(id);
    return hovered;
  }
  std::vector<PaneChar> laid;
  laid.reserve(chars.size());
  for (const TintedChar& c : chars) laid.push_back(pane_char(c.text));
  const float width = ImGui::GetContentRegionAvail().x;
  const float height = lay_out(laid, width);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool inside = ImGui::IsWindowHovered();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const PaneChar& c = laid[i];
    const ImRect r(ImVec2(o.x + c.rect.Min.x, o.y + c.rect.Min.y),
                   ImVec2(o.x + c.rect.Max.x, o.y + c.rect.Max.y));
    if (chars[i].tint != 0) draw->AddRectFilled(r.Min, ImVec2(r.Max.x, r.Max.y - 1.0f), chars[i].tint);
    if (chars[i].index >= 0 && inside && r.Contains(mouse)) {
      hovered = chars[i].index;
      draw->AddRect(r.Min, r.Max, IM_COL32(255, 255, 255, 220));
    }
    const ImU32 color = c.breaks ? faint : chars[i].color != 0 ? chars[i].color : text;
    draw->AddText(ImVec2(r.Min.x, r.Min.y + 1.0f), color, c.shown.c_str());
  }
  ImGui::Dummy(ImVec2(width, height));
  ImGui::EndChild();
  probe_item(id);  // the pane as its parent window lays it out
  return hovered;
}

namespace {

// A sample's pane: the prompt in gray, each generated character tinted; the hover chart.
int draw_sample_pane(const char* id, const TextSample& s, const std::vector<std::string>& vocab,
                     TextTint tint, ImVec2 size) {
  std::vector<TintedChar> chars;
  for (std::string& ch : utf8_chars(s.prompt)) chars.push_back({std::move(ch), 0, kPromptColor, -1});
  for (std::size_t i = 0; i < s.ids.size(); ++i) {
    const float p = i < s.prob.size() ? s.prob[i] : 0.0f;
    chars.push_back({s.ids[i] < vocab.size() ? vocab[s.ids[i]] : "?", text_tint(tint, p), 0,
                     static_cast<int>(i)});
  }
  const int hovered = draw_tinted_chars(id, chars, size);
  if (hovered >= 0) draw_candidates(s, hovered, vocab);
  return hovered;
}

}  // namespace

const TextSample* TextSamplesPanel::shown(View& view, bool greedy) const {
  const TextHistory& h = view.history().text;
  if (view.history().live || h.entries.empty()) {
    const TextView& t = view.snapshot().text;
    return greedy ? &t.greedy : &t.sampled;
  }
  const std::size_t i = std::min<std::size_t>(std::max(view.history().index, 0), h.entries.size() - 1);
  return greedy ? &h.entries[i].greedy : &h.entries[i].sampled;
}

void TextSamplesPanel::draw_history(View& view) {
  HistoryUi& h = view.history();
  const std::vector<TextHistory::Entry>& entries = h.text.entries;
  if (entries.size() < 2) {
    text_wrapped_disabled("history: the samples of every refresh are kept here by step");
    return;
  }
  const int last = static_cast<int>(entries.size()) - 1;
  if (h.live) h.index = last;
  h.index = std::clamp(h.index, 0, last);
  char label[48];
  std::snprintf(label, sizeof label, "step %lld", static_cast<long long>(entries[h.index].sampled.step));
  ImGui::SetNextItemWidth(std::max(ui_px(120), ImGui::GetContentRegionAvail().x - checkbox_width("live") - ui_px(60)));
  if (ImGui::SliderInt("##text_history", &h.index, 0, last, label)) h.live = h.index == last;
  probe_item("history");
  ImGui::SameLine();
  if (ImGui::Checkbox("live", &h.live) && h.live) h.index = last;
  probe_item("live");
}

void TextSamplesPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Samples", area)) return;
  if (!view.has_snapshot() || !view.snapshot().is_text) {
    ImGui::TextDisabled("no text model");
    ImGui::End();
    return;
  }
  const Snapshot& snap = view.snapshot();
  const TextView& t = snap.text;
  // The prompt at full width, then temperature, top-k and the tint toggle on one line.
  ImGui::TextUnformatted("prompt");
  ImGui::SameLine();
  live_param_widget(view, ParamId::kPrompt, prompt_edit, ParamLabel::kNone);
  const float slider = std::clamp(ImGui::GetContentRegionAvail().x * 0.22f, ui_px(70), ui_px(150));
  ImGui::SetNextItemWidth(slider);
  live_param_widget(view, ParamId::kTemperature, temperature_edit);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(slider);
  live_param_widget(view, ParamId::kTopK, top_k_edit);
  flow_next(checkbox_width("probability") + checkbox_width("surprisal") + ui_px(40));
  ImGui::TextDisabled("tint");
  ImGui::SameLine();
  if (ImGui::RadioButton("probability", tint == TextTint::kProbability)) tint = TextTint::kProbability;
  probe_item("probability");
  ImGui::SameLine();
  if (ImGui::RadioButton("surprisal", tint == TextTint::kSurprisal)) tint = TextTint::kSurprisal;
  probe_item("surprisal");
  draw_history(view);
  if (t.version == 0) {
    ImGui::TextDisabled("the first samples come after the first step");
    ImGui::End();
    return;
  }
  const TextSample& sampled = *shown(view, false);
  const TextSample& greedy = *shown(view, true);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float panes = std::max(ui_px(60), ImGui::GetContentRegionAvail().y - 3.0f * line - 8.0f);
  ImGui::TextDisabled("%s", fit_text(strformat("sampled at step %lld: temperature %.2f, top-k %s, fixed seed",
                                               static_cast<long long>(sampled.step), sampled.temperature,
                                               sampled.top_k > 0 ? std::to_string(sampled.top_k).c_str() : "all"),
                                     ImGui::GetContentRegionAvail().x).c_str());
  hovered_sampled = draw_sample_pane("##sampled", sampled, t.vocab, tint, ImVec2(0, panes * 0.6f));
  ImGui::TextDisabled("%s", fit_text("greedy: always the likeliest character", ImGui::GetContentRegionAvail().x).c_str());
  hovered_greedy = draw_sample_pane("##greedy", greedy, t.vocab, tint, ImVec2(0, panes * 0.4f));
  const std::string cost = strformat("refresh %.0f ms, %.1f %% of the last minute's training time (at most %.0f %%)",
                                     t.refresh_s * 1000.0, t.refresh_share * 100.0, kTextRefreshShare * 100.0);
  ImGui::TextDisabled("%s", fit_text(cost, ImGui::GetContentRegionAvail().x).c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", cost.c_str());
  ImGui::End();
}

}  // namespace genscope
