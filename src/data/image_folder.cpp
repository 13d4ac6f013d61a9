#include "data/image_folder.h"

#include <stb/stb_image.h>
#include <sys/stat.h>
#include <stb/stb_image_resize.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "util/hash.h"
#include "util/strings.h"

namespace genscope {
namespace fs = std::filesystem;
namespace {

constexpr char kCacheMagic[8] = {'G', 'S', 'I', 'M', 'G', 'S', '0', '1'};
constexpr int kCacheVersion = 1;

// A file found under the folder: its path relative to it, class (-1: none), size and mtime.
struct FolderEntry {
  std::string relative;
  int label = -1;
  uint64_t size = 0;
  int64_t mtime = 0;
};

struct FolderScan {
  std::vector<FolderEntry> files;
  std::vector<std::string> class_names;  // empty: unlabelled
};

// Every image file under `dir`, sorted by path; labelled by first-level sub-folder when no image
// lies directly in `dir` and at least two sub-folders hold images.
Result<FolderScan> scan_folder(const fs::path& dir) {
  FolderScan scan;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Error{strformat("dataset folder %s: %s", dir.c_str(), ec.message().c_str())};
  // Paths under `dir` start with it: the relative path is the rest (fs::relative would resolve
  // every path, several system calls a file); one stat gives the size and the mtime.
  const std::string prefix = dir.string();
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::directory_entry& e = *it;
    const std::string path = e.path().string();
    if (!is_image_path(path)) continue;
    FolderEntry f;
    if (!file_size_mtime(path, f.size, f.mtime)) continue;
    f.relative = fs::path(path.substr(prefix.size())).relative_path().generic_string();
    scan.files.push_back(std::move(f));
  }
  std::sort(scan.files.begin(), scan.files.end(),
            [](const FolderEntry& a, const FolderEntry& b) { return a.relative < b.relative; });
  bool top_level = false;
  std::map<std::string, int> classes;
  for (const FolderEntry& f : scan.files) {
    const size_t slash = f.relative.find('/');
    if (slash == std::string::npos) {
      top_level = true;
    } else {
      classes.emplace(f.relative.substr(0, slash), 0);
    }
  }
  if (!top_level && classes.size() >= 2) {
    int next = 0;
    for (auto& [name, index] : classes) {
      index = next++;
      scan.class_names.push_back(name);
    }
    for (FolderEntry& f : scan.files) f.label = classes[f.relative.substr(0, f.relative.find('/'))];
  }
  return scan;
}

// The cache file: magic, key, then the load (sizes as int64, strings length-prefixed).
class Writer {
 public:
  explicit Writer(std::ofstream& out) : out_(out) {}
  void i64(int64_t v) { out_.write(reinterpret_cast<const char*>(&v), sizeof v); }
  void bytes(const void* p, size_t n) { out_.write(static_cast<const char*>(p), std::streamsize(n)); }
  void str(const std::string& s) { i64(int64_t(s.size())), bytes(s.data(), s.size()); }

 private:
  std::ofstream& out_;
};

// Reads the cache file straight into the vectors it fills (a 50k-image cache is ~600 MB).
class Reader {
 public:
  explicit Reader(std::ifstream& in) : in_(in) {
    in_.seekg(0, std::ios::end);
    left_ = in_ ? int64_t(in_.tellg()) : 0;
    in_.seekg(0, std::ios::beg);
  }
  bool i64(int64_t& v) { return bytes(&v, sizeof v); }
  bool bytes(void* out, size_t n) {
    if (left_ < int64_t(n)) return false;
    in_.read(static_cast<char*>(out), std::streamsize(n));
    left_ -= int64_t(n);
    return bool(in_);
  }
  bool str(std::string& s, int64_t max = 1 << 16) {
    int64_t n = 0;
    if (!i64(n) || n < 0 || n > max || n > left_) return false;
    s.resize(size_t(n));
    return bytes(s.data(), size_t(n));
  }
  int64_t left() const { return left_; }
  bool done() const { return left_ == 0; }

 private:
  std::ifstream& in_;
  int64_t left_ = 0;
};

fs::path cache_path(const ImageFolderOptions& options, const std::string& name, uint64_t key) {
  std::string safe;
  for (char c : name) safe += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return fs::path(options.cache_dir) /
         strformat("images-%s-%dpx-%016llx.gsi", safe.c_str(), options.resolution,
                   static_cast<unsigned long long>(key));
}

bool read_cache(const fs::path& path, uint64_t key, ImageFolderLoad& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  Reader r(in);
  char magic[8];
  int64_t stored_key = 0, count = 0, channels = 0, side = 0, classes = 0, labelled = 0;
  int64_t skipped_count = 0, named = 0;
  if (!r.bytes(magic, 8) || std::memcmp(magic, kCacheMagic, 8) != 0 || !r.i64(stored_key) ||
      uint64_t(stored_key) != key || !r.i64(count) || !r.i64(channels) || !r.i64(side) ||
      !r.i64(classes) || !r.i64(labelled) || count < 0 || (channels != 1 && channels != 3) ||
      side < 1 || side > 4096 || classes < 0 || classes > 100000) {
    return false;
  }
  Dataset& d = out.dataset;
  d.train.count = count, d.train.channels = int(channels);
  d.train.height = d.train.width = int(side);
  d.train.class_names.resize(size_t(classes));
  for (std::string& name : d.train.class_names)
    if (!r.str(name)) return false;
  // Sizes checked against the file before anything that large is allocated.
  const int64_t pixel_bytes = count * channels * side * side;
  if (pixel_bytes + (labelled ? count : 0) > r.left()) return false;
  if (labelled) {
    d.train.labels.resize(size_t(count));
    if (!r.bytes(d.train.labels.data(), d.train.labels.size())) return false;
  }
  d.train.pixels.resize(size_t(pixel_bytes));
  if (!r.bytes(d.train.pixels.data(), d.train.pixels.size())) return false;
  if (!r.i64(skipped_count) || !r.i64(named) || named < 0 || named > ImageFolderLoad::kNamedSkipped)
    return false;
  out.skipped_count = skipped_count;
  out.skipped.resize(size_t(named));
  for (SkippedImage& s : out.skipped)
    if (!r.str(s.path) || !r.str(s.reason)) return false;
  return r.done();
}

void write_cache(const fs::path& path, uint64_t key, const ImageFolderLoad& load) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;  // no cache: the next start decodes again
    Writer w(out);
    const ImageSet& s = load.dataset.train;
    w.bytes(kCacheMagic, 8);
    w.i64(int64_t(key));
    w.i64(s.count), w.i64(s.channels), w.i64(s.height);
    w.i64(int64_t(s.class_names.size())), w.i64(s.labels.empty() ? 0 : 1);
    for (const std::string& name : s.class_names) w.str(name);
    w.bytes(s.labels.data(), s.labels.size());
    w.bytes(s.pixels.data(), s.pixels.size());
    w.i64(load.skipped_count), w.i64(int64_t(load.skipped.size()));
    for (const SkippedImage& k : load.skipped) w.str(k.path), w.str(k.reason);
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

// One decoded file of a folder load: its square RGB pixels, or why it was skipped.
struct Slot {
  std::vector<uint8_t> rgb;
  bool colour = false;
  std::string error;
};

}  // namespace

bool file_size_mtime(const std::string& path, uint64_t& size, int64_t& mtime) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  size = uint64_t(st.st_size);
  mtime = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

bool is_image_path(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos) return false;
  const std::string ext = lower_case(path.substr(dot + 1));
  return ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "bmp" || ext == "gif" ||
         ext == "tga";
}

Result<DecodedImage> decode_image_file(const std::string& path) {
  int w = 0, h = 0, n = 0;
  // Any bit depth, palette or colour model comes out as 8-bit RGBA.
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load(path.c_str(), &w, &h, &n, 4),
                                                  stbi_image_free);
  if (!pixels) {
    const char* why = stbi_failure_reason();
    return Error{strformat("%s: cannot decode (%s)", path.c_str(), why ? why : "unknown")};
  }
  if (w < 1 || h < 1) return Error{strformat("%s: empty image", path.c_str())};
  DecodedImage out;
  out.width = w, out.height = h;
  out.rgb.resize(size_t(w) * h * 3);
  const stbi_uc* p = pixels.get();
  for (size_t i = 0; i < size_t(w) * h; ++i, p += 4) {
    const int a = p[3];
    for (int c = 0; c < 3; ++c) {
      out.rgb[3 * i + c] = uint8_t((p[c] * a + 255 * (255 - a) + 127) / 255);  // over white
    }
    const uint8_t* q = &out.rgb[3 * i];
    out.colour = out.colour || std::abs(q[0] - q[1]) > 4 || std::abs(q[1] - q[2]) > 4;
  }
  return out;
}

std::vector<uint8_t> square_resize(const DecodedImage& image, int side) {
  const int s = std::min(image.width, image.height);
  const int x0 = (image.width - s) / 2, y0 = (image.height - s) / 2;
  std::vector<uint8_t> out(size_t(side) * side * 3);
  const uint8_t* first = image.rgb.data() + (size_t(y0) * image.width + x0) * 3;
  stbir_resize_uint8_srgb(first, s, s, image.width * 3, out.data(), side, side, 0, 3,
                          STBIR_ALPHA_CHANNEL_NONE, 0);
  return out;
}

namespace {

// Decodes every image of `source` on every core (options.threads), each centre-cropped and
// resized; the calling thread reports progress.
std::vector<Slot> decode_all(const ImageSource& source, const ImageFolderOptions& options) {
  const int64_t total = int64_t(source.count);
  std::vector<Slot> slots(source.count);
  std::atomic<int64_t> next{0}, done{0};
  const auto work = [&] {
    for (int64_t i; (i = next.fetch_add(1)) < total;) {
      auto image = source.decode(size_t(i));
      Slot& slot = slots[size_t(i)];
      if (image) {
        slot.rgb = square_resize(*image, options.resolution);
        slot.colour = image->colour;
      } else {
        slot.error = image.error();
      }
      done.fetch_add(1);
    }
  };
  const int hw = std::max(1, int(std::thread::hardware_concurrency()));
  const int threads = int(std::clamp<int64_t>(options.threads > 0 ? options.threads : hw, 1, total));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  while (options.progress && done.load() < total) {
    options.progress(done.load(), total);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (std::thread& t : pool) t.join();
  if (options.progress) options.progress(total, total);
  return slots;
}

// The decoded images as NCHW `channels` planes, in order, with their labels.
void assemble(std::vector<Slot>& slots, const ImageSource& source, int side, int channels,
              ImageSet& set) {
  const size_t plane = size_t(side) * side;
  set.channels = channels;
  set.height = set.width = side;
  set.class_names = source.class_names;
  set.pixels.resize(size_t(set.count) * size_t(set.image_size()));
  uint8_t* out = set.pixels.data();
  for (size_t i = 0; i < slots.size(); ++i) {
    if (!slots[i].error.empty()) continue;
    const uint8_t* rgb = slots[i].rgb.data();
    for (size_t p = 0; p < plane; ++p) {
      if (channels == 3) {
        for (int c = 0; c < 3; ++c) out[c * plane + p] = rgb[3 * p + c];
      } else {
        out[p] = luma(rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]);
      }
    }
    out += set.image_size();
    if (!source.class_names.empty()) set.labels.push_back(uint8_t(source.labels[i]));
    std::vector<uint8_t>().swap(slots[i].rgb);
  }
  if (source.class_names.size() > 256) {
    set.labels.clear();  // labels are bytes: more classes than that are left unlabelled
    set.class_names.clear();
  }
}

Status check_options(const ImageFolderOptions& options) {
  if (options.resolution < 4 || options.resolution > 1024) {
    return Error{strformat("resolution %d: must be 4..1024", options.resolution)};
  }
  if (options.channels != 0 && options.channels != 1 && options.channels != 3) {
    return Error{strformat("channels %d: must be 1 or 3 (or 0: automatic)", options.channels)};
  }
  return {};
}

}  // namespace

Result<ImageFolderLoad> load_image_source(const ImageSource& source,
                                          const ImageFolderOptions& options) {
  if (Status ok = check_options(options); !ok) return Error{ok.error()};
  // The cache key: what the images depend on, and how they are shaped.
  const int head[3] = {kCacheVersion, options.resolution, options.channels};
  const uint64_t key = hash_bytes(head, sizeof head, source.key);
  ImageFolderLoad load;
  const fs::path cache = cache_path(options, source.name, key);
  if (!options.cache_dir.empty() && read_cache(cache, key, load)) {
    load.from_cache = true;
    load.dataset.name = source.name;
    load.dataset.train.source = source.source;
    return load;
  }
  load = ImageFolderLoad{};
  std::vector<Slot> slots = decode_all(source, options);
  bool any_colour = false;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].error.empty()) {
      any_colour = any_colour || slots[i].colour;
      ++load.dataset.train.count;
      continue;
    }
    if (int(load.skipped.size()) < ImageFolderLoad::kNamedSkipped) {
      load.skipped.push_back({source.describe(i), slots[i].error});
    }
    ++load.skipped_count;
  }
  if (load.dataset.train.count == 0) {
    return Error{strformat("%s: none of its %zu images could be read (%s)", source.source.c_str(),
                           source.count, load.skipped.front().reason.c_str())};
  }
  assemble(slots, source, options.resolution,
           options.channels ? options.channels : any_colour ? 3 : 1, load.dataset.train);
  load.dataset.train.source = source.source;
  load.dataset.name = source.name;
  if (!options.cache_dir.empty()) write_cache(cache, key, load);
  return load;
}

Result<ImageFolderLoad> load_image_folder(const std::string& dir,
                                          const ImageFolderOptions& options) {
  if (Status ok = check_options(options); !ok) return Error{ok.error()};
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{strformat("dataset folder %s: not found", dir.c_str())};
  auto scanned = scan_folder(dir);
  if (!scanned) return Error{scanned.error()};
  const FolderScan& scan = *scanned;
  if (scan.files.empty()) {
    return Error{strformat("dataset folder %s: %s", dir.c_str(), kNoImageFiles)};
  }
  const fs::path normal = fs::path(dir).lexically_normal();
  ImageSource source;
  source.name = normal.filename().empty() ? normal.parent_path().filename().string()
                                          : normal.filename().string();
  source.source = dir;
  source.count = scan.files.size();
  source.class_names = scan.class_names;
  for (const FolderEntry& f : scan.files) {
    source.labels.push_back(f.label);
    source.key = hash_bytes(f.relative.data(), f.relative.size(), source.key);
    const int64_t meta[2] = {int64_t(f.size), f.mtime};
    source.key = hash_bytes(meta, sizeof meta, source.key);
  }
  const auto path = [&](size_t i) { return (fs::path(dir) / scan.files[i].relative).string(); };
  source.decode = [path](size_t i) { return decode_image_file(path(i)); };
  source.describe = path;
  auto load = load_image_source(source, options);
  if (!load && load.error().rfind(dir + ": none of", 0) == 0) {
    return Error{"dataset folder " + load.error()};
  }
  return load;
}

bool is_cifar_dir(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "data_batch_1.bin", ec) ||
         (fs::is_regular_file(fs::path(dir) / "train.bin", ec) &&
          fs::is_regular_file(fs::path(dir) / "test.bin", ec));
}

namespace {

constexpr int kCifarSide = 32;
constexpr size_t kCifarImage = 3 * kCifarSide * kCifarSide;

// Appends the records of one CIFAR binary file (`label_bytes` label bytes, the last of which is
// the label, then 3072 bytes of R, G and B planes) to `set`.
Status read_cifar_file(const fs::path& path, int label_bytes, ImageSet& set) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Error{strformat("%s: not found", path.c_str())};
  std::string data(size_t(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  in.seekg(0);
  if (!in.read(data.data(), std::streamsize(data.size()))) {
    return Error{strformat("%s: cannot read", path.c_str())};
  }
  const size_t record = size_t(label_bytes) + kCifarImage;
  if (data.empty() || data.size() % record != 0) {
    return Error{strformat("%s: %zu bytes is not a whole number of %zu-byte CIFAR records",
                           path.c_str(), data.size(), record)};
  }
  const size_t n = data.size() / record;
  const size_t first = set.pixels.size();
  set.pixels.resize(first + n * kCifarImage);
  for (size_t i = 0; i < n; ++i) {
    const char* r = data.data() + i * record;
    set.labels.push_back(uint8_t(r[label_bytes - 1]));
    std::memcpy(set.pixels.data() + first + i * kCifarImage, r + label_bytes, kCifarImage);
  }
  set.count += int64_t(n);
  return {};
}

const char* const kCifar10Names[] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                     "dog",      "frog",       "horse", "ship", "truck"};

// batches.meta.txt / fine_label_names.txt: one class name per line, when present.
std::vector<std::string> read_names(const fs::path& path) {
  std::vector<std::string> names;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

}  // namespace

Result<Dataset> load_cifar_binary(const std::string& dir) {
  const fs::path root(dir);
  Dataset d;
  d.name = root.lexically_normal().filename().string();
  for (ImageSet* s : {&d.train, &d.test}) {
    s->channels = 3, s->height = s->width = kCifarSide;
    s->source = dir;
  }
  std::error_code ec;
  if (fs::is_regular_file(root / "data_batch_1.bin", ec)) {  // CIFAR-10
    for (int b = 1; b <= 5; ++b) {
      if (Status s = read_cifar_file(root / strformat("data_batch_%d.bin", b), 1, d.train); !s)
        return Error{s.error()};
    }
    if (fs::exists(root / "test_batch.bin", ec)) {
      if (Status s = read_cifar_file(root / "test_batch.bin", 1, d.test); !s) return Error{s.error()};
    }
    d.train.class_names = read_names(root / "batches.meta.txt");
    if (d.train.class_names.size() != 10)
      d.train.class_names.assign(std::begin(kCifar10Names), std::end(kCifar10Names));
  } else {  // CIFAR-100: coarse and fine label bytes; the fine label is kept
    if (Status s = read_cifar_file(root / "train.bin", 2, d.train); !s) return Error{s.error()};
    if (Status s = read_cifar_file(root / "test.bin", 2, d.test); !s) return Error{s.error()};
    d.train.class_names = read_names(root / "fine_label_names.txt");
    if (d.train.class_names.size() != 100) {
      d.train.class_names.clear();
      for (int i = 0; i < 100; ++i) d.train.class_names.push_back(strformat("class %d", i));
    }
  }
  const int classes = int(d.train.class_names.size());
  for (const ImageSet* s : {&d.train, &d.test}) {
    for (size_t i = 0; i < s->labels.size(); ++i) {
      if (s->labels[i] >= classes) {
        return Error{strformat("%s: record %zu has label %d, beyond the %d classes", dir.c_str(), i,
                               s->labels[i], classes)};
      }
    }
  }
  d.test.class_names = d.train.class_names;
  return d;
}

}  // namespace genscope
