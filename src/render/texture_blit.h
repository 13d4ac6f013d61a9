#pragma once
// Draws a Texture as a rectangle into the current framebuffer.
#include "render/gl_objects.h"
#include "util/result.h"

namespace genscope {

/// A rectangle in pixels, origin at the top-left of the current viewport, y pointing down.
struct PixelRect {
  float x = 0, y = 0, width = 0, height = 0;
};

/// RGBA multiplier applied to every sampled texel.
struct Tint {
  float r = 1, g = 1, b = 1, a = 1;
};

/// Draws textures with nearest sampling, image row 0 at the top. A rect at integer pixels of the
/// texture's size maps texels to pixels exactly (with blending off). Uses the current blend
/// state; changes the bound program, VAO and texture unit 0.
class TextureBlit {
 public:
  /// Builds the blit program from shaders/blit.{vert,frag}.glsl.
  static Result<TextureBlit> create();

  /// Draws `texture` into `rect` of the current viewport, multiplied by `tint`.
  void draw(const Texture& texture, const PixelRect& rect, const Tint& tint = {}) const;

 private:
  explicit TextureBlit(ShaderProgram program);
  ShaderProgram program_;
  VertexArray vertex_array_;
  GLint rect_location_ = -1;
  GLint tint_location_ = -1;
};

}  // namespace genscope
