#pragma once
// Process-wide settings that make LibTorch fast on a CPU, and a description of where it runs.
// Declarations only: callers outside src/train/ need no torch.
#include "core/snapshot.h"

namespace genscope {

/// Keeps large tensors' memory in the process between steps (glibc would return it to the OS
/// after each use, and re-touching fresh pages is slow in VMs). Call first thing in main().
void tune_allocator();

/// Sets LibTorch's intra-op thread count (0 = every hardware thread) and returns what it uses.
int set_torch_threads(int threads);

/// Makes LibTorch's operators on the calling thread run serially (its OpenMP team is this thread
/// alone), leaving every other thread's count as it is. For helper threads (the batch loader, the
/// quality worker). A parallel region of theirs would start a second team of OpenMP workers, and
/// libgomp, seeing more of its threads than cores, then has every worker in the process sleep
/// after 100 polls instead of its spin count: the training step's workers sleep and wake between
/// operators (measured on 2 cores, 200 DCGAN steps: 320,000 context switches instead of 5,000,
/// the step ~15 % slower).
/// Returns false where the OpenMP runtime LibTorch loaded has no omp_set_num_threads.
bool serial_torch_on_this_thread();

/// Where LibTorch runs, which BLAS it calls, thread counts and caps worth showing.
RuntimeInfo runtime_info();

/// True when LibTorch was built with CUDA and a device is present.
bool cuda_available();

}  // namespace genscope
