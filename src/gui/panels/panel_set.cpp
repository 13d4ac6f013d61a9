// The window's layout: default panel places, the menu bar, the shortcuts overlay and keys.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>  // key codes, as ImGui's GLFW backend reports them

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gui/panels/panels.h"
#include "gui/probe.h"

namespace genscope {
namespace {

// The panels' own titles (their draw() begins these windows unless a slot renames them).
constexpr const char* kToyLossesTitle = "Losses###Losses (2D lab)";
constexpr const char* kTextSamplesTitle = "Samples###Samples (text)";
constexpr const char* kTextLossesTitle = "Losses###Losses (text)";

struct Shortcut {
  const char* keys;
  const char* what;
};
constexpr Shortcut kShortcuts[] = {
    {"Space", "pause / resume training"},
    {".", "train one step (the Step button's count), then pause"},
    {"Ctrl+S", "save a checkpoint (the checkpoint path in Controls)"},
    {"R", "start / stop recording (the Record tab's settings)"},
    {"F", "fork here: branch the run with an edit; both then train in turn"},
    {"F12", "save a screenshot of the window (PNG in the run directory)"},
    {"F1 or ?", "this overlay; Esc closes it"},
    {"Ctrl+click", "type a value into a slider; Enter applies it, Esc cancels"},
    {"wheel / drag", "2D lab plot: zoom / pan; double-click goes home"},
    {"left / right click", "a sample tile: interpolation end A / B (or traversal base)"},
};

struct PanelHelp {
  const char* id;
  const char* text;
};
constexpr PanelHelp kPanelHelp[] = {
    {"Status", "step, epoch, speed, device and threads; the last action; tabs Record, Alarms "
               "and History (every edit, reset, pause, save, recording)"},
    {"Controls", "every hyperparameter: live ones apply between two steps, * ones reset "
                 "training with new weights"},
    {"Samples", "the generator on fixed noise beside real images (VAE: decoded prior, test "
                "images and reconstructions); the history slider scrubs back; after Fork here, "
                "every run's grid side by side (click one to show and command it)"},
    {"Losses", "losses per step with EMA smoothing; every step is kept up to 2^20 a metric, "
               "then older ones are thinned (min and max kept); Gradients and Histograms tabs"},
    {"Latent", "traversal, interpolation and explorer tabs: what each latent direction does"},
    {"Quality", "classifier-FID, IS analogue, class entropy and histogram every eval_every"},
    {"Discriminator", "mean D(x) and D(G(z)) over steps and this batch's score histogram"},
    {"Latent map", "the test set encoded in 2D, coloured by class; click sends to the explorer"},
    {"Runs", "View > Runs: past runs; tick to overlay their curves, click for samples, rename, trash"},
    {"2D GAN", "real and generated points, D's heatmap, G's gradients and manifold; paint"},
    {"Modes", "which modes the generator covers and how well"},
    {"Mode metrics", "modes covered, high-quality share, KL and JS over iterations"},
};

// The text models' own panels, and Samples and Losses as they are for text; the rest as above.
constexpr PanelHelp kTextPanelHelp[] = {
    {"Status", "step, speed in characters/s, the vocabulary (hover: all of it), device and threads; "
               "tabs Record, Alarms and History"},
    {"Controls", "every hyperparameter: live ones apply between two steps, * ones reset "
                 "training with new weights"},
    {"Samples", "the prompt continued with a fixed seed and greedily, each character tinted by "
                "its probability or surprisal; hover one for the ten likeliest; history slider"},
    {"Losses", "train and validation bits per character against the unigram and bigram "
               "entropies; Gradients and Histograms tabs"},
    {"Inside", "hidden units over a passage and units ranked by feature (recurrent), or "
               "attention per layer and head (Transformer)"},
    {"Embeddings", "the character embeddings' first two principal components, by class"},
};

// What the overlay says about panel `id` in `family`'s window (nullptr: nothing).
const char* panel_help(ModelFamily family, const char* id) {
  if (family == ModelFamily::kText) {
    for (const PanelHelp& h : kTextPanelHelp) {
      if (std::strcmp(h.id, id) == 0) return h.text;
    }
  }
  for (const PanelHelp& h : kPanelHelp) {
    if (std::strcmp(h.id, id) == 0) return h.text;
  }
  return nullptr;
}

bool same_rect(const ImRect& a, const ImRect& b) {
  return std::fabs(a.Min.x - b.Min.x) < 1.0f && std::fabs(a.Min.y - b.Min.y) < 1.0f &&
         std::fabs(a.Max.x - b.Max.x) < 1.0f && std::fabs(a.Max.y - b.Max.y) < 1.0f;
}

// A panel's rectangle (its full size, also when it is collapsed to its title bar); empty when
// it was not drawn.
ImRect window_rect(const char* title) {
  const ImGuiWindow* w = ImGui::FindWindowByName(title);
  if (!w || !(w->Active || w->WasActive)) return ImRect();
  return ImRect(w->Pos, ImVec2(w->Pos.x + w->SizeFull.x, w->Pos.y + w->SizeFull.y));
}

}  // namespace

PanelLayout::PanelLayout(float x0, float y0, float w, float h, float em) {
  const float left = std::round(std::clamp(w * 0.26f, 19.0f * em, 28.0f * em));
  const float top = std::round(h * 0.56f);
  const float mid = std::round(left + (w - left) * 0.56f);
  const auto r = [&](float a, float b, float c, float d) {
    return ImRect(x0 + a, y0 + b, x0 + c, y0 + d);
  };
  const float status_h = std::round(h * 0.38f);
  status = r(0, 0, left, status_h);
  controls = r(0, status_h, left, h);
  samples = r(left, 0, mid, top);
  losses = r(left, top, mid, h);
  const float right_top = std::round(h * 0.42f), right_bottom = std::round(h * 0.72f);
  latent = r(mid, 0, w, right_top);
  quality = r(mid, right_top, w, right_bottom);
  bottom_right = r(mid, right_bottom, w, h);
  const float toy_mid = std::round(left + (w - left) * 0.56f);
  toy_plot = r(left, 0, toy_mid, h);
  toy_modes = r(toy_mid, 0, w, std::round(h * 0.28f));
  toy_losses = r(toy_mid, std::round(h * 0.28f), w, std::round(h * 0.57f));
  toy_metrics = r(toy_mid, std::round(h * 0.57f), w, h);
  // Text: Status has a vocabulary row and longer run names, so a little more height.
  const float text_status_h = std::round(h * 0.42f);
  text_status = r(0, 0, left, text_status_h);
  text_controls = r(0, text_status_h, left, h);
  text_inside = r(mid, 0, w, std::round(h * 0.62f));
  text_embeddings = r(mid, std::round(h * 0.62f), w, h);
}

std::vector<PanelEntry> panel_entries(ModelFamily family, bool gan, const PanelLayout& l) {
  const bool text = family == ModelFamily::kText;
  std::vector<PanelEntry> out = {{"Status", "Status", text ? l.text_status : l.status},
                                 {"Controls", "Controls", text ? l.text_controls : l.controls}};
  if (family == ModelFamily::kToy) {
    out.push_back({"2D GAN", "2D GAN", l.toy_plot});
    out.push_back({"Modes", "Modes", l.toy_modes});
    out.push_back({"Losses", kToyLossesTitle, l.toy_losses});
    out.push_back({"Mode metrics", "Mode metrics", l.toy_metrics});
    return out;
  }
  if (text) {
    out.push_back({"Samples", kTextSamplesTitle, l.samples});
    out.push_back({"Losses", kTextLossesTitle, l.losses});
    out.push_back({"Inside", "Inside", l.text_inside});
    out.push_back({"Embeddings", "Embeddings", l.text_embeddings});
    return out;
  }
  out.push_back({"Samples", "Samples", l.samples});
  out.push_back({"Losses", "Losses", l.losses});
  out.push_back({"Latent", "Latent", l.latent});
  out.push_back({"Quality", "Quality", l.quality});
  if (gan) {
    out.push_back({"Discriminator", "Discriminator", l.bottom_right});
  } else {
    out.push_back({"Latent map", "Latent map", l.bottom_right});
  }
  return out;
}

void PanelSet::handle_shortcuts(View& view) {
  const ImGuiIO& io = ImGui::GetIO();
  const bool typing = io.WantTextInput;
  const auto pressed = [](int key) { return ImGui::IsKeyPressed(key, /*repeat=*/false); };
  bool help_char = false, step_char = false;
  for (ImWchar c : io.InputQueueCharacters) {
    help_char |= c == '?';
    step_char |= c == '.';
  }
  if (pressed(GLFW_KEY_F1) || (!typing && help_char)) show_help = !show_help;
  if (pressed(GLFW_KEY_ESCAPE) && show_help && !typing) show_help = false;
  if (pressed(GLFW_KEY_F12)) view.ask(AppRequest::kScreenshot);
  if (io.KeyCtrl && pressed(GLFW_KEY_S)) view.send(Command::of(Command::Kind::kSaveCheckpoint));
  if (typing || io.KeyCtrl || io.KeyAlt) return;
  if (pressed(GLFW_KEY_SPACE) && view.has_snapshot()) view.request_pause(!view.paused_or_pausing());
  if (step_char) view.send(Command::of(Command::Kind::kStep, controls.step_count));
  if (pressed(GLFW_KEY_R)) {
    view.ask(AppRequest::kToggleRecording);
    status.open_record_tab = true;
  }
  if (pressed(GLFW_KEY_F) && view.has_snapshot() && view.snapshot().running) fork_dialog.open();
}

// Checkpoints, and the generator for Python users (image models only: text models and the 2D
// lab have none).
void PanelSet::draw_file_menu(View& view, ModelFamily family) {
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Save checkpoint", "Ctrl+S"))
      view.send(Command::of(Command::Kind::kSaveCheckpoint));
    probe_item("File/Save checkpoint");
    if (ImGui::MenuItem("Load checkpoint")) view.send(Command::of(Command::Kind::kLoadCheckpoint));
    ImGui::Separator();
    const bool images = family == ModelFamily::kImageGan || family == ModelFamily::kVae;
    if (ImGui::MenuItem("Export generator", nullptr, false, images)) {
      view.send(Command::of(Command::Kind::kExportGenerator));
    }
    probe_item("File/Export generator");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
      ImGui::SetTooltip(images ? "Writes generator-stepN.safetensors and .json into the run "
                                 "directory,\nfor PyTorch (README: Export for Python)"
                               : "Only image models have a generator to export");
    }
    ImGui::EndMenu();
  }
  probe_item("File");
}

float PanelSet::draw_menu(View& view, ModelFamily family, bool gan) {
  if (!ImGui::BeginMainMenuBar()) return 0.0f;
  const float height = ImGui::GetWindowSize().y;
  draw_file_menu(view, family);
  if (ImGui::BeginMenu("Run")) {
    const bool paused = view.paused_or_pausing();
    if (ImGui::MenuItem(paused ? "Resume" : "Pause", "Space")) view.request_pause(!paused);
    if (ImGui::MenuItem("Step", ".")) view.send(Command::of(Command::Kind::kStep, controls.step_count));
    if (ImGui::MenuItem("Reset")) view.send(Command::of(Command::Kind::kReset));
    if (ImGui::MenuItem("Fork here...", "F", false, view.has_snapshot() && view.snapshot().running)) {
      fork_dialog.open();
    }
    probe_item("Run/Fork here...");
    ImGui::Separator();
    if (ImGui::MenuItem(view.recorder().status.active ? "Stop recording" : "Record", "R")) {
      view.ask(AppRequest::kToggleRecording);
      status.open_record_tab = true;
    }
    if (ImGui::MenuItem("Screenshot", "F12")) view.ask(AppRequest::kScreenshot);
    ImGui::EndMenu();
  }
  probe_item("Run");
  if (ImGui::BeginMenu("View")) {
    LayoutSettings& settings = layout ? *layout : own_layout_;
    const PanelLayout dummy(0, 0, 100, 100);
    for (const PanelEntry& e : panel_entries(family, gan, dummy)) {
      bool shown = !settings.hidden[e.id];
      if (ImGui::MenuItem(e.id, nullptr, &shown)) {
        settings.hidden[e.id] = !shown;
        if (gui) gui->layout_changed();
      }
      probe_item(std::string("View/") + e.id);
    }
    ImGui::Separator();
    ImGui::MenuItem("Runs", nullptr, &show_runs);
    probe_item("View/Runs");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Past runs: compare their curves and samples with this one");
    ImGui::Separator();
    if (ImGui::MenuItem("Reset layout")) reset_layout = true;
    probe_item("View/Reset layout");
    if (gui && ImGui::BeginMenu("UI scale")) {
      const float current = gui->requested_scale();
      if (ImGui::MenuItem("Automatic", nullptr, current == 0.0f)) gui->set_scale(0.0f);
      for (float s : {0.75f, 1.0f, 1.25f, 1.5f, 2.0f, 2.5f, 3.0f}) {
        char label[16];
        std::snprintf(label, sizeof label, "%.0f %%", s * 100.0f);
        if (ImGui::MenuItem(label, nullptr, current == s)) gui->set_scale(s);
      }
      ImGui::EndMenu();
    }
    ImGui::EndMenu();
  }
  probe_item("View");
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Shortcuts and panels", "F1")) show_help = true;
    ImGui::EndMenu();
  }
  probe_item("Help");
  // What the run is doing, at the right end of the bar.
  if (view.has_snapshot()) {
    const Snapshot& s = view.snapshot();
    char text[96];
    std::snprintf(text, sizeof text, "step %lld  %s", static_cast<long long>(s.step),
                  run_state_text(view).c_str());
    const float w = ImGui::CalcTextSize(text).x + ImGui::GetStyle().ItemSpacing.x * 2;
    if (ImGui::GetContentRegionAvail().x > w) {
      ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - w + ImGui::GetStyle().ItemSpacing.x);
      ImGui::TextDisabled("%s", text);
    }
  }
  ImGui::EndMainMenuBar();
  return height;
}

void PanelSet::draw_help(View& view, ImVec2 size) {
  if (!show_help) return;
  const float em = ImGui::GetFontSize();
  const ImVec2 want(std::min(size.x - 2 * em, 46 * em), std::min(size.y - 4 * em, 34 * em));
  ImGui::SetNextWindowPos(ImVec2(size.x * 0.5f, size.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(want, ImGuiCond_Always);
  ImGui::SetNextWindowFocus();
  if (ImGui::Begin("Shortcuts and panels", &show_help,
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
    const ImGuiTableFlags table = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg;
    if (ImGui::BeginTable("keys", 2, table, ImVec2(ImGui::GetContentRegionAvail().x, 0))) {
      ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed);
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
      for (const Shortcut& s : kShortcuts) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.45f, 1.0f), "%s", s.keys);
        ImGui::TableSetColumnIndex(1);
        ImGui::TextWrapped("%s", s.what);
      }
      ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.0f, 1.0f), "The panels");
    ImGui::Separator();
    const bool gan = !view.has_snapshot() || view.snapshot().is_gan;
    const ModelFamily family =
        view.has_snapshot() ? snapshot_family(view.snapshot()) : ModelFamily::kImageGan;
    const PanelLayout dummy(0, 0, 100, 100);
    if (ImGui::BeginTable("panels", 2, table, ImVec2(ImGui::GetContentRegionAvail().x, 0))) {
      ImGui::TableSetupColumn("panel", ImGuiTableColumnFlags_WidthFixed);
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
      for (const PanelEntry& e : panel_entries(family, gan, dummy)) {
        const char* help = panel_help(family, e.id);
        if (!help) continue;
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(e.id);
        ImGui::TableSetColumnIndex(1);
        ImGui::TextWrapped("%s", help);
      }
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted("Runs");
      ImGui::TableSetColumnIndex(1);
      ImGui::TextWrapped("%s", panel_help(family, "Runs"));
      ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::TextDisabled("Hover any parameter for its help. View > Reset layout puts the panels back.");
  }
  ImGui::End();
}

void PanelSet::draw_panel(View& view, const std::string& id, const PanelSlot& slot) {
  if (id == "Status") status.draw(view, slot);
  if (id == "Controls") controls.draw(view, slot);
  const bool text = view.has_snapshot() && view.snapshot().is_text;
  if (id == "Samples") text ? text_samples.draw(view, slot) : samples.draw(view, slot);
  if (id == "Losses") losses.draw(view, slot);
  if (id == "Latent") latent.draw(view, slot);
  if (id == "Quality") quality.draw(view, slot);
  if (id == "Discriminator") scores.draw(view, slot);
  if (id == "Latent map") latent_map.draw(view, slot);
  if (id == "2D GAN") toy.draw(view, slot);
  if (id == "Modes") modes.draw(view, slot);
  if (id == "Mode metrics") mode_metrics.draw(view, slot);
  if (id == "Inside") text_inside.draw(view, slot);
  if (id == "Embeddings") text_embeddings.draw(view, slot);
}

void PanelSet::draw_entry(View& view, const PanelEntry& e, const Placement& p,
                          LayoutSettings& settings) {
  bool open = true;
  PanelSlot slot(e.rect);
  slot.title = e.title;
  slot.open = &open;
  auto kept = settings.rects.find(e.id);
  if (p.place && settings.custom && kept != settings.rects.end()) {
    const ImRect& r = kept->second;
    slot.rect =
        ImRect(r.Min.x * p.size.x, r.Min.y * p.size.y, r.Max.x * p.size.x, r.Max.y * p.size.y);
    slot.cond = ImGuiCond_Always;
  } else if (p.place) {
    slot.cond = ImGuiCond_Always;  // the default layout (or a panel the user's does not have)
  }
  slot.keep_collapsed = !p.uncollapse;
  // The user moves a panel by its title bar before its Begin (in NewFrame) and resizes or
  // collapses it inside; either way its rectangle differs from the one it had.
  const ImRect before = window_rect(e.title);
  draw_panel(view, e.id, slot);
  if (!open) {
    settings.hidden[e.id] = true;
    if (gui) gui->layout_changed();
  }
  const ImRect after = window_rect(e.title);
  if (!p.place && placed_once_) {
    const auto last = std::find_if(placed_.begin(), placed_.end(),
                                   [&](const auto& q) { return q.first == e.title; });
    const bool moved =
        last != placed_.end() && before.GetWidth() > 0 && !same_rect(before, last->second);
    const bool resized_inside = before.GetWidth() > 0 && !same_rect(before, after);
    if ((moved || resized_inside) && !settings.custom) {
      settings.custom = true;
      if (gui) gui->layout_changed();
    }
  }
  // A user's layout keeps every panel's rectangle as shares of the window (not while this
  // frame placed them: those are the shares already).
  if (settings.custom && !p.place && after.GetWidth() > 0 && p.size.x > 0 && p.size.y > 0) {
    const ImRect share(after.Min.x / p.size.x, after.Min.y / p.size.y, after.Max.x / p.size.x,
                       after.Max.y / p.size.y);
    ImRect& slot_share = settings.rects[e.id];
    const auto differs = [](const ImRect& x, const ImRect& y) {
      return std::fabs(x.Min.x - y.Min.x) > 1e-4f || std::fabs(x.Min.y - y.Min.y) > 1e-4f ||
             std::fabs(x.Max.x - y.Max.x) > 1e-4f || std::fabs(x.Max.y - y.Max.y) > 1e-4f;
    };
    if (differs(slot_share, share)) {
      slot_share = share;
      if (gui) gui->layout_changed();
    }
  }
  placing_.emplace_back(e.title, after);
}

void PanelSet::draw(View& view, ImVec2 size) {
  handle_shortcuts(view);
  const Snapshot& snap = view.snapshot();
  const ModelFamily family = snapshot_family(snap);
  const float menu = draw_menu(view, family, snap.is_gan);
  LayoutSettings& settings = layout ? *layout : own_layout_;
  const float em = ImGui::GetFontSize();
  const PanelLayout defaults(0, menu, size.x, size.y - menu, em);
  const std::vector<PanelEntry> entries = panel_entries(family, snap.is_gan, defaults);

  // When to put panels in place: the first frame, a reset, a new family, a resized window (a
  // new UI scale changes the default columns as a new size does). The default layout is laid
  // out again; the user's is scaled from its rectangles kept as shares of the window, so
  // resizing back and forth gives it back exactly.
  const bool resized = size.x != last_size_.x || size.y != last_size_.y || em != last_em_;
  if (reset_layout) {
    settings.custom = false;
    settings.hidden.clear();
    settings.rects.clear();
  }
  Placement placement;
  placement.place = reset_layout || !placed_once_ || resized || family != last_family_;
  placement.uncollapse = reset_layout;  // collapsed panels stay so, but for Reset layout
  placement.size = size;
  reset_layout = false;
  placing_.clear();
  for (const PanelEntry& e : entries) {
    if (!settings.hidden[e.id]) draw_entry(view, e, placement, settings);
  }
  placed_.swap(placing_);
  if (settings.width != size.x || settings.height != size.y) {
    settings.width = size.x, settings.height = size.y;
    if (gui) gui->layout_changed();
  }
  placed_once_ = true;
  last_size_ = size;
  last_em_ = em;
  last_family_ = family;
  note_record_regions(view, family, snap.is_gan, size);
  runs.follow_fork(view);
  draw_runs(view, defaults);
  if (controls.fork_clicked) fork_dialog.open();
  controls.fork_clicked = false;
  fork_dialog.draw(view);
  draw_help(view, size);
}

// The Runs window: over Samples and Latent the first time (the plots below stay in sight).
void PanelSet::draw_runs(View& view, const PanelLayout& defaults) {
  for (const std::string& dir : compare) runs.compare(view, dir);
  if (!compare.empty()) {
    show_runs = true;
    ImGui::SetNextWindowFocus();  // opened by --compare: in front of the panels it covers
  }
  compare.clear();
  if (!show_runs) return;
  PanelSlot slot(ImRect(defaults.samples.Min, ImVec2(defaults.latent.Max.x, defaults.samples.Max.y)));
  slot.open = &show_runs;
  runs.draw(view, slot);
}

// Where the recordable regions are now (panels can be moved and resized).
void PanelSet::note_record_regions(View& view, ModelFamily family, bool gan, ImVec2 size) const {
  view.set_panel_rect(RecordRegion::kWindow, {0, 0, size.x, size.y});
  const auto ui_rect = [](const ImRect& r) { return UiRect{r.Min.x, r.Min.y, r.Max.x, r.Max.y}; };
  const auto add = [](ImRect& a, const ImRect& b) {
    if (b.GetWidth() <= 0) return;
    if (a.GetWidth() <= 0) {
      a = b;
    } else {
      a.Add(b);
    }
  };
  const bool toy = family == ModelFamily::kToy, text = family == ModelFamily::kText;
  ImRect plots;
  add(plots, window_rect(toy ? kToyLossesTitle : text ? kTextLossesTitle : "Losses"));
  add(plots, window_rect(toy ? "Mode metrics" : text ? "Embeddings" : gan ? "Discriminator" : "Latent map"));
  view.set_panel_rect(RecordRegion::kSamples,
                      ui_rect(window_rect(toy ? "2D GAN" : text ? kTextSamplesTitle : "Samples")));
  view.set_panel_rect(RecordRegion::kPlots, ui_rect(plots));
}

}  // namespace genscope
