#include "bench_probes.h"

#include <X11/Xlib.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

// GLFW's X11 access (glfw3native.h, which would also want the Xrandr headers for these two).
extern "C" Display* glfwGetX11Display(void);
extern "C" Window glfwGetX11Window(GLFWwindow* window);

#include <algorithm>
#include <cmath>

namespace genscope::bench {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

BusyThread::BusyThread()
    : thread_([this] {
        volatile unsigned long x = 0;
        while (!stop_.load(std::memory_order_relaxed)) x = x + 1;
      }) {}

BusyThread::~BusyThread() {
  stop_ = true;
  thread_.join();
}

InputLatencyProbe::InputLatencyProbe(std::chrono::milliseconds period) : period_(period) {}

InputLatencyProbe::~InputLatencyProbe() { stop(); }

void InputLatencyProbe::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void InputLatencyProbe::attach() {
  if (attached_) return;
  attached_ = true;
  GLFWwindow* window = glfwGetCurrentContext();
  if (!window || !glfwGetX11Display()) return;
  available_ = true;
  const unsigned long id = glfwGetX11Window(window);
  thread_ = std::thread([this, id] { run(id); });
}

void InputLatencyProbe::run(unsigned long window) {
  Display* display = XOpenDisplay(nullptr);  // its own connection: Xlib is not shared
  if (!display) return;
  const float points[2][2] = {{240.0f, 330.0f}, {700.0f, 330.0f}};
  for (int i = 0;; ++i) {
    std::this_thread::sleep_for(period_);
    if (stop_) break;
    const float* p = points[i % 2];
    {
      std::lock_guard<std::mutex> lock(mutex_);
      target_x_ = p[0], target_y_ = p[1];
      pending_ = true;
      moved_at_ = Clock::now();
    }
    XWarpPointer(display, 0, window, 0, 0, 0, 0, static_cast<int>(p[0]), static_cast<int>(p[1]));
    XFlush(display);
  }
  XCloseDisplay(display);
}

void InputLatencyProbe::presented(float x, float y) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!pending_ || std::fabs(x - target_x_) > 0.5f || std::fabs(y - target_y_) > 0.5f) return;
  pending_ = false;
  latencies_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - moved_at_).count());
}

std::vector<double> InputLatencyProbe::latencies_ms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latencies_;
}

void Json::key(const char* name) {
  if (first_.empty()) return;
  std::fprintf(out_, "%s\n%*s", first_.back() ? "" : ",", int(2 * first_.size()), "");
  first_.back() = false;
  if (name) std::fprintf(out_, "\"%s\": ", name);
}

void Json::begin(const char* name) {
  key(name);
  std::fputc('{', out_);
  first_.push_back(true);
}

void Json::end() {
  first_.pop_back();
  std::fprintf(out_, "\n%*s}", int(2 * first_.size()), "");
  if (first_.empty()) std::fputc('\n', out_);
}

void Json::number(const char* name, double v, const char* format) {
  key(name);
  if (!std::isfinite(v)) {
    std::fputs("null", out_);
  } else {
    std::fprintf(out_, format, v);
  }
}

void Json::numbers(const char* name, const std::vector<double>& v, const char* format) {
  key(name);
  std::fputc('[', out_);
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) std::fputs(", ", out_);
    if (std::isfinite(v[i])) {
      std::fprintf(out_, format, v[i]);
    } else {
      std::fputs("null", out_);
    }
  }
  std::fputc(']', out_);
}

void Json::text(const char* name, const std::string& v) {
  key(name);
  std::fputc('"', out_);
  for (char c : v) {
    if (c == '"' || c == '\\') std::fputc('\\', out_);
    std::fputc(c, out_);
  }
  std::fputc('"', out_);
}

void Json::boolean(const char* name, bool v) {
  key(name);
  std::fputs(v ? "true" : "false", out_);
}

}  // namespace genscope::bench
