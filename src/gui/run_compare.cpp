#include "gui/run_compare.h"

#include <algorithm>
#include <cctype>

namespace genscope {
namespace {

// Blend `color` towards white by `share` (0..1): a run's second and third metric in one plot.
ImU32 tint(ImU32 color, float share) {
  ImVec4 c = ImGui::ColorConvertU32ToFloat4(color);
  c.x += (1.0f - c.x) * share, c.y += (1.0f - c.y) * share, c.z += (1.0f - c.z) * share;
  return ImGui::ColorConvertFloat4ToU32(c);
}

bool is_digits(const std::string& s, std::size_t from, std::size_t n) {
  if (s.size() < from + n) return false;
  for (std::size_t i = from; i < from + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

ImU32 compare_color(int index) {
  // Tableau's purple, teal, yellow, pink, brown, grey: apart from the live blue/orange/green.
  static constexpr ImU32 kColors[] = {
      IM_COL32(176, 122, 220, 255), IM_COL32(70, 200, 200, 255), IM_COL32(237, 201, 72, 255),
      IM_COL32(255, 120, 170, 255), IM_COL32(180, 130, 95, 255), IM_COL32(190, 190, 190, 255)};
  constexpr int n = sizeof kColors / sizeof kColors[0];
  return kColors[((index % n) + n) % n];
}

std::string short_run_name(const std::string& name) {
  // RunDirectory::default_name: "yyyymmdd-hhmmss-model-dataset".
  if (is_digits(name, 0, 8) && name.size() > 9 && name[8] == '-') return name.substr(9);
  return name;
}

Status RunCompare::tick(const std::string& dir, const std::string& name) {
  auto curves = read_run_curves(dir);
  if (!curves) return Error{curves.error()};
  Entry* e = entry(dir);
  if (!e) {
    entries_.push_back(std::make_unique<Entry>());
    e = entries_.back().get();
    e->path = dir;
    e->color = compare_color(next_color_++);
  }
  e->name = name;
  e->legend = short_run_name(name);
  e->curves = std::move(*curves);
  e->by_step.clear();
  e->by_wall.clear();
  e->labels.clear();
  return {};
}

void RunCompare::untick(const std::string& dir) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const auto& e) { return e->path == dir; }),
                 entries_.end());
}

void RunCompare::moved(const std::string& from, const std::string& to, const std::string& name) {
  if (Entry* e = entry(from)) {
    e->path = to;
    e->name = name;
    e->legend = short_run_name(name);
    e->labels.clear();
  }
}

const RunCompare::Entry* RunCompare::find(const std::string& dir) const {
  for (const auto& e : entries_) {
    if (e->path == dir) return e.get();
  }
  return nullptr;
}

RunCompare::Entry* RunCompare::entry(const std::string& dir) {
  return const_cast<Entry*>(static_cast<const RunCompare*>(this)->find(dir));
}

void RunCompare::set_smoothing(float weight) {
  smoothing_ = weight;
  for (auto& e : entries_) {
    for (auto& [name, s] : e->by_step) s.set_smoothing(weight);
    for (auto& [name, s] : e->by_wall) s.set_smoothing(weight);
  }
  for (auto& [name, copy] : live_copies_) copy.series.set_smoothing(weight);
}

void RunCompare::add_live_time(double step, double wall_s) {
  if (!live_time_.empty() && step <= live_time_.back().first) clear_live_time();
  live_time_.emplace_back(step, wall_s);
}

void RunCompare::clear_live_time() {
  live_time_.clear();
  live_copies_.clear();
}

double RunCompare::live_time(double step) const {
  if (live_time_.empty()) return -1.0;
  auto it = std::lower_bound(live_time_.begin(), live_time_.end(), step,
                             [](const auto& p, double s) { return p.first < s; });
  if (it == live_time_.end()) return live_time_.back().second;
  if (it != live_time_.begin() && step - std::prev(it)->first < it->first - step) --it;
  return it->second;
}

const MetricSeries* RunCompare::run_series(Entry& e, const std::string& metric) {
  auto& cache = align_ == RunAlign::kStep ? e.by_step : e.by_wall;
  auto found = cache.find(metric);
  if (found != cache.end()) return &found->second;
  const RunCurve* curve = e.curves.find(metric);
  if (!curve) return nullptr;
  MetricSeries s(MetricSeries::kDefaultCapacity, smoothing_);
  const std::vector<double>& x = align_ == RunAlign::kStep ? curve->step : curve->wall;
  for (std::size_t i = 0; i < x.size(); ++i) s.push(x[i], curve->value[i]);
  return &cache.emplace(metric, std::move(s)).first->second;
}

const MetricSeries* RunCompare::live_copy(const std::string& metric, const MetricSeries& live) {
  LiveCopy& copy = live_copies_[metric];
  // Rows only ever add points at the end until the series thins its old half: then (and after
  // a reset) the copy is made again; otherwise only the new points are added.
  const bool grew = live.size() >= copy.size && copy.size > 0 &&
                    live.step(copy.size - 1) == copy.last_step;
  if (!grew) {
    copy.series = MetricSeries(MetricSeries::kDefaultCapacity, smoothing_);
    copy.size = 0;
  }
  for (std::size_t i = copy.size; i < live.size(); ++i) {
    copy.series.push(live_time(live.step(i)), live.raw(i));
  }
  copy.size = live.size();
  copy.last_step = live.empty() ? -1.0 : live.step(live.size() - 1);
  return &copy.series;
}

std::vector<PlotLine> RunCompare::lines(const PlotLine* live, int count,
                                        const std::vector<std::string>& metrics) {
  std::vector<PlotLine> out(live, live + count);
  if (entries_.empty()) return out;
  if (align_ == RunAlign::kWallTime) {
    for (int i = 0; i < count; ++i) {
      if (i < int(metrics.size()) && !metrics[i].empty() && live[i].series) {
        out[i].series = live_copy(metrics[i], *live[i].series);
      }
    }
  }
  for (auto& e : entries_) {
    bool first = true;
    int shade = 0;
    for (int i = 0; i < count && i < int(metrics.size()); ++i) {
      if (metrics[i].empty()) continue;
      const MetricSeries* s = run_series(*e, metrics[i]);
      if (!s || s->empty()) continue;
      const std::string label = live[i].label ? live[i].label : metrics[i];
      auto [it, added] = e->labels.emplace(label, "");
      if (added) it->second = e->legend + ": " + label;
      PlotLine line{it->second.c_str(), s, tint(e->color, 0.4f * float(shade++))};
      line.legend = first ? e->legend.c_str() : "";
      line.beneath = true;
      first = false;
      out.push_back(line);
    }
  }
  return out;
}

}  // namespace genscope
