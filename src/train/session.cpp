#include "train/session.h"

#include <cmath>
#include <sstream>

#include "core/image_grid.h"
#include "train/quality.h"
#include "train/rng.h"
#include "train/runtime.h"
#include "util/strings.h"
#include "util/unique_version.h"

namespace genscope {
namespace {

constexpr int kGridCols = 8;

}  // namespace

Result<std::unique_ptr<TrainingSession>> TrainingSession::create(
    const Params& params, std::shared_ptr<const Dataset> data, std::vector<Point2> custom_points) {
  if (model_family(params) == ModelFamily::kToy) {
    // Build the lab once here so a bad dataset (custom with no points) comes back as an error.
    auto lab = ToyLab::create(params, custom_points);
    if (!lab) return Error{lab.error()};
    try {
      return std::unique_ptr<TrainingSession>(
          new TrainingSession(params, std::move(custom_points)));
    } catch (const std::exception& e) {
      return Error{std::string("building the 2D GAN failed: ") + e.what()};
    }
  }
  if (!data || data->train.count == 0) return Error{"dataset has no training images"};
  const ImageSet& train = data->train;
  std::string model = params.choice(ParamId::kModel);
  if (model == "dcgan" && (train.height != 28 || train.width != 28)) {
    return Error{strformat("model dcgan needs 28x28 images; %s has %dx%d (use --model mlp-gan)",
                           train.source.c_str(), train.height, train.width)};
  }
  bool conv_vae = !is_gan_model(model) && model != "mlp-vae";
  if (conv_vae && (train.height % 4 != 0 || train.width != train.height)) {
    return Error{
        strformat("model %s needs square images with a side divisible by 4; %s has %dx%d "
                  "(use --model mlp-vae)",
                  model.c_str(), train.source.c_str(), train.height, train.width)};
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
      device_(cuda_available() ? torch::kCUDA : torch::kCPU) {
  if (params_.choice(ParamId::kModel) == "beta-vae" && params_.number(ParamId::kBeta) == 1.0) {
    params_.set(ParamId::kBeta, {4.0, ""});
    pending_.set(ParamId::kBeta, {4.0, ""});
  }
  rebuild();
}

TrainingSession::TrainingSession(const Params& params, std::vector<Point2> custom_points)
    : params_(params),
      pending_(params),
      device_(torch::kCPU),
      custom_points_(std::move(custom_points)) {
  rebuild();
}

void TrainingSession::restart_counters(int64_t step) {
  step_ = step;
  steps_left_ = 0;
  last_step_non_finite_ = false;
  start_ = rate_mark_ = std::chrono::steady_clock::now();
  rate_mark_step_ = step;
  steps_per_sec_ = 0.0;
  histograms_ = LayerHistograms{};
  histograms_.version = next_unique_version();
}

void TrainingSession::rebuild() {
  if (model_family(params_) == ModelFamily::kToy) {
    auto lab = ToyLab::create(params_, custom_points_);
    if (!lab) throw std::runtime_error(lab.error());
    const bool same_data =
        toy_ && toy_->last().dataset == (*lab)->last().dataset && toy_->last().dataset != "custom";
    toy_ = std::move(*lab);
    if (same_data && toy_visible_.valid()) toy_->set_visible_box(toy_visible_);
    if (!same_data) toy_visible_ = Box2{};
    toy_phase_ = 0;
    toy_resume_ = {};
    toy_images_step_ = -1;
    restart_counters(0);
    return;
  }
  torch::manual_seed(static_cast<uint64_t>(params_.integer(ParamId::kSeed)));
  const ImageSet& train = data_->train;
  model_ = make_model(params_, train.channels, train.height, device_);
  fixed_noise_ = torch::randn({kSampleGridCount, model_->latent_dim()},
                              torch::TensorOptions().device(device_));
  latent_tools_ = std::make_unique<LatentTools>(
      data_, device_, static_cast<uint64_t>(params_.integer(ParamId::kSeed)));
  uint64_t version = latent_.version;
  latent_ = LatentViews{};
  latent_.version = version + 1;  // never repeats, so snapshot slots always see the change
  latent_step_ = -1;

  auto cpu_images =
      torch::from_blob(const_cast<uint8_t*>(train.pixels.data()),
                       {train.count, train.channels, train.height, train.width}, torch::kUInt8);
  images_u8_ = device_.is_cpu() ? cpu_images : cpu_images.to(device_);
  order_ = torch::randperm(train.count, torch::TensorOptions().dtype(torch::kLong).device(device_));
  int64_t n = std::min<int64_t>(kSampleGridCount, train.count);
  real_grid_ =
      images_u8_.index_select(0, order_.slice(0, 0, n)).to(torch::kFloat).div(127.5).sub(1.0);
  cursor_ = 0;
  epoch_ = 0;
  restart_counters(0);
  ++real_version_;
  diversity_ = std::numeric_limits<double>::quiet_NaN();
  diversity_step_ = -1;
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
  return unit_range(images_u8_.index_select(0, idx));
}

bool TrainingSession::wants_step() const {
  if (paused_ && steps_left_ <= 0) return false;
  return !toy_ || std::chrono::steady_clock::now() >= toy_resume_;
}

std::optional<std::chrono::steady_clock::time_point> TrainingSession::wake_at() const {
  if (!toy_ || (paused_ && steps_left_ <= 0)) return std::nullopt;
  return toy_resume_;
}

StepOutcome TrainingSession::step() {
  if (toy_) return toy_step();
  StepOutcome out;
  if (!wants_step()) return out;
  StepValues v = model_->train_step([this](int64_t n) { return next_batch(n); }, params_, step_);
  out.row.count = v.count;
  out.row.values = v.values;
  finish_step(out, v.count);
  if (!out.non_finite) latent_tools_->advance_map(*model_, params_, step_, latent_);
  if (!out.non_finite && step_ % kDiversityEvery == 0) evaluate_diversity();
  return out;
}

double sample_diversity(const torch::Tensor& fake, const torch::Tensor& real) {
  torch::NoGradGuard no_grad;
  const auto spread = [](const torch::Tensor& x) {
    const torch::Tensor flat = x.reshape({x.size(0), -1}).to(torch::kFloat);
    const int64_t n = flat.size(0);
    if (n < 2) return 0.0;
    return torch::cdist(flat, flat).sum().item<double>() / double(n * (n - 1));
  };
  const double r = spread(real);
  return r > 0.0 ? spread(fake) / r : std::numeric_limits<double>::quiet_NaN();
}

void TrainingSession::evaluate_diversity() {
  diversity_ = sample_diversity(model_->decode(fixed_noise_), real_grid_);
  diversity_step_ = step_;
}

void TrainingSession::sample_histograms() {
  const int every = params_.integer(ParamId::kHistEvery);
  if (every <= 0 || step_ % every != 0) return;
  histograms_.layers.clear();
  if (toy_) {
    toy_->gan().layer_histograms(kHistogramBins, histograms_.layers);
  } else {
    model_->layer_histograms(kHistogramBins, histograms_.layers);
  }
  histograms_.step = step_;
  histograms_.version = next_unique_version();
}

bool TrainingSession::diverged() {
  return last_step_non_finite_ || !first_non_finite_parameter().empty();
}

void TrainingSession::finish_step(StepOutcome& out, int finite_columns) {
  ++step_;
  if (steps_left_ > 0 && --steps_left_ == 0) paused_ = true;
  out.stepped = true;
  out.row.step = step_;
  out.row.epoch = epoch_;
  out.row.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  last_step_non_finite_ = false;
  const MetricSchema& names = metric_names();
  for (int i = 0; i < std::min(finite_columns, out.row.count); ++i) {
    const float v = out.row.values[i];
    if (std::isfinite(v)) continue;
    out.non_finite = true;
    last_step_non_finite_ = true;
    paused_ = true;
    steps_left_ = 0;
    const std::string tensor = first_non_finite_parameter();
    set_message(MessageLevel::kError,
                strformat("%s is %s at step %lld: training paused. %s%s", names[i].c_str(),
                          std::isnan(v) ? "NaN" : "infinite", static_cast<long long>(step_),
                          tensor.empty() ? "The weights are still finite. "
                                         : ("First non-finite weights: " + tensor + ". ").c_str(),
                          "Roll back to the last checkpoint, or lower the learning rates and "
                          "Reset."));
    break;
  }
  if (!out.non_finite) sample_histograms();
  update_rate();
}

std::string TrainingSession::first_non_finite_parameter() {
  if (toy_) return toy_->gan().first_non_finite_parameter();
  // The first non-finite tensor of each network ("G net.0.weight, D net.3.weight"): a NaN
  // that started in one network reaches the other in the same step.
  torch::NoGradGuard no_grad;
  std::string out, net_done;
  for (const auto& [name, t] : model_->named_parameters()) {
    const std::string net = name.substr(0, name.find(' '));
    if (net == net_done || torch::isfinite(t).all().item<bool>()) continue;
    out += (out.empty() ? "" : ", ") + name;
    net_done = net;
  }
  return out;
}

StepOutcome TrainingSession::toy_step() {
  StepOutcome out;
  if (!wants_step()) return out;
  const double slow = params_.number(ParamId::kSlowMotion);
  ToyStepResult r;
  if (slow > 0.0) {
    // One update per call, a pause after each, the iteration's row when its last update is done.
    const int d = params_.integer(ParamId::kDSteps), g = params_.integer(ParamId::kGSteps);
    if (toy_phase_ < d) {
      const ToyStepResult u = toy_->d_update();
      toy_partial_.loss_d = u.loss_d;
      toy_partial_.d_real = u.d_real;
    } else {
      const ToyStepResult u = toy_->g_update();
      toy_partial_.loss_g = u.loss_g;
      toy_partial_.d_fake = u.d_fake;
    }
    toy_resume_ = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(slow));
    if (++toy_phase_ < d + g) {
      out.phase = true;
      return out;
    }
    toy_phase_ = 0;
    r = toy_partial_;
  } else {
    r = toy_->iteration();
    toy_->set_caption(ToyPhase::kNone, "");
  }
  const int every = std::max(1, params_.integer(ParamId::kMetricsEvery));
  if ((step_ + 1) % every == 0) toy_->evaluate(step_ + 1);
  toy_->fill_values(r, out.row);
  if ((step_ + 1) % every != 0) {  // the mode metrics repeat the last evaluation's
    for (int i = kToyTrainingColumns; i < out.row.count; ++i) out.row.unmeasured |= 1u << i;
  }
  finish_step(out, kToyTrainingColumns);
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
      const ParamSpec& spec = param_spec(command.param);
      const std::string from = format_param_value(spec, pending_.value(command.param));
      if (auto s = pending_.set(command.param, command.value); !s) return s;
      const std::string to = format_param_value(spec, pending_.value(command.param));
      if (message_is_input_error_) set_message(MessageLevel::kNone, "");
      if (spec.apply == ParamApply::kLive) {
        params_.set(command.param, command.value);
        if (toy_) {
          toy_->set_live(params_);
        } else {
          model_->set_live(params_);
        }
      }
      const bool waits = spec.apply == ParamApply::kReset &&
                         pending_.value(command.param) != params_.value(command.param);
      if (from != to) push_event(RunEvent::edit(
          command.param, from, to, step_, waits,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()));
      return {};
    }
    case Command::Kind::kPause:
      if (!paused_ || steps_left_ > 0) {
        push_event(RunEvent::message(MessageLevel::kInfo, "paused", step_));
      }
      paused_ = true;
      steps_left_ = 0;
      return {};
    case Command::Kind::kResume:
      if (paused_) push_event(RunEvent::message(MessageLevel::kInfo, "resumed", step_));
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
    case Command::Kind::kLatent:
      selection_ = command.latent;
      return {};
    case Command::Kind::kToyUpdate:
      if (!toy_) return Error{"one D / G update: only in the 2D lab"};
      paused_ = true;
      steps_left_ = 0;
      if (command.count == 0) {
        toy_->d_update();
      } else {
        toy_->g_update();
      }
      toy_->evaluate(step_);
      return {};
    case Command::Kind::kToyView:
      if (!toy_) return {};
      if (command.box.valid()) {
        toy_visible_ = command.box;
        toy_->set_visible_box(command.box);
      }
      return {};
    case Command::Kind::kToyPaint: {
      if (command.points.empty()) return Error{"custom: paint at least one point, then Apply"};
      std::vector<Point2> old = custom_points_;
      Params old_params = params_;
      custom_points_ = command.points;
      pending_.set(ParamId::kDataset, {0.0, "custom"});
      params_ = pending_;
      try {
        rebuild();
      } catch (const std::exception& e) {
        custom_points_ = std::move(old);
        params_ = pending_ = old_params;
        rebuild();
        return Error{e.what()};
      }
      set_message(MessageLevel::kInfo,
                  strformat("training on %zu painted points", custom_points_.size()));
      return {};
    }
    case Command::Kind::kStop:
    case Command::Kind::kSaveCheckpoint:  // the trainer does these
    case Command::Kind::kMuteAlarm:
    case Command::Kind::kLoadCheckpoint:
    case Command::Kind::kRollBack:
      return {};
  }
  return {};
}

namespace {

torch::Tensor int_tensor(int64_t v) { return torch::tensor({v}, torch::kInt64); }
int64_t int_of(const torch::Tensor& t) { return t.to(torch::kCPU).item<int64_t>(); }

}  // namespace

Result<std::string> TrainingSession::save_state() {
  try {
    torch::serialize::OutputArchive a;
    a.write("step", int_tensor(step_));
    if (toy_) {
      a.write("toy", bytes_tensor(toy_->gan().save_state()));
      std::vector<float> pts;
      for (const Point2& p : custom_points_) pts.push_back(p.x), pts.push_back(p.y);
      a.write("custom_points", torch::tensor(pts, torch::kFloat32));
      a.write("toy_metrics", torch::tensor(toy_->metrics_state(), torch::kFloat64));
    } else {
      torch::serialize::OutputArchive model;
      model_->save(model);
      a.write("model", model);
      a.write("epoch", int_tensor(epoch_));
      a.write("cursor", int_tensor(cursor_));
      a.write("order", order_.to(torch::kCPU));
      a.write("fixed_noise", fixed_noise_.to(torch::kCPU));
      a.write("rng", generator_state(torch::kCPU));
      // On a GPU the noise and the data order are drawn from the device's generator.
      if (device_.is_cuda()) a.write("rng_device", generator_state(device_));
    }
    std::ostringstream out;
    a.save_to(out);
    return out.str();
  } catch (const std::exception& e) {
    return Error{"saving the training state failed: " + first_line(e.what())};
  }
}

Result<std::vector<Point2>> TrainingSession::checkpoint_custom_points(const std::string& bytes) {
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive a;
    a.load_from(in);
    torch::Tensor t;
    a.read("custom_points", t);
    t = t.to(torch::kCPU).contiguous();
    std::vector<Point2> pts;
    const float* v = t.data_ptr<float>();
    for (int64_t i = 0; i + 1 < t.numel(); i += 2) pts.push_back({v[i], v[i + 1]});
    return pts;
  } catch (const std::exception& e) {
    return Error{"not a 2D-lab state: " + first_line(e.what())};
  }
}

Status TrainingSession::restore_state(const std::string& bytes) {
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive a;
    a.load_from(in, device_);  // saved on a CPU or a GPU, loaded onto this session's device
    // Each read needs a fresh tensor: reading into a defined one resizes it in place.
    const auto read = [&a](const char* key) {
      torch::Tensor t;
      a.read(key, t);
      return t;
    };
    const int64_t step = int_of(read("step"));
    if (toy_) {
      if (auto s = toy_->gan().load_state(tensor_bytes(read("toy"))); !s) return s;
      step_ = step;
      const torch::Tensor m = read("toy_metrics").contiguous();
      toy_->set_metrics_state(
          std::vector<double>(m.data_ptr<double>(), m.data_ptr<double>() + m.numel()));
    } else {
      torch::serialize::InputArchive model;
      a.read("model", model);
      model_->load(model);
      epoch_ = int_of(read("epoch"));
      cursor_ = int_of(read("cursor"));
      torch::Tensor t = read("order");
      if (t.numel() != data_->train.count) {
        return Error{strformat("the checkpoint's data order has %lld images, the dataset %lld",
                               static_cast<long long>(t.numel()),
                               static_cast<long long>(data_->train.count))};
      }
      t = t.to(torch::kCPU, torch::kLong);
      if (cursor_ < 0 || cursor_ > t.numel() ||
          (t.numel() > 0 &&
           (t.min().item<int64_t>() < 0 || t.max().item<int64_t>() >= t.numel()))) {
        return Error{"the checkpoint's data order is out of range"};
      }
      order_ = t.to(device_);
      fixed_noise_ = read("fixed_noise").to(device_);
      set_generator_state(torch::kCPU, read("rng"));
      // A GPU run resumed on a GPU continues the device's stream; elsewhere there is none to
      // continue (a CPU checkpoint on a GPU, or the other way: the noise differs from then on).
      torch::Tensor device_rng;
      if (device_.is_cuda() && a.try_read("rng_device", device_rng)) {
        set_generator_state(device_, device_rng);
      }
      step_ = step;
    }
  } catch (const std::exception& e) {
    return Error{"the checkpoint does not fit this model: " + first_line(e.what())};
  }
  restart_counters(step_);
  latent_step_ = -1;
  samples_cache_ = ImageRGBA{};
  toy_images_step_ = -1;
  return {};
}

void TrainingSession::set_message(MessageLevel level, std::string text) {
  message_level_ = level;
  message_ = std::move(text);
  message_is_input_error_ = false;
  if (level != MessageLevel::kNone && !message_.empty()) {
    push_event(RunEvent::message(level, message_, step_));
  }
}

void TrainingSession::set_input_error(std::string text) {
  set_message(MessageLevel::kError, std::move(text));
  message_is_input_error_ = true;
}

void TrainingSession::push_event(RunEvent e) {
  new_events_.push_back(std::move(e));
  // Nobody drains them in a headless run: keep the newest.
  if (new_events_.size() > kMaxPendingEvents) new_events_.erase(new_events_.begin());
}

void TrainingSession::take_events(std::vector<RunEvent>& out) {
  for (RunEvent& e : new_events_) out.push_back(std::move(e));
  new_events_.clear();
}

void TrainingSession::render_samples(ImageRGBA& out) {
  if (toy_) {
    ToyView v;
    toy_->fill_view(v, true);
    out = render_toy_scatter(v, v.data_box, 512);
    return;
  }
  tensor_grid(model_->decode(fixed_noise_), kGridCols, out);
}

std::unique_ptr<Model> TrainingSession::model_copy() {
  return copy_model(*model_, params_, data_->train.channels, data_->train.height, device_);
}

void TrainingSession::render_latent() {
  latent_.kl_per_dim = model_->kl_per_dim();  // orders the automatic traversal rows
  latent_tools_->render(*model_, params_, selection_, fixed_noise_, latent_);
  latent_step_ = step_;
  latent_revision_ = selection_.revision;
}

void TrainingSession::fill_snapshot(Snapshot& out, bool with_images) {
  // What every family reports the same way.
  out.step = step_;
  out.steps_per_sec = paused_ ? 0.0 : steps_per_sec_;
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  out.paused = paused_;
  out.steps_left = steps_left_;
  out.running = true;
  out.message_level = message_level_;
  out.message = message_;
  out.diverged = last_step_non_finite_;
  out.checkpoint_path = checkpoint_path_;
  out.checkpoint_step = checkpoint_step_;
  if (out.histograms.version != histograms_.version) out.histograms = histograms_;
  out.params = params_;
  out.pending = pending_;
  out.metric_names = metric_names();
  out.is_toy = toy_ != nullptr;
  if (toy_) {
    out.epoch = 0;
    out.epoch_progress = 0.0;
    out.samples_per_sec = out.steps_per_sec * params_.integer(ParamId::kBatchSize) *
                          (params_.integer(ParamId::kDSteps) + params_.integer(ParamId::kGSteps));
    out.model_name = "2d-gan";
    out.is_gan = true;
    out.dataset_name = toy_->last().dataset;
    out.dataset_size = 0;
    if (with_images || toy_images_step_ < 0) toy_images_step_ = step_;
    toy_->fill_view(out.toy, with_images);
    out.samples_step = toy_images_step_;
    out.d_real.clear();
    out.d_fake.clear();
    out.grads = toy_->gan().grad_norms();
    out.diversity = std::numeric_limits<double>::quiet_NaN();
    out.diversity_step = -1;
    return;
  }
  out.toy = ToyView{};
  const ImageSet& train = data_->train;
  out.epoch = epoch_;
  out.epoch_progress = train.count > 0 ? double(cursor_) / double(train.count) : 0.0;
  out.samples_per_sec = out.steps_per_sec * params_.integer(ParamId::kBatchSize) *
                        (params_.integer(ParamId::kDSteps) + 1);
  out.model_name = params_.choice(ParamId::kModel);
  out.is_gan = is_gan_model(out.model_name);
  out.dataset_name = data_->name;
  out.dataset_size = train.count;
  if (with_images || samples_cache_.empty()) {
    if (latent_step_ != step_ || latent_revision_ != selection_.revision) render_latent();
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
    tensor_grid(real_grid_, kGridCols, out.real);
    out.real_version = real_version_;
  }
  if (out.latent.version != latent_.version || out.latent.map != latent_.map) out.latent = latent_;
  model_->fill_extras(out);
  out.grads = model_->grad_norms();
  out.diversity = diversity_;
  out.diversity_step = diversity_step_;
}

}  // namespace genscope
