#pragma once
// Past runs read back from their run directories, for the Runs panel and --compare: the list of
// runs under the runs directory (config.cfg, the end of metrics.csv, tags.txt), a run's curves
// (metrics.csv, a fork chained to its parent), its sample grids (the TensorBoard event file's
// images), the parameters it differs in, and renaming, tagging and moving a run to the trash
// (runs/.trash). No torch, no GL.
#include <cstdint>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "core/params.h"
#include "util/result.h"

namespace genscope {

/// One metric column of a metrics.csv: the rows where it was measured (an empty cell is left out;
/// a measured NaN stays).
struct RunCurve {
  std::string name;
  std::vector<double> step, wall;  // the row's step and seconds since training started
  std::vector<float> value;
};

/// The metric columns of a metrics.csv (after step, epoch and wall_s), in the file's order.
struct RunCurves {
  std::vector<RunCurve> columns;
  int64_t last_step = -1;  // the last row's step (-1: no rows)
  double last_wall = 0.0;  // and its wall time
  /// The column named `name`, or nullptr.
  const RunCurve* find(const std::string& name) const;
};

/// Parses metrics.csv text (header "step,epoch,wall_s,<metrics>"). A row that does not parse
/// (a cut last line of a run still writing) is skipped. Errors name `what` and the header.
Result<RunCurves> parse_metrics_csv(const std::string& text, const std::string& what);
/// Reads a metrics.csv; errors name the file.
Result<RunCurves> read_metrics_csv(const std::string& path);
/// The header and the rows in the last `tail_bytes` of the file: enough for the last values
/// without reading a long run's whole history.
Result<RunCurves> read_metrics_tail(const std::string& path, std::size_t tail_bytes = 64 * 1024);

/// A fork's curves from its start: the parent's rows up to `fork_step`, then the branch's (whose
/// metrics.csv begins after the fork). Where the branch's clock starts again below the parent's
/// at the fork, its wall times are shifted to continue the parent's.
RunCurves chain_curves(const RunCurves& parent, int64_t fork_step, const RunCurves& branch);
/// "DIR@STEP" (a config's parent line) as its directory and step; false when it is not that.
bool split_parent(const std::string& parent, std::string& dir, int64_t& step);
/// `dir`'s curves, chained through its parents (config.cfg's parent lines, at most 8 deep; a
/// parent that is gone ends the chain). Errors name the metrics.csv.
Result<RunCurves> read_run_curves(const std::string& dir);

/// What the Runs panel lists about one run directory.
struct RunSummary {
  std::string path;          // the run directory
  std::string name;          // its folder's name
  std::string model, dataset;
  std::string parent;        // "DIR@STEP" for a fork, else ""
  int64_t steps = -1;        // the last step in metrics.csv (-1: no rows yet)
  double wall_s = 0.0;       // that row's seconds since training started
  std::time_t started = 0;   // when config.cfg was written (the run's start)
  std::vector<std::pair<std::string, float>> last;  // the main metrics' last measured values
  std::vector<std::string> tags;                     // tags.txt
  Params params;             // config.cfg read over the defaults
};

/// Reads one run directory (it must hold a config.cfg). Errors name the file.
Result<RunSummary> read_run_summary(const std::string& dir);
/// Every run directory directly under `runs_dir` (folders holding a config.cfg; .trash and other
/// dot folders left out), newest first. A folder that cannot be read adds a line to `errors`.
std::vector<RunSummary> list_runs(const std::string& runs_dir, std::vector<std::string>* errors);
/// The metrics the list shows for a run: up to four columns' last values, the losses first.
std::vector<std::pair<std::string, float>> main_metrics(const RunCurves& tail);

/// One parameter that differs between two runs' configs.
struct ParamDiff {
  std::string key;
  std::string value;  // in the run
  std::string other;  // in the run compared with (the live one)
};
/// The training parameters (not the window's own) whose values differ, in the table's order.
std::vector<ParamDiff> config_diff(const Params& run, const Params& other);

/// Tags as typed: separated by commas, trimmed, empty ones and repeats dropped.
std::vector<std::string> parse_tags(const std::string& text);
/// The tags in `dir`/tags.txt (one per line; none when the file is missing).
std::vector<std::string> read_tags(const std::string& dir);
/// Writes `dir`/tags.txt (removes it for no tags). Errors name the file.
Status write_tags(const std::string& dir, const std::vector<std::string>& tags);
/// Renames run directory `dir` to `name` beside it. Errors for an empty name, one with a path
/// separator or a leading dot, and a name already taken. Returns the new path.
Result<std::string> rename_run(const std::string& dir, const std::string& name);
/// Moves `dir` into .trash beside it (".trash/NAME", numbered when that is taken); nothing is
/// deleted. Returns the new path.
Result<std::string> trash_run(const std::string& dir);

/// One image a run saved: its step and PNG bytes (the TensorBoard event file's "samples").
struct RunImage {
  int64_t step = 0;
  std::string png;
};
/// The images tagged `tag` in every events.out.tfevents.* file of `dir`, by step. A run without
/// an event file has none; a damaged file gives the images before the damage.
std::vector<RunImage> read_run_images(const std::string& dir, const std::string& tag = "samples");
/// The index of the last image at or before `step` (the first when all are later), -1 for none.
int image_at_step(const std::vector<RunImage>& images, int64_t step);

}  // namespace genscope
