#pragma once
// FrameCapture: asynchronous readback of part of the framebuffer for the recorder. A request blits
// the region (scaled to the output size, linear filtering) into a private framebuffer and starts
// glReadPixels into one of a ring of pixel buffer objects with a fence; take() maps the oldest one
// once the GPU is done, usually a frame or two later, so the frame loop does not wait for it.
#include <glad/gl.h>

#include <cstdint>
#include <vector>

#include "render/gl_objects.h"
#include "util/result.h"

namespace genscope {

class FrameCapture {
 public:
  /// Output size `width` x `height`, `buffers` readbacks in flight at most. Needs a current GL
  /// context.
  static Result<FrameCapture> create(int width, int height, int buffers = 3);
  ~FrameCapture();
  FrameCapture(FrameCapture&& other) noexcept;
  FrameCapture& operator=(FrameCapture&& other) noexcept;
  FrameCapture(const FrameCapture&) = delete;
  FrameCapture& operator=(const FrameCapture&) = delete;

  /// Starts reading the rectangle (x, y, w, h) of framebuffer `source` (0: the window's back
  /// buffer; GL coordinates, origin bottom-left) scaled to the output size. `tag` comes back with
  /// the pixels. Returns false (nothing started) when every buffer is in flight. Restores the
  /// read and draw framebuffer bindings to `source`.
  bool request(GLuint source, int x, int y, int w, int h, int64_t tag);
  /// Takes the oldest readback when it is done (or, with `wait`, waits for it): fills `rgba` with
  /// width*height*4 bytes in bottom-up row order (as glReadPixels gives them) and `tag`. Returns
  /// false when nothing is in flight or (without `wait`) the oldest is not done yet.
  bool take(std::vector<uint8_t>& rgba, int64_t& tag, bool wait);

  int in_flight() const { return count_; }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  struct Slot {
    GLuint pbo = 0;
    GLsync fence = nullptr;
    int64_t tag = 0;
  };
  FrameCapture(Framebuffer target, std::vector<Slot> slots, int width, int height);
  void release();

  Framebuffer target_;
  std::vector<Slot> slots_;
  int width_ = 0, height_ = 0;
  int head_ = 0;   // oldest slot in flight
  int count_ = 0;  // slots in flight
};

}  // namespace genscope
