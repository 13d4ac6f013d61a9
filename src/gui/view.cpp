#include "gui/view.h"

namespace genscope {

void View::update_snapshot(const Snapshot& snapshot) {
  snapshot_ = &snapshot;
  if (!snapshot.samples.empty() && snapshot.samples_version != samples_version_) {
    samples_.upload_rgba(snapshot.samples.width, snapshot.samples.height,
                         snapshot.samples.pixels.data());
    samples_version_ = snapshot.samples_version;
  }
  if (!snapshot.real.empty() && snapshot.real_version != real_version_) {
    real_.upload_rgba(snapshot.real.width, snapshot.real.height, snapshot.real.pixels.data());
    real_version_ = snapshot.real_version;
  }
}

void View::add_rows(const std::vector<MetricRow>& rows, const MetricSchema& names) {
  if (names != names_) {
    names_ = names;
    series_.assign(names.size(), MetricSeries(MetricSeries::kDefaultCapacity, smoothing_));
    last_step_ = -1;
  }
  for (const MetricRow& row : rows) {
    if (row.step <= last_step_) {
      for (auto& s : series_) s.clear();
    }
    last_step_ = row.step;
    for (int i = 0; i < row.count && i < static_cast<int>(series_.size()); ++i) {
      series_[i].push(static_cast<double>(row.step), row.values[i]);
    }
  }
}

const MetricSeries* View::series(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return &series_[i];
  }
  return nullptr;
}

void View::set_smoothing(float weight) {
  smoothing_ = weight;
  for (auto& s : series_) s.set_smoothing(weight);
}

}  // namespace genscope
