#include <algorithm>
#include <cstring>

#include "gui/panels/panels.h"
#include "gui/param_widgets.h"

namespace genscope {

bool controls_shows(const ParamSpec& spec, ModelFamily family) {
  return param_applies(spec, family) && std::strcmp(spec.group, "Latent tools") != 0;
}

void ControlsPanel::draw(View& view, const ImRect& area) {
  if (!begin_panel("Controls", area)) return;
  if (!view.has_snapshot()) {
    ImGui::TextDisabled("starting the trainer...");
    ImGui::End();
    return;
  }
  const Snapshot& snap = view.snapshot();
  bool any_active = ImGui::IsAnyItemActive();
  for (const auto& spec : param_table()) {
    int i = static_cast<int>(spec.id);
    if (!synced || !any_active) {
      edits[i] = snap.pending.value(spec.id);
      text_buffers[i] = edits[i].text;
    }
  }
  synced = true;

  float third = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3.0f;
  if (ImGui::Button(snap.paused ? "Resume" : "Pause", ImVec2(third, 0))) {
    view.send(Command::of(snap.paused ? Command::Kind::kResume : Command::Kind::kPause));
  }
  ImGui::SameLine();
  if (ImGui::Button("Step", ImVec2(third, 0)))
    view.send(Command::of(Command::Kind::kStep, step_count));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Train %d step(s), then pause.", step_count);
  ImGui::SameLine();
  std::vector<ParamId> waiting = snap.pending.diff(snap.params);
  if (!waiting.empty()) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.65f, 0.35f, 0.10f, 1.0f));
  if (ImGui::Button("Reset", ImVec2(third, 0))) view.send(Command::of(Command::Kind::kReset));
  if (!waiting.empty()) ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("New weights from the seed; applies needs-reset edits.");
  }
  ImGui::SetNextItemWidth(third);
  ImGui::InputInt("steps per Step", &step_count);
  step_count = std::max(1, std::min(step_count, 100000));

  if (!waiting.empty()) {
    std::string list;
    for (ParamId id : waiting) list += std::string(list.empty() ? "" : ", ") + param_spec(id).key;
    ImGui::TextColored(ImVec4(1.0f, 0.7f, 0.3f, 1.0f), "Reset to apply: %s", list.c_str());
  }

  // The pending model decides, so a GAN -> VAE switch shows beta before the reset.
  const ModelFamily family = model_family(snap.pending);
  const char* group = "";
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  for (const auto& spec : param_table()) {
    int i = static_cast<int>(spec.id);
    if (!controls_shows(spec, family)) continue;
    if (std::string(group) != spec.group) {
      group = spec.group;
      ImGui::Spacing();
      ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.0f, 1.0f), "%s", group);
      ImGui::Separator();
    }
    bool pending = snap.pending.value(spec.id) != snap.params.value(spec.id);
    if (pending) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0.45f, 0.28f, 0.08f, 1.0f));
    if (param_widget(spec, edits[i], text_buffers[i])) {
      view.send(Command::set(spec.id, edits[i]));
      // Needs-reset values take effect through a reset, which the trainer announces.
      if (spec.apply == ParamApply::kReset) view.send(Command::of(Command::Kind::kReset));
    }
    if (pending) ImGui::PopStyleColor();
    if (spec.apply == ParamApply::kReset) {
      ImGui::SameLine();
      ImGui::TextDisabled("(reset)");
    }
  }
  ImGui::PopItemWidth();
  // Checkpoints: the path is the checkpoint row above.
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2.0f;
  if (ImGui::Button("Save checkpoint", ImVec2(half, 0)))
    view.send(Command::of(Command::Kind::kSaveCheckpoint));
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Ctrl+S. Writes %s atomically: weights, optimizer state, RNG, fixed noise, "
                      "step and every parameter.", snap.params.text(ParamId::kCheckpointPath).c_str());
  }
  ImGui::SameLine();
  if (ImGui::Button("Load checkpoint", ImVec2(half, 0)))
    view.send(Command::of(Command::Kind::kLoadCheckpoint));
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Replaces this run by %s and continues exactly where it was saved.",
                      snap.pending.text(ParamId::kCheckpointPath).c_str());
  }
  ImGui::End();
}

}  // namespace genscope
