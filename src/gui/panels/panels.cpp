#include "gui/panels/panels.h"

#include <algorithm>
#include <cmath>

#include "gui/param_widgets.h"
#include "util/strings.h"

namespace genscope {

bool begin_panel(const char* title, const PanelSlot& slot) {
  ImGui::SetNextWindowPos(slot.rect.Min, slot.cond);
  ImGui::SetNextWindowSize(slot.rect.GetSize(), slot.cond);
  if (slot.cond == ImGuiCond_Always && !slot.keep_collapsed) {
    ImGui::SetNextWindowCollapsed(false, ImGuiCond_Always);
  }
  if (ImGui::Begin(slot.title ? slot.title : title, slot.open)) return true;
  ImGui::End();
  return false;
}

std::string shown_char(const std::string& c, bool dot_space) {
  if (c == "\n") return "\xE2\x86\xB5";
  if (c == "\t") return "\xE2\x86\x92";
  if (c == " ") return dot_space ? "\xC2\xB7" : " ";
  const unsigned char a = c.empty() ? 0 : static_cast<unsigned char>(c[0]);
  if (c.size() == 1 && (a < 0x20 || a == 0x7F)) return a == 0x7F ? "^?" : std::string("^") + char('@' + a);
  if (c.size() == 2 && a == 0xC2 && static_cast<unsigned char>(c[1]) < 0xA0) {  // U+0080..U+009F
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c[1]));
    return buf;
  }
  return c;
}

std::string quoted_char(const std::string& c) {
  if (c == "\n") return "line break";
  if (c == "\t") return "tab";
  if (c == " ") return "space";
  return "'" + shown_char(c) + "'";
}

double history_marker_step(View& view) {
  const HistoryUi& h = view.history();
  if (!h.live && !h.text.entries.empty()) {  // a text model's samples
    const std::size_t i = std::min<std::size_t>(std::max(h.index, 0), h.text.entries.size() - 1);
    return double(h.text.entries[i].sampled.step);
  }
  if (h.live || h.history.empty()) return -1.0;
  const std::size_t i = std::min<std::size_t>(std::max(h.index, 0), h.history.size() - 1);
  return double(h.history.at(i).step);
}

GridTiles grid_tiles(int width, int height, int cols, int rows, int pad) {
  GridTiles g;
  g.width = width, g.height = height, g.pad = static_cast<float>(pad);
  if (cols > 0) {
    g.cols = cols;
    g.tile = std::max(ui_px(1), float(width - (cols + 1) * pad) / cols);
    g.rows = std::max(1, static_cast<int>(std::lround((height - pad) / (g.tile + pad))));
  } else {
    g.rows = std::max(rows, 1);
    g.tile = std::max(ui_px(1), float(height - (g.rows + 1) * pad) / g.rows);
    g.cols = std::max(1, static_cast<int>(std::lround((width - pad) / (g.tile + pad))));
  }
  return g;
}

int GridTiles::tile_at(ImVec2 p, const ImRect& rect) const {
  if (!rect.Contains(p) || width <= 0 || height <= 0) return -1;
  const float x = (p.x - rect.Min.x) / rect.GetWidth() * width - 0.5f * pad;
  const float y = (p.y - rect.Min.y) / rect.GetHeight() * height - 0.5f * pad;
  const int col = std::clamp(static_cast<int>(x / (tile + pad)), 0, cols - 1);
  const int row = std::clamp(static_cast<int>(y / (tile + pad)), 0, rows - 1);
  return row * cols + col;
}

void GridTiles::uv(int index, ImVec2& uv0, ImVec2& uv1) const {
  const float x = pad + (index % cols) * (tile + pad), y = pad + (index / cols) * (tile + pad);
  uv0 = ImVec2(x / width, y / height);
  uv1 = ImVec2((x + tile) / width, (y + tile) / height);
}

ImRect GridTiles::screen_rect(int index, const ImRect& rect) const {
  ImVec2 uv0, uv1;
  uv(index, uv0, uv1);
  const ImVec2 size = rect.GetSize();
  return ImRect(ImVec2(rect.Min.x + uv0.x * size.x, rect.Min.y + uv0.y * size.y),
                ImVec2(rect.Min.x + uv1.x * size.x, rect.Min.y + uv1.y * size.y));
}

ImRect image_fit(const char* id, const TextureRef& texture, ImVec2 avail, float max_scale) {
  if (texture.width() == 0 || texture.height() == 0) return ImRect();
  const float fit = std::min(avail.x / texture.width(), avail.y / texture.height());
  const float scale = std::clamp(fit, 0.25f, max_scale);
  const ImVec2 size(texture.width() * scale, texture.height() * scale);
  ImGui::InvisibleButton(id, size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const ImRect rect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  ImGui::GetWindowDrawList()->AddImage(texture_id(texture), rect.Min, rect.Max);
  return rect;
}

float shared_item_width(const char* const* labels, int count, float extra) {
  const ImGuiStyle& style = ImGui::GetStyle();
  float taken = extra + style.ItemSpacing.x * (count - 1);
  for (int i = 0; i < count; ++i)
    taken += ImGui::CalcTextSize(labels[i]).x + style.ItemInnerSpacing.x;
  return std::max(ui_px(40), (ImGui::GetContentRegionAvail().x - taken) / std::max(count, 1));
}

void live_param_widget(View& view, ParamId id, ParamEdit& edit, ParamLabel label) {
  const ParamSpec& spec = param_spec(id);
  ImGui::PushID(static_cast<int>(id));
  const Snapshot& snap = view.snapshot();
  if (param_widget(spec, snap.pending.value(id), snap.commands_done, edit, label)) {
    param_sent(edit, view.send(Command::set(id, edit.value)));
  }
  ImGui::PopID();
}

void flow_next(float width) {
  const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
  if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

std::string wrap_words(const std::string& text, float width) {
  std::string out, line;
  std::size_t start = 0;
  const auto flush_word = [&](const std::string& word) {
    const std::string joined = line.empty() ? word : line + " " + word;
    if (!line.empty() && ImGui::CalcTextSize(joined.c_str()).x > width) {
      out += line + "\n";
      line = word;
    } else {
      line = joined;
    }
  };
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(" \n", start);
    if (end == std::string::npos) end = text.size();
    flush_word(text.substr(start, end - start));
    if (end < text.size() && text[end] == '\n') {
      out += line + "\n";
      line.clear();
    }
    start = end + 1;
  }
  return out + line;
}

void text_wrapped(const std::string& text, ImVec4 color) {
  const std::string wrapped = wrap_words(text, ImGui::GetContentRegionAvail().x);
  if (color.w > 0.0f) ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextUnformatted(wrapped.c_str());
  if (color.w > 0.0f) ImGui::PopStyleColor();
}

void text_wrapped_disabled(const std::string& text) {
  text_wrapped(text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
}

std::string run_state_text(View& view) {
  if (!view.has_snapshot()) return "starting";
  const Snapshot& s = view.snapshot();
  const std::optional<bool> pending = view.pause_pending();
  const RecordingStatus& rec = view.recorder().status;
  if (!s.running) return "not running";
  if (pending) return *pending ? "pausing after this step..." : "resuming...";
  if (rec.active && rec.lockstep) {
    return strformat("recording: %d steps per frame", rec.steps_per_frame);
  }
  if (s.paused && s.steps_left > 0) return "stepping";
  return s.paused ? "paused" : "training";
}

ModelFamily snapshot_family(const Snapshot& snap) {
  if (snap.is_toy) return ModelFamily::kToy;
  if (snap.is_text) return ModelFamily::kText;
  return snap.is_gan ? ModelFamily::kImageGan : ModelFamily::kVae;
}

float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2.0f * ImGui::GetStyle().FramePadding.x;
}

float checkbox_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
         ImGui::CalcTextSize(label, nullptr, true).x;
}

void metric_plot(View& view, const char* id, const PlotLine* lines, int count,
                 LinePlotOptions options, const char* const* metrics) {
  const std::vector<PlotLine> all = view.plot_lines(lines, count, options, metrics);
  line_plot(id, all.data(), static_cast<int>(all.size()), options);
}

}  // namespace genscope
