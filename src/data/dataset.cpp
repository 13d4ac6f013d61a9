#include "data/dataset.h"

#include <stb/stb_image_resize.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "data/emoji.h"
#include "data/idx.h"
#include "data/image_folder.h"
#include "data/toy2d.h"
#include "util/strings.h"
#include "util/suggest.h"

namespace genscope {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kFashionMnistClasses = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// The file names a split's IDX file may have, e.g. train-images-idx3-ubyte[.gz] and
// train-images.idx3-ubyte[.gz].
std::vector<std::string> candidate_names(const std::string& split, const std::string& kind,
                                         int dims) {
  std::string dashed = strformat("%s-%s-idx%d-ubyte", split.c_str(), kind.c_str(), dims);
  std::string dotted = strformat("%s-%s.idx%d-ubyte", split.c_str(), kind.c_str(), dims);
  return {dashed, dashed + ".gz", dotted, dotted + ".gz"};
}

// The first candidate that exists as a regular file in `dir`, or "" when none does.
std::string find_idx(const fs::path& dir, const std::string& split, const std::string& kind,
                     int dims) {
  std::error_code ec;
  for (const auto& name : candidate_names(split, kind, dims))
    if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
  return {};
}

// Copies an IDX image array of shape (N,H,W) or (N,H,W,3) into `set` as NCHW.
Status fill_images(const std::string& path, const IdxArray& idx, ImageSet& set) {
  const auto& d = idx.dims;
  if (d.size() != 3 && !(d.size() == 4 && d[3] == 3)) {
    std::string shape;
    for (int64_t v : d) shape += (shape.empty() ? "" : ",") + std::to_string(v);
    return Error{path + ": expected images of shape (N,H,W) or (N,H,W,3), got (" + shape + ")"};
  }
  set.count = d[0];
  set.height = int(d[1]);
  set.width = int(d[2]);
  set.channels = d.size() == 4 ? 3 : 1;
  set.source = path;
  if (set.channels == 1) {
    set.pixels = idx.data;
    return {};
  }
  const int64_t plane = int64_t(set.height) * set.width;
  set.pixels.resize(idx.data.size());
  for (int64_t n = 0; n < set.count; ++n) {
    const uint8_t* src = idx.data.data() + n * plane * 3;
    uint8_t* dst = set.pixels.data() + n * plane * 3;
    for (int64_t p = 0; p < plane; ++p)
      for (int c = 0; c < 3; ++c) dst[c * plane + p] = src[p * 3 + c];
  }
  return {};
}

// Loads one split; an absent image file gives an empty set (count 0).
Result<ImageSet> load_split(const fs::path& dir, const std::string& split) {
  ImageSet set;
  std::string images_path = find_idx(dir, split, "images", 3);
  if (images_path.empty()) return set;
  auto images = read_idx(images_path);
  if (!images) return Error{images.error()};
  if (auto status = fill_images(images_path, *images, set); !status) return Error{status.error()};

  std::string labels_path = find_idx(dir, split, "labels", 1);
  if (labels_path.empty()) return set;
  auto labels = read_idx(labels_path);
  if (!labels) return Error{labels.error()};
  if (labels->dims.size() != 1)
    return Error{strformat("%s: expected a 1-dimensional label file, got %zu dimensions",
                           labels_path.c_str(), labels->dims.size())};
  if (labels->dims[0] != set.count)
    return Error{strformat("%s: %lld labels for %lld images in %s", labels_path.c_str(),
                           static_cast<long long>(labels->dims[0]),
                           static_cast<long long>(set.count), images_path.c_str())};
  set.labels = std::move(labels->data);
  return set;
}

bool contains_ignoring_case(const std::string& text, const std::string& lower_word) {
  return lower_case(text).find(lower_word) != std::string::npos;
}

// Fashion-MNIST's names for its directory; "0".."9" for other MNIST-like directories whose
// labels are digits; nothing otherwise.
std::vector<std::string> class_names_for(const std::string& spec, const std::string& dir_name,
                                         const Dataset& dataset) {
  std::error_code ec;
  if (spec == "fashion-mnist" || fs::equivalent(spec, kFashionMnistDir, ec))
    return kFashionMnistClasses;
  if (!contains_ignoring_case(dir_name, "mnist")) return {};
  const auto& labels = dataset.train.labels;
  if (labels.empty() || *std::max_element(labels.begin(), labels.end()) > 9) return {};
  std::vector<std::string> digits;
  for (int i = 0; i < 10; ++i) digits.push_back(std::to_string(i));
  return digits;
}

// The names a dataset spec may be besides a path.
std::vector<std::string> dataset_names() {
  std::vector<std::string> names = {"fashion-mnist", "emoji", "fortunes"};
  for (const std::string& n : toy2d_names()) names.push_back(n);
  return names;
}

}  // namespace

Status check_dataset_spec(const std::string& spec) {
  const std::vector<std::string> names = dataset_names();
  if (std::find(names.begin(), names.end(), spec) != names.end()) return {};
  std::error_code ec;
  if (spec.rfind("text:", 0) == 0) {
    const std::string path = spec.substr(5);
    if (path.empty()) return Error{"dataset text: needs a path (text:FILE or text:DIRECTORY)"};
    if (!fs::exists(path, ec)) return Error{"text file " + path + ": not found"};
    return {};
  }
  if (!spec.empty() && fs::exists(spec, ec)) return {};
  const bool path_like =
      spec.find('/') != std::string::npos || spec.rfind(".", 0) == 0 || spec.rfind("~", 0) == 0;
  if (path_like) return Error{"dataset directory " + spec + ": not found"};
  std::vector<std::string> with_mnist = names;
  with_mnist.push_back("mnist");
  const std::vector<std::string> near = suggest(spec, with_mnist);
  if (lower_case(spec) == "mnist" || near == std::vector<std::string>{"mnist"}) {
    return Error{"'" + spec +
                 "': MNIST is not packaged in Debian; use fashion-mnist (Debian's "
                 "dataset-fashion-mnist), or the path of a directory of MNIST-format IDX files "
                 "(train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz])"};
  }
  const std::string hint = did_you_mean(spec, names);
  if (!hint.empty()) return Error{"unknown dataset '" + spec + "'" + hint};
  return Error{"unknown dataset '" + spec + "': not a directory here, nor one of " +
               join_names(names) +
               " (or the path of a folder of images, of CIFAR binary batches or of MNIST-format "
               "IDX files, or text:PATH for a text file)"};
}

namespace {

// An existing directory of MNIST-format IDX files (or fashion-mnist). When the directory holds no
// training images in that format, `not_idx` (if given) is set besides the error.
Result<Dataset> load_idx_dataset(const std::string& spec, bool* not_idx) {
  std::string dir_string = spec == "fashion-mnist" ? std::string(kFashionMnistDir) : spec;
  while (dir_string.size() > 1 && dir_string.back() == '/') dir_string.pop_back();
  const fs::path dir(dir_string);
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (spec == "fashion-mnist") {
      return Error{"dataset fashion-mnist: " + dir_string +
                   " not found (install Debian's dataset-fashion-mnist)"};
    }
    if (auto known = check_dataset_spec(spec); !known) return Error{known.error()};
    return Error{"dataset directory " + dir_string + ": not found"};
  }
  if (!fs::is_directory(dir, ec))
    return Error{"dataset directory " + dir_string + ": not a directory"};

  Dataset dataset;
  const fs::path canonical = fs::weakly_canonical(dir, ec);
  dataset.name = spec == "fashion-mnist" ? spec : (ec ? dir : canonical).filename().string();
  auto train = load_split(dir, "train");
  if (!train) return Error{train.error()};
  if (train->count == 0) {
    if (not_idx) *not_idx = true;
    auto names = candidate_names("train", "images", 3);
    return Error{"dataset directory " + dir_string + ": no training images (expected " + names[0] +
                 "[.gz] or " + names[2] + "[.gz])"};
  }
  dataset.train = std::move(*train);

  auto test = load_split(dir, "t10k");
  if (!test) return Error{test.error()};
  dataset.test = std::move(*test);
  const ImageSet& a = dataset.train;
  const ImageSet& b = dataset.test;
  if (b.count > 0 && (a.channels != b.channels || a.height != b.height || a.width != b.width))
    return Error{strformat("%s: test images are %dx%dx%d but training images are %dx%dx%d",
                           b.source.c_str(), b.channels, b.height, b.width, a.channels, a.height,
                           a.width)};

  auto names = class_names_for(spec, dataset.name, dataset);
  dataset.train.class_names = names;
  dataset.test.class_names = names;
  return dataset;
}

}  // namespace

Result<Dataset> load_dataset(const std::string& spec) { return load_idx_dataset(spec, nullptr); }

void resize_images(ImageSet& set, int side) {
  if (set.count == 0 || (set.height == side && set.width == side)) {
    set.height = set.width = side;
    return;
  }
  std::vector<uint8_t> out(size_t(set.count) * set.channels * side * side);
  const size_t in_plane = size_t(set.height) * set.width, out_plane = size_t(side) * side;
  for (size_t p = 0; p < size_t(set.count) * set.channels; ++p) {
    stbir_resize_uint8(set.pixels.data() + p * in_plane, set.width, set.height, 0,
                       out.data() + p * out_plane, side, side, 0, 1);
  }
  set.pixels.swap(out);
  set.height = set.width = side;
}

void convert_channels(ImageSet& set, int channels) {
  if (set.channels == channels || set.count == 0) {
    set.channels = channels;
    return;
  }
  const size_t plane = size_t(set.height) * set.width;
  std::vector<uint8_t> out(size_t(set.count) * channels * plane);
  for (int64_t i = 0; i < set.count; ++i) {
    const uint8_t* in = set.pixels.data() + size_t(i) * set.channels * plane;
    uint8_t* o = out.data() + size_t(i) * channels * plane;
    if (channels == 1) {  // from colour
      for (size_t p = 0; p < plane; ++p) {
        o[p] = luma(in[p], in[plane + p], in[2 * plane + p]);
      }
    } else {
      for (int c = 0; c < channels; ++c) std::memcpy(o + c * plane, in, plane);
    }
  }
  set.pixels.swap(out);
  set.channels = channels;
}

namespace {

// An image folder's (or the emoji set's) load options.
ImageFolderOptions folder_options(const DatasetOptions& options) {
  ImageFolderOptions folder;
  folder.resolution = options.resolution > 0 ? options.resolution : 32;
  folder.channels = options.channels;
  folder.cache_dir = options.cache_dir;
  folder.progress = options.progress;
  return folder;
}

// The dataset of a decoded image source, with what it skipped as its warning.
Result<Dataset> decoded_images(const std::string& spec, Result<ImageFolderLoad> loaded) {
  if (!loaded) return Error{loaded.error()};
  Dataset& images = loaded->dataset;
  if (loaded->skipped_count > 0) {
    std::string named;
    for (size_t i = 0; i < loaded->skipped.size() && i < 3; ++i) {
      named += (i ? "; " : "") + loaded->skipped[i].reason;
    }
    images.load_warning = strformat("%s: skipped %lld unreadable image%s: %s%s", spec.c_str(),
                                    static_cast<long long>(loaded->skipped_count),
                                    loaded->skipped_count == 1 ? "" : "s", named.c_str(),
                                    loaded->skipped_count > 3 ? "; ..." : "");
  }
  hold_out_test_split(images.train, images.test);
  return std::move(images);
}

}  // namespace

void hold_out_test_split(ImageSet& train, ImageSet& test) {
  if (train.labels.empty() || test.count > 0 || train.count < 20) return;
  const int64_t size = train.image_size();
  ImageSet held;
  held.channels = train.channels, held.height = train.height, held.width = train.width;
  held.class_names = train.class_names, held.source = train.source;
  ImageSet kept = held;
  for (int64_t i = 0; i < train.count; ++i) {
    ImageSet& to = i % 10 == 9 ? held : kept;
    const uint8_t* image = train.pixels.data() + i * size;
    to.pixels.insert(to.pixels.end(), image, image + size);
    to.labels.push_back(train.labels[size_t(i)]);
  }
  kept.count = int64_t(kept.labels.size()), held.count = int64_t(held.labels.size());
  train = std::move(kept);
  test = std::move(held);
}

Result<Dataset> load_dataset(const std::string& spec, const DatasetOptions& options) {
  if (options.resolution != 0 && (options.resolution < 16 || options.resolution > 128)) {
    return Error{strformat("resolution %d: must be 0 (the data's own) or 16..128",
                           options.resolution)};
  }
  if (options.channels != 0 && options.channels != 1 && options.channels != 3) {
    return Error{strformat("channels %d: must be 0 (the data's own), 1 or 3", options.channels)};
  }
  std::error_code ec;
  Dataset d;
  const bool directory = spec != "fashion-mnist" && fs::is_directory(spec, ec);
  if (spec == "emoji" && !directory) {
    return decoded_images(spec, load_emoji(EmojiOptions{}, folder_options(options)));
  }
  if (directory && is_cifar_dir(spec)) {
    auto cifar = load_cifar_binary(spec);
    if (!cifar) return Error{cifar.error()};
    d = std::move(*cifar);
  } else {
    bool not_idx = false;
    auto idx = load_idx_dataset(spec, directory ? &not_idx : nullptr);
    if (idx) {
      d = std::move(*idx);
    } else if (!not_idx) {
      return Error{idx.error()};
    } else {  // a folder of images
      auto loaded = load_image_folder(spec, folder_options(options));
      if (!loaded && loaded.error().find(kNoImageFiles) != std::string::npos) {
        return Error{idx.error() +  // which IDX files it looked for
                     "; nor CIFAR binary batches or image files (PNG, JPEG, BMP, GIF, TGA)"};
      }
      return decoded_images(spec, std::move(loaded));
    }
  }
  for (ImageSet* set : {&d.train, &d.test}) {
    if (options.resolution > 0) resize_images(*set, options.resolution);
    if (options.channels > 0) convert_channels(*set, options.channels);
  }
  return d;
}

}  // namespace genscope
