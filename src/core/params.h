#pragma once
// The one table of parameters: every knob is declared once here (name, type, default, range, help,
// live, needs-reset or app-side, group); the CLI flags, config-file keys, --help, --print-config,
// the widgets and validation all come from this table. Training's hyperparameters and the
// window's recording settings (group "Record", applied by the app, never by training) alike. A
// row whose best value differs for one model family (the 2D lab's learning rate and batch size)
// carries that family's default too; a value nobody set follows the family its dataset and model
// make. Plain C++: no torch.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace genscope {

/// Identifies a parameter; indexes the table.
enum class ParamId : int {
  kModel,
  kDataset,
  kResolution,
  kChannels,
  kSeed,
  kThreads,
  kLatentDim,
  kWidth,
  kLayersG,
  kLayersD,
  kWidthG,
  kWidthD,
  kActivation,
  kNoiseDim,
  kNoise,
  kLrG,
  kLrD,
  kOptimizerG,
  kOptimizerD,
  kBeta1,
  kBeta2,
  kBatchSize,
  kHFlip,
  kDSteps,
  kGSteps,
  kLabelSmoothing,
  kLoss,
  kGpLambda,
  kR1Gamma,
  kSpectralNorm,
  kGEma,
  kEmaSamples,
  kLrSchedule,
  kLrScheduleSteps,
  kMetricsEvery,
  kSlowMotion,
  kBeta,
  kKlWarmup,
  kReconLoss,
  kTraversalRange,
  kTraversalSteps,
  kInterpSteps,
  kInterpMode,
  kMapEvery,
  kLayers,
  kHeads,
  kContext,
  kBptt,
  kDropout,
  kGradClip,
  kWeightDecay,
  kWarmupSteps,
  kValEvery,
  kPrompt,
  kTemperature,
  kTopK,
  kSampleChars,
  kCheckpointPath,
  kCheckpointEvery,
  kRunsDir,
  kTensorboard,
  kTbImageEvery,
  kEvalEvery,
  kEvalSamples,
  kHistEvery,
  kRecordPath,
  kRecordRegion,
  kRecordFps,
  kRecordCrf,
  kRecordScale,
  kRecordStepsPerFrame,
  kRecordFrames,
  kRecordSeconds,
  kRecordPreset,
  kCount
};
inline constexpr int kParamCount = static_cast<int>(ParamId::kCount);

/// How a parameter's value is typed and edited.
enum class ParamType { kFloat, kInt, kChoice, kText };

/// Whether an edit applies between two steps, needs new weights (a reset), or belongs to the app
/// (recording settings: the window uses them; training never sees an edit nor resets for one).
enum class ParamApply { kLive, kReset, kApp };

/// The four kinds of experiment: an image GAN (dcgan, mlp-gan), an image encoder/decoder model
/// (vae, beta-vae, ae, mlp-vae), the 2D GAN lab (a toy 2D dataset such as ring8), or a
/// character-level language model (char-rnn, char-gru, char-lstm, char-transformer on text).
enum class ModelFamily { kImageGan, kVae, kToy, kText };

/// Which model families a parameter matters to (the Controls panel hides the others). Bit flags:
/// 1 image GAN, 2 VAE/AE, 4 2D lab, 8 text.
enum class ParamScope : unsigned {
  kImageGan = 1,
  kVae = 2,
  kToy = 4,
  kText = 8,
  kGan = 1 | 4,    // every GAN: image GANs and the 2D lab
  kImage = 1 | 2,  // every image model
  kImageText = 1 | 2 | 8,  // image and text models (not the 2D lab)
  kAll = 1 | 2 | 4 | 8,
};

/// A default one model family overrides: the value as a user would type it ("1e-3", "wgan_gp").
/// A Params value nobody set follows the default of the family its dataset and model make.
struct FamilyDefault {
  ModelFamily family;
  const char* value;
};

/// The group of the recording settings (the Record tab's rows; all of them kApp).
inline constexpr const char* kRecordGroup = "Record";

/// One row of the table.
struct ParamSpec {
  ParamId id;
  const char* key;  // config key; the CLI flag is "--" + key with '_' as '-'
  ParamType type;
  double default_value;  // numeric default, or the default choice index
  double min_value;
  double max_value;
  const char* default_text;            // kText default
  std::vector<const char*> choices;    // kChoice names
  ParamApply apply;
  bool log_scale;  // widgets drag logarithmically (learning rates)
  const char* group;  // panel section: "Experiment", "Model", "Optimizer", "Training", "Record"
  const char* help;
  ParamScope scope = ParamScope::kAll;
  std::vector<FamilyDefault> family_defaults = {};  // overrides of default_value per family
};

/// Model family of a `model` choice name: GANs, or encoder/decoder models (VAE, beta-VAE, AE).
bool is_gan_model(const std::string& model);
/// True for the character-level language models (char-rnn, char-gru, char-lstm, char-transformer).
bool is_text_model(const std::string& model);
/// The model a text dataset trains when none is chosen.
inline constexpr const char* kDefaultTextModel = "char-transformer";
/// True when a dataset spec names text: "fortunes" or "text:PATH".
bool is_text_dataset(const std::string& spec);

class Params;
/// The family `params` trains: kToy when its dataset names a 2D distribution (ring8, grid25,
/// gaussian, line, spiral, moons, custom); kText when the model is a char-* model or the dataset
/// is text (fortunes, text:PATH); else by the model choice.
ModelFamily model_family(const Params& params);
/// True when `spec` matters to `family` (its scope includes it).
bool param_applies(const ParamSpec& spec, ModelFamily family);

/// The table, indexed by ParamId.
const std::array<ParamSpec, kParamCount>& param_table();
/// The row for an id.
const ParamSpec& param_spec(ParamId id);
/// True for the rows training uses (live or needs-reset); false for the app's (kApp).
inline bool is_training_param(const ParamSpec& spec) { return spec.apply != ParamApply::kApp; }
/// The row whose key (or CLI flag spelling) is `key`, or nullptr.
const ParamSpec* find_param(std::string_view key);
/// "--lr-g" for lr_g.
std::string cli_flag(const ParamSpec& spec);

/// A value for one parameter: numeric (float, int, choice index) or text.
struct ParamValue {
  double number = 0.0;
  std::string text;
  bool operator==(const ParamValue& o) const { return number == o.number && text == o.text; }
  bool operator!=(const ParamValue& o) const { return !(*this == o); }
};

/// The default of `spec` in `family`: its family default when the row has one, else
/// default_value / default_text.
const ParamValue& param_default(const ParamSpec& spec, ModelFamily family);

/// A full set of parameter values, each valid by construction: setters validate against the table.
/// A value that was never set (by a flag, config file, preset, checkpoint or edit) is its row's
/// default for the family the dataset and model make, and follows it when they change: switching
/// the dataset to ring8 gives the 2D lab's learning rates unless the user chose their own.
class Params {
 public:
  /// All defaults (of the image GAN family: fashion-mnist, dcgan).
  Params();

  const ParamValue& value(ParamId id) const { return values_[static_cast<int>(id)]; }
  double number(ParamId id) const { return value(id).number; }
  int integer(ParamId id) const { return static_cast<int>(value(id).number); }
  const std::string& text(ParamId id) const { return value(id).text; }
  /// The selected choice's name for a kChoice parameter.
  std::string choice(ParamId id) const;

  /// Checks `v` against the table; on success stores it. Errors name the key and the range.
  Status set(ParamId id, const ParamValue& v);
  /// Parses text (a number, or a choice name) and sets it. Errors name the key and the value.
  Status set_from_string(ParamId id, std::string_view text);
  /// True when `id` was set; false while it follows its family's default.
  bool is_set(ParamId id) const { return set_[static_cast<int>(id)]; }
  /// The family whose defaults the values nobody set take (model_family() of these values).
  ModelFamily family() const { return family_; }

  /// The ids whose values differ from `other`.
  std::vector<ParamId> diff(const Params& other) const;
  /// The value as the user would type it ("2e-4", "dcgan").
  std::string to_string(ParamId id) const;

 private:
  void follow_family();  // recomputes family_ and gives every unset value its default

  std::array<ParamValue, kParamCount> values_;
  std::array<bool, kParamCount> set_{};
  ModelFamily family_ = ModelFamily::kImageGan;
};

/// Checks a value against a spec without storing it.
Status validate_param(const ParamSpec& spec, const ParamValue& v);

/// Decimal places a linear float widget shows: enough that the range's ends and the default are
/// exact (at least 2, at most 6).
int param_decimals(const ParamSpec& spec);

/// True when a linear int or float parameter's range is too wide for a slider: it gets a +/-
/// input instead.
bool param_uses_input(const ParamSpec& spec);

/// A value as widgets and the event history show it: "2.00e-04" for log-scale floats, fixed
/// decimals (param_decimals) for other floats, "%d" for ints, the name of a choice, the text.
std::string format_param_value(const ParamSpec& spec, const ParamValue& v);

/// Reads a config file of `key = value` lines ('#' starts a comment) into `params`.
/// Errors name the file, line and key.
Status load_config(const std::string& path, Params& params);

/// Parses `key = value` lines from `text`; errors start with `source` (e.g. "config my.conf").
Status parse_config_text(const std::string& text, const std::string& source, Params& params);

/// Writes every parameter as `key = value` with its help as a comment; config files round-trip.
std::string to_config_text(const Params& params);

/// A forked run's config.cfg starts with `parent = "DIR@STEP"`: the run it branched from and the
/// step. Lineage, not a parameter: parse_config_text skips it, config_parent() reads it back.
inline constexpr const char* kParentKey = "parent";
/// The `parent = ...` line (with its comment) for `parent`.
std::string config_parent_line(const std::string& parent);
/// The parent a config text names, "" when none.
std::string config_parent(const std::string& text);

/// Applies `edits`, "key=value" pairs separated by commas ("lr_d=1e-4,loss=hinge"), to `params`.
/// Errors name the pair and the key (unknown keys get a "did you mean").
Status apply_edits(Params& params, const std::string& edits);
/// apply_edits for a branch of a fork, which continues its parent's random stream: an edit of
/// the seed is an error that says so.
Status apply_fork_edits(Params& params, const std::string& edits);

}  // namespace genscope
