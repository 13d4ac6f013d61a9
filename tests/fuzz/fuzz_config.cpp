// Config files (and the config text inside checkpoints): parse, write back, parse again: the
// second parse must succeed and give the same values.
#include <string>

#include "core/params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  genscope::Params p;
  if (!genscope::parse_config_text(text, "fuzz", p).ok()) return 0;
  genscope::Params again;
  if (!genscope::parse_config_text(genscope::to_config_text(p), "again", again).ok()) std::abort();
  if (!again.diff(p).empty()) std::abort();
  return 0;
}
