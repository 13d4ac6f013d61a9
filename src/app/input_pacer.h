#pragma once
// InputPacer: Dear ImGui 1.86 reads keys and mouse buttons once per frame, so at a few frames per
// second (a busy CPU) a quick tap - pressed and released between two frames - is never seen,
// two quick clicks merge into one, and a click that arrives with the move to its target lands
// before ImGui knows what is under the mouse (a tab ignores it, a plot pans by the whole move).
// The pacer sits between GLFW's callbacks and ImGui's backend and hands ImGui the window's key,
// character and button events in order, at most as fast as ImGui can see them:
//   - a key released in the frame it was pressed is released a frame later, and pressed again
//     no sooner than a frame after its release (a double tap is two presses),
//   - two presses of one button keep an up frame between them (double-clicks count),
//   - events after a button press wait for the frame in which ImGui sees the press (a quick
//     Ctrl+click is a Ctrl+click, text typed into a clicked field lands in it).
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

struct GLFWwindow;

namespace genscope {

/// One window event as GLFW reported it.
struct InputEvent {
  enum class Kind { kKey, kChar, kButton };
  Kind kind = Kind::kKey;
  int code = 0;      // key, character or button
  int scancode = 0;  // keys
  int action = 0;    // GLFW_PRESS, GLFW_RELEASE, GLFW_REPEAT (keys and buttons)
  int mods = 0;
};

/// The pacing rules, with no GLFW: events go in as they come, take() hands out each frame's.
class InputSchedule {
 public:
  /// Queues an event as it comes from GLFW.
  void push(InputEvent e) { queue_.push_back(e); }
  /// The events ImGui may see this frame (call once per frame, in order).
  std::vector<InputEvent> take();
  /// True when every event was handed out.
  bool empty() const { return queue_.empty(); }

 private:
  std::deque<InputEvent> queue_;
  int64_t frame_ = 0;
  std::vector<int64_t> key_frame_ = std::vector<int64_t>(512, -10);   // last press of each key
  std::vector<int64_t> key_up_frame_ = std::vector<int64_t>(512, -10);  // and its last release
  std::vector<int64_t> button_frame_ = std::vector<int64_t>(8, -10);  // last press of each button
};

/// Installs the pacing between a GLFW window and ImGui's GLFW backend (after the backend
/// installed its callbacks). `on_input` runs at once for every event (to wake the frame loop).
class InputPacer {
 public:
  InputPacer(GLFWwindow* window, std::function<void()> on_input);
  ~InputPacer();
  InputPacer(const InputPacer&) = delete;
  InputPacer& operator=(const InputPacer&) = delete;
  /// Hands ImGui this frame's events: call after ImGui_ImplGlfw_NewFrame, before
  /// ImGui::NewFrame. True when events are still held back (draw another frame for them).
  bool next_frame();

 private:
  static void queue(GLFWwindow* w, const InputEvent& e);
  static void key_cb(GLFWwindow* w, int key, int scancode, int action, int mods);
  static void char_cb(GLFWwindow* w, unsigned int c);
  static void button_cb(GLFWwindow* w, int button, int action, int mods);
  GLFWwindow* window_;
  std::function<void()> on_input_;
  InputSchedule schedule_;
  // The callbacks these replaced (ImGui's backend's), put back on destruction.
  void (*previous_key_)(GLFWwindow*, int, int, int, int) = nullptr;
  void (*previous_char_)(GLFWwindow*, unsigned int) = nullptr;
  void (*previous_button_)(GLFWwindow*, int, int, int) = nullptr;
};

}  // namespace genscope
