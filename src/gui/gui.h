#pragma once
// Gui: the Dear ImGui context with its OpenGL 3 backend, for a GLFW window or (headless) for a
// framebuffer with no window at all, or headless with no renderer and no GL at all (panel tests:
// frames only make draw data); its fonts and spacing at a UI scale; and the layout file (ImGui's
// ini, with genscope's own section) it loads at start and saves atomically.
#include <imgui_internal.h>  // ImRect

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gui/damage.h"

struct GLFWwindow;
struct ImGuiContext;
struct ImDrawList;

namespace genscope {

class DamageRenderer;
class PlotTextures;

/// How the Gui starts.
struct GuiOptions {
  float scale = 0.0f;    // UI scale (fonts, spacing); 0: automatic (monitor and window size)
  std::string ini_path;  // where the window layout is kept between runs; empty: nowhere
  /// Headless only: false makes no GL call at all (no renderer backend; the font atlas is built
  /// on the CPU, end_frame leaves the draw data in ImGui::GetDrawData()); for tests with no GL
  /// context and no display. A window's Gui always renders.
  bool render = true;
  /// Whether frames re-render only what changed since the last one (DamageRenderer): by
  /// default a window on a software renderer does, as GENSCOPE_DAMAGE=0/1 says otherwise.
  DamageMode damage = DamageMode::kAuto;
  /// With damage tracking, what re-rendered rectangles are cleared to first (the window's
  /// background; without it the caller clears before end_frame).
  ImVec4 clear_color{0.05f, 0.05f, 0.06f, 1.0f};
};

/// What genscope keeps in the layout file beside ImGui's window positions.
struct LayoutSettings {
  bool custom = false;         // the user moved or resized a panel since the last reset
  float width = 0, height = 0; // the display size the panel positions were made for
  /// A custom layout's panel rectangles as shares of the display (0..1), by panel id.
  std::map<std::string, ImRect> rects;
  float ui_scale = 0.0f;       // the View menu's UI scale (0: automatic)
  std::map<std::string, bool> hidden;  // panels hidden from the View menu, by id
};

/// The automatic UI scale: the monitor's content scale times a factor that grows with the window
/// (1 up to 1600x900 logical pixels, then with the smaller of width/1600 and height/900, at most
/// 2), in steps of 1/8 so a resize does not rebuild the fonts at every pixel.
float auto_ui_scale(float content_scale, float logical_width, float logical_height);

/// The default layout file: $XDG_CONFIG_HOME/genscope/layout.ini, else ~/.config/genscope/...;
/// empty when neither is set.
std::string default_ini_path();

/// Creates ImGui for a window (chaining any GLFW callbacks already installed) and tears it down.
class Gui {
 public:
  /// For a GLFW window: input and display size come from the window.
  Gui(GLFWwindow* window, GuiOptions options);
  /// Headless: no platform backend; begin_frame(width, height) sets the display size. With
  /// options.render false it needs no GL context either.
  explicit Gui(GuiOptions options = {});
  ~Gui();  // saves the layout file if it changed
  Gui(const Gui&) = delete;
  Gui& operator=(const Gui&) = delete;

  /// Starts an ImGui frame (window mode); `input` runs after the backend read the window's input
  /// and before ImGui::NewFrame (e.g. to park the mouse for a scripted screenshot).
  void begin_frame(const std::function<void()>& input = nullptr);
  /// Starts an ImGui frame of `width` x `height` pixels advancing `dt` seconds (headless mode).
  void begin_frame(int width, int height, float dt);
  /// Headless, with `input` run after the display size is set and before ImGui::NewFrame (tests
  /// feed synthetic mouse and keyboard state there).
  void begin_frame_input(int width, int height, float dt, const std::function<void()>& input);
  /// Ends the frame and renders its draw data into the bound framebuffer, except the draw list
  /// `held_back` (e.g. the REC indicator's window), which end_frame keeps for render_held_back().
  /// With damage tracking it re-renders only what changed over the last frame's image (the
  /// window's back buffer where swaps keep it, else its own framebuffer, copied over the bound
  /// one): the caller does not clear first.
  /// Without a renderer it only ends the frame: ImGui::GetDrawData() holds what it would draw.
  void end_frame(const ImDrawList* held_back = nullptr);
  /// Renders the list end_frame held back (nothing when there was none, or without a renderer).
  void render_held_back();
  /// False for a headless Gui made with GuiOptions::render false: it never calls GL.
  bool renders() const { return render_; }
  /// True when frames re-render only what changed (GuiOptions::damage).
  bool tracks_damage() const { return damage_ != nullptr; }
  /// Turns damage tracking on or off from the next frame on (with a renderer only).
  void set_damage_tracking(bool on);
  /// The damage tracking renderer (null when off): what the last frame re-rendered.
  const DamageRenderer* damage() const { return damage_.get(); }

  /// The UI scale in use (fonts were built for it).
  float scale() const { return scale_; }
  /// The scale asked for: > 0 fixed (the --ui-scale flag or the View menu), 0 automatic.
  float requested_scale() const { return requested_scale_; }
  /// Asks for a UI scale (0: automatic); fonts are rebuilt before the next frame.
  void set_scale(float scale);
  /// What the layout file holds besides window positions (the panels edit it).
  LayoutSettings& layout() { return layout_; }
  /// Marks the layout file as needing a save.
  void layout_changed();
  /// Writes the layout file now if it changed (atomically: a temp file, then rename).
  void save_layout();
  /// The layout file's path ("" when the layout is not kept).
  const std::string& ini_path() const { return ini_path_; }

 private:
  void init(GuiOptions options);
  void render_frame(const ImDrawList* held_back);  // all lists but held_back
  void prepare_frame(float display_w, float display_h);  // rebuilds fonts when the scale changed
  void build_fonts(float scale);
  void build_cpu_font_atlas();
  void attach_plot_textures();  // with a renderer  // without a renderer: the atlas's pixels, a placeholder TexID

  ImGuiContext* context_;
  GLFWwindow* window_ = nullptr;
  const ImDrawList* held_back_ = nullptr;
  std::unique_ptr<DamageRenderer> damage_;  // null: every frame is rendered whole
  std::unique_ptr<PlotTextures> plot_textures_;  // with a renderer: line plots draw into them
  ImVec4 clear_color_;
  bool render_ = true;            // false: no OpenGL backend, no GL call
  float scale_ = 0.0f;            // fonts built for it (0: not yet)
  float requested_scale_ = 0.0f;  // 0: automatic
  std::string ini_path_;
  LayoutSettings layout_;
};

/// genscope's colors and spacing on top of ImGui's dark style, at `scale`.
void apply_style(float scale = 1.0f);

}  // namespace genscope
