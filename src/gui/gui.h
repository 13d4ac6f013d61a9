#pragma once
// Gui: the Dear ImGui context with its OpenGL 3 backend, for a GLFW window or (headless) for a
// framebuffer with no window at all.
struct GLFWwindow;
struct ImGuiContext;
struct ImDrawList;

namespace genscope {

/// Creates ImGui for a window (chaining any GLFW callbacks already installed) and tears it down.
class Gui {
 public:
  /// For a GLFW window: input and display size come from the window.
  explicit Gui(GLFWwindow* window);
  /// Headless: no platform backend; begin_frame(width, height) sets the display size.
  Gui();
  ~Gui();
  Gui(const Gui&) = delete;
  Gui& operator=(const Gui&) = delete;

  /// Starts an ImGui frame (window mode).
  void begin_frame();
  /// Starts an ImGui frame of `width` x `height` pixels advancing `dt` seconds (headless mode).
  void begin_frame(int width, int height, float dt);
  /// Ends the frame and renders its draw data into the bound framebuffer, except the draw list
  /// `held_back` (e.g. the REC indicator's window), which end_frame keeps for render_held_back().
  void end_frame(const ImDrawList* held_back = nullptr);
  /// Renders the list end_frame held back (nothing when there was none).
  void render_held_back();

 private:
  ImGuiContext* context_;
  bool has_window_;
  const ImDrawList* held_back_ = nullptr;
};

/// genscope's colors and spacing on top of ImGui's dark style.
void apply_style();

}  // namespace genscope
