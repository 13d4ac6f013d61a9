#pragma once
// A headless fork (--fork-at STEP --fork EDITS...): the run trains to STEP and saves itself
// there; each branch starts from that checkpoint with its edits in a run directory of its own;
// then the run and its branches take one step each in turn to the last step. Each keeps its own
// share of LibTorch's global random stream, so a branch with no edit repeats its parent exactly
// and a difference is caused by the edit.
#include <cstdint>
#include <string>
#include <vector>

#include "train/run.h"
#include "train/trainer.h"
#include "util/result.h"

namespace genscope {

/// Trains `options` (whose fork_at and forks are set) for `steps` steps from its start, forked
/// as above; `files` gets the parent's directory, sample image and exported generator, and each
/// branch's directory (which the branches export into too). Errors name the branch
/// ("--fork lr_d=1e-4: ...").
Status run_headless_fork(RunOptions options, int64_t steps, HeadlessFiles& files);

}  // namespace genscope
