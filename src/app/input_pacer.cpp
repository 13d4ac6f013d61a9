#include "app/input_pacer.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui_impl_glfw.h>

namespace genscope {

std::vector<InputEvent> InputSchedule::take() {
  ++frame_;
  std::vector<InputEvent> out;
  while (!queue_.empty()) {
    const InputEvent& e = queue_.front();
    if (e.kind == InputEvent::Kind::kKey && e.code >= 0 && e.code < int(key_frame_.size())) {
      if (e.action == GLFW_RELEASE && key_frame_[e.code] == frame_) break;  // down a frame first
      if (e.action == GLFW_PRESS && key_up_frame_[e.code] == frame_) break;  // and up a frame
      if (e.action == GLFW_PRESS) key_frame_[e.code] = frame_;
      if (e.action == GLFW_RELEASE) key_up_frame_[e.code] = frame_;
    }
    const bool button_press = e.kind == InputEvent::Kind::kButton && e.code >= 0 &&
                              e.code < int(button_frame_.size()) && e.action == GLFW_PRESS;
    // A delivered press shows a frame later (the backend's "just pressed"): a second press waits
    // until an up frame lies between them.
    if (button_press && button_frame_[e.code] >= frame_ - 1) break;
    if (button_press) button_frame_[e.code] = frame_;
    out.push_back(e);
    queue_.pop_front();
    // What came after the press (Ctrl released, text typed into what it clicks) waits for the
    // frame in which ImGui sees the press.
    if (button_press) break;
  }
  return out;
}

InputPacer::InputPacer(GLFWwindow* window, std::function<void()> on_input)
    : window_(window), on_input_(std::move(on_input)) {
  glfwSetWindowUserPointer(window, this);  // GLFW callbacks carry only the window
  // ImGui's backend installed its callbacks (chained to ours); these take their place and call
  // the backend's when the schedule says so.
  previous_key_ = glfwSetKeyCallback(window, key_cb);
  previous_char_ = glfwSetCharCallback(window, char_cb);
  previous_button_ = glfwSetMouseButtonCallback(window, button_cb);
}

InputPacer::~InputPacer() {
  glfwSetKeyCallback(window_, previous_key_);
  glfwSetCharCallback(window_, previous_char_);
  glfwSetMouseButtonCallback(window_, previous_button_);
  glfwSetWindowUserPointer(window_, nullptr);
}

void InputPacer::queue(GLFWwindow* w, const InputEvent& e) {
  auto* pacer = static_cast<InputPacer*>(glfwGetWindowUserPointer(w));
  if (!pacer) return;
  pacer->schedule_.push(e);
  if (pacer->on_input_) pacer->on_input_();
}

void InputPacer::key_cb(GLFWwindow* w, int key, int scancode, int action, int mods) {
  queue(w, {InputEvent::Kind::kKey, key, scancode, action, mods});
}

void InputPacer::char_cb(GLFWwindow* w, unsigned int c) {
  queue(w, {InputEvent::Kind::kChar, static_cast<int>(c), 0, 0, 0});
}

void InputPacer::button_cb(GLFWwindow* w, int button, int action, int mods) {
  queue(w, {InputEvent::Kind::kButton, button, 0, action, mods});
}

bool InputPacer::next_frame() {
  for (const InputEvent& e : schedule_.take()) {
    switch (e.kind) {
      case InputEvent::Kind::kKey:
        ImGui_ImplGlfw_KeyCallback(window_, e.code, e.scancode, e.action, e.mods);
        break;
      case InputEvent::Kind::kChar:
        ImGui_ImplGlfw_CharCallback(window_, static_cast<unsigned int>(e.code));
        break;
      case InputEvent::Kind::kButton:
        ImGui_ImplGlfw_MouseButtonCallback(window_, e.code, e.action, e.mods);
        break;
    }
  }
  return !schedule_.empty();
}

}  // namespace genscope
