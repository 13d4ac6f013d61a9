#include "train/trainer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "record/metrics_csv.h"
#include "record/png.h"
#include "core/alarms.h"
#include "train/checkpoint.h"
#include "train/quality_worker.h"
#include "train/runtime.h"
#include "train/session.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace genscope {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPublishInterval = std::chrono::milliseconds(100);
constexpr auto kSamplesInterval = std::chrono::milliseconds(250);

Result<std::shared_ptr<const Dataset>> load_shared(const std::string& spec) {
  auto data = load_dataset(spec);
  if (!data) return Error{data.error()};
  return std::shared_ptr<const Dataset>(std::make_shared<Dataset>(std::move(*data)));
}

// The threads LibTorch gets: the threads parameter, or when it is 0 every hardware thread for
// image models and one for the 2D lab, whose tiny matrices only lose from splitting work (on two
// busy cores, OpenMP's spinning made it ~100x slower).
int torch_threads(const Params& params) {
  const int n = params.integer(ParamId::kThreads);
  if (n > 0) return n;
  return model_family(params) == ModelFamily::kToy ? 1 : 0;
}

// Applies the settings of `from` that are about this run's outputs, not its training (where
// checkpoints go, what is measured and how often) to a session restored from a checkpoint:
// `--resume x.ckpt --eval-every 0` evaluates nothing, whatever the checkpoint had.
void keep_run_settings(TrainingSession& session, const Params& from) {
  for (ParamId id : {ParamId::kCheckpointPath, ParamId::kCheckpointEvery, ParamId::kEvalEvery,
                     ParamId::kEvalSamples, ParamId::kHistEvery}) {
    session.apply(Command::set(id, from.value(id)));
  }
}

// True when `session` gets quality metrics: an image model on labelled data, eval_every > 0.
bool quality_wanted(const TrainingSession& session) {
  return !session.is_toy() && session.params().integer(ParamId::kEvalEvery) > 0 &&
         QualityMetrics::supported(*session.data());
}

// True when `session` is due a quality evaluation at its current step.
bool evaluation_due(const TrainingSession& session) {
  const int every = session.params().integer(ParamId::kEvalEvery);
  return every > 0 && !session.is_toy() && session.step_count() > 0 &&
         session.step_count() % every == 0;
}

// The quality view of a run without a worker: off, or why there are no metrics.
QualityView quality_off(const TrainingSession* session) {
  QualityView v;
  if (!session || session->is_toy()) return v;
  std::string why;
  if (!QualityMetrics::supported(*session->data(), &why)) {
    v.state = QualityState::kNoLabels;
    v.status = why;
  } else {
    v.status = "quality metrics are off (eval_every = 0)";
  }
  return v;
}

}  // namespace

struct Trainer::Impl {
  TrainerLink& link;
  Params requested;  // every accepted edit, applied or pending
  std::string resume_path;
  std::unique_ptr<TrainingSession> session;
  RuntimeInfo runtime;
  std::thread thread;
  bool stop_requested = false;
  Clock::time_point last_publish{}, last_samples{};
  MessageLevel idle_level = MessageLevel::kNone;  // messages while there is no session
  std::string idle_message;
  EventLog events;             // the run's history, kept across resets and loads
  std::vector<RunEvent> new_events;
  uint64_t commands_done = 0;  // the last command handled
  static constexpr std::size_t kPublishedEvents = 64;
  std::vector<Point2> custom_points;       // the 2D lab's painted points
  std::unique_ptr<QualityWorker> quality;  // the session's dataset's metrics, while eval_every > 0
  bool eval_pending = false;  // an evaluation came due while the worker was busy or preparing

  // Keeps the quality worker in step with the session: one per labelled dataset while
  // eval_every > 0; a new run forgets the old run's evaluations.
  void sync_quality(bool new_run) {
    if (!session || !quality_wanted(*session)) {
      quality.reset();
      eval_pending = false;
      return;
    }
    if (!quality || quality->data() != session->data()) {
      quality =
          std::make_unique<QualityWorker>(session->data(), session->device(), default_cache_dir());
    } else if (new_run) {
      quality->new_run();
    }
    if (new_run) eval_pending = false;
  }

  // Offers the worker a copy of the generator when an evaluation is due (or was, while it was
  // busy).
  void offer_evaluation(const StepOutcome& outcome) {
    if (!quality || !session) return;
    if (outcome.non_finite) {
      eval_pending = false;  // nothing to score in a diverged model (the NaN alarm has paused it)
      return;
    }
    if (evaluation_due(*session)) eval_pending = true;
    if (!eval_pending || !quality->accepting()) return;
    const int n = session->params().integer(ParamId::kEvalSamples);
    if (quality->submit(session->model_copy(), session->step_count(), n)) eval_pending = false;
  }

  Impl(TrainerLink& l, Params p, std::string resume)
      : link(l), requested(std::move(p)), resume_path(std::move(resume)) {}

  // Replaces the run by a checkpoint; on failure keeps it and says why.
  void load_checkpoint(const std::string& path, bool rollback = false) {
    message(MessageLevel::kInfo, "loading checkpoint " + path);
    publish(false);
    auto loaded = open_checkpoint(path, [this](const std::string& spec) {
      if (session && session->data() && session->params().text(ParamId::kDataset) == spec) {
        return Result<std::shared_ptr<const Dataset>>(session->data());
      }
      return load_shared(spec);
    });
    if (!loaded) {
      message(MessageLevel::kError, loaded.error() + (session ? " (kept the current run)" : ""));
      return;
    }
    const bool was_paused = !session || session->paused();
    const Params keep = requested;
    collect_events();
    session = std::move(*loaded);
    keep_run_settings(*session, keep);
    requested = session->pending();
    custom_points = session->custom_points();
    if (was_paused) session->apply(Command::of(Command::Kind::kPause));
    session->set_message(MessageLevel::kInfo,
                         strformat(rollback ? "rolled back to step %2$lld (%1$s)"
                                            : "resumed %s at step %lld",
                                   path.c_str(), static_cast<long long>(session->step_count())));
  }

  void save_checkpoint_now(const std::string& path) {
    if (!session) return message(MessageLevel::kError, "nothing to save yet");
    Status s = save_checkpoint(*session, path);
    session->set_message(s ? MessageLevel::kInfo : MessageLevel::kError,
                         s ? strformat("saved checkpoint %s (step %lld)", path.c_str(),
                                       static_cast<long long>(session->step_count()))
                           : s.error());
  }

  void message(MessageLevel level, std::string text) {
    if (session) {
      session->set_message(level, std::move(text));
    } else {
      if (level != MessageLevel::kNone && !text.empty()) {
        events.add(RunEvent::message(level, text, 0));
      }
      idle_level = level;
      idle_message = std::move(text);
    }
  }

  // A rejected edit: shown until the next applied edit.
  void input_error(std::string text) {
    if (session) {
      session->set_input_error(std::move(text));
    } else {
      message(MessageLevel::kError, std::move(text));
    }
  }

  // Moves the session's new history lines into the log.
  void collect_events() {
    if (!session) return;
    new_events.clear();
    session->take_events(new_events);
    for (RunEvent& e : new_events) events.add(std::move(e));
  }

  void publish(bool with_images) {
    collect_events();
    Snapshot& s = link.snapshots.write_slot();
    s.runtime = runtime;
    s.commands_done = commands_done;
    events.copy_newest(kPublishedEvents, s.events);
    if (session) {
      try {
        session->fill_snapshot(s, with_images);
        if (quality) {
          quality->fill(s.quality);
        } else {
          s.quality = quality_off(session.get());
        }
      } catch (const std::exception& e) {
        session->set_message(MessageLevel::kError,
                             std::string("drawing samples failed: ") + e.what());
      }
    } else {
      s.running = false;
      s.paused = true;
      s.params = requested;
      s.pending = requested;
      s.message_level = idle_level;
      s.message = idle_message;
    }
    link.snapshots.publish();
    last_publish = Clock::now();
    if (with_images) last_samples = last_publish;
  }

  // Loads the requested dataset and builds a session; on failure keeps the old one.
  void build_session() {
    const std::string& spec = requested.text(ParamId::kDataset);
    std::shared_ptr<const Dataset> data;
    const bool toy = model_family(requested) == ModelFamily::kToy;
    if (toy) {
      // 2D distributions are sampled, not loaded.
    } else if (session && session->params().text(ParamId::kDataset) == spec) {
      data = session->data();
    } else {
      message(MessageLevel::kInfo, "loading dataset " + spec);
      publish(false);
      auto loaded = load_shared(spec);
      if (!loaded) {
        message(MessageLevel::kError,
                loaded.error() + (session ? " (kept the current dataset)" : ""));
        return;
      }
      data = *loaded;
    }
    auto created = TrainingSession::create(requested, data, custom_points);
    if (!created) {
      message(MessageLevel::kError, created.error() + (session ? " (kept the current run)" : ""));
      return;
    }
    bool was_paused = session && session->paused();
    collect_events();
    session = std::move(*created);
    if (was_paused) session->apply(Command::of(Command::Kind::kPause));
    session->set_message(
        MessageLevel::kInfo,
        toy ? "2D GAN lab on " + spec
            : "training " + session->params().choice(ParamId::kModel) + " on " + data->name);
  }

  void handle(const Command& c) {
    if (c.kind == Command::Kind::kStop) {
      stop_requested = true;
      return;
    }
    if (c.kind == Command::Kind::kSetParam) {
      if (auto s = requested.set(c.param, c.value); !s) {
        input_error(s.error());
        return;
      }
    }
    if (c.kind == Command::Kind::kSaveCheckpoint || c.kind == Command::Kind::kLoadCheckpoint ||
        c.kind == Command::Kind::kRollBack) {
      const std::string path =
          c.value.text.empty() ? requested.text(ParamId::kCheckpointPath) : c.value.text;
      if (c.kind == Command::Kind::kSaveCheckpoint) {
        save_checkpoint_now(path);
      } else {
        load_checkpoint(path, c.kind == Command::Kind::kRollBack);
      }
      return;
    }
    if (c.kind == Command::Kind::kSaveAlarmCheckpoint) {
      if (!session) return;
      auto saved = alarm_checkpoint(*session);
      if (!saved) {
        session->set_message(MessageLevel::kError, saved.error());
      } else if (!saved->empty()) {
        session->set_message(MessageLevel::kInfo, "alarm: saved checkpoint " + *saved);
      }
      return;
    }
    if (c.kind == Command::Kind::kToyPaint) {
      if (c.points.empty()) {
        message(MessageLevel::kError, "custom: paint at least one point, then Apply");
        return;
      }
      custom_points = c.points;
      requested.set(ParamId::kDataset, {0.0, "custom"});
      if (!session || !session->toy()) {
        build_session();
        return;
      }
    }
    if (c.kind == Command::Kind::kReset) {
      set_torch_threads(torch_threads(requested));
      runtime = runtime_info();
    }
    bool needs_new_session =
        c.kind == Command::Kind::kReset &&
        (!session ||
         session->params().text(ParamId::kDataset) != requested.text(ParamId::kDataset) ||
         session->params().value(ParamId::kModel) != requested.value(ParamId::kModel));
    if (needs_new_session) {
      build_session();
      return;
    }
    if (!session) return;
    if (auto s = session->apply(c); !s) {
      if (c.kind == Command::Kind::kSetParam) {
        session->set_input_error(s.error());
      } else {
        session->set_message(MessageLevel::kError, s.error());
      }
    }
  }

  void run() {
    try {
      set_torch_threads(torch_threads(requested));
      runtime = runtime_info();
      if (resume_path.empty()) {
        build_session();
      } else {
        load_checkpoint(resume_path);
      }
      sync_quality(true);
    } catch (const std::exception& e) {  // shown, and the window stays up
      message(MessageLevel::kError, std::string("starting the run failed: ") + e.what());
    }
    publish(true);
    std::vector<Command> commands;
    bool quality_refresh = false;  // the idle loop woke only to show the quality worker's progress
    while (!stop_requested) {
      commands.clear();  // drain() appends: each command is handled once
      link.commands.drain(commands);
      for (const Command& c : commands) {
        try {
          handle(c);
          sync_quality(c.kind == Command::Kind::kReset ||
                       c.kind == Command::Kind::kLoadCheckpoint ||
                       c.kind == Command::Kind::kRollBack || c.kind == Command::Kind::kToyPaint);
        } catch (const std::exception& e) {
          message(MessageLevel::kError, e.what());
        }
        commands_done = std::max(commands_done, c.seq);
      }
      if (!commands.empty()) {
        publish(!session || session->step_count() == 0);
        quality_refresh = false;
      }
      if (stop_requested) break;
      if (!session || !session->wants_step()) {
        publish(!quality_refresh);
        quality_refresh = false;
        if (auto wake = session ? session->wake_at() : std::nullopt) {
          link.commands.wait_for_commands_until(*wake);  // slow motion: the pause between updates
        } else if (quality && quality->working()) {
          // Paused while the classifier trains or an evaluation runs: show its progress.
          link.commands.wait_for_commands_until(Clock::now() + std::chrono::milliseconds(250));
          quality_refresh = true;
        } else {
          link.commands.wait_for_commands();
        }
        continue;
      }
      try {
        StepOutcome outcome = session->step();
        if (outcome.stepped) link.metrics.push(outcome.row);
        if (outcome.stepped) {
          offer_evaluation(outcome);
          if (std::string e = periodic_checkpoint(*session); !e.empty()) {
            session->set_message(MessageLevel::kError, e);
          }
        }
      } catch (const std::exception& e) {
        session->apply(Command::of(Command::Kind::kPause));
        session->set_message(MessageLevel::kError,
                             std::string("training step failed: ") + e.what());
      }
      auto now = Clock::now();
      if (now - last_publish >= kPublishInterval || !session->wants_step()) {
        publish(now - last_samples >= kSamplesInterval || !session->wants_step());
      }
    }
  }
};

Trainer::Trainer(TrainerLink& link, Params params, std::string resume_path)
    : impl_(std::make_unique<Impl>(link, std::move(params), std::move(resume_path))) {}

Trainer::~Trainer() { stop(); }

void Trainer::start() {
  if (impl_->thread.joinable()) return;
  impl_->thread = std::thread([this] { impl_->run(); });
}

void Trainer::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->link.commands.push(Command::of(Command::Kind::kStop));
  impl_->thread.join();
}

namespace {

Status run_headless_unguarded(const Params& params, int64_t steps, const std::string& out_dir,
                              const HeadlessObserver& observer, const std::string& resume_path) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Error{"--out " + out_dir + ": cannot create directory: " + ec.message()};
  set_torch_threads(torch_threads(params));
  std::shared_ptr<const Dataset> dataset;  // a checkpoint names and loads its own
  if (resume_path.empty() && model_family(params) != ModelFamily::kToy) {
    auto data = load_shared(params.text(ParamId::kDataset));
    if (!data) return Error{data.error()};
    dataset = *data;
  }
  Result<std::unique_ptr<TrainingSession>> session =
      resume_path.empty()
          ? TrainingSession::create(params, dataset)
          : open_checkpoint(resume_path, [](const std::string& spec) { return load_shared(spec); });
  if (!session) return Error{session.error()};
  if (!resume_path.empty()) keep_run_settings(**session, params);
  // Quality columns (fid, is_score, class_entropy) when eval_every > 0 and the data is labelled;
  // they repeat the last evaluation (NaN before the first).
  std::unique_ptr<QualityMetrics> quality;
  const bool toy_run = (*session)->is_toy();
  if (quality_wanted(**session)) {
    quality = std::make_unique<QualityMetrics>((*session)->data(), (*session)->device(),
                                               default_cache_dir());
  }
  MetricSchema columns = (*session)->metric_names();
  if (quality) columns.insert(columns.end(), quality_columns().begin(), quality_columns().end());
  auto csv = MetricsCsvWriter::open(out_dir + "/metrics.csv", columns);
  if (!csv) return Error{csv.error()};
  QualityPoint last_quality;
  std::vector<float> class_share;
  const auto evaluate_quality = [&]() -> Status {
    if (!quality->ready()) {
      std::fprintf(stderr, "genscope: preparing the metric classifier\n");
      if (Status s = quality->prepare(); !s) return Error{"quality metrics: " + s.error()};
      if (!quality->warning().empty())
        std::fprintf(stderr, "genscope: %s\n", quality->warning().c_str());
      QualityView v;
      quality->fill_reference(v);
      const int n = (*session)->params().integer(ParamId::kEvalSamples);
      const auto [floor, is_real] = quality->reference(n);
      std::fprintf(stderr,
                   "genscope: metric classifier %.2f %% on the test split (%s %s); FID floor %.3f "
                   "and IS %.3f for %d train images\n",
                   v.classifier_accuracy * 100.0, v.classifier_cached ? "loaded from" : "cached in",
                   v.cache_path.c_str(), floor, is_real, quality->reference_count(n));
    }
    auto copy = (*session)->model_copy();
    last_quality = quality->evaluate(*copy, (*session)->params().integer(ParamId::kEvalSamples),
                                     (*session)->step_count(), class_share);
    return {};
  };
  std::vector<MetricRow> rows;  // since the observer's last call
  const RuntimeInfo runtime = runtime_info();
  const auto observe = [&]() -> Status {
    if (observer.every <= 0 || !observer.on_snapshot) return {};
    Snapshot snap;
    snap.runtime = runtime;
    (*session)->fill_snapshot(snap, true);
    Status s = observer.on_snapshot(snap, rows);
    rows.clear();
    return s;
  };
  if (auto s = observe(); !s) return s;
  // The window's alarms, printed (one line each) as they are raised.
  AlarmMonitor alarms;
  const auto report_alarms = [&](const MetricRow& row) {
    alarms.add_row(row, (*session)->metric_names(), toy_run ? kToyTrainingColumns : row.count,
                   !toy_run || (*session)->toy()->last().heat_is_probability);
    if (toy_run) {
      const ToyView& t = (*session)->toy()->last();
      alarms.add_modes(t.metrics_step, t.modes_covered, t.modes_total);
    } else {
      alarms.add_diversity((*session)->diversity_step(), (*session)->diversity());
      if (quality && quality->ready()) {
        alarms.add_class_entropy(last_quality.step, last_quality.class_entropy,
                                 std::log(double(class_share.size())));
      }
    }
    for (const AlarmEvent& e : alarms.take_new()) {
      std::fprintf(stderr, "genscope: alarm at step %lld: %s: %s\n", static_cast<long long>(e.step),
                   alarm_name(e.kind), e.text.c_str());
      if (!alarm_saves_checkpoint(e)) continue;
      auto saved = alarm_checkpoint(**session, out_dir + "/checkpoints");  // the run's directory
      if (!saved || !saved->empty()) {
        std::fprintf(stderr, "genscope: %s\n",
                     saved ? ("saved checkpoint " + *saved).c_str() : saved.error().c_str());
      }
    }
  };
  for (int64_t i = 0; i < steps && !interrupted(); ++i) {
    StepOutcome outcome = (*session)->step();
    if (quality && outcome.stepped && !outcome.non_finite && evaluation_due(**session)) {
      if (Status s = evaluate_quality(); !s) return s;
    }
    if (outcome.stepped) report_alarms(outcome.row);
    if (quality) {
      MetricRow& r = outcome.row;
      for (double v : {last_quality.fid, last_quality.is_score, last_quality.class_entropy}) {
        if (r.count < MetricRow::kMaxValues) r.values[r.count++] = static_cast<float>(v);
      }
    }
    if (auto s = csv->write(outcome.row); !s) return s;
    if (std::string e = periodic_checkpoint(**session); !e.empty()) return Error{e};
    if (observer.every > 0) {
      rows.push_back(outcome.row);
      if ((i + 1) % observer.every == 0) {
        if (auto s = observe(); !s) return s;
      }
    }
    if (outcome.non_finite) {
      Snapshot snap;
      (*session)->fill_snapshot(snap, false);
      return Error{snap.message};
    }
  }
  if (auto s = csv->close(); !s) return s;
  ImageRGBA grid;
  (*session)->render_samples(grid);  // the 2D lab: the scatter plot over the heatmap
  const std::string image = toy_run ? "scatter.png" : "samples.png";
  if (auto s = write_png_rgba(out_dir + "/" + image, grid.width, grid.height, grid.pixels.data(),
                              grid.width * 4);
      !s) {
    return s;
  }
  if (interrupted()) {
    return Error{strformat("interrupted at step %lld; metrics.csv and %s are complete",
                           static_cast<long long>((*session)->step_count()), image.c_str())};
  }
  return {};
}

}  // namespace

Status run_headless(const Params& params, int64_t steps, const std::string& out_dir,
                    const HeadlessObserver& observer, const std::string& resume_path) {
  try {
    return run_headless_unguarded(params, steps, out_dir, observer, resume_path);
  } catch (const std::exception& e) {  // e.g. out of GPU memory: an error, not std::terminate
    return Error{std::string("training failed: ") + first_line(e.what())};
  }
}

}  // namespace genscope
