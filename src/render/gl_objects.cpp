#include "render/gl_objects.h"

#include <cstring>
#include <string>
#include <utility>

namespace genscope {

// ---- Texture

namespace {

// This thread's latest texture uploads (TextureUploads).
struct UploadLog {
  uint64_t count = 0;
  GLuint names[TextureUploads::kKept] = {};
};
thread_local UploadLog t_uploads;

}  // namespace

uint64_t TextureUploads::count() { return t_uploads.count; }

bool TextureUploads::since(uint64_t after, std::vector<GLuint>& out) {
  if (after > t_uploads.count) return false;  // numbers from another thread
  if (t_uploads.count - after > kKept) return false;
  for (uint64_t n = after + 1; n <= t_uploads.count; ++n) out.push_back(t_uploads.names[n % kKept]);
  return true;
}

Texture::Texture(TextureFilter filter) {
  glGenTextures(1, &id_);
  glBindTexture(GL_TEXTURE_2D, id_);
  const GLint gl_filter = filter == TextureFilter::kNearest ? GL_NEAREST : GL_LINEAR;
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, gl_filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, gl_filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
}

Texture::~Texture() {
  if (id_ != 0) glDeleteTextures(1, &id_);
}

Texture::Texture(Texture&& other) noexcept
    : id_(std::exchange(other.id_, 0)),
      width_(std::exchange(other.width_, 0)),
      height_(std::exchange(other.height_, 0)) {}

Texture& Texture::operator=(Texture&& other) noexcept {
  if (this != &other) {
    if (id_ != 0) glDeleteTextures(1, &id_);
    id_ = std::exchange(other.id_, 0);
    width_ = std::exchange(other.width_, 0);
    height_ = std::exchange(other.height_, 0);
  }
  return *this;
}

void Texture::upload_rgba(int width, int height, const uint8_t* pixels) {
  ++t_uploads.count;
  t_uploads.names[t_uploads.count % TextureUploads::kKept] = id_;
  glBindTexture(GL_TEXTURE_2D, id_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (width != width_ || height != height_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    width_ = width;
    height_ = height;
  } else if (pixels != nullptr) {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  }
}

void Texture::bind(int unit) const {
  glActiveTexture(GL_TEXTURE0 + unit);
  glBindTexture(GL_TEXTURE_2D, id_);
}

// ---- ShaderProgram

namespace {

/// Deletes a shader object on scope exit.
struct ShaderGuard {
  GLuint id;
  ~ShaderGuard() { glDeleteShader(id); }
};

std::string shader_log(GLuint shader) {
  GLint length = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
  std::string log(length > 0 ? length : 0, '\0');
  if (length > 0) glGetShaderInfoLog(shader, length, nullptr, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log;
}

std::string program_log(GLuint program) {
  GLint length = 0;
  glGetProgramiv(program, GL_INFO_LOG_LENGTH, &length);
  std::string log(length > 0 ? length : 0, '\0');
  if (length > 0) glGetProgramInfoLog(program, length, nullptr, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log;
}

Status compile(GLuint shader, std::string_view source, std::string_view name) {
  const GLchar* text = source.data();
  const GLint length = static_cast<GLint>(source.size());
  glShaderSource(shader, 1, &text, &length);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok == GL_TRUE) return {};
  return Error{std::string(name) + ": compile error: " + shader_log(shader)};
}

}  // namespace

Result<ShaderProgram> ShaderProgram::create(std::string_view vertex_source,
                                            std::string_view fragment_source,
                                            std::string_view vertex_name,
                                            std::string_view fragment_name) {
  ShaderGuard vertex{glCreateShader(GL_VERTEX_SHADER)};
  ShaderGuard fragment{glCreateShader(GL_FRAGMENT_SHADER)};
  if (Status s = compile(vertex.id, vertex_source, vertex_name); !s) return Error{s.error()};
  if (Status s = compile(fragment.id, fragment_source, fragment_name); !s) return Error{s.error()};
  ShaderProgram program(glCreateProgram());
  glAttachShader(program.id_, vertex.id);
  glAttachShader(program.id_, fragment.id);
  glLinkProgram(program.id_);
  glDetachShader(program.id_, vertex.id);
  glDetachShader(program.id_, fragment.id);
  GLint ok = GL_FALSE;
  glGetProgramiv(program.id_, GL_LINK_STATUS, &ok);
  if (ok != GL_TRUE) {
    return Error{std::string(vertex_name) + " + " + std::string(fragment_name) +
                 ": link error: " + program_log(program.id_)};
  }
  return Result<ShaderProgram>(std::move(program));
}

ShaderProgram::~ShaderProgram() {
  if (id_ != 0) glDeleteProgram(id_);
}

ShaderProgram::ShaderProgram(ShaderProgram&& other) noexcept : id_(std::exchange(other.id_, 0)) {}

ShaderProgram& ShaderProgram::operator=(ShaderProgram&& other) noexcept {
  if (this != &other) {
    if (id_ != 0) glDeleteProgram(id_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void ShaderProgram::use() const { glUseProgram(id_); }

GLint ShaderProgram::uniform_location(const char* name) const {
  return glGetUniformLocation(id_, name);
}

// ---- Framebuffer

Result<Framebuffer> Framebuffer::create(int width, int height) {
  if (width <= 0 || height <= 0) {
    return Error{"framebuffer: invalid size " + std::to_string(width) + "x" +
                 std::to_string(height)};
  }
  Texture color(TextureFilter::kNearest);
  color.upload_rgba(width, height, nullptr);
  GLuint id = 0;
  glGenFramebuffers(1, &id);
  Framebuffer framebuffer(id, std::move(color));
  glBindFramebuffer(GL_FRAMEBUFFER, id);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D,
                         framebuffer.color_.id(), 0);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  if (status != GL_FRAMEBUFFER_COMPLETE) {
    return Error{"framebuffer " + std::to_string(width) + "x" + std::to_string(height) +
                 ": incomplete (glCheckFramebufferStatus " + std::to_string(status) + ")"};
  }
  return Result<Framebuffer>(std::move(framebuffer));
}

Framebuffer::~Framebuffer() {
  if (id_ != 0) glDeleteFramebuffers(1, &id_);
}

Framebuffer::Framebuffer(Framebuffer&& other) noexcept
    : id_(std::exchange(other.id_, 0)), color_(std::move(other.color_)) {}

Framebuffer& Framebuffer::operator=(Framebuffer&& other) noexcept {
  if (this != &other) {
    if (id_ != 0) glDeleteFramebuffers(1, &id_);
    id_ = std::exchange(other.id_, 0);
    color_ = std::move(other.color_);
  }
  return *this;
}

void Framebuffer::bind() const {
  glBindFramebuffer(GL_FRAMEBUFFER, id_);
  glViewport(0, 0, width(), height());
}

void Framebuffer::bind_default() { glBindFramebuffer(GL_FRAMEBUFFER, 0); }

void Framebuffer::read_rgba(std::vector<uint8_t>& rgba) const {
  const size_t row = static_cast<size_t>(width()) * 4;
  rgba.resize(row * height());
  if (rgba.empty()) return;
  glBindFramebuffer(GL_READ_FRAMEBUFFER, id_);
  glReadBuffer(GL_COLOR_ATTACHMENT0);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width(), height(), GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  std::vector<uint8_t> swap(row);
  for (int top = 0, bottom = height() - 1; top < bottom; ++top, --bottom) {
    uint8_t* a = rgba.data() + top * row;
    uint8_t* b = rgba.data() + bottom * row;
    std::memcpy(swap.data(), a, row);
    std::memcpy(a, b, row);
    std::memcpy(b, swap.data(), row);
  }
}

// ---- VertexArray

VertexArray::VertexArray() { glGenVertexArrays(1, &id_); }

VertexArray::~VertexArray() {
  if (id_ != 0) glDeleteVertexArrays(1, &id_);
}

VertexArray::VertexArray(VertexArray&& other) noexcept : id_(std::exchange(other.id_, 0)) {}

VertexArray& VertexArray::operator=(VertexArray&& other) noexcept {
  if (this != &other) {
    if (id_ != 0) glDeleteVertexArrays(1, &id_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void VertexArray::bind() const { glBindVertexArray(id_); }

}  // namespace genscope
