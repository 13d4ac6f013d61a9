#include "record/metrics_csv.h"

#include <cerrno>
#include <cstring>

namespace genscope {

Result<MetricsCsvWriter> MetricsCsvWriter::open(const std::string& path, const MetricSchema& names) {
  MetricsCsvWriter w;
  w.path_ = path;
  w.file_.reset(std::fopen(path.c_str(), "w"));
  if (!w.file_) return Error{path + ": cannot write: " + std::strerror(errno)};
  std::fputs("step,epoch,wall_s", w.file_.get());
  for (const auto& n : names) std::fprintf(w.file_.get(), ",%s", n.c_str());
  std::fputc('\n', w.file_.get());
  return w;
}

Status MetricsCsvWriter::write(const MetricRow& row) {
  if (!file_) return Error{path_ + ": not open"};
  std::fprintf(file_.get(), "%lld,%lld,%.4f", static_cast<long long>(row.step),
               static_cast<long long>(row.epoch), row.wall_s);
  for (int i = 0; i < row.count; ++i) std::fprintf(file_.get(), ",%.6g", row.values[i]);
  // Flushed every row: a crash loses at most the row being written.
  if (std::fputc('\n', file_.get()) == EOF || std::fflush(file_.get()) != 0) {
    return Error{path_ + ": write failed: " + std::strerror(errno)};
  }
  return {};
}

Status MetricsCsvWriter::close() {
  if (!file_) return {};
  bool failed = std::fflush(file_.get()) != 0 || std::ferror(file_.get());
  int err = errno;
  failed = std::fclose(file_.release()) != 0 || failed;
  if (failed) return Error{path_ + ": write failed: " + std::strerror(err)};
  return {};
}

}  // namespace genscope
