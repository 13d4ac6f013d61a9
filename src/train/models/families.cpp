// The model families genscope trains: one line each (see family.h for what a family provides).
#include "train/models/family.h"

#include "train/distributed.h"
#include "train/models/gan/gan_family.h"
#include "train/models/text/text_family.h"
#include "train/models/toy/toy_family.h"
#include "train/models/vae/vae_family.h"

namespace genscope {

const std::vector<FamilyInfo>& families() {
  static const std::vector<FamilyInfo> list{
      gan_family(),  // DCGAN and MLP GAN on images
      vae_family(),  // VAE, beta-VAE, AE and MLP VAE on images
      toy_family(),  // the 2D GAN lab
      text_family(), // character-level language models on text
  };
  return list;
}

const FamilyInfo& family_info(const Params& params) {
  const ModelFamily kind = model_family(params);
  for (const FamilyInfo& f : families()) {
    if (f.kind == kind) return f;
  }
  return families().front();  // every ModelFamily has a line above
}

Status Family::set_distributed(std::shared_ptr<ProcessGroup> group) {
  if (!group || group->world() == 1) return {};
  return Error{"data-parallel training (WORLD_SIZE > 1) covers the image models (GAN, VAE/AE); "
               "this model trains in one process"};
}

}  // namespace genscope
