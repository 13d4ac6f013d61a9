#pragma once
// View: what every panel reads each frame (the newest snapshot, plotted series, textures, frame
// timing) and the one way panels act (pushing Commands). Panels never touch trainer state.
#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/record_settings.h"
#include "record/sample_history.h"
#include "render/texture_cache.h"
#include "core/command_queue.h"
#include "core/snapshot.h"
#include "gui/run_compare.h"
#include "util/series.h"

namespace genscope {

/// Frame timing measured by the App.
struct FrameStats {
  double fps = 0.0;           // frames drawn per second over the last half second
  double frame_ms = 0.0;      // CPU time to build and render the last frame
  double frame_p99_ms = 0.0;  // 99th percentile over the recent frames
  uint64_t frames = 0;
};

/// A panel's rectangle in window pixels (origin top-left), for recording one panel.
struct UiRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

/// What panels ask of the window itself rather than of training; the App carries each out on
/// the frame after it was asked (View::ask, View::take_requests).
enum class AppRequest {
  kToggleRecording,  // start or stop recording (the Record button, R, Run > Record)
  kScreenshot,       // save a screenshot into the run directory (F12, Run > Screenshot)
  kExportHistory,    // write the sample history as a video (the Samples panel's Export)
  kRedraw,           // draw the next frame even with nothing new (an animation runs)
  kCount
};

/// The Recorder panel's side of recording: the settings it edits; the App fills in the status.
struct RecorderUi {
  Params values;  // the Record rows' values (the Record tab edits them; other rows are unused)
  RecordingStatus status;         // filled by the App every frame
  std::string message;            // last summary or error
  bool message_is_error = false;
  /// The settings a recording started now uses.
  RecordSettings settings() const { return RecordSettings(values); }
};

/// A text model's samples kept by step (the Samples panel's history slider for text).
struct TextHistory {
  struct Entry {
    TextSample sampled, greedy;
  };
  static constexpr std::size_t kCapacity = 256;
  std::vector<Entry> entries;  // oldest first, one per step
  /// Keeps the pair when its step is new (a step going back, a reset, starts over); when full,
  /// every other entry of the older half goes, so old steps thin out and new ones stay dense.
  void offer(const TextSample& sampled, const TextSample& greedy);
};

/// The sample history and the scrubber's state.
struct HistoryUi {
  SampleHistory history;
  TextHistory text;            // text models: their samples by step
  bool live = true;            // false: the Samples panel shows history entry `index`
  int index = 0;
  std::string export_path = "genscope-history.mp4";
  int export_fps = 10;
  bool exporting = false;
  std::string message;
  bool message_is_error = false;
};

/// One line of the history the Status panel lists: a line of the run's history (an applied
/// edit, a reset, a save...) or one of the window's own (a recording, a screenshot, an alarm).
struct LogLine {
  uint64_t event_id = 0;  // the trainer's RunEvent id; 0 for the window's own lines
  uint64_t revision = 0;  // the RunEvent's revision (edits of one parameter merge)
  int64_t step = 0;
  MessageLevel level = MessageLevel::kInfo;
  std::string text;
};

/// Per-frame view of the trainer for panels.
class View {
 public:
  /// Panels send commands into `commands`; textures go through `textures` (nullptr: OpenGL, which
  /// needs a current context; panel tests with none pass a StubTextureBackend).
  explicit View(CommandQueue& commands, std::unique_ptr<TextureBackend> textures = nullptr);

  /// Takes the newest snapshot: uploads textures whose version changed.
  void update_snapshot(const Snapshot& snapshot);
  /// Appends metric rows to the series; a step going backwards (a reset) clears them first.
  /// Rows of a newer run than the snapshot's wait for its snapshot (they would be named by the
  /// old run's schema); rows of an older run are dropped.
  void add_rows(const std::vector<MetricRow>& rows, const MetricSchema& names);

  const Snapshot& snapshot() const { return *snapshot_; }
  bool has_snapshot() const { return snapshot_ != nullptr; }
  /// Where files the window writes by a bare name go (screenshots, recordings, exports): the
  /// run's directory, or the folder set_files_dir() gave (a viewer of a run served elsewhere,
  /// whose run directory is on the server). "": none known yet.
  std::string files_dir() const {
    if (!files_dir_.empty()) return files_dir_;
    return has_snapshot() ? snapshot().run_dir : std::string();
  }
  void set_files_dir(std::string dir) { files_dir_ = std::move(dir); }
  /// The server this window views (--connect HOST:PORT); "": the run trains in this process.
  const std::string& remote() const { return remote_; }
  void set_remote(std::string address) { remote_ = std::move(address); }
  /// The series named `name`, or nullptr before the model reports it.
  const MetricSeries* series(const std::string& name) const;
  /// The metric whose series `series` is ("" when it is none of the run's).
  std::string series_name(const MetricSeries* series) const;
  /// Sets the EMA smoothing weight of every series (the compared runs' too).
  void set_smoothing(float weight);
  /// The past runs ticked in the Runs panel, overlaid on the plots.
  RunCompare& compare() { return compare_; }
  /// What a plot of the live run's `lines` draws: with runs ticked, their lines of the same
  /// metrics too, and with wall-time alignment every line over seconds (`options` then has
  /// x_seconds, and its marker_step becomes the marker's time). `metrics` names each line's
  /// metrics.csv column where its series is not the View's (nullptr: series_name()).
  std::vector<PlotLine> plot_lines(const PlotLine* lines, int count, LinePlotOptions& options,
                                   const char* const* metrics = nullptr);
  /// The smoothing weight series start with (the Losses panel's slider starts there too).
  static constexpr float kDefaultSmoothing = 0.6f;

  const TextureRef& samples_texture() const { return textures_.get(TextureSlot::kSamples); }
  const TextureRef& real_texture() const { return textures_.get(TextureSlot::kReal); }
  const TextureRef& nearest_texture() const { return textures_.get(TextureSlot::kNearest); }
  /// VAE/AE test images and their reconstructions (rows alternate), from the snapshot's latent.
  const TextureRef& reconstructions_texture() const {
    return textures_.get(TextureSlot::kReconstructions);
  }
  /// Latent traversal grid: one row per dimension or direction.
  const TextureRef& traversal_texture() const { return textures_.get(TextureSlot::kTraversal); }
  /// Interpolation strip between the selection's endpoints.
  const TextureRef& interpolation_texture() const {
    return textures_.get(TextureSlot::kInterpolation);
  }
  /// The explorer's decoded image.
  const TextureRef& explorer_texture() const { return textures_.get(TextureSlot::kExplorer); }
  /// A past run's sample grid (the Runs panel), uploaded when `key` changes.
  const TextureRef& run_samples_texture(uint64_t key, const ImageRGBA& image) {
    return textures_.update(TextureSlot::kRunSamples, key, image);
  }
  /// The sample grid of the fork's run `index` (Snapshot::fork; at most four).
  const TextureRef& fork_texture(int index) const {
    return textures_.get(static_cast<TextureSlot>(static_cast<int>(TextureSlot::kFork0) +
                                                  std::clamp(index, 0, kForkSlots - 1)));
  }
  static constexpr int kForkSlots = kMaxForkBranches + 1;
  /// The 2D lab's discriminator heatmap (linear filtering), from the snapshot's toy view.
  const TextureRef& toy_heat_texture() const { return textures_.get(TextureSlot::kToyHeat); }
  /// The latent map's decoded 2D manifold (2D latents only).
  const TextureRef& manifold_texture() const { return textures_.get(TextureSlot::kManifold); }
  /// Image `index` of the latent map's encoded set, uploaded on demand into one small texture
  /// (re-uploaded only when the index or the map changes). Empty (0x0) when there is none.
  const TextureRef& map_image_texture(int64_t index);
  /// Text models: the Inside panel's hidden units x positions heatmap (uploaded when the inside
  /// view changes) and one head's attention map (uploaded when it or the head changes).
  const TextureRef& text_hidden_texture();
  const TextureRef& text_attention_texture(int layer, int head);
  /// Every layer's and head's attention map tiled (attention_grid_image, kAttentionGridGap).
  const TextureRef& text_attention_grid_texture();
  static constexpr int kAttentionGridGap = 4;
  /// Every texture the panels draw (for tests: what was uploaded, and how often).
  const TextureCache& textures() const { return textures_; }

  /// The latent tools' selection the panels edit; send_latent() hands it to the trainer.
  LatentSelection& latent_selection() { return selection_; }
  /// Bumps the selection's revision and sends it (Command::Kind::kLatent).
  void send_latent();

  /// Asks the App for something only the window does (see AppRequest).
  void ask(AppRequest request) { requests_[int(request)] = true; }
  /// True when `request` was asked for since the last take_requests().
  bool asked(AppRequest request) const { return requests_[int(request)]; }
  /// Whether each request was asked for (indexed by AppRequest), clearing them (the App, once a
  /// frame).
  std::array<bool, int(AppRequest::kCount)> take_requests() {
    auto out = requests_;
    requests_.fill(false);
    return out;
  }
  /// Asks for the next frame even without new input or snapshots (animations).
  void request_redraw() { ask(AppRequest::kRedraw); }

  FrameStats& frame() { return frame_; }
  const FrameStats& frame() const { return frame_; }

  /// Recording settings, requests and status (Recorder panel <-> App).
  RecorderUi& recorder() { return recorder_; }
  /// Per-layer gradient norms of recent steps (the Gradients tab's heat strip).
  const GradientHistory& gradients() const { return gradients_; }
  /// Weight and activation histograms sampled over the run (the Histograms tab).
  const HistogramHistory& histograms() const { return histograms_; }
  /// Fixed-noise grids kept every K steps, and the scrubber's position.
  HistoryUi& history() { return history_; }
  /// History entry `index`'s grid as a texture (uploaded when the index changes).
  const TextureRef& history_texture(std::size_t index);

  /// Where each recordable panel was drawn this frame (window pixels).
  void set_panel_rect(RecordRegion region, UiRect rect) { panel_rects_[int(region)] = rect; }
  UiRect panel_rect(RecordRegion region) const { return panel_rects_[int(region)]; }

  /// Sends a command to the trainer (applied between two steps). Returns its sequence number:
  /// the trainer has handled it once snapshot().commands_done reaches it.
  uint64_t send(Command c) { return commands_.push(std::move(c)); }

  /// Pauses or resumes training (the Controls button, Space): sends the command and shows the
  /// requested state at once, "pausing after this step..." until the trainer confirms it.
  void request_pause(bool pause);
  /// True when training is paused or a pause was asked for (what the Pause button shows).
  bool paused_or_pausing() const;
  /// The state asked for that the trainer has not reached yet: true = pausing, false =
  /// resuming; nullopt when nothing is pending.
  std::optional<bool> pause_pending() const;

  /// Adds one of the window's own lines to the history at the current step (e.g. "saved
  /// screenshot genscope-1.png").
  void notify(std::string text, MessageLevel level = MessageLevel::kInfo);
  /// The history: the run's lines (from snapshots) and the window's, oldest first.
  const std::deque<LogLine>& log() const { return log_; }
  /// Changes whenever a line is added or updated.
  uint64_t log_version() const { return log_version_; }
  /// The history keeps this many lines (the oldest go first).
  static constexpr std::size_t kLogCapacity = 1000;
  /// Rows kept while their run's snapshot is on its way (a second of a fast model's steps).
  static constexpr std::size_t kMaxWaitingRows = 100000;

 private:
  CommandQueue& commands_;
  const Snapshot* snapshot_ = nullptr;
  std::string files_dir_;  // set_files_dir()
  std::string remote_;     // set_remote()
  TextureCache textures_;
  std::shared_ptr<const TextInside> hidden_inside_, attention_inside_, grid_inside_;  // what the textures show
  int attention_layer_ = -1, attention_head_ = -1;
  uint64_t text_version_ = 0;  // the text view offered to the history last
  uint64_t texture_key_ = 0;  // versions for images the snapshot does not number (map, history)
  std::shared_ptr<const LatentMap> manifold_map_;  // held so a new map never reuses its address
  std::shared_ptr<const LatentMap> map_image_map_;  // the map and index kMapImage holds
  int64_t map_image_index_ = -1;
  ImageRGBA map_image_;
  LatentSelection selection_;
  std::array<bool, int(AppRequest::kCount)> requests_{};
  std::vector<std::string> names_;
  std::vector<MetricSeries> series_;
  int64_t last_step_ = -1;
  std::vector<MetricRow> waiting_rows_;  // of a run whose snapshot has not arrived yet
  // The fork's run shown last: when another is shown, the plots load its curves from its
  // metrics.csv (its parent's up to the fork), and its rows up to there are not added again.
  std::string live_dir_;
  uint64_t skip_run_ = 0;
  int64_t skip_through_ = -1;
  void load_live_series(const Snapshot& snapshot);
  uint64_t last_run_id_ = 0;             // the run of the snapshot taken last
  float smoothing_ = kDefaultSmoothing;
  RunCompare compare_;
  FrameStats frame_;
  std::deque<LogLine> log_;
  uint64_t log_version_ = 0;
  uint64_t last_event_id_ = 0;
  std::optional<bool> pause_request_;  // the state the user asked for last
  uint64_t pause_seq_ = 0;             // the command that asked for it
  void add_log_line(LogLine line);
  void merge_events(const std::vector<RunEvent>& events);
  RecorderUi recorder_;
  HistoryUi history_;
  GradientHistory gradients_;
  HistogramHistory histograms_;
  int64_t history_texture_step_ = -1;
  std::size_t history_texture_size_ = 0;
  UiRect panel_rects_[3];
};

}  // namespace genscope
