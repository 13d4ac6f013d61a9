#pragma once
// The image GAN family: DCGAN and MLP GAN (gan.h) in an ImageFamily.
#include "train/models/family.h"

namespace genscope {

/// The GAN family's registry entry (families.cpp).
FamilyInfo gan_family();

/// The GAN `params` name (dcgan, mlp-gan) for images of `channels` x `size` x `size`.
std::unique_ptr<Model> make_gan_model(const Params& params, int channels, int size,
                                      torch::Device device);

}  // namespace genscope
