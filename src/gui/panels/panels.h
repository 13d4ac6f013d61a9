#pragma once
// The window's panels. Each owns its UI state in a struct and draws from a View; edits become
// Commands. Placement: `area` is the panel's default rectangle in the window (pixels).
#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <array>
#include <cstdint>
#include <random>
#include <string>

#include "gui/gui.h"
#include "gui/param_widgets.h"
#include "gui/plot.h"
#include "gui/view.h"
#include "record/run_list.h"

namespace genscope {

/// Where and how a panel window is placed this frame.
struct PanelSlot {
  ImRect rect;                          // its place in the default layout (window pixels)
  ImGuiCond cond = ImGuiCond_FirstUseEver;  // Always: put it there now (reset, resize)
  bool* open = nullptr;                 // non-null: the window has a close button
  const char* title = nullptr;          // the window's title ("Name###id"); null: the panel's own
  bool keep_collapsed = false;          // with Always: keep a collapsed panel collapsed
  PanelSlot() = default;
  PanelSlot(const ImRect& r) : rect(r) {}  // NOLINT: a bare rectangle places it the first time
};

/// The Runs window: the runs under the runs directory, the live one first (name, model, dataset,
/// steps, start, the main metrics' last values, the parameters that differ from the live run's).
/// Ticking a run overlays its curves on every plot of the same metric (View::compare), aligned by
/// step or wall time; selecting one shows its sample grid at the live (or scrubbed) step from its
/// event file, and renames, tags or moves it to the trash (runs/.trash).
struct RunsPanel {
  std::vector<RunSummary> runs;     // as listed last (the live run left out)
  std::vector<std::string> errors;  // run folders that could not be read
  std::vector<std::string> extra;   // folders to list wherever they are (--compare)
  std::string listed_dir;           // the runs directory listed
  double listed_at = -1e9;          // when (ImGui time): the list is read again every few seconds
  bool refresh = true;              // read the list again next frame
  std::string selected;             // the run whose details show ("": none)
  std::string message;              // the last action's outcome or error
  bool message_error = false;
  std::vector<RunImage> images;     // the selected run's sample grids, by step
  std::string images_of;            // whose they are
  int image_pick = -1;              // the slider's pick; -1: the live (or scrubbed) step
  int image_shown = -1;             // the image the texture holds
  uint64_t image_key = 0;
  ImageRGBA image;                  // the grid shown, decoded
  std::string image_error;
  char name_field[128] = "";
  char tags_field[256] = "";
  std::string fields_of;            // the run the fields were filled from
  void draw(View& view, const PanelSlot& area);
  /// Ticks `dir` (--compare): it is listed and overlaid from the first frame on.
  void compare(View& view, const std::string& dir);
  /// Every frame, open or not: a fork's runs other than the one shown are ticked and read again
  /// while they grow (every second, or less often when reading takes long); the one shown is
  /// the live lines.
  void follow_fork(View& view);
  std::vector<std::string> fork_ticked;  // the fork's runs follow_fork ticked
  double fork_read_at = -1e9, fork_read_every = 1.0;

 private:
  void list(View& view);
  void draw_table(View& view, float height);
  void draw_row(View& view, const RunSummary& run, const std::vector<ParamDiff>& diff);
  void draw_details(View& view, const RunSummary& run);
  void draw_samples(View& view, const RunSummary& run);
  void act(View& view, const RunSummary& run, int action);
  void say(std::string text, bool error);
};

/// Pause/resume, single step, reset, and one widget per parameter of the table.
struct ControlsPanel {
  std::array<ParamEdit, kParamCount> edits{};  // widget values; synced from the snapshot when idle
  int step_count = 1;
  bool fork_clicked = false;  // "Fork here" was clicked this frame (PanelSet opens the dialog)
  void draw(View& view, const PanelSlot& area);
};

/// Fork here (Controls, Run menu, F): a modal dialog for the branch's edits ("key=value, ..."),
/// checked as they are typed (what they change, or why not), with a parameter picker; Fork
/// sends Command::kFork.
struct ForkDialog {
  char edits[256] = "";
  bool open_requested = false;  // opens at the next draw
  bool focus_field = false;
  void open() { open_requested = true; }
  void draw(View& view);
};

/// Controls, after a fork (every family): one line per run of the fork, the shown one picked; a
/// pick shows that run (Command::kShowRun), x closes a branch (kCloseRun).
void draw_fork_runs(View& view);

/// How the Samples panel and the dialog name the fork's run `index`: a branch by its edits, the
/// first run by its directory's short name.
std::string fork_run_name(const Snapshot& snap, std::size_t index);

/// Whether the Controls panel shows `spec` for `family`: rows scoped to other model families, the
/// "Latent tools" rows (edited in the Latent windows) and the app's Record rows (the Record tab)
/// are hidden.
bool controls_shows(const ParamSpec& spec, ModelFamily family);

/// Fixed-noise samples beside real images (GAN) or test images and their reconstructions
/// (VAE/AE). Clicking a tile picks it for the latent tools.
struct SamplesPanel {
  bool show_real = true;
  bool clicks_set_base =
      false;  // false: left/right click sets interpolation A/B; true: traversal base
  void draw(View& view, const PanelSlot& area);
  /// The history row: a slider over the kept grids, "live", and "export..." (MP4/GIF).
  void draw_history(View& view);
  void draw_options(View& view, bool gan);
  /// "EMA of G" (with g_ema on): sets ema_samples.
  void draw_ema_toggle(View& view);
  /// A fork (Snapshot::fork): its runs' grids side by side, named by their edits; a click shows
  /// that run (Command::kShowRun), x closes a branch (kCloseRun).
  void draw_fork(View& view, ImVec2 avail);
  ParamEdit ema_edit;  // ema_samples, as the checkbox shows and sends it
};

/// The Histograms tab: one layer's weight or activation histogram now, and its quantiles over
/// the samples kept (min, 16 %, median, 84 %, max, as TensorBoard's distributions).
struct HistogramsTab {
  std::string layer;   // the selected layer's name ("" : the first)
  uint64_t built = 0;  // history version the series were built from
  std::string built_layer;
  MetricSeries quantiles[5];
  LinePlotOptions plot;
  void draw(View& view);
};

/// Tabs: Losses (GAN: D and G losses; VAE/AE: reconstruction, KL raw and beta-weighted, ELBO
/// and the KL of each latent dimension; with an EMA smoothing slider), Gradients (gradient flow:
/// each layer's weight-gradient norm now, as bars on a log scale, and over the last 240 steps
/// seen, as a heat strip) and Histograms (weights and activations per layer).
struct LossesPanel {
  float smoothing = View::kDefaultSmoothing;
  bool show_gradients = false;   // the Gradients tab: per-layer gradient norms and their heat strip
  bool open_gradients = false;   // select the Gradients tab next frame
  bool show_histograms = false;  // the Histograms tab
  bool open_histograms = false;  // select it next frame
  HistogramsTab histograms;
  LinePlotOptions plot;
  MetricSeries unigram_line{4}, bigram_line{4};  // text models' reference lines
  void draw(View& view, const PanelSlot& area);
  void draw_text(View& view);
};

/// The "Latent" window: tabs for the traversal grid, the interpolation strip (with playback) and
/// the explorer's sliders. Edits change the View's LatentSelection and send it.
struct LatentPanel {
  std::array<ParamEdit, kParamCount> edits{};  // the latent-tool parameters' widget values
  bool playing = false;                         // animate along the interpolation strip
  float play_time = 0.0f;                       // seconds since playback started
  float play_fps = 4.0f;                        // strip images per second
  std::mt19937 rng{12345};                      // the explorer's Randomize draws
  int open_tab = -1;  // 0 traversal, 1 interpolation, 2 explorer: switch to it next frame
  void draw(View& view, const PanelSlot& area);
};

/// The "Latent map" window (VAE/AE): the encoded test set in 2D colored by class; hovering
/// previews the image, clicking sends its code to the explorer.
struct LatentMapPanel {
  ParamEdit map_every;        // the map_every widget's state
  bool show_manifold = true;  // 2D latent: draw the decoded manifold under the points
  ScatterResult result;       // last frame's hover and click
  void draw(View& view, const PanelSlot& area);
};

/// The step the history slider shows when it is scrubbed back (for the plots' marker), or -1
/// when it follows training live.
double history_marker_step(View& view);

/// Square tiles of a make_grid image (`pad` pixels around each), for hit tests and magnifiers.
struct GridTiles {
  int width = 0, height = 0;  // image size in pixels
  int cols = 0, rows = 0;
  float tile = 0.0f, pad = 2.0f;  // tile side and padding in image pixels
  /// Index (row * cols + col) of the tile under screen point `p` on the image drawn at `rect`,
  /// or -1 outside it.
  int tile_at(ImVec2 p, const ImRect& rect) const;
  /// The tile's texture coordinates.
  void uv(int index, ImVec2& uv0, ImVec2& uv1) const;
  /// The tile's rectangle on the image drawn at `rect`.
  ImRect screen_rect(int index, const ImRect& rect) const;
};

/// Tiles of an image laid out with `cols` columns (or, when cols <= 0, `rows` rows).
GridTiles grid_tiles(int width, int height, int cols, int rows = 0, int pad = 2);

/// Draws `texture` as large as fits `avail` (at most `max_scale`), keeping its aspect, as an
/// invisible button taking left and right clicks. Returns where it was drawn.
ImRect image_fit(const char* id, const TextureRef& texture, ImVec2 avail, float max_scale = 8.0f);

/// `px` pixels of the design size (14-pixel font) at the current UI scale.
inline float ui_px(float px) { return px * ImGui::GetFontSize() / 14.0f; }

/// ImGui texture id of a texture.
inline ImTextureID texture_id(const TextureRef& texture) {
  return reinterpret_cast<ImTextureID>(texture.id);
}

/// A live parameter's widget (from the table) synced to the snapshot while idle; an edit sends
/// Command::set. `edit` is the panel's state of that widget.
void live_param_widget(View& view, ParamId id, ParamEdit& edit,
                       ParamLabel label = ParamLabel::kRight);

/// line_plot of the live run's `lines` and, with runs ticked in the Runs panel, their lines of
/// the same metrics (View::plot_lines: aligned by step or wall time). `metrics` names each line's
/// metrics.csv column where the series is the panel's own (nullptr: the View's series' names).
void metric_plot(View& view, const char* id, const PlotLine* lines, int count,
                 LinePlotOptions options, const char* const* metrics = nullptr);

/// Puts the next item on the current line when `width` more pixels fit there, else on the next
/// line: rows of buttons and checkboxes wrap in a narrow panel instead of being cut off.
void flow_next(float width);
/// `text` with line breaks at spaces so that no line is wider than `width` pixels (a word wider
/// than that gets a line of its own). ImGui's own wrapping also breaks after '.', splitting
/// numbers such as 0.84 over two lines.
std::string wrap_words(const std::string& text, float width);
/// Text wrapped at spaces to the available width, in `color` (alpha 0: the text color) or
/// disabled gray.
void text_wrapped(const std::string& text, ImVec4 color = ImVec4(0, 0, 0, 0));
void text_wrapped_disabled(const std::string& text);

/// What the run is doing, in a few words: "training", "paused", "pausing after this step...",
/// "resuming...", "stepping", "recording: N steps per frame", "not running".
std::string run_state_text(View& view);
/// The model family the snapshot shows (the 2D lab, an image GAN, a VAE/AE).
ModelFamily snapshot_family(const Snapshot& snap);

/// Width of a button labelled `label` (its text plus frame padding).
float button_width(const char* label);
/// Width of a checkbox or radio button labelled `label`.
float checkbox_width(const char* label);

/// Item width that fits `count` widgets labelled `labels` (and `extra` more pixels) on one line
/// of the available width.
float shared_item_width(const char* const* labels, int count, float extra = 0.0f);

/// Mean D(x) and D(G(z)) over steps, and the current batch's score histogram.
struct ScoresPanel {
  LinePlotOptions plot;
  int bins = 40;
  void draw(View& view, const PanelSlot& area);
};

/// The Record tab: a widget per Record row of the parameter table (the file, what to record,
/// fps, quality, scale, lockstep and its steps per frame, limits, preset), editing
/// View::recorder().values; start/stop (also the R key), live status and the last result. The
/// App does the recording; training never sees these settings.
struct RecorderPanel {
  std::array<ParamEdit, kParamCount> edits{};  // the Record rows' widget states
  int lockstep_steps = 0;  // steps per frame that switching lockstep back on restores (0: default)
  std::string error;       // the last value the table rejected, naming the key
  ParamId error_row = ParamId::kCount;  // the row `error` is about (shown under it)
  void draw(View& view);
  /// The Record rows: text ones (the path) at full width, then a label/widget table.
  void draw_settings(View& view);
  /// One row: the parameter's label and widget (in the table's two columns, or on one line); an
  /// edit is validated against the table and stored, or its error shown under the row.
  void draw_row(View& view, const ParamSpec& spec, bool in_table);
  /// The lockstep switch (record_steps_per_frame 0 or not) and, when on, its steps per frame.
  void draw_lockstep(View& view);
};

/// The red REC indicator (elapsed time, file size, dropped frames) in the window's top-right
/// corner while recording. Returns its draw list, which the App renders after capturing the
/// frame so the indicator never shows in the video; nullptr when not recording.
const ImDrawList* draw_rec_indicator(View& view, ImVec2 display);

/// Tabs: Status (the message, the last action, step, epoch progress, throughput, frame timing,
/// device, BLAS and threads), Record, Alarms (red while it has unseen alarms) and History.
struct StatusPanel {
  RecorderPanel recorder;
  bool open_record_tab = false;  // select the Record tab next frame
  bool open_alarms_tab = false;  // select the Alarms tab next frame
  bool open_history_tab = false; // select the History tab next frame
  std::size_t alarms_seen = 0;   // alarms logged when the tab was last open (newer ones: red tab)
  ImRect rollback_rect;          // the Roll back button last frame (empty when not shown)
  /// The Alarms tab: the log (newest first) and a mute checkbox per kind.
  void draw_alarms(View& view);
  void draw_run_dir(View& view, const std::string& dir);  // click to copy
  void draw_remote(View& view);  // a viewer's: the server it views
  /// The History tab: every applied edit, reset, pause, save, load, recording... newest first.
  void draw_history(View& view);
  /// The panel with its tabs.
  void draw(View& view, const PanelSlot& area);
  /// The Status tab: the message, the last action and the rows.
  void draw_status(View& view);
};

/// The 2D lab's plot: a distribution picker, layer toggles (real, generated, D heatmap, G arrows,
/// manifold), D step / G step / Iteration buttons, slow motion, painting your own distribution,
/// and the square plot with pan (drag), zoom (wheel) and home (double-click).
struct ToyPanel {
  bool show_real = true, show_fake = true, show_heat = true, show_arrows = true;
  bool show_manifold = true;
  int arrow_count = 256;     // arrows drawn (the first fake points)
  float arrow_scale = 1.0f;  // length multiplier
  Box2 box{};                // the visible data box
  std::string view_dataset;  // the distribution `box` belongs to
  Box2 sent{};               // the box last sent to the trainer
  double sent_time = -1.0;
  bool painting = false;
  std::vector<Point2> painted;
  ParamEdit slow_edit;
  ImRect plot_rect;            // where the plot was drawn last frame (screen pixels)
  float caption_width = 0.0f, caption_height = 0.0f;  // the caption's room (grows, per width)
  std::vector<float> density;  // manifold_density() of the view version below
  uint64_t density_version = 0;
  void draw(View& view, const PanelSlot& area);
};

/// The 2D lab's coverage now: modes covered, HQ %, KL and JS of the last evaluation, the rule,
/// and a bar per mode with its share of the samples.
struct ModesPanel {
  std::vector<float> shares;
  void draw(View& view, const PanelSlot& area);
};

/// The 2D lab's metrics over steps: modes covered, HQ % and KL/JS.
struct ModeMetricsPanel {
  LinePlotOptions plot;
  void draw(View& view, const PanelSlot& area);
};

/// Sample quality over steps (image models): the metric classifier's accuracy, classifier-FID
/// with its floor, the IS analogue and class entropy, and the class histogram of the last
/// evaluation against the test split's; the classifier's progress while it trains.
struct QualityPanel {
  uint64_t version = 0;  // the QualityView the series were built from
  MetricSeries fid, floor, is_score, is_real, entropy;
  LinePlotOptions fid_plot, is_plot;
  bool show_is = false;  // a short panel shows one plot: FID, or IS and entropy
  ParamEdit eval_every;
  /// Rebuilds the series when the view changed.
  void sync(const QualityView& q);
  void draw(View& view, const PanelSlot& area);
};

/// How a text pane tints each generated character.
enum class TextTint { kProbability, kSurprisal };
/// The tint of a character the model gave probability `p`: red (unlikely) through yellow to green
/// (likely); kSurprisal: clear (0 bits) to strong red (8 bits and more).
ImU32 text_tint(TextTint tint, float p);

/// One character of a tinted text pane.
struct TintedChar {
  std::string text;  // the character (UTF-8); a line break is drawn as ↵ and breaks the line
  ImU32 tint = 0;    // its background (0: none)
  ImU32 color = 0;   // its glyph's colour (0: the text colour)
  int index = -1;    // what the pane reports when it is hovered (-1: not hoverable)
};
/// Draws `chars` in a bordered child window of `size`, wrapped between words at its width.
/// Returns the hovered character's index, or -1.
int draw_tinted_chars(const char* id, const std::vector<TintedChar>& chars, ImVec2 size);
/// How a text model's character is drawn: a line break as ↵, a tab as →, a space as · when
/// `dot_space` (else as itself), a control character as ^G or \x85; others as themselves.
std::string shown_char(const std::string& c, bool dot_space = false);
/// A character as a tooltip names it: "line break", "tab", "space", or 'c' (shown_char's form).
std::string quoted_char(const std::string& c);
/// The characters of UTF-8 `text`, one string each.
std::vector<std::string> utf8_chars(const std::string& text);

/// Text models' Samples panel: the prompt, temperature and top-k (applied at the next refresh),
/// the tint toggle, the history slider (past samples by step), the fixed-seed continuation and
/// the greedy one, each generated character tinted by its probability or surprisal; hovering one
/// shows the ten likeliest characters at that point as bars.
struct TextSamplesPanel {
  ParamEdit prompt_edit, temperature_edit, top_k_edit;
  TextTint tint = TextTint::kProbability;
  int hovered_sampled = -1, hovered_greedy = -1;  // the characters under the mouse last frame
  void draw(View& view, const PanelSlot& area);
  void draw_history(View& view);
  /// The sample the panes show: the live one, or the history entry scrubbed to.
  const TextSample* shown(View& view, bool greedy) const;
};

/// Text models' Inside panel. Recurrent models: the top layer's units x positions over a
/// validation passage as a heatmap, a unit selector colouring the passage by that unit, and
/// "Rank units" listing the units by how strongly they follow simple features (inside quotes,
/// position in line, ...). The Transformer: a layer and head picker, that head's attention map,
/// and the passage where hovering a character tints where it looks.
struct TextInsidePanel {
  int unit = 0;
  int layer = 0, head = 0;
  int query = -1;  // the Transformer: the passage character whose attention is shown (-1: last)
  std::vector<UnitCorrelation> ranking;  // the last "Rank units"
  int64_t ranked_step = -1;              // the step it was computed at
  int hovered = -1;                      // the passage character under the mouse last frame
  void draw(View& view, const PanelSlot& area);
  void draw_recurrent(View& view, const TextInside& inside);
  void draw_attention(View& view, const TextInside& inside);
  void draw_all_heads(View& view, const TextInside& inside);
};

/// Text models' Embeddings panel: every character's embedding on its first two principal
/// components, drawn as the character, coloured by class (vowel, consonant, digit, punctuation,
/// space, other); refreshed every val_every steps.
struct TextEmbeddingsPanel {
  ScatterResult result;
  void draw(View& view, const PanelSlot& area);
};

/// Bars of each class's share of the last evaluation's generated images (in the class colours),
/// a white tick at the test split's share, class names on the left; a tooltip per class.
void draw_class_histogram(const char* id, const QualityView& q, ImVec2 size);

/// Default panel rectangles for the area (x0, y0)-(x0 + w, y0 + h) at font size `em`: Status and
/// Controls on the left; Samples over Losses in the middle; Latent, Quality and Discriminator
/// (GAN) or Latent map (VAE/AE) stacked on the right. The 2D lab: its plot fills the middle
/// column; Modes, Losses and Mode metrics are stacked on the right.
struct PanelLayout {
  ImRect status, controls, samples, losses, latent, quality, bottom_right;
  ImRect toy_plot, toy_modes, toy_losses, toy_metrics;
  ImRect text_status, text_controls;    // text models: the left column
  ImRect text_inside, text_embeddings;  // text models: the right column
  PanelLayout(float x0, float y0, float w, float h, float em = 14.0f);
};

/// One panel of the current family's layout: its id (the layout file's and the View menu's
/// key), window title and default place.
struct PanelEntry {
  const char* id;
  const char* title;  // "Name" or "Name###id" when two families lay out a panel differently
  ImRect rect;
};

/// The panels `family` shows, in drawing order, placed by `layout`.
std::vector<PanelEntry> panel_entries(ModelFamily family, bool gan, const PanelLayout& layout);

/// Every panel of the window in its layout, the menu bar (Run, View, Help), the shortcuts
/// overlay (F1) and the keyboard shortcuts. Which panels show depends on the model family.
/// The layout follows the window while the user has not moved a panel; once they have, it is
/// theirs (kept in the layout file, scaled when the window is resized) until Reset layout.
struct PanelSet {
  StatusPanel status;
  ControlsPanel controls;
  SamplesPanel samples;
  LossesPanel losses;
  LatentPanel latent;
  ScoresPanel scores;
  LatentMapPanel latent_map;
  ToyPanel toy;
  ModesPanel modes;
  ModeMetricsPanel mode_metrics;
  QualityPanel quality;
  TextSamplesPanel text_samples;
  TextInsidePanel text_inside;
  TextEmbeddingsPanel text_embeddings;
  RunsPanel runs;
  ForkDialog fork_dialog;
  bool show_runs = false;            // the Runs window (View > Runs, --compare)
  std::vector<std::string> compare;  // runs to tick at the first frame (--compare), then cleared

  LayoutSettings* layout = nullptr;  // the layout file's settings (Gui::layout()); null: own
  Gui* gui = nullptr;                // for the View menu's UI scale and saving; may be null
  bool show_help = false;            // the shortcuts overlay (F1)
  bool reset_layout = false;         // place every panel in its default place next frame

  /// Draws the menu bar, the panels for a display of `size` pixels and the overlay, and handles
  /// the shortcuts. Needs a snapshot in `view`.
  void draw(View& view, ImVec2 size);
  /// The keyboard shortcuts (not while a text field has the keyboard): Space pause/resume,
  /// "." one step, F1 or ? the overlay, R record, Ctrl+S save, F12 screenshot, Esc closes.
  void handle_shortcuts(View& view);
  /// The menu bar; returns its height.
  float draw_menu(View& view, ModelFamily family, bool gan);
  void draw_file_menu(View& view, ModelFamily family);
  /// The shortcuts and panels overlay.
  void draw_help(View& view, ImVec2 size);
  /// The Runs window (when shown), ticking the runs of `compare` first.
  void draw_runs(View& view, const PanelLayout& defaults);

 private:
  struct Placement {
    bool place = false;       // put every panel where the layout says (not where it was)
    bool uncollapse = false;  // and open collapsed ones (Reset layout)
    ImVec2 size;              // the display
  };
  void draw_entry(View& view, const PanelEntry& entry, const Placement& placement,
                  LayoutSettings& settings);
  void draw_panel(View& view, const std::string& id, const PanelSlot& slot);
  void note_record_regions(View& view, ModelFamily family, bool gan, ImVec2 size) const;

  LayoutSettings own_layout_;
  ImVec2 last_size_{0, 0};
  float last_em_ = 0.0f;
  bool placed_once_ = false;
  std::vector<std::pair<std::string, ImRect>> placed_;  // where each panel was put last frame
  std::vector<std::pair<std::string, ImRect>> placing_;  // and this frame
  ModelFamily last_family_ = ModelFamily::kImageGan;
};

/// Begins the panel window `title` (or slot.title) placed at slot.rect as slot.cond says. Returns
/// false (having ended the window) when it is collapsed or closed: the caller draws nothing and
/// must not End().
bool begin_panel(const char* title, const PanelSlot& slot);

}  // namespace genscope
