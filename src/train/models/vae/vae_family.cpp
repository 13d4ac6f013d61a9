#include "train/models/vae/vae_family.h"

#include "train/models/image/image_family.h"
#include "train/models/vae/vae.h"
#include "util/strings.h"

namespace genscope {

std::unique_ptr<Model> make_vae_model(const Params& params, int channels, int size,
                                      torch::Device device) {
  const std::string kind = params.choice(ParamId::kModel);
  VaeConfig c;
  c.convolutional = kind != "mlp-vae";
  c.variational = kind != "ae";
  c.latent_dim = params.integer(ParamId::kLatentDim);
  c.width = params.integer(ParamId::kWidth);
  c.channels = channels;
  c.image_size = size;
  return std::make_unique<Vae>(c, params, device);
}

namespace {

// The convolutional encoder halves the side twice; every model here takes square images (one
// side in its config: other shapes would fail at the first step).
Status check_vae_data(const Params& params, const ImageSet& train) {
  const std::string model = params.choice(ParamId::kModel);
  if (model == "mlp-vae" && train.height != train.width) {
    return Error{strformat("model mlp-vae needs square images; %s has %dx%d",
                           train.source.c_str(), train.height, train.width)};
  }
  if (model != "mlp-vae" && (train.height % 4 != 0 || train.width != train.height)) {
    return Error{
        strformat("model %s needs square images with a side divisible by 4; %s has %dx%d "
                  "(use --model mlp-vae)",
                  model.c_str(), train.source.c_str(), train.height, train.width)};
  }
  return {};
}

}  // namespace

FamilyInfo vae_family() {
  FamilyInfo info;
  info.kind = ModelFamily::kVae;
  info.uses_dataset = true;
  info.default_threads = 0;
  info.create = [](Params& params, const FamilyInputs& inputs) {
    // beta-VAE is the VAE with beta > 1: unless the user chose a beta (even 1), it takes the
    // usual 4 (written into the run's parameters, so a checkpoint resumes with it).
    if (params.choice(ParamId::kModel) == "beta-vae" && !params.is_set(ParamId::kBeta)) {
      params.set(ParamId::kBeta, {4.0, ""});
    }
    return ImageFamily::create(params, inputs, make_vae_model, check_vae_data);
  };
  return info;
}

}  // namespace genscope
