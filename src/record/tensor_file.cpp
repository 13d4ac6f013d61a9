#include "record/tensor_file.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/strings.h"

namespace genscope {
namespace {

using Json = nlohmann::json;

constexpr uint64_t kMaxHeaderBytes = uint64_t(64) << 20;
constexpr size_t kMaxDims = 8;
constexpr int64_t kMaxElements = int64_t(1) << 40;
constexpr const char* kMetadataKey = "__metadata__";
constexpr DType kDTypes[] = {DType::kF32, DType::kF64, DType::kI64, DType::kU8};

bool parse_dtype(const std::string& name, DType& out) {
  for (DType t : kDTypes) {
    if (name == dtype_name(t)) {
      out = t;
      return true;
    }
  }
  return false;
}

struct Range {
  uint64_t begin = 0, end = 0;
  std::string name;
};

// One entry of the header: its dtype, shape and byte range, every field checked.
Status parse_entry(const std::string& name, const Json& entry, uint64_t data_size,
                   StoredTensor& out, Range& range) {
  if (!entry.is_object()) return Error{name + ": not an object"};
  const auto dtype = entry.find("dtype");
  const auto shape = entry.find("shape");
  const auto offsets = entry.find("data_offsets");
  if (dtype == entry.end() || shape == entry.end() || offsets == entry.end() || entry.size() != 3) {
    return Error{name + ": needs exactly dtype, shape and data_offsets"};
  }
  if (!dtype->is_string() || !parse_dtype(dtype->get<std::string>(), out.dtype)) {
    return Error{name + ": unsupported dtype " + dtype->dump() + " (F32, F64, I64 or U8)"};
  }
  if (!shape->is_array() || shape->size() > kMaxDims) {
    return Error{strformat("%s: shape must be a list of at most %zu sizes", name.c_str(), kMaxDims)};
  }
  int64_t elements = 1;
  for (const Json& d : *shape) {
    if (!d.is_number_unsigned()) return Error{name + ": a shape size is not a whole number >= 0"};
    const uint64_t v = d.get<uint64_t>();
    if (v > uint64_t(kMaxElements) || (v > 0 && uint64_t(elements) > uint64_t(kMaxElements) / v)) {
      return Error{name + ": shape too large"};
    }
    elements *= int64_t(v);
    out.shape.push_back(int64_t(v));
  }
  if (!offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
      !(*offsets)[1].is_number_unsigned()) {
    return Error{name + ": data_offsets must be [begin, end]"};
  }
  range = {(*offsets)[0].get<uint64_t>(), (*offsets)[1].get<uint64_t>(), name};
  if (range.begin > range.end || range.end > data_size) {
    return Error{strformat("%s: bytes [%llu, %llu) run past the data (%llu bytes)", name.c_str(),
                           static_cast<unsigned long long>(range.begin),
                           static_cast<unsigned long long>(range.end),
                           static_cast<unsigned long long>(data_size))};
  }
  const uint64_t want = uint64_t(elements) * uint64_t(dtype_size(out.dtype));
  if (range.end - range.begin != want) {
    return Error{strformat("%s: %llu bytes for a shape that needs %llu", name.c_str(),
                           static_cast<unsigned long long>(range.end - range.begin),
                           static_cast<unsigned long long>(want))};
  }
  return {};
}

// The byte ranges must tile the data exactly: no overlaps, no holes.
Status check_ranges(std::vector<Range>& ranges, uint64_t data_size) {
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t at = 0;
  for (const Range& r : ranges) {
    if (r.begin < at) return Error{r.name + ": its bytes overlap another tensor's"};
    if (r.begin > at) return Error{r.name + ": unused bytes before it"};
    at = r.end;
  }
  if (at != data_size) return Error{"unused bytes after the last tensor"};
  return {};
}

Status parse_metadata(const Json& meta, TensorFile& out) {
  if (!meta.is_object()) return Error{std::string(kMetadataKey) + ": not an object"};
  for (const auto& [key, value] : meta.items()) {
    if (!value.is_string()) return Error{std::string(kMetadataKey) + "." + key + ": not text"};
    out.metadata[key] = value.get<std::string>();
  }
  return {};
}

Result<TensorFile> decode(std::string_view bytes) {
  if (bytes.size() < 8) return Error{"shorter than its 8-byte header length"};
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = header_size << 8 | uint8_t(bytes[size_t(i)]);
  if (header_size > kMaxHeaderBytes || header_size > bytes.size() - 8) {
    return Error{strformat("header length %llu does not fit the file (%zu bytes)",
                           static_cast<unsigned long long>(header_size), bytes.size())};
  }
  const std::string_view header = bytes.substr(8, size_t(header_size));
  const std::string_view data = bytes.substr(8 + size_t(header_size));
  Json root = Json::parse(header.begin(), header.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return Error{"the header is not a JSON object"};
  TensorFile out;
  std::vector<Range> ranges;
  for (const auto& [name, entry] : root.items()) {
    if (name == kMetadataKey) {
      if (auto s = parse_metadata(entry, out); !s) return Error{s.error()};
      continue;
    }
    StoredTensor t;
    Range r;
    if (auto s = parse_entry(name, entry, data.size(), t, r); !s) return Error{s.error()};
    ranges.push_back(r);
    out.tensors.emplace(name, std::move(t));
  }
  if (auto s = check_ranges(ranges, data.size()); !s) return Error{s.error()};
  for (const Range& r : ranges) {
    out.tensors[r.name].bytes.assign(data.substr(size_t(r.begin), size_t(r.end - r.begin)));
  }
  return out;
}

}  // namespace

int dtype_size(DType t) {
  switch (t) {
    case DType::kF32:
      return 4;
    case DType::kF64:
    case DType::kI64:
      return 8;
    case DType::kU8:
      return 1;
  }
  return 1;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kF32:
      return "F32";
    case DType::kF64:
      return "F64";
    case DType::kI64:
      return "I64";
    case DType::kU8:
      return "U8";
  }
  return "?";
}

int64_t StoredTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string encode_tensor_file(const TensorFile& file) {
  Json header = Json::object();
  if (!file.metadata.empty()) header[kMetadataKey] = file.metadata;
  uint64_t at = 0;
  for (const auto& [name, t] : file.tensors) {
    header[name] = {{"dtype", dtype_name(t.dtype)},
                    {"shape", t.shape},
                    {"data_offsets", {at, at + t.bytes.size()}}};
    at += t.bytes.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned, as Python's does
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[size_t(i)] = char(uint64_t(text.size()) >> (8 * i) & 0xff);
  out += text;
  for (const auto& [name, t] : file.tensors) out += t.bytes;
  return out;
}

Result<TensorFile> decode_tensor_file(std::string_view bytes, const std::string& source) {
  auto file = decode(bytes);
  if (!file) return Error{source + ": " + file.error()};
  return file;
}

}  // namespace genscope
