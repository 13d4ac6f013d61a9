#include "train/models/toy/toy_family.h"

#include "core/toy_view.h"
#include "train/models/image/model.h"

namespace genscope {

FamilyInfo toy_family() {
  FamilyInfo info;
  info.kind = ModelFamily::kToy;
  info.uses_dataset = false;
  // Its tiny matrices only lose from splitting work (on two busy cores, OpenMP's spinning made it
  // ~100x slower).
  info.default_threads = 1;
  info.create = [](Params& params, const FamilyInputs& inputs) -> Result<std::unique_ptr<Family>> {
    // Built once here so a bad dataset (custom with no points) comes back as its own error.
    auto lab = ToyLab::create(params, inputs.custom_points);
    if (!lab) return Error{lab.error()};
    try {
      auto family = std::make_unique<ToyFamily>();
      family->reset(params, inputs);
      return std::unique_ptr<Family>(std::move(family));
    } catch (const std::exception& e) {
      return Error{std::string("building the 2D GAN failed: ") + e.what()};
    }
  };
  return info;
}

void ToyFamily::reset(const Params& params, const FamilyInputs& inputs) {
  auto lab = ToyLab::create(params, inputs.custom_points);
  if (!lab) throw std::runtime_error(lab.error());
  const bool same_data =
      lab_ && lab_->last().dataset == (*lab)->last().dataset && lab_->last().dataset != "custom";
  lab_ = std::move(*lab);
  if (same_data && visible_.valid()) lab_->set_visible_box(visible_);
  if (!same_data) visible_ = Box2{};
  phase_ = 0;
  resume_ = {};
  images_step_ = -1;
}

FamilyStep ToyFamily::step(const Params& params, int64_t steps_done) {
  FamilyStep out;
  const double slow = params.number(ParamId::kSlowMotion);
  ToyStepResult r;
  if (slow > 0.0) {
    // One update per call, a pause after each, the iteration's row when its last update is done.
    const int d = params.integer(ParamId::kDSteps), g = params.integer(ParamId::kGSteps);
    if (phase_ < d) {
      const ToyStepResult u = lab_->d_update();
      partial_.loss_d = u.loss_d;
      partial_.d_real = u.d_real;
    } else {
      const ToyStepResult u = lab_->g_update();
      partial_.loss_g = u.loss_g;
      partial_.d_fake = u.d_fake;
    }
    resume_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(slow));
    if (++phase_ < d + g) {
      out.done = false;
      return out;
    }
    phase_ = 0;
    r = partial_;
  } else {
    r = lab_->iteration();
    lab_->set_caption(ToyPhase::kNone, "");
  }
  const int every = std::max(1, params.integer(ParamId::kMetricsEvery));
  const bool evaluated = (steps_done + 1) % every == 0;
  if (evaluated) lab_->evaluate(steps_done + 1);
  lab_->fill_values(r, out.row);
  if (!evaluated) {  // the mode metrics repeat the last evaluation's
    for (int i = kToyTrainingColumns; i < out.row.count; ++i) out.row.unmeasured |= 1u << i;
  }
  out.finite_columns = kToyTrainingColumns;
  return out;
}

Result<CommandEffect> ToyFamily::apply(const Command& command, int64_t step) {
  switch (command.kind) {
    case Command::Kind::kToyUpdate:
      if (command.count == 0) {
        lab_->d_update();
      } else {
        lab_->g_update();
      }
      lab_->evaluate(step);
      return CommandEffect{/*pause=*/true};
    case Command::Kind::kToyView:
      if (command.box.valid()) {
        visible_ = command.box;
        lab_->set_visible_box(command.box);
      }
      return CommandEffect{};
    default:  // views this family does not have (latent selections)
      return CommandEffect{};
  }
}

std::string ToyFamily::description(const Params& params) const {
  return "2D GAN lab on " + params.text(ParamId::kDataset);
}

void ToyFamily::render_samples(ImageRGBA& out) {
  ToyView v;
  lab_->fill_view(v, true);
  out = render_toy_scatter(v, v.data_box, 512);  // the scatter plot over the heatmap
}

void ToyFamily::fill_snapshot(Snapshot& out, const Params& params, bool with_images,
                              int64_t step) {
  out.is_toy = true;
  out.epoch = 0;
  out.epoch_progress = 0.0;
  out.samples_per_sec = out.steps_per_sec * params.integer(ParamId::kBatchSize) *
                        (params.integer(ParamId::kDSteps) + params.integer(ParamId::kGSteps));
  out.model_name = "2d-gan";
  out.is_gan = true;
  out.dataset_name = lab_->last().dataset;
  out.dataset_size = 0;
  if (with_images || images_step_ < 0) images_step_ = step;
  lab_->fill_view(out.toy, with_images);
  out.samples_step = images_step_;
  out.d_real.clear();
  out.d_fake.clear();
  out.grads = lab_->gan().grad_norms();
  out.diversity = std::numeric_limits<double>::quiet_NaN();
  out.diversity_step = -1;
}

void ToyFamily::watch(AlarmMonitor& alarms, const MetricRow& row) {
  const ToyView& t = lab_->last();
  alarms.add_row(row, schema(), kToyTrainingColumns, t.heat_is_probability);
  alarms.add_modes(t.metrics_step, t.modes_covered, t.modes_total);
}

void ToyFamily::save(StateWriter& w) {
  w.write_bytes("toy", lab_->gan().save_state());
  w.write("toy_metrics", torch::tensor(lab_->metrics_state(), torch::kFloat64));
}

Status ToyFamily::load(StateReader& r) {
  if (auto s = lab_->gan().load_state(r.read_bytes("toy")); !s) return s;
  const torch::Tensor metrics = r.read_any("toy_metrics", torch::kFloat64, 1).contiguous();
  lab_->set_metrics_state(std::vector<double>(metrics.data_ptr<double>(),
                                              metrics.data_ptr<double>() + metrics.numel()));
  images_step_ = -1;
  return {};
}

}  // namespace genscope
