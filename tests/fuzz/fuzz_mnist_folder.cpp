// The whole MNIST-folder loader: the input is split at its first 0xFF 0xFE into the images file
// and the labels file of a train split (the rest of the checks: counts, shapes, labels).
#include <cstring>
#include <string>

#include "data/dataset.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t split = size;
  for (size_t i = 0; i + 1 < size; ++i) {
    if (data[i] == 0xFF && data[i + 1] == 0xFE) {
      split = i;
      break;
    }
  }
  const std::string images =
      genscope::fuzz::scratch_file("mnist/train-images-idx3-ubyte", data, split);
  const size_t rest = split + 2 <= size ? split + 2 : size;
  genscope::fuzz::scratch_file("mnist/train-labels-idx1-ubyte", data + rest, size - rest);
  const std::string folder = images.substr(0, images.rfind('/'));
  auto r = genscope::load_dataset(folder);
  if (r.ok() && r->train.pixels.size() != size_t(r->train.image_size() * r->train.count)) {
    std::abort();
  }
  return 0;
}
