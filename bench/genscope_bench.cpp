// genscope-bench: what a user of the window feels, in one run (run it under
// `xvfb-run -a -s "-screen 0 1920x1080x24"` when there is no display). Prints JSON.
//   training: the default model's steps/s headless and with the window open (its plot and
//     sample refresh rates, frame times, input latency), on a quiet machine and with a
//     competing CPU-bound thread, and the reference DCGAN (pytorch/examples cpp/dcgan: width 64,
//     latent 100, batch 64) headless;
//   frames: the window rendering every frame (the real CPU cost of a frame) with 10^6-row
//     histories, for the DCGAN, the VAE (latent map open) and the 2D lab (every layer on), at
//     1280x720 and 1920x1080: frame CPU and wall time p50/p99, plot and sample refresh rates,
//     input latency p50/p99 (pointer moved from another X connection to the frame that used it)
//     and training steps/s.
// Usage: genscope-bench [--seconds S] [--pairs N] [--quick | --frames | --scene dcgan|vae|lab]
//                       [parameter flags...]
//   --pairs N: each training figure from N headless/windowed pairs run back to back (the
//   median pair's; every pair's ratio is listed)
//   --quick: the training phases only; --frames: the frames phases only; --scene: one model's
//   frames phases only
//        genscope-bench --decode-bench
//   image folder decoding: 4000 64x64 JPEG thumbnails on one thread and on every core, then the
//   cached start (and what it comes to for 50k images).
//        genscope-bench --record-bench [--seconds S] [parameter flags...]
//   recording benchmark: the window with and without real-time recording of the whole window
//   (1280x720 at 30 fps, H.264 veryfast) side by side: achieved video fps, dropped frames, and
//   training steps/s with vs without recording.
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "bench_probes.h"
#include "core/cli.h"
#include "core/thread_policy.h"
#include "data/image_folder.h"
#include "util/strings.h"
#include "train/run.h"
#include "train/runtime.h"
#include "train/trainer.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace genscope;
using bench::Json;
using bench::percentile;

constexpr double kWarmup = 3.0;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Steps per second of a headless run (what `genscope --headless` does: a Run stepped on this
// thread, no window, no images for one) over `seconds`, after `warmup` seconds.
double headless_rate(const Params& params, double warmup, double seconds, bool busy) {
  std::optional<bench::BusyThread> competitor;
  if (busy) competitor.emplace();
  RunOptions options;
  options.params = params;
  options.headless = true;  // the thread policy headless runs get
  Run run(options);
  if (!run.start()) return 0.0;
  const auto t0 = Clock::now();
  while (run.wants_step() && (run.step() < 1 || seconds_since(t0) < warmup)) run.tick();
  const int64_t s0 = run.step();
  const auto t1 = Clock::now();
  while (run.wants_step() && seconds_since(t1) < seconds) run.tick();
  const double rate = (run.step() - s0) / seconds_since(t1);
  (void)run.finish();
  return rate;
}

// What the App's report says at one moment (after the warm-up, at the end).
struct Mark {
  size_t frames = 0;
  uint64_t plot_updates = 0, sample_updates = 0;
  int64_t steps = 0;
  double steps_seconds = 0, t = 0;
};

Mark mark(const AppReport& r, double t) {
  return {r.frame_ms.size(), r.plot_updates, r.sample_updates, r.steps_during_run,
          r.steps_seconds, t};
}

struct WindowPhase {
  int width = 1280, height = 720;
  double seconds = 10;
  bool continuous = false;  // render every frame
  bool busy = false;        // a competing CPU-bound thread
  int64_t preload_rows = 0;
};

// One phase with the window open, measured after the warm-up.
struct WindowResult {
  bool ok = false;
  double steps_per_s = 0, fps = 0, plot_hz = 0, samples_hz = 0;
  double vertices = 0, indices = 0;  // the last frame's
  std::vector<double> frame_cpu_ms, frame_wall_ms, latency_ms;
};

WindowResult summarize(const AppReport& r, const Mark& a, const Mark& b,
                       const bench::InputLatencyProbe& probe) {
  WindowResult out;
  const double dt = b.t - a.t;
  if (dt <= 0 || b.frames <= a.frames) return out;
  out.ok = true;
  const double step_dt = b.steps_seconds - a.steps_seconds;
  out.steps_per_s = step_dt > 0 ? (b.steps - a.steps) / step_dt : 0;
  out.fps = (b.frames - a.frames) / dt;
  out.plot_hz = (b.plot_updates - a.plot_updates) / dt;
  out.samples_hz = (b.sample_updates - a.sample_updates) / dt;
  out.frame_cpu_ms.assign(r.frame_cpu_ms.begin() + a.frames, r.frame_cpu_ms.begin() + b.frames);
  out.frame_wall_ms.assign(r.frame_ms.begin() + a.frames, r.frame_ms.begin() + b.frames);
  out.latency_ms = probe.latencies_ms();
  out.vertices = static_cast<double>(r.vertices);
  out.indices = static_cast<double>(r.indices);
  return out;
}

WindowResult windowed(const Params& params, const WindowPhase& phase, const Params* record) {
  TrainerLink link;
  std::optional<bench::BusyThread> competitor;
  if (phase.busy) competitor.emplace();
  bench::InputLatencyProbe probe;
  AppOptions options;
  options.window.width = phase.width, options.window.height = phase.height;
  options.run_seconds = phase.seconds + kWarmup;
  options.continuous = phase.continuous;
  options.preload_rows = phase.preload_rows;
  if (record) options.record = *record, options.record_at_start = true;
  const App* app = nullptr;
  const auto start = Clock::now();
  std::optional<Mark> first;
  Mark last;
  options.on_presented = [&](float x, float y) {
    const double t = seconds_since(start);
    if (!first && t >= kWarmup) first = mark(app->report(), t), probe.attach();
    if (t >= options.run_seconds - 0.5) probe.stop();  // before the window goes
    probe.presented(x, y);
    last = mark(app->report(), t);
  };
  App window(link, options);
  app = &window;
  Trainer trainer(link, params);
  trainer.start();
  const int code = window.run();
  trainer.stop();
  if (code != 0 || !first) return {};
  return summarize(window.report(), *first, last, probe);
}

void write_window(Json& json, const char* name, const WindowResult& w) {
  json.begin(name);
  json.boolean("window_open", w.ok);
  json.number("steps_per_s", w.steps_per_s);
  json.number("fps", w.fps, "%.2f");
  json.number("plot_refresh_hz", w.plot_hz, "%.2f");
  json.number("samples_refresh_hz", w.samples_hz, "%.2f");
  json.number("frame_cpu_ms_p50", percentile(w.frame_cpu_ms, 0.5), "%.2f");
  json.number("frame_cpu_ms_p99", percentile(w.frame_cpu_ms, 0.99), "%.2f");
  json.number("frame_wall_ms_p50", percentile(w.frame_wall_ms, 0.5), "%.2f");
  json.number("frame_wall_ms_p99", percentile(w.frame_wall_ms, 0.99), "%.2f");
  json.number("input_latency_ms_p50", percentile(w.latency_ms, 0.5), "%.1f");
  json.number("input_latency_ms_p99", percentile(w.latency_ms, 0.99), "%.1f");
  json.number("input_events", static_cast<double>(w.latency_ms.size()), "%.0f");
  json.number("vertices_per_frame", w.vertices, "%.0f");
  json.number("indices_per_frame", w.indices, "%.0f");
  json.end();
}

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

Params with(Params p, ParamId id, double number, const std::string& text = "") {
  p.set(id, {number, text});
  return p;
}

// Training throughput headless and windowed, quiet and with a competing thread.
// Headless and windowed one after the other, `pairs` times: the ratio of each pair (a noisy
// machine drifts less within a pair than across the run), and the pair with the median ratio.
struct PairResult {
  std::vector<double> ratios;
  double headless = 0.0;  // of the median pair
  WindowResult window;
};

PairResult training_pairs(const Params& params, double seconds, int pairs, bool busy) {
  std::vector<std::pair<double, WindowResult>> runs;
  PairResult out;
  for (int i = 0; i < pairs; ++i) {
    const double headless = headless_rate(params, kWarmup, seconds, busy);
    WindowPhase phase;
    phase.seconds = seconds;
    phase.busy = busy;
    runs.emplace_back(headless, windowed(params, phase, nullptr));
    out.ratios.push_back(ratio(runs.back().second.steps_per_s, headless));
  }
  std::vector<size_t> order(runs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return out.ratios[a] < out.ratios[b]; });
  const size_t median = order[order.size() / 2];
  out.headless = runs[median].first;
  out.window = runs[median].second;
  return out;
}

void training_phases(Json& json, const Params& params, double seconds, int pairs) {
  Params reference = with(with(with(with(params, ParamId::kModel, 0), ParamId::kWidth, 64),
                               ParamId::kLatentDim, 100),
                          ParamId::kBatchSize, 64);
  const double ref = headless_rate(reference, kWarmup, seconds, false);
  const PairResult quiet = training_pairs(params, seconds, pairs, false);
  const PairResult busy = training_pairs(params, seconds, pairs, true);
  json.begin("training");
  json.number("reference_dcgan_headless_steps_per_s", ref);
  json.number("headless_steps_per_s", quiet.headless);
  json.number("default_vs_reference", ratio(quiet.headless, ref));
  write_window(json, "windowed_1280x720", quiet.window);
  json.number("windowed_vs_headless", ratio(quiet.window.steps_per_s, quiet.headless));
  json.numbers("windowed_vs_headless_pairs", quiet.ratios);
  json.number("busy_headless_steps_per_s", busy.headless);
  write_window(json, "busy_windowed_1280x720", busy.window);
  json.number("busy_windowed_vs_busy_headless", ratio(busy.window.steps_per_s, busy.headless));
  json.numbers("busy_windowed_vs_busy_headless_pairs", busy.ratios);
  json.number("busy_headless_vs_headless", ratio(busy.headless, quiet.headless));
  json.end();
}

// Every frame rendered with 10^6-row histories, per model and window size.
void frames_phases(Json& json, const Params& params, double seconds, const std::string& only) {
  struct Model {
    const char* name;
    Params params;
  };
  const Model models[] = {
      {"dcgan", params},
      {"vae", with(params, ParamId::kModel, 2)},
      {"lab", with(params, ParamId::kDataset, 0, "ring8")},
  };
  const int sizes[][2] = {{1280, 720}, {1920, 1080}};
  json.begin("frames");
  json.number("history_rows", 1e6, "%.0f");
  for (const Model& m : models) {
    if (!only.empty() && only != m.name) continue;
    json.begin(m.name);
    for (const auto& size : sizes) {
      WindowPhase phase;
      phase.width = size[0], phase.height = size[1];
      phase.seconds = seconds;
      phase.continuous = true;
      phase.preload_rows = 1000000;
      const std::string name = std::to_string(size[0]) + "x" + std::to_string(size[1]);
      write_window(json, name.c_str(), windowed(m.params, phase, nullptr));
    }
    json.end();
  }
  json.end();
}

int record_bench(const Params& params, double seconds) {
  Params record;  // the table's Record defaults, in real time
  const std::string path =
      (std::filesystem::temp_directory_path() / "genscope-bench-recording.mp4").string();
  if (!record.set(ParamId::kRecordPath, {0.0, path}) ||
      !record.set(ParamId::kRecordStepsPerFrame, {0.0, ""})) {
    return 1;
  }
  const RecordSettings rs(record);
  WindowPhase phase;
  phase.seconds = seconds;
  const WindowResult plain = windowed(params, phase, nullptr);
  const WindowResult rec = windowed(params, phase, &record);
  Json json(stdout);
  json.begin();
  json.number("seconds_per_phase", seconds, "%.1f");
  json.text("video", std::to_string(rs.fps) + " fps, crf " + std::to_string(rs.crf) + ", " +
                         rs.preset);
  write_window(json, "without_recording", plain);
  write_window(json, "recording", rec);
  json.number("recording_vs_without", ratio(rec.steps_per_s, plain.steps_per_s));
  json.end();
  std::filesystem::remove(rs.path);
  std::filesystem::remove(frames_csv_path(rs.path));
  return rec.ok ? 0 : 1;
}

// Decoding an image folder: `count` 64x64 JPEG thumbnails written to a scratch folder, loaded on
// one thread (images per second per core), on every core, and again from the cache.
int decode_bench(int count) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("genscope-decode-bench-" + std::to_string(getpid()));
  const fs::path images = dir / "thumbnails", cache = dir / "cache";
  fs::create_directories(images);
  std::vector<uint8_t> px(64 * 64 * 3);
  for (int i = 0; i < count; ++i) {
    for (size_t p = 0; p < px.size(); ++p) px[p] = uint8_t((p * 7 + size_t(i) * 13 + (p / 192) * i) % 251);
    stbi_write_jpg((images / strformat("%05d.jpg", i)).c_str(), 64, 64, 3, px.data(), 90);
  }
  const auto timed = [&](int threads, const std::string& cache_dir, bool& cached) {
    ImageFolderOptions o;
    o.resolution = 64;
    o.threads = threads;
    o.cache_dir = cache_dir;
    const auto t0 = Clock::now();
    auto load = load_image_folder(images.string(), o);
    const double s = seconds_since(t0);
    cached = load && load->from_cache;
    return load && load->dataset.train.count == count ? s : -1.0;
  };
  bool cached = false;
  const double one = timed(1, "", cached);
  const int hw = std::max(1, int(std::thread::hardware_concurrency()));
  const double all = timed(0, cache.string(), cached);
  const double again = timed(0, cache.string(), cached);
  Json json(stdout);
  json.begin();
  json.number("images", count, "%.0f");
  json.text("format", "64x64 JPEG, quality 90, loaded at resolution 64, 3 channels");
  json.number("images_per_s_one_thread", count / one, "%.0f");
  json.number("images_per_s_every_core", count / all, "%.0f");
  json.number("cores", hw, "%.0f");
  json.number("cached_load_s", again, "%.3f");
  json.boolean("cache_hit", cached);
  json.number("cached_load_s_per_50k_images", again * 50000.0 / count, "%.3f");
  json.end();
  std::error_code ec;
  fs::remove_all(dir, ec);
  return one > 0 && all > 0 && again > 0 && cached ? 0 : 1;
}

bool take_flag(std::vector<std::string>& args, const std::string& flag) {
  auto it = std::find(args.begin(), args.end(), flag);
  if (it == args.end()) return false;
  args.erase(it);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  apply_omp_wait_policy(argv);  // what genscope itself runs with; may re-execute
  set_render_environment();     // before any thread
  tune_allocator();
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool recording = take_flag(args, "--record-bench");
  if (take_flag(args, "--decode-bench")) return decode_bench(4000);
  const bool quick = take_flag(args, "--quick");
  const bool frames_only = take_flag(args, "--frames");
  int pairs = 1;      // --pairs N: headless/windowed pairs per training phase
  if (auto it = std::find(args.begin(), args.end(), "--pairs"); it != args.end()) {
    pairs = it + 1 == args.end() ? 0 : std::atoi(it[1].c_str());
    if (pairs < 1 || pairs > 20) {
      std::fprintf(stderr, "genscope-bench: --pairs takes a count from 1 to 20\n");
      return 2;
    }
    args.erase(it, it + 2);
  }
  std::string scene;  // --scene NAME: that frames phase only
  if (auto it = std::find(args.begin(), args.end(), "--scene"); it != args.end()) {
    if (it + 1 == args.end() || (it[1] != "dcgan" && it[1] != "vae" && it[1] != "lab")) {
      std::fprintf(stderr, "genscope-bench: --scene takes dcgan, vae or lab\n");
      return 2;
    }
    scene = it[1];
    args.erase(it, it + 2);
  }
  auto cli = parse_cli(args);
  if (!cli) {
    std::fprintf(stderr, "genscope-bench: %s\n", cli.error().c_str());
    return 2;
  }
  const double seconds = cli->seconds > 0 ? cli->seconds : 10.0;
  // Training throughput alone: no quality metrics (their classifier could be training in the
  // background of a first run and skew the windowed figure).
  // Its run directories go to a scratch folder, removed at the end.
  const std::filesystem::path runs =
      std::filesystem::temp_directory_path() / ("genscope-bench-" + std::to_string(getpid()));
  const Params params =
      with(with(cli->params, ParamId::kEvalEvery, 0), ParamId::kRunsDir, 0, runs.string());
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{runs};
  if (recording) return record_bench(params, seconds);

  const ThreadChoice windowed_threads =
      choose_threads(params.integer(ParamId::kThreads), 0,
                     static_cast<int>(std::thread::hardware_concurrency()), false);
  const RuntimeInfo info = runtime_info();
  Json json(stdout);
  json.begin();
  json.text("device", info.device);
  json.text("blas", info.blas);
  json.number("hardware_threads", info.hardware_threads, "%.0f");
  json.text("window_threads", windowed_threads.reason);
  json.text("openmp_waiting", omp_wait_description());
  json.text("model", params.choice(ParamId::kModel));
  json.number("width", params.integer(ParamId::kWidth), "%.0f");
  json.number("seconds_per_phase", seconds, "%.1f");
  json.number("pairs", pairs, "%.0f");
  if (!frames_only && scene.empty()) training_phases(json, params, seconds, pairs);
  if (!quick) frames_phases(json, params, std::max(3.0, seconds / 2), scene);
  json.end();
  return 0;
}
