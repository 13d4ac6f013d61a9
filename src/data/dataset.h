#pragma once
// Image datasets in memory: uint8 grayscale (or RGB) images with optional class labels.
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace genscope {

/// Where Debian's dataset-fashion-mnist installs Fashion-MNIST.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// A split of an image dataset, kept as uint8 in memory (60k 28x28 images are 47 MB).
struct ImageSet {
  int64_t count = 0;
  int channels = 1;
  int height = 0;
  int width = 0;
  std::vector<uint8_t> pixels;  // count * channels * height * width, NCHW
  std::vector<uint8_t> labels;  // count entries, or empty when the split has no label file
  std::vector<std::string> class_names;  // e.g. Fashion-MNIST's ten names; may be empty
  std::string source;                    // the directory or file it came from, for the UI
  int64_t image_size() const { return int64_t(channels) * height * width; }
};

/// Train split (and test split when present) of a dataset.
struct Dataset {
  std::string name;  // "fashion-mnist", or the directory's name
  ImageSet train;
  ImageSet test;  // count == 0 when the directory has no t10k files
};

/// Checks, without loading anything, that `spec` can name a dataset: "fashion-mnist", a 2D
/// distribution's name (ring8, grid25, ...) or a path that exists. Errors name the value and
/// suggest the nearest name: "unknown dataset 'ring' (did you mean ring8?)", "dataset directory
/// /x: not found"; 'mnist' says that MNIST is not packaged in Debian and what to use instead.
Status check_dataset_spec(const std::string& spec);

/// Loads a dataset by spec: "fashion-mnist" (Debian's path), "mnist"-style directory of IDX files
/// named train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] and optionally t10k-*.
/// Labels are optional; a label file whose count differs from the images is an error.
/// Errors name the directory or file and the reason, e.g. "dataset directory /x: not found".
Result<Dataset> load_dataset(const std::string& spec);

}  // namespace genscope
