#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui/panels/panels.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr ImU32 kBlue = IM_COL32(90, 170, 255, 255);
constexpr ImU32 kOrange = IM_COL32(255, 140, 60, 255);
constexpr ImU32 kGreen = IM_COL32(110, 200, 120, 255);

// One cell of the VAE table: a caption and a line plot filling the cell.
void plot_cell(View& view, const char* id, const char* caption, const PlotLine* lines, int count,
               LinePlotOptions options, float height) {
  ImGui::TextDisabled("%s", fit_text(caption, ImGui::GetContentRegionAvail().x).c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", caption);
  options.height = std::max(ui_px(50), height - ImGui::GetTextLineHeightWithSpacing());
  metric_plot(view, id, lines, count, options);
}

// The height the learning-rate strip takes under the losses (0 with a constant rate).
float lr_strip_height(const View& view) {
  const MetricSeries* lr = view.series("lr_scale");
  if (!lr || lr->empty() || view.snapshot().params.choice(ParamId::kLrSchedule) == "constant") {
    return 0.0f;
  }
  return ui_px(64) + ImGui::GetTextLineHeightWithSpacing();
}

// The learning-rate schedule's factor per step, a short strip under the losses.
void draw_lr_strip(View& view, LinePlotOptions plot, float height) {
  if (height <= 0.0f) return;
  const Params& p = view.snapshot().params;
  const std::string caption =
      strformat("learning-rate factor (%s over %d steps): the learning rates x this",
                p.choice(ParamId::kLrSchedule).c_str(), p.integer(ParamId::kLrScheduleSteps));
  const PlotLine line{"lr factor", view.series("lr_scale"), kGreen};
  plot.fixed_y = true, plot.y_min = 0.0, plot.y_max = 1.05, plot.show_raw = false;
  plot_cell(view, "##lr_scale", caption.c_str(), &line, 1, plot, height - 4);
}

// Reconstruction, KL, ELBO and KL per dimension in a 2x2 table.
void draw_vae(View& view, const LinePlotOptions& plot) {
  const MetricSeries* recon = view.series("recon");
  if (!recon || recon->empty()) {
    ImGui::TextDisabled("no steps yet");
    return;
  }
  const Snapshot& snap = view.snapshot();
  const bool autoencoder = snap.params.choice(ParamId::kModel) == "ae";
  const ImGuiStyle& style = ImGui::GetStyle();
  const float strip = lr_strip_height(view);
  const float cell = std::max(ui_px(70), 0.5f * (ImGui::GetContentRegionAvail().y - strip) -
                                             style.ItemSpacing.y - 2.0f * style.CellPadding.y);
  if (!ImGui::BeginTable("##vae_losses", 2, ImGuiTableFlags_SizingStretchSame)) return;
  ImGui::TableNextColumn();
  const PlotLine recon_line{"recon", recon, kBlue};
  plot_cell(view, "##recon", "reconstruction (nats / image)", &recon_line, 1, plot, cell);
  ImGui::TableNextColumn();
  const PlotLine kl_lines[] = {{"KL", view.series("kl"), kOrange},
                               {"beta * KL", view.series("beta_kl"), kGreen}};
  if (autoencoder) {
    ImGui::TextDisabled("%s", fit_text("autoencoder: no KL term", ImGui::GetContentRegionAvail().x).c_str());
  } else {
    plot_cell(view, "##kl", "KL(q(z|x) || p(z)), nats", kl_lines, 2, plot, cell);
  }
  ImGui::TableNextColumn();
  const PlotLine elbo_line{"ELBO", view.series("elbo"), kGreen};
  plot_cell(view, "##elbo", autoencoder ? "-reconstruction (nats)" : "ELBO (nats / image, up)",
            &elbo_line, 1, plot, cell);
  ImGui::TableNextColumn();
  if (autoencoder) {
    ImGui::TextDisabled("%s", fit_text("KL per dimension: autoencoder: no KL term",
                                       ImGui::GetContentRegionAvail().x).c_str());
  } else {
    const std::vector<float>& kl = snap.latent.kl_per_dim;
    ImGui::TextDisabled("%s", fit_text("KL per dimension (nats)", ImGui::GetContentRegionAvail().x).c_str());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Dimensions near 0 are unused (posterior = prior).");
    bar_chart("##kl_dims", kl.data(), static_cast<int>(kl.size()), kOrange,
              ImVec2(0, std::max(ui_px(50), cell - ImGui::GetTextLineHeightWithSpacing())), "z",
              "nats");
  }
  ImGui::EndTable();
  draw_lr_strip(view, plot, strip);
}

// A flat line at `value` over the steps of `over` (rebuilt only when its ends move).
void flat_line(MetricSeries& line, const MetricSeries& over, double value) {
  const double a = over.step(0), b = over.step(over.size() - 1);
  if (line.size() == 2 && line.step(0) == a && line.step(1) == b && line.raw(0) == float(value)) return;
  line.clear();
  line.push(a, static_cast<float>(value));
  line.push(b == a ? a + 1 : b, static_cast<float>(value));
}

}  // namespace

// Text models: train and validation bits per character against the corpus's unigram and bigram
// entropies (what a model that learned no more than those would score).
void LossesPanel::draw_text(View& view) {
  const MetricSeries* train = view.series("train_bpc");
  if (!train || train->empty()) {
    ImGui::TextDisabled("no steps yet");
    return;
  }
  const TextView& t = view.snapshot().text;
  flat_line(unigram_line, *train, t.unigram_bits);
  flat_line(bigram_line, *train, t.bigram_bits);
  const std::string caption = strformat(
      "bits per character; flat lines: the corpus's unigram (%.2f) and bigram (%.2f) entropy",
      t.unigram_bits, t.bigram_bits);
  ImGui::TextDisabled("%s", fit_text(caption, ImGui::GetContentRegionAvail().x).c_str());
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("A model that knew only how often each character comes scores the unigram "
                      "line; one that knew only which character follows which, the bigram line.");
  }
  const PlotLine lines[] = {{"train bpc", train, kBlue},
                            {"val bpc", view.series("val_bpc"), kOrange},
                            {"unigram", &unigram_line, IM_COL32(170, 170, 170, 255)},
                            {"bigram", &bigram_line, kGreen}};
  LinePlotOptions options = plot;
  options.height = std::max(ui_px(80), ImGui::GetContentRegionAvail().y - 4);
  metric_plot(view, "##text_losses", lines, 4, options);
}

namespace {

// Blue (small) to yellow (large) for log gradient norms.
ImU32 grad_color(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  const float r = 40 + 215 * t, g = 60 + 170 * t, b = 150 - 110 * t;
  return IM_COL32(static_cast<int>(r), static_cast<int>(g), static_cast<int>(b), 255);
}

// The layer combo (picking one sets `layer`) and the selected layer's range and median now.
void draw_layer_picker(const LayerHistograms& now, int selected, std::string& layer) {
  const LayerHistogram& cur = now.layers[selected];
  ImGui::SetNextItemWidth(std::min(260.0f, ImGui::GetContentRegionAvail().x * 0.45f));
  if (ImGui::BeginCombo("##layer", cur.name.c_str())) {
    for (size_t i = 0; i < now.layers.size(); ++i) {
      if (ImGui::Selectable(now.layers[i].name.c_str(), int(i) == selected)) {
        layer = now.layers[i].name;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::TextDisabled("step %lld: %.3g .. %.3g, median %.3g", static_cast<long long>(now.step),
                      cur.lo, cur.hi, cur.quantiles[2]);
}

// This sample's bars over [lo, hi] in a box of `size`, with a tooltip per bar.
void draw_share_bars(const LayerHistogram& cur, ImVec2 size) {
  ImGui::InvisibleButton("##hist_now", size);
  const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(lo, hi, ImGui::GetColorU32(ImGuiCol_FrameBg));
  const float line = ImGui::GetTextLineHeight();
  const float base = hi.y - line - 2.0f;
  float top = 0.0f;
  for (float s : cur.share) top = std::max(top, s);
  const int n = static_cast<int>(cur.share.size());
  const ImU32 color = cur.activation ? IM_COL32(120, 200, 120, 255) : IM_COL32(90, 160, 230, 255);
  for (int b = 0; b < n && top > 0.0f; ++b) {
    const float x0 = lo.x + 2 + (hi.x - lo.x - 4) * b / n;
    const float x1 = lo.x + 2 + (hi.x - lo.x - 4) * (b + 1) / n;
    const float y = base - (base - lo.y - 4) * cur.share[b] / top;
    draw->AddRectFilled(ImVec2(x0, y), ImVec2(std::max(x0 + 1, x1 - 1), base), color);
  }
  char buf[32];
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  std::snprintf(buf, sizeof buf, "%.3g", cur.lo);
  draw->AddText(ImVec2(lo.x + 2, base + 1), dim, buf);
  std::snprintf(buf, sizeof buf, "%.3g", cur.hi);
  draw->AddText(ImVec2(hi.x - 2 - ImGui::CalcTextSize(buf).x, base + 1), dim, buf);
  if (ImGui::IsItemHovered() && n > 0) {
    const int b = std::clamp(int((ImGui::GetIO().MousePos.x - lo.x) / (hi.x - lo.x) * n), 0, n - 1);
    const float w = (cur.hi - cur.lo) / n;
    ImGui::SetTooltip("%s\n[%.3g, %.3g): %.2f %% of the values", cur.name.c_str(), cur.lo + b * w,
                      cur.lo + (b + 1) * w, cur.share[b] * 100.0f);
  }
}

}  // namespace

void draw_gradients(View& view) {
  const GradientHistory& h = view.gradients();
  const std::vector<LayerGrad>& now = view.snapshot().grads;
  float lo, hi;
  if (now.empty() || h.columns() == 0 || !h.range(lo, hi)) {
    ImGui::TextDisabled("no gradients yet");
    return;
  }
  if (hi - lo < 1e-3f) lo -= 0.5f, hi += 0.5f;
  const int layers = static_cast<int>(h.names().size());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const float line = ImGui::GetTextLineHeight();
  float name_w = 0;
  for (const std::string& n : h.names()) name_w = std::max(name_w, ImGui::CalcTextSize(n.c_str()).x);
  name_w += 8;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // Left: this step's norm per layer as a bar on a log scale; right: the heat strip over steps.
  const float bars_w = name_w + std::min(160.0f, 0.3f * avail.x);
  const float row_h = std::clamp((avail.y - 2 * line - 8) / std::max(layers, 1), 3.0f, line + 2);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::TextDisabled("|grad| per layer, log10 %.1f .. %.1f (vanishing: short/blue, exploding: "
                      "long/yellow)", lo, hi);
  const float top = o.y + line + 4;
  const float strip_x0 = o.x + bars_w + 10, strip_x1 = o.x + avail.x - 4;
  const float col_w = (strip_x1 - strip_x0) / static_cast<float>(std::max<std::size_t>(h.columns(), 1));
  const std::size_t first = h.columns();
  for (int l = 0; l < layers; ++l) {
    const float y = top + l * row_h;
    if (row_h >= line) draw->AddText(ImVec2(o.x, y), text, h.names()[l].c_str());
    if (l < static_cast<int>(now.size()) && now[l].norm > 0 && std::isfinite(now[l].norm)) {
      const float t = (std::log10(now[l].norm) - lo) / (hi - lo);
      const float x0 = o.x + name_w, x1 = x0 + std::max(ui_px(1), t * (bars_w - name_w));
      draw->AddRectFilled(ImVec2(x0, y + 1), ImVec2(x1, y + row_h - 1), grad_color(t));
    }
    for (std::size_t c = 0; c < h.columns(); ++c) {
      const float v = h.log_norm(l, c);
      const float x = strip_x1 - (first - c) * col_w;
      const ImU32 col = std::isfinite(v) ? grad_color((v - lo) / (hi - lo)) : IM_COL32(200, 40, 40, 255);
      draw->AddRectFilled(ImVec2(x, y + 1), ImVec2(x + col_w + 0.5f, y + row_h - 1), col);
    }
  }
  const float bottom = top + layers * row_h + 2;
  char buf[64];
  std::snprintf(buf, sizeof buf, "step %lld", static_cast<long long>(h.step(0)));
  draw->AddText(ImVec2(strip_x1 - first * col_w, bottom), ImGui::GetColorU32(ImGuiCol_TextDisabled), buf);
  std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(h.step(h.columns() - 1)));
  draw->AddText(ImVec2(strip_x1 - ImGui::CalcTextSize(buf).x, bottom),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), buf);
  ImGui::Dummy(ImVec2(avail.x, bottom + line - ImGui::GetCursorScreenPos().y));
}

void HistogramsTab::draw(View& view) {
  const HistogramHistory& h = view.histograms();
  const LayerHistograms* now = h.last();
  if (!now || now->layers.empty()) {
    ImGui::TextDisabled("no histograms yet (every hist_every steps)");
    return;
  }
  int selected = 0;
  for (size_t i = 0; i < now->layers.size(); ++i)
    if (now->layers[i].name == layer) selected = static_cast<int>(i);
  const LayerHistogram& cur = now->layers[selected];
  draw_layer_picker(*now, selected, layer);
  if (built != h.version() || built_layer != cur.name) {
    built = h.version();
    built_layer = cur.name;
    for (MetricSeries& q : quantiles) q.clear();
    for (size_t i = 0; i < h.size(); ++i) {
      for (const LayerHistogram& l : h.at(i).layers) {
        if (l.name != cur.name) continue;
        for (int k = 0; k < 5; ++k) quantiles[k].push(double(h.at(i).step), l.quantiles[k]);
      }
    }
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left = std::max(ui_px(100), avail.x * 0.42f);
  const float height = std::max(ui_px(60), avail.y - 4.0f);
  draw_share_bars(cur, ImVec2(left, height));
  // Right: the quantile bands over the samples kept.
  ImGui::SameLine();
  ImGui::BeginChild("##quantiles", ImVec2(0, height), false, ImGuiWindowFlags_NoScrollbar);
  plot.height = std::max(ui_px(40), ImGui::GetContentRegionAvail().y);
  plot.show_raw = false;
  plot.y_format = "%.2g";
  plot.marker_step = history_marker_step(view);
  const PlotLine lines[] = {{"max", &quantiles[4], IM_COL32(230, 110, 90, 255)},
                            {"84%", &quantiles[3], IM_COL32(230, 190, 90, 255)},
                            {"median", &quantiles[2], IM_COL32(240, 240, 240, 255)},
                            {"16%", &quantiles[1], IM_COL32(90, 190, 230, 255)},
                            {"min", &quantiles[0], IM_COL32(110, 120, 230, 255)}};
  line_plot("##quantile_plot", lines, 5, plot);
  ImGui::EndChild();
}

void LossesPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Losses", area)) return;
  if (ImGui::BeginTabBar("##loss_tabs")) {
    if (ImGui::BeginTabItem("Losses")) {
      show_gradients = false;
      ImGui::EndTabItem();
    }
    const ImGuiTabItemFlags flags = open_gradients ? ImGuiTabItemFlags_SetSelected : 0;
    open_gradients = false;
    show_gradients = show_histograms = false;
    if (ImGui::BeginTabItem("Gradients", nullptr, flags)) {
      show_gradients = true;
      ImGui::EndTabItem();
    }
    const ImGuiTabItemFlags hist_flags = open_histograms ? ImGuiTabItemFlags_SetSelected : 0;
    open_histograms = false;
    if (ImGui::BeginTabItem("Histograms", nullptr, hist_flags)) {
      show_histograms = true;
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  if (show_gradients || show_histograms) {
    if (view.has_snapshot()) show_gradients ? draw_gradients(view) : histograms.draw(view);
    ImGui::End();
    return;
  }
  ImGui::SetNextItemWidth(ui_px(160));
  if (ImGui::SliderFloat("smoothing", &smoothing, 0.0f, 0.99f, "%.2f"))
    view.set_smoothing(smoothing);
  ImGui::SameLine();
  ImGui::Checkbox("raw", &plot.show_raw);
  plot.marker_step = history_marker_step(view);
  if (view.has_snapshot() && view.snapshot().is_text) {
    draw_text(view);
    ImGui::End();
    return;
  }
  if (view.has_snapshot() && !view.snapshot().is_gan) {
    draw_vae(view, plot);
    ImGui::End();
    return;
  }
  const MetricSeries* d = view.series("loss_d");
  const MetricSeries* g = view.series("loss_g");
  if (!d || !g || d->empty()) {
    ImGui::TextDisabled("no steps yet");
  } else {
    PlotLine lines[] = {{"D loss", d, kBlue}, {"G loss", g, kOrange}};
    const float strip = lr_strip_height(view);
    plot.height = std::max(ui_px(80), ImGui::GetContentRegionAvail().y - 4 - strip);
    metric_plot(view, "##losses", lines, 2, plot);
    draw_lr_strip(view, plot, strip);
  }
  ImGui::End();
}

}  // namespace genscope
