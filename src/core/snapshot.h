#pragma once
// What the trainer publishes for the view: plain data only (no torch), so the GUI, renderer and
// recorder build and test without LibTorch.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/alarms.h"
#include "core/events.h"
#include "core/grad_stats.h"
#include "core/latent.h"
#include "core/layer_histograms.h"
#include "core/metric_row.h"
#include "core/params.h"
#include "core/quality_view.h"
#include "core/text_view.h"
#include "core/toy_view.h"
#include "util/image.h"

namespace genscope {


/// Where and how LibTorch runs, shown in the status panel.
struct RuntimeInfo {
  std::string device;       // "CPU" or "CUDA (NVIDIA H100)"
  std::string blas;         // the BLAS library libtorch's BLAS calls resolve to
  int threads = 0;          // intra-op threads LibTorch uses
  int hardware_threads = 0;
  std::string notes;        // caps worth knowing, e.g. OPENBLAS_CORETYPE=Haswell
  std::string thread_reason;  // why that many (choose_threads), e.g. "every core (2): headless"
  std::string omp_wait;       // how OpenMP workers wait between parallel regions
  int world = 1;              // data-parallel ranks training this run (train/distributed.h)
  std::vector<std::string> ranks;  // each rank's steps/s and all-reduce share, rank 0 first
};

/// One immutable view of the trainer's state.
/// A fork trains its first run and at most this many branches (the window and --fork alike).
inline constexpr int kMaxForkBranches = 3;

/// One run of a fork in the window: the first run, or a branch of it (Command::kFork).
struct ForkRun {
  std::string dir;       // its run directory
  std::string edits;     // what its fork changed ("" for the first run)
  std::string parent;    // "DIR@STEP" it was forked from ("" for the first run)
  int64_t step = 0;
  bool training = false; // it takes steps (not paused, not failed)
  std::string message;   // its last error or notice
  ImageRGBA samples;     // its sample grid for the same fixed noise
  int64_t samples_step = 0;
  uint64_t samples_version = 0;
};

struct Snapshot {
  uint64_t version = 0;  // increases with every publish
  uint64_t run_id = 0;   // the run these metric names and rows belong to (MetricRow::run)
  int64_t step = 0;
  int64_t epoch = 0;
  double epoch_progress = 0.0;  // 0..1 within the current epoch
  double steps_per_sec = 0.0;
  double samples_per_sec = 0.0;
  double samples_hz = 0.0;  // how often the trainer renders the sample grid for the window
  double wall_s = 0.0;
  bool paused = false;
  int64_t steps_left = 0;  // steps a Step command still has to train before it pauses
  bool running = false;  // false until the dataset is loaded and the model built
  std::string model_name;
  bool is_gan = true;  // GAN panels (discriminator) or encoder/decoder panels (reconstructions, KL)
  bool is_toy = false; // the 2D GAN lab (a toy 2D dataset): its plot and mode panels
  bool is_text = false; // a character-level language model: its text panels
  std::string dataset_name;
  int64_t dataset_size = 0;
  /// The real batches the trainer took from the data loader thread (image models): how many,
  /// how many were ready when asked for, and the time it waited for them in all.
  int64_t data_batches = 0;
  int64_t data_ready = 0;
  double data_waited_s = 0.0;
  RuntimeInfo runtime;
  MessageLevel message_level = MessageLevel::kNone;
  std::string message;  // last error or notice, e.g. "loss is NaN at step 812: paused"
  /// While a dataset loads (an image folder decoding): what it does and how far, 0..1; -1: none.
  std::string loading;
  double loading_progress = -1.0;
  bool diverged = false; // the last step's losses were NaN or infinite (training paused)
  std::string checkpoint_path;  // the last checkpoint this run saved or was loaded from
  int64_t checkpoint_step = -1; // its step (-1: none)
  std::vector<RunEvent> events; // the newest lines of the run's history (oldest first)
  uint64_t commands_done = 0;   // sequence number of the last command the trainer handled
  std::string run_dir;          // the run directory: config.cfg, metrics.csv, events.log...
  std::vector<AlarmEvent> alarms;  // every alarm the run raised (newest last, at most 100)
  std::array<bool, kAlarmKinds> alarm_muted{};  // kinds muted (checked, not logged)
  Params params;        // the values in force
  Params pending;       // values edited but waiting for a reset (needs-reset parameters)
  MetricSchema metric_names;
  /// A fork (Command::kFork): every run training in turn, the first run first; `fork_shown` is
  /// the one this snapshot is about (its controls, status and metric rows). Empty: no fork.
  std::vector<ForkRun> fork;
  int fork_shown = 0;

  ImageRGBA samples;  // generator grid for the fixed noise batch
  int64_t samples_step = 0;
  uint64_t samples_version = 0;  // changes only when `samples` changes
  ImageRGBA real;                // a grid of real images of the same layout
  uint64_t real_version = 0;
  std::vector<float> d_real;  // D(x) for the current real batch, in [0, 1]
  std::vector<float> d_fake;  // D(G(z)) for the current fake batch

  double diversity = 0.0;        // sample diversity of the last evaluation (image models), or NaN
  int64_t diversity_step = -1;   // its step
  /// Memorisation (image models): the training image nearest (L2) to each tile of the sample
  /// grid at nearest_step, as a grid of the same layout, and each tile's distance (RMS per
  /// pixel, 0..255). real_nearest: the median distance from the real grid's images to their
  /// nearest other training image, the scale a copy would be far below.
  ImageRGBA nearest;
  uint64_t nearest_version = 0;
  int64_t nearest_step = -1;
  std::vector<float> nearest_distance;
  double real_nearest = 0.0;
  std::vector<LayerGrad> grads;  // gradient norm per layer after the last step (G then D)
  LayerHistograms histograms;    // weights and activations per layer, every hist_every steps
  LatentViews latent;  // traversal, interpolation, explorer, reconstructions, KL per dim, map
  ToyView toy;         // the 2D lab's points, heatmap, arrows, manifold and mode metrics
  QualityView quality; // the metric classifier's scores of the generator (image models)
  TextView text;       // a text model's samples, baselines and vocabulary

  /// True once the model's pictures are in: the sample grid, or the 2D lab's plot data.
  bool has_images() const {
    return is_toy ? toy.version != 0 : is_text ? text.version != 0 : !samples.empty();
  }
};

}  // namespace genscope
