#pragma once
// The gradient all-reduce of a CUDA build through ProcessGroupNCCL. Compiled only where CMake
// finds nccl.h and a program using LibTorch's ProcessGroupNCCL builds and links against it
// (GENSCOPE_HAVE_NCCL); elsewhere Gloo all-reduces the gradients, GPU tensors too.
#include <torch/csrc/distributed/c10d/Store.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>

#include <chrono>
#include <functional>
#include <vector>

namespace genscope {

/// Starts an NCCL all-reduce (a sum) of CUDA tensors; the Work it returns waits for it.
using NcclAllreduce = std::function<c10::intrusive_ptr<c10d::Work>(std::vector<at::Tensor>&)>;

/// A ProcessGroupNCCL of `world` ranks meeting through `store` (its communicator is made at the
/// first all-reduce, on the GPU of that tensor). Throws what c10d throws.
NcclAllreduce make_nccl_allreduce(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                  int world, std::chrono::milliseconds timeout);

}  // namespace genscope
