#include "train/fork_member.h"

#include <cctype>
#include <filesystem>

#include "train/rng.h"
#include "train/runtime.h"
#include "util/strings.h"

namespace genscope {
namespace {

std::vector<torch::Device> generator_devices() {
  std::vector<torch::Device> d{torch::Device(torch::kCPU)};
  if (cuda_available()) d.emplace_back(torch::kCUDA);
  return d;
}

}  // namespace

void ForkMember::keep_rng() {
  rng.clear();
  for (const torch::Device& d : generator_devices()) rng.emplace_back(d, generator_state(d));
}

void ForkMember::use_rng() const {
  for (const auto& [device, state] : rng) set_generator_state(device, state);
}

std::string branch_dir(const std::string& parent_dir, int index, const std::string& edits) {
  std::string name;
  for (char c : edits) {
    const bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                       c == '-';
    name += plain ? c : c == ',' ? '+' : '-';
    if (name.size() >= 60) break;
  }
  const std::string base = strformat("%s-fork%d-%s", parent_dir.c_str(), index, name.c_str());
  std::error_code ec;
  std::string dir = base;
  for (int n = 2; std::filesystem::exists(dir, ec); ++n) dir = strformat("%s-%d", base.c_str(), n);
  return dir;
}

RunOptions branch_options(const RunOptions& base, const std::string& parent_dir, int64_t step,
                          const std::string& checkpoint, int index, const std::string& edits) {
  RunOptions b = base;
  b.resume = checkpoint;
  b.out.clear();
  b.dir = branch_dir(parent_dir, index, edits);
  b.fork_edits = edits;
  b.parent = strformat("%s@%lld", parent_dir.c_str(), static_cast<long long>(step));
  b.fork_at = -1;
  b.forks.clear();
  b.export_generator.clear();
  (void)apply_edits(b.params, edits);  // its run-file settings too (start() checks the edits)
  return b;
}

}  // namespace genscope
