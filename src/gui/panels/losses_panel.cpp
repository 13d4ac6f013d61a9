#include "gui/panels/panels.h"

namespace genscope {

void LossesPanel::draw(View& view, const ImRect& area) {
  if (!begin_panel("Losses", area)) return;
  ImGui::SetNextItemWidth(160);
  if (ImGui::SliderFloat("smoothing", &smoothing, 0.0f, 0.99f, "%.2f")) view.set_smoothing(smoothing);
  ImGui::SameLine();
  ImGui::Checkbox("raw", &plot.show_raw);
  const MetricSeries* d = view.series("loss_d");
  const MetricSeries* g = view.series("loss_g");
  if (!d || !g || d->empty()) {
    ImGui::TextDisabled("no steps yet");
  } else {
    PlotLine lines[] = {{"D loss", d, IM_COL32(90, 170, 255, 255)},
                        {"G loss", g, IM_COL32(255, 140, 60, 255)}};
    plot.height = std::max(80.0f, ImGui::GetContentRegionAvail().y - 4);
    line_plot("##losses", lines, 2, plot);
  }
  ImGui::End();
}

}  // namespace genscope
