#include "train/session.h"

#include <cmath>

#include "train/image_grid.h"
#include "train/runtime.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr int kGridCols = 8;
constexpr int kGridPad = 2;
constexpr uint8_t kGridBackground = 48;

// Turns a [N, C, H, W] tensor in [-1, 1] into an RGBA grid.
void tensor_grid(const torch::Tensor& images, ImageRGBA& out) {
  torch::Tensor x = images.detach().to(torch::kCPU, torch::kFloat).add(1.0).mul_(0.5).contiguous();
  make_grid(x.data_ptr<float>(), static_cast<int>(x.size(0)), static_cast<int>(x.size(1)),
            static_cast<int>(x.size(2)), static_cast<int>(x.size(3)), kGridCols, kGridPad,
            kGridBackground, out);
}

std::vector<float> to_vector(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous().view({-1});
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

Result<std::unique_ptr<TrainingSession>> TrainingSession::create(
    const Params& params, std::shared_ptr<const Dataset> data) {
  if (!data || data->train.count == 0) return Error{"dataset has no training images"};
  const ImageSet& train = data->train;
  bool dcgan = params.choice(ParamId::kModel) == "dcgan";
  if (dcgan && (train.height != 28 || train.width != 28)) {
    return Error{strformat("model dcgan needs 28x28 images; %s has %dx%d (use --model mlp-gan)",
                           train.source.c_str(), train.height, train.width)};
  }
  try {
    return std::unique_ptr<TrainingSession>(new TrainingSession(params, std::move(data)));
  } catch (const std::exception& e) {
    return Error{std::string("building the model failed: ") + e.what()};
  }
}

TrainingSession::TrainingSession(const Params& params, std::shared_ptr<const Dataset> data)
    : params_(params),
      pending_(params),
      data_(std::move(data)),
      device_(cuda_available() ? torch::kCUDA : torch::kCPU),
      schema_{"loss_d", "loss_g", "d_real", "d_fake"} {
  rebuild();
}

GanOptimSettings TrainingSession::optim_settings() const {
  GanOptimSettings s;
  s.lr_g = params_.number(ParamId::kLrG);
  s.lr_d = params_.number(ParamId::kLrD);
  s.beta1 = params_.number(ParamId::kBeta1);
  s.beta2 = params_.number(ParamId::kBeta2);
  s.label_smoothing = params_.number(ParamId::kLabelSmoothing);
  return s;
}

void TrainingSession::rebuild() {
  torch::manual_seed(static_cast<uint64_t>(params_.integer(ParamId::kSeed)));
  const ImageSet& train = data_->train;
  GanConfig config;
  config.convolutional = params_.choice(ParamId::kModel) == "dcgan";
  config.latent_dim = params_.integer(ParamId::kLatentDim);
  config.width = params_.integer(ParamId::kWidth);
  config.channels = train.channels;
  config.image_size = train.height;
  gan_ = std::make_unique<Gan>(config, optim_settings(), device_);
  fixed_noise_ = gan_->noise(kSampleGridCount);

  auto cpu_images = torch::from_blob(const_cast<uint8_t*>(train.pixels.data()),
                                     {train.count, train.channels, train.height, train.width},
                                     torch::kUInt8);
  images_u8_ = device_.is_cpu() ? cpu_images : cpu_images.to(device_);
  order_ = torch::randperm(train.count, torch::TensorOptions().dtype(torch::kLong).device(device_));
  int64_t n = std::min<int64_t>(kSampleGridCount, train.count);
  real_grid_ = images_u8_.index_select(0, order_.slice(0, 0, n)).to(torch::kFloat).div(127.5).sub(1.0);
  cursor_ = 0;
  epoch_ = 0;
  step_ = 0;
  steps_left_ = 0;
  last_real_scores_.clear();
  last_fake_scores_.clear();
  start_ = rate_mark_ = std::chrono::steady_clock::now();
  rate_mark_step_ = 0;
  steps_per_sec_ = 0.0;
  ++real_version_;
}

torch::Tensor TrainingSession::next_batch(int64_t n) {
  int64_t total = data_->train.count;
  n = std::min(n, total);
  if (cursor_ + n > total) {
    ++epoch_;
    cursor_ = 0;
    order_ = torch::randperm(total, torch::TensorOptions().dtype(torch::kLong).device(device_));
  }
  torch::Tensor idx = order_.slice(0, cursor_, cursor_ + n);
  cursor_ += n;
  return images_u8_.index_select(0, idx).to(torch::kFloat).div_(127.5).sub_(1.0);
}

StepOutcome TrainingSession::step() {
  StepOutcome out;
  if (!wants_step()) return out;
  int64_t batch = params_.integer(ParamId::kBatchSize);
  int d_steps = params_.integer(ParamId::kDSteps);
  DStepResult d;
  for (int i = 0; i + 1 < d_steps; ++i) {
    d = gan_->d_step(next_batch(batch), gan_->fake(gan_->noise(batch), false));
  }
  torch::Tensor fake = gan_->fake(gan_->noise(batch), true);
  d = gan_->d_step(next_batch(batch), fake);
  float loss_g = gan_->g_step(fake);

  ++step_;
  if (steps_left_ > 0 && --steps_left_ == 0) paused_ = true;
  last_real_scores_ = to_vector(d.real_scores);
  last_fake_scores_ = to_vector(d.fake_scores);
  float d_real = d.real_scores.mean().item<float>();
  float d_fake = d.fake_scores.mean().item<float>();

  out.stepped = true;
  out.row.step = step_;
  out.row.epoch = epoch_;
  out.row.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  out.row.count = 4;
  out.row.values = {d.loss, loss_g, d_real, d_fake};
  if (!std::isfinite(d.loss) || !std::isfinite(loss_g)) {
    out.non_finite = true;
    paused_ = true;
    steps_left_ = 0;
    const char* which = std::isfinite(d.loss) ? "loss_g" : "loss_d";
    float value = std::isfinite(d.loss) ? loss_g : d.loss;
    set_message(MessageLevel::kError,
                strformat("%s is %s at step %lld: training paused. Lower the learning rates, "
                          "then Reset.",
                          which, std::isnan(value) ? "NaN" : "infinite",
                          static_cast<long long>(step_)));
  }
  update_rate();
  return out;
}

void TrainingSession::update_rate() {
  auto now = std::chrono::steady_clock::now();
  double dt = std::chrono::duration<double>(now - rate_mark_).count();
  if (dt >= 0.5) {
    steps_per_sec_ = (step_ - rate_mark_step_) / dt;
    rate_mark_ = now;
    rate_mark_step_ = step_;
  }
}

Status TrainingSession::apply(const Command& command) {
  switch (command.kind) {
    case Command::Kind::kSetParam: {
      if (auto s = pending_.set(command.param, command.value); !s) return s;
      const ParamSpec& spec = param_spec(command.param);
      if (spec.apply == ParamApply::kLive) {
        params_.set(command.param, command.value);
        gan_->set_optim(optim_settings());
      } else if (pending_.value(command.param) != params_.value(command.param)) {
        set_message(MessageLevel::kInfo,
                    strformat("%s = %s waits for a reset (it needs new weights)", spec.key,
                              pending_.to_string(command.param).c_str()));
      }
      return {};
    }
    case Command::Kind::kPause:
      paused_ = true;
      steps_left_ = 0;
      return {};
    case Command::Kind::kResume:
      paused_ = false;
      steps_left_ = 0;
      if (message_level_ == MessageLevel::kError) set_message(MessageLevel::kNone, "");
      return {};
    case Command::Kind::kStep:
      paused_ = true;
      steps_left_ += std::max<int64_t>(1, command.count);
      return {};
    case Command::Kind::kReset: {
      std::vector<ParamId> changed = pending_.diff(params_);
      params_ = pending_;
      rebuild();
      std::string what;
      for (ParamId id : changed) {
        what += strformat("%s%s=%s", what.empty() ? "" : ", ", param_spec(id).key,
                          params_.to_string(id).c_str());
      }
      set_message(MessageLevel::kInfo,
                  what.empty() ? "reset: new weights from seed " + params_.to_string(ParamId::kSeed)
                               : "reset with " + what);
      return {};
    }
    case Command::Kind::kStop:
      return {};
  }
  return {};
}

void TrainingSession::set_message(MessageLevel level, std::string text) {
  message_level_ = level;
  message_ = std::move(text);
}

void TrainingSession::render_samples(ImageRGBA& out) { tensor_grid(gan_->generate(fixed_noise_), out); }

void TrainingSession::fill_snapshot(Snapshot& out, bool with_images) {
  const ImageSet& train = data_->train;
  out.step = step_;
  out.epoch = epoch_;
  out.epoch_progress = train.count > 0 ? double(cursor_) / double(train.count) : 0.0;
  out.steps_per_sec = paused_ ? 0.0 : steps_per_sec_;
  out.samples_per_sec = out.steps_per_sec * params_.integer(ParamId::kBatchSize) *
                        (params_.integer(ParamId::kDSteps) + 1);
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  out.paused = paused_;
  out.running = true;
  out.model_name = params_.choice(ParamId::kModel);
  out.dataset_name = data_->name;
  out.dataset_size = train.count;
  out.message_level = message_level_;
  out.message = message_;
  out.params = params_;
  out.pending = pending_;
  out.metric_names = schema_;
  out.d_real = last_real_scores_;
  out.d_fake = last_fake_scores_;
  if (with_images || samples_cache_.empty()) {
    render_samples(samples_cache_);
    samples_cache_step_ = step_;
    ++samples_version_;
  }
  if (out.samples_version != samples_version_) {
    out.samples = samples_cache_;
    out.samples_step = samples_cache_step_;
    out.samples_version = samples_version_;
  }
  if (out.real_version != real_version_) {
    tensor_grid(real_grid_, out.real);
    out.real_version = real_version_;
  }
}

}  // namespace genscope
