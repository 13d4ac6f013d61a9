#pragma once
// One run of a fork (headless --fork-at, or Fork here in the window) with its own share of
// LibTorch's global random generators: they are swapped in around its steps, so each run's random
// stream does not depend on how the runs' steps interleave, and a branch with no effective edit
// repeats its parent exactly.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "train/run.h"
#include "train/torch_pch.h"

namespace genscope {

struct ForkMember {
  ForkMember(std::unique_ptr<Run> r, std::string n) : run(std::move(r)), name(std::move(n)) {}
  std::unique_ptr<Run> run;
  std::string name;   // how errors name it: "the parent", "--fork lr_d=1e-4"
  std::string edits;  // its fork's edits ("" for the first run)
  std::string parent; // "DIR@STEP" it was forked from ("" for the first run)
  std::vector<std::pair<torch::Device, torch::Tensor>> rng;
  bool active = true;
  std::string error;

  /// Keeps the global generators' state as this run's (after its steps).
  void keep_rng();
  /// Puts this run's state into the global generators (before its steps).
  void use_rng() const;
};

/// Where a branch of the run in `parent_dir` goes: "<parent_dir>-fork<index>-<edits as a name>",
/// numbered ("-2"...) when that exists already.
std::string branch_dir(const std::string& parent_dir, int index, const std::string& edits);

/// A branch's options: `base`'s run-file settings, starting from `checkpoint` (the parent's,
/// at `step`) with `edits`, in branch_dir(parent_dir, index, edits).
RunOptions branch_options(const RunOptions& base, const std::string& parent_dir, int64_t step,
                          const std::string& checkpoint, int index, const std::string& edits);

}  // namespace genscope
