#pragma once
// Version numbers unique in the process. A consumer copies data when its version changed; with
// versions that never repeat, a new producer's first version (a new lab, session or quality
// worker) is never mistaken for an old one's.
#include <atomic>
#include <cstdint>

namespace genscope {

/// The next version number (never 0, never repeated), from any thread.
inline uint64_t next_unique_version() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

}  // namespace genscope
