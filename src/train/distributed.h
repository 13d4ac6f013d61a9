#pragma once
// Data-parallel training across processes and machines with LibTorch's own c10d (the engine of
// PyTorch's DistributedDataParallel): ranks meet through a c10d::TCPStore at MASTER_ADDR:
// MASTER_PORT, then all-reduce their gradients every update, so every rank holds the same
// weights: with ProcessGroupNCCL when every rank trains on a GPU and the build has NCCL
// (GENSCOPE_HAVE_NCCL), else with ProcessGroupGloo (which takes GPU tensors too). The control
// plane (commands, agreement) is always Gloo's, on CPU tensors. Launched as torchrun launches
// processes: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK (or the same as flags).
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/command_queue.h"
#include "util/result.h"

namespace torch::nn {
class Module;
}

namespace genscope {

/// The most ranks one run may have (WORLD_SIZE; a checkpoint's "ranks").
inline constexpr int kMaxRanks = 4096;

/// Where this process stands among the ranks of one run.
struct DistributedOptions {
  int rank = 0;
  int world = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  /// A collective (an all-reduce, the rendezvous) waits this long for every rank, then fails
  /// (rank 0's quality evaluations and dataset loads happen while the others wait).
  double timeout_s = 900.0;
  /// This rank trains on a GPU (its gradients are CUDA tensors).
  bool cuda = false;
  bool enabled() const { return world > 1; }
};

/// The CUDA_VISIBLE_DEVICES that gives a rank its own GPU, as torchrun's LOCAL_RANK means:
/// entry `local_rank` of `visible` (the variable as set, nullptr: unset, every GPU by index).
/// An empty `visible` (no GPU) stays empty. Error: LOCAL_RANK beyond the list.
Result<std::string> gpu_for_local_rank(int local_rank, const char* visible);

/// Reads torchrun's variables through `env` (std::getenv by default). None set: one process.
/// Errors name the variable and its value ("RANK=3: must be below WORLD_SIZE=2").
Result<DistributedOptions> distributed_from_env(
    const std::function<const char*(const char*)>& env = nullptr);

/// What this rank spent on communication.
struct DistributedStats {
  int64_t allreduces = 0;
  double allreduce_s = 0.0;  // time inside all-reduce calls, waiting for the others included
  int64_t bytes = 0;         // gradient bytes this rank contributed
};

/// One rank's membership of the group. Not thread-safe: the training thread uses it.
class ProcessGroup {
 public:
  /// Meets the other ranks (rank 0 hosts the TCPStore) within options.timeout_s.
  static Result<std::shared_ptr<ProcessGroup>> join(const DistributedOptions& options);
  ~ProcessGroup();

  int rank() const;
  int world() const;
  /// What all-reduces the gradients: "NCCL" or "Gloo".
  std::string backend() const;
  /// Some ranks train on a GPU and some do not (their weights may part in the last bits: a
  /// GPU's float sums are not a CPU's).
  bool mixed_devices() const;
  /// Replaces every parameter gradient of `module` by its mean over all ranks (one flattened
  /// all-reduce). Throws std::runtime_error naming the ranks when a rank is gone or too slow.
  void average_gradients(torch::nn::Module& module);
  /// Rank 0's `bytes` on every rank (the run's commands each tick). Throws as above.
  void broadcast(std::string& bytes);
  /// The control plane: rank 0's `commands` and whether it stops go to every rank (rank 0
  /// passes what it handled; the others receive them in `commands`). False: stop.
  bool exchange(std::vector<Command>& commands, bool stop);
  /// Every rank's `ok` and `step`, agreed: true only when every rank's `ok` is (so when one rank
  /// cannot step, none does, and a rank that ends ends them all). Throws when the ranks are at
  /// different steps (their runs went apart).
  bool agree(bool ok, int64_t step);
  DistributedStats stats() const;
  /// Rank 0's `value` of `key` on every rank (rank 0 sets it, the others wait for it).
  std::string share(const std::string& key, const std::string& value);
  /// Publishes this rank's line for rank 0's Status ("rank 1: 4.1 steps/s, 12 % in all-reduce"),
  /// or (`last`) its summary at the end of the run.
  void report(const std::string& line, bool last = false);
  /// Every rank's line, rank 0 first: `last`: the summaries, waiting for each (up to the
  /// timeout); else the latest lines, "no report yet" for a rank that has not reported.
  std::vector<std::string> reports(bool last);

  struct Impl;

 private:
  ProcessGroup() = default;
  std::unique_ptr<Impl> impl_;
};

}  // namespace genscope
