#include "train/models/image/image_family.h"

#include "train/metric_classifier.h"
#include "train/quality.h"
#include "train/rng.h"
#include "train/runtime.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr int kGridCols = 8;

torch::Tensor int_tensor(int64_t v) { return torch::tensor({v}, torch::kInt64); }
int64_t int_of(const torch::Tensor& t) { return t.to(torch::kCPU).item<int64_t>(); }

}  // namespace

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

Result<std::unique_ptr<Family>> ImageFamily::create(const Params& params,
                                                    const FamilyInputs& inputs, ModelMaker make,
                                                    const ImageCheck& check) {
  if (!inputs.data || inputs.data->train.count == 0) return Error{"dataset has no training images"};
  if (auto s = check(params, inputs.data->train); !s) return Error{s.error()};
  try {
    std::unique_ptr<ImageFamily> family(
        new ImageFamily(std::move(make), cuda_available() ? torch::kCUDA : torch::kCPU));
    family->reset(params, inputs);
    return std::unique_ptr<Family>(std::move(family));
  } catch (const std::exception& e) {
    return Error{std::string("building the model failed: ") + e.what()};
  }
}

void ImageFamily::reset(const Params& params, const FamilyInputs& inputs) {
  params_ = params;
  data_ = inputs.data;
  torch::manual_seed(static_cast<uint64_t>(params.integer(ParamId::kSeed)));
  const ImageSet& train = data_->train;
  model_ = make_(params, train.channels, train.height, device_);
  fixed_noise_ = torch::randn({kSampleGridCount, model_->latent_dim()},
                              torch::TensorOptions().device(device_));
  latent_tools_ = std::make_unique<LatentTools>(
      data_, device_, static_cast<uint64_t>(params.integer(ParamId::kSeed)));
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
  ++real_version_;
  samples_cache_ = ImageRGBA{};
  diversity_ = std::numeric_limits<double>::quiet_NaN();
  diversity_step_ = -1;
}

torch::Tensor ImageFamily::next_batch(int64_t n) {
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

FamilyStep ImageFamily::step(const Params& params, int64_t steps_done) {
  FamilyStep out;
  const StepValues v =
      model_->train_step([this](int64_t n) { return next_batch(n); }, params, steps_done);
  out.row.count = v.count;
  out.row.values = v.values;
  out.row.epoch = epoch_;
  out.finite_columns = v.count;
  return out;
}

void ImageFamily::after_step(const Params& params, int64_t step) {
  latent_tools_->advance_map(*model_, params, step, latent_);
  if (step % kDiversityEvery == 0) {
    diversity_ = sample_diversity(model_->decode(fixed_noise_), real_grid_);
    diversity_step_ = step;
  }
}

Result<CommandEffect> ImageFamily::apply(const Command& command, int64_t /*step*/) {
  switch (command.kind) {
    case Command::Kind::kLatent:
      selection_ = command.latent;
      return CommandEffect{};
    case Command::Kind::kToyView:  // a view this family does not have
      return CommandEffect{};
    default:
      return Error{"one D / G update: only in the 2D lab"};
  }
}

std::string ImageFamily::description(const Params& params) const {
  return "training " + params.choice(ParamId::kModel) + " on " + data_->name;
}

void ImageFamily::render_samples(ImageRGBA& out) {
  tensor_grid(model_->decode(fixed_noise_), kGridCols, out);
}

void ImageFamily::render_latent(const Params& params, int64_t step) {
  latent_.kl_per_dim = model_->kl_per_dim();  // orders the automatic traversal rows
  latent_tools_->render(*model_, params, selection_, fixed_noise_, latent_);
  latent_step_ = step;
  latent_revision_ = selection_.revision;
}

void ImageFamily::fill_snapshot(Snapshot& out, const Params& params, bool with_images,
                                int64_t step) {
  out.is_toy = false;
  out.toy = ToyView{};
  const ImageSet& train = data_->train;
  out.epoch = epoch_;
  out.epoch_progress = train.count > 0 ? double(cursor_) / double(train.count) : 0.0;
  out.samples_per_sec = out.steps_per_sec * params.integer(ParamId::kBatchSize) *
                        (params.integer(ParamId::kDSteps) + 1);
  out.model_name = params.choice(ParamId::kModel);
  out.is_gan = is_gan_model(out.model_name);
  out.dataset_name = data_->name;
  out.dataset_size = train.count;
  if (with_images || samples_cache_.empty()) {
    if (latent_step_ != step || latent_revision_ != selection_.revision) {
      render_latent(params, step);
    }
    render_samples(samples_cache_);
    samples_cache_step_ = step;
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

void ImageFamily::watch(AlarmMonitor& alarms, const MetricRow& row) {
  alarms.add_row(row, schema(), row.count, /*d_is_probability=*/true);
  alarms.add_diversity(diversity_step_, diversity_);
}

std::string ImageFamily::first_non_finite_parameter() {
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

std::unique_ptr<Model> ImageFamily::model_copy() {
  const ImageSet& train = data_->train;
  return copy_model(
      *model_, [&] { return make_(params_, train.channels, train.height, device_); }, device_);
}

void ImageFamily::save(torch::serialize::OutputArchive& a) {
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

Status ImageFamily::load(torch::serialize::InputArchive& a) {
  // Each read needs a fresh tensor: reading into a defined one resizes it in place.
  const auto read = [&a](const char* key) {
    torch::Tensor t;
    a.read(key, t);
    return t;
  };
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
      (t.numel() > 0 && (t.min().item<int64_t>() < 0 || t.max().item<int64_t>() >= t.numel()))) {
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
  latent_step_ = -1;
  samples_cache_ = ImageRGBA{};
  return {};
}

}  // namespace genscope
