#include "app/window.h"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace genscope {
namespace {

int g_window_count = 0;
// GLFW reports errors on the thread that made the call: the trainer's wake-ups come from its own.
std::mutex g_error_mutex;
std::string g_last_glfw_error;

void on_glfw_error(int code, const char* description) {
  std::lock_guard<std::mutex> lock(g_error_mutex);
  g_last_glfw_error = std::to_string(code) + ": " + description;
}

std::string last_glfw_error() {
  std::lock_guard<std::mutex> lock(g_error_mutex);
  return g_last_glfw_error;
}

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value && *value;
}

// Connects to the display. A busy X server can refuse a connection now and then (seen under
// Xvfb while other clients draw): a few tries, 200 ms apart, before saying there is none.
bool init_glfw() {
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (glfwInit()) return true;
  }
  return false;
}

}  // namespace

Status probe_display() {
  constexpr const char* kFix = ": use --headless, or run under xvfb-run";
  if (g_window_count > 0) return {};
  if (!env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY")) {
    return Error{std::string("no display (DISPLAY is not set)") + kFix};
  }
  {
    std::lock_guard<std::mutex> lock(g_error_mutex);
    g_last_glfw_error.clear();
  }
  glfwSetErrorCallback(on_glfw_error);
  if (!init_glfw()) {
    const std::string name = env_set("DISPLAY")
                                 ? std::string("DISPLAY=") + std::getenv("DISPLAY")
                                 : std::string("WAYLAND_DISPLAY=") + std::getenv("WAYLAND_DISPLAY");
    return Error{"no display (cannot connect to " + name + ": GLFW error " + last_glfw_error() +
                 ")" + kFix};
  }
  glfwTerminate();
  return {};
}

Result<std::unique_ptr<Window>> Window::open(const WindowOptions& options) {
  glfwSetErrorCallback(on_glfw_error);
  if (g_window_count == 0 && !init_glfw()) {
    return Error{"cannot initialise GLFW (is there a display? run under xvfb-run, or use "
                 "--headless): " + last_glfw_error()};
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, options.visible ? GLFW_TRUE : GLFW_FALSE);
  GLFWwindow* w =
      glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
  if (!w) {
    if (g_window_count == 0) glfwTerminate();
    return Error{"cannot create an OpenGL 3.3 core window: " + last_glfw_error()};
  }
  ++g_window_count;
  std::unique_ptr<Window> window(new Window(w));
  glfwMakeContextCurrent(w);
  if (!gladLoadGL(glfwGetProcAddress)) return Error{"cannot load OpenGL 3.3 functions (glad)"};
  glfwSwapInterval(options.vsync ? 1 : 0);
  return window;
}

Window::~Window() {
  glfwDestroyWindow(window_);
  if (--g_window_count == 0) glfwTerminate();
}

bool Window::should_close() const { return glfwWindowShouldClose(window_); }
void Window::request_close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }
void Window::framebuffer_size(int& width, int& height) const {
  glfwGetFramebufferSize(window_, &width, &height);
}
bool Window::minimized() const { return glfwGetWindowAttrib(window_, GLFW_ICONIFIED) != 0; }
void Window::swap_buffers() { glfwSwapBuffers(window_); }

}  // namespace genscope
