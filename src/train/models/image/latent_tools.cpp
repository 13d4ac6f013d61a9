#include "train/models/image/latent_tools.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <numeric>

#include "core/image_grid.h"
#include "util/strings.h"
#include "util/unique_version.h"

namespace genscope {
namespace {

constexpr uint8_t kGridBackground = 48;
constexpr int kAutoRows = 8;
constexpr int kMaxRows = 16;
constexpr int kManifoldN = 15;

torch::Tensor u8_to_float(const ImageSet& set, int64_t first, int64_t n) {
  auto blob = torch::from_blob(const_cast<uint8_t*>(set.pixels.data()) + first * set.image_size(),
                               {n, set.channels, set.height, set.width}, torch::kUInt8);
  return blob.to(torch::kFloat).div(127.5).sub(1.0);
}

std::vector<float> to_floats(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous().view({-1});
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

torch::Tensor from_floats(const std::vector<float>& v) {
  return torch::tensor(v, torch::kFloat).view({1, static_cast<int64_t>(v.size())});
}

}  // namespace

void tensor_grid(const torch::Tensor& images, int cols, ImageRGBA& out, int pad) {
  torch::Tensor x = images.detach().to(torch::kCPU, torch::kFloat).add(1.0).mul_(0.5).contiguous();
  make_grid(x.data_ptr<float>(), static_cast<int>(x.size(0)), static_cast<int>(x.size(1)),
            static_cast<int>(x.size(2)), static_cast<int>(x.size(3)), cols, pad, kGridBackground,
            out);
}

torch::Tensor random_directions(int dim, int k, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::Tensor a = torch::randn({dim, k}, gen);
  torch::Tensor q = std::get<0>(torch::linalg_qr(a));  // [dim, k], orthonormal columns
  return q.t().contiguous();
}

LatentTools::LatentTools(std::shared_ptr<const Dataset> data, torch::Device device, uint64_t seed)
    : data_(std::move(data)), device_(device), seed_(seed) {
  const ImageSet& set = data_->test.count > 0 ? data_->test : data_->train;
  map_set_ = std::shared_ptr<const ImageSet>(data_, &set);
  recon_images_ = u8_to_float(set, 0, std::min<int64_t>(kReconCount, set.count));
}

torch::Tensor LatentTools::code_for(const LatentSource& source, Model& model,
                                    const torch::Tensor& fixed_noise) {
  int dim = model.latent_dim();
  if (source.kind == LatentSource::Kind::kTestImage && model.has_encoder()) {
    int64_t i = std::clamp<int64_t>(source.index, 0, recon_images_.size(0) - 1);
    return model.encode(recon_images_.slice(0, i, i + 1)).to(torch::kCPU);
  }
  if (source.kind == LatentSource::Kind::kRandom) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed_ * 7919 + source.index);
    return torch::randn({1, dim}, gen);
  }
  int64_t i = std::clamp<int64_t>(source.index, 0, fixed_noise.size(0) - 1);
  return fixed_noise.slice(0, i, i + 1).to(torch::kCPU);
}

void LatentTools::render(Model& model, const Params& params, const LatentSelection& selection,
                         const torch::Tensor& fixed_noise, LatentViews& views) {
  const int dim = model.latent_dim();
  views.latent_dim = dim;

  if (model.has_encoder()) {
    torch::Tensor recon = model.decode(model.encode(recon_images_)).to(torch::kCPU);
    std::vector<torch::Tensor> rows;
    for (int64_t r = 0; r * 8 < recon_images_.size(0); ++r) {
      int64_t a = r * 8, b = std::min<int64_t>(a + 8, recon_images_.size(0));
      rows.push_back(recon_images_.slice(0, a, b));
      rows.push_back(recon.slice(0, a, b));
    }
    tensor_grid(torch::cat(rows), 8, views.reconstructions);
  } else {
    views.reconstructions = ImageRGBA{};
  }

  // Traversal: each row varies one dimension (or walks one direction) around the base code.
  torch::Tensor base = code_for(selection.traversal_base, model, fixed_noise);  // [1, dim]
  int steps = params.integer(ParamId::kTraversalSteps);
  double range = params.number(ParamId::kTraversalRange);
  torch::Tensor values = torch::linspace(-range, range, steps);
  std::vector<torch::Tensor> codes;
  views.traversal_rows.clear();
  bool directions = selection.traversal_dims.empty() && !model.has_encoder() &&
                    selection.gan_random_directions && dim > kAutoRows;
  if (directions) {
    torch::Tensor dirs = random_directions(dim, kAutoRows, seed_);
    for (int r = 0; r < kAutoRows; ++r) {
      codes.push_back(base + values.view({-1, 1}) * dirs[r].view({1, -1}));
      views.traversal_rows.push_back(strformat("dir %d", r + 1));
    }
  } else {
    std::vector<int> dims;
    for (int d : selection.traversal_dims) {
      if (d >= 0 && d < dim && static_cast<int>(dims.size()) < kMaxRows) dims.push_back(d);
    }
    if (dims.empty()) {
      dims.resize(dim);
      std::iota(dims.begin(), dims.end(), 0);
      const std::vector<float>& kl = views.kl_per_dim;
      if (static_cast<int>(kl.size()) == dim) {  // most active dimensions first
        std::stable_sort(dims.begin(), dims.end(), [&](int a, int b) { return kl[a] > kl[b]; });
      }
      dims.resize(std::min(dim, kAutoRows));
    }
    for (int d : dims) {
      torch::Tensor row = base.repeat({steps, 1});
      row.select(1, d).copy_(values);
      codes.push_back(row);
      views.traversal_rows.push_back(strformat("z%d", d));
    }
  }
  tensor_grid(model.decode(torch::cat(codes)).to(torch::kCPU), steps, views.traversal);

  // Interpolation strip between the two endpoints.
  std::vector<float> a = to_floats(code_for(selection.interp_a, model, fixed_noise));
  std::vector<float> b = to_floats(code_for(selection.interp_b, model, fixed_noise));
  int n = params.integer(ParamId::kInterpSteps);
  bool slerp = params.choice(ParamId::kInterpMode) == "slerp";
  std::vector<torch::Tensor> strip;
  for (int i = 0; i < n; ++i) {
    strip.push_back(from_floats(interpolate(a, b, static_cast<float>(i) / (n - 1), slerp)));
  }
  tensor_grid(model.decode(torch::cat(strip)).to(torch::kCPU), n, views.interpolation);

  // Explorer: the code the sliders (or a map click) set.
  std::vector<float> z = selection.explorer_z;
  z.resize(dim, 0.0f);
  tensor_grid(model.decode(from_floats(z)).to(torch::kCPU), 1, views.explorer, 0);
  views.version = next_unique_version();
}

bool LatentTools::advance_map(Model& model, const Params& params, int64_t step, LatentViews& views) {
  if (!model.has_encoder()) return false;
  const ImageSet& set = *map_set_;
  int64_t total = std::min<int64_t>(set.count, kMapMaxPoints);
  if (map_cursor_ < 0) {
    bool due = last_map_step_ < 0 || step - last_map_step_ >= params.integer(ParamId::kMapEvery);
    if (!due || total == 0) return false;
    map_cursor_ = 0;
    map_started_step_ = step;
    map_codes_.clear();
  }
  int64_t n = std::min(kMapChunk, total - map_cursor_);
  std::vector<float> chunk = to_floats(model.encode(u8_to_float(set, map_cursor_, n)));
  map_codes_.insert(map_codes_.end(), chunk.begin(), chunk.end());
  map_cursor_ += n;
  if (map_cursor_ < total) return false;

  auto map = std::make_shared<LatentMap>();
  map->step = map_started_step_;
  map->dim = model.latent_dim();
  map->codes = std::move(map_codes_);
  map->images = map_set_;
  map->class_names = set.class_names;
  if (!set.labels.empty()) map->labels.assign(set.labels.begin(), set.labels.begin() + total);
  if (map->dim == 2) {
    map->xy = map->codes;
  } else {
    map->projected = true;
    pca_2d(map->codes.data(), total, map->dim, map->axes, map->mean, map->xy);
  }
  float lo_x = 1e30f, lo_y = 1e30f, hi_x = -1e30f, hi_y = -1e30f;
  for (int64_t i = 0; i < total; ++i) {
    lo_x = std::min(lo_x, map->xy[2 * i]);
    hi_x = std::max(hi_x, map->xy[2 * i]);
    lo_y = std::min(lo_y, map->xy[2 * i + 1]);
    hi_y = std::max(hi_y, map->xy[2 * i + 1]);
  }
  float pad_x = 0.05f * std::max(hi_x - lo_x, 1e-3f), pad_y = 0.05f * std::max(hi_y - lo_y, 1e-3f);
  map->extent[0] = lo_x - pad_x;
  map->extent[1] = lo_y - pad_y;
  map->extent[2] = hi_x + pad_x;
  map->extent[3] = hi_y + pad_y;
  if (map->dim == 2) {  // decoded manifold over the map, top row = max y
    std::vector<float> grid;
    for (int r = 0; r < kManifoldN; ++r) {
      float y = map->extent[3] - (r + 0.5f) * (map->extent[3] - map->extent[1]) / kManifoldN;
      for (int c = 0; c < kManifoldN; ++c) {
        grid.push_back(map->extent[0] + (c + 0.5f) * (map->extent[2] - map->extent[0]) / kManifoldN);
        grid.push_back(y);
      }
    }
    torch::Tensor z = torch::tensor(grid, torch::kFloat).view({-1, 2});
    tensor_grid(model.decode(z).to(torch::kCPU), kManifoldN, map->manifold, 0);
    map->manifold_n = kManifoldN;
  }
  views.map = std::move(map);
  last_map_step_ = map_started_step_;
  map_cursor_ = -1;
  return true;
}

}  // namespace genscope
