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
  return std::make_unique<Gan>(c, Gan::optim_settings(params), device);
}

namespace {

// DCGAN's layers are sized for 28x28 images; the MLP GAN takes any square size (it would fail
// at its first step on other shapes).
Status check_gan_data(const Params& params, const ImageSet& train) {
  const std::string model = params.choice(ParamId::kModel);
  if (model == "dcgan" && (train.height != 28 || train.width != 28)) {
    return Error{strformat("model dcgan needs 28x28 images; %s has %dx%d (use --model mlp-gan)",
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
