#include "core/thread_policy.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "util/strings.h"

namespace genscope {
namespace {

// Set with GOMP_SPINCOUNT by apply_omp_wait_policy: the variable is genscope's, not the user's.
constexpr const char* kMarker = "GENSCOPE_OMP_WAIT";

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

}  // namespace

ThreadChoice choose_threads(int requested, int family_default, int hardware, bool headless) {
  hardware = std::max(1, hardware);
  if (requested > 0) return {requested, strformat("set by threads = %d", requested)};
  if (family_default > 0) return {family_default, "fastest for this model"};
  if (headless) return {hardware, "every core (headless)"};
  if (hardware == 1) return {1, "every core"};
  // The window needs a core now and then (under llvmpipe it renders on the CPU): a thread that
  // loses its core stalls every parallel region of the step. Measured on 2 cores with the window
  // open: one thread 5.4 steps/s, two 4.7. A windowed CPU run then tunes this by measuring.
  return {hardware - 1, "one core left for the window"};
}

std::string omp_wait_description() {
  const char* spin = env("GOMP_SPINCOUNT");
  const char* policy = env("OMP_WAIT_POLICY");
  const char* marker = env(kMarker);
  if (spin && marker && std::strcmp(spin, marker) == 0 && !policy) {
    return strformat("workers spin %s polls, then sleep (genscope's choice)", spin);
  }
  if (spin || policy) {
    std::string set;
    if (policy) set += std::string("OMP_WAIT_POLICY=") + policy;
    if (spin) set += std::string(set.empty() ? "" : ", ") + "GOMP_SPINCOUNT=" + spin;
    return set + " (set by you)";
  }
  return "libgomp's default waiting (300000 polls)";
}

void apply_omp_wait_policy(char** argv) {
  if (env("OMP_WAIT_POLICY") || env("GOMP_SPINCOUNT") || env(kMarker)) return;
  // The program's own path, so that ps and top still show its name (not "exe").
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return;
  path[n] = '\0';
  setenv("GOMP_SPINCOUNT", kSpinCount, 1);
  setenv(kMarker, kSpinCount, 1);
  execv(path, argv);
  // The exec failed: carry on with libgomp's default, and say so truthfully.
  unsetenv("GOMP_SPINCOUNT");
}

}  // namespace genscope
