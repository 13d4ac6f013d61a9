#include "train/nccl_group.h"

#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

namespace genscope {

NcclAllreduce make_nccl_allreduce(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                  int world, std::chrono::milliseconds timeout) {
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, world, options);
  return [group](std::vector<at::Tensor>& tensors) { return group->allreduce(tensors); };
}

}  // namespace genscope
