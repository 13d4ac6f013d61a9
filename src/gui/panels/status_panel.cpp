#include <cstdio>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "util/strings.h"

namespace genscope {
namespace {

ImVec4 level_color(MessageLevel level) {
  switch (level) {
    case MessageLevel::kError:
      return ImVec4(1.0f, 0.35f, 0.3f, 1.0f);
    case MessageLevel::kWarning:
      return ImVec4(1.0f, 0.75f, 0.3f, 1.0f);
    default:
      return ImVec4(0.7f, 0.8f, 0.9f, 1.0f);
  }
}

// One row of the status table: a gray name, then its value (wrapped in its column).
void row(const char* label, const std::string& value) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("%s", label);
  ImGui::TableSetColumnIndex(1);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(value.c_str());
  ImGui::PopTextWrapPos();
  probe_item(label);  // tests find the row's value by its name
}

// The status table's epoch row: a progress bar through the current epoch.
void epoch_row(const Snapshot& s) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("epoch");
  ImGui::TableSetColumnIndex(1);
  ImGui::ProgressBar(
      static_cast<float>(s.epoch_progress), ImVec2(-1, 0),
      strformat("epoch %lld: %.0f%%", static_cast<long long>(s.epoch), 100.0 * s.epoch_progress)
          .c_str());
}

// The data loader thread's row: how often the trainer found its batch ready, what it waited.
void data_row(const Snapshot& s) {
  row("data", strformat("%.0f%% of batches ready ahead, %.2f ms waited per batch",
                        100.0 * double(s.data_ready) / double(s.data_batches),
                        1000.0 * s.data_waited_s / double(s.data_batches)));
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("A loader thread assembles the next batch of real images (order, flips,\n"
                      "scaling to [-1, 1]) while the trainer steps. Waited: the time a step\n"
                      "spent getting its batch (%lld batches, %.2f s in all).",
                      static_cast<long long>(s.data_batches), s.data_waited_s);
  }
}

// "fashion-mnist, 60000 images", "ring8 (2D distribution)", "fortunes", or "-" before a dataset
// is loaded.
std::string dataset_text(const Snapshot& s) {
  if (s.dataset_name.empty()) return "-";
  if (s.is_toy) return s.dataset_name + " (2D distribution)";
  if (s.is_text) {
    return s.dataset_name;  // its size and characters: the vocabulary row
  }
  return strformat("%s, %lld images", s.dataset_name.c_str(), static_cast<long long>(s.dataset_size));
}

// A text model's vocabulary: every character it knows, in id order (line break, tab and space
// shown as symbols), wrapped to the column.
void vocabulary_row(const TextView& t) {
  std::string all = std::to_string(t.vocab.size()) + ": ";
  for (const std::string& c : t.vocab) {
    all += shown_char(c, true);
  }
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("vocabulary");
  ImGui::TableSetColumnIndex(1);
  // One line (the panel is short); hovering it shows them all.
  ImGui::TextUnformatted(fit_text(all, ImGui::GetContentRegionAvail().x).c_str());
  probe_item("vocabulary");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::Text("%.2fM characters to train on, %.2fM to validate on; %zu distinct, in id order\n"
                "(\xE2\x86\xB5 line break, \xE2\x86\x92 tab, \xC2\xB7 space):",
                t.train_chars / 1e6, t.val_chars / 1e6, t.vocab.size());
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(all.c_str());  // ImGui breaks it anywhere: it has no spaces
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

// The message that needs attention (an error, a warning), and for a run that diverged the
// button that rolls back to its last checkpoint (where it was drawn goes to `rollback_rect`).
void draw_problem(View& view, const Snapshot& s, ImRect& rollback_rect) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(level_color(s.message_level), "%s", s.message.c_str());
  if (s.diverged && s.checkpoint_step >= 0) {  // not for a typo: only a run that diverged
    char label[96];
    std::snprintf(label, sizeof label, "Roll back to step %lld",
                  static_cast<long long>(s.checkpoint_step));
    // Loads that file and keeps the checkpoint path: later saves do not overwrite it.
    if (ImGui::Button(label)) {
      Command c = Command::of(Command::Kind::kRollBack);
      c.value.text = s.checkpoint_path;
      view.send(c);
    }
    probe_item("Roll back");
    rollback_rect = ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Load %s", s.checkpoint_path.c_str());
  }
  ImGui::PopTextWrapPos();
  ImGui::Separator();
}

}  // namespace

void StatusPanel::draw_alarms(View& view) {
  const Snapshot& snap = view.snapshot();
  ImGui::TextDisabled("mute:");
  for (int k = 0; k < kAlarmKinds; ++k) {
    const AlarmKind kind = static_cast<AlarmKind>(k);
    bool muted = snap.alarm_muted[k];
    const ImGuiStyle& style = ImGui::GetStyle();
    const float need = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x +
                       ImGui::CalcTextSize(alarm_name(kind)).x + style.ItemSpacing.x;
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < need) ImGui::NewLine();  // wrap in a narrow panel
    if (ImGui::Checkbox(alarm_name(kind), &muted)) view.send(Command::mute_alarm(k, muted));
    probe_item(alarm_name(kind));
  }
  ImGui::Separator();
  if (snap.alarms.empty()) {
    ImGui::TextDisabled("no alarms");
    return;
  }
  ImGui::PushTextWrapPos(0.0f);
  for (auto it = snap.alarms.rbegin(); it != snap.alarms.rend(); ++it) {  // newest first
    ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.35f, 1.0f), "step %lld  %s",
                       static_cast<long long>(it->step), alarm_name(it->kind));
    ImGui::TextUnformatted(it->text.c_str());
  }
  ImGui::PopTextWrapPos();
}

void StatusPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Status", area)) return;
  if (ImGui::BeginTabBar("status_tabs")) {
    if (ImGui::BeginTabItem("Status")) {
      draw_status(view);
      ImGui::EndTabItem();
    }
    ImGuiTabItemFlags flags = open_record_tab ? ImGuiTabItemFlags_SetSelected : 0;
    open_record_tab = false;
    if (ImGui::BeginTabItem(
            view.recorder().status.active ? "Record (REC)###Record" : "Record###Record", nullptr,
            flags)) {
      recorder.draw(view);
      ImGui::EndTabItem();
    }
    const std::size_t count = view.snapshot().alarms.size();
    char title[48];
    std::snprintf(title, sizeof title, count ? "Alarms (%zu)###Alarms" : "Alarms###Alarms", count);
    const bool unseen = count > alarms_seen;
    if (unseen) ImGui::PushStyleColor(ImGuiCol_Tab, ImVec4(0.65f, 0.20f, 0.15f, 1.0f));
    const ImGuiTabItemFlags alarm_flags = open_alarms_tab ? ImGuiTabItemFlags_SetSelected : 0;
    open_alarms_tab = false;
    const bool open = ImGui::BeginTabItem(title, nullptr, alarm_flags);
    if (unseen) ImGui::PopStyleColor();
    if (open) {
      alarms_seen = count;
      draw_alarms(view);
      ImGui::EndTabItem();
    }
    const ImGuiTabItemFlags history_flags = open_history_tab ? ImGuiTabItemFlags_SetSelected : 0;
    open_history_tab = false;
    if (ImGui::BeginTabItem("History", nullptr, history_flags)) {
      draw_history(view);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

void StatusPanel::draw_history(View& view) {
  const std::deque<LogLine>& log = view.log();
  if (log.empty()) {
    ImGui::TextDisabled("nothing yet: edits, resets, pauses, saves and recordings show here");
    return;
  }
  ImGui::TextDisabled("%zu lines, newest first", log.size());
  ImGui::PushTextWrapPos(0.0f);
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    const ImVec4 color = it->level == MessageLevel::kError || it->level == MessageLevel::kWarning
                             ? level_color(it->level)
                             : ImVec4(0.85f, 0.87f, 0.9f, 1.0f);
    ImGui::TextDisabled("%6lld", static_cast<long long>(it->step));
    ImGui::SameLine();
    ImGui::TextColored(color, "%s", it->text.c_str());
  }
  ImGui::PopTextWrapPos();
}

void StatusPanel::draw_run_dir(View& view, const std::string& dir) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("files");
  ImGui::TableSetColumnIndex(1);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(dir.c_str());
  ImGui::PopTextWrapPos();
  probe_item("run directory");
  if (ImGui::IsItemHovered()) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::SetTooltip("The run directory: config.cfg, metrics.csv, events.log, checkpoints/, "
                      "recordings. Click to copy its path.");
  }
  if (ImGui::IsItemClicked()) {
    ImGui::SetClipboardText(dir.c_str());
    view.notify("copied the run directory's path: " + dir);
  }
}

// A viewer's row: the server it views, and (hovered) what that means.
void StatusPanel::draw_remote(View& view) {
  row("served by", view.remote() + " (this window views it)");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("The run trains on the server (genscope --serve): edits and buttons go "
                      "there as commands;\nscreenshots and recordings are made here, into "
                      "%s.\nClosing this window leaves the run training; Ctrl+C on the "
                      "server stops it.", view.files_dir().c_str());
  }
}

void StatusPanel::draw_status(View& view) {
  const FrameStats& f = view.frame();
  rollback_rect = ImRect();
  if (!view.has_snapshot()) {
    ImGui::TextDisabled("starting the trainer...");
    return;
  }
  const Snapshot& s = view.snapshot();
  // The top line is for what needs attention (an error, a warning); what an action did (an
  // info line) is the last action below it, and the History tab keeps them all.
  const bool problem = !s.message.empty() && s.message_level >= MessageLevel::kWarning;
  if (problem) draw_problem(view, s, rollback_rect);
  if (s.loading_progress >= 0.0) {  // an image folder decoding: training starts when it is done
    ImGui::ProgressBar(float(s.loading_progress), ImVec2(-1.0f, 0.0f), s.loading.c_str());
    probe_item("loading");
  }
  if (!view.log().empty() && !(problem && view.log().back().text == s.message)) {
    const LogLine& last = view.log().back();  // what the last action did, in one line
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(last.level == MessageLevel::kError ? level_color(MessageLevel::kError)
                                                          : ImVec4(0.6f, 0.65f, 0.7f, 1.0f),
                       "step %lld: %s", static_cast<long long>(last.step), last.text.c_str());
    ImGui::PopTextWrapPos();
    probe_item("last action");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The newest line of the History tab.");
  }
  const std::string state = run_state_text(view);
  if (ImGui::BeginTable("status_rows", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    row("run", s.model_name.empty() ? std::string("-") : s.model_name + " on " + dataset_text(s));
    if (!view.remote().empty()) draw_remote(view);
    if (!s.run_dir.empty()) draw_run_dir(view, s.run_dir);  // high up: in sight in short panels
    row("state", strformat("%s, step %lld", state.c_str(), static_cast<long long>(s.step)));
    if (s.is_toy) {  // sampled, not read: no epochs
      row("updates", strformat("%lld D, %lld G", static_cast<long long>(s.toy.d_updates),
                               static_cast<long long>(s.toy.g_updates)));
    } else {
      epoch_row(s);
    }
    row("speed", strformat("%.2f steps/s, %.0f %s/s", s.steps_per_sec, s.samples_per_sec,
                           s.is_text ? "characters" : "samples"));
    if (s.is_text && !s.text.vocab.empty()) vocabulary_row(s.text);
    if (s.data_batches > 0) data_row(s);
    row("frame", strformat("%.0f fps, %.1f ms (p99 %.1f), grid %.1f/s", f.fps, f.frame_ms,
                           f.frame_p99_ms, s.samples_hz));
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("The window draws when something is new (every step's metrics, up to "
                        "60 times a second).\nThe trainer renders a new sample grid as often "
                        "as that costs at most 5%% of its time: between 4 and 60 times a "
                        "second.");
    }
    // One row of two lines (two rows would take a row's padding more in a short panel); none
    // before the run says where it runs (a viewer still connecting).
    if (s.runtime.hardware_threads > 0) {
      row("runs on", strformat("%s, %s\n%d of %d threads: %s", s.runtime.device.c_str(),
                               s.runtime.blas.c_str(), s.runtime.threads,
                               s.runtime.hardware_threads, s.runtime.thread_reason.c_str()));
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("LibTorch's threads. threads = 0 lets genscope choose (every core; "
                          "with the window it measures\nwhich count trains faster while other "
                          "programs use the CPU); a number always wins.\nOpenMP: %s",
                          s.runtime.omp_wait.c_str());
      }
    }
    if (s.runtime.world > 1) {
      std::string lines = strformat("%d ranks, data-parallel (gradients all-reduced)",
                                    s.runtime.world);
      for (const std::string& r : s.runtime.ranks) lines += "\n" + r;
      row("ranks", lines);
      probe_item("ranks");
    }
    ImGui::EndTable();
  }
  if (!s.runtime.notes.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(level_color(MessageLevel::kWarning), "%s", s.runtime.notes.c_str());
    ImGui::PopTextWrapPos();
  }
}

}  // namespace genscope
