#pragma once
// TextureCache: the window's textures, one per slot (the sample grid, the latent views, the 2D
// lab's heatmap...), uploaded only when the image's version changes. Panels read TextureRefs (an
// id and a size) and never touch GL. The backend is OpenGL in the window; panel tests that run
// with no GL context use StubTextureBackend, which keeps ids and sizes and counts uploads.
// This header includes no GL.
#include <array>
#include <cstdint>
#include <memory>

#include "util/image.h"

namespace genscope {

/// How a texture is sampled; chosen once at creation.
enum class TextureFilter { kNearest, kLinear };

/// A texture as panels see it: the id ImGui draws (ImTextureID) and its size in texels.
struct TextureRef {
  uintptr_t id = 0;  // 0: none yet
  int w = 0, h = 0;
  int width() const { return w; }
  int height() const { return h; }
  bool empty() const { return id == 0 || w == 0 || h == 0; }
};

/// Where texture pixels go.
class TextureBackend {
 public:
  virtual ~TextureBackend() = default;
  /// Uploads `image` into texture `id` (0: creates one sampled with `filter`); returns its id.
  virtual uintptr_t upload(uintptr_t id, TextureFilter filter, const ImageRGBA& image) = 0;
  /// Deletes texture `id`.
  virtual void destroy(uintptr_t id) = 0;
};

/// OpenGL textures: a current GL 3.3 context whenever it uploads or destroys.
std::unique_ptr<TextureBackend> make_gl_texture_backend();

/// No GPU: hands out ids 1, 2, ... and counts what would have been uploaded.
class StubTextureBackend : public TextureBackend {
 public:
  uintptr_t upload(uintptr_t id, TextureFilter filter, const ImageRGBA& image) override;
  void destroy(uintptr_t id) override;
  int uploads() const { return uploads_; }
  int live() const { return live_; }  // textures created and not destroyed

 private:
  uintptr_t next_ = 1;
  int uploads_ = 0;
  int live_ = 0;
};

/// The window's texture slots.
enum class TextureSlot {
  kSamples,          // the fixed-noise sample grid
  kReal,             // the real images beside it
  kReconstructions,  // VAE/AE test images and their reconstructions
  kTraversal,        // latent traversal grid
  kInterpolation,    // interpolation strip
  kExplorer,         // the latent explorer's decoded image
  kToyHeat,          // the 2D lab's discriminator heatmap (linear filtering)
  kManifold,         // the latent map's decoded 2D manifold
  kMapImage,         // one image of the latent map's encoded set
  kHistory,          // a sample-history entry (the scrubber)
  kNearest,          // the training images nearest to the sample grid's tiles
  kTextHidden,       // a text model's hidden units x positions heatmap
  kTextAttention,    // one attention head's map over the passage
  kTextAttentionGrid,  // every layer's and head's map, tiled
  kRunSamples,       // a past run's sample grid (the Runs panel)
  kFork0,            // a fork's runs' sample grids, side by side in the Samples panel
  kFork1,
  kFork2,
  kFork3,
  kCount
};

class TextureCache {
 public:
  /// Uploads through `backend` (kept for the cache's life).
  explicit TextureCache(std::unique_ptr<TextureBackend> backend);
  ~TextureCache();  // deletes every texture
  TextureCache(const TextureCache&) = delete;
  TextureCache& operator=(const TextureCache&) = delete;

  /// The slot's texture showing `image` at `version`: uploaded when the version differs from
  /// the one it holds. An empty image leaves the texture as it was (and the version unseen).
  const TextureRef& update(TextureSlot slot, uint64_t version, const ImageRGBA& image);
  /// The slot's texture as last uploaded (empty before the first upload).
  const TextureRef& get(TextureSlot slot) const { return slots_[int(slot)].ref; }
  /// The version the slot holds (0 before the first upload).
  uint64_t version(TextureSlot slot) const { return slots_[int(slot)].version; }
  /// Uploads made so far (for tests and frame statistics).
  uint64_t uploads() const { return uploads_; }

 private:
  struct Slot {
    TextureRef ref;
    uint64_t version = 0;
  };
  std::unique_ptr<TextureBackend> backend_;
  std::array<Slot, int(TextureSlot::kCount)> slots_{};
  uint64_t uploads_ = 0;
};

}  // namespace genscope
