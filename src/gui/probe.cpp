#include "gui/probe.h"

#include <imgui_internal.h>

namespace genscope {

void WidgetProbe::attach() { ImGui::GetIO().UserData = this; }

void WidgetProbe::detach() {
  if (ImGui::GetCurrentContext() && ImGui::GetIO().UserData == this) ImGui::GetIO().UserData = nullptr;
}

const ProbedItem* WidgetProbe::find(const std::string& name) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

void probe_item(const std::string& name, float frame_width) {
  auto* probe = static_cast<WidgetProbe*>(ImGui::GetIO().UserData);
  if (!probe) return;
  const ImGuiWindow* window = ImGui::GetCurrentWindow();
  ProbedItem item;
  item.name = std::string(window ? window->RootWindow->Name : "") + "/" + name;
  item.min = ImGui::GetItemRectMin();
  item.max = ImGui::GetItemRectMax();
  item.frame_max = frame_width > 0.0f ? ImVec2(item.min.x + frame_width, item.max.y) : item.max;
  item.visible = ImGui::IsItemVisible();
  probe->add(std::move(item));
}

}  // namespace genscope
