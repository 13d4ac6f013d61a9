#include "core/run_dir.h"

#include <filesystem>
#include <system_error>

#include "util/strings.h"

namespace genscope {
namespace fs = std::filesystem;

namespace {

// Letters, digits, '.', '_' and '-'; anything else becomes '-'.
std::string file_name_part(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-';
    out += plain ? c : '-';
  }
  while (!out.empty() && (out.front() == '-' || out.front() == '.')) out.erase(out.begin());
  return out.empty() ? "data" : out;
}

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

}  // namespace

std::string RunDirectory::default_name(const Params& params, std::time_t start) {
  std::tm t{};
  localtime_r(&start, &t);
  char when[32];
  std::strftime(when, sizeof when, "%Y%m%d-%H%M%S", &t);
  const ModelFamily family = model_family(params);
  std::string model = family == ModelFamily::kToy ? "gan2d" : params.choice(ParamId::kModel);
  // A text dataset with no model chosen trains the default text model (its family settles it).
  if (family == ModelFamily::kText && !is_text_model(model)) model = kDefaultTextModel;
  // And a text model with no text dataset chosen trains on fortunes.
  const std::string dataset = params.text(ParamId::kDataset);
  fs::path data(family == ModelFamily::kText && !is_text_dataset(dataset) ? "fortunes" : dataset);
  while (!data.empty() && data.filename().empty()) data = data.parent_path();  // "dir/"
  return std::string(when) + "-" + model + "-" + file_name_part(data.filename().string());
}

std::string RunDirectory::of_checkpoint(const std::string& path) {
  if (path.empty()) return {};
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
  if (ec) return {};
  if (dir.filename() == "checkpoints") dir = dir.parent_path();
  if (!path_exists(dir / "config.cfg")) return {};
  return fs::relative(dir, fs::current_path(ec), ec).lexically_normal().string();
}

std::string RunDirectory::choose(const Params& params, const std::string& out,
                                 const std::string& resume, std::time_t start) {
  if (!out.empty()) return out;
  if (std::string dir = of_checkpoint(resume); !dir.empty()) return dir;
  const fs::path base = fs::path(params.text(ParamId::kRunsDir)) / default_name(params, start);
  fs::path path = base;
  for (int n = 2; path_exists(path); ++n) path = base.string() + "-" + std::to_string(n);
  return path.string();
}

Status RunDirectory::create() const {
  std::error_code ec;
  fs::create_directories(path_, ec);
  if (ec) return Error{"run directory " + path_ + ": cannot create: " + ec.message()};
  return {};
}

std::string RunDirectory::file(const std::string& name) const {
  if (name.empty() || fs::path(name).is_absolute() || path_.empty()) return name;
  return (fs::path(path_) / name).string();
}

std::string RunDirectory::output(const std::string& path) const {
  if (path.empty() || path_.empty() || path.find('/') != std::string::npos) return path;
  return file(path);
}

std::string RunDirectory::checkpoint(const Params& params, int64_t step) const {
  const std::string& set = params.text(ParamId::kCheckpointPath);
  if (!set.empty()) return output(set);
  return file(strformat("checkpoints/step-%lld.ckpt", static_cast<long long>(step)));
}

std::string RunDirectory::alarm_checkpoint(int64_t step) const {
  return file(strformat("checkpoints/alarm-step%lld.ckpt", static_cast<long long>(step)));
}

std::string RunDirectory::generator_export(int64_t step) const {
  return file(strformat("generator-step%lld.safetensors", static_cast<long long>(step)));
}

}  // namespace genscope
