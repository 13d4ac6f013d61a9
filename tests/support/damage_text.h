#pragma once
// Damage in words for test messages: "everything", or "2 rects: [x0,y0 - x1,y1] ...".
#include <string>

#include "gui/damage.h"

namespace genscope::test {

inline std::string describe(const Damage& d) {
  if (d.everything) return "everything";
  std::string out = std::to_string(d.rects.size()) + " rects:";
  for (const DamageRect& r : d.rects) {
    out += " [" + std::to_string(r.x0) + "," + std::to_string(r.y0) + " - " + std::to_string(r.x1) +
           "," + std::to_string(r.y1) + "]";
  }
  return out;
}

}  // namespace genscope::test
