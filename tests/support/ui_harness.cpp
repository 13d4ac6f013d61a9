#include "support/ui_harness.h"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "app/window.h"
#include "record/png.h"
#include "render/gl_objects.h"

// Every ImGui item of a frame: ImGui::ItemAdd is wrapped at link time
// (-Wl,--wrap=_ZN5ImGui7ItemAddERK6ImRectjPS1_i), the hook Dear ImGui's own test engine uses
// (IMGUI_ENABLE_TEST_ENGINE), which Debian's libimgui is built without.
namespace {
std::vector<genscope::test::FrameItem>* g_items = nullptr;
}

extern "C" bool __real__ZN5ImGui7ItemAddERK6ImRectjPS1_i(const ImRect& bb, ImGuiID id,
                                                         const ImRect* nav_bb, ImGuiItemFlags flags);
extern "C" bool __wrap__ZN5ImGui7ItemAddERK6ImRectjPS1_i(const ImRect& bb, ImGuiID id,
                                                         const ImRect* nav_bb, ImGuiItemFlags flags) {
  const bool visible = __real__ZN5ImGui7ItemAddERK6ImRectjPS1_i(bb, id, nav_bb, flags);
  if (g_items) {
    const ImGuiWindow* w = ImGui::GetCurrentWindow();
    genscope::test::FrameItem item;
    item.id = id;
    item.rect = bb;
    item.window = w->Name;
    item.window_clip = w->ClipRect;
    item.visible = visible;
    item.scrolls_x = w->ScrollbarX;
    const ImGuiTable* table = GImGui->CurrentTable;
    item.table_header = table && (table->RowFlags & ImGuiTableRowFlags_Headers);
    g_items->push_back(std::move(item));
  }
  return visible;
}

namespace genscope::test {
namespace {

constexpr float kDt = 1.0f / 60.0f;

std::string utf8(unsigned c) {
  std::string out;
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
  return out;
}

std::string describe(const ImRect& r) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "[%.0f,%.0f - %.0f,%.0f]", r.Min.x, r.Min.y, r.Max.x, r.Max.y);
  return buf;
}

}  // namespace

UiHarness::UiHarness(int width, int height, float scale, const std::string& ini_path,
                     UiRenderer renderer)
    : renderer_(renderer), width_(width), height_(height) {
  if (has_gl()) {
    WindowOptions o;
    o.visible = false;
    o.width = 64;
    o.height = 64;
    auto w = Window::open(o);
    if (!w) {
      error_ = w.error();
      return;
    }
    window_ = std::move(*w);
  }
  GuiOptions options;
  options.scale = scale > 0.0f ? scale : 1.0f;
  options.ini_path = ini_path;
  options.render = has_gl();
  gui_ = std::make_unique<Gui>(options);
  ImGuiIO& io = ImGui::GetIO();
  // The GLFW backend's key map: shortcuts read GLFW key codes.
  const std::pair<ImGuiKey_, int> keys[] = {
      {ImGuiKey_Tab, GLFW_KEY_TAB},         {ImGuiKey_LeftArrow, GLFW_KEY_LEFT},
      {ImGuiKey_RightArrow, GLFW_KEY_RIGHT}, {ImGuiKey_UpArrow, GLFW_KEY_UP},
      {ImGuiKey_DownArrow, GLFW_KEY_DOWN},   {ImGuiKey_PageUp, GLFW_KEY_PAGE_UP},
      {ImGuiKey_PageDown, GLFW_KEY_PAGE_DOWN}, {ImGuiKey_Home, GLFW_KEY_HOME},
      {ImGuiKey_End, GLFW_KEY_END},           {ImGuiKey_Insert, GLFW_KEY_INSERT},
      {ImGuiKey_Delete, GLFW_KEY_DELETE},     {ImGuiKey_Backspace, GLFW_KEY_BACKSPACE},
      {ImGuiKey_Space, GLFW_KEY_SPACE},       {ImGuiKey_Enter, GLFW_KEY_ENTER},
      {ImGuiKey_Escape, GLFW_KEY_ESCAPE},     {ImGuiKey_KeyPadEnter, GLFW_KEY_KP_ENTER},
      {ImGuiKey_A, GLFW_KEY_A},               {ImGuiKey_C, GLFW_KEY_C},
      {ImGuiKey_V, GLFW_KEY_V},               {ImGuiKey_X, GLFW_KEY_X},
      {ImGuiKey_Y, GLFW_KEY_Y},               {ImGuiKey_Z, GLFW_KEY_Z}};
  for (const auto& [imgui_key, glfw_key] : keys) io.KeyMap[imgui_key] = glfw_key;
  probe_.attach();
}

std::unique_ptr<UiHarness> UiHarness::without_gl(int width, int height, float scale,
                                                 const std::string& ini_path) {
  return std::make_unique<UiHarness>(width, height, scale, ini_path, UiRenderer::kNone);
}

UiHarness::~UiHarness() {
  g_items = nullptr;
  if (gui_) probe_.detach();
  gui_.reset();
  window_.reset();
}

void UiHarness::frame() {
  ImGuiIO& io = ImGui::GetIO();
  gui_->begin_frame_input(width_, height_, kDt, [&] {
    io.MousePos = mouse_;
    for (int i = 0; i < 3; ++i) io.MouseDown[i] = down_[i];
    io.MouseWheel = wheel_;
    io.KeyCtrl = ctrl_;
    io.KeyShift = shift_;
    std::fill(std::begin(io.KeysDown), std::end(io.KeysDown), false);
    io.KeysDown[GLFW_KEY_LEFT_CONTROL] = ctrl_;
    io.KeysDown[GLFW_KEY_LEFT_SHIFT] = shift_;
    if (key_down_ >= 0) io.KeysDown[key_down_] = true;
    if (char_) io.AddInputCharacter(char_);
  });
  wheel_ = 0.0f;
  char_ = 0;
  probe_.clear();
  items_.clear();
  g_items = &items_;
  if (draw) draw();
  g_items = nullptr;
  if (has_gl()) {  // the frame is rendered into the hidden window (what it shows is not read)
    glViewport(0, 0, 64, 64);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
  }
  scroll_x_clips_.clear();
  for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
    if (w->Active && w->ScrollbarX) scroll_x_clips_.push_back(w->InnerClipRect);
  }
  gui_->end_frame();
  collect_glyphs();
  if (after_frame) after_frame();
}

void UiHarness::frames(int n) {
  for (int i = 0; i < n; ++i) frame();
}

void UiHarness::move(ImVec2 p) {
  mouse_ = p;
  frame();
}

void UiHarness::press(int button) {
  down_[button] = true;
  frame();
}

void UiHarness::release(int button) {
  down_[button] = false;
  frame();
}

void UiHarness::click(ImVec2 p, int button) {
  move(p);
  press(button);
  release(button);
  frame();  // what the click opened (a popup appears a frame later)
}

void UiHarness::ctrl_click(ImVec2 p) {
  set_ctrl(true);
  click(p);
  set_ctrl(false);
  frame();
}

void UiHarness::double_click(ImVec2 p) {
  click(p);
  press();
  release();
}

void UiHarness::drag_hold(ImVec2 from, ImVec2 to, int steps, int button) {
  move(from);
  press(button);
  for (int i = 1; i <= steps; ++i) {
    const float t = float(i) / steps;
    move(ImVec2(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t));
  }
}

void UiHarness::drag(ImVec2 from, ImVec2 to, int steps, int button) {
  drag_hold(from, to, steps, button);
  release(button);
}

void UiHarness::wheel(ImVec2 p, float amount) {
  mouse_ = p;
  wheel_ = amount;
  frame();
}

void UiHarness::set_ctrl(bool down) { ctrl_ = down; }

void UiHarness::key(int glfw_key, bool ctrl, bool shift) {
  ctrl_ = ctrl;
  shift_ = shift;
  key_down_ = glfw_key;
  frame();
  key_down_ = -1;
  frame();
  ctrl_ = shift_ = false;
}

void UiHarness::type(const std::string& text) {
  for (unsigned char c : text) {
    char_ = c;
    frame();
  }
}

void UiHarness::replace_text(const std::string& text) {
  key(GLFW_KEY_A, /*ctrl=*/true);
  type(text);
  key(GLFW_KEY_ENTER);
}

ProbedItem UiHarness::item(const std::string& name) const {
  const ProbedItem* it = probe_.find(name);
  if (!it) {
    std::string known;
    for (const ProbedItem& p : probe_.items()) known += " " + p.name;
    ADD_FAILURE() << "no widget named " << name << " in the last frame; drawn:" << known;
    return ProbedItem{};
  }
  return *it;
}

ImVec2 UiHarness::center(const std::string& name) const {
  const ProbedItem it = item(name);
  return ImVec2(0.5f * (it.min.x + it.frame_max.x), 0.5f * (it.min.y + it.max.y));
}

ImVec2 UiHarness::slider_point(const std::string& name, double r, double int_range) const {
  const ProbedItem it = item(name);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float padding = 2.0f;
  const float size = (it.frame_max.x - it.min.x) - 2.0f * padding;
  float grab = style.GrabMinSize;
  if (int_range > 0) grab = std::max(float(size / (int_range + 1)), style.GrabMinSize);
  grab = std::min(grab, size);
  const float x = it.min.x + padding + 0.5f * grab + float(r) * (size - grab);
  return ImVec2(x, 0.5f * (it.min.y + it.max.y));
}

std::vector<uint8_t> UiHarness::pixels() const {
  if (!has_gl()) {
    ADD_FAILURE() << "UiHarness::pixels() needs GL: this harness was made without_gl() (no "
                  << "context, no pixels); use the GL harness (gl_tests)";
    return {};
  }
  auto fbo = Framebuffer::create(width_, height_);
  if (!fbo) return {};
  fbo->bind();
  glViewport(0, 0, width_, height_);
  glClearColor(0.05f, 0.05f, 0.06f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  std::vector<uint8_t> rgba(size_t(width_) * height_ * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  Framebuffer::bind_default();
  // Rows come bottom-up: flip them.
  const size_t row = size_t(width_) * 4;
  for (size_t top = 0, bottom = size_t(height_) - 1; top < bottom; ++top, --bottom)
    std::swap_ranges(rgba.begin() + top * row, rgba.begin() + (top + 1) * row,
                     rgba.begin() + bottom * row);
  return rgba;
}

bool UiHarness::screenshot(const std::string& path) const {
  if (!has_gl()) {
    ADD_FAILURE() << "UiHarness::screenshot(" << path << ") needs GL: this harness was made "
                  << "without_gl() (no context, no pixels); use the GL harness (gl_tests)";
    return false;
  }
  const std::vector<uint8_t> rgba = pixels();
  return !rgba.empty() && write_png_rgba(path, width_, height_, rgba.data(), width_ * 4).ok();
}

void UiHarness::collect_glyphs() {
  glyphs_.clear();
  ImDrawData* data = ImGui::GetDrawData();
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (!data) return;
  // Glyphs by their texture rectangle.
  std::map<std::pair<int, int>, const ImFontGlyph*> by_uv;
  std::vector<const ImFontGlyph*> all;
  const float tw = float(atlas->TexWidth), th = float(atlas->TexHeight);
  for (const ImFont* font : atlas->Fonts) {
    for (const ImFontGlyph& g : font->Glyphs) {
      if (!g.Visible) continue;
      by_uv[{int(std::lround(g.U0 * tw)), int(std::lround(g.V0 * th))}] = &g;
      all.push_back(&g);
    }
  }
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback || cmd.TextureId != atlas->TexID) continue;
      const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
      const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
      const ImRect clip(cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w);
      for (unsigned k = 0; k + 6 <= cmd.ElemCount;) {
        const ImDrawIdx a = idx[k];
        const bool quad = idx[k + 1] == a + 1 && idx[k + 2] == a + 2 && idx[k + 3] == a &&
                          idx[k + 4] == a + 2 && idx[k + 5] == a + 3;
        if (!quad) {
          k += 3;
          continue;
        }
        const ImDrawVert& tl = vtx[a];
        const ImDrawVert& br = vtx[a + 2];
        const int u = int(std::lround(tl.uv.x * tw)), v = int(std::lround(tl.uv.y * th));
        const ImFontGlyph* glyph = nullptr;
        bool cut = false;
        auto found = by_uv.find({u, v});
        if (found != by_uv.end() && std::fabs(found->second->U1 - br.uv.x) * tw < 0.5f) {
          glyph = found->second;
        } else {  // a glyph cut by CPU clipping: its uv rectangle lies inside the glyph's
          for (const ImFontGlyph* g : all) {
            if (tl.uv.x >= g->U0 - 1e-6f && br.uv.x <= g->U1 + 1e-6f && tl.uv.y >= g->V0 - 1e-6f &&
                br.uv.y <= g->V1 + 1e-6f && g->U1 > g->U0) {
              glyph = g;
              cut = true;
              break;
            }
          }
        }
        if (glyph) {
          FrameGlyph fg;
          fg.codepoint = glyph->Codepoint;
          fg.rect = ImRect(tl.pos, br.pos);
          // Text drawn at another size (AddText with a font size) scales the glyph's metrics.
          const float scale = !cut && glyph->X1 > glyph->X0
                                  ? (br.pos.x - tl.pos.x) / (glyph->X1 - glyph->X0)
                                  : 1.0f;
          fg.line_y = cut ? tl.pos.y : tl.pos.y - glyph->Y0 * scale;
          fg.origin_x = tl.pos.x - (cut ? 0.0f : glyph->X0 * scale);
          fg.advance = glyph->AdvanceX * scale;
          fg.clip = clip;
          fg.cut = cut;
          fg.list = l;
          fg.draw_list = list;
          glyphs_.push_back(fg);
        }
        k += 6;
      }
    }
  }
}

namespace {

// Orders glyphs line by line (popups, drawn last, first when `popups_first`), left to right.
void sort_lines(std::vector<const FrameGlyph*>& glyphs, bool popups_first) {
  std::stable_sort(glyphs.begin(), glyphs.end(), [&](const FrameGlyph* a, const FrameGlyph* b) {
    if (popups_first && a->list != b->list) return a->list > b->list;
    if (std::fabs(a->line_y - b->line_y) > 1.0f) return a->line_y < b->line_y;
    return a->rect.Min.x < b->rect.Min.x;
  });
}

bool same_line(const FrameGlyph* a, const FrameGlyph* b) {
  return a->list == b->list && std::fabs(a->line_y - b->line_y) <= 1.0f;
}

}  // namespace

std::string UiHarness::text_in(const ImRect& rect) const {
  std::vector<const FrameGlyph*> in;
  for (const FrameGlyph& g : glyphs_) {
    const ImVec2 c = g.rect.GetCenter();
    if (rect.Contains(c) && g.clip.Contains(c)) in.push_back(&g);
  }
  return text_of(in);
}

std::string UiHarness::own_text(const std::string& window) const {
  const ImGuiWindow* target = ImGui::FindWindowByName(window.c_str());
  if (!target) return "";
  std::vector<const ImDrawList*> lists;
  for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
    if (w->Active && (w == target || w->RootWindow == target)) lists.push_back(w->DrawList);
  }
  std::vector<const FrameGlyph*> in;
  for (const FrameGlyph& g : glyphs_) {
    if (g.clip.Contains(g.rect.GetCenter()) &&
        std::find(lists.begin(), lists.end(), g.draw_list) != lists.end()) {
      in.push_back(&g);
    }
  }
  return text_of(in);
}

std::string UiHarness::text_of(const std::vector<const FrameGlyph*>& glyphs) const {
  std::vector<const FrameGlyph*> in = glyphs;
  const float line = ImGui::GetFontSize();
  sort_lines(in, false);
  std::string out;
  const FrameGlyph* prev = nullptr;
  for (const FrameGlyph* g : in) {
    if (prev) {
      if (!same_line(g, prev)) {
        out += "\n";
      } else if (g->origin_x - (prev->origin_x + prev->advance) > 0.2f * line) {
        out += " ";  // a space (spaces draw no glyph): the pen moved on without drawing
      }
    }
    out += utf8(g->codepoint);
    prev = g;
  }
  return out;
}

std::string UiHarness::window_text(const std::string& window) const {
  const ImGuiWindow* w = ImGui::FindWindowByName(window.c_str());
  return w ? text_in(w->Rect()) : std::string();
}

ImRect UiHarness::find_text(const std::string& text, bool whole_line) const {
  // Group glyphs into lines, then search each line's string and map back to the glyphs.
  const float line = ImGui::GetFontSize();
  std::vector<const FrameGlyph*> sorted;
  for (const FrameGlyph& g : glyphs_) {
    if (g.clip.Contains(g.rect.GetCenter())) sorted.push_back(&g);
  }
  sort_lines(sorted, /*popups_first=*/true);
  std::string s;
  std::vector<int> owner;  // glyph index of each byte of s, -1 for inserted spaces/newlines
  const FrameGlyph* prev = nullptr;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const FrameGlyph* g = sorted[i];
    if (prev) {
      if (!same_line(g, prev)) {
        s += "\n", owner.push_back(-1);
      } else if (g->origin_x - (prev->origin_x + prev->advance) > 0.2f * line) {
        s += " ", owner.push_back(-1);
      }
    }
    const std::string c = utf8(g->codepoint);
    s += c;
    for (std::size_t k = 0; k < c.size(); ++k) owner.push_back(int(i));
    prev = g;
  }
  std::size_t at = std::string::npos;
  if (whole_line) {
    for (std::size_t start = 0; start <= s.size();) {
      std::size_t end = s.find('\n', start);
      if (end == std::string::npos) end = s.size();
      if (s.compare(start, end - start, text) == 0 && end - start == text.size()) {
        at = start;
        break;
      }
      start = end + 1;
    }
  } else {
    at = s.find(text);
  }
  if (at == std::string::npos) return ImRect();
  ImRect r(ImVec2(FLT_MAX, FLT_MAX), ImVec2(-FLT_MAX, -FLT_MAX));
  for (std::size_t k = at; k < at + text.size(); ++k) {
    if (owner[k] >= 0) r.Add(sorted[owner[k]]->rect);
  }
  return r;
}

std::vector<std::string> UiHarness::layout_problems() const {
  std::vector<std::string> out;
  const float tolerance = 0.5f;
  const auto contains = [&](const ImRect& outer, const ImRect& inner) {
    return inner.Min.x >= outer.Min.x - 1.5f && inner.Min.y >= outer.Min.y - tolerance &&
           inner.Max.x <= outer.Max.x + 1.5f && inner.Max.y <= outer.Max.y + tolerance;
  };
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const FrameItem& a = items_[i];
    // Separators (1 pixel high) span the whole window on purpose.
    if (!a.visible || a.rect.GetWidth() <= 0 || a.rect.GetHeight() <= 1.5f) continue;
    // (Wrapped text may report a pixel more than its wrap width: its glyphs are checked below.)
    const bool outside = a.rect.Max.x > a.window_clip.Max.x + 1.5f || a.rect.Min.x < a.window_clip.Min.x - 1.5f;
    if (outside && !a.scrolls_x && !a.table_header) {
      out.push_back(a.window + ": an item " + describe(a.rect) + " sticks out of its window " +
                    describe(a.window_clip) + ": \"" + text_in(a.rect) + "\"");
    }
    for (std::size_t j = i + 1; j < items_.size(); ++j) {
      const FrameItem& b = items_[j];
      if (!b.visible || b.window != a.window || b.rect.GetWidth() <= 0 ||
          b.rect.GetHeight() <= 1.5f)
        continue;
      // A container (a table, a group) holds its items.
      if (contains(a.rect, b.rect) || contains(b.rect, a.rect)) continue;
      const float w = std::min(a.rect.Max.x, b.rect.Max.x) - std::max(a.rect.Min.x, b.rect.Min.x);
      const float h = std::min(a.rect.Max.y, b.rect.Max.y) - std::max(a.rect.Min.y, b.rect.Min.y);
      if (w > tolerance && h > tolerance) {
        out.push_back(a.window + ": \"" + text_in(a.rect) + "\" " + describe(a.rect) +
                      " overlaps \"" + text_in(b.rect) + "\" " + describe(b.rect));
      }
    }
  }
  for (const FrameGlyph& g : glyphs_) {
    const bool sideways = g.rect.Min.x < g.clip.Min.x - tolerance ||
                          g.rect.Max.x > g.clip.Max.x + tolerance;
    const bool inside_vertically = g.rect.Min.y >= g.clip.Min.y - tolerance &&
                                   g.rect.Max.y <= g.clip.Max.y + tolerance;
    // (Text cut at the side of a window that scrolls sideways can be scrolled into view.)
    const bool scrolls = std::any_of(scroll_x_clips_.begin(), scroll_x_clips_.end(),
                                     [&](const ImRect& r) { return contains(r, g.clip); });
    if ((sideways || g.cut) && inside_vertically && !scrolls) {
      // Name the text around the cut glyph: its line, in the same clip rectangle.
      std::vector<const FrameGlyph*> line;
      for (const FrameGlyph& o : glyphs_) {
        if (o.list == g.list && std::fabs(o.line_y - g.line_y) <= 1.0f && o.clip.Min.x == g.clip.Min.x &&
            o.clip.Max.x == g.clip.Max.x)
          line.push_back(&o);
      }
      std::sort(line.begin(), line.end(),
                [](const FrameGlyph* a, const FrameGlyph* b) { return a->rect.Min.x < b->rect.Min.x; });
      std::string text;
      for (const FrameGlyph* o : line) text += utf8(o->codepoint);
      out.push_back("text cut at " + describe(g.clip) + ": \"" + text + "\" (at '" +
                    utf8(g.codepoint) + "')");
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace genscope::test
