// The Runs window: past runs beside the live one, ticked to overlay their curves, and a selected
// run's details (its sample grid, the parameters it differs in, rename, tags, trash).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "record/png.h"
#include "util/strings.h"

namespace genscope {
namespace {
namespace fs = std::filesystem;

constexpr double kListEverySeconds = 5.0;
enum Action { kRename, kTags, kTrash };

bool same_dir(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  std::error_code ec;
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

std::string started_text(std::time_t t) {
  if (t <= 0) return "-";
  char buf[32];
  std::tm tm{};
  localtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%m-%d %H:%M", &tm);
  return buf;
}

std::string metrics_text(const std::vector<std::pair<std::string, float>>& last) {
  std::string out;
  for (const auto& [name, value] : last) {
    if (!out.empty()) out += "  ";
    out += name + " " + strformat("%.3g", value);
  }
  return out.empty() ? "-" : out;
}

std::string diff_text(const std::vector<ParamDiff>& diff) {
  std::string out;
  for (const ParamDiff& d : diff) out += (out.empty() ? "" : ", ") + d.key + "=" + d.value;
  return out.empty() ? "same" : out;
}

// The live run's last values, as the list shows a past run's.
std::vector<std::pair<std::string, float>> live_metrics(const View& view) {
  RunCurves last;
  for (const std::string& name : view.snapshot().metric_names) {
    const MetricSeries* s = view.series(name);
    RunCurve c;
    c.name = name;
    if (s && !s->empty()) c.value.push_back(s->raw(s->size() - 1));
    last.columns.push_back(std::move(c));
  }
  return main_metrics(last);
}

// A small square of a ticked run's colour.
void color_swatch(ImU32 color) {
  const float side = ImGui::GetFontSize() * 0.7f;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float y = p.y + 0.5f * (ImGui::GetFrameHeight() - side);
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + side, y + side), color);
  ImGui::Dummy(ImVec2(side, ImGui::GetFrameHeight()));
}

void text_cell(const std::string& text) {
  ImGui::TableNextColumn();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(text.c_str());
  if (ImGui::IsItemHovered() && ImGui::GetItemRectMax().x > ImGui::GetWindowPos().x + ImGui::GetWindowWidth()) {
    ImGui::SetTooltip("%s", text.c_str());
  }
}

}  // namespace

void RunsPanel::say(std::string text, bool error) {
  message = std::move(text);
  message_error = error;
}

void RunsPanel::compare(View& view, const std::string& dir) {
  if (std::find(extra.begin(), extra.end(), dir) == extra.end()) extra.push_back(dir);
  auto summary = read_run_summary(dir);
  const std::string name = summary ? summary->name : fs::path(dir).filename().string();
  if (auto s = view.compare().tick(dir, name); !s) say(s.error(), true);
  refresh = true;
}

void RunsPanel::follow_fork(View& view) {
  if (!view.has_snapshot()) return;
  const Snapshot& snap = view.snapshot();
  // The run shown draws the live lines: no overlay of it too (ticked again once another shows).
  const auto shown = std::find(fork_ticked.begin(), fork_ticked.end(), snap.run_dir);
  if (shown != fork_ticked.end()) {
    view.compare().untick(*shown);
    fork_ticked.erase(shown);
  }
  const double now = ImGui::GetTime();
  const bool due = now - fork_read_at >= fork_read_every;
  const auto started = std::chrono::steady_clock::now();
  bool read = false;
  for (size_t i = 0; i < snap.fork.size(); ++i) {
    const std::string& dir = snap.fork[i].dir;
    if (int(i) == snap.fork_shown) continue;
    const bool known = std::find(fork_ticked.begin(), fork_ticked.end(), dir) != fork_ticked.end();
    if (known && (!due || !view.compare().ticked(dir))) continue;  // (unticked by hand: left so)
    if (view.compare().tick(dir, fork_run_name(snap, i)) && !known) fork_ticked.push_back(dir);
    read = true;  // (a branch with no rows yet is tried again next time)
  }
  if (due) {
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fork_read_at = now;
    fork_read_every = std::max(1.0, 20.0 * took);
  }
  if (read && !due) refresh = true;  // a new branch: listed at once
}

void RunsPanel::list(View& view) {
  listed_dir = view.snapshot().params.text(ParamId::kRunsDir);
  errors.clear();
  std::vector<RunSummary> found = list_runs(listed_dir, &errors);
  for (const std::string& dir : extra) {
    const bool listed = std::any_of(found.begin(), found.end(),
                                    [&](const RunSummary& r) { return same_dir(r.path, dir); });
    if (listed) continue;
    auto s = read_run_summary(dir);
    if (s) {
      found.push_back(std::move(*s));
    } else {
      errors.push_back(s.error());
    }
  }
  const std::string& live = view.snapshot().run_dir;
  found.erase(std::remove_if(found.begin(), found.end(),
                             [&](const RunSummary& r) { return same_dir(r.path, live); }),
              found.end());
  runs = std::move(found);
  listed_at = ImGui::GetTime();
  refresh = false;
}

void RunsPanel::draw_row(View& view, const RunSummary& run, const std::vector<ParamDiff>& diff) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::PushID(run.path.c_str());
  bool on = view.compare().ticked(run.path);
  if (ImGui::Checkbox("##tick", &on)) {
    if (!on) {
      view.compare().untick(run.path);
    } else if (auto s = view.compare().tick(run.path, run.name); !s) {
      say(s.error(), true);
    }
  }
  probe_item("tick/" + run.name);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Overlay this run's curves on the plots");
  if (const RunCompare::Entry* e = view.compare().find(run.path)) {
    ImGui::SameLine();
    color_swatch(e->color);
  }
  ImGui::TableNextColumn();
  std::string label = run.name;
  for (const std::string& tag : run.tags) label += "  [" + tag + "]";
  if (ImGui::Selectable(label.c_str(), selected == run.path, ImGuiSelectableFlags_AllowItemOverlap)) {
    selected = selected == run.path ? "" : run.path;
  }
  probe_item("run/" + run.name);
  if (ImGui::IsItemHovered()) {
    std::string tip = run.path;
    std::string parent_dir;
    int64_t step = 0;
    if (split_parent(run.parent, parent_dir, step)) {
      tip += strformat("\nforked from %s at step %lld", parent_dir.c_str(), static_cast<long long>(step));
    }
    ImGui::SetTooltip("%s\nclick: its samples, rename, tags, trash", tip.c_str());
  }
  text_cell(run.model);
  text_cell(run.dataset);
  text_cell(run.steps < 0 ? "-" : std::to_string(run.steps));
  text_cell(diff_text(diff));
  text_cell(metrics_text(run.last));
  text_cell(started_text(run.started));
  ImGui::PopID();
}

void RunsPanel::draw_table(View& view, float height) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_PadOuterX;
  if (!ImGui::BeginTable("##runs", 8, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(2, 1);
  for (const char* c : {"", "run", "model", "dataset", "steps", "differs from the live run",
                        "last values", "started"}) {
    ImGui::TableSetupColumn(c);
  }
  ImGui::TableHeadersRow();
  const Snapshot& snap = view.snapshot();
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("live");
  ImGui::TableNextColumn();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(snap.run_dir.empty() ? "(this run)" : fs::path(snap.run_dir).filename().c_str());
  text_cell(snap.params.to_string(ParamId::kModel));
  text_cell(fs::path(snap.params.to_string(ParamId::kDataset)).filename().string());
  text_cell(std::to_string(snap.step));
  text_cell("-");
  text_cell(metrics_text(live_metrics(view)));
  text_cell("running");
  for (const RunSummary& run : runs) draw_row(view, run, config_diff(run.params, snap.params));
  ImGui::EndTable();
}

void RunsPanel::act(View& view, const RunSummary& run, int action) {
  if (action == kTags) {
    const std::vector<std::string> tags = parse_tags(tags_field);
    if (auto s = write_tags(run.path, tags); !s) return say(s.error(), true);
    say(tags.empty() ? "removed the tags of " + run.name : "tagged " + run.name, false);
  } else if (action == kRename) {
    auto to = rename_run(run.path, name_field);
    if (!to) return say(to.error(), true);
    const std::string name = fs::path(*to).filename().string();
    view.compare().moved(run.path, *to, name);
    std::replace(extra.begin(), extra.end(), run.path, *to);
    say("renamed " + run.name + " to " + name, false);
    selected = *to;
  } else {
    auto to = trash_run(run.path);
    if (!to) return say(to.error(), true);
    view.compare().untick(run.path);
    extra.erase(std::remove(extra.begin(), extra.end(), run.path), extra.end());
    say("moved " + run.name + " to " + *to + " (nothing deleted)", false);
    selected.clear();
  }
  view.notify(message);
  fields_of.clear();
  refresh = true;
}

void RunsPanel::draw_samples(View& view, const RunSummary& run) {
  if (images_of != run.path) {
    images = read_run_images(run.path);
    if (images.empty()) {  // no event file (tensorboard off): the grid it saved at its end
      std::ifstream in(fs::path(run.path) / "samples.png", std::ios::binary);
      std::ostringstream bytes;
      if (in && (bytes << in.rdbuf())) images.push_back({std::max<int64_t>(run.steps, 0), bytes.str()});
    }
    images_of = run.path;
    image_pick = -1, image_shown = -1;
  }
  if (images.empty()) {
    ImGui::TextDisabled("no sample grids saved (tensorboard off and no samples.png)");
    return;
  }
  const double marker = history_marker_step(view);
  const int64_t target = marker >= 0 ? int64_t(marker) : view.snapshot().step;
  int index = image_pick >= 0 ? std::min(image_pick, int(images.size()) - 1) : image_at_step(images, target);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled(image_pick < 0 ? (marker >= 0 ? "at the scrubbed step" : "at the live step")
                                     : "picked");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(ui_px(80), ImGui::GetContentRegionAvail().x - ui_px(90)));
  const std::string format = "step " + std::to_string(images[index].step);
  if (ImGui::SliderInt("##image", &index, 0, int(images.size()) - 1, format.c_str())) image_pick = index;
  probe_item("samples step");
  ImGui::SameLine();
  if (ImGui::Button("follow")) image_pick = -1;
  probe_item("follow");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the grid at the live run's step (or the scrubbed one)");
  if (index != image_shown) {
    auto image_read = decode_png_rgba(images[index].png, run.path);
    image_error = image_read ? "" : image_read.error();
    image = image_read ? std::move(*image_read) : ImageRGBA{};
    image_shown = index;
    ++image_key;
  }
  if (!image_error.empty()) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", image_error.c_str());
    return;
  }
  const TextureRef& tex = view.run_samples_texture(image_key, image);
  image_fit("##run_samples", tex, ImGui::GetContentRegionAvail(), 4.0f);
  probe_item("samples");
}

void RunsPanel::draw_details(View& view, const RunSummary& run) {
  if (fields_of != run.path) {
    std::snprintf(name_field, sizeof name_field, "%s", run.name.c_str());
    std::string tags;
    for (const std::string& t : run.tags) tags += (tags.empty() ? "" : ", ") + t;
    std::snprintf(tags_field, sizeof tags_field, "%s", tags.c_str());
    fields_of = run.path;
  }
  const float field = std::max(ui_px(120), ImGui::GetContentRegionAvail().x * 0.3f);
  ImGui::SetNextItemWidth(field);
  const bool enter_name = ImGui::InputText("##name", name_field, sizeof name_field,
                                           ImGuiInputTextFlags_EnterReturnsTrue);
  probe_item("name");
  ImGui::SameLine();
  if (ImGui::Button("Rename") || enter_name) return act(view, run, kRename);
  probe_item("Rename");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(field);
  const bool enter_tags = ImGui::InputTextWithHint("##tags", "tags, comma-separated", tags_field,
                                                   sizeof tags_field,
                                                   ImGuiInputTextFlags_EnterReturnsTrue);
  probe_item("tags");
  ImGui::SameLine();
  if (ImGui::Button("Save tags") || enter_tags) return act(view, run, kTags);
  probe_item("Save tags");
  ImGui::SameLine();
  if (ImGui::Button("Move to trash")) return act(view, run, kTrash);
  probe_item("Move to trash");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Moves the folder into .trash beside it; nothing is deleted");
  const std::vector<ParamDiff> diff = config_diff(run.params, view.snapshot().params);
  const float table_w = diff.empty() ? 0.0f : std::min(ui_px(300), ImGui::GetContentRegionAvail().x * 0.4f);
  if (!diff.empty() &&
      ImGui::BeginTable("##diff", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_PadOuterX |
                                         ImGuiTableFlags_SizingStretchProp,
                        ImVec2(table_w, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("parameter");
    ImGui::TableSetupColumn("this run");
    ImGui::TableSetupColumn("live");
    ImGui::TableHeadersRow();
    for (const ParamDiff& d : diff) {
      text_cell(d.key);
      text_cell(d.value);
      text_cell(d.other);
    }
    ImGui::EndTable();
    ImGui::SameLine();
  }
  ImGui::BeginGroup();
  draw_samples(view, run);
  ImGui::EndGroup();
}

void RunsPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Runs", area)) return;
  if (refresh || ImGui::GetTime() - listed_at > kListEverySeconds ||
      listed_dir != view.snapshot().params.text(ParamId::kRunsDir)) {
    list(view);
  }
  if (ImGui::Button("Refresh")) {
    list(view);
    for (const auto& e : view.compare().entries()) (void)view.compare().tick(e->path, e->name);
  }
  probe_item("Refresh");
  ImGui::SameLine();
  int align = view.compare().align() == RunAlign::kStep ? 0 : 1;
  ImGui::SetNextItemWidth(ui_px(110));
  if (ImGui::Combo("x axis", &align, "step\0wall time\0")) {
    view.compare().set_align(align == 0 ? RunAlign::kStep : RunAlign::kWallTime);
  }
  probe_item("x axis");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("How ticked runs line up on the plots: by training step, or by seconds "
                      "since training started");
  }
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%zu runs in %s", runs.size(), listed_dir.c_str());
  if (!message.empty()) {
    ImGui::TextColored(message_error ? ImVec4(1.0f, 0.45f, 0.4f, 1.0f) : ImVec4(0.6f, 0.85f, 0.6f, 1.0f),
                       "%s", message.c_str());
  }
  for (std::size_t i = 0; i < errors.size() && i < 3; ++i) {
    ImGui::TextColored(ImVec4(1.0f, 0.7f, 0.3f, 1.0f), "%s", errors[i].c_str());
  }
  const auto chosen = std::find_if(runs.begin(), runs.end(),
                                   [&](const RunSummary& r) { return r.path == selected; });
  const float avail = ImGui::GetContentRegionAvail().y;
  const float rows = ImGui::GetFrameHeightWithSpacing() * float(runs.size() + 2) + ui_px(8);
  const float table_h = chosen == runs.end() ? avail : std::min(rows, std::max(ui_px(90), avail * 0.45f));
  draw_table(view, table_h);
  if (chosen != runs.end()) {
    const RunSummary run = *chosen;  // an action lists the runs again
    draw_details(view, run);
  }
  ImGui::End();
}

}  // namespace genscope
