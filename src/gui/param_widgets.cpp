#include "gui/param_widgets.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>

namespace genscope {

bool param_widget(const ParamSpec& spec, ParamValue& value, std::string& text_buffer) {
  bool committed = false;
  ImGui::PushID(spec.key);
  switch (spec.type) {
    case ParamType::kFloat: {
      float v = static_cast<float>(value.number);
      ImGuiSliderFlags flags = ImGuiSliderFlags_AlwaysClamp;
      if (spec.log_scale) flags |= ImGuiSliderFlags_Logarithmic;
      const char* format = spec.log_scale ? "%.2e" : "%.3f";
      if (ImGui::SliderFloat(spec.key, &v, static_cast<float>(spec.min_value),
                             static_cast<float>(spec.max_value), format, flags)) {
        value.number = v;
        committed = spec.apply == ParamApply::kLive;
      }
      committed = committed || (spec.apply == ParamApply::kReset && ImGui::IsItemDeactivatedAfterEdit());
      break;
    }
    case ParamType::kInt: {
      int v = static_cast<int>(value.number);
      bool wide = spec.max_value - spec.min_value > 4096;
      bool changed = wide ? ImGui::InputInt(spec.key, &v, 1, 100, ImGuiInputTextFlags_EnterReturnsTrue)
                          : ImGui::SliderInt(spec.key, &v, static_cast<int>(spec.min_value),
                                             static_cast<int>(spec.max_value), "%d",
                                             ImGuiSliderFlags_AlwaysClamp);
      if (changed) {
        v = static_cast<int>(std::fmin(std::fmax(v, spec.min_value), spec.max_value));
        value.number = v;
        committed = wide || spec.apply == ParamApply::kLive;
      }
      committed = committed || (!wide && spec.apply == ParamApply::kReset &&
                                ImGui::IsItemDeactivatedAfterEdit());
      break;
    }
    case ParamType::kChoice: {
      int index = static_cast<int>(value.number);
      if (ImGui::Combo(spec.key, &index, spec.choices.data(), static_cast<int>(spec.choices.size()))) {
        value.number = index;
        committed = true;
      }
      break;
    }
    case ParamType::kText:
      if (ImGui::InputText(spec.key, &text_buffer, ImGuiInputTextFlags_EnterReturnsTrue)) {
        value.text = text_buffer;
        committed = true;
      }
      break;
  }
  if (ImGui::IsItemHovered() && spec.help) {
    ImGui::SetTooltip("%s%s\n%s", spec.help,
                      spec.apply == ParamApply::kReset ? "\n(needs new weights: changing it resets training)" : "",
                      spec.type == ParamType::kText ? "Press Enter to apply." : "");
  }
  ImGui::PopID();
  return committed;
}

}  // namespace genscope
