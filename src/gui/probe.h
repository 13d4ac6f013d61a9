#pragma once
// WidgetProbe: where the named widgets of a frame were drawn, for tests that drive the UI by
// mouse and keyboard. Panels call probe_item("name") after a widget; it records the item only
// while a probe is attached to the ImGui context (io.UserData), so the window pays one branch.
#include <imgui.h>

#include <string>
#include <vector>

namespace genscope {

/// One named widget as drawn in the last frame: "Window/name" and its rectangle (screen pixels).
struct ProbedItem {
  std::string name;    // "<window name>/<widget name>", e.g. "Controls/lr_g"
  ImVec2 min, max;     // the item's rectangle
  ImVec2 frame_max;    // the frame part of a labelled widget (without its label); == max otherwise
  bool visible = true; // not clipped away (e.g. scrolled out of its window)
};

/// Collects the named items of each frame. Attach it to the current context with attach().
class WidgetProbe {
 public:
  /// Makes probe_item() record into this probe for the current ImGui context.
  void attach();
  /// Stops recording (the context's io.UserData is cleared if it points here).
  void detach();
  /// Forgets the previous frame's items (call before each frame).
  void clear() { items_.clear(); }
  /// Adds one item (probe_item does).
  void add(ProbedItem item) { items_.push_back(std::move(item)); }
  /// The items of the frame, in drawing order.
  const std::vector<ProbedItem>& items() const { return items_; }
  /// The last item named `name` ("Window/name"), or nullptr.
  const ProbedItem* find(const std::string& name) const;

 private:
  std::vector<ProbedItem> items_;
};

/// Records the last submitted item as "<current window>/<name>" when a probe is attached.
/// `frame_width` > 0 marks the widget's frame (its clickable part) as that wide from its left.
void probe_item(const std::string& name, float frame_width = 0.0f);

}  // namespace genscope
