#include "train/models/gan/gan_family.h"

#include "train/models/gan/gan.h"
#include "train/models/image/image_family.h"
#include "util/strings.h"

namespace genscope {

std::unique_ptr<Model> make_gan_model(const Params& params, int channels, int size,
                                      torch::Device device) {
  GanConfig c;
  c.convolutional = params.choice(ParamId::kModel) == "dcgan";
  c.latent_dim = params.integer(ParamId::kLatentDim);
  c.width = params.integer(ParamId::kWidth);
  c.channels = channels;
  c.image_size = size;
  c.loss = params.integer(ParamId::kLoss);
  c.spectral_norm = params.choice(ParamId::kSpectralNorm) == "on";
  return std::make_unique<Gan>(c, Gan::optim_settings(params), device);
}

namespace {

// DCGAN's stack has a block per doubling: 28x28 or a power of two from 16; the MLP GAN takes
// any square size (it would fail at its first step on other shapes).
Status check_gan_data(const Params& params, const ImageSet& train) {
  const std::string model = params.choice(ParamId::kModel);
  const int side = train.height;
  const bool power_of_two = side >= 16 && side <= 128 && (side & (side - 1)) == 0;
  if (model == "dcgan" && (train.width != side || (side != 28 && !power_of_two))) {
    return Error{strformat("model dcgan needs 28x28 images or a power of two from 16x16 to "
                           "128x128; %s has %dx%d (set --resolution, or use --model mlp-gan)",
                           train.source.c_str(), train.height, train.width)};
  }
  if (train.height != train.width) {
    return Error{strformat("model %s needs square images; %s has %dx%d", model.c_str(),
                           train.source.c_str(), train.height, train.width)};
  }
  return {};
}

}  // namespace

FamilyInfo gan_family() {
  FamilyInfo info;
  info.kind = ModelFamily::kImageGan;
  info.uses_dataset = true;
  info.default_threads = 0;
  info.create = [](Params& params, const FamilyInputs& inputs) {
    return ImageFamily::create(params, inputs, make_gan_model, check_gan_data);
  };
  return info;
}

}  // namespace genscope
