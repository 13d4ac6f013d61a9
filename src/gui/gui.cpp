#include "gui/gui.h"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "gui/damage_renderer.h"
#include "gui/plot_textures.h"

namespace genscope {
namespace {

constexpr float kBaseFontPixels = 14.0f;
// DejaVu Sans (Debian's fonts-dejavu-core): Latin, Greek (beta), arrows and punctuation.
const char* const kFontPaths[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"};
const ImWchar kGlyphRanges[] = {
    0x0020, 0x00FF,  // Basic Latin, Latin-1 (x, degree, micro)
    0x0370, 0x03FF,  // Greek (beta, lambda)
    0x2010, 0x2044,  // dashes, quotes, ellipsis
    0x2190, 0x21FF,  // arrows
    0x2212, 0x2212,  // minus
    0xFFFD, 0xFFFD,  // the replacement character (text models' rare characters)
    0};

// The font atlas's texture id when no renderer uploads it: no texture has this id (the stub
// texture backend and GL hand out small numbers), so draw commands of text stay distinct from
// images in the draw data.
const ImTextureID kNoRendererFontTexture = reinterpret_cast<ImTextureID>(~uintptr_t(0));

// Renders the lists of `data` for which `keep` is true.
template <typename Keep>
void render_lists(ImDrawData* data, Keep keep) {
  std::vector<ImDrawList*> lists;
  ImDrawData part = *data;
  part.TotalIdxCount = part.TotalVtxCount = 0;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    if (!keep(data->CmdLists[i])) continue;
    lists.push_back(data->CmdLists[i]);
    part.TotalIdxCount += data->CmdLists[i]->IdxBuffer.Size;
    part.TotalVtxCount += data->CmdLists[i]->VtxBuffer.Size;
  }
  if (lists.empty()) return;
  part.CmdLists = lists.data();
  part.CmdListsCount = int(lists.size());
  ImGui_ImplOpenGL3_RenderDrawData(&part);
}

// The [genscope][Layout] section of the layout file.
void* settings_open(ImGuiContext*, ImGuiSettingsHandler* handler, const char* name) {
  return std::strcmp(name, "Layout") == 0 ? handler->UserData : nullptr;
}

void settings_line(ImGuiContext*, ImGuiSettingsHandler*, void* entry, const char* line) {
  auto* layout = static_cast<LayoutSettings*>(entry);
  int i = 0;
  float a = 0, b = 0, c = 0, d = 0;
  char name[128];
  const auto share = [](float v) { return std::isfinite(v) && v >= -1.0f && v <= 2.0f; };
  const auto pixels = [](float v) { return std::isfinite(v) && v >= 100.0f && v <= 100000.0f; };
  if (std::sscanf(line, "custom=%d", &i) == 1) {
    layout->custom = i != 0;
  } else if (std::sscanf(line, "size=%f,%f", &a, &b) == 2) {
    if (pixels(a) && pixels(b)) layout->width = a, layout->height = b;
  } else if (std::sscanf(line, "rect=%127[^,],%f,%f,%f,%f", name, &a, &b, &c, &d) == 5) {
    if (share(a) && share(b) && share(c) && share(d) && c - a > 0.01f && d - b > 0.01f) {
      layout->rects[name] = ImRect(a, b, c, d);
    }
  } else if (std::sscanf(line, "ui_scale=%f", &a) == 1) {
    layout->ui_scale = std::isfinite(a) && a >= 0.5f && a <= 4.0f ? a : 0.0f;
  } else if (std::sscanf(line, "hidden=%127[^\n]", name) == 1) {
    layout->hidden[name] = true;
  }
}

void settings_write(ImGuiContext*, ImGuiSettingsHandler* handler, ImGuiTextBuffer* out) {
  const auto* layout = static_cast<const LayoutSettings*>(handler->UserData);
  out->appendf("[%s][Layout]\n", handler->TypeName);
  out->appendf("custom=%d\nsize=%.0f,%.0f\nui_scale=%.3f\n", layout->custom ? 1 : 0, layout->width,
               layout->height, layout->ui_scale);
  for (const auto& [name, hidden] : layout->hidden) {
    if (hidden) out->appendf("hidden=%s\n", name.c_str());
  }
  for (const auto& [name, r] : layout->rects) {
    out->appendf("rect=%s,%.5f,%.5f,%.5f,%.5f\n", name.c_str(), r.Min.x, r.Min.y, r.Max.x, r.Max.y);
  }
  out->append("\n");
}

}  // namespace

float auto_ui_scale(float content_scale, float logical_width, float logical_height) {
  if (!(content_scale > 0.0f) || !std::isfinite(content_scale)) content_scale = 1.0f;
  const float size = std::clamp(std::min(logical_width / 1600.0f, logical_height / 900.0f), 1.0f,
                                2.0f);
  return std::round(content_scale * size * 8.0f) / 8.0f;
}

std::string default_ini_path() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/genscope/layout.ini";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.config/genscope/layout.ini";
  }
  return {};
}

Gui::Gui(GLFWwindow* window, GuiOptions options)
    : context_(ImGui::CreateContext()), window_(window) {
  const DamageMode damage = options.damage;
  init(std::move(options));
  ImGui_ImplGlfw_InitForOpenGL(window, /*install_callbacks=*/true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  set_damage_tracking(DamageRenderer::wanted(damage, /*window=*/true));
  attach_plot_textures();
}

Gui::Gui(GuiOptions options) : context_(ImGui::CreateContext()) {
  render_ = options.render;
  const DamageMode damage = options.damage;
  init(std::move(options));
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(-1e6f, -1e6f);  // no mouse: nothing hovers
  if (render_) {
    ImGui_ImplOpenGL3_Init("#version 330 core");
    set_damage_tracking(DamageRenderer::wanted(damage, /*window=*/false));
    attach_plot_textures();
  } else {
    // What the OpenGL backend declares, so the draw data are split the same way.
    io.BackendRendererName = "genscope (no renderer)";
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  }
}

void Gui::init(GuiOptions options) {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // loaded and saved by load/save_layout (atomically)
  io.LogFilename = nullptr;
  ini_path_ = std::move(options.ini_path);
  clear_color_ = options.clear_color;
  ImGuiSettingsHandler handler;
  handler.TypeName = "genscope";
  handler.TypeHash = ImHashStr("genscope");
  handler.ReadOpenFn = settings_open;
  handler.ReadLineFn = settings_line;
  handler.WriteAllFn = settings_write;
  handler.UserData = &layout_;
  context_->SettingsHandlers.push_back(handler);
  if (!ini_path_.empty()) {
    std::ifstream in(ini_path_, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      const std::string ini = text.str();
      ImGui::LoadIniSettingsFromMemory(ini.data(), ini.size());
    }
  }
  requested_scale_ = options.scale > 0.0f ? options.scale : layout_.ui_scale;
  build_fonts(requested_scale_ > 0.0f ? requested_scale_ : 1.0f);
}

Gui::~Gui() {
  save_layout();
  damage_.reset();  // its framebuffer, while the GL context is still there
  plot_textures_.reset();
  if (render_) ImGui_ImplOpenGL3_Shutdown();
  if (window_) ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext(context_);
}

void Gui::build_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  const float pixels = std::round(kBaseFontPixels * scale);
  ImFont* font = nullptr;
  for (const char* path : kFontPaths) {
    if (std::filesystem::exists(path)) {
      font = io.Fonts->AddFontFromFileTTF(path, pixels, &config, kGlyphRanges);
      if (font) break;
    }
  }
  if (!font) {  // ImGui's own bitmap font, scaled: blocky, but every character is there
    ImFontConfig fallback;
    fallback.SizePixels = std::round(13.0f * scale);
    io.Fonts->AddFontDefault(&fallback);
  }
  if (!render_) {
    build_cpu_font_atlas();
  } else if (scale_ > 0.0f) {  // the device objects exist: replace the font texture
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    if (damage_) damage_->invalidate();  // every glyph may have moved in the atlas
  }
  apply_style(scale);
  scale_ = scale;
}

void Gui::build_cpu_font_atlas() {
  // ImGui::NewFrame needs a built atlas; the renderer backend would build it when it uploads.
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  atlas->GetTexDataAsRGBA32(&pixels, &width, &height);
  atlas->SetTexID(kNoRendererFontTexture);
}

void Gui::set_scale(float scale) {
  requested_scale_ = scale > 0.0f ? std::clamp(scale, 0.5f, 4.0f) : 0.0f;
  if (layout_.ui_scale != requested_scale_) {
    layout_.ui_scale = requested_scale_;
    layout_changed();
  }
}

void Gui::prepare_frame(float display_w, float display_h) {
  float content = 1.0f;
  if (window_) {
    float sx = 1.0f, sy = 1.0f;
    glfwGetWindowContentScale(window_, &sx, &sy);
    content = std::max(sx, sy);
  }
  const float want = requested_scale_ > 0.0f
                         ? requested_scale_
                         : auto_ui_scale(content, display_w / content, display_h / content);
  if (std::fabs(want - scale_) > 1e-3f) build_fonts(want);
}

void Gui::begin_frame(const std::function<void()>& input) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  const ImGuiIO& io = ImGui::GetIO();
  prepare_frame(io.DisplaySize.x, io.DisplaySize.y);
  if (input) input();
  ImGui::NewFrame();
}

void Gui::begin_frame(int width, int height, float dt) {
  begin_frame_input(width, height, dt, nullptr);
}

void Gui::begin_frame_input(int width, int height, float dt, const std::function<void()>& input) {
  if (render_) ImGui_ImplOpenGL3_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(float(width), float(height));
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  io.DeltaTime = dt > 0.0f ? dt : 1.0f / 60.0f;
  prepare_frame(float(width), float(height));
  if (input) input();
  ImGui::NewFrame();
}

void Gui::set_damage_tracking(bool on) {
  if (!on || !render_) {
    damage_.reset();
    return;
  }
  if (damage_) return;
  DamageTarget target = DamageTarget::kOwnFramebuffer;
  if (window_) {  // patch the back buffer itself where swapping keeps it: no copy per frame
    GLFWwindow* window = window_;
    if (DamageRenderer::back_buffer_kept([window] { glfwSwapBuffers(window); })) {
      target = DamageTarget::kBackBuffer;
    }
  }
  damage_ = std::make_unique<DamageRenderer>(clear_color_, target);
}

void Gui::attach_plot_textures() {
  plot_textures_ = std::make_unique<PlotTextures>(make_gl_texture_backend());
  plot_textures_->attach();
}

void Gui::end_frame(const ImDrawList* held_back) {
  if (plot_textures_) plot_textures_->collect();
  ImGui::Render();  // without a renderer the draw data simply stay in ImGui::GetDrawData()
  held_back_ = render_ ? held_back : nullptr;
  if (render_) render_frame(held_back);
  if (ImGui::GetIO().WantSaveIniSettings) save_layout();
}

void Gui::render_frame(const ImDrawList* held_back) {
  ImDrawData* data = ImGui::GetDrawData();
  if (damage_ && damage_->render(data, held_back)) return;
  if (damage_) {
    damage_.reset();  // no framebuffer of its own: render whole frames from now on
    glClearColor(clear_color_.x, clear_color_.y, clear_color_.z, clear_color_.w);
    glClear(GL_COLOR_BUFFER_BIT);  // the caller left that to the damage renderer
  }
  if (!held_back) {
    ImGui_ImplOpenGL3_RenderDrawData(data);
  } else {
    render_lists(data, [&](const ImDrawList* l) { return l != held_back; });
  }
}

void Gui::render_held_back() {
  if (!held_back_) return;
  const ImDrawList* held = held_back_;
  held_back_ = nullptr;
  render_lists(ImGui::GetDrawData(), [&](const ImDrawList* l) { return l == held; });
  if (damage_) damage_->drawn_over(*held);  // on a kept back buffer: gone again next frame
}

void Gui::layout_changed() { ImGui::MarkIniSettingsDirty(); }

void Gui::save_layout() {
  ImGuiIO& io = ImGui::GetIO();
  io.WantSaveIniSettings = false;
  if (ini_path_.empty()) return;
  size_t size = 0;
  const char* text = ImGui::SaveIniSettingsToMemory(&size);
  std::error_code ec;
  const std::filesystem::path path(ini_path_);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const std::string tmp = ini_path_ + "." + std::to_string(getpid()) + ".tmp";  // one per window
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;  // a read-only config dir: the layout is simply not kept
    out.write(text, std::streamsize(size));
    if (!out) return;
  }
  std::filesystem::rename(tmp, path, ec);
}

void apply_style(float scale) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 3.0f;
  style.FrameRounding = 2.0f;
  style.GrabRounding = 2.0f;
  style.WindowPadding = ImVec2(8, 6);
  style.ItemSpacing = ImVec2(6, 4);
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.0f);
  style.Colors[ImGuiCol_TitleBgActive] = ImVec4(0.16f, 0.22f, 0.34f, 1.0f);
  style.ScaleAllSizes(scale);
}

}  // namespace genscope
