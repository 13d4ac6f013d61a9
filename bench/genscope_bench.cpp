// genscope-bench: training throughput headless and with the window open (run under xvfb-run when
// there is no display), frame timing, and the default DCGAN against the reference architecture
// (pytorch/examples cpp/dcgan: width 64, latent 100, batch 64). Prints JSON.
// Usage: genscope-bench [--seconds S] [parameter flags...]
//        genscope-bench --record-bench [--seconds S] [parameter flags...]
//   recording benchmark: the window with and without real-time recording of the whole window
//   (1280x720 at 30 fps, H.264 veryfast) side by side: achieved video fps, dropped frames, and
//   training steps/s with vs without recording.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "core/cli.h"
#include "train/runtime.h"
#include "train/trainer.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace genscope;

struct Rate {
  double steps_per_s = 0;
  int64_t steps = 0;
};

// Steps per second over `seconds`, measured from snapshots after the first `warmup` seconds.
Rate headless_rate(const Params& params, double warmup, double seconds) {
  TrainerLink link;
  Trainer trainer(link, params);
  trainer.start();
  auto step_now = [&] {
    link.snapshots.update();
    return link.snapshots.read().step;
  };
  auto t0 = Clock::now();
  while (step_now() < 1 || std::chrono::duration<double>(Clock::now() - t0).count() < warmup) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (std::chrono::duration<double>(Clock::now() - t0).count() > 120) break;
  }
  int64_t s0 = step_now();
  auto t1 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  int64_t s1 = step_now();
  double dt = std::chrono::duration<double>(Clock::now() - t1).count();
  trainer.stop();
  return {(s1 - s0) / dt, s1 - s0};
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

// Runs the window for `seconds` (after a 3 s warm-up) while training; optionally recording.
AppReport windowed(const Params& params, double seconds, const Params* record) {
  TrainerLink link;
  AppOptions options;
  options.run_seconds = seconds + 3.0;
  if (record) {
    options.record = *record;
    options.record_at_start = true;
  }
  App app(link, options);
  Trainer trainer(link, params);
  trainer.start();
  app.run();
  trainer.stop();
  return app.report();
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
  AppReport plain = windowed(params, seconds, nullptr);
  AppReport rec = windowed(params, seconds, &record);
  auto rate = [](const AppReport& r) {
    return r.steps_seconds > 0 ? r.steps_during_run / r.steps_seconds : 0.0;
  };
  const RecordingStatus& st = rec.recording;
  const double video_fps = st.elapsed_s > 0 ? st.frames / st.elapsed_s : 0;
  std::printf("{\n");
  std::printf("  \"seconds_per_phase\": %.1f,\n", seconds);
  std::printf("  \"video\": \"%dx%d at %d fps, crf %d, %s\",\n", st.width, st.height, rs.fps,
              rs.crf, rs.preset.c_str());
  std::printf("  \"recorded_frames\": %lld,\n", static_cast<long long>(st.frames));
  std::printf("  \"dropped_frames\": %lld,\n", static_cast<long long>(st.dropped));
  std::printf("  \"distinct_captures\": %lld,\n", static_cast<long long>(st.captures));
  std::printf("  \"recording_seconds\": %.2f,\n", st.elapsed_s);
  std::printf("  \"achieved_video_fps\": %.2f,\n", video_fps);
  std::printf("  \"ui_fps_without\": %.2f,\n", plain.seconds > 0 ? plain.frames / plain.seconds : 0);
  std::printf("  \"ui_fps_recording\": %.2f,\n", rec.seconds > 0 ? rec.frames / rec.seconds : 0);
  std::printf("  \"frame_ms_p99_recording\": %.2f,\n", percentile(rec.frame_ms, 0.99));
  std::printf("  \"steps_per_s_without\": %.3f,\n", rate(plain));
  std::printf("  \"steps_per_s_recording\": %.3f,\n", rate(rec));
  std::printf("  \"recording_vs_without\": %.3f,\n", rate(plain) > 0 ? rate(rec) / rate(plain) : 0);
  std::printf("  \"summary\": \"%s\"\n", rec.recording_summary.c_str());
  std::printf("}\n");
  std::filesystem::remove(rs.path);
  std::filesystem::remove(frames_csv_path(rs.path));
  return st.frames > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  set_render_environment();  // before any thread
  tune_allocator();
  std::vector<std::string> args(argv + 1, argv + argc);
  bool recording = false;
  for (auto it = args.begin(); it != args.end();) {
    if (*it == "--record-bench") {
      recording = true;
      it = args.erase(it);
    } else {
      ++it;
    }
  }
  auto cli = parse_cli(args);
  if (!cli) {
    std::fprintf(stderr, "genscope-bench: %s\n", cli.error().c_str());
    return 2;
  }
  double seconds = cli->seconds > 0 ? cli->seconds : 20.0;
  // Training throughput alone: no quality metrics (their classifier could be training in the
  // background of a first run and skew the windowed figure).
  Params params = cli->params;
  params.set(ParamId::kEvalEvery, {0, ""});
  if (recording) return record_bench(params, seconds);

  Params reference = params;
  reference.set(ParamId::kModel, {0, ""});
  reference.set(ParamId::kWidth, {64, ""});
  reference.set(ParamId::kLatentDim, {100, ""});
  reference.set(ParamId::kBatchSize, {64, ""});
  Rate ref = headless_rate(reference, 3.0, seconds);
  Rate headless = headless_rate(params, 3.0, seconds);

  // With the window: the App drives frames while the trainer runs on its thread.
  TrainerLink link;
  AppOptions options;
  options.run_seconds = seconds + 3.0;
  App app(link, options);
  Trainer trainer(link, params);
  trainer.start();
  int code = app.run();
  trainer.stop();
  link.snapshots.update();
  const AppReport& r = app.report();
  double window_rate = r.steps_seconds > 0 ? r.steps_during_run / r.steps_seconds : 0;
  RuntimeInfo info = runtime_info();

  std::printf("{\n");
  std::printf("  \"device\": \"%s\", \"threads\": %d, \"blas\": \"%s\",\n", info.device.c_str(),
              info.threads, info.blas.c_str());
  std::printf("  \"model\": \"%s\", \"width\": %d, \"latent_dim\": %d, \"batch_size\": %d,\n",
              params.choice(ParamId::kModel).c_str(), params.integer(ParamId::kWidth),
              params.integer(ParamId::kLatentDim), params.integer(ParamId::kBatchSize));
  std::printf("  \"seconds_per_phase\": %.1f,\n", seconds);
  std::printf("  \"reference_dcgan_headless_steps_per_s\": %.3f,\n", ref.steps_per_s);
  std::printf("  \"headless_steps_per_s\": %.3f,\n", headless.steps_per_s);
  std::printf("  \"default_vs_reference\": %.3f,\n", ref.steps_per_s > 0 ? headless.steps_per_s / ref.steps_per_s : 0);
  std::printf("  \"window_open\": %s,\n", code == 0 ? "true" : "false");
  std::printf("  \"windowed_steps_per_s\": %.3f,\n", window_rate);
  std::printf("  \"windowed_vs_headless\": %.3f,\n", headless.steps_per_s > 0 ? window_rate / headless.steps_per_s : 0);
  std::printf("  \"windowed_vs_reference\": %.3f,\n", ref.steps_per_s > 0 ? window_rate / ref.steps_per_s : 0);
  std::printf("  \"fps\": %.2f,\n", r.seconds > 0 ? r.frames / r.seconds : 0);
  std::printf("  \"frame_ms_p50\": %.2f,\n", percentile(r.frame_ms, 0.50));
  std::printf("  \"frame_ms_p99\": %.2f\n", percentile(r.frame_ms, 0.99));
  std::printf("}\n");
  return code;
}
