#include <algorithm>
#include <cfloat>
#include <cstring>

#include "gui/panels/panels.h"
#include "gui/probe.h"

namespace genscope {
namespace {

const ImVec4 kGroupColor(0.55f, 0.75f, 1.0f, 1.0f);
const ImVec4 kPendingColor(1.0f, 0.7f, 0.3f, 1.0f);

// The label column's text for `spec`: its key, with "*" for needs-reset rows.
std::string row_label(const ParamSpec& spec) {
  return std::string(spec.key) + (spec.apply == ParamApply::kReset ? " *" : "");
}

// Pause/Resume, Step, Reset (highlighted while edits wait for it), the step count, and the
// list of edits that wait.
void draw_run_buttons(View& view, const Snapshot& snap, int& step_count, bool& fork_clicked) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float third = (ImGui::GetContentRegionAvail().x - 2 * style.ItemSpacing.x) / 3.0f;
  const bool paused = view.paused_or_pausing();
  if (ImGui::Button(paused ? "Resume###Pause" : "Pause###Pause", ImVec2(third, 0))) {
    view.request_pause(!paused);
  }
  probe_item("Pause");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(paused ? "Resume training (Space)." : "Pause after this step (Space).");
  ImGui::SameLine();
  if (ImGui::Button("Step", ImVec2(third, 0)))
    view.send(Command::of(Command::Kind::kStep, step_count));
  probe_item("Step");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Train %d step(s), then pause (.).", step_count);
  ImGui::SameLine();
  const std::vector<ParamId> waiting = snap.pending.diff(snap.params);
  if (!waiting.empty()) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.65f, 0.35f, 0.10f, 1.0f));
  if (ImGui::Button("Reset", ImVec2(third, 0))) view.send(Command::of(Command::Kind::kReset));
  if (!waiting.empty()) ImGui::PopStyleColor();
  probe_item("Reset");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("New weights from the seed; applies the * edits.");
  ImGui::SetNextItemWidth(third);
  ImGui::InputInt("steps per Step", &step_count);
  probe_item("steps per Step", third);
  step_count = std::clamp(step_count, 1, 100000);
  // Beside the step count when it fits ("Fork" in a narrow panel), else on a line of its own.
  const auto button_w = [&](const char* text) {
    return ImGui::CalcTextSize(text).x + 2 * style.FramePadding.x;
  };
  ImGui::SameLine(0.0f, style.ItemSpacing.x);
  float fork_w = ImGui::GetContentRegionAvail().x;
  if (fork_w < button_w("Fork")) {
    ImGui::NewLine();
    fork_w = ImGui::GetContentRegionAvail().x;
  }
  ImGui::BeginDisabled(!snap.running);
  if (ImGui::Button(fork_w >= button_w("Fork here") ? "Fork here###fork" : "Fork###fork",
                    ImVec2(fork_w, 0))) {
    fork_clicked = true;
  }
  ImGui::EndDisabled();
  probe_item("Fork here");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("Branch this run at this step with an edit; both then train in turn and\n"
                      "every plot overlays them (F).");
  }

  if (!waiting.empty()) {
    std::string list;
    for (ParamId id : waiting) list += std::string(list.empty() ? "" : ", ") + param_spec(id).key;
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(kPendingColor, "Reset to apply: %s", list.c_str());
    ImGui::PopTextWrapPos();
  }
  draw_fork_runs(view);
}

// One row of a group's table: the name (orange while its edit waits for a reset) and the
// widget, which sends the edit (and a reset for a needs-reset row).
void draw_param_row(View& view, const Snapshot& snap, const ParamSpec& spec,
                    std::array<ParamEdit, kParamCount>& edits, float label_width) {
  const int i = static_cast<int>(spec.id);
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::AlignTextToFramePadding();
  const bool pending = snap.pending.value(spec.id) != snap.params.value(spec.id);
  const std::string label = fit_text(row_label(spec), label_width);
  if (pending) {
    ImGui::TextColored(kPendingColor, "%s", label.c_str());
  } else {
    ImGui::TextUnformatted(label.c_str());
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s\n%s", row_label(spec).c_str(), param_tooltip(spec).c_str());
  }
  ImGui::TableSetColumnIndex(1);
  if (pending) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0.45f, 0.28f, 0.08f, 1.0f));
  if (param_widget(spec, snap.pending.value(spec.id), snap.commands_done, edits[i],
                   ParamLabel::kNone)) {
    param_sent(edits[i], view.send(Command::set(spec.id, edits[i].value)));
    // Needs-reset values take effect through a reset, which the trainer announces.
    if (spec.apply == ParamApply::kReset) view.send(Command::of(Command::Kind::kReset));
  }
  if (pending) ImGui::PopStyleColor();
}

// One two-column table per group: names on the left (as wide as the widest, at most 45 %
// of the panel), widgets filling the rest. The pending model decides which rows show, so a
// GAN -> VAE switch shows beta before the reset.
void draw_param_tables(View& view, const Snapshot& snap,
                       std::array<ParamEdit, kParamCount>& edits) {
  const ModelFamily family = model_family(snap.pending);
  float label_width = 0.0f;
  for (const auto& spec : param_table()) {
    if (controls_shows(spec, family))
      label_width = std::max(label_width, ImGui::CalcTextSize(row_label(spec).c_str()).x);
  }
  label_width = std::min(label_width, ImGui::GetContentRegionAvail().x * 0.45f);
  const char* group = nullptr;
  bool group_open = false, in_table = false;
  const auto end_table = [&] {
    if (in_table) ImGui::EndTable();
    in_table = false;
  };
  for (const auto& spec : param_table()) {
    if (!controls_shows(spec, family)) continue;
    if (!group || std::strcmp(group, spec.group) != 0) {
      end_table();
      group = spec.group;
      ImGui::PushStyleColor(ImGuiCol_Text, kGroupColor);
      group_open = ImGui::CollapsingHeader(group, ImGuiTreeNodeFlags_DefaultOpen);
      ImGui::PopStyleColor();
      if (group_open) {
        in_table = ImGui::BeginTable((std::string(group) + "##rows").c_str(), 2,
                                     ImGuiTableFlags_SizingFixedFit);
        if (in_table) {
          ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed, label_width);
          ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        }
      }
    }
    if (!in_table) continue;
    draw_param_row(view, snap, spec, edits, label_width);
  }
  end_table();
}

// Checkpoints: the path is the checkpoint row above.
void draw_checkpoint_buttons(View& view, const Snapshot& snap) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float half = (ImGui::GetContentRegionAvail().x - style.ItemSpacing.x) / 2.0f;
  if (ImGui::Button("Save checkpoint", ImVec2(half, 0)))
    view.send(Command::of(Command::Kind::kSaveCheckpoint));
  probe_item("Save checkpoint");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Ctrl+S. Writes %s atomically: weights, optimizer state, RNG, fixed noise, "
                      "step and every parameter.",
                      snap.params.text(ParamId::kCheckpointPath).c_str());
  }
  ImGui::SameLine();
  if (ImGui::Button("Load checkpoint", ImVec2(half, 0)))
    view.send(Command::of(Command::Kind::kLoadCheckpoint));
  probe_item("Load checkpoint");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Replaces this run by %s and continues exactly where it was saved.",
                      snap.pending.text(ParamId::kCheckpointPath).c_str());
  }
}

}  // namespace

bool controls_shows(const ParamSpec& spec, ModelFamily family) {
  return is_training_param(spec) && param_applies(spec, family) &&
         std::strcmp(spec.group, "Latent tools") != 0;
}

void ControlsPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Controls", area)) return;
  if (!view.has_snapshot()) {
    ImGui::TextDisabled("starting the trainer...");
    ImGui::End();
    return;
  }
  const Snapshot& snap = view.snapshot();
  draw_run_buttons(view, snap, step_count, fork_clicked);
  draw_param_tables(view, snap, edits);
  ImGui::TextDisabled("* resets training (new weights)");
  draw_checkpoint_buttons(view, snap);
  ImGui::End();
}

}  // namespace genscope
