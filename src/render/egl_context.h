#pragma once
// EglContext: an OpenGL 3.3 core context with no window and no X server (EGL on Mesa's surfaceless
// platform), for headless rendering into framebuffers: `genscope --headless --record`.
#include <memory>
#include <string>

#include "util/result.h"

namespace genscope {

class EglContext {
 public:
  /// Creates the context, makes it current on the calling thread and loads the glad GL loader.
  /// Works with DISPLAY unset. Errors say which EGL step failed and why (e.g. "EGL: no
  /// surfaceless platform (is libegl-mesa0 installed?)").
  static Result<std::unique_ptr<EglContext>> create();
  /// Releases and destroys the context.
  ~EglContext();
  EglContext(const EglContext&) = delete;
  EglContext& operator=(const EglContext&) = delete;

  /// GL_RENDERER of the context, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
  const std::string& renderer() const { return renderer_; }

 private:
  EglContext() = default;
  void* display_ = nullptr;  // EGLDisplay
  void* context_ = nullptr;  // EGLContext
  std::string renderer_;
};

}  // namespace genscope
