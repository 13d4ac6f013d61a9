#include "train/nccl_group.h"

#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include <cstdlib>

namespace genscope {

NcclAllreduce make_nccl_allreduce(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                  int world, std::chrono::milliseconds timeout) {
  // Without blocking waits, wait() only orders this GPU's stream after the all-reduce: a dead
  // peer would then hang the next synchronisation instead of failing within the timeout. (The
  // first name is LibTorch 2's, the second older ones'; a value the user set is kept.)
  setenv("TORCH_NCCL_BLOCKING_WAIT", "1", 0);
  setenv("NCCL_BLOCKING_WAIT", "1", 0);
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, world, options);
  return [group](std::vector<at::Tensor>& tensors) { return group->allreduce(tensors); };
}

}  // namespace genscope
