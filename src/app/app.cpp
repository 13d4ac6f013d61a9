#include "app/app.h"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

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
std::atomic<bool> g_screenshot_key{false};
std::atomic<bool> g_window_open{false};  // glfwPostEmptyEvent is only valid while GLFW lives

void on_input() { g_input_frames.store(kFramesAfterInput); }
void cursor_cb(GLFWwindow*, double, double) { on_input(); }
void button_cb(GLFWwindow*, int, int, int) { on_input(); }
void scroll_cb(GLFWwindow*, double, double) { on_input(); }
void char_cb(GLFWwindow*, unsigned int) { on_input(); }
void size_cb(GLFWwindow*, int, int) { on_input(); }
void focus_cb(GLFWwindow*, int) { on_input(); }
void key_cb(GLFWwindow*, int key, int, int action, int) {
  on_input();
  if (key == GLFW_KEY_F12 && action == GLFW_PRESS) g_screenshot_key.store(true);
}

std::string timestamped_screenshot_name() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "genscope-%Y%m%d-%H%M%S.png", std::localtime(&t));
  return buf;
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
    Gui gui(handle);  // after our callbacks: ImGui chains to them
    View view(link_.commands);
    PanelSet panels;
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

    while (!(*window)->should_close() && !interrupted()) {
      if (options_.run_seconds > 0 &&
          std::chrono::duration<double>(Clock::now() - start).count() >= options_.run_seconds) {
        break;
      }
      bool wait = !dirty && !options_.continuous && g_input_frames.load() <= 0;
      if (wait) {
        glfwWaitEventsTimeout(0.5);
      } else {
        glfwPollEvents();
      }
      if ((*window)->minimized()) {
        dirty = true;
        continue;
      }
      // Cap the frame rate; sleeping here only delays drawing, never training.
      auto min_interval = std::chrono::duration<double>(1.0 / options_.max_fps);
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
      gui.begin_frame();
      ImVec2 display = ImGui::GetIO().DisplaySize;
      panels.draw(view, display);
      if (view.take_redraw_request()) dirty = true;  // an animation wants the next frame
      glViewport(0, 0, fb_w, fb_h);
      glClearColor(0.05f, 0.05f, 0.06f, 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      gui.end_frame();

      const Snapshot& snap = view.snapshot();
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
                         ? !snap.samples.empty() && snap.samples_step >= options_.screenshot_step
                         : snap.message_level == MessageLevel::kError;
      if (view.has_snapshot() && settled) ++frames_with_samples;
      bool scripted = !options_.screenshot_path.empty() &&
                      frames_with_samples >= std::max(1, options_.screenshot_frames);
      if (scripted || g_screenshot_key.exchange(false)) {
        std::string path = scripted ? options_.screenshot_path : timestamped_screenshot_name();
        glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
        glReadBuffer(GL_BACK);
        Status saved = save_screenshot(path, fb_w, fb_h);
        view.notify(saved ? "saved screenshot " + path : saved.error());
        if (scripted) {
          if (!saved) {
            std::fprintf(stderr, "genscope: %s\n", saved.error().c_str());
            exit_code = 1;
          }
          (*window)->request_close();
        }
      }
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
  }
  g_window_open.store(false);
  return exit_code;
}

}  // namespace genscope
