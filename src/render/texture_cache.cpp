#include "render/texture_cache.h"

#include <map>

#include "render/gl_objects.h"

namespace genscope {
namespace {

class GlTextureBackend : public TextureBackend {
 public:
  uintptr_t upload(uintptr_t id, TextureFilter filter, const ImageRGBA& image) override {
    auto it = textures_.find(id);
    if (it == textures_.end()) {
      Texture texture(filter);
      const uintptr_t name = texture.id();
      it = textures_.emplace(name, std::move(texture)).first;
    }
    it->second.upload_rgba(image.width, image.height, image.pixels.data());
    return it->first;
  }
  void destroy(uintptr_t id) override { textures_.erase(id); }

 private:
  std::map<uintptr_t, Texture> textures_;  // by GL name
};

}  // namespace

std::unique_ptr<TextureBackend> make_gl_texture_backend() {
  return std::make_unique<GlTextureBackend>();
}

uintptr_t StubTextureBackend::upload(uintptr_t id, TextureFilter, const ImageRGBA&) {
  ++uploads_;
  if (id != 0) return id;
  ++live_;
  return next_++;
}

void StubTextureBackend::destroy(uintptr_t id) {
  if (id != 0) --live_;
}

TextureCache::TextureCache(std::unique_ptr<TextureBackend> backend)
    : backend_(std::move(backend)) {}

TextureCache::~TextureCache() {
  for (Slot& s : slots_) {
    if (s.ref.id != 0) backend_->destroy(s.ref.id);
  }
}

const TextureRef& TextureCache::update(TextureSlot slot, uint64_t version,
                                       const ImageRGBA& image) {
  Slot& s = slots_[int(slot)];
  if (image.empty() || (s.ref.id != 0 && s.version == version)) return s.ref;
  const TextureFilter filter =
      slot == TextureSlot::kToyHeat ? TextureFilter::kLinear : TextureFilter::kNearest;
  s.ref.id = backend_->upload(s.ref.id, filter, image);
  s.ref.w = image.width;
  s.ref.h = image.height;
  s.version = version;
  ++uploads_;
  return s.ref;
}

}  // namespace genscope
