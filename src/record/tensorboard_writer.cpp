#include "record/tensorboard_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "record/png.h"
#include "record/tfrecord.h"
#include "src/record/proto/tensorboard_event.pb.h"
#include "util/strings.h"

namespace genscope {
namespace {

tensorboard::Event event_at(int64_t step, double wall_time) {
  tensorboard::Event e;
  e.set_wall_time(wall_time);
  e.set_step(step);
  return e;
}

// A file name keeps to what every file system takes.
std::string safe_host(std::string host) {
  for (char& c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) c = '_';
  }
  return host.empty() ? "localhost" : host;
}

}  // namespace

std::string tb_version_event(double wall_time) {
  tensorboard::Event e = event_at(0, wall_time);
  e.set_file_version("brain.Event:2");
  return e.SerializeAsString();
}

std::string tb_scalar_event(int64_t step, double wall_time, const MetricSchema& names,
                            const MetricRow& row) {
  tensorboard::Event e = event_at(step, wall_time);
  tensorboard::Summary* summary = e.mutable_summary();
  const int n = std::min<int>(row.count, int(names.size()));
  for (int i = 0; i < n; ++i) {
    if (!row.measured(i)) continue;
    tensorboard::Summary::Value* v = summary->add_value();
    v->set_tag(names[i]);
    v->set_simple_value(row.values[i]);
  }
  return summary->value_size() > 0 ? e.SerializeAsString() : std::string();
}

std::string tb_image_event(const std::string& tag, int64_t step, double wall_time,
                           const ImageRGBA& image) {
  const std::vector<uint8_t> png =
      encode_png_rgba(image.width, image.height, image.pixels.data(), image.width * 4);
  if (png.empty()) return {};
  tensorboard::Event e = event_at(step, wall_time);
  tensorboard::Summary::Value* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  tensorboard::Summary::Image* im = v->mutable_image();
  im->set_height(image.height);
  im->set_width(image.width);
  im->set_colorspace(4);
  im->set_encoded_image_string(png.data(), png.size());
  return e.SerializeAsString();
}

bool tb_event_image(const std::string& event, const std::string& tag, int64_t& step,
                    std::string& png) {
  tensorboard::Event e;
  if (!e.ParseFromString(event) || !e.has_summary()) return false;
  for (const tensorboard::Summary::Value& v : e.summary().value()) {
    if (v.tag() != tag || !v.has_image()) continue;
    step = e.step();
    png = v.image().encoded_image_string();
    return true;
  }
  return false;
}

std::string tb_histogram_event(int64_t step, double wall_time,
                               const std::vector<LayerHistogram>& layers) {
  tensorboard::Event e = event_at(step, wall_time);
  tensorboard::Summary* summary = e.mutable_summary();
  for (const LayerHistogram& layer : layers) {
    if (layer.share.empty()) continue;
    tensorboard::Summary::Value* v = summary->add_value();
    v->set_tag("hist/" + layer.name);
    tensorboard::HistogramProto* h = v->mutable_histo();
    const double num = layer.count > 0 ? double(layer.count) : 1.0;
    h->set_min(layer.lo);
    h->set_max(layer.hi);
    h->set_num(num);
    h->set_sum(layer.sum);
    h->set_sum_squares(layer.sum_squares);
    const std::size_t bins = layer.share.size();
    const double width = (double(layer.hi) - double(layer.lo)) / double(bins);
    for (std::size_t i = 0; i < bins; ++i) {
      h->add_bucket_limit(i + 1 == bins ? double(layer.hi) : double(layer.lo) + width * double(i + 1));
      h->add_bucket(std::round(double(layer.share[i]) * num));
    }
  }
  return summary->value_size() > 0 ? e.SerializeAsString() : std::string();
}

std::string tb_file_name(double wall_time, const std::string& host) {
  return strformat("events.out.tfevents.%lld.%s", static_cast<long long>(wall_time),
                   safe_host(host).c_str());
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return safe_host(name);
}

Result<TensorBoardWriter> TensorBoardWriter::open(const std::string& dir, double wall_time) {
  TensorBoardWriter w;
  w.path_ = dir + "/" + tb_file_name(wall_time, host_name());
  w.file_.reset(std::fopen(w.path_.c_str(), "ab"));
  if (!w.file_) return Error{w.path_ + ": cannot create: " + std::strerror(errno)};
  if (auto s = w.write(tb_version_event(wall_time)); !s) return Error{s.error()};
  if (auto s = w.flush(); !s) return Error{s.error()};
  return w;
}

Status TensorBoardWriter::write(const std::string& event) {
  if (event.empty() || !file_) return {};
  const std::string record = tfrecord_frame(event);
  if (std::fwrite(record.data(), 1, record.size(), file_.get()) != record.size()) {
    return Error{path_ + ": cannot write: " + std::strerror(errno)};
  }
  return {};
}

Status TensorBoardWriter::flush() {
  if (file_ && std::fflush(file_.get()) != 0) {
    return Error{path_ + ": cannot write: " + std::strerror(errno)};
  }
  return {};
}

Status TensorBoardWriter::close() {
  if (!file_) return {};
  const bool failed = std::fflush(file_.get()) != 0 || std::ferror(file_.get());
  const int err = errno;
  file_.reset();
  if (failed) return Error{path_ + ": cannot write: " + std::strerror(err)};
  return {};
}

}  // namespace genscope
