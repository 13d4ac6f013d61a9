#include "gui/panels/panels.h"

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
  ImGui::TextDisabled("mean D(x) and D(G(z)) per step");
  PlotLine lines[] = {{"D(x) real", real, kReal}, {"D(G(z)) fake", fake, kFake}};
  plot.fixed_y = true;
  plot.y_min = 0.0;
  plot.y_max = 1.0;
  plot.y_format = "%.2f";
  plot.height = std::max(60.0f, avail.y * 0.55f);
  plot.marker_step = history_marker_step(view);
  line_plot("##scores", lines, 2, plot);
  const Snapshot& snap = view.snapshot();
  ImGui::TextDisabled("this batch's scores (step %lld)", static_cast<long long>(snap.step));
  float h = std::max(50.0f, ImGui::GetContentRegionAvail().y - 4);
  histogram_plot("##score_hist", snap.d_real.data(), static_cast<int>(snap.d_real.size()), "real",
                 kReal, snap.d_fake.data(), static_cast<int>(snap.d_fake.size()), "fake", kFake,
                 0.0f, 1.0f, bins, ImVec2(0, h));
  ImGui::End();
}

}  // namespace genscope
