#include <algorithm>
#include <cfloat>
#include <cmath>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "util/strings.h"

namespace genscope {
namespace {

constexpr ImU32 kFidColor = IM_COL32(240, 140, 60, 255);
constexpr ImU32 kFloorColor = IM_COL32(150, 150, 150, 255);
constexpr ImU32 kIsColor = IM_COL32(90, 170, 240, 255);
constexpr ImU32 kEntropyColor = IM_COL32(200, 120, 230, 255);

std::string class_label(const QualityView& q, int c) {
  return c < int(q.class_names.size()) && !q.class_names[c].empty() ? q.class_names[c]
                                                                    : "class " + std::to_string(c);
}

// What needs no labels: the samples' diversity and their distance to the nearest training
// image (memorisation), for data the classifier cannot score.
void draw_label_free(const Snapshot& s) {
  ImGui::Separator();
  ImGui::TextDisabled("without labels:");
  if (s.diversity_step >= 0 && std::isfinite(s.diversity)) {
    ImGui::TextWrapped("diversity %.2f (step %lld): the samples' mean pairwise distance over the "
                       "real images' (1: as varied as the data, 0: one image)",
                       s.diversity, static_cast<long long>(s.diversity_step));
    probe_item("diversity");
  }
  if (s.nearest_distance.empty()) {
    ImGui::TextDisabled("nearest training images: at step 100");
    return;
  }
  std::vector<float> d = s.nearest_distance;
  std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
  const float least = *std::min_element(d.begin(), d.end());
  ImGui::TextWrapped("nearest training image (step %lld): median %.1f, closest %.1f / 255 (real "
                     "images: %.1f). Hover a sample to see its nearest image.",
                     static_cast<long long>(s.nearest_step), d[d.size() / 2], least,
                     s.real_nearest);
  probe_item("nearest");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("RMS pixel distance from each generated tile to the closest image of the\n"
                      "training split. Far below the real images' own nearest distance: the\n"
                      "generator is copying training images (memorisation).");
  }
}

// The panel before the metrics are ready: off (with the eval_every widget to turn them on),
// the classifier training, or why it failed.
void draw_not_ready(View& view, const QualityView& q, ParamEdit& eval_every) {
  switch (q.state) {
    case QualityState::kOff:
    case QualityState::kNoLabels:
      ImGui::TextWrapped("%s", q.status.empty() ? "quality metrics are off" : q.status.c_str());
      live_param_widget(view, ParamId::kEvalEvery, eval_every);
      if (q.state == QualityState::kNoLabels) draw_label_free(view.snapshot());
      return;
    case QualityState::kPreparing:
      ImGui::TextWrapped("%s", q.status.c_str());
      ImGui::ProgressBar(float(q.progress), ImVec2(-1, 0));
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextDisabled("once, cached per dataset; training carries on meanwhile");
      ImGui::PopTextWrapPos();
      return;
    case QualityState::kFailed:
      ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
      ImGui::TextWrapped("%s", q.status.c_str());
      ImGui::PopStyleColor();
      return;
    case QualityState::kReady:
      return;
  }
}

// Which plot a short panel shows: FID, or IS and entropy.
void pick_plot(bool& show_is) {
  if (ImGui::RadioButton("FID", !show_is)) show_is = false;
  probe_item("FID");
  ImGui::SameLine();
  if (ImGui::RadioButton("IS, entropy", show_is)) show_is = true;
  probe_item("IS, entropy");
}

// The scores of evaluation `p`, with everything about them in the tooltip; a compact panel
// puts the classifier's line and help (`classifier`, `classifier_help`) there too.
void draw_scores(const QualityView& q, const QualityPoint* p, bool compact,
                 const std::string& classifier, const std::string& classifier_help) {
  // Wrapped: the right column is narrow at 1280 px and the entropy must not fall off the edge.
  // The evaluation in flight goes on the same wrapped text (a SameLine would be cut off).
  const std::string scoring =
      q.busy ? strformat("  (scoring step %lld...)", static_cast<long long>(q.busy_step)) : "";
  if (compact) {  // the rest is in the tooltip
    ImGui::TextWrapped("FID %.1f (floor %.1f)  IS %.2f  entropy %.2f%s", p->fid, q.fid_floor,
                       p->is_score, p->class_entropy, q.busy ? "  (scoring...)" : "");
  } else {
    ImGui::TextWrapped(
        "step %lld: FID %.1f (floor %.1f)  IS %.2f (train %.2f)  entropy %.2f/%.2f%s",
        static_cast<long long>(p->step), p->fid, q.fid_floor, p->is_score, q.is_real,
        p->class_entropy, q.entropy_max, scoring.c_str());
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "%s%sStep %lld: IS %.2f (train %.2f), entropy %.2f of at most %.2f.\n"
        "Scored in %.1f s in the background.\n"
        "FID: Frechet distance of the generated images' features to the test\n"
        "split's (lower is better). Floor: the FID of %d train images, what a\n"
        "perfect generator gets.\n"
        "IS: exp E KL(p(y|x) || p(y)), from 1 to the class count (higher is better).\n"
        "Entropy of the predicted classes in nats: low means few classes (collapse).",
        compact ? (classifier + "\n").c_str() : "",
        compact ? (classifier_help + "\n\n").c_str() : "", static_cast<long long>(p->step),
        p->is_score, q.is_real, p->class_entropy, q.entropy_max, p->seconds, q.floor_samples);
  }
}

// Left: FID over IS and entropy (one of them at a time, picked above, when the panel is too
// short for two legible plots); right: the class histogram.
void draw_plots(QualityPanel& panel, View& view, const QualityView& q, bool compact) {
  const float em = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float left = std::max(ui_px(120), (avail.x - spacing) * 0.64f);
  const float height = std::max(ui_px(80), avail.y - 2.0f);
  const bool one_plot = compact || height < 12.0f * em;
  ImGui::BeginChild("##plots", ImVec2(left, height), false, ImGuiWindowFlags_NoScrollbar);
  if (one_plot && !compact) pick_plot(panel.show_is);
  panel.fid_plot.show_raw = false;
  panel.fid_plot.y_format = "%.0f";
  // FID runs from ~1,000 for noise to the floor's ~1: on a log axis late progress still shows
  // (right-click the plot for a linear one).
  panel.fid_plot.log_y = true;
  panel.fid_plot.marker_step = history_marker_step(view);
  panel.fid_plot.height =
      one_plot ? ImGui::GetContentRegionAvail().y : std::max(ui_px(40), height * 0.6f - 2.0f);
  const PlotLine fid_lines[] = {{"FID", &panel.fid, kFidColor},
                                {"floor", &panel.floor, kFloorColor}};
  static const char* const kFidMetrics[] = {"fid", nullptr};
  if (!one_plot || !panel.show_is) metric_plot(view, "##fid", fid_lines, 2, panel.fid_plot, kFidMetrics);
  panel.is_plot.height = std::max(ui_px(30), ImGui::GetContentRegionAvail().y);
  panel.is_plot.show_raw = false;
  panel.is_plot.y_format = "%.1f";
  panel.is_plot.marker_step = panel.fid_plot.marker_step;
  const PlotLine is_lines[] = {{"IS", &panel.is_score, kIsColor},
                               {"train IS", &panel.is_real, kFloorColor},
                               {"entropy", &panel.entropy, kEntropyColor}};
  static const char* const kIsMetrics[] = {"is_score", nullptr, "class_entropy"};
  if (!one_plot || panel.show_is) metric_plot(view, "##is_plot", is_lines, 3, panel.is_plot, kIsMetrics);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##classes", ImVec2(0, height), false, ImGuiWindowFlags_NoScrollbar);
  ImGui::TextDisabled("%s", fit_text("classes (| test)", ImGui::GetContentRegionAvail().x).c_str());
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Generated images by predicted class; | the test split's share");
  }
  draw_class_histogram("##class_hist", q, ImGui::GetContentRegionAvail());
  ImGui::EndChild();
}

}  // namespace

void QualityPanel::sync(const QualityView& q) {
  if (q.version == version) return;
  version = q.version;
  for (MetricSeries* s : {&fid, &floor, &is_score, &is_real, &entropy}) s->clear();
  for (const QualityPoint& p : q.history) {
    const double step = double(p.step);
    fid.push(step, float(p.fid));
    floor.push(step, float(q.fid_floor));
    is_score.push(step, float(p.is_score));
    is_real.push(step, float(q.is_real));
    entropy.push(step, float(p.class_entropy));
  }
}

void draw_class_histogram(const char* id, const QualityView& q, ImVec2 size) {
  const int k = int(std::max(q.share.size(), q.real_share.size()));
  ImGui::InvisibleButton(id, ImVec2(std::max(size.x, 40.0f), std::max(size.y, float(k) * 4.0f)));
  const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (k == 0) {
    draw->AddText(ImVec2(lo.x + 4, lo.y + 4), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                  "no evaluation yet");
    return;
  }
  // Labels as tall as a row allows (down to 70 % of the font); shorter rows label every n-th.
  const float row_px = (hi.y - lo.y) / float(k);
  const float font = ImGui::GetFontSize();
  const float label_size = std::clamp(row_px, 0.7f * font, font);
  const int label_every = std::max(1, int(std::ceil(0.95f * label_size / std::max(row_px, 1.0f))));
  ImFont* face = ImGui::GetFont();
  const auto text_width = [&](const std::string& t) {
    return face->CalcTextSizeA(label_size, FLT_MAX, 0.0f, t.c_str()).x;
  };
  float label_w = 0.0f;
  for (int c = 0; c < k; ++c) label_w = std::max(label_w, text_width(class_label(q, c)));
  label_w = std::min(label_w + 6.0f, (hi.x - lo.x) * 0.45f);
  float top = 0.0f;  // the bars' scale: the largest share, at least the uniform one
  for (float s : q.share) top = std::max(top, s);
  for (float s : q.real_share) top = std::max(top, s);
  top = std::max(top, 1.0f / float(k)) * 1.1f;
  const float row = (hi.y - lo.y) / float(k);
  const float x0 = lo.x + label_w, x1 = hi.x - 2.0f;
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text, 0.8f);
  int hovered = -1;
  if (ImGui::IsItemHovered())
    hovered = std::clamp(int((ImGui::GetIO().MousePos.y - lo.y) / row), 0, k - 1);
  for (int c = 0; c < k; ++c) {
    const float y0 = lo.y + row * c, y1 = y0 + row;
    if (c % label_every == 0) {
      const std::string label = fit_text(class_label(q, c), x0 - 6.0f - lo.x, label_size);
      const float y = std::max(lo.y, std::min(y0 + 0.5f * (row - label_size), hi.y - label_size));
      draw->AddText(face, label_size, ImVec2(lo.x + 2.0f, y), text, label.c_str());
    }
    if (c == hovered)
      draw->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), IM_COL32(255, 255, 255, 24));
    const float pad = std::min(2.0f, row * 0.15f);
    if (c < int(q.share.size())) {
      const float w = (x1 - x0) * std::clamp(q.share[c] / top, 0.0f, 1.0f);
      draw->AddRectFilled(ImVec2(x0, y0 + pad), ImVec2(x0 + w, y1 - pad), label_color(c));
    }
    if (c < int(q.real_share.size())) {  // the test split's share: a white tick
      const float x = x0 + (x1 - x0) * std::clamp(q.real_share[c] / top, 0.0f, 1.0f);
      draw->AddLine(ImVec2(x, y0), ImVec2(x, y1), IM_COL32(255, 255, 255, 220), 2.0f);
    }
  }
  if (hovered >= 0) {
    ImGui::SetTooltip("%s: %.1f %% of the generated images (test split: %.1f %%)",
                      class_label(q, hovered).c_str(),
                      hovered < int(q.share.size()) ? q.share[hovered] * 100.0f : 0.0f,
                      hovered < int(q.real_share.size()) ? q.real_share[hovered] * 100.0f : 0.0f);
  }
}

void QualityPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Quality", area)) return;
  const Snapshot& snap = view.snapshot();
  const QualityView& q = snap.quality;
  if (!snap.running) {
    ImGui::TextDisabled("waiting for the run to start");
    ImGui::End();
    return;
  }
  sync(q);
  if (q.state != QualityState::kReady) {
    draw_not_ready(view, q, eval_every);
    ImGui::End();
    return;
  }
  // A short panel (1024x600) keeps its rows to the minimum: the classifier's line goes into
  // the tooltip of the scores, the plot picker joins the eval_every row.
  const float em = ImGui::GetFontSize();
  const bool compact = ImGui::GetContentRegionAvail().y < 16.0f * em;
  const std::string classifier =
      strformat("classifier %.1f %%%s, N %d", q.classifier_accuracy * 100.0,
                q.classifier_cached ? " (cached)" : "",
                q.samples > 0 ? q.samples : snap.params.integer(ParamId::kEvalSamples));
  const std::string classifier_help = strformat(
      "The metric classifier: a small CNN genscope trained on this dataset's train\n"
      "split (%.2f %% accurate on the test split). FID uses its 128 penultimate\n"
      "features, the IS analogue and the class histogram its class probabilities.\n"
      "N generated images per evaluation, the same latent codes each time.\n%s",
      q.classifier_accuracy * 100.0, q.cache_path.c_str());
  if (!compact) {
    ImGui::TextUnformatted(classifier.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", classifier_help.c_str());
  }
  const float label = ImGui::GetStyle().ItemInnerSpacing.x +
                      ImGui::CalcTextSize(param_spec(ParamId::kEvalEvery).key).x;
  if (!compact) flow_next(ui_px(110) + label);
  ImGui::SetNextItemWidth(
      std::min(compact ? ui_px(80) : ui_px(160), ImGui::GetContentRegionAvail().x - label));
  live_param_widget(view, ParamId::kEvalEvery, eval_every);
  if (compact) {
    flow_next(checkbox_width("FID") + checkbox_width("IS, entropy") +
              ImGui::GetStyle().ItemSpacing.x);
    pick_plot(show_is);
  }
  if (const QualityPoint* p = q.last()) {
    draw_scores(q, p, compact, classifier, classifier_help);
  } else {
    ImGui::TextDisabled("first evaluation at step %d%s", snap.params.integer(ParamId::kEvalEvery),
                        q.busy ? " (running)" : "");
  }
  draw_plots(*this, view, q, compact);
  ImGui::End();
}

}  // namespace genscope
