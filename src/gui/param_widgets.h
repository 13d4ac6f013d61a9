#pragma once
// One ImGui widget per parameter, generated from the parameter table.
#include <string>

#include "train/params.h"

namespace genscope {

/// Draws the widget for `spec` editing `value` (text parameters edit `text_buffer` and commit on
/// Enter). Returns true when the user committed a new value: live parameters commit while a
/// slider is dragged, needs-reset ones when it is released (each commit costs a reset).
/// Hovering shows the help text.
bool param_widget(const ParamSpec& spec, ParamValue& value, std::string& text_buffer);

}  // namespace genscope
