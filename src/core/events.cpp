#include "core/events.h"

#include "util/strings.h"

namespace genscope {

RunEvent RunEvent::edit(ParamId id, std::string from, std::string to, int64_t step,
                        bool waits_for_reset, double wall_s) {
  RunEvent e;
  e.step = step;
  e.wall_s = wall_s;
  e.param = id;
  e.waits_for_reset = waits_for_reset;
  e.text = edit_event_text(id, from, to, waits_for_reset);
  e.from = std::move(from);
  e.to = std::move(to);
  return e;
}

RunEvent RunEvent::message(MessageLevel level, std::string text, int64_t step) {
  RunEvent e;
  e.level = level;
  e.text = std::move(text);
  e.step = step;
  return e;
}

std::string edit_event_text(ParamId id, const std::string& from, const std::string& to,
                            bool waits_for_reset) {
  return strformat("%s %s \u2192 %s%s", param_spec(id).key, from.c_str(), to.c_str(),
                   waits_for_reset ? " (new weights: resets training)" : "");
}

const RunEvent& EventLog::add(RunEvent e) {
  if (e.param != ParamId::kCount && !events_.empty()) {
    RunEvent& last = events_.back();
    if (last.param == e.param && last.waits_for_reset == e.waits_for_reset &&
        last.level == e.level && e.wall_s >= last.wall_s &&
        e.wall_s - last.wall_s <= kMergeSeconds) {
      last.step = e.step;
      last.wall_s = e.wall_s;
      last.to = std::move(e.to);
      last.text = edit_event_text(last.param, last.from, last.to, last.waits_for_reset);
      ++last.revision;
      return last;
    }
  }
  e.id = next_id_++;
  e.revision = 0;
  events_.push_back(std::move(e));
  while (events_.size() > kCapacity) events_.pop_front();
  return events_.back();
}

void EventLog::copy_newest(std::size_t n, std::vector<RunEvent>& out) const {
  out.clear();
  const std::size_t first = events_.size() > n ? events_.size() - n : 0;
  out.assign(events_.begin() + static_cast<std::ptrdiff_t>(first), events_.end());
}

std::string event_line(const RunEvent& e) {
  return strformat("step %lld: %s", static_cast<long long>(e.step), e.text.c_str());
}

}  // namespace genscope
