#pragma once
// Presets: named config files (assets/presets/NAME.cfg, `key = value` lines like --config) that
// set up a known experiment, e.g. "ring-collapse". Their leading '#' lines describe them.
#include <string>
#include <vector>

#include "core/params.h"

namespace genscope {

/// One preset file.
struct PresetInfo {
  std::string name;         // file name without .cfg
  std::string path;
  std::string description;  // the file's leading comment lines, joined with spaces
};

/// Where presets are looked up: $GENSCOPE_PRESETS when set, else the source tree's
/// assets/presets (compiled in).
std::string preset_dir();
/// The presets in preset_dir(), sorted by name.
std::vector<PresetInfo> list_presets();
/// Applies preset `name_or_path` (a name in preset_dir(), or a path to a .cfg file) to `params`.
/// Errors name the preset and list the known names.
Status apply_preset(const std::string& name_or_path, Params& params);

}  // namespace genscope
