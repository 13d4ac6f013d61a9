// A checkpoint file: the container (magic, version, config text, CRC) and, inside, the training
// state's tensor file, decoded and checked as a load does. The CRC is not a wall here: an input
// whose CRC fails is also tried with it recomputed, so the fuzzer reaches the payload.
#include <zlib.h>

#include <cstring>
#include <string>

#include "core/params.h"
#include "record/checkpoint_file.h"
#include "record/tensor_file.h"

namespace {

void check_payload(const genscope::CheckpointFile& file) {
  genscope::Params params;
  (void)genscope::parse_config_text(file.config_text, "checkpoint", params);
  auto tensors = genscope::decode_tensor_file(file.payload, "checkpoint");
  if (!tensors.ok()) return;
  for (const auto& [name, t] : tensors->tensors) {
    if (int64_t(t.bytes.size()) != t.numel() * genscope::dtype_size(t.dtype)) std::abort();
  }
  // What decodes re-encodes to something that decodes the same.
  auto again = genscope::decode_tensor_file(genscope::encode_tensor_file(*tensors), "again");
  if (!again.ok() || again->tensors.size() != tensors->tensors.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto file = genscope::decode_checkpoint(bytes, "fuzz.ckpt");
  if (file.ok()) return check_payload(*file), 0;
  if (size < 4) return 0;
  const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), uInt(size - 4));
  for (int i = 0; i < 4; ++i) bytes[size - 4 + size_t(i)] = char(crc >> (8 * i) & 0xff);
  file = genscope::decode_checkpoint(bytes, "fuzz.ckpt");
  if (file.ok()) check_payload(*file);
  // The tensor file alone, as if it were a payload.
  (void)genscope::decode_tensor_file(std::string_view(reinterpret_cast<const char*>(data), size),
                                     "payload");
  return 0;
}
