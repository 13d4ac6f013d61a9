#pragma once
// The families behind a TrainingSession, for tests that look inside one.
#include <stdexcept>

#include "train/models/image/image_family.h"
#include "train/models/toy/toy_family.h"
#include "train/session.h"

namespace genscope {

inline ImageFamily& image_family(TrainingSession& s) {
  auto* f = s.family_as<ImageFamily>();
  if (!f) throw std::logic_error("the session does not train an image model");
  return *f;
}
inline Model& image_model(TrainingSession& s) { return image_family(s).model(); }
/// The 2D lab, or nullptr for another family.
inline ToyLab* toy_lab(TrainingSession& s) {
  auto* f = s.family_as<ToyFamily>();
  return f ? &f->lab() : nullptr;
}

}  // namespace genscope
