#include "gui/view.h"

#include <utility>

#include "record/run_list.h"

namespace genscope {

View::View(CommandQueue& commands, std::unique_ptr<TextureBackend> textures)
    : commands_(commands),
      textures_(textures ? std::move(textures) : make_gl_texture_backend()) {}

const TextureRef& View::history_texture(std::size_t index) {
  const SampleHistory& h = history_.history;
  if (index >= h.size()) return textures_.get(TextureSlot::kHistory);
  const HistoryEntry& e = h.at(index);
  if (e.step != history_texture_step_ || h.size() != history_texture_size_) {
    history_texture_step_ = e.step;
    history_texture_size_ = h.size();
    return textures_.update(TextureSlot::kHistory, ++texture_key_, e.samples);
  }
  return textures_.get(TextureSlot::kHistory);
}

void View::add_log_line(LogLine line) {
  log_.push_back(std::move(line));
  while (log_.size() > kLogCapacity) log_.pop_front();
  ++log_version_;
}

void View::merge_events(const std::vector<RunEvent>& events) {
  for (const RunEvent& e : events) {
    if (e.id > last_event_id_) {
      add_log_line({e.id, e.revision, e.step, e.level, e.text});
      last_event_id_ = e.id;
      continue;
    }
    for (auto it = log_.rbegin(); it != log_.rend(); ++it) {  // a merged edit: update its line
      if (it->event_id != e.id) continue;
      if (it->revision != e.revision) {
        it->revision = e.revision;
        it->step = e.step;
        it->text = e.text;
        ++log_version_;
      }
      break;
    }
  }
}

void View::notify(std::string text, MessageLevel level) {
  add_log_line({0, 0, snapshot_ ? snapshot_->step : 0, level, std::move(text)});
}

void View::request_pause(bool pause) {
  pause_request_ = pause;
  pause_seq_ = send(Command::of(pause ? Command::Kind::kPause : Command::Kind::kResume));
}

std::optional<bool> View::pause_pending() const {
  if (!pause_request_ || !snapshot_ || snapshot_->commands_done >= pause_seq_) return std::nullopt;
  if (snapshot_->paused == *pause_request_) return std::nullopt;
  return pause_request_;
}

bool View::paused_or_pausing() const {
  if (auto pending = pause_pending()) return *pending;
  return snapshot_ && snapshot_->paused;
}

void TextHistory::offer(const TextSample& sampled, const TextSample& greedy) {
  if (sampled.step < 0) return;
  if (!entries.empty() && sampled.step < entries.back().sampled.step) entries.clear();
  if (!entries.empty() && sampled.step == entries.back().sampled.step) {
    entries.back() = {sampled, greedy};  // a refresh at the same step (a new prompt)
    return;
  }
  if (entries.size() >= kCapacity) {
    std::vector<Entry> kept;
    kept.reserve(kCapacity);
    const std::size_t half = entries.size() / 2;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i >= half || i % 2 == 0) kept.push_back(std::move(entries[i]));
    }
    entries.swap(kept);
  }
  entries.push_back({sampled, greedy});
}

void View::update_snapshot(const Snapshot& snapshot) {
  const bool new_run = snapshot.run_id != last_run_id_;
  last_run_id_ = snapshot.run_id;
  snapshot_ = &snapshot;
  if (!snapshot.fork.empty() && snapshot.running && !live_dir_.empty() &&
      snapshot.run_dir != live_dir_) {
    load_live_series(snapshot);
  }
  if (snapshot.running) live_dir_ = snapshot.run_dir;
  if (new_run && !waiting_rows_.empty()) add_rows({}, snapshot.metric_names);
  for (size_t i = 0; i < snapshot.fork.size() && int(i) < kForkSlots; ++i) {
    const ForkRun& f = snapshot.fork[i];
    textures_.update(static_cast<TextureSlot>(static_cast<int>(TextureSlot::kFork0) + int(i)),
                     f.samples_version, f.samples);
  }
  merge_events(snapshot.events);
  if (snapshot.running) gradients_.add(snapshot.step, snapshot.grads);
  if (snapshot.running) histograms_.add(snapshot.histograms);
  if (snapshot.toy.active &&
      snapshot.toy.heat_version != textures_.version(TextureSlot::kToyHeat)) {
    const ImageRGBA heat = toy_heat_image(snapshot.toy);
    textures_.update(TextureSlot::kToyHeat, snapshot.toy.heat_version, heat);
  }
  if (!snapshot.samples.empty() &&
      snapshot.samples_version != textures_.version(TextureSlot::kSamples)) {
    textures_.update(TextureSlot::kSamples, snapshot.samples_version, snapshot.samples);
    history_.history.offer(snapshot.samples_step, snapshot.wall_s, snapshot.samples);
  }
  if (snapshot.is_text && (snapshot.text.version != text_version_ || new_run)) {
    text_version_ = snapshot.text.version;
    history_.text.offer(snapshot.text.sampled, snapshot.text.greedy);
  }
  textures_.update(TextureSlot::kReal, snapshot.real_version, snapshot.real);
  textures_.update(TextureSlot::kNearest, snapshot.nearest_version, snapshot.nearest);
  const LatentViews& latent = snapshot.latent;
  textures_.update(TextureSlot::kReconstructions, latent.version, latent.reconstructions);
  textures_.update(TextureSlot::kTraversal, latent.version, latent.traversal);
  textures_.update(TextureSlot::kInterpolation, latent.version, latent.interpolation);
  textures_.update(TextureSlot::kExplorer, latent.version, latent.explorer);
  if (latent.map != manifold_map_) {
    manifold_map_ = latent.map;
    if (manifold_map_) textures_.update(TextureSlot::kManifold, ++texture_key_, manifold_map_->manifold);
  }
}

const TextureRef& View::map_image_texture(int64_t index) {
  const TextureRef& current = textures_.get(TextureSlot::kMapImage);
  if (!snapshot_) return current;
  const std::shared_ptr<const LatentMap>& map = snapshot_->latent.map;
  if (!map || !map->images || index < 0 || index >= map->images->count) return current;
  if (map == map_image_map_ && index == map_image_index_) return current;
  const ImageSet& set = *map->images;
  const int64_t plane = int64_t(set.height) * set.width;
  const uint8_t* src = set.pixels.data() + index * set.image_size();
  map_image_.width = set.width;
  map_image_.height = set.height;
  map_image_.pixels.resize(size_t(plane) * 4);
  for (int64_t p = 0; p < plane; ++p) {
    for (int c = 0; c < 3; ++c)
      map_image_.pixels[p * 4 + c] = src[(set.channels == 3 ? c : 0) * plane + p];
    map_image_.pixels[p * 4 + 3] = 255;
  }
  map_image_map_ = map, map_image_index_ = index;
  return textures_.update(TextureSlot::kMapImage, ++texture_key_, map_image_);
}

const TextureRef& View::text_hidden_texture() {
  const TextureRef& current = textures_.get(TextureSlot::kTextHidden);
  if (!snapshot_ || !snapshot_->text.inside || snapshot_->text.inside == hidden_inside_) return current;
  hidden_inside_ = snapshot_->text.inside;
  return textures_.update(TextureSlot::kTextHidden, ++texture_key_, hidden_image(*hidden_inside_));
}

const TextureRef& View::text_attention_texture(int layer, int head) {
  const TextureRef& current = textures_.get(TextureSlot::kTextAttention);
  if (!snapshot_ || !snapshot_->text.inside) return current;
  if (snapshot_->text.inside == attention_inside_ && layer == attention_layer_ && head == attention_head_) {
    return current;
  }
  attention_inside_ = snapshot_->text.inside;
  attention_layer_ = layer, attention_head_ = head;
  return textures_.update(TextureSlot::kTextAttention, ++texture_key_,
                          attention_image(*attention_inside_, layer, head));
}

const TextureRef& View::text_attention_grid_texture() {
  const TextureRef& current = textures_.get(TextureSlot::kTextAttentionGrid);
  if (!snapshot_ || !snapshot_->text.inside || snapshot_->text.inside == grid_inside_) return current;
  grid_inside_ = snapshot_->text.inside;
  return textures_.update(TextureSlot::kTextAttentionGrid, ++texture_key_,
                          attention_grid_image(*grid_inside_, kAttentionGridGap));
}

void View::send_latent() {
  ++selection_.revision;
  send(Command::select_latent(selection_));
}

void View::add_rows(const std::vector<MetricRow>& rows, const MetricSchema& names) {
  const uint64_t run = snapshot_ ? snapshot_->run_id : 0;
  std::vector<MetricRow> ready;
  std::vector<MetricRow> still_waiting;
  const std::vector<MetricRow>* lists[] = {&waiting_rows_, &rows};
  for (const std::vector<MetricRow>* list : lists) {
    for (const MetricRow& row : *list) {
      if (row.run == 0 || run == 0 || row.run == run) {
        ready.push_back(row);
      } else if (row.run > run && still_waiting.size() < kMaxWaitingRows) {
        still_waiting.push_back(row);
      }
    }
  }
  waiting_rows_ = std::move(still_waiting);
  if (names != names_) {
    names_ = names;
    series_.assign(names.size(), MetricSeries(MetricSeries::kDefaultCapacity, smoothing_));
    last_step_ = -1;
  }
  for (const MetricRow& row : ready) {
    if (row.run == skip_run_ && row.step <= skip_through_) continue;  // loaded from its file
    if (row.step <= last_step_) {
      for (auto& s : series_) s.clear();
      compare_.clear_live_time();
    }
    last_step_ = row.step;
    compare_.add_live_time(static_cast<double>(row.step), row.wall_s);
    for (int i = 0; i < row.count && i < static_cast<int>(series_.size()); ++i) {
      series_[i].push(static_cast<double>(row.step), row.values[i]);
    }
  }
}

void View::load_live_series(const Snapshot& snapshot) {
  if (snapshot.metric_names != names_) add_rows({}, snapshot.metric_names);
  for (auto& s : series_) s.clear();
  compare_.clear_live_time();
  history_.history.clear();
  last_step_ = -1;
  auto curves = read_run_curves(snapshot.run_dir);
  if (!curves) return;  // no rows yet: the live ones fill the plots
  for (size_t i = 0; i < names_.size() && i < series_.size(); ++i) {
    const RunCurve* c = curves->find(names_[i]);
    if (!c) continue;
    for (size_t k = 0; k < c->step.size(); ++k) series_[i].push(c->step[k], c->value[k]);
  }
  if (!curves->columns.empty()) {
    const RunCurve& first = curves->columns.front();
    for (size_t k = 0; k < first.step.size(); ++k) compare_.add_live_time(first.step[k], first.wall[k]);
  }
  last_step_ = curves->last_step;
  skip_run_ = snapshot.run_id;
  skip_through_ = curves->last_step;
}

const MetricSeries* View::series(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return &series_[i];
  }
  return nullptr;
}

std::string View::series_name(const MetricSeries* series) const {
  for (size_t i = 0; i < names_.size() && i < series_.size(); ++i) {
    if (&series_[i] == series) return names_[i];
  }
  return "";
}

std::vector<PlotLine> View::plot_lines(const PlotLine* lines, int count, LinePlotOptions& options,
                                       const char* const* metrics_of) {
  options.x_seconds = false;
  if (compare_.entries().empty()) return std::vector<PlotLine>(lines, lines + count);
  std::vector<std::string> metrics;
  for (int i = 0; i < count; ++i) {
    metrics.push_back(metrics_of ? std::string(metrics_of[i] ? metrics_of[i] : "")
                                 : series_name(lines[i].series));
  }
  if (compare_.align() == RunAlign::kWallTime) {
    options.x_seconds = true;
    if (options.marker_step >= 0.0) options.marker_step = compare_.live_time(options.marker_step);
  }
  return compare_.lines(lines, count, metrics);
}

void View::set_smoothing(float weight) {
  smoothing_ = weight;
  compare_.set_smoothing(weight);
  for (auto& s : series_) s.set_smoothing(weight);
}

}  // namespace genscope
