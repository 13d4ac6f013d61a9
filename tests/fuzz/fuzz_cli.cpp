// The command line: the input is the arguments, separated by NUL bytes.
#include <string>
#include <vector>

#include "core/cli.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args(1);
  for (size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.emplace_back();
    } else {
      args.back() += char(data[i]);
    }
  }
  // --config reads a file and --preset a folder: those stay (their parsers have their own
  // target), but not files a fuzzer could grow without end.
  for (const std::string& a : args) {
    if (a.rfind("/dev/", 0) == 0) return 0;
  }
  auto r = genscope::parse_cli(args);
  if (r.ok()) (void)genscope::to_config_text(r->params);
  return 0;
}
