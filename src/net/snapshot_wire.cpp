// The snapshot's sections: dispatch, the shared checks and conversions (snapshot_wire_detail.h)
// and the core section. The image and view sections are in snapshot_wire_views.cpp, the
// families' in snapshot_wire_families.cpp, rows and commands in snapshot_wire_rows.cpp.
#include "net/snapshot_wire.h"

#include <climits>
#include <cstdarg>
#include <cstdio>
#include <utility>

#include "net/snapshot_wire_detail.h"

namespace genscope::net {
namespace detail {

bool Checker::fail(const char* fmt, ...) {
  if (!error_.empty()) return false;
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  error_ = where_ + ": " + buf;
  return false;
}

bool Checker::size_is(const std::string& field, uint64_t n, uint64_t expected, const char* expr) {
  if (n == expected) return true;
  return fail("%s has %llu values, expected %s (%llu)", field.c_str(),
              static_cast<unsigned long long>(n), expr, static_cast<unsigned long long>(expected));
}

bool Checker::at_most(const std::string& field, uint64_t n, uint64_t cap) {
  if (n <= cap) return true;
  return fail("%s has %llu entries, at most %llu", field.c_str(),
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(cap));
}

bool Checker::in_range(const std::string& field, int64_t v, int64_t lo, int64_t hi) {
  if (v >= lo && v <= hi) return true;
  return fail("%s %lld is outside [%lld, %lld]", field.c_str(), static_cast<long long>(v),
              static_cast<long long>(lo), static_cast<long long>(hi));
}

Status Checker::status() const {
  if (error_.empty()) return {};
  return Error{error_};
}

bool parse(std::string_view bytes, google::protobuf::MessageLite& msg, Checker& c) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    return c.fail("%zu bytes, more than a message can have", bytes.size());
  }
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return c.fail("not a valid message (%zu bytes)", bytes.size());
  }
  return true;
}

void put_image(const ImageRGBA& image, wire::Image* out) {
  out->set_width(image.width);
  out->set_height(image.height);
  out->set_pixels(bytes_of(image.pixels));
}

ImageRGBA get_image(const wire::Image& in, const std::string& field, Checker& c) {
  ImageRGBA image;
  if (!c.in_range(field + " width", in.width(), 0, kMaxImageSide) ||
      !c.in_range(field + " height", in.height(), 0, kMaxImageSide)) {
    return image;
  }
  const uint64_t expected = uint64_t(in.width()) * uint64_t(in.height()) * 4;
  if (in.pixels().size() != expected) {
    c.fail("%s has %zu bytes, expected width*height*4 (%d*%d*4 = %llu)", field.c_str(),
           in.pixels().size(), in.width(), in.height(), static_cast<unsigned long long>(expected));
    return image;
  }
  image.width = in.width();
  image.height = in.height();
  image.pixels = u8_of(in.pixels());
  return image;
}

void put_points(const std::vector<Point2>& points, google::protobuf::RepeatedField<float>* out) {
  out->Reserve(static_cast<int>(2 * points.size()));
  for (const Point2& p : points) {
    out->AddAlreadyReserved(p.x);
    out->AddAlreadyReserved(p.y);
  }
}

std::vector<Point2> get_points(const google::protobuf::RepeatedField<float>& in,
                               const std::string& field, uint64_t cap, Checker& c) {
  const uint64_t n = static_cast<uint64_t>(in.size());
  if (n % 2 != 0) {
    c.fail("%s has %llu values, expected 2 per point", field.c_str(),
           static_cast<unsigned long long>(n));
    return {};
  }
  if (!c.at_most(field, n / 2, cap)) return {};
  std::vector<Point2> points(n / 2);
  for (std::size_t i = 0; i < points.size(); ++i) points[i] = {in[2 * i], in[2 * i + 1]};
  return points;
}

void put_box(const Box2& box, wire::Box* out) {
  out->set_min_x(box.min_x);
  out->set_min_y(box.min_y);
  out->set_max_x(box.max_x);
  out->set_max_y(box.max_y);
}

Box2 get_box(const wire::Box& in) { return {in.min_x(), in.min_y(), in.max_x(), in.max_y()}; }

void put_strings(const std::vector<std::string>& strings,
                 google::protobuf::RepeatedPtrField<std::string>* out) {
  out->Reserve(static_cast<int>(strings.size()));
  for (const std::string& s : strings) out->Add()->assign(s);
}

std::vector<std::string> get_strings(const google::protobuf::RepeatedPtrField<std::string>& in,
                                     const std::string& field, uint64_t cap, Checker& c) {
  if (!c.at_most(field, static_cast<uint64_t>(in.size()), cap)) return {};
  return {in.begin(), in.end()};
}

void put_ids(const std::vector<uint16_t>& ids, google::protobuf::RepeatedField<uint32_t>* out) {
  put_values(ids, out);
}

std::vector<uint16_t> get_ids(const google::protobuf::RepeatedField<uint32_t>& in,
                              const std::string& field, uint64_t cap, Checker& c) {
  if (!c.at_most(field, static_cast<uint64_t>(in.size()), cap)) return {};
  std::vector<uint16_t> ids(static_cast<std::size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    if (in[i] > 0xFFFF) {
      c.fail("%s[%d] %u is not a 16-bit id", field.c_str(), i, in[i]);
      return {};
    }
    ids[i] = static_cast<uint16_t>(in[i]);
  }
  return ids;
}

}  // namespace detail

namespace {

using namespace detail;

// Caps of the core section, generously above what a run publishes.
constexpr uint64_t kMaxEvents = 10000;  // Run publishes the newest 64 (EventLog keeps 1,000)
constexpr uint64_t kMaxAlarms = 1000;   // Run publishes at most 100
constexpr uint64_t kMaxForkRuns = kMaxForkBranches + 1;  // the first run and its branches
constexpr uint64_t kMaxScores = 1000000;  // d_real, d_fake: one per batch image (batch <= 1,024)
constexpr uint64_t kMaxTiles = 1000000;   // nearest_distance: one per sample-grid tile
constexpr uint64_t kMaxLayers = 100000;   // grads: one per layer
constexpr int kModelFamilies = static_cast<int>(ModelFamily::kText) + 1;
constexpr int kMessageLevels = static_cast<int>(MessageLevel::kError) + 1;

std::string where(Section s) { return std::string("snapshot section ") + section_name(s); }

void put_params(const Params& p, wire::Params* out) {
  for (const ParamSpec& spec : param_table()) {
    wire::ParamEntry* e = out->add_entries();
    e->set_key(spec.key);
    e->set_number(p.value(spec.id).number);
    e->set_text(p.value(spec.id).text);
    e->set_is_set(p.is_set(spec.id));
  }
  out->set_family(static_cast<int>(p.family()));
}

// A value for an error message (any number: format_param_value casts to integers).
std::string shown_value(const ParamSpec& spec, const ParamValue& v) {
  return spec.type == ParamType::kText ? v.text.substr(0, 64) : strformat("%g", v.number);
}

// Rebuilds Params from the defaults by setting (and so validating) the values that were set;
// the ones nobody set must then be the defaults they follow, exactly as sent.
Params get_params(const wire::Params& in, const std::string& field, Checker& c) {
  Params p;
  if (!c.size_is(field + " entries", uint64_t(in.entries_size()), kParamCount,
                 "one per parameter")) {
    return p;
  }
  for (int i = 0; i < kParamCount && c.ok(); ++i) {
    const ParamSpec& spec = param_table()[i];
    const wire::ParamEntry& e = in.entries(i);
    if (e.key() != spec.key) {
      c.fail("%s[%d] is '%s', expected '%s' (another parameter table)", field.c_str(), i,
             e.key().substr(0, 64).c_str(), spec.key);
    } else if (e.is_set()) {
      if (Status s = p.set(spec.id, ParamValue{e.number(), e.text()}); !s) {
        c.fail("%s: %s", field.c_str(), s.error().c_str());
      }
    }
  }
  for (int i = 0; i < kParamCount && c.ok(); ++i) {
    const ParamSpec& spec = param_table()[i];
    const wire::ParamEntry& e = in.entries(i);
    const ParamValue sent{e.number(), e.text()};
    if (p.value(spec.id) == sent) continue;
    const std::string held = shown_value(spec, p.value(spec.id));
    const std::string shown = shown_value(spec, sent);
    if (e.is_set()) {
      c.fail("%s: %s was set to '%s', which reads back as '%s'", field.c_str(), spec.key,
             shown.c_str(), held.c_str());
    } else {
      c.fail("%s: %s is not set, so it is its default '%s', not '%s'", field.c_str(), spec.key,
             held.c_str(), shown.c_str());
    }
  }
  const auto family = c.enum_of<ModelFamily>(field + " family", in.family(), kModelFamilies);
  if (c.ok() && family != p.family()) {
    c.fail("%s family %d is not the family its values make (%d)", field.c_str(), in.family(),
           static_cast<int>(p.family()));
  }
  return p;
}

void put_events(const Snapshot& s, wire::Core& m) {
  for (const RunEvent& e : s.events) {
    wire::RunEvent* w = m.add_events();
    w->set_id(e.id);
    w->set_revision(e.revision);
    w->set_step(e.step);
    w->set_wall_s(e.wall_s);
    w->set_level(static_cast<int>(e.level));
    w->set_text(e.text);
    w->set_param(static_cast<int>(e.param));
    w->set_from(e.from);
    w->set_to(e.to);
    w->set_waits_for_reset(e.waits_for_reset);
  }
  for (const AlarmEvent& a : s.alarms) {
    wire::AlarmEvent* w = m.add_alarms();
    w->set_kind(static_cast<int>(a.kind));
    w->set_step(a.step);
    w->set_text(a.text);
  }
  for (bool muted : s.alarm_muted) m.add_alarm_muted(muted);
}

void get_events(const wire::Core& m, Snapshot& s, Checker& c) {
  if (!c.at_most("events", uint64_t(m.events_size()), kMaxEvents) ||
      !c.at_most("alarms", uint64_t(m.alarms_size()), kMaxAlarms) ||
      !c.size_is("alarm_muted", uint64_t(m.alarm_muted_size()), kAlarmKinds, "one per kind")) {
    return;
  }
  for (int i = 0; i < m.events_size() && c.ok(); ++i) {
    const wire::RunEvent& w = m.events(i);
    RunEvent e;
    e.id = w.id();
    e.revision = w.revision();
    e.step = w.step();
    e.wall_s = w.wall_s();
    e.level = c.enum_of<MessageLevel>(item("events", i) + ".level", w.level(), kMessageLevels);
    e.text = w.text();
    e.param = c.enum_of<ParamId>(item("events", i) + ".param", w.param(), kParamCount + 1);
    e.from = w.from();
    e.to = w.to();
    e.waits_for_reset = w.waits_for_reset();
    s.events.push_back(std::move(e));
  }
  for (int i = 0; i < m.alarms_size() && c.ok(); ++i) {
    const wire::AlarmEvent& w = m.alarms(i);
    AlarmEvent a{c.enum_of<AlarmKind>(item("alarms", i) + ".kind", w.kind(), kAlarmKinds), w.step(),
                 w.text()};
    s.alarms.push_back(std::move(a));
  }
  for (int k = 0; k < kAlarmKinds; ++k) s.alarm_muted[k] = m.alarm_muted(k);
}

void put_runtime(const RuntimeInfo& r, wire::RuntimeInfo* w) {
  w->set_device(r.device);
  w->set_blas(r.blas);
  w->set_threads(r.threads);
  w->set_hardware_threads(r.hardware_threads);
  w->set_notes(r.notes);
  w->set_thread_reason(r.thread_reason);
  w->set_omp_wait(r.omp_wait);
  w->set_world(r.world);
  put_strings(r.ranks, w->mutable_ranks());
}

RuntimeInfo get_runtime(const wire::RuntimeInfo& w, Checker& c) {
  RuntimeInfo r;
  r.device = w.device();
  r.blas = w.blas();
  r.threads = w.threads();
  r.hardware_threads = w.hardware_threads();
  r.notes = w.notes();
  r.thread_reason = w.thread_reason();
  r.omp_wait = w.omp_wait();
  c.in_range("runtime.world", w.world(), 0, 4096);
  r.world = w.world();
  r.ranks = get_strings(w.ranks(), "runtime.ranks", 4096, c);  // one line per rank
  return r;
}

// The fork runs (without images), metric names, D scores, nearest distances and gradients.
void put_lists(const Snapshot& s, wire::Core& m) {
  put_strings(s.metric_names, m.mutable_metric_names());
  for (const ForkRun& f : s.fork) {
    wire::ForkRun* w = m.add_fork();
    w->set_dir(f.dir);
    w->set_edits(f.edits);
    w->set_parent(f.parent);
    w->set_step(f.step);
    w->set_training(f.training);
    w->set_message(f.message);
  }
  m.set_fork_shown(s.fork_shown);
  put_values(s.d_real, m.mutable_d_real());
  put_values(s.d_fake, m.mutable_d_fake());
  put_values(s.nearest_distance, m.mutable_nearest_distance());
  for (const LayerGrad& g : s.grads) {
    wire::LayerGrad* w = m.add_grads();
    w->set_name(g.name);
    w->set_norm(g.norm);
  }
}

void get_lists(const wire::Core& m, Snapshot& s, Checker& c) {
  s.metric_names = get_strings(m.metric_names(), "metric_names", MetricRow::kMaxValues, c);
  if (!c.at_most("fork", uint64_t(m.fork_size()), kMaxForkRuns)) return;
  for (const wire::ForkRun& w : m.fork()) {
    ForkRun f;
    f.dir = w.dir();
    f.edits = w.edits();
    f.parent = w.parent();
    f.step = w.step();
    f.training = w.training();
    f.message = w.message();
    s.fork.push_back(std::move(f));
  }
  c.in_range("fork_shown", m.fork_shown(), 0, kMaxForkBranches);
  s.fork_shown = m.fork_shown();
  s.d_real = get_values<float>(m.d_real(), "d_real", kMaxScores, c);
  s.d_fake = get_values<float>(m.d_fake(), "d_fake", kMaxScores, c);
  s.nearest_distance = get_values<float>(m.nearest_distance(), "nearest_distance", kMaxTiles, c);
  if (!c.at_most("grads", uint64_t(m.grads_size()), kMaxLayers)) return;
  for (const wire::LayerGrad& w : m.grads()) s.grads.push_back({w.name(), w.norm()});
}

std::string encode_core(const Snapshot& s) {
  wire::Core m;
  m.set_run_id(s.run_id);
  m.set_step(s.step);
  m.set_epoch(s.epoch);
  m.set_epoch_progress(s.epoch_progress);
  m.set_steps_per_sec(s.steps_per_sec);
  m.set_samples_per_sec(s.samples_per_sec);
  m.set_samples_hz(s.samples_hz);
  m.set_wall_s(s.wall_s);
  m.set_paused(s.paused);
  m.set_steps_left(s.steps_left);
  m.set_running(s.running);
  m.set_model_name(s.model_name);
  m.set_is_gan(s.is_gan);
  m.set_is_toy(s.is_toy);
  m.set_is_text(s.is_text);
  m.set_dataset_name(s.dataset_name);
  m.set_dataset_size(s.dataset_size);
  m.set_data_batches(s.data_batches);
  m.set_data_ready(s.data_ready);
  m.set_data_waited_s(s.data_waited_s);
  put_runtime(s.runtime, m.mutable_runtime());
  m.set_message_level(static_cast<int>(s.message_level));
  m.set_message(s.message);
  m.set_loading(s.loading);
  m.set_loading_progress(s.loading_progress);
  m.set_diverged(s.diverged);
  m.set_checkpoint_path(s.checkpoint_path);
  m.set_checkpoint_step(s.checkpoint_step);
  put_events(s, m);
  m.set_commands_done(s.commands_done);
  m.set_run_dir(s.run_dir);
  put_params(s.params, m.mutable_params());
  put_params(s.pending, m.mutable_pending());
  m.set_diversity(s.diversity);
  m.set_diversity_step(s.diversity_step);
  m.set_real_nearest(s.real_nearest);
  put_lists(s, m);
  return m.SerializeAsString();
}

void get_core_scalars(const wire::Core& m, Snapshot& s, Checker& c) {
  s.run_id = m.run_id();
  s.step = m.step();
  s.epoch = m.epoch();
  s.epoch_progress = m.epoch_progress();
  s.steps_per_sec = m.steps_per_sec();
  s.samples_per_sec = m.samples_per_sec();
  s.samples_hz = m.samples_hz();
  s.wall_s = m.wall_s();
  s.paused = m.paused();
  s.steps_left = m.steps_left();
  s.running = m.running();
  s.model_name = m.model_name();
  s.is_gan = m.is_gan();
  s.is_toy = m.is_toy();
  s.is_text = m.is_text();
  s.dataset_name = m.dataset_name();
  s.dataset_size = m.dataset_size();
  s.data_batches = m.data_batches();
  s.data_ready = m.data_ready();
  s.data_waited_s = m.data_waited_s();
  s.runtime = get_runtime(m.runtime(), c);
  s.message_level = c.enum_of<MessageLevel>("message_level", m.message_level(), kMessageLevels);
  s.message = m.message();
  s.loading = m.loading();
  s.loading_progress = m.loading_progress();
  s.diverged = m.diverged();
  s.checkpoint_path = m.checkpoint_path();
  s.checkpoint_step = m.checkpoint_step();
  s.commands_done = m.commands_done();
  s.run_dir = m.run_dir();
  s.diversity = m.diversity();
  s.diversity_step = m.diversity_step();
  s.real_nearest = m.real_nearest();
}

// Decodes into a fresh snapshot, then moves every field of the other sections (and the
// envelope's version) over from `snap`: a field added to Snapshot travels in kCore by default.
// A fork's runs keep their images by index (kForkSamples may arrive in either order).
Status decode_core(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kCore));
  wire::Core m;
  if (!parse(bytes, m, c)) return c.status();
  Snapshot s;
  get_core_scalars(m, s, c);
  get_events(m, s, c);
  s.params = get_params(m.params(), "params", c);
  s.pending = get_params(m.pending(), "pending", c);
  get_lists(m, s, c);
  if (!c.ok()) return c.status();
  s.version = snap.version;
  s.samples = std::move(snap.samples);
  s.samples_step = snap.samples_step;
  s.samples_version = snap.samples_version;
  s.real = std::move(snap.real);
  s.real_version = snap.real_version;
  s.nearest = std::move(snap.nearest);
  s.nearest_version = snap.nearest_version;
  s.nearest_step = snap.nearest_step;
  s.latent = std::move(snap.latent);
  s.toy = std::move(snap.toy);
  s.text = std::move(snap.text);
  s.quality = std::move(snap.quality);
  s.histograms = std::move(snap.histograms);
  for (std::size_t i = 0; i < s.fork.size() && i < snap.fork.size(); ++i) {
    s.fork[i].samples = std::move(snap.fork[i].samples);
    s.fork[i].samples_step = snap.fork[i].samples_step;
    s.fork[i].samples_version = snap.fork[i].samples_version;
  }
  snap = std::move(s);
  return {};
}

struct SectionCodec {
  const char* name;
  std::string (*encode)(const Snapshot&);
  Status (*decode)(std::string_view, Snapshot&);
};

// Indexed by Section.
constexpr SectionCodec kCodecs[] = {
    {"core", encode_core, decode_core},
    {"samples", encode_samples, decode_samples},
    {"real", encode_real, decode_real},
    {"nearest", encode_nearest, decode_nearest},
    {"latent", encode_latent, decode_latent},
    {"latent_map", encode_latent_map, decode_latent_map},
    {"latent_images", encode_latent_images, decode_latent_images},
    {"toy", encode_toy, decode_toy},
    {"text", encode_text, decode_text},
    {"quality", encode_quality, decode_quality},
    {"histograms", encode_histograms, decode_histograms},
    {"fork_samples", encode_fork_samples, decode_fork_samples},
};
static_assert(sizeof kCodecs / sizeof kCodecs[0] == static_cast<std::size_t>(Section::kCount),
              "one codec per section");

const SectionCodec* codec(Section section) {
  const int i = static_cast<int>(section);
  return i >= 0 && i < static_cast<int>(Section::kCount) ? &kCodecs[i] : nullptr;
}

}  // namespace

const char* section_name(Section section) {
  const SectionCodec* c = codec(section);
  return c ? c->name : "unknown";
}

std::string encode_section(const Snapshot& snap, Section section) {
  const SectionCodec* c = codec(section);
  return c ? c->encode(snap) : std::string();
}

Status decode_section(Section section, std::string_view bytes, Snapshot& snap) {
  const SectionCodec* c = codec(section);
  if (!c)
    return Error{strformat("snapshot section %d: no such section", static_cast<int>(section))};
  return c->decode(bytes, snap);
}

}  // namespace genscope::net
