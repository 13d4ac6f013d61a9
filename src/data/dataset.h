#pragma once
// Image datasets in memory: uint8 grayscale (or RGB) images with optional class labels.
#include <cstdint>
#include <functional>
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
  std::string load_warning;  // what loading left out, e.g. an image folder's unreadable files
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

/// How load_dataset shapes the images it loads.
struct DatasetOptions {
  int resolution = 0;     // square side, 16..128; 0: the data's own (32 for an image folder)
  int channels = 0;       // 1 or 3; 0: the data's own
  std::string cache_dir;  // where decoded image folders are cached ("": nowhere)
  std::function<void(int64_t, int64_t)> progress;  // an image folder's decoding: done, total
};

/// Loads a dataset by spec as above, or CIFAR-10/100's binary files, or a folder of images
/// (data/image_folder.h), at `options`' resolution and channels (resized and converted when they
/// differ from the data's own). Errors name the value or the file.
Result<Dataset> load_dataset(const std::string& spec, const DatasetOptions& options);

/// Rec. 601 luma of an RGB pixel, rounded.
inline uint8_t luma(int r, int g, int b) { return uint8_t((299 * r + 587 * g + 114 * b + 500) / 1000); }

/// A labelled split with no test split beside it (an image folder with class folders, emoji) gives
/// every tenth image (index 9, 19, ...) to `test`, so the quality metrics have held-out images.
/// Nothing changes when `train` is unlabelled, `test` has images, or there are under 20.
void hold_out_test_split(ImageSet& train, ImageSet& test);

/// Resizes every image of `set` to side x side (each channel with stb_image_resize).
void resize_images(ImageSet& set, int side);
/// Converts `set` to `channels` (1: Rec. 601 luma; 3: gray copied to every channel).
void convert_channels(ImageSet& set, int channels);

}  // namespace genscope
