// The input pacing rules: what ImGui (which reads keys and buttons once per frame) sees of quick
// taps and clicks that arrive between two frames of a slow window.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include "app/input_pacer.h"

using namespace genscope;

namespace {

InputEvent key(int code, int action) { return {InputEvent::Kind::kKey, code, 0, action, 0}; }
InputEvent button(int code, int action) { return {InputEvent::Kind::kButton, code, 0, action, 0}; }
InputEvent character(unsigned c) { return {InputEvent::Kind::kChar, int(c), 0, 0, 0}; }

}  // namespace

TEST(InputPacing, AKeyTappedBetweenTwoFramesIsDownForOneFrame) {
  InputSchedule s;
  s.push(key(GLFW_KEY_S, GLFW_PRESS));
  s.push(key(GLFW_KEY_S, GLFW_RELEASE));
  std::vector<InputEvent> f1 = s.take();
  ASSERT_EQ(f1.size(), 1u);
  EXPECT_EQ(f1[0].action, GLFW_PRESS);
  std::vector<InputEvent> f2 = s.take();
  ASSERT_EQ(f2.size(), 1u);
  EXPECT_EQ(f2[0].action, GLFW_RELEASE);
  EXPECT_TRUE(s.empty());
}

TEST(InputPacing, TypedTextAndEnterKeepTheirOrder) {
  InputSchedule s;  // "48" then Enter, all between two frames
  for (unsigned c : {'4', '8'}) s.push(character(c));
  s.push(key(GLFW_KEY_ENTER, GLFW_PRESS));
  s.push(key(GLFW_KEY_ENTER, GLFW_RELEASE));
  s.push(character('x'));  // typed after Enter: after its release
  std::vector<InputEvent> f1 = s.take();
  ASSERT_EQ(f1.size(), 3u);
  EXPECT_EQ(f1[0].code, '4');
  EXPECT_EQ(f1[2].code, GLFW_KEY_ENTER);
  std::vector<InputEvent> f2 = s.take();
  ASSERT_EQ(f2.size(), 2u);
  EXPECT_EQ(f2[0].action, GLFW_RELEASE);
  EXPECT_EQ(f2[1].code, 'x');
}

TEST(InputPacing, TwoQuickClicksKeepAnUpFrameBetweenThem) {
  InputSchedule s;  // a double-click faster than the frame rate
  for (int i = 0; i < 2; ++i) {
    s.push(button(0, GLFW_PRESS));
    s.push(button(0, GLFW_RELEASE));
  }
  std::vector<InputEvent> f = s.take();  // the first press (down from the next frame)
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].action, GLFW_PRESS);
  f = s.take();  // its release; the second press waits: the first is down this frame
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].action, GLFW_RELEASE);
  f = s.take();  // an up frame later, the second press
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].action, GLFW_PRESS);
  EXPECT_EQ(s.take().size(), 1u);
  EXPECT_TRUE(s.empty());
}

TEST(InputPacing, HeldKeysRepeatAsTheyCome) {
  InputSchedule s;
  s.push(key(GLFW_KEY_BACKSPACE, GLFW_PRESS));
  EXPECT_EQ(s.take().size(), 1u);
  s.push(key(GLFW_KEY_BACKSPACE, GLFW_REPEAT));
  s.push(key(GLFW_KEY_BACKSPACE, GLFW_REPEAT));
  EXPECT_EQ(s.take().size(), 2u);
  s.push(key(GLFW_KEY_BACKSPACE, GLFW_RELEASE));  // pressed frames ago: released at once
  EXPECT_EQ(s.take().size(), 1u);
}

TEST(InputPacing, AKeyTappedTwiceBetweenTwoFramesIsTwoPresses) {
  InputSchedule s;  // Backspace, Backspace: both must delete
  for (int i = 0; i < 2; ++i) {
    s.push(key(GLFW_KEY_BACKSPACE, GLFW_PRESS));
    s.push(key(GLFW_KEY_BACKSPACE, GLFW_RELEASE));
  }
  int presses = 0, frames = 0;
  bool down = false;
  while (!s.empty() && frames < 10) {
    ++frames;
    for (const InputEvent& e : s.take()) {
      if (e.action == GLFW_PRESS) {
        EXPECT_FALSE(down) << "pressed again in the frame it was released";
        ++presses, down = true;
      } else {
        down = false;
      }
    }
    if (down) continue;  // a frame with the key down
  }
  EXPECT_EQ(presses, 2);
  EXPECT_GE(frames, 4);  // down, up, down, up: one frame each
}

TEST(InputPacing, EventsAfterAClickWaitUntilImGuiSeesTheClick) {
  InputSchedule s;  // Ctrl down, click, Ctrl up, then "5" typed: all between two frames
  s.push(key(GLFW_KEY_LEFT_CONTROL, GLFW_PRESS));
  s.push(button(0, GLFW_PRESS));
  s.push(button(0, GLFW_RELEASE));
  s.push(key(GLFW_KEY_LEFT_CONTROL, GLFW_RELEASE));
  s.push(character('5'));
  std::vector<InputEvent> f1 = s.take();  // Ctrl and the press (seen next frame, Ctrl still down)
  ASSERT_EQ(f1.size(), 2u);
  EXPECT_EQ(f1[1].kind, InputEvent::Kind::kButton);
  std::vector<InputEvent> f2 = s.take();  // the frame ImGui sees the click: the rest follows
  ASSERT_EQ(f2.size(), 3u);
  EXPECT_EQ(f2[1].code, GLFW_KEY_LEFT_CONTROL);
  EXPECT_EQ(f2[2].code, '5');
}
