#include "core/presets.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "util/strings.h"

#ifndef GENSCOPE_PRESET_DIR
#define GENSCOPE_PRESET_DIR "assets/presets"
#endif

namespace genscope {
namespace fs = std::filesystem;

std::string preset_dir() {
  if (const char* env = std::getenv("GENSCOPE_PRESETS"); env && *env) return env;
  return GENSCOPE_PRESET_DIR;
}

namespace {

std::string describe(const std::string& path) {
  std::ifstream in(path);
  std::string line, out;
  while (std::getline(in, line)) {
    std::string_view t = trim(line);
    if (t.empty() || t[0] != '#') break;
    t.remove_prefix(1);
    t = trim(t);
    if (!t.empty()) out += (out.empty() ? "" : " ") + std::string(t);
  }
  return out;
}

}  // namespace

std::vector<PresetInfo> list_presets() {
  std::vector<PresetInfo> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(preset_dir(), ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".cfg") continue;
    out.push_back({entry.path().stem().string(), entry.path().string(),
                   describe(entry.path().string())});
  }
  std::sort(out.begin(), out.end(),
            [](const PresetInfo& a, const PresetInfo& b) { return a.name < b.name; });
  return out;
}

Status apply_preset(const std::string& name_or_path, Params& params) {
  std::string path = name_or_path;
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 4 &&
                        name_or_path.compare(name_or_path.size() - 4, 4, ".cfg") == 0);
  if (!is_path) path = preset_dir() + "/" + name_or_path + ".cfg";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    std::string names;
    for (const PresetInfo& p : list_presets()) names += (names.empty() ? "" : ", ") + p.name;
    return Error{"preset '" + name_or_path + "': not found (" + path + "); known presets: " +
                 (names.empty() ? "none in " + preset_dir() : names)};
  }
  Params trial = params;
  if (auto s = load_config(path, trial); !s) return Error{"preset '" + name_or_path + "': " + s.error()};
  params = trial;
  return {};
}

}  // namespace genscope
