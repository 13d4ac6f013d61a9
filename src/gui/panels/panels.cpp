#include "gui/panels/panels.h"

namespace genscope {

bool begin_panel(const char* title, const ImRect& area) {
  ImGui::SetNextWindowPos(area.Min, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(area.GetSize(), ImGuiCond_FirstUseEver);
  if (ImGui::Begin(title)) return true;
  ImGui::End();
  return false;
}

}  // namespace genscope
