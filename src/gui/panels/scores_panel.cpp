#include "gui/panels/panels.h"
#include "util/strings.h"

namespace genscope {

void ScoresPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Discriminator", area)) return;
  const MetricSeries* real = view.series("d_real");
  const MetricSeries* fake = view.series("d_fake");
  ImVec2 avail = ImGui::GetContentRegionAvail();
  if (!real || !fake || real->empty()) {
    ImGui::TextDisabled("no steps yet");
    ImGui::End();
    return;
  }
  constexpr ImU32 kReal = IM_COL32(80, 200, 120, 255);
  constexpr ImU32 kFake = IM_COL32(230, 90, 200, 255);
  // Short and wide (1024x600): the two plots side by side; otherwise one over the other.
  const float em = ImGui::GetFontSize();
  const bool side_by_side = avail.y < 13.0f * em && avail.x > 18.0f * em;
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float column = side_by_side ? (avail.x - spacing) * 0.6f : avail.x;
  // Side by side the plots are narrow: shorter names, titles cut to fit (hover for the whole).
  PlotLine lines[] = {{side_by_side ? "real" : "D(x) real", real, kReal},
                      {side_by_side ? "fake" : "D(G(z)) fake", fake, kFake}};
  plot.fixed_y = true;
  plot.y_min = 0.0;
  plot.y_max = 1.0;
  plot.y_format = "%.2f";
  plot.marker_step = history_marker_step(view);
  ImGui::BeginChild("##means", ImVec2(column, side_by_side ? avail.y : std::max(ui_px(60), avail.y * 0.55f)),
                    false, ImGuiWindowFlags_NoScrollbar);
  const char* means = "mean D(x) and D(G(z)) per step";
  ImGui::TextDisabled("%s", fit_text(means, ImGui::GetContentRegionAvail().x).c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", means);
  plot.height = std::max(ui_px(40), ImGui::GetContentRegionAvail().y);
  metric_plot(view, "##scores", lines, 2, plot);
  ImGui::EndChild();
  if (side_by_side) ImGui::SameLine();
  const Snapshot& snap = view.snapshot();
  ImGui::BeginChild("##batch", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
  const std::string batch = strformat("%s (step %lld)", side_by_side ? "this batch" : "this batch's scores",
                                      static_cast<long long>(snap.step));
  ImGui::TextDisabled("%s", fit_text(batch, ImGui::GetContentRegionAvail().x).c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("D's scores of this step's real and fake images");
  const float h = std::max(ui_px(40), ImGui::GetContentRegionAvail().y - 4);
  histogram_plot("##score_hist", snap.d_real.data(), static_cast<int>(snap.d_real.size()), "real",
                 kReal, snap.d_fake.data(), static_cast<int>(snap.d_fake.size()), "fake", kFake,
                 0.0f, 1.0f, bins, ImVec2(0, h));
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace genscope
