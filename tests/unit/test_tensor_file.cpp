// TensorFile: the safetensors layout genscope's checkpoints hold. Round trips, and every way a
// header can lie about its data is refused with a line naming the tensor.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "record/tensor_file.h"

using namespace genscope;

namespace {

StoredTensor f32(std::vector<int64_t> shape, float first = 1.5f) {
  StoredTensor t;
  t.dtype = DType::kF32;
  t.shape = std::move(shape);
  std::vector<float> v(size_t(t.numel()), 0.0f);
  if (!v.empty()) v[0] = first;
  t.bytes.assign(reinterpret_cast<const char*>(v.data()), v.size() * 4);
  return t;
}

// A file whose JSON header is `header` followed by `data_bytes` bytes of data.
std::string raw_file(const std::string& header, size_t data_bytes) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[size_t(i)] = char(uint64_t(header.size()) >> (8 * i) & 0xff);
  return out + header + std::string(data_bytes, '\x01');
}

std::string error_of(const std::string& bytes) {
  auto r = decode_tensor_file(bytes, "x.ckpt");
  return r.ok() ? "ok" : r.error();
}

}  // namespace

TEST(TensorFile, RoundTripsEveryDtypeShapeAndMetadata) {
  TensorFile f;
  f.metadata["format"] = "genscope";
  f.tensors["a.weight"] = f32({2, 3}, 0.25f);
  f.tensors["scalar"] = f32({}, 7.0f);
  f.tensors["empty"] = f32({0, 4});
  StoredTensor i64;
  i64.dtype = DType::kI64;
  i64.shape = {2};
  int64_t v[2] = {-5, 1ll << 40};
  i64.bytes.assign(reinterpret_cast<const char*>(v), 16);
  f.tensors["counters"] = i64;
  StoredTensor u8;
  u8.dtype = DType::kU8;
  u8.shape = {3};
  u8.bytes = "abc";
  f.tensors["rng"] = u8;
  const std::string bytes = encode_tensor_file(f);
  uint64_t header = 0;
  std::memcpy(&header, bytes.data(), 8);
  EXPECT_EQ(header % 8, 0u) << "the data starts 8-byte aligned";
  auto back = decode_tensor_file(bytes, "t");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->metadata, f.metadata);
  ASSERT_EQ(back->tensors.size(), f.tensors.size());
  for (const auto& [name, t] : f.tensors) {
    const StoredTensor& b = back->tensors.at(name);
    EXPECT_EQ(b.dtype, t.dtype) << name;
    EXPECT_EQ(b.shape, t.shape) << name;
    EXPECT_EQ(b.bytes, t.bytes) << name;
  }
}

TEST(TensorFile, EveryLieInTheHeaderIsACleanError) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "x.ckpt: shorter than its 8-byte header length"},
      {std::string(8, '\xff'), "x.ckpt: header length 18446744073709551615 does not fit"},
      {raw_file("{not json", 0), "x.ckpt: the header is not a JSON object"},
      {raw_file("[1, 2]", 0), "x.ckpt: the header is not a JSON object"},
      {raw_file(R"({"w": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}})", 2),
       "x.ckpt: w: unsupported dtype \"F16\""},
      {raw_file(R"({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 8]}})", 8),
       "x.ckpt: w: 8 bytes for a shape that needs 16"},
      {raw_file(R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", 8),
       "x.ckpt: w: bytes [0, 16) run past the data (8 bytes)"},
      {raw_file(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}})", 8),
       "x.ckpt: w: bytes [8, 4) run past the data"},
      {raw_file(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
                R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                12),
       "x.ckpt: b: its bytes overlap another tensor's"},
      {raw_file(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8),
       "x.ckpt: a: unused bytes before it"},
      {raw_file(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", 8),
       "x.ckpt: unused bytes after the last tensor"},
      {raw_file(R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4),
       "x.ckpt: w: a shape size is not a whole number >= 0"},
      {raw_file(R"({"w": {"dtype": "F32", "shape": [1,1,1,1,1,1,1,1,1], "data_offsets": [0, 4]}})",
                4),
       "x.ckpt: w: shape must be a list of at most 8 sizes"},
      {raw_file(R"({"w": {"dtype": "U8", "shape": [1099511627776, 1099511627776],)"
                R"( "data_offsets": [0, 0]}})",
                0),
       "x.ckpt: w: shape too large"},
      {raw_file(R"({"w": {"dtype": "F32", "shape": [1]}})", 4),
       "x.ckpt: w: needs exactly dtype, shape and data_offsets"},
      {raw_file(R"({"__metadata__": {"a": 1}})", 0), "x.ckpt: __metadata__.a: not text"},
  };
  for (const auto& [bytes, error] : cases) {
    const std::string got = error_of(bytes);
    EXPECT_EQ(got.rfind(error, 0), 0u) << "got: " << got << "\nwant: " << error;
  }
}
