#pragma once
// LatentTools: computes the latent views (reconstructions, traversal, interpolation, explorer and
// the 2D latent map) for a model between training steps.
#include <memory>

#include "data/dataset.h"
#include "core/latent.h"
#include "train/models/image/model.h"

namespace genscope {

/// Number of test images shown with their reconstructions (4 pairs of 8-image rows).
inline constexpr int kReconCount = 32;
/// Images encoded per training step while the latent map is being refreshed.
inline constexpr int64_t kMapChunk = 1000;
/// At most this many test images go into the latent map.
inline constexpr int64_t kMapMaxPoints = 10000;

/// Per-session latent tool state. Not thread-safe: the training thread drives it.
class LatentTools {
 public:
  LatentTools(std::shared_ptr<const Dataset> data, torch::Device device, uint64_t seed);

  /// Recomputes every image view for the current selection into `views` (bumps its version).
  void render(Model& model, const Params& params, const LatentSelection& selection,
              const torch::Tensor& fixed_noise, LatentViews& views);

  /// Encodes the next chunk of the test set when a refresh is due (every map_every steps); when
  /// the last chunk is done, publishes a new map into `views.map`. Returns true then.
  bool advance_map(Model& model, const Params& params, int64_t step, LatentViews& views);

  /// The latent code a source names: a fixed-noise row, an encoded test image, or a random draw.
  torch::Tensor code_for(const LatentSource& source, Model& model, const torch::Tensor& fixed_noise);

  /// The images of the reconstruction grid, [kReconCount, C, H, W] in [-1, 1].
  const torch::Tensor& recon_images() const { return recon_images_; }

 private:
  std::shared_ptr<const Dataset> data_;
  std::shared_ptr<const ImageSet> map_set_;  // the test split (or the train split without one)
  torch::Device device_;
  uint64_t seed_;
  torch::Tensor recon_images_;
  int64_t map_cursor_ = -1;  // next image to encode; -1 when no refresh is running
  int64_t map_started_step_ = 0;
  int64_t last_map_step_ = -1;
  std::vector<float> map_codes_;
};

/// `k` orthonormal directions in a `dim`-dimensional latent space from a seed, [k, dim].
torch::Tensor random_directions(int dim, int k, uint64_t seed);

/// Turns [N, C, H, W] images in [-1, 1] into an RGBA grid of `cols` columns.
void tensor_grid(const torch::Tensor& images, int cols, ImageRGBA& out, int pad = 2);

}  // namespace genscope
