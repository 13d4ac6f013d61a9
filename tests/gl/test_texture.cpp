// GL tests for the RAII objects, the texture blit, screenshots and PNG files. Need a display
// (run under Xvfb); they skip with the reason when GLFW cannot start.
#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "record/png.h"
#include "render/gl_objects.h"
#include "render/screenshot.h"
#include "render/texture_blit.h"

namespace genscope {
namespace {

std::string scratch_dir() {
  std::filesystem::path dir = std::filesystem::path(GENSCOPE_TEST_TMP) / "gl";
  std::filesystem::create_directories(dir);
  return dir.string();
}

/// A w x h RGBA pattern where every pixel differs, alpha included.
std::vector<uint8_t> make_pattern(int w, int h, int seed = 0) {
  std::vector<uint8_t> pixels(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &pixels[(static_cast<size_t>(y) * w + x) * 4];
      p[0] = static_cast<uint8_t>(x * 7 + seed);
      p[1] = static_cast<uint8_t>(y * 11 + seed);
      p[2] = static_cast<uint8_t>(x * 3 + y * 5 + 1);
      p[3] = static_cast<uint8_t>(255 - (x + y * w) % 256);
    }
  }
  return pixels;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// One hidden GLFW window with a 3.3 core context shared by all tests of the suite.
class GlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    glfwSetErrorCallback([](int /*code*/, const char* text) { glfw_error_ = text; });
    if (!glfwInit()) {
      skip_reason_ = "glfwInit failed (no DISPLAY? run under xvfb-run): " + glfw_error_;
      return;
    }
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    window_ = glfwCreateWindow(64, 64, "genscope gl test", nullptr, nullptr);
    if (window_ == nullptr) {
      skip_reason_ = "no OpenGL 3.3 core context: " + glfw_error_;
      return;
    }
    glfwMakeContextCurrent(window_);
    if (gladLoadGL(glfwGetProcAddress) == 0) skip_reason_ = "gladLoadGL failed";
  }

  static void TearDownTestSuite() {
    if (window_ != nullptr) glfwDestroyWindow(window_);
    window_ = nullptr;
    glfwTerminate();
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    Result<TextureBlit> blit = TextureBlit::create();
    ASSERT_TRUE(blit.ok()) << blit.error();
    blit_.emplace(std::move(*blit));
    glDisable(GL_BLEND);
  }

  void TearDown() override {
    blit_.reset();
    if (skip_reason_.empty()) {
      EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
    }
  }

  /// Draws `texture` at its own size into a fresh framebuffer of that size and reads it back.
  std::vector<uint8_t> draw_and_read(const Texture& texture) {
    Result<Framebuffer> fb = Framebuffer::create(texture.width(), texture.height());
    EXPECT_TRUE(fb.ok()) << fb.error();
    if (!fb.ok()) return {};
    fb->bind();
    glClearColor(0, 0, 0, 0);
    glClear(GL_COLOR_BUFFER_BIT);
    blit_->draw(texture, {0, 0, float(texture.width()), float(texture.height())});
    std::vector<uint8_t> out;
    fb->read_rgba(out);
    Framebuffer::bind_default();
    return out;
  }

  static inline GLFWwindow* window_ = nullptr;
  static inline std::string skip_reason_;
  static inline std::string glfw_error_;
  std::optional<TextureBlit> blit_;
};

TEST_F(GlTest, BlitAtTextureSizeIsByteExact) {
  const int w = 37, h = 23;
  const std::vector<uint8_t> pattern = make_pattern(w, h);
  Texture texture;
  texture.upload_rgba(w, h, pattern.data());
  EXPECT_EQ(texture.width(), w);
  EXPECT_EQ(texture.height(), h);
  EXPECT_EQ(draw_and_read(texture), pattern);
}

TEST_F(GlTest, UploadReallocatesOnlyWhenSizeChanges) {
  Texture texture;
  const std::vector<uint8_t> a = make_pattern(37, 23, 1);
  texture.upload_rgba(37, 23, a.data());
  const GLuint id = texture.id();

  const std::vector<uint8_t> b = make_pattern(37, 23, 2);
  texture.upload_rgba(37, 23, b.data());
  EXPECT_EQ(draw_and_read(texture), b);

  const std::vector<uint8_t> c = make_pattern(16, 40, 3);
  texture.upload_rgba(16, 40, c.data());
  EXPECT_EQ(texture.id(), id);
  EXPECT_EQ(texture.width(), 16);
  EXPECT_EQ(texture.height(), 40);
  GLint gl_w = 0, gl_h = 0;
  glBindTexture(GL_TEXTURE_2D, texture.id());
  glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_WIDTH, &gl_w);
  glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_HEIGHT, &gl_h);
  EXPECT_EQ(gl_w, 16);
  EXPECT_EQ(gl_h, 40);
  EXPECT_EQ(draw_and_read(texture), c);

  Texture moved = std::move(texture);
  EXPECT_EQ(moved.id(), id);
  EXPECT_EQ(texture.id(), 0u);
  EXPECT_EQ(moved.width(), 16);
}

TEST_F(GlTest, ShaderCompileErrorCarriesLog) {
  const char* vert = "#version 330 core\nvoid main() { gl_Position = vec4(0.0); }\n";
  const char* bad_frag = "#version 330 core\nout vec4 c;\nvoid main() { c = vec4(1.0) + ; }\n";
  Result<ShaderProgram> program = ShaderProgram::create(vert, bad_frag, "ok.vert", "broken.frag");
  ASSERT_FALSE(program.ok());
  EXPECT_NE(program.error().find("broken.frag"), std::string::npos) << program.error();
  EXPECT_NE(lower(program.error()).find("error"), std::string::npos) << program.error();
  EXPECT_GT(program.error().size(), std::string("broken.frag: compile error: ").size())
      << "no GL info log in: " << program.error();
}

TEST_F(GlTest, ScreenshotMatchesDrawnImageTopRowFirst) {
  const int fw = 64, fh = 48, w = 37, h = 23, ox = 5, oy = 7;
  const std::vector<uint8_t> pattern = make_pattern(w, h);
  Texture texture;
  texture.upload_rgba(w, h, pattern.data());
  Result<Framebuffer> fb = Framebuffer::create(fw, fh);
  ASSERT_TRUE(fb.ok()) << fb.error();
  fb->bind();
  glClearColor(10 / 255.0f, 20 / 255.0f, 30 / 255.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  blit_->draw(texture, {float(ox), float(oy), float(w), float(h)});

  const std::string path = scratch_dir() + "/screenshot.png";
  std::filesystem::remove(path);
  Status saved = save_screenshot(path, fw, fh);
  ASSERT_TRUE(saved.ok()) << saved.error();
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  Framebuffer::bind_default();

  Result<ImageRGBA> image = read_png_rgba(path);
  ASSERT_TRUE(image.ok()) << image.error();
  ASSERT_EQ(image->width, fw);
  ASSERT_EQ(image->height, fh);
  std::vector<uint8_t> drawn;
  fb->read_rgba(drawn);
  EXPECT_EQ(image->pixels, drawn);
  // Orientation: the pattern's top-left texel sits at (ox, oy) counted from the image's top.
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const uint8_t* got = &image->pixels[((size_t(y) + oy) * fw + x + ox) * 4];
      const uint8_t* want = &pattern[(size_t(y) * w + x) * 4];
      ASSERT_TRUE(std::equal(want, want + 4, got)) << "pixel " << x << "," << y;
    }
  }
  const uint8_t background[4] = {10, 20, 30, 255};
  EXPECT_TRUE(std::equal(background, background + 4, &image->pixels[0]));
  EXPECT_TRUE(std::equal(background, background + 4, &image->pixels[image->pixels.size() - 4]));
}

TEST(Png, WriteToMissingDirectoryNamesPath) {
  const std::vector<uint8_t> pixels = make_pattern(4, 3);
  const std::string path = "/nonexistent/dir/x.png";
  Status status = write_png_rgba(path, 4, 3, pixels.data(), 16);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find(path), std::string::npos) << status.error();
  EXPECT_NE(status.error().find("No such file or directory"), std::string::npos) << status.error();
}

TEST(Png, RoundTripWithStrides) {
  const int w = 5, h = 4;
  const std::vector<uint8_t> pattern = make_pattern(w, h);
  const std::string path = scratch_dir() + "/roundtrip.png";
  ASSERT_TRUE(write_png_rgba(path, w, h, pattern.data(), w * 4).ok());
  Result<ImageRGBA> image = read_png_rgba(path);
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->pixels, pattern);

  // Bottom-up buffer through a negative stride comes back top-down.
  std::vector<uint8_t> flipped(pattern.size());
  for (int y = 0; y < h; ++y) {
    std::copy_n(&pattern[size_t(y) * w * 4], w * 4, &flipped[size_t(h - 1 - y) * w * 4]);
  }
  ASSERT_TRUE(write_png_rgba(path, w, h, &flipped[size_t(h - 1) * w * 4], -w * 4).ok());
  image = read_png_rgba(path);
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->pixels, pattern);

  EXPECT_FALSE(read_png_rgba(scratch_dir() + "/missing.png").ok());
}

}  // namespace
}  // namespace genscope
