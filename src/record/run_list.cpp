#include "record/run_list.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "record/tensorboard_writer.h"
#include "record/tfrecord.h"
#include "util/strings.h"

namespace genscope {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxParents = 8;
constexpr const char* kTagsFile = "tags.txt";
constexpr const char* kTrash = ".trash";

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read: " + std::strerror(errno)};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The cells of one CSV line (no quoting: metrics.csv has none).
void split_cells(std::string_view line, std::vector<std::string_view>& cells) {
  cells.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    cells.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

// Adds the rows of `body` (complete lines) to `out`, whose columns the header named.
void parse_rows(std::string_view body, RunCurves& out) {
  std::vector<std::string_view> cells;
  const std::size_t columns = out.columns.size();
  while (!body.empty()) {
    const std::size_t end = body.find('\n');
    if (end == std::string_view::npos) break;  // a row still being written
    std::string_view line = body.substr(0, end);
    body.remove_prefix(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    split_cells(line, cells);
    if (cells.size() != columns + 3) continue;
    const auto step = parse_double(cells[0]);
    const auto wall = parse_double(cells[2]);
    if (!step || !wall) continue;
    for (std::size_t c = 0; c < columns; ++c) {
      const std::string_view cell = trim(cells[c + 3]);
      if (cell.empty()) continue;  // not measured at this step
      const auto v = lower_case(std::string(cell)) == "nan" ? std::optional<double>(NAN)
                                                            : parse_double(cell);
      if (!v) continue;
      RunCurve& curve = out.columns[c];
      curve.step.push_back(*step);
      curve.wall.push_back(*wall);
      curve.value.push_back(static_cast<float>(*v));
    }
    out.last_step = static_cast<int64_t>(*step);
    out.last_wall = *wall;
  }
}

// The header line's metric columns, or an error.
Result<RunCurves> parse_header(std::string_view header, const std::string& what) {
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  std::vector<std::string_view> cells;
  split_cells(header, cells);
  if (cells.size() < 3 || cells[0] != "step" || cells[2] != "wall_s") {
    return Error{what + ": not a metrics.csv (its header is '" + std::string(header) + "')"};
  }
  RunCurves out;
  for (std::size_t c = 3; c < cells.size(); ++c) out.columns.push_back({std::string(cells[c])});
  return out;
}

int64_t mtime_seconds(const fs::path& p) {
  std::error_code ec;
  const auto t = fs::last_write_time(p, ec);
  if (ec) return 0;
  const auto since = t.time_since_epoch() - fs::file_time_type::clock::now().time_since_epoch();
  return static_cast<int64_t>(std::time(nullptr) +
                              std::chrono::duration_cast<std::chrono::seconds>(since).count());
}

bool valid_name(const std::string& name, std::string& why) {
  if (trim(name).empty()) {
    why = "a run's name cannot be empty";
  } else if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos) {
    why = "'" + name + "': a run's name cannot hold a path separator";
  } else if (name.front() == '.') {
    why = "'" + name + "': a run's name cannot start with a dot";
  } else {
    return true;
  }
  return false;
}

}  // namespace

const RunCurve* RunCurves::find(const std::string& name) const {
  for (const RunCurve& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Result<RunCurves> parse_metrics_csv(const std::string& text, const std::string& what) {
  const std::size_t end = text.find('\n');
  auto out = parse_header(std::string_view(text).substr(0, end), what);
  if (!out) return out;
  if (end != std::string::npos) parse_rows(std::string_view(text).substr(end + 1), *out);
  return out;
}

Result<RunCurves> read_metrics_csv(const std::string& path) {
  auto text = read_text(path);
  if (!text) return Error{text.error()};
  return parse_metrics_csv(*text, path);
}

Result<RunCurves> read_metrics_tail(const std::string& path, std::size_t tail_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read: " + std::strerror(errno)};
  std::string header;
  std::getline(in, header);
  auto out = parse_header(header, path);
  if (!out) return out;
  const std::streamoff body = in.tellg();
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (body < 0 || size <= body) return out;
  const std::streamoff from = std::max<std::streamoff>(body, size - std::streamoff(tail_bytes));
  std::string chunk(static_cast<std::size_t>(size - from), '\0');
  in.seekg(from);
  in.read(chunk.data(), std::streamsize(chunk.size()));
  std::string_view rows(chunk);
  if (from > body) {  // began inside a row: start at the next one
    const std::size_t next = rows.find('\n');
    rows = next == std::string_view::npos ? std::string_view() : rows.substr(next + 1);
  }
  parse_rows(rows, *out);
  return out;
}

RunCurves chain_curves(const RunCurves& parent, int64_t fork_step, const RunCurves& branch) {
  RunCurves out = branch;
  double parent_wall = 0.0;  // the parent's clock at the fork
  for (const RunCurve& c : parent.columns) {
    for (std::size_t i = 0; i < c.step.size() && c.step[i] <= double(fork_step); ++i)
      parent_wall = std::max(parent_wall, c.wall[i]);
  }
  double first_wall = INFINITY;
  for (const RunCurve& c : branch.columns) {
    if (!c.wall.empty()) first_wall = std::min(first_wall, c.wall.front());
  }
  const double shift = first_wall < parent_wall ? parent_wall : 0.0;
  for (RunCurve& c : out.columns) {
    RunCurve joined{c.name};
    if (const RunCurve* p = parent.find(c.name)) {
      for (std::size_t i = 0; i < p->step.size() && p->step[i] <= double(fork_step); ++i) {
        joined.step.push_back(p->step[i]);
        joined.wall.push_back(p->wall[i]);
        joined.value.push_back(p->value[i]);
      }
    }
    for (std::size_t i = 0; i < c.step.size(); ++i) {
      if (c.step[i] <= double(fork_step) && !joined.step.empty()) continue;
      joined.step.push_back(c.step[i]);
      joined.wall.push_back(c.wall[i] + shift);
      joined.value.push_back(c.value[i]);
    }
    c = std::move(joined);
  }
  if (out.last_step < 0) out.last_step = fork_step, out.last_wall = parent_wall;
  else out.last_wall += shift;
  return out;
}

bool split_parent(const std::string& parent, std::string& dir, int64_t& step) {
  const std::size_t at = parent.rfind('@');
  if (at == std::string::npos || at == 0) return false;
  const auto n = parse_integer(std::string_view(parent).substr(at + 1));
  if (!n || *n < 0) return false;
  dir = parent.substr(0, at);
  step = *n;
  return true;
}

Result<RunCurves> read_run_curves(const std::string& dir) {
  auto curves = read_metrics_csv((fs::path(dir) / "metrics.csv").string());
  if (!curves) return curves;
  std::string at = dir;
  for (int depth = 0; depth < kMaxParents; ++depth) {
    auto config = read_text((fs::path(at) / "config.cfg").string());
    if (!config) break;
    std::string parent_dir;
    int64_t step = 0;
    if (!split_parent(config_parent(*config), parent_dir, step)) break;
    auto parent = read_metrics_csv((fs::path(parent_dir) / "metrics.csv").string());
    if (!parent) break;  // the parent was moved or deleted: the branch alone
    *curves = chain_curves(*parent, step, *curves);
    at = parent_dir;
  }
  return curves;
}

std::vector<std::pair<std::string, float>> main_metrics(const RunCurves& tail) {
  // Losses first (what a glance at a run looks for), then the other columns in the file's order.
  static const char* const kFirst[] = {"loss_d", "loss_g", "recon", "kl", "val_bpc", "train_bpc",
                                       "fid"};
  std::vector<const RunCurve*> order;
  for (const char* name : kFirst) {
    if (const RunCurve* c = tail.find(name)) order.push_back(c);
  }
  for (const RunCurve& c : tail.columns) {
    if (c.name != "lr_scale" && std::find(order.begin(), order.end(), &c) == order.end())
      order.push_back(&c);
  }
  std::vector<std::pair<std::string, float>> out;
  for (const RunCurve* c : order) {
    if (out.size() >= 4) break;
    if (!c->value.empty()) out.emplace_back(c->name, c->value.back());
  }
  return out;
}

Result<RunSummary> read_run_summary(const std::string& dir) {
  const fs::path root(dir);
  const std::string config_path = (root / "config.cfg").string();
  auto config = read_text(config_path);
  if (!config) return Error{config.error()};
  RunSummary s;
  s.path = dir;
  s.name = root.filename().string();
  if (s.name.empty()) s.name = root.parent_path().filename().string();
  if (auto st = parse_config_text(*config, config_path, s.params); !st) return Error{st.error()};
  s.model = s.params.to_string(ParamId::kModel);
  s.dataset = fs::path(s.params.to_string(ParamId::kDataset)).filename().string();
  s.parent = config_parent(*config);
  s.started = static_cast<std::time_t>(mtime_seconds(config_path));
  s.tags = read_tags(dir);
  const std::string metrics = (root / "metrics.csv").string();
  if (fs::exists(metrics)) {
    auto tail = read_metrics_tail(metrics);
    if (!tail) return Error{tail.error()};
    s.steps = tail->last_step;
    s.wall_s = tail->last_wall;
    s.last = main_metrics(*tail);
  }
  return s;
}

std::vector<RunSummary> list_runs(const std::string& runs_dir, std::vector<std::string>* errors) {
  std::vector<RunSummary> out;
  std::error_code ec;
  fs::directory_iterator it(runs_dir, ec), end;
  if (ec) {
    if (errors && fs::exists(runs_dir)) errors->push_back(runs_dir + ": " + ec.message());
    return out;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    const fs::path p = it->path();
    if (!it->is_directory(ec) || p.filename().string().front() == '.') continue;
    if (!fs::exists(p / "config.cfg", ec)) continue;
    auto s = read_run_summary(p.string());
    if (s) {
      out.push_back(std::move(*s));
    } else if (errors) {
      errors->push_back(s.error());
    }
  }
  std::sort(out.begin(), out.end(), [](const RunSummary& a, const RunSummary& b) {
    return a.started != b.started ? a.started > b.started : a.name > b.name;
  });
  return out;
}

std::vector<ParamDiff> config_diff(const Params& run, const Params& other) {
  std::vector<ParamDiff> out;
  for (const ParamSpec& spec : param_table()) {
    if (!is_training_param(spec) || spec.id == ParamId::kRunsDir) continue;
    const std::string a = run.to_string(spec.id), b = other.to_string(spec.id);
    if (a != b) out.push_back({spec.key, a, b});
  }
  return out;
}

std::vector<std::string> parse_tags(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find_first_of(",\n", start);
    if (comma == std::string::npos) comma = text.size();
    const std::string tag(trim(std::string_view(text).substr(start, comma - start)));
    if (!tag.empty() && std::find(out.begin(), out.end(), tag) == out.end()) out.push_back(tag);
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> read_tags(const std::string& dir) {
  auto text = read_text((fs::path(dir) / kTagsFile).string());
  return text ? parse_tags(*text) : std::vector<std::string>{};
}

Status write_tags(const std::string& dir, const std::vector<std::string>& tags) {
  const std::string path = (fs::path(dir) / kTagsFile).string();
  std::error_code ec;
  if (tags.empty()) {
    fs::remove(path, ec);
    if (ec) return Error{path + ": cannot remove: " + ec.message()};
    return {};
  }
  std::ofstream out(path, std::ios::trunc);
  for (const std::string& t : tags) out << t << "\n";
  out.close();
  if (!out) return Error{path + ": cannot write: " + std::strerror(errno)};
  return {};
}

Result<std::string> rename_run(const std::string& dir, const std::string& name) {
  std::string why;
  if (!valid_name(name, why)) return Error{why};
  const fs::path from(dir);
  const fs::path to = from.parent_path() / std::string(trim(name));
  if (to == from) return to.string();
  std::error_code ec;
  if (fs::exists(to, ec)) return Error{to.string() + ": exists already; pick another name"};
  fs::rename(from, to, ec);
  if (ec) return Error{dir + ": cannot rename to " + to.string() + ": " + ec.message()};
  return to.string();
}

Result<std::string> trash_run(const std::string& dir) {
  const fs::path from(dir);
  const fs::path trash = from.parent_path() / kTrash;
  std::error_code ec;
  fs::create_directories(trash, ec);
  if (ec) return Error{trash.string() + ": cannot create: " + ec.message()};
  fs::path to = trash / from.filename();
  for (int n = 2; fs::exists(to, ec); ++n) to = trash / (from.filename().string() + "-" + std::to_string(n));
  fs::rename(from, to, ec);
  if (ec) return Error{dir + ": cannot move to " + to.string() + ": " + ec.message()};
  return to.string();
}

std::vector<RunImage> read_run_images(const std::string& dir, const std::string& tag) {
  std::vector<RunImage> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (file.rfind("events.out.tfevents.", 0) != 0) continue;
    auto bytes = read_text(it->path().string());
    if (!bytes) continue;
    // A damaged or cut file (a run still writing) still gives the images before the damage.
    std::vector<std::string> records;
    (void)tfrecord_read(*bytes, it->path().string(), records);
    for (const std::string& record : records) {
      int64_t step = 0;
      std::string png;
      if (tb_event_image(record, tag, step, png)) out.push_back({step, std::move(png)});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RunImage& a, const RunImage& b) { return a.step < b.step; });
  return out;
}

int image_at_step(const std::vector<RunImage>& images, int64_t step) {
  if (images.empty()) return -1;
  const auto after = std::upper_bound(images.begin(), images.end(), step,
                                      [](int64_t s, const RunImage& i) { return s < i.step; });
  return after == images.begin() ? 0 : static_cast<int>(after - images.begin()) - 1;
}

}  // namespace genscope
