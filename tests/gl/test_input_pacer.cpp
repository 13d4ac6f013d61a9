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
  EXPECT_EQ(s.take().size(), 2u);  // press (down next frame) and its release
  EXPECT_EQ(s.take().size(), 0u);  // the first press is down: the second waits
  EXPECT_EQ(s.take().size(), 2u);  // an up frame later, the second click
  EXPECT_TRUE(s.empty());
  // Presses of two buttons do not wait for each other.
  s.take();
  s.take();
  s.push(button(0, GLFW_PRESS));
  s.push(button(1, GLFW_PRESS));
  EXPECT_EQ(s.take().size(), 2u);
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
