// The remote viewer's wire format (net/snapshot_wire.h): every input goes to every section's
// decoder, to the metric rows' and to the command's. What decodes re-encodes to bytes that decode
// again and re-encode the same; a refused section leaves the snapshot as it was.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/snapshot_wire.h"

namespace {

using genscope::Snapshot;
using genscope::net::Section;

// A snapshot with a latent map, so that kLatentImages has one to attach its images to.
Snapshot base_snapshot() {
  Snapshot s;
  s.latent.map = std::make_shared<genscope::LatentMap>();
  return s;
}

void check_section(Section section, std::string_view bytes) {
  static const Snapshot base = base_snapshot();
  static const std::vector<std::string> before = [] {
    std::vector<std::string> out;
    for (int i = 0; i < static_cast<int>(Section::kCount); ++i) {
      out.push_back(genscope::net::encode_section(base, static_cast<Section>(i)));
    }
    return out;
  }();
  Snapshot snap = base;
  if (!genscope::net::decode_section(section, bytes, snap)) {
    if (genscope::net::encode_section(snap, section) != before[int(section)]) std::abort();
    return;
  }
  const std::string encoded = genscope::net::encode_section(snap, section);
  Snapshot again = base;
  if (!genscope::net::decode_section(section, encoded, again)) std::abort();
  if (genscope::net::encode_section(again, section) != encoded) std::abort();
}

void check_rows(std::string_view bytes) {
  std::vector<genscope::MetricRow> rows(1);
  if (!genscope::net::decode_rows(bytes, rows)) {
    if (rows.size() != 1) std::abort();
    return;
  }
  rows.erase(rows.begin());
  const std::string encoded = genscope::net::encode_rows(rows);
  std::vector<genscope::MetricRow> again;
  if (!genscope::net::decode_rows(encoded, again) || again.size() != rows.size()) std::abort();
  if (genscope::net::encode_rows(again) != encoded) std::abort();
}

void check_command(std::string_view bytes) {
  auto command = genscope::net::decode_command(bytes);
  if (!command.ok()) return;
  const std::string encoded = genscope::net::encode_command(*command);
  auto again = genscope::net::decode_command(encoded);
  if (!again.ok() || genscope::net::encode_command(*again) != encoded) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < static_cast<int>(Section::kCount); ++i) {
    check_section(static_cast<Section>(i), bytes);
  }
  check_rows(bytes);
  check_command(bytes);
  return 0;
}
