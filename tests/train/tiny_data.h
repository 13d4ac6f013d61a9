#pragma once
// A small image dataset and a small model, made in the test: train cases that need a session
// but not real data.
#include <memory>

#include "core/params.h"
#include "data/dataset.h"
#include "train/session.h"

namespace genscope::test {

/// 256 28x28 images of bright squares at varying places: small, structured.
inline std::shared_ptr<const Dataset> tiny_dataset() {
  auto d = std::make_shared<Dataset>();
  d->name = "squares";
  ImageSet& s = d->train;
  s.count = 256;
  s.height = s.width = 28;
  s.source = "memory";
  s.pixels.assign(size_t(s.count) * 28 * 28, 0);
  for (int n = 0; n < s.count; ++n) {
    int x0 = 2 + n % 14, y0 = 2 + (n / 14) % 14;
    for (int y = y0; y < y0 + 10; ++y) {
      for (int x = x0; x < x0 + 10; ++x) s.pixels[size_t(n) * 784 + y * 28 + x] = 255;
    }
  }
  return d;
}

/// `model` with width 8, 16 latent dimensions and batches of 16.
inline Params small_params(const char* model = "dcgan") {
  Params p;
  p.set_from_string(ParamId::kModel, model);
  p.set(ParamId::kWidth, {8, ""});
  p.set(ParamId::kLatentDim, {16, ""});
  p.set(ParamId::kBatchSize, {16, ""});
  return p;
}

}  // namespace genscope::test
