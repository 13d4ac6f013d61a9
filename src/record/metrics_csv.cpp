#include "record/metrics_csv.h"

#include <cerrno>
#include <cmath>
#include <fstream>
#include <cstring>

namespace genscope {

Result<MetricsCsvWriter> MetricsCsvWriter::open(const std::string& path, const MetricSchema& names,
                                                bool append) {
  std::string header = "step,epoch,wall_s";
  for (const auto& n : names) header += "," + n;
  MetricsCsvWriter w;
  w.path_ = path;
  if (append) {
    std::ifstream in(path);
    std::string first;
    if (in && std::getline(in, first)) {
      if (first != header) {
        return Error{path + ": has the columns '" + first + "', this run writes '" + header + "'"};
      }
      w.file_.reset(std::fopen(path.c_str(), "a"));
      if (!w.file_) return Error{path + ": cannot write: " + std::strerror(errno)};
      return w;
    }
  }
  w.file_.reset(std::fopen(path.c_str(), "w"));
  if (!w.file_) return Error{path + ": cannot write: " + std::strerror(errno)};
  std::fprintf(w.file_.get(), "%s\n", header.c_str());
  if (std::fflush(w.file_.get()) != 0) return Error{path + ": write failed: " + std::strerror(errno)};
  return w;
}

Status MetricsCsvWriter::write(const MetricRow& row) {
  if (!file_) return Error{path_ + ": not open"};
  std::fprintf(file_.get(), "%lld,%lld,%.4f", static_cast<long long>(row.step),
               static_cast<long long>(row.epoch), row.wall_s);
  for (int i = 0; i < row.count; ++i) {
    if (!row.measured(i)) {
      std::fputc(',', file_.get());
    } else if (std::isnan(row.values[i])) {
      std::fputs(",nan", file_.get());
    } else {
      std::fprintf(file_.get(), ",%.9g", row.values[i]);  // a float, exactly
    }
  }
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
