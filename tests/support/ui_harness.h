#pragma once
// UiHarness: drives genscope's ImGui panels the way a hand does, over real frames. It feeds
// synthetic mouse and keyboard events (moves, presses, drags in several steps, Ctrl+click,
// typing, Enter), finds widgets by name (the WidgetProbe), reads back what the frame shows (the
// text in a rectangle, from the glyphs in the draw lists) and checks the layout (no two items of
// a window overlap, no text is cut at its clip rectangle).
//
// By default it makes a GL context (a hidden 64x64 GLFW window) and renders every frame, so a
// test can read pixels back (screenshot(), pixels()). UiHarness::without_gl() makes none: no
// window, no display, no GL call; frames only make ImGui's draw data, which is all the text, item
// and layout checks read. The display it lays out is any size either way.
#include <imgui.h>
#include <imgui_internal.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gui/gui.h"
#include "gui/probe.h"

namespace genscope {
class Window;
}

namespace genscope::test {

/// Every ImGui item of a frame (recorded by wrapping ImGui::ItemAdd at link time).
struct FrameItem {
  ImGuiID id = 0;
  ImRect rect;
  std::string window;      // the window's name (child windows have their own)
  ImRect window_clip;      // the part of the window items may be drawn in
  bool visible = false;    // ItemAdd returned true: not clipped away
  bool scrolls_x = false;  // its window has a horizontal scrollbar: what sticks out is reachable
  bool table_header = false;  // a table's header cell: its rect is the cell's background, which
                              // ImGui lets pass the clip by the cell padding
};

/// One glyph drawn in a frame.
struct FrameGlyph {
  unsigned codepoint = 0;
  ImRect rect;      // where its quad was drawn
  float line_y = 0; // the top of the text line it is on (its quad's top minus the glyph's offset)
  float origin_x = 0, advance = 0;  // where its pen position was and how far it moved
  ImRect clip;      // its draw command's clip rectangle
  bool cut = false; // the quad is a cut part of the glyph (CPU clipping)
  int list = 0;     // index of its draw list
  const ImDrawList* draw_list = nullptr;  // that draw list (a window's, or a layer's)
};

/// Whether a UiHarness renders its frames with OpenGL.
enum class UiRenderer {
  kOpenGl,  // a hidden GLFW window's context: frames are rendered, pixels can be read back
  kNone,    // no window, no GL: frames only make draw data (runs with no display at all)
};

class UiHarness {
 public:
  /// A display of `width` x `height` pixels at UI scale `scale` (0: 1), keeping its layout in
  /// `ini_path` (empty: nowhere), rendered by `renderer`.
  UiHarness(int width, int height, float scale = 1.0f, const std::string& ini_path = "",
            UiRenderer renderer = UiRenderer::kOpenGl);
  /// The same with no GL context and no display (UiRenderer::kNone): for panel tests that check
  /// commands, text and layout, never pixels.
  static std::unique_ptr<UiHarness> without_gl(int width, int height, float scale = 1.0f,
                                               const std::string& ini_path = "");
  ~UiHarness();
  UiHarness(const UiHarness&) = delete;  // the probe and the item hook point at it
  UiHarness& operator=(const UiHarness&) = delete;

  /// False when the GL harness could make no GL context (no display); error() says why. Always
  /// true without GL.
  bool ok() const { return gui_ != nullptr; }
  /// True when frames are rendered with OpenGL (pixels can be read back).
  bool has_gl() const { return renderer_ == UiRenderer::kOpenGl; }
  const std::string& error() const { return error_; }
  Gui& gui() { return *gui_; }

  /// What each frame draws.
  std::function<void()> draw;
  /// What runs after each frame is rendered (e.g. a check of its pixels), by every call that
  /// draws frames.
  std::function<void()> after_frame;

  /// Changes the display's size (a resized window) from the next frame on.
  void resize(int width, int height) { width_ = width, height_ = height; }
  /// One frame with the current input (1/60 s of ImGui time).
  void frame();
  void frames(int n);

  // Mouse: each call draws the frames it needs.
  /// Moves the mouse to `p` (one frame).
  void move(ImVec2 p);
  /// Presses / releases `button` where the mouse is (one frame).
  void press(int button = 0);
  void release(int button = 0);
  /// Moves to `p`, presses, releases, and draws one more frame (4 frames).
  void click(ImVec2 p, int button = 0);
  /// Holds Ctrl while clicking.
  void ctrl_click(ImVec2 p);
  /// Two clicks within ImGui's double-click time.
  void double_click(ImVec2 p);
  /// Presses at `from`, moves to `to` in `steps` frames, releases there.
  void drag(ImVec2 from, ImVec2 to, int steps = 8, int button = 0);
  /// Presses at `from` and moves to `to` in `steps` frames, without releasing.
  void drag_hold(ImVec2 from, ImVec2 to, int steps = 8, int button = 0);
  /// Turns the wheel by `amount` notches over `p` (one frame).
  void wheel(ImVec2 p, float amount);

  // Keyboard (GLFW key codes, as the app's backend maps them).
  /// Presses and releases `key` (2 frames) with the given modifiers held.
  void key(int glfw_key, bool ctrl = false, bool shift = false);
  /// Types `text` (one character per frame).
  void type(const std::string& text);
  /// Ctrl+A, the text, Enter: replaces a focused field's text.
  void replace_text(const std::string& text);
  /// Holds Ctrl down (true) or lets it go for the next frames.
  void set_ctrl(bool down);

  /// Where the mouse is.
  ImVec2 mouse() const { return mouse_; }

  // Widgets by name: "Window/name" from probe_item() in the last frame.
  const WidgetProbe& probe() const { return probe_; }
  /// The named item; fails the current test when it was not drawn.
  ProbedItem item(const std::string& name) const;
  bool has(const std::string& name) const { return probe_.find(name) != nullptr; }
  ImVec2 center(const std::string& name) const;
  /// The point of a slider's frame where ImGui puts ratio `r` (0..1) of its range;
  /// `int_range` > 0 for int sliders (their grab is one unit wide when it fits).
  ImVec2 slider_point(const std::string& name, double r, double int_range = 0) const;

  // What the last frame shows.
  const std::vector<FrameItem>& items() const { return items_; }
  const std::vector<FrameGlyph>& glyphs() const { return glyphs_; }
  /// The text drawn inside `rect` (glyph centres inside it), line by line, gaps as spaces.
  std::string text_in(const ImRect& rect) const;
  /// All text of the window named `window` (its whole rectangle).
  std::string window_text(const std::string& window) const;
  /// The text the window named `window` and its child windows drew, not the windows it
  /// overlaps.
  std::string own_text(const std::string& window) const;
  /// Where `text` is drawn (the first place, searching line by line; popups first), or an
  /// empty rect. `whole_line`: only a line that is exactly `text` (a combo's option).
  ImRect find_text(const std::string& text, bool whole_line = false) const;
  /// Renders the last frame at the display's size and writes it to `path` (PNG). Needs GL:
  /// without it the current test fails saying so, and it returns false.
  bool screenshot(const std::string& path) const;
  /// Renders the last frame at the display's size: width x height RGBA pixels, the top row first
  /// (empty when it could not). Needs GL, as screenshot() does.
  std::vector<uint8_t> pixels() const;
  /// Layout problems of the last frame: items of one window that overlap, items that stick out
  /// of their window sideways, text cut at the side of its clip rectangle. One line each.
  std::vector<std::string> layout_problems() const;

 private:
  void collect_glyphs();

  UiRenderer renderer_;
  std::unique_ptr<Window> window_;  // only with UiRenderer::kOpenGl
  std::unique_ptr<Gui> gui_;
  std::string error_;
  int width_, height_;
  WidgetProbe probe_;
  std::vector<FrameItem> items_;
  std::vector<FrameGlyph> glyphs_;
  std::vector<ImRect> scroll_x_clips_;  // the clip rectangles of windows that scroll sideways
  // `glyphs` as text, line by line, gaps as spaces.
  std::string text_of(const std::vector<const FrameGlyph*>& glyphs) const;
  ImVec2 mouse_{-1e5f, -1e5f};
  bool down_[3] = {false, false, false};
  float wheel_ = 0.0f;
  bool ctrl_ = false, shift_ = false;
  int key_down_ = -1;    // a key held for this frame
  unsigned char_ = 0;    // a character typed in this frame
};

}  // namespace genscope::test
