// The 2D GAN lab's panels: the plot (heatmap, points, arrows, manifold, pan/zoom, painting, step
// buttons, slow motion), the Modes panel (coverage now and the per-mode share) and the Mode
// metrics panel (coverage, HQ %, KL and JS over steps).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui/panels/panels.h"
#include "gui/probe.h"
#include "gui/param_widgets.h"
#include "util/strings.h"

namespace genscope {
namespace {

ImU32 rgba(const std::array<uint8_t, 4>& c, int alpha = -1) {
  return IM_COL32(c[0], c[1], c[2], alpha < 0 ? c[3] : alpha);
}

constexpr ImU32 kArrowColor = IM_COL32(40, 40, 40, 210);
constexpr ImU32 kPaintColor = IM_COL32(240, 130, 20, 255);
constexpr ImU32 kGreen = IM_COL32(80, 200, 120, 255);
constexpr ImU32 kBlue = IM_COL32(90, 170, 255, 255);
constexpr ImU32 kOrange = IM_COL32(255, 140, 60, 255);

// Maps data coordinates of `box` onto the screen rectangle [min, max] (y up).
struct Mapper {
  Box2 box;
  ImVec2 min, max;
  ImVec2 to_screen(Point2 p) const {
    return ImVec2(min.x + (p.x - box.min_x) / (box.max_x - box.min_x) * (max.x - min.x),
                  max.y - (p.y - box.min_y) / (box.max_y - box.min_y) * (max.y - min.y));
  }
  Point2 to_data(ImVec2 s) const {
    return {box.min_x + (s.x - min.x) / (max.x - min.x) * (box.max_x - box.min_x),
            box.min_y + (max.y - s.y) / (max.y - min.y) * (box.max_y - box.min_y)};
  }
  float units_per_pixel() const { return (box.max_x - box.min_x) / (max.x - min.x); }
};

void draw_manifold(ImDrawList* draw, const Mapper& m, const ToyView& t,
                   const std::vector<float>& density) {
  if (density.empty()) return;
  const int res = t.manifold_res;
  // Shade by log density over three decades: dense cells dark, stretched cells faint.
  const auto alpha = [](float d) {
    const float a = std::clamp(1.0f + std::log10(std::max(d, 1e-6f)) / 3.0f, 0.0f, 1.0f);
    return static_cast<int>(15 + 125 * a);
  };
  const auto& c = kToyFakeColor;
  if (t.noise_dim <= 1) {
    for (int i = 0; i + 1 < res; ++i) {
      draw->AddLine(m.to_screen(t.manifold[i]), m.to_screen(t.manifold[i + 1]),
                    IM_COL32(c[0], c[1], c[2], alpha(density[i]) + 60), 2.0f);
    }
    return;
  }
  const auto p = [&](int i, int j) { return m.to_screen(t.manifold[static_cast<size_t>(j) * res + i]); };
  for (int j = 0; j + 1 < res; ++j) {
    for (int i = 0; i + 1 < res; ++i) {
      draw->AddQuadFilled(p(i, j), p(i + 1, j), p(i + 1, j + 1), p(i, j + 1),
                          IM_COL32(c[0], c[1], c[2], alpha(density[j * (res - 1) + i])));
    }
  }
  const ImU32 line = IM_COL32(c[0], c[1], c[2], 110);
  for (int j = 0; j < res; ++j) {
    for (int i = 0; i + 1 < res; ++i) {
      draw->AddLine(p(i, j), p(i + 1, j), line, 1.0f);
      draw->AddLine(p(j, i), p(j, i + 1), line, 1.0f);
    }
  }
}

void draw_arrows(ImDrawList* draw, const Mapper& m, const ToyView& t, int count, float scale,
                 float side) {
  const int n = std::min<int>({count, static_cast<int>(t.fake.size()),
                               static_cast<int>(t.arrows.size())});
  if (n <= 0) return;
  // Arrow length: the 90th-percentile gradient norm becomes 7% of the plot side (times scale).
  std::vector<float> norms;
  norms.reserve(n);
  for (int i = 0; i < n; ++i) {
    const float g = std::hypot(t.arrows[i].x, t.arrows[i].y);
    if (std::isfinite(g)) norms.push_back(g);
  }
  if (norms.empty()) return;
  const size_t k = norms.size() * 9 / 10;
  std::nth_element(norms.begin(), norms.begin() + static_cast<long>(k), norms.end());
  const float ref = norms[k];
  if (!(ref > 0.0f)) return;
  const float px_per_unit = 0.07f * side * scale / ref;
  for (int i = 0; i < n; ++i) {
    const ImVec2 a = m.to_screen(t.fake[i]);
    ImVec2 d(t.arrows[i].x * px_per_unit, -t.arrows[i].y * px_per_unit);
    const float len = std::hypot(d.x, d.y);
    if (!std::isfinite(len) || len < 1.0f) continue;
    if (len > 0.25f * side) d = ImVec2(d.x * 0.25f * side / len, d.y * 0.25f * side / len);
    const ImVec2 b(a.x + d.x, a.y + d.y);
    draw->AddLine(a, b, kArrowColor, 1.2f);
    const float l = std::hypot(d.x, d.y), hx = d.x / l, hy = d.y / l, head = std::min(5.0f, 0.4f * l);
    draw->AddTriangleFilled(b, ImVec2(b.x - head * (hx + 0.5f * hy), b.y - head * (hy - 0.5f * hx)),
                            ImVec2(b.x - head * (hx - 0.5f * hy), b.y - head * (hy + 0.5f * hx)),
                            kArrowColor);
  }
}

void draw_legend(ImDrawList* draw, const ToyView& t, ImVec2 min, ImVec2 max) {
  const int segments = 32;
  const float h = (max.y - min.y) / segments;
  for (int i = 0; i < segments; ++i) {
    const float t_top = 1.0f - float(i) / segments, t_bottom = 1.0f - float(i + 1) / segments;
    const ImU32 top = rgba(toy_heat_color(t_top)), bottom = rgba(toy_heat_color(t_bottom));
    draw->AddRectFilledMultiColor(ImVec2(min.x, min.y + i * h), ImVec2(max.x, min.y + (i + 1) * h),
                                  top, top, bottom, bottom);
  }
  draw->AddRect(min, max, IM_COL32(120, 120, 120, 255));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  char buf[32];
  const auto label = [&](float frac, const char* s) {
    const float y = max.y - frac * (max.y - min.y) - 0.5f * ImGui::GetTextLineHeight();
    draw->AddText(ImVec2(max.x + 4, y), text, s);
  };
  if (t.heat_is_probability) {
    label(1.0f, "1 real");
    label(0.5f, "0.5");
    label(0.0f, "0 fake");
  } else {
    std::snprintf(buf, sizeof buf, "%.3g real", t.heat_hi);
    label(1.0f, buf);
    std::snprintf(buf, sizeof buf, "%.3g", 0.5f * (t.heat_lo + t.heat_hi));
    label(0.5f, buf);
    std::snprintf(buf, sizeof buf, "%.3g fake", t.heat_lo);
    label(0.0f, buf);
  }
  const char* title = t.heat_is_probability ? "D(x)" : "D score";
  draw->AddText(ImVec2(min.x, min.y - ImGui::GetTextLineHeightWithSpacing()), text, title);
}

void draw_ticks(ImDrawList* draw, const Mapper& m) {
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text, 0.75f);
  const ImU32 tick = IM_COL32(0, 0, 0, 40);
  char buf[32];
  for (double v : nice_ticks(m.box.min_x, m.box.max_x, 6)) {
    const ImVec2 s = m.to_screen({static_cast<float>(v), m.box.min_y});
    draw->AddLine(ImVec2(s.x, m.min.y), ImVec2(s.x, m.max.y), tick);
    std::snprintf(buf, sizeof buf, "%g", v);
    draw->AddText(ImVec2(s.x - 0.5f * ImGui::CalcTextSize(buf).x, m.max.y + 2), text, buf);
  }
  for (double v : nice_ticks(m.box.min_y, m.box.max_y, 6)) {
    const ImVec2 s = m.to_screen({m.box.min_x, static_cast<float>(v)});
    draw->AddLine(ImVec2(m.min.x, s.y), ImVec2(m.max.x, s.y), tick);
    std::snprintf(buf, sizeof buf, "%g", v);
    draw->AddText(ImVec2(m.min.x - ImGui::CalcTextSize(buf).x - 3, s.y - 0.5f * ImGui::GetTextLineHeight()),
                  text, buf);
  }
}

// The distribution picker: "custom" starts painting, another distribution trains from scratch.
void draw_distribution_combo(View& view, const ToyView& t, bool& painting) {
  const std::vector<std::string> names = toy2d_names();
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("grid25").x + ui_px(40));
  if (ImGui::BeginCombo("##dist", t.dataset.c_str())) {
    for (const std::string& n : names) {
      if (ImGui::Selectable(n.c_str(), n == t.dataset)) {
        if (n == "custom") {
          painting = true;  // custom trains on painted points: Apply sends them
        } else if (n != t.dataset) {
          view.send(Command::set(ParamId::kDataset, {0.0, n}));
          view.send(Command::of(Command::Kind::kReset));
        }
      }
      if (ImGui::IsItemHovered()) {
        if (auto k = parse_toy2d(n)) ImGui::SetTooltip("%s", toy2d_spec(*k).definition);
      }
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", t.definition.c_str());
  probe_item("distribution");
}

// What the plot shows: real, generated, D heatmap, G arrows, manifold.
void draw_layer_toggles(ToyPanel& panel) {
  // Rows of toggles and buttons wrap in a narrow panel instead of running off its edge.
  const std::pair<const char*, bool*> layers[] = {{"real", &panel.show_real},
                                                  {"generated", &panel.show_fake},
                                                  {"D heatmap", &panel.show_heat},
                                                  {"G arrows", &panel.show_arrows},
                                                  {"manifold", &panel.show_manifold}};
  for (const auto& [label, flag] : layers) {
    flow_next(checkbox_width(label));
    ImGui::Checkbox(label, flag);
    probe_item(label);
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("G applied to a regular grid of noise (dims 1-2), shaded by the density of "
                      "its output: dark where G packs noise mass into a small area.");
  }
}

// D step, G step, Iteration and the slow-motion widget.
void draw_update_buttons(View& view, ParamEdit& slow_edit) {
  if (ImGui::Button("D step")) view.send(Command::toy_update(false));
  probe_item("D step");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One discriminator update (pauses training).");
  flow_next(button_width("G step"));
  if (ImGui::Button("G step")) view.send(Command::toy_update(true));
  probe_item("G step");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One generator update (pauses training).");
  flow_next(button_width("Iteration"));
  if (ImGui::Button("Iteration")) view.send(Command::of(Command::Kind::kStep, 1));
  probe_item("Iteration");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("d_steps D updates then g_steps G updates.");
  flow_next(ui_px(110) + checkbox_width(param_spec(ParamId::kSlowMotion).key));
  ImGui::SetNextItemWidth(ui_px(110));
  live_param_widget(view, ParamId::kSlowMotion, slow_edit);
}

// The paint toggle and, while painting, Apply (trains on the points) and Clear.
void draw_paint_controls(View& view, bool& painting, std::vector<Point2>& painted) {
  flow_next(checkbox_width("paint"));
  ImGui::Checkbox("paint", &painting);
  probe_item("paint");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Drag in the plot to paint points; Apply trains on them (dataset custom).");
  }
  if (painting) {
    char apply[48];
    std::snprintf(apply, sizeof apply, "Apply %zu##apply", painted.size());
    flow_next(button_width(apply));
    ImGui::BeginDisabled(painted.empty());
    if (ImGui::Button(apply)) {
      view.send(Command::toy_paint(painted));
      painting = false;
    }
    ImGui::EndDisabled();
    probe_item("Apply");
    flow_next(button_width("Clear"));
    if (ImGui::Button("Clear")) painted.clear();
    probe_item("Clear");
  }
}

// What just happened (wrapped at spaces: a number is never split over two lines). Its height
// only grows while the width stays, so slow motion's captions do not make the plot jump.
void draw_caption(const ToyView& t, float& caption_width, float& caption_height) {
  const std::string caption =
      !t.caption.empty()
          ? t.caption
          : strformat("%s, G %s / D %s; %lld D and %lld G updates. Wheel: zoom, drag: pan, "
                      "double-click: home.",
                      t.loss_name.c_str(), t.optimizer_g.c_str(), t.optimizer_d.c_str(),
                      static_cast<long long>(t.d_updates), static_cast<long long>(t.g_updates));
  const ImVec4 color = t.caption.empty() ? ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled)
                       : t.phase == ToyPhase::kDiscriminator ? ImVec4(0.55f, 0.85f, 0.6f, 1.0f)
                                                             : ImVec4(0.85f, 0.65f, 1.0f, 1.0f);
  const float width = ImGui::GetContentRegionAvail().x;
  if (width != caption_width) caption_width = width, caption_height = 0.0f;
  const float top = ImGui::GetCursorPosY();
  text_wrapped(caption, color);
  caption_height = std::max(caption_height, ImGui::GetCursorPosY() - top);
  ImGui::SetCursorPosY(top + caption_height);
}

// Where the square plot goes in the space left: `origin` is the cursor, [min, max] the plot.
struct PlotPlace {
  ImVec2 origin, min, max;
  float side = 0.0f;
};

PlotPlace place_plot() {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float label_w = ImGui::CalcTextSize("-0.00").x + ui_px(6);
  const float legend_w = ImGui::CalcTextSize("-0.000 fake").x + ui_px(32);
  PlotPlace place;
  place.side = std::max(ui_px(60), std::min(avail.x - label_w - legend_w,
                                            avail.y - ImGui::GetTextLineHeightWithSpacing() - 4));
  place.origin = ImGui::GetCursorScreenPos();
  place.min = ImVec2(place.origin.x + label_w, place.origin.y + 2);
  place.max = ImVec2(place.min.x + place.side, place.min.y + place.side);
  return place;
}

// The plot item's mouse: the wheel zooms, a drag pans (right, middle, or left when not
// painting), a double-click goes home, and a left drag paints.
void handle_plot_mouse(ToyPanel& panel, const ToyView& t, const Mapper& m, bool hovered) {
  Box2& box = panel.box;
  std::vector<Point2>& painted = panel.painted;
  ImGuiIO& io = ImGui::GetIO();
  if (hovered && io.MouseWheel != 0.0f) {
    box = zoom_box(box, std::pow(0.85f, io.MouseWheel), m.to_data(io.MousePos));
  }
  // Not in the frame the press arrived: its mouse delta is the move to the plot, not a drag.
  const bool pan_drag = ImGui::IsItemActive() && !ImGui::IsItemActivated() &&
                        (ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0.0f) ||
                         ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 0.0f) ||
                         (!panel.painting && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)));
  if (pan_drag) {
    const float u = m.units_per_pixel();
    box = pan_box(box, -io.MouseDelta.x * u, io.MouseDelta.y * u);
  }
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && !panel.painting) {
    box = t.data_box;
  }
  if (panel.painting && ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    const Point2 p = m.to_data(io.MousePos);
    const float spacing = 0.02f * (box.max_x - box.min_x);
    if (painted.empty() ||
        std::hypot(p.x - painted.back().x, p.y - painted.back().y) >= spacing) {
      painted.push_back(p);
    }
  }
}

// The heatmap covers what is visible: tell the trainer when the box changed (at most ~10 Hz
// while dragging, always when the drag ends).
void send_view_box(View& view, const Box2& box, Box2& sent, double& sent_time) {
  const double now = ImGui::GetTime();
  const bool moved = box.min_x != sent.min_x || box.min_y != sent.min_y ||
                     box.max_x != sent.max_x || box.max_y != sent.max_y;
  if (moved && (!ImGui::IsItemActive() || now - sent_time > 0.1)) {
    view.send(Command::toy_view(box));
    sent = box;
    sent_time = now;
  }
}

// D's heatmap over the box it was rendered for.
void draw_heatmap(ImDrawList* draw, View& view, const Mapper& m, const ToyView& t, bool show_heat) {
  if (show_heat && t.heat_box.valid() && view.toy_heat_texture().width() > 0) {
    const ImVec2 a = m.to_screen({t.heat_box.min_x, t.heat_box.max_y});
    const ImVec2 b = m.to_screen({t.heat_box.max_x, t.heat_box.min_y});
    draw->AddImage(texture_id(view.toy_heat_texture()), a, b);
  }
}

// The manifold, the generated and real points, G's arrows and the painted points.
void draw_points(ImDrawList* draw, ToyPanel& panel, const Mapper& m, const ToyView& t, float side) {
  if (panel.show_manifold) {
    // The mesh changes a few times a second, not per frame.
    if (panel.density_version != t.version) {
      panel.density = manifold_density(t.manifold, t.manifold_res, t.noise_dim, t.noise_uniform);
      panel.density_version = t.version;
    }
    draw_manifold(draw, m, t, panel.density);
  }
  const float r = std::clamp(side / 220.0f, 1.5f, 3.0f);
  // Generated points first: real points (tight clusters) stay visible where G covers them. A
  // dot is a small square (4 vertices; an anti-aliased circle takes 18, and thousands of dots a
  // frame made the software rasterizer's vertex work the lab's largest cost).
  const auto dot = [&](const Point2& p, ImU32 color) {
    const ImVec2 c = m.to_screen(p);
    draw->AddRectFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), color);
  };
  if (panel.show_fake) {
    for (const Point2& p : t.fake) dot(p, rgba(kToyFakeColor, 190));
  }
  if (panel.show_real) {
    for (const Point2& p : t.real) dot(p, rgba(kToyRealColor, 230));
  }
  if (panel.show_arrows) draw_arrows(draw, m, t, panel.arrow_count, panel.arrow_scale, side);
  for (const Point2& p : panel.painted) {
    draw->AddCircleFilled(m.to_screen(p), r + 1.0f, kPaintColor, 8);
  }
}

// Right of the plot [pmin, pmax]: the heatmap's scale (when shown), then what the dots are.
void draw_legends(ImDrawList* draw, const ToyView& t, ImVec2 pmin, ImVec2 pmax, float side,
                  bool show_heat) {
  if (show_heat) {
    const ImVec2 lmin(pmax.x + 10, pmin.y + ImGui::GetTextLineHeightWithSpacing() + 4);
    draw_legend(draw, t, lmin, ImVec2(lmin.x + 14, std::min(pmax.y, lmin.y + 0.6f * side)));
  }
  const float y =
      std::min(pmax.y, pmin.y + ImGui::GetTextLineHeightWithSpacing() + 4 + 0.6f * side) + 12;
  const float lh = ImGui::GetTextLineHeightWithSpacing();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  draw->AddCircleFilled(ImVec2(pmax.x + 14, y + 0.5f * lh), 4.0f, rgba(kToyRealColor), 8);
  draw->AddText(ImVec2(pmax.x + 22, y), text, "real");
  draw->AddCircleFilled(ImVec2(pmax.x + 14, y + 1.5f * lh), 4.0f, rgba(kToyFakeColor), 8);
  draw->AddText(ImVec2(pmax.x + 22, y + lh), text, "G(z)");
}

}  // namespace

void ToyPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("2D GAN", area)) return;
  const Snapshot& snap = view.snapshot();
  const ToyView& t = snap.toy;
  if (!t.active) {
    ImGui::TextDisabled("no 2D experiment");
    ImGui::End();
    return;
  }
  if (t.dataset != view_dataset || !box.valid()) {  // a new distribution: its home view
    view_dataset = t.dataset;
    box = t.data_box;
  }

  // Row 1: the distribution and the layers.
  draw_distribution_combo(view, t, painting);
  draw_layer_toggles(*this);
  // Row 2: single updates, slow motion, painting.
  draw_update_buttons(view, slow_edit);
  draw_paint_controls(view, painting, painted);
  // Row 3: what just happened.
  draw_caption(t, caption_width, caption_height);

  // The plot: square, with room for y labels on the left, x labels below and the legend right.
  const PlotPlace place = place_plot();
  const ImVec2 pmin = place.min, pmax = place.max;
  ImGui::SetCursorScreenPos(pmin);
  ImGui::InvisibleButton("##toy_plot", ImVec2(place.side, place.side),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                             ImGuiButtonFlags_MouseButtonMiddle);
  probe_item("plot");
  const bool hovered = ImGui::IsItemHovered();
  plot_rect = ImRect(pmin, pmax);
  Mapper m{box, pmin, pmax};
  handle_plot_mouse(*this, t, m, hovered);
  m.box = box;
  send_view_box(view, box, sent, sent_time);

  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(pmin, pmax, IM_COL32(250, 250, 250, 255));
  draw->PushClipRect(pmin, pmax, true);
  draw_heatmap(draw, view, m, t, show_heat);
  draw_ticks(draw, m);
  draw_points(draw, *this, m, t, place.side);
  draw->PopClipRect();
  draw->AddRect(pmin, pmax, IM_COL32(110, 110, 110, 255));
  draw_legends(draw, t, pmin, pmax, place.side, show_heat);
  if (hovered) {
    const Point2 p = m.to_data(ImGui::GetIO().MousePos);
    ImGui::SetTooltip("(%.2f, %.2f)", p.x, p.y);
  }
  ImGui::SetCursorScreenPos(
      ImVec2(place.origin.x, pmax.y + ImGui::GetTextLineHeightWithSpacing() + 2));
  ImGui::Dummy(ImVec2(1, 1));
  ImGui::End();
}

void ModesPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Modes", area)) return;
  const ToyView& t = view.snapshot().toy;
  if (t.modes_total > 0) {
    ImGui::Text("modes covered %d / %d    HQ %.1f %%", t.modes_covered, t.modes_total,
                t.hq_percent);
  } else {
    ImGui::Text("%s has no discrete modes", t.dataset.c_str());
  }
  text_wrapped(strformat("KL %.3f    JS %.3f    (%d samples, step %lld)", t.kl, t.js,
                         t.eval_samples, static_cast<long long>(t.metrics_step)));
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("KL(real || generated) and Jensen-Shannon (nats, at most ln 2 = 0.693) of "
                      "50x50 histograms over the home view.");
  }
  if (t.modes_total > 0) {
    text_wrapped_disabled(strformat("HQ: within 3 sigma = %.2f of the nearest centre; a mode is "
                                    "covered with >= 1 HQ sample",
                                    3.0 * t.mode_sigma));
    text_wrapped_disabled(
        strformat("share of all samples per mode (ideal %.1f %% each)", 100.0 / t.modes_total));
    shares.resize(t.mode_share.size());
    for (size_t i = 0; i < shares.size(); ++i) shares[i] = static_cast<float>(100.0 * t.mode_share[i]);
    bar_chart("##mode_share", shares.data(), static_cast<int>(shares.size()), kGreen,
              ImVec2(0, std::max(ui_px(60), ImGui::GetContentRegionAvail().y - 4)), "", "%");
  }
  ImGui::End();
}

void ModeMetricsPanel::draw(View& view, const PanelSlot& area) {
  if (!begin_panel("Mode metrics", area)) return;
  const ToyView& t = view.snapshot().toy;
  const MetricSeries* modes = view.series("modes_covered");
  const MetricSeries* hq = view.series("hq_percent");
  const MetricSeries* kl = view.series("kl");
  const MetricSeries* js = view.series("js");
  if (!kl || kl->empty()) {
    ImGui::TextDisabled("no steps yet");
    ImGui::End();
    return;
  }
  plot.marker_step = history_marker_step(view);
  const int rows = t.modes_total > 0 ? 3 : 1;
  const float h = std::max(ui_px(50), (ImGui::GetContentRegionAvail().y - 4) / rows -
                                      ImGui::GetTextLineHeightWithSpacing() - 4);
  if (t.modes_total > 0) {
    ImGui::TextDisabled("modes covered (of %d)", t.modes_total);
    LinePlotOptions o = plot;
    // A little room above the top value, so full coverage is not drawn on the frame.
    o.fixed_y = true, o.y_min = -0.03 * t.modes_total, o.y_max = 1.06 * t.modes_total;
    o.y_format = "%.0f", o.height = h;
    const PlotLine line{"modes", modes, kGreen};
    metric_plot(view, "##modes", &line, 1, o);
    ImGui::TextDisabled("high-quality samples (%%)");
    o.y_min = -3.0, o.y_max = 106.0;
    const PlotLine hq_line{"HQ %", hq, kBlue};
    metric_plot(view, "##hq", &hq_line, 1, o);
  }
  ImGui::TextDisabled("KL(real || generated) and JS, nats");
  LinePlotOptions o = plot;
  o.height = h;
  const PlotLine lines[] = {{"KL", kl, kOrange}, {"JS", js, kBlue}};
  metric_plot(view, "##div", lines, 2, o);
  ImGui::End();
}

}  // namespace genscope
