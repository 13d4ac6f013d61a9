// genscope: parse arguments, then run the window (App + Trainer thread) or the headless runner.
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/offscreen_recorder.h"
#include "app/window.h"
#include "core/cli.h"
#include "core/record_settings.h"
#include "core/run_dir.h"
#include "core/thread_policy.h"
#include "gui/gui.h"
#include "train/runtime.h"
#include "train/trainer.h"
#include "util/interrupt.h"

namespace {

// A --resume path that cannot be read is said before a window opens on a run that cannot start.
bool resume_readable(const std::string& path) {
  if (path.empty()) return true;
  std::error_code ec;
  const char* why = !std::filesystem::exists(path, ec)            ? "no such file"
                    : !std::filesystem::is_regular_file(path, ec) ? "not a regular file"
                                                                  : nullptr;
  if (why) std::fprintf(stderr, "genscope: --resume %s: %s\n", path.c_str(), why);
  return why == nullptr;
}

// --headless: trains on this thread; --record draws the panels offscreen into a video.
int run_headless_cli(const genscope::CliOptions& cli, genscope::RunOptions run,
                     const genscope::RecordSettings& record) {
  std::unique_ptr<genscope::OffscreenRecorder> recorder;
  genscope::HeadlessObserver observer;
  if (cli.record) {
    auto created = genscope::OffscreenRecorder::create(record, cli.window_width,
                                                       cli.window_height, cli.ui_scale);
    if (!created) {
      std::fprintf(stderr, "genscope: %s\n", created.error().c_str());
      return 1;
    }
    recorder = std::move(*created);
    observer.every = record.lockstep_steps();  // offscreen recordings are always lockstep
    observer.on_snapshot = [&](const genscope::Snapshot& snap,
                               const std::vector<genscope::MetricRow>& rows) {
      return recorder->frame(snap, rows);
    };
  }
  run.headless = true;
  genscope::HeadlessFiles used;
  auto status = genscope::run_headless(run, cli.steps, observer, &used);
  if (recorder) {
    // Finish the video even when training stopped early (Ctrl+C, an error): it plays.
    auto finished = recorder->finish();
    if (!finished) {
      // The run's own error (printed below) is often this one: say it once.
      if (status) {
        std::fprintf(stderr, "genscope: %s\n", finished.error().c_str());
        return 1;
      }
    } else {
      std::printf("%s\n", recorder->summary().c_str());
    }
  }
  if (!status) {
    std::fprintf(stderr, "genscope: %s\n", status.error().c_str());
    return 1;
  }
  std::printf("trained %lld steps; wrote %s/metrics.csv and %s/%s\n", cli.steps,
              used.dir.c_str(), used.dir.c_str(), used.samples.c_str());
  if (!used.exported.empty()) {
    std::printf("exported the generator to %s (its layers in the .json beside it)\n",
                used.exported.c_str());
  }
  for (size_t i = 0; i < used.branches.size(); ++i) {
    std::printf("forked at step %lld with %s: wrote %s\n", cli.fork_at, cli.forks[i].c_str(),
                used.branches[i].c_str());
  }
  return 0;
}

// The window: the App on this thread, the Trainer on its own.
int run_window(const genscope::CliOptions& cli, genscope::RunOptions run,
               const genscope::RecordSettings& record) {
  // No display is reported before anything slow (LibTorch, the trainer thread) starts.
  if (auto display = genscope::probe_display(); !display) {
    std::fprintf(stderr, "genscope: %s\n", display.error().c_str());
    return 2;
  }
  genscope::TrainerLink link;
  genscope::AppOptions options;
  options.window.width = cli.window_width;
  options.window.height = cli.window_height;
  options.ui_scale = cli.ui_scale;
  options.layout_path = genscope::default_ini_path();
  options.screenshot_path = cli.screenshot_path;
  options.screenshot_frames = cli.screenshot_frames;
  options.screenshot_step = cli.screenshot_step;
  options.record = cli.params;
  options.record_at_start = cli.record;
  options.exit_after_record = cli.record && record.frame_limit() > 0;
  options.run_dir = run.dir;
  options.compare = cli.compare;
  // A lockstep recording starts from step 0: the trainer waits for the App's step commands.
  if (cli.record && record.lockstep()) {
    link.commands.push(genscope::Command::of(genscope::Command::Kind::kPause));
  }
  genscope::App app(link, options);
  genscope::Trainer trainer(link, std::move(run));
  trainer.start();
  int code = app.run();
  trainer.stop();
  const genscope::AppReport& report = app.report();
  if (!report.recording_summary.empty() && report.recording_ok) {
    std::printf("%s\n", report.recording_summary.c_str());
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  genscope::apply_omp_wait_policy(argv);  // may re-execute the program: first of all
  genscope::set_render_environment();     // before any thread
  genscope::tune_allocator();
  genscope::install_interrupt_handler();
  auto cli = genscope::parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  if (!cli) {
    std::fprintf(stderr, "genscope: %s\n", cli.error().c_str());
    return 2;
  }
  if (cli->help) {
    std::fputs(genscope::cli_help().c_str(), stdout);
    return 0;
  }
  if (cli->print_config) {
    std::fputs(genscope::to_config_text(cli->params).c_str(), stdout);
    return 0;
  }
  if (auto modes = genscope::check_mode_flags(*cli); !modes) {
    std::fprintf(stderr, "genscope: %s\n", modes.error().c_str());
    return 2;
  }
  if (!resume_readable(cli->resume)) return 2;
  // The run directory, chosen now: what the window or the recorder write goes there too.
  const genscope::RunDirectory run_dir(genscope::RunDirectory::choose(
      cli->params, cli->out_dir, cli->resume, std::time(nullptr)));
  if (!cli->screenshot_path.empty()) cli->screenshot_path = run_dir.output(cli->screenshot_path);
  genscope::RunOptions run;
  run.params = cli->params;
  run.resume = cli->resume;
  run.out = cli->out_dir;
  run.dir = run_dir.path();
  run.export_generator = cli->export_generator;
  run.fork_at = cli->fork_at;
  run.forks = cli->forks;
  // The Record rows (--record-*, config). A bare record_path names a file in the run directory;
  // the window resolves it when a recording starts (a reset moves to a new run directory).
  genscope::RecordSettings record(cli->params);
  if (cli->headless) record.path = run_dir.output(record.path);
  return cli->headless ? run_headless_cli(*cli, std::move(run), record)
                       : run_window(*cli, std::move(run), record);
}
