// genscope-plot-bench: what a line plot costs per frame and a metric point costs to keep, at
// 10^3, 10^5 and 10^6 points per series (Google Benchmark; --benchmark_format=json for JSON).
//   BM_LinePlot/N: line_plot building its draw list for two lines of N points, each drawn raw and
//     smoothed, in an 800-pixel-wide plot (an ImGui context with no renderer, as in the tests);
//     only the line_plot call is timed, in thread CPU time (other processes on a busy machine
//     then count less than in wall time).
//   BM_LinePlotImage/N: the same plot as the window draws it, into an image (gui/plot_raster.h)
//     uploaded as one texture (stub textures here): line_plot redrawing its lines every call
//     (decimation, rasterization and the image handed to the backend), in thread CPU time.
//   BM_LossesPanel/N: one whole ImGui frame of the Losses panel (1280x720 display) over a View
//     holding N rows of a GAN's four metrics, in thread CPU time: what a frame costs the window.
//   BM_Push/N: filling an empty series with N precomputed points, per point (items_per_second).
//   BM_PushPastTheCap: 4 * 2^20 points into a series of the default capacity, so it thins three
//     to four times; "longest_push_ms" is the slowest push, one that made room.
//   BM_SetSmoothing/N: a new smoothing weight over N points (the smoothed values and their
//     pyramid rebuilt), as dragging the Losses panel's slider does for every metric.
//   BM_DamageTracker/N/new_row: the damage tracker comparing a frame of the Losses panel (N rows)
//     with the previous one, when nothing changed (0) or a new row moved every line (1), in
//     thread CPU time, with the frame's triangles and the share of them re-rendered.
#include <benchmark/benchmark.h>
#include <imgui.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/command_queue.h"
#include "gui/damage.h"
#include "gui/damage_clip.h"
#include "gui/panels/panels.h"
#include "gui/plot.h"
#include "gui/plot_textures.h"
#include "gui/view.h"
#include "render/texture_cache.h"
#include "util/series.h"

namespace {

using genscope::LinePlotOptions;
using genscope::MetricSeries;
using genscope::PlotLine;

// A loss-like value at step i: a slow decay, a wiggle and deterministic noise.
float loss_at(std::int64_t i, std::uint32_t seed) {
  std::uint32_t h = static_cast<std::uint32_t>(i) * 2654435761u ^ seed;
  h ^= h >> 15, h *= 2246822519u, h ^= h >> 13;
  const float noise = static_cast<float>(h & 0xFFFF) / 65535.0f - 0.5f;
  return 1.0f / (1.0f + 1e-4f * i) + 0.1f * std::sin(1e-3f * i) + 0.2f * noise;
}

MetricSeries filled_series(std::int64_t n, std::uint32_t seed) {
  MetricSeries series(static_cast<std::size_t>(n), 0.6f);
  for (std::int64_t i = 0; i < n; ++i) series.push(static_cast<double>(i), loss_at(i, seed));
  return series;
}

// This thread's CPU time in seconds.
double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// An ImGui context with a built font atlas and no renderer, torn down with the benchmark.
class HeadlessImGui {
 public:
  HeadlessImGui() : context_(ImGui::CreateContext()) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1024.0f, 768.0f);
    io.DeltaTime = 1.0f / 60.0f;
    io.IniFilename = nullptr;
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    io.MousePos = ImVec2(-1000.0f, -1000.0f);  // no hover
  }
  ~HeadlessImGui() { ImGui::DestroyContext(context_); }

 private:
  ImGuiContext* context_;
};

void BM_LinePlot(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const MetricSeries d = filled_series(n, 1u), g = filled_series(n, 2u);
  const PlotLine lines[] = {{"D loss", &d, IM_COL32(90, 170, 255, 255)},
                            {"G loss", &g, IM_COL32(255, 140, 60, 255)}};
  LinePlotOptions options;
  options.height = 400.0f;
  HeadlessImGui imgui;
  int vertices = 0;
  for (auto _ : state) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0.0f, 0.0f));
    ImGui::SetNextWindowSize(ImVec2(820.0f, 460.0f));
    ImGui::Begin("plot", nullptr, ImGuiWindowFlags_NoDecoration);
    const int before = ImGui::GetWindowDrawList()->VtxBuffer.Size;
    const double start = thread_seconds();
    genscope::line_plot("##bench", lines, 2, options);
    const double stop = thread_seconds();
    vertices = ImGui::GetWindowDrawList()->VtxBuffer.Size - before;
    ImGui::End();
    ImGui::Render();
    state.SetIterationTime(stop - start);
  }
  state.counters["vertices"] = vertices;
  state.counters["points"] = static_cast<double>(2 * n);
}
BENCHMARK(BM_LinePlot)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void BM_LinePlotImage(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const MetricSeries d = filled_series(n, 1u), g = filled_series(n, 2u);
  PlotLine lines[] = {{"D loss", &d, IM_COL32(90, 170, 255, 255)},
                      {"G loss", &g, IM_COL32(255, 140, 60, 255)}};
  LinePlotOptions options;
  options.height = 400.0f;
  HeadlessImGui imgui;
  genscope::PlotTextures textures(std::make_unique<genscope::StubTextureBackend>());
  textures.attach();
  for (auto _ : state) {
    lines[0].color ^= 1u;  // a new image every call, as when a row arrives
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0.0f, 0.0f));
    ImGui::SetNextWindowSize(ImVec2(820.0f, 460.0f));
    ImGui::Begin("plot", nullptr, ImGuiWindowFlags_NoDecoration);
    const double start = thread_seconds();
    genscope::line_plot("##bench", lines, 2, options);
    const double stop = thread_seconds();
    ImGui::End();
    ImGui::Render();
    state.SetIterationTime(stop - start);
  }
  state.counters["points"] = static_cast<double>(2 * n);
  state.counters["uploads"] = static_cast<double>(textures.uploads());
}
BENCHMARK(BM_LinePlotImage)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

// A View holding `n` rows of a GAN's metrics (loss_d, loss_g, d_real, d_fake).
void fill_view(genscope::View& view, std::int64_t n) {
  const genscope::MetricSchema names = {"loss_d", "loss_g", "d_real", "d_fake"};
  std::vector<genscope::MetricRow> rows;
  for (std::int64_t step = 1; step <= n; ++step) {
    genscope::MetricRow row;
    row.step = step;
    for (std::uint32_t k = 0; k < 4; ++k) row.push(loss_at(step, k));
    rows.push_back(row);
    if (rows.size() == 4096 || step == n) view.add_rows(rows, names), rows.clear();
  }
}

// A Losses panel over a View holding `n` rows, in a 1280x720 ImGui frame with no renderer.
struct LossesScene {
  HeadlessImGui imgui;
  genscope::CommandQueue commands;
  genscope::View view{commands, std::make_unique<genscope::StubTextureBackend>()};
  genscope::LossesPanel losses;
  const genscope::PanelSlot slot{ImRect(0.0f, 0.0f, 860.0f, 480.0f)};

  explicit LossesScene(std::int64_t n) {
    ImGui::GetIO().DisplaySize = ImVec2(1280.0f, 720.0f);
    fill_view(view, n);
  }
  // One frame: the panel's draw lists, left in ImGui::GetDrawData().
  void frame() {
    ImGui::NewFrame();
    losses.draw(view, slot);
    ImGui::Render();
  }
};

void BM_LossesPanel(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  LossesScene scene(n);
  for (auto _ : state) {
    const double start = thread_seconds();
    scene.frame();
    state.SetIterationTime(thread_seconds() - start);
  }
  state.counters["rows"] = static_cast<double>(n);
}
BENCHMARK(BM_LossesPanel)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void BM_DamageTracker(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const bool new_rows = state.range(1) != 0;
  LossesScene scene(n);
  genscope::DamageTracker tracker;
  std::int64_t step = n;
  double triangles = 0, redrawn = 0;
  for (auto _ : state) {
    if (new_rows) {
      genscope::MetricRow row;
      row.step = ++step;
      for (std::uint32_t k = 0; k < 4; ++k) row.push(loss_at(step, k));
      scene.view.add_rows({row}, {"loss_d", "loss_g", "d_real", "d_fake"});
    }
    scene.frame();
    ImDrawData* data = ImGui::GetDrawData();
    const double start = thread_seconds();
    const genscope::Damage damage = tracker.update(*data, {});
    state.SetIterationTime(thread_seconds() - start);
    triangles = double(data->TotalIdxCount) / 3;
    const std::vector<genscope::DamageRect> all{{0, 0, 1280, 720}};
    genscope::ClippedDrawData cut(*data, damage.everything ? all : damage.rects, nullptr, &tracker);
    redrawn = double(cut.triangles()) / std::max(1.0, triangles);
  }
  state.counters["triangles"] = triangles;
  state.counters["redrawn_share"] = redrawn;
}
BENCHMARK(BM_DamageTracker)
    ->Args({1000000, 0})
    ->Args({1000000, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void BM_Push(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  std::vector<float> values(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) values[std::size_t(i)] = loss_at(i, 3u);
  for (auto _ : state) {
    MetricSeries series(static_cast<std::size_t>(n), 0.6f);
    for (std::int64_t i = 0; i < n; ++i)
      series.push(static_cast<double>(i), values[std::size_t(i)]);
    benchmark::DoNotOptimize(series.size());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
void BM_PushPastTheCap(benchmark::State& state) {
  const std::int64_t n = 4 * std::int64_t(MetricSeries::kDefaultCapacity);
  std::vector<float> values(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) values[std::size_t(i)] = loss_at(i, 4u);
  double longest = 0.0;
  for (auto _ : state) {
    MetricSeries series(MetricSeries::kDefaultCapacity, 0.6f);
    for (std::int64_t i = 0; i < n; ++i) {
      const bool full = series.size() == series.capacity();
      const double start = full ? thread_seconds() : 0.0;
      series.push(static_cast<double>(i), values[std::size_t(i)]);
      if (full) longest = std::max(longest, thread_seconds() - start);
    }
    benchmark::DoNotOptimize(series.size());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["longest_push_ms"] = 1e3 * longest;
}
BENCHMARK(BM_PushPastTheCap)->Unit(benchmark::kMillisecond);

void BM_SetSmoothing(benchmark::State& state) {
  MetricSeries series = filled_series(state.range(0), 5u);
  float weight = 0.5f;
  for (auto _ : state) {
    weight = weight == 0.5f ? 0.6f : 0.5f;
    series.set_smoothing(weight);
    benchmark::DoNotOptimize(series.smoothed(0));
  }
}
BENCHMARK(BM_SetSmoothing)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

BENCHMARK(BM_Push)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
