#pragma once
// LibTorch's process-wide random generators: keeping and restoring their state.
#include <ATen/CPUGeneratorImpl.h>

#include <mutex>
#include <utility>
#include <vector>

#include "train/torch_pch.h"

namespace genscope {

/// LibTorch's default generator of `device`: the CPU's, or the GPU's.
inline at::Generator default_generator(torch::Device device) {
  return device.is_cuda() ? at::globalContext().defaultGenerator(device)
                          : at::detail::getDefaultCPUGenerator();
}

/// The state of the default generator of `device`, as a CPU tensor.
inline torch::Tensor generator_state(torch::Device device) {
  at::Generator gen = default_generator(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

/// Sets the default generator of `device` to `state` (generator_state()'s tensor, on any device).
inline void set_generator_state(torch::Device device, const torch::Tensor& state) {
  at::Generator gen = default_generator(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state.to(torch::kCPU).contiguous());
}

/// Puts the default generators (the CPU one, and the device's when it is a GPU) back to their
/// state at construction when it goes out of scope, also when what it guards throws; keep()
/// accepts what happened to them instead.
class GlobalRngRestore {
 public:
  explicit GlobalRngRestore(torch::Device device) {
    saved_.emplace_back(torch::Device(torch::kCPU), generator_state(torch::kCPU));
    if (device.is_cuda()) saved_.emplace_back(device, generator_state(device));
  }
  ~GlobalRngRestore() {
    for (const auto& [device, state] : saved_) set_generator_state(device, state);
  }
  GlobalRngRestore(const GlobalRngRestore&) = delete;
  GlobalRngRestore& operator=(const GlobalRngRestore&) = delete;
  /// Leaves the generators as they are now.
  void keep() { saved_.clear(); }

 private:
  std::vector<std::pair<torch::Device, torch::Tensor>> saved_;
};

}  // namespace genscope
