#pragma once
// App: the main-thread frame loop. Each frame takes the newest snapshot, uploads changed textures,
// draws the panels and presents. It redraws when something new is there (a snapshot, input) and
// sleeps otherwise, so drawing does not take the CPU that training needs.
#include <functional>
#include <string>
#include <vector>

#include "app/window.h"
#include "core/params.h"
#include "core/record_settings.h"
#include "core/metric_stream.h"

namespace genscope {

/// How the App runs.
struct AppOptions {
  WindowOptions window;
  std::string screenshot_path;  // with screenshot_frames: save a PNG after that many frames, exit
  int screenshot_frames = 0;    // counted from the first frame that shows training samples
  long long screenshot_step = 0;  // and taken no earlier than this training step
  double max_fps = 60.0;
  double run_seconds = 0.0;     // > 0: close after this long (benchmarks)
  bool continuous = false;      // redraw every frame even when nothing changed (benchmarks)
  Params record;                // the Record tab's first settings: its Record rows (--record-*)
  bool record_at_start = false; // --record: start recording once training shows samples
  bool exit_after_record = false;  // close the window when that recording ends (frame limit)
  float ui_scale = 0.0f;        // fonts and spacing; 0: the monitor's scale (and the View menu's)
  std::string run_dir;          // the first run directory (later ones come in snapshots)
  std::vector<std::string> compare;  // run directories the Runs window opens ticked (--compare)
  /// The window views a run served elsewhere (--connect): run_dir is the viewer's own folder
  /// and takes what the window writes; the snapshots' run directory is the server's.
  bool viewer = false;
  std::string remote;  // with viewer: the server's HOST:PORT, for the Status panel
  std::string layout_path;      // the layout file (empty: none); scripted screenshots use none
  /// > 0: fills the plots with this many synthetic rows (steps -N..-1) before the run's first
  /// row, as a long run's history would (benchmarks).
  int64_t preload_rows = 0;
  /// Called after each frame is presented with the mouse position that frame used (benchmarks
  /// measure input latency with it).
  std::function<void(float mouse_x, float mouse_y)> on_presented;
};

/// Frame-time figures the App measured, for benchmarks.
struct AppReport {
  uint64_t frames = 0;
  double seconds = 0.0;
  std::vector<double> frame_ms;      // wall time of each frame (after its wait)
  std::vector<double> frame_cpu_ms;  // CPU time of each frame: the main thread's and the
                                     // rasterizer's (llvmpipe's threads, when it renders)
  uint64_t vertices = 0, indices = 0;  // what the last frame drew
  uint64_t plot_updates = 0;    // frames that drew new metric rows
  uint64_t sample_updates = 0;  // frames that showed a new sample grid
  int64_t steps_during_run = 0;  // training steps between the first and last snapshot seen
  double steps_seconds = 0.0;    // time between those snapshots
  RecordingStatus recording;     // the last recording's final status
  std::string recording_summary; // "recorded N frames to PATH (size)" or its error
  bool recording_ok = true;
};

/// Sets the environment the renderer reads (Mesa's llvmpipe threads): call first in main, before
/// any thread starts (setenv is not safe while another thread reads the environment).
void set_render_environment();

/// Runs the window against a trainer's link until the window closes.
class App {
 public:
  /// Hooks the link's publish notification to wake the frame loop: construct before the trainer
  /// starts.
  App(TrainerLink& link, AppOptions options);
  /// Opens the window and loops; returns the process exit code (non-zero with a message on
  /// stderr when the window could not open or a scripted screenshot failed).
  int run();
  const AppReport& report() const { return report_; }

 private:
  TrainerLink& link_;
  AppOptions options_;
  AppReport report_;
};

}  // namespace genscope
