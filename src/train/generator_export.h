#pragma once
// Export for Python users: an image model's generator (a GAN's G, a VAE's or AE's decoder) as
// STEM.safetensors (its weights and batch-norm statistics, keyed as a PyTorch nn.Sequential of
// the layers names them: "1.weight", "2.running_mean") and STEM.json (the layers in order, with
// their sizes, so a dozen lines of PyTorch rebuild the network; README "Export for Python").
// The exported network maps z [N, latent_dim] to images [N, channels, size, size] exactly as
// genscope's samples are made: in eval mode, a GAN's batch norm with the statistics generate()
// takes from its fixed reference noise, G's moving average when the samples come from it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/params.h"
#include "train/models/image/model.h"
#include "util/result.h"

namespace genscope {

/// The paths an export writes for `path` ("gen.safetensors" or "gen"): STEM.safetensors, STEM.json.
struct ExportPaths {
  std::string weights, architecture;
};
ExportPaths export_paths(const std::string& path);

/// Writes `model`'s generator to export_paths(path) (both atomically); the JSON also names the
/// model, the dataset and the step. Errors are one line naming the path or the layer genscope
/// cannot describe. `model` may be changed (a GAN's batch norm is calibrated): pass a copy.
Status export_generator(Model& model, const Params& params, int64_t step, const std::string& path);

}  // namespace genscope
