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

/// Where LibTorch runs, which BLAS it calls, thread counts and caps worth showing.
RuntimeInfo runtime_info();

/// True when LibTorch was built with CUDA and a device is present.
bool cuda_available();

}  // namespace genscope
