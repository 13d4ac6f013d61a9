#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui/panels/panels.h"

namespace genscope {
namespace {

constexpr ImU32 kBlue = IM_COL32(90, 170, 255, 255);
constexpr ImU32 kOrange = IM_COL32(255, 140, 60, 255);
constexpr ImU32 kGreen = IM_COL32(110, 200, 120, 255);

// One cell of the VAE table: a caption and a line plot filling the cell.
void plot_cell(const char* id, const char* caption, const PlotLine* lines, int count,
               LinePlotOptions options, float height) {
  ImGui::TextDisabled("%s", caption);
  options.height = std::max(50.0f, height - ImGui::GetTextLineHeightWithSpacing());
  line_plot(id, lines, count, options);
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
  const float cell = std::max(70.0f, 0.5f * ImGui::GetContentRegionAvail().y - 6.0f);
  if (!ImGui::BeginTable("##vae_losses", 2, ImGuiTableFlags_SizingStretchSame)) return;
  ImGui::TableNextColumn();
  const PlotLine recon_line{"recon", recon, kBlue};
  plot_cell("##recon", "reconstruction (nats / image)", &recon_line, 1, plot, cell);
  ImGui::TableNextColumn();
  const PlotLine kl_lines[] = {{"KL", view.series("kl"), kOrange},
                               {"beta * KL", view.series("beta_kl"), kGreen}};
  if (autoencoder) {
    ImGui::TextDisabled("autoencoder: no KL term");
  } else {
    plot_cell("##kl", "KL(q(z|x) || p(z)), nats", kl_lines, 2, plot, cell);
  }
  ImGui::TableNextColumn();
  const PlotLine elbo_line{"ELBO", view.series("elbo"), kGreen};
  plot_cell("##elbo", autoencoder ? "-reconstruction (nats)" : "ELBO (nats / image, up)",
            &elbo_line, 1, plot, cell);
  ImGui::TableNextColumn();
  if (autoencoder) {
    ImGui::TextDisabled("KL per dimension: autoencoder: no KL term");
  } else {
    const std::vector<float>& kl = snap.latent.kl_per_dim;
    ImGui::TextDisabled("KL per dimension (nats)");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Dimensions near 0 are unused (posterior = prior).");
    bar_chart("##kl_dims", kl.data(), static_cast<int>(kl.size()), kOrange,
              ImVec2(0, std::max(50.0f, cell - ImGui::GetTextLineHeightWithSpacing())), "z",
              "nats");
  }
  ImGui::EndTable();
}

// Blue (small) to yellow (large) for log gradient norms.
ImU32 grad_color(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  const float r = 40 + 215 * t, g = 60 + 170 * t, b = 150 - 110 * t;
  return IM_COL32(static_cast<int>(r), static_cast<int>(g), static_cast<int>(b), 255);
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
      const float x0 = o.x + name_w, x1 = x0 + std::max(1.0f, t * (bars_w - name_w));
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

void LossesPanel::draw(View& view, const ImRect& area) {
  if (!begin_panel("Losses", area)) return;
  if (ImGui::BeginTabBar("##loss_tabs")) {
    if (ImGui::BeginTabItem("Losses")) {
      show_gradients = false;
      ImGui::EndTabItem();
    }
    const ImGuiTabItemFlags flags = open_gradients ? ImGuiTabItemFlags_SetSelected : 0;
    open_gradients = false;
    if (ImGui::BeginTabItem("Gradients", nullptr, flags)) {
      show_gradients = true;
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  if (show_gradients) {
    if (view.has_snapshot()) draw_gradients(view);
    ImGui::End();
    return;
  }
  ImGui::SetNextItemWidth(160);
  if (ImGui::SliderFloat("smoothing", &smoothing, 0.0f, 0.99f, "%.2f"))
    view.set_smoothing(smoothing);
  ImGui::SameLine();
  ImGui::Checkbox("raw", &plot.show_raw);
  plot.marker_step = history_marker_step(view);
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
    plot.height = std::max(80.0f, ImGui::GetContentRegionAvail().y - 4);
    line_plot("##losses", lines, 2, plot);
  }
  ImGui::End();
}

}  // namespace genscope
