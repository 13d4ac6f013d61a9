#include "app/frame_loop.h"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

#include "core/refresh.h"
#include "core/run_dir.h"
#include "render/screenshot.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace genscope {
namespace {

// Frames to draw after input, so ImGui's hover and release states settle.
constexpr int kFramesAfterInput = 3;

// Set from GLFW callbacks (main thread) and the trainer's publish hook (trainer thread).
std::atomic<int> g_input_frames{kFramesAfterInput};
// glfwPostEmptyEvent is only valid while GLFW lives: the trainer's wake-up and the window's
// closing take this lock, so no wake-up is under way once the frame loop has ended.
std::mutex g_wake_mutex;
bool g_window_open = false;
// Rows and snapshots wake a sleeping frame loop once, not once per row.
WakeGate g_gate;

void on_input() { g_input_frames.store(kFramesAfterInput); }
void cursor_cb(GLFWwindow*, double, double) { on_input(); }
void button_cb(GLFWwindow*, int, int, int) { on_input(); }
void scroll_cb(GLFWwindow*, double, double) { on_input(); }
void char_cb(GLFWwindow*, unsigned int) { on_input(); }
void size_cb(GLFWwindow*, int, int) { on_input(); }
void focus_cb(GLFWwindow*, int) { on_input(); }
void key_cb(GLFWwindow*, int, int, int, int) { on_input(); }  // shortcuts: PanelSet

// Installs the input callbacks (before ImGui's backend, which chains to them).
GLFWwindow* hook_input(Window& window) {
  GLFWwindow* handle = window.handle();
  glfwSetCursorPosCallback(handle, cursor_cb);
  glfwSetMouseButtonCallback(handle, button_cb);
  glfwSetScrollCallback(handle, scroll_cb);
  glfwSetCharCallback(handle, char_cb);
  glfwSetKeyCallback(handle, key_cb);
  glfwSetWindowSizeCallback(handle, size_cb);
  glfwSetWindowFocusCallback(handle, focus_cb);
  std::lock_guard<std::mutex> lock(g_wake_mutex);
  g_window_open = true;
  return handle;
}

GuiOptions gui_options(const AppOptions& options) {
  GuiOptions o;
  o.scale = options.ui_scale;
  // A scripted screenshot shows the default layout: no layout file is read or written.
  o.ini_path = options.screenshot_path.empty() ? options.layout_path : std::string();
  return o;
}

// Where a file the window writes by a bare name goes: the current run's directory.
std::string output_path(const View& view, const std::string& first_run_dir,
                        const std::string& name) {
  const std::string dir = view.files_dir();
  return RunDirectory(dir.empty() ? first_run_dir : dir).output(name);
}

std::string timestamped_screenshot_name(const View& view, const std::string& first_run_dir) {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "screenshot-%Y%m%d-%H%M%S.png", std::localtime(&t));
  return next_free_path(output_path(view, first_run_dir, buf));
}

// The framebuffer rectangle (GL coordinates) of a panel rectangle in window coordinates.
PixelRect to_pixels(const UiRect& r, float display_w, float display_h, int fb_w, int fb_h) {
  const float sx = display_w > 0 ? fb_w / display_w : 1.0f,
              sy = display_h > 0 ? fb_h / display_h : 1.0f;
  int x0 = std::clamp(int(std::lround(r.x0 * sx)), 0, fb_w);
  int x1 = std::clamp(int(std::lround(r.x1 * sx)), 0, fb_w);
  int y0 = std::clamp(int(std::lround(r.y0 * sy)), 0, fb_h);
  int y1 = std::clamp(int(std::lround(r.y1 * sy)), 0, fb_h);
  return PixelRect{x0, fb_h - y1, x1 - x0, y1 - y0};
}

}  // namespace

void FrameLoop::wake() {
  g_gate.notify([] {
    std::lock_guard<std::mutex> lock(g_wake_mutex);
    if (g_window_open) glfwPostEmptyEvent();
  });
}

namespace {

// CPU time of the calling thread in milliseconds.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

// The threads Mesa's llvmpipe rasterises on ("llvmpipe-N"), found once the context exists.
std::vector<std::string> rasterizer_stat_files() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name) && name.rfind("llvmpipe", 0) == 0) {
      out.push_back((task.path() / "schedstat").string());
    }
  }
  return out;
}

// CPU time those threads have run, in milliseconds (schedstat's first field, nanoseconds).
double rasterizer_cpu_ms(const std::vector<std::string>& files) {
  double ms = 0.0;
  for (const std::string& f : files) {
    std::ifstream in(f);
    unsigned long long ns = 0;
    if (in >> ns) ms += ns * 1e-6;
  }
  return ms;
}

}  // namespace

// The frame's CPU time so far: the main thread's and the rasterizer threads'.
double FrameLoop::frame_cpu_clock_ms() {
  if (!rasterizers_found_) {
    rasterizers_found_ = true;
    rasterizers_ = rasterizer_stat_files();
  }
  return thread_cpu_ms() + rasterizer_cpu_ms(rasterizers_);
}

FrameLoop::FrameLoop(TrainerLink& link, const AppOptions& options, AppReport& report,
                     Window& window)
    : link_(link),
      options_(options),
      report_(report),
      window_(window),
      gui_(hook_input(window), gui_options(options)),
      pacer_(window.handle(), on_input),  // hands ImGui quick taps and clicks a frame at a time
      view_(link.commands) {
  panels_.layout = &gui_.layout();
  panels_.gui = &gui_;
  panels_.compare = options.compare;
  scripted_shot_ = !options.screenshot_path.empty();
  record_pending_ = options.record_at_start;
  panels_.status.open_record_tab = options.record_at_start;  // show what is being recorded
  view_.recorder().values = options.record;
  if (options.viewer) {
    view_.set_files_dir(options.run_dir);
    view_.set_remote(options.remote);
  }
  start_ = fps_mark_ = Clock::now();
  last_frame_ = start_ - std::chrono::seconds(1);
}

FrameLoop::~FrameLoop() {
  if (history_export_.valid()) history_export_.wait();
  std::lock_guard<std::mutex> lock(g_wake_mutex);
  g_window_open = false;
}

bool FrameLoop::running() const {
  if (window_.should_close() || interrupted()) return false;
  return options_.run_seconds <= 0 || now_s() < options_.run_seconds;
}

bool FrameLoop::wait() {
  if (window_.minimized()) {
    // Nothing to draw: sleep until the window comes back (input wakes it; rows do not).
    glfwWaitEventsTimeout(0.5);
    dirty_ = true;  // draw as soon as it is back
    return false;
  }
  // Real-time recording draws when something changes, like the window; the ticks in between
  // repeat the last image (cheap). It wakes at least every 0.25 s to keep the video's clock.
  const bool realtime_recording = recording_.active() && !recording_.settings().lockstep();
  const bool idle = !dirty_ && !options_.continuous && g_input_frames.load() <= 0;
  if (idle && g_gate.begin_wait()) {  // no news since the last frame: sleep until some comes
    glfwWaitEventsTimeout(realtime_recording ? 0.25 : 0.5);
  } else {
    glfwPollEvents();
  }
  g_gate.end_wait();
  // Cap the frame rate; sleeping here only delays drawing, never training.
  const double max_fps = realtime_recording
                             ? std::min(options_.max_fps, double(recording_.settings().fps))
                             : options_.max_fps;
  const auto min_interval = std::chrono::duration<double>(1.0 / max_fps);
  const auto since = Clock::now() - last_frame_;
  if (since < min_interval) std::this_thread::sleep_for(min_interval - since);
  frame_start_ = last_frame_ = Clock::now();
  frame_cpu_start_ms_ = frame_cpu_clock_ms();
  return true;
}

bool FrameLoop::take_snapshot() {
  const bool fresh = link_.snapshots.update();
  if (fresh || !view_.has_snapshot()) view_.update_snapshot(link_.snapshots.read());
  if (options_.preload_rows > 0 && !preloaded_) preload_history();
  if (link_.metrics.drain(rows_) > 0) {
    view_.add_rows(rows_, view_.snapshot().metric_names);
    ++report_.plot_updates;
  }
  count_new_samples();
  dirty_ = false;
  if (g_input_frames.load() > 0) g_input_frames.fetch_sub(1);
  const Snapshot& snap = view_.snapshot();
  if (snap.running && snap.step > 0 && first_step_ < 0) {
    first_step_ = snap.step;
    first_step_time_ = Clock::now();
  }
  if (first_step_ >= 0 && fresh) {
    report_.steps_during_run = snap.step - first_step_;
    report_.steps_seconds = std::chrono::duration<double>(Clock::now() - first_step_time_).count();
  }
  return fresh;
}

// A long run's history for benchmarks: noisy decaying curves, one row per step before step 0.
void FrameLoop::preload_history() {
  const MetricSchema& names = view_.snapshot().metric_names;
  if (names.empty()) return;  // not yet known
  preloaded_ = true;
  std::vector<MetricRow> rows(static_cast<size_t>(options_.preload_rows));
  uint32_t state = 12345;
  for (size_t i = 0; i < rows.size(); ++i) {
    MetricRow& row = rows[i];
    row.step = static_cast<int64_t>(i) - options_.preload_rows;
    const float decay = 1.0f + 2.0f * std::exp(-static_cast<float>(i) * 4.0f / rows.size());
    for (size_t k = 0; k < names.size() && k < MetricRow::kMaxValues; ++k) {
      state = state * 1664525u + 1013904223u;
      row.push(decay * (0.5f + 0.1f * k) + 0.2f * ((state >> 8) * (1.0f / 16777216.0f) - 0.5f));
    }
  }
  view_.add_rows(rows, names);
}

void FrameLoop::count_new_samples() {
  const Snapshot& snap = view_.snapshot();
  const uint64_t version = snap.is_toy ? snap.toy.version : snap.samples_version;
  if (version != 0 && version != samples_seen_) ++report_.sample_updates;
  samples_seen_ = version;
}

void FrameLoop::draw() {
  window_.framebuffer_size(fb_w_, fb_h_);
  view_.recorder().status = recording_.status(now_s());
  // A scripted screenshot parks the mouse away so no hover tooltip is in it.
  gui_.begin_frame([&] {
    if (pacer_.next_frame()) g_input_frames.store(kFramesAfterInput);  // more to hand on
    if (scripted_shot_) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  });
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  display_w_ = display.x, display_h_ = display.y;
  panels_.draw(view_, display);
  indicator_ = draw_rec_indicator(view_, display);
  requests_ = view_.take_requests();
  if (requests_[int(AppRequest::kRedraw)]) dirty_ = true;  // an animation wants the next frame
  glViewport(0, 0, fb_w_, fb_h_);
  if (!gui_.tracks_damage()) {  // damage tracking patches the last frame: no clear
    const ImVec4 clear = GuiOptions().clear_color;
    glClearColor(clear.x, clear.y, clear.z, clear.w);
    glClear(GL_COLOR_BUFFER_BIT);
  }
  gui_.end_frame(indicator_);  // everything but the REC indicator
}

PixelRect FrameLoop::region(RecordRegion r) const {
  UiRect area = view_.panel_rect(r);
  if (area.empty()) area = view_.panel_rect(RecordRegion::kWindow);
  return to_pixels(area, display_w_, display_h_, fb_w_, fb_h_);
}

void FrameLoop::fail(const std::string& error) {
  std::fprintf(stderr, "genscope: %s\n", error.c_str());
  exit_code_ = 1;
  window_.request_close();
}

void FrameLoop::carry_out_requests() {
  const Snapshot& snap = view_.snapshot();
  // --record starts once the layout has settled (ImGui's first frames lay windows out), so
  // frame 0 of a lockstep recording is the same in every run.
  if (snap.running && snap.has_images()) ++settled_frames_;
  if (record_pending_ && settled_frames_ >= 3) {
    record_pending_ = false;
    if (!recording_.active()) requests_[int(AppRequest::kToggleRecording)] = true;
  } else if (record_pending_ && !snap.running && snap.message_level == MessageLevel::kError &&
             options_.exit_after_record) {
    // --record with a frame limit cannot start (e.g. a missing dataset): say so and exit.
    record_pending_ = false;
    fail("cannot record: " + snap.message);
  }
  if (requests_[int(AppRequest::kToggleRecording)]) toggle_recording();
  if (requests_[int(AppRequest::kExportHistory)]) start_history_export();
  poll_history_export();
  if (view_.history().exporting || record_pending_) dirty_ = true;
}

void FrameLoop::toggle_recording() {
  if (recording_.active()) {
    report_.recording = recording_.status(now_s());
    recording_.stop(view_);
    return;
  }
  const Status started =
      recording_.start(view_, region(view_.recorder().settings().region), now_s());
  if (!started && options_.exit_after_record) fail(started.error());
}

// Writes the sample history as a video on a worker thread.
void FrameLoop::start_history_export() {
  HistoryUi& hist = view_.history();
  if (hist.exporting) return;
  hist.exporting = true;
  hist.message = "exporting " + hist.export_path + "...";
  hist.message_is_error = false;
  auto frames = std::make_shared<std::vector<ImageRGBA>>();
  for (const HistoryEntry& e : hist.history.entries()) frames->push_back(e.samples);
  hist.export_path = next_free_path(output_path(view_, options_.run_dir, hist.export_path));
  std::string path = hist.export_path;
  int fps = hist.export_fps;
  history_export_ = std::async(std::launch::async, [frames, path, fps] {
    std::vector<const ImageRGBA*> list;
    for (const ImageRGBA& f : *frames) list.push_back(&f);
    const int scale = list.empty() ? 1 : std::max(1, 480 / std::max(1, list[0]->width));
    return write_frames(path, list, fps, scale);
  });
}

void FrameLoop::poll_history_export() {
  HistoryUi& hist = view_.history();
  if (!hist.exporting ||
      history_export_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    return;
  }
  Status done = history_export_.get();
  hist.exporting = false;
  hist.message =
      done ? strformat("wrote %zu grids to %s", hist.history.size(), hist.export_path.c_str())
           : done.error();
  hist.message_is_error = !done.ok();
  view_.notify(hist.message, done ? MessageLevel::kInfo : MessageLevel::kError);
}

void FrameLoop::capture() {
  if (!recording_.active()) return;
  report_.recording = recording_.status(now_s());
  const bool stopped = recording_.capture(view_, view_.snapshot(),
                                          region(recording_.settings().region), now_s());
  if (!stopped) return;
  // The final counts (the elapsed time is the one before stopping).
  const double elapsed = report_.recording.elapsed_s;
  report_.recording = recording_.status(now_s());
  report_.recording.elapsed_s = elapsed;
  if (!options_.exit_after_record) return;
  if (!recording_.last_stop()) {
    fail(recording_.last_stop().error());
  } else {
    window_.request_close();
  }
}

void FrameLoop::screenshot() {
  const Snapshot& snap = view_.snapshot();
  // A scripted screenshot waits for something to show: samples, or the reason there are none.
  const bool settled = snap.running
                           ? snap.has_images() && snap.samples_step >= options_.screenshot_step
                           : snap.message_level == MessageLevel::kError;
  if (view_.has_snapshot() && settled) ++frames_with_samples_;
  const bool scripted =
      scripted_shot_ && frames_with_samples_ >= std::max(1, options_.screenshot_frames);
  if (!scripted && !requests_[int(AppRequest::kScreenshot)]) return;
  const std::string path = scripted ? options_.screenshot_path
                                    : timestamped_screenshot_name(view_, options_.run_dir);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
  glReadBuffer(GL_BACK);
  Status saved = save_screenshot(path, fb_w_, fb_h_);
  view_.notify(saved ? "saved screenshot " + path : saved.error(),
               saved ? MessageLevel::kInfo : MessageLevel::kError);
  if (!scripted) return;
  if (!saved) {
    fail(saved.error());
  } else {
    window_.request_close();
  }
}

void FrameLoop::present() {
  gui_.render_held_back();  // the REC indicator, after capture and screenshots
  window_.swap_buffers();
  report_.frame_cpu_ms.push_back(frame_cpu_clock_ms() - frame_cpu_start_ms_);
  if (const ImDrawData* data = ImGui::GetDrawData()) {
    report_.vertices = static_cast<uint64_t>(data->TotalVtxCount);
    report_.indices = static_cast<uint64_t>(data->TotalIdxCount);
  }
  update_frame_stats(
      std::chrono::duration<double, std::milli>(Clock::now() - frame_start_).count());
  if (options_.on_presented) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    options_.on_presented(mouse.x, mouse.y);
  }
}

void FrameLoop::update_frame_stats(double ms) {
  report_.frame_ms.push_back(ms);
  recent_ms_.push_back(ms);
  if (recent_ms_.size() > 240) recent_ms_.erase(recent_ms_.begin(), recent_ms_.begin() + 120);
  ++fps_frames_;
  const double fps_dt = std::chrono::duration<double>(Clock::now() - fps_mark_).count();
  FrameStats& fs = view_.frame();
  fs.frame_ms = ms;
  ++fs.frames;
  if (fps_dt >= 0.5) {
    fs.fps = fps_frames_ / fps_dt;
    fps_frames_ = 0;
    fps_mark_ = Clock::now();
    std::vector<double> sorted = recent_ms_;
    std::sort(sorted.begin(), sorted.end());
    fs.frame_p99_ms = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
  }
  report_.frames = fs.frames;
}

int FrameLoop::finish() {
  report_.seconds = now_s();
  // Closing the window or Ctrl+C while recording finalises the file.
  const bool recording_at_exit = recording_.active();
  if (recording_at_exit) {
    report_.recording = recording_.status(now_s());
    Status stopped = recording_.stop(view_);
    if (!stopped) {
      std::fprintf(stderr, "genscope: %s\n", stopped.error().c_str());
      if (options_.exit_after_record) exit_code_ = 1;
    }
  }
  // The summary printed on exit: the recording --record asked for, or the one the exit ended
  // (one stopped earlier in the window said so then).
  if (recording_at_exit || options_.record_at_start) {
    report_.recording_summary = recording_.recorder().last_summary();
    report_.recording_ok = recording_.recorder().error().empty();
  }
  if (history_export_.valid()) history_export_.wait();
  return exit_code_;
}

}  // namespace genscope
