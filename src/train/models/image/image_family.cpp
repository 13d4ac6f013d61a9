#include "train/models/image/image_family.h"

#include "train/distributed.h"

#include "train/metric_classifier.h"
#include "train/quality.h"
#include "train/rng.h"
#include "train/runtime.h"
#include "util/hash.h"
#include "util/strings.h"
#include "util/unique_version.h"

namespace genscope {
namespace {

constexpr int kGridCols = 8;

// For each row of `a` ([n, D] floats), the squared L2 distance to its nearest row of the train
// split (uint8 [N, ...] scaled to [-1, 1]) and that row's index; `skip` (if given) is an index per
// row of `a` not to match (the image itself).
std::pair<torch::Tensor, torch::Tensor> nearest_rows(const torch::Tensor& a,
                                                     const torch::Tensor& images_u8,
                                                     const torch::Tensor& skip = {}) {
  const int64_t n = a.size(0), total = images_u8.size(0), chunk = 2048;
  const torch::Tensor a2 = a.pow(2).sum(1, true);
  torch::Tensor best = torch::full({n}, std::numeric_limits<float>::infinity(), a.options());
  torch::Tensor index = torch::zeros({n}, a.options().dtype(torch::kLong));
  for (int64_t c0 = 0; c0 < total; c0 += chunk) {
    const int64_t c1 = std::min(total, c0 + chunk);
    const torch::Tensor b = unit_range(images_u8.slice(0, c0, c1)).reshape({c1 - c0, -1});
    torch::Tensor d = a2 - 2.0 * torch::mm(a, b.t()) + b.pow(2).sum(1).unsqueeze(0);
    if (skip.defined()) {
      const torch::Tensor cols = torch::arange(c0, c1, index.options()).unsqueeze(0);
      d = d.masked_fill(cols.eq(skip.unsqueeze(1)), std::numeric_limits<float>::infinity());
    }
    const auto [value, at] = d.min(1);
    const torch::Tensor better = value.lt(best);
    best = torch::where(better, value, best);
    index = torch::where(better, at + c0, index);
  }
  return {best.clamp_min(0.0), index};
}

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
  loader_.reset();  // before the data and the orders it reads change
  params_ = params;
  data_ = inputs.data;
  torch::manual_seed(static_cast<uint64_t>(params.integer(ParamId::kSeed)));
  const ImageSet& train = data_->train;
  model_ = make_(params, train.channels, train.height, device_);
  model_->set_data_parallel(data_parallel());
  fixed_noise_ = torch::randn({kSampleGridCount, model_->latent_dim()},
                              torch::TensorOptions().device(device_));
  latent_tools_ = std::make_unique<LatentTools>(
      data_, device_, static_cast<uint64_t>(params.integer(ParamId::kSeed)));
  // Versions come from the process-wide counter: a new family (another dataset) never repeats
  // one an earlier family published, so snapshot slots and the window always see the change.
  latent_ = LatentViews{};
  latent_.version = next_unique_version();
  latent_step_ = -1;

  auto cpu_images =
      torch::from_blob(const_cast<uint8_t*>(train.pixels.data()),
                       {train.count, train.channels, train.height, train.width}, torch::kUInt8);
  images_u8_ = device_.is_cpu() ? cpu_images : cpu_images.to(device_);
  data_seed_ = static_cast<uint64_t>(params.integer(ParamId::kSeed));
  {
    std::lock_guard<std::mutex> lock(orders_mutex_);
    orders_.clear();
  }
  order_ = order_for(0);
  int64_t n = std::min<int64_t>(kSampleGridCount, train.count);
  real_grid_ =
      images_u8_.index_select(0, order_.slice(0, 0, n)).to(torch::kFloat).div(127.5).sub(1.0);
  cursor_ = 0;
  epoch_ = 0;
  restart_loader();
  real_indices_ = order_.slice(0, 0, n).clone();
  real_nearest_ = -1.0;  // measured with the first search, not at every start
  nearest_ = ImageRGBA{};
  nearest_distance_.clear();
  nearest_step_ = -1;
  nearest_version_ = next_unique_version();
  real_version_ = next_unique_version();
  samples_cache_ = ImageRGBA{};
  diversity_ = std::numeric_limits<double>::quiet_NaN();
  diversity_step_ = -1;
}

torch::Tensor ImageFamily::order_for(int64_t epoch) {
  std::lock_guard<std::mutex> lock(orders_mutex_);
  auto it = orders_.find(epoch);
  if (it != orders_.end()) return it->second;
  // Epoch e's order depends on the seed and e alone, whichever thread draws it first.
  at::Generator gen = at::detail::createCPUGenerator(
      hash_bytes(&epoch, sizeof epoch, data_seed_ * 0x9E3779B97F4A7C15ull + 1));
  torch::Tensor order = torch::randperm(data_->train.count, gen, torch::kLong).to(device_);
  orders_.emplace(epoch, order);
  return order;
}

torch::Tensor ImageFamily::assemble(const BatchKey& key) {
  const torch::Tensor idx = order_for(key.epoch).slice(0, key.cursor, key.cursor + key.size);
  torch::Tensor batch = images_u8_.index_select(0, idx);
  if (key.hflip) {  // each image mirrored with probability 1/2, drawn from the key
    // Drawn for the combined batch of every rank (this rank's rows of it), as one process would.
    const int64_t where[2] = {key.epoch, key.cursor - rank_ * key.size};
    at::Generator gen = at::detail::createCPUGenerator(hash_bytes(where, sizeof where, ~data_seed_));
    const torch::Tensor mirrored = torch::rand({key.size * world_, 1, 1, 1}, gen)
                                       .slice(0, rank_ * key.size, (rank_ + 1) * key.size)
                                       .lt(0.5)
                                       .to(device_);
    batch = torch::where(mirrored, batch.flip({3}), batch);
  }
  return unit_range(batch);
}

void ImageFamily::restart_loader() {
  loader_.reset();
  {
    std::lock_guard<std::mutex> lock(orders_mutex_);
    orders_.clear();
    orders_.emplace(epoch_, order_);
  }
  loader_ = std::make_unique<BatchLoader>([this](const BatchKey& key) { return assemble(key); });
}

Status ImageFamily::set_distributed(std::shared_ptr<ProcessGroup> group) {
  group_ = std::move(group);
  rank_ = group_ ? group_->rank() : 0;
  world_ = group_ ? group_->world() : 1;
  if (data_ && data_->train.count < world_) {
    return Error{strformat("%d ranks: the dataset has only %lld images", world_,
                           static_cast<long long>(data_->train.count))};
  }
  if (model_) model_->set_data_parallel(data_parallel());
  return {};
}

DataParallel ImageFamily::data_parallel() const {
  DataParallel dp;
  dp.rank = rank_;
  dp.world = world_;
  if (group_ && world_ > 1) {
    dp.average_gradients = [group = group_](torch::nn::Module& m) { group->average_gradients(m); };
  }
  return dp;
}

torch::Tensor ImageFamily::next_batch(int64_t n) {
  const int64_t total = data_->train.count;
  n = std::min(n, total / world_);
  const int64_t all = n * world_;  // the combined batch of every rank
  // A batch that would run past the epoch's end starts the next epoch (the rest is dropped).
  const auto place = [&](int64_t epoch, int64_t cursor) {
    return cursor + all > total ? BatchKey{epoch + 1, 0, n, hflip_}
                                : BatchKey{epoch, cursor, n, hflip_};
  };
  const auto mine = [&](BatchKey k) {
    k.cursor += rank_ * n;
    return k;
  };
  const BatchKey key = place(epoch_, cursor_);
  const BatchKey next = place(key.epoch, key.cursor + all);
  torch::Tensor batch = loader_->take(mine(key), mine(next));
  if (key.epoch != epoch_) {
    epoch_ = key.epoch;
    order_ = order_for(epoch_);
    std::lock_guard<std::mutex> lock(orders_mutex_);
    orders_.erase(orders_.begin(), orders_.lower_bound(epoch_));
  }
  cursor_ = key.cursor + all;
  return batch;
}

FamilyStep ImageFamily::step(const Params& params, int64_t steps_done) {
  FamilyStep out;
  hflip_ = params.choice(ParamId::kHFlip) == "on";
  const StepValues v =
      model_->train_step([this](int64_t n) { return next_batch(n); }, params, steps_done);
  out.row.count = v.count;
  out.row.values = v.values;
  out.row.epoch = epoch_;
  out.finite_columns = v.count;
  return out;
}

void ImageFamily::after_step(const Params& params, int64_t step) {
  if (watched_) latent_tools_->advance_map(*model_, params, step, latent_);
  // The latent views follow training at their own cadence, on the training thread's time (so the
  // sample grid's cadence measures the grid alone).
  const auto now = std::chrono::steady_clock::now();
  if (watched_ && latent_step_ != step &&
      latent_cadence_.due(std::chrono::duration<double>(now - latent_rendered_).count())) {
    render_latent(params, step);
    latent_cadence_.measured(std::chrono::duration<double>(latent_rendered_ - now).count());
  }
  if (step % kDiversityEvery == 0) {
    const torch::Tensor fake = model_->decode(fixed_noise_);
    diversity_ = sample_diversity(fake, real_grid_);
    diversity_step_ = step;
    if (step == kDiversityEvery || step % kNearestEvery == 0) find_nearest(fake, step);
  }
}

void ImageFamily::find_nearest(const torch::Tensor& fake, int64_t step) {
  torch::NoGradGuard no_grad;
  const torch::Tensor flat = fake.reshape({fake.size(0), -1}).to(torch::kFloat);
  if (real_nearest_ < 0.0) {  // the real grid's own nearest other image: the scale of "near"
    const torch::Tensor real = real_grid_.reshape({real_grid_.size(0), -1});
    const torch::Tensor own = nearest_rows(real, images_u8_, real_indices_).first;
    real_nearest_ = own.div(double(real.size(1))).sqrt().mul(127.5).median().item<double>();
  }
  const auto [d, index] = nearest_rows(flat, images_u8_);
  const torch::Tensor rms = d.div(double(flat.size(1))).sqrt().mul(127.5).to(torch::kCPU);
  nearest_distance_.assign(rms.data_ptr<float>(), rms.data_ptr<float>() + rms.numel());
  tensor_grid(unit_range(images_u8_.index_select(0, index)), kGridCols, nearest_);
  nearest_step_ = step;
  nearest_version_ = next_unique_version();
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
  latent_rendered_ = std::chrono::steady_clock::now();
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
  const BatchWait wait = loader_->wait();
  out.data_batches = wait.batches;
  out.data_ready = wait.ready;
  out.data_waited_s = wait.waited_s;
  if (with_images || samples_cache_.empty()) {
    // A new selection (or none rendered yet); while training they follow in after_step.
    if (latent_revision_ != selection_.revision) render_latent(params, step);
    render_samples(samples_cache_);
    samples_cache_step_ = step;
    samples_version_ = next_unique_version();
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
  if (out.nearest_version != nearest_version_) {
    out.nearest = nearest_;
    out.nearest_version = nearest_version_;
    out.nearest_step = nearest_step_;
    out.nearest_distance = nearest_distance_;
  }
  out.real_nearest = std::max(0.0, real_nearest_);
}

void ImageFamily::watch(AlarmMonitor& alarms, const MetricRow& row) {
  // D(G(z)) is a probability under the BCE losses; under hinge, least squares and WGAN-GP the
  // discriminator panel's sigmoid of D's output is not, and "D overpowers G" does not apply.
  const std::string loss = params_.choice(ParamId::kLoss);
  alarms.add_row(row, schema(), row.count, loss == "non_saturating" || loss == "minimax");
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

void ImageFamily::save(StateWriter& w) {
  model_->save(w);
  w.write_int("epoch", epoch_);
  w.write_int("cursor", cursor_);
  w.write("order", order_);
  w.write("fixed_noise", fixed_noise_);
  w.write("rng", generator_state(torch::kCPU));
  // On a GPU the noise and the data order are drawn from the device's generator.
  if (device_.is_cuda()) w.write("rng_device", generator_state(device_));
  // The ranks that trained it: resumed on another count, each rank's batch keeps the sum.
  if (world_ > 1) w.write_int("ranks", world_);
}

Status ImageFamily::load(StateReader& r) {
  model_->load(r);
  if (r.has("ranks")) (void)r.read_int("ranks");  // read before the session was built
  const int64_t count = data_->train.count;
  epoch_ = r.read_int("epoch");
  cursor_ = r.read_int("cursor");
  if (r.has("order") && r.read_any("order", torch::kInt64, 1).numel() != count) {
    return Error{strformat("the checkpoint's data order has %lld images, the dataset %lld",
                           static_cast<long long>(r.read_any("order", torch::kInt64).numel()),
                           static_cast<long long>(count))};
  }
  torch::Tensor order = r.read("order", torch::kInt64, {count}).to(torch::kCPU);
  // A permutation of 0..count-1: every index once (an edited one would read out of bounds).
  if (cursor_ < 0 || cursor_ > count || epoch_ < 0 ||
      (count > 0 && !torch::equal(std::get<0>(order.sort()), torch::arange(count, torch::kInt64)))) {
    return Error{"the checkpoint's data order is out of range"};
  }
  order_ = order.to(device_);
  restart_loader();
  r.read_into("fixed_noise", fixed_noise_);
  set_generator_state(torch::kCPU, r.read_any("rng", torch::kUInt8, 1));
  // A GPU run resumed on a GPU continues the device's stream; elsewhere there is none to
  // continue (a CPU checkpoint on a GPU, or the other way: the noise differs from then on).
  if (r.has("rng_device")) {
    const torch::Tensor device_rng = r.read_any("rng_device", torch::kUInt8, 1).to(torch::kCPU);
    if (device_.is_cuda()) set_generator_state(device_, device_rng);
  }
  latent_step_ = -1;
  samples_cache_ = ImageRGBA{};
  return {};
}

}  // namespace genscope
