// EglContext: an OpenGL 3.3 core context with no window and no X server. These tests unset DISPLAY
// and WAYLAND_DISPLAY while they run (restoring them afterwards, for the GLFW tests that follow in
// the same process) to prove no display server is needed. They fail, never skip, when EGL is
// unavailable: the setup script installs libegl-mesa0, so a failure means the setup is broken.
#include "render/egl_context.h"

#include <glad/gl.h>
#include <EGL/egl.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "render/gl_objects.h"

namespace genscope {
namespace {

/// Unsets an environment variable for its lifetime, then restores the previous value.
class ScopedUnsetEnv {
 public:
  explicit ScopedUnsetEnv(const char* name) : name_(name) {
    if (const char* value = std::getenv(name)) saved_ = value;
    unsetenv(name);
  }
  ~ScopedUnsetEnv() {
    if (saved_) setenv(name_, saved_->c_str(), 1);
  }
  ScopedUnsetEnv(const ScopedUnsetEnv&) = delete;
  ScopedUnsetEnv& operator=(const ScopedUnsetEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

/// Every test runs with no display server reachable through the environment.
class Egl : public ::testing::Test {
 protected:
  ScopedUnsetEnv no_x_{"DISPLAY"};
  ScopedUnsetEnv no_wayland_{"WAYLAND_DISPLAY"};
};

struct Rgba {
  uint8_t r, g, b, a;
};

Rgba pixel_at(const std::vector<uint8_t>& rgba, int width, int x, int y) {
  const uint8_t* p = &rgba[(static_cast<size_t>(y) * width + x) * 4];
  return {p[0], p[1], p[2], p[3]};
}

::testing::AssertionResult pixel_is(const std::vector<uint8_t>& rgba, int width, int x, int y,
                                    Rgba want) {
  const Rgba got = pixel_at(rgba, width, x, y);
  if (got.r == want.r && got.g == want.g && got.b == want.b && got.a == want.a) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "pixel (" << x << ", " << y << " from the top) is (" << int(got.r) << ", "
         << int(got.g) << ", " << int(got.b) << ", " << int(got.a) << "), want (" << int(want.r)
         << ", " << int(want.g) << ", " << int(want.b) << ", " << int(want.a) << ")";
}

void clear_to(Rgba c) {
  glClearColor(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, c.a / 255.0f);
  glClear(GL_COLOR_BUFFER_BIT);
}

/// Clears a framebuffer to `colour` and checks it reads back, with the context current.
void expect_clear_reads_back(Rgba colour) {
  Result<Framebuffer> fb = Framebuffer::create(16, 8);
  ASSERT_TRUE(fb.ok()) << fb.error();
  fb->bind();
  clear_to(colour);
  std::vector<uint8_t> rgba;
  fb->read_rgba(rgba);
  ASSERT_EQ(rgba.size(), 16u * 8u * 4u);
  EXPECT_TRUE(pixel_is(rgba, 16, 0, 0, colour));
  EXPECT_TRUE(pixel_is(rgba, 16, 15, 7, colour));
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
}

TEST_F(Egl, CreatesCoreContextWithoutDisplay) {
  ASSERT_EQ(std::getenv("DISPLAY"), nullptr);
  Result<std::unique_ptr<EglContext>> ctx = EglContext::create();
  ASSERT_TRUE(ctx.ok()) << ctx.error();
  ASSERT_NE(ctx.value(), nullptr);
  EXPECT_FALSE((*ctx)->renderer().empty());
  EXPECT_NE(eglGetCurrentContext(), EGL_NO_CONTEXT);
  std::cout << "[ EGL      ] GL_RENDERER: " << (*ctx)->renderer() << "\n"
            << "[ EGL      ] GL_VERSION: " << glGetString(GL_VERSION) << "\n";

  GLint major = 0, minor = 0, profile = 0;
  glGetIntegerv(GL_MAJOR_VERSION, &major);
  glGetIntegerv(GL_MINOR_VERSION, &minor);
  glGetIntegerv(GL_CONTEXT_PROFILE_MASK, &profile);
  EXPECT_GE(major * 10 + minor, 33) << "GL " << major << "." << minor;
  EXPECT_NE(profile & GL_CONTEXT_CORE_PROFILE_BIT, 0) << "profile mask " << profile;
  EXPECT_EQ(profile & GL_CONTEXT_COMPATIBILITY_PROFILE_BIT, 0) << "profile mask " << profile;
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));

  ctx.value().reset();
  EXPECT_EQ(eglGetCurrentContext(), EGL_NO_CONTEXT);
}

TEST_F(Egl, RendersIntoFramebuffer) {
  Result<std::unique_ptr<EglContext>> ctx = EglContext::create();
  ASSERT_TRUE(ctx.ok()) << ctx.error();

  // Not square, so a transposed read shows.
  constexpr int kW = 64, kH = 48;
  Result<Framebuffer> fb = Framebuffer::create(kW, kH);
  ASSERT_TRUE(fb.ok()) << fb.error();
  fb->bind();

  const Rgba background{10, 20, 30, 255};
  const Rgba cleared{200, 100, 50, 255};
  const Rgba drawn{0, 255, 128, 255};
  clear_to(background);

  // A scissored clear near the top: GL rows 30..39 (bottom-up) are top-down rows 8..17.
  glEnable(GL_SCISSOR_TEST);
  glScissor(4, 30, 8, 10);
  clear_to(cleared);

  // A shader draw (a full-screen triangle) scissored near the bottom: GL rows 2..7 are
  // top-down rows 40..45.
  Result<ShaderProgram> program = ShaderProgram::create(
      "#version 330 core\n"
      "void main() {\n"
      "  vec2 p = vec2((gl_VertexID & 1) * 4 - 1, (gl_VertexID & 2) * 2 - 1);\n"
      "  gl_Position = vec4(p, 0.0, 1.0);\n"
      "}\n",
      "#version 330 core\n"
      "uniform vec4 u_colour;\n"
      "out vec4 frag;\n"
      "void main() { frag = u_colour; }\n");
  ASSERT_TRUE(program.ok()) << program.error();
  VertexArray vao;
  vao.bind();
  program->use();
  glUniform4f(program->uniform_location("u_colour"), drawn.r / 255.0f, drawn.g / 255.0f,
              drawn.b / 255.0f, drawn.a / 255.0f);
  glScissor(40, 2, 10, 6);
  glDrawArrays(GL_TRIANGLES, 0, 3);
  glDisable(GL_SCISSOR_TEST);
  EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));

  std::vector<uint8_t> rgba;
  fb->read_rgba(rgba);
  ASSERT_EQ(rgba.size(), static_cast<size_t>(kW) * kH * 4);

  // Image corners: background.
  EXPECT_TRUE(pixel_is(rgba, kW, 0, 0, background));
  EXPECT_TRUE(pixel_is(rgba, kW, kW - 1, 0, background));
  EXPECT_TRUE(pixel_is(rgba, kW, 0, kH - 1, background));
  EXPECT_TRUE(pixel_is(rgba, kW, kW - 1, kH - 1, background));

  // Scissored clear: x 4..11, top-down y 8..17, with a background border around it.
  EXPECT_TRUE(pixel_is(rgba, kW, 4, 8, cleared));
  EXPECT_TRUE(pixel_is(rgba, kW, 11, 8, cleared));
  EXPECT_TRUE(pixel_is(rgba, kW, 4, 17, cleared));
  EXPECT_TRUE(pixel_is(rgba, kW, 11, 17, cleared));
  EXPECT_TRUE(pixel_is(rgba, kW, 3, 12, background));
  EXPECT_TRUE(pixel_is(rgba, kW, 12, 12, background));
  EXPECT_TRUE(pixel_is(rgba, kW, 8, 7, background));
  EXPECT_TRUE(pixel_is(rgba, kW, 8, 18, background));

  // Scissored draw: x 40..49, top-down y 40..45.
  EXPECT_TRUE(pixel_is(rgba, kW, 40, 40, drawn));
  EXPECT_TRUE(pixel_is(rgba, kW, 49, 40, drawn));
  EXPECT_TRUE(pixel_is(rgba, kW, 40, 45, drawn));
  EXPECT_TRUE(pixel_is(rgba, kW, 49, 45, drawn));
  EXPECT_TRUE(pixel_is(rgba, kW, 39, 42, background));
  EXPECT_TRUE(pixel_is(rgba, kW, 50, 42, background));
  EXPECT_TRUE(pixel_is(rgba, kW, 45, 39, background));
  EXPECT_TRUE(pixel_is(rgba, kW, 45, 46, background));

  // Count every pixel, so nothing else was touched.
  int n_background = 0, n_cleared = 0, n_drawn = 0;
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      const Rgba p = pixel_at(rgba, kW, x, y);
      auto same = [&](Rgba c) { return p.r == c.r && p.g == c.g && p.b == c.b && p.a == c.a; };
      n_background += same(background);
      n_cleared += same(cleared);
      n_drawn += same(drawn);
    }
  }
  EXPECT_EQ(n_cleared, 8 * 10);
  EXPECT_EQ(n_drawn, 10 * 6);
  EXPECT_EQ(n_background, kW * kH - 8 * 10 - 10 * 6);

  // GL objects go before the context that owns them.
  program = Error{"released"};
  fb = Error{"released"};
}

TEST_F(Egl, SecondContextAfterFirstIsDestroyed) {
  std::string first_renderer;
  {
    Result<std::unique_ptr<EglContext>> first = EglContext::create();
    ASSERT_TRUE(first.ok()) << first.error();
    first_renderer = (*first)->renderer();
    expect_clear_reads_back({255, 0, 0, 255});
  }
  EXPECT_EQ(eglGetCurrentContext(), EGL_NO_CONTEXT);

  Result<std::unique_ptr<EglContext>> second = EglContext::create();
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ((*second)->renderer(), first_renderer);
  expect_clear_reads_back({0, 0, 255, 128});
}

TEST_F(Egl, RecreatesManyTimes) {
  for (int i = 0; i < 5; ++i) {
    Result<std::unique_ptr<EglContext>> ctx = EglContext::create();
    ASSERT_TRUE(ctx.ok()) << "attempt " << i << ": " << ctx.error();
    expect_clear_reads_back({static_cast<uint8_t>(i * 50), 7, 9, 255});
  }
}

}  // namespace
}  // namespace genscope
