// Metric rows and commands on the wire (snapshot_wire.h).
#include <algorithm>
#include <cstring>
#include <utility>

#include "net/snapshot_wire.h"
#include "net/snapshot_wire_detail.h"

namespace genscope::net {
namespace {

using namespace detail;

constexpr uint64_t kMaxRowsPerMessage = 1000000;
constexpr int kCommandKinds = static_cast<int>(Command::Kind::kCloseRun) + 1;
constexpr int kLatentSourceKinds = static_cast<int>(LatentSource::Kind::kRandom) + 1;
constexpr std::size_t kMaxCommandText = 64 * 1024;  // a path or a fork's edits
constexpr uint64_t kMaxCommandPoints = 1000000;     // kToyPaint: painted points
constexpr uint64_t kMaxTraversalDims = 65536;       // latent_dim's table range is 1..1,024
constexpr uint64_t kMaxExplorerZ = 1000000;         // one value per latent dimension

bool nonzero_bits(float v) {
  uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  return bits != 0;
}

}  // namespace

std::string encode_rows(const std::vector<MetricRow>& rows) {
  wire::MetricRows m;
  m.mutable_rows()->Reserve(static_cast<int>(rows.size()));
  for (const MetricRow& r : rows) {
    wire::MetricRow* w = m.add_rows();
    w->set_step(r.step);
    w->set_epoch(r.epoch);
    w->set_wall_s(r.wall_s);
    w->set_count(r.count);
    int n = std::max(0, std::min(r.count, MetricRow::kMaxValues));
    for (int i = n; i < MetricRow::kMaxValues; ++i) {
      if (nonzero_bits(r.values[i])) n = i + 1;  // values past count round-trip too
    }
    for (int i = 0; i < n; ++i) w->add_values(r.values[i]);
    w->set_unmeasured(r.unmeasured);
    w->set_run(r.run);
  }
  return m.SerializeAsString();
}

Status decode_rows(std::string_view bytes, std::vector<MetricRow>& out) {
  Checker c("metric rows");
  wire::MetricRows m;
  if (!parse(bytes, m, c)) return c.status();
  if (!c.at_most("rows", uint64_t(m.rows_size()), kMaxRowsPerMessage)) return c.status();
  std::vector<MetricRow> rows(static_cast<std::size_t>(m.rows_size()));
  for (int i = 0; i < m.rows_size() && c.ok(); ++i) {
    const wire::MetricRow& w = m.rows(i);
    const std::string row = item("row", i);
    if (!c.in_range(row + " count", w.count(), 0, MetricRow::kMaxValues) ||
        !c.in_range(row + " values", w.values_size(), w.count(), MetricRow::kMaxValues) ||
        !c.in_range(row + " unmeasured", w.unmeasured(), 0, (1 << MetricRow::kMaxValues) - 1)) {
      break;
    }
    MetricRow& r = rows[i];
    r.step = w.step();
    r.epoch = w.epoch();
    r.wall_s = w.wall_s();
    r.count = w.count();
    for (int k = 0; k < w.values_size(); ++k) r.values[k] = w.values(k);
    r.unmeasured = w.unmeasured();
    r.run = w.run();
  }
  if (!c.ok()) return c.status();
  out.insert(out.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  return {};
}

namespace {

void put_source(const LatentSource& s, wire::LatentSource* w) {
  w->set_kind(static_cast<int>(s.kind));
  w->set_index(s.index);
}

LatentSource get_source(const wire::LatentSource& w, const char* field, Checker& c) {
  return {c.enum_of<LatentSource::Kind>(std::string(field) + ".kind", w.kind(), kLatentSourceKinds),
          w.index()};
}

void put_selection(const LatentSelection& s, wire::LatentSelection* w) {
  put_source(s.traversal_base, w->mutable_traversal_base());
  put_values(s.traversal_dims, w->mutable_traversal_dims());
  w->set_gan_random_directions(s.gan_random_directions);
  put_source(s.interp_a, w->mutable_interp_a());
  put_source(s.interp_b, w->mutable_interp_b());
  put_values(s.explorer_z, w->mutable_explorer_z());
  w->set_revision(s.revision);
}

LatentSelection get_selection(const wire::LatentSelection& w, Checker& c) {
  LatentSelection s;
  s.traversal_base = get_source(w.traversal_base(), "latent.traversal_base", c);
  s.traversal_dims =
      get_values<int>(w.traversal_dims(), "latent.traversal_dims", kMaxTraversalDims, c);
  s.gan_random_directions = w.gan_random_directions();
  s.interp_a = get_source(w.interp_a(), "latent.interp_a", c);
  s.interp_b = get_source(w.interp_b(), "latent.interp_b", c);
  s.explorer_z = get_values<float>(w.explorer_z(), "latent.explorer_z", kMaxExplorerZ, c);
  s.revision = w.revision();
  return s;
}

// The parameter and value: a kSetParam names a row and a value its validation accepts.
void check_param(const wire::Command& m, Command::Kind kind, Checker& c) {
  if (m.text().size() > kMaxCommandText) {
    c.fail("text has %zu bytes, at most %zu", m.text().size(), kMaxCommandText);
    return;
  }
  const bool set = kind == Command::Kind::kSetParam;
  if (m.param() < 0 || m.param() >= kParamCount + (set ? 0 : 1)) {
    c.fail("param %d is not a parameter id (0..%d%s)", m.param(), kParamCount - 1,
           set ? "" : ", or none");
    return;
  }
  if (!set) return;
  const ParamSpec& spec = param_spec(static_cast<ParamId>(m.param()));
  if (Status s = validate_param(spec, ParamValue{m.number(), m.text()}); !s) {
    c.fail("%s", s.error().c_str());
  }
}

}  // namespace

std::string encode_command(const Command& command) {
  wire::Command m;
  m.set_kind(static_cast<int>(command.kind));
  m.set_param(static_cast<int>(command.param));
  m.set_number(command.value.number);
  m.set_text(command.value.text);
  m.set_count(command.count);
  m.set_param_index(command.param_index);
  put_selection(command.latent, m.mutable_latent());
  put_box(command.box, m.mutable_box());
  put_points(command.points, m.mutable_points());
  return m.SerializeAsString();
}

Result<Command> decode_command(std::string_view bytes) {
  Checker c("command");
  wire::Command m;
  if (!parse(bytes, m, c)) return Error{c.status().error()};
  Command command;
  command.kind = c.enum_of<Command::Kind>("kind", m.kind(), kCommandKinds);
  if (c.ok()) check_param(m, command.kind, c);
  if (command.kind == Command::Kind::kMuteAlarm) {
    c.in_range("param_index", m.param_index(), 0, kAlarmKinds - 1);
  }
  command.latent = get_selection(m.latent(), c);
  command.points = get_points(m.points(), "points", kMaxCommandPoints, c);
  if (!c.ok()) return Error{c.status().error()};
  command.param = static_cast<ParamId>(m.param());
  command.value = ParamValue{m.number(), m.text()};
  command.count = m.count();
  command.param_index = m.param_index();
  command.box = get_box(m.box());
  return command;
}

}  // namespace genscope::net
