#include "train/runtime.h"

#include <dlfcn.h>
#include <malloc.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "train/torch_pch.h"

namespace genscope {

void tune_allocator() {
  // Both are needed: either alone is slower than neither (TOOLCHAIN.md).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int set_torch_threads(int threads) {
  int hw = static_cast<int>(std::thread::hardware_concurrency());
  int n = threads > 0 ? threads : (hw > 0 ? hw : 1);
  at::set_num_threads(n);
  return at::get_num_threads();
}

bool serial_torch_on_this_thread() {
  // Looked up in the process, not linked: the OpenMP runtime is whichever LibTorch brought
  // (Debian's libgomp, or the copy a pip wheel bundles), and there must be only one.
  using SetThreads = void (*)(int);
  static const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  if (!set) return false;
  // ATen sets a thread's OpenMP count from its global one at the thread's first parallel
  // operator: done now, so that it does not undo this.
  at::internal::lazy_init_num_threads();
  set(1);  // this thread's nthreads-var: its parallel regions get a team of one
  return true;
}

bool cuda_available() {
#ifdef GENSCOPE_FORCE_CPU
  return false;
#else
  return torch::cuda::is_available();
#endif
}

namespace {

// The BLAS that libtorch's calls resolve to, read from the libraries mapped into this process.
std::string detect_blas() {
  std::ifstream maps("/proc/self/maps");
  std::string line, found;
  while (std::getline(maps, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    if (path.find("openblas-openmp") != std::string::npos) return "OpenBLAS (OpenMP)";
    if (path.find("openblas-pthread") != std::string::npos) return "OpenBLAS (pthreads)";
    if (path.find("openblas") != std::string::npos) return "OpenBLAS";
    if (path.find("libmkl") != std::string::npos) return "MKL";
    if (path.find("libblas.so") != std::string::npos && found.empty()) found = path;
  }
  if (!found.empty()) {
    return "reference BLAS (netlib), ~6x slower: install libopenblas0-openmp";
  }
  return "built-in (no BLAS library mapped)";
}

}  // namespace

RuntimeInfo runtime_info() {
  RuntimeInfo info;
  info.hardware_threads = static_cast<int>(std::thread::hardware_concurrency());
  info.threads = at::get_num_threads();
  if (cuda_available()) {
    info.device = "CUDA";
  } else {
    info.device = "CPU";
  }
  info.blas = detect_blas();
  if (const char* core = std::getenv("OPENBLAS_CORETYPE")) {
    info.notes += std::string("OPENBLAS_CORETYPE=") + core + " caps OpenBLAS's kernels. ";
  }
  if (const char* omp = std::getenv("OMP_NUM_THREADS")) {
    info.notes += std::string("OMP_NUM_THREADS=") + omp + ". ";
  }
  return info;
}

}  // namespace genscope
