// The snapshot's image and view sections: the sample, real and nearest grids, the latent views,
// the latent map and its images, the histograms and the fork's sample grids. Each decodes into
// temporaries and moves them into the snapshot only when every check passed.
#include <utility>

#include "net/snapshot_wire.h"
#include "net/snapshot_wire_detail.h"

namespace genscope::net::detail {
namespace {

// Caps, generously above what a run publishes.
constexpr uint64_t kMaxLatentDim = 1000000;   // latent_dim's table range is 1..1,024
constexpr uint64_t kMaxRows = 100000;         // traversal rows: one per dimension or direction
constexpr uint64_t kMaxMapPoints = 10000000;  // the trainer maps at most 10,000 test images
constexpr uint64_t kMaxClasses = 100000;      // class names (Fashion-MNIST: 10)
constexpr int kMaxManifoldN = 4096;           // manifold tiles per side (the trainer: 15)
constexpr int64_t kMaxSetImages = 100000000;  // an ImageSet's count (a test split: 10,000)
constexpr int kMaxChannels = 4;
constexpr uint64_t kMaxHistogramLayers = 10000;
constexpr uint64_t kMaxBins = 65536;  // bins per histogram (the trainer: 40)
constexpr uint64_t kMaxForkRuns = kMaxForkBranches + 1;

std::string where(Section s) { return std::string("snapshot section ") + section_name(s); }

}  // namespace

std::string encode_samples(const Snapshot& s) {
  wire::Samples m;
  put_image(s.samples, m.mutable_samples());
  m.set_samples_step(s.samples_step);
  m.set_samples_version(s.samples_version);
  return m.SerializeAsString();
}

Status decode_samples(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kSamples));
  wire::Samples m;
  if (!parse(bytes, m, c)) return c.status();
  ImageRGBA image = get_image(m.samples(), "samples", c);
  if (!c.ok()) return c.status();
  snap.samples = std::move(image);
  snap.samples_step = m.samples_step();
  snap.samples_version = m.samples_version();
  return {};
}

std::string encode_real(const Snapshot& s) {
  wire::Real m;
  put_image(s.real, m.mutable_real());
  m.set_real_version(s.real_version);
  return m.SerializeAsString();
}

Status decode_real(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kReal));
  wire::Real m;
  if (!parse(bytes, m, c)) return c.status();
  ImageRGBA image = get_image(m.real(), "real", c);
  if (!c.ok()) return c.status();
  snap.real = std::move(image);
  snap.real_version = m.real_version();
  return {};
}

std::string encode_nearest(const Snapshot& s) {
  wire::Nearest m;
  put_image(s.nearest, m.mutable_nearest());
  m.set_nearest_version(s.nearest_version);
  m.set_nearest_step(s.nearest_step);
  return m.SerializeAsString();
}

Status decode_nearest(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kNearest));
  wire::Nearest m;
  if (!parse(bytes, m, c)) return c.status();
  ImageRGBA image = get_image(m.nearest(), "nearest", c);
  if (!c.ok()) return c.status();
  snap.nearest = std::move(image);
  snap.nearest_version = m.nearest_version();
  snap.nearest_step = m.nearest_step();
  return {};
}

std::string encode_latent(const Snapshot& snap) {
  const LatentViews& v = snap.latent;
  wire::Latent m;
  m.set_version(v.version);
  m.set_latent_dim(v.latent_dim);
  put_image(v.reconstructions, m.mutable_reconstructions());
  put_image(v.traversal, m.mutable_traversal());
  put_strings(v.traversal_rows, m.mutable_traversal_rows());
  put_image(v.interpolation, m.mutable_interpolation());
  put_image(v.explorer, m.mutable_explorer());
  put_values(v.kl_per_dim, m.mutable_kl_per_dim());
  return m.SerializeAsString();
}

Status decode_latent(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kLatent));
  wire::Latent m;
  if (!parse(bytes, m, c)) return c.status();
  LatentViews v;
  v.version = m.version();
  c.in_range("latent_dim", m.latent_dim(), 0, kMaxLatentDim);
  v.latent_dim = m.latent_dim();
  v.reconstructions = get_image(m.reconstructions(), "reconstructions", c);
  v.traversal = get_image(m.traversal(), "traversal", c);
  v.traversal_rows = get_strings(m.traversal_rows(), "traversal_rows", kMaxRows, c);
  v.interpolation = get_image(m.interpolation(), "interpolation", c);
  v.explorer = get_image(m.explorer(), "explorer", c);
  v.kl_per_dim = get_values<float>(m.kl_per_dim(), "kl_per_dim", kMaxLatentDim, c);
  if (!c.ok()) return c.status();
  v.map = std::move(snap.latent.map);
  snap.latent = std::move(v);
  return {};
}

std::string encode_latent_map(const Snapshot& snap) {
  wire::LatentMapSection section;
  if (const LatentMap* map = snap.latent.map.get()) {
    wire::LatentMap& m = *section.mutable_map();
    m.set_step(map->step);
    m.set_dim(map->dim);
    m.set_projected(map->projected);
    put_values(map->codes, m.mutable_codes());
    put_values(map->xy, m.mutable_xy());
    m.set_labels(bytes_of(map->labels));
    put_strings(map->class_names, m.mutable_class_names());
    put_values(map->axes, m.mutable_axes());
    put_values(map->mean, m.mutable_mean());
    for (float e : map->extent) m.add_extent(e);
    put_image(map->manifold, m.mutable_manifold());
    m.set_manifold_n(map->manifold_n);
  }
  return section.SerializeAsString();
}

namespace {

// The arrays whose lengths follow from count and dim.
void check_map_sizes(const wire::LatentMap& m, Checker& c) {
  if (m.xy_size() % 2 != 0) {
    c.fail("xy has %d values, expected 2 per point", m.xy_size());
    return;
  }
  const uint64_t count = uint64_t(m.xy_size()) / 2, dim = uint64_t(m.dim());
  if (!c.at_most("xy", count, kMaxMapPoints)) return;
  c.size_is("codes", uint64_t(m.codes_size()), mul_sat(count, dim), "count*dim");
  if (!m.labels().empty()) c.size_is("labels", m.labels().size(), count, "count (or none)");
  if (m.axes_size() != 0) c.size_is("axes", uint64_t(m.axes_size()), 2 * dim, "2*dim (or none)");
  if (m.mean_size() != 0) c.size_is("mean", uint64_t(m.mean_size()), dim, "dim (or none)");
  c.size_is("extent", uint64_t(m.extent_size()), 4, "4");
}

}  // namespace

Status decode_latent_map(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kLatentMap));
  wire::LatentMapSection section;
  if (!parse(bytes, section, c)) return c.status();
  if (!section.has_map()) {
    snap.latent.map.reset();
    return {};
  }
  const wire::LatentMap& m = section.map();
  auto map = std::make_shared<LatentMap>();
  c.in_range("dim", m.dim(), 0, kMaxLatentDim);
  check_map_sizes(m, c);
  c.in_range("manifold_n", m.manifold_n(), 0, kMaxManifoldN);
  map->class_names = get_strings(m.class_names(), "class_names", kMaxClasses, c);
  map->manifold = get_image(m.manifold(), "manifold", c);
  if (!c.ok()) return c.status();
  map->step = m.step();
  map->dim = m.dim();
  map->projected = m.projected();
  map->codes.assign(m.codes().begin(), m.codes().end());
  map->xy.assign(m.xy().begin(), m.xy().end());
  map->labels = u8_of(m.labels());
  map->axes.assign(m.axes().begin(), m.axes().end());
  map->mean.assign(m.mean().begin(), m.mean().end());
  for (int i = 0; i < 4; ++i) map->extent[i] = m.extent(i);
  map->manifold_n = m.manifold_n();
  if (snap.latent.map) map->images = snap.latent.map->images;
  snap.latent.map = std::move(map);
  return {};
}

std::string encode_latent_images(const Snapshot& snap) {
  wire::LatentImages section;
  const LatentMap* map = snap.latent.map.get();
  if (const ImageSet* set = map ? map->images.get() : nullptr) {
    wire::ImageSet& m = *section.mutable_images();
    m.set_count(set->count);
    m.set_channels(set->channels);
    m.set_height(set->height);
    m.set_width(set->width);
    m.set_pixels(bytes_of(set->pixels));
    m.set_labels(bytes_of(set->labels));
    put_strings(set->class_names, m.mutable_class_names());
    m.set_source(set->source);
  }
  return section.SerializeAsString();
}

namespace {

std::shared_ptr<const ImageSet> get_image_set(const wire::ImageSet& m, Checker& c) {
  if (!c.in_range("count", m.count(), 0, kMaxSetImages) ||
      !c.in_range("channels", m.channels(), 1, kMaxChannels) ||
      !c.in_range("height", m.height(), 0, kMaxImageSide) ||
      !c.in_range("width", m.width(), 0, kMaxImageSide)) {
    return nullptr;
  }
  const uint64_t size = mul_sat(mul_sat(uint64_t(m.count()), uint64_t(m.channels())),
                                uint64_t(m.height()) * uint64_t(m.width()));
  c.size_is("pixels", m.pixels().size(), size, "count*channels*height*width");
  if (!m.labels().empty()) c.size_is("labels", m.labels().size(), m.count(), "count (or none)");
  auto set = std::make_shared<ImageSet>();
  set->class_names = get_strings(m.class_names(), "class_names", kMaxClasses, c);
  if (!c.ok()) return nullptr;
  set->count = m.count();
  set->channels = m.channels();
  set->height = m.height();
  set->width = m.width();
  set->pixels = u8_of(m.pixels());
  set->labels = u8_of(m.labels());
  set->source = m.source();
  return set;
}

}  // namespace

// The map is immutable once published: a new one shares everything but its images.
Status decode_latent_images(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kLatentImages));
  wire::LatentImages section;
  if (!parse(bytes, section, c)) return c.status();
  std::shared_ptr<const ImageSet> set;
  if (section.has_images()) {
    set = get_image_set(section.images(), c);
    if (!c.ok()) return c.status();
    if (!snap.latent.map) {
      return Error{where(Section::kLatentImages) + ": images, but no latent map to show them"};
    }
  }
  if (!snap.latent.map || snap.latent.map->images == set) return {};
  auto map = std::make_shared<LatentMap>(*snap.latent.map);
  map->images = std::move(set);
  snap.latent.map = std::move(map);
  return {};
}

std::string encode_fork_samples(const Snapshot& snap) {
  wire::ForkSamples m;
  for (const ForkRun& f : snap.fork) {
    wire::ForkImage* w = m.add_runs();
    put_image(f.samples, w->mutable_samples());
    w->set_samples_step(f.samples_step);
    w->set_samples_version(f.samples_version);
  }
  return m.SerializeAsString();
}

// Resizes the fork to the runs sent (kCore may come later and name them).
Status decode_fork_samples(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kForkSamples));
  wire::ForkSamples m;
  if (!parse(bytes, m, c)) return c.status();
  if (!c.at_most("runs", uint64_t(m.runs_size()), kMaxForkRuns)) return c.status();
  std::vector<ImageRGBA> images;
  for (int i = 0; i < m.runs_size(); ++i) {
    images.push_back(get_image(m.runs(i).samples(), item("runs", i) + ".samples", c));
  }
  if (!c.ok()) return c.status();
  snap.fork.resize(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    snap.fork[i].samples = std::move(images[i]);
    snap.fork[i].samples_step = m.runs(int(i)).samples_step();
    snap.fork[i].samples_version = m.runs(int(i)).samples_version();
  }
  return {};
}

std::string encode_histograms(const Snapshot& snap) {
  wire::Histograms m;
  m.set_step(snap.histograms.step);
  m.set_version(snap.histograms.version);
  for (const LayerHistogram& h : snap.histograms.layers) {
    wire::LayerHistogram* w = m.add_layers();
    w->set_name(h.name);
    w->set_activation(h.activation);
    w->set_lo(h.lo);
    w->set_hi(h.hi);
    put_values(h.share, w->mutable_share());
    for (float q : h.quantiles) w->add_quantiles(q);
    w->set_count(h.count);
    w->set_sum(h.sum);
    w->set_sum_squares(h.sum_squares);
  }
  return m.SerializeAsString();
}

Status decode_histograms(std::string_view bytes, Snapshot& snap) {
  Checker c(where(Section::kHistograms));
  wire::Histograms m;
  if (!parse(bytes, m, c)) return c.status();
  if (!c.at_most("layers", uint64_t(m.layers_size()), kMaxHistogramLayers)) return c.status();
  LayerHistograms out;
  out.step = m.step();
  out.version = m.version();
  for (int i = 0; i < m.layers_size() && c.ok(); ++i) {
    const wire::LayerHistogram& w = m.layers(i);
    LayerHistogram h;
    h.name = w.name();
    h.activation = w.activation();
    h.lo = w.lo();
    h.hi = w.hi();
    h.share = get_values<float>(w.share(), item("layers", i) + ".share", kMaxBins, c);
    if (!c.size_is(item("layers", i) + ".quantiles", uint64_t(w.quantiles_size()),
                   h.quantiles.size(), "5")) {
      break;
    }
    for (std::size_t q = 0; q < h.quantiles.size(); ++q) h.quantiles[q] = w.quantiles(int(q));
    h.count = w.count();
    h.sum = w.sum();
    h.sum_squares = w.sum_squares();
    out.layers.push_back(std::move(h));
  }
  if (!c.ok()) return c.status();
  snap.histograms = std::move(out);
  return {};
}

}  // namespace genscope::net::detail
