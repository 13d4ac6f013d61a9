#include "train/trainer.h"

#include <chrono>
#include <thread>

#include "core/refresh.h"
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
  Run run;
  std::thread thread;
  Clock::time_point last_publish{}, last_samples{};
  uint64_t commands_done = 0;  // the last command handled
  SampleCadence cadence;       // how often the window gets a new sample grid

  Impl(TrainerLink& l, RunOptions options) : link(l), run(with_busy_hook(std::move(options))) {}

  RunOptions with_busy_hook(RunOptions options) {
    options.on_busy = [this] { publish(false); };
    return options;
  }

  void publish(bool with_images) {
    const auto start = Clock::now();
    Snapshot& s = link.snapshots.write_slot();
    // Only complete snapshots are published: a failed fill is tried again without new images
    // (what failed is then the run's message); when that fails too, the window keeps the last.
    if (!run.fill(s, with_images) && !run.fill(s, false)) return;
    s.commands_done = commands_done;
    s.samples_hz = cadence.hz();
    link.snapshots.publish();
    last_publish = Clock::now();
    if (!with_images) return;
    last_samples = last_publish;
    // What the grid cost sets when the next one is due (training steps only: a paused run's
    // grids are rendered on demand).
    if (run.wants_step()) cadence.measured(std::chrono::duration<double>(last_publish - start).count());
  }

  bool samples_due(Clock::time_point now) const {
    return cadence.due(std::chrono::duration<double>(now - last_samples).count());
  }

  // Handles the queued commands; true when there were any.
  bool handle_commands(std::vector<Command>& commands) {
    commands.clear();  // drain() appends: each command is handled once
    link.commands.drain(commands);
    for (const Command& c : commands) {
      run.handle(c);
      commands_done = std::max(commands_done, c.seq);
    }
    return !commands.empty();
  }

  // Paused (or waiting between two slow-motion updates): sleeps until a command comes, showing
  // the quality worker's progress meanwhile. Returns true when it woke only for that progress.
  bool idle(bool quality_refresh) {
    publish(!quality_refresh);
    if (auto wake = run.wake_at()) {
      link.commands.wait_for_commands_until(*wake);
    } else if (run.quality_working()) {
      link.commands.wait_for_commands_until(Clock::now() + kQualityRefresh);
      return true;
    } else {
      link.commands.wait_for_commands();
    }
    return false;
  }

  void loop() {
    (void)run.start();  // a run that cannot start says why in its message; the window stays
    publish(true);
    std::vector<Command> commands;
    bool quality_refresh = false;  // the idle loop woke only to show the quality worker's progress
    while (!run.stop_requested()) {
      if (handle_commands(commands)) {
        publish(!run.has_session() || run.step() == 0);
        quality_refresh = false;
      }
      if (run.stop_requested()) break;
      if (!run.wants_step()) {
        run.tick();  // no step: takes the evaluations that finished, writes settled history
        quality_refresh = idle(quality_refresh);
        continue;
      }
      if (TickOutcome outcome = run.tick(); outcome.stepped) link.metrics.push(outcome.row);
      const auto now = Clock::now();
      const bool images = samples_due(now) || !run.wants_step();
      if (images || now - last_publish >= kPublishInterval) publish(images);
    }
    (void)run.finish();
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

Status run_headless_unguarded(RunOptions options, int64_t steps, const HeadlessObserver& observer,
                              HeadlessFiles* files) {
  options.watched = observer.every > 0 && observer.on_snapshot;  // a recording draws the panels
  const std::string export_path = options.export_generator;
  Run run(std::move(options));
  Status started = run.start();
  if (files) {
    files->dir = run.dir().path();
    files->samples = run.samples_file();
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
  for (int64_t i = 0; i < steps && !interrupted(); ++i) {
    if (!run.wants_step()) break;  // a failed step paused it
    TickOutcome outcome = run.tick();
    if (!run.file_error().empty()) return Error{run.file_error()};
    if (!outcome.stepped) continue;
    if (observer.every > 0) {
      rows.push_back(outcome.row);
      if ((i + 1) % observer.every == 0) {
        if (auto s = observe(); !s) return s;
      }
    }
    if (outcome.non_finite) break;
  }
  const bool stopped = !run.wants_step();
  const std::string why = run.message();
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
