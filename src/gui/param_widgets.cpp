#include "gui/param_widgets.h"

#include <imgui.h>
#include <imgui_internal.h>  // TempInputIsActive: is a slider being typed into?
#include <imgui_stdlib.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "gui/plot.h"  // fit_text
#include "gui/probe.h"
#include "util/strings.h"

namespace genscope {
namespace {

// `v` rounded to `digits` significant digits (the log slider snaps to what it shows).
double round_significant(double v, int digits) {
  if (v == 0.0 || !std::isfinite(v)) return v;
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  const int shift = digits - 1 - exponent;
  if (shift >= 0) {
    const double scale = std::pow(10.0, shift);
    return std::round(v * scale) / scale;
  }
  const double scale = std::pow(10.0, -shift);
  return std::round(v / scale) * scale;
}

// A logarithmic slider over [lo, hi] (lo > 0) that drags the exponent and shows the value.
// ImGui's own logarithmic slider takes its zero epsilon from the format's precision, which is
// 10 for "%e" formats: it could not be dragged below 10. Ctrl+click types the value itself.
bool log_slider(const char* id, double& value, double lo, double hi, const std::string& shown,
                bool typing) {
  const double t_lo = std::log10(lo), t_hi = std::log10(hi);
  double t = std::log10(std::clamp(value, lo, hi));
  // The display "format" is the formatted value itself: no conversion, nothing to round to.
  const std::string format = escape_percent(shown);
  if (!ImGui::SliderScalar(id, ImGuiDataType_Double, &t, &t_lo, &t_hi, format.c_str(),
                           ImGuiSliderFlags_NoRoundToFormat)) {
    return false;
  }
  if (typing) {  // the text field parsed the typed number into t: it is the value, not its log
    value = t;
    return true;
  }
  if (t <= t_lo) {
    value = lo;
  } else if (t >= t_hi) {
    value = hi;
  } else {
    value = std::clamp(round_significant(std::pow(10.0, t), 3), lo, hi);
  }
  return true;
}

// A linear slider in double over [lo, hi], rounded to `decimals` places while dragged.
bool linear_slider(const char* id, double& value, double lo, double hi, int decimals,
                   bool typing) {
  const std::string format = strformat("%%.%df", decimals);
  if (!ImGui::SliderScalar(id, ImGuiDataType_Double, &value, &lo, &hi, format.c_str())) {
    return false;
  }
  if (!typing) value = std::clamp(value, lo, hi);
  return true;
}

// What the user did to a parameter's control this frame.
struct WidgetInput {
  bool changed = false;
  bool immediate = false;  // a discrete pick (combo, +/- button): commits at once
};

// A float row: an input field with +/- buttons, a log slider or a linear one.
WidgetInput float_control(const ParamSpec& spec, const std::string& id, ParamEdit& edit,
                          bool typing) {
  WidgetInput input;
  double& number = edit.value.number;
  if (param_uses_input(spec)) {
    const std::string format = strformat("%%.%df", param_decimals(spec));
    input.changed = ImGui::InputDouble(id.c_str(), &number, 1.0, 10.0, format.c_str());
    input.immediate = input.changed && !ImGui::IsItemActive();  // a +/- button, not typing
  } else if (spec.log_scale && spec.min_value > 0.0) {
    input.changed = log_slider(id.c_str(), number, spec.min_value, spec.max_value,
                               format_param_value(spec, edit.value), typing);
  } else {
    input.changed = linear_slider(id.c_str(), number, spec.min_value, spec.max_value,
                                  param_decimals(spec), typing);
  }
  return input;
}

// An int row: an input field with +/- buttons, or a slider.
WidgetInput int_control(const ParamSpec& spec, const std::string& id, ParamEdit& edit,
                        bool typing) {
  WidgetInput input;
  double& number = edit.value.number;
  int v = static_cast<int>(std::clamp(number, double(INT32_MIN), double(INT32_MAX)));
  if (param_uses_input(spec)) {
    input.changed = ImGui::InputInt(id.c_str(), &v, 1, 100);
    input.immediate = input.changed && !ImGui::IsItemActive();  // a +/- button, not typing
  } else {
    input.changed = ImGui::SliderInt(id.c_str(), &v, static_cast<int>(spec.min_value),
                                     static_cast<int>(spec.max_value), "%d");
    if (input.changed && !typing) v = std::clamp(v, int(spec.min_value), int(spec.max_value));
  }
  if (input.changed) number = v;
  return input;
}

// The control for `spec`'s type, editing `edit`; its ImGui id is `id`.
WidgetInput edit_control(const ParamSpec& spec, const std::string& id, ParamEdit& edit,
                         bool typing) {
  WidgetInput input;
  switch (spec.type) {
    case ParamType::kFloat:
      return float_control(spec, id, edit, typing);
    case ParamType::kInt:
      return int_control(spec, id, edit, typing);
    case ParamType::kChoice: {
      int index = static_cast<int>(edit.value.number);
      // The value cut with ".." when the frame is too narrow for it (ImGui would clip it), and
      // every choice in view (ImGui's default shows 8, then scrolls; this, up to 20).
      const int count = static_cast<int>(spec.choices.size());
      const char* current = index >= 0 && index < count ? spec.choices[index] : "";
      const float room = ImGui::CalcItemWidth() - ImGui::GetFrameHeight() -
                         2.0f * ImGui::GetStyle().FramePadding.x;
      if (ImGui::BeginCombo(id.c_str(), fit_text(current, room).c_str(), ImGuiComboFlags_HeightLargest)) {
        for (int i = 0; i < count; ++i) {
          if (ImGui::Selectable(spec.choices[i], i == index) && i != index) {
            edit.value.number = i;
            input.changed = input.immediate = true;
          }
          if (i == index) ImGui::SetItemDefaultFocus();
        }
        ImGui::EndCombo();
      }
      break;
    }
    case ParamType::kText:
      // Training's text rows (a dataset) apply on Enter; the window's (a path) as typed. An
      // empty prompt says what it stands for.
      if (ImGui::InputTextWithHint(id.c_str(),
                           spec.id == ParamId::kPrompt ? "the start of a validation passage" : "",
                           &edit.text,
                           spec.apply == ParamApply::kApp ? ImGuiInputTextFlags_None
                                                          : ImGuiInputTextFlags_EnterReturnsTrue)) {
        edit.value.text = edit.text;
        input.changed = input.immediate = true;
      }
      break;
  }
  return input;
}

}  // namespace

double param_slider_ratio(const ParamSpec& spec, double value) {
  const double lo = spec.min_value, hi = spec.max_value;
  if (hi <= lo) return 0.0;
  if (spec.type == ParamType::kFloat && spec.log_scale && lo > 0.0) {
    return (std::log10(std::clamp(value, lo, hi)) - std::log10(lo)) /
           (std::log10(hi) - std::log10(lo));
  }
  return (std::clamp(value, lo, hi) - lo) / (hi - lo);
}

std::string param_tooltip(const ParamSpec& spec) {
  std::string text = spec.help ? spec.help : "";
  const Params defaults;
  switch (spec.type) {
    case ParamType::kFloat:
    case ParamType::kInt:
      text += strformat("\nRange %s to %s%s, default %s.",
                        format_param_value(spec, {spec.min_value, ""}).c_str(),
                        format_param_value(spec, {spec.max_value, ""}).c_str(),
                        spec.log_scale ? " (logarithmic)" : "",
                        defaults.to_string(spec.id).c_str());
      text += "\nDrag, or Ctrl+click and type a value, then Enter.";
      break;
    case ParamType::kChoice:
      text += strformat("\nDefault %s.", defaults.to_string(spec.id).c_str());
      break;
    case ParamType::kText:
      text += strformat("\nDefault %s. Press Enter to apply.", defaults.to_string(spec.id).c_str());
      break;
  }
  if (spec.apply == ParamApply::kReset) {
    text += "\nNeeds new weights: changing it resets training.";
  } else if (spec.apply == ParamApply::kApp) {
    text += "\nA setting of the window's: training never sees it.";
  } else {
    text += "\nApplies live, between two steps.";
  }
  return text;
}

void sync_edit(const ParamValue& current, uint64_t handled, ParamEdit& edit) {
  if (!edit.active && (handled >= edit.sent || !edit.synced)) {
    edit.value = current;
    edit.committed = current;
    edit.text = current.text;
    edit.synced = true;
  }
}

bool param_widget(const ParamSpec& spec, const ParamValue& current, uint64_t handled,
                  ParamEdit& edit, ParamLabel label) {
  sync_edit(current, handled, edit);
  ImGui::PushID(spec.key);
  const std::string id = label == ParamLabel::kRight ? spec.key : std::string("##") + spec.key;
  if (label == ParamLabel::kNone) ImGui::SetNextItemWidth(-FLT_MIN);
  const float frame_width = ImGui::CalcItemWidth();
  // (GetID would keep the id alive and confuse InputInt's group, whose text field has this id.)
  const bool typing =
      ImGui::TempInputIsActive(ImGui::GetCurrentWindow()->GetIDNoKeepAlive(id.c_str()));
  // Esc while typing cancels: ImGui puts back the text it showed, which is rounded (0.12345
  // shows as 0.123), so its "edit" would change the value.
  const bool escaped = (typing || edit.active) &&
                       ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
  const WidgetInput input = edit_control(spec, id, edit, typing);
  const bool text_field = spec.type == ParamType::kText;
  const bool deactivated = !text_field && ImGui::IsItemDeactivatedAfterEdit();
  edit.active = ImGui::IsItemActive();
  if (ImGui::IsItemHovered() && !edit.active) {
    ImGui::SetTooltip("%s", param_tooltip(spec).c_str());
  }
  probe_item(spec.key, frame_width);
  ImGui::PopID();

  if (escaped) {
    edit.value = edit.committed;
    edit.text = edit.committed.text;
    return false;
  }
  bool commit =
      input.immediate || deactivated ||
      (input.changed && !typing && spec.apply != ParamApply::kReset && !param_uses_input(spec));
  // Releasing a drag that ended where it started, or re-sending what was sent, is no edit;
  // a text typed again after an error is (the user asked for it).
  if (commit && !text_field && edit.value == edit.committed) commit = false;
  return commit;
}

}  // namespace genscope
