#pragma once
// One ImGui widget per parameter, generated from the parameter table: log-scale sliders for
// learning rates, linear sliders for other floats, int sliders (or +/- inputs for wide ranges),
// combos for choices and text inputs. Every widget edits in double, the table's type, so a value
// at the edge of the range is the table's own edge.
#include <cstdint>
#include <string>

#include "core/params.h"

namespace genscope {

/// One parameter widget's editing state, owned by the panel that draws it.
struct ParamEdit {
  ParamValue value;        // what the widget shows (and edits)
  std::string text;        // text parameters: the buffer being typed
  ParamValue committed;    // the last value sent (drags send only real changes)
  uint64_t sent = 0;       // the command that carried it; the widget keeps showing the edit
                           // until the trainer has handled that command
  bool active = false;     // the widget was being dragged or typed into last frame
  bool synced = false;     // value came from a snapshot at least once
};

/// Where the widget's name goes.
enum class ParamLabel {
  kRight,  // ImGui's usual "[slider] name"
  kNone,   // no label (a table column shows it); the widget fills the item width
};

/// Draws the widget for `spec`. While the widget is idle and no command of it is in flight
/// (`handled` is the last command the trainer handled), it shows `current` (the run's value).
/// Returns true when the user committed a new value into edit.value: live parameters commit
/// while a slider is dragged, needs-reset ones when it is released; typed values (Ctrl+click a
/// slider, int inputs) commit on Enter or when the field loses focus; text on Enter (the app's
/// rows, kApp: as typed, and like live rows while dragged). Hovering shows the help text, the
/// range and the default.
bool param_widget(const ParamSpec& spec, const ParamValue& current, uint64_t handled,
                  ParamEdit& edit, ParamLabel label = ParamLabel::kRight);

/// Takes the run's value `current` into `edit` while the widget is idle and no command of it is in
/// flight (`handled`: the last command the trainer handled), as param_widget does first.
void sync_edit(const ParamValue& current, uint64_t handled, ParamEdit& edit);

/// Records that edit.value was sent as command `seq` (returned by View::send).
inline void param_sent(ParamEdit& edit, uint64_t seq) {
  edit.committed = edit.value;
  edit.sent = seq;
}

/// The slider position (0 at the range's minimum, 1 at its maximum) of `value` for a float or
/// int parameter: logarithmic for log-scale rows. Tests drag to it.
double param_slider_ratio(const ParamSpec& spec, double value);

/// The tooltip of a parameter: its help, range, default and whether it resets training.
std::string param_tooltip(const ParamSpec& spec);

}  // namespace genscope
