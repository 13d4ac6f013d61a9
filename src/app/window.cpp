#include "app/window.h"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <string>

namespace genscope {
namespace {

int g_window_count = 0;
std::string g_last_glfw_error;

void on_glfw_error(int code, const char* description) {
  g_last_glfw_error = std::to_string(code) + ": " + description;
}

}  // namespace

Result<std::unique_ptr<Window>> Window::open(const WindowOptions& options) {
  glfwSetErrorCallback(on_glfw_error);
  if (g_window_count == 0 && !glfwInit()) {
    return Error{"cannot initialise GLFW (is there a display? run under xvfb-run, or use "
                 "--headless): " + g_last_glfw_error};
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
    return Error{"cannot create an OpenGL 3.3 core window: " + g_last_glfw_error};
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
