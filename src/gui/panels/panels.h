#pragma once
// The window's panels. Each owns its UI state in a struct and draws from a View; edits become
// Commands. Placement: `area` is the panel's default rectangle in the window (pixels).
#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <array>
#include <string>

#include "gui/plot.h"
#include "gui/view.h"

namespace genscope {

/// Pause/resume, single step, reset, and one widget per parameter of the table.
struct ControlsPanel {
  std::array<ParamValue, kParamCount> edits{};  // widget values; synced from the snapshot when idle
  std::array<std::string, kParamCount> text_buffers{};
  bool synced = false;
  int step_count = 1;
  void draw(View& view, const ImRect& area);
};

/// Fixed-noise generator samples beside a grid of real images.
struct SamplesPanel {
  bool show_real = true;
  void draw(View& view, const ImRect& area);
};

/// D and G losses over steps with an EMA smoothing slider.
struct LossesPanel {
  float smoothing = 0.6f;
  LinePlotOptions plot;
  void draw(View& view, const ImRect& area);
};

/// Mean D(x) and D(G(z)) over steps, and the current batch's score histogram.
struct ScoresPanel {
  LinePlotOptions plot;
  int bins = 40;
  void draw(View& view, const ImRect& area);
};

/// Step, epoch progress, throughput, frame timing, device, BLAS and threads, messages.
struct StatusPanel {
  void draw(View& view, const ImRect& area);
};

/// Begins the panel window `title`, placed at `area` the first time it appears. Returns false
/// (having ended the window) when it is collapsed: the caller draws nothing and must not End().
bool begin_panel(const char* title, const ImRect& area);

}  // namespace genscope
