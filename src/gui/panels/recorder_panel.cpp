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

}  // namespace

void RecorderPanel::draw(View& view) {
  RecorderUi& ui = view.recorder();
  RecordSettings& s = ui.settings;
  const bool active = ui.status.active;

  ImGui::BeginDisabled(active);
  char path[512];
  std::snprintf(path, sizeof path, "%s", ui.path_buffer.c_str());
  ImGui::SetNextItemWidth(-40);
  if (ImGui::InputText("file", path, sizeof path)) ui.path_buffer = path;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip(".mp4 (H.264) or .gif");
  ImGui::TextDisabled("region");
  for (RecordRegion r : {RecordRegion::kWindow, RecordRegion::kSamples, RecordRegion::kPlots}) {
    flow_next(checkbox_width(record_region_name(r)));
    if (ImGui::RadioButton(record_region_name(r), s.region == r)) s.region = r;
    probe_item(record_region_name(r));
  }
  ImGui::SetNextItemWidth(ui_px(90));
  ImGui::SliderInt("fps", &s.fps, record_limits::kMinFps, 60);
  flow_next(ui_px(90) + checkbox_width("CRF"));
  ImGui::SetNextItemWidth(ui_px(90));
  ImGui::SliderInt("CRF", &s.crf, record_limits::kMinCrf, record_limits::kMaxCrf);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("H.264 quality: lower is better and bigger; 18-23 is typical.");
  static const float kScales[] = {1.0f, 0.75f, 0.5f, 0.25f};
  static const char* kScaleNames[] = {"100%", "75%", "50%", "25%"};
  int scale_index = 0;
  for (int i = 0; i < 4; ++i) {
    if (std::fabs(kScales[i] - s.scale) < 1e-3f) scale_index = i;
  }
  ImGui::SetNextItemWidth(ui_px(90));
  if (ImGui::Combo("scale", &scale_index, kScaleNames, 4)) s.scale = kScales[scale_index];
  ImGui::Checkbox("lockstep", &ui.lockstep);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Train exactly N steps per recorded frame: the same seed and settings give\n"
                      "the same video. Off: capture in real time at the target fps.");
  }
  probe_item("lockstep");
  if (ui.lockstep) {
    flow_next(ui_px(90) + checkbox_width("steps/frame"));
    ImGui::SetNextItemWidth(ui_px(90));
    ImGui::InputInt("steps/frame", &ui.lockstep_steps);
    ui.lockstep_steps = std::clamp(ui.lockstep_steps, 1, record_limits::kMaxStepsPerFrame);
  }
  int frames = int(s.max_frames);
  ImGui::SetNextItemWidth(ui_px(90));
  if (ImGui::InputInt("frame limit", &frames)) s.max_frames = std::max(0, frames);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Stop after this many frames (0: never).");
  ImGui::EndDisabled();

  if (ImGui::Button(active ? "Stop (R)###Record" : "Record (R)###Record", ImVec2(-1, 0))) {
    ui.toggle_requested = true;
  }
  probe_item("Record");
  if (active) {
    const RecordingStatus& st = ui.status;
    ImGui::TextColored(ImVec4(1.0f, 0.3f, 0.3f, 1.0f), "REC %s", clock_text(st.elapsed_s).c_str());
    ImGui::SameLine();
    ImGui::Text("%lld frame%s (%.1f s of video)", static_cast<long long>(st.frames),
                st.frames == 1 ? "" : "s", st.video_s);
    ImGui::TextDisabled("%s on disk, %dx%d%s", size_text(st.bytes).c_str(), st.width, st.height,
                        st.lockstep ? strformat(", %d steps/frame", ui.lockstep_steps).c_str()
                                    : "");
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
  if (!ui.message.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    if (ui.message_is_error) {
      ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.3f, 1.0f), "%s", ui.message.c_str());
    } else {
      ImGui::TextDisabled("%s", ui.message.c_str());
    }
    ImGui::PopTextWrapPos();
  }
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
