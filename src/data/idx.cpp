#include "data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "util/c_file.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr uint8_t kUnsignedByteType = 0x08;
constexpr int kMaxDims = 4;
constexpr int64_t kMaxElements = int64_t(1) << 31;

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

bool is_gz_path(const std::string& path) {
  return path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

// Reads up to `size` bytes; returns how many were read, or -1 on a read error.
int64_t read_up_to(gzFile f, uint8_t* out, int64_t size) {
  int64_t total = 0;
  while (total < size) {
    auto chunk = static_cast<unsigned>(std::min<int64_t>(size - total, int64_t(1) << 30));
    int n = gzread(f, out + total, chunk);
    if (n < 0) return -1;
    if (n == 0) break;
    total += n;
  }
  return total;
}

Error read_error(const std::string& path, gzFile f) {
  int errnum = 0;
  const char* message = gzerror(f, &errnum);
  return Error{path + ": read error: " + (errnum == Z_ERRNO ? std::strerror(errno) : message)};
}

// Checks dims: 1..4 of them, each > 0, product below 2^31. Returns the product or an error.
Result<int64_t> element_count(const std::string& path, const std::vector<int64_t>& dims) {
  if (dims.empty() || dims.size() > size_t(kMaxDims))
    return Error{strformat("%s: bad number of dimensions %zu (expected 1 to %d)", path.c_str(),
                           dims.size(), kMaxDims)};
  int64_t count = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] <= 0)
      return Error{strformat("%s: dimension %zu is %lld (must be positive)", path.c_str(), i,
                             static_cast<long long>(dims[i]))};
    if (dims[i] >= kMaxElements || count * dims[i] >= kMaxElements)
      return Error{path + ": dimensions too large (2^31 elements or more)"};
    count *= dims[i];
  }
  return count;
}

Result<IdxArray> read_idx_unguarded(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": not found"};
  if (std::filesystem::is_directory(path, ec)) return Error{path + ": is a directory"};
  // A FIFO or a device would block or never end.
  if (!std::filesystem::is_regular_file(path, ec)) return Error{path + ": not a regular file"};
  const auto file_size = std::filesystem::file_size(path, ec);
  GzFile file(gzopen(path.c_str(), "rb"));
  if (!file) return Error{path + ": cannot open: " + std::strerror(errno)};

  uint8_t magic[4];
  int64_t got = read_up_to(file.get(), magic, 4);
  if (got < 0) return read_error(path, file.get());
  if (got < 4) return Error{path + ": truncated header (file shorter than 4 bytes)"};
  if (magic[0] != 0 || magic[1] != 0 || magic[3] < 1 || magic[3] > kMaxDims)
    return Error{strformat("%s: bad magic 0x%02x%02x%02x%02x (not an IDX file)", path.c_str(),
                           magic[0], magic[1], magic[2], magic[3])};
  if (magic[2] != kUnsignedByteType)
    return Error{strformat("%s: unsupported IDX type 0x%02x (only 0x08, unsigned bytes)",
                           path.c_str(), magic[2])};

  IdxArray array;
  std::vector<uint8_t> dim_bytes(size_t(magic[3]) * 4);
  got = read_up_to(file.get(), dim_bytes.data(), int64_t(dim_bytes.size()));
  if (got < 0) return read_error(path, file.get());
  if (got < int64_t(dim_bytes.size()))
    return Error{
        strformat("%s: truncated header (%d dimensions declared)", path.c_str(), magic[3])};
  for (size_t i = 0; i < dim_bytes.size(); i += 4) {
    uint32_t d = uint32_t(dim_bytes[i]) << 24 | uint32_t(dim_bytes[i + 1]) << 16 |
                 uint32_t(dim_bytes[i + 2]) << 8 | uint32_t(dim_bytes[i + 3]);
    array.dims.push_back(d);
  }
  auto count = element_count(path, array.dims);
  if (!count) return Error{count.error()};

  // An uncompressed file must hold what its header declares: say so before allocating it. A
  // gzip stream's size is known only by reading it, so its buffer grows as data arrives.
  const int64_t header = 4 + int64_t(dim_bytes.size());
  if (gzdirect(file.get()) && !ec && int64_t(file_size) - header < *count) {
    const long long has = std::max<int64_t>(0, int64_t(file_size) - header);
    return Error{strformat("%s: truncated: expected %lld bytes of data, got %lld", path.c_str(),
                           static_cast<long long>(*count), has)};
  }
  constexpr int64_t kChunk = int64_t(1) << 22;
  got = 0;
  while (got < *count) {
    const int64_t want = std::min(kChunk, *count - got);
    array.data.resize(size_t(got + want));
    const int64_t n = read_up_to(file.get(), array.data.data() + got, want);
    if (n < 0) return read_error(path, file.get());
    got += n;
    if (n < want) break;
  }
  array.data.resize(size_t(got));
  if (got < *count)
    return Error{strformat("%s: truncated: expected %lld bytes of data, got %lld", path.c_str(),
                           static_cast<long long>(*count), static_cast<long long>(got))};
  uint8_t extra;
  got = read_up_to(file.get(), &extra, 1);
  if (got < 0) return read_error(path, file.get());
  if (got > 0)
    return Error{strformat("%s: trailing bytes after the %lld bytes of data", path.c_str(),
                           static_cast<long long>(*count))};
  return array;
}

}  // namespace

Result<IdxArray> read_idx(const std::string& path) {
  try {
    return read_idx_unguarded(path);
  } catch (const std::bad_alloc&) {
    return Error{path + ": not enough memory for the data its header declares"};
  }
}

Status write_idx(const std::string& path, const IdxArray& array) {
  auto count = element_count(path, array.dims);
  if (!count) return Error{count.error()};
  if (int64_t(array.data.size()) != *count)
    return Error{strformat("%s: data has %zu bytes but the dimensions need %lld", path.c_str(),
                           array.data.size(), static_cast<long long>(*count))};

  std::vector<uint8_t> bytes = {0, 0, kUnsignedByteType, uint8_t(array.dims.size())};
  for (int64_t d : array.dims)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(uint8_t(d >> shift));
  bytes.insert(bytes.end(), array.data.begin(), array.data.end());

  const std::string write_failed = path + ": cannot write: ";
  if (is_gz_path(path)) {
    GzFile file(gzopen(path.c_str(), "wb"));
    if (!file) return Error{write_failed + std::strerror(errno)};
    size_t done = 0;
    while (done < bytes.size()) {
      auto chunk = static_cast<unsigned>(std::min<size_t>(bytes.size() - done, size_t(1) << 30));
      int n = gzwrite(file.get(), bytes.data() + done, chunk);
      if (n <= 0) return Error{write_failed + gzerror(file.get(), nullptr)};
      done += size_t(n);
    }
    if (gzclose(file.release()) != Z_OK) return Error{write_failed + "error closing the file"};
    return {};
  }
  CFile file(std::fopen(path.c_str(), "wb"));
  if (!file) return Error{write_failed + std::strerror(errno)};
  if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size())
    return Error{write_failed + std::strerror(errno)};
  if (std::fclose(file.release()) != 0) return Error{write_failed + std::strerror(errno)};
  return {};
}

}  // namespace genscope
