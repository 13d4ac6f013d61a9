#include <algorithm>
#include <cmath>
#include <cstring>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "util/strings.h"

namespace genscope {
namespace {

std::string clock_text(double seconds) {
  const int s = int(seconds);
  return strformat("%02d:%02d", s / 60, s % 60);
}

std::string size_text(int64_t bytes) {
  return bytes < (1 << 20) ? strformat("%.0f kB", bytes / 1024.0)
                           : strformat("%.1f MB", bytes / 1048576.0);
}

// A row's label: its key without "record_", in words ("steps per frame").
std::string record_label(const ParamSpec& spec) {
  std::string label = spec.key;
  const std::string prefix = "record_";
  if (label.rfind(prefix, 0) == 0) label.erase(0, prefix.size());
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

bool is_record_row(const ParamSpec& spec) { return std::strcmp(spec.group, kRecordGroup) == 0; }

// The label column of one row, with the row's tooltip.
void label_cell(const std::string& label, const std::string& tooltip) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label.c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tooltip.c_str());
  ImGui::TableSetColumnIndex(1);
}

// What a running recording has done: time, frames, size, drops and the repeat advice.
void draw_recording_status(const RecordingStatus& st) {
  ImGui::TextColored(ImVec4(1.0f, 0.3f, 0.3f, 1.0f), "REC %s", clock_text(st.elapsed_s).c_str());
  ImGui::SameLine();
  ImGui::Text("%lld frame%s (%.1f s of video)", static_cast<long long>(st.frames),
              st.frames == 1 ? "" : "s", st.video_s);
  ImGui::TextDisabled("%s on disk, %dx%d%s", size_text(st.bytes).c_str(), st.width, st.height,
                      st.lockstep ? strformat(", %d steps/frame", st.steps_per_frame).c_str() : "");
  if (st.dropped > 0) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.3f, 1.0f), "%lld dropped",
                       static_cast<long long>(st.dropped));
  }
  // Real time records what the window shows: a slow run gives mostly repeated frames.
  if (const std::string advice = repeat_advice(st.requested, st.new_steps, st.lockstep);
      !advice.empty() && st.requested >= 30) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.3f, 1.0f), "%s.", advice.c_str());
    ImGui::PopTextWrapPos();
    probe_item("repeat advice");
  }
}

}  // namespace

void RecorderPanel::draw_row(View& view, const ParamSpec& spec, bool in_table) {
  Params& values = view.recorder().values;
  const int i = static_cast<int>(spec.id);
  if (in_table) {
    label_cell(record_label(spec), param_tooltip(spec));
  } else {  // a text row (the path) gets the whole width
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(record_label(spec).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", param_tooltip(spec).c_str());
    ImGui::SameLine();
  }
  // The app's own values: nothing is in flight, so an idle widget always shows them.
  if (param_widget(spec, values.value(spec.id), 0, edits[i], ParamLabel::kNone)) {
    const Status set = values.set(spec.id, edits[i].value);
    error = set ? std::string() : set.error();
    error_row = spec.id;
  }
  if (error_row != spec.id || error.empty()) return;
  // The rejection under the row it is about, where the eyes are.
  if (in_table) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(1);
  }
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.3f, 1.0f), "%s", error.c_str());
  ImGui::PopTextWrapPos();
  probe_item("setting error");
}

void RecorderPanel::draw_lockstep(View& view) {
  Params& values = view.recorder().values;
  const ParamSpec& spec = param_spec(ParamId::kRecordStepsPerFrame);
  label_cell("lockstep", param_tooltip(spec));
  bool on = values.integer(spec.id) > 0;
  if (ImGui::Checkbox("##lockstep", &on)) {
    if (!on) lockstep_steps = values.integer(spec.id);
    const double steps = lockstep_steps > 0 ? lockstep_steps
                                            : param_default(spec, values.family()).number;
    values.set(spec.id, {on ? steps : 0.0, ""});
  }
  probe_item("lockstep");
  if (on) draw_row(view, spec, true);
}

void RecorderPanel::draw_settings(View& view) {
  float label_width = ImGui::CalcTextSize("lockstep").x;
  for (const ParamSpec& spec : param_table()) {
    if (is_record_row(spec) && spec.type == ParamType::kText) draw_row(view, spec, false);
    if (is_record_row(spec)) {
      label_width = std::max(label_width, ImGui::CalcTextSize(record_label(spec).c_str()).x);
    }
  }
  if (ImGui::BeginTable("record##rows", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed, label_width);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    for (const ParamSpec& spec : param_table()) {
      if (!is_record_row(spec) || spec.type == ParamType::kText) continue;
      if (spec.id == ParamId::kRecordStepsPerFrame) {
        draw_lockstep(view);
      } else {
        draw_row(view, spec, true);
      }
    }
    ImGui::EndTable();
  }
}

void RecorderPanel::draw(View& view) {
  RecorderUi& ui = view.recorder();
  const bool active = ui.status.active;
  // The button first: it stays in sight in a short panel, above the settings.
  if (ImGui::Button(active ? "Stop (R)###Record" : "Record (R)###Record", ImVec2(-1, 0))) {
    view.ask(AppRequest::kToggleRecording);
  }
  probe_item("Record");
  if (active) draw_recording_status(ui.status);
  if (!ui.message.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    if (ui.message_is_error) {
      ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.3f, 1.0f), "%s", ui.message.c_str());
    } else {
      ImGui::TextDisabled("%s", ui.message.c_str());
    }
    ImGui::PopTextWrapPos();
  }
  // One widget per Record row of the table (steps per frame behind the lockstep switch), locked
  // while a recording runs.
  ImGui::BeginDisabled(active);
  draw_settings(view);
  ImGui::EndDisabled();
}

const ImDrawList* draw_rec_indicator(View& view, ImVec2 display) {
  const RecordingStatus& st = view.recorder().status;
  if (!st.active) return nullptr;
  std::string text = "REC " + clock_text(st.elapsed_s) + "  " + size_text(st.bytes);
  if (st.lockstep) {
    text += strformat("  %lld frame%s", static_cast<long long>(st.frames), st.frames == 1 ? "" : "s");
  }
  if (st.dropped > 0) text += strformat("  %lld dropped", static_cast<long long>(st.dropped));
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  const float w = size.x + 30.0f, h = size.y + 10.0f;
  ImGui::SetNextWindowPos(ImVec2(display.x - w - 8.0f, display.y - h - 8.0f));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::SetNextWindowBgAlpha(0.85f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoInputs |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav;
  ImGui::Begin("##rec_indicator", nullptr, flags);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetWindowPos();
  draw->AddCircleFilled(ImVec2(p.x + 13.0f, p.y + h * 0.5f), 6.0f, IM_COL32(235, 40, 40, 255));
  draw->AddText(ImVec2(p.x + 24.0f, p.y + 5.0f), IM_COL32(255, 255, 255, 255), text.c_str());
  ImGui::End();
  ImGui::PopStyleVar();
  return draw;
}

}  // namespace genscope
