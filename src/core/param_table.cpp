// The parameter table's rows: every hyperparameter and setting genscope has, declared once.
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/param_table.h"
#include "util/strings.h"

namespace genscope {
namespace {

using T = ParamType;
using A = ParamApply;

const char* family_label(ModelFamily family) {
  switch (family) {
    case ModelFamily::kImageGan:
      return "image GANs";
    case ModelFamily::kVae:
      return "VAE/AE";
    case ModelFamily::kToy:
      return "the 2D lab";
    case ModelFamily::kText:
      return "text models";
  }
  return "?";
}

// The table is declared a group of rows at a time, in ParamId order: the order of --help,
// --print-config and the Controls panel.
using Rows = std::vector<ParamSpec>;

// The Experiment group: the model, the dataset, the seed and the CPU threads.
void append_experiment_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kModel, "model", T::kChoice, 0, 0, 1, "",
       {"dcgan", "mlp-gan", "vae", "beta-vae", "ae", "mlp-vae", "char-rnn", "char-gru",
        "char-lstm", "char-transformer"},
       A::kReset, false, "Experiment",
       "dcgan / mlp-gan: GANs. vae: convolutional VAE; beta-vae: the same with beta = 4 unless "
       "--beta is given; ae: deterministic autoencoder (no KL); mlp-vae: an MLP VAE. Text "
       "(character-level language models): char-rnn (tanh recurrence), char-gru, char-lstm "
       "(2 layers unless --layers is given), char-transformer (decoder-only, 4 layers; the "
       "default for a text dataset). (A 2D dataset always trains the 2D lab's MLP GAN.)",
       ParamScope::kImageText},
      {ParamId::kDataset, "dataset", T::kText, 0, 0, 0, "fashion-mnist", {}, A::kReset, false,
       "Experiment",
       "'fashion-mnist' (Debian's dataset-fashion-mnist), a directory of MNIST-format IDX files, "
       "CIFAR-10/100's binary files (cifar-10-batches-bin), a folder of images (PNG, JPEG, BMP, "
       "GIF, TGA, searched recursively; one sub-folder per class gives labels), 'emoji' (the "
       "3,647 colour glyphs of Debian's fonts-noto-color-emoji, labelled by Unicode emoji group), "
       "text for the char-* models: 'fortunes' (Debian's fortunes package) or text:PATH (a UTF-8 "
       "file, or a directory of .txt files), or a 2D "
       "distribution for the 2D GAN lab: ring8, grid25, gaussian, line, spiral, moons (custom: "
       "paint points in the 2D panel). A labelled set without a test split holds out every tenth "
       "image for the quality metrics."},
      {ParamId::kResolution, "resolution", T::kChoice, 0, 0, 1, "",
       {"auto", "16", "28", "32", "64", "128"}, A::kReset, false, "Experiment",
       "Side of the square images trained on; auto: the data's own (28 for MNIST-format files, "
       "32 for CIFAR and for image folders). Other sizes are resized (image folders are "
       "centre-cropped first).",
       ParamScope::kImage},
      {ParamId::kChannels, "channels", T::kChoice, 0, 0, 1, "", {"auto", "1", "3"}, A::kReset,
       false, "Experiment",
       "Image channels: 1 (gray) or 3 (colour); auto: the data's own (an image folder is colour "
       "when any of its images is). Colour data trained gray is converted to luma.",
       ParamScope::kImage},
      {ParamId::kSeed, "seed", T::kInt, 1, 0, 2147483647, "", {}, A::kReset, false, "Experiment",
       "Seeds weights, the fixed sample noise and the data order; applied on reset."},
      {ParamId::kThreads, "threads", T::kInt, 0, 0, 256, "", {}, A::kReset, false, "Experiment",
       "CPU threads for LibTorch; 0 lets genscope choose and the Status panel says why: every "
       "core headless; with the window one core fewer (at least one), then the count "
       "that measures faster while it trains (another program may be using the CPU); the 2D "
       "lab one, as its small networks run fastest on one."},
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
       "layers by width/32. The reference DCGAN uses 64; 32 trains ~3x faster on a CPU. Text: "
       "the hidden units per layer (the embedding's size too).",
       ParamScope::kImageText, {{ModelFamily::kText, "128"}}},
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
       "Generator (GAN) or encoder+decoder (VAE/AE) learning rate (Adam; 2D lab: optimizer_g; "
       "text: the model's, AdamW, after warmup_steps). Changing it keeps the optimizer's state "
       "(moments, momentum).",
       ParamScope::kAll, {{ModelFamily::kText, "1e-3"}}},
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
       "Adam beta1 (momentum) for both networks. DCGAN uses 0.5.", ParamScope::kImageText,
       {{ModelFamily::kText, "0.9"}}},
      {ParamId::kBeta2, "beta2", T::kFloat, 0.999, 0.0, 0.9999, "", {}, A::kLive, false,
       "Optimizer", "Adam beta2 (second-moment decay) for both networks.", ParamScope::kImageText,
       {{ModelFamily::kText, "0.99"}}},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Training group: batches, updates per step and the 2D lab's losses.
void append_training_rows(Rows& rows) {
  const ParamSpec group[] = {
      {ParamId::kBatchSize, "batch_size", T::kInt, 64, 1, 1024, "", {}, A::kLive, false,
       "Training",
       "Images (2D lab: points; text: sequences) per update, for real and for fake batches.",
       ParamScope::kAll, {{ModelFamily::kToy, "256"}, {ModelFamily::kText, "12"}}},
      {ParamId::kHFlip, "hflip", T::kChoice, 0, 0, 1, "", {"off", "on"}, A::kLive, false,
       "Training",
       "Mirrors a random half of each batch of real images left to right (augmentation for "
       "photos and sprites; leave it off for digits and letters).",
       ParamScope::kImage},
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
       "Adversarial loss: non-saturating BCE (-log D(G(z))), minimax (log(1 - D(G(z)))), "
       "least squares (LSGAN), hinge (SAGAN, BigGAN), or WGAN with gradient penalty (its "
       "critic has no batch norm). For the losses that are not BCE, the discriminator panel's "
       "scores are sigmoid(D's output).",
       ParamScope::kGan, {{ModelFamily::kImageGan, "non_saturating"}}},
      {ParamId::kGpLambda, "gp_lambda", T::kFloat, 1.0, 0.0, 1000.0, "", {}, A::kLive, false,
       "Training", "Weight of WGAN-GP's gradient penalty (loss wgan_gp only; the paper uses 10).",
       ParamScope::kGan, {{ModelFamily::kImageGan, "10"}}},
      {ParamId::kR1Gamma, "r1_gamma", T::kFloat, 0.0, 0.0, 100.0, "", {}, A::kLive, false,
       "Training",
       "R1 gradient penalty on real images, gamma / 2 * |grad D(x)|^2 (Mescheder et al. 2018, "
       "used by StyleGAN). Keeps D smooth around the data, which steadies training. 0: off.",
       ParamScope::kImageGan},
      {ParamId::kSpectralNorm, "spectral_norm", T::kChoice, 0, 0, 1, "", {"off", "on"},
       A::kReset, false, "Training",
       "Spectral normalisation of D's layers (Miyato et al. 2018): each weight divided by its "
       "largest singular value, estimated by one power iteration a step, so D is 1-Lipschitz per "
       "layer. D then has no batch norm (as in SN-GAN).",
       ParamScope::kImageGan},
      {ParamId::kGEma, "g_ema", T::kFloat, 0.0, 0.0, 0.9999, "", {}, A::kLive, false,
       "Training",
       "Exponential moving average of G's weights: after each G update, ema = d * ema + "
       "(1 - d) * G (0.999 is usual; 0: off). The average is smoother than G itself; "
       "ema_samples shows it.",
       ParamScope::kImageGan},
      {ParamId::kEmaSamples, "ema_samples", T::kChoice, 1, 0, 1, "", {"raw", "ema"}, A::kLive,
       false, "Training",
       "With g_ema on: whether the sample grid, the latent tools and the quality metrics show the "
       "averaged generator (ema) or the one being trained (raw). Also a checkbox in the Samples "
       "panel.",
       ParamScope::kImageGan},
      {ParamId::kLrSchedule, "lr_schedule", T::kChoice, 0, 0, 2, "",
       {"constant", "linear", "cosine"}, A::kLive, false, "Training",
       "Learning-rate schedule of both networks over lr_schedule_steps: constant, linear decay "
       "to 0, or cosine decay to 0 (then it stays at 0). The Losses panel plots the factor.",
       ParamScope::kImageText},
      {ParamId::kLrScheduleSteps, "lr_schedule_steps", T::kInt, 20000, 1, 10000000, "", {},
       A::kLive, false, "Training", "Steps over which lr_schedule decays the learning rates.",
       ParamScope::kImageText},
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
       false, "Latent tools", "Traversals vary each latent dimension over [-range, +range].", ParamScope::kImage},
      {ParamId::kTraversalSteps, "traversal_steps", T::kInt, 9, 3, 15, "", {}, A::kLive, false,
       "Latent tools", "Images per traversal row.", ParamScope::kImage},
      {ParamId::kInterpSteps, "interp_steps", T::kInt, 10, 2, 32, "", {}, A::kLive, false,
       "Latent tools", "Images in the interpolation strip, endpoints included.", ParamScope::kImage},
      {ParamId::kInterpMode, "interp_mode", T::kChoice, 1, 0, 1, "", {"lerp", "slerp"}, A::kLive,
       false, "Latent tools",
       "Straight line (lerp) or great circle (slerp, keeps Gaussian samples' typical norm).", ParamScope::kImage},
      {ParamId::kMapEvery, "map_every", T::kInt, 500, 50, 100000, "", {}, A::kLive, false,
       "Latent tools", "Re-encode the test set for the 2D latent map every this many steps.", ParamScope::kImage},
  };
  rows.insert(rows.end(), std::begin(group), std::end(group));
}

// The Text group: the language models' shapes, regularisation and sampling.
void append_text_rows(Rows& rows) {
  constexpr auto kText = ParamScope::kText;
  const ParamSpec group[] = {
      {ParamId::kLayers, "layers", T::kInt, 4, 1, 12, "", {}, A::kReset, false, "Text",
       "Recurrent layers (char-rnn/gru/lstm; 2 unless given) or Transformer blocks.", kText},
      {ParamId::kHeads, "heads", T::kInt, 4, 1, 16, "", {}, A::kReset, false, "Text",
       "char-transformer: attention heads per block (width must divide by it).", kText},
      {ParamId::kContext, "context", T::kInt, 64, 4, 1024, "", {}, A::kReset, false, "Text",
       "char-transformer: characters it sees at once (the position embeddings' count).", kText},
      {ParamId::kBptt, "bptt", T::kInt, 64, 2, 1024, "", {}, A::kReset, false, "Text",
       "char-rnn/gru/lstm: characters per truncated backpropagation through time; the hidden "
       "state carries on to the next chunk of each batch row's stream.", kText},
      {ParamId::kDropout, "dropout", T::kFloat, 0.0, 0.0, 0.9, "", {}, A::kLive, false, "Text",
       "Dropout on the embeddings and between layers while training (0: off).", kText},
      {ParamId::kGradClip, "grad_clip", T::kFloat, 1.0, 0.0, 100.0, "", {}, A::kLive, false,
       "Text", "Clip the gradients' total norm to this before each update (0: off).", kText},
      {ParamId::kWeightDecay, "weight_decay", T::kFloat, 0.1, 0.0, 1.0, "", {}, A::kLive, false,
       "Text", "AdamW's decoupled weight decay of the weight matrices (not biases, norms).",
       kText},
      {ParamId::kWarmupSteps, "warmup_steps", T::kInt, 100, 0, 1000000, "", {}, A::kLive, false,
       "Text", "Ramp the learning rate linearly from 0 over this many steps (0: none).", kText},
      {ParamId::kValEvery, "val_every", T::kInt, 100, 0, 100000000, "", {}, A::kLive, false,
       "Text",
       "Measure the validation bits per character every this many steps (headless: and append "
       "the prompt's continuation to samples.txt; 0: off).", kText},
      {ParamId::kPrompt, "prompt", T::kText, 0, 0, 0, "", {}, A::kLive, false, "Text",
       "What the samples continue (empty: the start of a validation passage). Characters the "
       "vocabulary lacks are left out.", kText},
      {ParamId::kTemperature, "temperature", T::kFloat, 0.8, 0.0, 2.0, "", {}, A::kLive, false,
       "Text",
       "Sampling temperature: the logits are divided by it (below 1: safer, above: wilder; 0: "
       "always the likeliest character). The sampling seed is fixed, so a refresh shows what "
       "training changed.", kText},
      {ParamId::kTopK, "top_k", T::kInt, 0, 0, 1024, "", {}, A::kLive, false, "Text",
       "Sample only among the k likeliest characters (0: all).", kText},
      {ParamId::kSampleChars, "sample_chars", T::kInt, 300, 16, 4000, "", {}, A::kLive, false,
       "Text", "Characters each sample generates after the prompt.", kText},
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
      {ParamId::kTensorboard, "tensorboard", T::kChoice, 0, 0, 1, "", {"on", "off"}, A::kLive,
       false, "Files",
       "Also write TensorBoard event files (events.out.tfevents.<time>.<host> in the run "
       "directory): every metric column as a scalar, the samples every tb_image_every steps, the "
       "layer histograms every hist_every steps, so `tensorboard --logdir runs` shows the runs."},
      {ParamId::kTbImageEvery, "tb_image_every", T::kInt, 500, 0, 100000000, "", {}, A::kLive,
       false, "Files",
       "Put the sample grid into the TensorBoard event file every this many steps (0: never).",
       ParamScope::kImage},
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

}  // namespace

std::array<ParamSpec, kParamCount> make_param_table() {
  Rows rows;
  rows.reserve(kParamCount);
  append_experiment_rows(rows);
  append_model_rows(rows);
  append_optimizer_rows(rows);
  append_training_rows(rows);
  append_lab_rows(rows);
  append_vae_rows(rows);
  append_latent_tool_rows(rows);
  append_text_rows(rows);
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

}  // namespace genscope
