#pragma once
// The VAE family: VAE, beta-VAE, AE and MLP VAE (vae.h) in an ImageFamily.
#include "train/models/family.h"

namespace genscope {

/// The VAE family's registry entry (families.cpp).
FamilyInfo vae_family();

/// The encoder/decoder model `params` name for images of `channels` x `size` x `size`.
std::unique_ptr<Model> make_vae_model(const Params& params, int channels, int size,
                                      torch::Device device);

}  // namespace genscope
