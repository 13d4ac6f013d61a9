// IDX files, raw and gzipped (zlib reads both: the first byte chooses).
#include "data/idx.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = genscope::fuzz::scratch_file("input-idx3-ubyte", data, size);
  auto r = genscope::read_idx(path);
  if (r.ok() && r->data.empty() && !r->dims.empty()) std::abort();  // counted data, none read
  return 0;
}
