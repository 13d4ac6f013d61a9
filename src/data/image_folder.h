#pragma once
// Colour image datasets, as Datasets (uint8, NCHW):
// - a folder of image files (PNG, JPEG, BMP, GIF's first frame, TGA; found recursively; one
//   sub-folder per class gives labels, torchvision's ImageFolder convention, a flat folder is
//   unlabelled), decoded with stb_image on every core, centre-cropped to square and resized with
//   stb_image_resize (sRGB-aware filtering) to a square resolution. Transparent pixels are
//   composited over white. Unreadable files are skipped and counted with their reasons. The
//   decoded images are cached in one file keyed by the folder's paths, sizes and mtimes (and the
//   resolution and channels asked for), so a second start reads one file;
// - CIFAR-10's and CIFAR-100's binary formats (data_batch_1..5.bin + test_batch.bin;
//   train.bin + test.bin), with their labels.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "util/result.h"

namespace genscope {

/// A regular file's size and mtime (nanoseconds), what image caches are keyed by; false when
/// `path` is not a regular file.
bool file_size_mtime(const std::string& path, uint64_t& size, int64_t& mtime);

/// True when `path` ends in an extension decode_image_file reads (case-insensitive).
bool is_image_path(const std::string& path);

/// One decoded image: RGB, rows top-down, `colour` false when every pixel is gray.
struct DecodedImage {
  int width = 0, height = 0;
  bool colour = false;
  std::vector<uint8_t> rgb;  // width * height * 3
};

/// Decodes an image file (16-bit, palette, gray, gray+alpha, CMYK JPEG are converted; alpha is
/// composited over white). The error says why stb could not read it.
Result<DecodedImage> decode_image_file(const std::string& path);

/// `image` centre-cropped to a square and resized to side x side: RGB, side * side * 3.
std::vector<uint8_t> square_resize(const DecodedImage& image, int side);

/// A file a folder load left out and why.
struct SkippedImage {
  std::string path;
  std::string reason;
};

struct ImageFolderOptions {
  int resolution = 32;    // side of the square images
  int channels = 0;       // 1 or 3; 0: 3 when any image has colour, else 1
  std::string cache_dir;  // where the decoded images are cached ("": nowhere)
  int threads = 0;        // decoding threads (0: every core)
  /// Called on the loading thread about ten times a second while decoding: images done, total.
  std::function<void(int64_t, int64_t)> progress;
};

struct ImageFolderLoad {
  Dataset dataset;
  int64_t skipped_count = 0;
  std::vector<SkippedImage> skipped;  // the first kNamedSkipped of them
  bool from_cache = false;
  static constexpr int kNamedSkipped = 8;
};

/// What load_image_folder's error says after the folder's name when it holds no image file.
inline constexpr const char* kNoImageFiles = "no PNG, JPEG, BMP, GIF or TGA images in it";

/// A list of images decoded in parallel and cached like a folder (the folder loader and the
/// emoji set are both one).
struct ImageSource {
  std::string name;    // the dataset's name, also in the cache file's name
  std::string source;  // what the UI and errors name: a folder, a font
  size_t count = 0;
  std::vector<int> labels;               // count entries (class index) when class_names is set
  std::vector<std::string> class_names;  // empty: unlabelled
  uint64_t key = 0;                      // a hash of everything the decoded images depend on
  std::function<Result<DecodedImage>(size_t)> decode;  // image i; called on several threads
  std::function<std::string(size_t)> describe;         // image i's name in the skipped list
};

/// Decodes `source` on every core, centre-cropped and resized to options.resolution, or reads
/// its cache. The error names source.source when none of its images could be read.
Result<ImageFolderLoad> load_image_source(const ImageSource& source,
                                          const ImageFolderOptions& options);

/// Loads every image under `dir` (see above). Errors name the folder: not found, no images in
/// it, or none that could be read (with the first file's reason); bad options name the option.
Result<ImageFolderLoad> load_image_folder(const std::string& dir, const ImageFolderOptions& options);

/// True when `dir` holds CIFAR-10 (data_batch_1.bin) or CIFAR-100 (train.bin) binary files.
bool is_cifar_dir(const std::string& dir);

/// Loads CIFAR-10 or CIFAR-100 (fine labels) from their binary files. Errors name the file: a
/// missing batch, or a size that is not a whole number of records.
Result<Dataset> load_cifar_binary(const std::string& dir);

}  // namespace genscope
