#include "gui/damage_renderer.h"

#include <glad/gl.h>
#include <imgui_impl_opengl3.h>

#include <cstdlib>

#include "gui/damage_clip.h"
#include "render/gl_objects.h"

namespace genscope {

DamageRenderer::DamageRenderer(ImVec4 clear_color, DamageTarget target, DamageOptions options)
    : tracker_(options), clear_(clear_color), target_(target) {}

DamageRenderer::~DamageRenderer() = default;

bool DamageRenderer::wanted(DamageMode mode, bool window) {
  const GLubyte* renderer = glGetString(GL_RENDERER);
  return use_damage(mode, window, reinterpret_cast<const char*>(renderer),
                    std::getenv("GENSCOPE_DAMAGE"));
}

bool DamageRenderer::back_buffer_kept(const std::function<void()>& swap) {
  const uint8_t colors[2][3] = {{37, 201, 113}, {190, 12, 77}};
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glEnable(GL_SCISSOR_TEST);
  glScissor(0, 0, 2, 2);
  bool kept = true;
  for (const auto& c : colors) {
    glClearColor(c[0] / 255.0f, c[1] / 255.0f, c[2] / 255.0f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    swap();
    uint8_t pixel[4] = {0, 0, 0, 0};
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, pixel);
    if (pixel[0] != c[0] || pixel[1] != c[1] || pixel[2] != c[2]) kept = false;
  }
  glDisable(GL_SCISSOR_TEST);
  return kept;
}

unsigned DamageRenderer::framebuffer() const { return canvas_ ? canvas_->id() : 0; }

void DamageRenderer::take_uploads() {
  upload_names_.clear();
  uploaded_.clear();
  if (!TextureUploads::since(uploads_seen_, upload_names_)) tracker_.invalidate();
  uploads_seen_ = TextureUploads::count();
  for (unsigned name : upload_names_) {
    uploaded_.push_back(reinterpret_cast<ImTextureID>(uintptr_t(name)));
  }
}

bool DamageRenderer::prepare_canvas(int w, int h) {
  if (canvas_ && canvas_->width() == w && canvas_->height() == h) return true;
  canvas_.reset();
  auto canvas = Framebuffer::create(w, h);
  if (!canvas) return false;
  canvas_ = std::make_unique<Framebuffer>(std::move(*canvas));
  tracker_.invalidate();
  return true;
}

bool DamageRenderer::render(ImDrawData* data, const ImDrawList* skip) {
  const int w = int(data->DisplaySize.x * data->FramebufferScale.x);
  const int h = int(data->DisplaySize.y * data->FramebufferScale.y);
  if (w <= 0 || h <= 0) return true;  // nothing to draw, as the backend would draw nothing
  GLint target = 0;
  glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &target);
  const bool own = target_ == DamageTarget::kOwnFramebuffer;
  if (own && !prepare_canvas(w, h)) return false;
  // The back buffer holds the last frame only if the last frame went there.
  if (!own && target != 0) tracker_.invalidate();
  take_uploads();
  damage_ = tracker_.update(*data, uploaded_, skip);
  if (!own && target != 0) tracker_.invalidate();  // not the back buffer: the next one is whole
  if (own) glBindFramebuffer(GL_FRAMEBUFFER, canvas_->id());
  draw_damage(data, skip);
  if (own) {
    glBindFramebuffer(GL_READ_FRAMEBUFFER, canvas_->id());
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(target));
    glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
  }
  glBindFramebuffer(GL_FRAMEBUFFER, GLuint(target));
  return true;
}

void DamageRenderer::drawn_over(const ImDrawList& list) {
  if (target_ == DamageTarget::kBackBuffer) tracker_.drawn_over(list);
}

void DamageRenderer::draw_damage(ImDrawData* data, const ImDrawList* skip) {
  if (damage_.none()) return;
  const int w = tracker_.width(), h = tracker_.height();
  const std::vector<DamageRect> all{DamageRect{0, 0, w, h}};
  const std::vector<DamageRect>& rects = damage_.everything ? all : damage_.rects;
  glViewport(0, 0, w, h);
  glClearColor(clear_.x, clear_.y, clear_.z, clear_.w);
  glEnable(GL_SCISSOR_TEST);
  for (const DamageRect& r : rects) {
    glScissor(r.x0, h - r.y1, r.x1 - r.x0, r.y1 - r.y0);
    glClear(GL_COLOR_BUFFER_BIT);
  }
  glDisable(GL_SCISSOR_TEST);
  ClippedDrawData cut(*data, rects, skip, &tracker_);
  if (cut.get()->CmdListsCount > 0) ImGui_ImplOpenGL3_RenderDrawData(cut.get());
}

}  // namespace genscope
