#pragma once
// Checkpoints: the whole experiment in one file (parameters, weights, optimizer state, RNG, fixed
// noise, data order, step), written atomically, read back exactly.
#include <functional>
#include <memory>
#include <string>

#include "data/dataset.h"
#include "util/result.h"

namespace genscope {

class TrainingSession;

/// Loads the dataset a parameter set names (the trainer's cache, or load_dataset).
using DatasetLoader = std::function<Result<std::shared_ptr<const Dataset>>(const std::string&)>;

/// Writes `session`'s checkpoint to `path` atomically (temporary file + fsync + rename), so a
/// crash never leaves a broken file where a good one was. `before_rename` is a test hook (see
/// write_file_atomic). Errors name the path.
Status save_checkpoint(TrainingSession& session, const std::string& path,
                       const std::function<void()>& before_rename = {});

/// Saves to the checkpoint path when checkpoint_every says so (after `session`'s last step);
/// a diverged run (NaN/inf losses or weights) is not saved, so it never replaces a good file.
/// Returns an error message or "".
std::string periodic_checkpoint(TrainingSession& session);

/// After an alarm: saves the run beside the checkpoint path as alarm_checkpoint_path() of the
/// step saved, or, with `dir` (a headless run's DIR/checkpoints), in `dir` under that file name
/// (created when missing). Returns the path written, "" when the run diverged (not worth
/// keeping), or the error.
Result<std::string> alarm_checkpoint(TrainingSession& session, const std::string& dir = {});

/// Reads a checkpoint and builds the session it describes, in the state it was saved in.
/// Errors (a missing, truncated, corrupt or foreign file, a dataset that no longer loads or no
/// longer fits) name the path; nothing else is touched.
Result<std::unique_ptr<TrainingSession>> open_checkpoint(const std::string& path,
                                                         const DatasetLoader& load);

}  // namespace genscope
