#pragma once
// metrics.csv: one row per training step (step, epoch, wall time, then the model's metrics). A
// value not measured at a step is an empty cell; "nan" only when a measured value was NaN.
#include <cstdio>
#include <memory>
#include <string>

#include "core/metric_row.h"
#include "util/c_file.h"
#include "util/result.h"

namespace genscope {

/// Streams metric rows to a CSV file; the file is complete after close() (or destruction).
class MetricsCsvWriter {
 public:
  /// Creates the file and writes the header. Errors name the path. With `append`, an existing
  /// file whose header is the same gets the new rows after its own (a resumed run); one with a
  /// different header is an error.
  static Result<MetricsCsvWriter> open(const std::string& path, const MetricSchema& names,
                                       bool append = false);
  /// Appends one row.
  Status write(const MetricRow& row);
  /// Flushes and closes; reports write errors (e.g. a full disk).
  Status close();

 private:
  std::string path_;
  CFile file_;
};

}  // namespace genscope
