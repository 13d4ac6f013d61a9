#include "app/app.h"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <future>
#include <thread>

#include "app/input_pacer.h"
#include "core/run_dir.h"
#include "app/recording_controller.h"
#include "gui/gui.h"
#include "gui/panels/panels.h"
#include "gui/view.h"
#include "render/screenshot.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace genscope {
namespace {

using Clock = std::chrono::steady_clock;

// Frames to draw after input, so ImGui's hover and release states settle.
constexpr int kFramesAfterInput = 3;

// Set from GLFW callbacks (main thread) and the trainer's publish hook (trainer thread).
std::atomic<int> g_input_frames{kFramesAfterInput};
std::atomic<bool> g_window_open{false};  // glfwPostEmptyEvent is only valid while GLFW lives

void on_input() { g_input_frames.store(kFramesAfterInput); }
void cursor_cb(GLFWwindow*, double, double) { on_input(); }
void button_cb(GLFWwindow*, int, int, int) { on_input(); }
void scroll_cb(GLFWwindow*, double, double) { on_input(); }
void char_cb(GLFWwindow*, unsigned int) { on_input(); }
void size_cb(GLFWwindow*, int, int) { on_input(); }
void focus_cb(GLFWwindow*, int) { on_input(); }
void key_cb(GLFWwindow*, int, int, int, int) { on_input(); }  // shortcuts: PanelSet

// Where a file the window writes by a bare name goes: the current run's directory.
std::string output_path(const View& view, const std::string& first_run_dir,
                        const std::string& name) {
  const std::string& dir =
      view.has_snapshot() && !view.snapshot().run_dir.empty() ? view.snapshot().run_dir
                                                              : first_run_dir;
  return RunDirectory(dir).output(name);
}

std::string timestamped_screenshot_name(const View& view, const std::string& first_run_dir) {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "screenshot-%Y%m%d-%H%M%S.png", std::localtime(&t));
  return next_free_path(output_path(view, first_run_dir, buf));
}

// The framebuffer rectangle (GL coordinates) of a panel rectangle in window coordinates.
PixelRect to_pixels(const UiRect& r, ImVec2 display, int fb_w, int fb_h) {
  const float sx = display.x > 0 ? fb_w / display.x : 1.0f,
              sy = display.y > 0 ? fb_h / display.y : 1.0f;
  int x0 = std::clamp(int(std::lround(r.x0 * sx)), 0, fb_w);
  int x1 = std::clamp(int(std::lround(r.x1 * sx)), 0, fb_w);
  int y0 = std::clamp(int(std::lround(r.y0 * sy)), 0, fb_h);
  int y1 = std::clamp(int(std::lround(r.y1 * sy)), 0, fb_h);
  return PixelRect{x0, fb_h - y1, x1 - x0, y1 - y0};
}

}  // namespace

App::App(TrainerLink& link, AppOptions options) : link_(link), options_(std::move(options)) {
  link_.snapshots.set_on_publish([] {
    if (g_window_open.load()) glfwPostEmptyEvent();
  });
}

int App::run() {
  // Mesa's software rasterizer would otherwise spread over every core and slow the training
  // threads down (measured with genscope-bench); one thread draws these panels fast enough.
  setenv("LP_NUM_THREADS", "1", /*overwrite=*/0);
  auto window = Window::open(options_.window);
  if (!window) {
    std::fprintf(stderr, "genscope: %s\n", window.error().c_str());
    return 2;
  }
  GLFWwindow* handle = (*window)->handle();
  glfwSetCursorPosCallback(handle, cursor_cb);
  glfwSetMouseButtonCallback(handle, button_cb);
  glfwSetScrollCallback(handle, scroll_cb);
  glfwSetCharCallback(handle, char_cb);
  glfwSetKeyCallback(handle, key_cb);
  glfwSetWindowSizeCallback(handle, size_cb);
  glfwSetWindowFocusCallback(handle, focus_cb);
  g_window_open.store(true);

  int exit_code = 0;
  {
    // A scripted screenshot shows the default layout: no layout file is read or written.
    const bool scripted_shot = !options_.screenshot_path.empty();
    GuiOptions gui_options;
    gui_options.scale = options_.ui_scale;
    gui_options.ini_path = scripted_shot ? std::string() : options_.layout_path;
    Gui gui(handle, gui_options);  // after our callbacks: ImGui chains to them
    InputPacer pacer(handle, on_input);  // hands ImGui quick taps and clicks one frame at a time
    View view(link_.commands);
    PanelSet panels;
    panels.layout = &gui.layout();
    panels.gui = &gui;
    std::vector<MetricRow> rows;
    std::vector<double> recent_ms;
    int frames_with_samples = 0;
    int64_t first_step = -1;
    Clock::time_point first_step_time;
    auto start = Clock::now();
    auto fps_mark = start;
    uint64_t fps_frames = 0;
    auto last_frame = start - std::chrono::seconds(1);
    bool dirty = true;
    RecordingController recording;
    bool record_pending = options_.record_at_start;
    panels.status.open_record_tab = options_.record_at_start;  // show what is being recorded
    int settled_frames = 0;                                    // frames drawn with training samples
    view.recorder().values = options_.record;
    std::future<Status> history_export;
    const auto now_s = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    while (!(*window)->should_close() && !interrupted()) {
      if (options_.run_seconds > 0 &&
          std::chrono::duration<double>(Clock::now() - start).count() >= options_.run_seconds) {
        break;
      }
      // Real-time recording draws when something changes, like the window; the ticks in between
      // repeat the last image (cheap). It wakes at least every 0.25 s to keep the video's clock.
      const bool realtime_recording = recording.active() && !recording.settings().lockstep();
      bool wait = !dirty && !options_.continuous && g_input_frames.load() <= 0;
      if (wait) {
        glfwWaitEventsTimeout(realtime_recording ? 0.25 : 0.5);
      } else {
        glfwPollEvents();
      }
      if ((*window)->minimized()) {
        dirty = true;
        continue;
      }
      // Cap the frame rate; sleeping here only delays drawing, never training.
      const double max_fps = realtime_recording
                                 ? std::min(options_.max_fps, double(recording.settings().fps))
                                 : options_.max_fps;
      auto min_interval = std::chrono::duration<double>(1.0 / max_fps);
      auto since = Clock::now() - last_frame;
      if (since < min_interval) std::this_thread::sleep_for(min_interval - since);

      auto frame_start = Clock::now();
      last_frame = frame_start;
      bool fresh = link_.snapshots.update();
      if (fresh || !view.has_snapshot()) view.update_snapshot(link_.snapshots.read());
      if (link_.metrics.drain(rows) > 0) view.add_rows(rows, view.snapshot().metric_names);
      dirty = false;
      if (g_input_frames.load() > 0) g_input_frames.fetch_sub(1);

      int fb_w = 0, fb_h = 0;
      (*window)->framebuffer_size(fb_w, fb_h);
      view.recorder().status = recording.status(now_s());
      // A scripted screenshot parks the mouse away so no hover tooltip is in it.
      gui.begin_frame([&] {
        if (pacer.next_frame()) g_input_frames.store(kFramesAfterInput);  // more to hand on
        if (scripted_shot) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
      });
      ImVec2 display = ImGui::GetIO().DisplaySize;
      panels.draw(view, display);
      const ImDrawList* indicator = draw_rec_indicator(view, display);
      if (view.take_redraw_request()) dirty = true;  // an animation wants the next frame
      glViewport(0, 0, fb_w, fb_h);
      glClearColor(0.05f, 0.05f, 0.06f, 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      gui.end_frame(indicator);  // everything but the REC indicator

      const Snapshot& snap = view.snapshot();
      RecorderUi& rec_ui = view.recorder();
      // Start or stop recording (panel button, R key, --record).
      // Start once the layout has settled (ImGui's first frames lay windows out), so frame 0 of
      // a lockstep recording is the same in every run.
      if (snap.running && snap.has_images()) ++settled_frames;
      if (record_pending && settled_frames >= 3) {
        record_pending = false;
        rec_ui.toggle_requested = !recording.active();
      } else if (record_pending && !snap.running && snap.message_level == MessageLevel::kError &&
                 options_.exit_after_record) {
        // --record with a frame limit cannot start (e.g. a missing dataset): say so and exit.
        std::fprintf(stderr, "genscope: cannot record: %s\n", snap.message.c_str());
        exit_code = 1;
        record_pending = false;
        (*window)->request_close();
      }
      const auto region_of = [&](RecordRegion r) {
        UiRect area = view.panel_rect(r);
        if (area.empty()) area = view.panel_rect(RecordRegion::kWindow);
        return to_pixels(area, display, fb_w, fb_h);
      };
      if (rec_ui.toggle_requested) {
        rec_ui.toggle_requested = false;
        if (recording.active()) {
          report_.recording = recording.status(now_s());
          recording.stop(view);
        } else {
          const Status started =
              recording.start(view, region_of(rec_ui.settings().region), now_s());
          if (!started && options_.exit_after_record) {
            std::fprintf(stderr, "genscope: %s\n", started.error().c_str());
            exit_code = 1;
            (*window)->request_close();
          }
        }
      }
      // Capture this frame (before the REC indicator is drawn over it).
      if (recording.active()) {
        report_.recording = recording.status(now_s());
        const bool stopped =
            recording.capture(view, snap, region_of(recording.settings().region), now_s());
        if (stopped) {  // the final counts (the elapsed time is the one before stopping)
          const double elapsed = report_.recording.elapsed_s;
          report_.recording = recording.status(now_s());
          report_.recording.elapsed_s = elapsed;
        }
        if (stopped && options_.exit_after_record) {
          if (!recording.last_stop()) {
            std::fprintf(stderr, "genscope: %s\n", recording.last_stop().error().c_str());
            exit_code = 1;
          }
          (*window)->request_close();
        }
      }
      // Export the sample history on a worker thread.
      HistoryUi& hist = view.history();
      if (hist.export_requested && !hist.exporting) {
        hist.export_requested = false;
        hist.exporting = true;
        hist.message = "exporting " + hist.export_path + "...";
        hist.message_is_error = false;
        auto frames = std::make_shared<std::vector<ImageRGBA>>();
        for (const HistoryEntry& e : hist.history.entries()) frames->push_back(e.samples);
        hist.export_path = next_free_path(output_path(view, options_.run_dir, hist.export_path));
        std::string path = hist.export_path;
        int fps = hist.export_fps;
        history_export = std::async(std::launch::async, [frames, path, fps] {
          std::vector<const ImageRGBA*> list;
          for (const ImageRGBA& f : *frames) list.push_back(&f);
          const int scale = list.empty() ? 1 : std::max(1, 480 / std::max(1, list[0]->width));
          return write_frames(path, list, fps, scale);
        });
      }
      if (hist.exporting &&
          history_export.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        Status done = history_export.get();
        hist.exporting = false;
        hist.message =
            done ? strformat("wrote %zu grids to %s", hist.history.size(), hist.export_path.c_str())
                 : done.error();
        hist.message_is_error = !done.ok();
        view.notify(hist.message, done ? MessageLevel::kInfo : MessageLevel::kError);
      }
      if (hist.exporting || record_pending) dirty = true;
      if (snap.running && snap.step > 0 && first_step < 0) {
        first_step = snap.step;
        first_step_time = Clock::now();
      }
      if (first_step >= 0 && fresh) {
        report_.steps_during_run = snap.step - first_step;
        report_.steps_seconds =
            std::chrono::duration<double>(Clock::now() - first_step_time).count();
      }
      // A scripted screenshot waits for something to show: samples, or the reason there are none.
      bool settled = snap.running
                         ? snap.has_images() && snap.samples_step >= options_.screenshot_step
                         : snap.message_level == MessageLevel::kError;
      if (view.has_snapshot() && settled) ++frames_with_samples;
      bool scripted = !options_.screenshot_path.empty() &&
                      frames_with_samples >= std::max(1, options_.screenshot_frames);
      const bool asked = panels.screenshot_requested;
      panels.screenshot_requested = false;
      if (scripted || asked) {
        std::string path = scripted ? options_.screenshot_path : timestamped_screenshot_name(view, options_.run_dir);
        glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
        glReadBuffer(GL_BACK);
        Status saved = save_screenshot(path, fb_w, fb_h);
        view.notify(saved ? "saved screenshot " + path : saved.error(),
                    saved ? MessageLevel::kInfo : MessageLevel::kError);
        if (scripted) {
          if (!saved) {
            std::fprintf(stderr, "genscope: %s\n", saved.error().c_str());
            exit_code = 1;
          }
          (*window)->request_close();
        }
      }
      gui.render_held_back();  // the REC indicator, after capture and screenshots
      (*window)->swap_buffers();

      double ms = std::chrono::duration<double, std::milli>(Clock::now() - frame_start).count();
      report_.frame_ms.push_back(ms);
      recent_ms.push_back(ms);
      if (recent_ms.size() > 240) recent_ms.erase(recent_ms.begin(), recent_ms.begin() + 120);
      ++fps_frames;
      double fps_dt = std::chrono::duration<double>(Clock::now() - fps_mark).count();
      FrameStats& fs = view.frame();
      fs.frame_ms = ms;
      ++fs.frames;
      if (fps_dt >= 0.5) {
        fs.fps = fps_frames / fps_dt;
        fps_frames = 0;
        fps_mark = Clock::now();
        std::vector<double> sorted = recent_ms;
        std::sort(sorted.begin(), sorted.end());
        fs.frame_p99_ms = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
      }
      report_.frames = fs.frames;
    }
    report_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // Closing the window or Ctrl+C while recording finalises the file.
    const bool recording_at_exit = recording.active();
    if (recording_at_exit) {
      report_.recording = recording.status(now_s());
      Status stopped = recording.stop(view);
      if (!stopped) {
        std::fprintf(stderr, "genscope: %s\n", stopped.error().c_str());
        if (options_.exit_after_record) exit_code = 1;
      }
    }
    // The summary printed on exit: the recording --record asked for, or the one the exit ended
    // (one stopped earlier in the window said so then).
    if (recording_at_exit || options_.record_at_start) {
      report_.recording_summary = recording.recorder().last_summary();
      report_.recording_ok = recording.recorder().error().empty();
    }
    if (history_export.valid()) history_export.wait();
  }
  g_window_open.store(false);
  return exit_code;
}

}  // namespace genscope
