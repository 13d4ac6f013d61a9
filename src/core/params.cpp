#include "core/params.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <fstream>
#include <iterator>
#include <sstream>

#include "data/toy2d.h"
#include "util/strings.h"
#include "util/suggest.h"

namespace genscope {
namespace {

using T = ParamType;
using A = ParamApply;

const char* family_label(ModelFamily family);

// The table is declared a group of rows at a time, in ParamId order: the order of --help,
// --print-config and the Controls panel.
using Rows = std::vector<ParamSpec>;

// The Experiment group: the model, the dataset, the seed and the CPU threads.
void append_experiment_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kModel, "model", T::kChoice, 0, 0, 1, "",
       {"dcgan", "mlp-gan", "vae", "beta-vae", "ae", "mlp-vae"}, A::kReset, false, "Experiment",
       "dcgan / mlp-gan: GANs. vae: convolutional VAE; beta-vae: the same with beta = 4 unless "
       "--beta is given; ae: deterministic autoencoder (no KL); mlp-vae: an MLP VAE. (A 2D "
       "dataset always trains the 2D lab's MLP GAN.)", ParamScope::kImage},
      {ParamId::kDataset, "dataset", T::kText, 0, 0, 0, "fashion-mnist", {}, A::kReset, false,
       "Experiment",
       "'fashion-mnist' (Debian's dataset-fashion-mnist), a directory of MNIST-format IDX files, "
       "or a 2D distribution for the 2D GAN lab: ring8, grid25, gaussian, line, spiral, moons "
       "(custom: paint points in the 2D panel)."},
      {ParamId::kSeed, "seed", T::kInt, 1, 0, 2147483647, "", {}, A::kReset, false, "Experiment",
       "Seeds weights, the fixed sample noise and the data order; applied on reset."},
      {ParamId::kThreads, "threads", T::kInt, 0, 0, 256, "", {}, A::kReset, false, "Experiment",
       "CPU threads for LibTorch; 0 uses every hardware thread (the 2D lab: one, as its small "
       "networks run fastest on one)."},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Model group: the networks' sizes (the image models' and the 2D lab's).
void append_model_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kLatentDim, "latent_dim", T::kInt, 64, 1, 1024, "", {}, A::kReset, false, "Model",
       "Size of the noise vector z fed to the generator.", ParamScope::kImage},
      {ParamId::kWidth, "width", T::kInt, 32, 4, 512, "", {}, A::kReset, false, "Model",
       "Base channel count of the DCGAN (G and D use 1x, 2x, 4x it); the MLP scales its hidden "
       "layers by width/32. The reference DCGAN uses 64; 32 trains ~3x faster on a CPU.",
       ParamScope::kImage},
      {ParamId::kLayersG, "layers_g", T::kInt, 2, 0, 6, "", {}, A::kReset, false, "Model",
       "2D lab: hidden layers of the generator MLP (0: one linear map).", ParamScope::kToy},
      {ParamId::kLayersD, "layers_d", T::kInt, 2, 0, 6, "", {}, A::kReset, false, "Model",
       "2D lab: hidden layers of the discriminator MLP (0: a linear classifier).",
       ParamScope::kToy},
      {ParamId::kWidthG, "width_g", T::kInt, 128, 1, 512, "", {}, A::kReset, false, "Model",
       "2D lab: units per hidden layer of the generator.", ParamScope::kToy},
      {ParamId::kWidthD, "width_d", T::kInt, 128, 1, 512, "", {}, A::kReset, false, "Model",
       "2D lab: units per hidden layer of the discriminator.", ParamScope::kToy},
      {ParamId::kActivation, "activation", T::kChoice, 0, 0, 0, "",
       {"relu", "leaky_relu", "tanh", "elu"}, A::kReset, false, "Model",
       "2D lab: hidden activation of both networks (leaky_relu slope 0.2).", ParamScope::kToy},
      {ParamId::kNoiseDim, "noise_dim", T::kInt, 2, 1, 16, "", {}, A::kReset, false, "Model",
       "2D lab: size of the generator's noise z (the manifold view shows dims 1-2).",
       ParamScope::kToy},
      {ParamId::kNoise, "noise", T::kChoice, 0, 0, 0, "", {"gaussian", "uniform"}, A::kReset,
       false, "Model", "2D lab: noise distribution, N(0, I) or U(-1, 1) per dimension.",
       ParamScope::kToy},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Optimizer group: learning rates, optimizers and Adam's betas.
void append_optimizer_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kLrG, "lr_g", T::kFloat, 2e-4, 1e-6, 1e-1, "", {}, A::kLive, true, "Optimizer",
       "Generator (GAN) or encoder+decoder (VAE/AE) learning rate (Adam; 2D lab: optimizer_g). "
       "Changing it keeps the optimizer's state (moments, momentum)."},
      {ParamId::kLrD, "lr_d", T::kFloat, 2e-4, 1e-6, 1e-1, "", {}, A::kLive, true, "Optimizer",
       "Discriminator learning rate (Adam; 2D lab: optimizer_d). Changing it keeps the "
       "optimizer's state.",
       ParamScope::kGan, {{ModelFamily::kToy, "1e-3"}}},
      {ParamId::kOptimizerG, "optimizer_g", T::kChoice, 2, 0, 0, "",
       {"sgd", "momentum", "adam", "rmsprop"}, A::kReset, false, "Optimizer",
       "2D lab: generator optimizer: SGD, SGD + momentum 0.9, Adam (0.5, 0.999) or RMSprop "
       "(alpha 0.99).", ParamScope::kToy},
      {ParamId::kOptimizerD, "optimizer_d", T::kChoice, 2, 0, 0, "",
       {"sgd", "momentum", "adam", "rmsprop"}, A::kReset, false, "Optimizer",
       "2D lab: discriminator optimizer (same choices as optimizer_g).", ParamScope::kToy},
      {ParamId::kBeta1, "beta1", T::kFloat, 0.5, 0.0, 0.999, "", {}, A::kLive, false, "Optimizer",
       "Adam beta1 (momentum) for both networks. DCGAN uses 0.5.", ParamScope::kImage},
      {ParamId::kBeta2, "beta2", T::kFloat, 0.999, 0.0, 0.9999, "", {}, A::kLive, false,
       "Optimizer", "Adam beta2 (second-moment decay) for both networks.", ParamScope::kImage},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Training group: batches, updates per step and the 2D lab's losses.
void append_training_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kBatchSize, "batch_size", T::kInt, 64, 1, 1024, "", {}, A::kLive, false,
       "Training", "Images (2D lab: points) per update, for real and for fake batches.",
       ParamScope::kAll, {{ModelFamily::kToy, "256"}}},
      {ParamId::kDSteps, "d_steps", T::kInt, 1, 1, 20, "", {}, A::kLive, false, "Training",
       "Discriminator updates per step (2D lab: per iteration).", ParamScope::kGan},
      {ParamId::kGSteps, "g_steps", T::kInt, 1, 1, 20, "", {}, A::kLive, false, "Training",
       "2D lab: generator updates per iteration (after the D updates).", ParamScope::kToy},
      {ParamId::kLabelSmoothing, "label_smoothing", T::kFloat, 0.0, 0.0, 0.5, "", {}, A::kLive,
       false, "Training", "One-sided label smoothing: D's target for real images is 1 - s.",
       ParamScope::kImageGan},
      {ParamId::kLoss, "loss", T::kChoice, 4, 0, 0, "",
       {"non_saturating", "minimax", "least_squares", "hinge", "wgan_gp"}, A::kReset, false,
       "Training",
       "2D lab: adversarial loss: non-saturating BCE (-log D(G(z))), minimax (log(1 - D(G(z)))), "
       "least squares (LSGAN), hinge, or WGAN with gradient penalty.", ParamScope::kToy},
      {ParamId::kGpLambda, "gp_lambda", T::kFloat, 1.0, 0.0, 1000.0, "", {}, A::kLive, false,
       "Training", "2D lab: weight of WGAN-GP's gradient penalty (loss wgan_gp only).",
       ParamScope::kToy},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The 2D lab group: how often its metrics are measured, and slow motion.
void append_lab_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kMetricsEvery, "metrics_every", T::kInt, 10, 1, 100000, "", {}, A::kLive, false,
       "2D lab",
       "Evaluate modes covered, HQ %, KL and JS on 2,500 fresh samples every this many "
       "iterations (rows in between repeat the last values).", ParamScope::kToy},
      {ParamId::kSlowMotion, "slow_motion", T::kFloat, 0.0, 0.0, 10.0, "", {}, A::kLive, false,
       "2D lab",
       "Slow motion: seconds to pause after each D and G update, with a caption saying what it "
       "did (0: off).", ParamScope::kToy},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The VAE group: the KL weight, its warm-up and the reconstruction loss.
void append_vae_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kBeta, "beta", T::kFloat, 1.0, 0.0, 100.0, "", {}, A::kLive, false, "VAE",
       "Weight of the KL term: 1 is a VAE, more than 1 a beta-VAE (disentangles, blurs).",
       ParamScope::kVae},
      {ParamId::kKlWarmup, "kl_warmup", T::kInt, 0, 0, 1000000, "", {}, A::kLive, false, "VAE",
       "Ramp the KL weight linearly from 0 to beta over this many steps (0: no warm-up).",
       ParamScope::kVae},
      {ParamId::kReconLoss, "recon_loss", T::kChoice, 0, 0, 1, "", {"bce", "mse"}, A::kLive, false,
       "VAE", "Reconstruction loss: Bernoulli (BCE) or Gaussian (MSE), summed over pixels.",
       ParamScope::kVae},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Latent tools group: traversals, interpolation and the latent map.
void append_latent_tool_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kTraversalRange, "traversal_range", T::kFloat, 3.0, 0.1, 10.0, "", {}, A::kLive,
       false, "Latent tools", "Traversals vary each latent dimension over [-range, +range]."},
      {ParamId::kTraversalSteps, "traversal_steps", T::kInt, 9, 3, 15, "", {}, A::kLive, false,
       "Latent tools", "Images per traversal row."},
      {ParamId::kInterpSteps, "interp_steps", T::kInt, 10, 2, 32, "", {}, A::kLive, false,
       "Latent tools", "Images in the interpolation strip, endpoints included."},
      {ParamId::kInterpMode, "interp_mode", T::kChoice, 1, 0, 1, "", {"lerp", "slerp"}, A::kLive,
       false, "Latent tools",
       "Straight line (lerp) or great circle (slerp, keeps Gaussian samples' typical norm)."},
      {ParamId::kMapEvery, "map_every", T::kInt, 500, 50, 100000, "", {}, A::kLive, false,
       "Latent tools", "Re-encode the test set for the 2D latent map every this many steps."},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Files group: checkpoints and where run directories go.
void append_file_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kCheckpointPath, "checkpoint", T::kText, 0, 0, 0, "", {}, A::kLive, false,
       "Files",
       "Where Save (Ctrl+S) and checkpoint_every write the checkpoint (weights, optimizer state, "
       "RNG, fixed noise, step, parameters), atomically. Empty: checkpoints/step-N.ckpt in the "
       "run directory; a bare file name goes into the run directory, a path with a folder in it "
       "where it says."},
      {ParamId::kCheckpointEvery, "checkpoint_every", T::kInt, 0, 0, 100000000, "", {}, A::kLive,
       false, "Files", "Save a checkpoint every this many steps (0: only on request)."},
      {ParamId::kRunsDir, "runs_dir", T::kText, 0, 0, 0, "runs", {}, A::kLive, false, "Files",
       "Where a run without --out makes its run directory, <start time>-<model>-<dataset>/ "
       "(config.cfg, metrics.csv, events.log, checkpoints/, recordings), at the start and at "
       "each reset (a reset is a new run)."},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Quality and Diagnostics groups: what is measured while training.
void append_quality_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kEvalEvery, "eval_every", T::kInt, 500, 0, 100000000, "", {}, A::kLive, false,
       "Quality",
       "Score the generator every this many steps: classifier-FID, Inception-Score analogue and "
       "class histogram of eval_samples images, by a classifier trained on the dataset's labels "
       "(0: off).", ParamScope::kImage},
      {ParamId::kEvalSamples, "eval_samples", T::kInt, 5000, 100, 100000, "", {}, A::kLive, false,
       "Quality", "Generated images per quality evaluation (FID's N).", ParamScope::kImage},
      {ParamId::kHistEvery, "hist_every", T::kInt, 100, 0, 100000000, "", {}, A::kLive, false,
       "Diagnostics",
       "Sample each layer's weight and activation histograms every this many steps (0: off).",
       ParamScope::kAll},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Record group: the window's (the Record tab, --record), never training's.
void append_record_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kRecordPath, "record_path", T::kText, 0, 0, 0, "genscope-recording.mp4", {},
       A::kApp, false, kRecordGroup,
       "Where a recording goes: .mp4 (H.264) or .gif. A recording never overwrites a file (a "
       "taken name gets -2, -3...); --record PATH sets it and records from the start."},
      {ParamId::kRecordRegion, "record_region", T::kChoice, 0, 0, 0, "",
       {"window", "samples", "plots"}, A::kApp, false, kRecordGroup,
       "What a recording captures: the whole window, the Samples panel (the 2D lab: its plot) or "
       "the plots."},
      {ParamId::kRecordFps, "record_fps", T::kInt, 30, 1, 120, "", {}, A::kApp, false, kRecordGroup,
       "Frames per second of the video (a real-time recording captures at this rate)."},
      {ParamId::kRecordCrf, "record_crf", T::kInt, 20, 0, 51, "", {}, A::kApp, false, kRecordGroup,
       "H.264 quality: lower is better and bigger, 18-23 is typical, 0 is lossless (GIF: "
       "ignored)."},
      {ParamId::kRecordScale, "record_scale", T::kFloat, 1.0, 0.25, 1.0, "", {}, A::kApp, false,
       kRecordGroup, "Video size: the recorded region's size times this."},
      {ParamId::kRecordStepsPerFrame, "record_steps_per_frame", T::kInt, 10, 0, 100000, "", {},
       A::kApp, false, kRecordGroup,
       "Lockstep timelapse: exactly this many training steps per recorded frame, so the same "
       "seed and settings give the same video (the recording pauses training and steps it); 0 "
       "records in real time at record_fps. Headless recordings are always lockstep (0 there: "
       "the default)."},
      {ParamId::kRecordFrames, "record_frames", T::kInt, 0, 0, 1000000000, "", {}, A::kApp, false,
       kRecordGroup,
       "Stop the recording after this many frames (0: when stopped); --record then exits."},
      {ParamId::kRecordSeconds, "record_seconds", T::kFloat, 0.0, 0.0, 86400.0, "", {}, A::kApp,
       false, kRecordGroup,
       "Stop the recording after this many seconds of video (0: when stopped); --record then "
       "exits."},
      {ParamId::kRecordPreset, "record_preset", T::kChoice, 2, 0, 0, "",
       {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
        "veryslow"},
       A::kApp, false, kRecordGroup,
       "x264 preset: faster ones take less CPU per frame and make bigger files (GIF: ignored)."},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// Checks the order, gives each choice the range of its list and appends the family defaults
// to the help texts.
void finish_rows(std::array<ParamSpec, kParamCount>& t) {
  // Help texts that name their family defaults live as long as the table.
  static std::deque<std::string> helps;
  for (int i = 0; i < kParamCount; ++i) {
    if (static_cast<int>(t[i].id) != i) throw std::logic_error("param table out of order");
    if (t[i].type == T::kChoice) {  // the range of a choice is its list
      t[i].min_value = 0;
      t[i].max_value = static_cast<double>(t[i].choices.size()) - 1;
    }
    if (t[i].family_defaults.empty()) continue;
    // The family follows the dataset and the model: they cannot depend on it.
    if (t[i].id == ParamId::kDataset || t[i].id == ParamId::kModel) {
      throw std::logic_error(std::string("param ") + t[i].key + ": no family default allowed");
    }
    std::string help = t[i].help;
    for (const FamilyDefault& f : t[i].family_defaults) {
      help += strformat(" Default for %s: %s.", family_label(f.family), f.value);
    }
    t[i].help = helps.emplace_back(std::move(help)).c_str();
  }
}

std::array<ParamSpec, kParamCount> make_table() {
  Rows rows;
  rows.reserve(kParamCount);
  append_experiment_rows(rows);
  append_model_rows(rows);
  append_optimizer_rows(rows);
  append_training_rows(rows);
  append_lab_rows(rows);
  append_vae_rows(rows);
  append_latent_tool_rows(rows);
  append_file_rows(rows);
  append_quality_rows(rows);
  append_record_rows(rows);
  if (rows.size() != static_cast<size_t>(kParamCount)) {
    throw std::logic_error("param table out of order");
  }
  std::array<ParamSpec, kParamCount> t{};
  std::move(rows.begin(), rows.end(), t.begin());
  finish_rows(t);
  return t;
}

const char* family_label(ModelFamily family) {
  switch (family) {
    case ModelFamily::kImageGan:
      return "image GANs";
    case ModelFamily::kVae:
      return "VAE/AE";
    case ModelFamily::kToy:
      return "the 2D lab";
  }
  return "?";
}

constexpr int kFamilies = 3;
static_assert(static_cast<int>(ModelFamily::kToy) == kFamilies - 1, "families index 0..2");
int family_index(ModelFamily family) { return static_cast<int>(family); }

// Text as the user types it -> a value of `spec` (not range-checked).
Result<ParamValue> parse_value(const ParamSpec& spec, std::string_view text) {
  ParamValue v;
  switch (spec.type) {
    case ParamType::kText:
      v.text = std::string(text);
      break;
    case ParamType::kChoice: {
      std::string t(trim(text));
      for (size_t i = 0; i < spec.choices.size(); ++i) {
        if (t == spec.choices[i]) return ParamValue{static_cast<double>(i), ""};
      }
      const std::vector<std::string> names(spec.choices.begin(), spec.choices.end());
      const std::string near = did_you_mean(t, names);
      return Error{strformat(near.empty() ? "%s: unknown value '%s'%s (choose one of: %s)"
                                          : "%s: unknown value '%s'%s; choose one of: %s",
                             spec.key, t.c_str(), near.c_str(), join_names(names).c_str())};
    }
    case ParamType::kInt:
    case ParamType::kFloat: {
      auto d = parse_double(text);
      if (!d) {
        return Error{strformat("%s: '%s' is not a number", spec.key, std::string(text).c_str())};
      }
      v.number = *d;
      break;
    }
  }
  return v;
}

// Every row's default per family, indexed [family][id].
std::array<std::array<ParamValue, kParamCount>, kFamilies> make_defaults() {
  std::array<std::array<ParamValue, kParamCount>, kFamilies> out;
  for (const ParamSpec& spec : param_table()) {
    const int i = static_cast<int>(spec.id);
    for (auto& family : out) family[i] = ParamValue{spec.default_value, spec.default_text};
    for (const FamilyDefault& f : spec.family_defaults) {
      auto v = parse_value(spec, f.value);
      if (!v || !validate_param(spec, *v)) {
        throw std::logic_error(std::string("param ") + spec.key + ": bad family default " +
                               f.value);
      }
      out[family_index(f.family)][i] = *v;
    }
  }
  return out;
}

std::string key_spelling(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

}  // namespace

bool is_gan_model(const std::string& model) { return model == "dcgan" || model == "mlp-gan"; }

ModelFamily model_family(const Params& params) {
  if (parse_toy2d(std::string(trim(params.text(ParamId::kDataset))))) return ModelFamily::kToy;
  return is_gan_model(params.choice(ParamId::kModel)) ? ModelFamily::kImageGan : ModelFamily::kVae;
}

bool param_applies(const ParamSpec& spec, ModelFamily family) {
  const unsigned bit = family == ModelFamily::kImageGan ? 1u : family == ModelFamily::kVae ? 2u : 4u;
  return (static_cast<unsigned>(spec.scope) & bit) != 0;
}

const std::array<ParamSpec, kParamCount>& param_table() {
  static const std::array<ParamSpec, kParamCount> table = make_table();
  return table;
}

const ParamSpec& param_spec(ParamId id) { return param_table()[static_cast<int>(id)]; }

const ParamSpec* find_param(std::string_view key) {
  std::string k = key_spelling(key);
  for (const auto& spec : param_table()) {
    if (k == spec.key) return &spec;
  }
  return nullptr;
}

std::string cli_flag(const ParamSpec& spec) {
  std::string flag = "--" + std::string(spec.key);
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

const ParamValue& param_default(const ParamSpec& spec, ModelFamily family) {
  static const auto defaults = make_defaults();
  return defaults[family_index(family)][static_cast<int>(spec.id)];
}

Params::Params() {
  for (const auto& spec : param_table()) {
    values_[static_cast<int>(spec.id)] = ParamValue{spec.default_value, spec.default_text};
  }
  follow_family();
}

void Params::follow_family() {
  family_ = model_family(*this);
  for (const auto& spec : param_table()) {
    const int i = static_cast<int>(spec.id);
    if (!set_[i]) values_[i] = param_default(spec, family_);
  }
}

std::string Params::choice(ParamId id) const {
  const auto& spec = param_spec(id);
  return spec.choices.at(static_cast<size_t>(number(id)));
}

Status validate_param(const ParamSpec& spec, const ParamValue& v) {
  switch (spec.type) {
    case ParamType::kText:
      // A text whose default is empty may be empty ("checkpoint": the run directory's names).
      if (trim(v.text).empty() && spec.default_text[0] != '\0') {
        return Error{std::string(spec.key) + ": must not be empty"};
      }
      return {};
    case ParamType::kInt:
    case ParamType::kChoice:
      if (std::floor(v.number) != v.number) {
        return Error{strformat("%s: %s is not a whole number", spec.key, format_number(v.number).c_str())};
      }
      [[fallthrough]];
    case ParamType::kFloat:
      if (!std::isfinite(v.number) || v.number < spec.min_value || v.number > spec.max_value) {
        return Error{strformat("%s: %s is outside the range [%s, %s]", spec.key,
                               format_number(v.number).c_str(), format_number(spec.min_value).c_str(),
                               format_number(spec.max_value).c_str())};
      }
      return {};
  }
  return {};
}

Status Params::set(ParamId id, const ParamValue& v) {
  const auto& spec = param_spec(id);
  if (auto s = validate_param(spec, v); !s) return s;
  auto& slot = values_[static_cast<int>(id)];
  if (spec.type == ParamType::kText) {
    slot.text = std::string(trim(v.text));
  } else {
    slot.number = v.number;
  }
  set_[static_cast<int>(id)] = true;
  if (id == ParamId::kDataset || id == ParamId::kModel) follow_family();
  return {};
}

Status Params::set_from_string(ParamId id, std::string_view text) {
  auto v = parse_value(param_spec(id), text);
  if (!v) return Error{v.error()};
  return set(id, *v);
}

std::vector<ParamId> Params::diff(const Params& other) const {
  std::vector<ParamId> out;
  for (int i = 0; i < kParamCount; ++i) {
    if (values_[i] != other.values_[i]) out.push_back(static_cast<ParamId>(i));
  }
  return out;
}

std::string Params::to_string(ParamId id) const {
  const auto& spec = param_spec(id);
  switch (spec.type) {
    case ParamType::kText:
      return text(id);
    case ParamType::kChoice:
      return choice(id);
    case ParamType::kInt:
      return strformat("%d", integer(id));
    case ParamType::kFloat:
      return format_exact(number(id));  // config.cfg reads back bit-exact
  }
  return {};
}

int param_decimals(const ParamSpec& spec) {
  const auto exact = [](double v, int d) {
    const double scaled = v * std::pow(10.0, d);
    return std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, std::fabs(scaled));
  };
  for (int d = 2; d < 6; ++d) {
    if (exact(spec.min_value, d) && exact(spec.max_value, d) && exact(spec.default_value, d)) {
      return d;
    }
  }
  return 6;
}

bool param_uses_input(const ParamSpec& spec) {
  const bool linear =
      spec.type == ParamType::kInt || (spec.type == ParamType::kFloat && !spec.log_scale);
  return linear && spec.max_value - spec.min_value > 4096;
}

std::string format_param_value(const ParamSpec& spec, const ParamValue& v) {
  switch (spec.type) {
    case ParamType::kText:
      return v.text;
    case ParamType::kChoice: {
      const auto i = static_cast<std::size_t>(v.number);
      return v.number >= 0 && i < spec.choices.size() ? spec.choices[i] : format_number(v.number);
    }
    case ParamType::kInt:
      return strformat("%lld", static_cast<long long>(v.number));
    case ParamType::kFloat:
      if (spec.log_scale) return strformat("%.2e", v.number);
      return strformat("%.*f", param_decimals(spec), v.number);
  }
  return {};
}

Status parse_config_text(const std::string& text, const std::string& source, Params& params) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view body = line;
    if (auto hash = body.find('#'); hash != std::string_view::npos) body = body.substr(0, hash);
    body = trim(body);
    if (body.empty()) continue;
    auto eq = body.find('=');
    if (eq == std::string_view::npos) {
      return Error{strformat("%s:%d: expected 'key = value'", source.c_str(), line_no)};
    }
    std::string key(trim(body.substr(0, eq)));
    const ParamSpec* spec = find_param(key);
    if (!spec) {
      std::vector<std::string> keys;
      for (const auto& row : param_table()) keys.push_back(row.key);
      return Error{strformat("%s:%d: unknown key '%s'%s", source.c_str(), line_no, key.c_str(),
                             did_you_mean(key_spelling(key), keys).c_str())};
    }
    if (auto s = params.set_from_string(spec->id, trim(body.substr(eq + 1))); !s) {
      return Error{strformat("%s:%d: %s", source.c_str(), line_no, s.error().c_str())};
    }
  }
  return {};
}

Status load_config(const std::string& path, Params& params) {
  std::ifstream in(path);
  if (!in) return Error{"config " + path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config_text(text.str(), "config " + path, params);
}

std::string to_config_text(const Params& params) {
  constexpr size_t kCommentWidth = 98;  // with "# ", 100 columns
  std::ostringstream out;
  for (const auto& spec : param_table()) {
    std::string comment = spec.help;
    if (spec.type == ParamType::kChoice) {
      comment += " One of: " + join_names({spec.choices.begin(), spec.choices.end()}) + ".";
    } else if (spec.type != ParamType::kText) {
      comment +=
          " Range [" + format_number(spec.min_value) + ", " + format_number(spec.max_value) + "].";
    }
    if (spec.apply == ParamApply::kReset) comment += " (needs reset)";
    if (spec.apply == ParamApply::kApp) comment += " (the window's; training ignores it)";
    for (const std::string& line : wrap_words(comment, kCommentWidth)) out << "# " << line << "\n";
    out << spec.key << " = " << params.to_string(spec.id) << "\n";
  }
  return out.str();
}

}  // namespace genscope
