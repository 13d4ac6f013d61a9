#pragma once
// How many threads LibTorch gets and how its OpenMP workers wait, chosen from measurements
// (README, "Performance"): the window and other programs share the CPU with training, and an
// OpenMP parallel region waits for its slowest thread. Plain C++, no torch.
#include <string>

namespace genscope {

/// The thread count chosen for a run and why, in a few words for the Status panel
/// ("every core (headless)").
struct ThreadChoice {
  int threads = 1;
  std::string reason;
};

/// LibTorch's intra-op thread count. `requested` > 0 (the threads parameter) always wins;
/// otherwise `family_default` > 0 (a family whose small networks run best on few threads), else:
/// headless, every core; with a window, one core fewer (at least one): the window's frames (on
/// the CPU under llvmpipe) and the desktop then take a core's worth without stalling the
/// threads of every parallel region.
ThreadChoice choose_threads(int requested, int family_default, int hardware, bool headless);

/// What libgomp's workers do between parallel regions, read from the environment they start
/// with: genscope's choice, the user's own OMP_WAIT_POLICY/GOMP_SPINCOUNT, or libgomp's default.
std::string omp_wait_description();

/// libgomp reads OMP_WAIT_POLICY and GOMP_SPINCOUNT once, when it is loaded (before main), so a
/// process that wants its own choice must start with it: unless the user set either variable,
/// this sets GOMP_SPINCOUNT to kSpinCount and re-executes the program (/proc/self/exe, `argv`)
/// once. Returns only when nothing needed doing, or when the exec failed (training then runs
/// with libgomp's default). Call first in main, before any thread starts.
void apply_omp_wait_policy(char** argv);

/// The spin count genscope starts libgomp with: how many times a worker polls for the next
/// parallel region before it sleeps (libgomp's default is 300000, ~0.1-1 ms; 0 is
/// OMP_WAIT_POLICY=passive). Short enough that a worker whose core someone else needs gives it
/// up at once, long enough to catch the next region of the same step without a wake-up.
inline constexpr const char* kSpinCount = "10000";

}  // namespace genscope
