#include <algorithm>

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

}  // namespace

void LossesPanel::draw(View& view, const ImRect& area) {
  if (!begin_panel("Losses", area)) return;
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
