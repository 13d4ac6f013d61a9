#pragma once
// Checkpoints: the whole experiment in one file (parameters, weights, optimizer state, RNG, fixed
// noise, data order, step), written atomically, read back exactly.
#include <functional>
#include <memory>
#include <string>

#include "core/params.h"
#include "data/dataset.h"
#include "util/result.h"

namespace genscope {

class TrainingSession;

/// Loads the dataset a parameter set names (the trainer's cache, or load_dataset).
/// Loads the dataset a run's parameters name (dataset, resolution, channels).
using DatasetLoader = std::function<Result<std::shared_ptr<const Dataset>>(const Params&)>;

/// Writes `session`'s checkpoint to `path` atomically (temporary file + fsync + rename), so a
/// crash never leaves a broken file where a good one was. `before_rename` is a test hook (see
/// write_file_atomic). Errors name the path.
Status save_checkpoint(TrainingSession& session, const std::string& path,
                       const std::function<void()>& before_rename = {});

/// The batch each of `to` ranks takes to share out what `from` ranks of `batch` each took, so
/// that the run goes on as it would have. Error (why not): the sum does not split evenly over
/// `to`, or the share is beyond batch_size's range.
Result<int> batch_for_ranks(int batch, int from, int to);

/// Reads a checkpoint and builds the session it describes, in the state it was saved in.
/// Errors (a missing, truncated, corrupt or foreign file, a dataset that no longer loads or no
/// longer fits) name the path; nothing else is touched. `edit` (a fork's) changes the saved
/// parameters before the model is built; the state then loads into that model (an edit that
/// changes its shapes is an error) and the live settings are the edited ones.
/// A checkpoint of N data-parallel ranks of batch B opened by `ranks` M (1: one process) gives
/// each rank B*N/M, so that the run goes on exactly as it would have (the ranks share out the
/// same N*B rows and noise); `note` (if given) then says so, or, when N*B does not split over M,
/// that each rank keeps B.
Result<std::unique_ptr<TrainingSession>> open_checkpoint(
    const std::string& path, const DatasetLoader& load,
    const std::function<Status(Params&)>& edit = {}, int ranks = 1, std::string* note = nullptr);

}  // namespace genscope
