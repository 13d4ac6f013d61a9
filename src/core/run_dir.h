#pragma once
// The run directory: one folder that keeps everything of a run (config.cfg, metrics.csv,
// events.log, checkpoints/, recordings, sample images). Plain C++: the names and the choice of
// folder, shared by the Run, the window and the tests.
#include <cstdint>
#include <ctime>
#include <string>

#include "core/params.h"
#include "util/result.h"

namespace genscope {

/// Where a run keeps its files, and the names of the files inside.
class RunDirectory {
 public:
  RunDirectory() = default;
  explicit RunDirectory(std::string path) : path_(std::move(path)) {}

  /// "20261201-131229-dcgan-fashion-mnist": the start time, the model (gan2d for the 2D lab) and
  /// the dataset's name (a path's last part), in characters any file system takes.
  static std::string default_name(const Params& params, std::time_t start);
  /// The folder a run writes into: `out` when given; for a resumed run, the run directory that
  /// holds the checkpoint (DIR for DIR/checkpoints/x.ckpt when DIR/config.cfg exists); else
  /// runs_dir/default_name(), numbered ("-2", "-3"...) when that exists already.
  static std::string choose(const Params& params, const std::string& out,
                            const std::string& resume, std::time_t start);
  /// The run directory holding checkpoint `path`, or "" when it is not inside one.
  static std::string of_checkpoint(const std::string& path);

  /// Creates the folder (and its parents). Errors name it.
  Status create() const;
  bool empty() const { return path_.empty(); }
  const std::string& path() const { return path_; }

  std::string config() const { return file("config.cfg"); }
  std::string metrics() const { return file("metrics.csv"); }
  std::string events() const { return file("events.log"); }
  std::string checkpoints() const { return file("checkpoints"); }
  /// Where Save and checkpoint_every write at `step`: the checkpoint parameter when it is set
  /// (as output() places it), else checkpoints/step-N.ckpt.
  std::string checkpoint(const Params& params, int64_t step) const;
  /// checkpoints/alarm-stepN.ckpt: the run as it was after an alarm at `step`.
  std::string alarm_checkpoint(int64_t step) const;
  /// generator-stepN.safetensors: where Export generator writes at `step` (and its .json beside).
  std::string generator_export(int64_t step) const;
  /// A file of the run: `name` inside the folder (an absolute `name` stays as it is).
  std::string file(const std::string& name) const;
  /// Where a file the user named goes: a bare file name ("rec.mp4") into the run directory, a
  /// path with a folder in it ("docs/a.png", "./a.png", "/tmp/a.png") where it says.
  std::string output(const std::string& path) const;

 private:
  std::string path_;
};

}  // namespace genscope
