#pragma once
// FrameLoop: the steps of the window's frame loop, and the state they share (the Gui, the View,
// the panels, the recording, the history export, frame statistics). App::run strings them
// together the way Dear ImGui's examples do: wait or poll, take the newest snapshot, draw the
// panels, carry out what they asked of the window, hand the frame to the recording, present.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/input_pacer.h"
#include "app/recording_controller.h"
#include "gui/gui.h"
#include "gui/panels/panels.h"
#include "gui/view.h"

struct ImDrawList;

namespace genscope {

class FrameLoop {
 public:
  /// Hooks `window`'s input (any input asks for a few frames, so ImGui's hover and release
  /// states settle), then sets up ImGui for it (ImGui chains to those callbacks).
  FrameLoop(TrainerLink& link, const AppOptions& options, AppReport& report, Window& window);
  ~FrameLoop();
  /// Wakes a waiting frame loop (from any thread: the trainer calls it when it publishes).
  static void wake();

  /// False once the window closes, Ctrl+C arrives or the benchmark's time is up.
  bool running() const;
  /// Waits for something new (input, a snapshot; real-time recording wakes it too) or polls when
  /// something is; caps the frame rate. False while the window is minimized (no frame).
  bool wait();
  /// Takes the newest snapshot and metric rows. True when the snapshot is new.
  bool take_snapshot();
  /// Draws the panels into the back buffer, all but the REC indicator (drawn after capture).
  void draw();
  /// Carries out what the panels asked of the window (AppRequest) and --record's start.
  void carry_out_requests();
  /// Hands the frame to the recording (before the REC indicator is drawn over it).
  void capture();
  /// Saves a screenshot when one was asked for (F12) or the scripted one is due.
  void screenshot();
  /// Draws the REC indicator, swaps, and updates the frame statistics.
  void present();
  /// Finishes what is still running (a recording, an export); returns the exit code.
  int finish();
  /// True when the frame loop should draw again without waiting (an export, an animation...).
  bool dirty() const { return dirty_; }

 private:
  using Clock = std::chrono::steady_clock;
  double now_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  PixelRect region(RecordRegion r) const;
  void toggle_recording();
  void start_history_export();
  void poll_history_export();
  void fail(const std::string& error);  // says it on stderr, exits 1, closes the window
  void update_frame_stats(double ms);
  void count_new_samples();
  void preload_history();    // AppOptions::preload_rows
  double frame_cpu_clock_ms();  // CPU time of the main and rasterizer threads  // counts a frame that shows a new sample grid (AppReport)

  TrainerLink& link_;
  const AppOptions& options_;
  AppReport& report_;
  Window& window_;
  Gui gui_;
  InputPacer pacer_;
  View view_;
  PanelSet panels_;
  RecordingController recording_;
  std::array<bool, int(AppRequest::kCount)> requests_{};
  std::future<Status> history_export_;
  std::vector<MetricRow> rows_;
  std::vector<double> recent_ms_;
  const ImDrawList* indicator_ = nullptr;
  int fb_w_ = 0, fb_h_ = 0;
  float display_w_ = 0, display_h_ = 0;
  int exit_code_ = 0;
  bool dirty_ = true;
  bool scripted_shot_ = false;
  bool record_pending_ = false;
  int settled_frames_ = 0;       // frames drawn while training shows samples
  int frames_with_samples_ = 0;  // frames that count towards the scripted screenshot
  int64_t first_step_ = -1;
  Clock::time_point start_, fps_mark_, last_frame_, frame_start_, first_step_time_;
  uint64_t fps_frames_ = 0;
  double frame_cpu_start_ms_ = 0.0;
  uint64_t samples_seen_ = 0;
  bool preloaded_ = false;
  bool rasterizers_found_ = false;
  std::vector<std::string> rasterizers_;  // schedstat files of llvmpipe's threads  // the sample grid's version the last frame showed
};

}  // namespace genscope
