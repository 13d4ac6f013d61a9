#pragma once
// The past runs ticked in the Runs panel, overlaid on the live run's plots: every plot of a
// metric also draws each ticked run's curve of that metric, in the run's colour, aligned by step
// or by wall time (seconds since training started). No GL.
#include <imgui.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gui/plot.h"
#include "record/run_list.h"
#include "util/result.h"
#include "util/series.h"

namespace genscope {

/// How compared runs line up on a plot's x axis.
enum class RunAlign { kStep, kWallTime };

/// The colour of the `index`-th compared run (a palette apart from the live lines' colours).
ImU32 compare_color(int index);
/// A run's name as a legend shows it: a default name's date ("20261201-") left out.
std::string short_run_name(const std::string& name);

class RunCompare {
 public:
  /// One ticked run: its curves and the series the plots draw, made on first use.
  struct Entry {
    std::string path, name, legend;
    ImU32 color = 0;
    RunCurves curves;
    std::map<std::string, MetricSeries> by_step, by_wall;  // per metric
    std::map<std::string, std::string> labels;             // per live line label: "name: label"
  };

  /// Reads `dir`'s curves (a fork's chained through its parents) and overlays them. Errors
  /// name the file; a run already ticked is read again (a refresh).
  Status tick(const std::string& dir, const std::string& name);
  void untick(const std::string& dir);
  bool ticked(const std::string& dir) const { return find(dir) != nullptr; }
  /// A ticked run was renamed or moved to `to` (`name`): it stays ticked under its new path.
  void moved(const std::string& from, const std::string& to, const std::string& name);
  const std::vector<std::unique_ptr<Entry>>& entries() const { return entries_; }
  const Entry* find(const std::string& dir) const;

  RunAlign align() const { return align_; }
  void set_align(RunAlign align) { align_ = align; }
  /// The smoothing weight every compared series uses (the Losses panel's slider).
  void set_smoothing(float weight);

  /// The live run's clock: the wall time of `step` (rows as they come; a reset clears it).
  void add_live_time(double step, double wall_s);
  void clear_live_time();
  /// The live run's wall time at `step` (the nearest row's), or -1 when there is none.
  double live_time(double step) const;

  /// What a plot draws: each live line (over wall time, when so aligned, a copy of it), then each
  /// ticked run's line of the same metric. `metrics[i]` names line i's metric ("" : a line with
  /// none, drawn as it is). Only the first line of a run goes into the legend (as the run's
  /// name); the tooltip names each. The pointers stay valid until the next call.
  std::vector<PlotLine> lines(const PlotLine* live, int count,
                              const std::vector<std::string>& metrics);

 private:
  struct LiveCopy {
    MetricSeries series;
    std::size_t size = 0;
    double last_step = -1.0;
  };
  Entry* entry(const std::string& dir);
  const MetricSeries* run_series(Entry& e, const std::string& metric);
  const MetricSeries* live_copy(const std::string& metric, const MetricSeries& live);

  std::vector<std::unique_ptr<Entry>> entries_;
  RunAlign align_ = RunAlign::kStep;
  float smoothing_ = 0.6f;
  std::vector<std::pair<double, double>> live_time_;  // (step, wall_s), steps ascending
  std::map<std::string, LiveCopy> live_copies_;       // the live series over wall time
  int next_color_ = 0;
};

}  // namespace genscope
