#pragma once
// TensorFile: named tensors in the safetensors layout (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length N, N bytes of JSON ({"name": {"dtype": "F32", "shape":
// [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "text"}}), then the raw
// little-endian bytes, offsets counted from the end of the header. genscope parses it itself and
// checks everything before anything is used: the header's size and JSON, every dtype and shape,
// every byte range (inside the data, size = elements x dtype size, no overlaps, no holes).
// Python reads genscope's files with `safetensors.numpy.load_file` or a few lines of numpy.
// No LibTorch here.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace genscope {

/// The element types genscope stores (safetensors' names: F32, F64, I64, U8).
enum class DType { kF32, kF64, kI64, kU8 };

/// Bytes per element.
int dtype_size(DType t);
/// "F32", "F64", "I64", "U8".
const char* dtype_name(DType t);

/// One tensor: its type, shape and row-major little-endian bytes.
struct StoredTensor {
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  std::string bytes;
  /// Elements (the product of the shape; 1 for a scalar).
  int64_t numel() const;
};

struct TensorFile {
  std::map<std::string, std::string> metadata;  // "__metadata__": text values only
  std::map<std::string, StoredTensor> tensors;
};

/// The file's bytes.
std::string encode_tensor_file(const TensorFile& file);

/// Reads and checks `bytes`; errors are one line and start with `source` (the file's name).
/// Limits: a header of at most 64 MB, at most 8 dimensions and 2^40 elements per tensor.
Result<TensorFile> decode_tensor_file(std::string_view bytes, const std::string& source);

}  // namespace genscope
