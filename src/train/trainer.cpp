#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "core/refresh.h"
#include "train/distributed.h"
#include "train/fork_member.h"
#include "train/headless_fork.h"
#include "train/run.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace genscope {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPublishInterval = std::chrono::milliseconds(250);  // status text between rows
constexpr auto kQualityRefresh = std::chrono::milliseconds(250);

}  // namespace

struct Trainer::Impl {
  TrainerLink& link;
  RunOptions base;  // how the first run started: its branches' run-file settings
  // The run the window started, then the branches forked from it or from each other
  // (Command::kFork): they take one step each in turn, each with its own random stream.
  std::vector<ForkMember> members;
  size_t shown = 0;        // the run the snapshots show and the commands go to
  int forks_made = 0;      // numbers the branches' directories
  std::string fork_error;  // why the last fork failed (shown until the next command)
  // Each run's last sample grid, for the snapshots that carry no new images.
  struct Grid {
    ImageRGBA image;
    int64_t step = 0;
    uint64_t version = 0;
  };
  std::vector<Grid> grids;
  uint64_t grid_versions = 0;
  std::thread thread;
  Clock::time_point last_publish{}, last_samples{};
  uint64_t commands_done = 0;  // the last command handled
  SampleCadence cadence;       // how often the window gets a new sample grid

  // Data-parallel (--serve on rank 0): the commands handled, for the other ranks each turn.
  ProcessGroup* group = nullptr;
  std::vector<Command> forwarded;
  bool stepping_together = false;  // the last turn's agreement: every rank steps

  // --fork-at STEP --fork EDITS in the window: Fork here with each, once at STEP.
  int64_t fork_at = -1;
  std::vector<std::string> fork_at_edits;

  Impl(TrainerLink& l, RunOptions options) : link(l), base(with_busy_hook(std::move(options))) {
    fork_at = base.fork_at;
    fork_at_edits = std::move(base.forks);
    base.fork_at = -1;
    base.forks.clear();
    members.emplace_back(std::make_unique<Run>(base), "the run");
    group = base.group.get();
  }

  // Data-parallel: this turn's commands (and a stop) to the other ranks, which take the same
  // steps. A rank that is gone stops training here with the reason; the run stays shown.
  // Then every rank steps only when all can (a NaN or a failed step on one pauses them all).
  void exchange_with_ranks(bool stop) {
    if (!group) return;
    try {
      group->exchange(forwarded, stop);
      if (stop) return forwarded.clear();
      stepping_together = group->agree(run().wants_step(), run().step());
      forwarded.clear();
      if (!stepping_together && run().wants_step()) {
        run().handle(Command::of(Command::Kind::kPause));
        fork_error = "another rank cannot step (a NaN or a failed step there): paused";
      }
    } catch (const std::exception& e) {
      // A rank is gone: rank 0 goes on alone, training if the ranks were (the step that found
      // it out failed and paused the run) and nobody paused or stepped it this turn.
      using K = Command::Kind;
      const bool paused_now = std::any_of(forwarded.begin(), forwarded.end(), [](const Command& c) {
        return c.kind == K::kPause || c.kind == K::kStep || c.kind == K::kStepTo;
      });
      forwarded.clear();
      if (stop) return (void)leave_group();  // stopping anyway: nothing to say or resume
      go_alone(e.what(), stepping_together && !paused_now);
    }
  }

  // Data-parallel no more (the group failed): rank 0 trains on as one process, training
  // (`train_on`) or paused, and says why in its terminal and its viewers' windows.
  void go_alone(const std::string& why, bool train_on) {
    fork_error = why + ": " + leave_group();
    if (train_on) {
      run().handle(Command::of(Command::Kind::kResume));
    } else {
      run().handle(Command::of(Command::Kind::kPause));
      fork_error += " (paused: Resume goes on)";
    }
    std::fprintf(stderr, "genscope: %s\n", fork_error.c_str());
    publish(false);
  }

  std::string leave_group() {
    group = nullptr;
    base.group.reset();  // forks made from now on are one process's too
    return run().leave_group();
  }

  void fork_when_due() {
    if (fork_at < 0 || members[0].run->step() < fork_at || !members[0].run->has_session()) return;
    fork_at = -1;
    const size_t was = shown;
    if (forked()) members[was].keep_rng(), members[0].use_rng();  // fork() takes the global state
    shown = 0;
    for (const std::string& edits : fork_at_edits) fork(edits);
    shown = was;
    if (forked()) members[0].keep_rng(), members[shown].use_rng();
    if (!fork_error.empty()) std::fprintf(stderr, "genscope: --fork-at: %s\n", fork_error.c_str());
    publish(true);
  }

  Run& run() { return *members[shown].run; }
  bool forked() const { return members.size() > 1; }

  RunOptions with_busy_hook(RunOptions options) {
    options.on_busy = [this] { publish(false); };
    return options;
  }

  void publish(bool with_images) {
    const auto start = Clock::now();
    Snapshot& s = link.snapshots.write_slot();
    // Only complete snapshots are published: a failed fill is tried again without new images
    // (what failed is then the run's message); when that fails too, the window keeps the last.
    if (!run().fill(s, with_images) && !run().fill(s, false)) return;
    s.commands_done = commands_done;
    s.samples_hz = cadence.hz();
    fill_fork(s, with_images);
    if (!fork_error.empty()) {
      s.message_level = MessageLevel::kError;
      s.message = fork_error;
    }
    link.snapshots.publish();
    last_publish = Clock::now();
    if (!with_images) return;
    last_samples = last_publish;
    // What the grid cost sets when the next one is due (training steps only: a paused run's
    // grids are rendered on demand).
    if (run().wants_step()) cadence.measured(std::chrono::duration<double>(last_publish - start).count());
  }

  // Every run of a fork, with its sample grid (rendered anew with `with_images`).
  void fill_fork(Snapshot& s, bool with_images) {
    s.fork_shown = int(shown);
    if (!forked()) {
      s.fork.clear();
      return;
    }
    grids.resize(members.size());
    s.fork.resize(members.size());
    for (size_t i = 0; i < members.size(); ++i) {
      Run& r = *members[i].run;
      ForkRun& f = s.fork[i];
      f.dir = r.dir().path();
      f.edits = members[i].edits;
      f.parent = members[i].parent;
      f.step = r.step();
      f.training = r.wants_step();
      f.message = r.message();
      Grid& g = grids[i];
      if (with_images) {
        if (i == shown) {
          g.image = s.samples, g.step = s.samples_step;
          g.version = ++grid_versions;
        } else if (g.step != r.step() || g.image.empty()) {
          ImageRGBA image;  // the fixed noise: no random numbers drawn
          if (r.render_samples(image)) {
            g.image = std::move(image), g.step = r.step();
            g.version = ++grid_versions;
          }
        }
      }
      f.samples = g.image;
      f.samples_step = g.step;
      f.samples_version = g.version;
    }
  }

  bool samples_due(Clock::time_point now) const {
    return cadence.due(std::chrono::duration<double>(now - last_samples).count());
  }

  // Fork here: saves the run shown and starts a branch of it with `edits`, training when it
  // trains. The branch has the run's random stream from this step on.
  void fork(const std::string& edits) {
    const auto fail = [&](const std::string& why) { fork_error = "Fork: " + why; };
    if (members.size() > size_t(kMaxForkBranches)) {
      return fail(strformat("at most %d branches train at once (close one first)", kMaxForkBranches));
    }
    Run& source = run();
    if (!source.has_session()) return fail("the run has not started");
    auto checkpoint = source.save_checkpoint_now();
    if (!checkpoint) return fail(checkpoint.error());
    ForkMember& from = members[shown];
    from.keep_rng();  // the random stream now, for the branch and for the run itself
    RunOptions b = branch_options(base, source.dir().path(), source.step(), *checkpoint,
                                  forks_made + 1, edits);
    ForkMember m(std::make_unique<Run>(with_busy_hook(b)), "fork " + edits);
    m.edits = edits;
    m.parent = b.parent;
    Status started = m.run->start();
    if (!started) {
      from.use_rng();
      return fail(started.error());
    }
    ++forks_made;
    m.keep_rng();
    from.use_rng();
    if (source.wants_step()) m.run->handle(Command::of(Command::Kind::kResume));
    members.push_back(std::move(m));
  }

  // Ends the fork's run `index` (not the first): its files are closed, its directory stays.
  void close(int64_t index) {
    if (index <= 0 || index >= int64_t(members.size())) return;
    (void)members[size_t(index)].run->finish();
    members.erase(members.begin() + index);
    if (grids.size() > size_t(index)) grids.erase(grids.begin() + index);
    if (shown == size_t(index)) {
      shown = 0;
    } else if (shown > size_t(index)) {
      --shown;
    }
    members[shown].use_rng();
  }

  void handle(const Command& c) {
    using K = Command::Kind;
    const bool fork_command = c.kind == K::kFork || c.kind == K::kShowRun || c.kind == K::kCloseRun;
    if (group && fork_command) {
      fork_error = "Fork: a data-parallel run does not fork (fork its checkpoint in one process)";
      return;
    }
    if (group && (c.kind == K::kLoadCheckpoint || c.kind == K::kRollBack)) {
      fork_error = "a data-parallel run loads a checkpoint only at its start: start every rank "
                   "with --resume";
      return;
    }
    if (group) forwarded.push_back(c);
    switch (c.kind) {
      case K::kFork:
        return fork(c.value.text);
      case K::kShowRun:
        if (c.count >= 0 && c.count < int64_t(members.size())) {
          if (forked()) members[shown].keep_rng();
          shown = size_t(c.count);
          if (forked()) members[shown].use_rng();
        }
        return;
      case K::kCloseRun:
        return close(c.count);
      case K::kStop:
        for (ForkMember& m : members) m.run->handle(c);
        return;
      default:
        return run().handle(c);
    }
  }

  // Handles the queued commands; true when there were any.
  bool handle_commands(std::vector<Command>& commands) {
    commands.clear();  // drain() appends: each command is handled once
    link.commands.drain(commands);
    for (const Command& c : commands) {
      fork_error.clear();
      handle(c);
      commands_done = std::max(commands_done, c.seq);
    }
    return !commands.empty();
  }

  // Paused (or waiting between two slow-motion updates): sleeps until a command comes, showing
  // the quality worker's progress meanwhile. Returns true when it woke only for that progress.
  bool idle(bool quality_refresh) {
    publish(!quality_refresh);
    if (group) {  // the other ranks wait for this rank's word: give it every second
      link.commands.wait_for_commands_until(Clock::now() + std::chrono::seconds(1));
      return false;
    }
    if (auto wake = run().wake_at()) {
      link.commands.wait_for_commands_until(*wake);
    } else if (run().quality_working()) {
      link.commands.wait_for_commands_until(Clock::now() + kQualityRefresh);
      return true;
    } else {
      link.commands.wait_for_commands();
    }
    return false;
  }

  // One step of each run that wants one (the shown run's row goes to the window); the others
  // take the evaluations that finished and write their settled history. False when none stepped.
  bool step_all() {
    bool any = false;
    const size_t shown_now = shown;
    for (size_t i = 0; i < members.size(); ++i) {
      ForkMember& m = members[i];
      const bool wants = m.run->wants_step();
      any |= wants;
      if (!wants) {
        m.run->tick();  // no step
        continue;
      }
      if (forked()) m.use_rng();
      const TickOutcome outcome = m.run->tick();
      if (forked()) m.keep_rng();
      if (outcome.stepped && i == shown_now) link.metrics.push(outcome.row);
    }
    if (forked()) members[shown].use_rng();
    return any;
  }

  void loop() {
    const Status started = run().start();  // a run that cannot start says why; the window stays
    if (group) {
      try {
        if (!group->agree(started.ok(), 0) && started) {
          fork_error = "another rank could not start (its terminal says why)";
        }
      } catch (const std::exception& e) {
        fork_error = e.what();
      }
      if (!fork_error.empty()) go_alone(fork_error, false);
    }
    publish(true);
    std::vector<Command> commands;
    bool quality_refresh = false;  // the idle loop woke only to show the quality worker's progress
    while (!members[0].run->stop_requested()) {
      if (handle_commands(commands)) {
        publish(!run().has_session() || run().step() == 0 || forked());
        quality_refresh = false;
      }
      if (members[0].run->stop_requested()) break;
      exchange_with_ranks(false);
      fork_when_due();
      if (!step_all()) {
        quality_refresh = idle(quality_refresh);
        continue;
      }
      const auto now = Clock::now();
      // (A paused run alone renders its grids on demand; paused beside training branches, at
      // the cadence.)
      const bool images = samples_due(now) || (!run().wants_step() && !forked());
      if (images || now - last_publish >= kPublishInterval) publish(images);
    }
    exchange_with_ranks(true);
    for (ForkMember& m : members) (void)m.run->finish();
  }
};

Trainer::Trainer(TrainerLink& link, Params params, std::string resume_path, std::string out_dir)
    : impl_(std::make_unique<Impl>(link, [&] {
        RunOptions o;
        o.params = std::move(params);
        o.resume = std::move(resume_path);
        o.out = std::move(out_dir);
        return o;
      }())) {}

Trainer::Trainer(TrainerLink& link, RunOptions options)
    : impl_(std::make_unique<Impl>(link, std::move(options))) {}

Trainer::~Trainer() { stop(); }

void Trainer::start() {
  if (impl_->thread.joinable()) return;
  impl_->thread = std::thread([this] { impl_->loop(); });
}

void Trainer::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->link.commands.push(Command::of(Command::Kind::kStop));
  impl_->thread.join();
}

namespace {

// Data-parallel: every rank takes the same steps, and rank 0 says when they stop (Ctrl+C there).
bool go_on(ProcessGroup* group, bool ok, int64_t step) {
  ok = ok && !interrupted();
  return group ? group->agree(ok, step) : ok;
}

// After a data-parallel run: this rank's line for rank 0, and (rank 0) every rank's.
std::vector<std::string> rank_reports(ProcessGroup& group, int64_t steps, double seconds) {
  const DistributedStats d = group.stats();
  group.report(strformat("rank %d: %.2f steps/s, %.1f %% of the time in all-reduce (%.2f ms per "
                         "step, %.1f MB per step)",
                         group.rank(), steps / std::max(seconds, 1e-9),
                         100.0 * d.allreduce_s / std::max(seconds, 1e-9),
                         1e3 * d.allreduce_s / std::max<int64_t>(steps, 1),
                         d.bytes / 1e6 / std::max<int64_t>(steps, 1)),
               /*last=*/true);
  return group.rank() == 0 ? group.reports(/*last=*/true) : std::vector<std::string>{};
}

Status run_headless_unguarded(RunOptions options, int64_t steps, const HeadlessObserver& observer,
                              HeadlessFiles* files) {
  options.watched = observer.every > 0 && observer.on_snapshot;  // a recording draws the panels
  const std::string export_path = options.export_generator;
  const std::shared_ptr<ProcessGroup> shared_group = options.group;
  Run run(std::move(options));
  Status started = run.start();
  if (files) {
    files->dir = run.dir().path();
    files->samples = run.samples_file();
  }
  if (shared_group && !shared_group->agree(started.ok(), 0) && started) {
    return Error{"another rank could not start (its terminal says why)"};
  }
  if (!started) return started;
  std::vector<MetricRow> rows;  // since the observer's last call
  const auto observe = [&]() -> Status {
    if (observer.every <= 0 || !observer.on_snapshot) return {};
    Snapshot snap;
    run.fill(snap, true);
    Status s = observer.on_snapshot(snap, rows);
    rows.clear();
    return s;
  };
  if (auto s = observe(); !s) return s;
  ProcessGroup* group = shared_group.get();
  const auto began = std::chrono::steady_clock::now();
  const int64_t first_step = run.step();
  // Every rank goes on while all can: steps left, a step that did not fail or pause it, files.
  int64_t i = 0;
  for (; go_on(group, i < steps && run.wants_step() && run.file_error().empty(), run.step()); ++i) {
    TickOutcome outcome = run.tick();
    if (!outcome.stepped) continue;
    if (observer.every > 0) {
      rows.push_back(outcome.row);
      if ((i + 1) % observer.every == 0) {
        if (auto s = observe(); !s) return s;
      }
    }
  }
  if (!run.file_error().empty()) return Error{run.file_error()};
  if (group && files) {
    files->ranks = rank_reports(*group, run.step() - first_step,
                                std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                              began).count());
  }
  const bool stopped = !run.wants_step();
  const std::string why = run.message();
  if (group && i < steps && !stopped && !interrupted()) {
    (void)run.finish();
    return Error{strformat("another rank stopped at step %lld (its terminal says why): stopped "
                           "here too", static_cast<long long>(run.step()))};
  }
  Result<std::string> exported = std::string();
  if (!export_path.empty() && !stopped) exported = run.export_generator(export_path);
  if (Status s = run.finish(); !s) return s;
  if (stopped) return Error{why};
  if (!exported) return Error{"--export-generator: " + exported.error()};
  if (files) files->exported = *exported;
  if (interrupted()) {
    return Error{strformat("interrupted at step %lld; metrics.csv and %s are complete",
                           static_cast<long long>(run.step()), run.samples_file().c_str())};
  }
  return {};
}

}  // namespace

Status run_rank_follower(const RunOptions& options) {
  if (!options.group || options.group->rank() == 0) return Error{"not a follower rank"};
  try {
    Run run(options);
    Status started = run.start();
    ProcessGroup& group = *options.group;
    if (!group.agree(started.ok(), 0)) {
      return started ? Error{"another rank could not start (its terminal says why)"} : started;
    }
    std::vector<Command> commands;
    while (group.exchange(commands, false)) {
      for (const Command& c : commands) {
        // Files a user asked for and the run's file settings are rank 0's; every rank takes
        // every other command.
        using K = Command::Kind;
        const bool files = c.kind == K::kSaveCheckpoint || c.kind == K::kExportGenerator ||
                           (c.kind == K::kSetParam && is_run_file_setting(c.param));
        if (!files) run.handle(c);
      }
      if (run.stop_requested()) break;
      if (!group.agree(run.wants_step(), run.step()) && run.wants_step()) {
        run.handle(Command::of(Command::Kind::kPause));  // another rank cannot step
      }
      run.tick();
    }
    std::fprintf(stderr, "genscope: rank 0 stopped the run at step %lld: stopped here too\n",
                 static_cast<long long>(run.step()));
    (void)run.finish();
    return started;
  } catch (const std::exception& e) {
    return Error{std::string("training failed: ") + first_line(e.what())};
  }
}

Status run_headless(const RunOptions& options, int64_t steps, const HeadlessObserver& observer,
                    HeadlessFiles* files) {
  try {
    if (options.fork_at < 0) return run_headless_unguarded(options, steps, observer, files);
    if (observer.every > 0) {
      return Error{"--fork-at: a recording shows one run (record a branch with --resume of its "
                   "checkpoint)"};
    }
    HeadlessFiles fork;
    Status s = run_headless_fork(options, steps, fork);
    if (files) *files = std::move(fork);
    return s;
  } catch (const std::exception& e) {  // e.g. out of GPU memory: an error, not std::terminate
    return Error{std::string("training failed: ") + first_line(e.what())};
  }
}

Status run_headless(const Params& params, int64_t steps, const std::string& out_dir,
                    const HeadlessObserver& observer, const std::string& resume_path) {
  RunOptions options;
  options.params = params;
  options.resume = resume_path;
  options.out = out_dir;
  options.headless = true;
  return run_headless(options, steps, observer);
}

}  // namespace genscope
