#include "train/headless_fork.h"

#include <memory>

#include "train/fork_member.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace genscope {

namespace {

using Member = ForkMember;

// Takes `m`'s steps until `until` (one step when `one_step`); a failure ends `m` with its error.
void train_until(Member& m, int64_t until, bool one_step) {
  m.use_rng();
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
  m.keep_rng();
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
  members[0].keep_rng();
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
  members[0].keep_rng();

  for (size_t i = 0; i < forks.size(); ++i) {
    Member m(std::make_unique<Run>(branch_options(options, parent.dir().path(), fork_at,
                                                  *checkpoint, int(i) + 1, forks[i])),
             "--fork " + forks[i]);
    Status s = m.run->start();
    files.branches.push_back(m.run->dir().path());
    if (!s) m.error = m.name + ": " + s.error();
    m.keep_rng();
    m.active = s.ok() && m.run->step() < end;
    members.push_back(std::move(m));
    if (!s) return finish_all(members, "", files);  // before training the others for nothing
    members[0].use_rng();  // the next branch starts from the same state
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
