#pragma once
// Move-only RAII owners of OpenGL objects. Each needs a current GL 3.3 core context (glad loaded)
// when it is created, used and destroyed.
#include <glad/gl.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "render/texture_cache.h"  // TextureFilter
#include "util/result.h"

namespace genscope {

/// A 2D RGBA8 texture (clamped to edge) whose storage follows the size of the last upload.
class Texture {
 public:
  /// Creates an empty texture (0x0) with the given min/mag filter.
  explicit Texture(TextureFilter filter = TextureFilter::kNearest);
  ~Texture();
  Texture(Texture&& other) noexcept;
  Texture& operator=(Texture&& other) noexcept;
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;

  /// Uploads tightly packed top-down RGBA8 rows (row 0 becomes texture row t=0). Reallocates
  /// storage only when the size changes; otherwise updates it in place. Leaves the texture bound.
  void upload_rgba(int width, int height, const uint8_t* pixels);
  /// Binds the texture to texture unit `unit`.
  void bind(int unit = 0) const;

  /// GL name (0 after being moved from).
  GLuint id() const { return id_; }
  /// Width of the current storage in texels.
  int width() const { return width_; }
  /// Height of the current storage in texels.
  int height() const { return height_; }

 private:
  GLuint id_ = 0;
  int width_ = 0;
  int height_ = 0;
};

/// The textures uploaded on this thread (by Texture::upload_rgba, which every texture the panels
/// draw goes through), numbered 1, 2, ...: a frame that re-renders only what changed asks which
/// textures changed since the last frame it drew. Per thread, as GL contexts are.
class TextureUploads {
 public:
  /// How many uploads this thread made so far (the number of the last one).
  static uint64_t count();
  /// Appends the GL names of the textures uploaded after upload number `after` to `out`
  /// (repeats included). False when some of them are no longer known (more than kKept uploads
  /// since): then every texture may have changed.
  static bool since(uint64_t after, std::vector<GLuint>& out);
  /// How many of the latest uploads are remembered.
  static constexpr size_t kKept = 256;
};

/// A linked vertex + fragment program.
class ShaderProgram {
 public:
  /// Compiles and links; the error names the failing stage's file name and carries the GL log.
  static Result<ShaderProgram> create(std::string_view vertex_source,
                                      std::string_view fragment_source,
                                      std::string_view vertex_name = "vertex shader",
                                      std::string_view fragment_name = "fragment shader");
  ~ShaderProgram();
  ShaderProgram(ShaderProgram&& other) noexcept;
  ShaderProgram& operator=(ShaderProgram&& other) noexcept;
  ShaderProgram(const ShaderProgram&) = delete;
  ShaderProgram& operator=(const ShaderProgram&) = delete;

  /// Makes this the current program (glUseProgram).
  void use() const;
  /// Location of a uniform, -1 when absent or optimised away.
  GLint uniform_location(const char* name) const;
  /// GL name (0 after being moved from).
  GLuint id() const { return id_; }

 private:
  explicit ShaderProgram(GLuint id) : id_(id) {}
  GLuint id_ = 0;
};

/// An offscreen render target with one RGBA8 color texture (nearest filtered).
class Framebuffer {
 public:
  /// Creates a complete framebuffer of the given size, or an error saying why not.
  static Result<Framebuffer> create(int width, int height);
  ~Framebuffer();
  Framebuffer(Framebuffer&& other) noexcept;
  Framebuffer& operator=(Framebuffer&& other) noexcept;
  Framebuffer(const Framebuffer&) = delete;
  Framebuffer& operator=(const Framebuffer&) = delete;

  /// Binds as draw and read framebuffer and sets the viewport to cover it.
  void bind() const;
  /// Binds the window's default framebuffer (0) for drawing and reading.
  static void bind_default();
  /// Reads the color attachment into `rgba` as top-down RGBA8 rows (width*height*4 bytes).
  /// Leaves this framebuffer bound for reading.
  void read_rgba(std::vector<uint8_t>& rgba) const;

  /// The color attachment, e.g. to draw it elsewhere.
  const Texture& color() const { return color_; }
  /// GL name (0 after being moved from).
  GLuint id() const { return id_; }
  /// Width in pixels.
  int width() const { return color_.width(); }
  /// Height in pixels.
  int height() const { return color_.height(); }

 private:
  Framebuffer(GLuint id, Texture color) : id_(id), color_(std::move(color)) {}
  GLuint id_ = 0;
  Texture color_;
};

/// An empty vertex array object, for attribute-less draws that build vertices from gl_VertexID.
class VertexArray {
 public:
  /// Creates the VAO.
  VertexArray();
  ~VertexArray();
  VertexArray(VertexArray&& other) noexcept;
  VertexArray& operator=(VertexArray&& other) noexcept;
  VertexArray(const VertexArray&) = delete;
  VertexArray& operator=(const VertexArray&) = delete;

  /// Binds the VAO.
  void bind() const;
  /// GL name (0 after being moved from).
  GLuint id() const { return id_; }

 private:
  GLuint id_ = 0;
};

}  // namespace genscope
