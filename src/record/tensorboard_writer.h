#pragma once
// TensorBoard event files: a run directory's events.out.tfevents.<time>.<host>, which
// `tensorboard --logdir runs` reads. Every metric column as a scalar, the sample grid as an
// image, the layer histograms as histograms. TFRecord framing (record/tfrecord.h) around Event
// protocol buffers (record/proto/tensorboard_event.proto). No torch, no GL.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/layer_histograms.h"
#include "core/metric_row.h"
#include "util/c_file.h"
#include "util/image.h"
#include "util/result.h"

namespace genscope {

/// The serialized Event of a file's first record: file_version "brain.Event:2".
std::string tb_version_event(double wall_time);
/// The serialized Event of one step's measured, named values as scalars (tags are the column
/// names; a value not measured at the step is left out). Empty when nothing was measured.
std::string tb_scalar_event(int64_t step, double wall_time, const MetricSchema& names,
                            const MetricRow& row);
/// The serialized Event of an image (encoded as PNG, colorspace RGBA); empty if it cannot be.
std::string tb_image_event(const std::string& tag, int64_t step, double wall_time,
                           const ImageRGBA& image);
/// Reads an image back: true when serialized Event `event` holds an image tagged `tag`, whose
/// step and encoded bytes (PNG) it then gives.
bool tb_event_image(const std::string& event, const std::string& tag, int64_t& step,
                    std::string& png);
/// The serialized Event of layer histograms, one value per layer, tag "hist/<layer name>",
/// buckets at the layer's equal bins (counts = share × count).
std::string tb_histogram_event(int64_t step, double wall_time,
                               const std::vector<LayerHistogram>& layers);

/// The name TensorBoard looks for: events.out.tfevents.<unix seconds>.<host>.
std::string tb_file_name(double wall_time, const std::string& host);
/// This machine's host name, for tb_file_name ("localhost" if it has none).
std::string host_name();

/// Appends framed events to one event file.
class TensorBoardWriter {
 public:
  /// Creates `dir`/tb_file_name(wall_time, host_name()) and writes the version event. Errors
  /// name the path.
  static Result<TensorBoardWriter> open(const std::string& dir, double wall_time);
  /// Appends one serialized Event (ignores an empty one).
  Status write(const std::string& event);
  /// Makes what was written readable by TensorBoard now.
  Status flush();
  /// Flushes and closes; reports write errors (e.g. a full disk).
  Status close();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  CFile file_;
};

}  // namespace genscope
