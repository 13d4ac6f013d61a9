// Run: its history (events.log), its run directory and metrics.csv.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "record/checkpoint_file.h"
#include "train/generator_export.h"
#include "train/run_impl.h"
#include "util/strings.h"

namespace genscope {
namespace {

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

void Run::Impl::add_event(RunEvent e) {
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

void Run::Impl::report_failure(const std::string& what, const std::exception& e) {
  const std::string text = e.what();
  message(MessageLevel::kError, what + first_line(text));
  const auto newline = text.find('\n');
  if (newline == std::string::npos) return;
  write_events(true);  // the one-line message first, then its details under it
  if (!events_file.is_open()) return;
  std::string details = text.substr(newline + 1);
  for (std::size_t at = 0; (at = details.find('\n', at)) != std::string::npos; at += 3) {
    details.replace(at, 1, "\n   ");
  }
  events_file << "   details: " << details << "\n";
  events_file.flush();
}

void Run::Impl::collect_events() {
  if (!session) return;
  std::vector<RunEvent> lines;
  session->take_events(lines);
  for (RunEvent& e : lines) add_event(std::move(e));
}

void Run::Impl::write_events(bool all) {
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

void Run::Impl::append_family_text() {
  if (!session) return;
  std::string name;
  const std::string text = session->family().take_file_text(name);
  if (text.empty() || dir.empty()) return;
  std::ofstream file(dir.file(name), std::ios::app);
  file << text;
  file.flush();
  if (!file) note_file_error(dir.file(name) + ": cannot write");
}

void Run::Impl::open_files(const std::string& path, bool continues) {
  close_files();
  dir = RunDirectory(path);
  if (auto s = dir.create(); !s) return note_file_error(s.error());
  // A save killed half-way leaves NAME.tmp-PID behind: those of dead processes go.
  for (const std::string& folder : {dir.path(), dir.checkpoints()}) {
    if (const int n = remove_stale_temp_files(folder); n > 0) {
      add_event(RunEvent::message(
          MessageLevel::kInfo,
          strformat("removed %d unfinished file%s of a killed save in %s", n, n == 1 ? "" : "s",
                    folder.c_str()),
          session ? session->step_count() : 0));
    }
  }
  const Params& in_force = session ? session->params() : requested;
  // A branch keeps naming its parent when it is resumed or its settings change.
  std::string parent = options.parent;
  if (parent.empty() && continues) {
    if (auto old = read_file_bytes(dir.config())) parent = config_parent(*old);
  }
  std::string config = to_config_text(in_force);
  if (!parent.empty()) config = config_parent_line(parent) + config;
  if (auto s = write_file_atomic(dir.config(), config); !s) {
    return note_file_error("config.cfg: " + s.error());
  }
  events_file.open(dir.events(), std::ios::app);
  if (!events_file) note_file_error(dir.events() + ": cannot write");
  if (!session) return;
  MetricSchema columns = session->metric_names();
  // Quality columns whenever the data can be scored, measured or not (eval_every may be turned
  // on later, live): the same model on the same data always writes the same columns.
  quality_column = -1;
  if (session->data() && QualityMetrics::supported(*session->data())) {
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
  tb_columns = columns;
  sync_tensorboard();
}

void Run::Impl::close_files() {
  flush_rows(true);
  if (tb) {
    if (auto s = tb->close(); !s) note_file_error(s.error());
    tb.reset();
  }
  if (csv) {
    if (auto s = csv->close(); !s) note_file_error(s.error());
    csv.reset();
  }
  write_events(true);
  if (events_file.is_open()) events_file.close();
}

void Run::Impl::start_new_run_files(int64_t steps_trained) {
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

void Run::Impl::hold_row(MetricRow row) {
  if (!csv) return;
  if (quality_column >= 0) {
    row.count = std::min(row.count, quality_column);
    for (std::size_t i = 0; i < quality_columns().size(); ++i) row.push(NAN, false);
  }
  held.push_back(row);
  flush_rows(false);
}

void Run::Impl::flush_rows(bool all) {
  while (!held.empty() && (all || awaiting.empty() || held.front().step < awaiting.front())) {
    if (csv) {
      if (auto s = csv->write(held.front()); !s) note_file_error(s.error());
      tb_row(held.front());
    }
    held.pop_front();
  }
  if (all) awaiting.clear();
}

// Exports a copy of the model, so the live one's batch-norm statistics and RNG stay as they are.
Result<std::string> Run::Impl::export_generator(const std::string& requested) {
  const auto fail = [&](std::string why) -> Result<std::string> {
    message(MessageLevel::kError, "Export generator: " + why);
    return Error{std::move(why)};
  };
  if (!session) return fail("no model yet");
  if (session->diverged()) return fail("the run has diverged (NaN weights): roll back first");
  const std::string path = requested.empty() ? dir.generator_export(step()) : dir.output(requested);
  try {
    std::unique_ptr<Model> model = session->family().model_copy();
    if (!model) {
      return fail("the " + session->params().to_string(ParamId::kModel) +
                  " has no generator to export (image GANs, VAEs and AEs have)");
    }
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (Status s = genscope::export_generator(*model, session->params(), step(), path); !s) {
      return fail(s.error());
    }
  } catch (const std::exception& e) {
    return fail(first_line(e.what()));
  }
  const ExportPaths paths = export_paths(path);
  message(MessageLevel::kInfo, strformat("exported the generator to %s and %s (step %lld)",
                                         paths.weights.c_str(), paths.architecture.c_str(),
                                         static_cast<long long>(step())));
  return paths.weights;
}

}  // namespace genscope
