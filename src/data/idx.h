#pragma once
// IDX files (the MNIST family's format), gzipped or not.
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace genscope {

/// One IDX array of unsigned bytes: dims[0] items, each of the remaining dims.
struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // row-major, size == product of dims
};

/// Reads an IDX file of unsigned bytes (type 0x08), transparently gunzipping `.gz` files.
/// Errors name the file and what was wrong: missing, bad magic, unsupported type, truncated, or
/// a size that does not match the header (including trailing bytes).
Result<IdxArray> read_idx(const std::string& path);

/// Writes an IDX file of unsigned bytes; gzipped when the path ends in ".gz". Used by tests and
/// by tools that make small datasets.
Status write_idx(const std::string& path, const IdxArray& array);

}  // namespace genscope
