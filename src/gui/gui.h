#pragma once
// Gui: the Dear ImGui context and its GLFW + OpenGL 3 backends for one window.
struct GLFWwindow;
struct ImGuiContext;

namespace genscope {

/// Creates ImGui for a window (chaining any GLFW callbacks already installed) and tears it down.
class Gui {
 public:
  explicit Gui(GLFWwindow* window);
  ~Gui();
  Gui(const Gui&) = delete;
  Gui& operator=(const Gui&) = delete;

  /// Starts an ImGui frame.
  void begin_frame();
  /// Renders the frame's draw data into the bound framebuffer.
  void end_frame();

 private:
  ImGuiContext* context_;
};

/// genscope's colors and spacing on top of ImGui's dark style.
void apply_style();

}  // namespace genscope
