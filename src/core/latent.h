#pragma once
// Latent-space tools shared by the trainer (which computes them) and the panels (which show them
// and pick what to compute): plain C++, no torch.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "util/image.h"

namespace genscope {

/// Where a latent code comes from.
struct LatentSource {
  enum class Kind {
    kSample,     // GAN: row `index` of the fixed noise batch; VAE: a sample from the prior
    kTestImage,  // VAE/AE: the encoding (mean) of test image `index`
    kRandom,     // a fresh N(0, I) draw from `seed`
  };
  Kind kind = Kind::kSample;
  int64_t index = 0;
  bool operator==(const LatentSource& o) const { return kind == o.kind && index == o.index; }
};

/// What the latent panels asked for; sent whole with Command::Kind::kLatent when it changes.
struct LatentSelection {
  LatentSource traversal_base;
  std::vector<int> traversal_dims;  // empty: automatic (most active KL dims, or first 8 / top-8 dirs)
  bool gan_random_directions = true;  // GAN with a large latent: rows are random orthonormal dirs
  LatentSource interp_a{LatentSource::Kind::kSample, 0};
  LatentSource interp_b{LatentSource::Kind::kSample, 1};
  std::vector<float> explorer_z;  // explorer's code (latent_dim values); empty: the zero vector
  uint64_t revision = 0;          // increases with every edit, so the trainer sees a change
};

/// The test set encoded and projected to 2D, for the latent map. Immutable once published.
struct LatentMap {
  int64_t step = 0;          // training step it was computed at
  int dim = 0;               // latent size
  bool projected = false;    // true: PCA of the codes; false: the 2D latent itself
  std::vector<float> codes;  // count * dim latent means
  std::vector<float> xy;     // count * 2 map coordinates
  std::vector<uint8_t> labels;  // count class labels (empty when the dataset has none)
  std::vector<std::string> class_names;
  std::vector<float> axes;   // PCA: 2 * dim principal axes (rows); empty otherwise
  std::vector<float> mean;   // PCA: dim mean of the codes
  float extent[4] = {0, 0, 0, 0};  // min x, min y, max x, max y of xy
  ImageRGBA manifold;        // 2D latent only: decoded grid over the extent (rows top = max y)
  int manifold_n = 0;        // manifold is manifold_n x manifold_n tiles
  std::shared_ptr<const ImageSet> images;  // the encoded images, for hover previews
  int64_t count() const { return static_cast<int64_t>(xy.size() / 2); }
};

/// Images the latent tools produced for the current selection and step.
struct LatentViews {
  uint64_t version = 0;         // increases with every recompute
  int latent_dim = 0;
  ImageRGBA reconstructions;    // VAE/AE: rows alternate test images and their reconstructions
  ImageRGBA traversal;          // one row per dimension or direction
  std::vector<std::string> traversal_rows;  // row labels ("z3", "dir 1")
  ImageRGBA interpolation;      // one strip of interp_steps images
  ImageRGBA explorer;           // the explorer's decoded image
  std::vector<float> kl_per_dim;  // VAE: mean KL of each dimension over the last batch
  std::shared_ptr<const LatentMap> map;  // null until the first encoding finished
};

/// lerp or slerp between a and b (same length) at t in [0,1]. slerp falls back to lerp when the
/// vectors are (nearly) parallel or either is zero.
std::vector<float> interpolate(const std::vector<float>& a, const std::vector<float>& b, float t,
                               bool slerp);

/// Principal component analysis of `count` points of `dim` values: fills the top-2 unit axes
/// (2*dim, descending variance), the mean (dim) and the 2D projection (2*count).
void pca_2d(const float* points, int64_t count, int dim, std::vector<float>& axes,
            std::vector<float>& mean, std::vector<float>& projected);

}  // namespace genscope
