// The fork dialog (Fork here: Controls, Run menu, F) and the Samples panel's view of a fork: its
// runs' sample grids side by side.
#include <GLFW/glfw3.h>  // key codes, as ImGui's GLFW backend reports them

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr const char* kForkPopup = "Fork here###fork";
const ImVec4 kErrorColor(1.0f, 0.45f, 0.4f, 1.0f);
const ImVec4 kChangeColor(0.6f, 0.85f, 0.6f, 1.0f);

// What `edits` change from `from`, "lr_d 2.00e-04 -> 1.00e-04, loss ...", or why they cannot.
Status describe_edits(const Params& from, const std::string& edits, std::string& out) {
  Params to = from;
  if (Status s = apply_fork_edits(to, edits); !s) return s;
  out.clear();
  for (ParamId id : to.diff(from)) {
    const ParamSpec& spec = param_spec(id);
    out += (out.empty() ? "" : ", ") + std::string(spec.key) + " " +
           format_param_value(spec, from.value(id)) + " \u2192 " +
           format_param_value(spec, to.value(id));
  }
  if (out.empty()) out = "no change: the branch repeats this run step for step";
  return {};
}

// The "add a parameter" combo: the parameters Controls shows but the seed; a pick appends
// "key=<its value now>" to `edits`. True when it did.
bool add_parameter(const Params& params, char* edits, std::size_t size) {
  bool added = false;
  if (ImGui::BeginCombo("##add", "add a parameter", ImGuiComboFlags_HeightLargest)) {
    for (const ParamSpec& spec : param_table()) {
      if (!controls_shows(spec, model_family(params)) || spec.id == ParamId::kSeed) continue;
      if (ImGui::Selectable(spec.key)) {
        std::string text = edits;
        while (!text.empty() && (text.back() == ' ' || text.back() == ',')) text.pop_back();
        text += (text.empty() ? "" : ", ") + std::string(spec.key) + "=" + params.to_string(spec.id);
        std::snprintf(edits, size, "%s", text.c_str());
        added = true;
      }
      probe_item(std::string("add/") + spec.key);
    }
    ImGui::EndCombo();
  }
  probe_item("add a parameter");
  return added;
}

// Says what a fork does, from which run and step.
void explain_fork(const Snapshot& snap) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::Text("Branch %s at step %lld.",
              snap.fork.empty() ? "this run" : fork_run_name(snap, size_t(snap.fork_shown)).c_str(),
              static_cast<long long>(snap.step));
  ImGui::TextDisabled("The branch starts from this step's checkpoint with the edits below, in a "
                      "run directory of its own. The runs then take one step each in turn with "
                      "the same data order and random stream, so what differs is the edit's. "
                      "Any live or * parameter that keeps the model's shapes, but not the seed.");
  ImGui::PopTextWrapPos();
}

// What `edits` change (green), or why they cannot fork (red). True when they can.
bool check_edits(const Snapshot& snap, const char* edits) {
  const int runs = std::max<int>(1, int(snap.fork.size()));
  std::string change;
  const Status valid = describe_edits(snap.params, edits, change);
  const bool full = runs > kMaxForkBranches;
  ImGui::PushTextWrapPos(0.0f);
  if (full) {
    ImGui::TextColored(kErrorColor, "%d runs train already (the most): close a branch first "
                                    "(its x in the Samples panel)", runs);
  } else if (!valid) {
    ImGui::TextColored(kErrorColor, "%s", valid.error().c_str());
  } else {
    ImGui::TextColored(kChangeColor, "%s", change.c_str());
  }
  ImGui::PopTextWrapPos();
  return valid.ok() && !full;
}

}  // namespace

std::string fork_run_name(const Snapshot& snap, std::size_t index) {
  if (index >= snap.fork.size()) return "";
  const ForkRun& f = snap.fork[index];
  if (!f.edits.empty()) return f.edits;
  return short_run_name(std::filesystem::path(f.dir).filename().string());
}

void ForkDialog::draw(View& view) {
  if (open_requested) {
    ImGui::OpenPopup(kForkPopup);
    open_requested = false;
    focus_field = true;
  }
  ImGui::SetNextWindowSize(ImVec2(ui_px(520), 0), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(kForkPopup, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  if (!view.has_snapshot() || !view.snapshot().running) {
    ImGui::TextUnformatted("The run has not started: nothing to fork yet.");
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  const Snapshot& snap = view.snapshot();
  explain_fork(snap);
  const float field = ImGui::GetContentRegionAvail().x - ui_px(150) - ImGui::GetStyle().ItemSpacing.x;
  ImGui::SetNextItemWidth(field);
  if (focus_field) {
    ImGui::SetKeyboardFocusHere();
    focus_field = false;
  }
  const bool enter = ImGui::InputTextWithHint("##edits", "lr_d=1e-4, loss=hinge", edits,
                                              sizeof edits, ImGuiInputTextFlags_EnterReturnsTrue);
  probe_item("edits");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ui_px(150));
  if (add_parameter(snap.params, edits, sizeof edits)) focus_field = true;
  const bool can = check_edits(snap, edits);
  ImGui::BeginDisabled(!can);
  const bool fork = ImGui::Button("Fork", ImVec2(ui_px(90), 0)) || (enter && can);
  ImGui::EndDisabled();
  probe_item("Fork");
  ImGui::SameLine();
  const bool cancel = ImGui::Button("Cancel", ImVec2(ui_px(90), 0)) ||
                      ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false);
  probe_item("Cancel");
  if (fork) {
    view.send(Command::fork(edits));
    view.notify(std::string("forking at step ") + std::to_string(snap.step) + " with " + edits);
    edits[0] = '\0';
  }
  if (fork || cancel) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

void draw_fork_runs(View& view) {
  if (!view.has_snapshot() || view.snapshot().fork.size() < 2) return;
  const Snapshot& snap = view.snapshot();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("the fork's runs (pick: show and command it)");
  ImGui::PopTextWrapPos();
  const float close_w = ImGui::GetFrameHeight();
  for (size_t i = 0; i < snap.fork.size(); ++i) {
    ImGui::PushID(int(i));
    const std::string name = fork_run_name(snap, i);
    const float room = ImGui::GetContentRegionAvail().x - close_w - ImGui::GetFrameHeight() -
                       3 * ImGui::GetStyle().ItemSpacing.x;
    const std::string label = strformat("%s  (step %lld)", name.c_str(),
                                         static_cast<long long>(snap.fork[i].step));
    if (ImGui::RadioButton(fit_text(label, room).c_str(), int(i) == snap.fork_shown) &&
        int(i) != snap.fork_shown) {
      view.send(Command::of(Command::Kind::kShowRun, int64_t(i)));
    }
    probe_item("fork run " + std::to_string(i));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", snap.fork[i].dir.c_str());
    if (i > 0) {
      ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - close_w);
      if (ImGui::Button("x", ImVec2(close_w, 0))) {
        view.send(Command::of(Command::Kind::kCloseRun, int64_t(i)));
      }
      probe_item("close fork run " + std::to_string(i));
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Stop this branch (its run directory stays)");
    }
    ImGui::PopID();
  }
}

void SamplesPanel::draw_fork(View& view, ImVec2 avail) {
  const Snapshot& snap = view.snapshot();
  const int n = std::min<int>(int(snap.fork.size()), View::kForkSlots);
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const float w = std::max(ui_px(40), (avail.x - gap * float(n - 1)) / float(n));
  const float line = ImGui::GetTextLineHeightWithSpacing();
  for (int i = 0; i < n; ++i) {
    const ForkRun& f = snap.fork[size_t(i)];
    const bool shown = i == snap.fork_shown;
    if (i > 0) ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::PushID(i);
    const float close_w = i > 0 ? ImGui::GetFrameHeight() : 0.0f;
    const RunCompare::Entry* overlay = view.compare().find(f.dir);
    const ImVec4 color = shown ? ImGui::GetStyleColorVec4(ImGuiCol_Text)
                         : overlay ? ImGui::ColorConvertU32ToFloat4(overlay->color)
                                   : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
    const std::string name = fork_run_name(snap, size_t(i));
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(color, "%s",
                       fit_text(name, w - close_w - ImGui::GetStyle().ItemSpacing.x).c_str());
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("%s%s%s", f.dir.c_str(), f.parent.empty() ? "" : "\nforked from ",
                        f.parent.c_str());
    }
    if (i > 0) {
      ImGui::SameLine(w - close_w);  // (inside the group: from its left edge)
      if (ImGui::Button("x", ImVec2(close_w, 0))) view.send(Command::of(Command::Kind::kCloseRun, i));
      probe_item("close " + name);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Stop this branch (its run directory stays)");
    }
    const std::string state = strformat("step %lld, %s%s", static_cast<long long>(f.step),
                                        f.training ? "training" : "paused",
                                        shown ? " (shown)" : "");
    ImGui::TextDisabled("%s", fit_text(state, w).c_str());
    const float h = std::max(ui_px(40), avail.y - 2 * line - ImGui::GetFrameHeight());
    const TextureRef& tex = view.fork_texture(i);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (!tex.empty()) {
      image_fit("##grid", tex, ImVec2(w, h), 4.0f);
    } else {
      ImGui::Dummy(ImVec2(w, h));
    }
    probe_item("fork grid " + std::to_string(i));
    if (ImGui::IsItemClicked() && !shown) view.send(Command::of(Command::Kind::kShowRun, i));
    if (ImGui::IsItemHovered() && !shown) {
      ImGui::SetTooltip("Click: show this run in the panels (its controls, status and plots)");
    }
    if (shown) {
      const ImVec2 max = ImGui::GetItemRectMax();
      ImGui::GetWindowDrawList()->AddRect(ImVec2(at.x - 1, at.y - 1), ImVec2(max.x + 1, max.y + 1),
                                          ImGui::GetColorU32(ImGuiCol_ButtonActive), 0.0f, 0, 2.0f);
    }
    ImGui::PopID();
    ImGui::EndGroup();
  }
}

}  // namespace genscope
