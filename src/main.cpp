// genscope: parse arguments, then run the window (App + Trainer thread) or the headless runner.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include <unistd.h>
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
#include "net/remote_client.h"
#include "net/remote_server.h"
#include "net/zmq_util.h"
#include "train/distributed.h"
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
  for (const std::string& line : used.ranks) std::printf("%s\n", line.c_str());
  for (size_t i = 0; i < used.branches.size(); ++i) {
    std::printf("forked at step %lld with %s: wrote %s\n", cli.fork_at, cli.forks[i].c_str(),
                used.branches[i].c_str());
  }
  return 0;
}

// The window's options from the command line; `dir`: the run directory (or the viewer's).
genscope::AppOptions app_options(const genscope::CliOptions& cli, const std::string& dir) {
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
  options.exit_after_record = cli.record && genscope::RecordSettings(cli.params).frame_limit() > 0;
  options.run_dir = dir;
  options.compare = cli.compare;
  return options;
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
  genscope::AppOptions options = app_options(cli, run.dir);
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


// --serve: the Trainer on its thread, the server on its own, no window; Ctrl+C ends both.
int run_serve(const genscope::CliOptions& cli, genscope::RunOptions run) {
  genscope::TrainerLink link;
  genscope::net::ServeOptions options;
  options.listen = cli.listen;
  options.token = cli.token;
  auto server = genscope::net::RemoteServer::start(link, options);
  if (!server) {
    std::fprintf(stderr, "genscope: %s\n", server.error().c_str());
    return 2;
  }
  std::string address = (*server)->address();
  auto bound = genscope::net::parse_endpoint(address, "--listen");
  if (bound && (bound->host == "0.0.0.0" || bound->host == "[::]" || bound->host == "*")) {
    char host[256] = {0};  // every interface: a viewer elsewhere names this machine
    if (gethostname(host, sizeof host - 1) == 0 && host[0]) {
      address = std::string(host) + ":" + std::to_string(bound->port);
    }
  }
  if (bound && !bound->loopback()) {
    std::printf("note: listening on %s, beyond this machine: anyone who reaches it and holds the "
                "token can watch and steer this run (the token travels in clear: prefer "
                "127.0.0.1 and an SSH tunnel)\n",
                address.c_str());
  }
  run.headless = true;  // every core trains, and there is nobody to look first
  const std::string dir = run.dir;
  genscope::Trainer trainer(link, std::move(run));
  trainer.start();
  std::printf("serving %s on %s\ntoken: %s\nview it with: genscope --connect %s --token %s\n",
              dir.c_str(), address.c_str(), (*server)->token().c_str(), address.c_str(),
              (*server)->token().c_str());
  std::fflush(stdout);
  while (!genscope::interrupted()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  trainer.stop();
  const genscope::net::ServeStats stats = (*server)->stats();
  std::printf("served %lld viewer connection(s): %lld snapshots (%.1f MB), %lld rows, %lld "
              "commands\n",
              static_cast<long long>(stats.viewers_seen),
              static_cast<long long>(stats.snapshots_sent), stats.snapshot_bytes / 1e6,
              static_cast<long long>(stats.rows_sent), static_cast<long long>(stats.commands));
  return 0;
}

// --connect: the App on this thread, fed by a RemoteClient instead of a Trainer.
int run_connect(const genscope::CliOptions& cli, const std::string& dir) {
  genscope::TrainerLink link;
  genscope::net::ConnectOptions connect;
  connect.address = cli.connect;
  connect.token = cli.token;
  connect.say = [](const std::string& news) { std::fprintf(stderr, "genscope: %s\n", news.c_str()); };
  auto client = genscope::net::RemoteClient::start(link, connect);
  if (!client) {
    std::fprintf(stderr, "genscope: %s\n", client.error().c_str());
    return 2;
  }
  if (auto display = genscope::probe_display(); !display) {  // after the address is checked
    std::fprintf(stderr, "genscope: %s\n", display.error().c_str());
    return 2;
  }
  genscope::AppOptions options = app_options(cli, dir);
  options.viewer = true;
  options.remote = cli.connect;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "genscope: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 2;
  }
  genscope::App app(link, options);
  int code = app.run();
  const genscope::AppReport& report = app.report();
  if (!report.recording_summary.empty() && report.recording_ok) {
    std::printf("%s\n", report.recording_summary.c_str());
  }
  std::filesystem::remove(dir, ec);  // only when empty: nothing was saved there
  const std::string error = (*client)->stats().error;
  if (!error.empty()) return code == 0 ? 1 : code;  // the terminal heard it when it happened
  return code;
}

// Data-parallel: the ranks meet (torchrun's variables, or the flags); rank 0 keeps the run
// directory, the others train into DIR/rank-N with no checkpoints or quality metrics of their
// own. Returns 0 to go on, else the exit code (the error said).
int join_ranks(const genscope::CliOptions& cli, genscope::RunOptions& run) {
  auto env = genscope::distributed_from_env();
  if (!env) {
    std::fprintf(stderr, "genscope: %s\n", env.error().c_str());
    return 2;
  }
  genscope::DistributedOptions o = *env;
  if (cli.world_size > 0) o.world = cli.world_size;
  if (cli.rank >= 0) o.rank = cli.rank;
  if (cli.rank >= 0 && !std::getenv("LOCAL_RANK")) o.local_rank = o.rank;  // as torchrun's would
  if (!cli.master_addr.empty()) o.master_addr = cli.master_addr;
  if (cli.master_port > 0) o.master_port = cli.master_port;
  const bool rank_given = cli.rank >= 0 || std::getenv("RANK") != nullptr;
  const char* problem =
      o.world == 1 ? (cli.rank > 0 ? "--rank needs --world-size N (or WORLD_SIZE)" : nullptr)
      : !rank_given ? "--world-size needs --rank R (or RANK): each process its own"
      : o.rank >= o.world ? "the rank must be below the world size"
      : !cli.headless && !cli.serve
          ? "data-parallel ranks train with --headless --steps N or --serve (every rank)"
      : cli.fork_at >= 0 ? "--fork-at trains one process (fork a data-parallel run's checkpoint)"
      : cli.record ? "--record draws one process's window: record a viewer instead"
                    : nullptr;
  if (problem) {
    std::fprintf(stderr, "genscope: rank %d of %d: %s\n", o.rank, o.world, problem);
    return 2;
  }
  if (o.world == 1) return 0;
  // Each rank its own GPU, as torchrun's LOCAL_RANK means: set before CUDA is first asked.
  auto gpu = genscope::gpu_for_local_rank(o.local_rank, std::getenv("CUDA_VISIBLE_DEVICES"));
  if (!gpu) {
    std::fprintf(stderr, "genscope: rank %d of %d: %s\n", o.rank, o.world, gpu.error().c_str());
    return 2;
  }
  setenv("CUDA_VISIBLE_DEVICES", gpu->c_str(), 1);
  o.cuda = genscope::cuda_available();
  auto group = genscope::ProcessGroup::join(o);
  if (!group) {
    std::fprintf(stderr, "genscope: %s\n", group.error().c_str());
    return 1;
  }
  run.dir = (*group)->share("run_dir", run.dir);
  // Ranks on one machine share its cores (torchrun's LOCAL_WORLD_SIZE, else all on loopback).
  const char* local = std::getenv("LOCAL_WORLD_SIZE");
  const int here = local ? std::max(1, std::atoi(local))
                         : (o.master_addr == "127.0.0.1" || o.master_addr == "localhost" ? o.world : 1);
  run.ranks_here = here;
  if (o.rank > 0) {
    run.watched = false;  // nobody looks at a follower's views
    run.dir += "/rank-" + std::to_string(o.rank);
    run.out = run.dir;
    run.export_generator.clear();
    for (auto [id, off] : {std::pair{genscope::ParamId::kEvalEvery, "0"},
                           {genscope::ParamId::kCheckpointEvery, "0"},
                           {genscope::ParamId::kTensorboard, "off"}}) {
      run.params.set_from_string(id, off);
    }
  }
  std::fprintf(stderr,
               "genscope: rank %d of %d joined %s:%d; training on %s, all-reduce through %s, "
               "into %s\n",
               o.rank, o.world, o.master_addr.c_str(), o.master_port,
               o.cuda ? ("GPU " + *gpu).c_str() : "CPU", (*group)->backend().c_str(),
               run.dir.c_str());
  if ((*group)->mixed_devices() && o.rank == 0) {
    std::fprintf(stderr, "genscope: warning: some ranks train on a GPU and some on the CPU (one "
                         "per rank on a machine: LOCAL_RANK picks it): their weights may part in "
                         "the last bits\n");
  }
  run.group = std::move(*group);
  return 0;
}

// Where a viewer keeps what it makes (screenshots, recordings): its own folder in runs_dir.
std::string viewer_dir(const genscope::CliOptions& cli) {
  std::string name = genscope::RunDirectory::default_name(cli.params, std::time(nullptr));
  name = name.substr(0, std::min<size_t>(name.size(), 15)) + "-view-";
  for (char c : cli.connect) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return (std::filesystem::path(cli.params.text(genscope::ParamId::kRunsDir)) / name).string();
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
  if (!cli->connect.empty()) {
    const std::string dir = viewer_dir(*cli);
    if (!cli->screenshot_path.empty()) {
      cli->screenshot_path = genscope::RunDirectory(dir).output(cli->screenshot_path);
    }
    return run_connect(*cli, dir);
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
  if (int code = join_ranks(*cli, run); code != 0) return code;
  if (cli->serve && run.group && run.group->rank() > 0) {
    run.headless = true;
    auto followed = genscope::run_rank_follower(run);
    if (!followed) std::fprintf(stderr, "genscope: %s\n", followed.error().c_str());
    return followed ? 0 : 1;
  }
  if (cli->serve) return run_serve(*cli, std::move(run));
  return cli->headless ? run_headless_cli(*cli, std::move(run), record)
                       : run_window(*cli, std::move(run), record);
}
