#include "render/frame_capture.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace genscope {

Result<FrameCapture> FrameCapture::create(int width, int height, int buffers) {
  if (width < 1 || height < 1) return Error{"capture size must be positive"};
  auto target = Framebuffer::create(width, height);
  if (!target) return Error{target.error()};
  // The color texture is nearest filtered for display; blits filter on their own (GL_LINEAR).
  std::vector<Slot> slots(std::max(1, buffers));
  for (Slot& s : slots) {
    glGenBuffers(1, &s.pbo);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, s.pbo);
    glBufferData(GL_PIXEL_PACK_BUFFER, GLsizeiptr(width) * height * 4, nullptr, GL_STREAM_READ);
  }
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  Framebuffer::bind_default();
  return FrameCapture(std::move(*target), std::move(slots), width, height);
}

FrameCapture::FrameCapture(Framebuffer target, std::vector<Slot> slots, int width, int height)
    : target_(std::move(target)), slots_(std::move(slots)), width_(width), height_(height) {}

FrameCapture::~FrameCapture() { release(); }

FrameCapture::FrameCapture(FrameCapture&& other) noexcept
    : target_(std::move(other.target_)),
      slots_(std::move(other.slots_)),
      width_(other.width_),
      height_(other.height_),
      head_(other.head_),
      count_(other.count_) {
  other.slots_.clear();
  other.count_ = 0;
}

FrameCapture& FrameCapture::operator=(FrameCapture&& other) noexcept {
  if (this != &other) {
    release();
    target_ = std::move(other.target_);
    slots_ = std::move(other.slots_);
    width_ = other.width_;
    height_ = other.height_;
    head_ = other.head_;
    count_ = other.count_;
    other.slots_.clear();
    other.count_ = 0;
  }
  return *this;
}

void FrameCapture::release() {
  for (Slot& s : slots_) {
    if (s.fence) glDeleteSync(s.fence);
    if (s.pbo) glDeleteBuffers(1, &s.pbo);
  }
  slots_.clear();
  count_ = 0;
}

bool FrameCapture::request(GLuint source, int x, int y, int w, int h, int64_t tag) {
  if (count_ >= int(slots_.size())) return false;
  Slot& slot = slots_[(head_ + count_) % slots_.size()];
  glBindFramebuffer(GL_READ_FRAMEBUFFER, source);
  if (source == 0) glReadBuffer(GL_BACK);
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, target_.id());
  glBlitFramebuffer(x, y, x + w, y + h, 0, 0, width_, height_, GL_COLOR_BUFFER_BIT,
                    (w == width_ && h == height_) ? GL_NEAREST : GL_LINEAR);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, target_.id());
  glReadBuffer(GL_COLOR_ATTACHMENT0);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, slot.pbo);
  glReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  slot.fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
  slot.tag = tag;
  ++count_;
  glBindFramebuffer(GL_FRAMEBUFFER, source);
  if (source == 0) glReadBuffer(GL_BACK);
  return true;
}

bool FrameCapture::take(std::vector<uint8_t>& rgba, int64_t& tag, bool wait) {
  if (count_ == 0) return false;
  Slot& slot = slots_[head_];
  GLenum r = glClientWaitSync(slot.fence, GL_SYNC_FLUSH_COMMANDS_BIT,
                              wait ? GLuint64(5'000'000'000) : 0);
  if (r == GL_TIMEOUT_EXPIRED) return false;
  glDeleteSync(slot.fence);
  slot.fence = nullptr;
  const size_t bytes = size_t(width_) * height_ * 4;
  rgba.resize(bytes);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, slot.pbo);
  if (const void* mapped = glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, GLsizeiptr(bytes),
                                            GL_MAP_READ_BIT)) {
    std::memcpy(rgba.data(), mapped, bytes);
    glUnmapBuffer(GL_PIXEL_PACK_BUFFER);
  } else {
    std::fill(rgba.begin(), rgba.end(), 0);
  }
  glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
  tag = slot.tag;
  head_ = (head_ + 1) % int(slots_.size());
  --count_;
  return true;
}

}  // namespace genscope
