#include "render/texture_blit.h"

#include <utility>

#include "render/shaders.h"

namespace genscope {

Result<TextureBlit> TextureBlit::create() {
  Result<ShaderProgram> program = load_program("blit.vert.glsl", "blit.frag.glsl");
  if (!program) return Error{program.error()};
  return Result<TextureBlit>(TextureBlit(std::move(*program)));
}

TextureBlit::TextureBlit(ShaderProgram program)
    : program_(std::move(program)),
      rect_location_(program_.uniform_location("u_rect")),
      tint_location_(program_.uniform_location("u_tint")) {
  program_.use();
  glUniform1i(program_.uniform_location("u_texture"), 0);
}

void TextureBlit::draw(const Texture& texture, const PixelRect& rect, const Tint& tint) const {
  GLint viewport[4] = {0, 0, 1, 1};
  glGetIntegerv(GL_VIEWPORT, viewport);
  const float vw = static_cast<float>(viewport[2] > 0 ? viewport[2] : 1);
  const float vh = static_cast<float>(viewport[3] > 0 ? viewport[3] : 1);
  const float left = 2.0f * rect.x / vw - 1.0f;
  const float right = 2.0f * (rect.x + rect.width) / vw - 1.0f;
  const float top = 1.0f - 2.0f * rect.y / vh;
  const float bottom = 1.0f - 2.0f * (rect.y + rect.height) / vh;

  program_.use();
  glUniform4f(rect_location_, left, bottom, right, top);
  glUniform4f(tint_location_, tint.r, tint.g, tint.b, tint.a);
  texture.bind(0);
  vertex_array_.bind();
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

}  // namespace genscope
