#include "train/run.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "core/thread_policy.h"
#include "record/png.h"
#include "train/checkpoint.h"
#include "train/distributed.h"
#include "train/quality.h"
#include "train/run_impl.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr std::size_t kPublishedEvents = 64;
constexpr std::size_t kPublishedAlarms = 100;

// True when `a` and `b` name the same data: a new run can keep the loaded dataset.
bool same_data(const Params& a, const Params& b) {
  return a.text(ParamId::kDataset) == b.text(ParamId::kDataset) &&
         a.choice(ParamId::kResolution) == b.choice(ParamId::kResolution) &&
         a.choice(ParamId::kChannels) == b.choice(ParamId::kChannels);
}

// The settings of a run's outputs, not its training (where files go, what is measured and how
// often): `--resume x.ckpt --eval-every 0` evaluates nothing, whatever the checkpoint had.
constexpr ParamId kRunFileSettings[] = {ParamId::kCheckpointPath, ParamId::kCheckpointEvery,
                                        ParamId::kRunsDir,        ParamId::kTensorboard,
                                        ParamId::kTbImageEvery,   ParamId::kEvalEvery,
                                        ParamId::kEvalSamples,    ParamId::kHistEvery};

}  // namespace

bool is_run_file_setting(ParamId id) {
  for (ParamId f : kRunFileSettings) {
    if (f == id) return true;
  }
  return false;
}

namespace {

// The quality view of a run without a worker: off, or why there are no metrics.
QualityView quality_off(const TrainingSession* session) {
  QualityView v;
  if (!session || !session->data()) return v;
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

// Image folders are decoded with progress (the Status panel's bar, a line a tenth headless) and
// cached beside the metric classifiers.
Result<std::shared_ptr<const Dataset>> Run::Impl::load_data(const Params& params) {
  DatasetOptions data_options;
  const auto number = [&](ParamId id) {  // a choice of "auto" or a number
    const std::string c = params.choice(id);
    return c == "auto" ? 0 : std::atoi(c.c_str());
  };
  data_options.resolution = number(ParamId::kResolution);
  data_options.channels = number(ParamId::kChannels);
  data_options.cache_dir = default_cache_dir();
  const std::string spec = params.text(ParamId::kDataset);
  data_options.progress = [this, &spec](int64_t done, int64_t total) {
    loading_fraction = total > 0 ? double(done) / double(total) : 0.0;
    loading_text = strformat("decoding %s: %lld of %lld images", spec.c_str(),
                             static_cast<long long>(done), static_cast<long long>(total));
    const int tenth = int(loading_fraction * 10.0);
    if (options.headless && tenth != loading_printed) {
      std::fprintf(stderr, "genscope: %s (%d %%)\n", loading_text.c_str(), tenth * 10);
      loading_printed = tenth;
    }
    if (options.on_busy) options.on_busy();  // the window shows the bar
  };
  auto data = load_dataset(spec, data_options);
  loading_text.clear(), loading_fraction = -1.0, loading_printed = -1;
  if (!data) return Error{data.error()};
  return std::shared_ptr<const Dataset>(std::make_shared<Dataset>(std::move(*data)));
}

void Run::Impl::load_checkpoint(const std::string& path, bool rollback) {
  message(MessageLevel::kInfo, "loading checkpoint " + path);
  if (options.on_busy) options.on_busy();
  // A branch of a fork is the parent's checkpoint with its edits, once, at the start.
  const bool fork = dir.empty() && !options.fork_edits.empty();
  std::function<Status(Params&)> edit;
  if (fork) edit = [this](Params& p) { return apply_fork_edits(p, options.fork_edits); };
  std::string ranks_note;
  auto loaded = open_checkpoint(
      path,
      [this](const Params& wanted) {
        if (session && session->data() && same_data(session->params(), wanted)) {
          return Result<std::shared_ptr<const Dataset>>(session->data());
        }
        return load_data(wanted);
      },
      edit, options.group ? options.group->world() : 1, &ranks_note);
  if (!loaded) {
    message(MessageLevel::kError, loaded.error() + (session ? " (kept the current run)" : ""));
    return;
  }
  if (auto s = (*loaded)->family().set_distributed(options.group); !s) {
    message(MessageLevel::kError, s.error() + (session ? " (kept the current run)" : ""));
    return;
  }
  const bool was_paused = session ? session->paused() : !options.headless;  // the window: look first
  const Params keep = requested;
  collect_events();
  session = std::move(*loaded);
  session->family().set_watched(options.watched);
  for (ParamId id : kRunFileSettings) session->apply(Command::set(id, keep.value(id)));
  requested = session->pending();
  apply_threads();  // the checkpoint's family may want another count than the run had
  custom_points = session->custom_points();
  if (was_paused) session->apply(Command::of(Command::Kind::kPause));
  alarms.reset_run();
  // At the start, the folder chosen for the run (RunDirectory::choose: --out, else the
  // checkpoint's run directory). Later, a checkpoint of another run continues in that run's
  // folder unless --out named one; a checkpoint of this run, in this one.
  std::string target;
  if (dir.empty()) {
    target = !options.dir.empty()
                 ? options.dir
                 : RunDirectory::choose(requested, options.out, path, std::time(nullptr));
  } else {
    target = options.out.empty() ? RunDirectory::of_checkpoint(path) : std::string();
    if (target.empty()) target = dir.path();
  }
  open_files(target, /*continues=*/true);
  if (fork) {
    session->set_message(MessageLevel::kInfo,
                         strformat("forked %s with %s", options.parent.c_str(),
                                   options.fork_edits.c_str()));
    return;
  }
  session->set_message(MessageLevel::kInfo,
                       strformat(rollback ? "rolled back to step %2$lld (%1$s)"
                                          : "resumed %s at step %lld",
                                 path.c_str(), static_cast<long long>(step())) +
                           (ranks_note.empty() ? "" : " (" + ranks_note + ")"));
}

// Gives LibTorch the threads parameter's count, or when it is 0 genscope's choice, which a
// windowed CPU run then tunes by measuring (ThreadTuner); the Status panel says which and why.
void Run::Impl::apply_threads() {
  const int hardware = static_cast<int>(std::thread::hardware_concurrency());
  const int asked = requested.integer(ParamId::kThreads);
  const int family_default = family_info(requested).default_threads;
  ThreadChoice choice = choose_threads(asked, family_default, hardware, options.headless);
  if (asked == 0 && family_default == 0 && options.group && options.ranks_here > 1) {
    choice = {std::max(1, hardware / options.ranks_here),
              strformat("%d ranks share this machine's %d cores", options.ranks_here, hardware)};
  }
  set_torch_threads(choice.threads);
  runtime = runtime_info();
  runtime.thread_reason = choice.reason;
  runtime.omp_wait = omp_wait_description();
  tuner.reset();
  if (asked == 0 && family_default == 0 && !options.headless && hardware > 1 &&
      !cuda_available()) {
    tuner.emplace(choice.threads, hardware);
    runtime.thread_reason = "tuned as it trains";
  }
}

// Feeds one step's time to the tuner and applies the count it returns (a short try of a
// neighbouring count shows as the count in use). A new chosen count goes into the run's history.
void Run::Impl::tune_threads(double step_seconds) {
  if (!tuner) return;
  const int chosen_before = tuner->chosen();
  const uint64_t measured_before = tuner->measurements();
  const double now = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  const int n = tuner->step(step_seconds, now);
  if (n != runtime.threads) runtime.threads = set_torch_threads(n);
  if (tuner->measurements() == measured_before || tuner->reason().empty()) return;
  runtime.thread_reason = tuner->reason();
  if (tuner->chosen() != chosen_before) {
    add_event(RunEvent::message(
        MessageLevel::kInfo,
        strformat("LibTorch now trains on %d thread%s: measured %s", tuner->chosen(),
                  tuner->chosen() == 1 ? "" : "s", runtime.thread_reason.c_str()),
        step()));
  }
}

void Run::Impl::build_session() {
  const std::string& spec = requested.text(ParamId::kDataset);
  std::shared_ptr<const Dataset> data;
  if (!family_info(requested).uses_dataset) {
    // The 2D lab samples its distributions.
  } else if (session && same_data(session->params(), requested)) {
    data = session->data();
  } else {
    message(MessageLevel::kInfo, "loading dataset " + spec);
    if (options.on_busy) options.on_busy();
    auto loaded = load_data(requested);
    if (!loaded) {
      message(MessageLevel::kError, loaded.error() + (session ? " (kept the current dataset)" : ""));
      return;
    }
    data = *loaded;
  }
  auto created = TrainingSession::create(requested, data, custom_points);
  if (!created) {
    message(MessageLevel::kError, created.error() + (session ? " (kept the current run)" : ""));
    return;
  }
  if (auto s = (*created)->family().set_distributed(options.group); !s) {
    message(MessageLevel::kError, s.error() + (session ? " (kept the current run)" : ""));
    return;
  }
  const bool was_paused = session && session->paused();
  const int64_t steps_trained = step();
  collect_events();
  session = std::move(*created);
  session->family().set_watched(options.watched);
  if (was_paused) session->apply(Command::of(Command::Kind::kPause));
  alarms.reset_run();
  start_new_run_files(dir.empty() ? 0 : steps_trained);
  add_event(RunEvent::message(MessageLevel::kInfo,
                              strformat("%s, %d thread%s: %s; OpenMP %s",
                                        runtime.device.c_str(), runtime.threads,
                                        runtime.threads == 1 ? "" : "s",
                                        runtime.thread_reason.c_str(), runtime.omp_wait.c_str()),
                              step()));
  session->set_message(
      MessageLevel::kInfo,
      session->family().description(session->params()) + " (run directory " + dir.path() + ")");
  // Files an image folder left out: the Status panel's top line, headless's terminal.
  if (data && !data->load_warning.empty()) message(MessageLevel::kWarning, data->load_warning);
}

void Run::Impl::handle_files(const Command& c) {
  if (c.kind == Command::Kind::kSaveCheckpoint) {
    if (!session) return message(MessageLevel::kError, "nothing to save yet");
    if (session->diverged()) return save_diverged();
    const std::string path =
        c.value.text.empty() ? dir.checkpoint(session->params(), step()) : c.value.text;
    save_to(path, "saved checkpoint ");
    return;
  }
  std::string path = c.value.text;
  if (path.empty() && session) path = session->checkpoint_path();
  if (path.empty()) {
    return message(MessageLevel::kError,
                   "no checkpoint to load yet: Save (Ctrl+S) writes one into " +
                       dir.checkpoints() + "/");
  }
  load_checkpoint(path, c.kind == Command::Kind::kRollBack);
}

// Painted points: a "custom" dataset from new weights. A session of the family that trains on
// them takes the command (and checks the points); any other is replaced by one on them. False
// when handled here.
// A manual save of a diverged run (NaN weights or losses) never replaces a good checkpoint: it
// gets a name of its own, and Roll back still goes to the last good one.
void Run::Impl::save_diverged() {
  const std::string good = session->checkpoint_path();
  const int64_t good_step = session->checkpoint_step();
  const std::string path =
      dir.checkpoints() + strformat("/diverged-step%lld.ckpt", static_cast<long long>(step()));
  if (!save_to(path, "the run has diverged: saved it apart from the good checkpoints as ")) return;
  session->note_checkpoint(good, good_step);
}

bool Run::Impl::handle_paint(const Command& c) {
  Params next = requested;
  next.set(ParamId::kDataset, {0.0, "custom"});
  if (session && &family_info(session->params()) == &family_info(next)) return true;
  custom_points = c.points;
  requested = next;
  build_session();
  return false;
}

void Run::Impl::handle(const Command& c) {
  using K = Command::Kind;
  switch (c.kind) {
    case K::kStop:
      stop_requested = true;
      return;
    case K::kSaveCheckpoint:
    case K::kLoadCheckpoint:
    case K::kRollBack:
      return handle_files(c);
    case K::kExportGenerator:
      (void)export_generator(c.value.text);  // the run's message says what happened
      return;
    case K::kFork:  // the window's Trainer: a Run alone has no fork
    case K::kShowRun:
    case K::kCloseRun:
      return;
    case K::kMuteAlarm:
      if (c.param_index >= 0 && c.param_index < kAlarmKinds) {
        alarms.set_muted(static_cast<AlarmKind>(c.param_index), c.count != 0);
      }
      return;
    case K::kToyPaint:
      if (!handle_paint(c)) return;
      break;
    case K::kSetParam:
      if (auto s = requested.set(c.param, c.value); !s) return input_error(s.error());
      break;
    case K::kReset:
      apply_threads();
      break;
    default:
      break;
  }
  const bool needs_new_session =
      c.kind == K::kReset &&
      (!session || session->params().text(ParamId::kDataset) != requested.text(ParamId::kDataset) ||
       session->params().value(ParamId::kModel) != requested.value(ParamId::kModel));
  if (needs_new_session) return build_session();
  if (!session) return;
  const int64_t steps_trained = step();
  if (auto s = session->apply(c); !s) {
    if (c.kind == K::kSetParam) return session->set_input_error(s.error());
    return session->set_message(MessageLevel::kError, s.error());
  }
  if (c.kind == K::kReset || c.kind == K::kToyPaint) {
    alarms.reset_run();
    requested = session->pending();
    custom_points = session->custom_points();
    start_new_run_files(steps_trained);
  }
}

bool Run::Impl::fill(Snapshot& s, bool with_images) {
  collect_events();
  s.loading = loading_text;
  s.loading_progress = loading_fraction;
  s.runtime = runtime;
  s.run_dir = dir.path();
  events.copy_newest(kPublishedEvents, s.events);
  const auto& log = alarms.log();
  const std::size_t first = log.size() > kPublishedAlarms ? log.size() - kPublishedAlarms : 0;
  s.alarms.assign(log.begin() + std::ptrdiff_t(first), log.end());
  for (int k = 0; k < kAlarmKinds; ++k) s.alarm_muted[k] = alarms.muted(static_cast<AlarmKind>(k));
  if (!session) {
    s.running = false;
    s.paused = true;
    s.params = requested;
    s.pending = requested;
    s.message_level = idle_level;
    s.message = idle_message;
    return true;
  }
  try {
    session->fill_snapshot(s, with_images);
    if (quality) {
      quality->fill(s.quality);
    } else {
      s.quality = quality_off(session.get());
    }
  } catch (const std::exception& e) {
    report_failure("drawing samples failed: ", e);
    return false;
  }
  return true;
}

Run::Run(RunOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Run::~Run() {
  impl_->quality.reset();  // joins the worker before the session it scores goes
  impl_->close_files();
}

Status Run::start() {
  Impl& r = *impl_;
  r.apply_threads();
  try {
    if (r.options.resume.empty()) {
      r.build_session();
    } else {
      r.load_checkpoint(r.options.resume, false);
    }
  } catch (const std::exception& e) {  // shown, and the window stays up
    r.session.reset();
    r.message(MessageLevel::kError, std::string("starting the run failed: ") + first_line(e.what()));
  }
  if (!r.session) {
    if (r.dir.empty()) {  // the history of a run that could not start
      r.open_files(!r.options.dir.empty()
                       ? r.options.dir
                       : RunDirectory::choose(r.requested, r.options.out, r.options.resume,
                                              std::time(nullptr)));
    }
    r.write_events(true);
    return Error{r.idle_message.empty() ? "the run could not start" : r.idle_message};
  }
  r.sync_quality(true);
  r.write_events(false);
  if (!r.file_error.empty()) return Error{r.file_error};
  return {};
}

void Run::handle(const Command& command) {
  Impl& r = *impl_;
  const auto* before = r.session.get();
  try {
    r.handle(command);
  } catch (const std::exception& e) {
    r.message(MessageLevel::kError, first_line(e.what()));
  }
  using K = Command::Kind;
  const bool new_run = command.kind == K::kReset || command.kind == K::kLoadCheckpoint ||
                       command.kind == K::kRollBack || command.kind == K::kToyPaint ||
                       r.session.get() != before;
  r.sync_quality(new_run);
  r.write_events(false);
}

bool Run::stop_requested() const { return impl_->stop_requested; }

bool Run::wants_step() const { return impl_->session && impl_->session->wants_step(); }

std::optional<std::chrono::steady_clock::time_point> Run::wake_at() const {
  return impl_->session ? impl_->session->wake_at() : std::nullopt;
}

bool Run::quality_working() const { return impl_->quality && impl_->quality->working(); }

// Every 2 s: this rank's steps/s and all-reduce share since the last report, for rank 0's
// Status panel (and rank 0 reads every rank's).
void Run::Impl::report_rank() {
  if (!options.group) return;
  const auto now = Clock::now();
  const double dt = std::chrono::duration<double>(now - rank_reported).count();
  if (dt < 2.0) return;
  const DistributedStats d = options.group->stats();
  if (rank_reported != Clock::time_point{}) {
    options.group->report(strformat("rank %d: %.1f steps/s, %.0f %% in all-reduce",
                                    options.group->rank(), (step() - rank_step) / dt,
                                    100.0 * (d.allreduce_s - rank_allreduce_s) / dt));
  }
  rank_reported = now, rank_allreduce_s = d.allreduce_s, rank_step = step();
  runtime.world = options.group->world();
  if (options.group->rank() == 0) runtime.ranks = options.group->reports(/*last=*/false);
}

TickOutcome Run::tick() {
  Impl& r = *impl_;
  r.report_rank();
  TickOutcome out;
  if (!r.session || !r.session->wants_step()) {
    r.take_quality_results();
    r.write_events(false);
    return out;
  }
  try {
    const auto start = Impl::Clock::now();
    StepOutcome step = r.session->step();
    if (step.stepped) {
      r.tune_threads(std::chrono::duration<double>(Impl::Clock::now() - start).count());
    }
    out.stepped = step.stepped;
    out.non_finite = step.non_finite;
    out.row = step.row;
    if (step.stepped) {
      r.offer_evaluation(step.non_finite);
      r.watch_alarms(step.row);
      r.periodic_checkpoint();
      r.hold_row(step.row);
      r.tb_after_step(step.row.step);
      r.append_family_text();
    }
  } catch (const std::exception& e) {
    r.session->apply(Command::of(Command::Kind::kPause));
    r.report_failure("training step failed: ", e);
  }
  r.write_events(false);
  return out;
}

bool Run::fill(Snapshot& out, bool with_images) { return impl_->fill(out, with_images); }

bool Run::render_samples(ImageRGBA& out) {
  if (!impl_->session) return false;
  try {
    impl_->session->render_samples(out);
  } catch (const std::exception&) {  // e.g. out of GPU memory: no grid this time
    return false;
  }
  return !out.empty();
}

Result<std::string> Run::export_generator(const std::string& path) {
  return impl_->export_generator(path);
}

Result<std::string> Run::save_checkpoint_now() {
  Impl& r = *impl_;
  if (!r.session) return Error{"nothing to save yet"};
  if (r.session->diverged()) return Error{"the run has diverged (NaN weights)"};
  const std::string path = r.dir.checkpoint(r.session->params(), r.step());
  if (!r.save_to(path, "saved checkpoint ")) return Error{r.file_error};
  return path;
}

Status Run::finish() {
  Impl& r = *impl_;
  if (r.quality && r.options.headless && !r.awaiting.empty()) {
    r.quality->wait_until_idle();
    r.take_quality_results();
  }
  if (r.session && !r.dir.empty()) {
    r.session->family().finish(r.session->params(), r.step());
    r.append_family_text();
    ImageRGBA grid;
    r.session->render_samples(grid);
    if (!grid.empty()) {  // a family whose samples are text wrote them above
      const std::string image = r.dir.file(samples_file());
      if (auto s = write_png_rgba(image, grid.width, grid.height, grid.pixels.data(), grid.width * 4);
          !s) {
        r.note_file_error(s.error());
      }
    }
  }
  r.close_files();
  if (!r.file_error.empty()) return Error{r.file_error};
  return {};
}

int64_t Run::step() const { return impl_->step(); }

std::string Run::message() const {
  return impl_->session ? impl_->session->message() : impl_->idle_message;
}

std::string Run::leave_group() {
  Impl& r = *impl_;
  const int world = r.options.group ? r.options.group->world() : 1;
  if (r.session) (void)r.session->family().set_distributed(nullptr);
  r.options.group.reset();
  r.apply_threads();  // every core of this machine now (threads = 0)
  r.runtime.world = 1;
  r.runtime.ranks.clear();
  if (!r.session || world == 1) return "this run trains on as one process";
  const int batch = r.session->params().integer(ParamId::kBatchSize);
  auto whole = batch_for_ranks(batch, world, 1);
  if (!whole) {
    return strformat("this run trains on as one process, with a batch of %d (%s)", batch,
                     whole.error().c_str());
  }
  r.session->apply(Command::set(ParamId::kBatchSize, {double(*whole), ""}));
  r.requested = r.session->pending();
  return strformat("this run trains on as one process, taking all %d of each batch", *whole);
}

bool Run::has_session() const { return impl_->session != nullptr; }

const RunDirectory& Run::dir() const { return impl_->dir; }

const std::string& Run::file_error() const { return impl_->file_error; }

std::string Run::samples_file() const {
  return impl_->session ? impl_->session->family().samples_file() : "samples.png";
}

}  // namespace genscope
