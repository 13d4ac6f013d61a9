#include "train/headless_fork.h"

#include <cctype>
#include <filesystem>
#include <memory>

#include "train/rng.h"
#include "train/runtime.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace genscope {

namespace {

// One run of the fork, with its own share of LibTorch's global generators: they are swapped in
// around its steps, so the runs' random streams do not depend on how their steps interleave.
struct Member {
  Member(std::unique_ptr<Run> r, std::string n) : run(std::move(r)), name(std::move(n)) {}
  std::unique_ptr<Run> run;
  std::string name;  // how errors name it: "the parent", "--fork lr_d=1e-4"
  std::vector<std::pair<torch::Device, torch::Tensor>> rng;
  bool active = true;
  std::string error;
};

std::vector<torch::Device> generator_devices() {
  std::vector<torch::Device> d{torch::Device(torch::kCPU)};
  if (cuda_available()) d.emplace_back(torch::kCUDA);
  return d;
}

void keep_rng(Member& m) {
  m.rng.clear();
  for (const torch::Device& d : generator_devices()) m.rng.emplace_back(d, generator_state(d));
}

void use_rng(const Member& m) {
  for (const auto& [device, state] : m.rng) set_generator_state(device, state);
}

// Takes `m`'s steps until `until` (one step when `one_step`); a failure ends `m` with its error.
void train_until(Member& m, int64_t until, bool one_step) {
  use_rng(m);
  const int64_t from = m.run->step();
  while (m.active && m.run->step() < until && !interrupted()) {
    if (!m.run->wants_step()) {
      m.active = false;
      m.error = m.name + ": " + m.run->message();
      break;
    }
    const TickOutcome outcome = m.run->tick();
    if (!m.run->file_error().empty()) {
      m.active = false;
      m.error = m.name + ": " + m.run->file_error();
    } else if (outcome.non_finite) {
      m.active = false;
      m.error = m.name + ": " + m.run->message();
    }
    if (one_step && m.run->step() > from) break;
  }
  if (m.run->step() >= until) m.active = false;
  keep_rng(m);
}

// Exports (when asked) and closes every member's files; the first error of all.
Status finish_all(std::vector<Member>& members, const std::string& export_path,
                  HeadlessFiles& files) {
  Status first;
  const auto note = [&](const std::string& e) {
    if (first && !e.empty()) first = Error{e};
  };
  for (Member& m : members) {
    note(m.error);
    if (!export_path.empty() && m.error.empty() && m.run->has_session()) {
      auto exported = m.run->export_generator(export_path);
      if (!exported) note(m.name + ": --export-generator: " + exported.error());
      if (exported && &m == &members.front()) files.exported = *exported;
    }
    if (Status s = m.run->finish(); !s) note(m.name + ": " + s.error());
  }
  if (first && interrupted()) {
    return Error{"interrupted: the runs' metrics.csv files are complete up to their last step"};
  }
  return first;
}

}  // namespace

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

Status run_headless_fork(RunOptions options, int64_t steps, HeadlessFiles& files) {
  const int64_t fork_at = options.fork_at;
  const std::vector<std::string> forks = std::move(options.forks);
  const std::string export_path = std::move(options.export_generator);
  options.fork_at = -1;
  options.forks.clear();
  options.export_generator.clear();
  options.watched = false;

  std::vector<Member> members;
  members.emplace_back(std::make_unique<Run>(options), "the parent");
  Run& parent = *members[0].run;
  Status started = parent.start();
  files.dir = parent.dir().path();
  files.samples = parent.samples_file();
  if (!started) return started;
  const int64_t first = parent.step(), end = first + steps;
  if (fork_at < first || fork_at > end) {
    parent.finish();
    return Error{strformat("--fork-at %lld: outside the run's steps %lld..%lld",
                           static_cast<long long>(fork_at), static_cast<long long>(first),
                           static_cast<long long>(end))};
  }
  keep_rng(members[0]);
  train_until(members[0], fork_at, false);
  if (parent.step() < fork_at) {
    if (members[0].error.empty()) members[0].error = "stopped before the fork step";
    return finish_all(members, "", files);
  }
  members[0].active = parent.step() < end;
  auto checkpoint = parent.save_checkpoint_now();
  if (!checkpoint) {
    members[0].error = "--fork-at: " + checkpoint.error();
    return finish_all(members, "", files);
  }
  keep_rng(members[0]);

  const std::string parent_name =
      strformat("%s@%lld", parent.dir().path().c_str(), static_cast<long long>(fork_at));
  for (size_t i = 0; i < forks.size(); ++i) {
    RunOptions b = options;
    b.resume = *checkpoint;
    b.out.clear();
    b.dir = branch_dir(parent.dir().path(), int(i) + 1, forks[i]);
    b.fork_edits = forks[i];
    b.parent = parent_name;
    (void)apply_edits(b.params, forks[i]);  // its run-file settings too (start() checks the edits)
    Member m(std::make_unique<Run>(std::move(b)), "--fork " + forks[i]);
    Status s = m.run->start();
    files.branches.push_back(m.run->dir().path());
    if (!s) m.error = m.name + ": " + s.error();
    keep_rng(m);
    m.active = s.ok() && m.run->step() < end;
    members.push_back(std::move(m));
    if (!s) return finish_all(members, "", files);  // before training the others for nothing
    use_rng(members[0]);  // the next branch starts from the same state
  }
  // One step each in turn, so every run's plots advance together.
  for (bool any = true; any && !interrupted();) {
    any = false;
    for (Member& m : members) {
      if (!m.active) continue;
      train_until(m, end, true);
      any = true;
    }
  }
  return finish_all(members, export_path, files);
}

}  // namespace genscope
