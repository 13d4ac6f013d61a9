#include "train/run.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>

#include "core/alarms.h"
#include "record/checkpoint_file.h"
#include "record/metrics_csv.h"
#include "record/png.h"
#include "train/checkpoint.h"
#include "train/quality_worker.h"
#include "train/runtime.h"
#include "train/session.h"
#include "util/strings.h"

namespace genscope {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kPublishedEvents = 64;
constexpr std::size_t kPublishedAlarms = 100;

Result<std::shared_ptr<const Dataset>> load_shared(const std::string& spec) {
  auto data = load_dataset(spec);
  if (!data) return Error{data.error()};
  return std::shared_ptr<const Dataset>(std::make_shared<Dataset>(std::move(*data)));
}

// The threads LibTorch gets: the threads parameter, or when it is 0 the family's choice.
int torch_threads(const Params& params) {
  const int n = params.integer(ParamId::kThreads);
  return n > 0 ? n : family_info(params).default_threads;
}

// The settings of a run's outputs, not its training (where files go, what is measured and how
// often): `--resume x.ckpt --eval-every 0` evaluates nothing, whatever the checkpoint had.
constexpr ParamId kRunFileSettings[] = {ParamId::kCheckpointPath, ParamId::kCheckpointEvery,
                                        ParamId::kRunsDir,        ParamId::kEvalEvery,
                                        ParamId::kEvalSamples,    ParamId::kHistEvery};

// True when `session` gets quality metrics: an image model on labelled data, eval_every > 0.
bool quality_wanted(const TrainingSession& session) {
  return session.data() && session.params().integer(ParamId::kEvalEvery) > 0 &&
         QualityMetrics::supported(*session.data());
}

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

const char* level_prefix(MessageLevel level) {
  switch (level) {
    case MessageLevel::kWarning:
      return "warning: ";
    case MessageLevel::kError:
      return "error: ";
    default:
      return "";
  }
}

std::string local_time_text() {
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  localtime_r(&now, &t);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &t);
  return text;
}

}  // namespace

struct Run::Impl {
  RunOptions options;
  Params requested;  // every accepted edit, applied or pending
  std::unique_ptr<TrainingSession> session;
  RunDirectory dir;
  std::string file_error;
  bool stop_requested = false;
  RuntimeInfo runtime;
  MessageLevel idle_level = MessageLevel::kNone;  // messages while there is no session
  std::string idle_message;
  std::vector<Point2> custom_points;  // the 2D lab's painted points

  // The run's history: kept across resets and loads, written to events.log when settled.
  EventLog events;
  std::ofstream events_file;
  uint64_t written_id = 0, written_revision = 0;
  Clock::time_point newest_added{};

  // Quality: one worker per labelled dataset while eval_every > 0.
  std::unique_ptr<QualityWorker> quality;
  bool eval_pending = false;  // an evaluation came due while the worker was busy or preparing
  QualityView quality_view;   // the worker's view as last read
  std::size_t quality_seen = 0;  // evaluations of quality_view.history already handled
  bool quality_announced = false;
  std::deque<int64_t> awaiting;  // steps submitted for evaluation, results not in yet

  // metrics.csv: rows wait here while an evaluation of their step (or an earlier one) runs.
  std::optional<MetricsCsvWriter> csv;
  int quality_column = -1;  // index of fid in a row, -1 without quality columns
  std::deque<MetricRow> held;

  AlarmMonitor alarms;

  explicit Impl(RunOptions o) : options(std::move(o)), requested(options.params) {}

  int64_t step() const { return session ? session->step_count() : 0; }

  void message(MessageLevel level, std::string text) {
    if (session) return session->set_message(level, std::move(text));
    if (level != MessageLevel::kNone && !text.empty()) add_event(RunEvent::message(level, text, 0));
    idle_level = level;
    idle_message = std::move(text);
  }

  void input_error(std::string text) {
    if (session) return session->set_input_error(std::move(text));
    message(MessageLevel::kError, std::move(text));
  }

  void note_file_error(const std::string& error) {
    if (file_error.empty()) file_error = error;
    message(MessageLevel::kError, error);
  }

  // ---- history -------------------------------------------------------------------------------

  void add_event(RunEvent e) {
    // Headless prints the alarms and what they did, and the metric classifier's numbers (errors
    // come back as the run's result: printing them here would say them twice).
    const bool worth_printing = e.level == MessageLevel::kWarning ||
                                e.text.rfind("alarm", 0) == 0 ||
                                e.text.rfind("metric classifier", 0) == 0;
    if (options.headless && worth_printing) {
      std::fprintf(stderr, "genscope: %s%s\n", level_prefix(e.level), event_line(e).c_str());
    }
    events.add(std::move(e));
    newest_added = Clock::now();
  }

  void collect_events() {
    if (!session) return;
    std::vector<RunEvent> lines;
    session->take_events(lines);
    for (RunEvent& e : lines) add_event(std::move(e));
  }

  // Writes the lines that can no longer change to events.log (an edit can merge with the next
  // edit of its parameter for EventLog::kMergeSeconds); all of them with `all`.
  void write_events(bool all) {
    collect_events();
    if (!events_file.is_open()) return;
    const auto& lines = events.events();
    const bool newest_settled =
        all || Clock::now() - newest_added > std::chrono::duration<double>(EventLog::kMergeSeconds);
    bool wrote = false;
    // Ids are consecutive: start at the newest line written.
    std::size_t first = 0;
    if (!lines.empty() && written_id >= lines.front().id) {
      first = std::min<std::size_t>(lines.size() - 1, written_id - lines.front().id);
    }
    for (std::size_t i = first; i < lines.size(); ++i) {
      const RunEvent& e = lines[i];
      const bool newest = i + 1 == lines.size();
      if (e.id < written_id || (e.id == written_id && e.revision <= written_revision)) continue;
      if (newest && e.param != ParamId::kCount && !newest_settled) break;
      events_file << local_time_text() << "  " << level_prefix(e.level) << event_line(e) << "\n";
      written_id = e.id;
      written_revision = e.revision;
      wrote = true;
    }
    if (wrote) events_file.flush();
  }

  // ---- the run directory ---------------------------------------------------------------------

  // Opens the run's files in `path`: config.cfg (rewritten), events.log (appended to) and
  // metrics.csv, which a run that `continues` one from a checkpoint appends to; a new run
  // starts it afresh.
  void open_files(const std::string& path, bool continues = false) {
    close_files();
    dir = RunDirectory(path);
    if (auto s = dir.create(); !s) return note_file_error(s.error());
    const Params& in_force = session ? session->params() : requested;
    if (auto s = write_file_atomic(dir.config(), to_config_text(in_force)); !s) {
      return note_file_error("config.cfg: " + s.error());
    }
    events_file.open(dir.events(), std::ios::app);
    if (!events_file) note_file_error(dir.events() + ": cannot write");
    if (!session) return;
    MetricSchema columns = session->metric_names();
    quality_column = -1;
    if (quality_wanted(*session)) {
      quality_column = int(columns.size());
      columns.insert(columns.end(), quality_columns().begin(), quality_columns().end());
    }
    auto opened = MetricsCsvWriter::open(dir.metrics(), columns, continues);
    if (!opened) {
      // A run of another model in this folder: this one gets a folder of its own.
      std::error_code ec;
      if (!options.out.empty() || !std::filesystem::exists(dir.metrics(), ec)) {
        return note_file_error(opened.error());
      }
      return open_files(RunDirectory::choose(requested, "", "", std::time(nullptr)), continues);
    }
    csv.emplace(std::move(*opened));
  }

  void close_files() {
    flush_rows(true);
    if (csv) {
      if (auto s = csv->close(); !s) note_file_error(s.error());
      csv.reset();
    }
    write_events(true);
    if (events_file.is_open()) events_file.close();
  }

  // A reset is a new run: a new folder (the same one when nothing was trained in it yet).
  void start_new_run_files(int64_t steps_trained) {
    if (steps_trained == 0 && !dir.empty()) return open_files(dir.path());
    if (dir.empty() && !options.dir.empty()) return open_files(options.dir);
    std::string next;
    if (!options.out.empty()) {
      next = options.out;
      for (int n = 2; std::filesystem::exists(next); ++n) next = options.out + "-" + std::to_string(n);
    } else {
      next = RunDirectory::choose(requested, "", "", std::time(nullptr));
    }
    if (!dir.empty() && events_file.is_open()) {
      add_event(RunEvent::message(MessageLevel::kInfo, "reset: the new run is in " + next,
                                  steps_trained));
    }
    open_files(next);
  }

  // ---- metrics.csv ---------------------------------------------------------------------------

  void hold_row(MetricRow row) {
    if (!csv) return;
    if (quality_column >= 0) {
      row.count = std::min(row.count, quality_column);
      for (std::size_t i = 0; i < quality_columns().size(); ++i) row.push(NAN, false);
    }
    held.push_back(row);
    flush_rows(false);
  }

  // Writes the rows no evaluation still has to fill in (every row with `all`).
  void flush_rows(bool all) {
    while (!held.empty() && (all || awaiting.empty() || held.front().step < awaiting.front())) {
      if (csv) {
        if (auto s = csv->write(held.front()); !s) note_file_error(s.error());
      }
      held.pop_front();
    }
    if (all) awaiting.clear();
  }

  // ---- quality -------------------------------------------------------------------------------

  void sync_quality(bool new_run) {
    if (!session || !quality_wanted(*session)) {
      quality.reset();
      eval_pending = false;
      awaiting.clear();
      return;
    }
    if (!quality || quality->data() != session->data()) {
      quality =
          std::make_unique<QualityWorker>(session->data(), session->device(), default_cache_dir());
      quality_view = QualityView{};
      quality_seen = 0;
      quality_announced = false;
    } else if (new_run) {
      quality->new_run();
    }
    if (new_run) {
      eval_pending = false;
      awaiting.clear();
      quality_seen = 0;
    }
  }

  // Offers the worker a copy of the model when an evaluation is due (or was, while it was busy).
  // Headless, training waits for the worker, so evaluations happen at exactly their steps.
  void offer_evaluation(bool non_finite) {
    if (!quality || !session) return;
    if (non_finite) {
      eval_pending = false;  // nothing to score in a diverged model (the NaN alarm paused it)
      return;
    }
    const int every = session->params().integer(ParamId::kEvalEvery);
    if (every > 0 && step() > 0 && step() % every == 0) eval_pending = true;
    if (!eval_pending) return;
    if (options.headless && !quality->wait_until_accepting()) {
      eval_pending = false;
      return;
    }
    if (!quality->accepting()) return;
    const int n = session->params().integer(ParamId::kEvalSamples);
    if (quality->submit(session->model_copy(), step(), n)) {
      eval_pending = false;
      awaiting.push_back(step());
    }
  }

  // Takes the worker's new evaluations: into their rows of metrics.csv and the alarms.
  void take_quality_results() {
    if (!quality) return;
    quality->fill(quality_view);
    if (quality_view.state == QualityState::kFailed) awaiting.clear();
    if (quality_view.state == QualityState::kReady && !quality_announced) {
      quality_announced = true;
      std::string text = strformat("metric classifier ready: %.2f %% on the test split (%s %s)",
                                   quality_view.classifier_accuracy * 100.0,
                                   quality_view.classifier_cached ? "loaded from" : "cached in",
                                   quality_view.cache_path.c_str());
      if (std::isfinite(quality_view.fid_floor)) {
        text += strformat("; FID floor %.3f, IS %.3f", quality_view.fid_floor, quality_view.is_real);
      }
      message(MessageLevel::kInfo, text);
    }
    if (quality_view.history.size() < quality_seen) quality_seen = 0;  // a new run
    for (; quality_seen < quality_view.history.size(); ++quality_seen) {
      const QualityPoint& q = quality_view.history[quality_seen];
      alarms.add_class_entropy(q.step, q.class_entropy, quality_view.entropy_max);
      for (MetricRow& row : held) {
        if (row.step != q.step || quality_column < 0) continue;
        const double values[] = {q.fid, q.is_score, q.class_entropy};
        for (int k = 0; k < 3 && quality_column + k < row.count; ++k) {
          row.values[quality_column + k] = static_cast<float>(values[k]);
          row.unmeasured &= ~(1u << (quality_column + k));
        }
      }
      while (!awaiting.empty() && awaiting.front() <= q.step) awaiting.pop_front();
    }
    flush_rows(false);
  }

  // ---- alarms and checkpoints ----------------------------------------------------------------

  void watch_alarms(const MetricRow& row) {
    session->family().watch(alarms, row);
    take_quality_results();
    for (const AlarmEvent& e : alarms.take_new()) {
      add_event(RunEvent::message(
          MessageLevel::kWarning, std::string("alarm: ") + alarm_name(e.kind) + ": " + e.text,
          e.step));
      if (alarm_saves_checkpoint(e) && !session->diverged()) {
        save_to(dir.alarm_checkpoint(step()), "alarm: saved checkpoint ");
      }
    }
  }

  bool save_to(const std::string& path, const std::string& what) {
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    Status s = save_checkpoint(*session, path);
    if (!s) {
      note_file_error(s.error());
      return false;
    }
    session->set_message(MessageLevel::kInfo,
                         strformat("%s%s (step %lld)", what.c_str(), path.c_str(),
                                   static_cast<long long>(step())));
    return true;
  }

  void periodic_checkpoint() {
    const int every = session->params().integer(ParamId::kCheckpointEvery);
    if (every <= 0 || step() % every != 0 || session->diverged()) return;
    save_to(dir.checkpoint(session->params(), step()), "saved checkpoint ");
  }

  // ---- sessions ------------------------------------------------------------------------------

  void load_checkpoint(const std::string& path, bool rollback);
  void build_session();
  void handle(const Command& c);
  void handle_files(const Command& c);
  bool handle_paint(const Command& c);
  void fill(Snapshot& s, bool with_images);
};

void Run::Impl::load_checkpoint(const std::string& path, bool rollback) {
  message(MessageLevel::kInfo, "loading checkpoint " + path);
  if (options.on_busy) options.on_busy();
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
  const bool was_paused = session ? session->paused() : !options.headless;  // the window: look first
  const Params keep = requested;
  collect_events();
  session = std::move(*loaded);
  for (ParamId id : kRunFileSettings) session->apply(Command::set(id, keep.value(id)));
  requested = session->pending();
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
  session->set_message(MessageLevel::kInfo,
                       strformat(rollback ? "rolled back to step %2$lld (%1$s)"
                                          : "resumed %s at step %lld",
                                 path.c_str(), static_cast<long long>(step())));
}

void Run::Impl::build_session() {
  const std::string& spec = requested.text(ParamId::kDataset);
  std::shared_ptr<const Dataset> data;
  if (!family_info(requested).uses_dataset) {
    // The 2D lab samples its distributions.
  } else if (session && session->params().text(ParamId::kDataset) == spec) {
    data = session->data();
  } else {
    message(MessageLevel::kInfo, "loading dataset " + spec);
    if (options.on_busy) options.on_busy();
    auto loaded = load_shared(spec);
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
  const bool was_paused = session && session->paused();
  const int64_t steps_trained = step();
  collect_events();
  session = std::move(*created);
  if (was_paused) session->apply(Command::of(Command::Kind::kPause));
  alarms.reset_run();
  start_new_run_files(dir.empty() ? 0 : steps_trained);
  session->set_message(
      MessageLevel::kInfo,
      session->family().description(session->params()) + " (run directory " + dir.path() + ")");
}

void Run::Impl::handle_files(const Command& c) {
  if (c.kind == Command::Kind::kSaveCheckpoint) {
    if (!session) return message(MessageLevel::kError, "nothing to save yet");
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
      set_torch_threads(torch_threads(requested));
      runtime = runtime_info();
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

void Run::Impl::fill(Snapshot& s, bool with_images) {
  collect_events();
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
    return;
  }
  try {
    session->fill_snapshot(s, with_images);
    if (quality) {
      quality->fill(s.quality);
    } else {
      s.quality = quality_off(session.get());
    }
  } catch (const std::exception& e) {
    session->set_message(MessageLevel::kError, std::string("drawing samples failed: ") + e.what());
  }
}

Run::Run(RunOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Run::~Run() {
  impl_->quality.reset();  // joins the worker before the session it scores goes
  impl_->close_files();
}

Status Run::start() {
  Impl& r = *impl_;
  set_torch_threads(torch_threads(r.requested));
  r.runtime = runtime_info();
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

TickOutcome Run::tick() {
  Impl& r = *impl_;
  TickOutcome out;
  if (!r.session || !r.session->wants_step()) {
    r.take_quality_results();
    r.write_events(false);
    return out;
  }
  try {
    StepOutcome step = r.session->step();
    out.stepped = step.stepped;
    out.non_finite = step.non_finite;
    out.row = step.row;
    if (step.stepped) {
      r.offer_evaluation(step.non_finite);
      r.watch_alarms(step.row);
      r.periodic_checkpoint();
      r.hold_row(step.row);
    }
  } catch (const std::exception& e) {
    r.session->apply(Command::of(Command::Kind::kPause));
    r.session->set_message(MessageLevel::kError, std::string("training step failed: ") + e.what());
  }
  r.write_events(false);
  return out;
}

void Run::fill(Snapshot& out, bool with_images) { impl_->fill(out, with_images); }

Status Run::finish() {
  Impl& r = *impl_;
  if (r.quality && r.options.headless && !r.awaiting.empty()) {
    r.quality->wait_until_idle();
    r.take_quality_results();
  }
  if (r.session && !r.dir.empty()) {
    ImageRGBA grid;
    r.session->render_samples(grid);
    const std::string image = r.dir.file(samples_file());
    if (auto s = write_png_rgba(image, grid.width, grid.height, grid.pixels.data(), grid.width * 4);
        !s) {
      r.note_file_error(s.error());
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

bool Run::has_session() const { return impl_->session != nullptr; }

const RunDirectory& Run::dir() const { return impl_->dir; }

const std::string& Run::file_error() const { return impl_->file_error; }

std::string Run::samples_file() const {
  return impl_->session ? impl_->session->family().samples_file() : "samples.png";
}

}  // namespace genscope
