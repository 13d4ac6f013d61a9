#include "record/tfrecord.h"

#include <array>
#include <cstring>

#include "util/strings.h"

namespace genscope {
namespace {

constexpr uint32_t kCastagnoli = 0x82F63B78u;  // reflected
constexpr uint32_t kMaskDelta = 0xa282ead8u;

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (c >> 1) ^ kCastagnoli : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = make_table();

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
}

uint64_t get_le(std::string_view bytes, std::size_t at, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= uint64_t(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return v;
}

}  // namespace

uint32_t crc32c(std::string_view bytes, uint32_t crc) {
  crc = ~crc;
  for (const char ch : bytes) crc = kTable[(crc ^ static_cast<unsigned char>(ch)) & 0xffu] ^ (crc >> 8);
  return ~crc;
}

uint32_t masked_crc32c(std::string_view bytes) {
  const uint32_t crc = crc32c(bytes);
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}

std::string tfrecord_frame(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  const uint64_t length = data.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xffu));
  put_u32(out, masked_crc32c(std::string_view(out.data(), 8)));
  out.append(data);
  put_u32(out, masked_crc32c(data));
  return out;
}

Result<std::vector<std::string>> tfrecord_records(std::string_view bytes, const std::string& what) {
  std::vector<std::string> records;
  if (auto s = tfrecord_read(bytes, what, records); !s) return Error{s.error()};
  return records;
}

Status tfrecord_read(std::string_view bytes, const std::string& what,
                     std::vector<std::string>& records) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    const auto bad = [&](const char* how) {
      return Error{strformat("%s: record %zu at byte %zu: %s", what.c_str(), records.size(), at, how)};
    };
    if (bytes.size() - at < 16) return bad("truncated record");
    const uint64_t length = get_le(bytes, at, 8);
    if (uint32_t(get_le(bytes, at + 8, 4)) != masked_crc32c(bytes.substr(at, 8))) {
      return bad("length CRC mismatch");
    }
    if (length > bytes.size() - at - 16) return bad("truncated data");
    const std::string_view data = bytes.substr(at + 12, length);
    if (uint32_t(get_le(bytes, at + 12 + length, 4)) != masked_crc32c(data)) {
      return bad("data CRC mismatch");
    }
    records.emplace_back(data);
    at += 16 + length;
  }
  return {};
}

}  // namespace genscope
