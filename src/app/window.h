#pragma once
// Window: a GLFW window with an OpenGL 3.3 core context and the glad loader, owned RAII-style.
#include <memory>
#include <string>

#include "util/result.h"

struct GLFWwindow;

namespace genscope {

/// How to open the window.
struct WindowOptions {
  std::string title = "genscope";
  int width = 1280;
  int height = 720;
  bool visible = true;
  bool vsync = true;
};

/// Checks quickly, without opening a window, that one could be opened: a display is named and
/// GLFW can connect to it. Call it before starting anything slow. The error is one line, e.g.
/// "no display (DISPLAY is not set): use --headless, or run under xvfb-run".
Status probe_display();

/// Owns a GLFW window and its current GL context. GLFW is initialised with the first window and
/// terminated with the last.
class Window {
 public:
  /// Opens a window; errors say why (e.g. no display).
  static Result<std::unique_ptr<Window>> open(const WindowOptions& options);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  GLFWwindow* handle() const { return window_; }
  bool should_close() const;
  void request_close();
  /// Framebuffer size in pixels.
  void framebuffer_size(int& width, int& height) const;
  bool minimized() const;
  void swap_buffers();

 private:
  explicit Window(GLFWwindow* w) : window_(w) {}
  GLFWwindow* window_;
};

}  // namespace genscope
